/*
 * The run list: one row per run, in the snapshot's order. A row is the
 * focus marker, the run's number and a sample of its colour (the number is
 * its mark in the per-layer chart, so runs stay apart without colour), its
 * label, whether it is drawn, its state, its step, its final test error
 * (ln MSE after the last layer) and "ref" for a saved history overlaid.
 * The focused run's row is bold; a hidden run's is dim. Columns are dropped
 * by priority when the panel is narrow (the label, state and error stay
 * longest); with rows to spare each run gets a second row with its
 * settings; with too few, the rows scroll to keep the focused run in view
 * and the frame's bottom edge says how many are not shown.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "memscope/panel.h"

enum runs_col { RUNS_LABEL, RUNS_SHOW, RUNS_STATE, RUNS_STEP, RUNS_MSE,
	RUNS_REF, RUNS_NCOLS };

/* Columns in the order drawn, with their widths and headers; `prio` is the
 * order in which they are kept when narrow (0 first). */
struct runs_colspec {
	int w;
	int prio;
	const char *head;
	bool right;		/* right-aligned */
};

static const struct runs_colspec runs_cols[RUNS_NCOLS] = {
	[RUNS_LABEL] = { 0, 0, "run", false },	/* width: the labels' */
	[RUNS_SHOW] = { 4, 4, "show", false },
	[RUNS_STATE] = { 8, 1, "state", false },
	[RUNS_STEP] = { 11, 3, "step", true },
	[RUNS_MSE] = { 7, 2, "ln MSE", true },
	[RUNS_REF] = { 4, 5, "", false },
};

#define RUNS_LEAD 5		/* "▶ 1── " less one: marker, number, sample */

static const char *
runs_label(const struct canvas *c, const struct snapshot_run *r)
{
	return c->g->utf8 ? r->label : r->label_ascii;
}

/* Which columns fit in w cells (on[]), and their x offsets (at[]). */
static void
runs_fit(int w, int labw, bool *on, int *at)
{
	int used = RUNS_LEAD + 1 + labw, p, i, x;

	for (i = 0; i < RUNS_NCOLS; i++)
		on[i] = i == RUNS_LABEL;
	for (p = 1; p < RUNS_NCOLS; p++)
		for (i = 0; i < RUNS_NCOLS; i++)
			if (runs_cols[i].prio == p &&
			    used + 1 + runs_cols[i].w <= w) {
				on[i] = true;
				used += 1 + runs_cols[i].w;
			}
	x = RUNS_LEAD + 1;
	for (i = 0; i < RUNS_NCOLS; i++) {
		at[i] = x;
		if (on[i])
			x += (i == RUNS_LABEL ? labw : runs_cols[i].w) + 1;
	}
}

/* Text s in column i of the row at y (right-aligned if the column is). */
static void
runs_cell(struct canvas *c, int x0, int y, int i, const int *at, int labw,
    enum colour_role col, const char *s)
{
	int w = i == RUNS_LABEL ? labw : runs_cols[i].w, x = x0 + at[i];

	if (runs_cols[i].right && canvas_text_width(s) < w)
		x += w - canvas_text_width(s);
	canvas_text(c, x, y, w, col, s);
}

static void
runs_row(const struct snapshot *s, int i, struct canvas *c, struct rect in,
    int y, const bool *on, const int *at, int labw)
{
	const struct snapshot_run *r = &s->runs[i];
	const struct glyphs *g = c->g;
	enum colour_role text = r->visible ? COL_TEXT : COL_DIM;
	bool focus = i == s->focus;
	char buf[48];

	if (focus)
		canvas_text(c, in.x, y, 1, COL_TITLE, g->utf8 ? "▶" : ">");
	canvas_printf(c, in.x + 2, y, 1, text, "%d", r->style + 1);
	canvas_put(c, in.x + 3, y, r->visible ? g->hline : ' ',
	    COL_RUN_0 + r->style);
	canvas_put(c, in.x + 4, y, r->visible ? g->hline : ' ',
	    COL_RUN_0 + r->style);
	runs_cell(c, in.x, y, RUNS_LABEL, at, labw, text, runs_label(c, r));
	if (on[RUNS_SHOW])
		runs_cell(c, in.x, y, RUNS_SHOW, at, labw, text, r->visible ?
		    "yes" : "no");
	if (on[RUNS_STATE])
		runs_cell(c, in.x, y, RUNS_STATE, at, labw, r->reference ?
		    COL_DIM : panel_state_colour(r->state), r->reference ?
		    "saved" : snapshot_state_name(r->state));
	if (on[RUNS_STEP]) {
		snprintf(buf, sizeof buf, "%ld/%ld", r->step, r->target);
		runs_cell(c, in.x, y, RUNS_STEP, at, labw, text, buf);
	}
	if (on[RUNS_MSE])
		runs_cell(c, in.x, y, RUNS_MSE, at, labw, r->visible ?
		    COL_MODEL : COL_DIM, panel_log(r->final_mse, buf,
		    sizeof buf));
	if (on[RUNS_REF] && r->reference)
		runs_cell(c, in.x, y, RUNS_REF, at, labw, COL_DIM, "ref");
	if (focus)
		canvas_attr(c, (struct rect){ in.x, y, in.w, 1 }, CATTR_BOLD);
}

