/*
 * An engine that watches a history file (memscope watch) instead of
 * training, so the whole visualizer draws a run started elsewhere.
 *
 * The worker owns the follower (history_follow.h) and a history per run of
 * the file (history.h, decimated as the training engine's are); it polls
 * the file every WATCH_POLL_MS, sleeping on the engine's condition
 * variable in between (so a key, quit included, wakes it at once), and
 * publishes through the same slot and pipe as the training engine
 * (engine_publish.c's discipline: fill the back snapshot alone, swap under
 * slot_mu). The snapshot is read-only: runs with curves and no model.
 *
 * State: RUNNING while rows keep coming, PAUSED (the message says "idle")
 * when the file has not grown for WATCH_IDLE_S seconds or is not there
 * yet. A bad row stops the following, with the message on the message
 * line; what was read stays drawn. Runs past SNAPSHOT_MAX_RUNS are not
 * shown (the message says so).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine_impl.h"
#include "memscope/clock.h"
#include "memscope/history_follow.h"
#include "memscope/xmalloc.h"

#define WATCH_POLL_MS 200
#define WATCH_IDLE_S 5.0

struct engine_watch {
	struct history_follow f;
	char name[128];		/* the file as the status shows it */
	int nruns;
	int file_run[SNAPSHOT_MAX_RUNS];	/* the file's run numbers */
	struct history hist[SNAPSHOT_MAX_RUNS];
	long step[SNAPSHOT_MAX_RUNS];
	bool visible[SNAPSHOT_MAX_RUNS];
	int focus;
	bool dropped;		/* a run past the list's room was seen */
	bool failed;		/* a bad row: following stopped */
	double grew;		/* when rows last came (clock_seconds) */
	double rate_time;	/* the focused run's rate, measured since */
	long rate_step;
	double sps;
};

void
engine_watch_free(struct engine_watch *w)
{
	for (int i = 0; i < SNAPSHOT_MAX_RUNS; i++)
		history_free(&w->hist[i]);
	history_follow_free(&w->f);
	free(w);
}

/* The follower's sink: a row into its run's history. */
static void
watch_row(void *ctx, const struct history_row *row)
{
	struct engine_watch *w = ctx;
	int i;

	for (i = 0; i < w->nruns && w->file_run[i] != row->run; i++)
		;
	if (i == w->nruns) {
		if (w->nruns == SNAPSHOT_MAX_RUNS) {
			w->dropped = true;
			return;
		}
		w->file_run[i] = row->run;
		w->visible[i] = true;
		history_reset(&w->hist[i]);
		w->step[i] = 0;
		w->nruns++;
	}
	history_record_point(&w->hist[i], (double)row->step, row->train,
	    row->test);
	w->step[i] = row->step;
}

/* The follower's sink: the file starts over. */
static void
watch_reset(void *ctx)
{
	struct engine_watch *w = ctx;

	for (int i = 0; i < w->nruns; i++)
		history_reset(&w->hist[i]);
	w->nruns = 0;
	w->focus = 0;
	w->dropped = false;
}

/* Read what the file gained; whether anything changed. */
static bool
watch_poll(struct engine *e)
{
	struct engine_watch *w = e->watch;
	struct history_follow_sink sink = { watch_row, watch_reset, w };
	long restarts = w->f.restarts, rows = 0, r;
	bool present = w->f.present;
	char err[512];

	if (w->failed)
		return false;
	do {
		if ((r = history_follow_poll(&w->f, &sink, err,
		    sizeof err)) < 0) {
			w->failed = true;
			engine_message(e, true, "%s; following stopped", err);
			return true;
		}
		rows += r;
	} while (w->f.more && !atomic_load(&e->pending));
	if (w->f.restarts != restarts)
		engine_message(e, false, "%s started over (truncated or "
		    "replaced): reading it again", w->name);
	else if (w->f.present != present)
		engine_message(e, false, w->f.present ? "following %s" :
		    "waiting for %s", w->name);
	if (rows > 0)
		w->grew = clock_seconds();
	return rows > 0 || w->f.restarts != restarts ||
	    w->f.present != present;
}

/* A command: quit, or focus and visibility of the runs drawn; anything
 * else would change training, which is not here. Whether to quit. */
static bool
watch_do(struct engine *e, const struct engine_qitem *it)
{
	struct engine_watch *w = e->watch;

	switch (it->cmd) {
	case ENGINE_CMD_QUIT:
		return true;
	case ENGINE_CMD_RUN_FOCUS:
		if (w->nruns > 0)
			w->focus = ((w->focus + (it->arg < 0 ? -1 : 1) *
			    it->count) % w->nruns + w->nruns) % w->nruns;
		break;
	case ENGINE_CMD_RUN_VISIBLE:
		if (w->nruns > 0 && it->count % 2 == 1)
			w->visible[w->focus] = !w->visible[w->focus];
		break;
	case ENGINE_CMD_TRACE_TASK:
	case ENGINE_CMD_TRACE_FOLLOW:
		break;	/* the step-through has no model to trace */
	default:
		engine_message(e, true, "read-only: watching %s", w->name);
		break;
	}
	return false;
}

