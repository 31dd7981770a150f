/*
 * Layouts: what each screen shows at given sizes (which panels, which
 * rectangles), at every terminal size from 1×1 to 300×100 that nothing
 * overlaps, leaves the terminal or falls below its panel's minimum size,
 * that a panel that does not fit says what it needs, and whole frames: each
 * panel's frame where its rectangle is, the status line, the notice below
 * the minimum size.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "memscope/config.h"
#include "memscope/keys.h"
#include "memscope/layout.h"
#include "memscope/panel.h"
#include "memscope/screen.h"
#include "tui_fixture.h"

static bool
overlap(struct rect a, struct rect b)
{
	return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h &&
	    b.y < a.y + a.h;
}


struct placed {
	enum layout_slot slot;
	struct rect r;
};

/* What each screen shows at 80×24, 120×40 and 200×60 (the message and
 * status lines in the two bottom rows of every screen). */
static const struct {
	int w, h, screen, n;
	struct placed p[6];
} layout_want[] = {
	{ 80, 24, 0, 6, { { LAYOUT_LOSS, { 0, 0, 46, 12 } },
	    { LAYOUT_LAYERS, { 46, 0, 34, 12 } },
	    { LAYOUT_MATRICES, { 0, 12, 46, 10 } },
	    { LAYOUT_MEMORY, { 46, 12, 34, 10 } },
	    { LAYOUT_MESSAGE, { 0, 22, 80, 1 } },
	    { LAYOUT_STATUS, { 0, 23, 80, 1 } } } },
	{ 80, 24, 1, 3, { { LAYOUT_MATRICES, { 0, 0, 80, 22 } },
	    { LAYOUT_MESSAGE, { 0, 22, 80, 1 } },
	    { LAYOUT_STATUS, { 0, 23, 80, 1 } } } },
	{ 80, 24, 2, 4, { { LAYOUT_MEMORY, { 0, 0, 48, 22 } },
	    { LAYOUT_LAYERS, { 48, 0, 32, 22 } },
	    { LAYOUT_MESSAGE, { 0, 22, 80, 1 } },
	    { LAYOUT_STATUS, { 0, 23, 80, 1 } } } },
	{ 80, 24, 3, 5, { { LAYOUT_STEP, { 0, 0, 52, 10 } },
	    { LAYOUT_STEP_CHART, { 52, 0, 28, 10 } },
	    { LAYOUT_STEP_MEMORY, { 0, 10, 80, 12 } },
	    { LAYOUT_MESSAGE, { 0, 22, 80, 1 } },
	    { LAYOUT_STATUS, { 0, 23, 80, 1 } } } },
	{ 120, 40, 0, 6, { { LAYOUT_LOSS, { 0, 0, 72, 20 } },
	    { LAYOUT_LAYERS, { 72, 0, 48, 20 } },
	    { LAYOUT_MATRICES, { 0, 20, 72, 18 } },
	    { LAYOUT_MEMORY, { 72, 20, 48, 18 } },
	    { LAYOUT_MESSAGE, { 0, 38, 120, 1 } },
	    { LAYOUT_STATUS, { 0, 39, 120, 1 } } } },
	{ 120, 40, 1, 3, { { LAYOUT_MATRICES, { 0, 0, 120, 38 } },
	    { LAYOUT_MESSAGE, { 0, 38, 120, 1 } },
	    { LAYOUT_STATUS, { 0, 39, 120, 1 } } } },
	{ 120, 40, 2, 4, { { LAYOUT_MEMORY, { 0, 0, 72, 38 } },
	    { LAYOUT_LAYERS, { 72, 0, 48, 38 } },
	    { LAYOUT_MESSAGE, { 0, 38, 120, 1 } },
	    { LAYOUT_STATUS, { 0, 39, 120, 1 } } } },
	{ 120, 40, 3, 5, { { LAYOUT_STEP, { 0, 0, 78, 17 } },
	    { LAYOUT_STEP_CHART, { 78, 0, 42, 17 } },
	    { LAYOUT_STEP_MEMORY, { 0, 17, 120, 21 } },
	    { LAYOUT_MESSAGE, { 0, 38, 120, 1 } },
	    { LAYOUT_STATUS, { 0, 39, 120, 1 } } } },
	{ 200, 60, 0, 6, { { LAYOUT_LOSS, { 0, 0, 136, 31 } },
	    { LAYOUT_LAYERS, { 136, 0, 64, 31 } },
	    { LAYOUT_MATRICES, { 0, 31, 136, 27 } },
	    { LAYOUT_MEMORY, { 136, 31, 64, 27 } },
	    { LAYOUT_MESSAGE, { 0, 58, 200, 1 } },
	    { LAYOUT_STATUS, { 0, 59, 200, 1 } } } },
	{ 200, 60, 1, 3, { { LAYOUT_MATRICES, { 0, 0, 200, 58 } },
	    { LAYOUT_MESSAGE, { 0, 58, 200, 1 } },
	    { LAYOUT_STATUS, { 0, 59, 200, 1 } } } },
	{ 200, 60, 2, 4, { { LAYOUT_MEMORY, { 0, 0, 120, 58 } },
	    { LAYOUT_LAYERS, { 120, 0, 80, 58 } },
	    { LAYOUT_MESSAGE, { 0, 58, 200, 1 } },
	    { LAYOUT_STATUS, { 0, 59, 200, 1 } } } },
	{ 200, 60, 3, 5, { { LAYOUT_STEP, { 0, 0, 130, 26 } },
	    { LAYOUT_STEP_CHART, { 130, 0, 70, 26 } },
	    { LAYOUT_STEP_MEMORY, { 0, 26, 200, 32 } },
	    { LAYOUT_MESSAGE, { 0, 58, 200, 1 } },
	    { LAYOUT_STATUS, { 0, 59, 200, 1 } } } },
};

