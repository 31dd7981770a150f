/*
 * The visualizer's keys, after htop's Action.c. A key row is data: the key,
 * its name in the help, what it does in a few words, the action that does
 * it and the engine command and argument that action queues. Rows are
 * grouped into help lines ("l L  layers - / + (new run)"); the help overlay
 * is generated from the same lines the dispatcher walks. The keys every
 * screen has are here; a screen's own keys are in its module (screen.h).
 * Actions return reaction flags for the main loop; actions that change
 * training only queue engine commands.
 */
#ifndef MEMSCOPE_KEYS_H
#define MEMSCOPE_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#include "memscope/engine.h"
#include "memscope/plotview.h"
#include "memscope/stepview.h"

#define KEYS_REDRAW 0x1		/* draw the screen again */
#define KEYS_LAYOUT 0x2		/* the screen changed: lay out again */
#define KEYS_THEME 0x4		/* load the next theme */
#define KEYS_QUIT 0x8
#define KEYS_EXPORT 0x10	/* write the screen as SVG (the engine writes
				 * the history) */

#define KEYS_ESC 27
/* Cursor keys, as the backend reports them (beyond every character). */
#define KEYS_LEFT 0x10001
#define KEYS_RIGHT 0x10002
#define KEYS_UP 0x10003
#define KEYS_DOWN 0x10004

#define KEYS_PER_LINE 5

/* The state keys act on. */
struct keys_ui {
	int screen;		/* 0-based */
	bool help;		/* the help overlay is open */
	void (*send)(void *arg, enum engine_cmd cmd, int val);
	void *send_arg;
	struct step_view *step;	/* the step-through screen's, or NULL */
	struct plot_view *plot;	/* the loss plot's view, or NULL */
	bool glossary;		/* the glossary overlay is open */
};

struct key_row;
/* An action: does what row k says; returns KEYS_* flags (0: not taken). */
typedef int (*key_action_fn)(struct keys_ui *ui, const struct key_row *k);

/* One key. */
struct key_row {
	int key;		/* the key code; 0 ends a line's rows */
	const char *name;	/* as the help shows it ("space", "Lt") */
	const char *name_utf8;	/* the same with arrows, or NULL */
	const char *what;	/* what it does, inside its line's text */
	key_action_fn act;	/* what carries it out */
	enum engine_cmd cmd;	/* the command an engine row queues */
	int arg;		/* its argument; or the action's (±1, a screen) */
	/* A step-through row's function of the step view (stepview.h): it
	 * returns the argument of the row's engine command, or -1 for none. */
	int (*view)(struct step_view *v, int arg);
};

/* One line of the help: its keys and how their words join into its text,
 * prefix + what_1 + sep + what_2 ... + suffix. */
struct key_line {
	const char *name;	/* NULL: the keys' names, space-separated */
	const char *prefix;	/* NULL: none */
	const char *sep;	/* NULL: " / " */
	const char *suffix;	/* NULL: none */
	struct key_row keys[KEYS_PER_LINE];
};

/* Carry out the row bound to key on ui->screen (its own keys first);
 * returns KEYS_* flags (0: unbound, or not taken there). */
int keys_dispatch(struct keys_ui *ui, int key);
/* The help's lines in order: the keys of every screen, each screen's own
 * (screen.h), then help and quit; fills up to max pointers, returns how
 * many there are. */
int keys_help_lines(const struct key_line **out, int max);
/* Line l's key names ("l L"; with arrows if utf8) into buf. */
const char *keys_line_name(const struct key_line *l, bool utf8, char *buf,
    size_t len);
/* Line l's text ("layers - / + (new run)") into buf. */
const char *keys_line_text(const struct key_line *l, char *buf, size_t len);
/* What row k of line l does on its own ("layers + (new run)") into buf. */
const char *keys_row_text(const struct key_line *l, const struct key_row *k,
    char *buf, size_t len);

#endif
