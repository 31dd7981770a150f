/*
 * The best the authors' learned LFOM can do (doc/math.md §11): the
 * shared-coefficient recursion w_{k+1} = w_k − Σ_{i≤k} γ_i ⊙ g(w_i) with
 * γ_i = c_i·1, on isotropic data with m gradient points. With H = XXᵀ
 * (over the m points) and no label noise, g(w) = H(w − w*), so the error is
 * e_k = p_k(H) e_0 for the polynomials
 *
 *     p_0 = 1,   p_{k+1}(t) = p_k(t) − t Σ_{i≤k} c_i p_i(t),
 *
 * and with x_q, w* ~ N(0, I) the expected query error after K steps is
 * E tr p_K(H)² = Σ_j [p_K²]_j m^j E tr S^j (S = H/m), exact from the
 * Wishart moments of theory.c. The coefficients are found by Nelder–Mead
 * from several starts (the error is a polynomial of degree 2K in c, not
 * convex); deterministic.
 */
#include <math.h>
#include <string.h>

#include "memscope/theory.h"

#define TL_MAXK THEORY_MAX_LAYERS

/* The problem: K and the moments m^j E tr S^j, j ≤ 2K. */
struct tl_problem {
	int K;
	double mom[2 * TL_MAXK + 1];
};

/* The expected error of coefficients c (K). */
static double
tl_error(const struct tl_problem *pr, const double *c)
{
	double p[TL_MAXK + 1][TL_MAXK + 1], sum[TL_MAXK + 2], sq, e = 0;
	int K = pr->K;

	memset(p, 0, sizeof p);
	p[0][0] = 1;
	for (int k = 0; k < K; k++) {
		/* sum = Σ_{i≤k} c_i p_i, then p_{k+1} = p_k − t·sum */
		memset(sum, 0, sizeof sum);
		for (int i = 0; i <= k; i++)
			for (int j = 0; j <= i; j++)
				sum[j] += c[i] * p[i][j];
		for (int j = 0; j <= k + 1; j++)
			p[k + 1][j] = (j <= k ? p[k][j] : 0) -
			    (j > 0 ? sum[j - 1] : 0);
	}
	for (int j = 0; j <= 2 * K; j++) {
		sq = 0;
		for (int i = 0; i <= K; i++)
			if (j - i >= 0 && j - i <= K)
				sq += p[K][i] * p[K][j - i];
		e += sq * pr->mom[j];
	}
	return e;
}

/* Nelder–Mead from x (K), steps of `step`, to a relative tolerance; the
 * best point into x, its value returned. */
static double
tl_simplex(const struct tl_problem *pr, double *x, double step)
{
	double s[TL_MAXK + 1][TL_MAXK], f[TL_MAXK + 1];
	double cen[TL_MAXK], xr[TL_MAXK], xe[TL_MAXK], fr, fe;
	int K = pr->K, n = K + 1;

	for (int i = 0; i < n; i++) {
		memcpy(s[i], x, (size_t)K * sizeof *x);
		if (i > 0)
			s[i][i - 1] += step;
		f[i] = tl_error(pr, s[i]);
	}
	for (int it = 0; it < 20000; it++) {
		int lo = 0, hi = 0, nh = 0;

		for (int i = 1; i < n; i++) {
			if (f[i] < f[lo])
				lo = i;
			if (f[i] > f[hi])
				hi = i;
		}
		nh = lo;
		for (int i = 0; i < n; i++)
			if (i != hi && f[i] > f[nh])
				nh = i;
		if (f[hi] - f[lo] <= 1e-15 * fabs(f[lo]) + 1e-300)
			break;
		for (int k = 0; k < K; k++) {
			cen[k] = 0;
			for (int i = 0; i < n; i++)
				if (i != hi)
					cen[k] += s[i][k] / K;
			xr[k] = 2 * cen[k] - s[hi][k];
		}
		fr = tl_error(pr, xr);
		if (fr < f[lo]) {
			for (int k = 0; k < K; k++)
				xe[k] = 3 * cen[k] - 2 * s[hi][k];
			fe = tl_error(pr, xe);
			memcpy(s[hi], fe < fr ? xe : xr, (size_t)K * sizeof *x);
			f[hi] = fe < fr ? fe : fr;
		} else if (fr < f[nh]) {
			memcpy(s[hi], xr, (size_t)K * sizeof *x);
			f[hi] = fr;
		} else {
			for (int k = 0; k < K; k++)
				xr[k] = 0.5 * (cen[k] + s[hi][k]);
			fr = tl_error(pr, xr);
			if (fr < f[hi]) {
				memcpy(s[hi], xr, (size_t)K * sizeof *x);
				f[hi] = fr;
			} else {
				for (int i = 0; i < n; i++) {
					if (i == lo)
						continue;
					for (int k = 0; k < K; k++)
						s[i][k] = 0.5 * (s[i][k] +
						    s[lo][k]);
					f[i] = tl_error(pr, s[i]);
				}
			}
		}
	}
	for (int i = 1; i < n; i++)
		if (f[i] < f[0]) {
			f[0] = f[i];
			memcpy(s[0], s[i], (size_t)K * sizeof *x);
		}
	memcpy(x, s[0], (size_t)K * sizeof *x);
	return f[0];
}

/* The problem of d, m, K: the moments m^j E tr S^j, j ≤ 2K. */
static void
tl_problem_init(struct tl_problem *pr, int d, int m, int K)
{
	double S[2 * TL_MAXK + 1], mj = 1;

	pr->K = K;
	theory_wishart_moments(d, m, 2 * K, S);
	for (int j = 0; j <= 2 * K; j++, mj *= m)
		pr->mom[j] = mj * S[j];
}

/* The exact expected error of the shared form with coefficients c. */
double
theory_shared_lfom_mse(int d, int m, int K, const double *c)
{
	struct tl_problem pr;

	if (K < 1 || K > TL_MAXK)
		return NAN;
	tl_problem_init(&pr, d, m, K);
	return tl_error(&pr, c);
}

/* The shared form's best expected error after K steps (see above). */
double
theory_shared_lfom(int d, int m, int K, double *c)
{
	struct tl_problem pr;
	double best = INFINITY, x[TL_MAXK];
	double h = 1.0 / (m + d + 1);

	if (K < 1 || K > TL_MAXK)
		return NAN;
	tl_problem_init(&pr, d, m, K);
	/* starts: one GD step then nothing; GD at the one-step optimum;
	 * each restarted from where it ended, with smaller steps */
	for (int st = 0; st < 2; st++) {
		for (int k = 0; k < K; k++)
			x[k] = st == 0 ? (k == 0 ? h : 0) : (k == 0 ? h : 0.3 * h);
		for (int r = 0; r < 4; r++) {
			double v = tl_simplex(&pr, x, h * pow(0.3, r));

			if (v < best) {
				best = v;
				if (c != NULL)
					memcpy(c, x, (size_t)K * sizeof *x);
			}
		}
	}
	return best;
}
