/*
 * The teaching screen's panels (panel_teach.c, panel_path.c, panel_lfom.c)
 * drawn from a trace filled by hand (d = 2, TL = 2), so each number on the
 * screen is known: the path's level sets centred on w*, the eigenvalue
 * ticks at their columns, the clip note when a polynomial leaves ±1.2, the
 * LFOM weights of layer ℓ, each panel's note on its last row; and the
 * teaching screen's keys (the step view's, and g for the glossary).
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
#include "memscope/layout.h"
#include "memscope/panel.h"
#include "memscope/plot.h"
#include "memscope/screen.h"
#include "memscope/xmalloc.h"

#define TD 2
#define TL 2
#define TP TRACE_POLY_POINTS

static const double lam[TD] = { 2.0, 0.5 };	/* eig, largest first */

/* The notes: "note N at l" for panel N. */
static void
fill_notes(char *notes)
{
	for (int l = 0; l <= TL; l++)
		for (int k = 0; k < TRACE_NOTES; k++)
			snprintf(notes + ((size_t)l * TRACE_NOTES + k) *
			    TRACE_NOTE_LEN, TRACE_NOTE_LEN, "note %d at %d", k,
			    l);
}

/* s with a hand-made trace: w* = (1, 2) in the eigenbasis, every method
 * dividing its error by shrink[m] each step (CG: exact at l = 2), GD's
 * polynomial
 * (1 − λ/2)^l, the model's weights coef[l][j] = 0.1 (l + 1) + 0.01 j. */
static void
make_snapshot(struct snapshot *s, enum ms_memory mem, bool clip)
{
	static const double shrink[TRACE_METHODS] = { 2, 2.5, 1.5, 8 };
	struct trace *tr = &s->trace.tr;
	int m, l, k, i;

	snapshot_init(s);
	s->state = ENGINE_PAUSED;
	s->trace.have_src = s->trace.ready = true;
	s->trace.cfg.layers = TL;
	s->trace.cfg.test_batch = 4;
	tr->d = TD;
	tr->n = 10;
	tr->L = TL;
	tr->memory = mem;
	tr->eig = xcalloc(TD, sizeof *tr->eig);
	memcpy(tr->eig, lam, sizeof lam);
	tr->gd_step = xcalloc(TL + 1, sizeof *tr->gd_step);
	for (l = 1; l <= TL; l++)
		tr->gd_step[l] = 0.05;
	tr->basis = xcalloc(TD * TD, sizeof *tr->basis);
	tr->basis[0] = tr->basis[3] = 1;
	tr->dir_err = xcalloc(TRACE_METHODS * (TL + 1) * TD,
	    sizeof *tr->dir_err);
	for (m = 0; m < TRACE_METHODS; m++)
		for (l = 0; l <= TL; l++)
			for (k = 0; k < TD; k++)
				tr->dir_err[(m * (TL + 1) + l) * TD + k] =
				    (m == TRACE_CG && l == TL ? 0 : -(k + 1.0)) /
				    pow(shrink[m], l);
	tr->poly_hi = 1.1 * lam[0];
	tr->poly = xcalloc(TRACE_POLYS * (TL + 1) * TP, sizeof *tr->poly);
	tr->poly_eig = xcalloc(TRACE_POLYS * (TL + 1) * TD,
	    sizeof *tr->poly_eig);
	for (m = 0; m < TRACE_POLYS; m++) {
		tr->has_poly[m] = m != TRACE_MODEL;
		for (l = 0; l <= TL; l++) {
			for (i = 0; i < TP; i++) {
				double x = tr->poly_hi * i / (TP - 1);

				tr->poly[(m * (TL + 1) + l) * TP + i] =
				    tr->has_poly[m] ? pow(1 - x / 2, l) : NAN;
			}
			for (k = 0; k < TD; k++)
				tr->poly_eig[(m * (TL + 1) + l) * TD + k] =
				    pow(0.5, l);
		}
	}
	if (clip)	/* GD's polynomial leaves ±1.2 at λ = 0 */
		tr->poly[(TRACE_GD * (TL + 1) + 1) * TP] = 1.5;
	tr->coef = xcalloc(TL * TL, sizeof *tr->coef);
	tr->cg_weight = xcalloc(TL * TL, sizeof *tr->cg_weight);
	for (l = 0; l < TL; l++)
		for (k = 0; k <= l; k++) {
			tr->coef[l * TL + k] = 0.1 * (l + 1) + 0.01 * k;
			tr->cg_weight[l * TL + k] = 3 + l + 0.5 * k;
		}
	tr->step_scalar = xcalloc(TL, sizeof *tr->step_scalar);
	for (l = 0; l < TL; l++)
		tr->step_scalar[l] = NAN;
	tr->notes = xcalloc((TL + 1) * TRACE_NOTES, TRACE_NOTE_LEN);
	tr->notes_ascii = xcalloc((TL + 1) * TRACE_NOTES, TRACE_NOTE_LEN);
	fill_notes(tr->notes);
	fill_notes(tr->notes_ascii);
}

