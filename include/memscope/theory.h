/*
 * Theory reference lines (doc/math.md §8): the best expected query error that
 * a family of models can reach on the task distribution, in closed form or
 * from exact moments, for zero-mean Gaussian data x ~ N(0, Σ), w* drawn from
 * the run's prior, no label noise, n context points.
 *
 * What each line bounds (expected error over the task distribution, so a
 * finite test batch can fall below it by sampling noise):
 * - theory_one_layer_*: the minimum over every one-layer read-out
 *   ŷ = x_qᵀ A (1/n) Σ_j y_j x_j, A any d×d matrix. It bounds every L = 1
 *   model of this repository with memory none or cgd, whatever its --param
 *   and --heads (the terms of a `full` or `gdpp` layer that are even in y are
 *   uncorrelated with the target and only add error; its odd part is of this
 *   form; an L = 1 Memformer only rescales its one update).
 * - theory_schedule: the minimum over the L-layer `pre` models whose every
 *   layer is A_l = a_l Σ⁻¹ (memory none). It does NOT bound general `pre`
 *   models or Memformers: those can use other preconditioners per layer,
 *   and trained pre models at L ≥ 2 on non-isotropic data (paper spectrum,
 *   w* ~ N(0, Σ⁻¹)) end up below it (doc/math.md §8).
 */
#ifndef MEMSCOPE_THEORY_H
#define MEMSCOPE_THEORY_H

#include <stddef.h>

#include "memscope/config.h"
#include "memscope/task.h"

/* Deepest schedule computed: moments up to E tr S^(2 THEORY_MAX_LAYERS). */
#define THEORY_MAX_LAYERS 8

/* The MSE of the one-layer optimum for d, n, Σ's eigenvalues eig (d) and the
 * prior of w*: d(d+1)/(n+d+1) (invsigma), or the closed form in eig (identity). */
double theory_one_layer_mse(int d, int n, const double *eig,
    enum ms_wstar prior);

/* The one-layer optimum's eigenvalues: A* = U diag(a) Uᵀ with U Σ's
 * eigenvectors, a[i] paired with eig[i]. */
void theory_one_layer_scales(int d, int n, const double *eig,
    enum ms_wstar prior, double *a);

/* A* as a (d, d) row-major matrix for dist's Σ. */
void theory_one_layer_matrix(const struct task_dist *dist, int n,
    double *A);

/* m[k] = E tr S^k, k = 0..kmax (kmax ≤ 2 THEORY_MAX_LAYERS), S = (1/n) Σ_j
 * u_j u_jᵀ over n standard normal d-vectors; exact up to round-off. */
void theory_wishart_moments(int d, int n, int kmax, double *m);

/* The exact MSE of the schedule A_l = a[l] Σ⁻¹, l < L (memory none). */
double theory_schedule_mse(int d, int n, int L, const double *a,
    const double *eig, enum ms_wstar prior);

/* The best schedule of L ≤ THEORY_MAX_LAYERS layers: a (L), ascending, and
 * its MSE in *mse; 0, or -1 (L out of range, or no real schedule found). */
int theory_schedule(int d, int n, int L, const double *eig,
    enum ms_wstar prior, double *a, double *mse);

/* The best expected query error of the authors' learned LFOM (doc/math.md
 * §11) after K ≤ THEORY_MAX_LAYERS steps with coefficients γ_i = c_i·1 on
 * isotropic data, w* ~ N(0, I), m gradient points; its c (K) into c (may
 * be NULL). NaN for K out of range. */
double theory_shared_lfom(int d, int m, int K, double *c);
/* The exact expected error of that form with the coefficients c (K). */
double theory_shared_lfom_mse(int d, int m, int K, const double *c);

/* The reference lines of a run, per read-out. */
struct theory_lines {
	int layers;		/* L: read-outs 1..L */
	double one_layer;	/* MSE of the one-layer optimum (read-out 1) */
	/* MSE of the best schedule of depth l + 1 at read-out l + 1; NaN past
	 * THEORY_MAX_LAYERS or l ≥ layers */
	double schedule[THEORY_MAX_LAYERS];
};

/* The lines of cfg's task (d, n, prior, L, scale) on dist's spectrum; NaN
 * with a mean (the data not zero-mean). */
void theory_lines_compute(const struct ms_config *cfg,
    const struct task_dist *dist, struct theory_lines *out);

/* The same for cfg's own spectrum (its rotation is irrelevant); 0, or -1
 * with a message if cfg's data are not valid. */
int theory_lines_config(const struct ms_config *cfg, struct theory_lines *out,
    char *err, size_t errlen);

/* ln of the line `which` (0: one-layer optimum, 1: schedule) at read-out
 * k = 1..L, or NaN where it is not defined. */
double theory_lines_log(const struct theory_lines *t, int which, int k);

/* Row names of those lines in tables and JSON. */
const char *theory_line_name(int which);
const char *theory_line_key(int which);

#endif
