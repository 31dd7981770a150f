/*
 * The paper's experiments (doc/math.md §5, §7), run as one batch of trainings:
 * every figure's models at every depth for every run, the classical
 * baselines on the same tasks, then per figure a CSV, an SVG and a table
 * beside the paper's values, and the paper's claims checked.
 */
#ifndef MEMSCOPE_REPRODUCE_H
#define MEMSCOPE_REPRODUCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "memscope/config.h"

/* Which training protocol (doc/math.md §5). */
enum reproduce_protocol {
	REPRODUCE_PROTOCOL_CODE,	/* the authors' notebooks: fixed batch, no clipping */
	REPRODUCE_PROTOCOL_TEXT		/* the paper's text: clip 0.01, batch redrawn every 100 steps */
};

/* What the progress hook is told about. */
enum reproduce_event {
	REPRODUCE_JOB_START,	/* a training, or a run's baselines, starts */
	REPRODUCE_JOB_DONE,	/* and ends */
	REPRODUCE_TRAINED,	/* every job ended; the tables come next */
	REPRODUCE_FINISHED	/* tables, claims and files done */
};

/* The progress hook's argument. */
struct reproduce_progress {
	enum reproduce_event event;
	/* the job (REPRODUCE_JOB_START, _DONE), as the first figure line
	 * that needs it (that trains for it, if one does: not a line valued
	 * as the training starts) */
	bool training;		/* a model's training, else a run's baselines */
	const char *figure;	/* "1a", ... */
	const char *line;	/* the line's name */
	int depth, run;
	int trainings_done;	/* trainings ended so far */
	int trainings;		/* trainings in all */
	double left;		/* estimated seconds left; NaN: not known yet */
	int threads;		/* workers used */
	/* REPRODUCE_FINISHED */
	double steps;		/* optimizer steps over all trainings */
	double seconds;		/* since the work started */
};

/* Called one at a time, from the worker threads while training. */
typedef void (*reproduce_progress_fn)(void *ctx,
    const struct reproduce_progress *p);

struct reproduce_opts {
	unsigned long figures;		/* bit i: figure i (reproduce_figure_id) */
	int runs;			/* runs per curve; run r has seed + r */
	enum reproduce_protocol protocol;
	bool quirks;			/* baselines drop the last context point */
	int threads;			/* workers, each running whole trainings */
	uint64_t seed;			/* base seed */
	const char *outdir;		/* figX.csv, figX_summary.csv, figX.svg */
	reproduce_progress_fn progress;	/* NULL: none */
	void *progress_ctx;
	/* Overrides for quick looks and tests (0: the protocol's). The
	 * numbers are then not comparable with the paper's. */
	int steps;			/* optimizer steps per training */
	int batch;			/* training prompts (figures at B = 1000) */
	int test_batch;			/* test prompts */
	int depths;			/* train depths 1..depths only */
	double lr;			/* Adam learning rate (0: 0.01) */
	/* The law of every run's rotation U (default: uniform-svd, the
	 * authors'; train's default is haar). */
	enum ms_rotation rotation;
};

/* Defaults: every figure, 5 runs, code protocol, no quirks, the authors'
 * law of U, all cores, no progress. */
void reproduce_defaults(struct reproduce_opts *o);

/* The figures: how many, the i-th's name ("1a", ..., "nesterov"). */
int reproduce_figure_count(void);
const char *reproduce_figure_id(int i);

/*
 * Parse a figure list ("all", or names separated by commas: "1b,2a,2b")
 * into a bit mask. Returns 0, or -1 with a message naming the accepted values.
 */
int reproduce_parse_figures(const char *list, unsigned long *mask, char *err,
    size_t errlen);

/* Number of trainings and total optimizer steps the options ask for. */
void reproduce_plan(const struct reproduce_opts *o, int *trainings,
    double *steps);

/*
 * Run the experiments of o: train on o->threads workers (telling
 * o->progress), write DIR/figX.csv, figX_summary.csv
 * and figX.svg atomically, print the
 * tables and the claims on `out`. Returns 0; -2 with a message in
 * err for bad options (nothing done: no runs or figures, a seed past
 * 2^63-1, no output directory); -1 with a message when the work failed (a
 * training could not start, a file could not be written), or when a
 * training diverged (trainer.h) or a value is not finite: then the tables,
 * claims and files are complete and mark them, and err counts them.
 */
int reproduce_run(const struct reproduce_opts *o, FILE *out, char *err,
    size_t errlen);

#endif
