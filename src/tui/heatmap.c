/*
 * Heatmaps. The scale is symmetric, so zero is always the middle colour and
 * the sign of an entry is always visible; levels are rounded from v / range
 * onto the theme's eleven heat colours. Sizes: in colour UTF-8 mode a cell
 * is one pixel wide and two tall (half blocks), which makes pixels roughly
 * square; entries take scale × scale pixels. Otherwise an entry takes two
 * cells across (one when compact) and one down per unit of scale.
 */
#include <math.h>
#include <stdio.h>

#include "memscope/heatmap.h"
#include "memscope/plot.h"

/* The compact mono ramp, most negative to most positive. */
static const char heatmap_ramp[] = "#=-, .+*@";
#define HEATMAP_RAMP_HALF 4

/* The colour level of v on a scale of ±range. */
enum colour_role
heatmap_level(double v, double range)
{
	double t;
	long k;

	if (!isfinite(v) || !(range > 0))
		return COL_HEAT_ZERO;
	t = v / range;
	if (t > 1)
		t = 1;
	if (t < -1)
		t = -1;
	k = lround(t * (COL_HEAT_LEVELS / 2));
	return (enum colour_role)(COL_HEAT_ZERO + k);
}

static bool
heatmap_halves(const struct canvas *c)
{
	return c->g->utf8 && !c->mono;
}

/* The cells a rows × cols matrix takes at a scale. */
void
heatmap_size(const struct canvas *c, int rows, int cols, int scale,
    bool compact, int *w, int *h)
{
	if (heatmap_halves(c)) {
		*w = cols * scale;
		*h = (rows * scale + 1) / 2;
	} else {
		*w = (compact ? 1 : 2) * cols * scale;
		*h = rows * scale;
	}
}

/* The largest scale at which a rows × cols matrix fits in maxw × maxh. */
int
heatmap_fit(const struct canvas *c, int rows, int cols, int maxw, int maxh,
    bool compact, int *w, int *h)
{
	int s, cw, ch, best = 0, bw = 0, bh = 0;

	for (s = 1; s <= 16; s++) {
		heatmap_size(c, rows, cols, s, compact, &cw, &ch);
		if (cw > maxw || ch > maxh)
			break;
		best = s;
		bw = cw;
		bh = ch;
	}
	*w = bw;
	*h = bh;
	return best;
}

/* The mono glyphs of one entry: its sign, then its magnitude's shade. */
static void
heatmap_mono_cell(struct canvas *c, int x, int y, double v, double range)
{
	const struct glyphs *g = c->g;
	double t = range > 0 && isfinite(v) ? fabs(v) / range : 0;
	long k = lround(t * (g->nshade - 1));
	uint32_t sign = ' ';

	if (k > g->nshade - 1)
		k = g->nshade - 1;
	if (k > 0)
		sign = v < 0 ? '-' : '+';
	canvas_put(c, x, y, sign, COL_TEXT);
	canvas_put(c, x + 1, y, g->shade[k], COL_TEXT);
}

/* The compact mono glyph of one entry. */
static void
heatmap_mono_compact(struct canvas *c, int x, int y, double v, double range)
{
	double t = range > 0 && isfinite(v) ? v / range : 0;
	long k;

	if (t > 1)
		t = 1;
	if (t < -1)
		t = -1;
	k = lround(t * HEATMAP_RAMP_HALF);
	canvas_put(c, x, y, (uint32_t)heatmap_ramp[HEATMAP_RAMP_HALF + k],
	    COL_TEXT);
}

/* Draw m with its top-left cell at (x, y) at the given scale. */
void
heatmap_draw(struct canvas *c, int x, int y, const double *m, int rows,
    int cols, double range, int scale, bool compact)
{
	int px, cy, i, j, top, bot, cw = compact ? 1 : 2;
	enum colour_role up, lo;

	if (scale < 1)
		return;
	if (heatmap_halves(c)) {
		for (px = 0; px < cols * scale; px++) {
			for (cy = 0; 2 * cy < rows * scale; cy++) {
				top = 2 * cy;
				bot = 2 * cy + 1;
				j = px / scale;
				up = heatmap_level(m[(top / scale) * cols + j],
				    range);
				lo = bot < rows * scale ?
				    heatmap_level(m[(bot / scale) * cols + j],
				    range) : COL_DEFAULT;
				canvas_set(c, x + px, y + cy,
				    c->g->upper_half, up, lo, 0);
			}
		}
		return;
	}
	for (i = 0; i < rows * scale; i++) {
		for (px = 0; px < cols * scale; px++) {
			double v = m[(i / scale) * cols + px / scale];

			if (c->mono && compact)
				heatmap_mono_compact(c, x + px, y + i, v, range);
			else if (c->mono)
				heatmap_mono_cell(c, x + 2 * px, y + i, v, range);
			else {
				up = heatmap_level(v, range);
				for (j = 0; j < cw; j++)
					canvas_set(c, x + cw * px + j, y + i,
					    ' ', up, up, 0);
			}
		}
	}
}

/* A legend "−r ▀▀▀ 0 ▀▀▀ +r" in at most w cells; returns the cells used. */
int
heatmap_legend(struct canvas *c, int x, int y, int w, double range,
    bool compact)
{
	char lo[16], hi[16];
	int n = 0, k, half = COL_HEAT_LEVELS / 2, bar;
	double v;

	plot_label(-range, lo, sizeof lo);
	snprintf(hi, sizeof hi, "+");
	plot_label(range, hi + 1, sizeof hi - 1);
	bar = c->mono ? (compact ? 2 * HEATMAP_RAMP_HALF + 1 : 6) :
	    COL_HEAT_LEVELS;
	if (w < canvas_text_width(lo) + canvas_text_width(hi) + 2 + bar)
		return 0;
	n += canvas_text(c, x + n, y, w - n, COL_AXIS, lo);
	n += canvas_text(c, x + n, y, w - n, COL_AXIS, " ");
	if (c->mono && compact) {
		for (k = -HEATMAP_RAMP_HALF; k <= HEATMAP_RAMP_HALF; k++)
			heatmap_mono_compact(c, x + n++, y,
			    range * k / HEATMAP_RAMP_HALF, range);
	} else if (c->mono) {
		/* three sample entries: −range, 0, +range */
		for (k = -1; k <= 1; k++) {
			heatmap_mono_cell(c, x + n, y, k * range, range);
			n += 2;
		}
	} else {
		for (k = -half; k <= half; k++) {
			v = range * k / half;
			canvas_set(c, x + n, y, c->g->utf8 ? c->g->bar : ' ',
			    heatmap_level(v, range), heatmap_level(v, range),
			    0);
			n++;
		}
	}
	n += canvas_text(c, x + n, y, w - n, COL_AXIS, " ");
	n += canvas_text(c, x + n, y, w - n, COL_AXIS, hi);
	return n;
}

/* max |m[i]| over n entries (0 when all are zero or non-finite). */
double
heatmap_range(const double *m, int n)
{
	double r = 0;
	int i;

	for (i = 0; i < n; i++)
		if (isfinite(m[i]) && fabs(m[i]) > r)
			r = fabs(m[i]);
	return r;
}
