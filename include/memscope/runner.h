/*
 * The runner of N trainings: jobs 0..N-1 (a training each, or any other
 * independent piece of work) on min(threads, N) workers of a compute pool
 * (pool.h), each worker taking the next job in index order from a shared
 * counter. Every job writes only its own result slot, and a training's
 * numbers depend on its configuration alone (one compute thread each when
 * several run at once), so results read back by job index are the same
 * whatever the schedule and the thread count.
 *
 * Progress goes through a hook, called under the runner's lock (so one call
 * at a time, from whichever worker): when a job starts, at every step a job
 * reports, and when it ends. The hook draws nothing itself in the
 * application layer; the command line passes one that does.
 */
#ifndef MEMSCOPE_RUNNER_H
#define MEMSCOPE_RUNNER_H

#include "memscope/trainer.h"

struct runner;

enum runner_event {
	RUNNER_START,		/* job `job` starts */
	RUNNER_STEP,		/* job `job` made an optimizer step */
	RUNNER_DONE		/* job `job` ended */
};

/* What the hook is told. */
struct runner_progress {
	enum runner_event event;
	int job;		/* the job the event is about */
	int jobs;		/* N */
	int started;		/* jobs started so far (this one included) */
	int done;		/* jobs ended so far (this one included) */
	long steps;		/* steps reported so far, over every job */
	double loss;		/* the latest step's training loss (NaN: none) */
};

/* Job `job` of the batch; r is for runner_train and runner_step. */
typedef void (*runner_job_fn)(struct runner *r, void *ctx, int job);
/* The progress hook (runner_run's ctx); must not call the runner. */
typedef void (*runner_hook_fn)(void *ctx, const struct runner_progress *p);
/* Called by runner_train after each step s (0-based) of job `job`. */
typedef void (*runner_step_fn)(void *ctx, int job, struct trainer *t, long s);

/*
 * Run fn(r, ctx, job) for every job < jobs on min(threads, jobs) workers
 * (at least one: the calling thread), telling hook (may be NULL) as above;
 * returns when every job has ended, with the number of workers used.
 */
int runner_run(int jobs, int threads, runner_job_fn fn, runner_hook_fn hook,
    void *ctx);
/* The default number of workers: the CPUs online, 1 to 64. */
int runner_cpus(void);

/*
 * From inside job `job`: up to `steps` optimizer steps of t, stopping early
 * if training diverges (trainer_step); after each step each(ctx, ...) (may
 * be NULL) and a RUNNER_STEP to the hook. Returns the steps made.
 */
long runner_train(struct runner *r, int job, struct trainer *t, long steps,
    runner_step_fn each, void *ctx);

/* From inside job `job`: report a step with this training loss. */
void runner_step(struct runner *r, int job, double loss);

#endif