/* The second row of run i: its settings, the data and seed where they
 * fit. */
static void
runs_detail(const struct snapshot *s, int i, struct canvas *c,
    struct rect in, int y)
{
	const struct ms_config *k = &s->runs[i].cfg;
	char buf[128], data[32];
	int x = in.x + RUNS_LEAD + 1, end = in.x + in.w;

	snprintf(buf, sizeof buf, "d%d n%d L%d H%d %s %s", k->dim,
	    k->context, k->layers, k->heads, config_param_name(k->param),
	    config_memory_name(k->memory));
	x += canvas_text(c, x, y, end - x, COL_DIM, buf);
	config_data_name(k, data, sizeof data);
	snprintf(buf, sizeof buf, ", data %s", data);
	x = panel_segment(c, x, y, end, COL_DIM, buf);
	snprintf(buf, sizeof buf, ", seed %llu", (unsigned long long)k->seed);
	panel_segment(c, x, y, end, COL_DIM, buf);
}

static void
runs_draw(const struct panel_ctx *ctx, struct canvas *c, struct rect r)
{
	const struct snapshot *s = ctx->s;
	struct rect in;
	bool on[RUNS_NCOLS], detail;
	int at[RUNS_NCOLS], labw = 3, i, y, rows, first = 0, per;
	char title[48];

	snprintf(title, sizeof title, "runs: %d of %d", s->nruns,
	    SNAPSHOT_MAX_RUNS);
	in = panel_frame(c, r, title);
	if (in.w < RUNS_LEAD + 4 || in.h < 1)
		return;
	if (s->nruns == 0) {
		panel_centre(c, in, in.y + in.h / 2, COL_DIM, "no runs yet");
		return;
	}
	for (i = 0; i < s->nruns; i++)
		if (canvas_text_width(runs_label(c, &s->runs[i])) > labw)
			labw = canvas_text_width(runs_label(c, &s->runs[i]));
	if (labw > in.w - RUNS_LEAD - 1)
		labw = in.w - RUNS_LEAD - 1;
	if (labw > 16 && in.w < RUNS_LEAD + 1 + labw + 1 + 8 + 1 + 7)
		labw = 16;
	runs_fit(in.w, labw, on, at);
	/* a header when there is a row for it */
	y = in.y;
	rows = in.h;
	if (in.h > s->nruns) {
		for (i = 0; i < RUNS_NCOLS; i++)
			if (on[i])
				runs_cell(c, in.x, y, i, at, labw, COL_DIM,
				    runs_cols[i].head);
		y++;
		rows--;
	}
	detail = rows >= 2 * s->nruns;
	per = detail ? 2 : 1;
	if (s->focus >= rows / per)
		first = s->focus - rows / per + 1;
	for (i = first; i < s->nruns && y + per <= in.y + in.h; i++) {
		runs_row(s, i, c, in, y++, on, at, labw);
		if (detail)
			runs_detail(s, i, c, in, y++);
	}
	if (i - first < s->nruns) {
		/* on the frame's bottom edge: in the last row it covered
		 * that run's numbers */
		snprintf(title, sizeof title, " +%d more ", s->nruns - (i -
		    first));
		y = in.y + in.h < r.y + r.h ? in.y + in.h : in.y + in.h - 1;
		canvas_text(c, in.x + in.w - canvas_text_width(title), y, in.w,
		    COL_DIM, title);
	}
}

const struct panel_class panel_runs = {
	.name = "runs",
	.min_w = 14,
	.min_h = 3,
	.draw = runs_draw,
};
