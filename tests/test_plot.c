/*
 * Plots a researcher trusts: ticks on round values with exact labels, log
 * ticks, TensorBoard's EMA, the cursor's reading, reference labels that
 * stack instead of vanishing, line styles that survive without colour,
 * faded curves beneath, and the view's window, zoom, log-x and cursor.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "memscope/canvas.h"
#include "memscope/plot.h"
#include "memscope/plotview.h"
#include "memscope/ticks.h"

/* Whether step is 1, 2 or 5 times a power of ten. */
static bool
nice_step(double step)
{
	double e = floor(log10(step) + 1e-9), m = step / pow(10, e);

	return fabs(m - 1) < 1e-9 || fabs(m - 2) < 1e-9 || fabs(m - 5) < 1e-9;
}

/* The nice steps after s: 1 -> 2 -> 5 -> 10. */
static double
finer(double s)
{
	double e = floor(log10(s) + 1e-9), m = s / pow(10, e);

	return m < 1.5 ? 0.5 * s : m < 3 ? s / 2 : s * 2 / 5;
}

/* The ticks of the axis: round, exact labels, no 1.83 / -0.60. */
static void
test_ticks_round(void **state)
{
	double t[TICKS_MAX], step;
	char buf[32];
	int n;

	(void)state;
	n = ticks_linear(-1.87, 1.94, 5, t, &step);
	assert_int_equal(n, 3);
	assert_true(step == 1);
	assert_true(t[0] == -1 && t[1] == 0 && t[2] == 1);
	assert_string_equal(ticks_label(t[0], step, buf, sizeof buf), "-1");
	n = ticks_linear(-0.6, 1.83, 6, t, &step);
	assert_int_equal(n, 5);
	assert_true(step == 0.5);
	assert_string_equal(ticks_label(t[0], step, buf, sizeof buf), "-0.5");
	assert_string_equal(ticks_label(t[1], step, buf, sizeof buf), "0.0");
	assert_string_equal(ticks_label(t[4], step, buf, sizeof buf), "1.5");
	n = ticks_linear(0, 1000, 5, t, &step);
	assert_int_equal(n, 3);
	assert_true(t[1] == 500 && t[2] == 1000);
	/* decimal ticks are the doubles nearest the decimals they print */
	n = ticks_linear(0.1, 0.36, 6, t, &step);
	assert_true(step == 0.05);
	assert_int_equal(n, 6);
	assert_true(t[1] == 0.15 && t[5] == 0.35);
	assert_string_equal(ticks_label(t[1], step, buf, sizeof buf), "0.15");
	assert_int_equal(ticks_linear(1, 1, 5, t, &step), 0);
	assert_int_equal(ticks_linear(0, NAN, 5, t, &step), 0);
}

/* Over many ranges: inside, at most max, 1-2-5, and the finest such. */
static void
test_ticks_properties(void **state)
{
	double t[TICKS_MAX], step, s2, lo, hi;
	int n, i, k, max;

	(void)state;
	for (k = 0; k < 300; k++) {
		lo = -3.7 + 0.37 * (k % 17) - 0.011 * k;
		hi = lo + 0.013 * (1 + k * k % 997);
		max = 2 + k % 9;
		n = ticks_linear(lo, hi, max, t, &step);
		assert_true(n >= 1 && n <= max);
		assert_true(nice_step(step));
		for (i = 0; i < n; i++) {
			assert_true(t[i] >= lo - 1e-9 && t[i] <= hi + 1e-9);
			if (i > 0)
				assert_true(fabs(t[i] - t[i - 1] - step) <
				    1e-9 * step + 1e-12);
		}
		/* the next finer step would give too many */
		s2 = finer(step);
		assert_true(floor(hi / s2 + 1e-9) - ceil(lo / s2 - 1e-9) + 1 >
		    max);
	}
}

