/*
 * SVG line plots (svg.h).
 *
 * Layout: a fixed 800×460 canvas; the plot area on the left, the legend in a
 * column to its right (so it never covers a line) with the note under it,
 * the title and subtitle (up to two lines) above, the axis labels below and
 * to the left. The y range covers every finite y ± band, padded by 6%, with
 * ticks at a "nice" step; y_min, with clip_y, cuts the range from below and
 * the series are clipped to the plot area. The x range covers the points,
 * with a quarter unit of margin when integer_x is set.
 *
 * Per series, in drawing order: the band as one <polygon> per run of finite
 * points (fill only, translucent), then the line as exactly one <path>
 * (a non-finite y lifts the pen: the next finite point starts with "M"),
 * then a <circle> marker per finite point (the floor's rule under the
 * lines), and last each series' reference values as hollow rings. Numbers are printed in the C
 * locale (uselocale), whatever LC_NUMERIC the program runs in.
 */
#include <locale.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "memscope/svg.h"

#define SVG_W 800.0
#define SVG_H 460.0
#define SVG_LEFT 78.0		/* plot area */
#define SVG_RIGHT 540.0
#define SVG_TOP 84.0
#define SVG_WRAP 100		/* subtitle characters per line */
#define SVG_BOTTOM 400.0
#define SVG_LEGEND_X 556.0

/* Okabe–Ito colours: distinguishable with the common colour-vision deficiencies. */
static const char *svg_colours[] = {
	"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9",
	"#000000", "#999999"
};
#define SVG_NCOLOURS (sizeof svg_colours / sizeof svg_colours[0])

struct svg_frame {
	double x0, x1, y0, y1;	/* data range shown (x: its log10 with
				 * log_x) */
	bool log_x;
};

/* Where x goes on the frame's x scale (log10 x on a log axis; NaN for
 * x <= 0 there, which the range leaves out). */
static double
svg_fx(const struct svg_frame *fr, double x)
{
	return !fr->log_x ? x : x > 0 ? log10(x) : NAN;
}

/* Series s's colour: its own, or the palette's s-th. */
static const char *
svg_colour(const struct svg_plot *p, int s)
{
	if (p->series[s].colour != NULL)
		return p->series[s].colour;
	return svg_colours[s % SVG_NCOLOURS];
}

/* The lower edge of a band, y − b, but not under the floor: no value lies
 * below it. */
static double
svg_band_low(const struct svg_plot *p, double y, double b)
{
	if (p->floor && isfinite(p->floor_y) && y >= p->floor_y)
		return fmax(y - b, p->floor_y);
	return y - b;
}

/* Whether any series has a finite reference value. */
static bool
svg_has_ref(const struct svg_plot *p)
{
	for (int s = 0; s < p->nseries; s++)
		for (int i = 0; p->series[s].ref != NULL &&
		    i < p->series[s].n; i++)
			if (isfinite(p->series[s].ref[i]))
				return true;
	return false;
}

/* The first n bytes of s (or up to its end), escaped. */
void
svg_escape_n(FILE *f, const char *s, size_t n)
{
	for (; s != NULL && n > 0 && *s != '\0'; s++, n--) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&apos;", f);
			break;
		default:
			fputc(*s, f);
			break;
		}
	}
}

/* Write s with the five XML special characters escaped; 0 or -1. */
int
svg_write_escaped(FILE *f, const char *s)
{
	svg_escape_n(f, s, (size_t)-1);
	return ferror(f) ? -1 : 0;
}

/* A "nice" tick step (1, 2, 2.5 or 5 times a power of ten) giving about
 * `ticks` intervals over [lo, hi]. */
double
svg_tick_step(double lo, double hi, int ticks)
{
	double raw, mag, m;

	if (!(hi > lo) || ticks < 1)
		return 1.0;
	raw = (hi - lo) / ticks;
	mag = pow(10.0, floor(log10(raw)));
	m = raw / mag;
	if (m <= 1.0)
		return mag;
	if (m <= 2.0)
		return 2.0 * mag;
	if (m <= 2.5)
		return 2.5 * mag;
	if (m <= 5.0)
		return 5.0 * mag;
	return 10.0 * mag;
}

/* Decimals needed to print multiples of step exactly. */
int
svg_decimals(double step)
{
	int dec = 0;

	while (dec < 6 && fabs(step * pow(10.0, dec) -
	    floor(step * pow(10.0, dec) + 0.5)) > 1e-6)
		dec++;
	return dec;
}

