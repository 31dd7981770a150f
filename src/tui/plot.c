/*
 * Dot plots. Each cell keeps a bit mask of the dots set in it and the colour
 * of the last line that set one, so later lines draw on top: where curves
 * cross, a cell shows every curve's dots (nothing is lost without colour)
 * in the colour of the one drawn last, which is why callers draw the curve
 * that matters most (the focused run) last. Faded lines lie beneath: a
 * cell that a normal line crosses drops the faded dots, so a smoothed
 * curve is not blurred by its raw curve. Line styles are dash patterns
 * over the distinct dots along a line (Bresenham's walk), running on from
 * one segment of a curve to the next. Braille bit order follows Unicode:
 * dots 1-2-3 down the left column are bits 0-2, 4-5-6 down the right column
 * bits 3-5, and the bottom row's dots 7, 8 bits 6 and 7. ASCII cells have
 * three dots down: top, middle and bottom, drawn as ' - . and combinations.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/plot.h"
#include "memscope/xmalloc.h"

static const uint8_t plot_braille_bit[4][2] = {
	{ 0x01, 0x08 }, { 0x02, 0x10 }, { 0x04, 0x20 }, { 0x40, 0x80 }
};

/* ASCII glyphs by mask: bit 0 top, bit 1 middle, bit 2 bottom. */
static const char plot_ascii[8] = { ' ', '\'', '-', '|', '.', ':', '|', '|' };

/* A plot over r of canvas c's glyph mode, data range [x0,x1] × [y0,y1]. */
void
plot_init(struct plot *p, const struct canvas *c, struct rect r, double x0,
    double x1, double y0, double y1)
{
	memset(p, 0, sizeof *p);
	if (r.w < 0)
		r.w = 0;
	if (r.h < 0)
		r.h = 0;
	p->r = r;
	p->utf8 = c->g->utf8;
	p->dx = p->utf8 ? 2 : 1;
	p->dy = p->utf8 ? 4 : 3;
	p->pw = r.w * p->dx;
	p->ph = r.h * p->dy;
	p->x0 = x0;
	p->x1 = x1 > x0 ? x1 : x0 + 1;
	p->y0 = y0;
	p->y1 = y1 > y0 ? y1 : y0 + 1;
	p->mask = xcalloc((size_t)r.w * r.h + 1, 1);
	p->col = xcalloc((size_t)r.w * r.h + 1, 1);
	p->faded = xcalloc((size_t)r.w * r.h + 1, 1);
}

void
plot_free(struct plot *p)
{
	free(p->mask);
	free(p->col);
	free(p->faded);
	p->mask = p->col = p->faded = NULL;
}

static double
plot_px(const struct plot *p, double x)
{
	return (x - p->x0) / (p->x1 - p->x0) * (p->pw - 1);
}

static double
plot_py(const struct plot *p, double y)
{
	/* dot row 0 is the top */
	return (p->y1 - y) / (p->y1 - p->y0) * (p->ph - 1);
}

/* The cell column of data x (may be outside r). */
int
plot_col(const struct plot *p, double x)
{
	return p->r.x + (int)floor(plot_px(p, x) / p->dx + 1e-9);
}

/* The cell row of data y (may be outside r). */
int
plot_row(const struct plot *p, double y)
{
	return p->r.y + (int)floor(plot_py(p, y) / p->dy + 1e-9);
}

/* Dash patterns by style: '1' a dot drawn, '0' one left out. */
static const struct {
	const char *name, *dash;
	int n;			/* strlen(dash) */
} plot_styles[PLOT_STYLES] = {
	/* periods of at most 8 dots, each different within its first 8,
	 * so a legend's sample of 4 braille cells (8 in ASCII) tells them
	 * apart */
	{ "solid", "1", 1 },
	{ "dashed", "11111100", 8 },
	{ "dotted", "10", 2 },
	{ "dash-dot", "11110100", 8 },
	{ "short dash", "1100", 4 },
	{ "sparse dots", "1000", 4 },
	{ "dash-dot-dot", "11101010", 8 },
	{ "dot pairs", "10100000", 8 },
};

static const struct plot_pen plot_solid_pen = { COL_DEFAULT, 0, false,
	false };

/* Whether dot i along a line of style is drawn. */
bool
plot_style_on(int style, long i)
{
	long n;

	if (style < 0 || style >= PLOT_STYLES)
		style = 0;
	n = plot_styles[style].n;
	return plot_styles[style].dash[(i % n + n) % n] == '1';
}

/* The name of a line style. */
const char *
plot_style_name(int style)
{
	if (style < 0 || style >= PLOT_STYLES)
		style = 0;
	return plot_styles[style].name;
}

