/*
 * asciicast v2 recordings of the visualizer (cast.h).
 *
 * A frame's output is the cells that differ from the previous frame's, in
 * row order: a cursor move (CUP) where the cursor is not already at the
 * cell, an SGR where the cell's look differs from the last one written
 * (always from a reset: "0;1;38;2;R;G;Bm", so no state is carried in the
 * terminal but the last SGR), then the glyph. The cursor position and SGR
 * are tracked across frames; after the last column the position is
 * forgotten (terminals differ on the pending wrap), so the next cell moves
 * there explicitly. A frame with no change writes no event.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "memscope/cast.h"
#include "memscope/colour.h"
#include "memscope/output.h"
#include "memscope/theme_cell.h"
#include "memscope/xmalloc.h"

#define CAST_DEFAULT_W 80	/* the header of a session with no frame */
#define CAST_DEFAULT_H 24
/* the end of a recording: the terminal as the player found it, attributes
 * off and the cursor on */
#define CAST_END "\x1b[0m\x1b[?25h"

struct cast {
	struct output out;
	struct theme theme;
	bool colour;
	bool started;		/* the header is written */
	bool full;		/* the next frame redraws every cell */
	double last_t;
	int w, h;		/* the previous frame's size */
	struct cell *prev;	/* (h, w) the previous frame */
	int cx, cy;		/* the cursor, cx = -1: not known */
	bool sgr_known;
	struct theme_cell sgr;	/* the last SGR written */
	char *buf;		/* the frame's output */
	size_t len, cap;
};

static void
cast_put(struct cast *k, const char *s, size_t n)
{
	if (k->len + n + 1 > k->cap) {
		k->cap = (k->len + n + 1) * 2;
		k->buf = xrealloc(k->buf, k->cap);
	}
	memcpy(k->buf + k->len, s, n);
	k->len += n;
	k->buf[k->len] = '\0';
}

static void
cast_puts(struct cast *k, const char *s)
{
	cast_put(k, s, strlen(s));
}

/* s as a JSON string's contents: quotes, backslashes and control
 * characters escaped, UTF-8 as is. */
static void
cast_json(FILE *f, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] == '"' || p[i] == '\\')
			fprintf(f, "\\%c", p[i]);
		else if (p[i] < 0x20 || p[i] == 0x7f)
			fprintf(f, "\\u%04x", p[i]);
		else
			fputc(p[i], f);
	}
}

/* Start recording into path. */
struct cast *
cast_open(const char *path, char *err, size_t errlen)
{
	struct cast *k = xcalloc(1, sizeof *k);

	if (output_open(&k->out, path, err, errlen) != 0) {
		free(k);
		return NULL;
	}
	theme_default(&k->theme);
	k->colour = true;
	k->cx = -1;
	return k;
}

/* Colour the following frames with theme t. */
void
cast_theme(struct cast *k, const struct theme *t, bool colour)
{
	k->theme = *t;
	k->colour = colour;
	k->full = true;
}

/* The header line, for a w x h terminal. */
static void
cast_header(struct cast *k, int w, int h)
{
	const char *term = getenv("TERM"), *shell = getenv("SHELL");
	FILE *f = k->out.fp;

	fprintf(f, "{\"version\": 2, \"width\": %d, \"height\": %d, "
	    "\"timestamp\": %lld, \"env\": {\"TERM\": \"", w, h,
	    (long long)time(NULL));
	term = term != NULL ? term : "";
	shell = shell != NULL ? shell : "";
	cast_json(f, term, strlen(term));
	fputs("\", \"SHELL\": \"", f);
	cast_json(f, shell, strlen(shell));
	fputs("\"}, \"title\": \"memscope\"}\n", f);
	k->started = true;
}

/* One event line. */
static void
cast_event(struct cast *k, double t, const char *type, const char *data,
    size_t n)
{
	fprintf(k->out.fp, "[%.6f, \"%s\", \"", t, type);
	cast_json(k->out.fp, data, n);
	fputs("\"]\n", k->out.fp);
}