static double
svg_px(const struct svg_frame *fr, double x)
{
	return SVG_LEFT + (svg_fx(fr, x) - fr->x0) / (fr->x1 - fr->x0) *
	    (SVG_RIGHT - SVG_LEFT);
}

static double
svg_py(const struct svg_frame *fr, double y)
{
	return SVG_BOTTOM - (y - fr->y0) / (fr->y1 - fr->y0) *
	    (SVG_BOTTOM - SVG_TOP);
}

/* The data range over every finite point (with its band). */
static void
svg_range(const struct svg_plot *p, struct svg_frame *fr)
{
	double xmin = INFINITY, xmax = -INFINITY;
	double ymin = INFINITY, ymax = -INFINITY, pad;

	fr->log_x = p->log_x;
	for (int s = 0; s < p->nseries; s++) {
		const struct svg_series *se = &p->series[s];

		for (int i = 0; i < se->n; i++) {
			double b = se->band != NULL && isfinite(se->band[i]) ?
			    fabs(se->band[i]) : 0.0;

			if (!isfinite(svg_fx(fr, se->x[i])) ||
			    !isfinite(se->y[i]))
				continue;
			xmin = fmin(xmin, svg_fx(fr, se->x[i]));
			xmax = fmax(xmax, svg_fx(fr, se->x[i]));
			if (p->clip_y && se->y[i] < p->y_min)
				continue;	/* off the axis */
			ymin = fmin(ymin, svg_band_low(p, se->y[i], b));
			ymax = fmax(ymax, se->y[i] + b);
		}
		for (int i = 0; se->ref != NULL && i < se->n; i++) {
			double r = se->ref[i];

			if (!isfinite(svg_fx(fr, se->x[i])) || !isfinite(r) ||
			    (p->clip_y && r < p->y_min))
				continue;
			xmin = fmin(xmin, svg_fx(fr, se->x[i]));
			xmax = fmax(xmax, svg_fx(fr, se->x[i]));
			ymin = fmin(ymin, r);
			ymax = fmax(ymax, r);
		}
	}
	if (!isfinite(xmin)) {		/* nothing finite: an empty frame */
		xmin = 0.0;
		xmax = 1.0;
	}
	if (!isfinite(ymin)) {
		ymin = p->clip_y ? p->y_min : 0.0;
		ymax = ymin + 1.0;
	}
	if (xmax - xmin < 1e-12) {
		xmin -= 0.5;
		xmax += 0.5;
	}
	if (ymax - ymin < 1e-12) {
		ymin -= 0.5;
		ymax += 0.5;
	}
	if (p->integer_x) {
		fr->x0 = floor(xmin) - 0.25;
		fr->x1 = ceil(xmax) + 0.25;
	} else {
		pad = 0.04 * (xmax - xmin);
		fr->x0 = xmin - pad;
		fr->x1 = xmax + pad;
	}
	pad = 0.06 * (ymax - ymin);
	fr->y0 = ymin - pad;
	fr->y1 = ymax + pad;
	if (p->clip_y)
		fr->y0 = p->y_min;
}

/* A number with dec decimals and a typographic minus (never "-0.00"). */
void
svg_write_number(FILE *f, double v, int dec)
{
	char buf[64];

	if (fabs(v) < 0.5 * pow(10.0, -dec))
		v = 0.0;
	snprintf(buf, sizeof buf, "%.*f", dec, v);
	if (buf[0] == '-')
		fprintf(f, "\xe2\x88\x92%s", buf + 1);
	else
		fputs(buf, f);
}

