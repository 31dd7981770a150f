/*
 * The run list: a row per run with its number, label, shown or not, state,
 * step and final ln MSE; the focused run marked and bold, a hidden run dim
 * without its colour sample, a saved history marked "ref"; with too few
 * rows, scrolled to the focused run, the runs left out counted below.
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

#include "memscope/config.h"
#include "memscope/panel.h"
#include "tui_fixture.h"

/* Row y of c as ASCII ('#' for anything else). */
static void
row_text(const struct canvas *c, int y, char *out)
{
	int x;

	for (x = 0; x < c->w; x++) {
		uint32_t ch = c->cells[y * c->w + x].ch;

		out[x] = ch == 0 ? ' ' : ch < 127 ? (char)ch : '#';
	}
	out[x] = '\0';
}

static void
test_rows(void **state)
{
	struct ms_config cfg;
	struct snapshot s;
	struct panel_ctx ctx = { .theme = "dark", .nscreens = 4 };
	struct canvas c;
	char row[128];
	int y, x;

	(void)state;
	config_defaults(&cfg);
	cfg.memory = MS_MEMORY_CGD;
	snapshot_init(&s);
	fixture_snapshot(&s, &cfg);
	s.runs[0].visible = false;
	s.runs[2].reference = true;
	ctx.s = &s;
	canvas_init(&c, 60, 6, &canvas_glyphs_ascii);
	panel_runs.draw(&ctx, &c, (struct rect){ 0, 0, 60, 6 });
	row_text(&c, 0, row);
	assert_non_null(strstr(row, "runs: 3 of 8"));
	row_text(&c, 1, row);
	assert_non_null(strstr(row, "run  show state"));
	assert_non_null(strstr(row, "ln MSE"));
	/* the hidden run: no sample, "no", dim */
	row_text(&c, 2, row);
	assert_non_null(strstr(row, "|  1   none"));
	assert_non_null(strstr(row, " no "));
	assert_int_equal(c.cells[2 * 60 + 7].fg, COL_DIM);
	/* the focused run: marker, sample in its colour, bold */
	row_text(&c, 3, row);
	assert_non_null(strstr(row, "|> 2-- cgd  yes  paused"));
	assert_non_null(strstr(row, "640/1000"));
	assert_non_null(strstr(row, "-1.00"));	/* ln final_mse */
	assert_int_equal(c.cells[3 * 60 + 4].fg, COL_RUN_0 + 1);
	for (x = 1; x < 59; x++)
		assert_true(c.cells[3 * 60 + x].attr & CATTR_BOLD);
	/* the others not bold; the reference marked */
	row_text(&c, 4, row);
	assert_non_null(strstr(row, "3-- lfom"));
	assert_non_null(strstr(row, "saved"));
	assert_non_null(strstr(row, "ref"));
	for (y = 2; y <= 4; y += 2)
		for (x = 1; x < 59; x++)
			assert_false(c.cells[y * 60 + x].attr & CATTR_BOLD);
	canvas_free(&c);
	snapshot_free(&s);
}

/* Too few rows: the list scrolls to the focused run, every row shown
 * keeps its numbers, and the frame's bottom edge counts the runs not
 * shown (in the last row it covered that run's ln MSE). */
static void
test_too_few_rows(void **state)
{
	struct ms_config cfg;
	struct snapshot s;
	struct panel_ctx ctx = { .theme = "dark", .nscreens = 5 };
	struct canvas c;
	char row[128];

	(void)state;
	config_defaults(&cfg);
	cfg.memory = MS_MEMORY_LFOM;	/* the last run in focus */
	snapshot_init(&s);
	fixture_snapshot(&s, &cfg);
	ctx.s = &s;
	assert_int_equal(s.focus, 2);
	for (int h = 3; h <= 4; h++) {
		canvas_init(&c, 44, h, &canvas_glyphs_ascii);
		panel_runs.draw(&ctx, &c, (struct rect){ 0, 0, 44, h });
		row_text(&c, h - 2, row);	/* the last inside row */
		assert_non_null(strstr(row, "> 3-- lfom"));
		assert_non_null(strstr(row, "-0.40"));
		assert_null(strstr(row, "more"));
		row_text(&c, h - 1, row);	/* the bottom edge */
		assert_non_null(strstr(row, h == 3 ? " +2 more " :
		    " +1 more "));
		canvas_free(&c);
	}
	snapshot_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_too_few_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
