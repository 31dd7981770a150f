/* The canvas, colour reduction, dot plots and heatmap levels. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "memscope/canvas.h"
#include "memscope/colour.h"
#include "memscope/heatmap.h"
#include "memscope/plot.h"

static void
test_text_clips(void **state)
{
	struct canvas c;
	char *t;

	(void)state;
	canvas_init(&c, 6, 2, &canvas_glyphs_utf8);
	/* four code points asked for, two cells left: two written */
	assert_int_equal(canvas_text(&c, 4, 0, 10, COL_TEXT, "ℓαβγ"), 4);
	canvas_put(&c, 100, 100, 'x', COL_TEXT);	/* clipped, no crash */
	t = canvas_to_text(&c);
	assert_string_equal(t, "    ℓα\n      \n");
	free(t);
	canvas_free(&c);
}

static void
test_text_negative_x(void **state)
{
	struct canvas c;
	char *t;

	(void)state;
	canvas_init(&c, 6, 2, &canvas_glyphs_utf8);
	canvas_text(&c, -2, 1, 10, COL_TEXT, "abcdefghij");
	t = canvas_to_text(&c);
	assert_string_equal(t, "      \ncdefgh\n");
	free(t);
	canvas_free(&c);
}

static void
test_ascii_replaces_unicode(void **state)
{
	struct canvas c;
	char *t;

	(void)state;
	canvas_init(&c, 4, 1, &canvas_glyphs_ascii);
	canvas_text(&c, 0, 0, 4, COL_TEXT, "aκb");
	t = canvas_to_text(&c);
	assert_string_equal(t, "a?b \n");
	free(t);
	canvas_free(&c);
}

static void
test_box(void **state)
{
	struct canvas c;
	char *t;

	(void)state;
	canvas_init(&c, 8, 3, &canvas_glyphs_ascii);
	canvas_box(&c, (struct rect){ 0, 0, 8, 3 }, "ab");
	t = canvas_to_text(&c);
	assert_string_equal(t, "+ ab --+\n|      |\n+------+\n");
	free(t);
	canvas_free(&c);
}

static void
test_colour_reduce(void **state)
{
	uint32_t rgb;

	(void)state;
	/* exact cube colours and grey ramp entries map to themselves */
	assert_int_equal(colour_reduce(0xff0000, 256), 196);
	assert_int_equal(colour_reduce(0x5f87af, 256), 67);
	assert_int_equal(colour_reduce(0x808080, 256), 244);
	assert_int_equal(colour_reduce(0x000000, 256), 16);
	assert_int_equal(colour_reduce(0x010101, 256), 16);
	/* 16 and 8 colours: the nearest ANSI colour */
	assert_int_equal(colour_reduce(0xff0000, 16), 9);
	assert_int_equal(colour_reduce(0xff0000, 8), 1);
	assert_int_equal(colour_reduce(0xf0f0f0, 8), 7);
	assert_int_equal(colour_reduce(COLOUR_NONE, 256), -1);
	/* every 256-colour result is near its input */
	for (rgb = 0; rgb < 0x1000000; rgb += 0x030507) {
		int n = colour_reduce(rgb, 256);
		uint32_t back = colour_to_rgb(n);
		int dr = (int)(rgb >> 16) - (int)(back >> 16);
		int dg = (int)((rgb >> 8) & 0xff) - (int)((back >> 8) & 0xff);
		int db = (int)(rgb & 0xff) - (int)(back & 0xff);

		assert_true(n >= 16 && n <= 255);
		assert_true(abs(dr) <= 48 && abs(dg) <= 48 && abs(db) <= 48);
	}
	assert_int_equal(colour_parse("#123", &rgb), 0);
	assert_int_equal(rgb, 0x112233);
	assert_int_equal(colour_parse("brightred", &rgb), 0);
	assert_int_equal(rgb, 0xff0000);
	assert_int_equal(colour_parse("#12345g", &rgb), -1);
	assert_int_equal(colour_parse("teal", &rgb), -1);
	assert_int_equal(colour_mix(0x000000, 0xffffff, 0.5), 0x808080);
}

