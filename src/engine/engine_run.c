/*
 * The run list's runs (engine_impl.h's struct engine_run): making and
 * freeing them, their labels, test evaluations and baselines, and stepping
 * them side by side.
 *
 * Side by side: every active run makes the same number of steps in a
 * burst, so that at any moment the runs have trained equally long and a
 * comparison at a step compares like with like. With one run the burst
 * runs to the publication deadline (or a command); with several, the
 * runs are spread over the engine's pool (each run on one worker: its own
 * share first, run i on worker i mod n, then whatever no worker has
 * claimed; a run touches only its own state),
 * each making k steps, k chosen from the runs' measured step times so that
 * a burst lasts about one publication interval. Every run's numbers depend
 * on its configuration alone (one compute thread each when several run),
 * whatever the schedule: the same bits as `memscope train` of that
 * configuration with --threads 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_impl.h"
#include "memscope/clock.h"
#include "memscope/runner.h"
#include "memscope/theory.h"
#include "memscope/xmalloc.h"

/* What a configuration is, for messages: "pre lfom H1 L5 iso". */
void
engine_run_describe(const struct ms_config *cfg, char *buf, size_t len)
{
	char data[32];

	snprintf(buf, len, "%s %s H%d L%d %s", config_param_name(cfg->param),
	    config_memory_name(cfg->memory), cfg->heads, cfg->layers,
	    config_data_name(cfg, data, sizeof data));
}

/* The lowest style slot no run of the list has. */
static int
engine_run_free_style(const struct engine *e)
{
	int st, i;

	for (st = 0; st < SNAPSHOT_MAX_RUNS; st++) {
		for (i = 0; i < e->nruns; i++)
			if (e->runs[i]->style == st)
				break;
		if (i == e->nruns)
			return st;
	}
	return 0;
}

static struct engine_run *
engine_run_alloc(struct engine *e)
{
	struct engine_run *r = xcalloc(1, sizeof *r);

	r->id = ++e->next_id;
	r->style = engine_run_free_style(e);
	r->visible = true;
	r->test_step = -1;
	history_init(&r->hist);
	snapshot_series_reset(&r->coef);
	return r;
}

/* The memory coefficients a run records (snapshot.h's coef): how many. */
static int
engine_run_coef_count(const struct ms_config *cfg)
{
	switch (cfg->memory) {
	case MS_MEMORY_CGD:
	case MS_MEMORY_REC:	/* α_ℓ and [Γ_ℓ]_{label, query} */
		return 2 * cfg->layers;
	case MS_MEMORY_LFOM:
		return cfg->layers * (cfg->context + 1);
	case MS_MEMORY_NONE:
		break;
	}
	return 0;
}

/* A trained run for cfg, or for t (taken over) if not NULL. */
struct engine_run *
engine_run_new(struct engine *e, const struct ms_config *cfg,
    struct trainer *t, char *err, size_t errlen)
{
	struct engine_run *r;

	if (t == NULL) {
		/* the batches are drawn by the worker (engine_catch_up) */
		t = xcalloc(1, sizeof *t);
		if (trainer_init_deferred(t, cfg, err, errlen) != 0) {
			free(t);
			return NULL;
		}
	}
	trainer_set_cancel(t, &e->pending);
	r = engine_run_alloc(e);
	r->t = t;
	r->state = t->diverged ? ENGINE_DIVERGED : ENGINE_RUNNING;
	r->target = t->cfg.steps;
	if (t->step >= r->target)
		r->target = t->step + t->cfg.steps;
	r->layer_mse = xcalloc(t->cfg.layers, sizeof(double));
	r->test_due = true;
	r->coef_buf = xcalloc(engine_run_coef_count(&t->cfg) + 1,
	    sizeof(double));
	r->rate_time = clock_seconds();
	r->rate_step = t->step;
	if (t->step > 0)
		history_record(&r->hist, (double)t->step, t->train_loss);
	return r;
}

