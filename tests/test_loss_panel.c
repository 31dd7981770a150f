/*
 * The loss panel with compared runs (the fixture's none, cgd, lfom): the
 * reference lines' names never lost, the cursor's readout, the legend's
 * line samples without colour, the window and log-x on the step axis, and
 * smoothing over faded raw curves; the per-layer panel beside it: its
 * footnote's step never cut, each row's best marked.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "memscope/keys.h"
#include "memscope/panel.h"
#include "memscope/plot.h"
#include "memscope/plotview.h"
#include "memscope/screen.h"
#include "tui_fixture.h"

struct frame {
	struct snapshot s;
	struct plot_view v;
	struct canvas c;
	char *text;
};

static void
frame_open(struct frame *f)
{
	struct ms_config cfg;

	config_defaults(&cfg);	/* the curves are the fixture's, whatever cfg */
	cfg.layers = 3;
	cfg.memory = MS_MEMORY_CGD;	/* cgd in focus */
	snapshot_init(&f->s);
	fixture_snapshot(&f->s, &cfg);
	plot_view_init(&f->v);
	plot_view_sync(&f->v, &f->s);
	memset(&f->c, 0, sizeof f->c);
	f->text = NULL;
}

/* The loss panel alone at w × h (utf8 or ASCII, mono) into f->text. */
static void
frame_draw(struct frame *f, int w, int h, bool utf8)
{
	struct panel_ctx ctx = { .s = &f->s, .theme = "dark", .nscreens = 4,
	    .plot = &f->v };

	free(f->text);
	canvas_init(&f->c, w, h, utf8 ? &canvas_glyphs_utf8 :
	    &canvas_glyphs_ascii);
	f->c.mono = true;
	panel_loss.draw(&ctx, &f->c, (struct rect){ 0, 0, w, h });
	f->text = canvas_to_text(&f->c);
}

static void
frame_close(struct frame *f)
{
	free(f->text);
	f->text = NULL;
	canvas_free(&f->c);
	snapshot_free(&f->s);
}

/* Row y of the canvas as UTF-8 text (from the frame's text). */
static const char *
frame_row(const struct frame *f, int y, char *buf, size_t len)
{
	const char *p = f->text;
	size_t n;

	while (y-- > 0 && (p = strchr(p, '\n')) != NULL)
		p++;
	if (p == NULL)
		return "";
	n = strcspn(p, "\n");
	snprintf(buf, len, "%.*s", (int)(n < len ? n : len - 1), p);
	return buf;
}

/* How many rows hold s in the plot's right margin (the last 4 cells). */
static int
margin_count(const struct frame *f, const char *s)
{
	char row[1024];
	int y, k = 0;

	for (y = 0; y < f->c.h; y++) {
		const char *r = frame_row(f, y, row, sizeof row);
		size_t n = strlen(r);

		/* the margin: "XY │" at the end of the row (UTF-8 border) */
		if (n > 8 && strstr(r + n - 8, s) != NULL)
			k++;
	}
	return k;
}

/* Reference lines in one text row: each keeps its name in the margin
 * (stacked into the next row) and the legend lists all three, at the
 * dashboard's 80x24 size too. */
static void
test_refs_never_dropped(void **state)
{
	struct frame f;
	char row[2048], legend[1024];
	int L, sizes[2][2] = { { 44, 12 }, { 60, 16 } }, k;

	(void)state;
	frame_open(&f);
	L = f.s.L;
	/* GD and Nesterov reach the same error: one row */
	f.s.base_mse[BASELINE_NESTEROV][L] = f.s.base_mse[BASELINE_GD][L];
	for (k = 0; k < 2; k++) {
		frame_draw(&f, sizes[k][0], sizes[k][1], true);
		assert_int_equal(margin_count(&f, "CG"), 1);
		assert_int_equal(margin_count(&f, "GD"), 1);
		assert_int_equal(margin_count(&f, "Nv"), 1);
		/* the legend's two rows (under the title) name all three,
		 * each after its line's glyph: not the margin's names */
		frame_row(&f, 1, row, sizeof row);
		strcat(row, frame_row(&f, 2, legend, sizeof legend));
		assert_non_null(strstr(row, "\xe2\x94\x84 CG"));
		assert_non_null(strstr(row, "\xe2\x94\x84 GD"));
		assert_true(strstr(row, "\xe2\x94\x84 Nesterov") != NULL ||
		    strstr(row, "\xe2\x94\x84 Nv") != NULL);
		canvas_free(&f.c);
	}
	frame_close(&f);
}

