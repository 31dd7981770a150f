/*
 * Screen layout: which panels a screen shows and where, for any terminal
 * size. Rectangles never overlap and never leave the terminal; a panel
 * placed below its minimum size (panel.h) is marked as not fitting.
 */
#ifndef MEMSCOPE_LAYOUT_H
#define MEMSCOPE_LAYOUT_H

#include <stdbool.h>

#include "memscope/canvas.h"

#define LAYOUT_MIN_W 80
#define LAYOUT_MIN_H 24
#define LAYOUT_SCREENS 5
#define LAYOUT_SCREEN_STEP 3	/* the step-through screen (0-based) */
#define LAYOUT_SCREEN_TEACH 4	/* the teaching screen (0-based) */

enum layout_slot {
	LAYOUT_LOSS,
	LAYOUT_LAYERS,
	LAYOUT_MATRICES,
	LAYOUT_MEMORY,
	LAYOUT_STEP,		/* step-through: the task, the methods at ℓ */
	LAYOUT_STEP_CHART,	/* step-through: squared error against ℓ */
	LAYOUT_STEP_MEMORY,	/* step-through: the registers at layer ℓ */
	LAYOUT_TEACH_DIRS,	/* teach: the error along each eigen-direction */
	LAYOUT_TEACH_POLY,	/* teach: the residual polynomials */
	LAYOUT_TEACH_PATH,	/* teach: the path in the plane of v_max, v_min */
	LAYOUT_TEACH_METHOD,	/* teach: the learned method as a method */
	LAYOUT_RUNS,		/* the run list */
	LAYOUT_MESSAGE,
	LAYOUT_STATUS,
	LAYOUT_NSLOTS
};

struct layout_item {
	enum layout_slot slot;
	struct rect r;
	bool fits;		/* r is at least the panel's minimum size */
};

struct layout {
	int w, h, screen;
	bool too_small;		/* below LAYOUT_MIN_W × LAYOUT_MIN_H: no panels */
	int n;
	struct layout_item item[LAYOUT_NSLOTS];
};

struct panel_class;

/* Lay out screen (0-based) on a w × h terminal: the screen module's
 * panels, then the message and status lines in the two bottom rows. */
void layout_compute(struct layout *lo, int w, int h, int screen);
/* Add slot's panel at (x, y), w × h (for the screens' layouts); marks
 * whether it fits its panel's minimum size. */
void layout_place(struct layout *lo, enum layout_slot slot, int x, int y,
    int w, int h);

/* A screen in two rows: the top row split into a left panel and a right
 * column, the bottom row one panel across or split at the same column. */
struct layout_grid {
	/* the right column: right_pct % of the width, right_min to right_max
	 * cells */
	int right_pct, right_min, right_max;
	/* the top row: top_pct % of the height, at least top_min rows and
	 * leaving at least bottom_min below */
	int top_pct, top_min, bottom_min;
	enum layout_slot top_left, top_right, bottom_left;
	enum layout_slot bottom_right;	/* LAYOUT_NSLOTS: bottom_left spans */
};

/* Place g's panels in a w × h area (for the screens' layouts). */
void layout_grid(struct layout *lo, const struct layout_grid *g, int w,
    int h);
/* The panel drawn in slot. */
const struct panel_class *layout_panel(enum layout_slot slot);

#endif
