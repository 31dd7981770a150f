/*
 * The step-through screen's state, owned by the UI thread: which test task
 * and which layer ℓ are shown, whether the view follows the newest snapshot
 * or a frozen copy of one, and the trace (trace.h) computed from that copy.
 * The model it runs is its own, built from the snapshot's configuration and
 * parameters; the test task is regenerated from the run's seed, so nothing
 * of the engine's is touched.
 */
#ifndef MEMSCOPE_STEPVIEW_H
#define MEMSCOPE_STEPVIEW_H

#include <stdbool.h>

#include "memscope/model.h"
#include "memscope/rng.h"
#include "memscope/snapshot.h"
#include "memscope/task.h"
#include "memscope/trace.h"

struct step_view {
	bool follow;		/* take every new snapshot, or keep the copy */
	int task;		/* test task, 0 .. test_batch - 1 */
	int layer;		/* ℓ = 0 .. L */
	struct rng rng;		/* random tasks */

	/* The copy of the snapshot the trace is computed from. */
	bool have_src;
	unsigned long src_seq;
	int src_run;
	long src_step;
	struct ms_config cfg;
	struct rng test_from;	/* where the test batch was drawn from */
	size_t nparams;
	double *params;		/* (nparams) */
	bool have_gd;
	double *gd_step;	/* (L+1) GD's steps, if have_gd */
	unsigned long gen;	/* bumped whenever the copy changes */

	/* What the trace was computed for, and its inputs. */
	bool have_dist;
	struct ms_config dist_cfg;
	struct task_dist dist;
	bool have_model;
	struct model model;
	struct trace trace;
	bool task_valid;	/* trace's task part matches the keys below */
	struct ms_config task_cfg;
	int task_index;
	struct rng task_from;
	bool task_gd;
	unsigned long model_gen;	/* gen of the trace's model part */
};

/* A view at task 0, ℓ = 0, following. */
void step_view_init(struct step_view *v);
void step_view_free(struct step_view *v);

/* Bring the view up to date with snapshot s (taken only while following,
 * or when nothing was taken yet); recompute what changed. */
void step_view_sync(struct step_view *v, const struct snapshot *s);

/* Next (+1) or previous (-1) test task, wrapping around. */
void step_view_move_task(struct step_view *v, int delta);
/* A test task drawn at random. */
void step_view_random_task(struct step_view *v);
/* ℓ − 1 or ℓ + 1, within 0 .. L. */
void step_view_move_layer(struct step_view *v, int delta);
/* Follow the newest snapshot, or freeze the one shown. */
void step_view_toggle_follow(struct step_view *v);

/* Whether the trace is there to draw (a snapshot with a model was taken). */
bool step_view_ready(const struct step_view *v);

#endif