/* A reference run: a saved history. */
struct engine_run *
engine_run_reference(struct engine *e, const struct engine_ref *ref)
{
	struct engine_run *r = engine_run_alloc(e);
	const struct snapshot_curve *c = &ref->curve;

	r->reference = true;
	r->ref_cfg = ref->cfg;
	r->state = ENGINE_FINISHED;
	snprintf(r->ref_label, sizeof r->ref_label, "%s", ref->label);
	history_replay(&r->hist, c);
	r->target = c->n > 0 ? (long)c->step[c->n - 1] : 0;
	return r;
}

void
engine_run_free(struct engine_run *r)
{
	if (r == NULL)
		return;
	if (r->t != NULL) {
		trainer_free(r->t);
		free(r->t);
	}
	history_free(&r->hist);
	snapshot_series_free(&r->coef);
	free(r->coef_buf);
	free(r->layer_mse);
	for (int b = 0; b < BASELINE_COUNT; b++) {
		free(r->base[b]);
		free(r->base_step[b]);
	}
	free(r);
}

/* Put r at the end of the list; false if it is full. */
bool
engine_run_add(struct engine *e, struct engine_run *r)
{
	if (e->nruns == SNAPSHOT_MAX_RUNS)
		return false;
	e->runs[e->nruns++] = r;
	return true;
}

/* Take runs[i] out of the list and free it (the focus and the model run
 * stay on the same runs, or move to a neighbour). */
void
engine_run_remove(struct engine *e, int i)
{
	engine_run_free(e->runs[i]);
	memmove(e->runs + i, e->runs + i + 1, (e->nruns - i - 1) *
	    sizeof *e->runs);
	e->nruns--;
	e->runs[e->nruns] = NULL;
	if (e->focus > i || e->focus == e->nruns)
		e->focus--;
	if (e->model_run > i || e->model_run == e->nruns)
		e->model_run--;
	if (e->focus < 0)
		e->focus = 0;
	if (e->model_run < 0 || e->runs[e->model_run]->reference) {
		for (int j = 0; j < e->nruns; j++)
			if (!e->runs[j]->reference)
				e->model_run = j;
	}
}

/* ---- labels ---- */

enum engine_key {
	EK_MEMORY, EK_PARAM, EK_HEADS, EK_LAYERS, EK_DATA, EK_DIM, EK_CONTEXT,
	EK_LR, EK_SEED, EK_COUNT
};

/* Each setting a label may name: its option key (config.h) and the
 * prefix of its value in a label ("H" + "2"). */
static const struct {
	const char *key, *prefix;
} engine_keys[EK_COUNT] = {
	[EK_MEMORY] = { "memory", "" }, [EK_PARAM] = { "param", "" },
	[EK_HEADS] = { "heads", "H" }, [EK_LAYERS] = { "layers", "L" },
	[EK_DATA] = { "data", "" }, [EK_DIM] = { "dim", "d" },
	[EK_CONTEXT] = { "context", "n" }, [EK_LR] = { "lr", "lr" },
	[EK_SEED] = { "seed", "seed" },
};

static bool
engine_key_equal(const struct ms_config *a, const struct ms_config *b,
    int k)
{
	return config_key_equal(a, b, engine_keys[k].key);
}

/* Append word to the label buf (len bytes), after a space if it has
 * words; what does not fit is cut. */
