/*
 * The lane kernels' instruction sets (src/core/model_lanes.c): the default
 * experiment, and each lane kernel, give the same bits on every instruction
 * set this machine runs (AVX-512 at 8 lanes a vector, AVX2 and the baseline
 * at 4) and for 1 and 2 threads, traces included; the batch's kept lane
 * layout follows the batch's contents; the large-d kernel's collected
 * gradient is the mean of the tasks'. Where only one instruction set runs
 * the comparisons are skipped (exit 77, after the other two pass).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "memscope/model.h"
#include "memscope/rng.h"
#include "memscope/task.h"
#include "memscope/trainer.h"
#include "memscope/xmalloc.h"

#include "../src/core/model_internal.h"

/* What a training leaves: its parameters, last loss, and test losses. */
struct outcome {
	double *params;
	size_t np;
	double loss;
	double test[16];
	int L;
};

/* Train cfg for its steps with the kernels of isa on `threads` threads. */
static struct outcome
train_on(const struct ms_config *base, enum model_isa isa, int threads)
{
	struct ms_config c = *base;
	struct trainer t;
	struct outcome o;
	char err[256];

	c.threads = threads;
	model_isa_force(isa);
	assert_int_equal(trainer_init(&t, &c, err, sizeof err), 0);
	for (int s = 0; s < c.steps; s++)
		assert_int_equal(trainer_step(&t), 0);
	assert_int_equal(model_isa_of(&t.model), isa);
	o.np = t.model.nparams;
	o.params = xdoubles(o.np);
	memcpy(o.params, t.model.params, o.np * sizeof *o.params);
	o.loss = t.train_loss;
	o.L = c.layers;
	assert_true(o.L <= 16);
	assert_int_equal(trainer_test(&t, o.test), 0);
	trainer_free(&t);
	model_isa_force(MODEL_ISA_COUNT);
	return o;
}

static void
assert_same_outcome(const struct outcome *a, const struct outcome *b)
{
	assert_int_equal(a->np, b->np);
	assert_memory_equal(a->params, b->params, a->np * sizeof *a->params);
	assert_memory_equal(&a->loss, &b->loss, sizeof a->loss);
	assert_memory_equal(a->test, b->test, (size_t)a->L * sizeof a->test[0]);
}

/* cfg on every instruction set here, and on 2 threads, against the best. */
static void
check_every_isa(const struct ms_config *c)
{
	enum model_isa best = model_isa_current();
	struct outcome ref = train_on(c, best, 1), o;

	assert_true(isfinite(ref.loss));
	for (int i = 0; i < MODEL_ISA_COUNT; i++) {
		if (!model_isa_supported((enum model_isa)i))
			continue;
		o = train_on(c, (enum model_isa)i, 1);
		assert_same_outcome(&ref, &o);
		free(o.params);
	}
	o = train_on(c, best, 2);
	assert_same_outcome(&ref, &o);
	free(o.params);
	free(ref.params);
}

static void
test_default_experiment_same_bits(void **state)
{
	struct ms_config c;

	(void)state;
	config_defaults(&c);
	c.steps = 25;
	check_every_isa(&c);
}

/* The dense path in lanes (full, d ≤ 8), the label path with d a variable
 * (d > 8), the other memories, batches not a multiple of the block. */
static void
test_every_lane_kernel_same_bits(void **state)
{
	static const struct {
		enum ms_param p;
		enum ms_memory mem;
		int d, n, B;
	} cases[] = {
		{ MS_PARAM_FULL, MS_MEMORY_LFOM, 4, 7, 37 },
		{ MS_PARAM_GDPP, MS_MEMORY_CGD, 3, 6, 9 },
		{ MS_PARAM_PRE, MS_MEMORY_REC, 10, 12, 300 },
		{ MS_PARAM_SCALAR, MS_MEMORY_NONE, 6, 9, 21 },
	};

	(void)state;
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		struct ms_config c;

		config_defaults(&c);
		c.param = cases[k].p;
		c.memory = cases[k].mem;
		c.dim = cases[k].d;
		c.context = cases[k].n;
		c.batch = cases[k].B;
		c.test_batch = 11;
		c.layers = 3;
		c.data = MS_DATA_ISO;
		c.steps = 8;
		check_every_isa(&c);
	}
}

