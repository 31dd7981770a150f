/*
 * What the lane-kernel templates (model_label_kern.h, model_dense_kern.h)
 * see: the vector type of the width LANE_W the including file defines (4
 * or 8 doubles), casts of the work's double buffers (W doubles an entry,
 * 64-byte aligned: model_scratch.c) to it, the fused multiply-add every
 * instruction set computes alike, and the reduction of a worker's lane
 * sums. Private to model_lanes4.c, model_lanes_avx2.c and model_lanes8.c.
 */
#ifndef MEMSCOPE_MODEL_LANES_H
#define MEMSCOPE_MODEL_LANES_H

#include <string.h>

#include "memscope/model.h"

#include "model_internal.h"

#ifndef LANE_W
#error "define LANE_W (the lanes a vector) before including model_lanes.h"
#endif

/* One entry of a half-block: lane t is task hb*W + t. */
typedef double vlane __attribute__((vector_size(LANE_W * sizeof(double))));
/* The indices of a shuffle of two vlanes. */
typedef long long vindex
    __attribute__((vector_size(LANE_W * sizeof(long long))));

/* The memory update's entries are whole vectors, and its per-entry
 * coefficients (Γ) one double each, broadcast (model_memory.h). */
#define MEM_T vlane
#define MEM_SPLAT(x) VSPLAT(x)

/* A lane buffer as its vectors. */
#define LV(p) ((vlane *)(p))
#define CLV(p) ((const vlane *)(p))

/*
 * a·b + c in every lane, rounded once (fused multiply-add): the kernels'
 * products that are summed go through it. AVX-512 and AVX2 (with FMA) do
 * it in one instruction; the baseline calls the C library's fma, exact
 * too but in software. So every instruction set computes the same bits.
 * VSPLAT(x): x in every lane, one broadcast (no arithmetic: −0 stays −0).
 */
#if defined(__AVX512F__) && LANE_W == 8
#include <immintrin.h>
#define VFMA(a, b, c) ((vlane)_mm512_fmadd_pd((a), (b), (c)))
#define VSPLAT(x) ((vlane)_mm512_set1_pd(x))
#elif defined(__FMA__) && defined(__AVX2__) && LANE_W == 4
#include <immintrin.h>
#define VFMA(a, b, c) ((vlane)_mm256_fmadd_pd((a), (b), (c)))
#define VSPLAT(x) ((vlane)_mm256_set1_pd(x))
#else
#define VSPLAT(x) __extension__({					\
	double vs_ = (x);						\
	(vlane){ vs_, vs_, vs_, vs_ };					\
})
#define VFMA(a, b, c) __extension__({					\
	vlane va_ = (a), vb_ = (b), vc_ = (c), vr_;			\
	for (int t_ = 0; t_ < LANE_W; t_++)				\
		vr_[t_] = __builtin_fma(va_[t_], vb_[t_], vc_[t_]);	\
	vr_;								\
})
#endif

/* A two-vector shuffle with constant indices (GCC's and clang's builtins
 * differ); idx is a macro of the indices, expanded before the call. */
#if defined(__clang__)
#define LANE_SHUFFLE_(a, c, ...) __builtin_shufflevector(a, c, __VA_ARGS__)
#else
#define LANE_SHUFFLE_(a, c, ...) __builtin_shuffle(a, c, (vindex){ __VA_ARGS__ })
#endif
#define LANE_SHUFFLE(a, c, idx) LANE_SHUFFLE_(a, c, idx)
/* Rows i and p of transposition stage st: LANE_LO<st> takes row i's own
 * half and row p's matching one, LANE_HI<st> the rest. */
#define LANE_SWAP(r, i, p, st) do {					\
	vlane a_ = (r)[i], c_ = (r)[p];					\
	(r)[i] = LANE_SHUFFLE(a_, c_, LANE_LO##st);			\
	(r)[p] = LANE_SHUFFLE(a_, c_, LANE_HI##st);			\
} while (0)

/*
 * r transposed in place: r[i][j] becomes r[j][i]. Stage s (1, 2, 4) swaps
 * the off-diagonal blocks of size s: for i without bit s and p = i | s,
 * r[i][j] (j with bit s) takes r[p][j − s] and r[p][j] (j without bit s)
 * takes r[i][j + s].
 */
static inline __attribute__((always_inline)) void
lanes_transpose(vlane *r)
{
#if LANE_W == 8
#define LANE_LO1 0, 8, 2, 10, 4, 12, 6, 14
#define LANE_HI1 1, 9, 3, 11, 5, 13, 7, 15
#define LANE_LO2 0, 1, 8, 9, 4, 5, 12, 13
#define LANE_HI2 2, 3, 10, 11, 6, 7, 14, 15
#define LANE_LO4 0, 1, 2, 3, 8, 9, 10, 11
#define LANE_HI4 4, 5, 6, 7, 12, 13, 14, 15
	for (int i = 0; i < 8; i += 2)
		LANE_SWAP(r, i, i + 1, 1);
	for (int i = 0; i < 8; i += 4) {
		LANE_SWAP(r, i, i + 2, 2);
		LANE_SWAP(r, i + 1, i + 3, 2);
	}
	for (int i = 0; i < 4; i++)
		LANE_SWAP(r, i, i + 4, 4);
#elif LANE_W == 4
#define LANE_LO1 0, 4, 2, 6
#define LANE_HI1 1, 5, 3, 7
#define LANE_LO2 0, 1, 4, 5
#define LANE_HI2 2, 3, 6, 7
	LANE_SWAP(r, 0, 1, 1);
	LANE_SWAP(r, 2, 3, 1);
	LANE_SWAP(r, 0, 2, 2);
	LANE_SWAP(r, 1, 3, 2);
#else
#error "lanes_transpose: LANE_W is 4 or 8"
#endif
}

/*
 * A worker's lane sums into out (model_reduce_fn): W entries at a time,
 * transposed so that vector k holds lane k of each, then added in lane
 * order 0..7 (the halves in turn): every out[g] is the same sum, in the
 * same order, for every width.
 */
static inline __attribute__((always_inline)) void
lanes_reduce(double *sums, double *out, size_t len)
{
	vlane *sv = LV(sums);
	const vlane zero = { 0 };

	for (size_t g = 0; g < len; g += LANE_W) {
		vlane acc = zero;

		for (int h = 0; h < MODEL_BLOCK / LANE_W; h++) {
			vlane r[LANE_W], *e = sv + (size_t)h * len + g;

			for (int i = 0; i < LANE_W; i++) {
				r[i] = e[i];
				e[i] = zero;
			}
			lanes_transpose(r);
			for (int k = 0; k < LANE_W; k++)
				acc = h == 0 && k == 0 ? r[0] : acc + r[k];
		}
		memcpy(out + g, &acc, sizeof acc);
	}
}

#endif
