/*
 * sweep merge (sweep_merge*.c, sweep_result.c, svg_heatmap.c): a plan built
 * in memory (kappa × layers × 3 seeds) and result files written here with
 * jansson as doc/formats.md has them, with values chosen so that every
 * mean and std is exact. Checks results.csv and summary.csv byte for byte
 * (a small case) and by row, that diverged, failed (ID.err, a corrupt
 * result) and missing jobs keep their status and are never averaged, the
 * heatmap's cells, the line plot's series, every refusal's message and
 * the result reader's refusal of each kind of bad file.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "memscope/checkpoint.h"
#include "memscope/config.h"
#include "memscope/svg_heatmap.h"
#include "memscope/sweep.h"

#define NJOBS_MAX 16

/* A plan in memory and the directory its results go to. */
struct fixture {
	char dir[64];
	struct sweep_plan p;
	struct sweep_axis axes[3];
	char values[3][3][SWEEP_VALUE_LEN];
	char ids[NJOBS_MAX][SWEEP_ID_LEN + 1];
	int coord[NJOBS_MAX * 3];
	struct ms_config cfg[NJOBS_MAX];
};

/* Axis a of the fixture: name, the key it sets, its values. */
static void
axis_set(struct fixture *fx, int a, const char *name, const char *key,
    int n, const char *const *values)
{
	struct sweep_axis *ax = &fx->axes[a];

	snprintf(ax->name, sizeof ax->name, "%s", name);
	ax->key = config_key_index(key);
	ax->nvalues = n;
	ax->values = fx->values[a];
	for (int v = 0; v < n; v++)
		snprintf(fx->values[a][v], SWEEP_VALUE_LEN, "%s", values[v]);
}

/* The plan over the axes set: every job's config, id and coordinates. */
static void
plan_fill(struct fixture *fx, int naxes)
{
	char msg[256], text[96];
	long n = 1;

	for (int a = 0; a < naxes; a++)
		n *= fx->axes[a].nvalues;
	assert_true(n <= NJOBS_MAX);
	for (long j = 0; j < n; j++) {
		long rest = j;

		config_defaults(&fx->cfg[j]);
		fx->cfg[j].steps = 10;
		for (int a = naxes - 1; a >= 0; a--) {
			const struct sweep_axis *ax = &fx->axes[a];
			int v = (int)(rest % ax->nvalues);

			rest /= ax->nvalues;
			fx->coord[j * naxes + a] = v;
			snprintf(text, sizeof text, "%s%s", strcmp(ax->name,
			    "kappa") == 0 ? "kappa:" : "", ax->values[v]);
			assert_int_equal(config_set(&fx->cfg[j],
			    config_key_name(ax->key), text, msg, sizeof msg), 0);
		}
		sweep_job_id(&fx->cfg[j], fx->ids[j]);
	}
	memset(&fx->p, 0, sizeof fx->p);
	snprintf(fx->p.id, sizeof fx->p.id, "00112233445566ff");
	fx->p.file = "grid.ini";
	fx->p.naxes = naxes;
	fx->p.axes = fx->axes;
	fx->p.njobs = n;
	fx->p.ids = fx->ids;
	fx->p.coord = fx->coord;
}

static void
fixture_dir(struct fixture *fx)
{
	char path[128];

	snprintf(fx->dir, sizeof fx->dir, "/tmp/ms-merge-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(path, sizeof path, "%s/results", fx->dir);
	assert_int_equal(mkdir(path, 0777), 0);
}

/* The main fixture: kappa 10, 2 (file order; figures sort them) ×
 * layers 1, 2 × seeds 1, 2, 3. */
static struct fixture *
grid_new(void)
{
	static const char *const kappa[] = { "10", "2" }, *const layers[] = {
	    "1", "2" }, *const seeds[] = { "1", "2", "3" };
	struct fixture *fx = calloc(1, sizeof *fx);

	assert_non_null(fx);
	fixture_dir(fx);
	axis_set(fx, 0, "kappa", "data", 2, kappa);
	axis_set(fx, 1, "layers", "layers", 2, layers);
	axis_set(fx, 2, "seed", "seed", 3, seeds);
	plan_fill(fx, 3);
	return fx;
}

static void
fixture_free(struct fixture *fx)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->dir);
	assert_int_equal(system(cmd), 0);
	free(fx);
}

