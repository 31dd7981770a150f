/*
 * sweep merge (sweep_merge*.c, svg_heatmap.c): a plan built in memory
 * (kappa × layers × 3 seeds, sweep_fixture.h) and result files written
 * with jansson as doc/formats.md has them, with values chosen so that
 * every mean and std is exact. Checks results.csv and summary.csv byte for
 * byte (a small case) and by row, that diverged, failed (ID.err, a corrupt
 * result) and missing jobs keep their status and are never averaged, the
 * table, the heatmap's cells, the line plot's series, every refusal's
 * message, and that merging a planned DIR gives the same files.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "memscope/config.h"
#include "memscope/svg_heatmap.h"
#include "memscope/sweep.h"
#include "sweep_fixture.h"

/* Line `n` (0: the header) of text into buf. */
static void
line_of(const char *text, int n, char *buf, size_t len)
{
	for (; n > 0; n--) {
		text = strchr(text, '\n');
		assert_non_null(text);
		text++;
	}
	snprintf(buf, len, "%.*s", (int)strcspn(text, "\n"), text);
}

static int
count(const char *s, const char *what)
{
	int n = 0;

	for (; (s = strstr(s, what)) != NULL; s += strlen(what))
		n++;
	return n;
}

/* sweep_merge_plan with o, its stdout into *text (may be NULL). */
static int
merge(const struct sweep_fixture *fx, const struct sweep_merge_opts *o,
    char **text, char *err, size_t errlen)
{
	FILE *out = tmpfile();
	long len;
	int rc;

	assert_non_null(out);
	err[0] = '\0';
	rc = sweep_merge_plan(&fx->p, fx->dir, o, out, err, errlen);
	if (text != NULL) {
		len = ftell(out);
		rewind(out);
		*text = calloc(1, (size_t)len + 1);
		assert_non_null(*text);
		assert_int_equal(fread(*text, 1, (size_t)len, out), (size_t)len);
	}
	fclose(out);
	return rc;
}

/* test_csv_bytes' metric m of job j at read-out 1 (exact sums) and 4
 * (thirds: 17 digits needed). */
static double
small_value(long j, int m, int k)
{
	if (k == 4)
		return (m + 1 + (double)j) / 3.0;
	return m + 0.5 * (double)(j % 2) + 0.125 * (double)(j / 2);
}

/* One axis (kappa 3, 4) × 2 seeds, the default L, all ok: results.csv
 * and summary.csv byte for byte. */
static void
test_csv_bytes(void **state)
{
	static const char *const kappa[] = { "3", "4" }, *const seeds[] = {
	    "1", "3" };
	struct sweep_fixture *fx = calloc(1, sizeof *fx);
	struct sweep_merge_opts o = { 0 };
	char err[512], want[4096], *got;
	const char *head = "model,gd,gd-oracle,momentum,nesterov,cg,lsq,schulz";

	(void)state;
	assert_non_null(fx);
	sfx_dir(fx);
	sfx_axis(fx, 0, "kappa", "data", 2, kappa);
	sfx_axis(fx, 1, "seed", "seed", 2, seeds);
	sfx_plan(fx, 2);
	for (long j = 0; j < 4; j++) {
		json_t *root = sfx_result(fx, j, "ok");
		json_t *logs = json_object_get(root, "log_test_loss");

		/* L = the default's (4); read-outs 1 and 4 changed */
		for (int m = 0; m < SWEEP_METRICS; m++)
			for (int k = 1; k <= 4; k += 3)
				json_array_set_new(json_object_get(logs,
				    sweep_metric_name(m)), (size_t)k - 1,
				    json_real(small_value(j, m, k)));
		sfx_put_json(fx, j, root);
	}
	assert_int_equal(merge(fx, &o, NULL, err, sizeof err), 0);
	/* results.csv: read-out 1 of each job, then the others */
	got = sfx_slurp(fx->dir, "results.csv");
	snprintf(want, sizeof want, "job,kappa,seed,layer,status,%s\n", head);
	for (long j = 0; j < 4; j++)
		for (int k = 1; k <= fx->cfg[j].layers; k++) {
			snprintf(want + strlen(want), sizeof want - strlen(want),
			    "%s,%s,%s,%d,ok", fx->ids[j], kappa[j / 2],
			    seeds[j % 2], k);
			for (int m = 0; m < SWEEP_METRICS; m++)
				snprintf(want + strlen(want), sizeof want -
				    strlen(want), ",%.17g", k == 1 || k == 4 ?
				    small_value(j, m, k) : 0.5 * m * (1 + j / 3) +
				    ((double)fx->cfg[j].seed - 2) - k);
			strcat(want, "\n");
		}
	assert_string_equal(got, want);
	free(got);
	/* summary.csv: kappa 3 at k = 1: mean m + 0.25, std sqrt(0.125) */
	got = sfx_slurp(fx->dir, "summary.csv");
	line_of(got, 0, want, sizeof want);
	assert_string_equal(want, "kappa,layer,seeds,ok,model_mean,model_std,"
	    "gd_mean,gd_std,gd-oracle_mean,gd-oracle_std,momentum_mean,"
	    "momentum_std,nesterov_mean,nesterov_std,cg_mean,cg_std,lsq_mean,"
	    "lsq_std,schulz_mean,schulz_std");
	line_of(got, 1, want, sizeof want);
	assert_string_equal(want, "3,1,2,2,0.25,0.35355339059327379,1.25,"
	    "0.35355339059327379,2.25,0.35355339059327379,3.25,"
	    "0.35355339059327379,4.25,0.35355339059327379,5.25,"
	    "0.35355339059327379,6.25,0.35355339059327379,7.25,"
	    "0.35355339059327379");
	assert_int_equal(count(got, "\n"), 1 + 2 * fx->cfg[0].layers);
	free(got);
	sfx_free(fx);
}

