/*
 * The help overlay: every key line (keys.h), its keys' names in a column as
 * wide as the widest name, then its text, word-wrapped to the column. The
 * lines run down the first column and on into the next: one column if they
 * fit the terminal's height, else two, else three, in a box as wide as the
 * columns need (at most the terminal). If every screen's lines do not fit
 * with room for a word per row, the other screens' own keys are left out.
 * What still does not fit (a terminal far below the minimum size) ends in a
 * line saying how many are left out.
 */
#include <stdio.h>
#include <string.h>

#include "memscope/keys.h"
#include "memscope/panel.h"
#include "memscope/screen.h"

#define HELP_LINES 64		/* more than the key lines there are */
#define HELP_MAXCOLS 3
#define HELP_GAP 3		/* between columns */
#define HELP_MIN_TEXT 18	/* text cells a column needs so that no word
				 * of the keys' texts is cut */

struct help_fit {
	int n;			/* key lines */
	int namew;		/* the name column */
	int ncols, colw, textw;	/* columns, each colw = namew + 1 + textw */
	int rows;		/* the tallest column's rows */
	struct rect box;
};

/* Bytes of s's next wrapped row of at most w cells (at least one word,
 * cut if a word alone is wider); *next gets where the row after starts. */
size_t
screen_wrap(const char *s, int w, const char **next)
{
	size_t end = 0, i = 0;
	int cells = 0;

	while (s[i] != '\0') {
		size_t j = i;
		int wc = 0;

		while (s[j] == ' ') {
			j++;
			wc += end > 0;	/* a space between words takes a cell */
		}
		while (s[j] != '\0' && s[j] != ' ') {
			if (((unsigned char)s[j] & 0xc0) != 0x80)
				wc++;
			j++;
		}
		if (cells + wc > w && end > 0)
			break;
		if (cells + wc > w) {	/* one word wider than w: cut it */
			for (j = i, wc = 0; s[j] != '\0'; j++) {
				if (((unsigned char)s[j] & 0xc0) != 0x80 &&
				    wc++ == w)
					break;
			}
			end = j;
			break;
		}
		cells += wc;
		end = i = j;
	}
	*next = s + end;
	while (**next == ' ')
		(*next)++;
	return end;
}

/* Rows line text takes at w cells. */
static int
help_rows(const char *text, int w)
{
	const char *p = text;
	int n = 0;

	do {
		screen_wrap(p, w, &p);
		n++;
	} while (*p != '\0');
	return n;
}

/* Columns the lines take when each column holds whole lines in order and
 * at most maxrows rows (a line taller than that alone in its column). */
static int
help_columns(char texts[][256], int n, int textw, int maxrows)
{
	int cols = 1, used = 0, r, i;

	for (i = 0; i < n; i++) {
		r = help_rows(texts[i], textw);
		if (used > 0 && used + r > maxrows) {
			cols++;
			used = 0;
		}
		used += r;
	}
	return cols;
}

static void
help_fit(const struct canvas *c, char names[][64], char texts[][256], int n,
    struct help_fit *f)
{
	int i, maxrows, maxtext = 0, w;

	f->n = n;
	f->namew = 1;
	for (i = 0; i < n; i++) {
		if (canvas_text_width(names[i]) > f->namew)
			f->namew = canvas_text_width(names[i]);
		if (canvas_text_width(texts[i]) > maxtext)
			maxtext = canvas_text_width(texts[i]);
	}
	/* the box: borders, a blank and the closing line */
	maxrows = c->h - 4;
	if (maxrows < 1)
		maxrows = 1;
	for (f->ncols = 1; f->ncols <= HELP_MAXCOLS; f->ncols++) {
		w = (c->w - 4 - HELP_GAP * (f->ncols - 1)) / f->ncols;
		f->colw = f->namew + 1 + maxtext;
		if (f->colw > w)
			f->colw = w;
		f->textw = f->colw - f->namew - 1;
		if (f->textw < 8)
			f->textw = 8;
		if (help_columns(texts, n, f->textw, maxrows) <= f->ncols ||
		    f->ncols == HELP_MAXCOLS)
			break;
	}
	/* the shortest columns that hold every line (balanced) */
	for (f->rows = 1; f->rows < maxrows; f->rows++)
		if (help_columns(texts, n, f->textw, f->rows) <= f->ncols)
			break;
	f->box.w = 4 + f->ncols * f->colw + HELP_GAP * (f->ncols - 1);
	f->box.h = f->rows + 4;
	if (f->box.w > c->w)
		f->box.w = c->w;
	if (f->box.h > c->h)
		f->box.h = c->h;
	f->box.x = (c->w - f->box.w) / 2;
	f->box.y = (c->h - f->box.h) / 2;
}

/* Whether key line l is one of a screen's own other than screen sc's. */
static bool
help_other_screen(const struct key_line *l, int sc)
{
	const struct screen_module *own = screen_module(sc);

	if (own->nkeys > 0 && l >= own->keys && l < own->keys + own->nkeys)
		return false;	/* sc's own, if shared with another screen */
	for (int o = 0; o < LAYOUT_SCREENS; o++) {
		const struct screen_module *m = screen_module(o);

		if (o != sc && m->nkeys > 0 && l >= m->keys &&
		    l < m->keys + m->nkeys)
			return true;
	}
	return false;
}

