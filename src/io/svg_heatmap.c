/*
 * SVG heatmaps (svg_heatmap.h).
 *
 * Layout: a fixed 800×500 canvas; the grid of cells fills the plot area
 * (row 0 at the bottom, as on a plot's y axis), the category labels under
 * the columns and left of the rows, the axis labels beyond them, the title
 * and subtitle above and the colour bar to the right, with the missing
 * cells' swatch under it when there are any.
 *
 * Colours: a difference is drawn on a diverging scale (ColorBrewer's RdBu,
 * blue for values below 0, white at 0, red above) symmetric about 0 over
 * the largest |value|; anything else on a sequential one (viridis) over
 * the values' range. Both are five stops with linear interpolation; the
 * colour bar is the same stops as an SVG gradient. A cell's text is black
 * or white, whichever stands out on the cell's lightness.
 */
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "memscope/svg.h"
#include "memscope/svg_heatmap.h"

#define HM_W 800.0
#define HM_H 500.0
#define HM_LEFT 120.0		/* the grid */
#define HM_RIGHT 620.0
#define HM_TOP 84.0
#define HM_BOTTOM 420.0
#define HM_BAR_X 660.0		/* the colour bar */
#define HM_BAR_W 18.0
#define HM_STOPS 5

/* RdBu (blue low) and viridis: five stops each, low to high. */
static const unsigned char hm_diverging[HM_STOPS][3] = {
	{ 0x21, 0x66, 0xac }, { 0x92, 0xc5, 0xde }, { 0xf7, 0xf7, 0xf7 },
	{ 0xf4, 0xa5, 0x82 }, { 0xb2, 0x18, 0x2b }
};
static const unsigned char hm_sequential[HM_STOPS][3] = {
	{ 0x44, 0x01, 0x54 }, { 0x3b, 0x52, 0x8b }, { 0x21, 0x91, 0x8c },
	{ 0x5e, 0xc9, 0x62 }, { 0xfd, 0xe7, 0x25 }
};

/* The colour scale's range. */
struct hm_scale {
	double lo, hi;
	const unsigned char (*stops)[3];
};

static void
hm_scale_of(const struct svg_heatmap *h, struct hm_scale *sc)
{
	double lo = INFINITY, hi = -INFINITY, m;

	for (int i = 0; i < h->nx * h->ny; i++)
		if (isfinite(h->value[i])) {
			lo = fmin(lo, h->value[i]);
			hi = fmax(hi, h->value[i]);
		}
	if (!isfinite(lo)) {
		lo = 0.0;
		hi = 0.0;
	}
	sc->stops = h->diverging ? hm_diverging : hm_sequential;
	if (h->diverging) {
		m = fmax(fabs(lo), fabs(hi));
		sc->lo = m > 0.0 ? -m : -1.0;
		sc->hi = m > 0.0 ? m : 1.0;
	} else {
		sc->lo = lo;
		sc->hi = hi > lo ? hi : lo + 1.0;
	}
}

/* The colour of v as 0..255 channels. */
static void
hm_colour(const struct hm_scale *sc, double v, double rgb[3])
{
	double t = (v - sc->lo) / (sc->hi - sc->lo), u;
	int i;

	t = fmin(1.0, fmax(0.0, t)) * (HM_STOPS - 1);
	i = t >= HM_STOPS - 1 ? HM_STOPS - 2 : (int)t;
	u = t - i;
	for (int c = 0; c < 3; c++)
		rgb[c] = (1.0 - u) * sc->stops[i][c] + u * sc->stops[i + 1][c];
}

