/*
 * The model: every gradient against central finite differences, the label
 * path against the dense path, Lemma 1 (Ahn et al.), Proposition 1 (the cgd
 * Memformer runs CG), the unrolled cgd coefficients, and determinism.
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

#include "memscope/analysis.h"
#include "memscope/baselines.h"
#include "memscope/model.h"
#include "memscope/task.h"
#include "memscope/xmalloc.h"

#include "model_fd.h"

static struct ms_config
small_config(enum ms_param p, enum ms_memory mem, int heads)
{
	struct ms_config c;

	memset(&c, 0, sizeof c);
	c.dim = 3;
	c.context = 4;
	c.layers = 3;
	c.heads = heads;
	c.param = p;
	c.memory = mem;
	c.data = MS_DATA_KAPPA;
	c.kappa = 4.0;
	c.wstar = MS_WSTAR_INVSIGMA;
	c.batch = 3;
	c.test_batch = 3;
	c.steps = 1;
	c.lr = 0.01;
	c.seed = 7;
	c.runs = 1;
	c.threads = 1;
	return c;
}

static void
make_batch(struct task_batch *tb, struct task_dist *dist,
    const struct ms_config *c, uint64_t stream)
{
	model_fd_batch(tb, dist, c, stream);
}

/* Parameters of order one, so every term of the gradient is exercised. */
static void
random_params(struct model *m, uint64_t seed)
{
	model_fd_params(m, seed);
}

static void
check_fd(enum ms_param p, enum ms_memory mem, int heads, int dim)
{
	struct ms_config c = small_config(p, mem, heads);
	struct task_dist dist;
	struct task_batch tb;
	struct model m;
	char what[64];

	c.dim = dim;
	if (dim > 3)	/* kernels for larger d: generic label, BLAS dense */
		c.layers = 2;
	make_batch(&tb, &dist, &c, 3);
	model_init(&m, &c);
	random_params(&m, 11 + (uint64_t)p * 7 + (uint64_t)mem * 3 + heads);
	snprintf(what, sizeof what, "param %s/%s/H%d", config_param_name(p),
	    config_memory_name(mem), heads);
	assert_true(model_fd_check(&m, &tb, what) < 1e-6);
	model_free(&m);
	task_batch_free(&tb);
	task_dist_free(&dist);
}

static void
test_gradients_match_finite_differences(void **state)
{
	(void)state;
	for (int p = MS_PARAM_SCALAR; p <= MS_PARAM_FULL; p++)
		for (int mem = MS_MEMORY_NONE; mem <= MS_MEMORY_LFOM; mem++)
			for (int heads = 1; heads <= 2; heads++)
				check_fd(p, mem, heads, 3);
}

/*
 * model_grad_reach: outside its ranges every gradient is +0, bit for bit
 * (random parameters of order one, so a reach too narrow leaves out a
 * non-zero one), and it leaves out exactly Γ_ℓ's rows but the label row on
 * the label path with lfom or rec, and nothing otherwise.
 */
static void
test_grad_reach_holds_every_gradient(void **state)
{
	(void)state;
	for (int p = MS_PARAM_SCALAR; p <= MS_PARAM_FULL; p++)
		for (int mem = MS_MEMORY_NONE; mem <= MS_MEMORY_REC; mem++) {
			struct ms_config c = small_config(p, mem, 2);
			struct task_dist dist;
			struct task_batch tb;
			struct model m;
			size_t *r, lo = 0, reached = 0;
			int nr;

			make_batch(&tb, &dist, &c, 5);
			model_init(&m, &c);
			random_params(&m, 31 + (uint64_t)p * 5 + (uint64_t)mem);
			model_loss_grad(&m, &tb, NULL);
			r = xmalloc(2 * (size_t)m.nblocks * sizeof *r);
			nr = model_grad_reach(&m, r);
			for (int k = 0; k <= nr; k++) {
				size_t hi = k < nr ? r[2 * k] : m.nparams;

				for (size_t i = lo; i < hi; i++) {
					uint64_t bits;

					memcpy(&bits, &m.grads[i], sizeof bits);
					assert_true(bits == 0);
				}
				if (k == nr)
					break;
				reached += r[2 * k + 1] - r[2 * k];
				lo = r[2 * k + 1];
			}
			if (m.path == MODEL_PATH_LABEL &&
			    (mem == MS_MEMORY_LFOM || mem == MS_MEMORY_REC))
				assert_true(reached == m.nparams -
				    (size_t)c.layers * c.dim * (c.context + 1));
			else
				assert_true(nr == 1 && reached == m.nparams);
			free(r);
			model_free(&m);
			task_batch_free(&tb);
			task_dist_free(&dist);
		}
}

