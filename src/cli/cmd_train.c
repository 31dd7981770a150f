/*
 * memscope train: headless training of --runs seeds.
 *
 * Threads: the runner (runner.h) trains the runs. With one run, it runs on
 * the calling thread and the trainer's own compute pool splits each batch
 * over --threads threads. With several runs, min(--threads, --runs) workers
 * (--threads by default the CPUs, as reproduce's)
 * each take the next run not yet started and train it with one compute
 * thread, so a run's numbers do not depend on --threads or on which worker
 * took it. Progress comes through the runner's hook. Results are kept per
 * run and printed in run order once all are done, so stdout is the same for
 * the same options every time.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/output.h"
#include "memscope/baselines.h"
#include "memscope/checkpoint.h"
#include "memscope/cli.h"
#include "memscope/clock.h"
#include "memscope/history.h"
#include "memscope/history_csv.h"
#include "memscope/history_live.h"
#include "memscope/json_out.h"
#include "memscope/report.h"
#include "memscope/theory.h"
#include "memscope/runner.h"
#include "memscope/trainer.h"
#include "memscope/warmstart.h"
#include "memscope/xmalloc.h"

/* One run: its config, trainer, history and results. */
struct train_run {
	struct ms_config cfg;		/* seed + index; threads 1 if parallel */
	struct trainer t;		/* kept after the run for run 0's --save */
	bool started;			/* trainer_init succeeded */
	bool failed;			/* trainer_init failed: err says why */
	char err[512];
	long steps_done;
	bool diverged;			/* trainer_diverged: why says how */
	char why[160];
	double start;			/* when training began (clock_seconds) */
	double *hist;			/* (steps, 3): train, test, seconds */
	double *logs;			/* (REPORT_ROWS, L) */
	double final_train;		/* the last step's training loss */
	double *gd_steps;		/* (2, L): GD and oracle GD steps used */
};

/* The runs and what the runner's workers and hook share. */
struct train_job {
	struct train_run *runs;
	int nruns;
	bool history;			/* --csv: keep per-step losses */
	struct history_live *live;	/* --live: rows as they come */
	bool keep_first;		/* --save: keep run 0's trainer */
	int test_every;			/* test loss every this many steps */
	struct report_progress progress;	/* stderr (the hook's) */
	double drawn;			/* when the hook last drew it */
	const char *init;		/* --init FILE[,FILE...], or NULL */
};

/* After step s of run i: its history (--csv, --live). */
static void
train_history(void *ctx, int i, struct trainer *t, long s)
{
	struct train_job *job = ctx;
	struct train_run *run = &job->runs[i];
	int L = run->cfg.layers;
	double h[3];

	if (!job->history && job->live == NULL)
		return;
	h[0] = t->train_loss;
	h[1] = NAN;
	if ((s + 1) % job->test_every == 0 || s + 1 == run->cfg.steps) {
		double *mse = xdoubles((size_t)L);

		trainer_test(t, mse);
		h[1] = mse[L - 1];
		free(mse);
	}
	h[2] = clock_seconds() - run->start;
	if (job->history)
		memcpy(run->hist + 3 * s, h, sizeof h);
	if (job->live != NULL)
		history_live_row(job->live, i, s + 1, h[0], h[1], h[2]);
}

/* The runner's hook: the progress on stderr, about every 0.1 s on a
 * terminal and 0.25 s otherwise, and when the last run ends. */
static void
train_progress(void *ctx, const struct runner_progress *p)
{
	struct train_job *job = ctx;
	double now = clock_seconds();

	if (p->event == RUNNER_START ||
	    (now - job->drawn < (job->progress.tty ? 0.1 : 0.25) &&
	    p->done < p->jobs))
		return;
	job->drawn = now;
	report_progress_update(&job->progress, p->steps, p->loss);
}

/* The runner's job: train run i to the end (or divergence), evaluate it. */
static void
train_one(struct runner *rn, void *ctx, int i)
{
	struct train_job *job = ctx;
	struct train_run *run = &job->runs[i];
	struct trainer *t = &run->t;
	struct baseline_table bt;
	int L = run->cfg.layers;
	double *mse;

	run->start = clock_seconds();
	if (trainer_init(t, &run->cfg, run->err, sizeof run->err) != 0) {
		run->failed = true;
		return;
	}
	run->started = true;
	if (job->init != NULL && warmstart_apply(&t->model, job->init,
	    run->err, sizeof run->err) != 0) {
		run->failed = true;
		return;
	}
	run->steps_done = runner_train(rn, i, t, run->cfg.steps,
	    train_history, job);
	mse = xdoubles((size_t)L);
	run->final_train = t->train_loss;
	run->diverged = trainer_diverged(t, run->why, sizeof run->why);
	if (!run->diverged) {
		trainer_test(t, mse);
		baselines_evaluate(&run->cfg, &t->dist, &t->test, L, &bt);
		baseline_log_rows(run->logs, L, mse, &bt);
		for (int l = 0; l < L; l++) {
			run->gd_steps[l] = bt.step[BASELINE_GD][l + 1];
			run->gd_steps[L + l] = bt.step[BASELINE_GD_ORACLE][l + 1];
		}
		baseline_table_free(&bt);
	}
	free(mse);
	if (i != 0 || !job->keep_first) {
		trainer_free(t);
		run->started = false;
	}
}

