/* Tests of the task sampler: rotation, spectra, covariances, labels, determinism. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "memscope/task.h"
#include "memscope/xmalloc.h"

/* A configuration filled field by field (independent of config_defaults). */
static struct ms_config
test_config(int dim, enum ms_data data, double kappa, uint64_t seed)
{
	struct ms_config cfg;

	memset(&cfg, 0, sizeof cfg);
	cfg.dim = dim;
	cfg.context = 20;
	cfg.layers = 3;
	cfg.heads = 1;
	cfg.data = data;
	cfg.kappa = kappa;
	cfg.wstar = MS_WSTAR_INVSIGMA;
	cfg.batch = 1000;
	cfg.test_batch = 1000;
	cfg.seed = seed;
	cfg.runs = 1;
	cfg.threads = 1;
	return cfg;
}

static void
test_dist_or_fail(struct task_dist *dist, const struct ms_config *cfg)
{
	char err[256] = "";

	if (task_dist_init(dist, cfg, err, sizeof err) != 0)
		fail_msg("task_dist_init: %s", err);
}

/* UᵀU = I to 1e-12 for several dimensions and seeds. */
static void
test_task_rotation_orthogonal(void **state)
{
	static const int dims[] = { 1, 2, 5, 12, 40 };

	(void)state;
	for (size_t t = 0; t < sizeof dims / sizeof dims[0]; t++) {
		for (uint64_t seed = 0; seed < 3; seed++) {
			struct ms_config cfg = test_config(dims[t],
			    MS_DATA_ISO, 0, seed);
			struct task_dist dist;
			int d = dims[t];

			test_dist_or_fail(&dist, &cfg);
			for (int i = 0; i < d; i++)
				for (int j = 0; j < d; j++) {
					double s = 0.0;

					for (int k = 0; k < d; k++)
						s += dist.U[k * d + i] *
						    dist.U[k * d + j];
					assert_true(fabs(s - (i == j)) < 1e-12);
				}
			task_dist_free(&dist);
		}
	}
}

/*
 * Haar: over many seeds, U₀₀ has mean 0 (the sign fix is not biased) and
 * U₀₀² has mean 1/d, U₀₀² ~ Beta(1/2, (d−1)/2).
 */
static void
test_task_rotation_haar(void **state)
{
	enum { S = 4000, d = 4 };
	double s1 = 0.0, s2 = 0.0, s1_last = 0.0;

	(void)state;
	for (uint64_t seed = 0; seed < S; seed++) {
		struct ms_config cfg = test_config(d, MS_DATA_ISO, 0, seed);
		struct task_dist dist;

		test_dist_or_fail(&dist, &cfg);
		s1 += dist.U[0];
		s2 += dist.U[0] * dist.U[0];
		s1_last += dist.U[d * d - 1];
		task_dist_free(&dist);
	}
	/* var U₀₀ = 1/d; var U₀₀² = (1/2)(3/2) / (2² · 3) = 1/16 */
	assert_true(fabs(s1 / S) < 5.0 * sqrt(1.0 / d / S));
	assert_true(fabs(s1_last / S) < 5.0 * sqrt(1.0 / d / S));
	assert_true(fabs(s2 / S - 1.0 / d) < 5.0 * sqrt(1.0 / 16.0 / S));
}

/* Σ Σ⁻¹ = I, Σ = U D² Uᵀ, and the spectra of iso and paper. */
static void
test_task_sigma(void **state)
{
	struct ms_config cfg = test_config(5, MS_DATA_PAPER, 0, 11);
	static const double paper_eig[5] = { 1, 1, 0.25, 0.0625, 1 };
	struct task_dist dist;
	double S[25], Si[25];

	(void)state;
	test_dist_or_fail(&dist, &cfg);
	for (int k = 0; k < 5; k++)
		assert_true(dist.D[k] * dist.D[k] == paper_eig[k]);
	task_dist_sigma(&dist, S);
	task_dist_sigma_inv(&dist, Si);
	for (int i = 0; i < 5; i++)
		for (int j = 0; j < 5; j++) {
			double p = 0.0, q = 0.0;

			for (int k = 0; k < 5; k++) {
				p += S[i * 5 + k] * Si[k * 5 + j];
				q += dist.U[i * 5 + k] * paper_eig[k] *
				    dist.U[j * 5 + k];
			}
			assert_true(fabs(p - (i == j)) < 1e-12);
			assert_true(fabs(q - S[i * 5 + j]) < 1e-14);
			assert_true(S[i * 5 + j] == S[j * 5 + i]);
		}
	task_dist_free(&dist);

	cfg = test_config(7, MS_DATA_ISO, 0, 11);
	test_dist_or_fail(&dist, &cfg);
	for (int k = 0; k < 7; k++)
		assert_true(dist.D[k] == 1.0);
	task_dist_free(&dist);
}

