/*
 * The guided tour in the visualizer: which stage is shown (or the closing
 * card after the last), what the tour's own keys do, the engine a stage
 * trains in (which takes the stage's scripted action), and the caption
 * box drawn over the bottom of the screen. The lesson itself is data
 * (tour.h); the main loop (tui.c) swaps the engines.
 */
#ifndef MEMSCOPE_TOUR_VIEW_H
#define MEMSCOPE_TOUR_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "memscope/canvas.h"
#include "memscope/engine.h"
#include "memscope/keys.h"
#include "memscope/panel.h"
#include "memscope/tour.h"

struct tour_view {
	const struct tour *tour;
	int stage;		/* shown, 0-based; tour->n: the closing card */
	int running;		/* the stage the engine trains, -1: none */
	bool hidden;		/* h: the caption is not drawn (until the
				 * stage changes) */
};

/* What a key did in the tour. */
enum tour_view_key {
	TOUR_VIEW_NONE,		/* not a tour key: the visualizer's own */
	TOUR_VIEW_STAY,		/* taken, nothing changes (b on stage 1) */
	TOUR_VIEW_STAGE,	/* another stage is shown (space, b) */
	TOUR_VIEW_PAUSE,	/* p: pause / resume */
	TOUR_VIEW_RESTART,	/* r: the stage starts again */
	TOUR_VIEW_QUIT		/* q, or space on the closing card */
};

/* The tour's keys, for its key line and the tests. */
#define TOUR_VIEW_KEY_NEXT ' '
#define TOUR_VIEW_KEY_BACK 'b'
#define TOUR_VIEW_KEY_PAUSE 'p'
#define TOUR_VIEW_KEY_RESTART 'r'
#define TOUR_VIEW_KEY_HIDE 'h'
#define TOUR_VIEW_KEY_QUIT 'q'

/* The message line's hints during the tour (instead of the screen's). */
extern const struct panel_hint tour_view_hints[];
extern const int tour_view_nhints;
/* The help's lines of the tour's keys (screen_help's over). */
extern const struct key_line tour_view_key_lines[];
extern const int tour_view_nkey_lines;

/* A view of tour t at stage `stage` (0-based, clamped), no engine yet. */
void tour_view_init(struct tour_view *v, const struct tour *t, int stage);
/* The stage shown, or NULL on the closing card. */
const struct tour_stage *tour_view_stage(const struct tour_view *v);
/* Carry out key's tour meaning (space next, b back, h hide, p, r, q). */
enum tour_view_key tour_view_key(struct tour_view *v, int key);
/* Whether the shown stage needs a new engine (it is not the one
 * running). */
bool tour_view_needs_engine(const struct tour_view *v);
/* The engine of the shown stage (its runs, at speed steps/s, 0 unlimited,
 * or ENGINE_SPEED_DEFAULT for the stage's own pace; its action, which the
 * worker takes at the step), not started; marks it running. NULL and a
 * message if the stage's runs cannot be made. */
struct engine *tour_view_engine(struct tour_view *v, int speed, char *err,
    size_t errlen);

/* The caption box's rectangle on c: full width, above the status line,
 * or docked: in the last rows, the screen drawn above it. */
struct rect tour_view_box(const struct canvas *c, const struct tour_view *v,
    bool docked);
/* The rows to dock the caption in below a screen of at least min_h rows:
 * the box's height if c has room for both, else 0 (drawn over the screen);
 * 0 while the caption is hidden. */
int tour_view_dock_rows(const struct canvas *c, const struct tour_view *v,
    int min_h);
/* Draw the caption box of the shown stage (or the closing card): its title
 * "stage k of N: ...", the caption, the key line; nothing while hidden. */
void tour_view_draw(struct canvas *c, const struct tour_view *v,
    bool docked);

#endif
