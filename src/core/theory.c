/*
 * Theory reference lines (doc/math.md §8).
 *
 * The moments E tr S^k of the sample second-moment matrix S = W/n, W a real
 * Wishart(d, n) matrix, come from Gaussian integration by parts (Stein's
 * identity E[G_ij F] = E[∂F/∂G_ij] with W = G Gᵀ, G a d×n standard normal
 * matrix). For a product P of traces of powers of W and k ≥ 1,
 *
 *   E[tr W^k P] = (n + k − 1 + [k ≥ 2] d) E[tr W^(k−1) P]
 *               + Σ_{a=1}^{k−2} E[tr W^a tr W^(k−1−a) P]
 *               + Σ_{tr W^m in P} 2m E[tr W^(m+k−1) P / tr W^m],
 *
 * with tr W^0 = d. Every term on the right has total degree one less, so the
 * expectations of all products of total degree ≤ K follow from E[1] = 1 by a
 * table over the integer partitions of 0..K (915 of them for K = 16). All
 * coefficients are positive, so the recursion adds positive numbers only and
 * carries no cancellation: the moments are exact up to round-off in long
 * double. Dividing each step by n gives the moments of S directly.
 *
 * The best schedule minimises E tr p(S)² over polynomials p of degree L with
 * p(0) = 1, a quadratic form in p's coefficients whose matrix is the Hankel
 * matrix of the moments; the a_l are the inverse roots of the minimiser.
 */
#include <complex.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/theory.h"
#include "memscope/xmalloc.h"

#define THEORY_KMAX (2 * THEORY_MAX_LAYERS)

/* One integer partition: parts in descending order, padded with zeros. */
struct theory_part {
	int size;
	unsigned char p[THEORY_KMAX];
};

struct theory_table {
	int count, cap;
	struct theory_part *parts;	/* (count) sorted by size, then parts */
	long double *val;		/* (count) E of the product, of S = W/n */
};

static int
theory_part_cmp(const void *a, const void *b)
{
	const struct theory_part *x = a, *y = b;

	if (x->size != y->size)
		return x->size < y->size ? -1 : 1;
	return -memcmp(x->p, y->p, sizeof x->p);
}

/* Every partition of `left` into parts ≤ max, appended after prefix. */
static void
theory_table_gen(struct theory_table *t, struct theory_part *cur, int len,
    int left, int max)
{
	if (left == 0) {
		if (t->count == t->cap) {
			t->cap = t->cap ? 2 * t->cap : 256;
			t->parts = xrealloc(t->parts,
			    (size_t)t->cap * sizeof *t->parts);
		}
		t->parts[t->count++] = *cur;
		return;
	}
	for (int m = left < max ? left : max; m >= 1; m--) {
		cur->p[len] = (unsigned char)m;
		cur->size += m;
		theory_table_gen(t, cur, len + 1, left - m, m);
		cur->size -= m;
		cur->p[len] = 0;
	}
}

/* E of the product of traces tr S^parts[i] (i < len, zeros ignored). */
static long double
theory_table_get(const struct theory_table *t, const int *parts, int len)
{
	struct theory_part key;
	const struct theory_part *hit;
	int sorted[THEORY_KMAX], ns = 0;

	memset(&key, 0, sizeof key);
	for (int i = 0; i < len; i++)
		if (parts[i] > 0) {
			int j = ns++;

			/* insertion, descending */
			while (j > 0 && sorted[j - 1] < parts[i]) {
				sorted[j] = sorted[j - 1];
				j--;
			}
			sorted[j] = parts[i];
		}
	for (int i = 0; i < ns; i++) {
		key.p[i] = (unsigned char)sorted[i];
		key.size += sorted[i];
	}
	hit = bsearch(&key, t->parts, (size_t)t->count, sizeof key,
	    theory_part_cmp);
	return t->val[hit - t->parts];
}

/* E of partition i by the recursion in the file's comment, on its largest
 * part; every partition it needs is smaller, so already in the table. */
