/*
 * A run's loss history, kept by the engine thread: every step's training
 * loss (and test loss where one was evaluated) in full, for CSV export, and
 * the curve the screens draw, decimated as it grows so that publishing it
 * costs the same at step 10⁶ as at 10.
 *
 * Decimation: the curve holds points of `stride` steps each (the geometric
 * mean of their training losses and of their evaluated test losses, at the
 * bucket's last step); when its 2 × SNAPSHOT_MAX_POINTS points are full,
 * neighbours are merged pairwise (geometric means again) and the stride
 * doubles. So it holds between SNAPSHOT_MAX_POINTS and twice as many
 * points, plus the open bucket, which history_curve publishes as a last
 * point.
 */
#ifndef MEMSCOPE_HISTORY_H
#define MEMSCOPE_HISTORY_H

#include "memscope/checkpoint.h"
#include "memscope/snapshot.h"

#define HISTORY_POINTS (2 * SNAPSHOT_MAX_POINTS)	/* flushed points kept */

struct history {
	long n, cap;		/* the full history */
	double *step;		/* (n) */
	double *train;		/* (n) NaN where none */
	double *test;		/* (n) NaN where not evaluated */

	struct snapshot_curve c;	/* flushed points, cap HISTORY_POINTS */
	long stride;		/* steps per flushed point */
	long count;		/* steps in the open bucket */
	double ltr, lte;	/* sums of log losses in the open bucket */
	int ntr, nte;		/* how many were finite and positive */
	double last_step;	/* the open bucket's last step */
};

/* An empty history (no allocation yet). */
void history_init(struct history *h);
void history_free(struct history *h);
/* Forget everything: a new run begins. */
void history_reset(struct history *h);

/* Append a step's training loss. */
void history_record(struct history *h, double step, double train);
/* Attach a test loss to the newest point (a point at `step` with no
 * training loss if there is none yet). */
void history_record_test(struct history *h, double step, double test);

/* Append a point as a file keeps it: the step's training loss (NaN:
 * none) and, if finite, its test loss. */
void history_record_point(struct history *h, double step, double train,
    double test);
/* Append every point of the curve c (history_record_point's). */
void history_replay(struct history *h, const struct snapshot_curve *c);

/* The curve to draw: the flushed points and the open bucket, into out. */
void history_curve(const struct history *h, struct snapshot_curve *out);
/* The curve (history_curve's points) as a checkpoint keeps it, into out
 * (allocated; checkpoint_history_free). */
void history_checkpoint(const struct history *h,
    struct checkpoint_history *out);

#endif
