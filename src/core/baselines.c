/*
 * Classical methods on each task's least squares problem (doc/math.md §6).
 *
 * Every method sees the task only through the d×d quadratic it defines:
 * with the first m context points (m = p->points; n, or n − 1 for the
 * authors' off-by-one), H = Σ_{j<m} x_j x_jᵀ and b = Σ_{j<m} y_j x_j, so
 * f(w) = ½ wᵀH w − bᵀw + const and ∇f(w) = H w − b. H and b are formed once
 * per task (O(m d²)); each iteration then costs O(d²), whatever n is. All
 * methods start from w₀ = 0 and report err[k] = (x_qᵀ w_k − y_q)² with the
 * query token n.
 *
 *   GD          w ← w − η ∇f(w)
 *   oracle GD   w ← w − η Σ⁻¹ ∇f(w)
 *   momentum    v ← β v − η ∇f(w),  w ← w + v              (v₀ = 0)
 *   Nesterov    w' = v − η ∇f(v),  v ← w' + β (w' − w),  w ← w'
 *               (v₀ = w₀ = 0; the prediction uses w)
 *   CG          on H w = b from r₀ = p₀ = b: α = rᵀr / pᵀHp, w ← w + α p,
 *               r' = r − α H p, β = r'ᵀr' / rᵀr, p ← r' + β p. CG stops
 *               moving and records α = β = 0 once the residual is zero (to
 *               round-off: rᵀr ≤ ε² r₀ᵀr₀), once pᵀHp is not positive, and
 *               after min(d, m) steps: the Krylov space is then exhausted, r
 *               is zero in exact arithmetic, and further steps would divide
 *               round-off by round-off (with m < d, along null directions of
 *               H that move the query's prediction).
 *   LSQ         w_k = H⁻¹ b for every k ≥ 1, by Cholesky. If a pivot falls
 *               below BASELINE_RANK_TOL times the largest diagonal entry (H is
 *               singular: fewer points than dimensions, or dependent points),
 *               the minimum-norm solution H⁺ b instead, from a Jacobi
 *               eigendecomposition with eigenvalues below BASELINE_RANK_TOL
 *               times the largest treated as zero. b lies in the range of H,
 *               so that is the minimum-norm least-squares solution.
 *   Newton–     M_0 = αH with α = 1/λ_max(H)² = 1/‖HHᵀ‖₂, M ← M(2I − HM),
 *   Schulz      w_k = M_k b for k ≥ 1, w_0 = 0 (baselines_ns.c).
 *
 * Tuning (baselines_evaluate). When cfg->gd_step is 0, GD and oracle GD try
 * every step of a 51-point log grid on a separate tuning batch of
 * cfg->test_batch tasks from (cfg->seed, RNG_STREAM_TUNE), and for each
 * iteration count k ≥ 1 keep the step with the smallest finite tuning mse
 * (the first such on ties; a non-finite mse is never chosen). The test batch
 * is then run once per distinct chosen step. The grids:
 *   GD          η_i = 10^(−4 + i/10),          i = 0..50   (1e−4 .. 10)
 *   oracle GD   η_i = 10^(−3 + i/10) / m,      i = 0..50   (1e−3/m .. 100/m)
 * The oracle's is relative to 1/m because Σ⁻¹H ≈ m I, so its useful steps
 * sit near 1/m. On shifted data both are divided by s + d μ² (doc/math.md
 * §6), 1 unshifted. step[k] records the step used for k iterations; at k = 0 no
 * step is taken and tuned methods record 0.
 *
 * baselines_evaluate_cancel looks at its cancel flag before each task of
 * every loop over a batch (drawing, forming quadratics, running a method),
 * so it stops within one task's work once the flag is raised.
 */
#include <float.h>
#include <math.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/baselines.h"
#include "memscope/linalg.h"
#include "memscope/xmalloc.h"