static void
test_ticks_labels(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(ticks_label(-1e-12, 0.5, buf, sizeof buf), "0.0");
	assert_string_equal(ticks_label(-3, 1, buf, sizeof buf), "-3");
	assert_string_equal(ticks_label(20000, 5000, buf, sizeof buf), "20k");
	assert_string_equal(ticks_label(1500, 500, buf, sizeof buf), "1500");
	assert_string_equal(ticks_label(2e6, 1e6, buf, sizeof buf), "2M");
	assert_string_equal(ticks_label(0.05, 0.05, buf, sizeof buf), "0.05");
	assert_string_equal(ticks_label(1000, 1000, buf, sizeof buf), "1k");
}

/* Decades, with 2 and 5 when few; every k-th when many; linear inside
 * one decade. */
static void
test_ticks_log(void **state)
{
	double t[TICKS_MAX], step;
	const double all[10] = { 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000 };
	int n, i;

	(void)state;
	n = ticks_log10(0, 3, 10, t, &step);
	assert_int_equal(n, 10);
	assert_true(step == 0);
	for (i = 0; i < n; i++)
		assert_true(t[i] == all[i]);
	n = ticks_log10(0, 3, 5, t, &step);
	assert_int_equal(n, 4);
	assert_true(t[0] == 1 && t[1] == 10 && t[2] == 100 && t[3] == 1000);
	n = ticks_log10(0, 8, 4, t, &step);
	assert_int_equal(n, 3);
	assert_true(t[0] == 1 && t[1] == 1000 && t[2] == 1e6);
	n = ticks_log10(log10(300), log10(600), 4, t, &step);
	assert_int_equal(n, 4);
	assert_true(step == 100 && t[0] == 300 && t[3] == 600);
}

/* TensorBoard's smoothing: debiased, NaN passed through, constant kept. */
static void
test_ema(void **state)
{
	double v[4] = { 1, 2, NAN, 3 }, out[4], c[3] = { 2, 2, 2 };

	(void)state;
	plot_ema(v, 4, 0.5, out);
	assert_true(fabs(out[0] - 1) < 1e-12);
	assert_true(fabs(out[1] - 1.25 / 0.75) < 1e-12);
	assert_true(isnan(out[2]));
	assert_true(fabs(out[3] - 2.125 / 0.875) < 1e-12);
	plot_ema(v, 4, 0, out);
	assert_true(out[0] == 1 && out[1] == 2 && out[3] == 3);
	plot_ema(c, 3, 0.9, c);
	assert_true(c[0] == 2 && c[1] == 2 && c[2] == 2);
	/* a weight of 1 would freeze the curve: clamped to 0.999 */
	plot_ema(v, 4, 1, out);
	assert_true(isfinite(out[3]) && out[3] > 1 && out[3] < 3);
}

/* The cursor reads the last point at or before it with a value. */
static void
test_index_at(void **state)
{
	double x[5] = { 1, 2, 3, 4, 6 }, y[5] = { 1, NAN, 3, 4, 5 };

	(void)state;
	assert_int_equal(plot_index_at(x, y, 5, 2.5), 0);
	assert_int_equal(plot_index_at(x, y, 5, 3), 2);
	assert_int_equal(plot_index_at(x, y, 5, 5.9), 3);
	assert_int_equal(plot_index_at(x, y, 5, 0.5), -1);
	assert_int_equal(plot_index_at(x, y, 5, 100), 4);
	assert_int_equal(plot_index_at(x, y, 0, 100), -1);
}

