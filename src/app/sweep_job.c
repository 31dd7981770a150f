/*
 * One job of a sweep (sweep.h): a training with its evaluation, exactly as
 * `memscope train` does one run, written as a self-describing JSON result
 * in DIR/results/ID.json; and every job of a sweep on this machine's cores
 * through the runner (runner.h), one compute thread each.
 *
 * A result depends on the job's configuration alone: the trainer's numbers
 * are the same for any thread count and instruction set, and the result
 * file holds no schedule (its timings and host are beside the numbers, not
 * in the merged tables). So `sweep run`, GNU parallel and a Slurm array
 * write the same results, and a job whose valid result exists is skipped.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "memscope/baselines.h"
#include "memscope/checkpoint.h"
#include "memscope/clock.h"
#include "memscope/json_out.h"
#include "memscope/model.h"
#include "memscope/output.h"
#include "memscope/runner.h"
#include "memscope/sweep.h"
#include "memscope/trainer.h"
#include "memscope/xmalloc.h"

/* What one training and its evaluation gave. */
struct sj_out {
	long steps;		/* steps made */
	double train_loss;	/* the last step's */
	bool diverged;
	char why[160];
	int layers;
	double *logs;		/* (SWEEP_METRICS, L), when not diverged */
	double train_seconds, evaluate_seconds;
	const char *kernels;	/* the lane kernels' instruction set */
};

/* DIR/results/ID.SUFFIX into buf (NULL if it does not fit). */
static char *
sj_path(char *buf, size_t len, const char *dir, const char *id,
    const char *suffix)
{
	int n = snprintf(buf, len, "%s/results/%s.%s", dir, id, suffix);

	return n < 0 || (size_t)n >= len ? NULL : buf;
}

/*
 * Train cfg to its steps (stopping where it diverges), then test the model
 * and every baseline on the test batch, as memscope train does; through
 * the runner's job `job` when rn is not NULL (its progress), else alone.
 */
static int
sj_train(const struct ms_config *cfg, struct runner *rn, int job,
    struct sj_out *o, char *err, size_t errlen)
{
	struct trainer t;
	struct baseline_table bt;
	double t0 = clock_seconds(), t1, *mse;
	int L = cfg->layers;

	memset(o, 0, sizeof *o);
	if (trainer_init(&t, cfg, err, errlen) != 0)
		return -1;
	if (rn != NULL)
		o->steps = runner_train(rn, job, &t, cfg->steps, NULL, NULL);
	else
		while (o->steps < cfg->steps && trainer_step(&t) == 0)
			o->steps++;
	o->train_loss = t.train_loss;	/* NaN before a first step */
	o->layers = L;
	o->kernels = model_isa_name(model_isa_of(&t.model));
	t1 = clock_seconds();
	o->train_seconds = t1 - t0;
	o->diverged = trainer_diverged(&t, o->why, sizeof o->why);
	if (!o->diverged) {
		mse = xdoubles((size_t)L);
		o->logs = xdoubles((size_t)SWEEP_METRICS * L);
		trainer_test(&t, mse);
		baselines_evaluate(cfg, &t.dist, &t.test, L, &bt);
		baseline_log_rows(o->logs, L, mse, &bt);
		baseline_table_free(&bt);
		free(mse);
	}
	o->evaluate_seconds = clock_seconds() - t1;
	trainer_free(&t);
	return 0;
}

