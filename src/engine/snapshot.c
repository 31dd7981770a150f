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
	s->test_step = -1;
	s->kappa = 1;
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

	snapshot_curve_free(&s->hist);
	snapshot_curve_free(&s->prev);
	free(s->blocks);
	free(s->params);
	free(s->layer_mse);
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
		s->layer_mse = xrealloc(s->layer_mse, L * sizeof(double));
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
	for (i = 0; i < L; i++) {
		s->layer_mse[i] = NAN;
		s->sigma_cos[i] = NAN;
	}
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
