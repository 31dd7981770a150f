/*
 * analysis.h: the cosine of a learned preconditioner with Σ⁻¹ is +1 for
 * Σ⁻¹ itself, −1 for −Σ⁻¹ and 0 for a matrix orthogonal to it, summed over
 * the heads; cgd's unrolled coefficients are α_ℓ Π γ_k exactly.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "memscope/analysis.h"
#include "memscope/xmalloc.h"

static void
analysis_config(struct ms_config *cfg, enum ms_param param, int heads)
{
	config_defaults(cfg);
	cfg->dim = 4;
	cfg->context = 6;
	cfg->layers = 5;
	cfg->heads = heads;
	cfg->param = param;
	cfg->memory = MS_MEMORY_CGD;
	cfg->data = MS_DATA_KAPPA;	/* Σ⁻¹ is not a multiple of I */
	cfg->kappa = 10;
	cfg->seed = 3;
}

/* Set block A of (layer, head) to s × M (d, d). */
static void
set_A(struct model *m, int layer, int head, const double *M, double s)
{
	double *A = model_param(m, "A", layer, head);
	int d = m->d;

	assert_non_null(A);
	for (int i = 0; i < d * d; i++)
		A[i] = s * M[i];
}

/* Layer by layer: Σ⁻¹ (+1), −Σ⁻¹ (−1), an antisymmetric matrix (0), 2Σ⁻¹
 * split over the heads as Σ⁻¹ + Σ⁻¹ (+1), zero (NaN). */
static void
test_sigma_cos_sign_and_heads(void **state)
{
	struct ms_config cfg;
	struct task_dist dist;
	struct model m;
	char err[256];
	double sinv[16], anti[16], cos[5];
	int d = 4;

	(void)state;
	for (int heads = 1; heads <= 2; heads++) {
		analysis_config(&cfg, MS_PARAM_PRE, heads);
		assert_int_equal(task_dist_init(&dist, &cfg, err, sizeof err),
		    0);
		task_dist_sigma_inv(&dist, sinv);
		assert_true(fabs(sinv[0] - sinv[5]) > 1e-3);	/* not ∝ I */
		for (int i = 0; i < d; i++)
			for (int j = 0; j < d; j++)
				anti[i * d + j] = i - j;
		model_init(&m, &cfg);
		set_A(&m, 0, 0, sinv, 1.0);
		set_A(&m, 1, 0, sinv, -1.0);
		set_A(&m, 2, 0, anti, 1.0);
		set_A(&m, 3, 0, sinv, heads == 1 ? 2.0 : 1.0);
		if (heads == 2)
			set_A(&m, 3, 1, sinv, 1.0);
		analysis_sigma_cos(&m, &dist, cos);
		assert_true(fabs(cos[0] - 1.0) < 1e-14);
		assert_true(fabs(cos[1] + 1.0) < 1e-14);
		assert_true(fabs(cos[2]) < 1e-14);
		assert_true(fabs(cos[3] - 1.0) < 1e-14);
		assert_true(isnan(cos[4]));
		if (heads == 2) {
			/* the heads are summed: Σ⁻¹ − Σ⁻¹ is zero */
			set_A(&m, 0, 1, sinv, -1.0);
			/* and −Σ⁻¹ + 3Σ⁻¹ points along Σ⁻¹ */
			set_A(&m, 1, 1, sinv, 3.0);
			analysis_sigma_cos(&m, &dist, cos);
			assert_true(isnan(cos[0]));
			assert_true(fabs(cos[1] - 1.0) < 1e-14);
		}
		model_free(&m);
		task_dist_free(&dist);
	}
}

/* A half-way matrix: A = Σ⁻¹ + B with B ⊥ Σ⁻¹ and ‖B‖ = ‖Σ⁻¹‖ gives
 * cos 1/√2; parametrizations without A give NaN. */
static void
test_sigma_cos_value(void **state)
{
	struct ms_config cfg;
	struct task_dist dist;
	struct model m;
	char err[256];
	double sinv[16], A[16], anti[16], ns = 0, na = 0, cos[5];
	int d = 4;

	(void)state;
	analysis_config(&cfg, MS_PARAM_GDPP, 1);
	assert_int_equal(task_dist_init(&dist, &cfg, err, sizeof err), 0);
	task_dist_sigma_inv(&dist, sinv);
	for (int i = 0; i < d; i++)
		for (int j = 0; j < d; j++)
			anti[i * d + j] = i - j;
	for (int i = 0; i < d * d; i++) {
		ns += sinv[i] * sinv[i];
		na += anti[i] * anti[i];
	}
	for (int i = 0; i < d * d; i++)
		A[i] = sinv[i] + anti[i] * sqrt(ns / na);
	model_init(&m, &cfg);
	for (int l = 0; l < cfg.layers; l++)
		set_A(&m, l, 0, A, 1.0 + l);
	analysis_sigma_cos(&m, &dist, cos);
	for (int l = 0; l < cfg.layers; l++)
		assert_true(fabs(cos[l] - sqrt(0.5)) < 1e-12);
	model_free(&m);

	cfg.param = MS_PARAM_SCALAR;
	model_init(&m, &cfg);
	for (size_t i = 0; i < m.nparams; i++)
		m.params[i] = 1.0;
	analysis_sigma_cos(&m, &dist, cos);
	for (int l = 0; l < cfg.layers; l++)
		assert_true(isnan(cos[l]));
	model_free(&m);
	task_dist_free(&dist);
}

/* coef[ℓ][j] = α_ℓ Π_{k=j+1..ℓ} γ_k below the diagonal, 0 above; all 0
 * without cgd memory. */
static void
test_cgd_coefficients(void **state)
{
	static const double alpha[5] = { 2, 3, 5, 7, 11 };
	static const double gamma[5] = { 13, 17, 19, 23, 29 };
	struct ms_config cfg;
	struct model m;
	double coef[25];
	int L = 5;

	(void)state;
	analysis_config(&cfg, MS_PARAM_PRE, 1);
	model_init(&m, &cfg);
	for (int l = 0; l < L; l++) {
		*model_param(&m, "alpha", l, -1) = alpha[l];
		*model_param(&m, "gamma", l, -1) = gamma[l];
	}
	analysis_cgd_coefficients(&m, coef);
	for (int l = 0; l < L; l++)
		for (int j = 0; j < L; j++) {
			double want = 0.0;

			if (j <= l) {
				want = alpha[l];
				for (int k = j + 1; k <= l; k++)
					want *= gamma[k];
			}
			assert_true(coef[l * L + j] == want);
		}
	assert_true(coef[4 * L + 1] == 11.0 * 19 * 23 * 29);
	model_free(&m);

	cfg.memory = MS_MEMORY_LFOM;
	model_init(&m, &cfg);
	for (size_t i = 0; i < m.nparams; i++)
		m.params[i] = 1.0;
	analysis_cgd_coefficients(&m, coef);
	for (int i = 0; i < L * L; i++)
		assert_true(coef[i] == 0.0);
	model_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sigma_cos_sign_and_heads),
		cmocka_unit_test(test_sigma_cos_value),
		cmocka_unit_test(test_cgd_coefficients),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
