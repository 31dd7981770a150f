/*
 * reproduce's inside (reproduce.c plans and gathers, reproduce_job.c runs
 * the jobs): a job is one training, or one run's baselines, keyed by what
 * its result depends on.
 */
#ifndef MEMSCOPE_REPRODUCE_INTERNAL_H
#define MEMSCOPE_REPRODUCE_INTERNAL_H

#include <stdbool.h>

#include "memscope/baselines.h"
#include "memscope/config.h"
#include "memscope/figures.h"
#include "memscope/reproduce.h"
#include "memscope/reproduce_report.h"
#include "memscope/runner.h"

#define RP_ITERS FIGURES_MAX_DEPTH	/* baseline iterations computed */

/*
 * Everything a job's result depends on; compared bytewise (zeroed first):
 * the configuration it runs with, with what cannot matter normalised (a
 * baseline job's model, a test-only baseline job's training sizes), the
 * jobs whose trained parameters it starts from, and what it does with
 * them.
 */
struct rp_key {
	int kind;
	int on_train;		/* a baseline job: on the training batch */
	int parent[FIGURES_MAX_PARENTS];	/* job indices; -1: none */
	figure_from_parents_fn *from_parents;	/* or NULL: trains */
	struct ms_config cfg;
};

struct rp_job {
	struct rp_key key;
	struct ms_config cfg;	/* what it runs with (a baseline job: with
				 * the smallest model) */
	double cost;		/* estimated work (time left, ordering) */
	int stage;		/* 0, or one more than its parents' latest */
	int nparent;
	bool keep;		/* a later job starts from its parameters */
	double *params;		/* kept: the trained parameters */
	int fig, depth, run;	/* the first figure line that needs it
				 * (trains for it, if one does) */
	const struct figure_line *ln;
	/* results */
	double test_loss;	/* log mse of the last read-out, test batch */
	double train_loss;	/* the same on the training batch */
	double test_start, train_start;	/* the same before training */
	double base[BASELINE_COUNT][RP_ITERS + 1];	/* log mse after k iterations */
	bool diverged;		/* trainer_diverged: why says how */
	bool failed;
	char err[200];
	char why[160];
};

struct rp_plan {
	const struct reproduce_opts *o;
	int njobs, cap;
	struct rp_job *jobs;
	int *order;		/* job indices by stage, longest first */
	int stages;		/* 1 + the latest stage */
	int nfig;
	struct reproduce_result *res;	/* per selected figure */
	int **idx;		/* per selected figure: (nlines, D, K) job index */
	int trainings;
	double steps;
};

/* What the runner's job and hook share. */
struct rp_run {
	struct rp_plan *plan;
	double t0;		/* when the work started */
	double total_cost, done_cost;
	int done_train;
	int first;		/* the running stage's first place in order */
};

/* The natural log of a mean squared error, floored at round-off. */
double rp_log(double mse);
/* The runner's job i of the running stage (runner_job_fn; ctx a struct
 * rp_run). */
void rp_job_run(struct runner *rn, void *ctx, int i);
/* The runner's hook: tell o->progress about a job's start or end. */
void rp_progress(void *ctx, const struct runner_progress *p);
/* Tell o->progress that every job ended, or that everything is done. */
void rp_progress_end(const struct rp_run *run, enum reproduce_event ev,
    int threads);

#endif