#define BASELINE_GRID 51		/* steps in a tuning grid */
#define BASELINE_RANK_TOL 1e-12		/* relative pivot / eigenvalue floor */
#define BASELINE_JACOBI_SWEEPS 60

/* The quadratics of a batch of tasks. */
struct baseline_set {
	int B, d, m;		/* tasks, dimension, context points used */
	double *H;		/* (B, d, d) Σ_j x_j x_jᵀ */
	double *b;		/* (B, d) Σ_j y_j x_j */
	double *xq;		/* (B, d) query token */
	double *yq;		/* (B) query label */
};

/* Scratch vectors and matrices for one run. */
struct baseline_work {
	int d;
	double *mem;
	double *w, *v, *wn, *g, *p, *r, *Hp, *t;	/* each (d) */
	double *A, *V, *W;				/* each (d, d) */
	double *lw;					/* (3d) LAPACK's */
};

static const char *baseline_names[BASELINE_COUNT] = {
	"gd", "gd-oracle", "momentum", "nesterov", "cg", "lsq", "schulz"
};

/* Short name for tables ("gd", "gd-oracle", "momentum", "nesterov", "cg",
 * "lsq", "schulz"). */
const char *
baseline_name(enum baseline b)
{
	if ((int)b < 0 || b >= BASELINE_COUNT)
		return "?";
	return baseline_names[b];
}

static void
baseline_work_init(struct baseline_work *wk, int d)
{
	double *m = xdoubles((size_t)11 * d + (size_t)3 * d * d);

	wk->d = d;
	wk->mem = m;
	wk->w = m; m += d;
	wk->v = m; m += d;
	wk->wn = m; m += d;
	wk->g = m; m += d;
	wk->p = m; m += d;
	wk->r = m; m += d;
	wk->Hp = m; m += d;
	wk->t = m; m += d;
	wk->A = m; m += (size_t)d * d;
	wk->V = m; m += (size_t)d * d;
	wk->W = m; m += (size_t)d * d;
	wk->lw = m;
}

static void
baseline_work_free(struct baseline_work *wk)
{
	free(wk->mem);
	wk->mem = NULL;
}

/* Context points actually used: p->points if in 1..n, else n. */
static int
baseline_points(const struct baseline_params *p, int n)
{
	if (p == NULL || p->points <= 0 || p->points > n)
		return n;
	return p->points;
}

/* H (d, d), b (d) of one task from its first m tokens. */
static void
baseline_quadratic(const double *X, const double *y, int m, int d,
    double *H, double *b)
{
	memset(H, 0, sizeof *H * (size_t)d * d);
	memset(b, 0, sizeof *b * (size_t)d);
	for (int j = 0; j < m; j++) {
		const double *x = X + (size_t)j * d;	/* token j */

		for (int r = 0; r < d; r++) {
			b[r] += y[j] * x[r];
			for (int c = 0; c < d; c++)
				H[r * d + c] += x[r] * x[c];
		}
	}
}

/* out = M v for M (d, d). */
static void
baseline_matvec(const double *M, const double *v, int d, double *out)
{
	for (int r = 0; r < d; r++) {
		double sum = 0.0;

		for (int c = 0; c < d; c++)
			sum += M[r * d + c] * v[c];
		out[r] = sum;
	}
}

/* Σ_i a_i b_i, summed in ascending i. */
double
baseline_dot(const double *a, const double *b, int d)
{
	double sum = 0.0;

	for (int i = 0; i < d; i++)
		sum += a[i] * b[i];
	return sum;
}

/* g = H w − b. */
static void
baseline_grad(const double *H, const double *b, const double *w, int d,
    double *g)
{
	baseline_matvec(H, w, d, g);
	for (int i = 0; i < d; i++)
		g[i] -= b[i];
}

/*
 * Cholesky H = L Lᵀ into L (lower triangle, (d, d)); then solve into x.
 * Returns -1 if a pivot is below the rank tolerance.
 */
