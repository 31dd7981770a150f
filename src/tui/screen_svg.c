/*
 * The screen as SVG (screen_svg.h). Colours: the cell's roles under the
 * theme (theme_cell.h); a role the theme leaves as the terminal's gets the
 * theme's text or background colour, or a default. Reverse video swaps
 * the two. A text run is a row's maximal sequence of cells of the same
 * foreground, weight, dimness and underline; blank cells join any run
 * (they draw nothing), leading and trailing blanks are left out. Numbers
 * are integers, so the C locale question does not arise.
 */
#include <stdio.h>

#include "memscope/colour.h"
#include "memscope/output.h"
#include "memscope/screen_svg.h"
#include "memscope/svg.h"
#include "memscope/theme_cell.h"

#define SCREEN_SVG_FONTS "'DejaVu Sans Mono', 'Bitstream Vera Sans Mono', " \
	"'Liberation Mono', Menlo, Consolas, monospace"
#define SCREEN_SVG_STYLE (CATTR_BOLD | CATTR_DIM | CATTR_UNDERLINE)

/* A cell's drawn look: RGB colours (defaults resolved, reverse applied)
 * and the text attributes. */
struct screen_svg_look {
	uint32_t fg, bg;
	int attr;		/* CATTR_BOLD, CATTR_DIM, CATTR_UNDERLINE */
};

struct screen_svg {
	FILE *f;
	const struct canvas *c;
	const struct theme *t;
	bool colour;
	uint32_t dfg, dbg;	/* the defaults */
};

static struct screen_svg_look
screen_svg_look(const struct screen_svg *sv, int x, int y)
{
	const struct cell *cl = &sv->c->cells[(size_t)y * sv->c->w + x];
	struct theme_cell tc = theme_cell_resolve(sv->t, sv->colour, cl);
	struct screen_svg_look k;
	uint32_t swap;

	k.fg = tc.fg != COLOUR_NONE ? tc.fg : sv->dfg;
	k.bg = tc.bg != COLOUR_NONE ? tc.bg : sv->dbg;
	if (tc.attr & CATTR_REVERSE) {
		swap = k.fg;
		k.fg = k.bg;
		k.bg = swap;
	}
	k.attr = tc.attr & SCREEN_SVG_STYLE;
	return k;
}

/* Whether cell (x, y) draws nothing. */
static bool
screen_svg_blank(const struct canvas *c, int x, int y)
{
	uint32_t ch = c->cells[(size_t)y * c->w + x].ch;

	return ch == 0 || ch == ' ';
}

/* The cell's glyph as UTF-8 into buf (5 bytes); what XML cannot hold
 * (controls, surrogates) becomes '?'. */
static void
screen_svg_utf8(uint32_t ch, char *buf)
{
	if (ch == 0)
		ch = ' ';
	if (ch < 0x20 || (ch >= 0x7f && ch < 0xa0) ||
	    (ch >= 0xd800 && ch < 0xe000) || ch == 0xfffe || ch == 0xffff ||
	    ch > 0x10ffff)
		ch = '?';
	canvas_utf8_encode(ch, buf);
}

/* Row y's backgrounds: a <rect> per run of one colour other than the
 * default. */
static void
screen_svg_backgrounds(const struct screen_svg *sv, int y)
{
	int x = 0, x0, w = sv->c->w;
	uint32_t bg;

	while (x < w) {
		x0 = x;
		bg = screen_svg_look(sv, x, y).bg;
		while (x < w && screen_svg_look(sv, x, y).bg == bg)
			x++;
		if (bg == sv->dbg)
			continue;
		fprintf(sv->f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" "
		    "height=\"%d\" fill=\"#%06x\"/>\n", x0 * SCREEN_SVG_CELL_W,
		    y * SCREEN_SVG_CELL_H, (x - x0) * SCREEN_SVG_CELL_W,
		    SCREEN_SVG_CELL_H, (unsigned)bg);
	}
}

/* Whether cell (x, y) holds an ASCII glyph (or a blank). */
static bool
screen_svg_ascii(const struct canvas *c, int x, int y)
{
	return c->cells[(size_t)y * c->w + x].ch < 0x80;
}

/* One <text> of row y's cells x0 .. x1 - 1, drawn in look k. A run of
 * other glyphs (braille, blocks, box drawing, Greek) is one <text> a
 * glyph: renderers that keep only a text's first x (librsvg) would
 * otherwise set them at the advance of whatever font has them. */