/* The same above MODEL_SMALL_D (8): the kernels with d not a constant. */
static void
test_gradients_match_finite_differences_large_d(void **state)
{
	(void)state;
	for (int p = MS_PARAM_SCALAR; p <= MS_PARAM_FULL; p++)
		for (int mem = MS_MEMORY_NONE; mem <= MS_MEMORY_LFOM; mem++)
			check_fd(p, mem, 2, 9);
}

/* scalar and pre: the label-row path and the dense path agree exactly. */
static void
test_label_path_matches_dense_path(void **state)
{
	(void)state;
	for (int p = MS_PARAM_SCALAR; p <= MS_PARAM_PRE; p++) {
		for (int mem = MS_MEMORY_NONE; mem <= MS_MEMORY_LFOM; mem++) {
			struct ms_config c = small_config(p, mem, 2);
			struct task_dist dist;
			struct task_batch tb;
			struct model m;
			double l1, l2, *g, mse1[3], mse2[3];

			c.batch = 5;
			make_batch(&tb, &dist, &c, 4);
			model_init(&m, &c);
			assert_int_equal(m.path, MODEL_PATH_LABEL);
			random_params(&m, 5);
			l1 = model_loss_grad(&m, &tb, NULL);
			model_evaluate(&m, &tb, NULL, mse1);
			g = xdoubles(m.nparams);
			memcpy(g, m.grads, m.nparams * sizeof *g);
			model_set_path(&m, MODEL_PATH_DENSE);
			l2 = model_loss_grad(&m, &tb, NULL);
			model_evaluate(&m, &tb, NULL, mse2);
			assert_true(fabs(l1 - l2) <= 1e-12 * (1 + fabs(l1)));
			for (int l = 0; l < 3; l++)
				assert_true(fabs(mse1[l] - mse2[l]) <=
				    1e-12 * (1 + mse1[l]));
			for (size_t i = 0; i < m.nparams; i++)
				assert_true(fabs(g[i] - m.grads[i]) <=
				    1e-10 * (1 + fabs(g[i])));
			free(g);
			model_free(&m);
			task_batch_free(&tb);
			task_dist_free(&dist);
		}
	}
}

/* w ← w − A ∇R(w), R(w) = (1/2n) Σ_{i<n} (⟨w, x_i⟩ − y_i)². */
static void
precond_gd_step(double *w, const double *A, const double *x, const double *y,
    int n, int d)
{
	double grad[16] = { 0 }, nw[16];

	for (int i = 0; i < n; i++) {
		double res = -y[i];

		for (int k = 0; k < d; k++)
			res += w[k] * x[i * d + k];
		for (int k = 0; k < d; k++)
			grad[k] += res * x[i * d + k] / n;
	}
	for (int k = 0; k < d; k++) {
		nw[k] = w[k];
		for (int c = 0; c < d; c++)
			nw[k] -= A[k * d + c] * grad[c];
	}
	memcpy(w, nw, (size_t)d * sizeof *w);
}

