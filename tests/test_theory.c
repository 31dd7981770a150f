/*
 * Tests of the theory reference lines (theory.h, doc/math.md §8): the Wishart
 * moments against their low-order closed forms and Monte Carlo; the one-layer
 * optimum (both priors) and the best a_l Σ⁻¹ schedule against Monte Carlo
 * through memscope's own model (a `pre` model holding those matrices, scored
 * by model_predict on a large batch from task_batch_sample); the schedule's
 * optimality; its L = 1 case equal to the one-layer optimum.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "memscope/model.h"
#include "memscope/rng.h"
#include "memscope/task.h"
#include "memscope/theory.h"
#include "memscope/xmalloc.h"

static const double paper_eig[5] = { 1, 1, 0.25, 0.0625, 1 };

/* A `pre` model of L layers, one head, memory none, on d 5, n 20 data. */
static struct ms_config
test_config(enum ms_data data, enum ms_wstar prior, int L)
{
	struct ms_config cfg;

	config_defaults(&cfg);	/* d 5, n 20, one head */
	assert_true(cfg.dim == 5 && cfg.context == 20 && cfg.heads == 1);
	cfg.layers = L;
	cfg.param = MS_PARAM_PRE;
	cfg.memory = MS_MEMORY_NONE;
	cfg.data = data;
	cfg.wstar = prior;
	return cfg;
}

/* Mean squared query error of m on B fresh tasks of dist, and its standard
 * error in *se. */
static double
test_mc_mse(struct model *m, const struct task_dist *dist, int B,
    uint64_t stream, double *se)
{
	struct task_batch tb;
	struct rng r;
	double *pred = xdoubles((size_t)B), s = 0, s2 = 0;
	int n = m->n;

	task_batch_alloc(&tb, B, n, dist->d);
	rng_seed(&r, 11, stream);
	task_batch_sample(&tb, dist, &r);
	model_predict(m, &tb, NULL, pred);
	for (int b = 0; b < B; b++) {
		double e = pred[b] - tb.y[(size_t)b * (n + 1) + n];

		s += e * e;
		s2 += e * e * e * e;
	}
	s /= B;
	*se = sqrt((s2 / B - s * s) / B);
	free(pred);
	task_batch_free(&tb);
	return s;
}

/* E tr S, E tr S² and E tr S³ against their closed forms (S = W/n). */
static void
test_moments_closed_forms(void **state)
{
	static const int dn[][2] = { { 5, 20 }, { 1, 1 }, { 3, 7 }, { 10, 4 } };
	double m[4];

	(void)state;
	for (size_t i = 0; i < sizeof dn / sizeof dn[0]; i++) {
		double d = dn[i][0], n = dn[i][1];

		theory_wishart_moments(dn[i][0], dn[i][1], 3, m);
		assert_float_equal(m[0], d, 0);
		assert_float_equal(m[1], d, 1e-13 * d);
		assert_float_equal(m[2], d * (n + d + 1) / n, 1e-13 * m[2]);
		assert_float_equal(m[3], d * (n * n + d * d + 3 * n * d + 3 * n +
		    3 * d + 4) / (n * n), 1e-13 * m[3]);
	}
}

