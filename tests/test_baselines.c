/*
 * Tests of the classical baselines: each update against an independent
 * re-implementation from the tokens, CG's exactness in d steps, the
 * least-squares floor, the authors' quirk, and the step tuning.
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
#include "memscope/xmalloc.h"

/* A configuration filled field by field (independent of config_defaults). */
static struct ms_config
test_config(int dim, int context, enum ms_data data, uint64_t seed)
{
	struct ms_config cfg;

	memset(&cfg, 0, sizeof cfg);
	cfg.dim = dim;
	cfg.context = context;
	cfg.layers = 3;
	cfg.heads = 1;
	cfg.data = data;
	cfg.kappa = 100;
	cfg.wstar = MS_WSTAR_INVSIGMA;
	cfg.batch = 100;
	cfg.test_batch = 100;
	cfg.seed = seed;
	cfg.runs = 1;
	cfg.threads = 1;
	cfg.mom_eta = 0.005;
	cfg.mom_beta = 0.9;
	cfg.nest_eta = 0.03;
	cfg.nest_beta = 0.9;
	return cfg;
}

/* The distribution of cfg and a batch of B tasks from `stream` of its seed. */
static void
test_sample(const struct ms_config *cfg, int B, uint64_t stream,
    struct task_dist *dist, struct task_batch *tb)
{
	char err[256] = "";
	struct rng r;

	if (task_dist_init(dist, cfg, err, sizeof err) != 0)
		fail_msg("task_dist_init: %s", err);
	task_batch_alloc(tb, B, cfg->context, cfg->dim);
	rng_seed(&r, cfg->seed, stream);
	task_batch_sample(tb, dist, &r);
}

/* Task t's tokens and labels. */
static const double *
task_X(const struct task_batch *tb, int t)
{
	return tb->X + (size_t)t * (tb->n + 1) * tb->d;
}

static const double *
task_y(const struct task_batch *tb, int t)
{
	return tb->y + (size_t)t * (tb->n + 1);
}

/* ∇f(w) = Σ_{j<m} x_j (x_jᵀ w − y_j), straight from the tokens. */
static void
ref_grad(const double *X, const double *y, int m, int d, const double *w,
    double *g)
{
	for (int i = 0; i < d; i++)
		g[i] = 0.0;
	for (int j = 0; j < m; j++) {
		const double *x = X + (size_t)j * d;
		double res = -y[j];

		for (int i = 0; i < d; i++)
			res += x[i] * w[i];
		for (int i = 0; i < d; i++)
			g[i] += res * x[i];
	}
}

static double
ref_query_err(const double *X, const double *y, int n, int d, const double *w)
{
	double e = -y[n];

	for (int i = 0; i < d; i++)
		e += X[(size_t)n * d + i] * w[i];
	return e * e;
}

/*
 * The reference iterates of GD, oracle GD, momentum or Nesterov, written
 * from doc/math.md §6 without the H, b form: W (iters+1, d), err (iters+1).
 */
static void
ref_run(enum baseline b, double eta, double beta, const double *Sinv,
    const double *X, const double *y, int n, int m, int d, int iters,
    double *W, double *err)
{
	double w[64] = { 0 }, v[64] = { 0 }, g[64], t[64];

	assert_true(d <= 64);
	for (int k = 0; k <= iters; k++) {
		memcpy(W + (size_t)k * d, w, sizeof(double) * d);
		err[k] = ref_query_err(X, y, n, d, w);
		switch (b) {
		case BASELINE_GD:
			ref_grad(X, y, m, d, w, g);
			for (int i = 0; i < d; i++)
				w[i] = w[i] - eta * g[i];
			break;
		case BASELINE_GD_ORACLE:
			ref_grad(X, y, m, d, w, g);
			for (int i = 0; i < d; i++) {
				t[i] = 0.0;
				for (int j = 0; j < d; j++)
					t[i] += Sinv[i * d + j] * g[j];
			}
			for (int i = 0; i < d; i++)
				w[i] = w[i] - eta * t[i];
			break;
		case BASELINE_MOMENTUM:
			ref_grad(X, y, m, d, w, g);
			for (int i = 0; i < d; i++) {
				v[i] = beta * v[i] - eta * g[i];
				w[i] = w[i] + v[i];
			}
			break;
		case BASELINE_NESTEROV: {
			double wn[64];

			ref_grad(X, y, m, d, v, g);	/* gradient at v */
			for (int i = 0; i < d; i++)
				wn[i] = v[i] - eta * g[i];
			for (int i = 0; i < d; i++)
				v[i] = wn[i] + beta * (wn[i] - w[i]);
			memcpy(w, wn, sizeof(double) * d);
			break;
		}
		default:
			fail_msg("no reference for %s", baseline_name(b));
		}
	}
}