/* Labels in one row stack into the next free rows, none lost. */
static void
test_stack_rows(void **state)
{
	int a[3] = { 5, 5, 5 }, b[2] = { 9, 9 }, c[3] = { 3, 2, 3 };
	int d[3] = { 0, 0, 0 }, got[3];

	(void)state;
	plot_stack_rows(a, 3, 0, 9, got);
	assert_int_equal(got[0], 5);
	assert_int_equal(got[1], 6);
	assert_int_equal(got[2], 7);
	plot_stack_rows(b, 2, 0, 9, got);
	assert_int_equal(got[0], 9);
	assert_int_equal(got[1], 8);
	plot_stack_rows(c, 3, 0, 9, got);
	assert_int_equal(got[1], 2);
	assert_int_equal(got[0], 3);
	assert_int_equal(got[2], 4);
	plot_stack_rows(d, 3, 0, 1, got);	/* two rows for three */
	assert_int_equal(got[0], 0);
	assert_int_equal(got[1], 1);
	assert_int_equal(got[2], -1);
}

/* A flat line of pen across w cells, as text (mono: text is all there
 * is). */
static char *
line_text(const struct glyphs *g, int w, const struct plot_pen *pen)
{
	struct canvas c;
	char *t;

	canvas_init(&c, w, 1, g);
	canvas_fill(&c, (struct rect){ 0, 0, w, 1 }, COL_DEFAULT);
	plot_sample(&c, 0, 0, w, pen);
	t = canvas_to_text(&c);
	canvas_free(&c);
	return t;
}

/* The 8 styles differ from each other without colour, in braille and
 * in ASCII; thick (test) differs from thin (train) in every style. */
static void
test_styles_without_colour(void **state)
{
	const struct glyphs *gs[2] = { &canvas_glyphs_utf8,
		&canvas_glyphs_ascii };
	char *t[2][PLOT_STYLES];
	struct plot_pen pen = { COL_RUN_0, 0, false, false };
	int g, i, j, w;
	long k;

	(void)state;
	for (k = 0; k < 64; k++)
		assert_true(plot_style_on(0, k));
	for (g = 0; g < 2; g++) {
		for (i = 0; i < PLOT_STYLES; i++) {
			pen.style = i;
			pen.thick = false;
			/* a legend's sample: 8 dots */
			w = plot_sample_cells(gs[g]->utf8);
			t[0][i] = line_text(gs[g], w, &pen);
			pen.thick = true;
			t[1][i] = line_text(gs[g], w, &pen);
			assert_string_not_equal(t[0][i], t[1][i]);
			for (j = 0; j < i; j++) {
				assert_string_not_equal(t[0][i], t[0][j]);
				assert_string_not_equal(t[1][i], t[1][j]);
			}
			if (i == 1)	/* dashed: blanks between dashes */
				assert_non_null(strchr(t[0][i], ' '));
		}
		for (i = 0; i < PLOT_STYLES; i++) {
			free(t[0][i]);
			free(t[1][i]);
		}
	}
	assert_string_not_equal(plot_style_name(1), plot_style_name(2));
}

/* The dash pattern runs on over a curve's many short segments (a loss
 * curve has several points per dot): restarting it at each segment would
 * draw every dotted curve solid. */
static void
test_pattern_runs_on(void **state)
{
	struct canvas c;
	struct plot p;
	struct plot_pen pen = { COL_RUN_1, 2, false, false };
	double x[64], y[64];
	char *t;
	int i;

	(void)state;
	for (i = 0; i < 64; i++) {
		x[i] = i;
		y[i] = 0.5;
	}
	canvas_init(&c, 16, 1, &canvas_glyphs_utf8);
	plot_init(&p, &c, (struct rect){ 0, 0, 16, 1 }, 0, 31, 0, 1);
	plot_curve_pen(&p, x, y, 32, &pen);	/* one dot per segment */
	plot_render(&p, &c);
	plot_free(&p);
	t = canvas_to_text(&c);
	/* dotted: one dot of each cell's two, never both */
	assert_null(strstr(t, "⠤"));
	assert_null(strstr(t, "⠒"));
	free(t);
	canvas_free(&c);
}

/* A dense noisy curve (many points per dot column, as a long run has)
 * sets the same dots as its segments drawn one by one: drawing a column's
 * points as one span loses nothing. */