static void
test_plot_braille(void **state)
{
	struct canvas c;
	struct plot p;
	char *t;

	(void)state;
	canvas_init(&c, 2, 1, &canvas_glyphs_utf8);
	plot_init(&p, &c, (struct rect){ 0, 0, 2, 1 }, 0, 3, 0, 3);
	/* a diagonal from bottom-left to top-right over 4×4 dots */
	plot_line(&p, 0, 0, 3, 3, COL_TRAIN);
	plot_render(&p, &c);
	plot_free(&p);
	t = canvas_to_text(&c);
	/* left cell: dots at (0,3) and (1,2): bits 0x40, 0x20;
	 * right cell: (2,1) and (3,0): bits 0x02, 0x08 */
	assert_string_equal(t, "⡠⠊\n");
	assert_int_equal(c.cells[0].fg, COL_TRAIN);
	free(t);
	canvas_free(&c);
}

static void
test_plot_ascii_and_nan(void **state)
{
	struct canvas c;
	struct plot p;
	double x[4] = { 0, 1, 2, 3 }, y[4] = { 0, NAN, 0, 0 };
	char *t;

	(void)state;
	canvas_init(&c, 4, 1, &canvas_glyphs_ascii);
	plot_init(&p, &c, (struct rect){ 0, 0, 4, 1 }, 0, 3, 0, 1);
	plot_curve(&p, x, y, 4, COL_TEST);	/* NaN skipped, joined */
	plot_render(&p, &c);
	plot_free(&p);
	t = canvas_to_text(&c);
	assert_string_equal(t, "....\n");
	free(t);
	canvas_free(&c);
}

static void
test_heatmap_levels(void **state)
{
	(void)state;
	assert_int_equal(heatmap_level(0, 1), COL_HEAT_ZERO);
	assert_int_equal(heatmap_level(1, 1), COL_HEAT_10);
	assert_int_equal(heatmap_level(-1, 1), COL_HEAT_0);
	assert_int_equal(heatmap_level(-7, 1), COL_HEAT_0);
	assert_int_equal(heatmap_level(NAN, 1), COL_HEAT_ZERO);
	assert_int_equal(heatmap_level(0.5, 0), COL_HEAT_ZERO);
	/* symmetric around zero */
	assert_int_equal(heatmap_level(0.3, 1) - COL_HEAT_ZERO,
	    COL_HEAT_ZERO - heatmap_level(-0.3, 1));
}

static void
test_heatmap_halves(void **state)
{
	struct canvas c;
	double m[3 * 2] = { 1, -1, 0, 0, -1, 1 };
	int w, h;

	(void)state;
	canvas_init(&c, 10, 10, &canvas_glyphs_utf8);
	assert_int_equal(heatmap_fit(&c, 3, 2, 10, 10, false, &w, &h), 5);
	heatmap_draw(&c, 0, 0, m, 3, 2, 1, 1, false);
	/* cell (0,0): upper entry m[0][0] = 1, lower m[1][0] = 0 */
	assert_int_equal(c.cells[0].ch, 0x2580);
	assert_int_equal(c.cells[0].fg, COL_HEAT_10);
	assert_int_equal(c.cells[0].bg, COL_HEAT_ZERO);
	/* cell (1,1): upper m[2][1] = 1, no lower row */
	assert_int_equal(c.cells[10 + 1].fg, COL_HEAT_10);
	assert_int_equal(c.cells[10 + 1].bg, COL_DEFAULT);
	canvas_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_clips),
		cmocka_unit_test(test_text_negative_x),
		cmocka_unit_test(test_ascii_replaces_unicode),
		cmocka_unit_test(test_box),
		cmocka_unit_test(test_colour_reduce),
		cmocka_unit_test(test_plot_braille),
		cmocka_unit_test(test_plot_ascii_and_nan),
		cmocka_unit_test(test_heatmap_levels),
		cmocka_unit_test(test_heatmap_halves),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
