/*
 * Dot plots. Each cell keeps a bit mask of the dots set in it and the colour
 * of the last line that set one, so later lines draw on top (the previous
 * run first, then training, then test). Braille bit order follows Unicode:
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
}

void
plot_free(struct plot *p)
{
	free(p->mask);
	free(p->col);
	p->mask = p->col = NULL;
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

static void
plot_dot(struct plot *p, int px, int py, enum colour_role col)
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
	p->mask[i] |= bit;
	p->col[i] = col;
}

/* A line between two data points (clipped to the plot). */
void
plot_line(struct plot *p, double xa, double ya, double xb, double yb,
    enum colour_role col)
{
	double ax, ay, bx, by, lim = 1e6;
	long x0, y0, x1, y1, dx, dy, sx, sy, err, e2, n;

	if (p->pw == 0 || p->ph == 0)
		return;
	if (!isfinite(xa) || !isfinite(ya) || !isfinite(xb) || !isfinite(yb))
		return;
	ax = plot_px(p, xa);
	ay = plot_py(p, ya);
	bx = plot_px(p, xb);
	by = plot_py(p, yb);
	/* keep the integer walk bounded for wild values */
	if (fabs(ax) > lim || fabs(ay) > lim || fabs(bx) > lim || fabs(by) > lim)
		return;
	x0 = lround(ax);
	y0 = lround(ay);
	x1 = lround(bx);
	y1 = lround(by);
	dx = labs(x1 - x0);
	dy = -labs(y1 - y0);
	sx = x0 < x1 ? 1 : -1;
	sy = y0 < y1 ? 1 : -1;
	err = dx + dy;
	for (n = 0; n < 4 * lim; n++) {
		plot_dot(p, (int)x0, (int)y0, col);
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

/* A polyline through the finite points, skipping non-finite y. */
void
plot_curve(struct plot *p, const double *x, const double *y, int n,
    enum colour_role col)
{
	int i, last = -1;

	for (i = 0; i < n; i++) {
		if (!isfinite(y[i]) || !isfinite(x[i]))
			continue;
		if (last < 0)
			plot_line(p, x[i], y[i], x[i], y[i], col);
		else
			plot_line(p, x[last], y[last], x[i], y[i], col);
		last = i;
	}
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
			if (p->utf8)
				canvas_put(c, p->r.x + x, p->r.y + y,
				    0x2800 + p->mask[i], p->col[i]);
			else
				canvas_put(c, p->r.x + x, p->r.y + y,
				    (uint32_t)plot_ascii[p->mask[i] & 7],
				    p->col[i]);
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