static int
baseline_cholesky_solve(const double *H, const double *b, int d, double *L,
    double *x)
{
	double maxdiag = 0.0;

	for (int i = 0; i < d; i++)
		if (H[i * d + i] > maxdiag)
			maxdiag = H[i * d + i];
	if (!(maxdiag > 0.0))
		return -1;
	for (int j = 0; j < d; j++) {
		double s = H[j * d + j];

		for (int k = 0; k < j; k++)
			s -= L[j * d + k] * L[j * d + k];
		if (!(s > BASELINE_RANK_TOL * maxdiag))
			return -1;
		L[j * d + j] = sqrt(s);
		for (int i = j + 1; i < d; i++) {
			double t = H[i * d + j];

			for (int k = 0; k < j; k++)
				t -= L[i * d + k] * L[j * d + k];
			L[i * d + j] = t / L[j * d + j];
		}
	}
	for (int i = 0; i < d; i++) {		/* L z = b */
		double s = b[i];

		for (int k = 0; k < i; k++)
			s -= L[i * d + k] * x[k];
		x[i] = s / L[i * d + i];
	}
	for (int i = d - 1; i >= 0; i--) {	/* Lᵀ x = z */
		double s = x[i];

		for (int k = i + 1; k < d; k++)
			s -= L[k * d + i] * x[k];
		x[i] = s / L[i * d + i];
	}
	return 0;
}

/*
 * Minimum-norm solution x = H⁺ b of symmetric positive semidefinite H by
 * its Jacobi eigendecomposition H = V diag(A) Vᵀ (linalg.h). A and V are
 * (d, d) scratch.
 */
static void
baseline_pinv_solve(const double *H, const double *b, int d, double *A,
    double *V, double *x)
{
	double lmax = 0.0;

	memcpy(A, H, sizeof *A * (size_t)d * d);
	linalg_jacobi_eigen(A, V, d, BASELINE_JACOBI_SWEEPS);

	for (int i = 0; i < d; i++)
		if (A[i * d + i] > lmax)
			lmax = A[i * d + i];
	for (int i = 0; i < d; i++)
		x[i] = 0.0;
	for (int e = 0; e < d; e++) {
		double lambda = A[e * d + e], coef = 0.0;

		if (!(lambda > BASELINE_RANK_TOL * lmax))
			continue;
		for (int k = 0; k < d; k++)
			coef += V[k * d + e] * b[k];
		coef /= lambda;
		for (int k = 0; k < d; k++)
			x[k] += coef * V[k * d + e];
	}
}

/*
 * Run method m on one quadratic (H, b) of `points` context points with query
 * (xq, yq). err (iters+1); wout (iters+1, d), cg_alpha and cg_beta (iters)
 * optional.
 */
