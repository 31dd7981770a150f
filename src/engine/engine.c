/*
 * The training engine thread.
 *
 * Threads: the worker owns the trainer, its history and its private ("back")
 * snapshot; the UI owns its "front" snapshot and curses. They share only
 *   - the command queue (e->mu, e->cv): the UI appends and signals; the
 *     worker pops a command, drops the lock while carrying it out, and
 *     sleeps on the condition variable when paused (no polling) or until the
 *     next step is due under a speed cap;
 *   - the snapshot slot (e->slot_mu): three snapshots rotate. The worker
 *     fills `back` without any lock, then under slot_mu swaps it with `mid`
 *     and marks it fresh; the UI, under slot_mu, swaps `mid` with its
 *     `front` if fresh. Neither ever waits for the other's copying.
 * A byte written to a pipe after each publication lets the UI sleep in
 * poll() until there is something new to draw, or a key.
 *
 * Commands: the queue grows as needed, so no key is ever dropped. A key
 * repeated while the worker is busy is merged into the queue's last entry
 * when carrying it out once per press gives the same result as carrying
 * the merged entry out once: heads, layers, memory, parametrization and
 * restart (the presses are walked through config_validate, so refused ones
 * are refused alike, and one run is built, for the final configuration),
 * speed (clamped per press), pause, resume, save and export (idempotent).
 * Space, n and c are not merged (they do not commute with a count). The
 * status line says "N keys merged into 1".
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
 * snapshot's `busy` says what is under way. A command's own work (n's
 * step) is not interrupted by later keys, only by a quit with no save or
 * export queued (`quitting`); a save first makes the batch draws the run
 * owes, so the checkpoint is that of an eager run.
 *
 * History: every step's training loss (and test loss where evaluated) is
 * kept in full for CSV export; the curve the screens draw is decimated
 * incrementally (buckets of `stride` steps, geometric means, stride doubled
 * when the buffer fills), so publishing costs the same at step 10⁶ as at 10.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "memscope/baselines.h"
#include "memscope/checkpoint.h"
#include "memscope/engine.h"
#include "memscope/output.h"
#include "memscope/task.h"
#include "memscope/xmalloc.h"

#define ENGINE_QUEUE 64		/* initial queue capacity; it grows */
#define ENGINE_DECIM (SNAPSHOT_MAX_POINTS)	/* decimated points kept: 1..2× */

static const int engine_speeds[] = { 1, 2, 5, 10, 20, 50, 100, 200, 500,
    1000, 0 };
#define ENGINE_NSPEEDS ((int)(sizeof engine_speeds / sizeof engine_speeds[0]))

struct engine_qitem {
	enum engine_cmd cmd;
	int arg;
	int count;		/* keys merged into this entry */
};

/* The decimated curve for display. */
struct engine_decim {
	struct snapshot_curve c;	/* flushed points, cap 2*ENGINE_DECIM */
	long stride;		/* steps per point */
	long count;		/* steps in the open bucket */
	double ltr, lte;	/* sums of log losses in the open bucket */
	int ntr, nte;
	double last_step;
};

struct engine {
	pthread_t thread;
	bool started;

	/* The command queue. */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct engine_qitem *q;	/* (qcap) a ring */
	int qhead, qlen, qcap;
	atomic_int pending;	/* a command is queued: stop background work */
	atomic_int quitting;	/* quit with no save or export queued */

	/* The snapshot slot. */
	pthread_mutex_t slot_mu;
	struct snapshot snaps[3];
	struct snapshot *back, *mid, *front;
	bool fresh;
	int pipe[2];

	/* Worker-only state below. */
	struct engine_opts opts;
	char save_path[PATH_MAX];
	char csv_path[PATH_MAX];
	int publish_ms;
	struct trainer *t;
	enum engine_state state;
	long target;
	int speed;		/* index into engine_speeds */
	int run;
	unsigned long seq;
	char message[256];
	bool message_error;
	char busy[48];		/* the set-up piece under way, or "" */
	unsigned long commands;	/* keys carried out */

	long hn, hcap;		/* the full history of this run */
	double *hstep, *htrain, *htest;
	struct engine_decim decim;
	struct snapshot_curve prev;
	char prev_label[64];
	int nmarks;
	struct snapshot_mark marks[SNAPSHOT_MAX_MARKS];

	double *layer_mse;	/* (L) */
	bool test_due;		/* a forced test evaluation is owed */
	long test_step;
	double last_test_end, test_dur;
	bool have_base;
	int base_L;
	double *base[BASELINE_COUNT];	/* (L+1) */
	double *base_step[BASELINE_COUNT];	/* (L+1) */

