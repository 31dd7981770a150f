/*
 * A snapshot: copies of everything the visualizer draws, taken by the engine
 * thread from its trainer. The screens read only snapshots, never the model.
 */
#ifndef MEMSCOPE_SNAPSHOT_H
#define MEMSCOPE_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>

#include "memscope/baselines.h"
#include "memscope/theory.h"
#include "memscope/config.h"
#include "memscope/model.h"
#include "memscope/trace.h"

enum engine_state {
	ENGINE_STARTING,	/* the first run is being set up */
	ENGINE_RUNNING,
	ENGINE_PAUSED,
	ENGINE_FINISHED,	/* reached the step target */
	ENGINE_DIVERGED		/* a non-finite loss: last finite parameters kept */
};

/* A loss history: mean squared query errors against the step. Test losses
 * are evaluated only now and then: NAN where there is none. */
struct snapshot_curve {
	int n, cap;
	double *step;		/* (n) */
	double *train;		/* (n) */
	double *test;		/* (n) */
};

#define SNAPSHOT_MAX_MARKS 16
#define SNAPSHOT_MAX_POINTS 2048	/* a curve holds 1 to 2 times this many
					 * points, plus one (history.h) */

struct snapshot_mark {
	long step;		/* where the data distribution changed */
	char label[32];		/* the new data, "kappa:100" */
};

/* The step-through trace (trace.h) of the test task the UI asked for
 * (ENGINE_CMD_TRACE_TASK, ENGINE_CMD_TRACE_FOLLOW), computed by the worker:
 * from the run's newest parameters while following, else from the copy it
 * took when the view was frozen. All ℓ = 0..L are there; which one is
 * shown is the UI's. */
struct snapshot_trace {
	bool have_src;		/* parameters were taken: cfg, task, step set */
	bool ready;		/* tr holds a task part and a model part */
	bool follow;		/* following the run, or frozen */
	int task;		/* the task traced, 0 .. cfg.test_batch - 1 */
	int run;		/* of the parameters traced */
	long step;
	struct ms_config cfg;
	unsigned long gen;	/* changes whenever tr does */
	struct trace tr;
};

#define SNAPSHOT_MAX_RUNS 8	/* runs trained side by side */
#define SNAPSHOT_SERIES_POINTS 512	/* a series holds up to this many */

/* Values of a run's parameters over training: k of them per point, at the
 * steps where they were recorded (every `stride` steps, the stride doubling
 * and every other point dropped when the series is full, so it spans the
 * whole run in at most SNAPSHOT_SERIES_POINTS points). */
struct snapshot_series {
	int n, cap, k;
	long stride;		/* steps between recorded points (append) */
	double *step;		/* (n) */
	double *v;		/* (n, k) row-major */
};

/*
 * One run of the run list: the curves and per-layer numbers every run has.
 * The focused run's model, baselines, analysis and step-through trace are
 * the snapshot's own fields below (the other panels show the focused run).
 */
struct snapshot_run {
	int id;			/* 1, 2, ... in the order runs were started */
	int style;		/* its slot, 0 .. SNAPSHOT_MAX_RUNS - 1: colour
				 * COL_RUN_0 + style and line style `style`,
				 * kept for the run's life */
	char label[24];		/* what sets it apart from the others, UTF-8
				 * ("lfom", "H2", "κ100", "lfom H2") */
	char label_ascii[24];	/* the same in ASCII ("k100") */
	bool visible;		/* drawn in the plots */
	bool reference;		/* a saved history overlaid: not trained */
	struct ms_config cfg;
	enum engine_state state;	/* running, paused, finished, diverged */
	long step;		/* optimizer steps taken */
	long target;		/* the run finishes at this step */
	struct snapshot_curve hist;	/* the loss history */
	int nmarks;
	struct snapshot_mark marks[SNAPSHOT_MAX_MARKS];	/* data changes */
	long test_step;		/* step at which layer_mse was evaluated, -1 none */
	int L;			/* layers: layer_mse's length */
	double *layer_mse;	/* (L) test error after each layer's read-out */
	double final_mse;	/* layer_mse[L - 1], NaN if not tested */
	/* The memory coefficients over training, in the parameter table's
	 * order of the memory blocks: cgd α_ℓ, γ_ℓ for ℓ = 1..L (k = 2L,
	 * alternating α_1, γ_1, α_2, ...; rec the same with [Γ_ℓ]_{label,
	 * query} for γ_ℓ); lfom the label row of each Γ_ℓ
	 * (k = L (n + 1), layer by layer); none: k = 0. Published for the
	 * model run only (the screens show its memory): n = 0 in the others. */
	struct snapshot_series coef;
	int cap_L;		/* allocated layer_mse */
};