/* paper with d ≠ 5 fails with a message naming the option and the dimension. */
static void
test_task_paper_needs_dim5(void **state)
{
	struct ms_config cfg = test_config(7, MS_DATA_PAPER, 0, 1);
	struct task_dist dist;
	char err[256] = "";

	(void)state;
	assert_int_equal(task_dist_init(&dist, &cfg, err, sizeof err), -1);
	assert_non_null(strstr(err, "--data paper"));
	assert_non_null(strstr(err, "--dim 5"));
	assert_non_null(strstr(err, "--dim 7"));
	assert_null(dist.U);

	/* kappa with d = 1 and a kappa below 1 are errors too */
	cfg = test_config(1, MS_DATA_KAPPA, 10, 1);
	err[0] = '\0';
	assert_int_equal(task_dist_init(&dist, &cfg, err, sizeof err), -1);
	assert_true(strlen(err) > 0);
	cfg = test_config(4, MS_DATA_KAPPA, 0.5, 1);
	err[0] = '\0';
	assert_int_equal(task_dist_init(&dist, &cfg, err, sizeof err), -1);
	assert_true(strlen(err) > 0);
}

/* kappa:K: eigenvalues geometric from 1 to 1/K; UᵀΣU = diag(λ). */
static void
test_task_kappa_spectrum(void **state)
{
	static const double kappas[] = { 1, 16, 100, 1e6 };
	enum { d = 6 };

	(void)state;
	for (size_t t = 0; t < sizeof kappas / sizeof kappas[0]; t++) {
		double K = kappas[t];
		struct ms_config cfg = test_config(d, MS_DATA_KAPPA, K, 3);
		struct task_dist dist;
		double S[d * d], lmax = 0.0, lmin = INFINITY;

		test_dist_or_fail(&dist, &cfg);
		task_dist_sigma(&dist, S);
		for (int e = 0; e < d; e++) {
			double lam = 0.0;	/* u_eᵀ Σ u_e */

			for (int i = 0; i < d; i++)
				for (int j = 0; j < d; j++)
					lam += dist.U[i * d + e] *
					    S[i * d + j] * dist.U[j * d + e];
			assert_true(fabs(lam - pow(K, -(double)e / (d - 1))) <
			    1e-13);
			lmax = fmax(lmax, lam);
			lmin = fmin(lmin, lam);
		}
		assert_true(fabs(lmax - 1.0) < 1e-13);
		assert_true(fabs(lmax / lmin / K - 1.0) < 1e-9);
		task_dist_free(&dist);
	}
}

/* set_spectrum keeps U and changes D; a dimension mismatch is an error. */
static void
test_task_set_spectrum(void **state)
{
	struct ms_config cfg = test_config(5, MS_DATA_ISO, 0, 8);
	struct task_dist dist;
	double U0[25];
	char err[256] = "";

	(void)state;
	test_dist_or_fail(&dist, &cfg);
	memcpy(U0, dist.U, sizeof U0);
	cfg.data = MS_DATA_PAPER;
	cfg.wstar = MS_WSTAR_IDENTITY;
	assert_int_equal(task_dist_set_spectrum(&dist, &cfg, err, sizeof err),
	    0);
	assert_memory_equal(U0, dist.U, sizeof U0);
	assert_true(dist.D[3] == 0.25);
	assert_int_equal(dist.wstar, MS_WSTAR_IDENTITY);
	cfg.data = MS_DATA_KAPPA;
	cfg.kappa = 100;
	assert_int_equal(task_dist_set_spectrum(&dist, &cfg, err, sizeof err),
	    0);
	assert_memory_equal(U0, dist.U, sizeof U0);
	assert_true(fabs(dist.D[4] - 0.1) < 1e-15);
	cfg.dim = 6;
	assert_int_equal(task_dist_set_spectrum(&dist, &cfg, err, sizeof err),
	    -1);
	assert_true(strlen(err) > 0);
	task_dist_free(&dist);
}

/*
 * Entries of the empirical covariance of the N rows of V (N, d) further than
 * 6 standard errors from C (d, d); var(v_i v_j) = C_ii C_jj + C_ij² for a
 * Gaussian.
 */
static int
test_cov_outliers(const double *V, size_t N, int d, const double *C)
{
	int bad = 0;

	for (int i = 0; i < d; i++)
		for (int j = 0; j < d; j++) {
			double s = 0.0, se;

			for (size_t t = 0; t < N; t++)
				s += V[t * d + i] * V[t * d + j];
			s /= (double)N;
			se = sqrt((C[i * d + i] * C[j * d + j] +
			    C[i * d + j] * C[i * d + j]) / (double)N);
			if (!(fabs(s - C[i * d + j]) < 6.0 * se))
				bad++;
		}
	return bad;
}