static void
baseline_run(enum baseline m, const struct baseline_params *p,
    const double *H, const double *b, int points, const double *xq,
    double yq, int d, int iters, struct baseline_work *wk, double *err,
    double *wout, double *cg_alpha, double *cg_beta)
{
	double *w = wk->w, *v = wk->v, *wn = wk->wn, *g = wk->g;
	double eta = p->eta, beta = p->beta;
	double rr = 0.0, rr0 = 0.0;
	int stopped = 0, krylov = points < d ? points : d;

	for (int i = 0; i < d; i++)
		w[i] = v[i] = 0.0;
	if (m == BASELINE_CG) {
		for (int i = 0; i < d; i++)
			wk->r[i] = wk->p[i] = b[i];
		rr = rr0 = baseline_dot(b, b, d);
	}

	for (int k = 0; k <= iters; k++) {
		double e = baseline_dot(xq, w, d) - yq;

		err[k] = e * e;
		if (wout != NULL)
			memcpy(wout + (size_t)k * d, w, sizeof *w * (size_t)d);
		if (k == iters)
			break;

		switch (m) {
		case BASELINE_GD:
			baseline_grad(H, b, w, d, g);
			for (int i = 0; i < d; i++)
				w[i] -= eta * g[i];
			break;
		case BASELINE_GD_ORACLE:
			baseline_grad(H, b, w, d, g);
			baseline_matvec(p->sigma_inv, g, d, wk->t);
			for (int i = 0; i < d; i++)
				w[i] -= eta * wk->t[i];
			break;
		case BASELINE_MOMENTUM:
			baseline_grad(H, b, w, d, g);
			for (int i = 0; i < d; i++) {
				v[i] = beta * v[i] - eta * g[i];
				w[i] += v[i];
			}
			break;
		case BASELINE_NESTEROV:
			baseline_grad(H, b, v, d, g);
			for (int i = 0; i < d; i++) {
				wn[i] = v[i] - eta * g[i];
				v[i] = wn[i] + beta * (wn[i] - w[i]);
				w[i] = wn[i];
			}
			break;
		case BASELINE_CG: {
			double alpha = 0.0, pHp, rrn, bet = 0.0;

			if (k >= krylov)
				stopped = 1;
			if (!stopped) {
				baseline_matvec(H, wk->p, d, wk->Hp);
				pHp = baseline_dot(wk->p, wk->Hp, d);
				if (rr == 0.0 ||
				    rr <= DBL_EPSILON * DBL_EPSILON * rr0 ||
				    !(pHp > 0.0) || !isfinite(pHp))
					stopped = 1;
			}
			if (!stopped) {
				alpha = rr / pHp;
				for (int i = 0; i < d; i++) {
					w[i] += alpha * wk->p[i];
					wk->r[i] -= alpha * wk->Hp[i];
				}
				rrn = baseline_dot(wk->r, wk->r, d);
				bet = rrn / rr;
				for (int i = 0; i < d; i++)
					wk->p[i] = wk->r[i] + bet * wk->p[i];
				rr = rrn;
			}
			if (cg_alpha != NULL)
				cg_alpha[k] = alpha;
			if (cg_beta != NULL)
				cg_beta[k] = bet;
			break;
		}
		case BASELINE_LSQ:
			if (k == 0 && baseline_cholesky_solve(H, b, d, wk->A,
			    w) != 0)
				baseline_pinv_solve(H, b, d, wk->A, wk->V, w);
			break;
		case BASELINE_NS:	/* M in wk->A; V, W, t, lw scratch */
			if (k == 0)
				baseline_ns_start(H, d, wk->A, wk->V, wk->t,
				    wk->lw);
			baseline_ns_step(H, wk->A, wk->V, wk->W, d);
			baseline_matvec(wk->A, b, d, w);
			break;
		default:
			break;
		}
	}
	if (m != BASELINE_CG) {
		for (int k = 0; k < iters; k++) {
			if (cg_alpha != NULL)
				cg_alpha[k] = 0.0;
			if (cg_beta != NULL)
				cg_beta[k] = 0.0;
		}
	}
}

/* Run method b on one task: X (n+1, d) token-major, y (n+1), query last. */
void
baseline_task(enum baseline b, const struct baseline_params *p,
    const double *X, const double *y, int n, int d, int iters, double *err,
    double *w, double *cg_alpha, double *cg_beta)
{
	struct baseline_work wk;
	double *H = xdoubles((size_t)d * d + d);
	double *bv = H + (size_t)d * d;
	int m = baseline_points(p, n);

	baseline_work_init(&wk, d);
	baseline_quadratic(X, y, m, d, H, bv);
	baseline_run(b, p, H, bv, m, X + (size_t)n * d, y[n], d, iters, &wk,
	    err, w, cg_alpha, cg_beta);
	baseline_work_free(&wk);
	free(H);
}

/* Whether *cancel (if any) is raised. */
static bool
baseline_stop(const atomic_int *cancel)
{
	return cancel != NULL &&
	    atomic_load_explicit(cancel, memory_order_relaxed) != 0;
}

/* Form the quadratics of every task of tb; -1 if cancel stopped it (s is
 * then to be freed all the same). */
