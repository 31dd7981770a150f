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
 * exactly and nothing overlaps. The dashboard's own keys move the loss
 * plot's view (plotview.h): cursor, log-x, window, zoom, smoothing; the
 * other two have no keys of their own and no state to keep.
 */
#include <stddef.h>

#include "memscope/keys.h"
#include "memscope/layout.h"
#include "memscope/plotview.h"
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

/* What a plot key does to the view (a row's argument). */
enum screens_plot_op {
	SCREENS_PLOT_EARLIER,
	SCREENS_PLOT_LATER,
	SCREENS_PLOT_CURSOR,
	SCREENS_PLOT_LOGX,
	SCREENS_PLOT_WINDOW,
	SCREENS_PLOT_ZOOM_IN,
	SCREENS_PLOT_ZOOM_OUT,
	SCREENS_PLOT_SMOOTH_MORE,
	SCREENS_PLOT_SMOOTH_LESS
};

/* Row k's change of the loss plot's view; the UI's alone, no command. */
static int
screens_plot_key(struct keys_ui *ui, const struct key_row *k)
{
	struct plot_view *v = ui->plot;

	if (v == NULL)
		return 0;
	switch ((enum screens_plot_op)k->arg) {
	case SCREENS_PLOT_EARLIER:
	case SCREENS_PLOT_LATER:
		plot_view_move_cursor(v, k->arg == SCREENS_PLOT_LATER ? 1 : -1);
		break;
	case SCREENS_PLOT_CURSOR:
		plot_view_toggle_cursor(v);
		break;
	case SCREENS_PLOT_LOGX:
		plot_view_toggle_logx(v);
		break;
	case SCREENS_PLOT_WINDOW:
		plot_view_toggle_window(v);
		break;
	case SCREENS_PLOT_ZOOM_IN:
	case SCREENS_PLOT_ZOOM_OUT:
		plot_view_zoom(v, k->arg == SCREENS_PLOT_ZOOM_IN ? -1 : 1);
		break;
	case SCREENS_PLOT_SMOOTH_MORE:
	case SCREENS_PLOT_SMOOTH_LESS:
		plot_view_smooth(v, k->arg == SCREENS_PLOT_SMOOTH_MORE ? 1 :
		    -1);
		break;
	}
	return KEYS_REDRAW;
}

/* Rows: key, name, name with arrows, what it does, the action, no engine
 * command, the view's change. */
static const struct key_line screen_dashboard_keys[] = {
	{ .prefix = "plot cursor ", .keys = {
	    { KEYS_LEFT, "Lt", "←", "earlier", screens_plot_key, 0,
		SCREENS_PLOT_EARLIER },
	    { KEYS_RIGHT, "Rt", "→", "later", screens_plot_key, 0,
		SCREENS_PLOT_LATER },
	    { 'o', "o", NULL, "on / off", screens_plot_key, 0,
		SCREENS_PLOT_CURSOR } } },
	{ .keys = { { 'X', "X", NULL, "plot: log10 step axis on / off",
	    screens_plot_key, 0, SCREENS_PLOT_LOGX } } },
	{ .keys = { { 'w', "w", NULL, "plot: whole run / last steps",
	    screens_plot_key, 0, SCREENS_PLOT_WINDOW } } },
	{ .prefix = "plot: zoom ", .keys = {
	    { '+', "+", NULL, "in", screens_plot_key, 0,
		SCREENS_PLOT_ZOOM_IN },
	    { '=', "=", NULL, "in", screens_plot_key, 0,
		SCREENS_PLOT_ZOOM_IN },
	    { '-', "-", NULL, "out", screens_plot_key, 0,
		SCREENS_PLOT_ZOOM_OUT } } },
	{ .prefix = "plot: smoothing ", .suffix = " (EMA)",
	    .keys = {
	    { 'z', "z", NULL, "more", screens_plot_key, 0,
		SCREENS_PLOT_SMOOTH_MORE },
	    { 'Z', "Z", NULL, "less", screens_plot_key, 0,
		SCREENS_PLOT_SMOOTH_LESS } } },
};

/* The message line's hints on the dashboard: its own keys first. */
static const struct panel_hint screen_dashboard_hints[] = {
	{ "? help", NULL }, { "q quit", NULL }, { "space pause", NULL },
	{ "a add run", NULL }, { ", . focus", NULL }, { "v show/hide", NULL },
	{ "← → cursor", "Lt Rt cursor" }, { "X log-x", NULL },
	{ "w window", NULL }, { "+ - zoom", NULL }, { "z Z smooth", NULL },
	{ "Tab screen", NULL }, { "< > speed", NULL }, { "m memory", NULL },
	{ "[ ] heads", NULL }, { "l L layers", NULL }, { "c data", NULL },
};

/* After each snapshot: the runs' extents for the plot view. */
static void
screen_dashboard_sync(struct screen_views *v, const struct snapshot *s)
{
	if (v->plot != NULL)
		plot_view_sync(v->plot, s);
}

const struct screen_module screen_dashboard = {
	.hints = screen_dashboard_hints,
	.nhints = (int)(sizeof screen_dashboard_hints /
	    sizeof screen_dashboard_hints[0]),
	.layout = screen_dashboard_layout,
	.keys = screen_dashboard_keys,
	.nkeys = (int)(sizeof screen_dashboard_keys /
	    sizeof screen_dashboard_keys[0]),
	.sync = screen_dashboard_sync,
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
