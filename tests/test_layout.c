/* Layouts at every terminal size from 1×1 to 300×100, and full frames. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "memscope/config.h"
#include "memscope/layout.h"
#include "memscope/screen.h"
#include "tui_fixture.h"

static bool
overlap(struct rect a, struct rect b)
{
	return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h &&
	    b.y < a.y + a.h;
}

static void
test_every_size(void **state)
{
	struct layout lo;
	int w, h, sc, i, j;

	(void)state;
	for (sc = 0; sc < LAYOUT_SCREENS; sc++) {
		for (h = 1; h <= 100; h++) {
			for (w = 1; w <= 300; w++) {
				layout_compute(&lo, w, h, sc);
				assert_int_equal(lo.too_small,
				    w < LAYOUT_MIN_W || h < LAYOUT_MIN_H);
				if (lo.too_small) {
					assert_int_equal(lo.n, 0);
					continue;
				}
				assert_true(lo.n >= 3);
				for (i = 0; i < lo.n; i++) {
					struct rect r = lo.item[i].r;

					assert_true(r.x >= 0 && r.y >= 0);
					assert_true(r.w > 0 && r.h > 0);
					assert_true(r.x + r.w <= w);
					assert_true(r.y + r.h <= h);
					for (j = 0; j < i; j++)
						assert_false(overlap(r,
						    lo.item[j].r));
				}
			}
		}
	}
}

/* Every cell of the canvas is covered by exactly one rectangle. */
static void
test_cover(void **state)
{
	struct layout lo;
	int sizes[][2] = { { 80, 24 }, { 120, 40 }, { 200, 60 }, { 300, 100 },
	    { 81, 25 }, { 97, 31 } };
	int s, sc, i, x, y, n;

	(void)state;
	for (s = 0; s < 6; s++) {
		for (sc = 0; sc < LAYOUT_SCREENS; sc++) {
			layout_compute(&lo, sizes[s][0], sizes[s][1], sc);
			for (y = 0; y < sizes[s][1]; y++)
				for (x = 0; x < sizes[s][0]; x++) {
					for (i = 0, n = 0; i < lo.n; i++) {
						struct rect r = lo.item[i].r;

						n += x >= r.x && x < r.x + r.w &&
						    y >= r.y && y < r.y + r.h;
					}
					assert_int_equal(n, 1);
				}
		}
	}
}

/* Draw whole frames of every screen at every size (help open on some),
 * in UTF-8 colour and ASCII mono, the step-through screen at every ℓ:
 * nothing may write outside the canvas (the canvas clips; ASan builds
 * check the rest) or crash. */
static void
test_frames_every_size(void **state)
{
	struct ms_config cfg;
	struct snapshot s;
	struct step_view view;
	struct screen_state st = { 0, false, "dark", NULL, &view };
	struct canvas c;
	int w, h, k;

	(void)state;
	config_defaults(&cfg);
	cfg.memory = MS_MEMORY_CGD;
	snapshot_init(&s);
	fixture_snapshot(&s, &cfg);
	step_view_init(&view);
	canvas_init(&c, 1, 1, &canvas_glyphs_utf8);
	for (h = 1; h <= 100; h++) {
		for (w = 1; w <= 300; w++) {
			k = w * 7 + h;
			canvas_resize(&c, w, h);
			c.g = k % 2 ? &canvas_glyphs_ascii : &canvas_glyphs_utf8;
			c.mono = k % 3 == 0;
			st.screen = k % LAYOUT_SCREENS;
			st.help = k % 5 == 0;
			view.layer = k % (cfg.layers + 1);
			screen_draw(&c, &s, &st, NULL);
			if (st.screen == LAYOUT_SCREEN_STEP &&
			    w >= LAYOUT_MIN_W && h >= LAYOUT_MIN_H && !st.help) {
				/* the snapshot's trace, drawn */
				char *text = canvas_to_text(&c);

				assert_non_null(strstr(text, "task 0 of 1000"));
				free(text);
			}
		}
	}
	canvas_free(&c);
	snapshot_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_size),
		cmocka_unit_test(test_cover),
		cmocka_unit_test(test_frames_every_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
