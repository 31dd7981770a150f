/*
 * The lane kernels at 8 lanes a vector, for AVX-512F (one zmm register a
 * vector): a whole block in one pass. The same template as model_lanes4.c,
 * so every lane computes what it computes there (model_internal.h). Built
 * only where the other instruction sets are (CORE_HAVE_CLONES).
 */
#include "memscope/model.h"

#include "model_internal.h"

#if CORE_HAVE_CLONES
#pragma GCC target("avx512f")
#define LANE_W 8

#include "model_dense_kern.h"
#include "model_label_kern.h"

/* A worker's lane sums into a slot, for AVX-512. */
void
model_lanes_reduce_avx512(double *sums, double *out, size_t len)
{
	lanes_reduce(sums, out, len);
}

/* The label kernel for AVX-512. */
void
model_label_block_avx512(const struct model_pass *ps, struct model_worker *w)
{
	label_block(ps, w);
}

/* The large-d pre kernel's collected gradients into the sums, for AVX-512. */
void
model_label_flush_avx512(const struct model_pass *ps, struct model_worker *w)
{
	label_flush(ps, w);
}

/* The dense lane kernel for AVX-512. */
void
model_dense_block_avx512(const struct model_pass *ps, struct model_worker *w)
{
	dense_lane_block(ps, w);
}
#endif