static void
free_snapshot(struct snapshot *s)
{
	struct trace *tr = &s->trace.tr;

	free(tr->step_scalar);
	free(tr->notes);
	free(tr->notes_ascii);
	tr->step_scalar = NULL;
	tr->notes = tr->notes_ascii = NULL;
	snapshot_free(s);
}

/* Panel pc drawn at layer l on a w × h canvas. */
static void
draw(struct canvas *c, const struct panel_class *pc, struct snapshot *s,
    int l, int w, int h)
{
	static struct step_view v;
	struct panel_ctx ctx = { .s = s, .theme = "dark",
	    .screen = LAYOUT_SCREEN_TEACH, .nscreens = LAYOUT_SCREENS,
	    .step = &v };

	step_view_init(&v);
	step_view_sync(&v, s);
	v.layer = l;
	canvas_init(c, w, h, &canvas_glyphs_utf8);
	pc->draw(&ctx, c, (struct rect){ 0, 0, w, h });
}

static uint32_t
at(const struct canvas *c, int x, int y)
{
	return c->cells[y * c->w + x].ch;
}

/* Row y of c as UTF-8. */
static void
row_text(const struct canvas *c, int y, char *out, size_t len)
{
	size_t n = 0;

	for (int x = 0; x < c->w && n + 5 < len; x++) {
		uint32_t ch = at(c, x, y);

		n += canvas_utf8_encode(ch ? ch : ' ', out + n);
	}
	out[n] = '\0';
}

/* The row holding text s, or -1. */
static int
find_row(const struct canvas *c, const char *s)
{
	char buf[4096];

	for (int y = 0; y < c->h; y++) {
		row_text(c, y, buf, sizeof buf);
		if (strstr(buf, s) != NULL)
			return y;
	}
	return -1;
}

static bool
is_dots(uint32_t ch)
{
	return ch >= 0x2801 && ch <= 0x28ff;
}

/* The level sets are centred on w*: in the row of the '*', the outermost
 * ellipse's dots lie as far left of it as right. */
static void
test_path_levels_centred_on_wstar(void **state)
{
	struct snapshot s;
	struct canvas c;
	int x, y, sx = -1, sy = -1, left = -1, right = -1;

	(void)state;
	make_snapshot(&s, MS_MEMORY_NONE, false);
	draw(&c, &panel_teach_path, &s, 1, 60, 24);
	for (y = 1; y < c.h - 1 && sx < 0; y++)
		for (x = 1; x < c.w - 1; x++)
			if (at(&c, x, y) == '*' && y > 1) {
				sx = x;
				sy = y;
				break;
			}
	assert_true(sx > 0);
	/* every ellipse's dot in that row away from w* (where the paths
	 * end) has its mirror image across w* */
	for (x = 1; x < c.w - 1; x++) {
		if (!is_dots(at(&c, x, sy)) || abs(x - sx) < 3)
			continue;
		if (left < 0)
			left = x;
		right = x;
		assert_true(is_dots(at(&c, 2 * sx - x, sy)) ||
		    is_dots(at(&c, 2 * sx - x - 1, sy)) ||
		    is_dots(at(&c, 2 * sx - x + 1, sy)));
	}
	assert_true(left >= 0 && left < sx && right > sx);
	/* d = 2: exact, said */
	assert_true(find_row(&c, "exact: d = 2") > 0);
	canvas_free(&c);
	free_snapshot(&s);
}

/* With no path to draw the picture is the level sets alone: in every row
 * as many cells of dots lie left of w* as right of it (give or take one),
 * so the ellipses are centred on w* and none is cut on one side only. */
static void
test_path_levels_symmetric(void **state)
{
	struct snapshot s;
	struct canvas c;
	int x, y, sx = -1, sy = -1, rows = 0;
	size_t n = TRACE_METHODS * (TL + 1) * TD;

	(void)state;
	make_snapshot(&s, MS_MEMORY_NONE, false);
	for (size_t i = 0; i < n; i++)
		s.trace.tr.dir_err[i] = NAN;
	draw(&c, &panel_teach_path, &s, 1, 60, 24);
	for (y = 2; y < c.h - 1 && sx < 0; y++)
		for (x = 1; x < c.w - 1; x++)
			if (at(&c, x, y) == '*') {
				sx = x;
				sy = y;
				break;
			}
	assert_true(sx > 0 && sy > 0);
	for (y = 2; y < c.h - 4; y++) {
		int left = 0, right = 0;

		for (x = 1; x < c.w - 1; x++)
			if (is_dots(at(&c, x, y)))
				x < sx ? left++ : x > sx ? right++ : 0;
		if (left + right > 0)
			rows++;
		if (abs(left - right) > 1)
			fail_msg("row %d: %d cells of dots left of w*, %d right",
			    y, left, right);
	}
	assert_true(rows >= 5);
	canvas_free(&c);
	free_snapshot(&s);
}

