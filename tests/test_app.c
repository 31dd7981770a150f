/*
 * The application layer's shared pieces (package "app"): the runner of N
 * trainings (runner.h) gives each run's numbers at its own index whatever
 * the thread count, and tells its hook every start, step and end; a
 * config's test batch (task_test_batch) is the trainer's; the replayed
 * training-batch redraws (trainer_redraw) are those the steps made; and
 * reproduce's progress hook hears of every training.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "memscope/reproduce.h"
#include "memscope/runner.h"
#include "memscope/task.h"
#include "memscope/trainer.h"

#define NRUNS 5
#define NSTEPS 12

static struct ms_config
small(void)
{
	struct ms_config c;

	config_defaults(&c);
	c.batch = 24;
	c.test_batch = 16;
	c.layers = 2;
	c.steps = NSTEPS;
	c.threads = 1;
	return c;
}

/* What the runner's jobs and hook write. */
struct runs {
	double loss[NRUNS];		/* run i's final training loss */
	double test[NRUNS];		/* and its test error after layer 2 */
	long made[NRUNS];		/* steps runner_train made */
	long each[NRUNS];		/* its per-step callbacks, 1 + the last s */
	int starts, steps, dones, last_done;
	long last_steps;
	double last_loss;
	int bad;			/* events out of order */
};

static void
each_step(void *ctx, int job, struct trainer *t, long s)
{
	struct runs *rs = ctx;

	(void)t;
	rs->each[job] = s + 1;
}

/* Train run i (seed 7 + i): through r if not NULL, else step by step. */
static void
train_run(struct runner *r, struct runs *rs, int i, double *loss,
    double *test)
{
	struct ms_config c = small();
	struct trainer t;
	double mse[2];
	char err[256];

	c.seed = 7 + (uint64_t)i;
	assert_int_equal(trainer_init(&t, &c, err, sizeof err), 0);
	if (r != NULL)
		rs->made[i] = runner_train(r, i, &t, c.steps, each_step, rs);
	else
		for (int s = 0; s < c.steps; s++)
			assert_int_equal(trainer_step(&t), 0);
	*loss = t.train_loss;
	trainer_test(&t, mse);
	*test = mse[1];
	trainer_free(&t);
}

/* The runner's job i. */
static void
job(struct runner *r, void *ctx, int i)
{
	struct runs *rs = ctx;

	train_run(r, rs, i, &rs->loss[i], &rs->test[i]);
}

static void
hook(void *ctx, const struct runner_progress *p)
{
	struct runs *rs = ctx;

	if (p->jobs != NRUNS || p->job < 0 || p->job >= NRUNS ||
	    p->done > p->started || p->started > NRUNS)
		rs->bad++;
	switch (p->event) {
	case RUNNER_START:
		rs->starts++;
		if (p->started != rs->starts)
			rs->bad++;
		break;
	case RUNNER_STEP:
		rs->steps++;
		if (p->steps != rs->steps || !isfinite(p->loss))
			rs->bad++;
		break;
	case RUNNER_DONE:
		rs->dones++;
		if (p->done != rs->dones)
			rs->bad++;
		break;
	}
	rs->last_done = p->done;
	rs->last_steps = p->steps;
	rs->last_loss = p->loss;
}

/* Every run's numbers at its own index, bit for bit, on 1, 2 and 3 workers. */
static void
test_runner_results_by_index(void **state)
{
	double loss[NRUNS], test[NRUNS];

	(void)state;
	for (int i = 0; i < NRUNS; i++)
		train_run(NULL, NULL, i, &loss[i], &test[i]);
	for (int threads = 1; threads <= 3; threads++) {
		struct runs rs;

		memset(&rs, 0, sizeof rs);
		assert_int_equal(runner_run(NRUNS, threads, job, hook, &rs),
		    threads);
		for (int i = 0; i < NRUNS; i++) {
			assert_true(rs.loss[i] == loss[i]);
			assert_true(rs.test[i] == test[i]);
			assert_int_equal(rs.made[i], NSTEPS);
			assert_int_equal(rs.each[i], NSTEPS);
		}
	}
	/* the seeds differ, so a mix-up of slots could not pass */
	assert_true(loss[0] != loss[1]);
}