static void
assert_close(double got, double want, double rel, double abs_tol)
{
	if (!(fabs(got - want) <= rel * fabs(want) + abs_tol))
		fail_msg("got %.17g, want %.17g", got, want);
}

static void
test_baselines_names(void **state)
{
	(void)state;
	assert_string_equal(baseline_name(BASELINE_GD), "gd");
	assert_string_equal(baseline_name(BASELINE_GD_ORACLE), "gd-oracle");
	assert_string_equal(baseline_name(BASELINE_MOMENTUM), "momentum");
	assert_string_equal(baseline_name(BASELINE_NESTEROV), "nesterov");
	assert_string_equal(baseline_name(BASELINE_CG), "cg");
	assert_string_equal(baseline_name(BASELINE_LSQ), "lsq");
}

/* GD, oracle GD, momentum and Nesterov equal their reference iterates. */
static void
test_baselines_match_reference(void **state)
{
	enum { d = 5, n = 20, iters = 25, T = 5 };
	static const struct {
		enum baseline b;
		double eta, beta;
	} cases[] = {
		{ BASELINE_GD, 0.02, 0 },
		{ BASELINE_GD_ORACLE, 0.03, 0 },
		{ BASELINE_MOMENTUM, 0.005, 0.9 },
		{ BASELINE_NESTEROV, 0.03, 0.9 },
	};
	struct ms_config cfg = test_config(d, n, MS_DATA_PAPER, 3);
	struct task_dist dist;
	struct task_batch tb;
	double Sinv[d * d];
	double W[(iters + 1) * d], Wref[(iters + 1) * d];
	double err[iters + 1], eref[iters + 1];

	(void)state;
	test_sample(&cfg, T, RNG_STREAM_TEST, &dist, &tb);
	task_dist_sigma_inv(&dist, Sinv);
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		for (int m = n - 1; m <= n; m++) {
			struct baseline_params p = {
				.eta = cases[c].eta, .beta = cases[c].beta,
				.points = m, .sigma_inv = Sinv
			};

			for (int t = 0; t < T; t++) {
				double scale = 0.0;

				baseline_task(cases[c].b, &p, task_X(&tb, t),
				    task_y(&tb, t), n, d, iters, err, W, NULL,
				    NULL);
				ref_run(cases[c].b, cases[c].eta, cases[c].beta,
				    Sinv, task_X(&tb, t), task_y(&tb, t), n, m,
				    d, iters, Wref, eref);
				for (int i = 0; i < (iters + 1) * d; i++)
					scale = fmax(scale, fabs(Wref[i]));
				for (int i = 0; i < (iters + 1) * d; i++)
					assert_close(W[i], Wref[i], 0,
					    1e-12 * scale);
				for (int k = 0; k <= iters; k++)
					assert_close(err[k], eref[k], 1e-9,
					    1e-20);
				/* the iterates really move */
				assert_true(fabs(err[iters] - err[0]) >
				    1e-6 * err[0]);
			}
		}
	}
	task_batch_free(&tb);
	task_dist_free(&dist);
}

