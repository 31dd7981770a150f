/*
 * The cell canvas. Drawing is clipped to the canvas, so a panel given a
 * rectangle partly off screen (or a terminal of one cell) cannot write out of
 * bounds; text is UTF-8 decoded into code points, one cell each (memscope
 * draws no double-width glyphs).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/canvas.h"
#include "memscope/xmalloc.h"

static const uint32_t canvas_shade_utf8[] = { ' ', 0x2591, 0x2592, 0x2593,
    0x2588 };
static const uint32_t canvas_shade_ascii[] = { ' ', '.', ':', '*', '#' };

const struct glyphs canvas_glyphs_utf8 = {
	.utf8 = true,
	.hline = 0x2500, .vline = 0x2502,
	.tl = 0x250c, .tr = 0x2510, .bl = 0x2514, .br = 0x2518,
	.tee_left = 0x251c, .tee_right = 0x2524,
	.ref_line = 0x2504,
	.upper_half = 0x2580,
	.mark = 0x2502,
	.bar = 0x2588,
	.shade = canvas_shade_utf8, .nshade = 5,
};

const struct glyphs canvas_glyphs_ascii = {
	.utf8 = false,
	.hline = '-', .vline = '|',
	.tl = '+', .tr = '+', .bl = '+', .br = '+',
	.tee_left = '+', .tee_right = '+',
	.ref_line = '-',
	.upper_half = '#',
	.mark = '|',
	.bar = '#',
	.shade = canvas_shade_ascii, .nshade = 5,
};

/* A canvas of w × h blank cells drawing with glyphs g. */
void
canvas_init(struct canvas *c, int w, int h, const struct glyphs *g)
{
	memset(c, 0, sizeof *c);
	c->g = g != NULL ? g : &canvas_glyphs_ascii;
	canvas_resize(c, w, h);
}

/* Resize (contents cleared). */
void
canvas_resize(struct canvas *c, int w, int h)
{
	if (w < 0)
		w = 0;
	if (h < 0)
		h = 0;
	if (w > CANVAS_MAX_W)
		w = CANVAS_MAX_W;
	if (h > CANVAS_MAX_H)
		h = CANVAS_MAX_H;
	free(c->cells);
	c->w = w;
	c->h = h;
	c->cells = xcalloc((size_t)w * h + 1, sizeof *c->cells);
	canvas_clear(c);
}

void
canvas_free(struct canvas *c)
{
	free(c->cells);
	c->cells = NULL;
	c->w = c->h = 0;
}

/* Blank every cell (COL_DEFAULT). */
void
canvas_clear(struct canvas *c)
{
	size_t i, n = (size_t)c->w * c->h;

	for (i = 0; i < n; i++) {
		c->cells[i].ch = ' ';
		c->cells[i].fg = COL_DEFAULT;
		c->cells[i].bg = COL_DEFAULT;
		c->cells[i].attr = 0;
	}
}

/* The cell at (x, y), or NULL outside the canvas. */
static struct cell *
canvas_cell(struct canvas *c, int x, int y)
{
	if (x < 0 || y < 0 || x >= c->w || y >= c->h)
		return NULL;
	return &c->cells[(size_t)y * c->w + x];
}

/* Fill a rectangle with blanks of colour bg. */
void
canvas_fill(struct canvas *c, struct rect r, enum colour_role bg)
{
	int x, y;

	for (y = r.y; y < r.y + r.h; y++)
		for (x = r.x; x < r.x + r.w; x++)
			canvas_set(c, x, y, ' ', bg, bg, 0);
}

/* Set one cell's glyph and colour (clipped); the background stays. */
void
canvas_put(struct canvas *c, int x, int y, uint32_t ch, enum colour_role fg)
{
	struct cell *cl = canvas_cell(c, x, y);

	if (cl == NULL)
		return;
	cl->ch = ch;
	cl->fg = fg;
	cl->attr = 0;
}

/* Set one cell fully (clipped). */
void
canvas_set(struct canvas *c, int x, int y, uint32_t ch, enum colour_role fg,
    enum colour_role bg, int attr)
{
	struct cell *cl = canvas_cell(c, x, y);

	if (cl == NULL)
		return;
	cl->ch = ch;
	cl->fg = fg;
	cl->bg = bg;
	cl->attr = attr;
}

/* Decode one UTF-8 sequence at *s; advances *s. Invalid bytes give '?'. */
static uint32_t
canvas_utf8_next(const char **s)
{
	const unsigned char *p = (const unsigned char *)*s;
	uint32_t ch;
	int n, i;

	if (p[0] < 0x80) {
		*s += 1;
		return p[0];
	}
	if ((p[0] & 0xe0) == 0xc0) {
		ch = p[0] & 0x1f;
		n = 1;
	} else if ((p[0] & 0xf0) == 0xe0) {
		ch = p[0] & 0x0f;
		n = 2;
	} else if ((p[0] & 0xf8) == 0xf0) {
		ch = p[0] & 0x07;
		n = 3;
	} else {
		*s += 1;
		return '?';
	}
	for (i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			*s += i;
			return '?';
		}
		ch = (ch << 6) | (p[i] & 0x3f);
	}
	*s += n + 1;
	return ch;
}