/* The SGR for look l, from a reset. */
static void
cast_sgr(struct cast *k, struct theme_cell l)
{
	char b[64];

	cast_puts(k, "\x1b[0");
	if (l.attr & CATTR_BOLD)
		cast_puts(k, ";1");
	if (l.attr & CATTR_DIM)
		cast_puts(k, ";2");
	if (l.attr & CATTR_UNDERLINE)
		cast_puts(k, ";4");
	if (l.attr & CATTR_REVERSE)
		cast_puts(k, ";7");
	if (l.fg != COLOUR_NONE) {
		snprintf(b, sizeof b, ";38;2;%u;%u;%u", (unsigned)(l.fg >> 16),
		    (unsigned)(l.fg >> 8) & 0xff, (unsigned)l.fg & 0xff);
		cast_puts(k, b);
	}
	if (l.bg != COLOUR_NONE) {
		snprintf(b, sizeof b, ";48;2;%u;%u;%u", (unsigned)(l.bg >> 16),
		    (unsigned)(l.bg >> 8) & 0xff, (unsigned)l.bg & 0xff);
		cast_puts(k, b);
	}
	cast_puts(k, "m");
	k->sgr = l;
	k->sgr_known = true;
}

/* Cell (x, y) of c: move there, set its look, write its glyph. */
static void
cast_cell(struct cast *k, const struct canvas *c, int x, int y)
{
	const struct cell *cl = &c->cells[(size_t)y * c->w + x];
	struct theme_cell l = theme_cell_resolve(&k->theme, k->colour, cl);
	char b[32];
	int n;

	if (k->cx != x || k->cy != y) {
		snprintf(b, sizeof b, "\x1b[%d;%dH", y + 1, x + 1);
		cast_puts(k, b);
	}
	l.attr &= CATTR_BOLD | CATTR_DIM | CATTR_UNDERLINE | CATTR_REVERSE;
	if (!k->sgr_known || l.fg != k->sgr.fg || l.bg != k->sgr.bg ||
	    l.attr != k->sgr.attr)
		cast_sgr(k, l);
	n = canvas_utf8_encode(cl->ch >= 0x20 && cl->ch != 0x7f ? cl->ch :
	    ' ', b);
	cast_put(k, b, (size_t)n);
	k->cx = x + 1 < c->w ? x + 1 : -1;
	k->cy = y;
}

/* Record canvas c at time t. */
void
cast_frame(struct cast *k, const struct canvas *c, double t)
{
	const struct cell *a, *b;
	char size[32];
	int x, y;

	if (t < k->last_t)
		t = k->last_t;
	k->last_t = t;
	k->len = 0;
	if (!k->started)
		cast_header(k, c->w, c->h);
	else if (c->w != k->w || c->h != k->h) {
		snprintf(size, sizeof size, "%dx%d", c->w, c->h);
		cast_event(k, t, "r", size, strlen(size));
	}
	if (k->prev == NULL || c->w != k->w || c->h != k->h) {
		free(k->prev);
		k->prev = xcalloc((size_t)c->w * c->h + 1, sizeof *k->prev);
		k->w = c->w;
		k->h = c->h;
		k->full = true;
	}
	if (k->full) {
		/* the default look, the screen cleared, the cursor hidden */
		cast_puts(k, "\x1b[0m\x1b[?25l\x1b[2J");
		k->sgr_known = false;
		k->cx = -1;
	}
	for (y = 0; y < c->h; y++)
		for (x = 0; x < c->w; x++) {
			a = &c->cells[(size_t)y * c->w + x];
			b = &k->prev[(size_t)y * c->w + x];
			if (!k->full && a->ch == b->ch && a->fg == b->fg &&
			    a->bg == b->bg && a->attr == b->attr)
				continue;
			cast_cell(k, c, x, y);
		}
	memcpy(k->prev, c->cells, (size_t)c->w * c->h * sizeof *k->prev);
	k->full = false;
	if (k->len > 0)
		cast_event(k, t, "o", k->buf, k->len);
}

static void
cast_free(struct cast *k)
{
	free(k->prev);
	free(k->buf);
	free(k);
}

/* Finish the recording. */
int
cast_close(struct cast *k, char *err, size_t errlen)
{
	int rc;

	if (!k->started)
		cast_header(k, CAST_DEFAULT_W, CAST_DEFAULT_H);
	cast_event(k, k->last_t, "o", CAST_END, strlen(CAST_END));
	if (ferror(k->out.fp))
		rc = output_fail_write(&k->out, err, errlen);
	else
		rc = output_commit(&k->out, err, errlen);
	cast_free(k);
	return rc;
}

/* Give up the recording. */
void
cast_abort(struct cast *k)
{
	output_abort(&k->out);
	cast_free(k);
}
