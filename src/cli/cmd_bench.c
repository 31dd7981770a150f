/*
 * memscope bench: the throughput of the training step.
 *
 * A trainer is set up exactly as train would (same batch, same initial
 * parameters), stepped --warmup times, then --steps steps are timed in ten
 * chunks. The headline is the mean over all timed steps (total time / steps,
 * what the PyTorch peer reports too); the median and minimum chunk show the
 * spread. FLOPs per step are counted from the model's shapes
 * (model_flops_per_step). For a large step (≥ 1e8 FLOPs, or --dgemm) one
 * square OpenBLAS DGEMM with as many FLOPs as the step is timed on as many
 * threads, so the step's rate can be read against what this machine's best
 * kernel does.
 *
 * --speedup compares --threads N with one thread inside one process: two
 * trainers of the same run, stepped in alternating chunks, so a change in
 * the machine's load (it may be shared) hits both alike; the figures are
 * medians over the chunks, and the two runs must end with the same bits.
 *
 * Options (cli.c's table): the experiment options of train that shape a
 * step, --config FILE, then --steps N (timed steps), --warmup N, --json,
 * --dgemm, --no-dgemm, --speedup, --isa NAME (the lane kernels'
 * instruction set, model_isa_force).
 */
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <jansson.h>

#include "memscope/checkpoint.h"
#include "memscope/cli.h"
#include "memscope/clock.h"
#include "memscope/json_out.h"
#include "memscope/report.h"
#include "memscope/trainer.h"
#include "memscope/xmalloc.h"

#define BENCH_CHUNKS 10
#define BENCH_DGEMM_FLOPS 1e8	/* steps at least this large get a DGEMM */

struct bench_opts {
	struct ms_config cfg;
	long steps, warmup;
	bool json;
	int dgemm;		/* -1 auto, 0 never, 1 always */
	bool speedup;
};

struct bench_result {
	double ms_mean, ms_median, ms_min;
	double flops;		/* per step */
	double dgemm_gflops;	/* NaN if not timed */
	int dgemm_size;
	double final_loss;
};

/* Parse argv through the option table (cli_table.h); CLI_CONTINUE, or the
 * exit status to return. */
static int
bench_parse(int argc, char **argv, struct bench_opts *o)
{
	struct cli_opts co;
	int status = cli_parse("bench", argc, argv, &co);

	if (status != CLI_CONTINUE)
		return status;
	/* the last would silently win: refuse instead */
	if (co.dgemm && co.no_dgemm)
		return cli_error("bench", "--dgemm and --no-dgemm contradict "
		    "each other: give one (neither: a DGEMM for large steps "
		    "only)");
	if (co.speedup && co.dgemm)
		return cli_error("bench", "--speedup times no DGEMM, so "
		    "--dgemm would be ignored: give one of them");
	if (co.speedup && co.cfg.threads < 2)
		return cli_error("bench", "--speedup compares --threads N "
		    "with one thread: give --threads 2 or more");
	if (co.isa != NULL && (status = cli_isa_force("bench", "--isa",
	    co.isa)) != CLI_CONTINUE)
		return status;
	memset(o, 0, sizeof *o);
	o->cfg = co.cfg;
	o->steps = co.steps;
	o->warmup = co.warmup;
	o->json = co.json_stdout;
	o->dgemm = co.dgemm ? 1 : co.no_dgemm ? 0 : -1;
	o->speedup = co.speedup;
	o->cfg.steps = (int)(o->warmup + o->steps < INT_MAX ?
	    o->warmup + o->steps : INT_MAX);	/* what the trainer runs */
	return CLI_CONTINUE;
}

