/*
 * The visualizer's keys, after htop's Action.c: one table of actions, each
 * returning reaction flags for the main loop; the same table generates the
 * help overlay. Actions that change training only queue engine commands.
 */
#ifndef MEMSCOPE_KEYS_H
#define MEMSCOPE_KEYS_H

#include <stdbool.h>

#include "memscope/engine.h"
#include "memscope/stepview.h"

#define KEYS_REDRAW 0x1		/* draw the screen again */
#define KEYS_LAYOUT 0x2		/* the screen changed: lay out again */
#define KEYS_THEME 0x4		/* load the next theme */
#define KEYS_QUIT 0x8

#define KEYS_ESC 27
/* Cursor keys, as the backend reports them (beyond every character). */
#define KEYS_LEFT 0x10001
#define KEYS_RIGHT 0x10002
#define KEYS_UP 0x10003
#define KEYS_DOWN 0x10004

#define KEYS_PER_ACTION 4

/* The state keys act on. */
struct keys_ui {
	int screen;		/* 0-based */
	bool help;		/* the help overlay is open */
	void (*send)(void *arg, enum engine_cmd cmd, int val);
	void *send_arg;
	struct step_view *step;	/* the step-through screen's, or NULL */
};

struct key_action {
	int key[KEYS_PER_ACTION];	/* key codes, 0 ends */
	const char *name;	/* as the help shows it */
	const char *name_utf8;	/* the same with arrows, or NULL */
	const char *help;
	int (*fn)(struct keys_ui *ui, int key);
};

/* Carry out the action bound to key; returns KEYS_* flags (0: unbound). */
int keys_dispatch(struct keys_ui *ui, int key);
/* The action table (n entries). */
const struct key_action *keys_table(int *n);

#endif