static int
baseline_set_init(struct baseline_set *s, const struct baseline_params *p,
    const struct task_batch *tb, const atomic_int *cancel)
{
	int B = tb->B, n = tb->n, d = tb->d, m = baseline_points(p, n);

	s->B = B;
	s->d = d;
	s->m = m;
	s->H = xdoubles((size_t)B * d * d);
	s->b = xdoubles((size_t)B * d);
	s->xq = xdoubles((size_t)B * d);
	s->yq = xdoubles((size_t)B);
	for (int t = 0; t < B; t++) {
		const double *X = tb->X + (size_t)t * (n + 1) * d; /* task t */
		const double *y = tb->y + (size_t)t * (n + 1);

		if (baseline_stop(cancel))
			return -1;
		baseline_quadratic(X, y, m, d, s->H + (size_t)t * d * d,
		    s->b + (size_t)t * d);
		memcpy(s->xq + (size_t)t * d, X + (size_t)n * d,
		    sizeof *X * (size_t)d);
		s->yq[t] = y[n];
	}
	return 0;
}

static void
baseline_set_free(struct baseline_set *s)
{
	free(s->H);
	free(s->b);
	free(s->xq);
	free(s->yq);
	memset(s, 0, sizeof *s);
}

/* mse (iters+1): mean over the set of method m's err. err is (iters+1)
 * scratch. -1 if cancel stopped it (mse is then undefined). */
static int
baseline_set_mse(enum baseline m, const struct baseline_params *p,
    const struct baseline_set *s, int iters, struct baseline_work *wk,
    double *err, double *mse, const atomic_int *cancel)
{
	int d = s->d;

	for (int k = 0; k <= iters; k++)
		mse[k] = 0.0;
	for (int t = 0; t < s->B; t++) {
		if (baseline_stop(cancel))
			return -1;
		baseline_run(m, p, s->H + (size_t)t * d * d,
		    s->b + (size_t)t * d, s->m, s->xq + (size_t)t * d, s->yq[t],
		    d, iters, wk, err, NULL, NULL, NULL);
		for (int k = 0; k <= iters; k++)
			mse[k] += err[k];
	}
	if (s->B > 0)
		for (int k = 0; k <= iters; k++)
			mse[k] /= s->B;
	return 0;
}

/* Mean over the batch of baseline_task's err: mse[k], k = 0..iters. */
void
baseline_batch(enum baseline b, const struct baseline_params *p,
    const struct task_batch *tb, int iters, double *mse)
{
	struct baseline_set s;
	struct baseline_work wk;
	double *err = xdoubles((size_t)iters + 1);

	baseline_set_init(&s, p, tb, NULL);
	baseline_work_init(&wk, tb->d);
	baseline_set_mse(b, p, &s, iters, &wk, err, mse, NULL);
	baseline_work_free(&wk);
	baseline_set_free(&s);
	free(err);
}

/* Step i of method m's tuning grid with m context points, on data whose
 * second moment is `unit` times that of s = 1, mu = 0 (grid_unit). */
static double
baseline_grid_step(enum baseline m, int i, int points, double unit)
{
	if (m == BASELINE_GD_ORACLE)
		return pow(10.0, -3.0 + i / 10.0) / (points > 0 ? points : 1) /
		    unit;
	return pow(10.0, -4.0 + i / 10.0) / unit;
}

/* How much larger than at s = 1, mu = 0 the curvature of the tasks' least
 * squares is at --scale s, --mean mu: E[xx'] = s Sigma + mu^2 v v' with
 * v'inv(Sigma)v = d, so s + d mu^2 along inv(Sigma) (exactly 1 unshifted:
 * the grids' steps are then the same bits). */
static double
baseline_grid_unit(const struct task_dist *dist)
{
	return dist->scale + dist->d * dist->mean * dist->mean;
}