	double last_publish, last_step_time;
	double rate_time, sps;
	long rate_step;
};

static double
engine_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

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

static void
engine_message(struct engine *e, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
engine_message(struct engine *e, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->message, sizeof e->message, fmt, ap);
	va_end(ap);
	e->message_error = error;
}

/* ---- history ---- */

static void
engine_decim_reset(struct engine_decim *d)
{
	struct snapshot_curve *c = &d->c;

	if (c->cap == 0) {
		c->cap = 2 * ENGINE_DECIM;
		c->step = xmalloc(c->cap * sizeof(double));
		c->train = xmalloc(c->cap * sizeof(double));
		c->test = xmalloc(c->cap * sizeof(double));
	}
	d->c.n = 0;
	d->stride = 1;
	d->count = 0;
	d->ltr = d->lte = 0;
	d->ntr = d->nte = 0;
}

static double
engine_log(double v)
{
	return isfinite(v) && v > 0 ? log(v) : NAN;
}

/* Close the open bucket into a point. */
static void
engine_decim_flush(struct engine_decim *d)
{
	struct snapshot_curve *c = &d->c;
	int i, j;

	if (d->count == 0)
		return;
	if (c->n == c->cap) {
		/* full: merge neighbours, halving the resolution */
		for (i = 0, j = 0; i + 1 < c->n; i += 2, j++) {
			double a = engine_log(c->train[i]);
			double b = engine_log(c->train[i + 1]);
			double ta = engine_log(c->test[i]);
			double tb = engine_log(c->test[i + 1]);

			c->step[j] = c->step[i + 1];
			c->train[j] = isnan(a) ? exp(b) : isnan(b) ? exp(a) :
			    exp((a + b) / 2);
			c->test[j] = isnan(ta) ? exp(tb) : isnan(tb) ?
			    exp(ta) : exp((ta + tb) / 2);
		}
		c->n = j;
		d->stride *= 2;
	}
	c->step[c->n] = d->last_step;
	c->train[c->n] = d->ntr > 0 ? exp(d->ltr / d->ntr) : NAN;
	c->test[c->n] = d->nte > 0 ? exp(d->lte / d->nte) : NAN;
	c->n++;
	d->count = 0;
	d->ltr = d->lte = 0;
	d->ntr = d->nte = 0;
}

static void
engine_decim_add(struct engine_decim *d, double step, double train)
{
	double l = engine_log(train);

	if (d->count >= d->stride)
		engine_decim_flush(d);
	d->last_step = step;
	d->count++;
	if (!isnan(l)) {
		d->ltr += l;
		d->ntr++;
	}
}

/* Append a step's training loss to the full history and the curve. */
static void
engine_record(struct engine *e, double step, double train)
{
	if (e->hn == e->hcap) {
		e->hcap = e->hcap ? e->hcap * 2 : 4096;
		e->hstep = xrealloc(e->hstep, e->hcap * sizeof(double));
		e->htrain = xrealloc(e->htrain, e->hcap * sizeof(double));
		e->htest = xrealloc(e->htest, e->hcap * sizeof(double));
	}
	e->hstep[e->hn] = step;
	e->htrain[e->hn] = train;
	e->htest[e->hn] = NAN;
	e->hn++;
	engine_decim_add(&e->decim, step, train);
}

/* Attach a test loss to the newest history point. */
static void
engine_record_test(struct engine *e, double test)
{
	double l = engine_log(test);

	if (e->hn == 0)
		engine_record(e, (double)e->t->step, NAN);
	e->htest[e->hn - 1] = test;
	if (!isnan(l)) {
		e->decim.lte += l;
		e->decim.nte++;
	}
}

/* ---- evaluation ---- */

/* Evaluate the test batch now; false if a command interrupted it. */
static bool
engine_test_run(struct engine *e)
{
	double start = engine_now(), now;

	if (trainer_test(e->t, e->layer_mse) != 0)
		return false;
	e->test_step = e->t->step;
	now = engine_now();
	e->test_dur = now - start;
	e->last_test_end = now;
	engine_record_test(e, e->layer_mse[e->t->cfg.layers - 1]);
	return true;
}

/* A test evaluation at this step, unless it is not forced and not cheap
 * enough yet; a forced one that a command interrupts is owed to
 * engine_catch_up (made before the next step). */
