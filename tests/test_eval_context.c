/*
 * Tests of a model tested at another number of context points
 * (model_set_context, used by `eval --context` and `step --context`):
 * the one-layer optimum A* = cΣ⁻¹, c = n/(n+d+1), fitted at n = 20 and
 * tested at M points has MSE = d[c²(M+d+1)/M − 2c + 1] (doc/math.md §8),
 * checked by Monte Carlo through model_evaluate; and the refusal of a
 * model whose parameters have one entry per token (lfom).
 */
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "memscope/model.h"
#include "memscope/task.h"

enum { D = 5, N = 20 };

/* The defaults for a one-layer model of memory `mem` at d = 5, n = 20 on
 * paper data. */
static struct ms_config
ctx_config(enum ms_memory mem)
{
	struct ms_config cfg;

	config_defaults(&cfg);
	cfg.dim = D;
	cfg.context = N;
	cfg.layers = 1;
	cfg.heads = 1;
	cfg.param = MS_PARAM_PRE;
	cfg.memory = mem;
	cfg.data = MS_DATA_PAPER;
	cfg.wstar = MS_WSTAR_INVSIGMA;
	cfg.seed = 21;
	return cfg;
}

/* The closed form at M points. */
static double
ctx_formula(int M)
{
	double c = (double)N / (N + D + 1);

	return D * (c * c * (M + D + 1.0) / M - 2.0 * c + 1.0);
}

/* A* at n = 20, rebuilt for M = 5, 10, 20, 40, 80 in turn: model_evaluate's
 * error on B fresh tasks of M points within 4 standard errors of the
 * formula (ln 1.339, 0.714, 0.143, −0.342, −0.717). */
static void
test_context_optimum(void **state)
{
	enum { B = 20000 };
	static const int Ms[] = { 5, 10, 20, 40, 80 };
	static const double lnref[] = { 1.339, 0.714, 0.143, -0.342, -0.717 };
	struct ms_config cfg = ctx_config(MS_MEMORY_NONE);
	struct task_dist dist;
	struct model m;
	char err[256] = "";
	double Sinv[D * D], *A, c = (double)N / (N + D + 1);
	double *pred = malloc(sizeof *pred * B);

	(void)state;
	assert_int_equal(task_dist_init(&dist, &cfg, err, sizeof err), 0);
	task_dist_sigma_inv(&dist, Sinv);
	model_init(&m, &cfg);
	A = model_param(&m, "A", 0, 0);
	assert_non_null(A);
	for (int i = 0; i < D * D; i++)
		A[i] = c * Sinv[i];
	for (size_t j = 0; j < sizeof Ms / sizeof Ms[0]; j++) {
		struct task_batch tb;
		struct rng r;
		double mse, sum = 0.0, sum2 = 0.0, mean, se, f = ctx_formula(Ms[j]);

		assert_int_equal(model_set_context(&m, Ms[j], err, sizeof err),
		    0);
		assert_int_equal(m.n, Ms[j]);
		A = model_param(&m, "A", 0, 0);
		for (int i = 0; i < D * D; i++)
			assert_true(A[i] == c * Sinv[i]);
		assert_true(fabs(log(f) - lnref[j]) < 5e-4);

		task_batch_alloc(&tb, B, Ms[j], D);
		rng_seed(&r, 100 + j, 2);
		task_batch_sample(&tb, &dist, &r);
		model_evaluate(&m, &tb, NULL, &mse);
		model_predict(&m, &tb, NULL, pred);
		for (int b = 0; b < B; b++) {
			double e = pred[b] - tb.y[(size_t)b * (Ms[j] + 1) +
			    Ms[j]];

			sum += e * e;
			sum2 += e * e * e * e;
		}
		mean = sum / B;
		se = sqrt((sum2 / B - mean * mean) / (B - 1));
		assert_true(fabs(mse - mean) <= 1e-12 * mean);
		assert_true(se < 0.03 * f);	/* the test has power */
		print_message("M = %d: Monte Carlo ln %.3f (mse %.4f +- "
		    "%.4f), formula ln %.3f\n", Ms[j], log(mse), mse, se,
		    log(f));
		if (!(fabs(mse - f) <= 4.0 * se))
			fail_msg("M = %d: Monte Carlo %.4f +- %.4f (ln %.3f), "
			    "formula %.4f (ln %.3f)", Ms[j], mse, se, log(mse),
			    f, log(f));
		task_batch_free(&tb);
	}
	free(pred);
	model_free(&m);
	task_dist_free(&dist);
}

/* lfom's Γ has a column per token: refused, the model untouched; cgd's
 * scalars do not depend on n: rebuilt with the same values. */
static void
test_context_refusal(void **state)
{
	struct ms_config cfg = ctx_config(MS_MEMORY_LFOM);
	struct model m;
	struct rng r;
	char err[256] = "";
	double *params, first;
	atomic_int cancel = 0;

	(void)state;
	cfg.layers = 2;
	model_init(&m, &cfg);
	rng_seed(&r, 3, 0);
	model_init_params(&m, &r);
	params = m.params;
	first = params[0];
	assert_int_equal(model_set_context(&m, 10, err, sizeof err), -1);
	assert_non_null(strstr(err, "Gamma"));
	assert_non_null(strstr(err, "per token"));
	assert_true(m.params == params && m.params[0] == first);
	assert_int_equal(m.n, N);
	/* the same n is no change, even for lfom */
	assert_int_equal(model_set_context(&m, N, err, sizeof err), 0);
	model_free(&m);

	cfg.memory = MS_MEMORY_CGD;
	model_init(&m, &cfg);
	model_init_params(&m, &r);
	*model_param(&m, "gamma", 1, -1) = 0.25;
	first = m.params[0];
	/* a forced path and the cancel flag survive the rebuild */
	model_set_path(&m, MODEL_PATH_DENSE);
	assert_int_equal(m.path, MODEL_PATH_DENSE);
	m.cancel = &cancel;
	assert_int_equal(model_set_context(&m, 7, err, sizeof err), 0);
	assert_int_equal(m.n, 7);
	assert_true(m.params[0] == first);
	assert_true(*model_param(&m, "gamma", 1, -1) == 0.25);
	assert_int_equal(m.path, MODEL_PATH_DENSE);
	assert_ptr_equal(m.cancel, &cancel);
	model_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_context_optimum),
		cmocka_unit_test(test_context_refusal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
