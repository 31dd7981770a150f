/*
 * The compute pool. Workers 1..n-1 wait for the generation counter to move;
 * pool_run bumps it, runs worker 0's share on the calling thread, and waits
 * until every worker has reported back. One job at a time: pool_run is
 * called from one thread only.
 *
 * A worker that has finished a job first spins (pool_spin_step: pause
 * instructions, no lock; past POOL_SPIN_YIELD_NS a yield every 64 of them,
 * so that a thread waiting for this core runs first) for up to
 * POOL_SPIN_NS on the counter, then
 * sleeps on a condition variable. A training step runs one job after
 * another with a few microseconds of serial work between them: the spin
 * catches the next job at the cost of a cache line, where waking a
 * sleeping thread costs about ten microseconds here (measured:
 * tests/bench/pool_wake.c), a large part of a default step on two
 * threads. The spin is bounded, and only after a job, so an idle pool (a
 * paused visualizer, a pool between long jobs) burns at most POOL_SPIN_NS
 * of a core per job before it sleeps; the yields keep it from taking a
 * core from a thread that needs it on a loaded machine (with pauses only,
 * two threads fell from 0.97x to 0.78x of one while another program held
 * a core).
 *
 * The counter and the stop flag are atomics; fn, ctx and pending are
 * written under the lock before the counter's release store, and a worker
 * reads them after seeing the new count (an acquire load, with or without
 * the lock), so no wake-up is lost: a worker that gave up spinning checks
 * the counter again under the lock before it sleeps, and pool_run bumps it
 * and broadcasts under the same lock.
 *
 * The join works the same way round: a worker reports by counting pending
 * down (an atomic, no lock), and the one that brings it to 0 signals under
 * the lock; pool_run's caller spins for pending == 0 for up to
 * POOL_JOIN_SPIN_NS, then checks it under the lock before it sleeps. (With
 * the count under the lock, the caller often got there first and slept,
 * and the worker's signal and the wake-up cost about 1.5 µs a pass.)
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "memscope/pool.h"
#include "memscope/xmalloc.h"

struct pool_thread {
	struct pool *pool;
	int index;
	pthread_t thread;
};

struct pool {
	int n;
	struct pool_thread *threads;	/* (n - 1) */
	pthread_mutex_t lock;
	pthread_cond_t wake;		/* workers wait for a new generation */
	pthread_cond_t done;		/* the caller waits for pending == 0 */
	atomic_ulong generation;
	atomic_int pending;		/* workers yet to report */
	atomic_bool stopping;
	pool_fn fn;
	void *ctx;
};

/* The generation counter, as a worker reads it (acquire: fn and ctx come
 * with it). */
static unsigned long
pool_generation(struct pool *p)
{
	return atomic_load_explicit(&p->generation, memory_order_acquire);
}

struct pool_spin
pool_spin_start(long ns)
{
	struct pool_spin s = { .ns = ns };

	clock_gettime(CLOCK_MONOTONIC, &s.t0);
	return s;
}

bool
pool_spin_step(struct pool_spin *s)
{
	struct timespec t;
	long ns;

	if (++s->step % 64 != 0) {
#if defined(__x86_64__) || defined(__i386__)
		__builtin_ia32_pause();
#endif
		return true;
	}
	clock_gettime(CLOCK_MONOTONIC, &t);
	ns = (t.tv_sec - s->t0.tv_sec) * 1000000000L + t.tv_nsec -
	    s->t0.tv_nsec;
	if (ns > POOL_SPIN_YIELD_NS)
		sched_yield();
	return ns <= s->ns;
}

/* Spin for up to POOL_SPIN_NS until the counter leaves `seen` or the pool
 * stops; whether it did. */
static bool
pool_spin(struct pool *p, unsigned long seen)
{
	struct pool_spin s = pool_spin_start(POOL_SPIN_NS);

	do
		if (pool_generation(p) != seen ||
		    atomic_load_explicit(&p->stopping, memory_order_relaxed))
			return true;
	while (pool_spin_step(&s));
	return false;
}

