/*
 * What sweep_merge.c (the results, the tables) and sweep_merge_fig.c (the
 * figures and their options) share: the plan's jobs with their results
 * read, and the combinations of the axes other than seed.
 */
#ifndef MEMSCOPE_SWEEP_MERGE_INTERNAL_H
#define MEMSCOPE_SWEEP_MERGE_INTERNAL_H

#include <stdio.h>

#include "memscope/sweep.h"

enum sm_status { SM_OK, SM_DIVERGED, SM_FAILED, SM_MISSING, SM_NSTATUS };

/* One job of the plan, as its result says. */
struct sm_job {
	enum sm_status status;
	int layers;		/* L: the result's, else the layers axis's
				 * value, else the plan's constant */
	double *log;		/* (SWEEP_METRICS, layers) when ok */
	char *why;		/* diverged, failed: the reason; else NULL */
};

/* A merge under way. */
struct sm {
	const struct sweep_plan *p;
	const char *dir;
	struct sm_job *jobs;	/* (njobs) */
	int seed_axis;		/* the axis named seed, or -1 */
	int nseeds;		/* its values (1 without one) */
	int nfree;		/* the other axes */
	int *free_axes;		/* (nfree) their indices, in axis order */
	long ncombos;		/* combinations of their values */
	long *combo_jobs;	/* (ncombos, nseeds) the jobs of each */
	int max_layers;		/* the most read-outs of any job */
	long count[SM_NSTATUS];
};

/* A metric: column a, less column b (b < 0: none). */
struct sm_metric {
	int a, b;
	char text[48];		/* as given: "model-cg" */
};

/* A figure to write. */
struct sm_fig {
	bool heatmap;		/* else a line plot */
	struct sm_metric metric;
	int x, y;		/* axis indices (y: heatmap only; -1) */
	int by;			/* line plot: an axis index, or -1 */
	int layer;		/* read-out k, 0: each job's last */
	int *fixed;		/* (naxes) the value index --where fixes
				 * each axis at, or -1 */
	char *svg;		/* the file */
};

/* The mean and std (NaN if fewer than 2) of metric m at read-out k (0:
 * the last) over the ok seeds of combination c; the number of them. */
int sm_combo_stat(const struct sm *s, long c, const struct sm_metric *m,
    int k, double *mean, double *std);
/* The combination of value index `coord` per axis (the seed's ignored). */
long sm_combo_of(const struct sm *s, const int *coord);
/* The first job of combination c (for its settings and read-outs). */
long sm_combo_first(const struct sm *s, long c);

/* Check the figure options against the plan into figs (at most 2);
 * 0, or -1 with a message (a refusal of the options: sweep_merge's -2). */
int sm_figures_plan(const struct sm *s, const struct sweep_merge_opts *o,
    struct sm_fig *figs, int *nfigs, char *err, size_t errlen);
/* Free what sm_figures_plan allocated in a figure. */
void sm_figure_free(struct sm_fig *fig);
/* Write a figure; 0, or -1 with a message. */
int sm_figure_write(const struct sm *s, const struct sm_fig *fig, char *err,
    size_t errlen);

#endif
