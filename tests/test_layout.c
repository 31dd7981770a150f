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


/* What each screen shows at 80×24, 120×40 and 200×60: each panel's name
 * (panel.h) and rectangle "x,y WxH" in the order placed; the message and
 * status lines take the two bottom rows of every screen. */
static const char *const layout_want[] = {
	"80x24 1: loss 0,0 46x12; layers 46,0 34x12; matrices 0,12 46x10; "
	    "runs 46,12 34x10; message 0,22 80x1; status 0,23 80x1",
	"80x24 2: matrices 0,0 80x22; message 0,22 80x1; status 0,23 80x1",
	"80x24 3: memory 0,0 48x22; layers 48,0 32x22; message 0,22 80x1; "
	    "status 0,23 80x1",
	"80x24 4: step-through 0,0 52x10; step-chart 52,0 28x10; "
	    "step-memory 0,10 80x12; message 0,22 80x1; status 0,23 80x1",
	"120x40 1: loss 0,0 72x20; layers 72,0 48x20; matrices 0,20 72x18; "
	    "runs 72,20 48x8; memory 72,28 48x10; message 0,38 120x1; "
	    "status 0,39 120x1",
	"120x40 2: matrices 0,0 120x38; message 0,38 120x1; "
	    "status 0,39 120x1",
	"120x40 3: memory 0,0 72x38; layers 72,0 48x38; message 0,38 120x1; "
	    "status 0,39 120x1",
	"120x40 4: step-through 0,0 78x17; step-chart 78,0 42x17; "
	    "step-memory 0,17 120x21; message 0,38 120x1; status 0,39 120x1",
	"200x60 1: loss 0,0 136x31; layers 136,0 64x31; "
	    "matrices 0,31 136x27; runs 136,31 64x10; memory 136,41 64x17; "
	    "message 0,58 200x1; status 0,59 200x1",
	"200x60 2: matrices 0,0 200x58; message 0,58 200x1; "
	    "status 0,59 200x1",
	"200x60 3: memory 0,0 120x58; layers 120,0 80x58; "
	    "message 0,58 200x1; status 0,59 200x1",
	"200x60 4: step-through 0,0 130x26; step-chart 130,0 70x26; "
	    "step-memory 0,26 200x32; message 0,58 200x1; status 0,59 200x1",
	/* below 80×24 nothing is placed */
	"79x24 1:", "79x24 4:", "80x23 2:", "80x23 3:", "40x12 1:", "1x1 4:",
};

/* A layout in the form of layout_want. */
static void
layout_describe(const struct layout *lo, char *buf, size_t len)
{
	size_t at;
	int i;

	at = (size_t)snprintf(buf, len, "%dx%d %d:", lo->w, lo->h,
	    lo->screen + 1);
	for (i = 0; i < lo->n && at < len; i++) {
		const struct layout_item *it = &lo->item[i];

		at += (size_t)snprintf(buf + at, len - at, "%s %s %d,%d %dx%d",
		    i ? ";" : "", layout_panel(it->slot)->name, it->r.x,
		    it->r.y, it->r.w, it->r.h);
		assert_true(it->fits);
	}
}

static void
test_what_each_size_shows(void **state)
{
	struct layout lo;
	char got[512];
	int t, w, h, sc;

	(void)state;
	for (t = 0; t < (int)(sizeof layout_want / sizeof layout_want[0]);
	    t++) {
		assert_int_equal(sscanf(layout_want[t], "%dx%d %d:", &w, &h,
		    &sc), 3);
		layout_compute(&lo, w, h, sc - 1);
		assert_int_equal(lo.too_small, w < 80 || h < 24);
		layout_describe(&lo, got, sizeof got);
		assert_string_equal(got, layout_want[t]);
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
	struct panel_ctx ctx = { .theme = "dark", .nscreens = LAYOUT_SCREENS };
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
	struct screen_state st = { 0, false, "dark", NULL, &view, false,
	    NULL, false };
	struct layout lo;
	struct canvas c;
	char buf[32];
	int w, h, k, i;

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
			if (st.help) {
				/* the box inside the terminal, titled */
				struct rect b = screen_help_box(&c,
				    st.screen, NULL, 0);

				assert_true(b.x >= 0 && b.y >= 0 &&
				    b.x + b.w <= w && b.y + b.h <= h);
				assert_true(row_find(&c, b.y, " keys "));
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
			if (st.screen == LAYOUT_SCREEN_STEP) {
				/* the snapshot's trace, drawn */
				char *text = canvas_to_text(&c);

				assert_non_null(strstr(text, "task 0 of 1000"));
				free(text);
			}
			snprintf(buf, sizeof buf, "[%d/%d]", st.screen + 1,
			    LAYOUT_SCREENS);
			if (w >= 120)
				assert_true(row_find(&c, h - 1, buf));
		}
	}
	canvas_free(&c);
	snapshot_free(&s);
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