/* E tr S^k, k ≤ 8, against the mean over 20000 draws of S. */
static void
test_moments_match_monte_carlo(void **state)
{
	enum { D = 5, N = 20, K = 8, DRAWS = 20000 };
	double m[K + 1], sum[K + 1] = { 0 }, sum2[K + 1] = { 0 };
	double S[D * D], P[D * D], T[D * D], u[D];
	struct rng r;

	(void)state;
	theory_wishart_moments(D, N, K, m);
	rng_seed(&r, 3, RNG_STREAM_USER);
	for (int t = 0; t < DRAWS; t++) {
		memset(S, 0, sizeof S);
		for (int j = 0; j < N; j++) {
			for (int i = 0; i < D; i++)
				u[i] = rng_normal(&r);
			for (int i = 0; i < D * D; i++)
				S[i] += u[i / D] * u[i % D] / N;
		}
		memcpy(P, S, sizeof S);
		for (int k = 1; k <= K; k++) {
			double tr = 0;

			for (int i = 0; i < D; i++)
				tr += P[i * D + i];
			sum[k] += tr;
			sum2[k] += tr * tr;
			for (int i = 0; i < D * D; i++) {	/* T = P S */
				T[i] = 0;
				for (int l = 0; l < D; l++)
					T[i] += P[(i / D) * D + l] * S[l * D + i % D];
			}
			memcpy(P, T, sizeof T);
		}
	}
	for (int k = 1; k <= K; k++) {
		double mean = sum[k] / DRAWS;
		double se = sqrt((sum2[k] / DRAWS - mean * mean) / DRAWS);

		if (fabs(mean - m[k]) > 4 * se)
			fail_msg("E tr S^%d: exact %.6g, Monte Carlo %.6g ± %.2g",
			    k, m[k], mean, se);
	}
}

/* A `pre` model whose layer l holds A_l (d, d each). */
static void
test_pre_model(struct model *m, const struct ms_config *cfg,
    const double *A)
{
	int d = cfg->dim;

	model_init(m, cfg);
	for (int l = 0; l < cfg->layers; l++)
		memcpy(model_param(m, "A", l, 0), A + (size_t)l * d * d,
		    (size_t)d * d * sizeof *A);
}

/* The model with A* scores the one-layer optimum, for either prior. */
static void
test_one_layer_matches_monte_carlo(void **state)
{
	static const enum ms_wstar prior[2] =
	    { MS_WSTAR_INVSIGMA, MS_WSTAR_IDENTITY };
	char err[256];

	(void)state;
	for (int p = 0; p < 2; p++) {
		struct ms_config cfg = test_config(MS_DATA_PAPER, prior[p], 1);
		struct task_dist dist;
		struct model m;
		double A[25], se, mc, exact;

		assert_int_equal(task_dist_init(&dist, &cfg, err, sizeof err), 0);
		theory_one_layer_matrix(&dist, cfg.context, A);
		test_pre_model(&m, &cfg, A);
		mc = test_mc_mse(&m, &dist, 60000, RNG_STREAM_USER + 1, &se);
		exact = theory_one_layer_mse(5, 20, paper_eig, prior[p]);
		if (fabs(mc - exact) > 4 * se)
			fail_msg("prior %d: one-layer optimum %.5f, Monte Carlo "
			    "%.5f ± %.5f", p, exact, mc, se);
		model_free(&m);
		task_dist_free(&dist);
	}
	/* at the optimum the cross term is all that is left: MSE* = d − Σ λ_i a_i
	 * (invsigma, whitened tr Ã) and T − Σ λ_i² a_i (identity) */
	for (int p = 0; p < 2; p++) {
		double a[5], left = 0;

		theory_one_layer_scales(5, 20, paper_eig, prior[p], a);
		for (int i = 0; i < 5; i++)
			left += p == 0 ? 1 - paper_eig[i] * a[i] :
			    paper_eig[i] * (1 - paper_eig[i] * a[i]);
		assert_float_equal(left, theory_one_layer_mse(5, 20,
		    paper_eig, prior[p]), 1e-12);
	}
	/* the values: ln 0.143 (invsigma), ln −0.383 (identity) */
	assert_float_equal(log(theory_one_layer_mse(5, 20, paper_eig,
	    MS_WSTAR_INVSIGMA)), log(30.0 / 26.0), 1e-12);
	assert_float_equal(log(theory_one_layer_mse(5, 20, paper_eig,
	    MS_WSTAR_IDENTITY)), -0.3831, 5e-4);
}

/* A* is a minimum: the model's exact error grows when A* is moved along
 * any of Σ's eigendirections (the error is quadratic in each a_i, so the
 * change from Monte Carlo on one common batch is free of sampling bias in
 * its sign). */