static long double
theory_table_step(const struct theory_table *t, int i, int d, int n)
{
	const struct theory_part *q = &t->parts[i];
	int k = q->p[0], rest[THEORY_KMAX + 1], len = 0;
	long double sum = 0;

	for (int j = 1; j < THEORY_KMAX && q->p[j] > 0; j++)
		rest[len++] = q->p[j];
	/* tr S^(k-1) P, with tr S^0 = d */
	rest[len] = k - 1;
	sum += (long double)(n + k - 1 + (k >= 2 ? d : 0)) *
	    (k == 1 ? (long double)d : 1.0L) * theory_table_get(t, rest,
	    len + 1);
	/* tr S^a tr S^(k-1-a) P, both powers ≥ 1 */
	for (int a = 1; a <= k - 2; a++) {
		int two[THEORY_KMAX + 2];

		memcpy(two, rest, (size_t)len * sizeof *rest);
		two[len] = a;
		two[len + 1] = k - 1 - a;
		sum += theory_table_get(t, two, len + 2);
	}
	/* each tr S^m of P merges into tr S^(m+k-1) */
	for (int j = 0; j < len; j++) {
		int m = rest[j], merged[THEORY_KMAX + 1];

		memcpy(merged, rest, (size_t)len * sizeof *rest);
		merged[j] = m + k - 1;
		sum += 2.0L * m * theory_table_get(t, merged, len);
	}
	return sum / n;
}

/* The table of every product of total degree ≤ kmax. */
static void
theory_table_build(struct theory_table *t, int d, int n, int kmax)
{
	struct theory_part cur;

	memset(t, 0, sizeof *t);
	memset(&cur, 0, sizeof cur);
	for (int s = 0; s <= kmax; s++)
		theory_table_gen(t, &cur, 0, s, s);
	qsort(t->parts, (size_t)t->count, sizeof *t->parts, theory_part_cmp);
	t->val = xmalloc((size_t)t->count * sizeof *t->val);
	t->val[0] = 1.0L;	/* the empty product */
	for (int i = 1; i < t->count; i++)
		t->val[i] = theory_table_step(t, i, d, n);
}

static void
theory_table_free(struct theory_table *t)
{
	free(t->parts);
	free(t->val);
}

/* The moments E tr S^k, k = 0..kmax, in long double. */
static void
theory_moments_ld(int d, int n, int kmax, long double *m)
{
	struct theory_table t;

	theory_table_build(&t, d, n, kmax);
	m[0] = d;
	for (int k = 1; k <= kmax; k++)
		m[k] = theory_table_get(&t, &k, 1);
	theory_table_free(&t);
}

/* m[k] = E tr S^k, k = 0..kmax. */
void
theory_wishart_moments(int d, int n, int kmax, double *m)
{
	long double mm[THEORY_KMAX + 1];

	theory_moments_ld(d, n, kmax, mm);
	for (int k = 0; k <= kmax; k++)
		m[k] = (double)mm[k];
}

/* tr Σ / d: the identity prior's error is the invsigma one times this. */
static double
theory_prior_factor(int d, const double *eig, enum ms_wstar prior)
{
	double tr = 0;

	if (prior == MS_WSTAR_INVSIGMA)
		return 1.0;
	for (int i = 0; i < d; i++)
		tr += eig[i];
	return tr / d;
}

/* The one-layer optimum's MSE. */
double
theory_one_layer_mse(int d, int n, const double *eig, enum ms_wstar prior)
{
	double tr = 0, mse = 0;

	if (prior == MS_WSTAR_INVSIGMA)
		return (double)d * (d + 1) / (n + d + 1);
	for (int i = 0; i < d; i++)
		tr += eig[i];
	for (int i = 0; i < d; i++)
		mse += eig[i] * (eig[i] + tr) / ((n + 1) * eig[i] + tr);
	return mse;
}

/* The one-layer optimum's eigenvalues a[i] along Σ's eigenvector i. */
void
theory_one_layer_scales(int d, int n, const double *eig, enum ms_wstar prior,
    double *a)
{
	double tr = 0;

	for (int i = 0; i < d; i++)
		tr += eig[i];
	for (int i = 0; i < d; i++)
		a[i] = prior == MS_WSTAR_INVSIGMA ?
		    (double)n / (n + d + 1) / eig[i] :
		    n / ((n + 1) * eig[i] + tr);
}

/* A* = U diag(a) Uᵀ for dist's Σ. */
void
theory_one_layer_matrix(const struct task_dist *dist, int n, double *A)
{
	int d = dist->d;
	double *eig = xdoubles((size_t)d), *a = xdoubles((size_t)d);

	for (int i = 0; i < d; i++)
		eig[i] = dist->D[i] * dist->D[i];
	theory_one_layer_scales(d, n, eig, dist->wstar, a);
	for (int r = 0; r < d; r++)
		for (int c = 0; c < d; c++) {
			double s = 0;

			for (int k = 0; k < d; k++)	/* U's column k */
				s += dist->U[r * d + k] * a[k] * dist->U[c * d + k];
			A[r * d + c] = s;
		}
	free(eig);
	free(a);
}

