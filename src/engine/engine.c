/*
 * The training engine thread.
 *
 * Threads: the worker owns the run list (engine_run.c: each run's trainer
 * and history), the compute pool that steps the runs side by side, and its
 * private ("back") snapshot; the UI owns its "front" snapshot and curses. They share only
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
 * Stepping: while running, the worker steps the active runs in bursts until
 * the next publication is due (~30 ms) or a command is pending, every run
 * the same number of steps (engine_run.c); under a speed cap one step of
 * each per tick. Test losses are
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
    1000 };
#define ENGINE_NSPEEDS ((int)(sizeof engine_speeds / sizeof engine_speeds[0]))

/* The cap one press of < (dir -1) or > (+1) makes of cap. */
int
engine_speed_next(int cap, int dir)
{
	int i;

	if (dir > 0) {
		if (cap == 0)
			return 0;
		for (i = 0; i < ENGINE_NSPEEDS; i++)
			if (engine_speeds[i] > cap)
				return engine_speeds[i];
		return 0;
	}
	if (cap == 0)
		return engine_speeds[ENGINE_NSPEEDS - 1];
	for (i = ENGINE_NSPEEDS - 1; i >= 0; i--)
		if (engine_speeds[i] < cap)
			return engine_speeds[i];
	return engine_speeds[0];
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
	e->message_seq++;
}

/* The message a run's burst ended with, if it ended the run ("training"
 * names the run when it is the only one, else its label). */
static void
engine_burst_note(struct engine *e, struct engine_run *r)
{
	const char *who = e->nruns > 1 ? r->label : "training";
	char why[160];

	if (r->state == ENGINE_DIVERGED && r->burst_rc == 1)
		engine_message(e, true, "%s diverged at step %ld; the last "
		    "finite parameters are kept", who, r->t->step);
	else if (r->state == ENGINE_DIVERGED) {
		trainer_diverged(r->t, why, sizeof why);
		engine_message(e, true, "%s diverged: %s; r restarts%s", who,
		    why, e->nruns > 1 ? " it" : "");
	} else if (r->state == ENGINE_FINISHED && !engine_runs_active(e))
		engine_message(e, false, "finished %ld steps: space continues",
		    r->t->step);
}

/* One burst of every active run (one step each under a speed cap), then
 * the tests and the publication that are due. */
static void
engine_burst(struct engine *e)
{
	double now;
	bool ended = false;

	e->burst_deadline = e->last_publish + e->publish_ms * 1e-3;
	if (e->speed > 0) {
		/* the next tick is due a period after this one was, so the
		 * steps' own time does not slow the pace; never more than one
		 * period behind (no catching up after a pause) */
		double period = 1.0 / e->speed;

		now = clock_seconds();
		e->step_due = (e->step_due > now - period ? e->step_due :
		    now) + period;
	}
	engine_runs_step(e, e->speed > 0 ? 1 : 0);
	now = clock_seconds();
	for (int i = 0; i < e->nruns; i++) {
		struct engine_run *r = e->runs[i];

		if (r->reference || (r->burst_steps == 0 && r->burst_rc == 0))
			continue;
		if (r->state != ENGINE_RUNNING) {
			/* forced at the end of a run */
			engine_run_test(e, r, true);
			engine_burst_note(e, r);
			ended = true;
		}
	}
	if (ended || now >= e->burst_deadline)
		engine_publish(e);
}

/* The time at_mono (clock_seconds) for pthread_cond_timedwait on e->cv. */
void
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
 * One piece of the set-up the runs still lack, in order: the batch draws
 * they owe (the model run first), the forced test evaluations, the model
 * run's baselines. A command interrupts a piece, which is then done again
 * from its start. Returns false when there is nothing left to do.
 */