struct snapshot {
	unsigned long seq;	/* publications so far */
	int run;		/* runs started: 1 for the first */
	/* The run list, in the order shown; runs[focus] is the focused run,
	 * runs[model_run] the one whose model, configuration and step the
	 * fields below describe. */
	int nruns;
	int focus;
	int model_run;		/* the run whose model the fields below describe:
				 * the focus, or (a reference in focus) the
				 * trained run focused last */
	struct snapshot_run runs[SNAPSHOT_MAX_RUNS];
	bool read_only;		/* watching a file: no training keys */
	char source[128];	/* what is watched ("run.csv"), or "" */

	struct ms_config cfg;	/* the model run's */
	double kappa;		/* condition number of Σ for cfg */
	enum engine_state state;	/* the engine's: running or paused (or
					 * the focused run's finished, diverged
					 * when every run has stopped) */
	long step;		/* the focused run's optimizer steps */
	long target;		/* the focused run's step target */
	double steps_per_sec;	/* of the focused run */
	int speed_cap;		/* steps per second, 0 = unlimited */
	char message[256];	/* the last event for the message line, or "" */
	bool message_error;
	unsigned long message_seq;	/* bumped with every new message, so the
					 * UI can time it out */
	char busy[48];		/* the set-up under way ("drawing the batches"),
				 * or "" */
	unsigned long commands;	/* keys the worker has carried out (a merged
				 * entry counts its keys) */

	/* The focused run's model at `step`: its parameter table and values. */
	int d, n, L, H;
	int nblocks;
	struct param_block *blocks;	/* (nblocks) */
	size_t nparams;
	double *params;		/* (nparams) */
	double *sigma_inv;	/* (d, d) Σ⁻¹ of the focused run's data, the
				 * target a good preconditioner approaches */

	bool have_baselines;	/* on the focused run's test batch */
	double *base_mse[BASELINE_COUNT];	/* each (L+1): after k iterations */
	double *base_step[BASELINE_COUNT];	/* each (L+1): the step used for
						 * k iterations (0: none) */
	/* The theory reference lines of the focused run's task (theory.h),
	 * computed by the worker with the baselines; valid with them. */
	struct theory_lines theory;
	double *cgd_coef;	/* (L, L) effective LFOM coefficients, cgd and
				 * rec (at the query) only */
	double *sigma_cos;	/* (L) cosine of Σ_h A_ℓh with Σ⁻¹, pre/gdpp only */
	int cap_L;		/* allocated layers for the per-layer arrays */
	int cap_d;		/* allocated sigma_inv rows */

	struct snapshot_trace trace;	/* the step-through screen's */
};

/* An empty snapshot (state ENGINE_STARTING, nothing to draw). */
void snapshot_init(struct snapshot *s);
void snapshot_free(struct snapshot *s);

/* Size the model part for a model with this table (keeps allocations). */
void snapshot_set_model(struct snapshot *s, const struct model *m);
/* Size the per-layer arrays for L layers (values set to NAN). */
void snapshot_set_layers(struct snapshot *s, int L);

/* The focused run (NULL if there is none yet). */
const struct snapshot_run *snapshot_focus(const struct snapshot *s);
/* The run whose model the snapshot holds (NULL if there is none yet). */
const struct snapshot_run *snapshot_model_run(const struct snapshot *s);
/* Size run r's per-layer array for L layers (values set to NAN). */
void snapshot_run_set_layers(struct snapshot_run *r, int L);
/* Size the Σ⁻¹ array for d × d. */
void snapshot_set_dim(struct snapshot *s, int d);

/* dst becomes a copy of series src (allocation kept if large enough). */
void snapshot_series_copy(struct snapshot_series *dst,
    const struct snapshot_series *src);
/* Offer the k values at step (called at every step; k fixed by the first
 * call): recorded if step is a multiple of the stride, thinning as above. */
void snapshot_series_append(struct snapshot_series *sr, double step,
    const double *v, int k);
void snapshot_series_reset(struct snapshot_series *sr);
void snapshot_series_free(struct snapshot_series *sr);

/* dst becomes a copy of the curve src (its allocation kept if large
 * enough). */
void snapshot_curve_copy(struct snapshot_curve *dst,
    const struct snapshot_curve *src);
/* Append one point to c. */
void snapshot_curve_append(struct snapshot_curve *c, double step,
    double train, double test);
void snapshot_curve_free(struct snapshot_curve *c);

/* The parameters of block (name, layer, head), or NULL; *blk gets the block
 * if blk is not NULL. */
const double *snapshot_block(const struct snapshot *s, const char *name,
    int layer, int head, const struct param_block **blk);

/* Text of a state: "running", "paused", ... */
const char *snapshot_state_name(enum engine_state st);

#endif