/* The hook hears every start, step and end, counted in order. */
static void
test_runner_hook(void **state)
{
	struct runs rs;

	(void)state;
	memset(&rs, 0, sizeof rs);
	runner_run(NRUNS, 2, job, hook, &rs);
	assert_int_equal(rs.bad, 0);
	assert_int_equal(rs.starts, NRUNS);
	assert_int_equal(rs.dones, NRUNS);
	assert_int_equal(rs.steps, NRUNS * NSTEPS);
	assert_int_equal(rs.last_done, NRUNS);
	assert_int_equal(rs.last_steps, (long)NRUNS * NSTEPS);
	assert_true(isfinite(rs.last_loss));
	/* more workers than jobs: one per job; no hook is fine */
	assert_int_equal(runner_run(2, 8, job, NULL, &rs), 2);
	assert_int_equal(runner_run(0, 4, job, NULL, &rs), 1);
}

/* A job that runs away: 6 gdpp layers at lr 1e15 overflow at step 3. */
static void
job_diverges(struct runner *r, void *ctx, int i)
{
	long *made = ctx;
	struct ms_config c = small();
	struct trainer t;
	char err[256];

	c.param = MS_PARAM_GDPP;
	c.layers = 6;
	c.lr = 1e15;
	c.steps = 400;
	assert_int_equal(trainer_init(&t, &c, err, sizeof err), 0);
	made[i] = runner_train(r, i, &t, c.steps, NULL, NULL);
	made[1] = t.diverged;
	trainer_free(&t);
}

/* runner_train stops where training diverges, and says how far it got. */
static void
test_runner_train_stops(void **state)
{
	long made[2] = { -1, 0 };

	(void)state;
	runner_run(1, 1, job_diverges, NULL, made);
	assert_true(made[1]);
	assert_true(made[0] >= 1 && made[0] < 10);
}

/* task_test_batch draws the very batch the trainer of cfg tests on. */
static void
test_task_test_batch(void **state)
{
	struct ms_config c = small();
	struct trainer t;
	struct task_batch tb;
	char err[256];
	size_t nx, ny, nw;

	(void)state;
	c.seed = 123;
	c.test_batch = 9;
	assert_int_equal(trainer_init(&t, &c, err, sizeof err), 0);
	task_test_batch(&tb, &t.dist, &c);
	assert_int_equal(tb.B, 9);
	assert_int_equal(tb.n, c.context);
	assert_int_equal(tb.d, c.dim);
	nx = (size_t)tb.B * (tb.n + 1) * tb.d;
	ny = (size_t)tb.B * (tb.n + 1);
	nw = (size_t)tb.B * tb.d;
	assert_memory_equal(tb.X, t.test.X, nx * sizeof *tb.X);
	assert_memory_equal(tb.y, t.test.y, ny * sizeof *tb.y);
	assert_memory_equal(tb.w, t.test.w, nw * sizeof *tb.w);
	/* not the training batch's stream */
	assert_memory_not_equal(tb.X, t.train.X, 8 * sizeof *tb.X);
	task_batch_free(&tb);
	trainer_free(&t);
}

/* The redraws of K steps with --resample N: before s = N, 2N, ... < K. */
static void
test_trainer_redraws(void **state)
{
	struct ms_config c = small();

	(void)state;
	c.resample = 0;
	assert_int_equal(trainer_redraws(&c, 100), 0);
	c.resample = 10;
	assert_int_equal(trainer_redraws(&c, 0), 0);
	assert_int_equal(trainer_redraws(&c, 1), 0);
	assert_int_equal(trainer_redraws(&c, 10), 0);
	assert_int_equal(trainer_redraws(&c, 11), 1);
	assert_int_equal(trainer_redraws(&c, 21), 2);
	assert_int_equal(trainer_redraws(&c, 30), 2);
	c.resample = 1;
	assert_int_equal(trainer_redraws(&c, 5), 4);
}