/* Every job keeps its status; only the ok ones are averaged. */
static void
test_status_and_summary(void **state)
{
	struct sweep_fixture *fx = sfx_grid();
	struct sweep_merge_opts o = { .complete = true };
	char err[512], line[1024], *got, *text;

	(void)state;
	sfx_grid_results(fx);
	/* --complete: a failed or missing job makes it 1 */
	assert_int_equal(merge(fx, &o, &text, err, sizeof err), 1);
	got = sfx_slurp(fx->dir, "results.csv");
	/* rows: 3 × 1 + 3 × 2 + 3 × 1 + 3 × 2 read-outs, and the header */
	assert_int_equal(count(got, "\n"), 1 + 18);
	line_of(got, 1, line, sizeof line);
	assert_non_null(strstr(line, ",10,1,1,1,ok,-2,"));
	for (long j = 3; j < 12; j++) {
		const char *st = j == 5 || j == 7 || j == 11 ? "failed" :
		    j == 9 ? "diverged" : j == 10 ? "missing" : "ok";
		char want[96];

		snprintf(want, sizeof want, "%s,", fx->ids[j]);
		assert_non_null(strstr(got, want));
		snprintf(want, sizeof want, ",%s%s", st, strcmp(st, "ok") != 0 ?
		    ",,,,,,,," : ",");
		assert_non_null(strstr(strstr(got, fx->ids[j]), want));
	}
	/* the missing job still has its two read-outs (from the layers axis) */
	assert_int_equal(count(got, "missing,,,,,,,,\n"), 2);
	free(got);

	got = sfx_slurp(fx->dir, "summary.csv");
	/* (10,1): 3 ok, model mean -1 (seeds -1, 0, 1 less 1), std 1 */
	line_of(got, 1, line, sizeof line);
	assert_true(strncmp(line, "10,1,1,3,3,-1,1,-0.5,1,", 23) == 0);
	/* (10,2) at k = 2: seed 3 failed: seeds 1, 2 give model -2.5 ±
	 * sqrt(0.5) */
	line_of(got, 3, line, sizeof line);
	assert_true(strncmp(line, "10,2,2,3,2,-2.5,0.70710678118654757,",
	    36) ==
	    0);
	/* (2,1): the corrupt seed 2 not counted: seeds 1, 3 give model -1 ± sqrt 2 */
	line_of(got, 4, line, sizeof line);
	assert_true(strncmp(line, "2,1,1,3,2,-1,1.4142135623730951,", 32) == 0);
	/* (2,2): none ok (the diverged one's losses are not used) */
	line_of(got, 5, line, sizeof line);
	assert_string_equal(line, "2,2,1,3,0,,,,,,,,,,,,,,,,");
	line_of(got, 6, line, sizeof line);
	assert_string_equal(line, "2,2,2,3,0,,,,,,,,,,,,,,,,");
	free(got);

	/* stdout: the counts, the marks, the list with the reasons */
	assert_non_null(strstr(text, "12 jobs, 7 ok, 1 diverged, 3 failed, "
	    "1 missing"));
	assert_int_equal(count(text, "/3 *"), 3);
	assert_non_null(strstr(text, "* 3 of 4 combinations have fewer ok "
	    "seeds than planned"));
	snprintf(line, sizeof line, "  %s  kappa=10 layers=2 seed=3: out of "
	    "memory\n", fx->ids[5]);
	assert_non_null(strstr(text, line));
	assert_null(strstr(text, "second line"));	/* ID.err's first only */
	snprintf(line, sizeof line, "  %s  kappa=2 layers=2 seed=2\n",
	    fx->ids[10]);
	assert_non_null(strstr(text, line));
	snprintf(line, sizeof line, "  %s  kappa=2 layers=2 seed=1: loss is "
	    "nan\n", fx->ids[9]);
	assert_non_null(strstr(text, line));
	snprintf(line, sizeof line, "  %s  kappa=2 layers=1 seed=2: %s/results/"
	    "%s.json:1:", fx->ids[7], fx->dir, fx->ids[7]);
	assert_non_null(strstr(text, line));
	assert_non_null(strstr(text, "failed: 3 of 12 jobs\n"));
	assert_non_null(strstr(text, "missing: 1 of 12 jobs\n"));
	free(text);
	/* without --complete: 0 */
	o.complete = false;
	assert_int_equal(merge(fx, &o, NULL, err, sizeof err), 0);
	sfx_free(fx);
}