static void
plot_dot(struct plot *p, int px, int py, enum colour_role col, bool faded)
{
	int cx, cy, bit;
	size_t i;

	if (px < 0 || py < 0 || px >= p->pw || py >= p->ph)
		return;
	cx = px / p->dx;
	cy = py / p->dy;
	i = (size_t)cy * p->r.w + cx;
	if (p->utf8)
		bit = plot_braille_bit[py % 4][px % 2];
	else
		bit = 1 << (py % 3);
	if (p->mask[i] != 0 && faded && !p->faded[i])
		return;		/* beneath a normal line */
	if (p->mask[i] != 0 && !faded && p->faded[i])
		p->mask[i] = 0;	/* a normal line covers the faded dots */
	p->mask[i] |= bit;
	p->col[i] = col;
	p->faded[i] = faded;
}

/* The next dot of the line being drawn: counted once however often the
 * walk comes back to it in a row, drawn if the pen's pattern says so. */
static void
plot_pen_dot(struct plot *p, int px, int py, const struct plot_pen *pen)
{
	if (px != p->lx || py != p->ly) {
		p->seq++;
		p->lx = px;
		p->ly = py;
	}
	if (!plot_style_on(pen->style, p->seq))
		return;
	plot_dot(p, px, py, pen->col, pen->faded);
	if (pen->thick)
		plot_dot(p, px, py + 1, pen->col, pen->faded);
}

/* A new line: its pattern starts at its first dot. */
static void
plot_pen_start(struct plot *p)
{
	p->seq = -1;
	p->lx = p->ly = -1;
}

/* Bresenham's walk between two dots with pen (dots outside are clipped;
 * both within PLOT_LIM of the plot). */
static void
plot_walk_dots(struct plot *p, long x0, long y0, long x1, long y1,
    const struct plot_pen *pen)
{
	long dx = labs(x1 - x0), dy = -labs(y1 - y0), err = dx + dy, e2;
	long sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;

	for (;;) {
		plot_pen_dot(p, (int)x0, (int)y0, pen);
		if (x0 == x1 && y0 == y1)
			break;
		e2 = 2 * err;
		if (e2 >= dy) {
			err += dy;
			x0 += sx;
		}
		if (e2 <= dx) {
			err += dx;
			y0 += sy;
		}
	}
}

#define PLOT_LIM 1e6		/* dots beyond the plot a walk may go */

/* The dot of data (x, y); false if not finite or beyond PLOT_LIM. */
static bool
plot_dot_of(const struct plot *p, double x, double y, long *px, long *py)
{
	double ax = plot_px(p, x), ay = plot_py(p, y);

	/* keep the integer walk bounded for wild values */
	if (!isfinite(ax) || !isfinite(ay) || fabs(ax) > PLOT_LIM ||
	    fabs(ay) > PLOT_LIM)
		return false;
	/* lround's rounding (half away from zero), without the call */
	*px = (long)(ax >= 0 ? ax + 0.5 : ax - 0.5);
	*py = (long)(ay >= 0 ? ay + 0.5 : ay - 0.5);
	return true;
}

/* A line between two data points (clipped to the plot). */
void
plot_line(struct plot *p, double xa, double ya, double xb, double yb,
    enum colour_role col)
{
	struct plot_pen pen = plot_solid_pen;

	pen.col = col;
	plot_line_pen(p, xa, ya, xb, yb, &pen);
}

/* The same with a pen. */
void
plot_line_pen(struct plot *p, double xa, double ya, double xb, double yb,
    const struct plot_pen *pen)
{
	long x0, y0, x1, y1;

	plot_pen_start(p);
	if (p->pw > 0 && p->ph > 0 && plot_dot_of(p, xa, ya, &x0, &y0) &&
	    plot_dot_of(p, xb, yb, &x1, &y1))
		plot_walk_dots(p, x0, y0, x1, y1, pen);
}

/* A polyline through the finite points, skipping non-finite y. */
void
plot_curve(struct plot *p, const double *x, const double *y, int n,
    enum colour_role col)
{
	struct plot_pen pen = plot_solid_pen;

	pen.col = col;
	plot_curve_pen(p, x, y, n, &pen);
}

/* A polyline with a pen, its pattern running on along the curve. Points
 * in one dot column are drawn as the span of rows they cover (the dots
 * the segments between them would set), so a curve of many points per
 * column costs a walk per column, not per point. */
void
plot_curve_pen(struct plot *p, const double *x, const double *y, int n,
    const struct plot_pen *pen)
{
	long cx = 0, cy = 0, gx = 0, lo = 0, hi = 0, last = 0;
	bool open = false;	/* a column's span is being gathered */
	int i;

	plot_pen_start(p);
	if (p->pw == 0 || p->ph == 0)
		return;
	for (i = 0; i <= n; i++) {
		bool ok = i < n && isfinite(x[i]) && isfinite(y[i]);

		if (i < n && !ok)
			continue;	/* skipped: its neighbours joined */
		if (ok && !plot_dot_of(p, x[i], y[i], &cx, &cy))
			ok = false;	/* wild: the curve breaks here */
		if (ok && open && cx == gx) {
			lo = cy < lo ? cy : lo;
			hi = cy > hi ? cy : hi;
			last = cy;
			continue;
		}
		if (open && hi > lo)	/* the column just left */
			plot_walk_dots(p, gx, lo, gx, hi, pen);
		if (ok)		/* into the next column */
			plot_walk_dots(p, open ? gx : cx, open ? last : cy, cx,
			    cy, pen);
		open = ok;
		gx = cx;
		lo = hi = last = cy;
	}
}

