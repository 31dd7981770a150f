/*
 * Tests of the Newton–Schulz baseline (doc/math.md §6): the residual
 * identity I − M_{k+1}S = (I − M_kS)² of one step, quadratic convergence
 * to w*, agreement with a direct re-implementation from the tokens, and
 * iteration 0 (w = 0, err = y_q²).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "memscope/baselines.h"

enum { D = 5, N = 20 };

/* The defaults with data `data` and seed `seed`; tasks of stream 3. */
static void
ns_sample(enum ms_data data, uint64_t seed, int B, struct ms_config *cfg,
    struct task_dist *dist, struct task_batch *tb)
{
	char err[256] = "";
	struct rng r;

	config_defaults(cfg);
	cfg->dim = D;
	cfg->context = N;
	cfg->data = data;
	cfg->seed = seed;
	if (task_dist_init(dist, cfg, err, sizeof err) != 0)
		fail_msg("task_dist_init: %s", err);
	task_batch_alloc(tb, B, N, D);
	rng_seed(&r, seed, 3);
	task_batch_sample(tb, dist, &r);
}

/* S = Σ_{j<m} x_j x_jᵀ and b = Σ_{j<m} y_j x_j of task t. */
static void
ns_quadratic(const struct task_batch *tb, int t, int m, double *S, double *b)
{
	const double *X = tb->X + (size_t)t * (tb->n + 1) * D;
	const double *y = tb->y + (size_t)t * (tb->n + 1);

	memset(S, 0, sizeof(double) * D * D);
	memset(b, 0, sizeof(double) * D);
	for (int j = 0; j < m; j++)
		for (int r = 0; r < D; r++) {
			b[r] += y[j] * X[j * D + r];
			for (int c = 0; c < D; c++)
				S[r * D + c] += X[j * D + r] * X[j * D + c];
		}
}

/* C = A B, (D, D). */
static void
ns_mul(const double *A, const double *B, double *C)
{
	for (int r = 0; r < D; r++)
		for (int c = 0; c < D; c++) {
			C[r * D + c] = 0.0;
			for (int j = 0; j < D; j++)
				C[r * D + c] += A[r * D + j] * B[j * D + c];
		}
}

/* R = I − M S. */
static void
ns_residual(const double *M, const double *S, double *R)
{
	ns_mul(M, S, R);
	for (int i = 0; i < D * D; i++)
		R[i] = (i % (D + 1) == 0 ? 1.0 : 0.0) - R[i];
}

/* One step on any M (not only a polynomial in S): the residual squares. */
static void
test_ns_residual_identity(void **state)
{
	struct ms_config cfg;
	struct task_dist dist;
	struct task_batch tb;
	double S[D * D], b[D], M[D * D], T[D * D], Wk[D * D];
	double R0[D * D], R0sq[D * D], R1[D * D];

	(void)state;
	ns_sample(MS_DATA_PAPER, 11, 4, &cfg, &dist, &tb);
	for (int t = 0; t < 4; t++) {
		double scale = 0.0;

		ns_quadratic(&tb, t, N, S, b);
		/* M: S / tr(S)² plus an unsymmetric perturbation */
		for (int i = 0; i < D * D; i++) {
			double tr = 0.0;

			for (int k = 0; k < D; k++)
				tr += S[k * D + k];
			M[i] = S[i] / (tr * tr) + 1e-3 * sin(1.0 + i * (t + 2));
		}
		ns_residual(M, S, R0);
		ns_mul(R0, R0, R0sq);
		baseline_ns_step(S, M, T, Wk, D);
		ns_residual(M, S, R1);
		for (int i = 0; i < D * D; i++)
			scale = fmax(scale, fabs(R0sq[i]) + 1.0);
		for (int i = 0; i < D * D; i++)
			if (!(fabs(R1[i] - R0sq[i]) <= 1e-13 * scale))
				fail_msg("task %d entry %d: I - M'S = %.17g, "
				    "(I - MS)^2 = %.17g", t, i, R1[i], R0sq[i]);
	}
	task_batch_free(&tb);
	task_dist_free(&dist);
}

/* The same identity at d = 40, where the products go to dgemm, from the
 * start M_0 = S/λ_max² (then I − M_0S has eigenvalues 1 − λ²/λ_max² in
 * [0, 1): its trace is below d). */
