/*
 * Carrying out the commands of the queue (engine_do), on the worker: the
 * setting keys, which start the focused run again with the new setting (a
 * refused configuration keeps it as it is), changes of data, the run list
 * (add, remove, focus, show/hide), pause and resume, the single step, the
 * speed cap, save, export and the step-through's trace. A command's own work (n's step) is not interrupted
 * by later keys, only by a quit with no save or export queued
 * (`quitting`); a save first makes the batch draws the run owes, so the
 * checkpoint is that of an eager run.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine_impl.h"
#include "memscope/checkpoint.h"
#include "memscope/clock.h"
#include "memscope/history_csv.h"
#include "memscope/output.h"
#include "memscope/xmalloc.h"

/* The focused run if it is a trained one; else NULL and a message. */
static struct engine_run *
engine_focused_trained(struct engine *e)
{
	struct engine_run *r = e->runs[e->focus];

	if (!r->reference)
		return r;
	engine_message(e, true, "%s is a saved history, not trained: , and . "
	    "focus another run", r->label);
	return NULL;
}

/* Start the focused run r again with cfg (a new run in its place, its
 * slot and visibility kept), keeping r if cfg is refused. */
static void
engine_new_run(struct engine *e, struct engine_run *r,
    const struct ms_config *cfg, const char *what)
{
	struct engine_run *nr;
	char err[256], desc[64];

	/* its batches, test and baselines come from engine_catch_up */
	if ((nr = engine_run_new(e, cfg, NULL, err, sizeof err)) == NULL) {
		engine_message(e, true, "%s", err);
		return;
	}
	nr->style = r->style;
	nr->visible = r->visible;
	e->runs[e->focus] = nr;
	e->model_run = e->focus;
	engine_run_free(r);
	engine_run_labels(e);
	engine_run_describe(cfg, desc, sizeof desc);
	engine_message(e, false, "%s: %s starts again as %s%s", what,
	    nr->label, desc, e->nruns == 1 ? " (a adds a run to compare)" :
	    "");
}

/* One press on next's count *v (heads or layers, arg < 0: down), which
 * stays at least 1; then as config_validate: 0, or -1 with err. */
static int
engine_press_count(struct ms_config *next, int *v, int arg,
    const char *name, char *err, size_t errlen)
{
	*v += arg < 0 ? -1 : 1;
	if (*v < 1) {
		snprintf(err, errlen, "%s: at least 1", name);
		return -1;
	}
	return config_validate(next, err, errlen);
}

/* The configuration after one press of a new-run key (heads, layers,
 * memory, parametrization, restart) from cur, as config_validate and
 * engine_new_run would take it: 0, or -1 with the refusal in err. */
static int
engine_press(enum engine_cmd cmd, int arg, const struct ms_config *cur,
    struct ms_config *next, char *err, size_t errlen)
{
	*next = *cur;
	switch (cmd) {
	case ENGINE_CMD_HEADS:
		return engine_press_count(next, &next->heads, arg, "heads",
		    err, errlen);
	case ENGINE_CMD_LAYERS:
		return engine_press_count(next, &next->layers, arg, "layers",
		    err, errlen);
	case ENGINE_CMD_MEMORY:
		next->memory = cur->memory == MS_MEMORY_NONE ? MS_MEMORY_CGD :
		    cur->memory == MS_MEMORY_CGD ? MS_MEMORY_LFOM :
		    MS_MEMORY_NONE;
		break;
	case ENGINE_CMD_PARAM:
		next->param = cur->param == MS_PARAM_SCALAR ? MS_PARAM_PRE :
		    cur->param == MS_PARAM_PRE ? MS_PARAM_GDPP :
		    cur->param == MS_PARAM_GDPP ? MS_PARAM_FULL :
		    MS_PARAM_SCALAR;
		break;
	default:
		break;
	}
	return config_validate(next, err, errlen);
}

/* count presses of a new-run key: each refused press keeps the
 * configuration, as it would alone, and one run is built for the final
 * configuration (none if every press was refused). */