static int
bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* GFLOP/s of an s×s×s DGEMM on the given threads, best of repeated calls. */
static double
bench_dgemm(int s, int threads)
{
	size_t len = (size_t)s * s;
	double *A = xdoubles(len), *B = xdoubles(len), *C = xdoubles(len);
	double best = INFINITY, spent = 0.0;

	for (size_t i = 0; i < len; i++) {
		A[i] = (double)(i % 7) - 3.0;
		B[i] = (double)(i % 5) * 0.25;
	}
	openblas_set_num_threads(threads);
	for (int rep = 0; rep < 1000 && (rep < 3 || spent < 0.5); rep++) {
		double t0 = clock_seconds(), dt;

		cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, s, s, s,
		    1.0, A, s, B, s, 0.0, C, s);
		dt = clock_seconds() - t0;
		spent += dt;
		if (rep > 0 && dt < best)	/* the first call warms up */
			best = dt;
	}
	openblas_set_num_threads(1);	/* the model's BLAS calls are serial */
	free(A);
	free(B);
	free(C);
	return 2.0 * s * s * (double)s / best / 1e9;
}

/* Warm up, time the steps, count and compare. 0, or 1 if training diverged. */
static int
bench_run(const struct bench_opts *o, struct trainer *t,
    struct bench_result *r)
{
	double chunk_ms[BENCH_CHUNKS], total = 0.0;
	long done = 0;
	int nc = 0;

	for (long i = 0; i < o->warmup; i++)
		if (trainer_step(t) != 0)
			return 1;
	for (int k = 0; k < BENCH_CHUNKS; k++) {
		long upto = o->steps * (k + 1) / BENCH_CHUNKS;
		long n = upto - done;
		double t0 = clock_seconds(), dt;

		if (n == 0)	/* fewer than ten steps */
			continue;
		for (; done < upto; done++)
			if (trainer_step(t) != 0)
				return 1;
		dt = clock_seconds() - t0;
		total += dt;
		chunk_ms[nc++] = 1e3 * dt / n;
	}
	qsort(chunk_ms, (size_t)nc, sizeof chunk_ms[0], bench_cmp);
	r->ms_median = nc % 2 ? chunk_ms[nc / 2] :
	    0.5 * (chunk_ms[nc / 2 - 1] + chunk_ms[nc / 2]);
	r->ms_min = chunk_ms[0];
	r->ms_mean = 1e3 * total / o->steps;
	r->flops = model_flops_per_step(&t->model, o->cfg.batch);
	r->final_loss = t->train_loss;
	r->dgemm_gflops = NAN;
	r->dgemm_size = 0;
	if (o->dgemm == 1 ||
	    (o->dgemm == -1 && r->flops >= BENCH_DGEMM_FLOPS)) {
		double s = cbrt(r->flops / 2.0);

		r->dgemm_size = s < 64 ? 64 : s > 4096 ? 4096 : (int)lround(s);
		r->dgemm_gflops = bench_dgemm(r->dgemm_size, o->cfg.threads);
	}
	return 0;
}

/* Every figure printed must be a number: 0, or CLI_EXIT_FAIL after naming
 * the first that is not (report.h). The DGEMM rate is NaN when not timed. */
static int
bench_check(const struct bench_opts *o, const struct bench_result *r)
{
	const double v[] = { r->ms_mean, r->ms_median, r->ms_min, r->flops,
	    o->cfg.batch / (r->ms_mean * 1e-3), r->flops / (r->ms_mean * 1e-3),
	    r->final_loss, isnan(r->dgemm_gflops) ? 0.0 : r->dgemm_gflops };
	static const char *names[] = { "ms/step", "the median ms/step",
	    "the minimum ms/step", "FLOP/step", "tasks/s", "FLOP/s",
	    "the final loss", "the DGEMM rate" };
	long i = report_first_bad(v, sizeof v / sizeof v[0], false);

	if (i < 0)
		return 0;
	return report_not_finite("bench", v[i], "a timer or count out of "
	    "range", "%s", names[i]);
}

