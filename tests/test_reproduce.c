/*
 * reproduce.c, on tiny experiments (a few steps, small batches): the CSV
 * parses and its mean and std rows are those of its run rows; the SVG has
 * one <path> per model; a one-run depth-1 reproduction is byte-identical
 * twice and whatever the number of threads; identical trainings of
 * different figures are merged; figure lists parse.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "dir_fixture.h"
#include "memscope/reproduce.h"

/* dir/name, whole (fixture_read). */
static char *
slurp(const char *dir, const char *name, size_t *lenp)
{
	char path[512];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	return fixture_read(path, lenp);
}

static void
rmtree(const char *dir)
{
	char cmd[600];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* Tiny options: figure list, runs, depths; output into a fresh temp dir. */
static void
tiny(struct reproduce_opts *o, const char *figs, int runs, int depths,
    int threads, char *dir)
{
	char err[256];

	reproduce_defaults(o);
	assert_int_equal(reproduce_parse_figures(figs, &o->figures, err,
	    sizeof err), 0);
	o->runs = runs;
	o->depths = depths;
	o->threads = threads;
	o->steps = 15;
	o->batch = 40;
	o->test_batch = 40;
	o->progress = NULL;
	strcpy(dir, "/tmp/memscope-test-reproduce-XXXXXX");
	assert_non_null(mkdtemp(dir));
	o->outdir = dir;
}

/* Run o with stdout into a string (caller frees). */
static char *
run(const struct reproduce_opts *o)
{
	char err[256], *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	int rc;

	assert_non_null(out);
	rc = reproduce_run(o, out, err, sizeof err);
	fclose(out);
	if (rc != 0)
		fail_msg("reproduce_run: %s", err);
	return buf;
}

static void
test_deterministic_one_run_depth_one(void **state)
{
	struct reproduce_opts a, b, c;
	char da[64], db[64], dc[64];
	char *ca, *cb, *cc, *oa, *ob;
	size_t la, lb, lc;

	(void)state;
	tiny(&a, "1a", 1, 1, 1, da);
	tiny(&b, "1a", 1, 1, 1, db);
	tiny(&c, "1a", 1, 1, 2, dc);
	oa = run(&a);
	ob = run(&b);
	free(run(&c));
	ca = slurp(da, "fig1a.csv", &la);
	cb = slurp(db, "fig1a.csv", &lb);
	cc = slurp(dc, "fig1a.csv", &lc);
	assert_non_null(ca);
	assert_non_null(cb);
	assert_non_null(cc);
	assert_int_equal(la, lb);
	assert_memory_equal(ca, cb, la);
	/* a second worker thread changes the schedule, not the numbers */
	assert_int_equal(la, lc);
	assert_memory_equal(ca, cc, la);
	/* so are the tables (stdout) */
	assert_string_equal(oa, ob);
	assert_non_null(strstr(oa, "Figure 1a"));
	free(ca);
	free(cb);
	free(cc);
	free(oa);
	free(ob);
	rmtree(da);
	rmtree(db);
	rmtree(dc);
}

#define MAXROWS 256

static void
test_csv_means_and_svg_paths(void **state)
{
	struct reproduce_opts o;
	char dir[64], model[MAXROWS][64], sumodel[MAXROWS][64];
	int Lcol[MAXROWS], sumL[MAXROWS], nrows = 0, nsum = 0, paths = 0;
	double val[MAXROWS], mean[MAXROWS], sd[MAXROWS];
	char *csv, *sum, *svg, *line, *save = NULL;

	(void)state;
	tiny(&o, "1a", 3, 2, 2, dir);
	free(run(&o));
	csv = slurp(dir, "fig1a.csv", NULL);
	assert_non_null(csv);
	line = strtok_r(csv, "\n", &save);
	assert_string_equal(line, "figure,method,k,run,ln_mse");
	while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
		char fig[16];
		int r;

		assert_true(nrows < MAXROWS);
		assert_int_equal(sscanf(line, "%15[^,],%63[^,],%d,%d,%lf",
		    fig, model[nrows], &Lcol[nrows], &r, &val[nrows]), 5);
		assert_string_equal(fig, "1a");
		assert_true(r >= 0 && r < 3);
		nrows++;
	}
	/* 3 models x 2 depths x 3 runs, and no summary rows among them */
	assert_int_equal(nrows, 3 * 2 * 3);
	sum = slurp(dir, "fig1a_summary.csv", NULL);
	assert_non_null(sum);
	save = NULL;
	line = strtok_r(sum, "\n", &save);
	assert_string_equal(line, "figure,method,k,runs,finite_runs,"
	    "floored_runs,diverged_runs,mean_ln_mse,std_ln_mse");
	while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
		int runs, fin;

		assert_true(nsum < MAXROWS);
		assert_int_equal(sscanf(line, "1a,%63[^,],%d,%d,%d,%*d,%*d,%lf,"
		    "%lf", sumodel[nsum], &sumL[nsum], &runs, &fin, &mean[nsum],
		    &sd[nsum]), 6);
		assert_int_equal(runs, 3);
		assert_int_equal(fin, 3);
		nsum++;
	}
	assert_int_equal(nsum, 3 * 2);
	for (int i = 0; i < nsum; i++) {
		double s = 0, ss = 0, m;
		int k = 0;

		for (int j = 0; j < nrows; j++)
			if (strcmp(model[j], sumodel[i]) == 0 &&
			    Lcol[j] == sumL[i]) {
				assert_true(isfinite(val[j]));
				s += val[j];
				k++;
			}
		assert_int_equal(k, 3);
		m = s / k;
		for (int j = 0; j < nrows; j++)
			if (strcmp(model[j], sumodel[i]) == 0 &&
			    Lcol[j] == sumL[i])
				ss += (val[j] - m) * (val[j] - m);
		assert_true(fabs(mean[i] - m) <= 1e-7 * (1 + fabs(m)));
		assert_true(fabs(sd[i] - sqrt(ss / (k - 1))) <= 1e-7 * (1 + sd[i]));
	}
	free(sum);

	svg = slurp(dir, "fig1a.svg", NULL);
	assert_non_null(svg);
	for (const char *q = svg; (q = strstr(q, "<path")) != NULL; q++)
		paths++;
	assert_int_equal(paths, 3);
	assert_non_null(strstr(svg, "scalar+cgd Memformer"));
	assert_non_null(strstr(svg, "</svg>"));
	free(svg);
	free(csv);
	rmtree(dir);
}

