/* Helpers shared by the panels. */
#include <math.h>
#include <stdio.h>

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

/* Tick labels on round values of plot p's y range [lo, hi]. */
void
panel_y_ticks(struct canvas *c, const struct plot *p, int x0, double lo,
    double hi)
{
	const struct rect pr = p->r;
	double t[TICKS_MAX], step;
	char buf[32];
	int i, n, row, x, last = -2;

	/* one label every other row at most, so they do not touch; more
	 * (in adjacent rows) if that would leave fewer than two */
	n = ticks_linear(lo, hi, (pr.h + 1) / 2, t, &step);
	for (i = (pr.h + 1) / 2 + 1; n < 2 && i <= pr.h; i++)
		n = ticks_linear(lo, hi, i, t, &step);
	for (i = n - 1; i >= 0; i--) {
		row = plot_row(p, t[i]);
		if (row >= pr.y + pr.h)
			row = pr.y + pr.h - 1;
		if (row < pr.y || row == last)
			continue;
		last = row;
		ticks_label(t[i], step, buf, sizeof buf);
		x = pr.x - 1 - canvas_text_width(buf);
		canvas_text(c, x < x0 ? x0 : x, row, pr.x - x0 - 1, COL_AXIS,
		    buf);
		canvas_put(c, pr.x - 1, row, c->g->tee_right, COL_AXIS);
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