/* Wait for a generation after `seen`: spinning after a job, then asleep;
 * false when the pool stops. */
static bool
pool_wait(struct pool *p, unsigned long seen, bool spin)
{
	if (!spin || !pool_spin(p, seen)) {
		pthread_mutex_lock(&p->lock);
		while (pool_generation(p) == seen && !atomic_load_explicit(
		    &p->stopping, memory_order_relaxed))
			pthread_cond_wait(&p->wake, &p->lock);
		pthread_mutex_unlock(&p->lock);
	}
	return !atomic_load_explicit(&p->stopping, memory_order_relaxed);
}

/* Spin for up to POOL_JOIN_SPIN_NS until every worker has reported;
 * whether they did (acquire: their work comes with it). */
static bool
pool_joined_spinning(struct pool *p)
{
	struct pool_spin s = pool_spin_start(POOL_JOIN_SPIN_NS);

	do
		if (atomic_load_explicit(&p->pending, memory_order_acquire) == 0)
			return true;
	while (pool_spin_step(&s));
	return false;
}

static void *
pool_main(void *arg)
{
	struct pool_thread *pt = arg;
	struct pool *p = pt->pool;
	unsigned long seen = 0;

	for (bool spin = false; pool_wait(p, seen, spin); spin = true) {
		pool_fn fn;
		void *ctx;

		seen = pool_generation(p);
		fn = p->fn;
		ctx = p->ctx;

		fn(ctx, pt->index, p->n);

		if (atomic_fetch_sub_explicit(&p->pending, 1,
		    memory_order_acq_rel) == 1) {
			pthread_mutex_lock(&p->lock);
			pthread_cond_signal(&p->done);
			pthread_mutex_unlock(&p->lock);
		}
	}
	return NULL;
}

struct pool *
pool_create(int n)
{
	struct pool *p = xcalloc(1, sizeof *p);

	p->n = n < 1 ? 1 : n;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->wake, NULL);
	pthread_cond_init(&p->done, NULL);
	atomic_init(&p->generation, 0);
	atomic_init(&p->stopping, false);
	atomic_init(&p->pending, 0);
	p->threads = xcalloc((size_t)p->n, sizeof *p->threads);
	for (int i = 1; i < p->n; i++) {
		p->threads[i].pool = p;
		p->threads[i].index = i;
		pthread_create(&p->threads[i].thread, NULL, pool_main,
		    &p->threads[i]);
	}
	return p;
}

int
pool_size(const struct pool *p)
{
	return p ? p->n : 1;
}

void
pool_run(struct pool *p, pool_fn fn, void *ctx)
{
	if (p == NULL || p->n == 1) {
		fn(ctx, 0, 1);
		return;
	}
	pthread_mutex_lock(&p->lock);
	p->fn = fn;
	p->ctx = ctx;
	atomic_store_explicit(&p->pending, p->n - 1, memory_order_relaxed);
	atomic_store_explicit(&p->generation, atomic_load_explicit(
	    &p->generation, memory_order_relaxed) + 1, memory_order_release);
	pthread_cond_broadcast(&p->wake);
	pthread_mutex_unlock(&p->lock);

	fn(ctx, 0, p->n);

	if (pool_joined_spinning(p))
		return;
	pthread_mutex_lock(&p->lock);
	while (atomic_load_explicit(&p->pending, memory_order_acquire) > 0)
		pthread_cond_wait(&p->done, &p->lock);
	pthread_mutex_unlock(&p->lock);
}

void
pool_free(struct pool *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	atomic_store_explicit(&p->stopping, true, memory_order_relaxed);
	pthread_cond_broadcast(&p->wake);
	pthread_mutex_unlock(&p->lock);
	for (int i = 1; i < p->n; i++)
		pthread_join(p->threads[i].thread, NULL);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->wake);
	pthread_cond_destroy(&p->done);
	free(p->threads);
	free(p);
}

void
pool_split(int total, int worker, int nworkers, int *lo, int *hi)
{
	long t = total;

	*lo = (int)(t * worker / nworkers);
	*hi = (int)(t * (worker + 1) / nworkers);
}