/* The cells a legend's sample takes. */
int
plot_sample_cells(bool utf8)
{
	return utf8 ? PLOT_SAMPLE_DOTS / 2 : PLOT_SAMPLE_DOTS;
}

/* A sample of pen's line, w cells wide, in row y from x. */
void
plot_sample(struct canvas *c, int x, int y, int w,
    const struct plot_pen *pen)
{
	struct plot p;

	/* the line through the second dot row of four (of three in ASCII:
	 * the middle one), so a thick pen shows its second row */
	plot_init(&p, c, (struct rect){ x, y, w, 1 }, 0, 1, 0, 1);
	plot_line_pen(&p, 0, p.utf8 ? 2.0 / 3 : 0.5, 1, p.utf8 ? 2.0 / 3 :
	    0.5, pen);
	plot_render(&p, c);
	plot_free(&p);
}

/* The background of cell (x, y), kept under the dots. */
static enum colour_role
plot_bg(const struct canvas *c, int x, int y)
{
	if (x < 0 || y < 0 || x >= c->w || y >= c->h)
		return COL_DEFAULT;
	return c->cells[(size_t)y * c->w + x].bg;
}

/* Write the dots into the canvas (cells without dots are left alone). */
void
plot_render(const struct plot *p, struct canvas *c)
{
	int x, y;
	size_t i;

	for (y = 0; y < p->r.h; y++) {
		for (x = 0; x < p->r.w; x++) {
			i = (size_t)y * p->r.w + x;
			if (p->mask[i] == 0)
				continue;
			canvas_set(c, p->r.x + x, p->r.y + y, p->utf8 ?
			    (uint32_t)(0x2800 + p->mask[i]) :
			    (uint32_t)plot_ascii[p->mask[i] & 7], p->col[i],
			    plot_bg(c, p->r.x + x, p->r.y + y),
			    p->faded[i] ? CATTR_DIM : 0);
		}
	}
}

/* A short tick label for v into buf. */
const char *
plot_label(double v, char *buf, int len)
{
	double a = fabs(v);

	if (!isfinite(v))
		snprintf(buf, len, "%s", isnan(v) ? "-" : v > 0 ? "inf" : "-inf");
	else if (a >= 1e5 || (a < 1e-2 && a != 0))
		snprintf(buf, len, "%.0e", v);
	else if (a >= 100)
		snprintf(buf, len, "%.0f", v);
	else if (a >= 10)
		snprintf(buf, len, "%.1f", v);
	else
		snprintf(buf, len, "%.2f", v);
	return buf;
}

/* TensorBoard's debiased exponential moving average of v into out. */
void
plot_ema(const double *v, int n, double w, double *out)
{
	double last = 0, wk = 1;
	bool constant = true;
	int i;

	if (!(w >= 0))
		w = 0;
	if (w > 0.999)
		w = 0.999;
	for (i = 1; i < n && constant; i++)
		constant = v[i] == v[0];
	for (i = 0; i < n; i++) {
		if (constant || !isfinite(v[i])) {
			out[i] = v[i];
			continue;
		}
		last = last * w + (1 - w) * v[i];
		wk *= w;	/* w^k after k finite values */
		out[i] = last / (1 - wk);
	}
}

/* The last i with x[i] <= at and y[i] finite, or -1. */
int
plot_index_at(const double *x, const double *y, int n, double at)
{
	int lo = 0, hi = n, mid, i;

	/* the first x beyond at, by bisection; then back to a finite y */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (x[mid] <= at)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo - 1; i >= 0; i--)
		if (isfinite(y[i]))
			return i;
	return -1;
}

/* Whether row r is free of the first m labels placed (order, got). */
static bool
plot_row_free(const int *order, const int *got, int m, int r)
{
	for (int j = 0; j < m; j++)
		if (got[order[j]] == r)
			return false;
	return true;
}

/* Rows inside [top, bottom] for n labels wanting rows want[i]. */
void
plot_stack_rows(const int *want, int n, int top, int bottom, int *got)
{
	int i, j, k, r, best, order[64];

	if (n > 64)
		n = 64;
	for (i = 0; i < n; i++) {	/* indices sorted by want: insertion */
		for (j = i; j > 0 && want[order[j - 1]] > want[i]; j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
	for (i = 0; i < n; i++) {
		k = order[i];
		got[k] = -1;
		best = want[k] < top ? top : want[k] > bottom ? bottom :
		    want[k];
		/* downwards from the wanted row, then upwards */
		for (r = best; got[k] < 0 && r <= bottom; r++)
			if (plot_row_free(order, got, i, r))
				got[k] = r;
		for (r = best - 1; got[k] < 0 && r >= top; r--)
			if (plot_row_free(order, got, i, r))
				got[k] = r;
	}
}
