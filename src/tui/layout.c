/*
 * Layouts. Every screen keeps the two bottom rows for the message and status
 * lines and splits the rest:
 *   1 dashboard: loss plot top-left, per-layer table top-right, parameter
 *     heatmaps bottom-left, memory bottom-right; the right column is 40% of
 *     the width (34 to 64 cells), the top row 55% of the height (at least 11);
 *   2 parameters: the heatmaps alone;
 *   3 memory: memory left (60%), per-layer table right;
 *   4 step-through: the task and the methods at ℓ top-left, the error
 *     chart top-right (35% of the width, 28 to 80 cells), the memory view
 *     below across the width; the top row 45% of the height (at least 10,
 *     leaving the memory view at least 10).
 * Splits are computed from the remaining size, so neighbours share edges
 * exactly and nothing overlaps; below the minimum size only "too small" is
 * reported and nothing is laid out.
 */
#include "memscope/layout.h"

static const char *layout_names[LAYOUT_SCREENS] = {
	"dashboard", "parameters", "memory", "step-through"
};

/* The name of a screen for the help and status lines. */
const char *
layout_screen_name(int screen)
{
	if (screen < 0 || screen >= LAYOUT_SCREENS)
		return "?";
	return layout_names[screen];
}

static void
layout_add(struct layout *lo, enum layout_slot slot, int x, int y, int w,
    int h)
{
	struct layout_item *it = &lo->item[lo->n++];

	it->slot = slot;
	it->r.x = x;
	it->r.y = y;
	it->r.w = w;
	it->r.h = h;
}

static int
layout_clamp(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* Lay out screen (0-based) on a w × h terminal. */
void
layout_compute(struct layout *lo, int w, int h, int screen)
{
	int bh, rw, th, lw;

	lo->w = w;
	lo->h = h;
	lo->screen = screen;
	lo->n = 0;
	lo->too_small = w < LAYOUT_MIN_W || h < LAYOUT_MIN_H;
	if (lo->too_small)
		return;
	bh = h - 2;
	switch (screen) {
	case 0:
	default:
		rw = layout_clamp(w * 2 / 5, 34, 64);
		th = layout_clamp(bh * 55 / 100, 11, bh - 6);
		layout_add(lo, LAYOUT_LOSS, 0, 0, w - rw, th);
		layout_add(lo, LAYOUT_LAYERS, w - rw, 0, rw, th);
		layout_add(lo, LAYOUT_MATRICES, 0, th, w - rw, bh - th);
		layout_add(lo, LAYOUT_MEMORY, w - rw, th, rw, bh - th);
		break;
	case 1:
		layout_add(lo, LAYOUT_MATRICES, 0, 0, w, bh);
		break;
	case 2:
		lw = w * 3 / 5;
		layout_add(lo, LAYOUT_MEMORY, 0, 0, lw, bh);
		layout_add(lo, LAYOUT_LAYERS, lw, 0, w - lw, bh);
		break;
	case LAYOUT_SCREEN_STEP:
		rw = layout_clamp(w * 7 / 20, 28, 80);
		th = layout_clamp(bh * 45 / 100, 10, bh - 10);
		layout_add(lo, LAYOUT_STEP, 0, 0, w - rw, th);
		layout_add(lo, LAYOUT_STEP_CHART, w - rw, 0, rw, th);
		layout_add(lo, LAYOUT_STEP_MEMORY, 0, th, w, bh - th);
		break;
	}
	layout_add(lo, LAYOUT_MESSAGE, 0, h - 2, w, 1);
	layout_add(lo, LAYOUT_STATUS, 0, h - 1, w, 1);
}
