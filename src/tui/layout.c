/*
 * Layouts. Every screen keeps the two bottom rows for the message and status
 * lines; the screen's module (screen.h) splits the rest. Below the minimum
 * size only "too small" is reported and nothing is laid out. A panel placed
 * below its class's minimum size is kept in the layout but marked as not
 * fitting, and the screen draws a one-line notice in its place.
 */
#include <stddef.h>

#include "memscope/layout.h"
#include "memscope/panel.h"
#include "memscope/screen.h"

static const struct panel_class *layout_panels[LAYOUT_NSLOTS] = {
	[LAYOUT_LOSS] = &panel_loss,
	[LAYOUT_LAYERS] = &panel_layers,
	[LAYOUT_MATRICES] = &panel_matrices,
	[LAYOUT_MEMORY] = &panel_memory,
	[LAYOUT_STEP] = &panel_step,
	[LAYOUT_STEP_CHART] = &panel_step_chart,
	[LAYOUT_STEP_MEMORY] = &panel_step_memory,
	[LAYOUT_TEACH_DIRS] = &panel_teach_dirs,
	[LAYOUT_TEACH_POLY] = &panel_teach_poly,
	[LAYOUT_TEACH_PATH] = &panel_teach_path,
	[LAYOUT_TEACH_METHOD] = &panel_teach_method,
	[LAYOUT_RUNS] = &panel_runs,
	[LAYOUT_MESSAGE] = &panel_message,
	[LAYOUT_STATUS] = &panel_status,
};

/* The panel drawn in slot. */
const struct panel_class *
layout_panel(enum layout_slot slot)
{
	return layout_panels[slot];
}

/* Add slot's panel at (x, y), w × h; marks whether it fits. */
void
layout_place(struct layout *lo, enum layout_slot slot, int x, int y, int w,
    int h)
{
	const struct panel_class *pc = layout_panels[slot];
	struct layout_item *it;

	if (lo->n >= LAYOUT_NSLOTS)
		return;
	it = &lo->item[lo->n++];
	it->slot = slot;
	it->r.x = x;
	it->r.y = y;
	it->r.w = w;
	it->r.h = h;
	it->fits = w >= pc->min_w && h >= pc->min_h;
}

/* v clamped to [lo, hi] (lo wins if hi < lo). */
static int
layout_clamp(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* Place g's panels in a w × h area. */
void
layout_grid(struct layout *lo, const struct layout_grid *g, int w, int h)
{
	int rw = layout_clamp(w * g->right_pct / 100, g->right_min,
	    g->right_max);
	int th = layout_clamp(h * g->top_pct / 100, g->top_min,
	    h - g->bottom_min);

	layout_place(lo, g->top_left, 0, 0, w - rw, th);
	layout_place(lo, g->top_right, w - rw, 0, rw, th);
	if (g->bottom_right == LAYOUT_NSLOTS) {
		layout_place(lo, g->bottom_left, 0, th, w, h - th);
		return;
	}
	layout_place(lo, g->bottom_left, 0, th, w - rw, h - th);
	layout_place(lo, g->bottom_right, w - rw, th, rw, h - th);
}

/* Lay out screen (0-based) on a w × h terminal. */
void
layout_compute(struct layout *lo, int w, int h, int screen)
{
	const struct screen_module *m;

	lo->w = w;
	lo->h = h;
	lo->screen = screen;
	lo->n = 0;
	lo->too_small = w < LAYOUT_MIN_W || h < LAYOUT_MIN_H;
	if (lo->too_small)
		return;
	m = screen_module(screen);
	if (m->grid != NULL)
		layout_grid(lo, m->grid, w, h - 2);
	else
		m->layout(lo, w, h - 2);
	layout_place(lo, LAYOUT_MESSAGE, 0, h - 2, w, 1);
	layout_place(lo, LAYOUT_STATUS, 0, h - 1, w, 1);
}