/* Every value printed or written must be a number: 0, or CLI_EXIT_FAIL
 * after naming the first that is not (report.h). Runs that diverged are
 * reported as such instead, before this. */
static int
train_check(const struct train_job *job)
{
	for (int r = 0; r < job->nruns; r++) {
		const struct train_run *run = &job->runs[r];
		unsigned long long seed = (unsigned long long)run->cfg.seed;
		int L = run->cfg.layers;
		long i;

		if ((i = report_first_bad(run->logs, (size_t)REPORT_ROWS * L,
		    true)) >= 0) {
			const char *row = report_row_name((int)(i / L));

			return report_not_finite("train", run->logs[i],
			    report_overflow_hint(row), "run %d (seed %llu): "
			    "%s's log test error at k=%d", r, seed, row,
			    (int)(i % L) + 1);
		}
		if (run->steps_done > 0 && !isfinite(run->final_train))
			return report_not_finite("train", run->final_train,
			    report_overflow_hint("model"), "run %d (seed %llu): "
			    "the final training loss", r, seed);
		if ((i = report_first_bad(run->gd_steps, 2 * (size_t)L,
		    false)) >= 0)
			return report_not_finite("train", run->gd_steps[i],
			    report_overflow_hint("gd"), "run %d (seed %llu): "
			    "the GD step at k=%d", r, seed, (int)(i % L) + 1);
		for (long s = 0; job->history && s < run->steps_done; s++) {
			const double *h = run->hist + 3 * s;
			/* the steps train_one measured the test loss after;
			 * in the others h[1] is NaN, written as "" */
			bool tested = (s + 1) % job->test_every == 0 ||
			    s + 1 == run->cfg.steps;

			if (!isfinite(h[0]) || (tested && !isfinite(h[1])))
				return report_not_finite("train",
				    isfinite(h[0]) ? h[1] : h[0],
				    report_overflow_hint("model"), "run %d (seed "
				    "%llu): the %s loss at step %ld", r, seed,
				    isfinite(h[0]) ? "test" : "training", s + 1);
		}
	}
	return 0;
}

/* --csv: the per-step history of every run. */
static int
train_write_csv(const char *path, const struct train_job *job, char *err,
    size_t errlen)
{
	struct output af;

	if (output_open(&af, path, err, errlen) != 0)
		return -1;
	history_csv_header(af.fp);
	for (int r = 0; r < job->nruns; r++) {
		const struct train_run *run = &job->runs[r];

		for (long s = 0; s < run->steps_done; s++) {
			const double *h = run->hist + 3 * s;

			history_csv_row(af.fp, r, s + 1, h[0], h[1], h[2]);
		}
	}
	return output_commit(&af, err, errlen);
}

/* --save: run's checkpoint, with its history decimated as the
 * visualizer keeps it. */
static int
train_save(const char *path, const struct train_run *run, char *err,
    size_t errlen)
{
	struct checkpoint_history ch;
	struct history h;
	int rc;

	history_init(&h);
	for (long s = 0; s < run->steps_done; s++)
		history_record_point(&h, (double)(s + 1), run->hist[3 * s],
		    run->hist[3 * s + 1]);
	history_checkpoint(&h, &ch);
	rc = checkpoint_save_history(path, &run->t, &ch, err, errlen);
	checkpoint_history_free(&ch);
	history_free(&h);
	return rc;
}

