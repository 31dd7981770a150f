/*
 * The loss panel: ln of the training and test losses against the step, of
 * every visible run in its own colour (the focused run drawn last, on top),
 * vertical marks where the focused run's data changed, and horizontal reference lines at what CG, tuned GD and Nesterov
 * reach after L iterations on the same test batch.
 *
 * Layout inside the frame: a legend row, then the plot with y tick labels
 * on the left and the reference lines' names on the right, then a row of
 * step labels. The y range covers every finite value drawn, padded by 5%;
 * the x range runs from 0 to the larger of the step target and the last
 * step of either run, so a curve grows across a fixed axis.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/panel.h"
#include "memscope/plot.h"

struct loss_ref {
	enum baseline b;
	enum colour_role col;
	const char *name;	/* right margin, 3 cells */
	const char *legend;
};

static const struct loss_ref loss_refs[] = {
	{ BASELINE_CG, COL_REF_CG, "CG", "CG" },
	{ BASELINE_GD, COL_REF_GD, "GD", "GD" },
	{ BASELINE_NESTEROV, COL_REF_NESTEROV, "Nv", "Nesterov" },
};
#define LOSS_NREFS ((int)(sizeof loss_refs / sizeof loss_refs[0]))

#define LOSS_LEFT 6		/* y labels */
#define LOSS_RIGHT 3		/* reference names */

static void
loss_extend(double *lo, double *hi, double v)
{
	if (!isfinite(v) || v <= 0)
		return;
	v = log(v);
	if (v < *lo)
		*lo = v;
	if (v > *hi)
		*hi = v;
}

static void
loss_extend_curve(double *lo, double *hi, double *xmax,
    const struct snapshot_curve *cv)
{
	int i;

	for (i = 0; i < cv->n; i++) {
		loss_extend(lo, hi, cv->train[i]);
		loss_extend(lo, hi, cv->test[i]);
	}
	if (cv->n > 0 && cv->step[cv->n - 1] > *xmax)
		*xmax = cv->step[cv->n - 1];
}

/* ln of a curve's values into out (n). */
static void
loss_logs(const double *v, int n, double *out)
{
	int i;

	for (i = 0; i < n; i++)
		out[i] = isfinite(v[i]) && v[i] > 0 ? log(v[i]) : NAN;
}

static void
loss_draw_curve(struct plot *p, const struct snapshot_curve *cv,
    const double *vals, enum colour_role col, double *tmp)
{
	loss_logs(vals, cv->n, tmp);
	plot_curve(p, cv->step, tmp, cv->n, col);
}

static void
loss_legend(struct canvas *c, struct rect in, const struct snapshot *s)
{
	const struct glyphs *g = c->g;
	char buf[96], v[16];
	int x = in.x, end = in.x + in.w, i, L = s->cfg.layers;

	for (i = 0; i < s->nruns; i++) {
		const struct snapshot_run *r = &s->runs[i];

		if (!r->visible)
			continue;
		snprintf(buf, sizeof buf, " %s", g->utf8 ? r->label :
		    r->label_ascii);
		if (end - x < canvas_text_width(buf) + 2)
			break;
		canvas_put(c, x, in.y, g->hline, COL_RUN_0 + r->style);
		x += 1 + canvas_text(c, x + 1, in.y, end - x - 1, i == s->focus ?
		    COL_TEXT : COL_DIM, buf);
		x++;
	}
	if (!s->have_baselines || L < 1)
		return;
	for (i = 0; i < LOSS_NREFS; i++) {
		snprintf(buf, sizeof buf, " %s %s", loss_refs[i].legend,
		    panel_log(s->base_mse[loss_refs[i].b][L], v, sizeof v));
		if (end - x < canvas_text_width(buf) + 2)
			break;
		canvas_put(c, x, in.y, g->ref_line, loss_refs[i].col);
		x++;
		x += 1 + canvas_text(c, x + 1, in.y, end - x - 1, COL_TEXT, buf);
	}
}

