/*
 * memscope baselines: the classical methods alone. For each run (seed,
 * seed+1, ...) the rotation U and the test batch are drawn exactly as a
 * training run with that seed draws them, so these numbers are the baseline
 * rows of `memscope train` with the same options, for every k up to --iters.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/output.h"
#include "memscope/baselines.h"
#include "memscope/checkpoint.h"
#include "memscope/cli.h"
#include "memscope/csv.h"
#include "memscope/json_out.h"
#include "memscope/report.h"
#include "memscope/theory.h"
#include "memscope/stats.h"
#include "memscope/task.h"
#include "memscope/xmalloc.h"

/* Every run's tables: mse and step of method b at k, (run, b, k). */
struct bl_results {
	int runs, iters;
	double *mse;
	double *step;
};

static size_t
bl_index(const struct bl_results *res, int run, int b, int k)
{
	return ((size_t)run * BASELINE_COUNT + b) * (res->iters + 1) + k;
}

/* Run every method for run `run` of cfg; 0, or an exit status. */
static int
bl_run(const struct ms_config *base, int run, struct bl_results *res)
{
	struct ms_config cfg = *base;
	struct task_dist dist;
	struct task_batch test;
	struct baseline_table bt;
	char err[512];

	cfg.seed = base->seed + (uint64_t)run;
	if (task_dist_init(&dist, &cfg, err, sizeof err) != 0)
		return cli_error("baselines", "%s", err);
	task_test_batch(&test, &dist, &cfg);
	baselines_evaluate(&cfg, &dist, &test, res->iters, &bt);
	for (int b = 0; b < BASELINE_COUNT; b++)
		for (int k = 0; k <= res->iters; k++) {
			res->mse[bl_index(res, run, b, k)] = bt.mse[b][k];
			res->step[bl_index(res, run, b, k)] = bt.step[b][k];
		}
	baseline_table_free(&bt);
	task_batch_free(&test);
	task_dist_free(&dist);
	return 0;
}

/* The log of every mse, laid out (run, k, b) as the table reads it. */
static double *
bl_logs(const struct bl_results *res)
{
	int K = res->iters + 1;
	double *logs = xdoubles((size_t)res->runs * K * BASELINE_COUNT);

	for (int run = 0; run < res->runs; run++)
		for (int k = 0; k < K; k++)
			for (int b = 0; b < BASELINE_COUNT; b++)
				logs[((size_t)run * K + k) * BASELINE_COUNT + b] =
				    log(res->mse[bl_index(res, run, b, k)]);
	return logs;
}

/* Every value printed or written must be a number: 0, or CLI_EXIT_FAIL
 * after naming the first that is not (report.h). */
static int
bl_check(const struct ms_config *cfg, const struct bl_results *res,
    const double *logs)
{
	int K = res->iters + 1;
	size_t n = (size_t)res->runs * K * BASELINE_COUNT;
	long i;

	if ((i = report_first_bad(logs, n, true)) >= 0) {
		int run = (int)(i / ((long)K * BASELINE_COUNT));
		int k = (int)(i / BASELINE_COUNT % K);
		const char *m = baseline_name((enum baseline)(i % BASELINE_COUNT));

		return report_not_finite("baselines", logs[i],
		    report_overflow_hint(m), "run %d (seed %llu): %s's log "
		    "error after k=%d iterations", run,
		    (unsigned long long)(cfg->seed + (uint64_t)run), m, k);
	}
	if ((i = report_first_bad(res->step, n, false)) >= 0) {
		const char *m = baseline_name((enum baseline)(i / K %
		    BASELINE_COUNT));

		return report_not_finite("baselines", res->step[i],
		    report_overflow_hint(m), "%s's step size", m);
	}
	return 0;
}

/* Rows k = 0..iters, one column per method. */
static void
bl_print(const struct bl_results *res, const double *logs)
{
	const char *cols[BASELINE_COUNT];
	const char **rows = report_numbered("", 0, res->iters + 1);

	for (int b = 0; b < BASELINE_COUNT; b++)
		cols[b] = baseline_name((enum baseline)b);
	report_cost_notes(stdout);
	report_table_print(stdout, "k", rows, res->iters + 1, cols,
	    BASELINE_COUNT, res->runs, logs);
	free(rows);
}