/*
 * GD or oracle GD on the test set: a fixed step, or per k the best grid step
 * on the tuning set. mse and step (iters+1). -1 if cancel stopped it.
 */
static int
baseline_tuned(enum baseline m, struct baseline_params *p, double fixed,
    const struct baseline_set *tune, const struct baseline_set *test,
    int points, double unit, int iters, struct baseline_work *wk,
    double *err, double *mse, double *step, const atomic_int *cancel)
{
	double *grid_mse, *run;
	int *best, rc = -1;

	if (fixed != 0.0) {
		p->eta = fixed;
		for (int k = 0; k <= iters; k++)
			step[k] = fixed;
		return baseline_set_mse(m, p, test, iters, wk, err, mse,
		    cancel);
	}

	grid_mse = xdoubles((size_t)BASELINE_GRID * (iters + 1));
	run = xdoubles((size_t)iters + 1);
	best = xcalloc((size_t)iters + 1, sizeof *best);
	for (int i = 0; i < BASELINE_GRID; i++) {
		p->eta = baseline_grid_step(m, i, points, unit);
		if (baseline_set_mse(m, p, tune, iters, wk, err,
		    grid_mse + (size_t)i * (iters + 1), cancel) != 0)
			goto out;
	}
	for (int k = 1; k <= iters; k++) {
		double lo = INFINITY;

		best[k] = -1;
		for (int i = 0; i < BASELINE_GRID; i++) {
			double v = grid_mse[(size_t)i * (iters + 1) + k];

			if (isfinite(v) && v < lo) {
				lo = v;
				best[k] = i;
			}
		}
		if (best[k] < 0)	/* every step diverged: the smallest */
			best[k] = 0;
	}

	/* k = 0 takes no step: any run gives its error. */
	best[0] = -1;
	step[0] = 0.0;
	p->eta = 0.0;
	if (baseline_set_mse(m, p, test, 0, wk, err, run, cancel) != 0)
		goto out;
	mse[0] = run[0];
	for (int i = 0; i < BASELINE_GRID; i++) {
		int used = 0;

		for (int k = 1; k <= iters; k++)
			used |= best[k] == i;
		if (!used)
			continue;
		p->eta = baseline_grid_step(m, i, points, unit);
		if (baseline_set_mse(m, p, test, iters, wk, err, run,
		    cancel) != 0)
			goto out;
		for (int k = 1; k <= iters; k++) {
			if (best[k] == i) {
				mse[k] = run[k];
				step[k] = p->eta;
			}
		}
	}
	rc = 0;
out:
	free(grid_mse);
	free(run);
	free(best);
	return rc;
}

/* Evaluate every baseline on `test` for k = 0..iters. */
void
baselines_evaluate(const struct ms_config *cfg,
    const struct task_dist *dist, const struct task_batch *test, int iters,
    struct baseline_table *out)
{
	baselines_evaluate_cancel(cfg, dist, test, iters, out, NULL);
}

/* The same, stopping early if *cancel is raised: -1, out holding nothing. */
int
baselines_evaluate_cancel(const struct ms_config *cfg,
    const struct task_dist *dist, const struct task_batch *test, int iters,
    struct baseline_table *out, const atomic_int *cancel)
{
	int d = test->d, n = test->n;
	int points = cfg->quirks && n > 1 ? n - 1 : n;
	struct baseline_params p = { 0 };
	struct baseline_set tune_set = { 0 }, test_set = { 0 };
	struct baseline_work wk;
	struct task_batch tune = { 0 };
	struct rng r;
	double *sigma_inv = xdoubles((size_t)d * d);
	double *err = xdoubles((size_t)iters + 1);
	int tune_needed = cfg->gd_step == 0.0, rc = -1;
	double unit = baseline_grid_unit(dist);