static void
engine_new_runs(struct engine *e, enum engine_cmd cmd, int arg, int count)
{
	/* what the new run's message names as changed */
	static const char *const what[] = {
		[ENGINE_CMD_HEADS] = "heads", [ENGINE_CMD_LAYERS] = "layers",
		[ENGINE_CMD_MEMORY] = "memory",
		[ENGINE_CMD_PARAM] = "parametrization",
		[ENGINE_CMD_RESTART] = "restart",
	};
	struct engine_run *r = engine_focused_trained(e);
	struct ms_config cfg, next;
	char err[256] = "", why[256], run[256];
	int i, applied = 0;
	bool last_refused = false;

	if (r == NULL)
		return;
	cfg = r->t->cfg;
	for (i = 0; i < count; i++) {
		last_refused = engine_press(cmd, arg, &cfg, &next, why,
		    sizeof why) != 0;
		if (last_refused) {
			snprintf(err, sizeof err, "%s", why);
			continue;
		}
		cfg = next;
		applied++;
	}
	if (applied > 0)
		engine_new_run(e, r, &cfg, what[cmd]);
	if (applied == count || e->message_error)
		return;
	if (applied == 0) {
		engine_message(e, true, "%s", err);
		return;
	}
	snprintf(run, sizeof run, "%s", e->message);
	engine_message(e, last_refused, "%s; %d of the keys refused: %s", run,
	    count - applied, err);
}

/* Run r's next data conditioning; training continues. */
void
engine_run_next_data(struct engine *e, struct engine_run *r)
{
	struct ms_config next;
	char err[256], name[32];

	engine_next_data(&r->t->cfg, &next);
	if (trainer_set_data(r->t, &next, err, sizeof err) != 0) {
		engine_message(e, true, "%s", err);
		return;
	}
	config_data_name(&r->t->cfg, name, sizeof name);
	if (r->nmarks == SNAPSHOT_MAX_MARKS) {
		memmove(r->marks, r->marks + 1, (SNAPSHOT_MAX_MARKS - 1) *
		    sizeof *r->marks);
		r->nmarks--;
	}
	r->marks[r->nmarks].step = r->t->step;
	snprintf(r->marks[r->nmarks].label, sizeof r->marks[0].label, "%s",
	    name);
	r->nmarks++;
	engine_run_labels(e);
	engine_message(e, false, "data: %s (kappa %g) for %s; training "
	    "continues", name, config_condition(&r->t->cfg), r->label);
	r->test_step = -1;
	r->have_base = false;	/* engine_catch_up: test, then baselines */
	r->test_due = true;
}

/* The run list's keys: add, remove, focus, show/hide. */
static void
engine_run_list(struct engine *e, enum engine_cmd cmd, int arg, int count)
{
	struct engine_run *r = e->runs[e->focus], *nr;
	struct ms_config cfg;
	char err[256];
	int i, n;

	switch (cmd) {
	case ENGINE_CMD_RUN_ADD:
		if (e->nruns == SNAPSHOT_MAX_RUNS) {
			engine_message(e, true, "the run list is full (%d runs):"
			    " x removes the focused run", SNAPSHOT_MAX_RUNS);
			return;
		}
		cfg = engine_model(e)->t->cfg;
		cfg.threads = 1;	/* side by side: one thread each */
		if ((nr = engine_run_new(e, &cfg, NULL, err, sizeof err)) ==
		    NULL) {
			engine_message(e, true, "%s", err);
			return;
		}
		engine_run_add(e, nr);
		e->focus = e->model_run = e->nruns - 1;
		engine_pool(e);
		engine_run_labels(e);
		engine_message(e, false, "added %s, in focus: the setting keys "
		    "change it, x removes it", nr->label);
		return;
	case ENGINE_CMD_RUN_REMOVE:
		n = 0;
		for (i = 0; i < e->nruns; i++)
			n += !e->runs[i]->reference;
		if (!r->reference && n == 1) {
			engine_message(e, true, "%s is the only trained run: it "
			    "stays (r restarts it)", r->label);
			return;
		}
		snprintf(err, sizeof err, "%s", r->label);
		engine_run_remove(e, e->focus);
		engine_run_labels(e);
		engine_message(e, false, "removed %s; %s in focus", err,
		    e->runs[e->focus]->label);
		return;
	case ENGINE_CMD_RUN_FOCUS:
		n = (arg < 0 ? -count : count) % e->nruns;
		e->focus = (e->focus + n + e->nruns) % e->nruns;
		if (!e->runs[e->focus]->reference)
			e->model_run = e->focus;
		engine_message(e, false, "focus: %s", e->runs[e->focus]->label);
		return;
	case ENGINE_CMD_RUN_VISIBLE:
		if (count % 2 == 1)
			r->visible = !r->visible;
		engine_message(e, false, "%s %s (v %s it)", r->label,
		    r->visible ? "shown" : "hidden", r->visible ? "hides" :
		    "shows");
		return;
	default:
		return;
	}
}

