/*
 * Shards: the batch across the compute pool.
 *
 * The batch's blocks (MODEL_BLOCK tasks each; single tasks for the
 * one-task-at-a-time kernel) are cut into at most MODEL_SHARDS contiguous
 * shards (MODEL_SHARDS_TASK for the one-task-at-a-time kernel, whose slots
 * are large), larger first and smaller last (shard_bounds), a function of
 * B and the shapes only. Each shard has an owner among the pool's workers
 * (shard_owners), and a worker that has run its own takes any left over
 * (a late-waking thread takes fewer); a shard's
 * gradient, loss and error sums are kept per lane of the block while it
 * runs, added over the lanes in lane order into the shard's own slot, and
 * the slots are added in shard order. So the whole pass, gradients
 * included, is bit-identical for any number of threads, and work is
 * balanced.
 *
 * A block's activations stay in L1 (for small d): each worker runs its
 * block forward through every layer and straight back.
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>

#include "memscope/model.h"
#include "memscope/pool.h"

#include "model_internal.h"

/* A pass's shards are bits of one unsigned (taken, finished). */
_Static_assert(MODEL_SHARDS <= 32 && MODEL_SHARDS_TASK <= 32,
    "a shard is a bit of an unsigned");

/* How long a worker, adding up its range of the slots, spins for the other
 * workers' shards before it leaves the rest to model_shard_run. */
#define MODEL_SPIN_NS 50000L

/* Whether the pass is to stop (m->cancel raised); checked before each task
 * or block, so a pass stops within one task's work per worker. */
static bool
shard_stop(const struct model_pass *ps)
{
	struct model_pass *mp = (struct model_pass *)ps;

	if (ps->cancel == NULL ||
	    !atomic_load_explicit(ps->cancel, memory_order_relaxed))
		return false;
	atomic_store_explicit(&mp->stopped, 1, memory_order_relaxed);
	return true;
}

/* ------------------------------------------------------------------------ */
/* Blocks of MODEL_BLOCK tasks */

/*
 * Run blocks [lo, hi) and leave their sums, added over the block's lanes
 * in lane order, in slot. A block's halves run last to first, so that
 * after a pass the worker's activations are those of the first half (the
 * trace reads lane 0 there).
 */
static void
shard_blocks(const struct model_pass *ps, struct model_worker *w, int lo,
    int hi, double *slot)
{
	const struct model *m = ps->m;
	const struct model_work *mw = m->work;
	size_t d1 = m->d + 1, top = (size_t)m->L * (m->n + 1) + m->n;
	int label = mw->kernel == KERNEL_LABEL, W = mw->width;
	int halves = MODEL_BLOCK / W;
	/* the query's label cell after layer L, where the kernel leaves it */
	size_t cell = label ? top : top * d1 + m->d;
	const double *out = label ? w->lab : w->Z;

	for (int blk = lo; blk < hi; blk++) {
		if (shard_stop(ps))
			break;	/* still reduce: it leaves the sums zero */
		for (int h = halves - 1; h >= 0; h--) {
			int hb = blk * halves + h, b0 = hb * W;

			model_lanes_load(ps, w, hb);
			w->sum = w->sums + (size_t)h * mw->slot_len * W;
			mw->run_block(ps, w);
			/* the prediction: minus the query's label cell after
			 * layer L (the backward leaves the forward's
			 * activations as they are) */
			for (int t = 0; ps->pred != NULL && t < W &&
			    b0 + t < ps->tb->B; t++)
				ps->pred[b0 + t] = -out[cell * W + t];
		}
	}
	if (mw->flush != NULL)
		mw->flush(ps, w);	/* the collected gradients into the sums */
	mw->reduce(w->sums, slot, mw->slot_len);
}

/* ------------------------------------------------------------------------ */
/* One task at a time */