/* The eigenvalue ticks of the λ axis are at the eigenvalues' columns. */
static void
test_poly_ticks_at_eigenvalues(void **state)
{
	struct snapshot s;
	struct canvas c;
	struct plot p;
	int y, k, x, ticks = 0;

	(void)state;
	make_snapshot(&s, MS_MEMORY_NONE, false);
	draw(&c, &panel_teach_poly, &s, 1, 60, 20);
	y = find_row(&c, "2.20");	/* the λ axis: 0 .. 1.1 λ_max */
	assert_true(y > 0);
	/* the plot: the inside less 6 columns of y labels and one right */
	plot_init(&p, &c, (struct rect){ 1 + 6, 2, 60 - 2 - 7, 1 }, 0,
	    s.trace.tr.poly_hi, 0, 1);
	for (k = 0; k < TD; k++)
		assert_int_equal(at(&c, plot_col(&p, lam[k]), y), 0x2575);
	for (x = 0; x < c.w; x++)
		ticks += at(&c, x, y) == 0x2575;
	assert_int_equal(ticks, TD);
	plot_free(&p);
	canvas_free(&c);
	free_snapshot(&s);
}

/* The clip note is there when a polynomial leaves ±1.2, and only then. */
static void
test_poly_clip_note(void **state)
{
	struct snapshot s;
	struct canvas c;

	(void)state;
	make_snapshot(&s, MS_MEMORY_NONE, false);
	draw(&c, &panel_teach_poly, &s, 1, 60, 20);
	assert_int_equal(find_row(&c, "clipped"), -1);
	/* the model has no polynomial here: its factors, said */
	assert_true(find_row(&c, "not a polynomial") > 0);
	canvas_free(&c);
	free_snapshot(&s);
	make_snapshot(&s, MS_MEMORY_NONE, true);
	draw(&c, &panel_teach_poly, &s, 1, 60, 20);
	assert_true(find_row(&c, "clipped to ±1.2") > 0);
	canvas_free(&c);
	free_snapshot(&s);
}

/* Every polynomial's curve carries its method's letter once, even where
 * the curves coincide (here they all do), and the model without one none. */
static void
test_poly_letters(void **state)
{
	static const char letters[] = "CGNH";
	struct snapshot s;
	struct canvas c;

	(void)state;
	make_snapshot(&s, MS_MEMORY_NONE, false);
	draw(&c, &panel_teach_poly, &s, 1, 60, 20);
	for (const char *k = letters; *k != '\0'; k++) {
		int n = 0;

		for (int y = 3; y < c.h - 4; y++)
			for (int x = 1; x < c.w - 1; x++)
				n += at(&c, x, y) == (uint32_t)*k;
		if (n != 1)
			fail_msg("letter %c %d times on the plot", *k, n);
	}
	for (int y = 3; y < c.h - 4; y++)
		for (int x = 1; x < c.w - 1; x++)
			assert_true(at(&c, x, y) != 'M');
	canvas_free(&c);
	free_snapshot(&s);
}

/* Each panel's note, for its own panel and layer, on its last inside
 * row. */
static void
test_notes_drawn(void **state)
{
	static const struct {
		const struct panel_class *pc;
		enum trace_note k;
	} panels[] = {
		{ &panel_teach_dirs, TRACE_NOTE_DIRS },
		{ &panel_teach_poly, TRACE_NOTE_POLY },
		{ &panel_teach_path, TRACE_NOTE_PATH },
		{ &panel_teach_method, TRACE_NOTE_METHOD },
		{ &panel_step_chart, TRACE_NOTE_ERROR },
		{ &panel_step_memory, TRACE_NOTE_MEMORY },
	};
	struct snapshot s;
	struct canvas c;
	char want[64];

	(void)state;
	make_snapshot(&s, MS_MEMORY_NONE, false);
	/* the step panels read the model's columns too */
	for (int m = 0; m < TRACE_METHODS; m++) {
		s.trace.tr.col[m].err = xcalloc(TL + 1, sizeof(double));
		s.trace.tr.col[m].pred = xcalloc(TL + 1, sizeof(double));
		for (int l = 0; l <= TL; l++)
			s.trace.tr.col[m].err[l] = 1.0 / (l + 1);
	}
	s.trace.tr.label = xcalloc((TL + 1) * 11, sizeof(double));
	s.trace.tr.reg = xcalloc(TL * 11, sizeof(double));
	s.trace.tr.contrib = xcalloc(TL * TL, sizeof(double));
	for (size_t i = 0; i < sizeof panels / sizeof panels[0]; i++) {
		draw(&c, panels[i].pc, &s, 1, 60, 20);
		snprintf(want, sizeof want, "note %d at 1", (int)panels[i].k);
		assert_int_equal(find_row(&c, want), c.h - 2);
		canvas_free(&c);
	}
	free_snapshot(&s);
}