/* --json: configuration, each run's results, mean and std. */
static int
train_write_json(const char *path, const struct cli_opts *o,
    const struct train_job *job, const double *logs,
    const struct theory_lines *th, char *err, size_t errlen)
{
	int L = o->cfg.layers, R = job->nruns;
	json_t *root = json_out_root("memscope-train"), *runs = json_array();

	json_object_set_new(root, "config", checkpoint_config_json(&o->cfg));
	json_object_set_new(root, "metric", json_string("natural log of the "
	    "mean squared query error on the test batch, per layer read-out "
	    "(baselines: per iteration count)"));
	for (int r = 0; r < R; r++) {
		const struct train_run *run = &job->runs[r];
		json_t *jr = json_object(), *steps = json_object();

		json_object_set_new(jr, "run", json_integer(r));
		json_object_set_new(jr, "seed",
		    json_integer((json_int_t)run->cfg.seed));
		json_object_set_new(jr, "steps", json_integer(run->steps_done));
		json_object_set_new(jr, "train_loss",
		    json_out_real(run->final_train));
		json_object_set_new(jr, "log_test_loss",
		    report_layers_json(L, R, logs, 0, r));
		json_object_set_new(jr, "log_test_loss_normalised",
		    report_normalised_json(&o->cfg, L, R, logs, 0, r));
		json_object_set_new(steps, "gd",
		    json_out_reals(run->gd_steps, L));
		json_object_set_new(steps, "gd-oracle",
		    json_out_reals(run->gd_steps + L, L));
		json_object_set_new(jr, "baseline_steps", steps);
		json_array_append_new(runs, jr);
	}
	json_object_set_new(root, "runs", runs);
	json_object_set_new(root, "mean", report_layers_json(L, R, logs, 1, 0));
	json_object_set_new(root, "std", report_layers_json(L, R, logs, 2, 0));
	json_object_set_new(root, "theory", report_theory_json(L, th));
	json_object_set_new(root, "mean_normalised",
	    report_normalised_json(&o->cfg, L, R, logs, 1, 0));
	return json_out_write(path, root, err, errlen);
}

/* The history needs memory too: refuse --csv if it cannot fit. */
static int
train_check_history(const struct cli_opts *o)
{
	double bytes = 3.0 * sizeof(double) * o->cfg.steps * o->cfg.runs;

	if (o->csv_path != NULL && bytes > 4.0 * 1024 * 1024 * 1024)
		return cli_error("train", "--csv: the history of %d runs of %d "
		    "steps needs %.1f GiB; reduce --steps or --runs",
		    o->cfg.runs, o->cfg.steps,
		    bytes / (1024.0 * 1024 * 1024));
	return 0;
}

/* --init: the files fit this model (checked once, before any run). */
static int
train_check_init(const struct cli_opts *o)
{
	struct model m;
	char err[512];
	int rc = 0;

	if (o->init_path == NULL)
		return 0;
	model_init(&m, &o->cfg);
	if (warmstart_apply(&m, o->init_path, err, sizeof err) != 0)
		rc = cli_error("train", "%s", err);
	model_free(&m);
	return rc;
}

static void
train_job_free(struct train_job *job)
{
	for (int r = 0; r < job->nruns; r++) {
		struct train_run *run = &job->runs[r];

		if (run->started)
			trainer_free(&run->t);
		free(run->hist);
		free(run->logs);
		free(run->gd_steps);
	}
	free(job->runs);
}

