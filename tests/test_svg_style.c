/*
 * The look of reproduce's figures: svg.c's reference markers and floor
 * rule, and reproduce_report_svg's styles (one colour per method across
 * figures, training-batch lines dashed, the paper's values as rings, the
 * round-off floor labelled when a value reaches it).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "memscope/figures.h"
#include "memscope/reproduce_report.h"
#include "memscope/svg.h"
#include "memscope/xmalloc.h"

/* The document svg_write_plot or a writer makes (free()). */
static char *
style_render(const struct svg_plot *p, const struct reproduce_result *r)
{
	FILE *f = tmpfile();
	char *buf;
	long len;

	assert_non_null(f);
	if (p != NULL)
		assert_int_equal(svg_write_plot(f, p), 0);
	else
		assert_int_equal(reproduce_report_svg(f, r), 0);
	len = ftell(f);
	assert_true(len > 0);
	rewind(f);
	buf = xmalloc((size_t)len + 1);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	buf[len] = '\0';
	fclose(f);
	return buf;
}

static int
style_count(const char *s, const char *what)
{
	int n = 0;

	for (const char *q = s; (q = strstr(q, what)) != NULL; q++)
		n++;
	return n;
}

/* Reference values: a hollow ring in the series' colour per finite one,
 * and one legend entry. */
static void
test_style_ref_markers(void **state)
{
	double x[3] = { 1, 2, 3 }, y[3] = { 0.5, 0.0, -0.5 };
	double ref[3] = { 0.4, NAN, -0.7 };
	struct svg_series se[2] = {
		{ "a", 3, x, y, NULL, false, "#123456", ref, false },
		{ "b", 3, x, y, NULL, true, "#ABCDEF", ref, false },
	};
	struct svg_plot p = { .title = "t", .xlabel = "x", .ylabel = "y",
	    .integer_x = true, .nseries = 2, .series = se,
	    .ref_name = "paper" };
	char *s;

	(void)state;
	s = style_render(&p, NULL);
	/* 2 series × 2 finite values, and the legend's */
	assert_int_equal(style_count(s, "<circle class=\"ref\""), 5);
	assert_int_equal(style_count(s, "r=\"5.5\" fill=\"none\" stroke=\"#123456\""),
	    2);
	assert_int_equal(style_count(s, "r=\"5.5\" fill=\"none\" stroke=\"#ABCDEF\""),
	    2);
	assert_int_equal(style_count(s, ">paper</text>"), 1);
	/* the series' own colours on the lines, the dash on b only */
	assert_non_null(strstr(s, "stroke=\"#123456\" stroke-width=\"2.2\" "
	    "d=\""));
	assert_non_null(strstr(s, "stroke=\"#ABCDEF\" stroke-width=\"2.2\" "
	    "stroke-dasharray=\"7 4\" d=\""));
	free(s);
	se[0].ref = se[1].ref = NULL;
	s = style_render(&p, NULL);
	assert_null(strstr(s, "class=\"ref\""));
	assert_null(strstr(s, ">paper</text>"));
	free(s);
}

/* The floor: a rule with its label inside the range, the label alone at
 * the bottom below a clipped axis, nothing when not asked for. */
static void
test_style_floor(void **state)
{
	double x[3] = { 1, 2, 3 }, y[3] = { 0.5, -30.0, -72.0 };
	struct svg_series se = { "a", 3, x, y, NULL, false, NULL, NULL, false };
	struct svg_plot p = { .title = "t", .xlabel = "x", .ylabel = "y",
	    .integer_x = true, .nseries = 1, .series = &se, .floor = true,
	    .floor_y = -72.0, .floor_label = "round-off floor" };
	char *s;

	(void)state;
	s = style_render(&p, NULL);
	assert_non_null(strstr(s, "<g class=\"floor\""));
	assert_non_null(strstr(s, "stroke-dasharray=\"2 3\"/>"));
	assert_non_null(strstr(s, ">round-off floor</text>"));
	free(s);
	p.clip_y = true;
	p.y_min = -40.0;
	s = style_render(&p, NULL);
	assert_null(strstr(s, "stroke-dasharray=\"2 3\""));
	assert_non_null(strstr(s, ">round-off floor: below the axis</text>"));
	free(s);
	p.floor = false;
	s = style_render(&p, NULL);
	assert_null(strstr(s, "class=\"floor\""));
	free(s);
}

/* A band stops at the floor: no value lies below it, so the axis does not
 * reach down to the band's lower edge (−80) as it does without a floor. */