/* x ~ N(0, Σ) and, by default, w* ~ N(0, Σ⁻¹); with the option w* ~ N(0, I). */
static void
test_task_covariances(void **state)
{
	enum { B = 20000, n = 10, d = 5 };
	struct ms_config cfg = test_config(d, MS_DATA_PAPER, 0, 21);
	struct task_dist dist;
	struct task_batch tb;
	struct rng r;
	double S[d * d], Si[d * d], I[d * d];

	(void)state;
	test_dist_or_fail(&dist, &cfg);
	task_dist_sigma(&dist, S);
	task_dist_sigma_inv(&dist, Si);
	task_batch_alloc(&tb, B, n, d);
	rng_seed(&r, 21, RNG_STREAM_TRAIN);
	task_batch_sample(&tb, &dist, &r);
	assert_int_equal(test_cov_outliers(tb.X, (size_t)B * (n + 1), d, S), 0);
	assert_int_equal(test_cov_outliers(tb.w, B, d, Si), 0);
	/* the check can tell: w* is not N(0, Σ), x is not N(0, Σ⁻¹) */
	assert_true(test_cov_outliers(tb.w, B, d, S) > 0);
	assert_true(test_cov_outliers(tb.X, (size_t)B * (n + 1), d, Si) > 0);

	dist.wstar = MS_WSTAR_IDENTITY;
	for (int i = 0; i < d * d; i++)
		I[i] = (i % (d + 1)) == 0;
	task_batch_sample(&tb, &dist, &r);
	assert_int_equal(test_cov_outliers(tb.w, B, d, I), 0);
	assert_int_equal(test_cov_outliers(tb.X, (size_t)B * (n + 1), d, S), 0);
	assert_true(test_cov_outliers(tb.w, B, d, Si) > 0);
	task_batch_free(&tb);
	task_dist_free(&dist);
}

/* Every label, the query's included, is exactly ⟨w*, x⟩. */
static void
test_task_labels(void **state)
{
	enum { B = 50, n = 20, d = 5 };
	struct ms_config cfg = test_config(d, MS_DATA_PAPER, 0, 4);
	struct task_dist dist;
	struct task_batch tb;
	struct rng r;

	(void)state;
	test_dist_or_fail(&dist, &cfg);
	task_batch_alloc(&tb, B, n, d);
	assert_int_equal(tb.B, B);
	assert_int_equal(tb.n, n);
	assert_int_equal(tb.d, d);
	rng_seed(&r, 4, RNG_STREAM_TEST);
	task_batch_sample(&tb, &dist, &r);
	for (int b = 0; b < B; b++)
		for (int i = 0; i <= n; i++) {
			const double *x = tb.X + ((size_t)b * (n + 1) + i) * d;
			const double *w = tb.w + (size_t)b * d;
			double dot = 0.0;

			for (int k = 0; k < d; k++)
				dot += w[k] * x[k];
			assert_true(dot == tb.y[(size_t)b * (n + 1) + i]);
			assert_true(dot != 0.0);
		}
	task_batch_free(&tb);
	task_dist_free(&dist);
}

/* Same seed and stream ⇒ identical bytes; another seed or stream ⇒ different. */
static void
test_task_deterministic(void **state)
{
	enum { B = 64, n = 20, d = 5 };
	struct ms_config cfg = test_config(d, MS_DATA_PAPER, 0, 77);
	struct task_dist d1, d2, d3;
	struct task_batch a, b, c;
	struct rng r;

	(void)state;
	test_dist_or_fail(&d1, &cfg);
	test_dist_or_fail(&d2, &cfg);
	cfg.seed = 78;
	test_dist_or_fail(&d3, &cfg);
	assert_memory_equal(d1.U, d2.U, sizeof(double) * d * d);
	assert_memory_not_equal(d1.U, d3.U, sizeof(double) * d * d);

	task_batch_alloc(&a, B, n, d);
	task_batch_alloc(&b, B, n, d);
	task_batch_alloc(&c, B, n, d);
	rng_seed(&r, 77, RNG_STREAM_TRAIN);
	task_batch_sample(&a, &d1, &r);
	rng_seed(&r, 77, RNG_STREAM_TRAIN);
	task_batch_sample(&b, &d2, &r);
	rng_seed(&r, 77, RNG_STREAM_TEST);
	task_batch_sample(&c, &d1, &r);
	assert_memory_equal(a.X, b.X, sizeof(double) * B * (n + 1) * d);
	assert_memory_equal(a.y, b.y, sizeof(double) * B * (n + 1));
	assert_memory_equal(a.w, b.w, sizeof(double) * B * d);
	assert_memory_not_equal(a.X, c.X, sizeof(double) * B * (n + 1) * d);
	assert_memory_not_equal(a.w, c.w, sizeof(double) * B * d);
	task_batch_free(&a);
	task_batch_free(&b);
	task_batch_free(&c);
	task_dist_free(&d1);
	task_dist_free(&d2);
	task_dist_free(&d3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_task_rotation_orthogonal),
		cmocka_unit_test(test_task_rotation_haar),
		cmocka_unit_test(test_task_sigma),
		cmocka_unit_test(test_task_paper_needs_dim5),
		cmocka_unit_test(test_task_kappa_spectrum),
		cmocka_unit_test(test_task_set_spectrum),
		cmocka_unit_test(test_task_covariances),
		cmocka_unit_test(test_task_labels),
		cmocka_unit_test(test_task_deterministic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
