/*
 * Dot plots on the canvas: a rectangle of cells becomes a grid of dots
 * (braille 2×4 per cell in UTF-8, 1×3 per cell in ASCII) over a data range;
 * lines are drawn in data coordinates and rendered into the cells.
 */
#ifndef MEMSCOPE_PLOT_H
#define MEMSCOPE_PLOT_H

#include <stdint.h>

#include "memscope/canvas.h"

struct plot {
	struct rect r;		/* cells */
	int dx, dy;		/* dots per cell */
	int pw, ph;		/* dots across and down */
	double x0, x1, y0, y1;	/* data range: x0 left, y0 bottom */
	uint8_t *mask;		/* (r.h, r.w) dot bits per cell */
	uint8_t *col;		/* (r.h, r.w) enum colour_role of the last line */
	bool utf8;
};

/* A plot over r of canvas c's glyph mode, data range [x0,x1] × [y0,y1]. */
void plot_init(struct plot *p, const struct canvas *c, struct rect r,
    double x0, double x1, double y0, double y1);
void plot_free(struct plot *p);
/* A line between two data points (clipped to the plot). */
void plot_line(struct plot *p, double xa, double ya, double xb, double yb,
    enum colour_role col);
/* A polyline through the finite points (x[i], y[i]); non-finite y break
 * nothing: they are skipped, and their neighbours joined. */
void plot_curve(struct plot *p, const double *x, const double *y, int n,
    enum colour_role col);
/* The cell column of data x, the cell row of data y (may be outside r). */
int plot_col(const struct plot *p, double x);
int plot_row(const struct plot *p, double y);
/* Write the dots into the canvas (cells without dots are left alone). */
void plot_render(const struct plot *p, struct canvas *c);

/* A "nice" tick label for v: 4 significant characters or fewer, into buf. */
const char *plot_label(double v, char *buf, int len);

#endif
