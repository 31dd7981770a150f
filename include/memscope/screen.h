/*
 * A whole frame: the layout of the current screen, its panels, the message
 * and status lines, the help overlay, or the "too small" notice, drawn from
 * one snapshot into the canvas. No curses here: tests render frames.
 */
#ifndef MEMSCOPE_SCREEN_H
#define MEMSCOPE_SCREEN_H

#include <stdbool.h>

#include "memscope/canvas.h"
#include "memscope/layout.h"
#include "memscope/snapshot.h"
#include "memscope/stepview.h"

struct screen_state {
	int screen;		/* 0-based */
	bool help;
	const char *theme;	/* name shown in the status line */
	const char *note;	/* a UI message (theme errors), or NULL */
	const struct step_view *step;	/* the step-through's selection, or NULL */
};

/* Draw the frame for snapshot s on the whole canvas; lo receives the layout
 * used (may be NULL). Nothing but the canvas changes. */
void screen_draw(struct canvas *c, const struct snapshot *s,
    const struct screen_state *st, struct layout *lo);

/* The help overlay (from the key table) centred in the canvas. */
void screen_help(struct canvas *c);

#endif
