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

/* The layer ℓ selected, within the trace's 0 .. L. */
int
panel_trace_layer(const struct panel_ctx *ctx)
{
	int l = ctx->step != NULL ? ctx->step->layer : 0;
	int L = ctx->s->trace.cfg.layers;

	return l > L ? L : l < 0 ? 0 : l;
}

/* The frame's inside, or a centred note when there is no trace to draw. */
bool
panel_trace_begin(const struct panel_ctx *ctx, struct canvas *c,
    struct rect r, const char *title, struct rect *in)
{
	const struct snapshot_trace *st = &ctx->s->trace;

	*in = panel_frame(c, r, title);
	if (in->w < 8 || in->h < 1)
		return false;
	if (!st->have_src) {
		panel_centre(c, *in, in->y + in->h / 2, COL_DIM,
		    ctx->s->state == ENGINE_STARTING || ctx->s->busy[0] ?
		    "setting up the run..." : "waiting for a snapshot...");
		return false;
	}
	if (!st->ready) {
		panel_centre(c, *in, in->y + in->h / 2, COL_DIM,
		    "no trace for this configuration");
		return false;
	}
	return true;
}

/* Bytes of s that fill at most w cells, ending at a space if one is
 * within them (all of s if it fits); *cut tells whether s goes on. */
static size_t
panel_note_row(const char *s, int w, bool *cut)
{
	size_t i = 0, brk = 0;
	int cells = 0;

	while (s[i] != '\0') {
		size_t n = 1;

		while (((unsigned char)s[i + n] & 0xc0) == 0x80)
			n++;
		if (cells == w) {
			*cut = true;
			return brk > 0 ? brk : i;
		}
		if (s[i] == ' ')
			brk = i;
		cells++;
		i += n;
	}
	*cut = false;
	return i;
}

/* The trace's note of panel k at layer l in the last rows of in (one, or
 * two when it is wider than in and in has at least 8 rows), the rest cut
 * with an ellipsis; returns the rows it took (0: no note). */
int
panel_trace_note(struct canvas *c, struct rect in, const struct trace *tr,
    int l, enum trace_note k)
{
	const char *s = trace_note(tr, l, k, c->g->utf8), *more = c->g->utf8 ?
	    "…" : "...";
	int rows = 1, y, mw = canvas_text_width(more);
	char buf[TRACE_NOTE_LEN + 8];
	size_t len;
	bool cut;

	if (s == NULL || s[0] == '\0' || in.w < 4 || in.h < 2)
		return 0;
	panel_note_row(s, in.w, &cut);
	if (cut && in.h >= 8)
		rows = 2;
	for (y = in.y + in.h - rows; y < in.y + in.h; y++) {
		bool last = y == in.y + in.h - 1;

		len = panel_note_row(s, in.w, &cut);
		if (last && cut)	/* leave room for the ellipsis */
			len = panel_note_row(s, in.w - mw, &cut);
		snprintf(buf, sizeof buf, "%.*s%s", (int)len, s, last && cut ?
		    more : "");
		canvas_text(c, in.x, y, in.w, COL_TITLE, buf);
		s += len;
		while (*s == ' ')
			s++;
	}
	return rows;
}