static void
test_one_layer_is_minimum(void **state)
{
	struct ms_config cfg = test_config(MS_DATA_PAPER, MS_WSTAR_IDENTITY, 1);
	struct task_dist dist;
	struct model m;
	char err[256];
	double A[25], a[5], se, base;

	(void)state;
	assert_int_equal(task_dist_init(&dist, &cfg, err, sizeof err), 0);
	theory_one_layer_matrix(&dist, cfg.context, A);
	theory_one_layer_scales(5, 20, paper_eig, MS_WSTAR_IDENTITY, a);
	test_pre_model(&m, &cfg, A);
	base = test_mc_mse(&m, &dist, 20000, RNG_STREAM_USER + 2, &se);
	for (int i = 0; i < 5; i++)
		for (int sgn = -1; sgn <= 1; sgn += 2) {
			double *P = model_param(&m, "A", 0, 0), mc;

			/* A + 0.3 a_i u_i u_iᵀ, u_i column i of U */
			for (int r = 0; r < 25; r++)
				P[r] = A[r] + sgn * 0.3 * a[i] *
				    dist.U[(r / 5) * 5 + i] * dist.U[(r % 5) * 5 + i];
			mc = test_mc_mse(&m, &dist, 20000, RNG_STREAM_USER + 2, &se);
			if (!(mc > base))
				fail_msg("direction %d sign %d: %.6f ≤ %.6f", i, sgn,
				    mc, base);
		}
	model_free(&m);
	task_dist_free(&dist);
}

/* The best schedule of L = 1..4 layers, held by a pre model, scores its
 * exact value; and the invsigma values do not depend on the spectrum. */
static void
test_schedule_matches_monte_carlo(void **state)
{
	char err[256];

	(void)state;
	for (int L = 1; L <= 4; L++) {
		enum ms_wstar prior = L == 2 ? MS_WSTAR_IDENTITY :
		    MS_WSTAR_INVSIGMA;
		struct ms_config cfg = test_config(MS_DATA_PAPER, prior, L);
		struct task_dist dist;
		struct model m;
		double a[THEORY_MAX_LAYERS], *A = xdoubles(25 * (size_t)L);
		double si[25], mse, se, mc;

		assert_int_equal(task_dist_init(&dist, &cfg, err, sizeof err), 0);
		assert_int_equal(theory_schedule(5, 20, L, paper_eig, prior, a,
		    &mse), 0);
		task_dist_sigma_inv(&dist, si);
		for (int l = 0; l < L; l++)
			for (int i = 0; i < 25; i++)
				A[l * 25 + i] = a[l] * si[i];
		test_pre_model(&m, &cfg, A);
		mc = test_mc_mse(&m, &dist, 60000, RNG_STREAM_USER + 3, &se);
		if (fabs(mc - mse) > 4 * se)
			fail_msg("L %d: schedule %.5f, Monte Carlo %.5f ± %.5f",
			    L, mse, mc, se);
		assert_float_equal(theory_schedule_mse(5, 20, L, a, paper_eig,
		    prior), mse, 1e-9 * mse);
		model_free(&m);
		task_dist_free(&dist);
		free(A);
	}
}

/* Moving any a_l either way raises the schedule's exact error. */
static void
test_schedule_is_optimal(void **state)
{
	(void)state;
	for (int L = 1; L <= THEORY_MAX_LAYERS; L++) {
		double a[THEORY_MAX_LAYERS], b[THEORY_MAX_LAYERS], mse, moved;

		assert_int_equal(theory_schedule(5, 20, L, paper_eig,
		    MS_WSTAR_INVSIGMA, a, &mse), 0);
		for (int l = 0; l < L; l++)
			for (int sgn = -1; sgn <= 1; sgn += 2) {
				memcpy(b, a, sizeof b);
				b[l] *= 1 + sgn * 1e-3;
				moved = theory_schedule_mse(5, 20, L, b, paper_eig,
				    MS_WSTAR_INVSIGMA);
				if (!(moved > mse))
					fail_msg("L %d a_%d %+d: %.12g ≤ %.12g", L, l,
					    sgn, moved, mse);
			}
	}
}

