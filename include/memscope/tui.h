/*
 * The visualizer's main loop: keys in, engine commands out, snapshots drawn
 * through the screens and the curses backend.
 */
#ifndef MEMSCOPE_TUI_H
#define MEMSCOPE_TUI_H

#include <stdbool.h>

#include "memscope/engine.h"
#include "memscope/theme.h"
#include "memscope/tour.h"

#define TUI_SVG "memscope-screen.svg"

struct tui_opts {
	const struct theme *theme;	/* NULL: the default */
	bool ascii;		/* ASCII glyphs even in a UTF-8 locale */
	bool mono;		/* no colour */
	int screen;		/* the screen to start on, 0-based */
	const char *note;	/* NULL, or a line shown until the first key
				 * (e.g. what a checkpoint did not restore) */
	const char *svg;	/* where e writes the screen; NULL: TUI_SVG */
	const char *csv;	/* where the engine writes the history (for
				 * the note e leaves), or NULL */
	const char *record;	/* --record: the session as asciicast v2, or
				 * NULL */
	/* memscope tour: play this lesson (tui_run's engine is then NULL:
	 * each stage makes its own), or NULL */
	const struct tour *tour;
	int tour_stage;		/* the stage to start at, 0-based */
	int tour_speed;		/* every stage's pace (steps/s, 0 unlimited),
				 * or ENGINE_SPEED_DEFAULT: each stage's own */
};

/* Run the visualizer on the terminal until q or a signal; starts the
 * engine's thread and frees the engine (with o->tour, the engines of the
 * stages shown, e NULL). Returns an exit status: 0; 2 if the terminal is
 * unusable, the --record file cannot be written or the tour's first stage
 * cannot be set up (a line on stderr says why, before curses starts); 1
 * if the recording could not be finished; 128 + the signal that ended it
 * (SIGINT, SIGTERM, SIGHUP, SIGQUIT). The recording is complete in every
 * one of these cases. */
int tui_run(struct engine *e, const struct tui_opts *o);

#endif