/* One cell: its <rect>, its value (or "missing") and its mark. */
static void
hm_cell(FILE *f, const struct svg_heatmap *h, const struct hm_scale *sc,
    int row, int col)
{
	double cw = (HM_RIGHT - HM_LEFT) / h->nx, ch = (HM_BOTTOM - HM_TOP) / h->ny;
	double x = HM_LEFT + col * cw, y = HM_BOTTOM - (row + 1) * ch, rgb[3];
	double v = h->value[row * h->nx + col];
	double fs = fmin(13.0, fmin(0.3 * ch, cw / 5.0));
	const char *mark = h->mark != NULL ? h->mark[row * h->nx + col] : NULL;
	const char *ink = "#000000";

	if (isfinite(v)) {
		hm_colour(sc, v, rgb);
		fprintf(f, "<rect class=\"cell\" x=\"%.2f\" y=\"%.2f\" "
		    "width=\"%.2f\" height=\"%.2f\" fill=\"#%02x%02x%02x\" "
		    "stroke=\"#ffffff\" stroke-width=\"1\"/>\n", x, y, cw, ch,
		    (unsigned)lround(rgb[0]), (unsigned)lround(rgb[1]),
		    (unsigned)lround(rgb[2]));
		/* relative lightness of the fill (Rec. 709 weights) */
		if ((0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]) / 255.0
		    < 0.5)
			ink = "#ffffff";
	} else {
		fprintf(f, "<rect class=\"cell missing\" x=\"%.2f\" y=\"%.2f\" "
		    "width=\"%.2f\" height=\"%.2f\" fill=\"url(#hm-missing)\" "
		    "stroke=\"#ffffff\" stroke-width=\"1\"/>\n", x, y, cw, ch);
	}
	fprintf(f, "<text class=\"value\" x=\"%.2f\" y=\"%.2f\" "
	    "font-size=\"%.1f\" fill=\"%s\" text-anchor=\"middle\">",
	    x + cw / 2, y + ch / 2 + fs * (mark != NULL ? 0.1 : 0.35), fs, ink);
	if (isfinite(v))
		svg_write_number(f, v, 2);
	else
		fputs(isnan(v) ? "missing" : v > 0 ? "inf" : "\xe2\x88\x92inf",
		    f);
	fputs("</text>\n", f);
	if (mark != NULL) {
		fprintf(f, "<text class=\"mark\" x=\"%.2f\" y=\"%.2f\" "
		    "font-size=\"%.1f\" fill=\"%s\" text-anchor=\"middle\">",
		    x + cw / 2, y + ch / 2 + fs * 1.1, 0.8 * fs, ink);
		svg_write_escaped(f, mark);
		fputs("</text>\n", f);
	}
}

/* The category labels under the columns and left of the rows, and the
 * axis labels. */
static void
hm_axes(FILE *f, const struct svg_heatmap *h)
{
	double cw = (HM_RIGHT - HM_LEFT) / h->nx, ch = (HM_BOTTOM - HM_TOP) / h->ny;

	fputs("<g class=\"x-ticks\" font-size=\"12\" fill=\"#333\" "
	    "text-anchor=\"middle\">\n", f);
	for (int c = 0; c < h->nx; c++) {
		fprintf(f, "<text x=\"%.2f\" y=\"%.2f\">", HM_LEFT + (c + 0.5) *
		    cw, HM_BOTTOM + 18);
		svg_write_escaped(f, h->xticks[c]);
		fputs("</text>\n", f);
	}
	fputs("</g>\n<g class=\"y-ticks\" font-size=\"12\" fill=\"#333\" "
	    "text-anchor=\"end\">\n", f);
	for (int r = 0; r < h->ny; r++) {
		fprintf(f, "<text x=\"%.2f\" y=\"%.2f\">", HM_LEFT - 8,
		    HM_BOTTOM - (r + 0.5) * ch + 4);
		svg_write_escaped(f, h->yticks[r]);
		fputs("</text>\n", f);
	}
	fputs("</g>\n", f);
	fprintf(f, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"14\" "
	    "text-anchor=\"middle\">", (HM_LEFT + HM_RIGHT) / 2, HM_BOTTOM + 46);
	svg_write_escaped(f, h->xlabel);
	fprintf(f, "</text>\n<text x=\"22\" y=\"%.2f\" font-size=\"14\" "
	    "text-anchor=\"middle\" transform=\"rotate(-90 22 %.2f)\">",
	    (HM_TOP + HM_BOTTOM) / 2, (HM_TOP + HM_BOTTOM) / 2);
	svg_write_escaped(f, h->ylabel);
	fputs("</text>\n", f);
}

/* The colour bar: the scale's stops as a gradient, ticks at a nice step,
 * its label; and the missing cells' swatch when there are any. */