/* Run tasks [lo, hi) one at a time, summing straight into slot. */
static void
shard_tasks(const struct model_pass *ps, struct model_worker *w, int lo,
    int hi, double *slot)
{
	const struct model *m = ps->m;
	const struct model_work *mw = m->work;
	double *sse = slot + mw->attn_len + mw->mem_len;
	size_t zlen = (size_t)(m->n + 1) * (m->d + 1);
	size_t top = (size_t)m->n * (m->d + 1) + m->d;	/* query label */

	memset(slot, 0, mw->slot_len * sizeof *slot);
	for (int b = lo; b < hi; b++) {
		double err;

		if (shard_stop(ps))
			return;
		err = model_dense_task_forward(ps, w, sse, b);

		sse[m->L] += err * err;
		if (ps->pred != NULL)
			ps->pred[b] = -w->Z[(size_t)m->L * zlen + top];
		if (ps->backward)
			model_dense_task_backward(ps, w, slot, err);
	}
}

/* ------------------------------------------------------------------------ */
/* Shards on the pool */

/*
 * Shard sh's blocks [lo, hi) of n, in s shards: each shard one block plus
 * a share of the other n − s that falls off linearly from shard to shard
 * (boundary k at k + (n − s)(1 − (1 − k/s)²), in integers). The workers
 * take the large shards first and the small ones last, so they end within
 * a small shard of each other; the bounds depend on n and s only.
 */
static void
shard_bounds(int n, int s, int sh, int *lo, int *hi)
{
	long long rest = n - s, ss = (long long)s * s;
	long long a = s - sh, b = s - sh - 1;

	*lo = sh + (int)(rest * (ss - a * a) / ss);
	*hi = sh + 1 + (int)(rest * (ss - b * b) / ss);
}

/*
 * Each shard's owner: the shards, largest first, each to the worker with
 * the least work so far (the lowest such index), a function of the shapes
 * and the thread count only. A worker runs the same shards every pass,
 * so their tokens stay in its own cache: taking them from a shared
 * counter instead, half the shards ran from the other core's cache, and
 * two threads ran the shards 4% slower than when each kept its own.
 */
static void
shard_owners(struct model_pass *ps, int nworkers)
{
	long load[64] = { 0 };
	int nw = nworkers < 64 ? nworkers : 64;

	for (int sh = 0; sh < ps->nshards; sh++) {
		int lo, hi, best = 0;

		shard_bounds(ps->nblocks, ps->nshards, sh, &lo, &hi);
		for (int k = 1; k < nw; k++)
			if (load[k] < load[best])
				best = k;
		ps->owner[sh] = (short)best;
		load[best] += hi - lo;
	}
}

/* Claim shard sh; whether it was still free. */
static bool
shard_claim(struct model_pass *ps, int sh)
{
	unsigned bit = 1u << sh;

	if (atomic_load_explicit(&ps->taken, memory_order_relaxed) & bit)
		return false;
	return !(atomic_fetch_or_explicit(&ps->taken, bit,
	    memory_order_relaxed) & bit);
}

/* Run shard sh with worker w's scratch. */
static void
shard_run_one(const struct model_pass *ps, struct model_worker *w, int sh)
{
	struct model_work *mw = ps->m->work;
	double *slot = mw->slots + (size_t)sh * mw->slot_len;
	int lo, hi;

	shard_bounds(ps->nblocks, ps->nshards, sh, &lo, &hi);
	switch (mw->kernel) {
	case KERNEL_LABEL:
	case KERNEL_DENSE_LANES:
		shard_blocks(ps, w, lo, hi, slot);
		break;
	case KERNEL_DENSE_TASK:
		shard_tasks(ps, w, lo, hi, slot);
		break;
	}
}

/* total[0..len) += the slots [from, to) (each at stride from the last) in
 * shard order (slot 0 copied, not added): each value's sum in that order,
 * vectorized across values, so the same bits for any thread count. */
static void CORE_CLONES
shard_sum(double *restrict total, const double *restrict slots,
    size_t stride, int from, int to, size_t len)
{
	if (from == 0 && to > 0)
		memcpy(total, slots, len * sizeof(double));
	for (int sh = from > 0 ? from : 1; sh < to; sh++) {
		const double *restrict slot = slots + (size_t)sh * stride;

		for (size_t g = 0; g < len; g++)
			total[g] += slot[g];
	}
}

