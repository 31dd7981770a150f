/*
 * The step-through trace of one task: the learned model after each layer
 * ℓ = 0..L beside CG, GD and Nesterov after ℓ iterations on the same task,
 * and what the model's memory does at each layer. Shared by the
 * visualizer's step-through screen and `memscope step` (its JSON:
 * trace_json.h, in the I/O layer).
 *
 * Registers: R_j is layer j's attention output S_j(Z_j) (0-based j < L),
 * the register of the unrolled LFOM (doc/math.md §4). Layer ℓ updates the query
 * label cell by Σ_{j≤ℓ} coef[ℓ][j] R_j[query] / n; contrib holds the terms.
 * For cgd the model's own register is S_ℓ + γ_ℓ R_{ℓ−1}; the trace undoes
 * the carry so that every memory kind shows the same registers.
 */
#ifndef MEMSCOPE_TRACE_H
#define MEMSCOPE_TRACE_H

#include <stdbool.h>
#include <stdint.h>

#include "memscope/config.h"
#include "memscope/model.h"
#include "memscope/task.h"

enum trace_method {
	TRACE_MODEL,
	TRACE_CG,
	TRACE_GD,
	TRACE_NESTEROV,
	TRACE_METHODS
};

/* One method's path, ℓ = 0..L (the model: after layer ℓ; the baselines:
 * after ℓ iterations from w₀ = 0). NaN where a value is not defined. */
struct trace_column {
	double *pred;		/* (L+1) prediction ŷ_ℓ of the query label */
	double *err;		/* (L+1) (ŷ_ℓ − y_query)² */
	double *resid;		/* (L+1) ‖context residuals y_i − ⟨x_i, w_ℓ⟩‖ */
	double *w;		/* (L+1, d) iterate w_ℓ (model's: implied) */
	double *wdist;		/* (L+1) ‖w_ℓ − w*‖ */
};

struct trace {
	int d, n, L;
	enum ms_memory memory;
	bool have_task, have_model;

	/* The task (from trace_set_task). */
	struct task_batch task;	/* one task: its tokens, labels, w* */
	double yq;		/* the query's true label */
	const double *wstar;	/* (d) into task.w */
	double *eig;		/* (d) eigenvalues of XXᵀ/n, largest first */
	double *gd_step;	/* (L+1) GD's step for ℓ iterations (ℓ = 0: 0) */
	double nest_eta, nest_beta;
	double *cg_alpha;	/* (L) CG's α_k on this task, k = 0..L-1 */
	double *cg_beta;	/* (L) CG's β_k */

	struct trace_column col[TRACE_METHODS];

	/* The model (from trace_set_model). */
	bool model_has_w;	/* scalar, pre: residuals imply a w_ℓ */
	double *misfit;		/* (L+1) ‖(y − r) − Xᵀw_ℓ‖ / ‖y − r‖: 0 when the
				 * residuals are exactly those of w_ℓ */
	double *label;		/* (L+1, n+1) the label row after layer ℓ */
	double *reg;		/* (L, n+1) register R_j's label row */
	double *coef;		/* (L, L) layer ℓ's coefficient on R_j (query) */
	double *contrib;	/* (L, L) coef × R_j[query] / n */
	double *alpha, *gamma;	/* (L) cgd: the learned α_ℓ, γ_ℓ */
	double *gamma_row;	/* (L, n+1) lfom: Γ_j's label row */

	/* Private: the eigendecomposition of H = Σ_{i<n} x_i x_iᵀ. */
	double *evec;		/* (d, d) column-major eigenvectors */
	double *eval;		/* (d) eigenvalues of H, ascending */
};

/* An empty trace. */
void trace_init(struct trace *tr);
void trace_free(struct trace *tr);
/* dst (from trace_init, or a trace) becomes a deep copy of src. */
void trace_copy(struct trace *dst, const struct trace *src);

/*
 * Take task b of tb and compute what depends on the task alone: w*, the
 * spectrum, and CG, GD and Nesterov with cfg's settings (quirks, the
 * Nesterov step and coefficient). gd_step (L+1) is GD's step at each
 * iteration count, as baselines_evaluate chose it (NULL: cfg->gd_step if
 * it is not zero, else GD is left NaN). L is cfg->layers.
 */
void trace_set_task(struct trace *tr, const struct ms_config *cfg,
    const struct task_batch *tb, int b, const double *gd_step);

/* Run the model m on the task: its column and the memory view. 0, or -1
 * (and no model part) if m's d, n or L are not the trace's. */
int trace_set_model(struct trace *tr, struct model *m);

/* Name of a method: "model", "cg", "gd", "nesterov". */
const char *trace_method_name(enum trace_method m);

#endif