static bool
engine_catch_up(struct engine *e)
{
	struct engine_run *m = engine_model(e), *r;
	int i;

	for (i = -1; i < e->nruns; i++) {
		r = i < 0 ? m : e->runs[i];
		if (r->reference || trainer_ready(r->t))
			continue;
		engine_busy(e, "drawing the batches");
		trainer_prepare(r->t);
		return true;
	}
	for (i = -1; i < e->nruns; i++) {
		r = i < 0 ? m : e->runs[i];
		if (r->reference || !r->test_due)
			continue;
		if (r->test_step != r->t->step) {
			engine_busy(e, "testing the model");
			engine_run_test(e, r, true);
			if (r->test_step != r->t->step)
				return true;	/* interrupted */
		}
		r->test_due = false;
		engine_publish(e);
		return true;
	}
	if (!m->have_base) {
		engine_busy(e, "evaluating the baselines");
		if (engine_run_baselines(e, m))
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
		if (e->paused || !engine_runs_active(e)) {
			pthread_cond_wait(&e->cv, &e->mu);
			continue;
		}
		cap = e->speed;
		if (cap > 0) {
			due = e->step_due;
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

/* The runs to start with into e: opts' list or cfg alone, or the loaded
 * trainer; then the references. 0, or -1 with a message. */
static int
engine_create_runs(struct engine *e, const struct ms_config *cfg,
    struct trainer *loaded, char *err, size_t errlen)
{
	const struct engine_opts *o = &e->opts;
	struct engine_run *r;
	int i, n = o->compare != NULL && o->ncompare > 0 ? o->ncompare : 1;

	if (loaded != NULL) {
		r = engine_run_new(e, NULL, loaded, err, errlen);
		engine_run_add(e, r);
		if (o->loaded_hist != NULL && o->loaded_hist->n > 0) {
			/* the checkpoint's history replaces the one point */
			history_reset(&r->hist);
			history_replay(&r->hist, o->loaded_hist);
		}
	} else {
		if (n + o->nrefs > SNAPSHOT_MAX_RUNS) {
			snprintf(err, errlen, "%d runs: the run list holds at "
			    "most %d", n + o->nrefs, SNAPSHOT_MAX_RUNS);
			return -1;
		}
		for (i = 0; i < n; i++) {
			struct ms_config c = o->compare != NULL &&
			    o->ncompare > 0 ? o->compare[i] : *cfg;

			/* side by side: one compute thread each */
			if (n > 1)
				c.threads = 1;
			if ((r = engine_run_new(e, &c, NULL, err, errlen)) ==
			    NULL)
				return -1;
			engine_run_add(e, r);
		}
	}
	for (i = 0; i < o->nrefs; i++)
		if (!engine_run_add(e, engine_run_reference(e, &o->refs[i]))) {
			snprintf(err, errlen, "the run list holds at most %d "
			    "runs", SNAPSHOT_MAX_RUNS);
			return -1;
		}
	engine_run_labels(e);
	return 0;
}

/* Free e's runs, pipes and locks (not the thread: engine_free). */
static void
engine_destroy(struct engine *e)
{
	int i;

	for (i = 0; i < e->nruns; i++)
		engine_run_free(e->runs[i]);
	if (e->pool != NULL)
		pool_free(e->pool);
	for (i = 0; i < 3; i++)
		snapshot_free(&e->snaps[i]);
	if (e->pipe[0] >= 0) {
		close(e->pipe[0]);
		close(e->pipe[1]);
	}
	engine_analysis_free(&e->an);
	engine_trace_free(&e->tracer);
	engine_queue_free(e);
	if (e->watch != NULL)
		engine_watch_free(e->watch);
	pthread_mutex_destroy(&e->mu);
	pthread_cond_destroy(&e->cv);
	pthread_mutex_destroy(&e->slot_mu);
	free(e);
}

/* An engine with its queue, slot and pipe, nothing to run yet. */
struct engine *
engine_alloc(char *err, size_t errlen)
{
	struct engine *e = xcalloc(1, sizeof *e);
	pthread_condattr_t ca;
	int i, fl;

	e->pipe[0] = e->pipe[1] = -1;
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
	engine_trace_init(&e->tracer);
	if (pipe(e->pipe) != 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		e->pipe[0] = e->pipe[1] = -1;
		engine_destroy(e);
		return NULL;
	}
	for (i = 0; i < 2; i++) {
		fl = fcntl(e->pipe[i], F_GETFL);
		fcntl(e->pipe[i], F_SETFL, fl | O_NONBLOCK);
		fcntl(e->pipe[i], F_SETFD, FD_CLOEXEC);
	}
	return e;
}

/* An engine for cfg (or opts' runs), or for the trainer `loaded`
 * (heap-allocated, taken over) if not NULL. */
struct engine *
engine_create(const struct ms_config *cfg, struct trainer *loaded,
    const struct engine_opts *opts, char *err, size_t errlen)
{
	struct engine *e = engine_alloc(err, errlen);
	struct engine_run *m;

	if (e == NULL)
		return NULL;
	if (opts != NULL)
		e->opts = *opts;
	if (engine_create_runs(e, cfg, loaded, err, errlen) != 0) {
		engine_destroy(e);
		return NULL;
	}
	if (e->nruns > 1)
		engine_pool(e);
	snprintf(e->save_path, sizeof e->save_path, "%s",
	    e->opts.save_path != NULL ? e->opts.save_path :
	    "memscope-checkpoint.json");
	snprintf(e->csv_path, sizeof e->csv_path, "%s",
	    e->opts.csv_path != NULL ? e->opts.csv_path :
	    "memscope-history.csv");
	e->publish_ms = e->opts.publish_ms > 0 ? e->opts.publish_ms : 30;
	e->speed = e->opts.speed == ENGINE_SPEED_DEFAULT ?
	    ENGINE_SPEED_WATCHABLE : e->opts.speed > 0 ? e->opts.speed : 0;
	e->paused = e->opts.start_paused;
	m = engine_model(e);
	/* a finished run loaded from a checkpoint is there to be looked at
	 * (screen 4 shows the saved model itself): it waits for space */
	if (loaded != NULL && m->t->step >= m->t->cfg.steps &&
	    m->t->step > 0 && !e->paused) {
		e->paused = true;
		engine_message(e, false, "loaded a finished run at step %ld: "
		    "space trains on", m->t->step);
	}
	/* the UI's first snapshot says what is being set up */
	snprintf(e->front->busy, sizeof e->front->busy, "setting up the run");
	e->front->cfg = m->t->cfg;
	e->front->kappa = config_condition(&m->t->cfg);
	e->front->step = m->t->step;
	return e;
}

/* Start the worker thread; 0, or -1 with errno set. */
int
engine_start(struct engine *e)
{
	int rc;

	if ((rc = pthread_create(&e->thread, NULL, e->worker != NULL ?
	    e->worker : engine_main, e)) != 0) {
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
	if (e == NULL)
		return;
	if (e->started) {
		engine_send(e, ENGINE_CMD_QUIT, 0);
		pthread_join(e->thread, NULL);
	}
	engine_destroy(e);
}
