/*
 * The visualizer's keys, after htop's Action.c: one table of actions, each
 * returning reaction flags for the main loop; the same table generates the
 * help overlay. Actions that change training only queue engine commands.
 */
#ifndef MEMSCOPE_KEYS_H
#define MEMSCOPE_KEYS_H

#include <stdbool.h>

#include "memscope/engine.h"

#define KEYS_REDRAW 0x1		/* draw the screen again */
#define KEYS_LAYOUT 0x2		/* the screen changed: lay out again */
#define KEYS_THEME 0x4		/* load the next theme */
#define KEYS_QUIT 0x8

#define KEYS_ESC 27

/* The state keys act on. */
struct keys_ui {
	int screen;		/* 0-based */
	bool help;		/* the help overlay is open */
	void (*send)(void *arg, enum engine_cmd cmd, int val);
	void *send_arg;
};

struct key_action {
	int key[3];		/* key codes, 0 ends */
	const char *name;	/* as the help shows it */
	const char *help;
	int (*fn)(struct keys_ui *ui, int key);
};

/* Carry out the action bound to key; returns KEYS_* flags (0: unbound). */
int keys_dispatch(struct keys_ui *ui, int key);
/* The action table (n entries). */
const struct key_action *keys_table(int *n);

#endif