static void
screen_svg_run(const struct screen_svg *sv, int y, int x0, int x1,
    struct screen_svg_look k)
{
	char u[5];
	int x;

	if (!screen_svg_ascii(sv->c, x0, y) && x1 - x0 > 1) {
		for (x = x0; x < x1; x++)
			if (!screen_svg_blank(sv->c, x, y) ||
			    (k.attr & CATTR_UNDERLINE))
				screen_svg_run(sv, y, x, x + 1, k);
		return;
	}
	fprintf(sv->f, "<text y=\"%d\" fill=\"#%06x\"", y * SCREEN_SVG_CELL_H +
	    SCREEN_SVG_BASELINE, (unsigned)k.fg);
	if (k.attr & CATTR_BOLD)
		fputs(" font-weight=\"bold\"", sv->f);
	if (k.attr & CATTR_DIM)
		fputs(" fill-opacity=\"0.6\"", sv->f);
	if (k.attr & CATTR_UNDERLINE)
		fputs(" text-decoration=\"underline\"", sv->f);
	fputs(" x=\"", sv->f);
	for (x = x0; x < x1; x++)
		fprintf(sv->f, x > x0 ? " %d" : "%d", x * SCREEN_SVG_CELL_W);
	fputs("\">", sv->f);
	for (x = x0; x < x1; x++) {
		screen_svg_utf8(sv->c->cells[(size_t)y * sv->c->w + x].ch, u);
		svg_write_escaped(sv->f, u);
	}
	fputs("</text>\n", sv->f);
}

/* Row y's text runs. */
static void
screen_svg_texts(const struct screen_svg *sv, int y)
{
	struct screen_svg_look k, n;
	int x = 0, x0, last, w = sv->c->w;

	while (x < w) {
		while (x < w && screen_svg_blank(sv->c, x, y))
			x++;
		if (x >= w)
			break;
		x0 = last = x;
		k = screen_svg_look(sv, x, y);
		for (x++; x < w; x++) {
			n = screen_svg_look(sv, x, y);
			if (screen_svg_blank(sv->c, x, y) &&
			    !(k.attr & CATTR_UNDERLINE))
				continue;
			if (n.fg != k.fg || n.attr != k.attr ||
			    screen_svg_ascii(sv->c, x, y) !=
			    screen_svg_ascii(sv->c, x0, y))
				break;
			last = x;
		}
		screen_svg_run(sv, y, x0, last + 1, k);
		x = last + 1;
	}
}

/* Write canvas c as SVG to f. */
int
screen_svg_fprint(FILE *f, const struct canvas *c, const struct theme *t,
    bool colour)
{
	struct screen_svg sv = { f, c, t, colour, 0, 0 };
	int w = c->w * SCREEN_SVG_CELL_W, h = c->h * SCREEN_SVG_CELL_H, y;

	theme_cell_defaults(t, &sv.dfg, &sv.dbg);
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
	    "height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"%s\" "
	    "font-size=\"%d\">\n", w, h, w, h, SCREEN_SVG_FONTS,
	    SCREEN_SVG_FONT_SIZE);
	fprintf(f, "<desc>memscope screen, %d x %d cells of %d x %d px, theme "
	    "", c->w, c->h, SCREEN_SVG_CELL_W, SCREEN_SVG_CELL_H);
	svg_write_escaped(f, t->name);
	fputs("</desc>\n", f);
	fprintf(f, "<rect width=\"%d\" height=\"%d\" fill=\"#%06x\"/>\n", w, h,
	    (unsigned)sv.dbg);
	fputs("<g shape-rendering=\"crispEdges\">\n", f);
	for (y = 0; y < c->h; y++)
		screen_svg_backgrounds(&sv, y);
	fputs("</g>\n<g xml:space=\"preserve\">\n", f);
	for (y = 0; y < c->h; y++)
		screen_svg_texts(&sv, y);
	fputs("</g>\n</svg>\n", f);
	return ferror(f) ? -1 : 0;
}

/* Write canvas c as SVG into path, atomically. */
int
screen_svg_write(const char *path, const struct canvas *c,
    const struct theme *t, bool colour, char *err, size_t errlen)
{
	struct output out;

	if (output_open(&out, path, err, errlen) != 0)
		return -1;
	if (screen_svg_fprint(out.fp, c, t, colour) != 0)
		return output_fail_write(&out, err, errlen);
	return output_commit(&out, err, errlen);
}
