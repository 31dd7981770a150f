/*
 * The step-through trace: every method predicts 0 before the first layer; a
 * pre + cgd model given CG's own coefficients is CG, column for column; the
 * implied iterate of a pre model is preconditioned GD's; the registers'
 * contributions add up to each layer's update; the baselines' columns
 * average to baselines_evaluate's table; the regenerated test task is the
 * trainer's; the JSON carries every field.
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
#include "memscope/trace_json.h"
#include "memscope/trainer.h"
#include "memscope/xmalloc.h"

static struct ms_config
trace_config(enum ms_param p, enum ms_memory mem)
{
	struct ms_config c;

	config_defaults(&c);
	c.dim = 5;
	c.context = 12;
	c.layers = 4;
	c.heads = 1;
	c.param = p;
	c.memory = mem;
	c.data = MS_DATA_KAPPA;
	c.kappa = 20.0;
	c.batch = 4;
	c.test_batch = 6;
	c.seed = 11;
	c.gd_step = 0.02;
	return c;
}

/* The test batch of cfg's run. */
static void
test_batch(const struct ms_config *c, struct task_dist *dist,
    struct task_batch *tb)
{
	struct rng r;
	char err[256];

	assert_int_equal(task_dist_init(dist, c, err, sizeof err), 0);
	task_batch_alloc(tb, c->test_batch, c->context, c->dim);
	rng_seed(&r, c->seed, RNG_STREAM_TEST);
	task_batch_sample(tb, dist, &r);
}

/* Parameters of order one: every term of the memory view is exercised. */
static void
trace_params(struct model *m)
{
	for (size_t i = 0; i < m->nparams; i++)
		m->params[i] = 0.3 * sin(1.0 + 0.9 * (double)i);
	for (int l = 0; l < m->L; l++) {
		double *a = model_param(m, "alpha", l, -1);

		if (a != NULL)
			*a = 1.0 + 0.2 * l;
	}
}

static void
assert_close(double a, double b, double tol)
{
	if (!(fabs(a - b) <= tol * (1.0 + fabs(b))))
		fail_msg("%.17g != %.17g (tolerance %g)", a, b, tol);
}

static const enum ms_param all_params[] = { MS_PARAM_SCALAR, MS_PARAM_PRE,
    MS_PARAM_GDPP, MS_PARAM_FULL };
static const enum ms_memory all_memories[] = { MS_MEMORY_NONE, MS_MEMORY_CGD,
    MS_MEMORY_LFOM };

/* A model with trace_params and the trace of one of its test tasks. */
struct trace_case {
	struct ms_config c;
	struct task_dist dist;
	struct task_batch tb;
	struct model m;
	struct trace tr;
};

static void
case_open(struct trace_case *tc, enum ms_param p, enum ms_memory mem,
    int task)
{
	tc->c = trace_config(p, mem);
	test_batch(&tc->c, &tc->dist, &tc->tb);
	model_init(&tc->m, &tc->c);
	trace_params(&tc->m);
	trace_init(&tc->tr);
	trace_set_task(&tc->tr, &tc->c, &tc->tb, task, NULL);
	assert_int_equal(trace_set_model(&tc->tr, &tc->m), 0);
}

static void
case_close(struct trace_case *tc)
{
	trace_free(&tc->tr);
	model_free(&tc->m);
	task_batch_free(&tc->tb);
	task_dist_free(&tc->dist);
}

/* ℓ = 0: nothing has moved, every method predicts 0. */
static void
test_layer0_predicts_zero(void **state)
{
	(void)state;
	for (int pi = 0; pi < 4; pi++) {
		for (int mi = 0; mi < 3; mi++) {
			struct trace_case tc;
			const struct trace *tr = &tc.tr;

			case_open(&tc, all_params[pi], all_memories[mi], 2);
			for (int k = 0; k < TRACE_METHODS; k++) {
				assert_true(tr->col[k].pred[0] == 0.0);
				assert_close(tr->col[k].err[0], tr->yq * tr->yq,
				    1e-15);
			}
			/* and the model did move afterwards */
			assert_true(tr->col[TRACE_MODEL].pred[1] != 0.0);
			case_close(&tc);
		}
	}
}

