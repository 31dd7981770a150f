/*
 * The guided tour (memscope tour): a short lesson as data. Each stage sets
 * up an experiment (config keys laid over config_defaults, and optionally
 * several runs side by side, as --compare makes them), names the screen to
 * show it on, the step-through layer and the pace, and says in a caption
 * what to look at. A stage may script one action (the data conditioning
 * switched once the run reaches a step). No curses and no engine here: the
 * visualizer (tour_view.h, tui.c) plays the stages.
 */
#ifndef MEMSCOPE_TOUR_H
#define MEMSCOPE_TOUR_H

#include <stdbool.h>
#include <stddef.h>

#include "memscope/config.h"

#define TOUR_NSTAGES 6		/* stages of memscope tour's lesson */
#define TOUR_MAX_SET 12		/* config keys a stage sets */
#define TOUR_MAX_RUNS 4		/* runs a stage trains side by side */
#define TOUR_CAPTION_LINES 5	/* lines of a caption, at most */
#define TOUR_CAPTION_W 76	/* cells a caption line takes, at most: the
				 * caption box's inside on an 80-column
				 * terminal */
#define TOUR_TEXT_LEN 256	/* bytes of a title or caption line as
				 * drawn, with its NUL */

/* The screens a stage shows, as the visualizer numbers them (0-based;
 * layout.h's order, checked where the two meet). */
enum tour_screen {
	TOUR_SCREEN_DASHBOARD,
	TOUR_SCREEN_PARAMETERS,
	TOUR_SCREEN_MEMORY,
	TOUR_SCREEN_STEP,	/* the step-through */
	TOUR_SCREEN_TEACH	/* the teaching panels */
};

/* What a stage does by itself while it runs. */
enum tour_action {
	TOUR_ACTION_NONE,
	TOUR_ACTION_DATA	/* the next data conditioning (the c key) when
				 * the run reaches action_step (the engine's
				 * data_at) */
};

struct tour_stage {
	const char *title;	/* a few words, UTF-8 */
	/* What to look at: up to TOUR_CAPTION_LINES lines of at most
	 * TOUR_CAPTION_W cells, NULL-terminated, in UTF-8; ASCII mode draws
	 * them spelled by lesson_ascii's table (lesson.h), which must fit the
	 * same width. */
	const char *caption[TOUR_CAPTION_LINES + 1];
	/* "key=value" laid over config_defaults, NULL-terminated */
	const char *set[TOUR_MAX_SET + 1];
	/* The runs: each "key=value" laid over the stage's configuration
	 * (one key per run, as --compare's values); none: one run. */
	const char *runs[TOUR_MAX_RUNS + 1];
	enum tour_screen screen;
	int layer;		/* the step-through's ℓ to show; -1: 0 */
	int speed;		/* steps per second of each run */
	enum tour_action action;
	long action_step;
};

/* A lesson: its stages in order, and the closing card shown after the
 * last (a title and caption only). */
struct tour {
	const struct tour_stage *stage;
	int n;
	const struct tour_stage *end;
};

/* memscope tour's lesson. */
extern const struct tour tour_lesson;

/*
 * The configurations of stage st: config_defaults, its keys, then one
 * per run (or the one); each validated (config_validate). Returns how
 * many (1 .. max), or -1 with a one-line message naming the stage's key.
 */
int tour_configs(const struct tour_stage *st, struct ms_config *out, int max,
    char *err, size_t errlen);

/* Text s as drawn: s itself if utf8, else its ASCII spelling
 * (lesson_ascii) in buf, of len bytes (TOUR_TEXT_LEN holds any). */
const char *tour_text(const char *s, bool utf8, char *buf, size_t len);

/* Caption line i of st (NULL past the end) as drawn, as tour_text. */
const char *tour_caption_line(const struct tour_stage *st, int i, bool utf8,
    char *buf, size_t len);

#endif