/* The method panel writes layer ℓ's weights: the model's and CG's. */
static void
test_method_weights(void **state)
{
	struct snapshot s;
	struct canvas c;
	int y;

	(void)state;
	make_snapshot(&s, MS_MEMORY_NONE, false);
	/* narrow: layer 2's rows alone */
	draw(&c, &panel_teach_method, &s, 2, 36, 12);
	y = find_row(&c, "model");
	assert_true(y > 0);
	assert_true(find_row(&c, "+0.20  +0.21") == y);
	assert_true(find_row(&c, "+4.00  +4.50") == y + 1);
	assert_true(find_row(&c, "+0.50") == y + 2);	/* GD: n·η */
	canvas_free(&c);
	/* wide: every layer's, the model's and CG's side by side */
	draw(&c, &panel_teach_method, &s, 2, 70, 14);
	y = find_row(&c, "+0.10");
	assert_true(y > 0);
	assert_int_equal(find_row(&c, "+3.00"), y);
	assert_int_equal(find_row(&c, "+0.21"), y + 1);
	canvas_free(&c);
	free_snapshot(&s);
}

/* The error along each direction: the smaller error lower down. */
static void
test_dirs_order(void **state)
{
	struct snapshot s;
	struct canvas c;
	int yg = -1, yn = -1;

	(void)state;
	make_snapshot(&s, MS_MEMORY_NONE, false);
	draw(&c, &panel_teach_dirs, &s, 1, 60, 20);
	/* GD shrinks its error less than Nesterov (1.5 against 8 a step):
	 * higher */
	for (int y = 2; y < c.h - 3; y++)
		for (int x = 1; x < c.w - 1; x++) {
			if (at(&c, x, y) == 'G' && yg < 0)
				yg = y;
			if (at(&c, x, y) == 'N' && yn < 0)
				yn = y;
		}
	assert_true(yg > 0 && yn > 0);
	assert_true(yg < yn);
	canvas_free(&c);
	free_snapshot(&s);
}

static void
sent(void *arg, enum engine_cmd cmd, int val)
{
	(void)arg;
	(void)cmd;
	(void)val;
}

/* The teaching screen takes the step view's keys; g opens and closes the
 * glossary, Esc closes it, ? swaps it for the help. */
static void
test_teach_keys(void **state)
{
	struct snapshot s;
	struct step_view v;
	struct plot_view pv;
	struct keys_ui ui = { LAYOUT_SCREEN_TEACH, false, sent, NULL, &v, &pv,
	    false };

	(void)state;
	make_snapshot(&s, MS_MEMORY_NONE, false);
	step_view_init(&v);
	step_view_sync(&v, &s);
	plot_view_init(&pv);
	assert_int_equal(keys_dispatch(&ui, KEYS_RIGHT), KEYS_REDRAW);
	assert_int_equal(v.layer, 1);
	assert_int_equal(keys_dispatch(&ui, KEYS_DOWN), KEYS_REDRAW);
	assert_int_equal(v.task, 1);
	assert_int_equal(keys_dispatch(&ui, 'g'), KEYS_REDRAW);
	assert_true(ui.glossary);
	keys_dispatch(&ui, '?');
	assert_true(ui.help);
	assert_false(ui.glossary);
	keys_dispatch(&ui, 'g');
	assert_false(ui.help);
	keys_dispatch(&ui, KEYS_ESC);
	assert_false(ui.glossary);
	ui.screen = 0;
	keys_dispatch(&ui, '5');
	assert_int_equal(ui.screen, LAYOUT_SCREEN_TEACH);
	free_snapshot(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_levels_centred_on_wstar),
		cmocka_unit_test(test_path_levels_symmetric),
		cmocka_unit_test(test_poly_ticks_at_eigenvalues),
		cmocka_unit_test(test_poly_clip_note),
		cmocka_unit_test(test_poly_letters),
		cmocka_unit_test(test_notes_drawn),
		cmocka_unit_test(test_method_weights),
		cmocka_unit_test(test_dirs_order),
		cmocka_unit_test(test_teach_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
