/*
 * The one-task-at-a-time dense kernel (d > MODEL_SMALL_D) with its
 * products cut into BLAS calls (model_dense.c's mat_mul): the same loss,
 * per-layer errors and gradient, to 1e-12 relative, as the same math in
 * plain loops, one product a loop; the same bits on 1 and 2 threads; a
 * task's prediction the same bits whatever the batch around it; and the
 * gradient against finite differences with 1 and 3 layers (the last layer
 * has its own kernel; the model tests' d > 8 cases have 2); and one task's
 * trace, every token's label cell and register after every layer, the same
 * as the label path's (pre).
 */
#include <limits.h>
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
#include "memscope/pool.h"
#include "memscope/task.h"
#include "memscope/xmalloc.h"

#include "../src/core/model_internal.h"
#include "model_fd.h"

/* What a pass gives: loss, squared error per layer, gradient, predictions. */
struct dense_run {
	double loss, mse[2], *grad, *pred;
};

/* d 12 (13 columns), n 40, 2 layers of 2 heads, B 5 tasks. */
static struct ms_config
dense_config(enum ms_param p, enum ms_memory mem)
{
	struct ms_config c = model_fd_config(p, mem, 2);

	c.dim = 12;
	c.context = 40;
	c.batch = 5;
	return c;
}

/* A pass of m on tb with products placed as `g` says. */
static void
dense_pass(struct model *m, const struct task_batch *tb, struct pool *pool,
    struct model_dense_gemm g, struct dense_run *out)
{
	struct model_dense_gemm keep = model_dense_gemm;

	model_dense_gemm = g;
	out->loss = model_loss_grad(m, tb, pool);
	out->grad = xdoubles(m->nparams);
	memcpy(out->grad, m->grads, m->nparams * sizeof *out->grad);
	model_evaluate(m, tb, pool, out->mse);
	out->pred = xdoubles((size_t)tb->B);
	model_predict(m, tb, pool, out->pred);
	model_dense_gemm = keep;
}

static void
dense_run_free(struct dense_run *r)
{
	free(r->grad);
	free(r->pred);
}

/* |a − b| ≤ tol |b|, entry by entry of the loss and mse, and over the
 * gradient against its largest entry. */
static void
dense_close(const struct dense_run *a, const struct dense_run *b, size_t np,
    double tol)
{
	double gmax = 0.0, worst = 0.0;

	assert_true(fabs(a->loss - b->loss) <= tol * fabs(b->loss));
	for (int l = 0; l < 2; l++)
		assert_true(fabs(a->mse[l] - b->mse[l]) <= tol * b->mse[l]);
	for (size_t i = 0; i < np; i++) {
		double e = fabs(a->grad[i] - b->grad[i]);

		gmax = fmax(gmax, fabs(b->grad[i]));
		worst = fmax(worst, e);
	}
	assert_true(gmax > 1e-6);
	if (worst > tol * gmax)
		print_error("gradient off by %.3g of its largest entry %.3g\n",
		    worst / gmax, gmax);
	assert_true(worst <= tol * gmax);
}

/* Cut into many BLAS calls (every product, parts of ≤ 1000 multiply-adds:
 * the 13-column reductions along k, the tall products along rows) against
 * plain loops. */
static void
test_blas_parts_match_loops(void **state)
{
	static const struct model_dense_gemm loops = { LONG_MAX, LONG_MAX };
	static const struct model_dense_gemm parts = { 1, 1000 };
	static const struct model_dense_gemm whole = { 1, LONG_MAX };

	(void)state;
	for (int mem = MS_MEMORY_NONE; mem <= MS_MEMORY_REC; mem++) {
		for (int p = MS_PARAM_GDPP; p <= MS_PARAM_FULL; p++) {
			struct ms_config c = dense_config(p, mem);
			struct task_dist dist;
			struct task_batch tb;
			struct model m;
			struct dense_run ref, cut, one;

			model_fd_batch(&tb, &dist, &c, 3);
			model_init(&m, &c);
			assert_int_equal(m.path, MODEL_PATH_DENSE);
			model_fd_params(&m, 5 + (uint64_t)mem);
			dense_pass(&m, &tb, NULL, loops, &ref);
			dense_pass(&m, &tb, NULL, parts, &cut);
			dense_pass(&m, &tb, NULL, whole, &one);
			assert_int_equal(m.work->kernel, KERNEL_DENSE_TASK);
			dense_close(&cut, &ref, m.nparams, 1e-12);
			dense_close(&one, &ref, m.nparams, 1e-12);
			for (int b = 0; b < tb.B; b++)
				assert_true(fabs(cut.pred[b] - ref.pred[b]) <=
				    1e-12 * fabs(ref.pred[b]));
			dense_run_free(&ref);
			dense_run_free(&cut);
			dense_run_free(&one);
			model_free(&m);
			task_batch_free(&tb);
			task_dist_free(&dist);
		}
	}
}