/* The stdout table: mean ± std at the last read-out per combination. */
static void
test_table(void **state)
{
	struct sweep_fixture *fx = sfx_grid();
	struct sweep_merge_opts o = { 0 };
	char err[512], *text;

	(void)state;
	sfx_grid_results(fx);
	assert_int_equal(merge(fx, &o, &text, err, sizeof err), 0);
	/* (10,1) at k = 1: model -1 ± 1 over 3/3; (10,2) at k = 2: 2/3 */
	assert_non_null(strstr(text, "   10       1  1       3/3  "));
	assert_true(strstr(text, "-1.000 +- 1.000") != NULL ||
	    strstr(text, "-1.000 \xc2\xb1 1.000") != NULL);
	assert_non_null(strstr(text, "   10       2  2     2/3 *  -2.500"));
	assert_non_null(strstr(text, "    2       2  2     0/3 *                -"));
	free(text);
	sfx_free(fx);
}

/* The heatmap: one cell a combination, values, marks, a missing cell. */
static void
test_heatmap(void **state)
{
	struct sweep_fixture *fx = sfx_grid();
	struct sweep_merge_opts o = { .heatmap = "model-cg", .x = "kappa",
	    .y = "layers" };
	char err[512], *svg, *p;

	(void)state;
	sfx_grid_results(fx);
	assert_int_equal(merge(fx, &o, NULL, err, sizeof err), 0);
	svg = sfx_slurp(fx->dir, "heatmap.svg");
	assert_true(strncmp(svg, "<?xml", 5) == 0);
	assert_non_null(strstr(svg, "</svg>\n"));
	assert_int_equal(count(svg, "<rect class=\"cell"), 4);
	assert_int_equal(count(svg, "<rect class=\"cell missing\""), 1);
	/* model − cg = −2.5 (1 + c): c = 0 (10,1), 1 (10,2), 2 (2,1) */
	assert_int_equal(count(svg, ">\xe2\x88\x92" "2.50</text>"), 1);
	assert_int_equal(count(svg, ">\xe2\x88\x92" "5.00</text>"), 1);
	assert_int_equal(count(svg, ">\xe2\x88\x92" "7.50</text>"), 1);
	assert_int_equal(count(svg, ">missing</text>"), 2);	/* + swatch */
	assert_int_equal(count(svg, "class=\"mark\""), 3);
	assert_int_equal(count(svg, ">2/3</text>"), 2);
	assert_int_equal(count(svg, ">0/3</text>"), 1);
	/* kappa in numeric order: 2 left of 10, so the first cell (bottom
	 * left: layers 1, kappa 2) is −7.50 */
	p = strstr(svg, "<rect class=\"cell");
	assert_non_null(p);
	assert_true(strstr(p, "7.50</text>") < strstr(p, "2.50</text>"));
	assert_true(strstr(svg, "<text x=\"245.00\" y=\"438.00\">2</text>") !=
	    NULL);
	assert_non_null(strstr(svg, ">10</text>"));
	/* blue below 0: the model better */
	assert_non_null(strstr(svg, "fill=\"#2166ac\""));
	assert_non_null(strstr(svg, ">model \xe2\x88\x92 cg at the last "
	    "read-out</text>"));
	free(svg);
	/* at k = 2 the layers 1 row has no such read-out: said so, not
	 * "0/3" as if its ok seeds were missing */
	o.layer = 2;
	assert_int_equal(merge(fx, &o, NULL, err, sizeof err), 0);
	svg = sfx_slurp(fx->dir, "heatmap.svg");
	assert_int_equal(count(svg, ">no k = 2</text>"), 2);
	assert_int_equal(count(svg, ">0/3</text>"), 1);
	free(svg);
	sfx_free(fx);
}

