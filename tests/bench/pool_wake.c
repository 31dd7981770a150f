/*
 * The compute pool's fixed cost per pass, measured: passes shaped like a
 * training step's (SHARDS chunks of busy work taken from an atomic counter,
 * the caller spinning up to 50 us for the others at the end, as
 * model_shard.c's shard_wait_workers does), GAP_US of serial work between passes (model_prepare,
 * the slot sum, Adam). For each pass it stamps the call, each worker's
 * entry and exit and the return, and prints medians of
 *   wake: from pool_run's call to worker 1's entry;
 *   join: from the last worker's exit to pool_run's return;
 *   pass: the whole pool_run, against the ideal (work / threads).
 * Usage: pool_wake [WORK_US [GAP_US [PASSES]]] (defaults 90 5 20000; the
 * work is busy waiting on the clock, so it models a quiet machine: on a
 * loaded one the figures mean little). Not a test: make bench-pool.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "memscope/pool.h"

enum { SHARDS = 32, THREADS = 2 };

struct job {
	double chunk_us;
	atomic_int next, started, done;
	double enter[THREADS], leave[THREADS];
};

static double
now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e6 + t.tv_nsec * 1e-3;
}

static void
busy(double us)
{
	double end = now_us() + us;

	while (now_us() < end)
		;
}

static void
job_run(void *ctx, int worker, int nworkers)
{
	struct job *j = ctx;
	struct pool_spin s;

	j->enter[worker] = now_us();
	atomic_fetch_add(&j->started, 1);
	while (atomic_fetch_add(&j->next, 1) < SHARDS)
		busy(j->chunk_us);
	j->leave[worker] = now_us();
	atomic_fetch_add(&j->done, 1);
	if (worker != 0)
		return;
	s = pool_spin_start(50000);	/* as shard_wait_workers does */
	while (atomic_load(&j->done) < nworkers)
		if (atomic_load(&j->started) < nworkers || !pool_spin_step(&s))
			return;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp);
	return v[n / 2];
}

int
main(int argc, char **argv)
{
	double work = argc > 1 ? atof(argv[1]) : 90;
	double gap = argc > 2 ? atof(argv[2]) : 5;
	int n = argc > 3 ? atoi(argv[3]) : 20000;
	struct pool *p = pool_create(THREADS);
	double *wake = malloc(n * sizeof *wake), *join = malloc(n * sizeof *join);
	double *pass = malloc(n * sizeof *pass);
	struct job j = { .chunk_us = work / SHARDS };

	if (wake == NULL || join == NULL || pass == NULL || n < 1)
		return 1;
	for (int i = 0; i < n; i++) {
		double t0, t1, last;

		atomic_init(&j.next, 0);
		atomic_init(&j.started, 0);
		atomic_init(&j.done, 0);
		t0 = now_us();
		pool_run(p, job_run, &j);
		t1 = now_us();
		last = j.leave[0] > j.leave[1] ? j.leave[0] : j.leave[1];
		wake[i] = j.enter[1] - t0;
		join[i] = t1 - last;
		pass[i] = t1 - t0;
		busy(gap);
	}
	printf("work %.0f us, gap %.0f us, %d passes: wake %.1f us, join "
	    "%.1f us, pass %.1f us (ideal %.1f, speed-up %.2fx)\n", work, gap,
	    n, median(wake, n), median(join, n), median(pass, n),
	    work / THREADS, (work + gap) / (median(pass, n) + gap));
	pool_free(p);
	free(wake);
	free(join);
	free(pass);
	return 0;
}