/* pre + cgd with A = I, α_ℓ = n·α_ℓ^CG, γ_ℓ = β_{ℓ−1}^CG: the learned and
 * CG columns agree at every ℓ, task by task. */
static void
test_cgd_with_cg_coefficients_is_cg(void **state)
{
	struct ms_config c = trace_config(MS_PARAM_PRE, MS_MEMORY_CGD);
	struct task_dist dist;
	struct task_batch tb;
	struct model m;
	struct trace tr;
	int d = c.dim, n = c.context, L;

	(void)state;
	c.layers = L = d;	/* CG is exact after d steps */
	test_batch(&c, &dist, &tb);
	model_init(&m, &c);
	trace_init(&tr);
	for (int b = 0; b < tb.B; b++) {
		trace_set_task(&tr, &c, &tb, b, NULL);
		for (int l = 0; l < L; l++) {
			double *A = model_param(&m, "A", l, 0);

			for (int k = 0; k < d * d; k++)
				A[k] = k % (d + 1) == 0 ? 1.0 : 0.0;
			*model_param(&m, "alpha", l, -1) = n * tr.cg_alpha[l];
			*model_param(&m, "gamma", l, -1) = l > 0 ?
			    tr.cg_beta[l - 1] : 0.0;
		}
		assert_int_equal(trace_set_model(&tr, &m), 0);
		for (int l = 0; l <= L; l++) {
			const struct trace_column *mo = &tr.col[TRACE_MODEL];
			const struct trace_column *cg = &tr.col[TRACE_CG];

			assert_close(mo->pred[l], cg->pred[l], 1e-10);
			assert_close(mo->err[l], cg->err[l], 1e-10);
			assert_close(mo->resid[l], cg->resid[l], 1e-10);
			assert_close(mo->wdist[l], cg->wdist[l], 1e-10);
			for (int k = 0; k < d; k++)
				assert_close(mo->w[l * d + k], cg->w[l * d + k],
				    1e-10);
			assert_true(tr.misfit[l] < 1e-10);
		}
		for (int l = 0; l < L; l++) {
			assert_true(tr.alpha[l] == n * tr.cg_alpha[l]);
			assert_true(tr.gamma[l] == (l > 0 ? tr.cg_beta[l - 1] :
			    0.0));
		}
		/* CG really moved: exact after d steps */
		assert_true(tr.col[TRACE_CG].err[L] < 1e-12 *
		    tr.col[TRACE_CG].err[0]);
	}
	trace_free(&tr);
	model_free(&m);
	task_batch_free(&tb);
	task_dist_free(&dist);
}

/* pre, two heads, no memory: the implied w_ℓ is preconditioned GD's
 * w_{ℓ+1} = w_ℓ − (Σ_h A_ℓh)(1/n)(H w_ℓ − b), from w₀ = 0. */