/* The result document of job id of sweep sid (doc/formats.md). */
static json_t *
sj_json(const char *id, const char *sid, const struct ms_config *cfg,
    const struct sj_out *o)
{
	json_t *root = json_out_root("memscope-sweep-result");
	json_t *loss, *tm = json_object();
	char host[256];
	int L = o->layers;

	json_object_set_new(root, "id", json_string(id));
	json_object_set_new(root, "sweep", json_string(sid));
	json_object_set_new(root, "config", checkpoint_config_json(cfg));
	json_object_set_new(root, "status",
	    json_string(o->diverged ? "diverged" : "ok"));
	if (o->diverged)
		json_object_set_new(root, "why", json_string(o->why));
	json_object_set_new(root, "steps", json_integer(o->steps));
	json_object_set_new(root, "train_loss", json_out_real(o->train_loss));
	if (!o->diverged) {
		loss = json_object();
		for (int m = 0; m < SWEEP_METRICS; m++)
			json_object_set_new(loss, sweep_metric_name(m),
			    json_out_reals(o->logs + (size_t)m * L, L));
		json_object_set_new(root, "log_test_loss", loss);
	}
	json_object_set_new(tm, "train_seconds", json_real(o->train_seconds));
	json_object_set_new(tm, "evaluate_seconds",
	    json_real(o->evaluate_seconds));
	json_object_set_new(tm, "total_seconds",
	    json_real(o->train_seconds + o->evaluate_seconds));
	json_object_set_new(root, "timings", tm);
	if (gethostname(host, sizeof host) != 0)
		snprintf(host, sizeof host, "unknown");
	host[sizeof host - 1] = '\0';
	json_object_set_new(root, "host", json_string(host));
	json_object_set_new(root, "threads", json_integer(cfg->threads));
	json_object_set_new(root, "kernels", json_string(o->kernels));
	return root;
}

/* A failed job: its message into DIR/results/ID.err (one line). */
static void
sj_fail(const char *dir, const char *id, const char *msg)
{
	struct output out;
	char path[4096], err[256];

	if (sj_path(path, sizeof path, dir, id, "err") == NULL ||
	    output_open(&out, path, err, sizeof err) != 0)
		return;
	fprintf(out.fp, "%s\n", msg);
	(void)output_commit(&out, err, sizeof err);
}

/* sweep_job_run, through the runner's job `job` when rn is not NULL. */
static enum sweep_job_status
sj_run(const char *dir, const char *sid, const struct ms_config *cfg,
    bool force, struct runner *rn, int job, char *err, size_t errlen)
{
	struct sweep_result r;
	struct sj_out o;
	char id[SWEEP_ID_LEN + 1], path[4096], epath[4096], msg[512];
	int rc;

	sweep_job_id(cfg, id);
	if (sj_path(path, sizeof path, dir, id, "json") == NULL ||
	    sj_path(epath, sizeof epath, dir, id, "err") == NULL) {
		config_error(err, errlen, "%s: the directory's name is too "
		    "long", dir);
		return SWEEP_JOB_FAILED;
	}
	if (!force && sweep_result_read(&r, dir, id, msg, sizeof msg) == 0) {
		sweep_result_free(&r);
		return SWEEP_JOB_SKIPPED;
	}
	rc = sj_train(cfg, rn, job, &o, msg, sizeof msg);
	if (rc == 0) {
		rc = json_out_write(path, sj_json(id, sid, cfg, &o), msg,
		    sizeof msg);
		free(o.logs);
	}
	if (rc != 0) {
		config_error(err, errlen, "job %s: %s", id, msg);
		sj_fail(dir, id, err);
		return SWEEP_JOB_FAILED;
	}
	unlink(epath);		/* an earlier failure's message, if any */
	return SWEEP_JOB_RAN;
}

/* Run one job into DIR/results (sweep.h). */
enum sweep_job_status
sweep_job_run(const char *dir, const char *sid, const struct ms_config *cfg,
    bool force, char *err, size_t errlen)
{
	return sj_run(dir, sid, cfg, force, NULL, 0, err, errlen);
}

/* ---- every job on this machine ---- */

/* Estimated work of a training, for the progress bar's share and ETA: its
 * steps' FLOPs as the model counts them (+1: a job of no steps takes time
 * too). */
static double
sj_cost(const struct ms_config *c)
{
	struct model m;
	double w;

	model_init(&m, c);
	w = model_flops_per_step(&m, c->batch) * c->steps;
	model_free(&m);
	return w + 1.0;
}

/* What the runner's jobs and hook share. */
struct sj_run {
	const char *dir;
	const char *sid;
	const struct sweep_job *jobs;
	long *todo;		/* (ntodo) job indices without a result */
	double *cost;		/* (ntodo) */
	long *steps;		/* (ntodo) steps reported so far */
	double done_cost;	/* of the steps reported and the jobs ended */
	struct sweep_progress p;
	double t0;
	sweep_progress_fn progress;
	void *ctx;
	pthread_mutex_t lock;	/* failed, first_err and late_skips */
	long skipped;		/* jobs with a result before the run */
	long late_skips;	/* and those another engine wrote meanwhile */
	long failed;
	char first_err[512];	/* the first failure's message */
};