/* Iteration 0 is w = 0 for every method: err[0] = y_q², mse[0] = mean y_q². */
static void
test_baselines_iteration0(void **state)
{
	enum { d = 5, n = 20, iters = 4, B = 30 };
	struct ms_config cfg = test_config(d, n, MS_DATA_PAPER, 9);
	struct task_dist dist;
	struct task_batch tb;
	struct baseline_table table;
	double Sinv[d * d], err[iters + 1], mean = 0.0;

	(void)state;
	test_sample(&cfg, B, RNG_STREAM_TEST, &dist, &tb);
	task_dist_sigma_inv(&dist, Sinv);
	for (int m = 0; m < BASELINE_COUNT; m++) {
		struct baseline_params p = {
			.eta = 0.01, .beta = 0.9, .points = n,
			.sigma_inv = Sinv
		};

		for (int t = 0; t < 3; t++) {
			double yq = task_y(&tb, t)[n];

			baseline_task(m, &p, task_X(&tb, t), task_y(&tb, t), n,
			    d, iters, err, NULL, NULL, NULL);
			assert_true(err[0] == yq * yq);
			assert_true(err[1] != err[0]);
		}
	}
	for (int t = 0; t < B; t++)
		mean += task_y(&tb, t)[n] * task_y(&tb, t)[n];
	mean /= B;
	cfg.test_batch = 20;
	baselines_evaluate(&cfg, &dist, &tb, iters, &table);
	assert_int_equal(table.iters, iters);
	for (int m = 0; m < BASELINE_COUNT; m++)
		assert_close(table.mse[m][0], mean, 1e-14, 0);
	baseline_table_free(&table);
	task_batch_free(&tb);
	task_dist_free(&dist);
}

/* CG solves the task in d steps; its first step is the exact line search along b. */
static void
test_baselines_cg_exact(void **state)
{
	enum { d = 5, n = 20, iters = 8, T = 40 };
	struct ms_config cfg = test_config(d, n, MS_DATA_PAPER, 5);
	struct task_dist dist;
	struct task_batch tb;
	struct baseline_params p = { .points = n };
	double err[iters + 1], W[(iters + 1) * d];
	double alpha[iters], beta[iters];

	(void)state;
	test_sample(&cfg, T, RNG_STREAM_TEST, &dist, &tb);
	for (int t = 0; t < T; t++) {
		const double *X = task_X(&tb, t), *y = task_y(&tb, t);
		double yq2 = y[n] * y[n], bvec[d], Hb[d], bb = 0, bHb = 0;
		double zero[d];

		baseline_task(BASELINE_CG, &p, X, y, n, d, iters, err, W,
		    alpha, beta);
		assert_true(err[0] == yq2);
		for (int k = d; k <= iters; k++)
			if (!(err[k] < 1e-18 * yq2))
				fail_msg("task %d: CG err[%d] = %g, y_q² = %g",
				    t, k, err[k], yq2);
		/* before d steps the error is not (generically) zero */
		assert_true(err[d - 2] > 1e-12 * yq2);
		for (int k = 0; k < d; k++)
			assert_true(alpha[k] > 0.0);
		for (int k = d; k < iters; k++)
			assert_true(alpha[k] == 0.0 && beta[k] == 0.0);

		/* step 1: α₀ = bᵀb / bᵀHb with b = −∇f(0), w₁ = α₀ b */
		for (int i = 0; i < d; i++)
			zero[i] = 0.0;
		ref_grad(X, y, n, d, zero, bvec);
		for (int i = 0; i < d; i++)
			bvec[i] = -bvec[i];
		ref_grad(X, y, n, d, bvec, Hb);	/* H b − b */
		for (int i = 0; i < d; i++) {
			Hb[i] += bvec[i];
			bb += bvec[i] * bvec[i];
			bHb += bvec[i] * Hb[i];
		}
		assert_close(alpha[0], bb / bHb, 1e-12, 0);
		for (int i = 0; i < d; i++)
			assert_close(W[d + i], bb / bHb * bvec[i], 1e-12,
			    1e-14);
	}
	task_batch_free(&tb);
	task_dist_free(&dist);
}

/* A task whose labels are all zero: r₀ = 0, CG never moves, α = β = 0. */
static void
test_baselines_cg_zero_residual(void **state)
{
	enum { d = 4, n = 10, iters = 6 };
	struct ms_config cfg = test_config(d, n, MS_DATA_ISO, 6);
	struct task_dist dist;
	struct task_batch tb;
	struct baseline_params p = { .points = n };
	double y0[n + 1] = { 0 }, err[iters + 1], W[(iters + 1) * d];
	double alpha[iters], beta[iters];

	(void)state;
	test_sample(&cfg, 1, RNG_STREAM_TEST, &dist, &tb);
	y0[n] = 1.5;	/* only the query's label: the context fit is w = 0 */
	baseline_task(BASELINE_CG, &p, tb.X, y0, n, d, iters, err, W, alpha,
	    beta);
	for (int k = 0; k < iters; k++) {
		assert_true(alpha[k] == 0.0);
		assert_true(beta[k] == 0.0);
	}
	for (int k = 0; k <= iters; k++) {
		assert_true(err[k] == 1.5 * 1.5);
		for (int i = 0; i < d; i++)
			assert_true(W[k * d + i] == 0.0);
	}
	task_batch_free(&tb);
	task_dist_free(&dist);
}