/*
 * Worker k's part of the total, the values [lo, hi) of a slot: each worker
 * adds up its own range of every slot, so the slots' sum is split between
 * them and each reads only its range of the others' slots. Ranges are
 * whole cache lines (slot_len is a multiple of 8).
 */
static void
shard_range(const struct model_work *mw, int k, int nworkers, size_t *lo,
    size_t *hi)
{
	int a, b;

	pool_split((int)(mw->slot_len / 8), k, nworkers, &a, &b);
	*lo = (size_t)a * 8;
	*hi = (size_t)b * 8;
}

/* Add worker k's range of the slots of the shards finished since its last
 * fold, up to the first unfinished one, into the total; whether every
 * shard is in. */
static bool
shard_fold(struct model_pass *ps, int k, int nworkers)
{
	struct model_work *mw = ps->m->work;
	struct model_worker *w = &mw->wk[k];
	unsigned fin = atomic_load_explicit(&ps->finished,
	    memory_order_acquire);
	int to = w->folded;
	size_t lo, hi;

	while (to < ps->nshards && (fin >> to & 1u))
		to++;
	shard_range(mw, k, nworkers, &lo, &hi);
	shard_sum(mw->total + lo, mw->slots + lo, mw->slot_len, w->folded,
	    to, hi - lo);
	w->folded = to;
	return to == ps->nshards;
}

/*
 * A worker, its shards done, adds up its range of the finished shards'
 * slots in shard order while the others end theirs, and waits for them
 * spinning, for at most MODEL_SPIN_NS: the sum is off the pass's critical
 * path but for the last shard's slot, and pool_run's join then finds the
 * others (nearly) reported. What is left undone, model_shard_run adds
 * after the join.
 */
static void
shard_fold_waiting(struct model_pass *ps, int k, int nworkers)
{
	struct pool_spin s = pool_spin_start(MODEL_SPIN_NS);

	while (!shard_fold(ps, k, nworkers))
		if (!pool_spin_step(&s))
			return;
}

/*
 * One worker's part of a pass: its own shards, largest first, then any
 * left unclaimed, smallest first (a worker that starts late, or is held
 * up, leaves its shards to the others).
 */
static void
shard_worker(void *ctx, int worker, int nworkers)
{
	struct model_pass *ps = ctx;
	struct model_worker *w = &ps->m->work->wk[worker];

	w->folded = 0;
	for (int pass = 0; pass < 2; pass++)
		for (int k = 0; k < ps->nshards; k++) {
			/* own shards first to last, then any, last first */
			int sh = pass == 0 ? k : ps->nshards - 1 - k;

			if ((pass == 1 || ps->owner[sh] == worker) &&
			    shard_claim(ps, sh)) {
				shard_run_one(ps, w, sh);
				atomic_fetch_or_explicit(&ps->finished,
				    1u << sh, memory_order_release);
			}
		}
	shard_fold_waiting(ps, worker, nworkers);
}

/* Run the pass's shards on the pool; sums added in shard order into
 * m->work->total. */
bool
model_shard_run(struct model_pass *ps, struct pool *pool)
{
	struct model_work *mw = ps->m->work;
	const struct task_batch *tb = ps->tb;

	ps->nblocks = mw->kernel == KERNEL_DENSE_TASK ? tb->B :
	    (tb->B + MODEL_BLOCK - 1) / MODEL_BLOCK;
	model_lanes_prepare(ps);
	ps->nshards = ps->nblocks < mw->max_shards ? ps->nblocks :
	    mw->max_shards;
	shard_owners(ps, pool_size(pool));
	atomic_init(&ps->taken, 0);
	atomic_init(&ps->finished, 0);
	atomic_init(&ps->stopped, 0);
	pool_run(pool, shard_worker, ps);
	if (atomic_load(&ps->stopped))
		return false;	/* some tasks were left out */
	/* what the workers' folds left (all shards are finished now) */
	for (int k = 0; k < pool_size(pool); k++)
		shard_fold(ps, k, pool_size(pool));
	return true;
}
