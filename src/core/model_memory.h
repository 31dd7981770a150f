/*
 * The memory update of one layer (doc/math.md §4), forward and backward,
 * written once for the three kernels; private to src/core/model*.c.
 *
 * With register R_ℓ the layer's attention output S_ℓ:
 *   none: Z_{ℓ+1} = Z_ℓ + R_ℓ/n
 *   cgd:  R_ℓ = S_ℓ + γ_ℓ R_{ℓ−1},  Z_{ℓ+1} = Z_ℓ + (α_ℓ/n) R_ℓ
 *   lfom: Z_{ℓ+1} = Z_ℓ + U_ℓ,  U_ℓ = U_{ℓ−1} + (Γ_ℓ/n) ⊙ R_ℓ  (the running
 *         sum of (1/n) Σ_{j≤ℓ} Γ_j ⊙ R_j: O(L) per entry, not O(L²))
 *   rec:  R_ℓ = S_ℓ + Γ_ℓ ⊙ R_{ℓ−1},  Z_{ℓ+1} = Z_ℓ + (α_ℓ/n) R_ℓ  (cgd
 *         with one γ per entry of Z; G is Γ_ℓ itself, not Γ_ℓ/n)
 *
 * The arrays hold len entries of `width` doubles: width = W (4 or 8) for
 * a half-block in lanes (an entry is one vlane, double t of it lane t's
 * task), 1 for one task. The lane templates define MEM_T as their vlane
 * before including this file, so the loops run over whole vectors;
 * otherwise an entry is a double. The coefficients Γ are one double an
 * entry, the same for every task: MEM_SPLAT broadcasts one to the lanes
 * (a load, no arithmetic). Every double gets its own task's
 * scalar operations in the same order whatever the width; the sums of the
 * backward (cgd's α, γ) run per lane over the entries in ascending order.
 * Inlined into each kernel instance.
 */
#ifndef MEMSCOPE_MODEL_MEMORY_H
#define MEMSCOPE_MODEL_MEMORY_H

#include "model_internal.h"

#ifndef MEM_T
#define MEM_T double	/* an entry: one task's double */
#endif
#ifndef MEM_SPLAT
#define MEM_SPLAT(x) (x)	/* a coefficient, as an entry */
#endif

/*
 * Layer l forward on entries [i0, i0 + cnt) of a layer of `stride` entries:
 * Zn from Z and the register R = R_ℓ (R − stride entries is R_{ℓ−1}; for
 * cgd and rec R_ℓ gets its carry here), U the lfom running sum, G = Γ_ℓ/n
 * (lfom) or Γ_ℓ (rec). Every entry on its own: a layer may be done a few
 * rows at a time (model_label_kern.h, large d).
 */
static inline __attribute__((always_inline)) void
model_memory_forward_rows(const struct model_work *mw, enum ms_memory kind,
    int l, size_t i0, size_t cnt, size_t stride, MEM_T *restrict Zn,
    const MEM_T *restrict Z, MEM_T *restrict R, MEM_T *restrict U,
    const double *restrict G, double inv_n)
{
	size_t end = i0 + cnt;

	switch (kind) {
	case MS_MEMORY_NONE:
		for (size_t e = i0; e < end; e++)
			Zn[e] = Z[e] + inv_n * R[e];
		break;
	case MS_MEMORY_CGD:
		if (l > 0)
			for (size_t e = i0; e < end; e++)
				R[e] += mw->mem_g[l] * R[e - stride];
		for (size_t e = i0; e < end; e++)
			Zn[e] = Z[e] + mw->mem_a[l] * R[e];
		break;
	case MS_MEMORY_LFOM:
		for (size_t e = i0; e < end; e++) {
			U[e] += MEM_SPLAT(G[e]) * R[e];
			Zn[e] = Z[e] + U[e];
		}
		break;
	case MS_MEMORY_REC:
		if (l > 0)
			for (size_t e = i0; e < end; e++)
				R[e] += MEM_SPLAT(G[e]) * R[e - stride];
		for (size_t e = i0; e < end; e++)
			Zn[e] = Z[e] + mw->mem_a[l] * R[e];
		break;
	}
}

/* Layer l forward on all len entries (model_memory_forward_rows). */
static inline __attribute__((always_inline)) void
model_memory_forward(const struct model_work *mw, enum ms_memory kind, int l,
    size_t len, MEM_T *restrict Zn, const MEM_T *restrict Z,
    MEM_T *restrict R, MEM_T *restrict U, const double *restrict G,
    double inv_n)
{
	model_memory_forward_rows(mw, kind, l, 0, len, len, Zn, Z, R, U, G,
	    inv_n);
}

/*
 * cgd's and rec's backward through R_ℓ = c ⊙ R_{ℓ−1} + S_ℓ, Z_{ℓ+1} = Z_ℓ +
 * a R_ℓ (a = α_ℓ/n) on entries [i0, end): gS = gR = acc + a gZ, ga += gZ·R_ℓ
 * per lane (dα before its 1/n), and acc becomes the carry c ⊙ gR, c[e] at
 * entry e (rec: Γ_ℓ) or the scalar cs (cgd: γ_ℓ, c NULL).
 */
