/*
 * Screens as modules, after htop's meters and panels: each screen of the
 * visualizer is a table of {layout, keys, sync from snapshot, draw}. A
 * whole frame is the current screen's layout, its panels, the message and
 * status lines, a message's toast over the panels' bottom row, the help
 * overlay, or the "too small" notice, drawn from one
 * snapshot into the canvas. No curses here: tests render frames.
 */
#ifndef MEMSCOPE_SCREEN_H
#define MEMSCOPE_SCREEN_H

#include <stdbool.h>

#include "memscope/canvas.h"
#include "memscope/keys.h"
#include "memscope/layout.h"
#include "memscope/msgview.h"
#include "memscope/panel.h"
#include "memscope/plotview.h"
#include "memscope/snapshot.h"
#include "memscope/stepview.h"

struct screen_state {
	int screen;		/* 0-based */
	bool help;
	const char *theme;	/* name shown in the status line */
	const char *note;	/* a UI message (an export's, a theme's
				 * error), or NULL */
	const struct step_view *step;	/* the step-through's selection, or NULL */
	bool message;		/* the snapshot's message is fresh: its toast
				 * is drawn (msgview.h) */
	const struct plot_view *plot;	/* the loss plot's view, or NULL */
	bool glossary;		/* the glossary overlay (over the help) */
	/* The message line's hints instead of the screen's (the tour's), or
	 * NULL. */
	const struct panel_hint *hints;
	int nhints;
	bool note_error;	/* the note tells of an error: drawn as one */
	/* Key lines that take keys over from the visualizer's (the tour's),
	 * for the help (screen_help's over), or NULL. */
	const struct key_line *keys;
	int nkeys;
};

/* The UI state the screens keep between frames; their sync hooks keep it
 * up to date with the snapshots, their keys change it, drawing reads it. */
struct screen_views {
	struct step_view *step;	/* the step-through's selection, or NULL */
	struct msg_view *msg;	/* when the message arrived, or NULL */
	struct plot_view *plot;	/* the loss plot's view, or NULL */
};

struct screen_module {
	/* The layout of the w × h area above the message and status lines:
	 * a grid (data), or if that is NULL a function placing the panels
	 * (layout_place). */
	const struct layout_grid *grid;
	void (*layout)(struct layout *lo, int w, int h);
	const struct key_line *keys;	/* the screen's own keys (nkeys lines) */
	int nkeys;
	const struct panel_hint *hints;	/* the message line's (nhints) */
	int nhints;
	/* Bring the screen's UI state up to date with snapshot s, once per
	 * snapshot taken (screen_sync); NULL: nothing to keep. */
	void (*sync)(struct screen_views *v, const struct snapshot *s);
	/* Draw the panels lo placed. */
	void (*draw)(const struct panel_ctx *ctx, struct canvas *c,
	    const struct layout *lo);
};

extern const struct screen_module screen_dashboard;	/* 1 */
extern const struct screen_module screen_parameters;	/* 2 */
extern const struct screen_module screen_memory;	/* 3 */
extern const struct screen_module screen_step;	/* 4, step-through */
extern const struct screen_module screen_teach;	/* 5, the teaching panels */

/* Screen i (0-based, LAYOUT_SCREENS of them); the dashboard if out of
 * range. */
const struct screen_module *screen_module(int i);

/* Run every screen's sync with snapshot s (after each engine_take), and
 * note a new message's arrival in v->msg (at clock_seconds()). */
void screen_sync(struct screen_views *v, const struct snapshot *s);

/* Draw the frame for snapshot s on the whole canvas; lo receives the layout
 * used (may be NULL). Nothing but the canvas changes. */
void screen_draw(struct canvas *c, const struct snapshot *s,
    const struct screen_state *st, struct layout *lo);

/* Each panel of lo in its rectangle; one that is below its minimum size
 * shows a line "NAME needs WxH" instead (the screens' draw). */
void screen_draw_panels(const struct panel_ctx *ctx, struct canvas *c,
    const struct layout *lo);

/* The help overlay (from the key lines) of screen sc (0-based) centred in
 * the canvas: one, two or three columns, texts wrapped, whatever fits the
 * canvas; every screen's keys, or if they do not fit, the other screens'
 * own left out. The nover lines over (NULL: none) come first and take
 * their keys over: a line whose keys they all take is left out. */
void screen_help(struct canvas *c, int sc, const struct key_line *over,
    int nover);
/* The rectangle screen_help draws its box in on canvas c. */
struct rect screen_help_box(const struct canvas *c, int sc,
    const struct key_line *over, int nover);
/* Bytes of s's next row wrapped at w cells (at least one word, cut if a
 * word alone is wider); *next gets where the row after starts (the help's
 * and the glossary's wrapping). */
size_t screen_wrap(const char *s, int w, const char **next);
/* The glossary overlay: the terms the step-through and teaching screens
 * use, defined, centred in the canvas (in columns where it is wide). */
void screen_glossary(struct canvas *c);

#endif
