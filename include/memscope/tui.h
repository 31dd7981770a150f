/*
 * The visualizer's main loop: keys in, engine commands out, snapshots drawn
 * through the screens and the curses backend.
 */
#ifndef MEMSCOPE_TUI_H
#define MEMSCOPE_TUI_H

#include <stdbool.h>

#include "memscope/engine.h"
#include "memscope/theme.h"

struct tui_opts {
	const struct theme *theme;	/* NULL: the default */
	bool ascii;		/* ASCII glyphs even in a UTF-8 locale */
	bool mono;		/* no colour */
	int screen;		/* the screen to start on, 0-based */
	const char *note;	/* NULL, or a line shown until the first key
				 * (e.g. what a checkpoint did not restore) */
};

/* Run the visualizer on the terminal until q or a signal; starts the
 * engine's thread and frees the engine. Returns an exit status: 0; 2 if
 * the terminal is unusable (a line on stderr says why); 128 + the signal
 * that ended it (SIGINT, SIGTERM, SIGHUP, SIGQUIT). */
int tui_run(struct engine *e, const struct tui_opts *o);

#endif