/* Cells UTF-8 text s takes (code points). */
int
canvas_text_width(const char *s)
{
	int n = 0;

	while (*s != '\0') {
		canvas_utf8_next(&s);
		n++;
	}
	return n;
}

/* Encode code point ch as UTF-8 into buf (at least 5 bytes); returns bytes. */
int
canvas_utf8_encode(uint32_t ch, char *buf)
{
	if (ch < 0x80) {
		buf[0] = (char)ch;
		buf[1] = '\0';
		return 1;
	}
	if (ch < 0x800) {
		buf[0] = (char)(0xc0 | (ch >> 6));
		buf[1] = (char)(0x80 | (ch & 0x3f));
		buf[2] = '\0';
		return 2;
	}
	if (ch < 0x10000) {
		buf[0] = (char)(0xe0 | (ch >> 12));
		buf[1] = (char)(0x80 | ((ch >> 6) & 0x3f));
		buf[2] = (char)(0x80 | (ch & 0x3f));
		buf[3] = '\0';
		return 3;
	}
	buf[0] = (char)(0xf0 | (ch >> 18));
	buf[1] = (char)(0x80 | ((ch >> 12) & 0x3f));
	buf[2] = (char)(0x80 | ((ch >> 6) & 0x3f));
	buf[3] = (char)(0x80 | (ch & 0x3f));
	buf[4] = '\0';
	return 4;
}

/* Write UTF-8 text at (x, y), at most maxw cells; returns the cells used.
 * In ASCII mode code points above 127 are drawn as '?'. */
int
canvas_text(struct canvas *c, int x, int y, int maxw, enum colour_role fg,
    const char *s)
{
	int n = 0;
	uint32_t ch;

	while (*s != '\0' && n < maxw) {
		ch = canvas_utf8_next(&s);
		if (!c->g->utf8 && ch > 127)
			ch = '?';
		canvas_put(c, x + n, y, ch, fg);
		n++;
	}
	return n;
}

/* printf into the canvas, at most maxw cells; returns the cells used. */
int
canvas_printf(struct canvas *c, int x, int y, int maxw, enum colour_role fg,
    const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return canvas_text(c, x, y, maxw, fg, buf);
}

/* Set the attribute bits of every cell in r. */
void
canvas_attr(struct canvas *c, struct rect r, int attr)
{
	struct cell *cl;
	int x, y;

	for (y = r.y; y < r.y + r.h; y++)
		for (x = r.x; x < r.x + r.w; x++)
			if ((cl = canvas_cell(c, x, y)) != NULL)
				cl->attr |= attr;
}

/* A box around r with a title in its top edge. */
void
canvas_box(struct canvas *c, struct rect r, const char *title)
{
	const struct glyphs *g = c->g;
	int x, y, x1 = r.x + r.w - 1, y1 = r.y + r.h - 1;

	if (r.w < 2 || r.h < 2)
		return;
	for (x = r.x + 1; x < x1; x++) {
		canvas_put(c, x, r.y, g->hline, COL_BORDER);
		canvas_put(c, x, y1, g->hline, COL_BORDER);
	}
	for (y = r.y + 1; y < y1; y++) {
		canvas_put(c, r.x, y, g->vline, COL_BORDER);
		canvas_put(c, x1, y, g->vline, COL_BORDER);
	}
	canvas_put(c, r.x, r.y, g->tl, COL_BORDER);
	canvas_put(c, x1, r.y, g->tr, COL_BORDER);
	canvas_put(c, r.x, y1, g->bl, COL_BORDER);
	canvas_put(c, x1, y1, g->br, COL_BORDER);
	if (title != NULL && *title != '\0' && r.w > 4) {
		canvas_put(c, r.x + 1, r.y, ' ', COL_BORDER);
		x = canvas_text(c, r.x + 2, r.y, r.w - 4, COL_TITLE, title);
		if (r.x + 2 + x < x1)
			canvas_put(c, r.x + 2 + x, r.y, ' ', COL_BORDER);
	}
}

/* The whole canvas as UTF-8 text, one line per row, trailing blanks kept;
 * the caller frees it. */
char *
canvas_to_text(const struct canvas *c)
{
	size_t len = (size_t)c->h * ((size_t)c->w * 4 + 1) + 1, at = 0;
	char *out = xmalloc(len);
	int x, y;

	for (y = 0; y < c->h; y++) {
		for (x = 0; x < c->w; x++) {
			uint32_t ch = c->cells[(size_t)y * c->w + x].ch;

			at += canvas_utf8_encode(ch != 0 ? ch : ' ', out + at);
		}
		out[at++] = '\n';
	}
	out[at] = '\0';
	return out;
}

/* The inner rectangle of r shrunk by n cells on every side (may be empty). */
struct rect
canvas_inset(struct rect r, int n)
{
	struct rect in = { r.x + n, r.y + n, r.w - 2 * n, r.h - 2 * n };

	if (in.w < 0)
		in.w = 0;
	if (in.h < 0)
		in.h = 0;
	return in;
}