static void
svg_axes(FILE *f, const struct svg_plot *p, const struct svg_frame *fr)
{
	double step, v, first, xstep;
	int dec;

	/* grid and y ticks */
	step = svg_tick_step(fr->y0, fr->y1, 8);
	dec = svg_decimals(step);
	first = ceil(fr->y0 / step - 1e-9) * step;
	fputs("<g class=\"y-ticks\" font-size=\"12\" fill=\"#333\" "
	    "text-anchor=\"end\">\n", f);
	for (int i = 0; (v = first + i * step) <= fr->y1 + 1e-9 * step; i++) {
		double y = svg_py(fr, v);

		fprintf(f, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" "
		    "y2=\"%.2f\" stroke=\"#e4e4e4\" stroke-width=\"1\"/>\n",
		    SVG_LEFT, y, SVG_RIGHT, y);
		fprintf(f, "<text x=\"%.2f\" y=\"%.2f\">", SVG_LEFT - 8, y + 4);
		svg_write_number(f, v, dec);
		fputs("</text>\n", f);
	}
	fputs("</g>\n", f);

	/* x ticks (a log axis: at the powers of ten) */
	xstep = p->integer_x || fr->log_x ? fmax(1.0, ceil(svg_tick_step(
	    fr->x0, fr->x1, 8))) : svg_tick_step(fr->x0, fr->x1, 8);
	dec = p->integer_x || fr->log_x ? 0 : svg_decimals(xstep);
	first = ceil(fr->x0 / xstep - 1e-9) * xstep;
	fputs("<g class=\"x-ticks\" font-size=\"12\" fill=\"#333\" "
	    "text-anchor=\"middle\">\n", f);
	for (int i = 0; (v = first + i * xstep) <= fr->x1 + 1e-9 * xstep; i++) {
		double x;

		if (fr->log_x)
			v = pow(10.0, v);
		x = svg_px(fr, v);

		fprintf(f, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" "
		    "y2=\"%.2f\" stroke=\"#333\" stroke-width=\"1\"/>\n",
		    x, SVG_BOTTOM, x, SVG_BOTTOM + 5);
		fprintf(f, "<text x=\"%.2f\" y=\"%.2f\">", x, SVG_BOTTOM + 20);
		svg_write_number(f, v, dec);
		fputs("</text>\n", f);
	}
	fputs("</g>\n", f);

	/* the frame's left and bottom edges */
	fprintf(f, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" "
	    "stroke=\"#333\" stroke-width=\"1.2\"/>\n", SVG_LEFT, SVG_TOP,
	    SVG_LEFT, SVG_BOTTOM);
	fprintf(f, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" "
	    "stroke=\"#333\" stroke-width=\"1.2\"/>\n", SVG_LEFT, SVG_BOTTOM,
	    SVG_RIGHT, SVG_BOTTOM);

	/* axis labels */
	fprintf(f, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"14\" "
	    "text-anchor=\"middle\">", (SVG_LEFT + SVG_RIGHT) / 2,
	    SVG_BOTTOM + 44);
	svg_write_escaped(f, p->xlabel);
	fputs("</text>\n", f);
	fprintf(f, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"14\" "
	    "text-anchor=\"middle\" transform=\"rotate(-90 %.2f %.2f)\">",
	    22.0, (SVG_TOP + SVG_BOTTOM) / 2, 22.0, (SVG_TOP + SVG_BOTTOM) / 2);
	svg_write_escaped(f, p->ylabel);
	fputs("</text>\n", f);
}

/* The ± band of one series: a polygon per run of finite points. */
static void
svg_band(FILE *f, const struct svg_plot *p, const struct svg_series *se,
    const struct svg_frame *fr, const char *colour)
{
	int i = 0, j, k;

	if (se->band == NULL)
		return;
	while (i < se->n) {
		while (i < se->n && !(isfinite(se->y[i]) &&
		    isfinite(se->band[i])))
			i++;
		j = i;
		while (j < se->n && isfinite(se->y[j]) && isfinite(se->band[j]))
			j++;
		if (j > i) {
			fprintf(f, "<polygon fill=\"%s\" fill-opacity=\"0.16\" "
			    "stroke=\"none\" points=\"", colour);
			for (k = i; k < j; k++)
				fprintf(f, "%.2f,%.2f ", svg_px(fr, se->x[k]),
				    svg_py(fr, se->y[k] + fabs(se->band[k])));
			for (k = j - 1; k >= i; k--)
				fprintf(f, "%.2f,%.2f%s", svg_px(fr, se->x[k]),
				    svg_py(fr, svg_band_low(p, se->y[k],
				    fabs(se->band[k]))),
				    k > i ? " " : "");
			fputs("\"/>\n", f);
		}
		i = j;
	}
}

/* A series' stroke pattern attribute: dashed, dotted or solid. */
static const char *
svg_dash(const struct svg_series *se)
{
	if (se->dashed)
		return " stroke-dasharray=\"7 4\"";
	return se->dotted ? " stroke-dasharray=\"1.5 3.5\" "
	    "stroke-linecap=\"round\"" : "";
}

