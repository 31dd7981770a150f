/*
 * Adam (Kingma & Ba, as torch.optim.Adam computes it), its AdamW form with
 * decoupled weight decay (as torch.optim.AdamW: p ← p·(1 − lr·wd) before
 * the Adam update), and per-block clipping.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/optim.h"
#include "memscope/xmalloc.h"

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
	memset(a, 0, sizeof *a);
}

void
adam_step(struct adam *a, double *params, const double *grads)
{
	adam_step_masked(a, params, grads, NULL);
}

/* Adam on every parameter, no mask, no decay: the loop of a training step
 * without --freeze or --weight-decay, straight so that it vectorizes
 * (built for AVX-512, AVX2 and the baseline: √ and ÷ are exact, and
 * nothing is contracted, so the bits are the same in each). */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && \
    defined(__linux__)
__attribute__((target_clones("avx512f", "avx2", "default")))
#endif
static void
adam_step_all(struct adam *a, double *restrict params,
    const double *restrict grads, double step, double bc2_sqrt)
{
	double b1 = a->beta1, b2 = a->beta2, c1 = 1.0 - b1, c2 = 1.0 - b2;
	double eps = a->eps, *restrict m = a->m, *restrict v = a->v;

	for (size_t i = 0; i < a->n; i++) {
		double g = grads[i];

		m[i] = b1 * m[i] + c1 * g;
		v[i] = b2 * v[i] + c2 * g * g;
		params[i] -= step * m[i] / (sqrt(v[i]) / bc2_sqrt + eps);
	}
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
