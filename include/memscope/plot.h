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
	uint8_t *faded;		/* (r.h, r.w) 1: only faded lines' dots */
	bool utf8;
	long seq;		/* dots along the line being drawn */
	int lx, ly;		/* its last dot */
};

#define PLOT_STYLES 8		/* line styles: one per run slot */

/* How a line is drawn: its colour, its line style (a dash pattern over
 * the dots along it: 0 solid, 1 dashed, 2 dotted, 3 dash-dot, ...),
 * thick (each dot and the one below it), faded (dimmed, and beneath: a
 * cell a normal line crosses shows only the normal line's dots). */
struct plot_pen {
	enum colour_role col;
	int style;		/* 0 .. PLOT_STYLES - 1 */
	bool thick;
	bool faded;
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
/* The same with a pen; the dash pattern starts afresh at its first dot. */
void plot_line_pen(struct plot *p, double xa, double ya, double xb,
    double yb, const struct plot_pen *pen);
/* plot_curve with a pen: the dash pattern runs on along the whole curve. */
void plot_curve_pen(struct plot *p, const double *x, const double *y, int n,
    const struct plot_pen *pen);
/* Whether dot i (0, 1, ...) along a line of style is drawn. */
bool plot_style_on(int style, long i);
/* The name of a line style ("dashed"). */
const char *plot_style_name(int style);
#define PLOT_SAMPLE_DOTS 8	/* a sample this many dots wide shows every
				 * style's whole pattern */
/* The cells a legend's sample takes: PLOT_SAMPLE_DOTS dots across. */
int plot_sample_cells(bool utf8);
/* A sample of pen's line, w cells wide, in row y from x (a legend's). */
void plot_sample(struct canvas *c, int x, int y, int w,
    const struct plot_pen *pen);

/* The cell column of data x, the cell row of data y (may be outside r). */
int plot_col(const struct plot *p, double x);
int plot_row(const struct plot *p, double y);
/* Write the dots into the canvas (cells without dots are left alone). */
void plot_render(const struct plot *p, struct canvas *c);

/* Exponential moving average of v (n) into out, as TensorBoard smooths
 * scalars: last = w last + (1 - w) v_i over the finite values, divided by
 * 1 - w^k after k of them (debiased, so the start is not pulled to 0);
 * non-finite values pass through and do not count; a constant series is
 * copied. w is clamped to [0, 0.999]; out may be v. */
void plot_ema(const double *v, int n, double w, double *out);
/* The last i with x[i] <= at and y[i] finite (x increasing), or -1: the
 * point a cursor at `at` reads. */
int plot_index_at(const double *x, const double *y, int n, double at);
/* Rows for n labels that want rows want[i] inside [top, bottom]: each
 * gets its row, or if an earlier one took it the nearest free row below,
 * else above (none lost while n <= bottom - top + 1; beyond that the rest
 * get -1). Labels are placed in increasing order of want. */
void plot_stack_rows(const int *want, int n, int top, int bottom, int *got);

/* A "nice" tick label for v: 4 significant characters or fewer, into buf. */
const char *plot_label(double v, char *buf, int len);

#endif
