/* Snapshots: allocation, the model copy, curves. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/snapshot.h"
#include "memscope/xmalloc.h"

/* An empty snapshot (state ENGINE_STARTING, nothing to draw). */
void
snapshot_init(struct snapshot *s)
{
	memset(s, 0, sizeof *s);
	s->state = ENGINE_STARTING;
	s->kappa = 1;
	s->focus = 0;
	for (int i = 0; i < SNAPSHOT_MAX_RUNS; i++)
		s->runs[i].test_step = -1;
}

/* The focused run (NULL if there is none yet). */
const struct snapshot_run *
snapshot_focus(const struct snapshot *s)
{
	if (s->nruns < 1 || s->focus < 0 || s->focus >= s->nruns)
		return NULL;
	return &s->runs[s->focus];
}

/* The run whose model the snapshot holds (NULL if there is none yet). */
const struct snapshot_run *
snapshot_model_run(const struct snapshot *s)
{
	if (s->nruns < 1 || s->model_run < 0 || s->model_run >= s->nruns)
		return NULL;
	return &s->runs[s->model_run];
}

/* Size run r's per-layer array for L layers (values set to NAN). */
void
snapshot_run_set_layers(struct snapshot_run *r, int L)
{
	if (L < 1)
		L = 1;
	if (L > r->cap_L) {
		r->layer_mse = xrealloc(r->layer_mse, L * sizeof(double));
		r->cap_L = L;
	}
	r->L = L;
	for (int i = 0; i < L; i++)
		r->layer_mse[i] = NAN;
	r->final_mse = NAN;
}

/* Size the Σ⁻¹ array for d × d. */
void
snapshot_set_dim(struct snapshot *s, int d)
{
	if (d > s->cap_d) {
		s->sigma_inv = xrealloc(s->sigma_inv, (size_t)d * d *
		    sizeof(double));
		s->cap_d = d;
	}
}

void
snapshot_series_reset(struct snapshot_series *sr)
{
	sr->n = 0;
	sr->k = 0;
	sr->stride = 1;
}

void
snapshot_series_free(struct snapshot_series *sr)
{
	free(sr->step);
	free(sr->v);
	memset(sr, 0, sizeof *sr);
}

/* Room for n points of k values (k becomes sr's). */
static void
snapshot_series_reserve(struct snapshot_series *sr, int n, int k)
{
	if (n <= sr->cap && k == sr->k)
		return;
	sr->step = xrealloc(sr->step, (n + 1) * sizeof(double));
	sr->v = xrealloc(sr->v, ((size_t)n * k + 1) * sizeof(double));
	sr->cap = n;
	sr->k = k;
}

/* dst becomes a copy of series src. */
void
snapshot_series_copy(struct snapshot_series *dst,
    const struct snapshot_series *src)
{
	snapshot_series_reserve(dst, src->n > 1 ? src->n : 1, src->k);
	dst->n = src->n;
	dst->stride = src->stride;
	if (src->n > 0) {
		memcpy(dst->step, src->step, src->n * sizeof(double));
		memcpy(dst->v, src->v, (size_t)src->n * src->k *
		    sizeof(double));
	}
}

/* Offer the k values at step: recorded on multiples of the stride. */
void
snapshot_series_append(struct snapshot_series *sr, double step,
    const double *v, int k)
{
	int i, j;

	if (k < 1)
		return;
	if (sr->stride < 1)
		sr->stride = 1;
	if (sr->n == 0 && sr->k != k)
		snapshot_series_reserve(sr, 64, k);
	if (k != sr->k || (long)step % sr->stride != 0)
		return;
	if (sr->n == SNAPSHOT_SERIES_POINTS) {
		/* full: keep the points on multiples of the doubled stride */
		sr->stride *= 2;
		for (i = j = 0; i < sr->n; i++) {
			if ((long)sr->step[i] % sr->stride != 0)
				continue;
			sr->step[j] = sr->step[i];
			memmove(sr->v + (size_t)j * k, sr->v + (size_t)i * k,
			    k * sizeof(double));
			j++;
		}
		sr->n = j;
		if ((long)step % sr->stride != 0)
			return;
	}
	if (sr->n == sr->cap)
		snapshot_series_reserve(sr, sr->cap ? 2 * sr->cap : 64, k);
	sr->step[sr->n] = step;
	memcpy(sr->v + (size_t)sr->n * k, v, k * sizeof(double));
	sr->n++;
}

void
snapshot_curve_free(struct snapshot_curve *c)
{
	free(c->step);
	free(c->train);
	free(c->test);
	memset(c, 0, sizeof *c);
}