static inline __attribute__((always_inline)) void
model_memory_carry_back(double a, size_t i0, size_t end, MEM_T *restrict gS,
    MEM_T *restrict acc, MEM_T *restrict ga, const MEM_T *restrict gZ,
    const MEM_T *restrict R, const double *restrict c, double cs)
{
	for (size_t e = i0; e < end; e++) {
		MEM_T g = acc[e] + a * gZ[e];

		*ga += gZ[e] * R[e];
		gS[e] = g;
		acc[e] = c != NULL ? MEM_SPLAT(c[e]) * g : cs * g;
	}
}

/*
 * Backward of model_memory_forward_rows on entries [i0, i0 + cnt). gZ is
 * dL/dZ_{ℓ+1} (it stays the identity part of dL/dZ_ℓ); writes dL/dS_ℓ into
 * gS, carries acc between layers (lfom: Σ_{m≥ℓ} dL/dZ_{m+1}; cgd: γ_{ℓ+1}
 * dL/dR_{ℓ+1}; rec: Γ_{ℓ+1} ⊙ dL/dR_{ℓ+1}) and adds the per-entry memory
 * gradient sums into gm (lfom: (L, stride) Γ; rec: (L, 1 + stride), α then
 * Γ; lfom's Γ before its 1/n); the sums over entries (cgd's α, γ; rec's α)
 * go on in *ga, *gg, which the caller adds into gm once per layer.
 */
static inline __attribute__((always_inline)) void
model_memory_backward_rows(const struct model_work *mw, enum ms_memory kind,
    int l, size_t i0, size_t cnt, size_t stride, MEM_T *restrict gS,
    MEM_T *restrict acc, MEM_T *restrict gm, const MEM_T *restrict gZ,
    const MEM_T *restrict R, const double *restrict G, double inv_n,
    MEM_T *restrict ga, MEM_T *restrict gg)
{
	size_t end = i0 + cnt;

	switch (kind) {
	case MS_MEMORY_NONE:
		for (size_t e = i0; e < end; e++)
			gS[e] = inv_n * gZ[e];
		break;
	case MS_MEMORY_CGD:
		/* dγ = gR·R_{ℓ−1} (two loops without a branch inside: both
		 * vectorize) */
		model_memory_carry_back(mw->mem_a[l], i0, end, gS, acc, ga, gZ,
		    R, NULL, mw->mem_g[l]);
		for (size_t e = i0; l > 0 && e < end; e++)
			*gg += gS[e] * R[e - stride];
		break;
	case MS_MEMORY_LFOM: {
		MEM_T *gG = gm + (size_t)l * stride;

		/* dΓ_ℓ = (1/n) acc ⊙ R_ℓ */
		for (size_t e = i0; e < end; e++) {
			acc[e] += gZ[e];
			gG[e] += acc[e] * R[e];
			gS[e] = MEM_SPLAT(G[e]) * acc[e];
		}
		break;
	}
	case MS_MEMORY_REC: {
		MEM_T *gl = gm + (size_t)l * (stride + 1);

		/* the carry Γ_ℓ ⊙ gR; dΓ_ℓ = gR ⊙ R_{ℓ−1} */
		model_memory_carry_back(mw->mem_a[l], i0, end, gS, acc, ga, gZ,
		    R, G, 0.0);
		for (size_t e = i0; l > 0 && e < end; e++)
			gl[1 + e] += gS[e] * R[e - stride];
		break;
	}
	}
}

/* The sums over entries of layer l's backward into gm (cgd: (L, 2) α, γ;
 * rec: α at the head of the layer's (1 + stride) entries). */
static inline __attribute__((always_inline)) void
model_memory_backward_sums(enum ms_memory kind, int l, size_t stride,
    MEM_T *restrict gm, MEM_T ga, MEM_T gg)
{
	if (kind == MS_MEMORY_CGD) {
		gm[2 * l] += ga;
		gm[2 * l + 1] += gg;
	} else if (kind == MS_MEMORY_REC)
		gm[(size_t)l * (stride + 1)] += ga;
}

/*
 * Backward of model_memory_forward on all len entries, the sums over them
 * into gm (cgd: (L, 2); lfom: (L, len); rec: (L, 1 + len), α then Γ; α and
 * lfom's Γ before their 1/n).
 */
static inline __attribute__((always_inline)) void
model_memory_backward(const struct model_work *mw, enum ms_memory kind,
    int l, size_t len, MEM_T *restrict gS, MEM_T *restrict acc,
    MEM_T *restrict gm, const MEM_T *restrict gZ, const MEM_T *restrict R,
    const double *restrict G, double inv_n)
{
	const MEM_T zero = { 0 };
	MEM_T ga = zero, gg = zero;

	model_memory_backward_rows(mw, kind, l, 0, len, len, gS, acc, gm, gZ,
	    R, G, inv_n, &ga, &gg);
	model_memory_backward_sums(kind, l, len, gm, ga, gg);
}

#endif