static void
engine_test(struct engine *e, bool force)
{
	if (e->test_step == e->t->step)
		return;
	if (!force && engine_now() - e->last_test_end < 50 * e->test_dur)
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

/* Cosine similarity of Σ_h A_ℓh with Σ⁻¹ for each layer (pre, gdpp). */
static void
engine_sigma_cos(struct engine *e, struct snapshot *s)
{
	struct trainer *t = e->t;
	int d = t->cfg.dim, l, h, i;
	double *sinv, *A, dot, na, ns;

	if (t->cfg.param != MS_PARAM_PRE && t->cfg.param != MS_PARAM_GDPP)
		return;
	sinv = xmalloc((size_t)d * d * sizeof *sinv);
	A = xmalloc((size_t)d * d * sizeof *A);
	task_dist_sigma_inv(&t->dist, sinv);
	for (l = 0; l < t->cfg.layers; l++) {
		memset(A, 0, (size_t)d * d * sizeof *A);
		for (h = 0; h < t->cfg.heads; h++) {
			const double *p = model_param(&t->model, "A", l, h);

			if (p == NULL)
				continue;
			for (i = 0; i < d * d; i++)
				A[i] += p[i];
		}
		dot = na = ns = 0;
		for (i = 0; i < d * d; i++) {
			dot += A[i] * sinv[i];
			na += A[i] * A[i];
			ns += sinv[i] * sinv[i];
		}
		s->sigma_cos[l] = na > 0 && ns > 0 ? dot / sqrt(na * ns) : NAN;
	}
	free(A);
	free(sinv);
}

/* ---- publishing ---- */

static void
engine_publish(struct engine *e)
{
	struct snapshot *s = e->back, *tmp;
	struct trainer *t = e->t;
	struct engine_decim *d = &e->decim;
	double now = engine_now();
	int L = t->cfg.layers, b;
	char c = 1;

	if (e->state == ENGINE_RUNNING) {
		if (now - e->rate_time >= 0.25) {
			e->sps = (t->step - e->rate_step) / (now - e->rate_time);
			e->rate_time = now;
			e->rate_step = t->step;
		}
	} else {
		e->sps = 0;
		e->rate_time = now;
		e->rate_step = t->step;
	}

	s->seq = ++e->seq;
	s->run = e->run;
	s->cfg = t->cfg;
	s->kappa = config_condition(&t->cfg);
	s->state = e->state;
	s->step = t->step;
	s->target = e->target;
	s->steps_per_sec = e->sps;
	s->speed_cap = engine_speed_cap(e->speed);
	snprintf(s->message, sizeof s->message, "%s", e->message);
	s->message_error = e->message_error;
	snprintf(s->busy, sizeof s->busy, "%s", e->busy);
	s->commands = e->commands;

	/* the curve: flushed points plus the open bucket */
	snapshot_curve_set(&s->hist, d->c.step, d->c.train, d->c.test, d->c.n,
	    2 * ENGINE_DECIM + 1);
	if (d->count > 0)
		snapshot_curve_append(&s->hist, d->last_step,
		    d->ntr > 0 ? exp(d->ltr / d->ntr) : NAN,
		    d->nte > 0 ? exp(d->lte / d->nte) : NAN);
	snapshot_curve_set(&s->prev, e->prev.step, e->prev.train, e->prev.test,
	    e->prev.n, 2 * ENGINE_DECIM + 1);
	snprintf(s->prev_label, sizeof s->prev_label, "%s", e->prev_label);
	s->nmarks = e->nmarks;
	memcpy(s->marks, e->marks, sizeof s->marks);

	snapshot_set_model(s, &t->model);
	snapshot_set_layers(s, L);
	s->test_step = e->test_step;
	if (e->test_step >= 0)
		memcpy(s->layer_mse, e->layer_mse, L * sizeof(double));
	s->have_baselines = e->have_base && e->base_L == L;
	if (s->have_baselines)
		for (b = 0; b < BASELINE_COUNT; b++) {
			memcpy(s->base_mse[b], e->base[b],
			    (L + 1) * sizeof(double));
			memcpy(s->base_step[b], e->base_step[b],
			    (L + 1) * sizeof(double));
		}
	s->test_from = t->test_from;
	if (t->cfg.memory == MS_MEMORY_CGD)
		model_cgd_coefficients(&t->model, s->cgd_coef);
	engine_sigma_cos(e, s);

	pthread_mutex_lock(&e->slot_mu);
	tmp = e->mid;
	e->mid = e->back;
	e->back = tmp;
	e->fresh = true;
	pthread_mutex_unlock(&e->slot_mu);
	/* a full pipe already says "new"; the UI polls with a timeout too */
	if (write(e->pipe[1], &c, 1) < 0)
		c = 0;
	e->last_publish = now;
}

/* ---- runs ---- */

static void
engine_describe(const struct ms_config *cfg, char *buf, size_t len)
{
	char data[32];

	snprintf(buf, len, "%s %s H%d L%d %s", config_param_name(cfg->param),
	    config_memory_name(cfg->memory), cfg->heads, cfg->layers,
	    config_data_name(cfg, data, sizeof data));
}

/* Begin a fresh history for the trainer e->t (the old curve becomes prev). */
static void
engine_begin_run(struct engine *e, const struct ms_config *old)
{
	if (old != NULL) {
		engine_decim_flush(&e->decim);
		snapshot_curve_set(&e->prev, e->decim.c.step, e->decim.c.train,
		    e->decim.c.test, e->decim.c.n, 2 * ENGINE_DECIM);
		engine_describe(old, e->prev_label, sizeof e->prev_label);
	}
	e->hn = 0;
	engine_decim_reset(&e->decim);
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
		engine_record(e, (double)e->t->step, e->t->train_loss);
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
		next->heads += arg < 0 ? -1 : 1;
		if (next->heads < 1) {
			snprintf(err, errlen, "heads: at least 1");
			return -1;
		}
		break;
	case ENGINE_CMD_LAYERS:
		next->layers += arg < 0 ? -1 : 1;
		if (next->layers < 1) {
			snprintf(err, errlen, "layers: at least 1");
			return -1;
		}
		break;
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
engine_new_runs(struct engine *e, enum engine_cmd cmd, int arg, int count,
    const char *what)
{
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
		engine_new_run(e, &cfg, what);
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
	fprintf(out.fp, "step,train_mse,test_mse\n");
	for (long i = 0; i < e->hn; i++) {
		fprintf(out.fp, "%.0f,", e->hstep[i]);
		if (!isnan(e->htrain[i]))
			fprintf(out.fp, "%.17g", e->htrain[i]);
		fputc(',', out.fp);
		if (!isnan(e->htest[i]))
			fprintf(out.fp, "%.17g", e->htest[i]);
		fputc('\n', out.fp);
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

/* Carry out one queue entry (it->count keys); true for quit. */
static bool
engine_do(struct engine *e, const struct engine_qitem *it)
{
	enum engine_cmd cmd = it->cmd;
	char err[512], abs[PATH_MAX + 256];
	int n, rc;

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
			e->rate_time = engine_now();
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
			engine_record(e, (double)e->t->step, e->t->train_loss);
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
		if (n >= ENGINE_NSPEEDS)
			n = ENGINE_NSPEEDS - 1;
		e->speed = n;
		if (engine_speed_cap(e->speed) > 0)
			engine_message(e, false, "speed: at most %d steps/s",
			    engine_speed_cap(e->speed));
		else
			engine_message(e, false, "speed: unlimited");
		break;
	case ENGINE_CMD_HEADS:
		engine_new_runs(e, cmd, it->arg, it->count, "heads");
		break;
	case ENGINE_CMD_LAYERS:
		engine_new_runs(e, cmd, it->arg, it->count, "layers");
		break;
	case ENGINE_CMD_MEMORY:
		engine_new_runs(e, cmd, it->arg, it->count, "memory");
		break;
	case ENGINE_CMD_PARAM:
		engine_new_runs(e, cmd, it->arg, it->count, "parametrization");
		break;
	case ENGINE_CMD_RESTART:
		engine_new_runs(e, cmd, it->arg, it->count, "restart");
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
	case ENGINE_CMD_EXPORT:
		if (engine_export(e, err, sizeof err) != 0)
			engine_message(e, true, "%s", err);
		else
			engine_message(e, false, "exported %ld rows to %s",
			    e->hn, engine_abs(e->csv_path, abs, sizeof abs));
		break;
	}
	if (it->count > 1)
		engine_note_merged(e, it->count);
	return false;
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
		engine_record(e, (double)e->t->step, e->t->train_loss);
		now = engine_now();
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
	now = engine_now();
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
		while (e->qlen > 0 && !quit) {
			it = e->q[e->qhead];
			e->qhead = (e->qhead + 1) % e->qcap;
			e->qlen--;
			atomic_store(&e->pending, e->qlen > 0);
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
			now = engine_now();
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
	e->rate_time = engine_now();
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

/* Whether count presses of cmd (with arg) do what one entry carrying a
 * count does (see the top of the file). */
static bool
engine_mergeable(enum engine_cmd cmd)
{
	switch (cmd) {
	case ENGINE_CMD_PAUSE:
	case ENGINE_CMD_RESUME:
	case ENGINE_CMD_SPEED:
	case ENGINE_CMD_HEADS:
	case ENGINE_CMD_LAYERS:
	case ENGINE_CMD_MEMORY:
	case ENGINE_CMD_PARAM:
	case ENGINE_CMD_RESTART:
	case ENGINE_CMD_SAVE:
	case ENGINE_CMD_EXPORT:
		return true;
	case ENGINE_CMD_TOGGLE:
	case ENGINE_CMD_STEP:
	case ENGINE_CMD_DATA:
	case ENGINE_CMD_QUIT:
		break;
	}
	return false;
}

/* Double the queue's capacity (called with e->mu held). */
static void
engine_queue_grow(struct engine *e)
{
	int cap = e->qcap > 0 ? 2 * e->qcap : ENGINE_QUEUE, i;
	struct engine_qitem *q = xcalloc((size_t)cap, sizeof *q);

	for (i = 0; i < e->qlen; i++)
		q[i] = e->q[(e->qhead + i) % e->qcap];
	free(e->q);
	e->q = q;
	e->qcap = cap;
	e->qhead = 0;
}

/* Queue a command for the worker (never blocks on training, never drops
 * it: a repeated key may be merged into the last entry). */
void
engine_send(struct engine *e, enum engine_cmd cmd, int arg)
{
	struct engine_qitem *last;
	int i;
	bool keep = false;

	pthread_mutex_lock(&e->mu);
	last = e->qlen > 0 ? &e->q[(e->qhead + e->qlen - 1) % e->qcap] : NULL;
	if (last != NULL && last->cmd == cmd && engine_mergeable(cmd) &&
	    (last->arg < 0) == (arg < 0) && last->count < INT_MAX)
		last->count++;
	else {
		if (e->qlen == e->qcap)
			engine_queue_grow(e);
		last = &e->q[(e->qhead + e->qlen) % e->qcap];
		last->cmd = cmd;
		last->arg = arg;
		last->count = 1;
		e->qlen++;
	}
	atomic_store(&e->pending, 1);
	if (cmd == ENGINE_CMD_QUIT) {
		/* a save or export still queued is carried out first, with
		 * all that precedes it; otherwise the worker drops its work */
		for (i = 0; i < e->qlen; i++) {
			enum engine_cmd c = e->q[(e->qhead + i) % e->qcap].cmd;

			keep |= c == ENGINE_CMD_SAVE || c == ENGINE_CMD_EXPORT;
		}
		if (!keep)
			atomic_store(&e->quitting, 1);
	}
	pthread_cond_signal(&e->cv);
	pthread_mutex_unlock(&e->mu);
}

/* The snapshot the UI starts with (owned by the engine). */
struct snapshot *
engine_first_snapshot(struct engine *e)
{
	return e->front;
}

/* If a newer snapshot was published, swap it into *snap. */
bool
engine_take(struct engine *e, struct snapshot **snap)
{
	struct snapshot *tmp;
	bool fresh;

	pthread_mutex_lock(&e->slot_mu);
	fresh = e->fresh;
	if (fresh) {
		tmp = e->mid;
		e->mid = *snap;
		*snap = tmp;
		e->front = tmp;
		e->fresh = false;
	}
	pthread_mutex_unlock(&e->slot_mu);
	return fresh;
}

/* A descriptor that becomes readable when a snapshot is published. */
int
engine_notify_fd(const struct engine *e)
{
	return e->pipe[0];
}

/* Empty the notification descriptor. */
void
engine_notify_drain(struct engine *e)
{
	char buf[64];

	while (read(e->pipe[0], buf, sizeof buf) > 0)
		;
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
	free(e->hstep);
	free(e->htrain);
	free(e->htest);
	snapshot_curve_free(&e->decim.c);
	snapshot_curve_free(&e->prev);
	free(e->layer_mse);
	for (b = 0; b < BASELINE_COUNT; b++) {
		free(e->base[b]);
		free(e->base_step[b]);
	}
	close(e->pipe[0]);
	close(e->pipe[1]);
	free(e->q);
	pthread_mutex_destroy(&e->mu);
	pthread_cond_destroy(&e->cv);
	pthread_mutex_destroy(&e->slot_mu);
	free(e);
}
