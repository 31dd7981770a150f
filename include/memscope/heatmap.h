/*
 * Heatmaps of matrices on the canvas: a diverging scale centred on zero.
 * In colour, UTF-8 half blocks give two square-ish pixels per cell (▀ with
 * the upper entry as foreground, the lower as background); in ASCII colour,
 * one entry is two blank cells of its colour; without colour, one entry is
 * two cells: its sign and a glyph whose density is its magnitude. A compact
 * heatmap takes one cell per entry in those two modes (in mono, one glyph of
 * a diverging ramp, "#=-, .+*@").
 */
#ifndef MEMSCOPE_HEATMAP_H
#define MEMSCOPE_HEATMAP_H

#include <stdbool.h>

#include "memscope/canvas.h"

/* The colour level of v on a scale of ±range: COL_HEAT_0 .. COL_HEAT_10. */
enum colour_role heatmap_level(double v, double range);

/* The largest scale (pixels per entry, ≥ 1) at which a rows × cols matrix
 * fits in maxw × maxh cells, and the cells it then takes; scale 0 (and
 * w = h = 0) if it does not fit at all. */
int heatmap_fit(const struct canvas *c, int rows, int cols, int maxw,
    int maxh, bool compact, int *w, int *h);

/* The cells a rows × cols matrix takes at a scale. */
void heatmap_size(const struct canvas *c, int rows, int cols, int scale,
    bool compact, int *w, int *h);

/* Draw m (rows × cols, row-major) with its top-left cell at (x, y) at the
 * given scale from heatmap_fit, on a scale of ±range. */
void heatmap_draw(struct canvas *c, int x, int y, const double *m, int rows,
    int cols, double range, int scale, bool compact);

/* A legend "−r ▀▀▀▀ 0 ▀▀▀▀ +r" in at most w cells; returns the cells used. */
int heatmap_legend(struct canvas *c, int x, int y, int w, double range,
    bool compact);

/* max |m[i]| over n entries (0 when all are zero or non-finite). */
double heatmap_range(const double *m, int n);

#endif