/* The line of one series: exactly one <path>, then its markers. */
static void
svg_line(FILE *f, const struct svg_series *se, const struct svg_frame *fr,
    const char *colour)
{
	int pen = 0, first = 1;

	fprintf(f, "<path class=\"series\" fill=\"none\" stroke=\"%s\" "
	    "stroke-width=\"2.2\"%s d=\"", colour, svg_dash(se));
	for (int i = 0; i < se->n; i++) {
		if (!isfinite(se->x[i]) || !isfinite(se->y[i])) {
			pen = 0;
			continue;
		}
		fprintf(f, "%s%c%.2f,%.2f", first ? "" : " ", pen ? 'L' : 'M',
		    svg_px(fr, se->x[i]), svg_py(fr, se->y[i]));
		pen = 1;
		first = 0;
	}
	fputs("\"><title>", f);
	svg_write_escaped(f, se->name);
	fputs("</title></path>\n", f);
	for (int i = 0; i < se->n; i++) {
		if (!isfinite(se->x[i]) || !isfinite(se->y[i]))
			continue;
		fprintf(f, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"3.2\" "
		    "fill=\"%s\"/>\n", svg_px(fr, se->x[i]),
		    svg_py(fr, se->y[i]), colour);
	}
}

/* A reference value's marker: a hollow ring at (x, y) in pixels. */
static void
svg_ring(FILE *f, double x, double y, const char *colour)
{
	fprintf(f, "<circle class=\"ref\" cx=\"%.2f\" cy=\"%.2f\" "
	    "r=\"5.5\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\"/>\n",
	    x, y, colour);
}

/* The reference values of one series: hollow rings in its colour. */
static void
svg_ref(FILE *f, const struct svg_series *se, const struct svg_frame *fr,
    const char *colour)
{
	for (int i = 0; se->ref != NULL && i < se->n; i++)
		if (isfinite(se->x[i]) && isfinite(se->ref[i]))
			svg_ring(f, svg_px(fr, se->x[i]),
			    svg_py(fr, se->ref[i]), colour);
}

/* The floor: a grey rule labelled above its right end, or, below the
 * axis, the label alone at the bottom of the plot. */
static void
svg_floor(FILE *f, const struct svg_plot *p, const struct svg_frame *fr)
{
	const char *label = p->floor_label != NULL ? p->floor_label : "floor";
	double y;

	if (!p->floor || !isfinite(p->floor_y) || p->floor_y > fr->y1)
		return;
	fputs("<g class=\"floor\" font-size=\"11\" fill=\"#555\" "
	    "text-anchor=\"end\">\n", f);
	if (p->floor_y >= fr->y0) {
		y = svg_py(fr, p->floor_y);
		fprintf(f, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" "
		    "y2=\"%.2f\" stroke=\"#777\" stroke-width=\"1\" "
		    "stroke-dasharray=\"2 3\"/>\n", SVG_LEFT, y, SVG_RIGHT, y);
		fprintf(f, "<text x=\"%.2f\" y=\"%.2f\">", SVG_RIGHT - 4,
		    y - 4);
		svg_write_escaped(f, label);
	} else {
		fprintf(f, "<text x=\"%.2f\" y=\"%.2f\">", SVG_RIGHT - 4,
		    SVG_BOTTOM - 6);
		svg_write_escaped(f, label);
		fputs(": below the axis", f);
	}
	fputs("</text>\n</g>\n", f);
}

/* The subtitle on one line, or two split at a space near SVG_WRAP. */
static void
svg_subtitle(FILE *f, const char *sub)
{
	size_t len = strlen(sub), cut = len;

	if (len > SVG_WRAP) {
		for (cut = SVG_WRAP; cut > 0 && sub[cut] != ' '; cut--)
			;
		if (cut == 0)
			cut = len;
	}
	fprintf(f, "<text x=\"%.2f\" y=\"48\" font-size=\"12\" "
	    "fill=\"#555\">", SVG_LEFT);
	svg_escape_n(f, sub, cut);
	fputs("</text>\n", f);
	if (cut < len) {
		fprintf(f, "<text x=\"%.2f\" y=\"64\" font-size=\"12\" "
		    "fill=\"#555\">", SVG_LEFT);
		svg_write_escaped(f, sub + cut + 1);
		fputs("</text>\n", f);
	}
}

