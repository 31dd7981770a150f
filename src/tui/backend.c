/*
 * The ncurses backend. Colour pairs are allocated on first use for each
 * (foreground, background) pair of terminal colours a frame needs and kept
 * in a table; when the terminal has no pairs left the default pair is used.
 * Cells go out as cchar_t through setcchar, whose pair argument is not
 * limited to the 256 pairs that fit in a chtype.
 *
 * The terminal is opened with setupterm, whose failures come back as a
 * code, then newterm; initscr would print ncurses' own message and exit.
 * The size (COLUMNS and LINES override the terminal's) is checked against
 * what the canvas takes before any screen is set up.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <unistd.h>
#include <wchar.h>

#include "memscope/backend.h"
#include "memscope/colour.h"
#include "memscope/keys.h"

#define BACKEND_NC 257		/* colour numbers -1..255, shifted by one */

static struct {
	bool active;
	bool colour;
	int ncolours;
	int fg[COL_COUNT], bg[COL_COUNT];	/* terminal colour numbers */
	attr_t attr[COL_COUNT];
	short *pairs;		/* (BACKEND_NC, BACKEND_NC): 0 unallocated */
	int next_pair;
} backend;

static attr_t
backend_attrs(int a)
{
	attr_t out = A_NORMAL;

	if (a & CATTR_BOLD)
		out |= A_BOLD;
	if (a & CATTR_DIM)
		out |= A_DIM;
	if (a & CATTR_REVERSE)
		out |= A_REVERSE;
	if (a & CATTR_UNDERLINE)
		out |= A_UNDERLINE;
	return out;
}

static void
backend_atexit(void)
{
	backend_end();
}

/* Whether TERM names a terminal memscope can draw on, of a size the
 * canvas takes: 0, or -1 with the reason in err. */
static int
backend_check(char *err, size_t errlen)
{
	/* not "lines": term.h makes that a macro */
	const char *term = getenv("TERM"), *ecols = getenv("COLUMNS");
	const char *elines = getenv("LINES");
	char env[96] = "";
	int rc = 0, w, h;

	if (term == NULL)
		term = "";
	if (setupterm(NULL, STDOUT_FILENO, &rc) != OK) {
		if (rc == 1)
			snprintf(err, errlen, "TERM=%.64s is a hardcopy "
			    "terminal: the visualizer needs a screen; for "
			    "headless training use `memscope train`", term);
		else if (rc == 0)
			snprintf(err, errlen, "TERM=%.64s: no such terminal "
			    "type in the terminfo database; set TERM to your "
			    "terminal's type (e.g. xterm-256color), or use "
			    "`memscope train`", term);
		else
			snprintf(err, errlen, "TERM=%.64s: no terminfo "
			    "database found; install ncurses-base (or set "
			    "TERMINFO), or use `memscope train`", term);
		return -1;
	}
	w = COLS;
	h = LINES;
	del_curterm(cur_term);
	if (w >= 1 && h >= 1 && w <= CANVAS_MAX_W && h <= CANVAS_MAX_H)
		return 0;
	if (ecols != NULL || elines != NULL)
		snprintf(env, sizeof env, " (COLUMNS=%.16s LINES=%.16s)",
		    ecols != NULL ? ecols : "unset",
		    elines != NULL ? elines : "unset");
	snprintf(err, errlen, "the terminal is %dx%d%s: memscope draws on "
	    "1x1 to %dx%d cells", w, h, env, CANVAS_MAX_W, CANVAS_MAX_H);
	return -1;
}