	out->iters = iters;
	for (int m = 0; m < BASELINE_COUNT; m++) {
		out->mse[m] = xdoubles((size_t)iters + 1);
		out->step[m] = xdoubles((size_t)iters + 1);
	}
	task_dist_sigma_inv(dist, sigma_inv);
	p.points = points;
	p.sigma_inv = sigma_inv;
	baseline_work_init(&wk, d);
	if (baseline_set_init(&test_set, &p, test, cancel) != 0)
		goto out;

	if (tune_needed) {
		int B = cfg->test_batch > 0 ? cfg->test_batch : test->B;

		task_batch_alloc(&tune, B, n, d);
		rng_seed(&r, cfg->seed, RNG_STREAM_TUNE);
		if (task_batch_sample_cancel(&tune, dist, &r, cancel) != 0 ||
		    baseline_set_init(&tune_set, &p, &tune, cancel) != 0)
			goto out;
	}
	if (baseline_tuned(BASELINE_GD, &p, cfg->gd_step,
	    tune_needed ? &tune_set : NULL, &test_set, points, unit, iters, &wk,
	    err, out->mse[BASELINE_GD], out->step[BASELINE_GD], cancel) != 0 ||
	    baseline_tuned(BASELINE_GD_ORACLE, &p, cfg->gd_step,
	    tune_needed ? &tune_set : NULL, &test_set, points, unit, iters, &wk,
	    err, out->mse[BASELINE_GD_ORACLE], out->step[BASELINE_GD_ORACLE],
	    cancel) != 0)
		goto out;
	if (tune_needed) {
		baseline_set_free(&tune_set);
		task_batch_free(&tune);
	}

	p.eta = cfg->mom_eta;
	p.beta = cfg->mom_beta;
	if (baseline_set_mse(BASELINE_MOMENTUM, &p, &test_set, iters, &wk, err,
	    out->mse[BASELINE_MOMENTUM], cancel) != 0)
		goto out;
	p.eta = cfg->nest_eta;
	p.beta = cfg->nest_beta;
	if (baseline_set_mse(BASELINE_NESTEROV, &p, &test_set, iters, &wk, err,
	    out->mse[BASELINE_NESTEROV], cancel) != 0)
		goto out;
	for (int k = 0; k <= iters; k++) {
		out->step[BASELINE_MOMENTUM][k] = cfg->mom_eta;
		out->step[BASELINE_NESTEROV][k] = cfg->nest_eta;
	}
	p.eta = p.beta = 0.0;
	if (baseline_set_mse(BASELINE_CG, &p, &test_set, iters, &wk, err,
	    out->mse[BASELINE_CG], cancel) != 0 ||
	    baseline_set_mse(BASELINE_LSQ, &p, &test_set, iters, &wk, err,
	    out->mse[BASELINE_LSQ], cancel) != 0 ||
	    baseline_set_mse(BASELINE_NS, &p, &test_set, iters, &wk, err,
	    out->mse[BASELINE_NS], cancel) != 0)
		goto out;
	/* CG, LSQ and Newton–Schulz take no step: their steps stay 0. */
	rc = 0;
out:
	baseline_set_free(&tune_set);
	task_batch_free(&tune);
	baseline_set_free(&test_set);
	baseline_work_free(&wk);
	free(sigma_inv);
	free(err);
	if (rc != 0)
		baseline_table_free(out);
	return rc;
}

/* Free the arrays of a table filled by baselines_evaluate. */
void
baseline_table_free(struct baseline_table *t)
{
	for (int m = 0; m < BASELINE_COUNT; m++) {
		free(t->mse[m]);
		free(t->step[m]);
		t->mse[m] = t->step[m] = NULL;
	}
	t->iters = 0;
}

/* A run's rows of natural logs: the model's, then each method's. */
void
baseline_log_rows(double *logs, int L, const double *model_mse,
    const struct baseline_table *t)
{
	for (int l = 0; l < L; l++) {
		logs[l] = log(model_mse[l]);
		for (int b = 0; b < BASELINE_COUNT; b++)
			logs[(size_t)(1 + b) * L + l] = log(t->mse[b][l + 1]);
	}
}