/* LSQ: exact when n ≥ d; the minimum-norm interpolant when n < d (CG agrees). */
static void
test_baselines_lsq(void **state)
{
	enum { d = 6, iters = 3, T = 20 };
	struct ms_config cfg = test_config(d, 20, MS_DATA_KAPPA, 12);
	struct task_dist dist;
	struct task_batch tb;
	double err[iters + 1], W[(iters + 1) * d];

	(void)state;
	/* n = 20 ≥ d: the query error vanishes */
	test_sample(&cfg, T, RNG_STREAM_TEST, &dist, &tb);
	for (int t = 0; t < T; t++) {
		struct baseline_params p = { .points = 20 };
		double yq2 = task_y(&tb, t)[20] * task_y(&tb, t)[20];

		baseline_task(BASELINE_LSQ, &p, task_X(&tb, t), task_y(&tb, t),
		    20, d, iters, err, W, NULL, NULL);
		assert_true(err[0] == yq2);
		for (int k = 1; k <= iters; k++)
			assert_true(err[k] < 1e-18 * yq2);
		for (int i = 0; i < d; i++)
			assert_close(W[d + i], tb.w[t * d + i], 1e-8, 1e-10);
	}
	task_batch_free(&tb);
	task_dist_free(&dist);

	/* n = 3 < d: H is singular, the solution is the minimum-norm one */
	cfg.context = 3;
	test_sample(&cfg, T, RNG_STREAM_TEST, &dist, &tb);
	for (int t = 0; t < T; t++) {
		const double *X = task_X(&tb, t), *y = task_y(&tb, t);
		struct baseline_params p = { .points = 3 };
		double Q[3 * d], res[d], cgerr[d + 2];
		const double *w = W + d;

		baseline_task(BASELINE_LSQ, &p, X, y, 3, d, iters, err, W,
		    NULL, NULL);
		for (int k = 1; k <= iters; k++)
			assert_true(isfinite(err[k]) && err[k] == err[1]);
		/* interpolates the context points */
		for (int j = 0; j < 3; j++) {
			double f = 0.0;

			for (int i = 0; i < d; i++)
				f += X[j * d + i] * w[i];
			assert_close(f, y[j], 1e-9, 1e-12);
		}
		/* lies in span{x_j}: w minus its projection onto the span is 0 */
		memcpy(Q, X, sizeof Q);
		memcpy(res, w, sizeof res);
		for (int j = 0; j < 3; j++) {
			double nn = 0.0, c = 0.0;

			for (int k = 0; k < j; k++) {
				double dot = 0.0;

				for (int i = 0; i < d; i++)
					dot += Q[k * d + i] * Q[j * d + i];
				for (int i = 0; i < d; i++)
					Q[j * d + i] -= dot * Q[k * d + i];
			}
			for (int i = 0; i < d; i++)
				nn += Q[j * d + i] * Q[j * d + i];
			for (int i = 0; i < d; i++)
				Q[j * d + i] /= sqrt(nn);
			for (int i = 0; i < d; i++)
				c += Q[j * d + i] * res[i];
			for (int i = 0; i < d; i++)
				res[i] -= c * Q[j * d + i];
		}
		for (int i = 0; i < d; i++)
			assert_true(fabs(res[i]) < 1e-9 * (1.0 + fabs(w[i])));

		/* CG reaches the same point in 3 steps and stays there */
		baseline_task(BASELINE_CG, &p, X, y, 3, d, d + 1, cgerr, NULL,
		    NULL, NULL);
		for (int k = 3; k <= d + 1; k++)
			assert_close(cgerr[k], err[1], 1e-6, 1e-20);
	}
	task_batch_free(&tb);
	task_dist_free(&dist);
}

/*
 * The quirk (points = n − 1) is the same as running on a task whose last
 * context point is removed, and it changes the results.
 */