/* The theory schedule at the model's depth is one more reference line,
 * named "Th" in the margin and in the legend with its value; with no
 * theory published (layers 0) it is not drawn. */
static void
test_theory_line_drawn(void **state)
{
	struct frame f;
	char row[2048], legend[1024], want[64];

	(void)state;
	frame_open(&f);
	frame_draw(&f, 100, 20, true);
	assert_int_equal(margin_count(&f, "Th"), 1);
	frame_row(&f, 1, row, sizeof row);
	strcat(row, frame_row(&f, 2, legend, sizeof legend));
	snprintf(want, sizeof want, "best a·Σ⁻¹ %.2f",
	    log(f.s.theory.schedule[f.s.L - 1]));
	if (strstr(row, want) == NULL)
		fail_msg("legend \"%s\" lacks \"%s\"", row, want);
	canvas_free(&f.c);
	frame_draw(&f, 100, 20, false);
	assert_int_equal(margin_count(&f, "Th"), 1);
	frame_row(&f, 1, row, sizeof row);
	strcat(row, frame_row(&f, 2, legend, sizeof legend));
	assert_non_null(strstr(row, "best a*S^-1"));
	canvas_free(&f.c);
	f.s.theory.layers = 0;
	frame_draw(&f, 100, 20, true);
	assert_int_equal(margin_count(&f, "Th"), 0);
	canvas_free(&f.c);
	frame_close(&f);
}

/* The readout: the cursor's step and every visible run's values at the
 * last point at or before it (raw, or smoothed as drawn). */
static void
test_cursor_readout(void **state)
{
	struct frame f;
	char want[64], row[1024];
	int i, k, found;
	double sm[4096];

	(void)state;
	frame_open(&f);
	f.v.cursor_on = true;
	f.v.cursor = 300.5;
	frame_draw(&f, 120, 20, true);
	frame_row(&f, 18, row, sizeof row);	/* above the bottom edge */
	assert_non_null(strstr(row, "step 300"));
	for (i = 0; i < f.s.nruns; i++) {
		const struct snapshot_curve *cv = &f.s.runs[i].hist;

		/* steps 1, 2, ...: the point at 300; tests every 20 steps,
		 * the last at or before 300.5 is step 281 */
		for (k = 0; cv->step[k + 1] <= 300.5; k++)
			;
		snprintf(want, sizeof want, "%s %.2f/%.2f",
		    f.s.runs[i].label, log(cv->train[k]), log(cv->test[280]));
		assert_non_null(strstr(row, want));
	}
	canvas_free(&f.c);
	/* smoothed: the EMA's value there */
	f.v.smooth = 2;
	frame_draw(&f, 120, 20, true);
	frame_row(&f, 18, row, sizeof row);
	for (i = found = 0; i < f.s.nruns; i++) {
		const struct snapshot_curve *cv = &f.s.runs[i].hist;

		for (k = 0; k < cv->n; k++)
			sm[k] = log(cv->train[k]);
		plot_ema(sm, cv->n, plot_view_weight(&f.v), sm);
		snprintf(want, sizeof want, "%s %.2f/", f.s.runs[i].label,
		    sm[299]);
		found += strstr(row, want) != NULL;
	}
	assert_int_equal(found, f.s.nruns);
	/* a hidden run is not read out */
	canvas_free(&f.c);
	f.s.runs[0].visible = false;
	frame_draw(&f, 120, 20, true);
	frame_row(&f, 18, row, sizeof row);
	snprintf(want, sizeof want, " %s ", f.s.runs[0].label);
	assert_null(strstr(row, want));
	canvas_free(&f.c);
	frame_close(&f);
}

/* Without colour the legend still tells every run apart: each label
 * follows its own line style's sample, and train and test differ. */