static void
test_pre_implied_w_is_preconditioned_gd(void **state)
{
	struct ms_config c = trace_config(MS_PARAM_PRE, MS_MEMORY_NONE);
	struct task_dist dist;
	struct task_batch tb;
	struct model m;
	struct trace tr;
	int d, n, L, n1;
	double *w, *g, *wn;

	(void)state;
	c.heads = 2;
	c.context = 30;
	n = c.context;
	d = c.dim;
	L = c.layers;
	n1 = n + 1;
	test_batch(&c, &dist, &tb);
	model_init(&m, &c);
	/* A_ℓh ≈ 0.4 I plus a non-symmetric part */
	for (int l = 0; l < L; l++)
		for (int h = 0; h < 2; h++) {
			double *A = model_param(&m, "A", l, h);

			for (int r = 0; r < d; r++)
				for (int k = 0; k < d; k++)
					A[r * d + k] = (r == k ? 0.2 : 0.0) +
					    0.03 * sin(1.0 + r + 2.0 * k + l +
					    h);
		}
	w = xdoubles((size_t)d);
	g = xdoubles((size_t)d);
	wn = xdoubles((size_t)d);
	trace_init(&tr);
	for (int b = 0; b < tb.B; b++) {
		const double *X = tb.X + (size_t)b * n1 * d;	/* task b */
		const double *y = tb.y + (size_t)b * n1;

		trace_set_task(&tr, &c, &tb, b, NULL);
		assert_int_equal(trace_set_model(&tr, &m), 0);
		assert_true(tr.model_has_w);
		memset(w, 0, sizeof *w * (size_t)d);
		for (int l = 0; l <= L; l++) {
			for (int k = 0; k < d; k++)
				assert_close(tr.col[TRACE_MODEL].w[l * d + k],
				    w[k], 1e-10);
			assert_true(tr.misfit[l] < 1e-10);
			if (l == L)
				break;
			/* g = (1/n) Σ_i x_i (⟨x_i, w⟩ − y_i) */
			memset(g, 0, sizeof *g * (size_t)d);
			for (int i = 0; i < n; i++) {
				double e = -y[i];

				for (int k = 0; k < d; k++)
					e += X[i * d + k] * w[k];
				for (int k = 0; k < d; k++)
					g[k] += X[i * d + k] * e / n;
			}
			for (int r = 0; r < d; r++) {
				double s = 0.0;

				for (int k = 0; k < d; k++)
					s += (model_param(&m, "A", l, 0)[r * d +
					    k] + model_param(&m, "A", l, 1)[r *
					    d + k]) * g[k];
				wn[r] = w[r] - s;
			}
			memcpy(w, wn, sizeof *w * (size_t)d);
		}
	}
	free(w);
	free(g);
	free(wn);
	trace_free(&tr);
	model_free(&m);
	task_batch_free(&tb);
	task_dist_free(&dist);
}

/* For every parametrization and memory: the registers' contributions add
 * up to each layer's change of the query label cell. */
static void
test_contributions_add_up(void **state)
{
	(void)state;
	for (int pi = 0; pi < 4; pi++) {
		for (int mi = 0; mi < 3; mi++) {
			struct trace_case tc;
			const struct trace *tr = &tc.tr;
			int L, n1, n;

			case_open(&tc, all_params[pi], all_memories[mi], 1);
			L = tc.c.layers;
			n = tc.c.context;
			n1 = n + 1;
			for (int l = 0; l < L; l++) {
				double sum = 0.0, upd;

				for (int j = 0; j < L; j++) {
					sum += tr->contrib[l * L + j];
					if (j > l)
						assert_true(
						    tr->coef[l * L + j] == 0.0);
				}
				upd = tr->label[(l + 1) * n1 + n] -
				    tr->label[l * n1 + n];
				assert_close(sum, upd, 1e-10);
			}
			/* the implied w exists for scalar and pre only */
			assert_int_equal(tr->model_has_w, pi < 2);
			if (pi >= 2)
				assert_true(
				    isnan(tr->col[TRACE_MODEL].wdist[1]));
			case_close(&tc);
		}
	}
}

/* The baselines' columns, averaged over the test batch, are the table of
 * baselines_evaluate (with GD's tuned step per iteration count). */
