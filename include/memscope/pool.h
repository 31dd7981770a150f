/*
 * A fixed pool of compute threads for data-parallel loops (the batch split
 * of one training step). The caller's thread is worker 0; pool_run returns
 * when every worker has finished. Work is split by worker index only, so the
 * results are deterministic for a given thread count.
 */
#ifndef MEMSCOPE_POOL_H
#define MEMSCOPE_POOL_H

#include <stdbool.h>
#include <time.h>

struct pool;

/* A bounded busy wait (pool_spin_start, then pool_spin_step in the loop). */
struct pool_spin {
	struct timespec t0;
	unsigned step;
	long ns;
};

/* How long a worker that has finished a job spins for the next one before
 * it sleeps (nanoseconds). */
#define POOL_SPIN_NS 50000L
/* How long pool_run's caller, its own share done, spins for the workers'
 * reports before it sleeps: long enough for a worker that has finished
 * its share to report, short against any job worth a pool. */
#define POOL_JOIN_SPIN_NS 5000L
/* After how long a spin yields now and then (pool_spin_step): the waits of a
 * training step on a quiet machine end sooner and pay no system call. */
#define POOL_SPIN_YIELD_NS 10000L

typedef void (*pool_fn)(void *ctx, int worker, int nworkers);

/* A pool of n workers (n >= 1; n - 1 threads are started). */
struct pool *pool_create(int n);
/* Number of workers. */
int pool_size(const struct pool *p);
/* Run fn(ctx, i, n) on every worker i and wait for all. */
void pool_run(struct pool *p, pool_fn fn, void *ctx);
/* Stop the workers and free the pool (NULL: nothing to do). */
void pool_free(struct pool *p);

/* A bounded spin of ns nanoseconds, starting now. */
struct pool_spin pool_spin_start(long ns);
/* One step of it: a pause instruction, and every 64th step a look at the
 * clock and, past POOL_SPIN_YIELD_NS, a yield (a thread waiting for this
 * core goes first); false once the ns have passed. */
bool pool_spin_step(struct pool_spin *s);

/* The half-open range [*lo, *hi) of `total` items that worker i of n takes. */
void pool_split(int total, int worker, int nworkers, int *lo, int *hi);

#endif
