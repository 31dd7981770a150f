/*
 * The lane kernels' instruction set, and a batch in lane layout.
 *
 * Instruction sets. The kernels are built for AVX-512 (8 lanes a vector,
 * model_lanes8.c), AVX2 and baseline x86-64 (4 lanes, model_lanes4.c); a
 * model takes the best this CPU runs when its scratch is set up, unless
 * model_isa_force chose one (`memscope bench --isa`, MEMSCOPE_ISA, the
 * test that compares them). All give the same bits (model_internal.h).
 *
 * Lane layout. A kernel reads a half-block's tokens interleaved: entry e of
 * task hb*W + t at [(hb*xlen + e)*W + t]. For a batch that stays the same
 * from pass to pass (the training batch, unless --resample), the whole
 * batch is interleaved once and kept in the work, keyed by the batch's
 * generation (task_batch.gen) and arrays from the batch's second pass on
 * (its first, perhaps its only one, is interleaved by the workers, in
 * parallel); a batch of unknown contents
 * (gen 0) or too large (MODEL_LANE_CACHE_BYTES) is interleaved half-block
 * by half-block into the worker's buffers, as the kept one would be.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/model.h"
#include "memscope/xmalloc.h"

#include "model_internal.h"

/* The instruction set forced (model_isa_force), or MODEL_ISA_COUNT: the
 * best this CPU runs. */
static atomic_int lanes_forced = MODEL_ISA_COUNT;

/* The name of an instruction set. */
const char *
model_isa_name(enum model_isa isa)
{
	switch (isa) {
	case MODEL_ISA_BASE:
#if defined(__x86_64__)
		return "x86-64";
#else
		return "generic";
#endif
	case MODEL_ISA_AVX2:
		return "avx2";
	case MODEL_ISA_AVX512:
		return "avx512";
	case MODEL_ISA_COUNT:
		break;
	}
	return "?";
}

/* The instruction set called name, or -1. */
int
model_isa_parse(const char *name)
{
	for (int i = 0; i < MODEL_ISA_COUNT; i++)
		if (strcmp(name, model_isa_name((enum model_isa)i)) == 0)
			return i;
	return -1;
}

/* Whether this build has kernels for isa and this CPU runs them. */
bool
model_isa_supported(enum model_isa isa)
{
	switch (isa) {
	case MODEL_ISA_BASE:
		return true;
#if CORE_HAVE_CLONES
	case MODEL_ISA_AVX2:
		__builtin_cpu_init();
		return __builtin_cpu_supports("avx2") &&
		    __builtin_cpu_supports("fma");
	case MODEL_ISA_AVX512:
		__builtin_cpu_init();
		return __builtin_cpu_supports("avx512f");
#endif
	default:
		return false;
	}
}

/* Force isa for models set up from now on (MODEL_ISA_COUNT: the best). */
void
model_isa_force(enum model_isa isa)
{
	atomic_store(&lanes_forced, (int)isa);
}

/* The instruction set models set up now run with. */
enum model_isa
model_isa_current(void)
{
	int forced = atomic_load(&lanes_forced);

	if (forced < MODEL_ISA_COUNT && model_isa_supported(forced))
		return (enum model_isa)forced;
	for (int i = MODEL_ISA_COUNT - 1; i > 0; i--)
		if (model_isa_supported((enum model_isa)i))
			return (enum model_isa)i;
	return MODEL_ISA_BASE;
}

/* The name of the instruction set in force. */
const char *
model_kernel_isa(void)
{
	return model_isa_name(model_isa_current());
}

/* The instruction set m's kernels run with. */
enum model_isa
model_isa_of(const struct model *m)
{
	return m->work != NULL ? m->work->isa : model_isa_current();
}

/* Each instruction set's kernels (model_lanes4.c, _avx2.c, 8.c). */
static const struct lanes_kernels {
	model_block_fn label, dense, flush;
	model_reduce_fn reduce;
} lanes_kernels[MODEL_ISA_COUNT] = {
	[MODEL_ISA_BASE] = { model_label_block_base, model_dense_block_base,
	    model_label_flush_base, model_lanes_reduce_base },
#if CORE_HAVE_CLONES
	[MODEL_ISA_AVX2] = { model_label_block_avx2, model_dense_block_avx2,
	    model_label_flush_avx2, model_lanes_reduce_avx2 },
	[MODEL_ISA_AVX512] = { model_label_block_avx512,
	    model_dense_block_avx512, model_label_flush_avx512,
	    model_lanes_reduce_avx512 },
#endif
};