static void
engine_label_add(char *buf, size_t len, const char *word)
{
	size_t at = strlen(buf), n = strlen(word);

	if (at > 0 && at + 1 < len)
		buf[at++] = ' ';
	if (n > len - 1 - at) {
		n = len - 1 - at;
		/* never half a UTF-8 sequence */
		while (n > 0 && ((unsigned char)word[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(buf + at, word, n);
	buf[at + n] = '\0';
}

/* Append setting k of cfg to buf ("H2", "κ100"; "k100" in ASCII): its
 * prefix and its value as the option takes it. */
static void
engine_key_label(const struct ms_config *cfg, int k, bool utf8, char *buf,
    size_t len)
{
	char v[40], w[48];

	if (k == EK_DATA && cfg->data == MS_DATA_KAPPA)
		snprintf(v, sizeof v, "%s%g", utf8 ? "\xce\xba" : "k",
		    cfg->kappa);
	else
		config_get(cfg, engine_keys[k].key, v, sizeof v);
	snprintf(w, sizeof w, "%s%s", engine_keys[k].prefix, v);
	engine_label_add(buf, len, w);
}

/*
 * Every run's label: the values of the settings in which the trained runs
 * differ ("lfom", "H2 κ100"); with nothing to tell them apart, memory and
 * heads ("lfom H1"), or a direct kind's name ("direct"); runs whose labels
 * are still alike get their id ("lfom H1 #3"). A reference keeps its own
 * label.
 */
void
engine_run_labels(struct engine *e)
{
	bool vary[EK_COUNT] = { false }, any = false;
	bool twin[SNAPSHOT_MAX_RUNS];
	const struct ms_config *first = NULL;
	int i, j, k;

	for (i = 0; i < e->nruns; i++) {
		if (e->runs[i]->reference)
			continue;
		if (first == NULL) {
			first = engine_run_cfg(e->runs[i]);
			continue;
		}
		for (k = 0; k < EK_COUNT; k++)
			if (!engine_key_equal(first, engine_run_cfg(e->runs[i]),
			    k))
				vary[k] = any = true;
	}
	/* an optimizer learned directly has no memory or heads to name */
	if (!any && first != NULL && config_param_is_direct(first->param))
		vary[EK_PARAM] = true;
	else if (!any)
		vary[EK_MEMORY] = vary[EK_HEADS] = true;
	for (i = 0; i < e->nruns; i++) {
		struct engine_run *r = e->runs[i];

		if (r->reference) {
			snprintf(r->label, sizeof r->label, "%s", r->ref_label);
			snprintf(r->label_ascii, sizeof r->label_ascii, "%s",
			    r->ref_label);
			continue;
		}
		r->label[0] = r->label_ascii[0] = '\0';
		for (k = 0; k < EK_COUNT; k++) {
			if (!vary[k])
				continue;
			engine_key_label(engine_run_cfg(r), k, true, r->label,
			    sizeof r->label);
			engine_key_label(engine_run_cfg(r), k, false,
			    r->label_ascii, sizeof r->label_ascii);
		}
	}
	/* alike labels: the id tells them apart (all found before any
	 * label changes) */
	for (i = 0; i < e->nruns; i++) {
		twin[i] = false;
		for (j = 0; j < e->nruns; j++)
			if (j != i && !e->runs[i]->reference &&
			    !e->runs[j]->reference &&
			    strcmp(e->runs[i]->label_ascii,
			    e->runs[j]->label_ascii) == 0)
				twin[i] = true;
	}
	for (i = 0; i < e->nruns; i++) {
		struct engine_run *r = e->runs[i];
		char id[16];

		if (!twin[i])
			continue;
		snprintf(id, sizeof id, "#%d", r->id);
		engine_label_add(r->label, sizeof r->label, id);
		engine_label_add(r->label_ascii, sizeof r->label_ascii, id);
	}
}

/* Whether some run steps when the engine runs. */
bool
engine_runs_active(const struct engine *e)
{
	for (int i = 0; i < e->nruns; i++)
		if (!e->runs[i]->reference &&
		    e->runs[i]->state == ENGINE_RUNNING)
			return true;
	return false;
}

/* ---- evaluation ---- */

/* Evaluate r's test batch now; false if a command interrupted it. */
static bool
engine_run_test_now(struct engine_run *r)
{
	double start = clock_seconds(), now;

	if (trainer_test(r->t, r->layer_mse) != 0)
		return false;
	r->test_step = r->t->step;
	now = clock_seconds();
	r->test_dur = now - start;
	r->last_test_end = now;
	history_record_test(&r->hist, (double)r->t->step,
	    r->layer_mse[r->t->cfg.layers - 1]);
	return true;
}

/*
 * A test evaluation of r at this step, unless it is not forced and not
 * cheap enough yet: at least fifty times an evaluation's duration since
 * the last one, which bounds their cost to about 2% of training. A forced
 * one that a command interrupts is owed (engine_catch_up).
 */
void
engine_run_test(struct engine *e, struct engine_run *r, bool force)
{
	(void)e;
	if (r->t == NULL || r->test_step == r->t->step)
		return;
	if (!force && clock_seconds() - r->last_test_end < 50 * r->test_dur)
		return;
	if (!engine_run_test_now(r) && force)
		r->test_due = true;
}

/* The classical methods on r's test batch, for k = 0..L; false if a
 * command interrupted them. */
bool
engine_run_baselines(struct engine *e, struct engine_run *r)
{
	struct baseline_table tab;
	int b, L = r->t->cfg.layers;

	memset(&tab, 0, sizeof tab);
	if (baselines_evaluate_cancel(&r->t->cfg, &r->t->dist, &r->t->test, L,
	    &tab, &e->pending) != 0)
		return false;
	for (b = 0; b < BASELINE_COUNT; b++) {
		r->base[b] = xrealloc(r->base[b], (L + 1) * sizeof(double));
		r->base_step[b] = xrealloc(r->base_step[b], (L + 1) *
		    sizeof(double));
		memcpy(r->base[b], tab.mse[b], (L + 1) * sizeof(double));
		memcpy(r->base_step[b], tab.step[b], (L + 1) * sizeof(double));
	}
	theory_lines_compute(&r->t->cfg, &r->t->dist, &r->theory);
	r->base_L = L;
	r->have_base = true;
	baseline_table_free(&tab);
	return true;
}

/* r's memory coefficients now, in snapshot.h's coef order, into out. */
static void
engine_run_coefs(const struct engine_run *r, double *out)
{
	const struct model *m = &r->t->model;
	const struct ms_config *cfg = &r->t->cfg;
	int l, j, n1 = cfg->context + 1;

	for (l = 0; l < cfg->layers; l++) {
		if (cfg->memory == MS_MEMORY_CGD) {
			out[2 * l] = m->params[m->off_mem0[l]];
			out[2 * l + 1] = m->params[m->off_mem1[l]];
		} else if (cfg->memory == MS_MEMORY_REC) {
			/* α_ℓ; Γ_ℓ's label row (d), query column (n) */
			out[2 * l] = m->params[m->off_mem0[l]];
			out[2 * l + 1] = m->params[m->off_mem1[l] +
			    (long)cfg->dim * n1 + cfg->context];
		} else if (cfg->memory == MS_MEMORY_LFOM) {
			/* Γ_ℓ is (d + 1) × (n + 1): its last row */
			const double *g = m->params + m->off_mem0[l] +
			    (size_t)cfg->dim * n1;

			for (j = 0; j < n1; j++)
				out[l * n1 + j] = g[j];
		}
	}
}

/* Record a step r made (its history and memory coefficients). */
void
engine_run_record(struct engine_run *r)
{
	int k = engine_run_coef_count(&r->t->cfg);

	history_record(&r->hist, (double)r->t->step, r->t->train_loss);
	if (k > 0 && (long)r->t->step % (r->coef.stride > 0 ?
	    r->coef.stride : 1) == 0) {
		engine_run_coefs(r, r->coef_buf);
		snapshot_series_append(&r->coef, (double)r->t->step,
		    r->coef_buf, k);
	}
}

/* ---- stepping ---- */

/* Up to k steps of r, stopping early at its target, a divergence, the
 * step of the scripted data switch (opts.data_at) or a pending command
 * (with one run only: also at the publication deadline). */
static void
engine_run_burst(struct engine *e, struct engine_run *r, long k,
    bool to_deadline)
{
	double start = clock_seconds(), now = start;
	long i;

	r->burst_steps = 0;
	r->burst_rc = 0;
	for (i = 0; i < k; i++) {
		int rc = trainer_step(r->t);

		if (rc == TRAINER_INTERRUPTED)
			break;	/* a command: the step is made again later */
		if (rc != 0) {
			r->state = ENGINE_DIVERGED;
			r->burst_rc = 1;
			break;
		}
		engine_run_record(r);
		r->burst_steps++;
		if (r->t->step >= r->target) {
			r->state = trainer_diverged(r->t, NULL, 0) ?
			    ENGINE_DIVERGED : ENGINE_FINISHED;
			break;
		}
		if (atomic_load(&e->pending) || r->t->step == e->opts.data_at)
			break;
		now = clock_seconds();
		if (to_deadline && now >= e->burst_deadline)
			break;
	}
	now = clock_seconds();
	if (r->burst_steps > 0) {
		double per = (now - start) / r->burst_steps;

		r->step_sec = r->step_sec > 0 ? 0.7 * r->step_sec + 0.3 * per :
		    per;
	}
	if (r->state == ENGINE_RUNNING && !atomic_load(&e->pending))
		engine_run_test(e, r, false);
}

/* Claim runs[i] for this burst: false if another worker has it, or if
 * it does not step. Claimed first, looked at after: its state is written
 * by the worker that has it. */
static bool
engine_runs_claim(struct engine *e, int i)
{
	struct engine_run *r = e->runs[i];

	if (atomic_exchange(&e->burst_claimed[i], 1) != 0)
		return false;
	return !r->reference && r->state == ENGINE_RUNNING;
}

/*
 * A pool worker's part of a burst: first the runs i with i mod n = worker
 * (so a run stays with the same worker, and its batches in that core's
 * cache, burst after burst), then any run no worker has claimed yet (so a
 * slower run does not leave the others waiting).
 */
static void
engine_runs_job(void *ctx, int worker, int nworkers)
{
	struct engine *e = ctx;
	int i;

	for (i = worker; i < e->nruns; i += nworkers)
		if (engine_runs_claim(e, i))
			engine_run_burst(e, e->runs[i], e->burst_k, false);
	for (i = 0; i < e->nruns; i++)
		if (engine_runs_claim(e, i))
			engine_run_burst(e, e->runs[i], e->burst_k, false);
}

/* The pool that steps the runs side by side, made on first need:
 * opts.workers (or the CPUs online) workers, at most one per run slot. */
void
engine_pool(struct engine *e)
{
	int n = e->opts.workers > 0 ? e->opts.workers : runner_cpus();

	if (e->pool != NULL)
		return;
	e->pool = pool_create(n < SNAPSHOT_MAX_RUNS ? n : SNAPSHOT_MAX_RUNS);
}

/* The scripted data switch of every run the burst brought to
 * opts.data_at. */
static void
engine_runs_scripted(struct engine *e)
{
	for (int i = 0; i < e->nruns; i++) {
		struct engine_run *r = e->runs[i];

		if (r->burst_steps > 0 && r->t->step == e->opts.data_at)
			engine_run_next_data(e, r);
	}
}

/* Step every active run side by side, k steps each (k < 1: as many as
 * fit in a publication interval, from the measured step times), then
 * switch the data of those at opts.data_at. */
void
engine_runs_step(struct engine *e, long k)
{
	struct engine_run *only = NULL;
	double sum = 0;
	int active = 0, i, workers;

	for (i = 0; i < e->nruns; i++) {
		struct engine_run *r = e->runs[i];

		r->burst_steps = 0;
		r->burst_rc = 0;
		if (r->reference || r->state != ENGINE_RUNNING)
			continue;
		only = r;
		active++;
		sum += r->step_sec;
	}
	if (active == 0)
		return;
	if (active == 1) {
		engine_run_burst(e, only, k > 0 ? k : LONG_MAX, k < 1);
		engine_runs_scripted(e);
		return;
	}
	workers = e->pool != NULL ? pool_size(e->pool) : 1;
	if (workers > active)
		workers = active;
	if (k < 1) {
		/* a burst of about one publication interval */
		double span = e->publish_ms * 1e-3 * workers;

		k = sum > 0 ? (long)(span / sum) : 1;
		if (k < 1)
			k = 1;
	}
	e->burst_k = k;
	for (i = 0; i < e->nruns; i++)
		atomic_store(&e->burst_claimed[i], 0);
	if (e->pool != NULL)
		pool_run(e->pool, engine_runs_job, e);
	else
		engine_runs_job(e, 0, 1);
	engine_runs_scripted(e);
}