/* Lemma 1: label row = residuals of preconditioned GD, at every layer. */
static void
check_lemma1(enum ms_param p)
{
	struct ms_config c = small_config(p, MS_MEMORY_NONE, 1);
	struct task_dist dist;
	struct task_batch tb;
	struct model m;
	int n, d, L, n1;
	double *label, worst = 0.0;

	c.dim = 4;
	c.context = 9;
	c.layers = 4;
	make_batch(&tb, &dist, &c, 5);
	model_init(&m, &c);
	random_params(&m, 21);
	n = c.context;
	d = c.dim;
	L = c.layers;
	n1 = n + 1;
	label = xdoubles((size_t)(L + 1) * n1);
	for (int b = 0; b < tb.B; b++) {
		const double *x = tb.X + (size_t)b * n1 * d;
		const double *y = tb.y + (size_t)b * n1;
		double w[16] = { 0 };

		model_trace_task(&m, &tb, b, label, NULL);
		for (int l = 0; l <= L; l++) {
			for (int i = 0; i <= n; i++) {
				double want = (i < n ? y[i] : 0.0);

				for (int k = 0; k < d; k++)
					want -= x[i * d + k] * w[k];
				if (fabs(label[l * n1 + i] - want) > worst)
					worst = fabs(label[l * n1 + i] - want);
			}
			if (l == L)
				break;
			if (p == MS_PARAM_PRE) {
				precond_gd_step(w, model_param(&m, "A", l, 0),
				    x, y, n, d);
			} else {
				double A[16] = { 0 };
				double a = *model_param(&m, "a", l, 0);

				for (int k = 0; k < d; k++)
					A[k * d + k] = a;
				precond_gd_step(w, A, x, y, n, d);
			}
		}
	}
	assert_true(worst < 1e-12);
	free(label);
	model_free(&m);
	task_batch_free(&tb);
	task_dist_free(&dist);
}

static void
test_lemma1_pre_is_preconditioned_gd(void **state)
{
	(void)state;
	check_lemma1(MS_PARAM_PRE);
}

static void
test_lemma1_scalar_is_gd(void **state)
{
	(void)state;
	check_lemma1(MS_PARAM_SCALAR);
}

/* Proposition 1: A = I, α_ℓ = n·α_ℓ^CG, γ_ℓ = β_{ℓ−1}^CG ⇒ CG's iterates. */
static void
test_proposition1_cgd_memformer_runs_cg(void **state)
{
	struct ms_config c = small_config(MS_PARAM_PRE, MS_MEMORY_CGD, 1);
	struct task_dist dist;
	struct task_batch tb;
	struct model m;
	struct baseline_params bp = { 0 };
	int n, d, L, n1;
	double *label, *wcg, *err, *alpha, *beta, worst = 0.0;

	(void)state;
	c.dim = 5;
	c.context = 12;
	c.layers = 5;
	make_batch(&tb, &dist, &c, 6);
	model_init(&m, &c);
	n = c.context;
	d = c.dim;
	L = c.layers;
	n1 = n + 1;
	label = xdoubles((size_t)(L + 1) * n1);
	wcg = xdoubles((size_t)(L + 1) * d);
	err = xdoubles((size_t)L + 1);
	alpha = xdoubles((size_t)L);
	beta = xdoubles((size_t)L);
	bp.points = n;
	for (int b = 0; b < tb.B; b++) {
		const double *x = tb.X + (size_t)b * n1 * d;

		baseline_task(BASELINE_CG, &bp, x, tb.y + (size_t)b * n1, n, d,
		    L, err, wcg, alpha, beta);
		for (int l = 0; l < L; l++) {
			double *A = model_param(&m, "A", l, 0);

			for (int k = 0; k < d * d; k++)
				A[k] = (k % (d + 1) == 0) ? 1.0 : 0.0;
			*model_param(&m, "alpha", l, -1) = n * alpha[l];
			*model_param(&m, "gamma", l, -1) = l ? beta[l - 1] : 0.0;
		}
		model_trace_task(&m, &tb, b, label, NULL);
		for (int l = 0; l <= L; l++) {
			double pred = 0.0;

			for (int k = 0; k < d; k++)
				pred += x[n * d + k] * wcg[l * d + k];
			/* the model predicts −(query label cell) */
			if (fabs(-label[l * n1 + n] - pred) > worst)
				worst = fabs(-label[l * n1 + n] - pred);
		}
	}
	assert_true(worst < 1e-9);
	free(label);
	free(wcg);
	free(err);
	free(alpha);
	free(beta);
	model_free(&m);
	task_batch_free(&tb);
	task_dist_free(&dist);
}

