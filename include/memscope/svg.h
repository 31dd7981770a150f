/*
 * SVG line plots for the reproduced figures: one line per series through its
 * points, an optional ± band around it, a legend, axis labels, ticks and a
 * title. A long subtitle is wrapped. The document is standalone, well-formed
 * XML; each series is exactly one <path> (bands are <polygon>s, markers
 * <circle>s, axes and the floor <line>s), so a reader can count the
 * plotted models. Reference values are hollow <circle class="ref">s in
 * their series' colour. Numbers are written in the C locale.
 */
#ifndef MEMSCOPE_SVG_H
#define MEMSCOPE_SVG_H

#include <stdbool.h>
#include <stdio.h>

struct svg_series {
	const char *name;	/* legend text (escaped on output) */
	int n;			/* points */
	const double *x;	/* (n) */
	const double *y;	/* (n); non-finite values break the line */
	const double *band;	/* (n) half-width of the band around y, or NULL */
	bool dashed;		/* drawn dashed (reproduce: training-batch lines) */
	const char *colour;	/* "#rrggbb", or NULL: the palette's s-th */
	const double *ref;	/* (n) reference values (the paper's) drawn as
				 * hollow markers in the line's colour, or
				 * NULL; non-finite: no marker */
	bool dotted;		/* drawn dotted (reproduce: theory lines) */
};

struct svg_plot {
	const char *title;
	const char *subtitle;	/* smaller line under the title, or NULL */
	const char *xlabel;
	const char *ylabel;
	bool integer_x;		/* x ticks at the integers only (layers) */
	bool log_x;		/* a logarithmic x axis, ticks at the powers
				 * of ten (every x must be > 0) */
	bool clip_y;		/* cut the y axis at y_min (else from the data) */
	double y_min;		/* with clip_y: lower end of the y axis; lines
				 * below it leave the plot */
	const char *note;	/* lines ('\n') under the legend, or NULL */
	const char *ref_name;	/* legend entry of the ref markers, once
				 * (NULL: "reference") */
	bool floor;		/* a labelled rule at floor_y (if below the
				 * axis: the label at its bottom); bands
				 * stop at it */
	double floor_y;
	const char *floor_label;	/* NULL: "floor" */
	int nseries;
	const struct svg_series *series;
};

/* Write the plot as a standalone SVG document; 0, or -1 on a write error. */
int svg_write_plot(FILE *f, const struct svg_plot *p);

/* The start of a standalone SVG document of w by h (C locale): the XML
 * declaration, the <svg> element and its <title>, escaped. */
void svg_begin(FILE *f, double w, double h, const char *title);

/* Write s with the five XML special characters escaped; 0 or -1. */
int svg_write_escaped(FILE *f, const char *s);
/* The same for the first n bytes of s (or up to its end). */
void svg_escape_n(FILE *f, const char *s, size_t n);

/* A "nice" tick step (1, 2, 2.5 or 5 times a power of ten) giving about
 * `ticks` intervals over [lo, hi]. */
double svg_tick_step(double lo, double hi, int ticks);

/* Decimals needed to print multiples of step exactly (at most 6). */
int svg_decimals(double step);

/* Write v with dec decimals, a typographic minus (U+2212) for a negative
 * number and none for one that rounds to zero (C locale). */
void svg_write_number(FILE *f, double v, int dec);

#endif
