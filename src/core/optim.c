/*
 * Adam (Kingma & Ba, as torch.optim.Adam computes it), its AdamW form with
 * decoupled weight decay (as torch.optim.AdamW: p ← p·(1 − lr·wd) before
 * the Adam update), and per-block clipping.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/optim.h"
#include "memscope/xmalloc.h"

#include "clones.h"

void
adam_init(struct adam *a, size_t n, double lr)
{
	memset(a, 0, sizeof *a);
	a->lr = lr;
	a->beta1 = 0.9;
	a->beta2 = 0.999;
	a->eps = 1e-8;
	a->wd = 0.0;
	a->n = n;
	a->m = xdoubles(n);
	a->v = xdoubles(n);
}

void
adam_free(struct adam *a)
{
	free(a->m);
	free(a->v);
	free(a->reach);
	memset(a, 0, sizeof *a);
}

void
adam_step(struct adam *a, double *params, const double *grads)
{
	adam_step_masked(a, params, grads, NULL);
}

void
adam_set_reach(struct adam *a, const size_t *r, int n)
{
	free(a->reach);
	a->reach = NULL;
	a->nreach = 0;
	if (n <= 0)
		return;
	a->reach = xmalloc(2 * (size_t)n * sizeof *a->reach);
	memcpy(a->reach, r, 2 * (size_t)n * sizeof *a->reach);
	a->nreach = n;
}

/* Adam on parameters [lo, hi), no mask, no decay: the loop of a training
 * step without --freeze or --weight-decay, straight so that it vectorizes
 * (built for AVX-512, AVX2 and the baseline: √ and ÷ are exact, and
 * nothing is contracted, so the bits are the same in each). */
static void CORE_CLONES
adam_step_range(struct adam *a, double *restrict params,
    const double *restrict grads, double step, double bc2_sqrt, size_t lo,
    size_t hi)
{
	double b1 = a->beta1, b2 = a->beta2, c1 = 1.0 - b1, c2 = 1.0 - b2;
	double eps = a->eps, *restrict m = a->m, *restrict v = a->v;

	for (size_t i = lo; i < hi; i++) {
		double g = grads[i];

		m[i] = b1 * m[i] + c1 * g;
		v[i] = b2 * v[i] + c2 * g * g;
		params[i] -= step * m[i] / (sqrt(v[i]) / bc2_sqrt + eps);
	}
}

/* Whether x[lo..hi) are all +0, bit for bit (integer tests: they
 * vectorize). */
static bool CORE_CLONES
all_plus_zero(const double *restrict x, size_t lo, size_t hi)
{
	uint64_t any = 0;

	for (size_t i = lo; i < hi; i++) {
		uint64_t b;

		memcpy(&b, &x[i], sizeof b);
		any |= b;
	}
	return any == 0;
}

/*
 * Whether everything outside a's reach is +0 in the gradients and both
 * moments. There Adam's update is m = β₁·0 + (1 − β₁)·0 = +0, v likewise,
 * and p − step·0/(√0/c + ε) = p exactly (−0 included): it changes nothing,
 * so skipping it gives the same bits. On the label path this skips lfom's
 * Γ rows but the label row: 420 of the default model's 604 parameters.
 */
static bool
adam_outside_is_idle(const struct adam *a, const double *grads)
{
	size_t lo = 0;

	for (int k = 0; k <= a->nreach; k++) {
		size_t hi = k < a->nreach ? a->reach[2 * k] : a->n;

		if (hi > lo && !(all_plus_zero(grads, lo, hi) &&
		    all_plus_zero(a->m, lo, hi) && all_plus_zero(a->v, lo, hi)))
			return false;
		if (k < a->nreach)
			lo = a->reach[2 * k + 1];
	}
	return true;
}

/* The plain update (no mask, no decay), over a's reach when nothing
 * outside it would change. */
static void
adam_step_all(struct adam *a, double *params, const double *grads,
    double step, double bc2_sqrt)
{
	if (a->nreach == 0 || !adam_outside_is_idle(a, grads)) {
		adam_step_range(a, params, grads, step, bc2_sqrt, 0, a->n);
		return;
	}
	for (int k = 0; k < a->nreach; k++)
		adam_step_range(a, params, grads, step, bc2_sqrt,
		    a->reach[2 * k], a->reach[2 * k + 1]);
}

void
adam_step_masked(struct adam *a, double *params, const double *grads,
    const unsigned char *train)
{
	double bc1, bc2, step, bc2_sqrt, decay;

	a->t++;
	bc1 = 1.0 - pow(a->beta1, (double)a->t);
	bc2 = 1.0 - pow(a->beta2, (double)a->t);
	step = a->lr / bc1;
	bc2_sqrt = sqrt(bc2);
	decay = 1.0 - a->lr * a->wd;
	if (train == NULL && a->wd == 0.0) {
		adam_step_all(a, params, grads, step, bc2_sqrt);
		return;
	}
	for (size_t i = 0; i < a->n; i++) {
		double g = grads[i];

		if (train != NULL && !train[i])
			continue;	/* frozen: parameter and moments stay */
		if (a->wd != 0.0)	/* decoupled: not through the moments */
			params[i] *= decay;
		a->m[i] = a->beta1 * a->m[i] + (1.0 - a->beta1) * g;
		a->v[i] = a->beta2 * a->v[i] + (1.0 - a->beta2) * g * g;
		/* p −= lr · m̂ / (√v̂ + ε), with the bias corrections folded in */
		params[i] -= step * a->m[i] / (sqrt(a->v[i]) / bc2_sqrt + a->eps);
	}
}

void
clip_blocks(struct model *m, double clip)
{
	for (int k = 0; k < m->nblocks; k++) {
		const struct param_block *pb = &m->blocks[k];
		double *g = m->grads + pb->offset;
		size_t len = (size_t)pb->rows * pb->cols;
		double norm = 0.0;

		for (size_t i = 0; i < len; i++)
			norm += g[i] * g[i];
		norm = sqrt(norm);
		if (norm > clip) {
			double scale = clip / norm;

			for (size_t i = 0; i < len; i++)
				g[i] *= scale;
		}
	}
}