/* In parts: the same bits on 1 and 2 threads (5 tasks: 5 shards), and a
 * task's prediction the same bits in a batch of 5 as in the first 3. */
static void
test_blas_parts_threads_and_batch(void **state)
{
	static const struct model_dense_gemm parts = { 1, 1000 };
	struct ms_config c = dense_config(MS_PARAM_FULL, MS_MEMORY_LFOM);
	struct pool *pool = pool_create(2);
	struct task_dist dist;
	struct task_batch tb, first;
	struct model m;
	struct dense_run r1, r2, r3;

	(void)state;
	model_fd_batch(&tb, &dist, &c, 4);
	model_init(&m, &c);
	model_fd_params(&m, 9);
	dense_pass(&m, &tb, NULL, parts, &r1);
	dense_pass(&m, &tb, pool, parts, &r2);
	assert_memory_equal(&r1.loss, &r2.loss, sizeof r1.loss);
	assert_memory_equal(r1.mse, r2.mse, sizeof r1.mse);
	assert_memory_equal(r1.grad, r2.grad, m.nparams * sizeof *r1.grad);
	assert_memory_equal(r1.pred, r2.pred, (size_t)tb.B * sizeof *r1.pred);
	first = tb;
	first.B = 3;
	dense_pass(&m, &first, pool, parts, &r3);
	assert_memory_equal(r1.pred, r3.pred, 3 * sizeof *r1.pred);
	dense_run_free(&r1);
	dense_run_free(&r2);
	dense_run_free(&r3);
	model_free(&m);
	task_batch_free(&tb);
	task_dist_free(&dist);
	pool_free(pool);
}

/* Finite differences at d 9 (n 4, B 10, 2 heads) with 1 and 3 layers: the
 * last layer alone (no dL/dZ below it) and a middle layer between first and
 * last. Parameters at 0.3 times model_fd_params': an O(1) loss. */
static void
test_layers_match_finite_differences(void **state)
{
	(void)state;
	for (int layers = 1; layers <= 3; layers += 2) {
		for (int mem = MS_MEMORY_NONE; mem <= MS_MEMORY_REC; mem++) {
			struct ms_config c = model_fd_config(MS_PARAM_FULL, mem,
			    2);
			struct task_dist dist;
			struct task_batch tb;
			struct model m;
			char what[48];

			c.dim = 9;
			c.layers = layers;
			c.batch = 10;	/* > MODEL_SHARDS_TASK: shards of 2 */
			model_fd_batch(&tb, &dist, &c, 6);
			model_init(&m, &c);
			model_fd_params(&m, 13 + (uint64_t)mem);
			for (size_t i = 0; i < m.nparams; i++)
				m.params[i] *= 0.3;
			snprintf(what, sizeof what, "L%d memory %d", layers,
			    mem);
			assert_true(model_fd_check(&m, &tb, what) < 1e-6);
			model_free(&m);
			task_batch_free(&tb);
			task_dist_free(&dist);
		}
	}
}

/* pre at d 9: the dense path's trace (the last layer computes S in its
 * label column only) against the label path's, every token and layer. */
static void
test_last_layer_trace_matches_label_path(void **state)
{
	(void)state;
	for (int mem = MS_MEMORY_NONE; mem <= MS_MEMORY_REC; mem++) {
		struct ms_config c = model_fd_config(MS_PARAM_PRE, mem, 2);
		struct task_dist dist;
		struct task_batch tb;
		struct model m;
		double lab[2][4 * 7], reg[2][3 * 7];

		c.dim = 9;
		c.context = 6;
		c.layers = 3;
		c.batch = 4;
		model_fd_batch(&tb, &dist, &c, 6);
		model_init(&m, &c);
		model_fd_params(&m, 13);
		for (size_t i = 0; i < m.nparams; i++)
			m.params[i] *= 0.3;
		assert_int_equal(m.path, MODEL_PATH_LABEL);
		model_trace_task(&m, &tb, 2, lab[0], reg[0]);
		model_set_path(&m, MODEL_PATH_DENSE);
		model_trace_task(&m, &tb, 2, lab[1], reg[1]);
		for (int i = 0; i < 4 * 7; i++)
			assert_true(fabs(lab[1][i] - lab[0][i]) <=
			    1e-10 * (1.0 + fabs(lab[0][i])));
		for (int i = 0; i < 3 * 7; i++)
			assert_true(fabs(reg[1][i] - reg[0][i]) <=
			    1e-10 * (1.0 + fabs(reg[0][i])));
		model_free(&m);
		task_batch_free(&tb);
		task_dist_free(&dist);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blas_parts_match_loops),
		cmocka_unit_test(test_blas_parts_threads_and_batch),
		cmocka_unit_test(test_layers_match_finite_differences),
		cmocka_unit_test(test_last_layer_trace_matches_label_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