static void
test_ns_residual_identity_blas(void **state)
{
	enum { d = 40, m = 60 };
	double *X = malloc(sizeof(double) * m * d);
	double *S = calloc((size_t)d * d, sizeof(double));
	double *M = malloc(sizeof(double) * d * d);
	double *T = malloc(sizeof(double) * d * d);
	double *Wk = malloc(sizeof(double) * d * d);
	double *R0 = malloc(sizeof(double) * d * d);
	double *R1 = malloc(sizeof(double) * d * d);
	double A[d * d], eig[d], work[3 * d], tr = 0.0;

	(void)state;
	for (int i = 0; i < m * d; i++)
		X[i] = sin(0.7 * i + 0.3) + 0.5 * cos(1.3 * i * i);
	for (int j = 0; j < m; j++)
		for (int r = 0; r < d; r++)
			for (int c = 0; c < d; c++)
				S[r * d + c] += X[j * d + r] * X[j * d + c];
	baseline_ns_start(S, d, M, A, eig, work);
	for (int step = 0; step < 3; step++) {
		/* R = I − M S, by loops */
		for (int r = 0; r < d; r++)
			for (int c = 0; c < d; c++) {
				double sum = 0.0;

				for (int j = 0; j < d; j++)
					sum += M[r * d + j] * S[j * d + c];
				R0[r * d + c] = (r == c) - sum;
			}
		if (step == 0) {
			for (int i = 0; i < d; i++)
				tr += R0[i * d + i];
			assert_true(tr > 0.0 && tr < d);
		}
		baseline_ns_step(S, M, T, Wk, d);
		for (int r = 0; r < d; r++)
			for (int c = 0; c < d; c++) {
				double sum = 0.0, sq = 0.0;

				for (int j = 0; j < d; j++) {
					sum += M[r * d + j] * S[j * d + c];
					sq += R0[r * d + j] * R0[j * d + c];
				}
				R1[r * d + c] = (r == c) - sum;
				if (!(fabs(R1[r * d + c] - sq) <= 1e-10))
					fail_msg("step %d (%d, %d): %.17g, "
					    "%.17g", step, r, c, R1[r * d + c],
					    sq);
			}
	}
	free(X);
	free(S);
	free(M);
	free(T);
	free(Wk);
	free(R0);
	free(R1);
}

/* Once the distance to w* is small it squares (up to a task's constant),
 * and it reaches round-off. */
static void
test_ns_quadratic(void **state)
{
	enum { T = 8, iters = 40 };
	struct ms_config cfg;
	struct task_dist dist;
	struct task_batch tb;
	struct baseline_params p = { .points = N };
	double err[iters + 1], W[(iters + 1) * D];

	(void)state;
	ns_sample(MS_DATA_PAPER, 12, T, &cfg, &dist, &tb);
	for (int t = 0; t < T; t++) {
		const double *ws = tb.w + (size_t)t * D;
		double rho[iters + 1], wn = 0.0;
		int squared = 0;

		baseline_task(BASELINE_NS, &p, tb.X + (size_t)t * (N + 1) * D,
		    tb.y + (size_t)t * (N + 1), N, D, iters, err, W, NULL,
		    NULL);
		for (int i = 0; i < D; i++)
			wn += ws[i] * ws[i];
		for (int k = 0; k <= iters; k++) {
			double e = 0.0;

			for (int i = 0; i < D; i++)
				e += (W[k * D + i] - ws[i]) * (W[k * D + i] -
				    ws[i]);
			rho[k] = sqrt(e / wn);	/* relative distance to w* */
		}
		assert_true(rho[iters] < 1e-10);
		for (int k = 0; k < iters; k++) {
			if (!(rho[k] < 1e-2 && rho[k + 1] > 1e-11))
				continue;
			if (!(rho[k + 1] <= 30.0 * rho[k] * rho[k]))
				fail_msg("task %d: rho[%d] = %g, rho[%d] = %g: "
				    "not squared", t, k, rho[k], k + 1,
				    rho[k + 1]);
			squared++;
		}
		/* the quadratic phase is seen, and it is short */
		assert_true(squared >= 1 && squared <= 4);
	}
	task_batch_free(&tb);
	task_dist_free(&dist);
}

/* λ_max(S) by 3000 power iterations from (1, …, 1), Rayleigh quotient. */
static double
ref_lambda_max(const double *S)
{
	double v[D], u[D], lambda = 0.0;

	for (int i = 0; i < D; i++)
		v[i] = 1.0 / sqrt((double)D);
	for (int it = 0; it < 3000; it++) {
		double nu = 0.0;

		lambda = 0.0;
		for (int r = 0; r < D; r++) {
			u[r] = 0.0;
			for (int c = 0; c < D; c++)
				u[r] += S[r * D + c] * v[c];
			lambda += v[r] * u[r];
			nu += u[r] * u[r];
		}
		for (int r = 0; r < D; r++)
			v[r] = u[r] / sqrt(nu);
	}
	return lambda;
}

/* Newton–Schulz from the tokens: M_0 = S/λ², M_{k+1} = M_k(2I − S M_k),
 * w_0 = 0, w_k = M_k X y; W (iters+1, D). */
