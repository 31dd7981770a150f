/*
 * Random in-context linear-regression tasks (doc/math.md §1).
 *
 * The rotation. U is Haar-distributed on O(d): a d×d matrix G of standard
 * normals from stream RNG_STREAM_ROTATION of the seed, then G = Q R by
 * modified Gram–Schmidt, each column orthogonalised twice against the
 * previous ones ("twice is enough": the second pass removes what round-off
 * left of the first, so Q is orthogonal to working precision, not merely to
 * κ(G)·ε). Dividing by the positive norm makes R's diagonal positive, which
 * is the sign convention that makes Q exactly Haar. U = Q. With
 * rotation uniform-svd (the authors' code), U is instead the left
 * singular-vector factor of a d×d matrix of Uniform(−1, 1) numbers from
 * the same stream, columns by decreasing singular value (linalg_svd).
 *
 * The spectrum. D holds standard deviations, eig(Σ) = D²:
 *   iso       D = 1
 *   paper     d = 5, D = (1, 1, 1/2, 1/4, 1), the authors' code
 *   kappa:K   λ_k = K^(−k/(d−1)), k = 0..d−1, so λ from 1 down to 1/K; D = √λ
 *
 * Sampling. Per task, first w* = U D⁻¹ g' (cov U D⁻² Uᵀ = Σ⁻¹) or w* = g'
 * (cov I), then each of the n+1 tokens x = U D g (cov U D² Uᵀ = Σ) with its
 * label y = ⟨w*, x⟩, query last. The draws happen in exactly this order, so
 * a batch is a function of the rng state alone.
 *
 * Scale and mean (doc/math.md §8.1). Each raw draw g' is √s·g + μ·1 with g
 * standard normal (the same normals in the same order): x_raw, w_raw ~
 * N(μ·1, s·I). The invsigma prior maps w_raw through U D⁻¹ as above, the
 * identity prior takes w* = w_raw itself. With s = 1 and μ = 0 the
 * affine map is skipped, so a batch is bit for bit what it was before.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "memscope/linalg.h"
#include "memscope/task.h"
#include "memscope/xmalloc.h"

/*
 * Orthonormalise the columns of G (d, d) row-major in place by modified
 * Gram–Schmidt with one reorthogonalisation pass. Returns -1 if a column is
 * (numerically) dependent on the previous ones.
 */
static int
task_gram_schmidt(double *G, int d)
{
	for (int j = 0; j < d; j++) {
		double norm0 = 0.0, norm = 0.0;

		for (int i = 0; i < d; i++)
			norm0 += G[i * d + j] * G[i * d + j];
		for (int pass = 0; pass < 2; pass++) {
			for (int k = 0; k < j; k++) {
				double dot = 0.0;

				for (int i = 0; i < d; i++)
					dot += G[i * d + k] * G[i * d + j];
				for (int i = 0; i < d; i++)
					G[i * d + j] -= dot * G[i * d + k];
			}
		}
		for (int i = 0; i < d; i++)
			norm += G[i * d + j] * G[i * d + j];
		if (!(norm > 1e-24 * norm0) || norm == 0.0)
			return -1;
		norm = sqrt(norm);
		for (int i = 0; i < d; i++)
			G[i * d + j] /= norm;
	}
	return 0;
}

/*
 * The authors' rotation into U (d, d): the left singular vectors, by
 * decreasing singular value, of M (d, d) row-major with independent
 * Uniform(−1, 1) entries drawn from r in row-major order. -1 if M is
 * singular (probability zero).
 */
static int
task_uniform_svd(double *U, int d, struct rng *r)
{
	double *M = xdoubles((size_t)d * d);
	double *sigma = xdoubles((size_t)d);
	int rc;

	for (int i = 0; i < d * d; i++)
		M[i] = 2.0 * rng_uniform(r) - 1.0;
	rc = linalg_svd(M, d, U, sigma, NULL);
	free(M);
	free(sigma);
	return rc;
}

