/*
 * The trace's teaching views (trace.h, doc/math.md §10): the basis is H's
 * orthonormal eigenvectors; the per-direction errors recompose ‖w_ℓ − w*‖;
 * GD's residual polynomial is (1 − nηλ)^ℓ; every polynomial applied to the
 * first error reproduces its method's iterates, and CG's, evaluated at the
 * eigenvalues, its residual vector; in d = 2 CG reaches w* in two steps;
 * CG's and the model's unrolled LFOM weights reproduce their iterates and
 * predictions; a copy holds every array.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "memscope/baselines.h"
#include "memscope/model.h"
#include "memscope/trace.h"
#include "memscope/xmalloc.h"
#include "trace_fixture.h"

static void
assert_close(double a, double b, double tol)
{
	if (!(fabs(a - b) <= tol * (1.0 + fabs(b))))
		fail_msg("%.17g != %.17g (tolerance %g)", a, b, tol);
}

/* H = XXᵀ/n of the traced task. */
static void
task_h(const struct trace *tr, double *H)
{
	int d = tr->d, n = tr->n;

	for (int r = 0; r < d; r++)
		for (int c = 0; c < d; c++) {
			double s = 0.0;

			for (int i = 0; i < n; i++)
				s += tr->task.X[i * d + r] * tr->task.X[i * d + c];
			H[r * d + c] = s / n;
		}
}

/* e (d) = Σ_k f[k] ⟨v_k, e0⟩ v_k, e0 = −w*. */
static void
apply_factors(const struct trace *tr, const double *f, double *e)
{
	int d = tr->d;
	const double *e0 = trace_dir_err(tr, TRACE_CG, 0);

	for (int i = 0; i < d; i++)
		e[i] = 0.0;
	for (int k = 0; k < d; k++)
		for (int i = 0; i < d; i++)
			e[i] += f[k] * e0[k] * tr->basis[k * d + i];
}

/* The basis is orthonormal and made of H's eigenvectors, largest first. */
static void
test_basis_is_h_eigenbasis(void **state)
{
	struct teach_case tc;
	double H[25];
	int d = 5;

	(void)state;
	case_open(&tc, MS_PARAM_PRE, MS_MEMORY_NONE, d, 3, false);
	task_h(&tc.tr, H);
	for (int k = 0; k < d; k++) {
		const double *v = tc.tr.basis + k * d;

		for (int j = 0; j < d; j++)
			assert_close(baseline_dot(v, tc.tr.basis + j * d, d),
			    j == k, 1e-12);
		for (int i = 0; i < d; i++)
			assert_close(baseline_dot(H + i * d, v, d),
			    tc.tr.eig[k] * v[i], 1e-10);
		if (k > 0)
			assert_true(tc.tr.eig[k] <= tc.tr.eig[k - 1]);
	}
	case_close(&tc);
}

/* Σ_k ⟨v_k, w_ℓ − w*⟩² = ‖w_ℓ − w*‖² for every method with an iterate. */
static void
test_directions_recompose_distance(void **state)
{
	static const enum ms_memory mems[] = { MS_MEMORY_NONE, MS_MEMORY_CGD,
	    MS_MEMORY_LFOM };
	struct teach_case tc;

	(void)state;
	for (int mi = 0; mi < 3; mi++) {
		case_open(&tc, MS_PARAM_PRE, mems[mi], 5, 4, false);
		for (int m = 0; m < TRACE_METHODS; m++)
			for (int l = 0; l <= tc.tr.L; l++) {
				const double *e = trace_dir_err(&tc.tr, m, l);
				double s = 0.0, wd = tc.tr.col[m].wdist[l];

				for (int k = 0; k < tc.tr.d; k++)
					s += e[k] * e[k];
				assert_true(isfinite(wd));
				assert_close(sqrt(s), wd, 1e-10);
			}
		case_close(&tc);
	}
	/* a model whose features move has no iterate: NaN throughout */
	case_open(&tc, MS_PARAM_GDPP, MS_MEMORY_NONE, 5, 2, false);
	assert_true(isnan(trace_dir_err(&tc.tr, TRACE_MODEL, 1)[0]));
	assert_true(isnan(trace_poly_eig(&tc.tr, TRACE_MODEL, 1)[0]));
	assert_false(tc.tr.has_poly[TRACE_MODEL]);
	case_close(&tc);
}

