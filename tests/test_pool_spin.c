/*
 * Tests of the compute pool's hand-over (src/core/pool.c): a worker that
 * has finished a job spins for the next one, then sleeps. Whichever way a
 * worker waits, every worker runs every job exactly once, with that job's
 * function and context, and the pool stops from either state. No timing is
 * asserted: sleeps only force the sleeping path (they last many spin
 * windows), and an alarm turns a hang (a lost wake-up) into a failure.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "memscope/pool.h"

enum { NW = 3, PASSES = 3000, SLEEPY = 40 };

/* What the workers saw of one run of passes. */
struct tally {
	int pass;			/* the pass now running (set by the caller) */
	int id;				/* which of two contexts this is */
	int runs[NW];			/* jobs each worker ran */
	int wrong[NW];			/* jobs that saw a stale pass or size */
	atomic_int fn_b;		/* jobs run by job_b */
};

static void
job_a(void *ctx, int worker, int nworkers)
{
	struct tally *t = ctx;

	if (nworkers != NW || worker < 0 || worker >= NW)
		return;
	/* the caller set t->pass before pool_run: a worker running an old
	 * or a skipped pass counts runs out of step with it */
	if (t->runs[worker] != t->pass)
		t->wrong[worker]++;
	t->runs[worker]++;
}

static void
job_b(void *ctx, int worker, int nworkers)
{
	struct tally *t = ctx;

	atomic_fetch_add(&t->fn_b, 1);
	job_a(ctx, worker, nworkers);
}

static void
nap(long ns)
{
	struct timespec ts = { ns / 1000000000L, ns % 1000000000L };

	nanosleep(&ts, NULL);
}

/* Run `passes` passes of job_a, napping nap_ns before each (0: none),
 * and check that each worker ran each pass once, in step. */
static void
check_passes(int passes, long nap_ns)
{
	struct pool *p = pool_create(NW);
	struct tally t = { 0 };

	for (t.pass = 0; t.pass < passes; t.pass++) {
		if (nap_ns > 0)
			nap(nap_ns);
		pool_run(p, job_a, &t);
	}
	pool_free(p);
	for (int w = 0; w < NW; w++) {
		assert_int_equal(t.runs[w], passes);
		assert_int_equal(t.wrong[w], 0);
	}
}

/* Each worker runs each of back-to-back passes once (the spinning path). */
static void
test_pool_spin_every_pass_once(void **state)
{
	(void)state;
	check_passes(PASSES, 0);
}

/* Passes farther apart than the spin window: the workers have gone to
 * sleep each time, and each pass still wakes all of them. */
static void
test_pool_spin_wakes_sleepers(void **state)
{
	(void)state;
	check_passes(SLEEPY, 40 * POOL_SPIN_NS);
}

/* A spinning worker takes the new pass's function and context, not the
 * last pass's: two tallies and two functions in turn. */
static void
test_pool_spin_takes_new_job(void **state)
{
	struct pool *p = pool_create(NW);
	struct tally t[2] = { { .id = 0 }, { .id = 1 } };

	(void)state;
	atomic_init(&t[0].fn_b, 0);
	atomic_init(&t[1].fn_b, 0);
	for (int i = 0; i < 2 * PASSES; i++) {
		struct tally *ti = &t[i % 2];

		ti->pass = i / 2;
		pool_run(p, i % 2 ? job_b : job_a, ti);
		if (i % 500 == 499)
			nap(40 * POOL_SPIN_NS);	/* now and then asleep */
	}
	pool_free(p);
	for (int k = 0; k < 2; k++)
		for (int w = 0; w < NW; w++) {
			assert_int_equal(t[k].runs[w], PASSES);
			assert_int_equal(t[k].wrong[w], 0);
		}
	assert_int_equal(atomic_load(&t[0].fn_b), 0);
	assert_int_equal(atomic_load(&t[1].fn_b), NW * PASSES);
}

/* The pool stops right after a pass (workers spinning) and long after
 * one (workers asleep), and a pool that never ran stops too. */
static void
test_pool_spin_free_spinning_or_asleep(void **state)
{
	struct tally t = { 0 };

	(void)state;
	for (int i = 0; i < 50; i++) {
		struct pool *p = pool_create(NW);

		t.pass = 0;
		for (int w = 0; w < NW; w++)
			t.runs[w] = 0;
		pool_run(p, job_a, &t);
		if (i % 10 == 9)
			nap(40 * POOL_SPIN_NS);
		pool_free(p);
	}
	pool_free(pool_create(NW));
	for (int w = 0; w < NW; w++)
		assert_int_equal(t.wrong[w], 0);
}

/* What the workers of one slow job left. */
struct slow {
	long nap_ns;			/* how long each worker but 0 works */
	atomic_int finished;		/* workers whose nap has ended */
};

static void
job_slow(void *ctx, int worker, int nworkers)
{
	struct slow *s = ctx;

	(void)nworkers;
	if (worker > 0)
		nap(s->nap_ns);
	atomic_fetch_add(&s->finished, 1);
}

/* pool_run returns only once every worker has finished: when the others
 * end within the caller's join spin, and long after it (the caller asleep,
 * woken by the last to report). */
static void
test_pool_spin_join_waits_for_all(void **state)
{
	const long naps[] = { 0, POOL_JOIN_SPIN_NS / 4, 20 * POOL_JOIN_SPIN_NS,
	    20000000L };
	struct pool *p = pool_create(NW);

	(void)state;
	for (size_t k = 0; k < sizeof naps / sizeof naps[0]; k++)
		for (int i = 0; i < 20; i++) {
			struct slow s = { .nap_ns = naps[k] };

			atomic_init(&s.finished, 0);
			pool_run(p, job_slow, &s);
			assert_int_equal(atomic_load(&s.finished), NW);
		}
	pool_free(p);
}

static double
cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* An idle pool sleeps: over 200 ms after a pass, its workers use far less
 * CPU than the wall time (a bound on work done, not on speed: a worker
 * that spun on would use most of the 2 x 200 ms). */
static void
test_pool_spin_idle_sleeps(void **state)
{
	struct pool *p = pool_create(NW);
	struct tally t = { 0 };
	double c0, used;

	(void)state;
	pool_run(p, job_a, &t);
	c0 = cpu_seconds();
	nap(200000000L);
	used = cpu_seconds() - c0;
	pool_free(p);
	assert_true(used < 0.05);
}

static void
test_pool_spin_watchdog(int sig)
{
	(void)sig;
	_exit(1);	/* a pass that never ends: a lost wake-up */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pool_spin_every_pass_once),
		cmocka_unit_test(test_pool_spin_wakes_sleepers),
		cmocka_unit_test(test_pool_spin_takes_new_job),
		cmocka_unit_test(test_pool_spin_free_spinning_or_asleep),
		cmocka_unit_test(test_pool_spin_idle_sleeps),
		cmocka_unit_test(test_pool_spin_join_waits_for_all),
	};

	signal(SIGALRM, test_pool_spin_watchdog);
	alarm(60);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
