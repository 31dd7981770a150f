/* Helpers shared by the panels. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "memscope/panel.h"
#include "memscope/plot.h"
#include "memscope/ticks.h"

/* Frame r with a title and return the inside. */
struct rect
panel_frame(struct canvas *c, struct rect r, const char *title)
{
	struct rect none = { r.x, r.y, 0, 0 };

	if (r.w < 3 || r.h < 3)
		return none;
	canvas_box(c, r, title);
	return canvas_inset(r, 1);
}

/* ln(v) as text, "-" for missing or non-positive v. */
const char *
panel_log(double v, char *buf, int len)
{
	if (!isfinite(v) || v <= 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.2f", log(v));
	return buf;
}

/* Whether n ticks t land at least gap rows apart in plot p. */
static bool
panel_ticks_apart(const struct plot *p, const double *t, int n, int gap)
{
	for (int i = 1; i < n; i++)
		if (abs(plot_row(p, t[i - 1]) - plot_row(p, t[i])) < gap)
			return false;
	return true;
}

/* Tick labels on round values of plot p's y range [lo, hi]. */
void
panel_y_ticks(struct canvas *c, const struct plot *p, int x0, double lo,
    double hi)
{
	const struct rect pr = p->r;
	double t[TICKS_MAX], step;
	char buf[32];
	int i, n = 0, m, row, x, mark = -2, label = -2;

	/* the most ticks that keep a free row between them; if that is
	 * fewer than two, the fewest more that give two, their labels kept
	 * a row apart (a tick without one still marks its value) */
	for (m = (pr.h + 1) / 2; m >= 2; m--) {
		n = ticks_linear(lo, hi, m, t, &step);
		if (n >= 2 && panel_ticks_apart(p, t, n, 2))
			break;
	}
	for (m = 2; n < 2 && m <= pr.h; m++)
		n = ticks_linear(lo, hi, m, t, &step);
	for (i = n - 1; i >= 0; i--) {	/* top down */
		row = plot_row(p, t[i]);
		if (row >= pr.y + pr.h)
			row = pr.y + pr.h - 1;
		if (row < pr.y || row == mark)
			continue;
		mark = row;
		canvas_put(c, pr.x - 1, row, c->g->tee_right, COL_AXIS);
		if (row - label < 2)
			continue;
		label = row;
		ticks_label(t[i], step, buf, sizeof buf);
		x = pr.x - 1 - canvas_text_width(buf);
		canvas_text(c, x < x0 ? x0 : x, row, pr.x - x0 - 1, COL_AXIS,
		    buf);
	}
}

/* Widen a (log) range by 5% of its width, at least 0.05. */
void
panel_pad_range(double *lo, double *hi)
{
	double pad = (*hi - *lo) * 0.05;

	if (pad < 0.05)
		pad = 0.05;
	*lo -= pad;
	*hi += pad;
}

/* Write s at (x, y) if all of it fits before end; returns the new x. */
int
panel_segment(struct canvas *c, int x, int y, int end, enum colour_role col,
    const char *s)
{
	int w = canvas_text_width(s);

	if (x + w > end)
		return x;
	canvas_text(c, x, y, w, col, s);
	return x + w;
}

/* Draw a centred line of text in r's row y. */
void
panel_centre(struct canvas *c, struct rect r, int y, enum colour_role fg,
    const char *s)
{
	int w = canvas_text_width(s), x;

	if (r.w <= 0 || y < r.y || y >= r.y + r.h)
		return;
	x = r.x + (r.w - w) / 2;
	if (x < r.x)
		x = r.x;
	canvas_text(c, x, y, r.x + r.w - x, fg, s);
}

/* The colour of a state's name (running, paused, ...). */
enum colour_role
panel_state_colour(enum engine_state st)
{
	switch (st) {
	case ENGINE_RUNNING:
		return COL_RUNNING;
	case ENGINE_PAUSED:
		return COL_PAUSED;
	case ENGINE_FINISHED:
		return COL_FINISHED;
	case ENGINE_DIVERGED:
		return COL_DIVERGED;
	case ENGINE_STARTING:
		break;
	}
	return COL_STATUS;
}