/* The theory lines for k = 1..iters iterations: those of a model of
 * iters layers on the points the methods use (n - 1 with --quirks). */
static int
bl_theory(const struct ms_config *base, int iters, struct theory_lines *th)
{
	struct ms_config cfg = *base;
	char err[512];

	cfg.layers = iters;
	if (cfg.quirks && cfg.context > 1)
		cfg.context--;
	if (theory_lines_config(&cfg, th, err, sizeof err) != 0)
		return cli_error("baselines", "%s", err);
	return 0;
}

/* The theory lines as comment lines under the table, up to where they
 * are defined; "-" if not even at k = 1 (data with a mean), as the
 * tables of train and eval print it. */
static void
bl_print_theory(const struct theory_lines *th, int iters)
{
	report_theory_note(stdout);
	for (int w = 0; w < REPORT_THEORY_ROWS; w++) {
		printf("# %s (k=1..):", theory_line_name(w));
		if (isnan(theory_lines_log(th, w, 1)))
			fputs(" -", stdout);
		for (int k = 1; k <= iters; k++) {
			double v = theory_lines_log(th, w, k);

			if (isnan(v))
				break;
			printf(" %.3f", v);
		}
		putchar('\n');
	}
}

/* --csv: run,seed,method,k,mse,ln_mse,step_size. */
static int
bl_write_csv(const char *path, const struct ms_config *cfg,
    const struct bl_results *res, char *err, size_t errlen)
{
	struct output af;

	if (output_open(&af, path, err, errlen) != 0)
		return -1;
	fprintf(af.fp, "run,seed,method,k,mse,ln_mse,step_size\n");
	for (int run = 0; run < res->runs; run++)
		for (int b = 0; b < BASELINE_COUNT; b++)
			for (int k = 0; k <= res->iters; k++) {
				size_t i = bl_index(res, run, b, k);
				const double v[3] = { res->mse[i],
				    log(res->mse[i]), res->step[i] };

				fprintf(af.fp, "%d,%llu,%s,%d", run,
				    (unsigned long long)(cfg->seed + run),
				    baseline_name((enum baseline)b), k);
				for (int c = 0; c < 3; c++) {
					fputc(',', af.fp);
					csv_real(af.fp, v[c], 17, "nan");
				}
				fputc('\n', af.fp);
			}
	return output_commit(&af, err, errlen);
}

/* {"gd": [iters+1], ...}: run `run`'s log mse (which 0), mean (1), std (2). */
static json_t *
bl_json_methods(const struct bl_results *res, const double *logs, int run,
    int which)
{
	int K = res->iters + 1, cells = K * BASELINE_COUNT;
	double *mean = xdoubles((size_t)cells), *std = xdoubles((size_t)cells);
	double *v = xdoubles((size_t)K);
	const double *src = which == 1 ? mean : which == 2 ? std :
	    logs + (size_t)run * cells;
	json_t *obj = json_object();

	stats_runs(res->runs, cells, logs, mean, std);
	for (int b = 0; b < BASELINE_COUNT; b++) {
		for (int k = 0; k < K; k++)
			v[k] = src[(size_t)k * BASELINE_COUNT + b];
		json_object_set_new(obj, baseline_name((enum baseline)b),
		    json_out_reals(v, K));
	}
	free(mean);
	free(std);
	free(v);
	return obj;
}