/* memscope train: train --runs seeds and print the per-layer table. */
int
cmd_train(int argc, char **argv)
{
	struct cli_opts o;
	struct train_job job;
	struct theory_lines th;
	int rc, L, R, status = CLI_EXIT_OK;
	double *logs;
	char err[512];

	if ((rc = cli_parse("train", argc, argv, &o)) != CLI_CONTINUE)
		return rc;
	if ((rc = train_check_history(&o)) != 0)
		return rc;
	if ((rc = train_check_init(&o)) != 0)
		return rc;
	L = o.cfg.layers;
	R = o.cfg.runs;
	/* several runs: on every CPU unless --threads (or --config) says */
	if (R > 1 && !cli_given(&o, "threads"))
		o.cfg.threads = runner_cpus();
	memset(&job, 0, sizeof job);
	job.nruns = R;
	/* --save keeps the history too (decimated: history.h) */
	job.history = o.csv_path != NULL || o.save_path != NULL;
	job.keep_first = o.save_path != NULL;
	job.init = o.init_path;
	job.test_every = o.cfg.steps / 100 > 1 ? o.cfg.steps / 100 : 1;
	job.runs = xcalloc((size_t)R, sizeof *job.runs);
	for (int r = 0; r < R; r++) {
		struct train_run *run = &job.runs[r];

		run->cfg = o.cfg;
		run->cfg.seed = o.cfg.seed + (uint64_t)r;
		run->cfg.runs = 1;
		if (R > 1)
			run->cfg.threads = 1;
		if (job.history)
			run->hist = xdoubles(3 * (size_t)o.cfg.steps);
		run->logs = xdoubles((size_t)REPORT_ROWS * L);
		run->gd_steps = xdoubles(2 * (size_t)L);
	}

	if (o.live_path != NULL && (job.live = history_live_open(o.live_path,
	    err, sizeof err)) == NULL) {
		train_job_free(&job);
		return cli_error("train", "--live: %s", err);
	}
	/* one run: the trainer's pool takes --threads; several: the runner */
	report_progress_start(&job.progress, "train", (long)R * o.cfg.steps,
	    o.quiet);
	report_progress_threads(&job.progress, R, o.cfg.steps, R > 1 ?
	    (o.cfg.threads < R ? o.cfg.threads : R) : o.cfg.threads);
	runner_run(R, R > 1 ? o.cfg.threads : 1, train_one, train_progress,
	    &job);
	report_progress_end(&job.progress);
	if (job.live != NULL && history_live_close(job.live, err,
	    sizeof err) != 0) {
		fprintf(stderr, "memscope train: --live: %s\n", err);
		status = CLI_EXIT_FAIL;
	}

	for (int r = 0; r < R; r++) {
		if (job.runs[r].failed) {
			fprintf(stderr, "memscope train: run %d (seed %llu): %s\n",
			    r, (unsigned long long)job.runs[r].cfg.seed,
			    job.runs[r].err);
			train_job_free(&job);
			return CLI_EXIT_FAIL;
		}
	}
	for (int r = 0; r < R; r++) {
		if (!job.runs[r].diverged)
			continue;
		fprintf(stderr, "memscope train: run %d (seed %llu) diverged: "
		    "%s; try a smaller --lr or set --clip\n", r,
		    (unsigned long long)job.runs[r].cfg.seed, job.runs[r].why);
		status = CLI_EXIT_FAIL;
	}
	/* no result that is not a finite number is reported as one */
	if (status == CLI_EXIT_OK && (rc = train_check(&job)) != 0) {
		train_job_free(&job);
		return rc;
	}
	/* the reference lines: the task's, the same for every run */
	if (theory_lines_config(&o.cfg, &th, err, sizeof err) != 0) {
		fprintf(stderr, "memscope train: %s\n", err);
		train_job_free(&job);
		return CLI_EXIT_FAIL;
	}
	/* all runs' logs side by side, in run order */
	logs = xdoubles((size_t)R * REPORT_ROWS * L);
	for (int r = 0; r < R; r++)
		memcpy(logs + (size_t)r * REPORT_ROWS * L, job.runs[r].logs,
		    (size_t)REPORT_ROWS * L * sizeof(double));

	/* the files first, so that a reader that closes stdout early
	 * (memscope train --save m.json | head -1) loses none of them */
	if (o.csv_path != NULL && train_write_csv(o.csv_path, &job, err,
	    sizeof err) != 0) {
		fprintf(stderr, "memscope train: --csv: %s\n", err);
		status = CLI_EXIT_FAIL;
	}
	if (status == CLI_EXIT_OK && o.json_path != NULL &&
	    train_write_json(o.json_path, &o, &job, logs, &th, err,
	    sizeof err) != 0) {
		fprintf(stderr, "memscope train: --json: %s\n", err);
		status = CLI_EXIT_FAIL;
	}
	if (status == CLI_EXIT_OK && o.save_path != NULL &&
	    train_save(o.save_path, &job.runs[0], err, sizeof err) != 0) {
		fprintf(stderr, "memscope train: --save: %s\n", err);
		status = CLI_EXIT_FAIL;
	}
	if (status != CLI_EXIT_OK || o.stdout_taken) {
		free(logs);
		train_job_free(&job);
		return status;
	}

	report_config_line(stdout, "train", &o.cfg, true);
	if (R > 1)
		printf("# %d runs (seeds %llu to %llu)", R,
		    (unsigned long long)o.cfg.seed,
		    (unsigned long long)(o.cfg.seed + (uint64_t)R - 1));
	else
		printf("# 1 run (seed %llu)", (unsigned long long)o.cfg.seed);
	printf(", %d steps, %d test prompts; natural log of the mean squared\n"
	    "# query error after k layers (model) or k iterations (methods)%s%s%s"
	    "\n", o.cfg.steps, o.cfg.test_batch, R > 1 ? ", mean " : "",
	    R > 1 ? report_plus_minus() : "", R > 1 ? " std over runs" : "");
	report_layers_print_theory(stdout, L, R, logs, &th);
	report_normalised_print(stdout, &o.cfg, L, R, logs);
	free(logs);
	train_job_free(&job);
	return status;
}