static void
test_style_band_floor(void **state)
{
	double x[3] = { 1, 2, 3 }, y[3] = { 0.5, -30.0, -72.0 };
	double band[3] = { 1.0, 1.0, 8.0 };
	struct svg_series se = { "a", 3, x, y, band, false, NULL, NULL, false };
	struct svg_plot p = { .title = "t", .xlabel = "x", .ylabel = "y",
	    .integer_x = true, .nseries = 1, .series = &se };
	char *s;

	(void)state;
	s = style_render(&p, NULL);
	assert_non_null(strstr(s, ">\xe2\x88\x92" "80</text>"));
	free(s);
	p.floor = true;
	p.floor_y = -72.0;
	s = style_render(&p, NULL);
	assert_null(strstr(s, ">\xe2\x88\x92" "80</text>"));
	assert_non_null(strstr(s, ">\xe2\x88\x92" "60</text>"));
	free(s);
}

/* A result for figure id with every mean `v` (floored: every run at the
 * floor when v is the floor). */
static struct reproduce_result
style_result(const char *id, double v)
{
	struct reproduce_result r;
	int n;

	memset(&r, 0, sizeof r);
	for (int i = 0; i < figures_count(); i++)
		if (strcmp(figures_get(i)->id, id) == 0)
			r.fig = figures_get(i);
	assert_non_null(r.fig);
	r.D = r.fig->depths;
	r.K = 1;
	n = r.fig->nlines * r.D;
	r.val = xdoubles((size_t)n);
	r.mean = xdoubles((size_t)n);
	r.std = xdoubles((size_t)n);
	r.finite = xmalloc(sizeof(int) * (size_t)n);
	r.floored = xmalloc(sizeof(int) * (size_t)n);
	r.diverged = xmalloc(sizeof(int) * (size_t)n);
	for (int i = 0; i < n; i++) {
		r.val[i] = r.mean[i] = v - 0.1 * (i % r.D);
		r.std[i] = 0.05;
		r.finite[i] = 1;
		r.floored[i] = v <= log(FIGURES_MSE_FLOOR);
		r.diverged[i] = 0;
	}
	if (v <= log(FIGURES_MSE_FLOOR))
		for (int i = 0; i < n; i++)
			r.val[i] = r.mean[i] = v;
	return r;
}

static void
style_result_free(struct reproduce_result *r)
{
	free(r->val);
	free(r->mean);
	free(r->std);
	free(r->finite);
	free(r->floored);
	free(r->diverged);
}

/* The stroke colour and dash of the series named `name` in svg s: its
 * <path class="series"> up to its <title>. */
static void
style_line(const char *s, const char *name, char colour[8], bool *dashed)
{
	char title[128];
	const char *t, *path = NULL;

	snprintf(title, sizeof title, "><title>%s</title></path>", name);
	t = strstr(s, title);
	if (t == NULL)
		fail_msg("no line '%s'", name);
	for (const char *q = s; (q = strstr(q, "<path class=\"series\"")) !=
	    NULL && q < t; q++)
		path = q;
	assert_non_null(path);
	path = strstr(path, "stroke=\"#");
	assert_non_null(path);
	memcpy(colour, path + 8, 7);
	colour[7] = '\0';
	*dashed = false;
	for (const char *q = path; q < t; q++)
		if (strncmp(q, "stroke-dasharray=\"7 4\"", 22) == 0)
			*dashed = true;
}

/*
 * One colour per method: every line of every figure, by name, has the
 * same colour wherever it appears (CG, the pre linear transformer, the
 * pre+lfom Memformer in several figures), and the lines of one figure on
 * the same batch have different colours. Training-batch lines and only they are dashed.
 */