static void
test_columns_average_to_the_table(void **state)
{
	struct ms_config c = trace_config(MS_PARAM_PRE, MS_MEMORY_LFOM);
	struct task_dist dist;
	struct task_batch tb;
	struct baseline_table bt;
	struct trace tr;
	int L = c.layers;
	double *sum;

	(void)state;
	c.gd_step = 0.0;	/* tuned */
	c.test_batch = 40;
	c.quirks = true;
	test_batch(&c, &dist, &tb);
	baselines_evaluate(&c, &dist, &tb, L, &bt);
	sum = xcalloc((size_t)3 * (L + 1), sizeof *sum);
	trace_init(&tr);
	for (int b = 0; b < tb.B; b++) {
		trace_set_task(&tr, &c, &tb, b, bt.step[BASELINE_GD]);
		for (int l = 0; l <= L; l++) {
			sum[l] += tr.col[TRACE_CG].err[l];
			sum[L + 1 + l] += tr.col[TRACE_GD].err[l];
			sum[2 * (L + 1) + l] += tr.col[TRACE_NESTEROV].err[l];
		}
	}
	for (int l = 0; l <= L; l++) {
		assert_close(sum[l] / tb.B, bt.mse[BASELINE_CG][l], 1e-9);
		assert_close(sum[L + 1 + l] / tb.B, bt.mse[BASELINE_GD][l],
		    1e-9);
		assert_close(sum[2 * (L + 1) + l] / tb.B,
		    bt.mse[BASELINE_NESTEROV][l], 1e-9);
	}
	assert_true(tr.gd_step[0] == 0.0 && tr.gd_step[1] > 0.0);
	free(sum);
	trace_free(&tr);
	baseline_table_free(&bt);
	task_batch_free(&tb);
	task_dist_free(&dist);
}

/* The spectrum: eigenvalues of XXᵀ/n, largest first, summing to its trace. */
static void
test_spectrum(void **state)
{
	struct ms_config c = trace_config(MS_PARAM_PRE, MS_MEMORY_NONE);
	struct task_dist dist;
	struct task_batch tb;
	struct trace tr;
	int d = c.dim, n = c.context;
	double tracesum = 0.0, eigsum = 0.0;

	(void)state;
	test_batch(&c, &dist, &tb);
	trace_init(&tr);
	trace_set_task(&tr, &c, &tb, 3, NULL);
	for (int i = 0; i < n; i++)
		for (int k = 0; k < d; k++)
			tracesum += tr.task.X[i * d + k] *
			    tr.task.X[i * d + k] / n;
	for (int k = 0; k < d; k++) {
		eigsum += tr.eig[k];
		assert_true(tr.eig[k] > 0.0);
		if (k > 0)
			assert_true(tr.eig[k] <= tr.eig[k - 1]);
	}
	assert_close(eigsum, tracesum, 1e-12);
	for (int k = 0; k < d; k++)
		assert_true(tr.wstar[k] == tb.w[3 * d + k]);
	trace_free(&tr);
	task_batch_free(&tb);
	task_dist_free(&dist);
}

static json_t *
get(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL)
		fail_msg("JSON has no \"%s\"", key);
	return v;
}

static void
assert_reals(json_t *a, size_t n)
{
	assert_true(json_is_array(a));
	assert_int_equal(json_array_size(a), n);
	for (size_t i = 0; i < n; i++)
		assert_true(json_is_number(json_array_get(a, i)) ||
		    json_is_null(json_array_get(a, i)));
}

static void
assert_matrix(json_t *a, size_t rows, size_t cols)
{
	assert_true(json_is_array(a));
	assert_int_equal(json_array_size(a), rows);
	for (size_t r = 0; r < rows; r++)
		assert_reals(json_array_get(a, r), cols);
}