/* doc/math.md §4: cgd unrolled is an LFOM with coefficients α_ℓ Π γ_k. */
static void
test_cgd_unrolls_to_lfom_coefficients(void **state)
{
	struct ms_config c = small_config(MS_PARAM_PRE, MS_MEMORY_CGD, 1);
	struct task_dist dist;
	struct task_batch tb;
	struct model m;
	int n, L, n1;
	double *label, *reg, *S, *coef, worst = 0.0;

	(void)state;
	c.layers = 4;
	make_batch(&tb, &dist, &c, 8);
	model_init(&m, &c);
	random_params(&m, 31);
	n = c.context;
	L = c.layers;
	n1 = n + 1;
	label = xdoubles((size_t)(L + 1) * n1);
	reg = xdoubles((size_t)L * n1);
	S = xdoubles((size_t)L * n1);
	coef = xdoubles((size_t)L * L);
	analysis_cgd_coefficients(&m, coef);
	model_trace_task(&m, &tb, 1, label, reg);
	/* the attention outputs: S_j = R_j − γ_j R_{j−1} */
	for (int j = 0; j < L; j++)
		for (int i = 0; i < n1; i++)
			S[j * n1 + i] = reg[j * n1 + i] - (j ? *model_param(&m,
			    "gamma", j, -1) * reg[(j - 1) * n1 + i] : 0.0);
	for (int l = 0; l < L; l++) {
		for (int i = 0; i < n1; i++) {
			double upd = 0.0;

			for (int j = 0; j <= l; j++)
				upd += coef[l * L + j] * S[j * n1 + i] / n;
			upd -= label[(l + 1) * n1 + i] - label[l * n1 + i];
			if (fabs(upd) > worst)
				worst = fabs(upd);
		}
		for (int j = l + 1; j < L; j++)
			assert_true(coef[l * L + j] == 0.0);
	}
	assert_true(worst < 1e-12);
	free(label);
	free(reg);
	free(S);
	free(coef);
	model_free(&m);
	task_batch_free(&tb);
	task_dist_free(&dist);
}

/* With pre, H heads act as one head with A = Σ_h A_h. */
static void
test_pre_heads_sum(void **state)
{
	struct ms_config c2 = small_config(MS_PARAM_PRE, MS_MEMORY_LFOM, 2);
	struct ms_config c1 = small_config(MS_PARAM_PRE, MS_MEMORY_LFOM, 1);
	struct task_dist dist;
	struct task_batch tb;
	struct model m1, m2;
	double l1, l2;

	(void)state;
	make_batch(&tb, &dist, &c2, 9);
	model_init(&m1, &c1);
	model_init(&m2, &c2);
	random_params(&m2, 41);
	random_params(&m1, 41);
	for (int l = 0; l < c1.layers; l++) {
		double *A = model_param(&m1, "A", l, -0);
		const double *A0 = model_param(&m2, "A", l, 0);
		const double *A1 = model_param(&m2, "A", l, 1);

		for (int k = 0; k < c1.dim * c1.dim; k++)
			A[k] = A0[k] + A1[k];
		memcpy(model_param(&m1, "Gamma", l, -1),
		    model_param(&m2, "Gamma", l, -1),
		    (size_t)(c1.dim + 1) * (c1.context + 1) * sizeof(double));
	}
	l1 = model_loss_grad(&m1, &tb, NULL);
	l2 = model_loss_grad(&m2, &tb, NULL);
	assert_true(fabs(l1 - l2) <= 1e-13 * (1 + l1));
	model_free(&m1);
	model_free(&m2);
	task_batch_free(&tb);
	task_dist_free(&dist);
}

/* Same seed, same worker count: bit-identical; 1 vs 2 workers: equal to rounding. */
static void
test_deterministic_for_seed_and_threads(void **state)
{
	struct ms_config c = small_config(MS_PARAM_PRE, MS_MEMORY_LFOM, 1);
	struct task_dist dist;
	struct task_batch tb;
	struct model m;
	struct pool *pool = pool_create(2);
	double la, lb, lc, *ga, *gb;

	(void)state;
	c.batch = 101;
	make_batch(&tb, &dist, &c, 10);
	model_init(&m, &c);
	random_params(&m, 51);
	ga = xdoubles(m.nparams);
	gb = xdoubles(m.nparams);
	la = model_loss_grad(&m, &tb, pool);
	memcpy(ga, m.grads, m.nparams * sizeof *ga);
	lb = model_loss_grad(&m, &tb, pool);
	memcpy(gb, m.grads, m.nparams * sizeof *gb);
	assert_memory_equal(&la, &lb, sizeof la);
	assert_memory_equal(ga, gb, m.nparams * sizeof *ga);
	lc = model_loss_grad(&m, &tb, NULL);
	assert_true(fabs(la - lc) <= 1e-13 * la);
	for (size_t i = 0; i < m.nparams; i++)
		assert_true(fabs(ga[i] - m.grads[i]) <= 1e-12 * (1 + fabs(ga[i])));
	free(ga);
	free(gb);
	pool_free(pool);
	model_free(&m);
	task_batch_free(&tb);
	task_dist_free(&dist);
}