/* --json: configuration, every run's log mse and steps, mean and std. */
static int
bl_write_json(const char *path, const struct ms_config *cfg,
    const struct bl_results *res, const double *logs,
    const struct theory_lines *th, char *err, size_t errlen)
{
	json_t *root = json_out_root("memscope-baselines");
	json_t *runs = json_array();
	int K = res->iters + 1, rc;
	double *v = xdoubles((size_t)K);

	json_object_set_new(root, "config", checkpoint_config_json(cfg));
	json_object_set_new(root, "iters", json_integer(res->iters));
	json_object_set_new(root, "metric", json_string("natural log of the "
	    "mean squared query error after k = 0..iters iterations"));
	for (int run = 0; run < res->runs; run++) {
		json_t *jr = json_object(), *steps = json_object();

		json_object_set_new(jr, "run", json_integer(run));
		json_object_set_new(jr, "seed",
		    json_integer((json_int_t)(cfg->seed + run)));
		json_object_set_new(jr, "log_mse",
		    bl_json_methods(res, logs, run, 0));
		for (int b = 0; b < BASELINE_COUNT; b++) {
			for (int k = 0; k < K; k++)
				v[k] = res->step[bl_index(res, run, b, k)];
			json_object_set_new(steps,
			    baseline_name((enum baseline)b),
			    json_out_reals(v, K));
		}
		json_object_set_new(jr, "step", steps);
		json_array_append_new(runs, jr);
	}
	json_object_set_new(root, "runs", runs);
	json_object_set_new(root, "mean", bl_json_methods(res, logs, 0, 1));
	json_object_set_new(root, "std", bl_json_methods(res, logs, 0, 2));
	json_object_set_new(root, "theory", report_theory_json(res->iters, th));
	rc = json_out_write(path, root, err, errlen);
	free(v);
	return rc;
}

/* memscope baselines: every classical method per iteration. */
int
cmd_baselines(int argc, char **argv)
{
	struct cli_opts o;
	struct bl_results res;
	struct theory_lines th;
	size_t n;
	double *logs;
	char err[512];
	int rc, status = CLI_EXIT_OK;

	if ((rc = cli_parse("baselines", argc, argv, &o)) != CLI_CONTINUE)
		return rc;
	res.runs = o.cfg.runs;
	res.iters = o.iters > 0 ? o.iters : o.cfg.layers;
	n = (size_t)res.runs * BASELINE_COUNT * (res.iters + 1);
	res.mse = xdoubles(n);
	res.step = xdoubles(n);
	for (int run = 0; run < res.runs; run++)
		if ((rc = bl_run(&o.cfg, run, &res)) != 0) {
			free(res.mse);
			free(res.step);
			return rc;
		}
	logs = bl_logs(&res);
	if ((rc = bl_check(&o.cfg, &res, logs)) != 0 ||
	    (rc = bl_theory(&o.cfg, res.iters, &th)) != 0) {
		free(logs);
		free(res.mse);
		free(res.step);
		return rc;
	}

	/* the files first: a reader closing stdout early loses none */
	if (o.csv_path != NULL && bl_write_csv(o.csv_path, &o.cfg, &res, err,
	    sizeof err) != 0) {
		fprintf(stderr, "memscope baselines: --csv: %s\n", err);
		status = CLI_EXIT_FAIL;
	}
	if (o.json_path != NULL && bl_write_json(o.json_path, &o.cfg, &res,
	    logs, &th, err, sizeof err) != 0) {
		fprintf(stderr, "memscope baselines: --json: %s\n", err);
		status = CLI_EXIT_FAIL;
	}
	if (status == CLI_EXIT_OK && !o.stdout_taken) {
		report_config_line(stdout, "baselines", &o.cfg, false);
		if (res.runs > 1)
			printf("# %d runs (seeds %llu to %llu)", res.runs,
			    (unsigned long long)o.cfg.seed,
			    (unsigned long long)(o.cfg.seed + res.runs - 1));
		else
			printf("# 1 run (seed %llu)",
			    (unsigned long long)o.cfg.seed);
		printf(", %d test prompts%s; natural log of the mean\n# squared "
		    "query error after k iterations from w = 0%s%s%s\n",
		    o.cfg.test_batch, o.cfg.quirks ?
		    ", first n-1 points (--quirks)" : "",
		    res.runs > 1 ? ", mean " : "",
		    res.runs > 1 ? report_plus_minus() : "",
		    res.runs > 1 ? " std over runs" : "");
		bl_print(&res, logs);
		bl_print_theory(&th, res.iters);
	}
	free(logs);
	free(res.mse);
	free(res.step);
	return status;
}
