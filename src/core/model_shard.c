/*
 * Shards: the batch across the compute pool.
 *
 * The batch's blocks (MODEL_BLOCK tasks each; single tasks for the
 * one-task-at-a-time kernel) are cut into at most MODEL_SHARDS contiguous
 * shards (MODEL_SHARDS_TASK for the one-task-at-a-time kernel, whose slots
 * are large), larger first and smaller last (shard_bounds), a function of
 * B and the shapes only. Pool workers take shards
 * from an atomic counter (a late-waking thread takes fewer); a shard's
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

/* How long the caller spins for the other workers before it sleeps. */
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
 * The caller (worker 0) waits for the other workers here, spinning, rather
 * than asleep in pool_run: waking a sleeping thread costs tens of
 * microseconds (more in a virtual machine), a large part of a default step
 * on two threads. It spins only while every worker is running (a worker
 * that has not started may be waiting for this very core) and for at most
 * MODEL_SPIN_NS; then pool_run's sleep takes over. (The other workers,
 * for their part, spin in the pool for the next pass before they sleep.)
 *
 * Why here and not in the pool: the pool also runs jobs that last seconds
 * (reproduce's trainings), for which a spinning caller would only burn a
 * core, and only the pass knows, through its started and done counters,
 * that every worker is running and nearly finished. The pool's primitives
 * (the bounded spin, pool_run's sleep, pool_split) still do the rest.
 */
static void
shard_wait_workers(struct model_pass *ps, int nworkers)
{
	struct pool_spin s = pool_spin_start(MODEL_SPIN_NS);

	while (atomic_load_explicit(&ps->done, memory_order_acquire) <
	    nworkers)
		if (atomic_load_explicit(&ps->started,
		    memory_order_relaxed) < nworkers || !pool_spin_step(&s))
			return;
}

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

/* One worker's part of a pass: shards from the counter until none is left. */
static void
shard_worker(void *ctx, int worker, int nworkers)
{
	struct model_pass *ps = ctx;
	struct model_work *mw = ps->m->work;
	struct model_worker *w = &mw->wk[worker];

	atomic_fetch_add_explicit(&ps->started, 1, memory_order_relaxed);
	for (;;) {
		int sh = atomic_fetch_add_explicit(&ps->next, 1,
		    memory_order_relaxed);
		double *slot = mw->slots + (size_t)sh * mw->slot_len;
		int lo, hi;

		if (sh >= ps->nshards)
			break;
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
	atomic_fetch_add_explicit(&ps->done, 1, memory_order_release);
	if (worker == 0)
		shard_wait_workers(ps, nworkers);
}

/* total = the nshards slots of len values added in shard order, the same
 * for any thread count (each value's sum in that order: vectorized across
 * values, the same bits). */
static void MODEL_CLONES
shard_sum(double *restrict total, const double *restrict slots, int nshards,
    size_t len)
{
	memcpy(total, slots, len * sizeof(double));
	for (int sh = 1; sh < nshards; sh++) {
		const double *restrict slot = slots + (size_t)sh * len;

		for (size_t g = 0; g < len; g++)
			total[g] += slot[g];
	}
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
	atomic_init(&ps->next, 0);
	atomic_init(&ps->started, 0);
	atomic_init(&ps->done, 0);
	atomic_init(&ps->stopped, 0);
	pool_run(pool, shard_worker, ps);
	if (atomic_load(&ps->stopped))
		return false;	/* some tasks were left out */

	shard_sum(mw->total, mw->slots, ps->nshards, mw->slot_len);
	return true;
}
