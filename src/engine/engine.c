/*
 * The training engine thread.
 *
 * Threads: the worker owns the trainer, its history and its private ("back")
 * snapshot; the UI owns its "front" snapshot and curses. They share only
 *   - the command queue (e->mu, e->cv): the UI appends and signals; the
 *     worker pops a command, drops the lock while carrying it out, and
 *     sleeps on the condition variable when paused (no polling) or until the
 *     next step is due under a speed cap;
 *   - the snapshot slot (e->slot_mu): three snapshots rotate, and neither
 *     thread ever waits for the other's copying (engine_publish.c).
 *
 * Commands (engine_queue.c): the queue grows as needed, so no key is ever
 * dropped; a key repeated while the worker is busy may be merged into the
 * queue's last entry, with the same effect. engine_cmd.c carries them out.
 *
 * Stepping: while running, the worker steps in bursts until the next
 * publication is due (~30 ms) or a command is pending. Test losses are
 * evaluated at a publication when the time since the last evaluation is at
 * least fifty times what an evaluation takes, which bounds their cost to
 * about 2% of training time whatever the model's size; they are forced at
 * pauses, the end of a run and changes of data.
 *
 * Interruption: `pending` (an atomic flag, raised by engine_send) is the
 * trainer's cancel flag, so a step, a test evaluation, a batch draw or the
 * baselines stop within one task's work when a key arrives, and an
 * interrupted one leaves the run exactly as it was (trainer.h): the
 * worker carries the command out and does the work again from its start.
 * An uninterrupted run is therefore the same bits as before. The set-up of
 * a run (drawing its batches, the forced test, the baselines) is done here
 * in the worker, a piece at a time between commands (engine_catch_up), so
 * engine_create returns at once and the UI draws while it goes on; the
 * snapshot's `busy` says what is under way.
 *
 * History (history.h): every step's loss in full, and the curve the
 * screens draw, decimated as it grows.
 *
 * What the screens draw is computed here and published (engine_publish.c),
 * the step-through trace of the task the UI selected included
 * (engine_trace.c): the UI thread computes nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine_impl.h"
#include "memscope/clock.h"
#include "memscope/xmalloc.h"

static const int engine_speeds[] = { 1, 2, 5, 10, 20, 50, 100, 200, 500,
    1000, 0 };
#define ENGINE_NSPEEDS ((int)(sizeof engine_speeds / sizeof engine_speeds[0]))

/* The speed caps, slowest first; 0 is unlimited. */
int
engine_speed_cap(int level)
{
	if (level < 0)
		level = 0;
	if (level >= ENGINE_NSPEEDS)
		level = ENGINE_NSPEEDS - 1;
	return engine_speeds[level];
}

int
engine_speed_levels(void)
{
	return ENGINE_NSPEEDS;
}

/* The data conditioning after cfg's in the cycle. */
void
engine_next_data(const struct ms_config *cfg, struct ms_config *next)
{
	*next = *cfg;
	switch (cfg->data) {
	case MS_DATA_ISO:
		if (cfg->dim == 5) {
			next->data = MS_DATA_PAPER;
			return;
		}
		next->data = MS_DATA_KAPPA;
		next->kappa = 10;
		return;
	case MS_DATA_PAPER:
		next->data = MS_DATA_KAPPA;
		next->kappa = 10;
		return;
	case MS_DATA_KAPPA:
		if (cfg->kappa < 10) {
			next->kappa = 10;
			return;
		}
		if (cfg->kappa < 100) {
			next->kappa = 100;
			return;
		}
		if (cfg->kappa < 1000) {
			next->kappa = 1000;
			return;
		}
		next->data = MS_DATA_ISO;
		return;
	}
}

/* The status line's message, printf-style. */
void
engine_message(struct engine *e, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->message, sizeof e->message, fmt, ap);
	va_end(ap);
	e->message_error = error;
}

/* ---- evaluation ---- */

/* Evaluate the test batch now; false if a command interrupted it. */
static bool
engine_test_run(struct engine *e)
{
	double start = clock_seconds(), now;

	if (trainer_test(e->t, e->layer_mse) != 0)
		return false;
	e->test_step = e->t->step;
	now = clock_seconds();
	e->test_dur = now - start;
	e->last_test_end = now;
	history_record_test(&e->hist, (double)e->t->step,
	    e->layer_mse[e->t->cfg.layers - 1]);
	return true;
}

/* A test evaluation at this step, unless it is not forced and not cheap
 * enough yet; a forced one that a command interrupts is owed to
 * engine_catch_up (made before the next step). */
void
engine_test(struct engine *e, bool force)
{
	if (e->test_step == e->t->step)
		return;
	if (!force && clock_seconds() - e->last_test_end < 50 * e->test_dur)
		return;
	if (!engine_test_run(e) && force)
		e->test_due = true;
}

/* The classical methods on the current test batch, for k = 0..L; false if
 * a command interrupted them. */
