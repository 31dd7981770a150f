/*
 * An in-memory screen: a grid of cells, each a Unicode glyph with a semantic
 * foreground and background colour and attributes. Every screen draws here;
 * the curses backend blits it and the golden tests compare its text.
 */
#ifndef MEMSCOPE_CANVAS_H
#define MEMSCOPE_CANVAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a cell is drawn as: drawing code names only these; a theme maps them
 * to terminal colours. The heat levels are the diverging heatmap scale, from
 * the most negative (COL_HEAT_0) through zero (COL_HEAT_ZERO) to the most
 * positive. */
enum colour_role {
	COL_DEFAULT,		/* the terminal's own colours */
	COL_TEXT,
	COL_DIM,		/* secondary text, hints */
	COL_TITLE,		/* panel titles */
	COL_BORDER,
	COL_AXIS,		/* plot axes and tick labels */
	COL_TRAIN,		/* training loss curve */
	COL_TEST,		/* test loss curve */
	COL_PREV,		/* the previous run's curves, faded */
	COL_REF_CG,		/* reference line: conjugate gradient */
	COL_REF_GD,		/* reference line: tuned gradient descent */
	COL_REF_MOMENTUM,
	COL_REF_NESTEROV,
	COL_MODEL,		/* the learned model's own numbers */
	COL_MARK,		/* events on the step axis (data changes) */
	COL_STATUS,		/* status line background */
	COL_RUNNING,
	COL_PAUSED,
	COL_FINISHED,
	COL_DIVERGED,
	COL_MESSAGE,		/* the last event: saved, exported, errors */
	COL_HELP,		/* help overlay body */
	COL_KEY,		/* key names in the help overlay */
	COL_HEAT_0,
	COL_HEAT_1,
	COL_HEAT_2,
	COL_HEAT_3,
	COL_HEAT_4,
	COL_HEAT_ZERO,
	COL_HEAT_6,
	COL_HEAT_7,
	COL_HEAT_8,
	COL_HEAT_9,
	COL_HEAT_10,
	COL_RUN_0,		/* the compared runs' colours, one per run slot
				 * (snapshot_run.style): COL_RUN_0 + style */
	COL_RUN_1,
	COL_RUN_2,
	COL_RUN_3,
	COL_RUN_4,
	COL_RUN_5,
	COL_RUN_6,
	COL_RUN_7,
	COL_COUNT
};

#define COL_HEAT_LEVELS 11	/* COL_HEAT_0 .. COL_HEAT_10 */
#define COL_RUNS 8		/* COL_RUN_0 .. COL_RUN_7 */

/* Cell attributes (bits). */
#define CATTR_BOLD 0x1
#define CATTR_DIM 0x2
#define CATTR_REVERSE 0x4
#define CATTR_UNDERLINE 0x8

struct cell {
	uint32_t ch;		/* Unicode code point; 0 = a blank */
	uint8_t fg, bg;		/* enum colour_role */
	uint8_t attr;		/* CATTR_* */
};

/* A rectangle of cells: x, y the top-left corner. */
struct rect {
	int x, y, w, h;
};

/* The glyphs a drawing mode uses: data, not code (UTF-8 or ASCII). */
struct glyphs {
	bool utf8;		/* braille curves and half-block heatmaps */
	uint32_t hline, vline, tl, tr, bl, br;	/* box drawing */
	uint32_t tee_left, tee_right;		/* ├ ┤ for labelled lines */
	uint32_t ref_line;	/* a horizontal reference line */
	uint32_t upper_half;	/* ▀ (UTF-8 only) */
	uint32_t mark;		/* a vertical event mark on a plot */
	uint32_t bar;		/* a bar's full cell */
	const uint32_t *shade;	/* intensity ramp, nshade glyphs, light to dark */
	int nshade;
};

extern const struct glyphs canvas_glyphs_utf8;
extern const struct glyphs canvas_glyphs_ascii;

struct canvas {
	int w, h;
	struct cell *cells;	/* (h, w) row-major */
	bool mono;		/* draw for no colour: heatmaps by glyph intensity */
	const struct glyphs *g;
};

/* The largest canvas: a terminal beyond it is refused at start, and a
 * resize beyond it draws in its top-left part. */
#define CANVAS_MAX_W 2000
#define CANVAS_MAX_H 1000

/* A canvas of w × h blank cells drawing with glyphs g (at most
 * CANVAS_MAX_W × CANVAS_MAX_H). */
void canvas_init(struct canvas *c, int w, int h, const struct glyphs *g);
/* Resize (contents cleared), within the same bounds. */
void canvas_resize(struct canvas *c, int w, int h);
void canvas_free(struct canvas *c);
/* Blank every cell (COL_DEFAULT). */
void canvas_clear(struct canvas *c);
/* Fill a rectangle with blanks of colour bg. */
void canvas_fill(struct canvas *c, struct rect r, enum colour_role bg);
/* Set one cell's glyph and colour (clipped). */
void canvas_put(struct canvas *c, int x, int y, uint32_t ch,
    enum colour_role fg);
/* Set one cell fully (clipped). */
void canvas_set(struct canvas *c, int x, int y, uint32_t ch,
    enum colour_role fg, enum colour_role bg, int attr);
/* Write UTF-8 text at (x, y), at most maxw cells; returns the cells used. */
int canvas_text(struct canvas *c, int x, int y, int maxw, enum colour_role fg,
    const char *s);
/* printf into the canvas, at most maxw cells; returns the cells used. */
int canvas_printf(struct canvas *c, int x, int y, int maxw,
    enum colour_role fg, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Set the attribute bits of every cell in r. */
void canvas_attr(struct canvas *c, struct rect r, int attr);
/* A box around r with a title in its top edge. */
void canvas_box(struct canvas *c, struct rect r, const char *title);
/* The whole canvas as UTF-8 text, one line per row, trailing blanks kept;
 * the caller frees it. */
char *canvas_to_text(const struct canvas *c);

/* Code point ch as UTF-8 into buf (at least 5 bytes, NUL-terminated);
 * returns the bytes. */
int canvas_utf8_encode(uint32_t ch, char *buf);
/* Cells UTF-8 text s takes (code points). */
int canvas_text_width(const char *s);
/* The inner rectangle of r shrunk by n cells on every side (may be empty). */
struct rect canvas_inset(struct rect r, int n);

#endif
