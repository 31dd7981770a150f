/*
 * Classical first-order methods on each task's least squares problem
 * f(w) = ½‖Xᵀw − y‖² over the n context points, from w₀ = 0, and the
 * Newton–Schulz iteration for (XXᵀ)⁻¹ (doc/math.md §6).
 * Errors are the squared query error (x_qᵀ w_k − y_q)² after k iterations.
 */
#ifndef MEMSCOPE_BASELINES_H
#define MEMSCOPE_BASELINES_H

#include <stdatomic.h>

#include "memscope/config.h"
#include "memscope/task.h"

enum baseline {
	BASELINE_GD,		/* fixed step, or best of a grid per iteration count */
	BASELINE_GD_ORACLE,	/* w ← w − η Σ⁻¹ ∇f, η tuned likewise */
	BASELINE_MOMENTUM,	/* heavy ball */
	BASELINE_NESTEROV,
	BASELINE_CG,		/* conjugate gradient, exact line search */
	BASELINE_LSQ,		/* the least-squares solution at every k ≥ 1 */
	BASELINE_NS,		/* Newton–Schulz: M ← M(2I − HM), w_k = M_k b */
	BASELINE_COUNT
};

struct baseline_params {
	double eta;		/* step (GD, oracle GD, momentum, Nesterov) */
	double beta;		/* momentum / Nesterov coefficient */
	int points;		/* context points used: n, or n - 1 with the authors' quirk */
	const double *sigma_inv;	/* (d, d), for BASELINE_GD_ORACLE */
};

/* Short name for tables ("gd", "gd-oracle", "momentum", "nesterov", "cg",
 * "lsq", "schulz"). */
const char *baseline_name(enum baseline b);

/*
 * Run method b on one task: X (n+1, d) token-major, y (n+1) labels, the last
 * token the query. err[k] = (x_qᵀ w_k − y_q)² for k = 0..iters; w (iters+1, d)
 * receives the iterates if not NULL. cg_alpha / cg_beta (iters) receive CG's
 * step and deflection if not NULL (CG only; 0 after convergence).
 */
void baseline_task(enum baseline b, const struct baseline_params *p,
    const double *X, const double *y, int n, int d, int iters, double *err,
    double *w, double *cg_alpha, double *cg_beta);

/* Mean over the batch of baseline_task's err: mse[k], k = 0..iters. */
void baseline_batch(enum baseline b, const struct baseline_params *p,
    const struct task_batch *tb, int iters, double *mse);

/* All methods on one test batch, with the steps that were used. */
struct baseline_table {
	int iters;
	double *mse[BASELINE_COUNT];	/* each (iters+1): mean squared query error */
	double *step[BASELINE_COUNT];	/* each (iters+1): step used at iteration count k */
};

/*
 * Evaluate every baseline on `test` for k = 0..iters. GD and oracle GD take
 * cfg->gd_step if non-zero, else for each k the best step of a log grid on a
 * separate batch drawn from (cfg->seed, RNG_STREAM_TUNE).
 */
void baselines_evaluate(const struct ms_config *cfg,
    const struct task_dist *dist, const struct task_batch *test, int iters,
    struct baseline_table *out);
/* The same, but if *cancel (not NULL) is raised it stops within one task's
 * work: -1, with nothing left in out; else 0. */
int baselines_evaluate_cancel(const struct ms_config *cfg,
    const struct task_dist *dist, const struct task_batch *test, int iters,
    struct baseline_table *out, const atomic_int *cancel);
void baseline_table_free(struct baseline_table *t);
/* A run's rows (1 + BASELINE_COUNT, L) of natural logs: row 0 the model's
 * mean squared errors after each layer (model_mse (L)), row 1 + b method
 * b's after k = 1..L iterations (t->mse[b][k]). */
void baseline_log_rows(double *logs, int L, const double *model_mse,
    const struct baseline_table *t);

/* What one iteration of method b costs, in words, for a table's note
 * (NULL: nothing to note; only Newton–Schulz's d×d products have one). */
const char *baseline_cost(enum baseline b);

/* Newton–Schulz's start M = S / λ_max(S)² for (d, d) S (M = 0 if S = 0);
 * A (d, d), eig (d) and work (3d) are scratch. */
void baseline_ns_start(const double *S, int d, double *M, double *A,
    double *eig, double *work);
/*
 * One Newton–Schulz step M ← M(2I − S M) for (d, d) S and M, in place;
 * T and W (d, d) are scratch. Then I − MS = (I − M_old S)².
 */
void baseline_ns_step(const double *S, double *M, double *T, double *W,
    int d);

/* Σ_i a_i b_i over d entries, summed in ascending i (the methods and the
 * step-through trace share it). */
double baseline_dot(const double *a, const double *b, int d);

#endif