static bool
engine_baselines(struct engine *e)
{
	struct baseline_table tab;
	int b, L = e->t->cfg.layers;

	memset(&tab, 0, sizeof tab);
	if (baselines_evaluate_cancel(&e->t->cfg, &e->t->dist, &e->t->test, L,
	    &tab, &e->pending) != 0)
		return false;
	for (b = 0; b < BASELINE_COUNT; b++) {
		e->base[b] = xrealloc(e->base[b], (L + 1) * sizeof(double));
		e->base_step[b] = xrealloc(e->base_step[b], (L + 1) *
		    sizeof(double));
		memcpy(e->base[b], tab.mse[b], (L + 1) * sizeof(double));
		memcpy(e->base_step[b], tab.step[b], (L + 1) * sizeof(double));
	}
	e->base_L = L;
	e->have_base = true;
	baseline_table_free(&tab);
	return true;
}

/* Steps until the next publication is due, a command waits, or the run
 * ends; one step only under a speed cap. */
static void
engine_burst(struct engine *e)
{
	double deadline = e->last_publish + e->publish_ms * 1e-3, now;
	int cap = engine_speed_cap(e->speed);

	for (;;) {
		int rc = trainer_step(e->t);

		if (rc == TRAINER_INTERRUPTED)
			return;	/* a command: the step is made again later */
		if (rc != 0) {
			e->state = ENGINE_DIVERGED;
			engine_message(e, true, "training diverged at step %ld; "
			    "the last finite parameters are kept", e->t->step);
			break;
		}
		history_record(&e->hist, (double)e->t->step,
		    e->t->train_loss);
		now = clock_seconds();
		e->last_step_time = now;
		if (e->t->step >= e->target) {
			char why[160];

			/* finished, unless the loss ran away (trainer.h) */
			if (trainer_diverged(e->t, why, sizeof why)) {
				e->state = ENGINE_DIVERGED;
				engine_message(e, true, "training diverged: %s; "
				    "r restarts", why);
				break;
			}
			e->state = ENGINE_FINISHED;
			engine_message(e, false, "finished %ld steps: space "
			    "continues", e->t->step);
			break;
		}
		if (cap > 0 || now >= deadline || atomic_load(&e->pending))
			break;
	}
	now = clock_seconds();
	if (e->state != ENGINE_RUNNING || now >= deadline) {
		engine_test(e, e->state != ENGINE_RUNNING);
		engine_publish(e);
	}
}

