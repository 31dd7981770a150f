/*
 * The compute pool. Workers 1..n-1 sleep on a condition variable until the
 * generation counter moves; pool_run bumps it, runs worker 0's share on the
 * calling thread, and waits until every worker has reported back. One job at
 * a time: pool_run is called from one thread only.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

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
	unsigned long generation;
	int pending;
	bool stopping;
	pool_fn fn;
	void *ctx;
};

static void *
pool_main(void *arg)
{
	struct pool_thread *pt = arg;
	struct pool *p = pt->pool;
	unsigned long seen = 0;

	for (;;) {
		pool_fn fn;
		void *ctx;

		pthread_mutex_lock(&p->lock);
		while (p->generation == seen && !p->stopping)
			pthread_cond_wait(&p->wake, &p->lock);
		if (p->stopping) {
			pthread_mutex_unlock(&p->lock);
			return NULL;
		}
		seen = p->generation;
		fn = p->fn;
		ctx = p->ctx;
		pthread_mutex_unlock(&p->lock);

		fn(ctx, pt->index, p->n);

		pthread_mutex_lock(&p->lock);
		if (--p->pending == 0)
			pthread_cond_signal(&p->done);
		pthread_mutex_unlock(&p->lock);
	}
}

struct pool *
pool_create(int n)
{
	struct pool *p = xcalloc(1, sizeof *p);

	p->n = n < 1 ? 1 : n;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->wake, NULL);
	pthread_cond_init(&p->done, NULL);
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
	p->pending = p->n - 1;
	p->generation++;
	pthread_cond_broadcast(&p->wake);
	pthread_mutex_unlock(&p->lock);

	fn(ctx, 0, p->n);

	pthread_mutex_lock(&p->lock);
	while (p->pending > 0)
		pthread_cond_wait(&p->done, &p->lock);
	pthread_mutex_unlock(&p->lock);
}

void
pool_free(struct pool *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
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