/* GD's polynomial after ℓ steps is (1 − nη_ℓ λ)^ℓ on the whole grid. */
static void
test_gd_polynomial(void **state)
{
	struct teach_case tc;

	(void)state;
	case_open(&tc, MS_PARAM_SCALAR, MS_MEMORY_NONE, 5, 4, false);
	assert_true(tc.tr.has_poly[TRACE_GD]);
	assert_close(tc.tr.poly_hi, 1.1 * tc.tr.eig[0], 1e-15);
	for (int l = 0; l <= tc.tr.L; l++) {
		const double *r = trace_poly(&tc.tr, TRACE_GD, l);
		double c = tc.tr.n * tc.tr.gd_step[l];

		for (int i = 0; i < TRACE_POLY_POINTS; i++) {
			double lambda = tc.tr.poly_hi * i /
			    (TRACE_POLY_POINTS - 1);

			assert_close(r[i], pow(1.0 - c * lambda, l), 1e-12);
		}
		assert_close(r[0], 1.0, 0.0);	/* r(0) = 1 */
	}
	case_close(&tc);
}

/* Each baseline's r_ℓ(H) applied to the first error is its iterate's
 * error; for momentum, which has no column, against baseline_task. */
static void
test_polynomials_reproduce_iterates(void **state)
{
	struct teach_case tc;
	struct baseline_params p = { 0 };
	double e[8], *err, *w;
	int d = 5, L = 6;

	(void)state;
	case_open(&tc, MS_PARAM_SCALAR, MS_MEMORY_CGD, d, L, false);
	for (int m = TRACE_CG; m < TRACE_METHODS; m++) {
		assert_true(tc.tr.has_poly[m]);
		for (int l = 0; l <= L; l++) {
			const double *w_l = tc.tr.col[m].w + l * d;

			apply_factors(&tc.tr, trace_poly_eig(&tc.tr, m, l), e);
			for (int i = 0; i < d; i++)
				assert_close(e[i], w_l[i] - tc.tr.wstar[i],
				    1e-8);
		}
	}
	err = xdoubles((size_t)L + 1);
	w = xdoubles((size_t)(L + 1) * d);
	p.points = tc.tr.n;
	p.eta = tc.c.mom_eta;
	p.beta = tc.c.mom_beta;
	baseline_task(BASELINE_MOMENTUM, &p, tc.tr.task.X, tc.tr.task.y,
	    tc.tr.n, d, L, err, w, NULL, NULL);
	for (int l = 0; l <= L; l++) {
		apply_factors(&tc.tr, trace_poly_eig(&tc.tr,
		    TRACE_POLY_MOMENTUM, l), e);
		for (int i = 0; i < d; i++)
			assert_close(e[i], w[l * d + i] - tc.tr.wstar[i], 1e-8);
	}
	free(err);
	free(w);
	case_close(&tc);
}

/* CG's polynomial at the eigenvalues gives its residual vector
 * X(y − Xᵀw_k) = −Σ_k nλ_k r(λ_k) ⟨v_k, e_0⟩ v_k, and after d steps it is
 * zero at every eigenvalue. */
static void
test_cg_polynomial_residual(void **state)
{
	struct teach_case tc;
	int d = 5, L = 6, n;

	(void)state;
	case_open(&tc, MS_PARAM_PRE, MS_MEMORY_NONE, d, L, false);
	n = tc.tr.n;
	for (int l = 0; l <= L; l++) {
		const double *r = trace_poly_eig(&tc.tr, TRACE_CG, l);
		const double *e0 = trace_dir_err(&tc.tr, TRACE_CG, 0);
		const double *w = tc.tr.col[TRACE_CG].w + l * d;
		double direct[8] = { 0 }, poly[8] = { 0 }, scale = 0.0;

		for (int t = 0; t < n; t++) {
			const double *x = tc.tr.task.X + t * d;
			double res = tc.tr.task.y[t] - baseline_dot(x, w, d);

			for (int i = 0; i < d; i++)
				direct[i] += x[i] * res;
		}
		for (int k = 0; k < d; k++)
			for (int i = 0; i < d; i++)
				poly[i] -= n * tc.tr.eig[k] * r[k] * e0[k] *
				    tc.tr.basis[k * d + i];
		for (int i = 0; i < d; i++)
			scale = fmax(scale, fabs(n * tc.tr.eig[0] * e0[i]));
		for (int i = 0; i < d; i++)
			assert_true(fabs(poly[i] - direct[i]) <=
			    1e-9 * (1.0 + scale));
	}
	for (int k = 0; k < d; k++)
		assert_true(fabs(trace_poly_eig(&tc.tr, TRACE_CG, d)[k]) < 1e-6);
	case_close(&tc);
}