/* The heatmap writer alone: sequential scale, escaping, ink. */
static void
test_heatmap_writer(void **state)
{
	static const char *const xt[] = { "a<b", "c" }, *const yt[] = { "r" };
	const double v[] = { 1.0, 3.0 };
	struct svg_heatmap h = { "T&", NULL, "x", "y", NULL, 2, 1, xt, yt, v,
	    NULL, false };
	FILE *f = tmpfile();
	char buf[16384];
	size_t n;

	(void)state;
	assert_int_equal(svg_heatmap_write(f, &h), 0);
	rewind(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	assert_non_null(strstr(buf, "<title>T&amp;</title>"));
	assert_non_null(strstr(buf, ">a&lt;b</text>"));
	/* viridis: the low end dark with white ink, the high end light, black */
	assert_non_null(strstr(buf, "fill=\"#440154\" stroke=\"#ffffff\" "
	    "stroke-width=\"1\"/>\n<text class=\"value\""));
	assert_non_null(strstr(buf, "fill=\"#ffffff\" text-anchor=\"middle\">"
	    "1.00</text>"));
	assert_non_null(strstr(buf, "fill=\"#000000\" text-anchor=\"middle\">"
	    "3.00</text>"));
	assert_null(strstr(buf, ">missing<"));
	assert_null(strstr(buf, "cell missing"));
}

/* The line plot: a series per --by value, x in numeric order. */
static void
test_lines(void **state)
{
	struct sweep_fixture *fx = sfx_grid();
	struct sweep_merge_opts o = { .lines = "model", .x = "kappa",
	    .by = "layers", .layer = 1, .svg = NULL };
	char err[512], path[160], *svg;

	(void)state;
	sfx_grid_results(fx);
	assert_int_equal(merge(fx, &o, NULL, err, sizeof err), 0);
	svg = sfx_slurp(fx->dir, "lines.svg");
	assert_int_equal(count(svg, "<path class=\"series\""), 2);
	assert_non_null(strstr(svg, "<title>layers = 1</title>"));
	assert_non_null(strstr(svg, "<title>layers = 2</title>"));
	/* layers 2 at kappa 2 has no ok seed: its line is one point */
	assert_int_equal(count(svg, " L"), 1);
	assert_non_null(strstr(svg, "incomplete:"));
	assert_non_null(strstr(svg, ">layers = 2, kappa = 2: 0/3 seeds<"));
	free(svg);
	/* at k = 2, layers 1 has no such read-out: said so */
	o.layer = 2;
	assert_int_equal(merge(fx, &o, NULL, err, sizeof err), 0);
	svg = sfx_slurp(fx->dir, "lines.svg");
	assert_non_null(strstr(svg, ">layers = 1, kappa = 2: no k = 2<"));
	free(svg);
	/* one series without --by, at the file given */
	o.by = NULL;
	o.nwhere = 1;
	o.where[0] = "layers=1";
	snprintf(path, sizeof path, "%s/one.svg", fx->dir);
	o.svg = path;
	assert_int_equal(merge(fx, &o, NULL, err, sizeof err), 0);
	svg = sfx_slurp(fx->dir, "one.svg");
	assert_int_equal(count(svg, "<path class=\"series\""), 1);
	assert_null(strstr(svg, "<title>layers = 2</title>"));
	free(svg);
	/* and to a device, written through (not renamed over) */
	o.svg = "/dev/null";
	assert_int_equal(merge(fx, &o, NULL, err, sizeof err), 0);
	sfx_free(fx);
}

/* A refusal: -2 and exactly this message. */
static void
refused(const struct sweep_fixture *fx, const struct sweep_merge_opts *o,
    const char *want)
{
	char err[512];

	assert_int_equal(merge(fx, o, NULL, err, sizeof err), -2);
	assert_string_equal(err, want);
}

/* Every refusal of the options, with its message. */
static void
test_refusals(void **state)
{
	struct sweep_fixture *fx = sfx_grid();
	struct sweep_merge_opts o = { .heatmap = "model-xx", .x = "kappa",
	    .y = "layers" };

	(void)state;
	sfx_grid_results(fx);
	refused(fx, &o, "unknown metric 'model-xx': the metrics are model, "
	    "gd, gd-oracle, momentum, nesterov, cg, lsq, schulz, or A-B of "
	    "two of them (e.g. model-cg)");
	o.heatmap = "gd-oracle-cg";	/* a name with a '-' in a difference */
	o.x = "seed";
	refused(fx, &o, "--x: unknown axis 'seed': the axes are kappa, layers "
	    "(seeds are averaged over)");
	o.x = "kappa";
	o.y = NULL;
	refused(fx, &o, "--heatmap needs --x AXIS and --y AXIS (the axes: "
	    "kappa, layers)");
	o.y = "kappa";
	refused(fx, &o, "--y: 'kappa' is the figure's x axis already");
	o = (struct sweep_merge_opts){ .lines = "cg", .x = "kappa" };
	refused(fx, &o, "the axis 'layers' varies (1, 2) but is not on the "
	    "figure: fix it with --where layers=VALUE");
	o.nwhere = 1;
	o.where[0] = "layers=3";
	refused(fx, &o, "--where layers=3: layers has no value '3'; its "
	    "values are 1, 2");
	o.where[0] = "layers";
	refused(fx, &o, "--where layers: expected AXIS=VALUE");
	o.where[0] = "kappa=2";
	refused(fx, &o, "--where kappa=2: kappa is on the figure (--x)");
	o.where[0] = "lr=2";
	refused(fx, &o, "--where: unknown axis 'lr': the axes are kappa, "
	    "layers (seeds are averaged over)");
	o.nwhere = 2;
	o.where[0] = "layers=1";
	o.where[1] = "layers=2";
	refused(fx, &o, "--where layers=2: layers is fixed twice");
	o.nwhere = 1;
	o.layer = 3;
	refused(fx, &o, "--layer 3: a read-out from 1 to 2 (the most layers "
	    "of any job), or last");
	o.layer = 0;
	o.y = "layers";
	refused(fx, &o, "--y is for --heatmap; --lines takes --x and --by");
	o = (struct sweep_merge_opts){ .lines = "cg" };
	refused(fx, &o, "--lines needs --x AXIS (the axes: kappa, layers)");
	o = (struct sweep_merge_opts){ .heatmap = "cg", .by = "kappa" };
	refused(fx, &o, "--by is for --lines; --heatmap takes --x and --y");
	o = (struct sweep_merge_opts){ .x = "kappa" };
	refused(fx, &o, "--x needs --heatmap METRIC or --lines METRIC");
	o = (struct sweep_merge_opts){ .heatmap = "cg", .lines = "cg",
	    .x = "kappa", .y = "layers", .svg = "f.svg" };
	refused(fx, &o, "--svg names one file: give --heatmap or --lines "
	    "with it, not both");
	/* gd-oracle is a name, model-gd-oracle a difference: accepted */
	o = (struct sweep_merge_opts){ .heatmap = "model-gd-oracle",
	    .x = "layers", .y = "kappa" };
	assert_int_equal(merge(fx, &o, NULL, (char[512]){ 0 }, 512), 0);
	sfx_free(fx);
}

/* The default figure: a heatmap of model-cg over the two axes. */
static void
test_default_figure(void **state)
{
	struct sweep_fixture *fx = sfx_grid();
	struct sweep_merge_opts o = { 0 };
	char err[512], *svg, *text;

	(void)state;
	sfx_grid_results(fx);
	assert_int_equal(merge(fx, &o, &text, err, sizeof err), 0);
	svg = sfx_slurp(fx->dir, "heatmap.svg");
	assert_int_equal(count(svg, "<rect class=\"cell"), 4);
	assert_non_null(strstr(svg, "model \xe2\x88\x92 cg"));
	assert_non_null(strstr(text, "/heatmap.svg\n"));
	free(svg);
	free(text);
	sfx_free(fx);
}

/* Swap the two values of DIR/sweep.json's first axis (kappa), in the
 * axis and in every job's settings, as a hand edit could. */
static void
plan_swap_kappa(const char *dir)
{
	char path[128];
	json_t *root, *vals, *job, *v;
	const char *a, *b;
	size_t k;

	snprintf(path, sizeof path, "%s/sweep.json", dir);
	root = json_load_file(path, JSON_PRESERVE_ORDER, NULL);
	assert_non_null(root);
	vals = json_object_get(json_array_get(json_object_get(root, "axes"),
	    0), "values");
	assert_int_equal(json_array_size(vals), 2);
	v = json_copy(json_array_get(vals, 0));
	json_array_set(vals, 0, json_array_get(vals, 1));
	json_array_set_new(vals, 1, v);
	a = json_string_value(json_array_get(vals, 0));
	b = json_string_value(json_array_get(vals, 1));
	json_array_foreach(json_object_get(root, "jobs"), k, job) {
		json_t *set = json_object_get(job, "settings");
		const char *was = json_string_value(json_object_get(set,
		    "kappa"));

		json_object_set_new(set, "kappa", json_string(strcmp(was, a) ==
		    0 ? b : a));
	}
	assert_int_equal(json_dump_file(root, path, JSON_INDENT(2) |
	    JSON_PRESERVE_ORDER), 0);
	json_decref(root);
}

/* The plan written and read back (sweep_plan_write, sweep_plan_read)
 * has the fixture's ids, and sweep_merge on DIR writes the very files the
 * in-memory plan gives. */
static void
test_merge_dir(void **state)
{
	struct sweep_fixture *fx = sfx_grid();
	struct sweep_plan_opts po = { "/bin/memscope", 4, false };
	struct sweep_merge_opts o = { 0 };
	struct sweep_job *jobs;
	struct sweep sw;
	char err[512], path[128], sid[SWEEP_ID_LEN + 1], *want[2], *got;
	FILE *f, *out = tmpfile();

	(void)state;
	snprintf(path, sizeof path, "%s/grid.ini", fx->dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("kappa = 10, 2\nlayers = 1, 2\nseeds = 3\nsteps = 10\n", f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(sweep_load(&sw, path, err, sizeof err), 0);
	assert_int_equal(sweep_jobs(&sw, &jobs, sid, err, sizeof err), 0);
	assert_int_equal(sw.njobs, 12);
	for (long j = 0; j < 12; j++)
		assert_string_equal(jobs[j].id, fx->ids[j]);
	assert_int_equal(sweep_plan_write(&sw, fx->dir, &po, err, sizeof err),
	    0);
	sfx_grid_results(fx);
	assert_int_equal(merge(fx, &o, NULL, err, sizeof err), 0);
	want[0] = sfx_slurp(fx->dir, "results.csv");
	want[1] = sfx_slurp(fx->dir, "summary.csv");
	assert_int_equal(sweep_merge(fx->dir, &o, out, err, sizeof err), 0);
	got = sfx_slurp(fx->dir, "results.csv");
	assert_string_equal(got, want[0]);
	free(got);
	got = sfx_slurp(fx->dir, "summary.csv");
	assert_string_equal(got, want[1]);
	free(got);
	free(want[0]);
	free(want[1]);
	fclose(out);
	/* sweep.json edited by hand, the kappa values swapped in the axis
	 * and in every job's settings (so it still reads as a plan): the
	 * results would be labelled with other settings; refused */
	plan_swap_kappa(fx->dir);
	assert_int_equal(sweep_merge(fx->dir, &o, stdout, err, sizeof err),
	    -2);
	assert_non_null(strstr(err, "sweep.json was changed"));
	/* no plan: DIR is not a sweep's, bad input as a bad option is */
	assert_int_equal(sweep_merge("/nonexistent-ms-dir", &o, stdout, err,
	    sizeof err), -2);
	assert_non_null(strstr(err, "plan the sweep first"));
	sweep_jobs_free(jobs, sw.njobs);
	sweep_free(&sw);
	sfx_free(fx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_bytes),
		cmocka_unit_test(test_status_and_summary),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_heatmap),
		cmocka_unit_test(test_heatmap_writer),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_default_figure),
		cmocka_unit_test(test_merge_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