static void
test_baselines_quirks(void **state)
{
	enum { d = 5, n = 12, iters = 6, B = 40 };
	struct ms_config cfg = test_config(d, n, MS_DATA_PAPER, 14);
	struct task_dist dist;
	struct task_batch tb;
	struct baseline_table plain, quirk;
	double Sinv[d * d];

	(void)state;
	test_sample(&cfg, B, RNG_STREAM_TEST, &dist, &tb);
	task_dist_sigma_inv(&dist, Sinv);
	for (int m = 0; m < BASELINE_COUNT; m++) {
		struct baseline_params pq = {
			.eta = 0.01, .beta = 0.5, .points = n - 1,
			.sigma_inv = Sinv
		};
		struct baseline_params pn = pq;
		double Xs[n * d], ys[n], eq[iters + 1], es[iters + 1];
		double en[iters + 1];

		pn.points = n;
		/* tokens 0..n−2, then the query */
		memcpy(Xs, task_X(&tb, 0), sizeof(double) * (n - 1) * d);
		memcpy(Xs + (n - 1) * d, task_X(&tb, 0) + n * d,
		    sizeof(double) * d);
		memcpy(ys, task_y(&tb, 0), sizeof(double) * (n - 1));
		ys[n - 1] = task_y(&tb, 0)[n];
		pn.points = n - 1;
		baseline_task(m, &pn, Xs, ys, n - 1, d, iters, es, NULL, NULL,
		    NULL);
		baseline_task(m, &pq, task_X(&tb, 0), task_y(&tb, 0), n, d,
		    iters, eq, NULL, NULL, NULL);
		pn.points = n;
		baseline_task(m, &pn, task_X(&tb, 0), task_y(&tb, 0), n, d,
		    iters, en, NULL, NULL, NULL);
		for (int k = 0; k <= iters; k++)
			assert_true(eq[k] == es[k]);
		assert_true(en[1] != eq[1]);
	}

	cfg.test_batch = 30;
	cfg.quirks = false;
	baselines_evaluate(&cfg, &dist, &tb, iters, &plain);
	cfg.quirks = true;
	baselines_evaluate(&cfg, &dist, &tb, iters, &quirk);
	for (int m = 0; m < BASELINE_COUNT; m++) {
		assert_true(plain.mse[m][0] == quirk.mse[m][0]);
		assert_true(plain.mse[m][iters] != quirk.mse[m][iters]);
	}
	/* with n − 1 points CG is still exact by step d, LSQ from step 1 */
	assert_true(quirk.mse[BASELINE_CG][d] < 1e-18 * quirk.mse[BASELINE_CG][0]);
	assert_true(quirk.mse[BASELINE_LSQ][1] < 1e-18 * quirk.mse[BASELINE_LSQ][0]);
	baseline_table_free(&plain);
	baseline_table_free(&quirk);
	task_batch_free(&tb);
	task_dist_free(&dist);
}

/* Index of step s in a grid (10^(lo + i/10) / scale, i = 0..50), or -1. */
static int
grid_index(double s, double lo, double scale)
{
	for (int i = 0; i <= 50; i++) {
		double g = pow(10.0, lo + i / 10.0) / scale;

		if (fabs(s - g) <= 1e-12 * g)
			return i;
	}
	return -1;
}

/*
 * Tuned GD and oracle GD: each chosen step is in its grid and, on the tuning
 * batch, no worse at its k than any step of the grid (so no worse than a
 * fixed step); divergent steps exist at large k and are never chosen; the
 * test mse is that of the chosen step.
 */