/* d = 2: CG is at w* after two steps, both coordinates of the path. */
static void
test_d2_cg_reaches_wstar(void **state)
{
	struct teach_case tc;

	(void)state;
	case_open(&tc, MS_PARAM_PRE, MS_MEMORY_NONE, 2, 3, false);
	for (int l = 2; l <= 3; l++)
		for (int k = 0; k < 2; k++)
			assert_true(fabs(trace_dir_err(&tc.tr, TRACE_CG, l)[k])
			    < 1e-10 * tc.tr.col[TRACE_CG].wdist[0]);
	assert_true(tc.tr.col[TRACE_CG].wdist[1] > 1e-3 *
	    tc.tr.col[TRACE_CG].wdist[0]);
	case_close(&tc);
}

/* w_{ℓ+1} = w_ℓ − Σ_j W[ℓ][j] P_j H (w_j − w*) from w_0 = 0, into w. */
static void
run_lfom(const struct trace *tr, const double *W, const double *P,
    double *w)
{
	int d = tr->d, L = tr->L;
	double H[64], g[8], pg[8];

	task_h(tr, H);
	memset(w, 0, sizeof *w * (size_t)d);
	for (int l = 0; l < L; l++) {
		double *next = w + (l + 1) * d;

		memcpy(next, w + l * d, sizeof *w * (size_t)d);
		for (int j = 0; j <= l; j++) {
			double e[8];

			for (int i = 0; i < d; i++)
				e[i] = w[j * d + i] - tr->wstar[i];
			for (int i = 0; i < d; i++)
				g[i] = baseline_dot(H + i * d, e, d);
			for (int i = 0; i < d; i++)
				pg[i] = P != NULL ? baseline_dot(P + ((size_t)j *
				    d + i) * d, g, d) : g[i];
			for (int i = 0; i < d; i++)
				next[i] -= W[l * L + j] * pg[i];
		}
	}
}

/* CG's LFOM weights, with P = I, give CG's iterates. */
static void
test_cg_weights_reproduce_cg(void **state)
{
	struct teach_case tc;
	double w[8 * 8];
	int d = 5, L = 4;

	(void)state;
	case_open(&tc, MS_PARAM_PRE, MS_MEMORY_NONE, d, L, false);
	run_lfom(&tc.tr, tc.tr.cg_weight, NULL, w);
	for (int l = 0; l <= L; l++)
		for (int i = 0; i < d; i++)
			assert_close(w[l * d + i],
			    tc.tr.col[TRACE_CG].w[l * d + i], 1e-9);
	for (int j = 1; j < L; j++)	/* nothing above the diagonal */
		assert_true(tc.tr.cg_weight[0 * L + j] == 0.0);
	case_close(&tc);
}

/* The model's coefficients and preconditioners, unrolled as an LFOM,
 * give its predictions, layer by layer (scalar and pre, none and cgd). */
static void
test_model_lfom_reproduces_predictions(void **state)
{
	static const enum ms_param params[] = { MS_PARAM_SCALAR,
	    MS_PARAM_PRE };
	static const enum ms_memory mems[] = { MS_MEMORY_NONE,
	    MS_MEMORY_CGD };
	struct teach_case tc;
	double w[8 * 8];
	int d = 5, L = 4;

	(void)state;
	for (int pi = 0; pi < 2; pi++)
		for (int mi = 0; mi < 2; mi++) {
			case_open(&tc, params[pi], mems[mi], d, L, false);
			assert_non_null(tc.tr.precond);
			run_lfom(&tc.tr, tc.tr.coef, tc.tr.precond, w);
			for (int l = 0; l <= L; l++)
				assert_close(baseline_dot(tc.tr.task.X +
				    tc.tr.n * d, w + l * d, d),
				    tc.tr.col[TRACE_MODEL].pred[l], 1e-9);
			case_close(&tc);
		}
}

