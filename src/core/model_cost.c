/*
 * The cost model: floating-point operations of a training step counted from
 * the shapes (what `memscope bench` divides by the time).
 *
 * A multiply and an add count one each; a sum of k terms started from zero
 * counts k adds, as the kernels compute it. Adam counts 13 a parameter
 * that a gradient reaches (model_grad_reach; it skips the others):
 * m ← β₁m + (1−β₁)g (3), v ← β₂v + (1−β₂)g² (4), and
 * p ← p − step·m / (√v / √bc₂ + ε) (6: ·, √, /, +, /, −), with the
 * constants 1−β and the bias corrections once a step, not a parameter
 * (optim.c). Clipping is not counted.
 */
#include <stdlib.h>

#include "memscope/model.h"
#include "memscope/xmalloc.h"

#include "model_internal.h"

/* Memory update flops per entry of one layer: forward, backward. */
static void
cost_memory_flops(enum ms_memory kind, int l, double *fwd, double *bwd)
{
	switch (kind) {
	case MS_MEMORY_NONE:
		*fwd = 2;		/* Z + R/n */
		*bwd = 1;
		break;
	case MS_MEMORY_CGD:
		*fwd = l > 0 ? 4 : 2;	/* R += γ R_{ℓ−1}; Z + (α/n) R */
		*bwd = l > 0 ? 7 : 5;	/* gR, dα, dγ, carry */
		break;
	case MS_MEMORY_LFOM:
		*fwd = 3;		/* U += (Γ/n) R; Z + U */
		*bwd = 4;		/* carry, dΓ, gS */
		break;
	case MS_MEMORY_REC:
		*fwd = l > 0 ? 4 : 2;	/* R += Γ ⊙ R_{ℓ−1}; Z + (α/n) R */
		*bwd = l > 0 ? 7 : 5;	/* gR, dα, dΓ, carry */
		break;
	}
}

/* The parameters Adam updates: those a gradient reaches (optim.c skips
 * the rest while nothing there would change, as in training). */
static size_t
cost_reached(const struct model *m)
{
	size_t *r = xmalloc(2 * (size_t)m->nblocks * sizeof *r), total = 0;
	int n = model_grad_reach(m, r);

	for (int k = 0; k < n; k++)
		total += r[2 * k + 1] - r[2 * k];
	free(r);
	return total;
}

/* FLOPs of one training step on `batch` tasks, counted from the shapes. */
double
model_flops_per_step(const struct model *m, int batch)
{
	double d = m->d, n = m->n, n1 = n + 1, d1 = d + 1, H = m->H;
	double task = 4;	/* the error, its square, its gradient */
	int scalar = m->cfg.param == MS_PARAM_SCALAR;
	/* the dense path one task at a time (above MODEL_SMALL_D) */
	int onetask = model_kernel_of(m) == KERNEL_DENSE_TASK;

	if (model_direct_is(m))
		return model_direct_flops(m, batch);
	for (int l = 0; l < m->L; l++) {
		double mf = 0, mb = 0;

		cost_memory_flops(m->cfg.memory, l, &mf, &mb);
		if (m->path == MODEL_PATH_LABEL) {
			/* the tokens the layer runs: the last layer only the
			 * query's (model_label_kern.h, label_top_first) */
			double rows = l == m->L - 1 ? 1 : n1;

			/* s = Σ y_j x_j, v = A s, r_i = −x_i·v, memory */
			task += 2 * n * d + (scalar ? d : 2 * d * d) +
			    2 * rows * d + mf * rows;
			/* memory, gv = −Σ gr_i x_i, dA; above layer 0 also
			 * gs = Aᵀ gv and gy_j += x_j·gs */
			task += mb * rows + 2 * rows * d +
			    (scalar ? 2 * d : 2 * d * d);
			if (l > 0)
				task += (scalar ? d : 2 * d * d) +
				    2 * n * d + n;
			continue;
		}
		if (onetask && l == m->L - 1) {
			/* the one-task kernel's last layer (model_dense.c):
			 * per head Z_ctx p, Z_ctxᵀ t, Q v; S's label column;
			 * the memory in the label column; back: r = Zᵀ g, per
			 * head Qᵀ r, Z a, Zᵀ t2, r vᵀ; above layer 0
			 * gZ += g kᵀ and two rank-1 terms a head */
			task += H * (4 * n * d1 + 2 * d1 * d1) + 2 * n1 * d1 +
			    mf * n1;
			task += mb * n1 + 2 * n1 * d1 +
			    H * (4 * d1 * d1 + 4 * n * d1);
			if (l > 0)
				task += 2 * n1 * d1 + H * 6 * n * d1;
			continue;
		}
		/* C = Σ z_j z_jᵀ, K = Σ_h P_h C Q_hᵀ, S = Z Kᵀ, memory */
		task += 2 * n * d1 * d1 + H * (4 * d1 * d1 * d1 + d1 * d1) +
		    2 * n1 * d1 * d1 + mf * n1 * d1;
		/* memory, gK = gSᵀ Z, four products a head (gP, gQ); above
		 * layer 0 also gZ += gS K, gC's products (two a head in
		 * lanes; one in the one-task kernel, which shares gK Q with
		 * gP) and gZ += Z (gC + gCᵀ) */
		task += mb * n1 * d1 + 2 * n1 * d1 * d1 +
		    H * (8 * d1 * d1 * d1 + 2 * d1 * d1);
		if (l > 0)
			task += (2 * n1 * d1 * d1 + n1 * d1) +
			    H * ((onetask ? 2 : 4) * d1 * d1 * d1 + d1 * d1) +
			    d1 * d1 + 2 * n * d1 * d1 + n * d1;
	}
	/* Adam: 13 per parameter a gradient reaches (it skips the others) */
	return task * batch + 13.0 * (double)cost_reached(m);
}
