/*
 * The screen as an SVG document, for slides: a canvas (canvas.h) drawn with
 * a theme's colours. Each cell is SCREEN_SVG_CELL_W x SCREEN_SVG_CELL_H
 * pixels; backgrounds are <rect>s (one per run of equal colour in a row),
 * text is one <text> per run of same-styled cells, every character placed
 * at its cell's x (so braille, blocks and box drawing line up as on the
 * terminal, whatever the font's advance), in a monospace family list that
 * starts with DejaVu Sans Mono. doc/formats.md has the details.
 */
#ifndef MEMSCOPE_SCREEN_SVG_H
#define MEMSCOPE_SCREEN_SVG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "memscope/canvas.h"
#include "memscope/theme.h"

#define SCREEN_SVG_CELL_W 9	/* pixels */
#define SCREEN_SVG_CELL_H 17	/* DejaVu Sans Mono at 15 px: 17.5, lines join */
#define SCREEN_SVG_FONT_SIZE 15	/* DejaVu Sans Mono's advance: 9.03 px */
#define SCREEN_SVG_BASELINE 14	/* from a row's top */

/* Write canvas c as a standalone SVG document to f, in theme t's colours
 * (colour false: the default colours only, as a mono terminal); 0, or -1
 * on a write error. */
int screen_svg_fprint(FILE *f, const struct canvas *c, const struct theme *t,
    bool colour);

/* The same into path through the atomic writer (output.h); 0, or -1 with
 * a message naming the file. */
int screen_svg_write(const char *path, const struct canvas *c,
    const struct theme *t, bool colour, char *err, size_t errlen);

#endif