/* The lines that take keys over from the visualizer's (screen_help's). */
struct help_over {
	const struct key_line *lines;
	int n;
};

/* Whether every key of line l is one of ov's. */
static bool
help_taken(const struct key_line *l, const struct help_over *ov)
{
	for (int j = 0; j < KEYS_PER_LINE && l->keys[j].key != 0; j++) {
		bool found = false;

		for (int i = 0; i < ov->n && !found; i++)
			for (int k = 0; k < KEYS_PER_LINE &&
			    ov->lines[i].keys[k].key != 0 && !found; k++)
				found = ov->lines[i].keys[k].key ==
				    l->keys[j].key;
		if (!found)
			return false;
	}
	return ov->n > 0;
}

/* The key lines' names and texts for canvas c on screen sc (all screens'
 * if `all`), ov's first; returns how many. */
static int
help_collect(const struct canvas *c, int sc, bool all,
    const struct help_over *ov, char names[][64], char texts[][256])
{
	const struct key_line *lines[HELP_LINES];
	int n, i, k = 0;

	for (n = 0; n < ov->n && n < HELP_LINES; n++)
		lines[n] = &ov->lines[n];
	n += keys_help_lines(lines + n, HELP_LINES - n);
	if (n > HELP_LINES)
		n = HELP_LINES;
	for (i = 0; i < n; i++) {
		if (i >= ov->n && help_taken(lines[i], ov))
			continue;
		if (!all && help_other_screen(lines[i], sc))
			continue;
		keys_line_name(lines[i], c->g->utf8, names[k], 64);
		keys_line_text(lines[i], texts[k], 256);
		k++;
	}
	return k;
}

/* The lines and their layout for canvas c on screen sc: every screen's
 * if they fit with HELP_MIN_TEXT cells of text, else sc's; returns how
 * many lines. */
static int
help_plan(const struct canvas *c, int sc, const struct help_over *ov,
    char names[][64], char texts[][256], struct help_fit *f)
{
	int n = help_collect(c, sc, true, ov, names, texts);

	help_fit(c, names, texts, n, f);
	if (f->textw >= HELP_MIN_TEXT && help_columns(texts, n, f->textw,
	    f->rows) <= f->ncols && f->rows <= c->h - 4)
		return n;
	n = help_collect(c, sc, false, ov, names, texts);
	help_fit(c, names, texts, n, f);
	return n;
}

/* Where the help overlay of screen sc goes on canvas c. */
struct rect
screen_help_box(const struct canvas *c, int sc, const struct key_line *over,
    int nover)
{
	char names[HELP_LINES][64], texts[HELP_LINES][256];
	struct help_over ov = { over, over != NULL ? nover : 0 };
	struct help_fit f;

	help_plan(c, sc, &ov, names, texts, &f);
	return f.box;
}

/* The n lines (names, texts) laid out by f in a box titled title, the
 * closing line at its bottom. */
static void
help_draw(struct canvas *c, char names[][64], char texts[][256], int n,
    const struct help_fit *f, const char *title, const char *closing)
{
	const char *p, *q;
	int i, col = 0, used = 0, r, x, y, bottom;
	size_t len;

	canvas_fill(c, f->box, COL_HELP);
	canvas_box(c, f->box, title);
	bottom = f->box.y + f->box.h - 2;	/* the closing line's row */
	for (i = 0; i < n; i++) {
		r = help_rows(texts[i], f->textw);
		if (used > 0 && used + r > f->rows && col + 1 < f->ncols) {
			col++;
			used = 0;
		}
		x = f->box.x + 2 + col * (f->colw + HELP_GAP);
		y = f->box.y + 1 + used;
		if (y + r > bottom) {
			canvas_printf(c, f->box.x + 2, bottom, f->box.w - 4,
			    COL_HELP, "%d more lines: enlarge the terminal",
			    n - i);
			return;
		}
		canvas_text(c, x, y, f->namew, COL_KEY, names[i]);
		for (p = texts[i]; *p != '\0'; p = q, y++) {
			char row[256];

			len = screen_wrap(p, f->textw, &q);
			snprintf(row, sizeof row, "%.*s", (int)len, p);
			canvas_text(c, x + f->namew + 1, y, f->textw, COL_HELP,
			    row);
		}
		used += r;
	}
	if (bottom > f->box.y)
		canvas_text(c, f->box.x + 2, bottom, f->box.w - 4, COL_HELP,
		    closing);
}

/* The help overlay (from the key lines) of screen sc centred in the
 * canvas. */
void
screen_help(struct canvas *c, int sc, const struct key_line *over, int nover)
{
	char names[HELP_LINES][64], texts[HELP_LINES][256];
	struct help_over ov = { over, over != NULL ? nover : 0 };
	struct help_fit f;
	int n = help_plan(c, sc, &ov, names, texts, &f);

	help_draw(c, names, texts, n, &f, "keys", "? or Esc closes this help");
}