/* Run i of the file as snapshot run sr. */
static void
watch_publish_run(const struct engine_watch *w, int i, bool idle,
    struct snapshot_run *sr)
{
	sr->id = i + 1;
	sr->style = i;
	snprintf(sr->label, sizeof sr->label, "run %d", w->file_run[i]);
	snprintf(sr->label_ascii, sizeof sr->label_ascii, "run %d",
	    w->file_run[i]);
	sr->visible = w->visible[i];
	sr->reference = false;
	config_defaults(&sr->cfg);	/* not in the file */
	sr->state = idle ? ENGINE_PAUSED : ENGINE_RUNNING;
	sr->step = w->step[i];
	sr->target = w->step[i];
	history_curve(&w->hist[i], &sr->hist);
	sr->nmarks = 0;
	snapshot_run_set_layers(sr, 1);
	sr->test_step = -1;
	snapshot_series_reset(&sr->coef);
}

/* Fill the back snapshot and swap it into the slot. */
static void
watch_publish(struct engine *e)
{
	struct engine_watch *w = e->watch;
	struct snapshot *s = e->back;
	double now = clock_seconds();
	bool idle = !w->f.present || w->failed || now - w->grew >=
	    WATCH_IDLE_S;
	long step = w->nruns > 0 ? w->step[w->focus] : 0;

	if (now - w->rate_time >= 1.0 || step < w->rate_step) {
		w->sps = step >= w->rate_step && w->rate_time > 0 ?
		    (step - w->rate_step) / (now - w->rate_time) : 0;
		w->rate_time = now;
		w->rate_step = step;
	}
	s->seq = ++e->seq;
	s->run = w->nruns;
	s->nruns = w->nruns;
	s->focus = w->focus;
	s->model_run = w->focus;
	for (int i = 0; i < w->nruns; i++)
		watch_publish_run(w, i, idle, &s->runs[i]);
	s->read_only = true;
	snprintf(s->source, sizeof s->source, "%s", w->name);
	config_defaults(&s->cfg);
	s->kappa = 1;
	s->state = w->nruns == 0 ? ENGINE_STARTING : idle ? ENGINE_PAUSED :
	    ENGINE_RUNNING;
	s->step = step;
	s->target = step;
	s->steps_per_sec = idle ? 0 : w->sps;
	s->speed_cap = 0;
	snprintf(s->message, sizeof s->message, "%s", e->message);
	s->message_error = e->message_error;
	s->message_seq = e->message_seq;
	if (!w->f.present)
		snprintf(s->busy, sizeof s->busy, "waiting for the file");
	else
		s->busy[0] = '\0';
	s->commands = e->commands;
	s->have_baselines = false;
	engine_publish_swap(e);
}

/* The worker: commands, then the file, every WATCH_POLL_MS. */
static void *
watch_main(void *arg)
{
	struct engine *e = arg;
	struct engine_watch *w = e->watch;
	struct engine_qitem it;
	struct timespec ts;
	bool quit = false, dirty, was_idle = false, idle;

	watch_publish(e);
	pthread_mutex_lock(&e->mu);
	while (!quit) {
		dirty = false;
		while (!quit && engine_queue_pop(e, &it)) {
			pthread_mutex_unlock(&e->mu);
			quit = watch_do(e, &it);
			e->commands += (unsigned long)it.count;
			dirty = true;
			pthread_mutex_lock(&e->mu);
		}
		if (quit)
			break;
		atomic_store(&e->pending, 0);
		pthread_mutex_unlock(&e->mu);
		dirty |= watch_poll(e);
		idle = !w->f.present || clock_seconds() - w->grew >=
		    WATCH_IDLE_S;
		if (idle && !was_idle && w->f.present && !w->failed)
			engine_message(e, false, "idle: %s has not grown for "
			    "%g s", w->name, WATCH_IDLE_S);
		dirty |= idle != was_idle;
		was_idle = idle;
		if (dirty || clock_seconds() - e->last_publish >= 1.0)
			watch_publish(e);
		pthread_mutex_lock(&e->mu);
		if (e->qlen > 0 || (w->f.more && !w->failed))
			continue;
		engine_abstime(&ts, clock_seconds() + WATCH_POLL_MS * 1e-3);
		pthread_cond_timedwait(&e->cv, &e->mu, &ts);
	}
	pthread_mutex_unlock(&e->mu);
	return NULL;
}

/* An engine that follows the history CSV at path. */
struct engine *
engine_create_watch(const char *path, const struct engine_opts *opts,
    char *err, size_t errlen)
{
	struct engine *e = engine_alloc(err, errlen);
	struct engine_watch *w;
	struct history_follow_sink sink;
	const char *base = strrchr(path, '/');

	if (e == NULL)
		return NULL;
	if (opts != NULL)
		e->opts = *opts;
	e->publish_ms = e->opts.publish_ms > 0 ? e->opts.publish_ms : 30;
	w = e->watch = xcalloc(1, sizeof *w);
	for (int i = 0; i < SNAPSHOT_MAX_RUNS; i++)
		history_init(&w->hist[i]);
	history_follow_init(&w->f, path);
	snprintf(w->name, sizeof w->name, "%s", base != NULL && base[1] !=
	    '\0' ? base + 1 : path);
	e->worker = watch_main;
	e->paused = true;
	/* the first read here: a file that is not a history is bad input */
	sink.row = watch_row;
	sink.reset = watch_reset;
	sink.ctx = w;
	if (history_follow_poll(&w->f, &sink, err, errlen) < 0) {
		engine_free(e);
		return NULL;
	}
	w->grew = clock_seconds();
	engine_message(e, false, w->f.present ? "watching %s (read-only)" :
	    "waiting for %s", w->name);
	return e;
}
