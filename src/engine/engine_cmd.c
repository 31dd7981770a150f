/*
 * Carrying out the commands of the queue (engine_do), on the worker: new
 * runs (a refused configuration keeps the old run), changes of data,
 * pause and resume, the single step, the speed cap, save, export and the
 * step-through's trace. A command's own work (n's step) is not interrupted
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

static void
engine_describe(const struct ms_config *cfg, char *buf, size_t len)
{
	char data[32];

	snprintf(buf, len, "%s %s H%d L%d %s", config_param_name(cfg->param),
	    config_memory_name(cfg->memory), cfg->heads, cfg->layers,
	    config_data_name(cfg, data, sizeof data));
}

/* Begin a fresh history for the trainer e->t (the old curve becomes prev). */
void
engine_begin_run(struct engine *e, const struct ms_config *old)
{
	if (old != NULL) {
		history_close(&e->hist, &e->prev);
		engine_describe(old, e->prev_label, sizeof e->prev_label);
	}
	history_reset(&e->hist);
	e->nmarks = 0;
	e->run++;
	e->layer_mse = xrealloc(e->layer_mse, e->t->cfg.layers *
	    sizeof(double));
	e->test_due = true;
	e->test_step = -1;
	e->test_dur = 0;
	e->have_base = false;
	e->target = e->t->cfg.steps;
	if (e->t->step >= e->target)
		e->target = e->t->step + e->t->cfg.steps;
	if (e->t->step > 0)
		history_record(&e->hist, (double)e->t->step,
		    e->t->train_loss);
	if (e->t->diverged)
		e->state = ENGINE_DIVERGED;
}