/* Keep U, change the spectrum (data kind / kappa) to that of cfg. */
int
task_dist_set_spectrum(struct task_dist *dist, const struct ms_config *cfg,
    char *err, size_t errlen)
{
	int d = dist->d;

	if (cfg->dim != d) {
		snprintf(err, errlen, "the data spectrum needs --dim %d, the "
		    "dimension of the rotation (got --dim %d)", d, cfg->dim);
		return -1;
	}
	switch (cfg->data) {
	case MS_DATA_ISO:
		for (int k = 0; k < d; k++)
			dist->D[k] = 1.0;
		break;
	case MS_DATA_PAPER: {
		static const double paper[5] = { 1.0, 1.0, 0.5, 0.25, 1.0 };

		if (d != 5) {
			snprintf(err, errlen, "--data paper needs --dim 5 (got "
			    "--dim %d); use iso or kappa:K for other "
			    "dimensions", d);
			return -1;
		}
		for (int k = 0; k < d; k++)
			dist->D[k] = paper[k];
		break;
	}
	case MS_DATA_KAPPA:
		if (!isfinite(cfg->kappa) || cfg->kappa < 1.0) {
			snprintf(err, errlen, "--data kappa:K needs a finite "
			    "K >= 1 (got %g)", cfg->kappa);
			return -1;
		}
		if (d < 2) {
			snprintf(err, errlen, "--data kappa:K needs --dim 2 or "
			    "more (got --dim %d); use iso for --dim 1", d);
			return -1;
		}
		for (int k = 0; k < d; k++)
			dist->D[k] = sqrt(pow(cfg->kappa,
			    -(double)k / (double)(d - 1)));
		break;
	default:
		snprintf(err, errlen, "unknown --data kind %d", (int)cfg->data);
		return -1;
	}
	dist->wstar = cfg->wstar;
	/* a scale of 0 is a configuration filled field by field, without
	 * config_defaults (config_validate refuses it): the default 1 */
	dist->scale = cfg->scale > 0 ? cfg->scale : 1.0;
	dist->mean = cfg->mean;
	return 0;
}

/* Draw the rotation from (seed, RNG_STREAM_ROTATION) and set the spectrum of cfg. */
int
task_dist_init(struct task_dist *dist, const struct ms_config *cfg,
    char *err, size_t errlen)
{
	struct rng r;
	int d = cfg->dim;

	dist->d = 0;
	dist->U = NULL;
	dist->D = NULL;
	dist->wstar = cfg->wstar;
	dist->scale = 1.0;
	dist->mean = 0.0;
	if (d < 1) {
		snprintf(err, errlen, "--dim must be at least 1 (got %d)", d);
		return -1;
	}
	dist->d = d;
	dist->U = xdoubles((size_t)d * d);
	dist->D = xdoubles((size_t)d);
	if (task_dist_set_spectrum(dist, cfg, err, errlen) != 0)
		goto fail;

	rng_seed(&r, cfg->seed, RNG_STREAM_ROTATION);
	if (cfg->rotation == MS_ROTATION_UNIFORM_SVD) {
		if (task_uniform_svd(dist->U, d, &r) == 0)
			return 0;
		snprintf(err, errlen, "the uniform matrix of the rotation for "
		    "seed %llu is singular", (unsigned long long)cfg->seed);
		goto fail;
	}
	for (int i = 0; i < d * d; i++)
		dist->U[i] = rng_normal(&r);
	if (task_gram_schmidt(dist->U, d) != 0) {
		/* Probability zero for a Gaussian matrix. */
		snprintf(err, errlen, "the random rotation for seed %llu is "
		    "singular", (unsigned long long)cfg->seed);
		goto fail;
	}
	return 0;

fail:
	task_dist_free(dist);
	return -1;
}

/* Free the rotation and spectrum; the struct may be initialised again. */
void
task_dist_free(struct task_dist *dist)
{
	free(dist->U);
	free(dist->D);
	dist->U = NULL;
	dist->D = NULL;
	dist->d = 0;
}

/* Fill out (d, d) with U diag(s) Uᵀ, s_k = D_k^power; exactly symmetric. */
static void
task_dist_form(const struct task_dist *dist, double power, double *out)
{
	int d = dist->d;
	const double *U = dist->U;
	double *s = xdoubles((size_t)d);

	for (int k = 0; k < d; k++)
		s[k] = pow(dist->D[k], power);
	for (int i = 0; i < d; i++) {
		for (int j = i; j < d; j++) {
			double sum = 0.0;

			for (int k = 0; k < d; k++)
				sum += U[i * d + k] * s[k] * U[j * d + k];
			out[i * d + j] = out[j * d + i] = sum;
		}
	}
	free(s);
}

/* Σ (d, d) into out. */
void
task_dist_sigma(const struct task_dist *dist, double *out)
{
	task_dist_form(dist, 2.0, out);
}

