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
 * For cgd the model's own register is S_ℓ + γ_ℓ R_{ℓ−1} (rec: S_ℓ + Γ_ℓ ⊙
 * R_{ℓ−1}); the trace undoes the carry so that every memory kind shows the
 * same registers.
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

/* The residual polynomials: the four methods, and heavy-ball momentum
 * (cfg's mom_eta, mom_beta), which has no column of its own. */
#define TRACE_POLY_MOMENTUM TRACE_METHODS
#define TRACE_POLYS (TRACE_METHODS + 1)
#define TRACE_POLY_POINTS 121	/* the grid 0 .. 1.1 λ_max */

/* One method's path, ℓ = 0..L (the model: after layer ℓ; the baselines:
 * after ℓ iterations from w₀ = 0). NaN where a value is not defined. */
/* The panels a note is written for (trace.notes). */
enum trace_note {
	TRACE_NOTE_ERROR,	/* the error by layer */
	TRACE_NOTE_MEMORY,	/* the memory at layer ℓ */
	TRACE_NOTE_DIRS,	/* the error along each eigen-direction */
	TRACE_NOTE_POLY,	/* the residual polynomials */
	TRACE_NOTE_PATH,	/* the path in the plane of v_max, v_min */
	TRACE_NOTE_METHOD,	/* the learned method written as a method */
	TRACE_NOTES
};
#define TRACE_NOTE_LEN 160	/* bytes of one note, with its NUL */

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
	double mom_eta, mom_beta;	/* heavy-ball momentum's (no column) */
	double *cg_alpha;	/* (L) CG's α_k on this task, k = 0..L-1 */
	double *cg_beta;	/* (L) CG's β_k */

	struct trace_column col[TRACE_METHODS];

	/* The model (from trace_set_model). */
	bool model_has_w;	/* scalar, pre: residuals imply a w_ℓ */
	bool model_direct;	/* direct, direct-pairs: no attention */
	double *misfit;		/* (L+1) ‖(y − r) − Xᵀw_ℓ‖ / ‖y − r‖: 0 when the
				 * residuals are exactly those of w_ℓ */
	double *label;		/* (L+1, n+1) the label row after layer ℓ */
	double *reg;		/* (L, n+1) register R_j's label row */
	double *coef;		/* (L, L) layer ℓ's coefficient on R_j (query) */
	double *contrib;	/* (L, L) coef × R_j[query] / n */
	double *alpha, *gamma;	/* (L) cgd: the learned α_ℓ, γ_ℓ; rec: α_ℓ
				 * and [Γ_ℓ]_{label, query} */
	double *gamma_row;	/* (L, n+1) lfom, rec: Γ_j's label row */

	/*
	 * The teaching views (doc/math.md §10), in the eigenbasis of
	 * H = XXᵀ/n: v_k is the unit eigenvector of eig[k] (largest first).
	 * Noiseless labels make ∇R(w) = H (w − w*) for R(w) = (1/2n) Σ
	 * (⟨x_i, w⟩ − y_i)², so every method here moves the error e = w − w*
	 * by powers of H.
	 */
	double *basis;		/* (d, d) row k: v_k, its largest-magnitude
				 * entry positive */
	double *dir_err;	/* (TRACE_METHODS, L+1, d) ⟨v_k, w_ℓ − w*⟩ of
				 * each method's w_ℓ: Σ_k of its squares is
				 * wdist²; NaN where w_ℓ is not defined */
	/* Residual polynomials: w_ℓ − w* = r_ℓ(H)(w₀ − w*), r_ℓ(0) = 1, for
	 * GD ((1 − nη λ)^ℓ with the step for ℓ iterations), momentum,
	 * Nesterov, CG (from its α_k, β_k on this task) and the model when
	 * it is a scalar one without lfom or rec (its steps and memory
	 * coefficients); has_poly false for the others (a matrix
	 * preconditioner, lfom's and rec's per-token weights; the baselines under --quirks, which solve on
	 * n − 1 points). */
	bool has_poly[TRACE_POLYS];
	double poly_hi;		/* the grid λ_i = poly_hi · i / (POINTS − 1) */
	double *poly;		/* (TRACE_POLYS, L+1, POINTS) r_ℓ(λ_i); NaN
				 * where !has_poly */
	double *poly_eig;	/* (TRACE_POLYS, L+1, d) r_ℓ(eig[k]); where
				 * !has_poly but w_ℓ is defined (and for the
				 * model and momentum only then), the
				 * per-direction factor dir_err[ℓ][k] /
				 * dir_err[0][k] instead (NaN where
				 * ⟨v_k, w*⟩ = 0); NaN otherwise */
	/* The methods written as linear first-order methods:
	 * w_{ℓ+1} = w_ℓ − Σ_{j≤ℓ} W[ℓ][j] P_j ∇R(w_j), 0-based ℓ, j < L. */
	double *cg_weight;	/* (L, L) CG's W (P = I): n α_ℓ Π_{i=j}^{ℓ−1} β_i
				 * for j ≤ ℓ, 0 above the diagonal */
	double *precond;	/* (L, d, d) the model's P_j: Σ_h a_jh I
				 * (scalar), Σ_h A_jh (pre); NULL for
				 * gdpp and full. The model's W is coef
				 * (lfom: at the query; its context tokens
				 * are weighted token by token) */
	double *step_scalar;	/* (L) scalar models: Σ_h a_jh, the learned
				 * step of layer j (beside GD's n·η); NaN
				 * otherwise */
	char *notes;		/* (L+1, TRACE_NOTES, TRACE_NOTE_LEN) what
				 * to notice, per layer and panel (UTF-8),
				 * or NULL: lesson_notes (lesson.h) fills it */
	char *notes_ascii;	/* the same in ASCII */

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

/* Name of a method: "model", "cg", "gd", "nesterov" (and for a polynomial,
 * TRACE_POLY_MOMENTUM: "momentum"). */
const char *trace_method_name(enum trace_method m);

/* Method m's (m < TRACE_POLYS) residual polynomial after ℓ steps on the
 * grid (POINTS values) and at the eigenvalues (d values); these three are
 * NULL while the trace has no task part. */
const double *trace_poly(const struct trace *tr, int m, int l);
const double *trace_poly_eig(const struct trace *tr, int m, int l);
/* Method m's error along each eigen-direction after ℓ steps (d values). */
const double *trace_dir_err(const struct trace *tr, enum trace_method m,
    int l);
/* The name of panel k's notes: "error", "memory", "directions",
 * "polynomials", "path", "method". */
const char *trace_note_name(enum trace_note k);
/* The note for panel k at ℓ ("" if none), UTF-8 or ASCII. */
const char *trace_note(const struct trace *tr, int l, enum trace_note k,
    bool utf8);

#endif