static void
test_claims_are_checked(void **state)
{
	struct reproduce_opts o;
	char dir[64], *out;

	(void)state;
	tiny(&o, "4", 1, 1, 2, dir);
	out = run(&o);
	assert_non_null(strstr(out, "With B = 1 or 10 the Memformer fits"));
	assert_true(strstr(out, "[holds]") != NULL ||
	    strstr(out, "[does not hold]") != NULL);
	assert_non_null(strstr(out, "not comparable with the paper"));
	free(out);
	rmtree(dir);
}

static void
test_plan_merges_shared_trainings(void **state)
{
	struct reproduce_opts o;
	int trainings;
	double steps;

	(void)state;
	reproduce_defaults(&o);
	assert_int_equal(reproduce_parse_figures("1a,1b,2a,2b,deep,4,5,"
	    "momentum,nesterov", &o.figures, NULL, 0), 0);
	reproduce_plan(&o, &trainings, &steps);
	/*
	 * 5 runs each: 1a 2x4, 1b 2x4, 2a 1x4 (its linear transformer is
	 * 1b's), 2b 2x4, deep 2x2 (L = 5, 6; L = 1..4 are 2a's), 4 2x4,
	 * 5 2x4 (1 head is 2a's), momentum and nesterov 0 (2a's Memformer).
	 */
	assert_int_equal(trainings, 5 * (8 + 8 + 4 + 8 + 4 + 8 + 8));
	assert_true(steps == 1000.0 * trainings);
	/* a line's own steps: direct-cg's B = 100 trains 5000 */
	assert_int_equal(reproduce_parse_figures("direct,direct-cg",
	    &o.figures, NULL, 0), 0);
	reproduce_plan(&o, &trainings, &steps);
	assert_int_equal(trainings, 5 * (8 + 8));
	assert_true(steps == 5 * (12 * 1000.0 + 4 * 5000.0));
	o.figures = 0;
	assert_int_equal(reproduce_parse_figures("momentum", &o.figures, NULL,
	    0), 0);
	reproduce_plan(&o, &trainings, &steps);
	assert_int_equal(trainings, 5 * 4);
}

static void
test_parse_figures(void **state)
{
	unsigned long m;
	char err[256];
	int n = reproduce_figure_count();

	(void)state;
	assert_int_equal(reproduce_parse_figures("all", &m, err, sizeof err), 0);
	assert_int_equal(m, (1UL << n) - 1);
	assert_int_equal(reproduce_parse_figures("1b,2a,2b", &m, err,
	    sizeof err), 0);
	assert_int_equal(m, (1UL << 1) | (1UL << 2) | (1UL << 3));
	assert_string_equal(reproduce_figure_id(0), "1a");
	assert_string_equal(reproduce_figure_id(8), "nesterov");
	assert_null(reproduce_figure_id(n));
	assert_int_equal(reproduce_parse_figures("2c", &m, err, sizeof err), -1);
	assert_non_null(strstr(err, "--figure"));
	assert_non_null(strstr(err, "momentum"));
	assert_int_equal(reproduce_parse_figures("1a,", &m, err, sizeof err),
	    -1);
}

static void
test_bad_options_do_nothing(void **state)
{
	struct reproduce_opts o;
	char err[256];

	(void)state;
	reproduce_defaults(&o);
	o.runs = 0;
	assert_int_equal(reproduce_run(&o, stdout, err, sizeof err), -2);
	assert_non_null(strstr(err, "--runs"));
	reproduce_defaults(&o);
	o.outdir = "/proc/memscope-cannot-exist/x";
	assert_int_equal(reproduce_run(&o, stdout, err, sizeof err), -2);
	assert_non_null(strstr(err, "--out"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deterministic_one_run_depth_one),
		cmocka_unit_test(test_csv_means_and_svg_paths),
		cmocka_unit_test(test_claims_are_checked),
		cmocka_unit_test(test_plan_merges_shared_trainings),
		cmocka_unit_test(test_parse_figures),
		cmocka_unit_test(test_bad_options_do_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