void
snapshot_free(struct snapshot *s)
{
	int b;

	for (int i = 0; i < SNAPSHOT_MAX_RUNS; i++) {
		snapshot_curve_free(&s->runs[i].hist);
		snapshot_series_free(&s->runs[i].coef);
		free(s->runs[i].layer_mse);
	}
	free(s->blocks);
	free(s->params);
	free(s->sigma_inv);
	for (b = 0; b < BASELINE_COUNT; b++) {
		free(s->base_mse[b]);
		free(s->base_step[b]);
	}
	free(s->cgd_coef);
	free(s->sigma_cos);
	trace_free(&s->trace.tr);
	memset(s, 0, sizeof *s);
}

/* Size the per-layer arrays for L layers (values set to NAN). */
void
snapshot_set_layers(struct snapshot *s, int L)
{
	int b, i;

	if (L < 1)
		L = 1;
	if (L > s->cap_L) {
		for (b = 0; b < BASELINE_COUNT; b++) {
			s->base_mse[b] = xrealloc(s->base_mse[b],
			    (L + 1) * sizeof(double));
			s->base_step[b] = xrealloc(s->base_step[b],
			    (L + 1) * sizeof(double));
		}
		s->cgd_coef = xrealloc(s->cgd_coef, (size_t)L * L *
		    sizeof(double));
		s->sigma_cos = xrealloc(s->sigma_cos, L * sizeof(double));
		s->cap_L = L;
	}
	for (i = 0; i < L; i++)
		s->sigma_cos[i] = NAN;
	for (b = 0; b < BASELINE_COUNT; b++)
		for (i = 0; i <= L; i++)
			s->base_mse[b][i] = s->base_step[b][i] = NAN;
	for (i = 0; i < L * L; i++)
		s->cgd_coef[i] = NAN;
}

/* Size the model part for a model with this table (keeps allocations). */
void
snapshot_set_model(struct snapshot *s, const struct model *m)
{
	if (m->nblocks != s->nblocks)
		s->blocks = xrealloc(s->blocks, (m->nblocks + 1) *
		    sizeof *s->blocks);
	memcpy(s->blocks, m->blocks, m->nblocks * sizeof *s->blocks);
	s->nblocks = m->nblocks;
	if (m->nparams != s->nparams)
		s->params = xrealloc(s->params, (m->nparams + 1) *
		    sizeof *s->params);
	memcpy(s->params, m->params, m->nparams * sizeof *s->params);
	s->nparams = m->nparams;
	s->d = m->d;
	s->n = m->n;
	s->L = m->L;
	s->H = m->H;
}

static void
snapshot_curve_reserve(struct snapshot_curve *c, int n)
{
	if (n <= c->cap)
		return;
	c->cap = n;
	c->step = xrealloc(c->step, n * sizeof(double));
	c->train = xrealloc(c->train, n * sizeof(double));
	c->test = xrealloc(c->test, n * sizeof(double));
}

/* dst becomes a copy of the curve src. */
void
snapshot_curve_copy(struct snapshot_curve *dst,
    const struct snapshot_curve *src)
{
	int n = src->n;

	snapshot_curve_reserve(dst, n);
	if (n > 0) {
		memcpy(dst->step, src->step, n * sizeof(double));
		memcpy(dst->train, src->train, n * sizeof(double));
		memcpy(dst->test, src->test, n * sizeof(double));
	}
	dst->n = n;
}

/* Append one point to c. */
void
snapshot_curve_append(struct snapshot_curve *c, double step, double train,
    double test)
{
	if (c->n == c->cap)
		snapshot_curve_reserve(c, c->cap ? c->cap * 2 : 64);
	c->step[c->n] = step;
	c->train[c->n] = train;
	c->test[c->n] = test;
	c->n++;
}

/* The parameters of block (name, layer, head), or NULL. */
const double *
snapshot_block(const struct snapshot *s, const char *name, int layer, int head,
    const struct param_block **blk)
{
	int i;

	for (i = 0; i < s->nblocks; i++) {
		const struct param_block *pb = &s->blocks[i];

		if (pb->layer == layer && pb->head == head &&
		    strcmp(pb->name, name) == 0) {
			if (blk != NULL)
				*blk = pb;
			return s->params + pb->offset;
		}
	}
	return NULL;
}

/* Text of a state: "running", "paused", ... */
const char *
snapshot_state_name(enum engine_state st)
{
	switch (st) {
	case ENGINE_STARTING:
		return "starting";
	case ENGINE_RUNNING:
		return "running";
	case ENGINE_PAUSED:
		return "paused";
	case ENGINE_FINISHED:
		return "finished";
	case ENGINE_DIVERGED:
		return "diverged";
	}
	return "?";
}
