/*
 * Gated heads (doc/math.md §8.2): layer ℓ adds (1/n) Σ_h g_h Attn_{ℓh}(Z_ℓ),
 * one gate vector g (H) shared by every layer, the block "gate" (layer -1,
 * head -1, H×1), initialised to 1.
 *
 * The passes see the gates only through their inputs: on the label path
 * the summed preconditioner Σ_h g_h A_{ℓh} (model.c's model_prepare), on
 * the dense path Q_{ℓh} expanded as g_h Q_{ℓh}, so K_ℓ = Σ_h g_h P_{ℓh} C
 * Q_{ℓh}ᵀ. Backward, the kernels' sums are with respect to those inputs:
 * a head's gradient is g_h times its share, and the gate's is the inner
 * product of the sum with the head's own (ungated) block, over the layers.
 * Also here: a head's gate as the views read it (model_gate), and which
 * blocks are attention, the ones --freeze attention keeps.
 */
#include "model_internal.h"

/* Dense: each head's expanded Q (L, H, d+1, d+1) multiplied by its gate. */
void
model_gate_scale(const struct model *m, double *Qd)
{
	const double *g = m->params + m->off_gate;
	size_t e1 = (size_t)(m->d + 1) * (m->d + 1);

	for (int lh = 0; lh < m->L * m->H; lh++)
		for (size_t e = 0; e < e1; e++)
			Qd[lh * e1 + e] *= g[lh % m->H];
}

/* Label: the heads' gradients from the summed slot sums (L, sz) and the
 * gates' (m->grads is zero there on entry). */
void
model_gate_label_grads(struct model *m, const double *total, size_t sz)
{
	const double *g = m->params + m->off_gate;
	double *gg = m->grads + m->off_gate;
	int L = m->L, H = m->H;

	for (int l = 0; l < L; l++)
		for (int h = 0; h < H; h++) {
			const double *A = m->params + m->off_attn0[l * H + h];
			double *gA = m->grads + m->off_attn0[l * H + h];

			for (size_t e = 0; e < sz; e++) {
				gg[h] += total[l * sz + e] * A[e];
				gA[e] = g[h] * total[l * sz + e];
			}
		}
}

/* Dense: the gates' gradients from gQd (the sums with respect to the
 * gated Q's) and the heads' own Q (the pass's Qh), and into gQout gQd
 * times each head's gate, for the contraction onto the blocks. */
void
model_gate_dense_grads(struct model *m, const double *gQd, double *gQout)
{
	size_t e1 = (size_t)(m->d + 1) * (m->d + 1);
	const double *g = m->params + m->off_gate, *Qh = m->work->Qh;
	double *gg = m->grads + m->off_gate;

	for (int lh = 0; lh < m->L * m->H; lh++)
		for (size_t e = 0; e < e1; e++) {
			gg[lh % m->H] += gQd[lh * e1 + e] * Qh[lh * e1 + e];
			gQout[lh * e1 + e] = g[lh % m->H] * gQd[lh * e1 + e];
		}
}

/* Head h's gate g_h, or 1 without gates. */
double
model_gate(const struct model *m, int h)
{
	return m->off_gate < 0 ? 1.0 : m->params[m->off_gate + h];
}

/* Whether block pb is attention, what --freeze attention keeps. */
bool
model_block_is_attention(const struct param_block *pb)
{
	return pb->head >= 0;	/* memory and gate blocks have head -1 */
}