static void
engine_abstime(struct timespec *ts, double at_mono)
{
	/* the condition variable uses CLOCK_MONOTONIC (set in create) */
	double whole = floor(at_mono);

	ts->tv_sec = (time_t)whole;
	ts->tv_nsec = (long)((at_mono - whole) * 1e9);
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* Say what set-up piece is under way (NULL: none), publishing if that
 * changed, so the UI shows it while the piece runs. */
static void
engine_busy(struct engine *e, const char *what)
{
	if (what == NULL)
		what = "";
	if (strcmp(e->busy, what) == 0)
		return;
	snprintf(e->busy, sizeof e->busy, "%s", what);
	engine_publish(e);
}

/*
 * One piece of the set-up the run still lacks, in order: the batch draws
 * it owes, the forced test evaluation, the baselines. A command interrupts
 * a piece, which is then done again from its start. Returns false when
 * there is nothing left to do.
 */
static bool
engine_catch_up(struct engine *e)
{
	if (!trainer_ready(e->t)) {
		engine_busy(e, "drawing the batches");
		trainer_prepare(e->t);
		return true;
	}
	if (e->test_due) {
		if (e->test_step != e->t->step) {
			engine_busy(e, "testing the model");
			if (!engine_test_run(e))
				return true;
		}
		e->test_due = false;
		engine_publish(e);
		return true;
	}
	if (!e->have_base) {
		engine_busy(e, "evaluating the baselines");
		if (engine_baselines(e))
			engine_publish(e);
		return true;
	}
	if (e->busy[0] != '\0') {
		engine_busy(e, NULL);
		return true;
	}
	return false;
}

static void *
engine_main(void *arg)
{
	struct engine *e = arg;
	struct engine_qitem it;
	struct timespec ts;
	bool quit = false, dirty;
	double due, now;
	int cap;

	pthread_mutex_lock(&e->mu);
	for (;;) {
		dirty = false;
		while (!quit && engine_queue_pop(e, &it)) {
			/* quitting: nothing queued outlives the process */
			if (atomic_load(&e->quitting) &&
			    it.cmd != ENGINE_CMD_QUIT)
				continue;
			pthread_mutex_unlock(&e->mu);
			quit = engine_do(e, &it);
			e->commands += (unsigned long)it.count;
			dirty = true;
			pthread_mutex_lock(&e->mu);
		}
		if (quit)
			break;
		if (dirty) {
			pthread_mutex_unlock(&e->mu);
			engine_publish(e);
			pthread_mutex_lock(&e->mu);
			continue;
		}
		if (!atomic_load(&e->pending)) {
			bool more;

			pthread_mutex_unlock(&e->mu);
			more = engine_catch_up(e);
			pthread_mutex_lock(&e->mu);
			if (more)
				continue;
		}
		if (e->qlen > 0)
			continue;
		if (e->state != ENGINE_RUNNING) {
			pthread_cond_wait(&e->cv, &e->mu);
			continue;
		}
		cap = engine_speed_cap(e->speed);
		if (cap > 0) {
			due = e->last_step_time + 1.0 / cap;
			now = clock_seconds();
			if (now < due) {
				engine_abstime(&ts, due);
				pthread_cond_timedwait(&e->cv, &e->mu, &ts);
				continue;
			}
		}
		pthread_mutex_unlock(&e->mu);
		engine_burst(e);
		pthread_mutex_lock(&e->mu);
	}
	pthread_mutex_unlock(&e->mu);
	return NULL;
}

/* ---- the UI side ---- */

/* An engine for cfg, or for the trainer `loaded` (heap-allocated, taken
 * over) if not NULL. */
struct engine *
engine_create(const struct ms_config *cfg, struct trainer *loaded,
    const struct engine_opts *opts, char *err, size_t errlen)
{
	struct engine *e = xcalloc(1, sizeof *e);
	pthread_condattr_t ca;
	int i, fl;

	if (loaded != NULL)
		e->t = loaded;
	else {
		/* the batches are drawn by the worker: this returns at once */
		e->t = xcalloc(1, sizeof *e->t);
		if (trainer_init_deferred(e->t, cfg, err, errlen) != 0) {
			free(e->t);
			free(e);
			return NULL;
		}
	}
	trainer_set_cancel(e->t, &e->pending);
	if (pipe(e->pipe) != 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		trainer_free(e->t);
		free(e->t);
		free(e);
		return NULL;
	}
	for (i = 0; i < 2; i++) {
		fl = fcntl(e->pipe[i], F_GETFL);
		fcntl(e->pipe[i], F_SETFL, fl | O_NONBLOCK);
		fcntl(e->pipe[i], F_SETFD, FD_CLOEXEC);
	}
	pthread_mutex_init(&e->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&e->cv, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&e->slot_mu, NULL);
	for (i = 0; i < 3; i++)
		snapshot_init(&e->snaps[i]);
	e->back = &e->snaps[0];
	e->mid = &e->snaps[1];
	e->front = &e->snaps[2];
	if (opts != NULL)
		e->opts = *opts;
	snprintf(e->save_path, sizeof e->save_path, "%s",
	    e->opts.save_path != NULL ? e->opts.save_path :
	    "memscope-checkpoint.json");
	snprintf(e->csv_path, sizeof e->csv_path, "%s",
	    e->opts.csv_path != NULL ? e->opts.csv_path :
	    "memscope-history.csv");
	e->publish_ms = e->opts.publish_ms > 0 ? e->opts.publish_ms : 30;
	e->speed = ENGINE_NSPEEDS - 1;
	e->state = e->opts.start_paused ? ENGINE_PAUSED : ENGINE_RUNNING;
	e->rate_time = clock_seconds();
	history_init(&e->hist);
	engine_trace_init(&e->tracer);
	engine_begin_run(e, NULL);
	/* a finished run loaded from a checkpoint is there to be looked at
	 * (screen 4 shows the saved model itself): it waits for space */
	if (e->t->step >= e->t->cfg.steps && e->t->step > 0 &&
	    e->state == ENGINE_RUNNING) {
		e->state = ENGINE_PAUSED;
		engine_message(e, false, "loaded a finished run at step %ld: "
		    "space trains on", e->t->step);
	}
	/* the UI's first snapshot says what is being set up */
	snprintf(e->front->busy, sizeof e->front->busy, "setting up the run");
	e->front->cfg = e->t->cfg;
	e->front->kappa = config_condition(&e->t->cfg);
	e->front->step = e->t->step;
	return e;
}

/* Start the worker thread; 0, or -1 with errno set. */
int
engine_start(struct engine *e)
{
	int rc;

	if ((rc = pthread_create(&e->thread, NULL, engine_main, e)) != 0) {
		errno = rc;
		return -1;
	}
	e->started = true;
	return 0;
}

/* Stop the worker (if running) and free everything. */
void
engine_free(struct engine *e)
{
	int b, i;

	if (e == NULL)
		return;
	if (e->started) {
		engine_send(e, ENGINE_CMD_QUIT, 0);
		pthread_join(e->thread, NULL);
	}
	trainer_free(e->t);
	free(e->t);
	for (i = 0; i < 3; i++)
		snapshot_free(&e->snaps[i]);
	history_free(&e->hist);
	snapshot_curve_free(&e->prev);
	free(e->layer_mse);
	for (b = 0; b < BASELINE_COUNT; b++) {
		free(e->base[b]);
		free(e->base_step[b]);
	}
	close(e->pipe[0]);
	close(e->pipe[1]);
	engine_analysis_free(&e->an);
	engine_trace_free(&e->tracer);
	engine_queue_free(e);
	pthread_mutex_destroy(&e->mu);
	pthread_cond_destroy(&e->cv);
	pthread_mutex_destroy(&e->slot_mu);
	free(e);
}