/* snprintf for messages that may name long paths (truncation is fine). */
static void
engine_errf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
engine_errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* The `e` key: the visible runs' loss histories as CSV, through the one
 * writer; *rows gets the rows written. */
static int
engine_export(struct engine *e, long *rows, char *err, size_t errlen)
{
	struct output out;
	char why[512];
	int i, run = 0;

	*rows = 0;
	if (output_open(&out, e->csv_path, why, sizeof why) != 0) {
		engine_errf(err, errlen, "export: %s", why);
		return -1;
	}
	/* the one history schema, the run column numbering the visible runs
	 * in list order as train --runs numbers its runs; no clock per step
	 * (a pause would count), so seconds stays empty */
	history_csv_header(out.fp);
	for (i = 0; i < e->nruns; i++) {
		const struct history *h = &e->runs[i]->hist;

		if (!e->runs[i]->visible)
			continue;
		for (long j = 0; j < h->n; j++)
			history_csv_row(out.fp, run, (long)h->step[j],
			    h->train[j], h->test[j], NAN);
		*rows += h->n;
		run++;
	}
	if (output_commit(&out, why, sizeof why) != 0) {
		engine_errf(err, errlen, "export: %s", why);
		return -1;
	}
	return 0;
}

static const char *
engine_abs(const char *path, char *buf, size_t len)
{
	char cwd[PATH_MAX];

	if (path[0] == '/' || getcwd(cwd, sizeof cwd) == NULL)
		engine_errf(buf, len, "%s", path);
	else
		engine_errf(buf, len, "%s/%s", cwd, path);
	return buf;
}

/* Append "N keys merged into 1" to the message of a merged command. */
static void
engine_note_merged(struct engine *e, int count)
{
	size_t len = strlen(e->message);

	if (len == 0)
		snprintf(e->message, sizeof e->message, "%d keys merged into 1",
		    count);
	else if (len < sizeof e->message)
		snprintf(e->message + len, sizeof e->message - len,
		    " (%d keys merged into 1)", count);
}

/* Pause, each trained run tested at the step it stopped at. */
static void
engine_pause(struct engine *e)
{
	e->paused = true;
	for (int i = 0; i < e->nruns; i++)
		engine_run_test(e, e->runs[i], true);	/* references skip */
}

/* Space, pause, resume: the engine pauses or runs; resuming when every
 * run has finished continues each for another cfg.steps. */
static void
engine_toggle(struct engine *e, enum engine_cmd cmd)
{
	bool diverged = true;
	int i;

	for (i = 0; i < e->nruns; i++)
		if (!e->runs[i]->reference &&
		    e->runs[i]->state != ENGINE_DIVERGED)
			diverged = false;
	if (diverged) {
		engine_message(e, true, "training diverged: r restarts, or "
		    "change a setting");
		return;
	}
	if (!e->paused && engine_runs_active(e) && cmd != ENGINE_CMD_RESUME) {
		engine_pause(e);
		return;
	}
	if (cmd == ENGINE_CMD_PAUSE)
		return;
	if (!engine_runs_active(e)) {
		long to = 0;

		for (i = 0; i < e->nruns; i++) {
			struct engine_run *r = e->runs[i];

			if (r->reference || r->state != ENGINE_FINISHED)
				continue;
			r->target = r->t->step + r->t->cfg.steps;
			r->state = ENGINE_RUNNING;
			to = r->target;
		}
		engine_message(e, false, "continuing to step %ld", to);
	}
	e->paused = false;
	for (i = 0; i < e->nruns; i++) {
		struct engine_run *r = e->runs[i];

		if (r->reference)
			continue;
		r->rate_time = clock_seconds();
		r->rate_step = r->t->step;
	}
}

/* n: pause if running; else one step of every run that has not diverged,
 * side by side, which later keys do not interrupt (only quitting does).
 * false if quitting interrupted it. */
