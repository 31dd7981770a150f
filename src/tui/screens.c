/*
 * The screens that draw the snapshot as it is, each a module (screen.h):
 *   1 dashboard: loss plot top-left, per-layer table top-right, parameter
 *     heatmaps bottom-left, memory bottom-right; the right column is 40% of
 *     the width (34 to 64 cells), the top row 55% of the height (at least 11);
 *   2 parameters: the heatmaps alone;
 *   3 memory: memory left (60%), per-layer table right.
 * Splits are computed from the remaining size, so neighbours share edges
 * exactly and nothing overlaps. These screens have no keys of their own
 * and no state to keep.
 */
#include <stddef.h>

#include "memscope/layout.h"
#include "memscope/screen.h"

/* The message line's hints on these screens. */
static const struct panel_hint screen_hints[] = {
	{ "? help", NULL }, { "q quit", NULL }, { "space pause", NULL },
	{ "c data", NULL }, { "[ ] heads", NULL }, { "l L layers", NULL },
	{ "m memory", NULL }, { "p param", NULL }, { "n step", NULL },
	{ "< > speed", NULL }, { "r restart", NULL }, { "s save", NULL },
	{ "e export", NULL }, { "t theme", NULL }, { "Tab screen", NULL },
};
#define SCREEN_NHINTS ((int)(sizeof screen_hints / sizeof screen_hints[0]))

static const struct layout_grid screen_dashboard_grid = {
	40, 34, 64,	/* right column: 40% of the width, 34 to 64 cells */
	55, 11, 6,	/* top row: 55% of the height, >= 11, leaving >= 6 */
	LAYOUT_LOSS, LAYOUT_LAYERS, LAYOUT_MATRICES, LAYOUT_MEMORY
};

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
	.grid = &screen_dashboard_grid,
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