static void
bench_print_text(const struct bench_opts *o, const struct trainer *t,
    const struct bench_result *r)
{
	double gflops = r->flops / (r->ms_mean * 1e-3) / 1e9;


	report_config_line(stdout, "bench", &o->cfg, true);
	printf("path           %s (%s kernels)\n",
	    t->model.path == MODEL_PATH_LABEL ? "label row" : "dense",
	    model_kernel_isa());
	printf("batch          %d tasks, %d thread%s\n", o->cfg.batch,
	    o->cfg.threads, o->cfg.threads == 1 ? "" : "s");
	printf("steps          %ld timed after %ld warm-up\n", o->steps,
	    o->warmup);
	printf("ms/step        %.4f (chunks: median %.4f, min %.4f)\n",
	    r->ms_mean, r->ms_median, r->ms_min);
	printf("tasks/s        %.4g\n", o->cfg.batch / (r->ms_mean * 1e-3));
	printf("FLOP/step      %.4g\n", r->flops);
	printf("GFLOP/s        %.3f\n", gflops);
	if (!isnan(r->dgemm_gflops))
		printf("DGEMM          %d^3 on %d thread%s: %.3f GFLOP/s; the "
		    "step runs at %.1f%% of it\n", r->dgemm_size,
		    o->cfg.threads, o->cfg.threads == 1 ? "" : "s",
		    r->dgemm_gflops, 100.0 * gflops / r->dgemm_gflops);
	printf("final loss     %.6e\n", r->final_loss);
}

static void
bench_print_json(const struct bench_opts *o, const struct trainer *t,
    const struct bench_result *r)
{
	json_t *root = json_out_root("memscope-bench");
	double gflops = r->flops / (r->ms_mean * 1e-3) / 1e9;
	json_object_set_new(root, "config", checkpoint_config_json(&o->cfg));
	json_object_set_new(root, "path", json_string(t->model.path ==
	    MODEL_PATH_LABEL ? "label" : "dense"));
	json_object_set_new(root, "kernels", json_string(model_kernel_isa()));
	json_object_set_new(root, "steps", json_integer(o->steps));
	json_object_set_new(root, "warmup", json_integer(o->warmup));
	json_object_set_new(root, "ms_per_step", json_real(r->ms_mean));
	json_object_set_new(root, "ms_per_step_median",
	    json_out_real(r->ms_median));
	json_object_set_new(root, "ms_per_step_min",
	    json_out_real(r->ms_min));
	json_object_set_new(root, "tasks_per_second",
	    json_real(o->cfg.batch / (r->ms_mean * 1e-3)));
	json_object_set_new(root, "flops_per_step", json_real(r->flops));
	json_object_set_new(root, "gflops", json_real(gflops));
	json_object_set_new(root, "dgemm_size", json_integer(r->dgemm_size));
	json_object_set_new(root, "dgemm_gflops",
	    json_out_real(r->dgemm_gflops));
	json_object_set_new(root, "dgemm_fraction", json_out_real(gflops /
	    r->dgemm_gflops));
	json_object_set_new(root, "final_loss",
	    json_out_real(r->final_loss));
	json_dumpf(root, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(9));
	fputc('\n', stdout);
	json_decref(root);
}

/*
 * --speedup: one trainer on one thread and one on cfg.threads, the same run,
 * stepped in turn BENCH_CHUNKS * 2 times for steps / that many steps each.
 */
