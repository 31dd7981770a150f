/*
 * The curses backend: the only code that calls ncurses. It starts and ends
 * the terminal session and blits a canvas, turning colour roles into colour
 * pairs through the current theme.
 */
#ifndef MEMSCOPE_BACKEND_H
#define MEMSCOPE_BACKEND_H

#include <stdbool.h>

#include "memscope/canvas.h"
#include "memscope/theme.h"

/* Start curses on the terminal: 0, or -1 with a message in err if TERM
 * names no usable terminal or its size is not 1x1 to CANVAS_MAX_W x
 * CANVAS_MAX_H (then nothing was changed on the terminal). With colour
 * false no colours are used (NO_COLOR, --mono). */
int backend_init(bool colour, char *err, size_t errlen);
/* End curses and restore the terminal (safe to call twice, or never). */
void backend_end(void);
/* Use theme t for the following blits. */
void backend_set_theme(const struct theme *t);
/* The terminal's size in cells. */
void backend_size(int *w, int *h);
/* Copy the canvas to the screen and show it. */
void backend_blit(const struct canvas *c);
/* The next key, or -1 if none is waiting; BACKEND_KEY_RESIZE on a resize,
 * KEYS_LEFT .. KEYS_DOWN for the cursor keys. */
int backend_key(void);
/* Colours the terminal has (0 without colour). */
int backend_colours(void);

#define BACKEND_KEY_RESIZE 0x10000

#endif