/* lfom: the query's prediction moves by Σ_j coef[ℓ][j] ⟨x_q, P_j g_j⟩,
 * g_j the gradient of the residuals Z_j holds (token by token weights
 * leave no single iterate). */
static void
test_lfom_query_update(void **state)
{
	struct teach_case tc;
	int d = 5, L = 3, n, n1;

	(void)state;
	case_open(&tc, MS_PARAM_PRE, MS_MEMORY_LFOM, d, L, false);
	n = tc.tr.n;
	n1 = n + 1;
	for (int l = 0; l < L; l++) {
		double pred = tc.tr.col[TRACE_MODEL].pred[l];

		for (int j = 0; j <= l; j++) {
			const double *lab = tc.tr.label + j * n1;
			double g[8] = { 0 }, pg[8];

			for (int t = 0; t < n; t++)
				for (int i = 0; i < d; i++)
					g[i] -= lab[t] * tc.tr.task.X[t * d + i]
					    / n;
			for (int i = 0; i < d; i++)
				pg[i] = baseline_dot(tc.tr.precond + (j * d +
				    i) * d, g, d);
			pred -= tc.tr.coef[l * L + j] * baseline_dot(
			    tc.tr.task.X + n * d, pg, d);
		}
		assert_close(pred, tc.tr.col[TRACE_MODEL].pred[l + 1], 1e-9);
	}
	case_close(&tc);
}

/* tc's scalar two-head model has a polynomial, equal to its per-direction
 * factors, and its learned step sums the heads, each times its gate. */
static void
check_scalar_polynomial(struct teach_case *tc)
{
	int d = tc->tr.d, L = tc->tr.L;

	assert_true(tc->tr.has_poly[TRACE_MODEL]);
	for (int j = 0; j < L; j++)
		assert_close(tc->tr.step_scalar[j], model_gate(&tc->m, 0) *
		    *model_param(&tc->m, "a", j, 0) + model_gate(&tc->m, 1) *
		    *model_param(&tc->m, "a", j, 1), 1e-15);
	for (int l = 0; l <= L; l++) {
		const double *r = trace_poly_eig(&tc->tr, TRACE_MODEL, l);
		const double *e = trace_dir_err(&tc->tr, TRACE_MODEL, l);
		const double *e0 = trace_dir_err(&tc->tr, TRACE_MODEL, 0);

		for (int k = 0; k < d; k++)
			assert_close(r[k] * e0[k], e[k], 1e-8);
		assert_close(trace_poly(&tc->tr, TRACE_MODEL, l)[0], 1.0, 0.0);
	}
}

/* A scalar model has a polynomial, equal to its per-direction factors
 * (with gates too: the step is Σ_h g_h a_h); a pre model has only the
 * factors. */
static void
test_model_polynomial(void **state)
{
	struct teach_case tc;
	struct model gm;
	int d = 5, L = 4;

	(void)state;
	case_open(&tc, MS_PARAM_SCALAR, MS_MEMORY_CGD, d, L, false);
	check_scalar_polynomial(&tc);
	/* the same parameters with gates of other values than 1 */
	tc.c.gates = true;
	model_init(&gm, &tc.c);
	assert_int_equal(model_copy_blocks(&gm, &tc.m, -1, -1), tc.m.nblocks);
	model_param(&gm, "gate", -1, -1)[0] = 1.5;
	model_param(&gm, "gate", -1, -1)[1] = -0.5;
	model_free(&tc.m);
	tc.m = gm;
	assert_int_equal(trace_set_model(&tc.tr, &tc.m), 0);
	check_scalar_polynomial(&tc);
	case_close(&tc);

	case_open(&tc, MS_PARAM_PRE, MS_MEMORY_NONE, d, L, false);
	assert_false(tc.tr.has_poly[TRACE_MODEL]);
	assert_true(isnan(tc.tr.step_scalar[0]));
	assert_true(isnan(trace_poly(&tc.tr, TRACE_MODEL, 1)[3]));
	for (int l = 0; l <= L; l++)
		for (int k = 0; k < d; k++)
			assert_close(trace_poly_eig(&tc.tr, TRACE_MODEL, l)[k] *
			    trace_dir_err(&tc.tr, TRACE_MODEL, 0)[k],
			    trace_dir_err(&tc.tr, TRACE_MODEL, l)[k], 1e-10);
	case_close(&tc);
}

