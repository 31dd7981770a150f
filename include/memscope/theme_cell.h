/*
 * What a canvas cell looks like under a theme, for the outputs that are not
 * a terminal (the SVG screen export) or that replay one (the asciicast
 * recording): its colours in RGB and its attributes, resolved the way the
 * curses backend resolves them (the foreground and attributes of the
 * cell's foreground role, the background of its background role, the
 * cell's own attributes added).
 */
#ifndef MEMSCOPE_THEME_CELL_H
#define MEMSCOPE_THEME_CELL_H

#include <stdbool.h>
#include <stdint.h>

#include "memscope/canvas.h"
#include "memscope/theme.h"

struct theme_cell {
	uint32_t fg, bg;	/* 0xRRGGBB, or COLOUR_NONE: the terminal's */
	int attr;		/* CATTR_* (reverse not applied) */
};

/* Cell cl under theme t; without colour (a mono terminal, NO_COLOR) both
 * colours are the terminal's, the attributes stay. */
struct theme_cell theme_cell_resolve(const struct theme *t, bool colour,
    const struct cell *cl);

/* The colours standing for "the terminal's" under t where there is no
 * terminal: the theme's text and background colours, else a light grey on
 * a near-black (or a near-black on white when the theme's known colour
 * says the terminal is light). */
void theme_cell_defaults(const struct theme *t, uint32_t *fg, uint32_t *bg);

#endif