static void
test_dense_curve_same_dots(void **state)
{
	struct canvas c;
	struct plot a, b;
	double x[3000], y[3000];
	int i, n = 3000;

	(void)state;
	for (i = 0; i < n; i++) {
		x[i] = i;
		y[i] = exp(-i / 700.0) + 0.08 * sin(i * 1.7) + (i == 1500 ?
		    NAN : 0);
	}
	canvas_init(&c, 40, 12, &canvas_glyphs_utf8);
	plot_init(&a, &c, (struct rect){ 0, 0, 40, 12 }, 0, n - 1, -0.2, 1.2);
	plot_init(&b, &c, (struct rect){ 0, 0, 40, 12 }, 0, n - 1, -0.2, 1.2);
	plot_curve(&a, x, y, n, COL_RUN_0);
	for (i = 1; i < n; i++) {
		int j = i - 1 - (i == 1501);	/* NaN: its neighbours joined */

		if (i != 1500)
			plot_line(&b, x[j], y[j], x[i], y[i], COL_RUN_0);
	}
	assert_memory_equal(a.mask, b.mask, 40 * 12);
	plot_free(&a);
	plot_free(&b);
	canvas_free(&c);
}

/* A faded (raw) line lies beneath: dimmed alone, gone where a normal
 * (smoothed) line crosses its cell, and it never covers a normal one. */
static void
test_faded_beneath(void **state)
{
	struct canvas c;
	struct plot p;
	struct plot_pen raw = { COL_RUN_0, 0, false, true };
	struct plot_pen smooth = { COL_RUN_0, 0, false, false };
	char *t;

	(void)state;
	canvas_init(&c, 2, 1, &canvas_glyphs_utf8);
	plot_init(&p, &c, (struct rect){ 0, 0, 2, 1 }, 0, 3, 0, 3);
	plot_line_pen(&p, 0, 3, 3, 3, &raw);	/* top row, both cells */
	plot_line_pen(&p, 0, 0, 1, 0, &smooth);	/* bottom row, left cell */
	plot_line_pen(&p, 2, 0, 3, 0, &raw);	/* and raw beneath it too */
	plot_render(&p, &c);
	plot_free(&p);
	t = canvas_to_text(&c);
	/* left: only the smoothed bottom dots (0x40 | 0x80); right: both
	 * raw lines, dimmed */
	assert_string_equal(t, "⣀⣉\n");
	assert_int_equal(c.cells[0].attr & CATTR_DIM, 0);
	assert_int_equal(c.cells[1].attr & CATTR_DIM, CATTR_DIM);
	free(t);
	canvas_free(&c);
}

static void
view_at(struct plot_view *v, double newest, double end)
{
	plot_view_init(v);
	v->ext.first = 0;
	v->ext.newest = newest;
	v->ext.end = end;
}

/* Whole run; last N following the newest step; zoom halves and doubles
 * back to the whole; with the cursor on, the window centres on it. */
