/*
 * The screens that draw the snapshot as it is, each a module (screen.h):
 *   1 dashboard: loss plot top-left, per-layer chart top-right, parameter
 *     heatmaps bottom-left, the run list bottom-right, and memory below it
 *     from 16 bottom rows (40 terminal rows) on; the right column is 40% of
 *     the width (34 to 64 cells), the top row 55% of the height (at least
 *     11), the run list 40% of the bottom row (8 to 11 rows);
 *   2 parameters: the heatmaps alone;
 *   3 memory: memory left (60%), per-layer table right.
 * Splits are computed from the remaining size, so neighbours share edges
 * exactly and nothing overlaps. These screens have no keys of their own
 * and no state to keep.
 */
#include <stddef.h>

#include "memscope/layout.h"
#include "memscope/screen.h"
#include "memscope/snapshot.h"

/* The message line's hints on these screens. */
static const struct panel_hint screen_hints[] = {
	{ "? help", NULL }, { "q quit", NULL }, { "space pause", NULL },
	{ "a add run", NULL }, { ", . focus", NULL }, { "v show/hide", NULL },
	{ "Tab screen", NULL }, { "< > speed", NULL }, { "m memory", NULL },
	{ "[ ] heads", NULL }, { "l L layers", NULL }, { "c data", NULL },
	{ "p param", NULL }, { "x remove", NULL }, { "r restart", NULL },
	{ "n step", NULL }, { "s save", NULL }, { "e export", NULL },
	{ "t theme", NULL },
};
#define SCREEN_NHINTS ((int)(sizeof screen_hints / sizeof screen_hints[0]))

static int
screen_clamp(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* The dashboard: a left column (loss over the parameters) and a right one
 * (the per-layer chart over the run list, and the memory panel below that
 * when there are rows for both). */
static void
screen_dashboard_layout(struct layout *lo, int w, int h)
{
	int rw = screen_clamp(w * 40 / 100, 34, 64), lw = w - rw;
	int th = screen_clamp(h * 55 / 100, 11, h - 6), bh = h - th, rh;

	layout_place(lo, LAYOUT_LOSS, 0, 0, lw, th);
	layout_place(lo, LAYOUT_LAYERS, lw, 0, rw, th);
	layout_place(lo, LAYOUT_MATRICES, 0, th, lw, bh);
	rh = bh < 16 ? bh : screen_clamp(bh * 40 / 100, 8,
	    SNAPSHOT_MAX_RUNS + 3);
	layout_place(lo, LAYOUT_RUNS, lw, th, rw, rh);
	if (rh < bh)
		layout_place(lo, LAYOUT_MEMORY, lw, th + rh, rw, bh - rh);
}

static void
screen_parameters_layout(struct layout *lo, int w, int h)
{
	layout_place(lo, LAYOUT_MATRICES, 0, 0, w, h);
}

static void
screen_memory_layout(struct layout *lo, int w, int h)
{
	int lw = w * 3 / 5;

	layout_place(lo, LAYOUT_MEMORY, 0, 0, lw, h);
	layout_place(lo, LAYOUT_LAYERS, lw, 0, w - lw, h);
}

const struct screen_module screen_dashboard = {
	.hints = screen_hints,
	.nhints = SCREEN_NHINTS,
	.layout = screen_dashboard_layout,
	.draw = screen_draw_panels,
};

const struct screen_module screen_parameters = {
	.hints = screen_hints,
	.nhints = SCREEN_NHINTS,
	.layout = screen_parameters_layout,
	.draw = screen_draw_panels,
};

const struct screen_module screen_memory = {
	.hints = screen_hints,
	.nhints = SCREEN_NHINTS,
	.layout = screen_memory_layout,
	.draw = screen_draw_panels,
};