static void
test_legend_without_colour(void **state)
{
	struct frame f;
	struct canvas c;
	char row[1024], sample[SNAPSHOT_MAX_RUNS][64], *t;
	int i, j, u, sw;

	(void)state;
	frame_open(&f);
	for (u = 0; u < 2; u++) {
		frame_draw(&f, 80, 16, u == 1);
		frame_row(&f, 1, row, sizeof row);
		sw = plot_sample_cells(u == 1);
		for (i = 0; i < f.s.nruns; i++) {
			struct plot_pen pen = { COL_RUN_0 + f.s.runs[i].style,
				f.s.runs[i].style, false, false };
			char want[128];

			canvas_init(&c, sw, 1, f.c.g);
			plot_sample(&c, 0, 0, sw, &pen);
			t = canvas_to_text(&c);
			t[strlen(t) - 1] = '\0';
			snprintf(sample[i], sizeof sample[i], "%s", t);
			snprintf(want, sizeof want, "%s %s", t,
			    f.s.runs[i].label);
			assert_non_null(strstr(row, want));
			for (j = 0; j < i; j++)
				assert_string_not_equal(sample[i], sample[j]);
			free(t);
			canvas_free(&c);
		}
		/* the focused run's label is bold */
		for (i = 0; i < f.c.w; i++)
			if (f.c.cells[f.c.w + i].attr & CATTR_BOLD)
				break;
		assert_true(i < f.c.w);
		canvas_free(&f.c);
	}
	frame_close(&f);
}

/* The panel drawn at 80x16 has title in its top row and each of the
 * labels (NULL-ended) in its step axis row. */
static void
axis_has(struct frame *f, const char *title, const char *const *labels)
{
	char row[1024];

	frame_draw(f, 80, 16, true);
	assert_non_null(strstr(frame_row(f, 0, row, sizeof row), title));
	frame_row(f, 14, row, sizeof row);
	for (; *labels != NULL; labels++)
		assert_non_null(strstr(row, *labels));
	canvas_free(&f->c);
}

/* The step axis follows the view: a window of the last steps, log-x
 * decades; the title says which. */
static void
test_axis_follows_view(void **state)
{
	static const char *const last[] = { " 400 ", " 600 ", NULL };
	static const char *const logx[] = { " 1 ", " 10 ", " 100 ", " 1k ",
		NULL };
	struct frame f;
	char row[1024];

	(void)state;
	frame_open(&f);
	plot_view_toggle_window(&f.v);		/* the last 250 of 640 */
	axis_has(&f, "last 250", last);
	frame_draw(&f, 80, 16, true);
	assert_null(strstr(frame_row(&f, 14, row, sizeof row), " 200 "));
	canvas_free(&f.c);
	plot_view_toggle_window(&f.v);
	plot_view_toggle_logx(&f.v);
	axis_has(&f, "log-x", logx);
	frame_close(&f);
}

/* Smoothing draws the raw curves faded (dim) beneath; none without. */
static void
test_smoothing_fades_raw(void **state)
{
	struct frame f;
	int i, dim;

	(void)state;
	frame_open(&f);
	for (int on = 0; on < 2; on++) {
		f.v.smooth = on ? 3 : 0;
		frame_draw(&f, 80, 16, true);
		for (i = dim = 0; i < f.c.w * f.c.h; i++)
			dim += (f.c.cells[i].attr & CATTR_DIM) != 0;
		if (on)
			assert_true(dim > 10);
		else
			assert_int_equal(dim, 0);
		if (on)
			assert_non_null(strstr(f.text, "EMA 0.99"));
		canvas_free(&f.c);
	}
	frame_close(&f);
}

/* The largest 1-2-5 step (down to 0.001) that every value is a multiple
 * of, or 0. */
static double
grid_of(const double *v, int n)
{
	static const double m[3] = { 5, 2, 1 };
	double st;
	int e, k, i;
	bool all;

	for (e = 3; e >= -3; e--)
		for (k = 0; k < 3; k++) {
			st = m[k] * pow(10, e);
			for (all = true, i = 0; i < n; i++)
				all &= fabs(v[i] / st - round(v[i] / st)) < 1e-6;
			if (all)
				return st;
		}
	return 0;
}

/* At every height the y labels are round: at least two, every tick
 * labelled (from 12 rows on), a free row between labels, and on a grid
 * no finer than the rows (not 1.94 / 0.03 / -1.87, whose grid is 0.01
 * over nine rows). */
static void
test_y_ticks_round(void **state)
{
	struct frame f;
	char row[1024], *end;
	double v[64], st;
	int h, y, n, last;

	(void)state;
	frame_open(&f);
	for (h = 8; h <= 40; h++) {
		frame_draw(&f, 60, h, false);
		for (n = 0, last = -9, y = 0; y < h; y++) {
			frame_row(&f, y, row, sizeof row);
			if (row[6] != '+' || (row[1] == '-' && row[2] == '-'))
				continue;	/* no tick: ASCII's tee is + */
			v[n] = strtod(row + 1, &end);
			/* from 12 rows on, two labelled ticks a row apart
			 * always fit: every tick is labelled */
			assert_true(end != row + 1 || h < 12);
			if (end == row + 1)
				continue;
			assert_true(y - last >= 2);
			last = y;
			n++;
		}
		assert_true(n >= 2);
		st = grid_of(v, n);
		assert_true(st > 0);
		assert_true((v[0] - v[n - 1]) / st <= h);
		canvas_free(&f.c);
	}
	frame_close(&f);
}