/* The runner's job i: job todo[i]. */
static void
sj_runner_job(struct runner *rn, void *ctx, int i)
{
	struct sj_run *run = ctx;
	const struct sweep_job *j = &run->jobs[run->todo[i]];
	char err[512];
	enum sweep_job_status st = sj_run(run->dir, run->sid, &j->cfg, false,
	    rn, i, err, sizeof err);

	pthread_mutex_lock(&run->lock);
	if (st == SWEEP_JOB_SKIPPED)	/* another engine got there first */
		run->late_skips++;
	if (st == SWEEP_JOB_FAILED && run->failed++ == 0)
		snprintf(run->first_err, sizeof run->first_err, "%s", err);
	pthread_mutex_unlock(&run->lock);
}

/* The runner's hook (under its lock): the work done so far, a step's
 * share of its job's cost at each step, the rest when the job ends. */
static void
sj_runner_hook(void *ctx, const struct runner_progress *rp)
{
	struct sj_run *run = ctx;
	int i = rp->job;
	int steps = run->jobs[run->todo[i]].cfg.steps;

	if (rp->event == RUNNER_START)
		return;
	if (rp->event == RUNNER_STEP) {
		run->steps[i]++;
		run->done_cost += run->cost[i] / steps;
	} else
		run->done_cost += run->cost[i] - (steps > 0 ?
		    run->cost[i] * run->steps[i] / steps : 0);
	run->p.done = run->skipped + rp->done;
	pthread_mutex_lock(&run->lock);
	run->p.failed = run->failed;
	run->p.skipped = run->skipped + run->late_skips;
	pthread_mutex_unlock(&run->lock);
	run->p.done_cost = run->done_cost;
	run->p.elapsed = clock_seconds() - run->t0;
	if (run->progress != NULL)
		run->progress(run->ctx, &run->p);
}

/* Every job of the sweep without a result, on this machine (sweep.h). */
int
sweep_run(const struct sweep *sw, const char *dir, int threads,
    sweep_progress_fn progress, void *ctx, char *err, size_t errlen)
{
	struct sweep_job *jobs;
	struct sweep_result r;
	struct sj_run run = { .dir = dir, .progress = progress, .ctx = ctx };
	char sid[SWEEP_ID_LEN + 1], msg[512];
	long ntodo = 0;
	int workers;

	if (sweep_jobs(sw, &jobs, sid, err, errlen) != 0)
		return -1;
	run.sid = sid;
	run.jobs = jobs;
	run.todo = xmalloc((size_t)sw->njobs * sizeof *run.todo);
	run.cost = xdoubles((size_t)sw->njobs);
	run.steps = xcalloc((size_t)sw->njobs, sizeof *run.steps);
	for (long i = 0; i < sw->njobs; i++) {
		if (sweep_result_read(&r, dir, jobs[i].id, msg,
		    sizeof msg) == 0) {
			sweep_result_free(&r);
			run.skipped++;
			continue;
		}
		run.cost[ntodo] = sj_cost(&jobs[i].cfg);
		run.p.cost += run.cost[ntodo];
		run.todo[ntodo++] = i;
	}
	run.p.jobs = sw->njobs;
	run.p.done = run.p.skipped = run.skipped;
	run.t0 = clock_seconds();
	if (progress != NULL)
		progress(ctx, &run.p);
	/* jobs of more than one compute thread (the file's threads, one
	 * value for all) share the threads between them */
	workers = threads / sw->base.threads > 0 ? threads / sw->base.threads :
	    1;
	pthread_mutex_init(&run.lock, NULL);
	if (ntodo > 0)
		runner_run((int)ntodo, workers, sj_runner_job, sj_runner_hook,
		    &run);
	pthread_mutex_destroy(&run.lock);
	run.p.elapsed = clock_seconds() - run.t0;
	if (run.failed > 0)
		config_error(err, errlen, "%ld of %ld jobs failed (the first: "
		    "%s)", run.failed, ntodo, run.first_err);
	free(run.todo);
	free(run.cost);
	free(run.steps);
	sweep_jobs_free(jobs, sw->njobs);
	return run.failed > 0 ? 1 : 0;
}
