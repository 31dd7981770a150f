/*
 * SVG heatmaps (sweep merge's figure of a metric over two settings): a
 * grid of cells, each exactly one <rect class="cell"> coloured by its
 * value on a diverging scale centred at 0 (a difference: blue below 0,
 * red above) or a sequential one, the value printed in it, an "n/N" mark
 * where it has fewer values than planned, and a hatched grey "missing"
 * cell where it has none; category tick labels on both axes, a title, a
 * subtitle and a colour bar with ticks. Standalone, well-formed XML in the
 * style of svg.h; numbers in the C locale.
 */
#ifndef MEMSCOPE_SVG_HEATMAP_H
#define MEMSCOPE_SVG_HEATMAP_H

#include <stdbool.h>
#include <stdio.h>

struct svg_heatmap {
	const char *title;
	const char *subtitle;	/* lines ('\n'; two fit), or NULL */
	const char *xlabel;
	const char *ylabel;
	const char *bar_label;	/* the colour bar's, or NULL */
	int nx, ny;		/* columns (left to right), rows (bottom up) */
	const char *const *xticks;	/* (nx) each column's label */
	const char *const *yticks;	/* (ny) each row's label */
	const double *value;	/* (ny, nx) row-major; non-finite: missing */
	const char *const *mark;	/* (ny, nx) "3/5" where incomplete, or
					 * NULL each; or NULL for none */
	bool diverging;		/* a difference: centred at 0 */
};

/* Write the heatmap as a standalone SVG document; 0, or -1 on a write
 * error. */
int svg_heatmap_write(FILE *f, const struct svg_heatmap *h);

#endif