/* The dashboard's own keys change the plot view as their help says; the
 * other screens do not take them. */
static void
test_dashboard_keys(void **state)
{
	struct frame f;
	struct keys_ui ui;
	double span;

	(void)state;
	frame_open(&f);
	memset(&ui, 0, sizeof ui);
	ui.plot = &f.v;
	assert_int_equal(keys_dispatch(&ui, 'X'), KEYS_REDRAW);
	assert_true(f.v.logx);
	keys_dispatch(&ui, 'w');
	span = f.v.span;
	assert_true(span > 0);
	keys_dispatch(&ui, '+');
	assert_true(f.v.span == span / 2);
	keys_dispatch(&ui, '=');
	assert_true(f.v.span == span / 4);
	keys_dispatch(&ui, '-');
	assert_true(f.v.span == span / 2);
	keys_dispatch(&ui, 'z');
	keys_dispatch(&ui, 'z');
	assert_true(plot_view_weight(&f.v) == 0.9);
	keys_dispatch(&ui, 'Z');
	assert_true(plot_view_weight(&f.v) == 0.6);
	keys_dispatch(&ui, 'o');
	assert_true(f.v.cursor_on && f.v.cursor == 640);
	keys_dispatch(&ui, KEYS_LEFT);
	assert_true(f.v.cursor < 640);
	keys_dispatch(&ui, KEYS_RIGHT);
	assert_true(f.v.cursor == 640);
	keys_dispatch(&ui, 'o');
	assert_false(f.v.cursor_on);
	ui.screen = 1;
	assert_int_equal(keys_dispatch(&ui, 'X'), 0);
	assert_true(f.v.logx);
	frame_close(&f);
}

/* The per-layer panel's footnote names the step the focused run was
 * tested at whole, shortened where narrow: never a cut number ("tested at
 * step 1000" cut to "step 100"). */
static void
test_layers_footnote_whole(void **state)
{
	static const struct { int w; const char *want; } cases[] = {
		{ 40, "focused run tested at step 12345" },
		{ 30, "tested at step 12345" },
		{ 14, "step 12345" },
	};
	struct snapshot_run *fr;
	struct frame f;
	struct panel_ctx ctx = { .s = &f.s, .theme = "dark", .nscreens = 5 };
	char row[256];
	int k;

	(void)state;
	frame_open(&f);
	fr = &f.s.runs[f.s.focus];
	fr->test_step = 12345;
	for (k = 0; k < 3; k++) {
		canvas_init(&f.c, cases[k].w, 8, &canvas_glyphs_ascii);
		/* 6 rows inside: the table alone, its footnote in row 5 */
		panel_layers.draw(&ctx, &f.c, (struct rect){ 0, 0, cases[k].w,
		    8 });
		free(f.text);
		f.text = canvas_to_text(&f.c);
		frame_row(&f, 5, row, sizeof row);
		if (strstr(row, cases[k].want) == NULL ||
		    strstr(row, "12345") == NULL)
			fail_msg("%d wide: footnote row \"%s\", want \"%s\"",
			    cases[k].w, row, cases[k].want);
		canvas_free(&f.c);
	}
	memset(&f.c, 0, sizeof f.c);
	frame_close(&f);
}

/* The per-layer table marks each row's smallest number, and only it,
 * bold and underlined (the runs' numbers are bold in the model's colour
 * anyway, so bold alone would single nothing out without colour). */
