/*
 * memscope eval: a saved model against the baselines on fresh test tasks.
 *
 * The checkpoint gives the model and its run: rotation U, spectrum, seed.
 * The command line (or --config) may change what the test tasks are drawn
 * from: --data and --wstar (U is kept, so only the spectrum or the prior of
 * w* moves), --seed and --test-batch (which tasks), and the baselines'
 * settings. Left alone, the test batch is the checkpoint run's own, so the
 * table is the one `memscope train` printed for that run. --context M
 * tests the same parameters on tasks of M context points
 * (cli_checkpoint_load rebuilds the model; model_set_context refuses a
 * model with per-token parameters), the baselines on the same tasks.
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
#include "memscope/trainer.h"
#include "memscope/xmalloc.h"

/* --csv: one row per method and read-out, with the context points used. */
static int
eval_write_csv(const char *path, int L, int context, const double *mse,
    char *err, size_t errlen)
{
	struct output af;

	if (output_open(&af, path, err, errlen) != 0)
		return -1;
	fprintf(af.fp, "method,k,mse,ln_mse,context\n");
	for (int r = 0; r < REPORT_ROWS; r++)
		for (int l = 0; l < L; l++) {
			double v = mse[(size_t)r * L + l];

			fprintf(af.fp, "%s,%d,", report_row_name(r), l + 1);
			csv_real(af.fp, v, 17, "nan");
			fputc(',', af.fp);
			csv_real(af.fp, log(v), 17, "nan");
			fprintf(af.fp, ",%d\n", context);
		}
	return output_commit(&af, err, errlen);
}

/* --json: the checkpoint, the test configuration and the table. */
static int
eval_write_json(const char *path, const char *load, const struct trainer *t,
    const struct ms_config *ecfg, const double *logs,
    const struct theory_lines *th, char *err, size_t errlen)
{
	int L = ecfg->layers;
	json_t *root = json_out_root("memscope-eval");

	json_object_set_new(root, "checkpoint", json_string(load));
	json_object_set_new(root, "step", json_integer(t->step));
	json_object_set_new(root, "trained_config",
	    checkpoint_config_json(&t->cfg));
	json_object_set_new(root, "config", checkpoint_config_json(ecfg));
	json_object_set_new(root, "context", json_integer(ecfg->context));
	json_object_set_new(root, "trained_context",
	    json_integer(t->cfg.context));
	json_object_set_new(root, "metric", json_string("natural log of the "
	    "mean squared query error on the test batch, per layer read-out "
	    "(baselines: per iteration count)"));
	json_object_set_new(root, "log_test_loss",
	    report_layers_json(L, 1, logs, 0, 0));
	json_object_set_new(root, "theory", report_theory_json(L, th));
	json_object_set_new(root, "log_test_loss_normalised",
	    report_normalised_json(ecfg, L, 1, logs, 0, 0));
	return json_out_write(path, root, err, errlen);
}

/* memscope eval: evaluate a checkpoint's model and the baselines. */
int
cmd_eval(int argc, char **argv)
{
	struct cli_opts o;
	struct trainer t;
	struct ms_config ecfg;
	struct task_batch test;
	struct baseline_table bt;
	struct theory_lines th;
	struct pool *pool;
	char err[512], data[48];
	double *mse, *logs;
	int rc, L, status = CLI_EXIT_OK;
	long i;

	if ((rc = cli_parse("eval", argc, argv, &o)) != CLI_CONTINUE)
		return rc;
	if ((rc = cli_checkpoint_load("eval", &o, &t, &ecfg)) != 0)
		return rc;
	L = ecfg.layers;

	task_test_batch(&test, &t.dist, &ecfg);
	mse = xdoubles((size_t)REPORT_ROWS * L);
	logs = xdoubles((size_t)REPORT_ROWS * L);
	pool = pool_create(ecfg.threads);
	model_evaluate(&t.model, &test, pool, mse);
	pool_free(pool);
	baselines_evaluate(&ecfg, &t.dist, &test, L, &bt);
	for (int b = 0; b < BASELINE_COUNT; b++)
		for (int l = 0; l < L; l++)
			mse[(size_t)(1 + b) * L + l] = bt.mse[b][l + 1];
	baseline_log_rows(logs, L, mse, &bt);
	theory_lines_compute(&ecfg, &t.dist, &th);
	if ((i = report_first_bad(logs, (size_t)REPORT_ROWS * L, true)) >= 0) {
		const char *row = report_row_name((int)(i / L));

		status = report_not_finite("eval", logs[i],
		    report_overflow_hint(row), "%s's log error at k=%d", row,
		    (int)(i % L) + 1);
		goto out;
	}

	/* the files first: a reader closing stdout early loses none */
	if (o.csv_path != NULL && eval_write_csv(o.csv_path, L, ecfg.context,
	    mse, err, sizeof err) != 0) {
		fprintf(stderr, "memscope eval: --csv: %s\n", err);
		status = CLI_EXIT_FAIL;
	}
	if (o.json_path != NULL && eval_write_json(o.json_path, o.load_path,
	    &t, &ecfg, logs, &th, err, sizeof err) != 0) {
		fprintf(stderr, "memscope eval: --json: %s\n", err);
		status = CLI_EXIT_FAIL;
	}
	if (status == CLI_EXIT_OK && !o.stdout_taken) {
		report_config_line(stdout, "eval", &ecfg, true);
		printf("# model: %s, trained %ld steps on data=%s (seed %llu); "
		    "test: %d prompts, seed %llu\n", o.load_path, t.step,
		    config_data_name(&t.cfg, data, sizeof data),
		    (unsigned long long)t.cfg.seed, ecfg.test_batch,
		    (unsigned long long)ecfg.seed);
		if (ecfg.context != t.cfg.context)
			printf("# tested at n=%d (trained at n=%d): the same "
			    "parameters, averaging over %d\n", ecfg.context,
			    t.cfg.context, ecfg.context);
		printf("# natural log of the mean squared query error after "
		    "k layers (model) or k iterations (methods)\n");
		report_layers_print_theory(stdout, L, 1, logs, &th);
		report_normalised_print(stdout, &ecfg, L, 1, logs);
	}
out:
	baseline_table_free(&bt);
	task_batch_free(&test);
	free(mse);
	free(logs);
	trainer_free(&t);
	return status;
}