/* Σ_ij c_i c_j m_(i+j) over i, j ≤ L. */
static long double
theory_quad(int L, const long double *c, const long double *m)
{
	long double s = 0;

	for (int i = 0; i <= L; i++)
		for (int j = 0; j <= L; j++)
			s += c[i] * c[j] * m[i + j];
	return s;
}

/* The exact MSE of the schedule a (L). */
double
theory_schedule_mse(int d, int n, int L, const double *a, const double *eig,
    enum ms_wstar prior)
{
	long double m[THEORY_KMAX + 1], c[THEORY_MAX_LAYERS + 1] = { 1.0L };

	if (L < 1 || L > THEORY_MAX_LAYERS)
		return NAN;
	/* p(s) = Π (1 − a_l s), coefficients c[0..L] */
	for (int l = 0; l < L; l++)
		for (int i = l + 1; i >= 1; i--)
			c[i] -= a[l] * c[i - 1];
	theory_moments_ld(d, n, 2 * L, m);
	return theory_prior_factor(d, eig, prior) * (double)theory_quad(L, c, m);
}

/* Solve H x = e_0 for the (L+1)-square Hankel matrix H_ij = m_(i+j) by
 * Cholesky; -1 if H is not numerically positive definite. */
static int
theory_hankel_solve(int L, const long double *m, long double *x)
{
	int N = L + 1;
	long double R[(THEORY_MAX_LAYERS + 1) * (THEORY_MAX_LAYERS + 1)];
	long double y[THEORY_MAX_LAYERS + 1];

	for (int i = 0; i < N; i++)
		for (int j = 0; j <= i; j++) {
			long double s = m[i + j];

			for (int k = 0; k < j; k++)
				s -= R[i * N + k] * R[j * N + k];
			if (i == j) {
				if (!(s > 0))
					return -1;
				R[i * N + i] = sqrtl(s);
			} else
				R[i * N + j] = s / R[j * N + j];
		}
	for (int i = 0; i < N; i++) {	/* R y = e_0 */
		long double s = i == 0 ? 1.0L : 0.0L;

		for (int k = 0; k < i; k++)
			s -= R[i * N + k] * y[k];
		y[i] = s / R[i * N + i];
	}
	for (int i = N - 1; i >= 0; i--) {	/* Rᵀ x = y */
		long double s = y[i];

		for (int k = i + 1; k < N; k++)
			s -= R[k * N + i] * x[k];
		x[i] = s / R[i * N + i];
	}
	return 0;
}

/* p(s) = Σ c_i s^i and p'(s) by Horner. */
static long double
theory_poly(int L, const long double *c, long double s, long double *dp)
{
	long double p = c[L], q = 0;

	for (int i = L - 1; i >= 0; i--) {
		q = q * s + p;
		p = p * s + c[i];
	}
	*dp = q;
	return p;
}

/* The roots of p (degree L, c[L] ≠ 0) by Durand–Kerner, then Newton on
 * each real part; -1 unless all are real and positive. */
static int
theory_real_roots(int L, const long double *c, long double *root)
{
	long double complex z[THEORY_MAX_LAYERS];
	long double bound = 0, dp;

	for (int i = 0; i < L; i++)
		if (fabsl(c[i] / c[L]) > bound)
			bound = fabsl(c[i] / c[L]);
	bound += 1.0L;
	for (int i = 0; i < L; i++)
		z[i] = bound * cpowl(0.4L + 0.9L * I, i);
	for (int it = 0; it < 2000; it++) {
		long double change = 0;

		for (int i = 0; i < L; i++) {
			long double complex num = c[L], den = c[L], step;

			for (int k = L - 1; k >= 0; k--)
				num = num * z[i] + c[k];
			for (int j = 0; j < L; j++)
				if (j != i)
					den *= z[i] - z[j];
			step = num / den;
			z[i] -= step;
			if (cabsl(step) > change)
				change = cabsl(step);
		}
		if (change < 1e-17L * bound)
			break;
	}
	for (int i = 0; i < L; i++) {
		long double s = creall(z[i]);

		if (fabsl(cimagl(z[i])) > 1e-6L * fabsl(s) || !(s > 0))
			return -1;
		for (int it = 0; it < 8; it++) {
			long double p = theory_poly(L, c, s, &dp);

			if (dp == 0)
				break;
			s -= p / dp;
		}
		root[i] = s;
	}
	return 0;
}

