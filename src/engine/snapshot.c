/* Snapshots: allocation, the model copy, and loss-curve downsampling. */
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

/* Copy a history of n points into c, averaging log-losses over buckets
 * when n exceeds maxpts. Each bucket keeps its last step, the geometric mean
 * of its training losses and of its (evaluated) test losses. */
void
snapshot_curve_set(struct snapshot_curve *c, const double *step,
    const double *train, const double *test, int n, int maxpts)
{
	int b, i, lo, hi, ntr, nte;
	double str, ste;

	if (maxpts < 1)
		maxpts = 1;
	if (n <= maxpts) {
		snapshot_curve_reserve(c, n);
		if (n > 0) {
			memcpy(c->step, step, n * sizeof(double));
			memcpy(c->train, train, n * sizeof(double));
			memcpy(c->test, test, n * sizeof(double));
		}
		c->n = n;
		return;
	}
	snapshot_curve_reserve(c, maxpts);
	for (b = 0; b < maxpts; b++) {
		lo = (int)((long long)b * n / maxpts);
		hi = (int)((long long)(b + 1) * n / maxpts);
		str = ste = 0;
		ntr = nte = 0;
		for (i = lo; i < hi; i++) {
			if (isfinite(train[i]) && train[i] > 0) {
				str += log(train[i]);
				ntr++;
			}
			if (isfinite(test[i]) && test[i] > 0) {
				ste += log(test[i]);
				nte++;
			}
		}
		c->step[b] = step[hi - 1];
		c->train[b] = ntr > 0 ? exp(str / ntr) : NAN;
		c->test[b] = nte > 0 ? exp(ste / nte) : NAN;
	}
	c->n = maxpts;
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
