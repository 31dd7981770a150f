/*
 * Sweeps: a grid of trainings planned from an INI file, run by any engine
 * (this machine's cores, GNU parallel, a Slurm job array) one job per
 * training, and merged into tidy tables and figures. doc/formats.md has the
 * files; README.md's "Sweeps" the commands.
 *
 * A sweep file holds config keys (config.h) whose values may be lists or
 * ranges; a key with two or more values is an axis. Every combination of
 * the axes' values is a job: one training with its evaluation, identified
 * by a hash of its full configuration, whose result is a self-describing
 * JSON file. Because a result depends on its configuration alone (one
 * compute thread, the same bits on every instruction set), every engine
 * writes the same results, and a job whose result exists is skipped.
 */
#ifndef MEMSCOPE_SWEEP_H
#define MEMSCOPE_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "memscope/baselines.h"
#include "memscope/config.h"

#define SWEEP_ID_LEN 16			/* hex digits of an id */
#define SWEEP_CONFIRM_JOBS 1000		/* more jobs need --yes */
#define SWEEP_MAX_JOBS 1000000		/* more are refused */
#define SWEEP_VALUE_LEN 64		/* an axis value's text, with its NUL */
#define SWEEP_METRICS (1 + BASELINE_COUNT)	/* model, then baselines */

/* One axis: a key with two or more values. */
struct sweep_axis {
	char name[32];		/* the file's key: "kappa", or a config key's
				 * canonical name */
	int key;		/* config_key_index of the key it sets
				 * ("data" for kappa) */
	int nvalues;
	char (*values)[SWEEP_VALUE_LEN];	/* canonical text each */
	int line;		/* where the file set it */
};

/* A sweep file, read. */
struct sweep {
	char *path;		/* the file as given */
	struct ms_config base;	/* defaults and the constants */
	bool threads_given;	/* the file set threads (per job) */
	int naxes;
	struct sweep_axis *axes;	/* file order; a seed axis last */
	long njobs;		/* the product of the axes' sizes */
};

/* One job of a sweep. */
struct sweep_job {
	long index;		/* in job order */
	struct ms_config cfg;	/* its full configuration (runs 1) */
	char id[SWEEP_ID_LEN + 1];
	int *coord;		/* (naxes) the value of each axis */
};

/* ---- the sweep file and the plan (sweep_file.c, sweep_plan.c) ---- */

/* Read a sweep file; 0, or -1 with a one-line "FILE:LINE: ..." message. */
int sweep_load(struct sweep *sw, const char *path, char *err, size_t errlen);
void sweep_free(struct sweep *sw);

/* The job id of a configuration (see doc/formats.md), into id. */
void sweep_job_id(const struct ms_config *cfg, char id[SWEEP_ID_LEN + 1]);
/* Whether s (NULL: no) is an id, a job's or a sweep's: SWEEP_ID_LEN
 * lowercase hex digits. */
bool sweep_is_id(const char *s);

/* Set value v of axis ax in cfg (kappa's K as data = kappa:K); 0, or -1
 * with config_set's message. */
int sweep_axis_set(struct ms_config *cfg, const struct sweep_axis *ax, int v,
    char *err, size_t errlen);

/* Job `index` of the sweep: its configuration, id and coordinates (coord
 * must hold naxes ints); 0, or -1 with a message if it does not validate. */
int sweep_job_at(const struct sweep *sw, long index, struct sweep_job *job,
    char *err, size_t errlen);

/* Every job (njobs of them, *jobs freed with sweep_jobs_free); and the
 * sweep id over their ids. 0, or -1 with a message. */
int sweep_jobs(const struct sweep *sw, struct sweep_job **jobs,
    char sid[SWEEP_ID_LEN + 1], char *err, size_t errlen);
void sweep_jobs_free(struct sweep_job *jobs, long njobs);

/* The sweep id over n job ids in job order (see doc/formats.md). */
void sweep_plan_id(const char (*ids)[SWEEP_ID_LEN + 1], long n,
    char sid[SWEEP_ID_LEN + 1]);

/* How the plan files are written. */
struct sweep_plan_opts {
	const char *memscope;	/* the command the job lines start with */
	int array_limit;	/* Slurm: array tasks running at once (0: no
				 * limit) */
	bool yes;		/* more than SWEEP_CONFIRM_JOBS jobs is fine */
};

/*
 * Write DIR/sweep.json, DIR/jobs.txt, DIR/slurm.sbatch and make
 * DIR/results and DIR/logs; refuse (-2, message) a directory holding
 * another sweep's results, or too many jobs without o->yes; -1 with a
 * message on a write error; 0.
 */
int sweep_plan_write(const struct sweep *sw, const char *dir,
    const struct sweep_plan_opts *o, char *err, size_t errlen);