/* Write text as DIR/results/<id><ext>. */
static void
put_file(const struct fixture *fx, const char *id, const char *ext,
    const char *text)
{
	char path[160];
	FILE *f;

	snprintf(path, sizeof path, "%s/results/%s%s", fx->dir, id, ext);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/*
 * A valid result of job j as a JSON object: metric m at read-out k is
 * base + 0.5 m (1 + c) + (seed − 2) − k, with c the job's combination
 * (j / 3), so that the seed term averages to 0 over three seeds and
 * metric m − model is 0.5 m (1 + c) exactly.
 */
static json_t *
result_json(const struct fixture *fx, long j, const char *status)
{
	const struct ms_config *cfg = &fx->cfg[j];
	json_t *root = json_object(), *logs = json_object(), *t = json_object();
	long c = j / 3;

	json_object_set_new(root, "format", json_string("memscope-sweep-result"));
	json_object_set_new(root, "version", json_integer(1));
	json_object_set_new(root, "memscope", json_string("0.1.0"));
	json_object_set_new(root, "id", json_string(fx->ids[j]));
	json_object_set_new(root, "sweep", json_string(fx->p.id));
	json_object_set_new(root, "config", checkpoint_config_json(cfg));
	json_object_set_new(root, "status", json_string(status));
	if (strcmp(status, "diverged") == 0)
		json_object_set_new(root, "why", json_string("loss is nan"));
	json_object_set_new(root, "steps", json_integer(cfg->steps));
	json_object_set_new(root, "train_loss", json_real(0.5));
	for (int m = 0; m < SWEEP_METRICS; m++) {
		json_t *a = json_array();

		for (int k = 1; k <= cfg->layers; k++)
			json_array_append_new(a, json_real(0.5 * m * (1 + c) +
			    ((double)cfg->seed - 2) - k));
		json_object_set_new(logs, sweep_metric_name(m), a);
	}
	json_object_set_new(root, "log_test_loss", logs);
	json_object_set_new(t, "train_seconds", json_real(1.0));
	json_object_set_new(t, "evaluate_seconds", json_real(0.25));
	json_object_set_new(t, "total_seconds", json_real(1.25));
	json_object_set_new(root, "timings", t);
	json_object_set_new(root, "host", json_string("localhost"));
	json_object_set_new(root, "threads", json_integer(1));
	json_object_set_new(root, "kernels", json_string("generic"));
	return root;
}

/* Write root as job j's result (and free it). */
static void
put_json(const struct fixture *fx, long j, json_t *root)
{
	char *text = json_dumps(root, JSON_INDENT(1) | JSON_REAL_PRECISION(17));

	put_file(fx, fx->ids[j], ".json", text);
	free(text);
	json_decref(root);
}

/*
 * The main grid's results. Jobs (kappa, layers, seed) in job order 0..11:
 *   (10,1,*) 0-2: all ok
 *   (10,2,*) 3-5: 5 failed (ID.err)
 *   (2,1,*)  6-8: 7 corrupt (not JSON)
 *   (2,2,*)  9-11: 9 diverged (with losses that must not count),
 *                  10 missing, 11 failed (ID.err)
 */
static void
grid_results(const struct fixture *fx)
{
	for (long j = 0; j < 12; j++) {
		if (j == 5 || j == 11)
			put_file(fx, fx->ids[j], ".err", j == 5 ? "out of "
			    "memory\nsecond line\n" : "killed\n");
		else if (j == 7)
			put_file(fx, fx->ids[j], ".json", "{\"format\": ");
		else if (j == 9)
			put_json(fx, j, result_json(fx, j, "diverged"));
		else if (j != 10)
			put_json(fx, j, result_json(fx, j, "ok"));
	}
}

/* The whole of a file (caller frees). */
static char *
slurp(const char *dir, const char *name)
{
	char path[256], *buf;
	FILE *f;
	long len;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "r");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	buf = malloc((size_t)len + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	buf[len] = '\0';
	fclose(f);
	return buf;
}

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
merge(const struct fixture *fx, const struct sweep_merge_opts *o,
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
	struct fixture *fx = calloc(1, sizeof *fx);
	struct sweep_merge_opts o = { 0 };
	char err[512], want[4096], *got;
	const char *head = "model,gd,gd-oracle,momentum,nesterov,cg,lsq,schulz";

	(void)state;
	assert_non_null(fx);
	fixture_dir(fx);
	axis_set(fx, 0, "kappa", "data", 2, kappa);
	axis_set(fx, 1, "seed", "seed", 2, seeds);
	plan_fill(fx, 2);
	for (long j = 0; j < 4; j++) {
		json_t *root = result_json(fx, j, "ok");
		json_t *logs = json_object_get(root, "log_test_loss");

		/* L = the default's (4); read-outs 1 and 4 changed */
		for (int m = 0; m < SWEEP_METRICS; m++)
			for (int k = 1; k <= 4; k += 3)
				json_array_set_new(json_object_get(logs,
				    sweep_metric_name(m)), (size_t)k - 1,
				    json_real(small_value(j, m, k)));
		put_json(fx, j, root);
	}
	assert_int_equal(merge(fx, &o, NULL, err, sizeof err), 0);
	/* results.csv: read-out 1 of each job, then the others */
	got = slurp(fx->dir, "results.csv");
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
	got = slurp(fx->dir, "summary.csv");
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
	fixture_free(fx);
}

/* Every job keeps its status; only the ok ones are averaged. */
static void
test_status_and_summary(void **state)
{
	struct fixture *fx = grid_new();
	struct sweep_merge_opts o = { .complete = true };
	char err[512], line[1024], *got, *text;

	(void)state;
	grid_results(fx);
	/* --complete: a failed or missing job makes it 1 */
	assert_int_equal(merge(fx, &o, &text, err, sizeof err), 1);
	got = slurp(fx->dir, "results.csv");
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

	got = slurp(fx->dir, "summary.csv");
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
	fixture_free(fx);
}

/* The stdout table: mean ± std at the last read-out per combination. */
static void
test_table(void **state)
{
	struct fixture *fx = grid_new();
	struct sweep_merge_opts o = { 0 };
	char err[512], *text;

	(void)state;
	grid_results(fx);
	assert_int_equal(merge(fx, &o, &text, err, sizeof err), 0);
	/* (10,1) at k = 1: model -1 ± 1 over 3/3; (10,2) at k = 2: 2/3 */
	assert_non_null(strstr(text, "   10       1  1       3/3  "));
	assert_true(strstr(text, "-1.000 +- 1.000") != NULL ||
	    strstr(text, "-1.000 \xc2\xb1 1.000") != NULL);
	assert_non_null(strstr(text, "   10       2  2     2/3 *  -2.500"));
	assert_non_null(strstr(text, "    2       2  2     0/3 *                -"));
	free(text);
	fixture_free(fx);
}

/* The heatmap: one cell a combination, values, marks, a missing cell. */
static void
test_heatmap(void **state)
{
	struct fixture *fx = grid_new();
	struct sweep_merge_opts o = { .heatmap = "model-cg", .x = "kappa",
	    .y = "layers" };
	char err[512], *svg, *p;

	(void)state;
	grid_results(fx);
	assert_int_equal(merge(fx, &o, NULL, err, sizeof err), 0);
	svg = slurp(fx->dir, "heatmap.svg");
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
	fixture_free(fx);
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
	struct fixture *fx = grid_new();
	struct sweep_merge_opts o = { .lines = "model", .x = "kappa",
	    .by = "layers", .layer = 1, .svg = NULL };
	char err[512], *svg;

	(void)state;
	grid_results(fx);
	assert_int_equal(merge(fx, &o, NULL, err, sizeof err), 0);
	svg = slurp(fx->dir, "lines.svg");
	assert_int_equal(count(svg, "<path class=\"series\""), 2);
	assert_non_null(strstr(svg, "<title>layers = 1</title>"));
	assert_non_null(strstr(svg, "<title>layers = 2</title>"));
	/* layers 2 at kappa 2 has no ok seed: its line is one point */
	assert_int_equal(count(svg, " L"), 1);
	assert_non_null(strstr(svg, "incomplete:"));
	free(svg);
	/* one series without --by, at the file given */
	o.by = NULL;
	o.nwhere = 1;
	o.where[0] = "layers=1";
	o.svg = "/dev/null";
	assert_int_equal(merge(fx, &o, NULL, err, sizeof err), 0);
	fixture_free(fx);
}

/* A refusal: -2 and exactly this message. */
static void
refused(const struct fixture *fx, const struct sweep_merge_opts *o,
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
	struct fixture *fx = grid_new();
	struct sweep_merge_opts o = { .heatmap = "model-xx", .x = "kappa",
	    .y = "layers" };

	(void)state;
	grid_results(fx);
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
	fixture_free(fx);
}

/* The default figure: a heatmap of model-cg over the two axes. */
static void
test_default_figure(void **state)
{
	struct fixture *fx = grid_new();
	struct sweep_merge_opts o = { 0 };
	char err[512], *svg, *text;

	(void)state;
	grid_results(fx);
	assert_int_equal(merge(fx, &o, &text, err, sizeof err), 0);
	svg = slurp(fx->dir, "heatmap.svg");
	assert_int_equal(count(svg, "<rect class=\"cell"), 4);
	assert_non_null(strstr(svg, "model \xe2\x88\x92 cg"));
	assert_non_null(strstr(text, "/heatmap.svg\n"));
	free(svg);
	free(text);
	fixture_free(fx);
}

/* Job j's result root (freed) is refused by sweep_result_read with a
 * message naming the file and holding want. */
static void
refused_result(const struct fixture *fx, long j, json_t *root,
    const char *want)
{
	struct sweep_result r;
	char err[768], path[160];

	snprintf(path, sizeof path, "%s/results/%s.json", fx->dir, fx->ids[j]);
	if (root != NULL)
		put_json(fx, j, root);
	assert_int_equal(sweep_result_read(&r, fx->dir, fx->ids[j], err,
	    sizeof err), -1);
	assert_true(strncmp(err, path, strlen(path)) == 0);
	if (strstr(err, want) == NULL)
		fail_msg("want \"%s\", got \"%s\"", want, err);
}

/* A result of job j with metric's read-outs changed: value at k = 2
 * (NULL: read-out 1 removed), or a metric added. */
static json_t *
result_losses(const struct fixture *fx, long j, const char *metric,
    json_t *value)
{
	json_t *root = result_json(fx, j, "ok");
	json_t *a = json_object_get(json_object_get(root, "log_test_loss"),
	    metric);

	if (a == NULL)		/* a metric the format does not have */
		json_object_set_new(json_object_get(root, "log_test_loss"),
		    metric, value);
	else if (value == NULL)
		json_array_remove(a, 0);
	else
		json_array_set_new(a, 1, value);
	return root;
}

/* sweep_result_read refuses each kind of bad file, naming it. */
static void
test_result_refusals(void **state)
{
	struct fixture *fx = grid_new();
	struct sweep_result r;
	char err[768], path[160];
	const char *id = fx->ids[0];
	struct {
		const char *key;	/* set this member of a good result */
		json_t *value;		/* to this (NULL: remove it) */
		const char *want;	/* part of the message */
	} bad[] = {
		{ "format", json_string("memscope-checkpoint"),
		    "not a sweep result (\"format\" is not "
		    "\"memscope-sweep-result\")" },
		{ "version", json_integer(2), "\"version\" must be 1" },
		{ "id", json_string(fx->ids[1]), "not the file's id" },
		{ "config", json_string("x"), "\"config\" is missing or not "
		    "an object" },
		{ "config", checkpoint_config_json(&fx->cfg[1]),
		    "the config hashes to" },
		{ "status", json_string("done"), "\"status\" must be \"ok\" "
		    "or \"diverged\"" },
		{ "steps", json_integer(11), "\"steps\" must be an integer "
		    "from 0 to the config's steps (10)" },
		{ "timings", NULL, "\"timings\" is missing" },
		{ "log_test_loss", NULL, "\"log_test_loss\" is missing" },
		{ "sweep", json_string("xyz"), "\"sweep\" must be a sweep id" },
		{ "train_loss", json_string("0"), "\"train_loss\" is missing "
		    "or not a number" },
	};
	json_t *root;
	FILE *f;

	(void)state;
	snprintf(path, sizeof path, "%s/results/%s.json", fx->dir, id);
	assert_int_equal(sweep_result_read(&r, fx->dir, id, err, sizeof err),
	    -2);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		root = result_json(fx, 0, "ok");
		if (bad[i].value == NULL)
			json_object_del(root, bad[i].key);
		else
			json_object_set_new(root, bad[i].key, bad[i].value);
		refused_result(fx, 0, root, bad[i].want);
	}
	/* a metric short of a read-out, a string in it, an unknown one */
	refused_result(fx, 3, result_losses(fx, 3, "cg", NULL),
	    "\"cg\" must be an array of 2 numbers");
	refused_result(fx, 3, result_losses(fx, 3, "lsq", json_string("1")),
	    "\"lsq\"[1] is not a number or null");
	refused_result(fx, 3, result_losses(fx, 3, "adam", json_array()),
	    "unknown metric 'adam'");
	/* a diverged result without why */
	root = result_json(fx, 0, "diverged");
	json_object_del(root, "why");
	refused_result(fx, 0, root, "needs \"why\"");
	/* truncated JSON; a huge file (input_read's bound: a FIFO with no
	 * writer is its too, test_input's) */
	put_file(fx, id, ".json", "{\"format\": \"memscope-sweep-result\"");
	refused_result(fx, 0, NULL, "not valid JSON");
	assert_int_equal(unlink(path), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 0; i < (5 << 20) / 64; i++)
		fprintf(f, "%63s\n", "");
	fclose(f);
	refused_result(fx, 0, NULL, "a sweep result");
	/* and a good one reads, null read-outs as NaN */
	put_json(fx, 3, result_losses(fx, 3, "gd", json_null()));
	assert_int_equal(sweep_result_read(&r, fx->dir, fx->ids[3], err,
	    sizeof err), 0);
	assert_int_equal(r.layers, 2);
	assert_true(isnan(r.log_loss[1 * 2 + 1]));
	assert_true(r.log_loss[5 * 2 + 0] == 0.5 * 5 * 2 - 1 - 1);
	assert_true(r.seconds == 1.25);
	assert_false(r.diverged);
	sweep_result_free(&r);
	assert_string_equal(sweep_metric_name(0), "model");
	assert_string_equal(sweep_metric_name(2), "gd-oracle");
	assert_null(sweep_metric_name(SWEEP_METRICS));
	fixture_free(fx);
}

/* The plan written and read back (sweep_plan_write, sweep_plan_read)
 * has the fixture's ids, and sweep_merge on DIR writes the very files the
 * in-memory plan gives. */
static void
test_merge_dir(void **state)
{
	struct fixture *fx = grid_new();
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
	grid_results(fx);
	assert_int_equal(merge(fx, &o, NULL, err, sizeof err), 0);
	want[0] = slurp(fx->dir, "results.csv");
	want[1] = slurp(fx->dir, "summary.csv");
	assert_int_equal(sweep_merge(fx->dir, &o, out, err, sizeof err), 0);
	got = slurp(fx->dir, "results.csv");
	assert_string_equal(got, want[0]);
	free(got);
	got = slurp(fx->dir, "summary.csv");
	assert_string_equal(got, want[1]);
	free(got);
	free(want[0]);
	free(want[1]);
	fclose(out);
	/* no plan: a failure, not a refusal of the options */
	assert_int_equal(sweep_merge("/nonexistent-ms-dir", &o, stdout, err,
	    sizeof err), -1);
	sweep_jobs_free(jobs, sw.njobs);
	sweep_free(&sw);
	fixture_free(fx);
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
		cmocka_unit_test(test_result_refusals),
		cmocka_unit_test(test_merge_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