/* Start a new run with cfg, keeping the old one if cfg is refused. */
static void
engine_new_run(struct engine *e, const struct ms_config *cfg,
    const char *what)
{
	struct trainer *nt = xcalloc(1, sizeof *nt);
	struct ms_config old = e->t->cfg;
	char err[256], desc[64];

	/* its batches, test and baselines come from engine_catch_up */
	if (trainer_init_deferred(nt, cfg, err, sizeof err) != 0) {
		free(nt);
		engine_message(e, true, "%s", err);
		return;
	}
	trainer_set_cancel(nt, &e->pending);
	trainer_free(e->t);
	free(e->t);
	e->t = nt;
	engine_begin_run(e, &old);
	if (e->state != ENGINE_PAUSED)
		e->state = ENGINE_RUNNING;
	engine_describe(cfg, desc, sizeof desc);
	engine_message(e, false, "%s: new run %s (previous curve faded)",
	    what, desc);
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
	struct ms_config cfg = e->t->cfg, next;
	char err[256] = "", why[256], run[256];
	int i, applied = 0;
	bool last_refused = false;

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
		engine_new_run(e, &cfg, what[cmd]);
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

static void
engine_set_data(struct engine *e)
{
	struct ms_config next;
	char err[256], name[32];

	engine_next_data(&e->t->cfg, &next);
	if (trainer_set_data(e->t, &next, err, sizeof err) != 0) {
		engine_message(e, true, "%s", err);
		return;
	}
	config_data_name(&e->t->cfg, name, sizeof name);
	if (e->nmarks == SNAPSHOT_MAX_MARKS) {
		memmove(e->marks, e->marks + 1, (SNAPSHOT_MAX_MARKS - 1) *
		    sizeof *e->marks);
		e->nmarks--;
	}
	e->marks[e->nmarks].step = e->t->step;
	snprintf(e->marks[e->nmarks].label, sizeof e->marks[0].label, "%s",
	    name);
	e->nmarks++;
	engine_message(e, false, "data: %s (kappa %g); training continues",
	    name, config_condition(&e->t->cfg));
	e->test_step = -1;
	e->have_base = false;	/* engine_catch_up: test, then baselines */
	e->test_due = true;
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

/* The `e` key: the loss history as CSV, through the one writer. */
static int
engine_export(struct engine *e, char *err, size_t errlen)
{
	struct output out;
	char why[512];

	if (output_open(&out, e->csv_path, why, sizeof why) != 0) {
		engine_errf(err, errlen, "export: %s", why);
		return -1;
	}
	/* the one history schema; run 0, the visualizer's only run; no
	 * clock per step (a pause would count), so seconds stays empty */
	history_csv_header(out.fp);
	for (long i = 0; i < e->hist.n; i++)
		history_csv_row(out.fp, 0, (long)e->hist.step[i],
		    e->hist.train[i], e->hist.test[i], NAN);
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

/* Carry out one queue entry (it->count keys); true for quit. */
bool
engine_do(struct engine *e, const struct engine_qitem *it)
{
	enum engine_cmd cmd = it->cmd;
	char err[512], abs[PATH_MAX + 256];
	int n, rc;

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
		if (e->state == ENGINE_DIVERGED) {
			engine_message(e, true, "training diverged: r restarts,"
			    " or change a setting");
			break;
		}
		if (e->state == ENGINE_RUNNING && cmd != ENGINE_CMD_RESUME) {
			e->state = ENGINE_PAUSED;
			engine_test(e, true);
		} else if (e->state != ENGINE_RUNNING &&
		    cmd != ENGINE_CMD_PAUSE) {
			if (e->state == ENGINE_FINISHED ||
			    e->t->step >= e->target) {
				e->target = e->t->step + e->t->cfg.steps;
				engine_message(e, false, "continuing to step %ld",
				    e->target);
			}
			e->state = ENGINE_RUNNING;
			e->rate_time = clock_seconds();
			e->rate_step = e->t->step;
		}
		break;
	case ENGINE_CMD_STEP:
		if (e->state == ENGINE_RUNNING) {
			e->state = ENGINE_PAUSED;
			engine_test(e, true);
			break;
		}
		if (e->state == ENGINE_DIVERGED)
			break;
		/* the key's own step: later keys do not interrupt it */
		trainer_set_cancel(e->t, &e->quitting);
		rc = trainer_step(e->t);
		trainer_set_cancel(e->t, &e->pending);
		if (rc == TRAINER_INTERRUPTED)
			return false;	/* quitting */
		if (rc != 0) {
			e->state = ENGINE_DIVERGED;
			engine_message(e, true, "training diverged at step %ld; "
			    "the last finite parameters are kept", e->t->step);
		} else
			history_record(&e->hist, (double)e->t->step,
			    e->t->train_loss);
		if (e->t->step >= e->target)
			e->target = e->t->step;
		if (e->state != ENGINE_DIVERGED)
			e->state = ENGINE_PAUSED;
		engine_test(e, true);
		break;
	case ENGINE_CMD_SPEED:
		/* each press moves one level, clamped at both ends */
		n = e->speed + (it->arg < 0 ? -it->count : it->count);
		if (n < 0)
			n = 0;
		if (n >= engine_speed_levels())
			n = engine_speed_levels() - 1;
		e->speed = n;
		if (engine_speed_cap(e->speed) > 0)
			engine_message(e, false, "speed: at most %d steps/s",
			    engine_speed_cap(e->speed));
		else
			engine_message(e, false, "speed: unlimited");
		break;
	case ENGINE_CMD_HEADS:
	case ENGINE_CMD_LAYERS:
	case ENGINE_CMD_MEMORY:
	case ENGINE_CMD_PARAM:
	case ENGINE_CMD_RESTART:
		engine_new_runs(e, cmd, it->arg, it->count);
		break;
	case ENGINE_CMD_DATA:
		engine_set_data(e);
		break;
	case ENGINE_CMD_SAVE:
		/* the draws the run owes first: the file is an eager run's */
		trainer_set_cancel(e->t, NULL);
		trainer_prepare(e->t);
		trainer_set_cancel(e->t, &e->pending);
		if (checkpoint_save(e->save_path, e->t, err, sizeof err) != 0)
			engine_message(e, true, "%s", err);
		else
			engine_message(e, false, "saved step %ld to %s",
			    e->t->step, engine_abs(e->save_path, abs,
			    sizeof abs));
		break;
	case ENGINE_CMD_TRACE_TASK:
	case ENGINE_CMD_TRACE_FOLLOW:
		break;	/* above */
	case ENGINE_CMD_EXPORT:
		if (engine_export(e, err, sizeof err) != 0)
			engine_message(e, true, "%s", err);
		else
			engine_message(e, false, "exported %ld rows to %s",
			    e->hist.n, engine_abs(e->csv_path, abs, sizeof abs));
		break;
	}
	if (it->count > 1)
		engine_note_merged(e, it->count);
	return false;
}