static void
test_baselines_tuning(void **state)
{
	enum { d = 5, n = 20, iters = 130, B = 60, TB = 40 };
	struct ms_config cfg = test_config(d, n, MS_DATA_PAPER, 17);
	struct task_dist dist;
	struct task_batch test, tune;
	struct baseline_table table;
	struct rng r;
	double Sinv[d * d];
	double *grid = xdoubles((size_t)51 * (iters + 1));
	double *mse = xdoubles((size_t)iters + 1);
	static const struct {
		enum baseline b;
		double lo, scale;
	} methods[] = {
		{ BASELINE_GD, -4.0, 1.0 },
		{ BASELINE_GD_ORACLE, -3.0, n },
	};

	(void)state;
	cfg.test_batch = TB;
	test_sample(&cfg, B, RNG_STREAM_TEST, &dist, &test);
	task_dist_sigma_inv(&dist, Sinv);
	baselines_evaluate(&cfg, &dist, &test, iters, &table);

	/* the tuning batch, drawn as the module says it draws it */
	task_batch_alloc(&tune, TB, n, d);
	rng_seed(&r, cfg.seed, RNG_STREAM_TUNE);
	task_batch_sample(&tune, &dist, &r);

	for (size_t c = 0; c < 2; c++) {
		enum baseline b = methods[c].b;
		struct baseline_params p = { .points = n, .sigma_inv = Sinv };
		int diverged = 0;

		assert_true(table.step[b][0] == 0.0);
		for (int i = 0; i <= 50; i++) {
			p.eta = pow(10.0, methods[c].lo + i / 10.0) /
			    methods[c].scale;
			baseline_batch(b, &p, &tune, iters,
			    grid + (size_t)i * (iters + 1));
			diverged += !isfinite(grid[(size_t)i * (iters + 1) +
			    iters]);
		}
		assert_true(diverged > 0);	/* the guard is exercised */
		for (int k = 1; k <= iters; k++) {
			double s = table.step[b][k];

			if (grid_index(s, methods[c].lo, methods[c].scale) < 0)
				fail_msg("%s: step %g at k = %d is not in the "
				    "grid", baseline_name(b), s, k);
			/* its tuning mse is the grid's best at this k */
			p.eta = s;
			baseline_batch(b, &p, &tune, k, mse);
			assert_true(isfinite(mse[k]));
			for (int i = 0; i <= 50; i++) {
				double v = grid[(size_t)i * (iters + 1) + k];

				if (isfinite(v))
					assert_true(mse[k] <= v);
			}
			/* its test mse is that of the chosen step */
			baseline_batch(b, &p, &test, k, mse);
			assert_true(table.mse[b][k] == mse[k]);
		}
	}

	/* fixed-step methods record their step; CG and LSQ none */
	for (int k = 0; k <= iters; k++) {
		assert_true(table.step[BASELINE_MOMENTUM][k] == 0.005);
		assert_true(table.step[BASELINE_NESTEROV][k] == 0.03);
		assert_true(table.step[BASELINE_CG][k] == 0.0);
		assert_true(table.step[BASELINE_LSQ][k] == 0.0);
	}
	/* momentum and Nesterov use the configured η and β */
	{
		struct baseline_params p = { .eta = 0.005, .beta = 0.9,
		    .points = n };

		baseline_batch(BASELINE_MOMENTUM, &p, &test, iters, mse);
		assert_memory_equal(mse, table.mse[BASELINE_MOMENTUM],
		    sizeof(double) * (iters + 1));
		p.eta = 0.03;
		baseline_batch(BASELINE_NESTEROV, &p, &test, iters, mse);
		assert_memory_equal(mse, table.mse[BASELINE_NESTEROV],
		    sizeof(double) * (iters + 1));
	}
	baseline_table_free(&table);

	/* a fixed gd_step is used as given, at every k */
	cfg.gd_step = 0.01234;
	baselines_evaluate(&cfg, &dist, &test, 10, &table);
	{
		struct baseline_params p = { .eta = 0.01234, .points = n,
		    .sigma_inv = Sinv };

		baseline_batch(BASELINE_GD, &p, &test, 10, mse);
		for (int k = 0; k <= 10; k++) {
			assert_true(table.step[BASELINE_GD][k] == 0.01234);
			assert_true(table.step[BASELINE_GD_ORACLE][k] ==
			    0.01234);
			assert_true(table.mse[BASELINE_GD][k] == mse[k]);
		}
	}
	baseline_table_free(&table);
	assert_null(table.mse[BASELINE_GD]);

	free(grid);
	free(mse);
	task_batch_free(&tune);
	task_batch_free(&test);
	task_dist_free(&dist);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_baselines_names),
		cmocka_unit_test(test_baselines_match_reference),
		cmocka_unit_test(test_baselines_iteration0),
		cmocka_unit_test(test_baselines_cg_exact),
		cmocka_unit_test(test_baselines_cg_zero_residual),
		cmocka_unit_test(test_baselines_lsq),
		cmocka_unit_test(test_baselines_quirks),
		cmocka_unit_test(test_baselines_tuning),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