static void
ref_ns(const struct task_batch *tb, int t, int m, int iters, double *W)
{
	double S[D * D], b[D], M[D * D], SM[D * D], Mn[D * D];
	double lambda;

	ns_quadratic(tb, t, m, S, b);
	lambda = ref_lambda_max(S);
	for (int i = 0; i < D * D; i++)
		M[i] = S[i] / (lambda * lambda);
	memset(W, 0, sizeof(double) * D);
	for (int k = 1; k <= iters; k++) {
		ns_mul(S, M, SM);
		for (int i = 0; i < D * D; i++)
			SM[i] = (i % (D + 1) == 0 ? 2.0 : 0.0) - SM[i];
		ns_mul(M, SM, Mn);
		memcpy(M, Mn, sizeof M);
		for (int r = 0; r < D; r++) {
			W[k * D + r] = 0.0;
			for (int c = 0; c < D; c++)
				W[k * D + r] += M[r * D + c] * b[c];
		}
	}
}

/* The iterates and errors equal the re-implementation's, with n and n − 1
 * points. */
static void
test_ns_matches_reference(void **state)
{
	enum { T = 5, iters = 30 };
	struct ms_config cfg;
	struct task_dist dist;
	struct task_batch tb;
	double err[iters + 1], W[(iters + 1) * D], Wref[(iters + 1) * D];

	(void)state;
	ns_sample(MS_DATA_PAPER, 13, T, &cfg, &dist, &tb);
	for (int m = N - 1; m <= N; m++) {
		struct baseline_params p = { .points = m };

		for (int t = 0; t < T; t++) {
			const double *X = tb.X + (size_t)t * (N + 1) * D;
			const double *y = tb.y + (size_t)t * (N + 1);
			double scale = 0.0;

			baseline_task(BASELINE_NS, &p, X, y, N, D, iters, err,
			    W, NULL, NULL);
			ref_ns(&tb, t, m, iters, Wref);
			for (int i = 0; i < (iters + 1) * D; i++)
				scale = fmax(scale, fabs(Wref[i]));
			for (int i = 0; i < (iters + 1) * D; i++)
				if (!(fabs(W[i] - Wref[i]) <= 1e-11 * scale))
					fail_msg("m %d task %d: w[%d] = %.17g, "
					    "reference %.17g", m, t, i, W[i],
					    Wref[i]);
			for (int k = 0; k <= iters; k++) {
				double e = 0.0;

				for (int i = 0; i < D; i++)
					e += X[N * D + i] * W[k * D + i];
				e -= y[N];
				assert_true(err[k] == e * e);
			}
		}
	}
	task_batch_free(&tb);
	task_dist_free(&dist);
}

/* k = 0 takes no step: err[0] = y_q², in baseline_task and in the table;
 * the table has the method last, named, with its cost. */
static void
test_ns_iteration0(void **state)
{
	enum { B = 40, iters = 3 };
	struct ms_config cfg;
	struct task_dist dist;
	struct task_batch tb;
	struct baseline_table table;
	struct baseline_params p = { .points = N };
	double err[iters + 1], mean = 0.0;

	(void)state;
	ns_sample(MS_DATA_ISO, 14, B, &cfg, &dist, &tb);
	for (int t = 0; t < B; t++) {
		double yq = tb.y[(size_t)t * (N + 1) + N];

		baseline_task(BASELINE_NS, &p, tb.X + (size_t)t * (N + 1) * D,
		    tb.y + (size_t)t * (N + 1), N, D, iters, err, NULL, NULL,
		    NULL);
		assert_true(err[0] == yq * yq);
		assert_true(err[1] != err[0]);
		mean += yq * yq;
	}
	mean /= B;
	cfg.test_batch = 20;
	baselines_evaluate(&cfg, &dist, &tb, iters, &table);
	assert_true(fabs(table.mse[BASELINE_NS][0] - mean) <= 1e-14 * mean);
	assert_true(table.mse[BASELINE_NS][iters] < table.mse[BASELINE_NS][1]);
	for (int k = 0; k <= iters; k++)
		assert_true(table.step[BASELINE_NS][k] == 0.0);
	assert_int_equal(BASELINE_NS, BASELINE_COUNT - 1);
	assert_string_equal(baseline_name(BASELINE_NS), "schulz");
	assert_non_null(baseline_cost(BASELINE_NS));
	assert_null(baseline_cost(BASELINE_GD));
	baseline_table_free(&table);
	task_batch_free(&tb);
	task_dist_free(&dist);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ns_residual_identity),
		cmocka_unit_test(test_ns_residual_identity_blas),
		cmocka_unit_test(test_ns_quadratic),
		cmocka_unit_test(test_ns_matches_reference),
		cmocka_unit_test(test_ns_iteration0),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