/* trainer_redraw leaves the training batch and its stream as the steps
 * did. */
static void
test_trainer_redraw_replays(void **state)
{
	struct ms_config c = small();
	struct trainer a, b;
	char err[256];
	size_t nx;

	(void)state;
	c.resample = 3;
	c.steps = 11;
	assert_int_equal(trainer_init(&a, &c, err, sizeof err), 0);
	assert_int_equal(trainer_init(&b, &c, err, sizeof err), 0);
	for (int s = 0; s < c.steps; s++)
		assert_int_equal(trainer_step(&a), 0);
	trainer_redraw(&b, trainer_redraws(&c, c.steps));
	nx = (size_t)c.batch * (c.context + 1) * c.dim;
	assert_memory_equal(a.train.X, b.train.X, nx * sizeof *a.train.X);
	assert_memory_equal(&a.rng_train, &b.rng_train, sizeof a.rng_train);
	assert_memory_equal(&a.train_from, &b.train_from, sizeof a.train_from);
	trainer_free(&a);
	trainer_free(&b);
}

/* What reproduce's progress hook heard. */
struct heard {
	int start, done, trained, finished, trainings, last_done, bad;
	double steps;
};

static void
heard(void *ctx, const struct reproduce_progress *p)
{
	struct heard *h = ctx;

	switch (p->event) {
	case REPRODUCE_JOB_START:
		h->start++;
		if (h->trained || p->figure == NULL || p->line == NULL)
			h->bad++;
		break;
	case REPRODUCE_JOB_DONE:
		h->done++;
		h->last_done = p->trainings_done;
		if (h->trained || !(p->left >= 0))
			h->bad++;
		break;
	case REPRODUCE_TRAINED:
		h->trained++;
		break;
	case REPRODUCE_FINISHED:
		h->finished++;
		h->steps = p->steps;
		if (!h->trained || p->threads != 2)
			h->bad++;
		break;
	}
	h->trainings = p->trainings;
}

/* Every job starts and ends, then "trained", then "finished" with the
 * plan's totals. */
static void
test_reproduce_progress_hook(void **state)
{
	struct reproduce_opts o;
	struct heard h;
	char dir[64], err[512];
	int trainings;
	double steps;
	FILE *out = fopen("/dev/null", "w");

	(void)state;
	assert_non_null(out);
	reproduce_defaults(&o);
	assert_int_equal(reproduce_parse_figures("2b", &o.figures, err,
	    sizeof err), 0);
	o.runs = 2;
	o.depths = 2;
	o.threads = 2;
	o.steps = 5;
	o.batch = 20;
	o.test_batch = 20;
	memset(&h, 0, sizeof h);
	o.progress = heard;
	o.progress_ctx = &h;
	strcpy(dir, "/tmp/memscope-test-app-XXXXXX");
	assert_non_null(mkdtemp(dir));
	o.outdir = dir;
	reproduce_plan(&o, &trainings, &steps);
	assert_int_equal(reproduce_run(&o, out, err, sizeof err), 0);
	fclose(out);
	/* 2 models x 2 depths x 2 runs, and each run's baselines */
	assert_int_equal(trainings, 8);
	assert_int_equal(h.start, 8 + 2);
	assert_int_equal(h.done, 8 + 2);
	assert_int_equal(h.last_done, 8);
	assert_int_equal(h.trainings, 8);
	assert_int_equal(h.trained, 1);
	assert_int_equal(h.finished, 1);
	assert_true(h.steps == steps);
	assert_int_equal(h.bad, 0);
	snprintf(err, sizeof err, "rm -rf '%s'", dir);
	assert_int_equal(system(err), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runner_results_by_index),
		cmocka_unit_test(test_runner_hook),
		cmocka_unit_test(test_runner_train_stops),
		cmocka_unit_test(test_task_test_batch),
		cmocka_unit_test(test_trainer_redraws),
		cmocka_unit_test(test_trainer_redraw_replays),
		cmocka_unit_test(test_reproduce_progress_hook),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