/* L = 1: the schedule is the one-layer optimum, a_1 = n/(n+d+1). */
static void
test_schedule_one_layer_is_optimum(void **state)
{
	double a, mse, iso[5] = { 1, 1, 1, 1, 1 };

	(void)state;
	assert_int_equal(theory_schedule(5, 20, 1, paper_eig,
	    MS_WSTAR_INVSIGMA, &a, &mse), 0);
	assert_float_equal(a, 20.0 / 26, 1e-14);
	assert_float_equal(mse, theory_one_layer_mse(5, 20, paper_eig,
	    MS_WSTAR_INVSIGMA), 1e-14);
	/* on iso data both priors agree with the one-layer optimum */
	assert_int_equal(theory_schedule(5, 20, 1, iso, MS_WSTAR_IDENTITY, &a,
	    &mse), 0);
	assert_float_equal(mse, theory_one_layer_mse(5, 20, iso,
	    MS_WSTAR_IDENTITY), 1e-14);
}

/* The lines of a run: the one-layer optimum at read-out 1 only, the
 * schedule at every read-out up to THEORY_MAX_LAYERS. */
static void
test_lines_per_readout(void **state)
{
	struct ms_config cfg = test_config(MS_DATA_PAPER, MS_WSTAR_INVSIGMA, 10);
	struct task_dist dist;
	struct theory_lines t;
	char err[256];

	(void)state;
	assert_int_equal(task_dist_init(&dist, &cfg, err, sizeof err), 0);
	theory_lines_compute(&cfg, &dist, &t);
	assert_float_equal(theory_lines_log(&t, 0, 1), log(30.0 / 26), 1e-12);
	assert_true(isnan(theory_lines_log(&t, 0, 2)));
	assert_float_equal(theory_lines_log(&t, 1, 1), log(30.0 / 26), 1e-12);
	for (int k = 2; k <= THEORY_MAX_LAYERS; k++)
		assert_true(theory_lines_log(&t, 1, k) <
		    theory_lines_log(&t, 1, k - 1));
	assert_true(isnan(theory_lines_log(&t, 1, THEORY_MAX_LAYERS + 1)));
	assert_true(isnan(theory_lines_log(&t, 1, 11)));
	task_dist_free(&dist);
}

/* At variance s the lines are s^2 times those at s = 1 (at L = 1 the
 * optimum scored with its best gate 1/s, doc/math.md §8.2); with a mean
 * they are undefined. */
static void
test_lines_scale_and_mean(void **state)
{
	struct ms_config cfg = test_config(MS_DATA_PAPER, MS_WSTAR_INVSIGMA, 4);
	struct task_dist dist;
	struct theory_lines one, t;
	char err[256];

	(void)state;
	assert_int_equal(task_dist_init(&dist, &cfg, err, sizeof err), 0);
	theory_lines_compute(&cfg, &dist, &one);
	cfg.scale = 2.5;
	theory_lines_compute(&cfg, &dist, &t);
	assert_float_equal(theory_lines_log(&t, 0, 1),
	    log(2.5 * 2.5 * 30.0 / 26), 1e-12);
	for (int k = 1; k <= 4; k++)
		assert_float_equal(theory_lines_log(&t, 1, k),
		    theory_lines_log(&one, 1, k) + 2 * log(2.5), 1e-12);
	cfg.scale = 1;
	cfg.mean = 0.5;
	theory_lines_compute(&cfg, &dist, &t);
	assert_true(isnan(theory_lines_log(&t, 0, 1)));
	assert_true(isnan(theory_lines_log(&t, 1, 2)));
	task_dist_free(&dist);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_moments_closed_forms),
		cmocka_unit_test(test_moments_match_monte_carlo),
		cmocka_unit_test(test_one_layer_matches_monte_carlo),
		cmocka_unit_test(test_one_layer_is_minimum),
		cmocka_unit_test(test_schedule_matches_monte_carlo),
		cmocka_unit_test(test_schedule_is_optimal),
		cmocka_unit_test(test_schedule_one_layer_is_optimum),
		cmocka_unit_test(test_lines_per_readout),
		cmocka_unit_test(test_lines_scale_and_mean),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