static void
test_style_method_colours(void **state)
{
	char names[64][64], colours[64][8], c[8];
	int seen = 0, floor_figs = 0;
	bool dashed;

	(void)state;
	for (int i = 0; i < figures_count(); i++) {
		struct reproduce_result r = style_result(figures_get(i)->id,
		    0.5);
		char *s = style_render(NULL, &r);
		char mine[FIGURES_MAX_LINES][8];

		for (int l = 0; l < r.fig->nlines; l++) {
			const struct figure_line *ln = &r.fig->lines[l];
			int k;

			style_line(s, ln->name, c, &dashed);
			if (dashed != ln->on_train)
				fail_msg("%s: dashed %d", ln->name, dashed);
			for (k = 0; k < seen; k++)
				if (strcmp(names[k], ln->name) == 0)
					break;
			if (k < seen)
				assert_string_equal(colours[k], c);
			else if (seen < 64) {
				snprintf(names[seen], sizeof names[seen], "%s",
				    ln->name);
				memcpy(colours[seen++], c, 8);
			}
			memcpy(mine[l], c, 8);
			for (int j = 0; j < l; j++)
				if (r.fig->lines[j].on_train == ln->on_train)
					assert_string_not_equal(mine[j], c);
		}
		/* theory lines, and only they, dotted: line and legend */
		{
			int th = 0;

			for (int l = 0; l < r.fig->nlines; l++)
				th += r.fig->lines[l].kind == FIGURE_THEORY;
			assert_int_equal(style_count(s,
			    "stroke-dasharray=\"1.5 3.5\""), 2 * th);
			/* and only their legend swatches without a band */
			assert_int_equal(style_count(s,
			    "fill-opacity=\"0\"/>"), th);
		}
		floor_figs += strstr(s, "round-off floor") != NULL;
		free(s);
		style_result_free(&r);
	}
	assert_int_equal(floor_figs, 0);	/* nothing at the floor */
	/* the same method in two figures: CG of 1a and of 2b, the pre
	 * linear transformer of 1b and of 2a (found by name above) */
	for (int k = 0; k < seen; k++)
		if (strcmp(names[k], "CG") == 0)
			assert_string_equal(colours[k], "#000000");
}

/* The paper's values are rings, one per value read off the plot, plus the
 * legend's; a figure without them has none; the floor is labelled when
 * the runs reach it. */
static void
test_style_paper_and_floor(void **state)
{
	struct reproduce_result r = style_result("1a", 0.5);
	char *s = style_render(NULL, &r);
	int values = 0;

	(void)state;
	for (int l = 0; l < r.fig->nlines; l++)
		if (r.fig->lines[l].paper != NULL)
			values += FIGURES_PAPER_DEPTHS;
	assert_true(values > 0);
	assert_int_equal(style_count(s, "<circle class=\"ref\""), values + 1);
	assert_int_equal(style_count(s, ">paper</text>"), 1);
	assert_null(strstr(s, "round-off floor"));
	free(s);
	style_result_free(&r);

	r = style_result("5", 0.5);
	s = style_render(NULL, &r);
	assert_null(strstr(s, "class=\"ref\""));
	free(s);
	style_result_free(&r);

	r = style_result("4", log(FIGURES_MSE_FLOOR));
	s = style_render(NULL, &r);
	assert_non_null(strstr(s, ">round-off floor ln(\xce\xb5\xc2\xb2) = "
	    "\xe2\x88\x92" "72.1"));
	free(s);
	style_result_free(&r);
}

/* A log x axis: ticks at the powers of ten, labelled 10, 100, 1000, and
 * points a decade apart equally far apart. */
static void
test_style_log_x(void **state)
{
	double x[3] = { 10, 100, 1000 }, y[3] = { 1, 2, 3 }, cx[3];
	struct svg_series se = { .name = "m", .n = 3, .x = x, .y = y };
	struct svg_plot p = { .title = "t", .xlabel = "kappa", .ylabel = "y",
	    .log_x = true, .nseries = 1, .series = &se };
	char *doc = style_render(&p, NULL), *ticks, *q;
	int n = 0;

	(void)state;
	ticks = strstr(doc, "<g class=\"x-ticks\"");
	assert_non_null(ticks);
	assert_non_null(strstr(ticks, ">10</text>"));
	assert_non_null(strstr(ticks, ">100</text>"));
	assert_non_null(strstr(ticks, ">1000</text>"));
	assert_null(strstr(ticks, ">500</text>"));
	for (q = doc; n < 3 && (q = strstr(q, "<circle cx=\"")) != NULL; q++)
		cx[n++] = strtod(q + strlen("<circle cx=\""), NULL);
	assert_int_equal(n, 3);
	assert_true(fabs((cx[1] - cx[0]) - (cx[2] - cx[1])) < 0.02);
	assert_true(cx[1] - cx[0] > 50);
	free(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_style_ref_markers),
		cmocka_unit_test(test_style_floor),
		cmocka_unit_test(test_style_band_floor),
		cmocka_unit_test(test_style_method_colours),
		cmocka_unit_test(test_style_paper_and_floor),
		cmocka_unit_test(test_style_log_x),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
