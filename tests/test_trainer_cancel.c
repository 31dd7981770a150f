/*
 * Interrupting a run (issue 10): a step, a test evaluation, a batch draw
 * or the baselines stopped by a raised cancel flag leave the run as it
 * was, so a run interrupted any number of times, each piece done again
 * afterwards, gives the bits of an uninterrupted one. Deferred batch draws
 * (trainer_init_deferred, trainer_set_data) give the batches of eager ones.
 */
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "memscope/baselines.h"
#include "memscope/checkpoint.h"
#include "memscope/trainer.h"

static struct ms_config
small(void)
{
	struct ms_config c;

	config_defaults(&c);
	c.batch = 64;
	c.test_batch = 64;
	c.layers = 2;
	c.steps = 50;
	c.resample = 1;		/* a redraw in every step */
	return c;
}

/* The parts of a run a step or a draw may change. */
static void
assert_same_run(const struct trainer *a, const struct trainer *b)
{
	assert_int_equal(a->step, b->step);
	assert_int_equal(a->model.nparams, b->model.nparams);
	assert_memory_equal(a->model.params, b->model.params,
	    a->model.nparams * sizeof(double));
	assert_memory_equal(a->adam.m, b->adam.m, a->adam.n * sizeof(double));
	assert_memory_equal(a->adam.v, b->adam.v, a->adam.n * sizeof(double));
	assert_int_equal(a->adam.t, b->adam.t);
	/* by value: a struct rng has padding, which a copy need not keep */
	assert_true(rng_same(&a->rng_train, &b->rng_train));
	assert_true(rng_same(&a->rng_test, &b->rng_test));
	assert_int_equal(a->train_due, b->train_due);
	assert_int_equal(a->test_due, b->test_due);
}

static void
assert_same_batch(const struct task_batch *a, const struct task_batch *b)
{
	size_t nx = (size_t)a->B * (a->n + 1) * a->d;

	assert_int_equal(a->B, b->B);
	assert_memory_equal(a->X, b->X, nx * sizeof(double));
	assert_memory_equal(a->y, b->y, (size_t)a->B * (a->n + 1) *
	    sizeof(double));
	assert_memory_equal(a->w, b->w, (size_t)a->B * a->d * sizeof(double));
}

/* A raised flag stops everything before any work: nothing changes. */
static void
test_raised_flag_changes_nothing(void **state)
{
	struct ms_config c = small();
	struct trainer t, ref;
	atomic_int flag = 1;
	double mse[2] = { -1, -1 };
	char err[256];

	(void)state;
	assert_int_equal(trainer_init(&t, &c, err, sizeof err), 0);
	assert_int_equal(trainer_init(&ref, &c, err, sizeof err), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(trainer_step(&t), 0);
		assert_int_equal(trainer_step(&ref), 0);
	}
	trainer_set_cancel(&t, &flag);
	assert_int_equal(trainer_step(&t), TRAINER_INTERRUPTED);
	assert_int_equal(trainer_test(&t, mse), TRAINER_INTERRUPTED);
	assert_true(mse[0] == -1 && mse[1] == -1);
	assert_same_run(&t, &ref);
	atomic_store(&flag, 0);
	assert_int_equal(trainer_step(&t), 0);
	assert_int_equal(trainer_step(&ref), 0);
	assert_same_run(&t, &ref);
	assert_same_batch(&t.train, &ref.train);
	trainer_free(&t);
	trainer_free(&ref);
}

/* Deferred draws, interrupted or not, are the eager draws. */
static void
test_deferred_draws_are_eager_draws(void **state)
{
	struct ms_config c = small(), next;
	struct trainer t, ref;
	atomic_int flag = 1;
	char err[256];

	(void)state;
	assert_int_equal(trainer_init(&ref, &c, err, sizeof err), 0);
	assert_int_equal(trainer_init_deferred(&t, &c, err, sizeof err), 0);
	assert_false(trainer_ready(&t));
	trainer_set_cancel(&t, &flag);
	assert_int_equal(trainer_prepare(&t), TRAINER_INTERRUPTED);
	assert_false(trainer_ready(&t));
	atomic_store(&flag, 0);
	assert_int_equal(trainer_prepare(&t), 0);
	assert_true(trainer_ready(&t));
	assert_same_run(&t, &ref);
	assert_same_batch(&t.train, &ref.train);
	assert_same_batch(&t.test, &ref.test);

	/* two data changes while interrupted: both draws are still made */
	next = c;
	next.data = MS_DATA_KAPPA;
	next.kappa = 10;
	atomic_store(&flag, 1);
	assert_int_equal(trainer_set_data(&t, &next, err, sizeof err), 0);
	next.kappa = 100;
	assert_int_equal(trainer_set_data(&t, &next, err, sizeof err), 0);
	assert_int_equal(t.train_due, 2);
	assert_int_equal(t.test_due, 2);
	next.kappa = 10;
	assert_int_equal(trainer_set_data(&ref, &next, err, sizeof err), 0);
	next.kappa = 100;
	assert_int_equal(trainer_set_data(&ref, &next, err, sizeof err), 0);
	atomic_store(&flag, 0);
	assert_int_equal(trainer_step(&t), 0);
	assert_int_equal(trainer_step(&ref), 0);
	assert_same_run(&t, &ref);
	assert_same_batch(&t.test, &ref.test);
	trainer_free(&t);
	trainer_free(&ref);
}

struct raiser {
	atomic_int *flag;
	long delay_ns;
};

static void *
raise_later(void *arg)
{
	struct raiser *r = arg;
	struct timespec ts = { 0, r->delay_ns };

	nanosleep(&ts, NULL);
	atomic_store(r->flag, 1);
	return NULL;
}

