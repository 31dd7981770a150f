/* What a model's parameters say: Σ⁻¹ alignment, unrolled memory. */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/analysis.h"
#include "memscope/xmalloc.h"

/* Cosine similarity of Σ_h g_h A_ℓh with Σ⁻¹ for each layer (pre, gdpp;
 * g_h = 1 without gates). */
void
analysis_sigma_cos(const struct model *m, const struct task_dist *dist,
    double *cos)
{
	int d = m->d, L = m->L, l, h, i;
	double *sinv, *A, dot, na, ns;

	for (l = 0; l < L; l++)
		cos[l] = NAN;
	if (m->cfg.param != MS_PARAM_PRE && m->cfg.param != MS_PARAM_GDPP)
		return;
	sinv = xdoubles((size_t)d * d);
	A = xdoubles((size_t)d * d);
	task_dist_sigma_inv(dist, sinv);
	for (l = 0; l < L; l++) {
		memset(A, 0, (size_t)d * d * sizeof *A);
		for (h = 0; h < m->H; h++) {
			const struct param_block *pb = model_block(m, "A", l, h);

			if (pb == NULL)
				continue;
			for (i = 0; i < d * d; i++)
				A[i] += model_gate(m, h) *
				    m->params[pb->offset + i];
		}
		dot = na = ns = 0;
		for (i = 0; i < d * d; i++) {
			dot += A[i] * sinv[i];
			na += A[i] * A[i];
			ns += sinv[i] * sinv[i];
		}
		cos[l] = na > 0 && ns > 0 ? dot / sqrt(na * ns) : NAN;
	}
	free(A);
	free(sinv);
}

/* A per-layer memory scalar ("alpha", "gamma") of layer l. */
static double
analysis_memory_scalar(const struct model *m, const char *name, int l)
{
	const struct param_block *pb = model_block(m, name, l, -1);

	return m->params[pb->offset];
}

/* The carry factor of layer k at the query: cgd's γ_k, rec's Γ_k at the
 * label row (d) and the query column (n) of its (d+1, n+1). */
static double
analysis_carry(const struct model *m, int k)
{
	const struct param_block *pb;

	if (m->cfg.memory == MS_MEMORY_CGD)
		return analysis_memory_scalar(m, "gamma", k);
	pb = model_block(m, "Gamma", k, -1);
	return m->params[pb->offset + (size_t)m->d * (m->n + 1) + m->n];
}

/* For cgd and rec: coef[ℓ*L + j] = α_ℓ Π_{k=j+1..ℓ} γ_k for j ≤ ℓ (rec:
 * [Γ_k]_{label, query} for γ_k), 0 above. */
void
analysis_cgd_coefficients(const struct model *m, double *coef)
{
	int L = m->L;
	bool cgd = m->cfg.memory == MS_MEMORY_CGD ||
	    m->cfg.memory == MS_MEMORY_REC;

	for (int l = 0; l < L; l++) {
		for (int j = 0; j < L; j++) {
			double c = 0.0;

			if (j <= l && cgd) {
				c = analysis_memory_scalar(m, "alpha", l);
				for (int k = j + 1; k <= l; k++)
					c *= analysis_carry(m, k);
			}
			coef[l * L + j] = c;
		}
	}
}