/* The instruction set, width and kernels of mw's lane kernels (defer:
 * the large-d pre kernel, which collects its attention gradients). */
void
model_lanes_choose(struct model_work *mw, bool defer)
{
	int label = mw->kernel == KERNEL_LABEL;
	const struct lanes_kernels *k;

	mw->isa = model_isa_current();
	k = &lanes_kernels[mw->isa];
	mw->width = mw->isa == MODEL_ISA_AVX512 ? 8 : 4;
	mw->run_block = label ? k->label : k->dense;
	mw->reduce = k->reduce;
	mw->flush = label && defer ? k->flush : NULL;
}

/*
 * Half-block hb of tb interleaved into x ((n+1)·d entries) and y (n+1
 * entries), W doubles an entry; tasks past the batch's end are zero
 * (zero: (n+1)·d zeros).
 */
static void
lanes_interleave(const struct task_batch *tb, int hb, int W,
    const double *zero, double *x, double *y)
{
	int n1 = tb->n + 1;
	size_t xlen = (size_t)n1 * tb->d;

	for (int t = 0; t < W; t++) {
		size_t b = (size_t)hb * W + t;
		int real = b < (size_t)tb->B;
		const double *xs = real ? tb->X + b * xlen : zero;
		const double *ys = real ? tb->y + b * n1 : zero;

		for (size_t e = 0; e < xlen; e++)
			x[e * W + t] = xs[e];
		for (int i = 0; i < n1; i++)
			y[(size_t)i * W + t] = ys[i];
	}
}

/* Free the kept layout. */
void
model_lanes_free(struct model_work *mw)
{
	free(mw->xl);
	free(mw->yl);
	mw->xl = mw->yl = NULL;
	memset(&mw->key, 0, sizeof mw->key);
}

/* The pass's lane layout: the kept one (rebuilt if the batch changed and
 * comes a second time), or none (gen 0, too large, or the batch's first
 * pass: the workers interleave). */
void
model_lanes_prepare(struct model_pass *ps)
{
	struct model_work *mw = ps->m->work;
	const struct task_batch *tb = ps->tb;
	int W = mw->width, n1 = tb->n + 1, halves;
	size_t xlen = (size_t)n1 * tb->d, hbs;

	ps->xl = ps->yl = NULL;
	if (mw->kernel == KERNEL_DENSE_TASK || tb->gen == 0)
		return;
	halves = MODEL_BLOCK / W;
	hbs = (size_t)(tb->B + MODEL_BLOCK - 1) / MODEL_BLOCK * halves;
	if (hbs * W * (xlen + n1) * sizeof(double) > MODEL_LANE_CACHE_BYTES)
		return;
	if (mw->key.gen != tb->gen || mw->key.X != tb->X ||
	    mw->key.y != tb->y || mw->key.B != tb->B) {
		/* a batch's first pass: the workers interleave it (a batch
		 * drawn afresh each step, --resample 1, is never kept); its
		 * second is kept */
		if (mw->seen.gen != tb->gen || mw->seen.X != tb->X ||
		    mw->seen.y != tb->y || mw->seen.B != tb->B) {
			mw->seen = (struct lane_key){ tb->gen, tb->X, tb->y,
			    tb->B };
			return;
		}
		model_lanes_free(mw);
		mw->xl = xdoubles_huge(hbs * W * xlen);
		mw->yl = xdoubles_huge(hbs * W * n1);
		for (size_t hb = 0; hb < hbs; hb++)
			lanes_interleave(tb, (int)hb, W, mw->wk[0].zero,
			    mw->xl + hb * W * xlen, mw->yl + hb * W * n1);
		mw->key = (struct lane_key){ tb->gen, tb->X, tb->y, tb->B };
	}
	ps->xl = mw->xl;
	ps->yl = mw->yl;
}

/* w->x, w->yt at half-block hb. */
void
model_lanes_load(const struct model_pass *ps, struct model_worker *w, int hb)
{
	int W = ps->m->work->width, n1 = ps->tb->n + 1;
	size_t xlen = (size_t)n1 * ps->tb->d;

	if (ps->xl != NULL) {
		w->x = ps->xl + (size_t)hb * W * xlen;
		w->yt = ps->yl + (size_t)hb * W * n1;
		return;
	}
	lanes_interleave(ps->tb, hb, W, w->zero, w->xbuf, w->ybuf);
	w->x = w->xbuf;
	w->yt = w->ybuf;
}