static void
test_what_each_size_shows(void **state)
{
	struct layout lo;
	int t, i, sc;
	const int tiny[][2] = { { 79, 24 }, { 80, 23 }, { 40, 12 }, { 1, 1 } };

	(void)state;
	for (t = 0; t < (int)(sizeof layout_want / sizeof layout_want[0]);
	    t++) {
		layout_compute(&lo, layout_want[t].w, layout_want[t].h,
		    layout_want[t].screen);
		assert_false(lo.too_small);
		assert_int_equal(lo.n, layout_want[t].n);
		for (i = 0; i < lo.n; i++) {
			const struct placed *p = &layout_want[t].p[i];

			assert_int_equal(lo.item[i].slot, p->slot);
			assert_int_equal(lo.item[i].r.x, p->r.x);
			assert_int_equal(lo.item[i].r.y, p->r.y);
			assert_int_equal(lo.item[i].r.w, p->r.w);
			assert_int_equal(lo.item[i].r.h, p->r.h);
			assert_true(lo.item[i].fits);
		}
	}
	/* below 80×24: nothing is placed */
	for (t = 0; t < 4; t++)
		for (sc = 0; sc < LAYOUT_SCREENS; sc++) {
			layout_compute(&lo, tiny[t][0], tiny[t][1], sc);
			assert_true(lo.too_small);
			assert_int_equal(lo.n, 0);
		}
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
					/* every panel gets its minimum */
					assert_true(lo.item[i].fits);
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

/* A panel placed below its class's minimum size is marked and drawn as one
 * line saying what it needs; at its minimum it draws itself. */
static void
test_minimum_sizes(void **state)
{
	struct ms_config cfg;
	struct snapshot s;
	struct panel_ctx ctx = { NULL, "dark", 0, LAYOUT_SCREENS, NULL, NULL };
	const struct panel_class *loss = layout_panel(LAYOUT_LOSS);
	struct layout lo = { 0 };
	struct canvas c;
	char want[64], *text;
	int slot;

	(void)state;
	for (slot = 0; slot < LAYOUT_NSLOTS; slot++) {
		const struct panel_class *pc = layout_panel(slot);

		assert_non_null(pc);
		assert_non_null(pc->name);
		assert_non_null(pc->draw);
		assert_true(pc->min_w >= 1 && pc->min_h >= 1);
		lo.n = 0;
		layout_place(&lo, slot, 3, 4, pc->min_w, pc->min_h);
		assert_true(lo.item[0].fits);
		layout_place(&lo, slot, 0, 0, pc->min_w - 1, pc->min_h);
		assert_false(lo.item[1].fits);
		layout_place(&lo, slot, 0, 0, pc->min_w, pc->min_h - 1);
		assert_false(lo.item[2].fits);
		assert_int_equal(lo.item[0].slot, slot);
		assert_int_equal(lo.item[0].r.x, 3);
		assert_int_equal(lo.item[0].r.y, 4);
	}
	assert_string_equal(loss->name, "loss");
	assert_int_equal(loss->min_w, 20);
	assert_int_equal(loss->min_h, 6);

	config_defaults(&cfg);
	snapshot_init(&s);
	fixture_snapshot(&s, &cfg);
	ctx.s = &s;
	canvas_init(&c, 60, 10, &canvas_glyphs_ascii);
	lo.n = 0;
	layout_place(&lo, LAYOUT_LOSS, 0, 0, 30, 5);
	layout_place(&lo, LAYOUT_LAYERS, 30, 0, 30, 5);
	screen_draw_panels(&ctx, &c, &lo);
	text = canvas_to_text(&c);
	snprintf(want, sizeof want, "loss needs %dx%d", loss->min_w,
	    loss->min_h);
	/* the notice, centred in the loss rectangle's middle row */
	assert_non_null(strstr(text, want));
	for (size_t i = 0; i < strlen(want); i++)
		assert_int_equal(c.cells[2 * 60 + (30 - 15) / 2 + i].ch,
		    want[i]);
	/* the panel beside it, which fits, draws its frame */
	assert_true(c.cells[30].ch == c.g->tl);
	assert_true(c.cells[0].ch == 0 || c.cells[0].ch == ' ');
	free(text);
	canvas_free(&c);
	snapshot_free(&s);
}

/* The glyph at (x, y) of c. */
static uint32_t
at(const struct canvas *c, int x, int y)
{
	return c->cells[(size_t)y * c->w + x].ch;
}

/* Whether the canvas's row y holds s (ASCII) from column x. */
static bool
row_has(const struct canvas *c, int x, int y, const char *s)
{
	for (; *s != '\0'; s++, x++)
		if (x >= c->w || at(c, x, y) != (unsigned char)*s)
			return false;
	return true;
}

/* Whether the canvas's row y holds s (ASCII) anywhere. */
static bool
row_find(const struct canvas *c, int y, const char *s)
{
	for (int x = 0; x < c->w; x++)
		if (row_has(c, x, y, s))
			return true;
	return false;
}

/* Draw whole frames of every screen at every size (help open on some),
 * in UTF-8 colour and ASCII mono, the step-through screen at every ℓ:
 * nothing may write outside the canvas (the canvas clips; ASan builds
 * check the rest) or crash. Each frame shows what its layout placed: the
 * frame of every panel on its rectangle's corners, the screen's number in
 * the status line where it is wide enough, the help box when open; below
 * the minimum size the notice and nothing else. */
static void
test_frames_every_size(void **state)
{
	struct ms_config cfg;
	struct snapshot s;
	struct step_view view;
	struct screen_state st = { 0, false, "dark", NULL, &view };
	struct layout lo;
	struct canvas c;
	char buf[32];
	int w, h, k, i, help_h = keys_help_lines(NULL, 0) + 4;

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
			screen_draw(&c, &s, &st, &lo);
			if (lo.too_small) {
				assert_int_equal(lo.n, 0);
				if (w >= 20)
					assert_true(row_find(&c, h < 2 ? 0 :
					    h / 2 - 1, "memscope needs 80x24"));
				continue;
			}
			if (st.screen == LAYOUT_SCREEN_STEP)
				assert_true(step_view_ready(&view));
			if (st.help) {
				assert_true(row_find(&c, (h - help_h) / 2,
				    " keys "));
				continue;
			}
			for (i = 0; i < lo.n; i++) {
				struct rect r = lo.item[i].r;

				if (lo.item[i].slot == LAYOUT_MESSAGE ||
				    lo.item[i].slot == LAYOUT_STATUS)
					continue;
				assert_true(at(&c, r.x, r.y) == c.g->tl);
				assert_true(at(&c, r.x + r.w - 1, r.y) ==
				    c.g->tr);
				assert_true(at(&c, r.x, r.y + r.h - 1) ==
				    c.g->bl);
				assert_true(at(&c, r.x + r.w - 1,
				    r.y + r.h - 1) == c.g->br);
			}
			snprintf(buf, sizeof buf, "[%d/%d]", st.screen + 1,
			    LAYOUT_SCREENS);
			if (w >= 140)
				assert_true(row_find(&c, h - 1, buf));
		}
	}
	canvas_free(&c);
	snapshot_free(&s);
	step_view_free(&view);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_what_each_size_shows),
		cmocka_unit_test(test_every_size),
		cmocka_unit_test(test_minimum_sizes),
		cmocka_unit_test(test_cover),
		cmocka_unit_test(test_frames_every_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