static bool
engine_step_once(struct engine *e)
{
	struct engine_run *r;
	bool quit = false;
	int i;

	if (!e->paused && engine_runs_active(e)) {
		engine_pause(e);
		return true;
	}
	e->paused = true;
	for (i = 0; i < e->nruns; i++) {
		r = e->runs[i];
		if (r->reference || r->state == ENGINE_DIVERGED)
			continue;
		if (r->target <= r->t->step)
			r->target = r->t->step + 1;
		r->state = ENGINE_RUNNING;
		trainer_set_cancel(r->t, &e->quitting);
	}
	engine_runs_step(e, 1);
	for (i = 0; i < e->nruns; i++) {
		r = e->runs[i];
		if (r->reference)
			continue;
		trainer_set_cancel(r->t, &e->pending);
		if (r->state == ENGINE_DIVERGED && r->burst_rc == 1)
			engine_message(e, true, "%s diverged at step %ld; the "
			    "last finite parameters are kept", r->label,
			    r->t->step);
		else if (r->state != ENGINE_DIVERGED) {
			if (r->burst_steps == 0)
				quit = true;
			if (r->t->step >= r->target)
				r->state = ENGINE_FINISHED;
		}
		engine_run_test(e, r, true);
	}
	return !(quit && atomic_load(&e->quitting));
}

/* s: the model run as a checkpoint, with its (decimated) history. */
static void
engine_save(struct engine *e)
{
	struct engine_run *r = engine_model(e);
	struct checkpoint_history h;
	char err[512], abs[PATH_MAX + 256];
	int rc;

	/* the draws the run owes first: the file is an eager run's */
	trainer_set_cancel(r->t, NULL);
	trainer_prepare(r->t);
	trainer_set_cancel(r->t, &e->pending);
	history_checkpoint(&r->hist, &h);
	rc = checkpoint_save_history(e->save_path, r->t, &h, err, sizeof err);
	checkpoint_history_free(&h);
	if (rc != 0)
		engine_message(e, true, "%s", err);
	else
		engine_message(e, false, "saved step %ld of %s to %s",
		    r->t->step, r->label, engine_abs(e->save_path, abs,
		    sizeof abs));
}

/* Carry out one queue entry (it->count keys); true for quit. */
bool
engine_do(struct engine *e, const struct engine_qitem *it)
{
	enum engine_cmd cmd = it->cmd;
	struct engine_run *r;
	char err[512], abs[PATH_MAX + 256];
	long rows;
	int n;

	if (cmd == ENGINE_CMD_TRACE_TASK || cmd == ENGINE_CMD_TRACE_FOLLOW) {
		/* the step-through's keys leave the status line alone */
		engine_trace_command(e, cmd, it->arg);
		return false;
	}
	e->message[0] = '\0';
	e->message_error = false;
	switch (cmd) {
	case ENGINE_CMD_QUIT:
		return true;
	case ENGINE_CMD_TOGGLE:
	case ENGINE_CMD_PAUSE:
	case ENGINE_CMD_RESUME:
		engine_toggle(e, cmd);
		break;
	case ENGINE_CMD_STEP:
		if (!engine_step_once(e))
			return false;	/* quitting */
		break;
	case ENGINE_CMD_SPEED:
		/* each press moves one level, clamped at both ends */
		for (n = 0; n < it->count; n++)
			e->speed = engine_speed_next(e->speed, it->arg);
		if (e->speed > 0)
			engine_message(e, false, "speed: at most %d steps/s "
			    "(> faster)", e->speed);
		else
			engine_message(e, false, "speed: unlimited (< slower)");
		break;
	case ENGINE_CMD_HEADS:
	case ENGINE_CMD_LAYERS:
	case ENGINE_CMD_MEMORY:
	case ENGINE_CMD_PARAM:
	case ENGINE_CMD_RESTART:
		engine_new_runs(e, cmd, it->arg, it->count);
		break;
	case ENGINE_CMD_DATA:
		if ((r = engine_focused_trained(e)) != NULL)
			engine_run_next_data(e, r);
		break;
	case ENGINE_CMD_SAVE:
		engine_save(e);
		break;
	case ENGINE_CMD_TRACE_TASK:
	case ENGINE_CMD_TRACE_FOLLOW:
		break;	/* above */
	case ENGINE_CMD_EXPORT:
		if (engine_export(e, &rows, err, sizeof err) != 0)
			engine_message(e, true, "%s", err);
		else
			engine_message(e, false, "exported %ld rows to %s",
			    rows, engine_abs(e->csv_path, abs, sizeof abs));
		break;
	case ENGINE_CMD_RUN_ADD:
	case ENGINE_CMD_RUN_REMOVE:
	case ENGINE_CMD_RUN_FOCUS:
	case ENGINE_CMD_RUN_VISIBLE:
		engine_run_list(e, cmd, it->arg, it->count);
		break;
	}
	if (it->count > 1)
		engine_note_merged(e, it->count);
	return false;
}