/* One task's trace (label rows, registers) after a few steps, on isa. */
static void
trace_on(const struct ms_config *c, enum model_isa isa, double *label,
    double *reg)
{
	struct trainer t;
	char err[256];

	model_isa_force(isa);
	assert_int_equal(trainer_init(&t, c, err, sizeof err), 0);
	for (int s = 0; s < c->steps; s++)
		assert_int_equal(trainer_step(&t), 0);
	model_trace_task(&t.model, &t.test, 2, label, reg);
	assert_int_equal(model_isa_of(&t.model), isa);
	trainer_free(&t);
	model_isa_force(MODEL_ISA_COUNT);
}

/* The step-through reads a task's activations out of the kernel (lane 0
 * of the first half-block): the same bits on every instruction set. */
static void
test_trace_same_bits(void **state)
{
	static const enum ms_param params[] = { MS_PARAM_PRE, MS_PARAM_FULL };
	(void)state;
	for (size_t k = 0; k < 2; k++) {
		struct ms_config c;
		size_t rows;
		double *ref, *rref, *lab, *reg;

		config_defaults(&c);
		c.param = params[k];
		c.batch = 40;
		c.test_batch = 9;
		c.steps = 5;
		rows = (size_t)(c.layers + 1) * (c.context + 1);
		ref = xdoubles(rows);
		rref = xdoubles(rows);
		lab = xdoubles(rows);
		reg = xdoubles(rows);
		trace_on(&c, model_isa_current(), ref, rref);
		for (int i = 0; i < MODEL_ISA_COUNT; i++) {
			if (!model_isa_supported((enum model_isa)i))
				continue;
			trace_on(&c, (enum model_isa)i, lab, reg);
			assert_memory_equal(lab, ref, rows * sizeof *lab);
			assert_memory_equal(reg, rref, (rows - (size_t)c.context -
			    1) * sizeof *reg);
		}
		free(ref);
		free(rref);
		free(lab);
		free(reg);
	}
}

/* Large d, pre: the batch gradient (its attention part collected over
 * half-blocks before it is added, model_label_kern.h) is the mean of the
 * tasks' own, on every instruction set. */
static void
test_large_d_gradient_is_task_mean(void **state)
{
	struct ms_config c;
	struct task_dist dist;
	struct task_batch tb;
	struct model m;
	struct rng r;
	char err[256];
	double *g, *sum;

	(void)state;
	config_defaults(&c);
	c.dim = 10;
	c.context = 14;
	c.layers = 3;
	c.batch = 90;
	c.data = MS_DATA_ISO;
	assert_int_equal(task_dist_init(&dist, &c, err, sizeof err), 0);
	task_batch_alloc(&tb, c.batch, c.context, c.dim);
	rng_seed(&r, 3, 1);
	task_batch_sample(&tb, &dist, &r);
	for (int i = 0; i < MODEL_ISA_COUNT; i++) {
		if (!model_isa_supported((enum model_isa)i))
			continue;
		model_isa_force((enum model_isa)i);
		model_init(&m, &c);
		rng_seed(&r, 4, 2);
		model_init_params(&m, &r);
		for (size_t e = 0; e < m.nparams; e++)
			m.params[e] += 0.03 * (double)(e % 5) - 0.06;
		g = xdoubles(m.nparams);
		sum = xdoubles(m.nparams);
		model_loss_grad(&m, &tb, NULL);
		memcpy(g, m.grads, m.nparams * sizeof *g);
		for (int b = 0; b < tb.B; b++) {
			struct task_batch one = tb;

			one.B = 1;
			one.X = tb.X + (size_t)b * (c.context + 1) * c.dim;
			one.y = tb.y + (size_t)b * (c.context + 1);
			one.gen = 0;
			model_loss_grad(&m, &one, NULL);
			for (size_t e = 0; e < m.nparams; e++)
				sum[e] += m.grads[e] / tb.B;
		}
		for (size_t e = 0; e < m.nparams; e++)
			assert_true(fabs(sum[e] - g[e]) <=
			    1e-12 * (1 + fabs(g[e])));
		free(g);
		free(sum);
		model_free(&m);
		model_isa_force(MODEL_ISA_COUNT);
	}
	task_batch_free(&tb);
	task_dist_free(&dist);
}

