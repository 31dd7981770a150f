/*
 * The loss plot's view. The window is kept in steps, so "last N steps"
 * follows a growing run; with log-x the same steps are shown on a log10
 * axis (a window's start below step 1 moves to 1). Zooming with the cursor
 * on centres the window on it, so moving the cursor past an edge pans.
 */
#include <math.h>
#include <string.h>

#include "memscope/plotview.h"

static const double plot_view_weights[] = { 0, 0.6, 0.9, 0.99 };
#define PLOT_VIEW_NWEIGHTS \
	((int)(sizeof plot_view_weights / sizeof plot_view_weights[0]))

/* The whole run, linear steps, no smoothing, no cursor. */
void
plot_view_init(struct plot_view *v)
{
	memset(v, 0, sizeof *v);
	v->ext.end = 1;
}

/* The extents of the visible runs of snapshot s. */
struct plot_extent
plot_view_extent(const struct snapshot *s)
{
	struct plot_extent e = { 0, 0, 1 };
	int i;

	for (i = 0; i < s->nruns; i++) {
		const struct snapshot_run *r = &s->runs[i];
		const struct snapshot_curve *cv = &r->hist;

		if (!r->visible)
			continue;
		if (cv->n > 0 && cv->step[cv->n - 1] > e.newest)
			e.newest = cv->step[cv->n - 1];
		if ((double)r->target > e.end)
			e.end = (double)r->target;
	}
	if (e.newest > e.end)
		e.end = e.newest;
	return e;
}

/* Take the extents of the visible runs of snapshot s. */
void
plot_view_sync(struct plot_view *v, const struct snapshot *s)
{
	if (s != NULL)
		v->ext = plot_view_extent(s);
}

/* The whole run's width in steps. */
static double
plot_view_width(const struct plot_extent *e)
{
	return e->end > e->first ? e->end - e->first : 1;
}

/* The range shown, in steps. */
static void
plot_view_steps(const struct plot_view *v, const struct plot_extent *e,
    double *lo, double *hi)
{
	double w = plot_view_width(e), a, b;

	*lo = e->first;
	*hi = e->first + w;
	if (v->span <= 0 || v->span >= w)
		return;
	if (v->cursor_on) {
		a = v->cursor - v->span / 2;
	} else {
		b = e->newest > e->first + v->span ? e->newest :
		    e->first + v->span;
		a = b - v->span;
	}
	if (a < *lo)
		a = *lo;
	if (a + v->span > *hi)
		a = *hi - v->span;
	*lo = a;
	*hi = a + v->span;
}

/* The x range shown for extents e, in axis units. */
void
plot_view_range(const struct plot_view *v, const struct plot_extent *e,
    double *x0, double *x1)
{
	double lo, hi;

	plot_view_steps(v, e, &lo, &hi);
	if (v->logx) {
		if (lo < 1)
			lo = 1;
		if (hi <= lo)
			hi = lo * 10;
		lo = log10(lo);
		hi = log10(hi);
	}
	*x0 = lo;
	*x1 = hi;
}

/* Step as an axis coordinate. */
double
plot_view_x(const struct plot_view *v, double step)
{
	if (!v->logx)
		return step;
	return step >= 1 ? log10(step) : NAN;
}

/* The EMA weight of the smoothing level. */
double
plot_view_weight(const struct plot_view *v)
{
	int i = v->smooth;

	if (i < 0)
		i = 0;
	if (i >= PLOT_VIEW_NWEIGHTS)
		i = PLOT_VIEW_NWEIGHTS - 1;
	return plot_view_weights[i];
}

/* Log-x on / off. */
void
plot_view_toggle_logx(struct plot_view *v)
{
	v->logx = !v->logx;
}

/* A span of at least PLOT_VIEW_MIN_SPAN steps; the whole run (0) once it
 * covers it. */
static void
plot_view_set_span(struct plot_view *v, double span)
{
	if (span < PLOT_VIEW_MIN_SPAN)
		span = PLOT_VIEW_MIN_SPAN;
	v->span = span >= plot_view_width(&v->ext) ? 0 : span;
	if (v->span > 0)
		v->last_span = v->span;
}

/* The whole run / the last window. */
void
plot_view_toggle_window(struct plot_view *v)
{
	if (v->span > 0)
		v->span = 0;
	else
		plot_view_set_span(v, v->last_span > 0 ? v->last_span :
		    plot_view_width(&v->ext) / 4);
}

/* Halve or double the window. */
void
plot_view_zoom(struct plot_view *v, int dir)
{
	double span = v->span > 0 ? v->span : plot_view_width(&v->ext);

	plot_view_set_span(v, dir < 0 ? span / 2 : span * 2);
}

/* More or less smoothing. */
void
plot_view_smooth(struct plot_view *v, int dir)
{
	v->smooth += dir > 0 ? 1 : -1;
	if (v->smooth < 0)
		v->smooth = 0;
	if (v->smooth >= PLOT_VIEW_NWEIGHTS)
		v->smooth = PLOT_VIEW_NWEIGHTS - 1;
}

/* The cursor on (at the newest step) or off. */
void
plot_view_toggle_cursor(struct plot_view *v)
{
	v->cursor_on = !v->cursor_on;
	if (v->cursor_on)
		v->cursor = v->ext.newest;
}

/* Move the cursor by a fiftieth of the range shown, within the steps. */
void
plot_view_move_cursor(struct plot_view *v, int dir)
{
	double lo, hi, d, top;

	if (!v->cursor_on) {
		plot_view_toggle_cursor(v);
		return;
	}
	plot_view_steps(v, &v->ext, &lo, &hi);
	if (v->logx && lo < 1)
		lo = 1;		/* where the log axis starts */
	if (v->logx && v->cursor >= 1 && hi > lo) {
		/* the same fraction of the log axis: a factor */
		d = pow(hi / lo, 1.0 / PLOT_VIEW_CURSOR_STEPS);
		v->cursor = dir > 0 ? ceil(v->cursor * d) :
		    floor(v->cursor / d);
	} else {
		d = round((hi - lo) / PLOT_VIEW_CURSOR_STEPS);
		v->cursor += (dir > 0 ? 1 : -1) * (d < 1 ? 1 : d);
	}
	top = v->ext.newest > v->ext.first ? v->ext.newest : v->ext.first;
	if (v->cursor < v->ext.first)
		v->cursor = v->ext.first;
	if (v->cursor > top)
		v->cursor = top;
}
