/*
 * The lane kernels at 4 lanes a vector for baseline x86-64 (two xmm
 * registers a vector; portable C vectors off x86-64): a block as two
 * halves. Its fused multiply-adds are the C library's fma, exact in
 * software, so it computes what model_lanes_avx2.c and model_lanes8.c
 * compute, in the same order, to the bit (model_internal.h); slower.
 */
#define LANE_W 4

#include "model_dense_kern.h"
#include "model_label_kern.h"

/* A worker's lane sums into a slot, for the baseline. */
void
model_lanes_reduce_base(double *sums, double *out, size_t len)
{
	lanes_reduce(sums, out, len);
}

/* The label kernel for the baseline. */
void
model_label_block_base(const struct model_pass *ps, struct model_worker *w)
{
	label_block(ps, w);
}

/* The large-d pre kernel's collected gradients into the sums, for the baseline. */
void
model_label_flush_base(const struct model_pass *ps, struct model_worker *w)
{
	label_flush(ps, w);
}

/* The dense lane kernel for the baseline. */
void
model_dense_block_base(const struct model_pass *ps, struct model_worker *w)
{
	dense_lane_block(ps, w);
}