/* A plan, read back from DIR/sweep.json (sweep_plan_read.c). */
struct sweep_plan {
	char id[SWEEP_ID_LEN + 1];
	char *file;		/* the sweep file it was planned from */
	int naxes;
	struct sweep_axis *axes;	/* as the sweep's */
	long njobs;
	char (*ids)[SWEEP_ID_LEN + 1];	/* (njobs) in job order */
	int *coord;		/* (njobs, naxes) each job's value per axis */
	long *by_id;		/* (njobs) job indices in id order, for
				 * sweep_plan_find */
	struct ms_config base;	/* the defaults and the file's constants */
};

/* Read and validate DIR/sweep.json completely; 0, -1 with a message (-2:
 * there is none). */
int sweep_plan_read(struct sweep_plan *p, const char *dir, char *err,
    size_t errlen);
void sweep_plan_free(struct sweep_plan *p);
/* The index of job id in the plan, or -1. */
long sweep_plan_find(const struct sweep_plan *p, const char *id);
/* Job j's full configuration from the plan (its base and settings), which
 * must hash to its id; 0, or -1 with a message. */
int sweep_plan_job(const struct sweep_plan *p, long j, struct ms_config *cfg,
    char *err, size_t errlen);

/* A job's result, read back from DIR/results/ID.json (sweep_result.c). */
struct sweep_result {
	char id[SWEEP_ID_LEN + 1];
	struct ms_config cfg;
	bool diverged;
	char why[160];
	long steps;
	double train_loss;
	int layers;		/* L */
	double *log_loss;	/* (SWEEP_METRICS, L): model, then the
				 * baselines in enum baseline order */
	double seconds;		/* timings.total_seconds */
};

/* Read and validate DIR/results/ID.json (its id and config must match
 * the id); 0, -1 with a message (-2: there is none). */
int sweep_result_read(struct sweep_result *r, const char *dir,
    const char *id, char *err, size_t errlen);
void sweep_result_free(struct sweep_result *r);
/* Name of metric m: "model", then baseline_name's. */
const char *sweep_metric_name(int m);

/* ---- one job, and every job on this machine (sweep_job.c) ---- */

/* What a job did. */
enum sweep_job_status { SWEEP_JOB_RAN, SWEEP_JOB_SKIPPED, SWEEP_JOB_FAILED };

/*
 * Run the job of cfg (its id) into DIR/results/ID.json, unless a valid
 * result is there and not force; one compute thread unless cfg says more.
 * A failure writes DIR/results/ID.err and the message into err.
 */
enum sweep_job_status sweep_job_run(const char *dir, const char *sid,
    const struct ms_config *cfg, bool force, char *err, size_t errlen);

/* Run every job of the sweep without a result on min(threads, jobs)
 * workers, telling progress (may be NULL) as jobs end. */
struct sweep_progress {
	long jobs, done, skipped, failed;	/* done includes skipped */
	double cost, done_cost;	/* estimated work, and of the jobs ended */
	double elapsed;		/* seconds since the run started */
};
typedef void (*sweep_progress_fn)(void *ctx, const struct sweep_progress *p);
int sweep_run(const struct sweep *sw, const char *dir, int threads,
    sweep_progress_fn progress, void *ctx, char *err, size_t errlen);

/* ---- merging (sweep_merge*.c) ---- */

struct sweep_merge_opts {
	const char *heatmap;	/* METRIC or A-B, or NULL */
	const char *lines;	/* METRIC or A-B, or NULL */
	const char *x, *y, *by;	/* axis names, or NULL */
	int layer;		/* read-out k, 0: each job's last */
	int nwhere;
	const char *where[16];	/* "AXIS=VALUE" */
	const char *svg;	/* the figure's file, or NULL: the default */
	bool complete;		/* missing or failed jobs: exit status 1 */
};

/* Merge DIR's results (doc/formats.md): results.csv, summary.csv, the
 * figure, the table and the list of missing and failed jobs on out.
 * 0; 1: incomplete under o->complete; -2: bad options, or no readable
 * plan in DIR (message); -1: a
 * failure (message). */
int sweep_merge(const char *dir, const struct sweep_merge_opts *o,
    FILE *out, char *err, size_t errlen);
/* Whether o suits DIR's plan (its figure options), before the work: 0, or
 * -2 with sweep_merge's message; nothing is written. */
int sweep_merge_check(const char *dir, const struct sweep_merge_opts *o,
    char *err, size_t errlen);
/* The same with the plan already read (sweep_merge reads DIR's). */
int sweep_merge_plan(const struct sweep_plan *p, const char *dir,
    const struct sweep_merge_opts *o, FILE *out, char *err, size_t errlen);

#endif