static void
hm_bar(FILE *f, const struct svg_heatmap *h, const struct hm_scale *sc)
{
	double step = svg_tick_step(sc->lo, sc->hi, 5), v, y;
	int dec = svg_decimals(step), missing = 0;

	fputs("<defs><linearGradient id=\"hm-scale\" x1=\"0\" y1=\"1\" "
	    "x2=\"0\" y2=\"0\">\n", f);
	for (int i = 0; i < HM_STOPS; i++)
		fprintf(f, "<stop offset=\"%.2f\" stop-color=\"#%02x%02x%02x\"/>\n",
		    (double)i / (HM_STOPS - 1), sc->stops[i][0], sc->stops[i][1],
		    sc->stops[i][2]);
	fputs("</linearGradient></defs>\n<g class=\"colour-bar\" "
	    "font-size=\"11\" fill=\"#333\">\n", f);
	fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" "
	    "fill=\"url(#hm-scale)\" stroke=\"#333\" stroke-width=\"0.8\"/>\n",
	    HM_BAR_X, HM_TOP, HM_BAR_W, HM_BOTTOM - HM_TOP);
	for (int i = 0; (v = (ceil(sc->lo / step - 1e-9) + i) * step) <=
	    sc->hi + 1e-9 * step; i++) {
		y = HM_BOTTOM - (v - sc->lo) / (sc->hi - sc->lo) *
		    (HM_BOTTOM - HM_TOP);
		fprintf(f, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" "
		    "y2=\"%.2f\" stroke=\"#333\" stroke-width=\"1\"/>\n",
		    HM_BAR_X + HM_BAR_W, y, HM_BAR_X + HM_BAR_W + 4, y);
		fprintf(f, "<text x=\"%.2f\" y=\"%.2f\">", HM_BAR_X + HM_BAR_W +
		    7, y + 4);
		svg_write_number(f, v, dec);
		fputs("</text>\n", f);
	}
	if (h->bar_label != NULL) {
		fprintf(f, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"13\" "
		    "text-anchor=\"middle\" transform=\"rotate(90 %.2f %.2f)"
		    "\">", HM_BAR_X + 78, (HM_TOP + HM_BOTTOM) / 2, HM_BAR_X + 78,
		    (HM_TOP + HM_BOTTOM) / 2);
		svg_write_escaped(f, h->bar_label);
		fputs("</text>\n", f);
	}
	for (int i = 0; i < h->nx * h->ny; i++)
		missing += !isfinite(h->value[i]);
	if (missing > 0)
		fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
		    "height=\"12\" fill=\"url(#hm-missing)\"/>\n<text x=\"%.2f\" "
		    "y=\"%.2f\">missing</text>\n", HM_BAR_X, HM_BOTTOM + 12,
		    HM_BAR_W, HM_BAR_X + HM_BAR_W + 7, HM_BOTTOM + 22);
	fputs("</g>\n", f);
}

/* Write the heatmap as a standalone SVG document; 0, or -1 on a write
 * error. */
int
svg_heatmap_write(FILE *f, const struct svg_heatmap *h)
{
	locale_t c_loc = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	locale_t old = c_loc != (locale_t)0 ? uselocale(c_loc) : (locale_t)0;
	struct hm_scale sc;
	double y = 48;

	hm_scale_of(h, &sc);
	svg_begin(f, HM_W, HM_H, h->title);
	fputs("<defs><pattern id=\"hm-missing\" width=\"8\" "
	    "height=\"8\" patternUnits=\"userSpaceOnUse\" "
	    "patternTransform=\"rotate(45)\"><rect width=\"8\" height=\"8\" "
	    "fill=\"#d9d9d9\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"8\" "
	    "stroke=\"#b0b0b0\" stroke-width=\"3\"/></pattern></defs>\n", f);
	fprintf(f, "<rect x=\"0\" y=\"0\" width=\"%.0f\" height=\"%.0f\" "
	    "fill=\"#ffffff\"/>\n<text x=\"%.2f\" y=\"28\" font-size=\"17\" "
	    "font-weight=\"bold\">", HM_W, HM_H, HM_LEFT);
	svg_write_escaped(f, h->title);
	fputs("</text>\n", f);
	for (const char *q = h->subtitle; q != NULL && *q != '\0' &&
	    y < HM_TOP - 10; y += 16) {	/* a <text> per line */
		size_t n = strcspn(q, "\n");

		fprintf(f, "<text x=\"%.2f\" y=\"%.0f\" font-size=\"12\" "
		    "fill=\"#555\">", HM_LEFT, y);
		svg_escape_n(f, q, n);
		fputs("</text>\n", f);
		q += n + (q[n] == '\n');
	}
	fputs("<g class=\"cells\">\n", f);
	for (int r = 0; r < h->ny; r++)
		for (int c = 0; c < h->nx; c++)
			hm_cell(f, h, &sc, r, c);
	fputs("</g>\n", f);
	hm_axes(f, h);
	hm_bar(f, h, &sc);
	fputs("</svg>\n", f);
	if (c_loc != (locale_t)0) {
		uselocale(old);
		freelocale(c_loc);
	}
	return ferror(f) ? -1 : 0;
}