/* Start curses on the terminal. */
int
backend_init(bool colour, char *err, size_t errlen)
{
	static bool registered;

	if (backend_check(err, errlen) != 0)
		return -1;
	if (newterm(NULL, stdout, stdin) == NULL) {
		snprintf(err, errlen, "TERM=%.64s: cannot start the terminal",
		    getenv("TERM") != NULL ? getenv("TERM") : "");
		return -1;
	}
	backend.active = true;
	if (!registered) {
		atexit(backend_atexit);
		registered = true;
	}
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	backend.colour = colour && has_colors();
	backend.ncolours = 0;
	if (backend.colour) {
		start_color();
		use_default_colors();
		backend.ncolours = COLORS >= 256 ? 256 : COLORS >= 16 ? 16 : 8;
		backend.pairs = calloc(BACKEND_NC * BACKEND_NC,
		    sizeof *backend.pairs);
		if (backend.pairs == NULL)
			backend.colour = false;
	}
	backend.next_pair = 1;
	return 0;
}

/* End curses and restore the terminal. */
void
backend_end(void)
{
	if (!backend.active)
		return;
	backend.active = false;
	curs_set(1);
	endwin();
	free(backend.pairs);
	backend.pairs = NULL;
}

/* Colours the terminal has (0 without colour). */
int
backend_colours(void)
{
	return backend.colour ? backend.ncolours : 0;
}

/* Use theme t for the following blits. */
void
backend_set_theme(const struct theme *t)
{
	int i;

	for (i = 0; i < COL_COUNT; i++) {
		backend.fg[i] = colour_reduce(t->style[i].fg, backend.ncolours);
		backend.bg[i] = colour_reduce(t->style[i].bg, backend.ncolours);
		backend.attr[i] = backend_attrs(t->style[i].attr);
	}
	if (backend.colour && backend.pairs != NULL) {
		/* pairs are cheap to set again; forget the old ones */
		memset(backend.pairs, 0, BACKEND_NC * BACKEND_NC *
		    sizeof *backend.pairs);
		backend.next_pair = 1;
	}
}

/* The terminal's size in cells. */
void
backend_size(int *w, int *h)
{
	getmaxyx(stdscr, *h, *w);
}

static short
backend_pair(int fg, int bg)
{
	short *slot;

	if (!backend.colour || (fg < 0 && bg < 0))
		return 0;
	slot = &backend.pairs[(fg + 1) * BACKEND_NC + (bg + 1)];
	if (*slot == 0) {
		if (backend.next_pair >= COLOR_PAIRS ||
		    backend.next_pair > 32767)
			return 0;
		if (init_pair((short)backend.next_pair, (short)fg,
		    (short)bg) == ERR)
			return 0;
		*slot = (short)backend.next_pair++;
	}
	return *slot;
}

/* Copy the canvas to the screen and show it. */
void
backend_blit(const struct canvas *c)
{
	const struct cell *cl;
	cchar_t cc;
	wchar_t wc[2];
	attr_t a;
	short pair;
	int x, y, w, h;

	getmaxyx(stdscr, h, w);
	for (y = 0; y < c->h && y < h; y++) {
		for (x = 0; x < c->w && x < w; x++) {
			cl = &c->cells[(size_t)y * c->w + x];
			wc[0] = cl->ch != 0 ? (wchar_t)cl->ch : L' ';
			wc[1] = L'\0';
			a = backend.attr[cl->fg] | backend_attrs(cl->attr);
			pair = backend_pair(backend.fg[cl->fg],
			    backend.bg[cl->bg]);
			setcchar(&cc, wc, a, pair, NULL);
			/* the bottom-right cell: add_wch would scroll */
			if (y == h - 1 && x == w - 1)
				mvins_wch(y, x, &cc);
			else
				mvadd_wch(y, x, &cc);
		}
	}
	wnoutrefresh(stdscr);
	doupdate();
}

/* The next key, or -1 if none is waiting. */
int
backend_key(void)
{
	int ch = getch();

	if (ch == ERR)
		return -1;
	switch (ch) {
	case KEY_RESIZE:
		return BACKEND_KEY_RESIZE;
	case KEY_LEFT:
		return KEYS_LEFT;
	case KEY_RIGHT:
		return KEYS_RIGHT;
	case KEY_UP:
		return KEYS_UP;
	case KEY_DOWN:
		return KEYS_DOWN;
	}
	return ch;
}
