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
 * a half-block in lanes (an entry is one vlane, double t of it lane t's task),
 * 1 for one task. Every double gets its own task's scalar operations in the
 * same order whatever the width; the sums of the backward (cgd's α, γ) run
 * per lane over the entries in ascending order. Inlined, with width a
 * constant, into each kernel instance.
 */
#ifndef MEMSCOPE_MODEL_MEMORY_H
#define MEMSCOPE_MODEL_MEMORY_H

#include "model_internal.h"

/*
 * Layer l forward: Zn from Z and the register R = R_ℓ (R − len·width is
 * R_{ℓ−1}; for cgd and rec R_ℓ gets its carry here), U the lfom running
 * sum, G = Γ_ℓ/n (lfom) or Γ_ℓ (rec).
 */
static inline __attribute__((always_inline)) void
model_memory_forward(const struct model_work *mw, enum ms_memory kind, int l,
    size_t len, const int width, double *restrict Zn,
    const double *restrict Z, double *restrict R, double *restrict U,
    const double *restrict G, double inv_n)
{
	size_t all = len * (size_t)width;

	switch (kind) {
	case MS_MEMORY_NONE:
		for (size_t e = 0; e < all; e++)
			Zn[e] = Z[e] + inv_n * R[e];
		break;
	case MS_MEMORY_CGD:
		if (l > 0)
			for (size_t e = 0; e < all; e++)
				R[e] += mw->mem_g[l] * R[e - all];
		for (size_t e = 0; e < all; e++)
			Zn[e] = Z[e] + mw->mem_a[l] * R[e];
		break;
	case MS_MEMORY_LFOM:
		for (size_t e = 0; e < all; e++) {
			U[e] += G[e] * R[e];
			Zn[e] = Z[e] + U[e];
		}
		break;
	case MS_MEMORY_REC:
		if (l > 0)
			for (size_t e = 0; e < all; e++)
				R[e] += G[e] * R[e - all];
		for (size_t e = 0; e < all; e++)
			Zn[e] = Z[e] + mw->mem_a[l] * R[e];
		break;
	}
}

/*
 * cgd's and rec's backward through R_ℓ = c ⊙ R_{ℓ−1} + S_ℓ, Z_{ℓ+1} = Z_ℓ +
 * a R_ℓ (a = α_ℓ/n): gS = gR = acc + a gZ, ga += gZ·R_ℓ per lane (dα before
 * its 1/n), and acc becomes the carry c ⊙ gR, c[i · cstride] at entry i
 * (cgd: γ_ℓ, stride 0; rec: Γ_ℓ, stride 1; a constant after inlining).
 */
static inline __attribute__((always_inline)) void
model_memory_carry_back(double a, size_t len, const int width,
    double *restrict gS, double *restrict acc, double *restrict ga,
    const double *restrict gZ, const double *restrict R,
    const double *restrict c, const size_t cstride)
{
	for (size_t e = 0; e < len; e++) {
		for (int t = 0; t < width; t++) {
			size_t i = e * (size_t)width + (size_t)t;
			double g = acc[i] + a * gZ[i];

			ga[t] += gZ[i] * R[i];
			gS[i] = g;
			acc[i] = c[i * cstride] * g;
		}
	}
}

/*
 * Backward of model_memory_forward. gZ is dL/dZ_{ℓ+1} (it stays the
 * identity part of dL/dZ_ℓ); writes dL/dS_ℓ into gS, carries acc between
 * layers (lfom: Σ_{m≥ℓ} dL/dZ_{m+1}; cgd: γ_{ℓ+1} dL/dR_{ℓ+1}; rec:
 * Γ_{ℓ+1} ⊙ dL/dR_{ℓ+1}) and adds the memory gradient sums into gm, `width`
 * doubles an entry (cgd: (L, 2); lfom: (L, len); rec: (L, 1 + len), α
 * then Γ; α and lfom's Γ before their 1/n).
 */
static inline __attribute__((always_inline)) void
model_memory_backward(const struct model_work *mw, enum ms_memory kind,
    int l, size_t len, const int width, double *restrict gS,
    double *restrict acc, double *restrict gm, const double *restrict gZ,
    const double *restrict R, const double *restrict G, double inv_n)
{
	size_t all = len * (size_t)width;

	switch (kind) {
	case MS_MEMORY_NONE:
		for (size_t e = 0; e < all; e++)
			gS[e] = inv_n * gZ[e];
		break;
	case MS_MEMORY_CGD: {
		double ga[MODEL_BLOCK] = { 0 }, gg[MODEL_BLOCK] = { 0 };

		/* dγ = gR·R_{ℓ−1} (two loops without a branch inside: both
		 * vectorize) */
		model_memory_carry_back(mw->mem_a[l], len, width, gS, acc, ga,
		    gZ, R, &mw->mem_g[l], 0);
		for (size_t e = 0; l > 0 && e < len; e++)
			for (int t = 0; t < width; t++) {
				size_t i = e * (size_t)width + (size_t)t;

				gg[t] += gS[i] * R[i - all];
			}
		for (int t = 0; t < width; t++) {
			gm[(size_t)(2 * l) * width + t] += ga[t];
			gm[(size_t)(2 * l + 1) * width + t] += gg[t];
		}
		break;
	}
	case MS_MEMORY_LFOM: {
		double *gG = gm + (size_t)l * all;

		/* dΓ_ℓ = (1/n) acc ⊙ R_ℓ */
		for (size_t e = 0; e < all; e++) {
			acc[e] += gZ[e];
			gG[e] += acc[e] * R[e];
			gS[e] = G[e] * acc[e];
		}
		break;
	}
	case MS_MEMORY_REC: {
		double ga[MODEL_BLOCK] = { 0 };
		double *gl = gm + (size_t)l * (all + (size_t)width);

		/* the carry Γ_ℓ ⊙ gR; dΓ_ℓ = gR ⊙ R_{ℓ−1} */
		model_memory_carry_back(mw->mem_a[l], len, width, gS, acc, ga,
		    gZ, R, G, 1);
		for (size_t e = 0; l > 0 && e < all; e++)
			gl[width + e] += gS[e] * R[e - all];
		for (int t = 0; t < width; t++)
			gl[t] += ga[t];
		break;
	}
	}
}

#endif