static int
bench_speedup(const struct bench_opts *o)
{
	enum { NCH = 2 * BENCH_CHUNKS };
	struct ms_config c1 = o->cfg;
	struct trainer t[2];
	double ms[2][NCH], ratio[NCH], med[2];
	long per = o->steps / NCH > 0 ? o->steps / NCH : 1;
	char err[512];
	bool same;

	c1.threads = 1;
	if (trainer_init(&t[0], &c1, err, sizeof err) != 0)
		return cli_error("bench", "%s", err);
	if (trainer_init(&t[1], &o->cfg, err, sizeof err) != 0) {
		trainer_free(&t[0]);
		return cli_error("bench", "%s", err);
	}
	for (int k = 0; k < 2; k++)
		for (long i = 0; i < o->warmup; i++)
			trainer_step(&t[k]);
	for (int c = 0; c < NCH; c++) {
		for (int k = 0; k < 2; k++) {
			double t0 = clock_seconds();

			for (long i = 0; i < per; i++)
				trainer_step(&t[k]);
			ms[k][c] = 1e3 * (clock_seconds() - t0) / per;
		}
		ratio[c] = ms[0][c] / ms[1][c];
	}
	same = !t[0].diverged && !t[1].diverged && memcmp(t[0].model.params,
	    t[1].model.params, t[0].model.nparams * sizeof(double)) == 0;
	for (int k = 0; k < 2; k++) {
		qsort(ms[k], NCH, sizeof ms[k][0], bench_cmp);
		med[k] = 0.5 * (ms[k][NCH / 2 - 1] + ms[k][NCH / 2]);
	}
	qsort(ratio, NCH, sizeof ratio[0], bench_cmp);
	{
		const double v[] = { med[0], med[1], 0.5 * (ratio[NCH / 2 - 1] +
		    ratio[NCH / 2]) };
		long i = report_first_bad(v, 3, false);

		if (i >= 0) {
			trainer_free(&t[0]);
			trainer_free(&t[1]);
			return report_not_finite("bench", v[i], "a timer out of "
			    "range", "%s", i == 2 ? "the speed-up" :
			    "the ms/step");
		}
	}
	if (o->json) {
		json_t *root = json_out_root("memscope-bench-speedup");

		json_object_set_new(root, "config",
		    checkpoint_config_json(&o->cfg));
		json_object_set_new(root, "chunks", json_integer(NCH));
		json_object_set_new(root, "steps_per_chunk", json_integer(per));
		json_object_set_new(root, "ms_per_step_1", json_real(med[0]));
		json_object_set_new(root, "ms_per_step_n", json_real(med[1]));
		json_object_set_new(root, "speedup", json_real(0.5 *
		    (ratio[NCH / 2 - 1] + ratio[NCH / 2])));
		json_object_set_new(root, "same_bits", json_boolean(same));
		json_dumpf(root, stdout, JSON_INDENT(2) |
		    JSON_REAL_PRECISION(9));
		fputc('\n', stdout);
		json_decref(root);
	} else {
		report_config_line(stdout, "bench", &o->cfg, true);
		printf("chunks         %d of %ld steps each, in turn\n", NCH,
		    per);
		printf("1 thread       %.4f ms/step (median)\n", med[0]);
		printf("%d threads      %.4f ms/step (median)\n",
		    o->cfg.threads, med[1]);
		printf("speed-up       %.2fx (median of the chunks' ratios)\n",
		    0.5 * (ratio[NCH / 2 - 1] + ratio[NCH / 2]));
		printf("same bits      %s\n", same ? "yes" : "NO");
	}
	trainer_free(&t[0]);
	trainer_free(&t[1]);
	return same ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}

/* memscope bench: time the training step of an experiment. */
int
cmd_bench(int argc, char **argv)
{
	struct bench_opts o;
	struct bench_result r;
	struct trainer t;
	char err[512];
	int status = bench_parse(argc, argv, &o);

	if (status != CLI_CONTINUE)
		return status;
	if (o.speedup)
		return bench_speedup(&o);
	if (trainer_init(&t, &o.cfg, err, sizeof err) != 0)
		return cli_error("bench", "%s", err);
	if (bench_run(&o, &t, &r) != 0) {
		fprintf(stderr, "memscope bench: training diverged at step %ld "
		    "(a non-finite loss); lower --lr\n", t.step);
		trainer_free(&t);
		return CLI_EXIT_FAIL;
	}
	status = bench_check(&o, &r);
	if (status == CLI_EXIT_OK && o.json)
		bench_print_json(&o, &t, &r);
	else if (status == CLI_EXIT_OK)
		bench_print_text(&o, &t, &r);
	trainer_free(&t);
	return status;
}