/*
 * The label path in scalar order, one task: s = Σ_{j<n} y_j x_j, A = Σ_h A_h,
 * v = A s, r_i = −x_i·v, then the memory update; every sum from zero in
 * ascending order, its terms fused (fma), s as two sums (even and odd j)
 * added at the end (model_label_kern.h). Fills lab ((L+1)*(n+1)) and
 * returns the prediction.
 */
static double
reference_label_task(struct model *m, const double *x, const double *ytrue,
    double *lab)
{
	int d = m->d, n = m->n, n1 = n + 1, L = m->L, H = m->H;
	int scalar = m->cfg.param == MS_PARAM_SCALAR;
	const char *name = scalar ? "a" : "A";
	double inv_n = 1.0 / n, s[16], v[16], A[256], r[64], rp[64], u[64];

	assert_true(d <= 16 && n1 <= 64);
	memcpy(lab, ytrue, (size_t)n * sizeof *lab);
	lab[n] = 0.0;
	memset(u, 0, sizeof u);
	for (int l = 0; l < L; l++) {
		const double *y = lab + l * n1;
		double *yn = lab + (l + 1) * n1;
		int sz = scalar ? 1 : d * d;

		for (int e = 0; e < sz; e++) {
			A[e] = 0.0;
			for (int h = 0; h < H; h++)
				A[e] += model_param(m, name, l, h)[e];
		}
		for (int k = 0; k < d; k++) {
			double even = 0.0, odd = 0.0;

			/* two running sums, even and odd j (d ≤ 8) */
			for (int j = 0; j < n; j++) {
				if (j % 2 == 0)
					even = fma(y[j], x[j * d + k], even);
				else
					odd = fma(y[j], x[j * d + k], odd);
			}
			s[k] = even + odd;
		}
		for (int k = 0; k < d; k++) {
			if (scalar) {
				v[k] = A[0] * s[k];
				continue;
			}
			v[k] = 0.0;
			for (int c = 0; c < d; c++)
				v[k] = fma(A[k * d + c], s[c], v[k]);
		}
		for (int i = 0; i < n1; i++) {
			double a = 0.0;

			for (int k = 0; k < d; k++)
				a = fma(x[i * d + k], v[k], a);
			r[i] = -a;
		}
		for (int i = 0; i < n1; i++) {
			switch (m->cfg.memory) {
			case MS_MEMORY_NONE:
				yn[i] = y[i] + inv_n * r[i];
				break;
			case MS_MEMORY_CGD: {
				double al = *model_param(m, "alpha", l, -1);
				double ga = *model_param(m, "gamma", l, -1);

				if (l > 0)
					r[i] += ga * rp[i];
				yn[i] = y[i] + al * inv_n * r[i];
				rp[i] = r[i];
				break;
			}
			case MS_MEMORY_LFOM: {
				const double *G = model_param(m, "Gamma", l,
				    -1);

				u[i] += inv_n * G[d * n1 + i] * r[i];
				yn[i] = y[i] + u[i];
				break;
			}
			case MS_MEMORY_REC: {	/* doc/math.md §4.4 */
				double al = *model_param(m, "alpha", l, -1);
				const double *G = model_param(m, "Gamma", l,
				    -1);

				if (l > 0)
					r[i] += G[d * n1 + i] * rp[i];
				yn[i] = y[i] + al * inv_n * r[i];
				rp[i] = r[i];
				break;
			}
			}
		}
	}
	return -lab[L * n1 + n];
}

/*
 * The label path runs tasks in blocks of interleaved vector lanes: each
 * task's prediction and label rows are bit-identical to the scalar-order
 * reference, for batch sizes that are not a multiple of the lane count and
 * for 1, 2 and 3 threads; loss and gradients are bit-identical across
 * thread counts and equal to the per-task sums up to rounding.
 */