/* --quirks: the baselines solve on n − 1 points, no polynomial in H. */
static void
test_quirks_have_factors(void **state)
{
	struct teach_case tc;

	(void)state;
	case_open(&tc, MS_PARAM_PRE, MS_MEMORY_NONE, 5, 3, true);
	for (int m = TRACE_CG; m < TRACE_POLYS; m++)
		assert_false(tc.tr.has_poly[m]);
	assert_true(isnan(trace_poly(&tc.tr, TRACE_CG, 2)[5]));
	assert_close(trace_poly_eig(&tc.tr, TRACE_GD, 2)[1] *
	    trace_dir_err(&tc.tr, TRACE_GD, 0)[1],
	    trace_dir_err(&tc.tr, TRACE_GD, 2)[1], 1e-12);
	assert_true(isnan(trace_poly_eig(&tc.tr, TRACE_POLY_MOMENTUM, 2)[1]));
	case_close(&tc);
}

/* A copy holds the same teaching arrays; a new model part replaces the
 * model's rows. */
static void
test_copy_and_reset(void **state)
{
	struct teach_case tc;
	struct trace cp;
	int d = 5, L = 3, L1 = L + 1;

	(void)state;
	case_open(&tc, MS_PARAM_SCALAR, MS_MEMORY_NONE, d, L, false);
	trace_init(&cp);
	trace_copy(&cp, &tc.tr);
	assert_memory_equal(cp.dir_err, tc.tr.dir_err,
	    sizeof(double) * TRACE_METHODS * L1 * d);
	assert_memory_equal(cp.poly, tc.tr.poly,
	    sizeof(double) * TRACE_POLYS * L1 * TRACE_POLY_POINTS);
	assert_memory_equal(cp.poly_eig, tc.tr.poly_eig,
	    sizeof(double) * TRACE_POLYS * L1 * d);
	assert_memory_equal(cp.basis, tc.tr.basis, sizeof(double) * d * d);
	assert_memory_equal(cp.cg_weight, tc.tr.cg_weight,
	    sizeof(double) * L * L);
	assert_memory_equal(cp.precond, tc.tr.precond,
	    sizeof(double) * L * d * d);
	assert_memory_equal(cp.step_scalar, tc.tr.step_scalar,
	    sizeof(double) * L);
	assert_true(cp.has_poly[TRACE_MODEL]);
	trace_free(&cp);

	/* the model becomes a pre one: no polynomial, factors instead */
	model_free(&tc.m);
	tc.c.param = MS_PARAM_PRE;
	model_init(&tc.m, &tc.c);
	for (size_t i = 0; i < tc.m.nparams; i++)
		tc.m.params[i] = 0.1 * cos((double)i);
	assert_int_equal(trace_set_model(&tc.tr, &tc.m), 0);
	assert_false(tc.tr.has_poly[TRACE_MODEL]);
	assert_true(isnan(trace_poly(&tc.tr, TRACE_MODEL, 1)[0]));
	assert_true(isfinite(trace_poly_eig(&tc.tr, TRACE_MODEL, 1)[0]));
	case_close(&tc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basis_is_h_eigenbasis),
		cmocka_unit_test(test_directions_recompose_distance),
		cmocka_unit_test(test_gd_polynomial),
		cmocka_unit_test(test_polynomials_reproduce_iterates),
		cmocka_unit_test(test_cg_polynomial_residual),
		cmocka_unit_test(test_d2_cg_reaches_wstar),
		cmocka_unit_test(test_cg_weights_reproduce_cg),
		cmocka_unit_test(test_model_lfom_reproduces_predictions),
		cmocka_unit_test(test_lfom_query_update),
		cmocka_unit_test(test_model_polynomial),
		cmocka_unit_test(test_quirks_have_factors),
		cmocka_unit_test(test_copy_and_reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