static void
svg_legend(FILE *f, const struct svg_plot *p)
{
	double y = SVG_TOP + 8;

	fputs("<g class=\"legend\" font-size=\"13\">\n", f);
	for (int s = 0; s < p->nseries; s++, y += 24) {
		const struct svg_series *se = &p->series[s];
		const char *c = svg_colour(p, s);

		fprintf(f, "<rect x=\"%.2f\" y=\"%.2f\" width=\"30\" "
		    "height=\"12\" fill=\"%s\" fill-opacity=\"%s\"/>\n",
		    SVG_LEGEND_X, y - 6, c, se->band != NULL ? "0.16" : "0");
		fprintf(f, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" "
		    "y2=\"%.2f\" stroke=\"%s\" stroke-width=\"2.2\"%s/>\n",
		    SVG_LEGEND_X, y, SVG_LEGEND_X + 30, y, c, svg_dash(se));
		fprintf(f, "<text x=\"%.2f\" y=\"%.2f\">", SVG_LEGEND_X + 38,
		    y + 4.5);
		svg_write_escaped(f, se->name);
		fputs("</text>\n", f);
	}
	if (svg_has_ref(p)) {		/* the reference markers, once */
		svg_ring(f, SVG_LEGEND_X + 15, y, "#333");
		fprintf(f, "<text x=\"%.2f\" y=\"%.2f\">", SVG_LEGEND_X + 38,
		    y + 4.5);
		svg_write_escaped(f, p->ref_name != NULL ? p->ref_name :
		    "reference");
		fputs("</text>\n", f);
		y += 24;
	}
	/* the note, a <text> per line */
	for (const char *q = p->note; q != NULL && *q != '\0'; y += 16) {
		size_t n = strcspn(q, "\n");

		fprintf(f, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"11\" "
		    "fill=\"#555\">", SVG_LEGEND_X, y + 8);
		svg_escape_n(f, q, n);
		fputs("</text>\n", f);
		q += n;
		if (*q == '\n')
			q++;
	}
	fputs("</g>\n", f);
}

/* The start of a standalone document of w by h: the XML declaration, the
 * <svg> element and its <title>. */
void
svg_begin(FILE *f, double w, double h, const char *title)
{
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
	    "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
	    "font-family=\"Helvetica, Arial, sans-serif\">\n", w, h, w, h);
	fputs("<title>", f);
	svg_write_escaped(f, title);
	fputs("</title>\n", f);
}

/* Write the plot as a standalone SVG document; 0, or -1 on a write error. */
int
svg_write_plot(FILE *f, const struct svg_plot *p)
{
	struct svg_frame fr;
	locale_t c_loc, old = (locale_t)0;

	c_loc = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	if (c_loc != (locale_t)0)
		old = uselocale(c_loc);
	svg_range(p, &fr);

	svg_begin(f, SVG_W, SVG_H, p->title);
	fprintf(f, "<rect x=\"0\" y=\"0\" width=\"%.0f\" height=\"%.0f\" "
	    "fill=\"#ffffff\"/>\n", SVG_W, SVG_H);
	fprintf(f, "<text x=\"%.2f\" y=\"28\" font-size=\"17\" "
	    "font-weight=\"bold\">", SVG_LEFT);
	svg_write_escaped(f, p->title);
	fputs("</text>\n", f);
	if (p->subtitle != NULL)
		svg_subtitle(f, p->subtitle);
	svg_axes(f, p, &fr);
	fprintf(f, "<defs><clipPath id=\"plot-area\"><rect x=\"%.2f\" "
	    "y=\"%.2f\" width=\"%.2f\" height=\"%.2f\"/></clipPath></defs>\n",
	    SVG_LEFT, SVG_TOP - 6, SVG_RIGHT - SVG_LEFT,
	    SVG_BOTTOM - SVG_TOP + 12);
	fputs("<g clip-path=\"url(#plot-area)\">\n", f);
	for (int s = 0; s < p->nseries; s++)
		svg_band(f, p, &p->series[s], &fr, svg_colour(p, s));
	svg_floor(f, p, &fr);
	for (int s = 0; s < p->nseries; s++)
		svg_line(f, &p->series[s], &fr, svg_colour(p, s));
	for (int s = 0; s < p->nseries; s++)
		svg_ref(f, &p->series[s], &fr, svg_colour(p, s));
	fputs("</g>\n", f);
	svg_legend(f, p);
	fputs("</svg>\n", f);

	if (c_loc != (locale_t)0) {
		uselocale(old);
		freelocale(c_loc);
	}
	return ferror(f) ? -1 : 0;
}