/* The JSON of a trace parses back and carries every field, the right sizes. */
static void
check_json(enum ms_param p, enum ms_memory mem)
{
	struct trace_case tc;
	json_error_t jerr;
	json_t *root, *back, *meth, *col, *mo;
	char *text;
	size_t L, d, n1;
	static const char *cols[] = { "model", "cg", "gd", "nesterov" };

	case_open(&tc, p, mem, 0);
	L = tc.c.layers;
	d = tc.c.dim;
	n1 = tc.c.context + 1;
	root = trace_json(&tc.tr);
	text = json_dumps(root, JSON_COMPACT);
	assert_non_null(text);
	back = json_loads(text, 0, &jerr);
	if (back == NULL)
		fail_msg("JSON does not parse: %s", jerr.text);
	assert_int_equal(json_integer_value(get(back, "d")), d);
	assert_int_equal(json_integer_value(get(back, "n")), n1 - 1);
	assert_int_equal(json_integer_value(get(back, "layers")), L);
	assert_true(json_is_number(get(back, "query_label")));
	assert_reals(get(back, "w_star"), d);
	assert_reals(get(back, "eigenvalues"), d);
	meth = get(back, "methods");
	for (int k = 0; k < 4; k++) {
		bool has_w = k > 0 || p == MS_PARAM_SCALAR || p == MS_PARAM_PRE;

		col = get(meth, cols[k]);
		assert_reals(get(col, "prediction"), L + 1);
		assert_reals(get(col, "squared_error"), L + 1);
		assert_reals(get(col, "residual_norm"), L + 1);
		if (has_w) {
			assert_matrix(get(col, "w"), L + 1, d);
			assert_reals(get(col, "w_distance"), L + 1);
		} else {
			assert_true(json_is_null(get(col, "w")));
			assert_true(json_is_null(get(col, "w_distance")));
		}
	}
	col = get(meth, "model");
	if (p == MS_PARAM_PRE)
		assert_reals(get(col, "w_misfit"), L + 1);
	assert_reals(get(get(meth, "cg"), "alpha"), L);
	assert_reals(get(get(meth, "cg"), "beta"), L);
	assert_reals(get(get(meth, "gd"), "step"), L + 1);
	assert_true(json_is_number(get(get(meth, "nesterov"), "eta")));
	assert_true(json_is_number(get(get(meth, "nesterov"), "beta")));
	mo = get(back, "memory");
	assert_string_equal(json_string_value(get(mo, "kind")),
	    config_memory_name(mem));
	assert_matrix(get(mo, "label_rows"), L + 1, n1);
	assert_matrix(get(mo, "registers"), L, n1);
	assert_matrix(get(mo, "coefficients"), L, L);
	assert_matrix(get(mo, "contributions"), L, L);
	assert_reals(get(mo, "query_update"), L);
	if (mem == MS_MEMORY_CGD) {
		assert_reals(get(mo, "alpha"), L);
		assert_reals(get(mo, "gamma"), L);
		assert_reals(get(mo, "cg_alpha_times_n"), L);
		assert_reals(get(mo, "cg_beta_previous"), L);
	}
	if (mem == MS_MEMORY_LFOM)
		assert_matrix(get(mo, "gamma_label_rows"), L, n1);
	/* a number survives the round trip exactly */
	assert_true(json_real_value(get(back, "query_label")) == tc.tr.yq);
	free(text);
	json_decref(back);
	json_decref(root);
	case_close(&tc);
}

static void
test_json(void **state)
{
	(void)state;
	check_json(MS_PARAM_PRE, MS_MEMORY_CGD);
	check_json(MS_PARAM_PRE, MS_MEMORY_LFOM);
	check_json(MS_PARAM_FULL, MS_MEMORY_NONE);
}

/* A model of another shape is refused. */
static void
test_shape_mismatch(void **state)
{
	struct ms_config c = trace_config(MS_PARAM_PRE, MS_MEMORY_CGD);
	struct ms_config c2 = c;
	struct task_dist dist;
	struct task_batch tb;
	struct model m;
	struct trace tr;

	(void)state;
	c2.layers = 3;
	test_batch(&c, &dist, &tb);
	model_init(&m, &c2);
	trace_init(&tr);
	trace_set_task(&tr, &c, &tb, 0, NULL);
	assert_int_equal(trace_set_model(&tr, &m), -1);
	assert_false(tr.have_model);
	trace_free(&tr);
	model_free(&m);
	task_batch_free(&tb);
	task_dist_free(&dist);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layer0_predicts_zero),
		cmocka_unit_test(test_cgd_with_cg_coefficients_is_cg),
		cmocka_unit_test(test_pre_implied_w_is_preconditioned_gd),
		cmocka_unit_test(test_contributions_add_up),
		cmocka_unit_test(test_columns_average_to_the_table),
		cmocka_unit_test(test_spectrum),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_shape_mismatch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