/*
 * Steps interrupted at arbitrary points by another thread (during the
 * redraw, the pass or in between), each done again until it completes,
 * end where uninterrupted steps end, bit for bit; so do test evaluations.
 * The interrupted run has two pool workers, the reference one.
 */
static void
test_interrupted_steps_are_exact(void **state)
{
	struct ms_config c = small();
	struct trainer t, ref;
	atomic_int flag = 0;
	double mse[2], mref[2];
	char err[256];
	int interrupted = 0, rc;
	unsigned seed = 7;

	(void)state;
	c.batch = 1000;	/* steps of about a millisecond */
	assert_int_equal(trainer_init(&ref, &c, err, sizeof err), 0);
	c.threads = 2;	/* both workers stop; the bits do not depend on it */
	assert_int_equal(trainer_init(&t, &c, err, sizeof err), 0);
	trainer_set_cancel(&t, &flag);
	for (int i = 0; i < 40; i++) {
		/* up to three attempts with a raiser, then one without (a
		 * slow build might otherwise never finish a step) */
		for (int k = 0; k < 4; k++) {
			struct raiser r = { &flag, rand_r(&seed) % 400000 };
			pthread_t th;

			atomic_store(&flag, 0);
			if (k < 3)
				assert_int_equal(pthread_create(&th, NULL,
				    raise_later, &r), 0);
			rc = trainer_step(&t);
			if (k < 3)
				pthread_join(th, NULL);
			if (rc != TRAINER_INTERRUPTED)
				break;
			interrupted++;
		}
		assert_int_equal(rc, 0);
		assert_int_equal(trainer_step(&ref), 0);
		assert_same_run(&t, &ref);
	}
	atomic_store(&flag, 0);
	assert_int_equal(trainer_test(&t, mse), 0);
	assert_int_equal(trainer_test(&ref, mref), 0);
	assert_memory_equal(mse, mref, sizeof mse);
	print_message("%d of the attempts were interrupted\n", interrupted);
	trainer_free(&t);
	trainer_free(&ref);
}

/*
 * A step interrupted after it has redrawn its batch (the visualizer's
 * worker stops for a key, e.g. the save key) leaves the stream where it was
 * and train_from naming the batch before the redraw: a checkpoint saved
 * then resumes exactly where the uninterrupted run goes on.
 */
static void
test_save_after_interrupted_redraw(void **state)
{
	struct ms_config c = small();
	struct trainer t, ref, r;
	struct task_batch next;
	atomic_int raised = 1;
	char err[512], path[] = "/tmp/memscope-cancel-XXXXXX";
	struct rng copy;
	int fd;

	(void)state;
	assert_int_equal(trainer_init(&ref, &c, err, sizeof err), 0);
	assert_int_equal(trainer_init(&t, &c, err, sizeof err), 0);
	assert_int_equal(trainer_step(&t), 0);
	assert_int_equal(trainer_step(&ref), 0);
	/* the batch step 1 redraws */
	task_batch_alloc(&next, c.batch, c.context, c.dim);
	copy = t.rng_train;
	task_batch_sample(&next, &t.dist, &copy);
	/* the pass sees a raised flag, the redraw none: the step stops
	 * between the two, every time */
	t.cancel = NULL;
	t.model.cancel = &raised;
	assert_int_equal(trainer_step(&t), TRAINER_INTERRUPTED);
	assert_memory_equal(next.X, t.train.X, sizeof(double) *
	    (size_t)next.B * (next.n + 1) * next.d);
	task_batch_free(&next);
	trainer_set_cancel(&t, NULL);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(checkpoint_save(path, &t, err, sizeof err), 0);
	assert_int_equal(checkpoint_load(path, &r, err, sizeof err), 0);
	unlink(path);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(trainer_step(&r), 0);
		assert_int_equal(trainer_step(&ref), 0);
		assert_memory_equal(&r.train_loss, &ref.train_loss,
		    sizeof(double));
	}
	assert_same_run(&r, &ref);
	assert_same_batch(&r.train, &ref.train);
	trainer_free(&r);
	trainer_free(&t);
	trainer_free(&ref);
}

/* The baselines stop when asked and are whole when not. */
static void
test_baselines_cancel(void **state)
{
	struct ms_config c = small();
	struct trainer t;
	struct baseline_table a = { 0 }, b = { 0 };
	atomic_int flag = 1;
	char err[256];

	(void)state;
	assert_int_equal(trainer_init(&t, &c, err, sizeof err), 0);
	assert_int_equal(baselines_evaluate_cancel(&t.cfg, &t.dist, &t.test,
	    3, &a, &flag), -1);
	for (int m = 0; m < BASELINE_COUNT; m++)
		assert_null(a.mse[m]);
	atomic_store(&flag, 0);
	assert_int_equal(baselines_evaluate_cancel(&t.cfg, &t.dist, &t.test,
	    3, &a, &flag), 0);
	baselines_evaluate(&t.cfg, &t.dist, &t.test, 3, &b);
	for (int m = 0; m < BASELINE_COUNT; m++) {
		assert_memory_equal(a.mse[m], b.mse[m], 4 * sizeof(double));
		assert_memory_equal(a.step[m], b.step[m], 4 * sizeof(double));
	}
	baseline_table_free(&a);
	baseline_table_free(&b);
	trainer_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_raised_flag_changes_nothing),
		cmocka_unit_test(test_deferred_draws_are_eager_draws),
		cmocka_unit_test(test_interrupted_steps_are_exact),
		cmocka_unit_test(test_baselines_cancel),
		cmocka_unit_test(test_save_after_interrupted_redraw),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