static void
test_layers_best_marked(void **state)
{
	struct frame f;
	struct panel_ctx ctx = { .s = &f.s, .theme = "dark", .nscreens = 5 };
	int y, x, marked, best_marked;
	double v, best, mv;

	(void)state;
	frame_open(&f);
	canvas_init(&f.c, 50, 8, &canvas_glyphs_ascii);
	/* the table alone: its header in row 1, l = 1..3 in rows 2..4 */
	panel_layers.draw(&ctx, &f.c, (struct rect){ 0, 0, 50, 8 });
	for (y = 2; y <= 4; y++) {
		const struct cell *row = &f.c.cells[(size_t)y * f.c.w];

		marked = best_marked = 0;
		best = mv = INFINITY;
		for (x = 5; x < f.c.w - 1; x++) {
			char num[16];
			int n = 0, u;

			if (row[x].ch == ' ' || row[x].ch == 0)
				continue;
			u = (row[x].attr & (CATTR_BOLD | CATTR_UNDERLINE)) ==
			    (CATTR_BOLD | CATTR_UNDERLINE);
			while (x < f.c.w - 1 && row[x].ch > ' ' && n < 15)
				num[n++] = (char)row[x++].ch;
			num[n] = '\0';
			v = strtod(num, NULL);
			if (v < best)
				best = v;
			if (u) {
				marked++;
				mv = v;
			}
		}
		best_marked = mv == best;
		if (marked != 1 || !best_marked)
			fail_msg("row %d: %d numbers marked, the smallest %s",
			    y, marked, best_marked ? "among them" : "not");
	}
	frame_close(&f);
}

/* The layers table's schedule column ("aS^-1", the theory line): its
 * values are the smallest of every row here, yet never marked the best,
 * which stays a run's or a method's. */
static void
test_layers_theory_not_best(void **state)
{
	struct frame f;
	struct panel_ctx ctx = { .s = &f.s, .theme = "dark", .nscreens = 5 };
	const char *head;
	int y, x, x0;

	(void)state;
	frame_open(&f);
	canvas_init(&f.c, 100, 8, &canvas_glyphs_ascii);
	panel_layers.draw(&ctx, &f.c, (struct rect){ 0, 0, 100, 8 });
	f.text = canvas_to_text(&f.c);
	head = strstr(f.text, "aS^-1");
	assert_non_null(head);
	x0 = (int)(head - f.text) % (f.c.w + 1);
	for (y = 2; y <= 4; y++) {
		const struct cell *row = &f.c.cells[(size_t)y * f.c.w];
		int marked = 0;

		/* the column's cell: right-aligned under its 5-cell head */
		for (x = x0 - 2; x < x0 + 5; x++)
			if ((row[x].attr & (CATTR_BOLD | CATTR_UNDERLINE)) ==
			    (CATTR_BOLD | CATTR_UNDERLINE))
				fail_msg("row %d: the schedule marked best", y);
		for (x = 0; x < f.c.w; x++)
			marked += (row[x].attr & CATTR_UNDERLINE) != 0 &&
			    (x == 0 || !(row[x - 1].attr & CATTR_UNDERLINE));
		assert_int_equal(marked, 1);
	}
	frame_close(&f);
}

/* Run heads too long for their column (twins "lfom H1 #1", "#2", "#3"
 * all cut to "lfom H1") start with the run's mark, as in the chart and
 * the legend, so that they can be told apart without colour. */
static void
test_layers_twin_heads_apart(void **state)
{
	struct frame f;
	struct panel_ctx ctx = { .s = &f.s, .theme = "dark", .nscreens = 5 };
	char row[256], want[16];

	(void)state;
	frame_open(&f);
	for (int i = 0; i < f.s.nruns; i++)	/* ASCII draws label_ascii */
		snprintf(f.s.runs[i].label_ascii,
		    sizeof f.s.runs[i].label_ascii, "lfom H1 #%d", i + 1);
	canvas_init(&f.c, 60, 8, &canvas_glyphs_ascii);
	panel_layers.draw(&ctx, &f.c, (struct rect){ 0, 0, 60, 8 });
	free(f.text);
	f.text = canvas_to_text(&f.c);
	frame_row(&f, 1, row, sizeof row);
	for (int i = 0; i < f.s.nruns; i++) {
		snprintf(want, sizeof want, "%d-lfom", f.s.runs[i].style + 1);
		if (strstr(row, want) == NULL)
			fail_msg("header row \"%s\" lacks \"%s\"", row, want);
	}
	frame_close(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refs_never_dropped),
		cmocka_unit_test(test_theory_line_drawn),
		cmocka_unit_test(test_cursor_readout),
		cmocka_unit_test(test_legend_without_colour),
		cmocka_unit_test(test_axis_follows_view),
		cmocka_unit_test(test_smoothing_fades_raw),
		cmocka_unit_test(test_dashboard_keys),
		cmocka_unit_test(test_y_ticks_round),
		cmocka_unit_test(test_layers_footnote_whole),
		cmocka_unit_test(test_layers_best_marked),
		cmocka_unit_test(test_layers_twin_heads_apart),
		cmocka_unit_test(test_layers_theory_not_best),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
