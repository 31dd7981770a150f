/*
 * A snapshot: copies of everything the visualizer draws, taken by the engine
 * thread from its trainer. The screens read only snapshots, never the model.
 */
#ifndef MEMSCOPE_SNAPSHOT_H
#define MEMSCOPE_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>

#include "memscope/baselines.h"
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

struct snapshot {
	unsigned long seq;	/* publications so far */
	int run;		/* runs started: 1 for the first */
	struct ms_config cfg;
	double kappa;		/* condition number of Σ for cfg */
	enum engine_state state;
	long step;		/* optimizer steps taken */
	long target;		/* the run finishes at this step */
	double steps_per_sec;
	int speed_cap;		/* steps per second, 0 = unlimited */
	char message[256];	/* the last event for the status line, or "" */
	bool message_error;
	char busy[48];		/* the set-up under way ("drawing the batches"),
				 * or "" */
	unsigned long commands;	/* keys the worker has carried out (a merged
				 * entry counts its keys) */

	struct snapshot_curve hist;	/* this run */
	struct snapshot_curve prev;	/* the previous run, n = 0 if none */
	char prev_label[64];		/* what the previous run was */
	int nmarks;
	struct snapshot_mark marks[SNAPSHOT_MAX_MARKS];

	/* The model at `step`: its parameter table and values. */
	int d, n, L, H;
	int nblocks;
	struct param_block *blocks;	/* (nblocks) */
	size_t nparams;
	double *params;		/* (nparams) */

	long test_step;		/* step at which layer_mse was evaluated, -1 none */
	double *layer_mse;	/* (L) test error after each layer's read-out */
	bool have_baselines;
	double *base_mse[BASELINE_COUNT];	/* each (L+1): after k iterations */
	double *base_step[BASELINE_COUNT];	/* each (L+1): the step used for
						 * k iterations (0: none) */
	double *cgd_coef;	/* (L, L) effective LFOM coefficients, cgd only */
	double *sigma_cos;	/* (L) cosine of Σ_h A_ℓh with Σ⁻¹, pre/gdpp only */
	int cap_L;		/* allocated layers for the per-layer arrays */

	struct snapshot_trace trace;	/* the step-through screen's */
};

/* An empty snapshot (state ENGINE_STARTING, nothing to draw). */
void snapshot_init(struct snapshot *s);
void snapshot_free(struct snapshot *s);

/* Size the model part for a model with this table (keeps allocations). */
void snapshot_set_model(struct snapshot *s, const struct model *m);
/* Size the per-layer arrays for L layers (values set to NAN). */
void snapshot_set_layers(struct snapshot *s, int L);

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
