/*
 * The step-through screen's selection, owned by the UI thread: which test
 * task and which layer ℓ are shown, and whether the view follows the run
 * or is frozen. The trace itself is the worker's (snapshot.h's trace): the
 * task and follow/freeze go to it as engine commands (ENGINE_CMD_TRACE_*),
 * ℓ only chooses what is drawn of it.
 */
#ifndef MEMSCOPE_STEPVIEW_H
#define MEMSCOPE_STEPVIEW_H

#include <stdbool.h>

#include "memscope/rng.h"
#include "memscope/snapshot.h"

struct step_view {
	bool follow;		/* asked: follow the run, or freeze */
	int task;		/* asked: the test task (the worker keeps it
				 * below the traced run's number of tasks) */
	int layer;		/* ℓ = 0 .. L shown */
	struct rng rng;		/* random tasks */
	int tasks;		/* the traced run's test tasks, 0: no trace yet */
	int layers;		/* its L */
};

/* A view at task 0, ℓ = 0, following (the worker's defaults too). */
void step_view_init(struct step_view *v);

/* Take the ranges of the trace in snapshot s (none: s is NULL or has no
 * trace) and keep ℓ inside them. */
void step_view_sync(struct step_view *v, const struct snapshot *s);

/* The task shown: the one asked for, within the traced run's tasks. */
int step_view_task(const struct step_view *v);

/* Next (+1) or previous (-1) test task, wrapping around. */
void step_view_move_task(struct step_view *v, int delta);
/* A test task drawn at random. */
void step_view_random_task(struct step_view *v);
/* ℓ − 1 or ℓ + 1, within 0 .. L. */
void step_view_move_layer(struct step_view *v, int delta);
/* Follow the run, or freeze the parameters traced. */
void step_view_toggle_follow(struct step_view *v);

#endif