static int
theory_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The best schedule of L layers and its MSE from the moments m (≥ 2L). */
static int
theory_schedule_moments(int d, int L, const long double *m, const double *eig,
    enum ms_wstar prior, double *a, double *mse)
{
	/* zeroed: GCC cannot see that the solve fills x */
	long double x[THEORY_MAX_LAYERS + 1] = { 0 };
	long double c[THEORY_MAX_LAYERS + 1] = { 0 }, root[THEORY_MAX_LAYERS];

	/* min cᵀHc over c_0 = 1 is 1/(H⁻¹)_00, at c = H⁻¹e_0 / (H⁻¹)_00 */
	if (theory_hankel_solve(L, m, x) != 0 || !(x[0] > 0))
		return -1;
	for (int i = 0; i <= L; i++)
		c[i] = x[i] / x[0];
	if (c[L] == 0 || theory_real_roots(L, c, root) != 0)
		return -1;
	for (int l = 0; l < L; l++)
		a[l] = (double)(1.0L / root[l]);
	qsort(a, (size_t)L, sizeof *a, theory_cmp_double);
	*mse = theory_prior_factor(d, eig, prior) * (double)(1.0L / x[0]);
	return 0;
}

/* The best schedule of L layers and its MSE. */
int
theory_schedule(int d, int n, int L, const double *eig, enum ms_wstar prior,
    double *a, double *mse)
{
	long double m[THEORY_KMAX + 1];

	if (L < 1 || L > THEORY_MAX_LAYERS)
		return -1;
	theory_moments_ld(d, n, 2 * L, m);
	return theory_schedule_moments(d, L, m, eig, prior, a, mse);
}

/* The lines of cfg's task on dist's spectrum: at variance s (--scale) every
 * error is s^2 times that at s = 1 (x and w* both scale by sqrt(s), the best
 * matrices by 1/s); with a mean (--mean) the data are not zero-mean and the
 * lines are undefined (NaN). */
void
theory_lines_compute(const struct ms_config *cfg,
    const struct task_dist *dist, struct theory_lines *out)
{
	int d = cfg->dim, n = cfg->context;
	int top = cfg->layers < THEORY_MAX_LAYERS ? cfg->layers :
	    THEORY_MAX_LAYERS;
	double *eig = xdoubles((size_t)d), a[THEORY_MAX_LAYERS];
	double s2 = cfg->mean != 0.0 ? NAN : cfg->scale * cfg->scale;
	long double m[THEORY_KMAX + 1];

	for (int i = 0; i < d; i++)
		eig[i] = dist->D[i] * dist->D[i];
	out->layers = cfg->layers;
	out->one_layer = s2 * theory_one_layer_mse(d, n, eig, cfg->wstar);
	/* the moments once, for the deepest schedule: each entry is the
	 * same whatever the table's depth */
	theory_moments_ld(d, n, 2 * top, m);
	for (int l = 0; l < THEORY_MAX_LAYERS; l++)
		if (l >= top || theory_schedule_moments(d, l + 1, m, eig,
		    cfg->wstar, a, &out->schedule[l]) != 0)
			out->schedule[l] = NAN;
		else
			out->schedule[l] *= s2;
	free(eig);
}

/* The lines of cfg's task on its own spectrum. */
int
theory_lines_config(const struct ms_config *cfg, struct theory_lines *out,
    char *err, size_t errlen)
{
	struct task_dist dist;

	if (task_dist_init(&dist, cfg, err, errlen) != 0)
		return -1;
	theory_lines_compute(cfg, &dist, out);
	task_dist_free(&dist);
	return 0;
}

/* ln of line `which` at read-out k, or NaN. */
double
theory_lines_log(const struct theory_lines *t, int which, int k)
{
	if (k < 1 || k > t->layers)
		return NAN;
	if (which == 0)
		return k == 1 ? log(t->one_layer) : NAN;
	return k <= THEORY_MAX_LAYERS ? log(t->schedule[k - 1]) : NAN;
}

/* Row name of line `which` in tables. */
const char *
theory_line_name(int which)
{
	return which == 0 ? "1-layer optimum" : "best a_l*inv(Sigma) schedule";
}

/* Key of line `which` in JSON. */
const char *
theory_line_key(int which)
{
	return which == 0 ? "one_layer_optimum" : "best_schedule";
}
