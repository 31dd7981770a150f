/*
 * The loss plot's view, owned by the UI thread: which steps are shown (the
 * whole run, or a window of `span` steps ending at the newest step or
 * centred on the cursor), a log10 step axis or not, the EMA smoothing
 * weight, and the cursor. The keys change it (screens.c), each snapshot
 * brings its extents up to date (plot_view_sync), the loss panel reads it.
 */
#ifndef MEMSCOPE_PLOTVIEW_H
#define MEMSCOPE_PLOTVIEW_H

#include <stdbool.h>

#include "memscope/snapshot.h"

#define PLOT_VIEW_MIN_SPAN 8	/* the narrowest window, in steps */
#define PLOT_VIEW_CURSOR_STEPS 50	/* a cursor key moves 1/50 of the view */

/* The steps the runs cover. */
struct plot_extent {
	double first;		/* the axis start: step 0 */
	double newest;		/* the newest step of any visible run */
	double end;		/* the axis end: the step target, or beyond */
};

struct plot_view {
	bool logx;		/* the step axis in log10(step), steps >= 1 */
	bool cursor_on;
	double cursor;		/* the cursor's step */
	double span;		/* steps shown; 0: the whole run */
	double last_span;	/* the window w brings back, 0: none yet */
	int smooth;		/* index into the smoothing weights */
	struct plot_extent ext;	/* of the newest snapshot */
};

/* The whole run, linear steps, no smoothing, no cursor. */
void plot_view_init(struct plot_view *v);
/* The extents of the visible runs of snapshot s: step 0 to the largest
 * step target or newest step. */
struct plot_extent plot_view_extent(const struct snapshot *s);
/* Take the extents of the visible runs of snapshot s (NULL: keep them). */
void plot_view_sync(struct plot_view *v, const struct snapshot *s);

/* The x range shown for extents e, in axis units (log10 of steps with
 * log-x): the whole of [e.first, e.end], or a window of v->span steps
 * centred on the cursor (when on) or ending at the newest step, kept
 * inside the whole. Pure: v and e alone decide it. */
void plot_view_range(const struct plot_view *v, const struct plot_extent *e,
    double *x0, double *x1);
/* Step as an axis coordinate: itself, or log10(step) with log-x (NAN for
 * steps below 1, which a log axis cannot show). */
double plot_view_x(const struct plot_view *v, double step);
/* The EMA weight of the smoothing level (0: none). */
double plot_view_weight(const struct plot_view *v);

/* Log-x on / off. */
void plot_view_toggle_logx(struct plot_view *v);
/* The whole run / the last window (a quarter of the run the first time). */
void plot_view_toggle_window(struct plot_view *v);
/* Halve (dir < 0) or double (dir > 0) the window; doubling past the whole
 * run shows the whole run. */
void plot_view_zoom(struct plot_view *v, int dir);
/* More (dir > 0) or less (dir < 0) smoothing: 0, 0.6, 0.9, 0.99. */
void plot_view_smooth(struct plot_view *v, int dir);
/* The cursor on (at the newest step) or off. */
void plot_view_toggle_cursor(struct plot_view *v);
/* Move the cursor by 1/PLOT_VIEW_CURSOR_STEPS of the range shown (at
 * least a step), within the steps there are; turns it on if off. */
void plot_view_move_cursor(struct plot_view *v, int dir);

#endif