static void
check_blocked(enum ms_param p, enum ms_memory mem, struct pool **pools)
{
	static const int sizes[] = { 1, 3, 5, 7, 101 };
	struct ms_config c = small_config(p, mem, 2);
	struct task_dist dist;
	struct task_batch tb;
	struct model m;
	size_t rows, np;
	int n1, d;
	double *want, *pred, *lab, *trace, *g1, *gsum;

	c.dim = 5;
	c.context = 9;
	c.layers = 3;
	c.batch = 101;
	make_batch(&tb, &dist, &c, 12);
	model_init(&m, &c);
	assert_int_equal(m.path, MODEL_PATH_LABEL);
	random_params(&m, 61 + p * 3 + mem);
	n1 = c.context + 1;
	d = c.dim;
	rows = (size_t)(c.layers + 1) * n1;
	np = m.nparams;
	want = xdoubles((size_t)tb.B);
	pred = xdoubles((size_t)tb.B);
	lab = xdoubles(rows);
	trace = xdoubles(rows);
	g1 = xdoubles(np);
	gsum = xdoubles(np);
	for (int b = 0; b < tb.B; b++) {
		want[b] = reference_label_task(&m, tb.X + (size_t)b * n1 * d,
		    tb.y + (size_t)b * n1, lab);
		model_trace_task(&m, &tb, b, trace, NULL);
		assert_memory_equal(trace, lab, rows * sizeof *lab);
	}
	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		struct task_batch sub = tb;
		double loss[3];

		sub.B = sizes[k];
		for (int t = 0; t < 3; t++) {
			memset(pred, 0, (size_t)tb.B * sizeof *pred);
			model_predict(&m, &sub, pools[t], pred);
			assert_memory_equal(pred, want,
			    (size_t)sub.B * sizeof *pred);
			loss[t] = model_loss_grad(&m, &sub, pools[t]);
			if (t == 0)
				memcpy(g1, m.grads, np * sizeof *g1);
			else
				assert_memory_equal(g1, m.grads,
				    np * sizeof *g1);
		}
		assert_memory_equal(&loss[0], &loss[1], sizeof loss[0]);
		assert_memory_equal(&loss[0], &loss[2], sizeof loss[0]);
		/* the batch gradient is the mean of the tasks' */
		memset(gsum, 0, np * sizeof *gsum);
		for (int b = 0; b < sub.B; b++) {
			struct task_batch one = tb;

			one.B = 1;
			one.X = tb.X + (size_t)b * n1 * d;
			one.y = tb.y + (size_t)b * n1;
			model_loss_grad(&m, &one, NULL);
			for (size_t i = 0; i < np; i++)
				gsum[i] += m.grads[i] / sub.B;
		}
		for (size_t i = 0; i < np; i++)
			assert_true(fabs(gsum[i] - g1[i]) <=
			    1e-12 * (1 + fabs(g1[i])));
	}
	free(want);
	free(pred);
	free(lab);
	free(trace);
	free(g1);
	free(gsum);
	model_free(&m);
	task_batch_free(&tb);
	task_dist_free(&dist);
}

static void
test_blocked_lanes_bit_identical(void **state)
{
	struct pool *pools[3] = { NULL, pool_create(2), pool_create(3) };

	(void)state;
	for (int p = MS_PARAM_SCALAR; p <= MS_PARAM_PRE; p++)
		for (int mem = MS_MEMORY_NONE; mem <= MS_MEMORY_REC; mem++)
			check_blocked(p, mem, pools);
	pool_free(pools[1]);
	pool_free(pools[2]);
}

/*
 * The dense path, in lanes (d 3) and one task at a time (d 9): each task's
 * prediction is the same bits whatever the batch size and thread count,
 * and so are the batch's loss and gradients for 1, 2 and 3 threads.
 */
