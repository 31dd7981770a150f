/*
 * Screen elements, after htop's meters: each panel is a module behind a
 * small table of function pointers and draws one snapshot into a rectangle
 * of the canvas, naming colours only by role.
 */
#ifndef MEMSCOPE_PANEL_H
#define MEMSCOPE_PANEL_H

#include "memscope/canvas.h"
#include "memscope/plot.h"
#include "memscope/plotview.h"
#include "memscope/snapshot.h"
#include "memscope/stepview.h"

/* A key hint of the message line ("l L layers"). */
struct panel_hint {
	const char *text;
	const char *ascii;	/* without arrows, or NULL: the same */
};

struct panel_ctx {
	const struct snapshot *s;
	const char *theme;	/* the theme's name, for the status line */
	int screen;		/* 0-based screen number */
	int nscreens;
	const struct step_view *step;	/* the step-through screen's, or NULL */
	/* the screen's key hints, for the message line when idle */
	const struct panel_hint *hints;	/* (nhints) */
	int nhints;
	const struct plot_view *plot;	/* the loss plot's view, or NULL */
};

struct panel_class {
	const char *name;	/* in the notice shown when it does not fit */
	int min_w, min_h;	/* below this layout marks it as not fitting
				 * and the screen shows "NAME needs WxH" */
	/* Draw ctx->s into r (clipped to r; r may be any size, even empty). */
	void (*draw)(const struct panel_ctx *ctx, struct canvas *c,
	    struct rect r);
};

extern const struct panel_class panel_loss;	/* loss curves */
extern const struct panel_class panel_layers;	/* per-layer test losses */
extern const struct panel_class panel_matrices;	/* parameter heatmaps */
extern const struct panel_class panel_memory;	/* memory coefficients */
extern const struct panel_class panel_runs;	/* the run list */
extern const struct panel_class panel_step;	/* step-through: methods */
extern const struct panel_class panel_step_chart;	/* error against ℓ */
extern const struct panel_class panel_step_memory;	/* registers at ℓ */
extern const struct panel_class panel_teach_dirs;	/* error by eigen-direction */
extern const struct panel_class panel_teach_poly;	/* residual polynomials */
extern const struct panel_class panel_teach_path;	/* the path in a plane */
extern const struct panel_class panel_teach_method;	/* the method as an LFOM */
extern const struct panel_class panel_message;	/* the last event / hints */
extern const struct panel_class panel_status;	/* the status line */

/* Frame r with a title and return the inside; draws nothing if r is too
 * small for a frame (the inside is then empty). */
struct rect panel_frame(struct canvas *c, struct rect r, const char *title);
/* ln(v) as text ("-1.48"), "-" for missing or non-positive v. */
const char *panel_log(double v, char *buf, int len);
/* Tick labels on round values (ticks.h) of plot p's range [lo, hi], at
 * most one every other row, right-aligned in the columns from x0 to the
 * plot's left edge. */
void panel_y_ticks(struct canvas *c, const struct plot *p, int x0,
    double lo, double hi);
/* Widen a (log) range [lo, hi] by 5% of its width, at least 0.05. */
void panel_pad_range(double *lo, double *hi);
/* Write s at (x, y) if all of it fits before column end; returns the x
 * after it (x unchanged if it does not fit). */
int panel_segment(struct canvas *c, int x, int y, int end,
    enum colour_role col, const char *s);
/* The colour of a state's name (running, paused, ...). */
enum colour_role panel_state_colour(enum engine_state st);
/* Draw a centred line of text in r's row y. */
void panel_centre(struct canvas *c, struct rect r, int y, enum colour_role fg,
    const char *s);

/* The step-through trace's panels (the step-through and teach screens). */
/* The layer ℓ the step view selects, within the trace's 0 .. L. */
int panel_trace_layer(const struct panel_ctx *ctx);
/* Frame r with title into *in; false (and a centred line saying why in
 * it) when the snapshot has no trace to draw. */
bool panel_trace_begin(const struct panel_ctx *ctx, struct canvas *c,
    struct rect r, const char *title, struct rect *in);
/* The trace's note of panel k at layer l (trace_note) in in's last rows:
 * one, or two when it is wider than in and in has 8 rows or more, cut
 * with an ellipsis; returns the rows taken (0: no note). */
int panel_trace_note(struct canvas *c, struct rect in, const struct trace *tr,
    int l, enum trace_note k);

/* The teaching panels' methods, by trace.h's method (and polynomial)
 * index: name, short name, the letter marking its point, colour, line
 * style (plot.h). */
struct panel_teach_method {
	const char *head, *abbr;
	char letter;
	enum colour_role col;
	int style;
};
extern const struct panel_teach_method panel_teach_methods[TRACE_POLYS];
/* The legend of the methods in mask (bit m: method m) in row y from x, at
 * most w cells: names with line samples, shorter names, or no samples,
 * whatever fits; returns the cells used. */
int panel_teach_legend(struct canvas *c, int x, int y, int w, unsigned mask);
/* A teaching panel's frame, the trace's checks and its note k: false when
 * nothing more is to be drawn; *in is left the rows above the note. */
bool panel_teach_begin(const struct panel_ctx *ctx, struct canvas *c,
    struct rect r, const char *title, enum trace_note k, struct rect *in);

#endif