/* Σ⁻¹ (d, d) into out. */
void
task_dist_sigma_inv(const struct task_dist *dist, double *out)
{
	task_dist_form(dist, -2.0, out);
}

/* The last generation a sampling gave a batch (task_batch's gen). */
static atomic_ulong task_generation;

/* Allocate a batch of B tasks with n context points in dimension d. */
void
task_batch_alloc(struct task_batch *tb, int B, int n, int d)
{
	tb->B = B;
	tb->n = n;
	tb->d = d;
	tb->X = xdoubles((size_t)B * (n + 1) * d);
	tb->y = xdoubles((size_t)B * (n + 1));
	tb->w = xdoubles((size_t)B * d);
	tb->gen = 0;
}

/* Free a batch's arrays. */
void
task_batch_free(struct task_batch *tb)
{
	free(tb->X);
	free(tb->y);
	free(tb->w);
	tb->X = tb->y = tb->w = NULL;
	tb->B = tb->n = tb->d = 0;
	tb->gen = 0;
}

/* out = U diag(scale) g, all of length d. */
static void
task_rotate(const double *U, const double *scale, const double *g, int d,
    double *out)
{
	for (int i = 0; i < d; i++) {
		double sum = 0.0;

		for (int k = 0; k < d; k++)
			sum += U[i * d + k] * scale[k] * g[k];
		out[i] = sum;
	}
}

/* d standard normals from r into g, then (unless s = 1 and μ = 0, where
 * the draws are left exactly as they are) g = √s·g + μ. */
static void
task_raw_draw(const struct task_dist *dist, struct rng *r, double *g, int d)
{
	double sd;

	for (int k = 0; k < d; k++)
		g[k] = rng_normal(r);
	if (dist->scale == 1.0 && dist->mean == 0.0)
		return;
	sd = sqrt(dist->scale);
	for (int k = 0; k < d; k++)
		g[k] = sd * g[k] + dist->mean;
}

/* Fill every task of the batch with fresh draws. */
void
task_batch_sample(struct task_batch *tb, const struct task_dist *dist,
    struct rng *r)
{
	task_batch_sample_cancel(tb, dist, r, NULL);
}

/* The same, stopping before a task if *cancel is raised: then -1, with *r
 * as it was on entry (the batch's contents are undefined). */
int
task_batch_sample_cancel(struct task_batch *tb, const struct task_dist *dist,
    struct rng *r, const atomic_int *cancel)
{
	int B = tb->B, n = tb->n, d = tb->d;
	double *g = xdoubles((size_t)d);
	double *Dinv = xdoubles((size_t)d);
	struct rng start = *r;

	tb->gen = 0;	/* until the new contents are complete */
	for (int k = 0; k < d; k++)
		Dinv[k] = 1.0 / dist->D[k];

	for (int b = 0; b < B; b++) {
		if (cancel != NULL &&
		    atomic_load_explicit(cancel, memory_order_relaxed)) {
			*r = start;
			free(g);
			free(Dinv);
			return -1;
		}
		double *w = tb->w + (size_t)b * d;		/* task b's w* */
		double *X = tb->X + (size_t)b * (n + 1) * d;	/* its tokens */
		double *y = tb->y + (size_t)b * (n + 1);	/* its labels */

		task_raw_draw(dist, r, g, d);
		if (dist->wstar == MS_WSTAR_INVSIGMA)
			task_rotate(dist->U, Dinv, g, d, w);
		else
			for (int k = 0; k < d; k++)
				w[k] = g[k];

		for (int i = 0; i <= n; i++) {
			double *x = X + (size_t)i * d;	/* token i, query at n */
			double dot = 0.0;

			task_raw_draw(dist, r, g, d);
			task_rotate(dist->U, dist->D, g, d, x);
			for (int k = 0; k < d; k++)
				dot += w[k] * x[k];
			y[i] = dot;
		}
	}
	free(g);
	free(Dinv);
	tb->gen = atomic_fetch_add_explicit(&task_generation, 1,
	    memory_order_relaxed) + 1;
	return 0;
}

/* cfg's test batch: allocated, and drawn from (seed, RNG_STREAM_TEST). */
void
task_test_batch(struct task_batch *tb, const struct task_dist *dist,
    const struct ms_config *cfg)
{
	struct rng r;

	task_batch_alloc(tb, cfg->test_batch, cfg->context, cfg->dim);
	rng_seed(&r, cfg->seed, RNG_STREAM_TEST);
	task_batch_sample(tb, dist, &r);
}