static void
test_view_window(void **state)
{
	struct plot_view v;
	double a, b;

	(void)state;
	view_at(&v, 600, 1000);
	plot_view_range(&v, &v.ext, &a, &b);
	assert_true(a == 0 && b == 1000);
	plot_view_toggle_window(&v);	/* a quarter: the last 250 */
	plot_view_range(&v, &v.ext, &a, &b);
	assert_true(a == 350 && b == 600);
	v.ext.newest = 700;		/* the window follows the run */
	plot_view_range(&v, &v.ext, &a, &b);
	assert_true(a == 450 && b == 700);
	plot_view_zoom(&v, -1);
	plot_view_range(&v, &v.ext, &a, &b);
	assert_true(a == 575 && b == 700);
	v.ext.newest = 10;		/* early: the window starts at 0 */
	plot_view_range(&v, &v.ext, &a, &b);
	assert_true(a == 0 && b == 125);
	v.ext.newest = 700;
	plot_view_toggle_cursor(&v);	/* at the newest step */
	assert_true(v.cursor == 700);
	v.cursor = 300;
	plot_view_range(&v, &v.ext, &a, &b);
	assert_true(a == 237.5 && b == 362.5);
	v.cursor = 990;			/* kept inside the run's axis */
	plot_view_range(&v, &v.ext, &a, &b);
	assert_true(a == 875 && b == 1000);
	plot_view_zoom(&v, +1);
	plot_view_zoom(&v, +1);
	plot_view_zoom(&v, +1);		/* 1000 >= the whole: whole again */
	assert_true(v.span == 0);
	plot_view_range(&v, &v.ext, &a, &b);
	assert_true(a == 0 && b == 1000);
	plot_view_toggle_window(&v);	/* w brings the last window back */
	assert_true(v.span == 500);
	plot_view_toggle_window(&v);
	assert_true(v.span == 0);
	for (int i = 0; i < 20; i++)
		plot_view_zoom(&v, -1);
	assert_true(v.span == PLOT_VIEW_MIN_SPAN);
}

/* Log-x: log10 of the steps, from step 1; steps below 1 are not drawn. */
static void
test_view_logx(void **state)
{
	struct plot_view v;
	double a, b;

	(void)state;
	view_at(&v, 640, 1000);
	plot_view_toggle_logx(&v);
	plot_view_range(&v, &v.ext, &a, &b);
	assert_true(a == 0 && fabs(b - 3) < 1e-12);
	assert_true(fabs(plot_view_x(&v, 100) - 2) < 1e-12);
	assert_true(isnan(plot_view_x(&v, 0)));
	plot_view_toggle_logx(&v);
	assert_true(plot_view_x(&v, 0) == 0);
}

/* The cursor moves by a fiftieth of the view, within the steps there are;
 * an arrow turns it on; smoothing steps through its weights. */
static void
test_view_cursor_and_smoothing(void **state)
{
	struct plot_view v;

	(void)state;
	view_at(&v, 640, 1000);
	plot_view_move_cursor(&v, -1);
	assert_true(v.cursor_on && v.cursor == 640);
	plot_view_move_cursor(&v, -1);
	assert_true(v.cursor == 620);
	plot_view_move_cursor(&v, +1);
	plot_view_move_cursor(&v, +1);
	assert_true(v.cursor == 640);	/* not past the newest step */
	v.cursor = 10;
	plot_view_move_cursor(&v, -1);
	assert_true(v.cursor == 0);
	plot_view_toggle_logx(&v);
	v.cursor = 100;
	plot_view_move_cursor(&v, +1);
	assert_true(v.cursor > 100 && v.cursor < 120);
	plot_view_toggle_cursor(&v);
	assert_false(v.cursor_on);
	assert_true(plot_view_weight(&v) == 0);
	plot_view_smooth(&v, +1);
	assert_true(plot_view_weight(&v) == 0.6);
	plot_view_smooth(&v, +1);
	plot_view_smooth(&v, +1);
	plot_view_smooth(&v, +1);
	assert_true(plot_view_weight(&v) == 0.99);
	plot_view_smooth(&v, -1);
	assert_true(plot_view_weight(&v) == 0.9);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ticks_round),
		cmocka_unit_test(test_ticks_properties),
		cmocka_unit_test(test_ticks_labels),
		cmocka_unit_test(test_ticks_log),
		cmocka_unit_test(test_ema),
		cmocka_unit_test(test_index_at),
		cmocka_unit_test(test_stack_rows),
		cmocka_unit_test(test_styles_without_colour),
		cmocka_unit_test(test_pattern_runs_on),
		cmocka_unit_test(test_faded_beneath),
		cmocka_unit_test(test_dense_curve_same_dots),
		cmocka_unit_test(test_view_window),
		cmocka_unit_test(test_view_logx),
		cmocka_unit_test(test_view_cursor_and_smoothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