static void
check_dense_same_bits(enum ms_param p, int dim)
{
	static const int sizes[] = { 1, 3, 5, 7, 37 };
	struct ms_config c = small_config(p, MS_MEMORY_LFOM, 2);
	struct task_dist dist;
	struct task_batch tb, sub;
	struct model m;
	struct pool *pools[3] = { NULL, pool_create(2), pool_create(3) };
	double *g1, *want, *pred, *label;
	int n1;

	c.dim = dim;
	c.batch = 37;
	make_batch(&tb, &dist, &c, 13);
	model_init(&m, &c);
	assert_int_equal(m.path, MODEL_PATH_DENSE);
	random_params(&m, 71 + dim);
	n1 = c.context + 1;
	g1 = xdoubles(m.nparams);
	want = xdoubles((size_t)tb.B);
	pred = xdoubles((size_t)tb.B);
	label = xdoubles((size_t)(c.layers + 1) * n1);
	for (int b = 0; b < tb.B; b++) {
		model_trace_task(&m, &tb, b, label, NULL);
		want[b] = -label[c.layers * n1 + c.context];
	}
	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		double loss[3];

		sub = tb;
		sub.B = sizes[k];
		for (int t = 0; t < 3; t++) {
			model_predict(&m, &sub, pools[t], pred);
			assert_memory_equal(pred, want,
			    (size_t)sub.B * sizeof *pred);
			loss[t] = model_loss_grad(&m, &sub, pools[t]);
			if (t == 0)
				memcpy(g1, m.grads, m.nparams * sizeof *g1);
			else
				assert_memory_equal(g1, m.grads,
				    m.nparams * sizeof *g1);
		}
		assert_memory_equal(&loss[0], &loss[1], sizeof loss[0]);
		assert_memory_equal(&loss[0], &loss[2], sizeof loss[0]);
	}
	free(g1);
	free(want);
	free(pred);
	free(label);
	pool_free(pools[1]);
	pool_free(pools[2]);
	model_free(&m);
	task_batch_free(&tb);
	task_dist_free(&dist);
}

static void
test_dense_path_same_bits_for_any_thread_count(void **state)
{
	(void)state;
	check_dense_same_bits(MS_PARAM_GDPP, 3);
	check_dense_same_bits(MS_PARAM_FULL, 3);
	check_dense_same_bits(MS_PARAM_FULL, 9);
}

/* The table: shapes per parametrization and memory; initialisation. */
static void
test_parameter_table_and_init(void **state)
{
	struct ms_config c = small_config(MS_PARAM_GDPP, MS_MEMORY_CGD, 2);
	struct model m;
	struct rng r;

	(void)state;
	model_init(&m, &c);
	assert_int_equal(m.nblocks, 3 * (2 * 2 + 2));
	assert_non_null(model_block(&m, "B", 2, 1));
	assert_null(model_block(&m, "Q", 0, 0));
	assert_int_equal(model_block(&m, "A", 1, 0)->rows, 3);
	rng_seed(&r, 1, RNG_STREAM_INIT);
	model_init_params(&m, &r);
	assert_true(*model_param(&m, "alpha", 1, -1) == 1.0);
	assert_true(*model_param(&m, "gamma", 1, -1) == 0.0);
	{
		const double *A = model_param(&m, "A", 0, 0);
		double ss = 0.0;

		for (int k = 0; k < 9; k++)
			ss += A[k] * A[k];
		assert_true(ss > 0.0 && sqrt(ss / 9) < 1e-3);
	}
	model_free(&m);
	c = small_config(MS_PARAM_FULL, MS_MEMORY_LFOM, 1);
	model_init(&m, &c);
	assert_int_equal(model_block(&m, "P", 0, 0)->rows, 4);
	assert_int_equal(model_block(&m, "Gamma", 2, -1)->cols, 5);
	assert_int_equal(model_block(&m, "Gamma", 2, -1)->rows, 4);
	model_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parameter_table_and_init),
		cmocka_unit_test(test_gradients_match_finite_differences),
		cmocka_unit_test(test_grad_reach_holds_every_gradient),
		cmocka_unit_test(
		    test_gradients_match_finite_differences_large_d),
		cmocka_unit_test(test_label_path_matches_dense_path),
		cmocka_unit_test(test_lemma1_pre_is_preconditioned_gd),
		cmocka_unit_test(test_lemma1_scalar_is_gd),
		cmocka_unit_test(test_proposition1_cgd_memformer_runs_cg),
		cmocka_unit_test(test_cgd_unrolls_to_lfom_coefficients),
		cmocka_unit_test(test_pre_heads_sum),
		cmocka_unit_test(test_deterministic_for_seed_and_threads),
		cmocka_unit_test(test_blocked_lanes_bit_identical),
		cmocka_unit_test(
		    test_dense_path_same_bits_for_any_thread_count),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