/* The loss of tb on a model that has never seen a batch (no kept layout). */
static double
fresh_loss(const struct ms_config *c, const double *params,
    const struct task_batch *tb)
{
	struct model m;
	double loss;

	model_init(&m, c);
	memcpy(m.params, params, m.nparams * sizeof *params);
	loss = model_loss_grad(&m, tb, NULL);
	model_free(&m);
	return loss;
}

/* A batch drawn again into the same arrays gets a new generation, and the
 * pass reads the new tasks; a batch of unknown contents (gen 0) is
 * interleaved as it is, the kept layout left alone. */
static void
test_lane_layout_follows_the_batch(void **state)
{
	struct ms_config c;
	struct task_dist dist;
	struct task_batch tb;
	struct model m;
	struct rng r;
	char err[256];
	double first, again, other;

	(void)state;
	config_defaults(&c);
	c.batch = 20;
	assert_int_equal(task_dist_init(&dist, &c, err, sizeof err), 0);
	task_batch_alloc(&tb, c.batch, c.context, c.dim);
	rng_seed(&r, 5, 1);
	task_batch_sample(&tb, &dist, &r);
	assert_true(tb.gen != 0);
	model_init(&m, &c);
	rng_seed(&r, 9, 2);
	model_init_params(&m, &r);
	for (size_t i = 0; i < m.nparams; i++)
		m.params[i] += 0.05 * (double)(i % 7) - 0.1;
	first = model_loss_grad(&m, &tb, NULL);
	assert_memory_equal(&first, &(double){ fresh_loss(&c, m.params, &tb) },
	    sizeof first);
	assert_null(m.work->xl);
	/* the second pass is the one that keeps the layout */
	again = model_loss_grad(&m, &tb, NULL);
	assert_memory_equal(&again, &first, sizeof again);
	assert_non_null(m.work->xl);
	/* new contents in the same arrays, twice (kept, then read kept) */
	task_batch_sample(&tb, &dist, &r);
	other = fresh_loss(&c, m.params, &tb);
	for (int pass = 0; pass < 2; pass++) {
		again = model_loss_grad(&m, &tb, NULL);
		assert_memory_equal(&again, &other, sizeof again);
	}
	assert_true(again != first);
	assert_int_equal(m.work->key.gen, tb.gen);
	/* filled by hand: gen 0, read as it is, every time (never kept: a
	 * second edit in the same arrays, still gen 0, must be seen too) */
	for (int edit = 0; edit < 2; edit++) {
		tb.y[3 + edit] += 1.0;
		tb.gen = 0;
		again = model_loss_grad(&m, &tb, NULL);
		other = fresh_loss(&c, m.params, &tb);
		assert_memory_equal(&again, &other, sizeof again);
		assert_non_null(m.work->xl);
	}
	model_free(&m);
	task_batch_free(&tb);
	task_dist_free(&dist);
}

int
main(void)
{
	const struct CMUnitTest compare[] = {
		cmocka_unit_test(test_default_experiment_same_bits),
		cmocka_unit_test(test_every_lane_kernel_same_bits),
		cmocka_unit_test(test_trace_same_bits),
	};
	/* these need no second instruction set */
	const struct CMUnitTest one[] = {
		cmocka_unit_test(test_lane_layout_follows_the_batch),
		cmocka_unit_test(test_large_d_gradient_is_task_mean),
	};
	int runs = 0, failed = cmocka_run_group_tests(one, NULL, NULL);

	for (int i = 0; i < MODEL_ISA_COUNT; i++)
		runs += model_isa_supported((enum model_isa)i);
	if (runs < 2) {
		fprintf(stderr, "test_isa: this machine runs only the %s "
		    "kernels: nothing to compare (skipped)\n",
		    model_kernel_isa());
		return failed != 0 ? 1 : 77;
	}
	return cmocka_run_group_tests(compare, NULL, NULL) + failed;
}