static void
loss_draw(const struct panel_ctx *ctx, struct canvas *c, struct rect r)
{
	const struct snapshot *s = ctx->s;
	const struct snapshot_run *fr = snapshot_focus(s);
	const struct glyphs *g = c->g;
	struct rect in, pr;
	struct plot p;
	double lo = INFINITY, hi = -INFINITY, xmax = 1, *tmp;
	char buf[32], title[64], wait[64];
	int i, row, col, x, y, L = s->cfg.layers, maxn;

	snprintf(title, sizeof title, "loss: ln MSE, L = %d after each step",
	    L);
	in = panel_frame(c, r, r.w > 40 ? title : "loss");
	if (in.w < LOSS_LEFT + LOSS_RIGHT + 4 || in.h < 4)
		return;

	loss_legend(c, in, s);
	pr.x = in.x + LOSS_LEFT;
	pr.y = in.y + 1;
	pr.w = in.w - LOSS_LEFT - LOSS_RIGHT;
	pr.h = in.h - 2;

	for (i = 0; i < s->nruns; i++)
		if (s->runs[i].visible)
			loss_extend_curve(&lo, &hi, &xmax, &s->runs[i].hist);
	if (s->have_baselines && L >= 1)
		for (i = 0; i < LOSS_NREFS; i++)
			loss_extend(&lo, &hi, s->base_mse[loss_refs[i].b][L]);
	if (s->target > xmax)
		xmax = (double)s->target;
	if (!isfinite(lo)) {
		/* the status line's ellipsis: one glyph where UTF-8 has it */
		snprintf(wait, sizeof wait, "%s%s", s->busy[0] != '\0' ?
		    s->busy : s->state == ENGINE_STARTING ?
		    "setting up the run" : "waiting for the first loss",
		    c->g->utf8 ? "\xe2\x80\xa6" : "...");
		panel_centre(c, pr, pr.y + pr.h / 2, COL_DIM, wait);
		return;
	}
	panel_pad_range(&lo, &hi);
	plot_init(&p, c, pr, 0, xmax, lo, hi);

	/* y ticks: top, middle, bottom; x ticks: 0, middle, end */
	panel_y_ticks(c, &p, in.x, lo, hi);
	y = pr.y + pr.h;
	for (i = 0; i < 3; i++) {
		double v = xmax * i / 2;

		snprintf(buf, sizeof buf, "%.0f", v);
		col = plot_col(&p, v);
		x = i == 0 ? col : i == 1 ? col - canvas_text_width(buf) / 2 :
		    col - canvas_text_width(buf) + 1;
		canvas_text(c, x, y, in.x + in.w - x, COL_AXIS, buf);
	}
	if (pr.w > 30) {
		snprintf(buf, sizeof buf, "step");
		canvas_text(c, pr.x + pr.w / 4 - 2, y, 4, COL_DIM, buf);
	}

	/* reference lines, under the curves */
	if (s->have_baselines && L >= 1) {
		for (i = 0; i < LOSS_NREFS; i++) {
			double v = s->base_mse[loss_refs[i].b][L];

			if (!isfinite(v) || v <= 0)
				continue;
			row = plot_row(&p, log(v));
			if (row < pr.y || row >= pr.y + pr.h)
				continue;
			for (x = pr.x; x < pr.x + pr.w; x++)
				canvas_put(c, x, row, g->ref_line,
				    loss_refs[i].col);
			canvas_text(c, pr.x + pr.w, row, LOSS_RIGHT,
			    loss_refs[i].col, loss_refs[i].name);
		}
	}
	/* the focused run's data changes */
	for (i = 0; fr != NULL && i < fr->nmarks; i++) {
		col = plot_col(&p, (double)fr->marks[i].step);
		if (col < pr.x || col >= pr.x + pr.w)
			continue;
		for (y = pr.y; y < pr.y + pr.h; y++)
			canvas_put(c, col, y, g->mark, COL_MARK);
		canvas_text(c, col + 1, pr.y, pr.x + pr.w - col - 1, COL_MARK,
		    fr->marks[i].label);
	}

	maxn = 0;
	for (i = 0; i < s->nruns; i++)
		if (s->runs[i].hist.n > maxn)
			maxn = s->runs[i].hist.n;
	tmp = maxn > 0 ? calloc(maxn, sizeof *tmp) : NULL;
	for (i = 0; tmp != NULL && i <= s->nruns; i++) {
		/* the focused run last, on top */
		const struct snapshot_run *r = i < s->nruns ? &s->runs[i] : fr;

		if (r == NULL || !r->visible || (i < s->nruns && r == fr))
			continue;
		loss_draw_curve(&p, &r->hist, r->hist.train,
		    COL_RUN_0 + r->style, tmp);
		loss_draw_curve(&p, &r->hist, r->hist.test,
		    COL_RUN_0 + r->style, tmp);
	}
	free(tmp);
	plot_render(&p, c);
	plot_free(&p);
}

const struct panel_class panel_loss = {
	.name = "loss",
	.min_w = 20,
	.min_h = 6,
	.draw = loss_draw,
};
