/*
 * The step-through screen (screen 4): one test task through the learned
 * model layer by layer, beside CG, GD and Nesterov after as many
 * iterations. Three panels draw the trace the worker published in the
 * snapshot (snapshot.h's trace) at the layer ℓ the UI selected (stepview.h):
 *   - the task and the methods at ℓ: the query label, w*, the spectrum of
 *     XXᵀ/n, then a column per method (prediction, squared error, norm of
 *     the context residuals, distance of w_ℓ to w*; the smallest error
 *     bold), the steps each method took and, when there is room, the
 *     iterates;
 *   - the squared error against ℓ on a log scale, ℓ marked;
 *   - the memory at layer ℓ: each register R_j's label row (tokens across,
 *     on a diverging scale), the coefficient layer ℓ gives it at the query,
 *     and its contribution to the query cell's update as a bar centred on
 *     zero; for cgd α, γ beside CG's own on this task, for lfom Γ_j's row.
 * Layers are counted from 1 on the screen: layer ℓ makes Z_ℓ from Z_{ℓ−1}
 * with registers R_1 .. R_ℓ (trace.h's 0-based ℓ − 1 and j − 1).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "memscope/heatmap.h"
#include "memscope/panel.h"
#include "memscope/plot.h"

struct step_method {
	enum trace_method m;
	const char *head;
	enum colour_role col;
};

static const struct step_method step_methods[] = {
	{ TRACE_MODEL, "model", COL_MODEL },
	{ TRACE_CG, "CG", COL_REF_CG },
	{ TRACE_GD, "GD", COL_REF_GD },
	{ TRACE_NESTEROV, "Nesterov", COL_REF_NESTEROV },
};
#define STEP_NMETHODS ((int)(sizeof step_methods / sizeof step_methods[0]))

#define STEP_LABEL_W 13		/* the quantity names */
#define STEP_CELL_W 9		/* a method's column */
#define STEP_NUM 8		/* the widest number step_num writes */

/* UTF-8 or ASCII spelling of a symbol. */
static const char *
step_sym(const struct canvas *c, const char *utf8, const char *ascii)
{
	return c->g->utf8 ? utf8 : ascii;
}

/* v in at most STEP_NUM characters; "-" when not defined. */
static const char *
step_num(char *buf, size_t len, double v, bool sign)
{
	if (!isfinite(v)) {
		snprintf(buf, len, "-");
		return buf;
	}
	if (v == 0.0)	/* "0", not "+0" or "-0" */
		sign = false;
	v += 0.0;
	snprintf(buf, len, sign ? "%+.3g" : "%.3g", v);
	if (strlen(buf) > STEP_NUM)
		snprintf(buf, len, sign ? "%+.1e" : "%.1e", v);
	return buf;
}

/* "name v1 v2 ..." until the line is full; returns the cells used. */
static int
step_vector_line(struct canvas *c, int x, int y, int w, const char *name,
    const double *v, int n, enum colour_role col, bool sign)
{
	char buf[32];
	int used = canvas_text(c, x, y, w, COL_DIM, name), k;

	for (k = 0; k < n; k++) {
		step_num(buf, sizeof buf, v[k], sign);
		/* keep room for the ellipsis unless this is the last */
		if (used + 1 + canvas_text_width(buf) >
		    w - (k + 1 < n ? 2 : 0)) {
			used += canvas_text(c, x + used, y, w - used, COL_DIM,
			    c->g->utf8 ? " …" : " ...");
			break;
		}
		used += 1 + canvas_text(c, x + used + 1, y, w - used - 1, col,
		    buf);
	}
	return used;
}

/* The row of one quantity: a label and a value per method. */
static void
step_row(struct canvas *c, struct rect in, int y, int ncols,
    const char *label, const double *vals, bool mark_least)
{
	char buf[32];
	int best = -1, i, x;
	double bv = INFINITY;

	canvas_text(c, in.x, y, STEP_LABEL_W - 1, COL_TEXT, label);
	for (i = 0; i < ncols && mark_least; i++)
		if (isfinite(vals[i]) && vals[i] < bv) {
			bv = vals[i];
			best = i;
		}
	for (i = 0; i < ncols; i++) {
		step_num(buf, sizeof buf, vals[i], false);
		x = in.x + STEP_LABEL_W + (i + 1) * STEP_CELL_W -
		    canvas_text_width(buf);
		canvas_text(c, x, y, STEP_CELL_W, i == 0 ? COL_MODEL :
		    COL_TEXT, buf);
		if (i == best) {
			struct rect b = { x, y, canvas_text_width(buf), 1 };

			canvas_attr(c, b, CATTR_BOLD);
		}
	}
}

/* The steps that took each baseline to ℓ. */
static void
step_steps_line(struct canvas *c, struct rect in, int y, const struct trace *tr,
    int l)
{
	char a[32], b[32], g[32], line[160];
	int x;

	if (l == 0) {
		canvas_text(c, in.x, y, in.w, COL_DIM, c->g->utf8 ?
		    "l = 0: nothing has moved yet; → steps to layer 1" :
		    "l = 0: nothing has moved yet; Right steps to layer 1");
		return;
	}
	step_num(g, sizeof g, tr->n * tr->gd_step[l], false);
	step_num(a, sizeof a, tr->cg_alpha[l - 1], false);
	step_num(b, sizeof b, l > 1 ? tr->cg_beta[l - 2] : NAN, false);
	/* as many of them as fit; CG's coefficients with their iteration
	 * k = l − 1 written: w_l = w_{l−1} + α_k p_k, p_k = r_k + β_{k−1} p_{k−1} */
	x = in.x + canvas_text(c, in.x, y, in.w, COL_DIM, "steps");
	snprintf(line, sizeof line, "  GD n%s %s", step_sym(c, "·η", "*eta"),
	    g);
	x = panel_segment(c, x, y, in.x + in.w, COL_REF_GD, line);
	if (tr->step_scalar != NULL && isfinite(tr->step_scalar[l - 1])) {
		snprintf(line, sizeof line, "  model a_%d %s", l - 1,
		    step_num(g, sizeof g, tr->step_scalar[l - 1], false));
		x = panel_segment(c, x, y, in.x + in.w, COL_MODEL, line);
	}
	if (l > 1)
		snprintf(line, sizeof line, "  CG %s_%d %s %s_%d %s",
		    step_sym(c, "α", "alpha"), l - 1, a,
		    step_sym(c, "β", "beta"), l - 2, b);
	else
		snprintf(line, sizeof line, "  CG %s_0 %s",
		    step_sym(c, "α", "alpha"), a);
	x = panel_segment(c, x, y, in.x + in.w, COL_REF_CG, line);
	snprintf(line, sizeof line, "  Nesterov %s %g %s %g",
	    step_sym(c, "η", "eta"), tr->nest_eta, step_sym(c, "β", "beta"),
	    tr->nest_beta);
	panel_segment(c, x, y, in.x + in.w, COL_REF_NESTEROV, line);
}

/* Whether method i's iterate is drawn. */
static bool
step_has_w(const struct trace *tr, int i)
{
	return step_methods[i].m != TRACE_MODEL || tr->model_has_w;
}

/* The iterates w_l of every method from row y + 1, a row each, their
 * entries in columns as wide as the widest entry of any of them (and as
 * many as fit, an ellipsis after). */
static void
step_iterates(struct canvas *c, struct rect in, int y, const struct trace *tr,
    int l)
{
	char buf[32];
	int d = tr->d, cw = 1, ncol, i, k, x, end = in.y + in.h;

	for (i = 0; i < STEP_NMETHODS; i++)
		for (k = 0; k < d && step_has_w(tr, i); k++) {
			step_num(buf, sizeof buf, tr->col[step_methods[i].m].w[
			    (size_t)l * d + k], true);
			if (canvas_text_width(buf) > cw)
				cw = canvas_text_width(buf);
		}
	cw++;	/* a blank before each */
	ncol = (in.w - 9) / cw;
	if (ncol < d)	/* room for the ellipsis */
		ncol = (in.w - 9 - 2) / cw;
	if (ncol > d)
		ncol = d;
	for (i = 0; i < STEP_NMETHODS && ++y < end; i++) {
		const double *w = tr->col[step_methods[i].m].w + (size_t)l * d;

		canvas_text(c, in.x, y, 9, step_methods[i].col,
		    step_methods[i].head);
		if (!step_has_w(tr, i))
			continue;
		for (k = 0, x = in.x + 9; k < ncol; k++, x += cw) {
			step_num(buf, sizeof buf, w[k], true);
			canvas_text(c, x + cw - canvas_text_width(buf), y,
			    cw, COL_TEXT, buf);
		}
		if (ncol < d)
			canvas_text(c, x, y, 2, COL_DIM, c->g->utf8 ? " …" :
			    " ..");
	}
}

static void
step_draw(const struct panel_ctx *ctx, struct canvas *c, struct rect r)
{
	const struct snapshot_trace *st = &ctx->s->trace;
	const struct trace *tr;
	struct rect in;
	char title[128], buf[64];
	double vals[STEP_NMETHODS];
	int ncols, i, k, y, l, x, end, d;

	if (st->have_src)
		snprintf(title, sizeof title, "task %d of %d%sstep %ld%s%s",
		    st->task, st->cfg.test_batch, step_sym(c, " · ", ", "),
		    st->step, step_sym(c, " · ", ", "), st->follow ?
		    "following" : "frozen");
	else
		snprintf(title, sizeof title, "step-through");
	if (!panel_trace_begin(ctx, c, r, title, &in))
		return;
	tr = &st->tr;
	l = panel_trace_layer(ctx);
	d = tr->d;
	y = in.y;
	end = in.y + in.h;

	/* the task: its label, w*, the spectrum of XXᵀ/n */
	x = in.x + canvas_text(c, in.x, y, in.w, COL_DIM, "y ");
	x += canvas_text(c, x, y, in.x + in.w - x, COL_TEXT,
	    step_num(buf, sizeof buf, tr->yq, true));
	step_vector_line(c, x + 2, y, in.x + in.w - x - 2, "w*", tr->wstar, d,
	    COL_TEXT, true);
	if (++y >= end)
		return;
	step_vector_line(c, in.x, y, in.w, step_sym(c, "eig XXᵀ/n",
	    "eig XX'/n"), tr->eig, d, COL_TEXT, false);

	/* a column per method */
	if (++y >= end)
		return;
	ncols = (in.w - STEP_LABEL_W) / STEP_CELL_W;
	if (ncols > STEP_NMETHODS)
		ncols = STEP_NMETHODS;
	snprintf(buf, sizeof buf, "l = %d of %d", l, tr->L);
	canvas_text(c, in.x, y, STEP_LABEL_W - 1, COL_TITLE, buf);
	for (i = 0; i < ncols; i++) {
		const char *h = step_methods[i].head;

		if (canvas_text_width(h) > STEP_CELL_W - 1)
			h = "Nest";
		x = in.x + STEP_LABEL_W + (i + 1) * STEP_CELL_W -
		    canvas_text_width(h);
		canvas_text(c, x, y, STEP_CELL_W, step_methods[i].col, h);
	}
	for (k = 0; k < 4 && ++y < end; k++) {
		static const char *labels[4][2] = {
			{ "prediction ŷ", "prediction" },
			{ "error (ŷ−y)²", "err (y^-y)^2" },
			{ "‖residuals‖", "|residuals|" },
			{ "‖w − w*‖", "|w - w*|" },
		};

		for (i = 0; i < ncols; i++) {
			const struct trace_column *col =
			    &tr->col[step_methods[i].m];

			vals[i] = k == 0 ? col->pred[l] : k == 1 ?
			    col->err[l] : k == 2 ? col->resid[l] :
			    col->wdist[l];
		}
		step_row(c, in, y, ncols, labels[k][c->g->utf8 ? 0 : 1], vals,
		    k > 0);
	}
	if (++y >= end)
		return;
	step_steps_line(c, in, y, tr, l);

	/* the iterates, when there is room for all of them */
	if (y + 2 + STEP_NMETHODS > end)
		return;
	y += 2;
	x = in.x + canvas_text(c, in.x, y, in.w, COL_TITLE, "iterates w_l");
	if (tr->model_has_w && tr->misfit[l] > 1e-8) {
		char m[32];

		snprintf(buf, sizeof buf, " (model: the best fit to its "
		    "residuals, relative misfit %s)", step_num(m, sizeof m,
		    tr->misfit[l], false));
		canvas_text(c, x, y, in.x + in.w - x, COL_DIM, buf);
	} else if (!tr->model_has_w)
		canvas_text(c, x, y, in.x + in.w - x, COL_DIM,
		    " (the model's features move: no implied w)");
	step_iterates(c, in, y, tr, l);
}

/* ---- the error chart ---- */

static void
step_chart_draw(const struct panel_ctx *ctx, struct canvas *c, struct rect r)
{
	const struct glyphs *g = c->g;
	const struct trace *tr;
	struct rect in, pr;
	struct plot p;
	double lo = INFINITY, hi = -INFINITY, xs[65], ys[65];
	char buf[32];
	int i, l, L, row, x, col, at = panel_trace_layer(ctx);
	int sw;

	if (!panel_trace_begin(ctx, c, r, step_sym(c, "ln (ŷ−y)² by layer l",
	    "ln (y^-y)^2 by layer"), &in))
		return;
	tr = &ctx->s->trace.tr;
	L = tr->L;
	in.h -= panel_trace_note(c, in, tr, at, TRACE_NOTE_ERROR);
	if (in.w < 12 || in.h < 4 || L > 64)
		return;
	for (i = 0; i < STEP_NMETHODS; i++)
		for (l = 0; l <= L; l++) {
			double e = tr->col[step_methods[i].m].err[l];

			if (isfinite(e) && e > 0) {
				if (log(e) < lo)
					lo = log(e);
				if (log(e) > hi)
					hi = log(e);
			}
		}
	if (!isfinite(lo)) {
		panel_centre(c, in, in.y + in.h / 2, COL_DIM, "no errors yet");
		return;
	}
	panel_pad_range(&lo, &hi);
	pr.x = in.x + 6;
	pr.y = in.y + 1;
	pr.w = in.w - 7;
	pr.h = in.h - 2;
	plot_init(&p, c, pr, 0, L, lo, hi);

	/* y ticks: top, middle, bottom; x ticks: every layer that fits */
	panel_y_ticks(c, &p, in.x, lo, hi);
	for (l = 0, x = -1; l <= L; l++) {
		snprintf(buf, sizeof buf, "%d", l);
		col = plot_col(&p, l) - (l == L ? canvas_text_width(buf) - 1 :
		    0);
		if (col <= x)
			continue;
		x = col + canvas_text_width(buf);
		canvas_text(c, col, pr.y + pr.h, in.x + in.w - col,
		    l == at ? COL_MARK : COL_AXIS, buf);
		if (l == at) {	/* visible without colour too */
			struct rect b = { col, pr.y + pr.h,
			    canvas_text_width(buf), 1 };

			canvas_attr(c, b, CATTR_REVERSE);
		}
	}
	/* ℓ, under the curves */
	col = plot_col(&p, at);
	for (row = pr.y; row < pr.y + pr.h; row++)
		canvas_put(c, col, row, g->mark, COL_MARK);
	/* the legend: the methods' names in their colours, each after a
	 * sample of its line where there is room (the line styles tell them
	 * apart without colour) */
	/* samples showing the whole dash pattern, or none */
	for (i = 0, x = 0; i < STEP_NMETHODS; i++)
		x += canvas_text_width(step_methods[i].head) + 1;
	sw = plot_sample_cells(g->utf8);
	if (x + STEP_NMETHODS * (sw + 1) > in.w)
		sw = 0;	/* a shorter sample would not show the pattern */
	for (i = 0, x = in.x; i < STEP_NMETHODS; i++) {
		const char *h = step_methods[i].head;
		struct plot_pen pen = { step_methods[i].col, i, false, false };

		if (canvas_text_width(h) > in.x + in.w - x)
			break;
		if (sw > 0) {
			plot_sample(c, x, in.y, sw, &pen);
			x += sw + 1;
		}
		x += canvas_text(c, x, in.y, in.x + in.w - x,
		    step_methods[i].col, h) + 1;
	}
	for (i = STEP_NMETHODS - 1; i >= 0; i--) {
		const double *e = tr->col[step_methods[i].m].err;
		struct plot_pen pen = { step_methods[i].col, i, false, false };

		for (l = 0; l <= L; l++) {
			xs[l] = l;
			ys[l] = isfinite(e[l]) && e[l] > 0 ? log(e[l]) : NAN;
		}
		plot_curve_pen(&p, xs, ys, L + 1, &pen);
	}
	plot_render(&p, c);
	plot_free(&p);
}

/* ---- the memory at layer ℓ ---- */

#define STEP_NAME_W 5		/* "R12  " */

/* A label row of n1 tokens in w cells: all of them, or the first ones,
 * a gap and the query. */
static void
step_strip(struct canvas *c, int x, int y, int w, const double *row, int n1,
    double range)
{
	if (w < 3)
		return;
	if (n1 <= w) {
		heatmap_draw(c, x, y, row, 1, n1, range, 1, true);
		return;
	}
	heatmap_draw(c, x, y, row, 1, w - 2, range, 1, true);
	canvas_put(c, x + w - 2, y, c->g->utf8 ? 0x2026 : '.', COL_DIM);
	heatmap_draw(c, x + w - 1, y, row + n1 - 1, 1, 1, range, 1, true);
}

/* A bar for v on a scale of ±range in w cells, zero in the middle. */
static void
step_bar(struct canvas *c, int x, int y, int w, double v, double range)
{
	int half = (w - 1) / 2, mid = x + half, len, k;

	if (w < 3)
		return;
	canvas_put(c, mid, y, c->g->vline, COL_AXIS);
	if (!isfinite(v) || !(range > 0))
		return;
	len = (int)lround(fabs(v) / range * half);
	for (k = 1; k <= len && k <= half; k++)
		canvas_put(c, v < 0 ? mid - k : mid + k, y, c->g->bar,
		    COL_MODEL);
}

/* The line saying what layer ℓ does with its registers. */
static void
step_memory_summary(struct canvas *c, struct rect in, int y,
    const struct trace *tr, int l)
{
	char line[192], a[32], na[32], g[32], b[32], bk[64];
	int n = tr->n;

	switch (tr->memory) {
	case MS_MEMORY_CGD:
		/* CG's coefficients with their own index k = l − 1 (β's:
		 * k − 1); γ_0 carries R_0 = 0, so layer 1 has no β */
		snprintf(bk, sizeof bk, "CG %s_%d %s", step_sym(c, "β", "beta"),
		    l - 2, step_num(b, sizeof b, l > 1 ? tr->cg_beta[l - 2] :
		    0.0, true));
		snprintf(line, sizeof line, "layer %d: %s %s (CG n%s_%d %s)   "
		    "%s %s (%s)", l,
		    step_sym(c, "α", "alpha"),
		    step_num(a, sizeof a, tr->alpha[l - 1], true),
		    step_sym(c, "·α", "*alpha"), l - 1,
		    step_num(na, sizeof na, n * tr->cg_alpha[l - 1], true),
		    step_sym(c, "γ", "gamma"),
		    step_num(g, sizeof g, tr->gamma[l - 1], true),
		    l > 1 ? bk : "inert: R_0 = 0");
		if (canvas_text_width(line) + 36 <= in.w)
			strcat(line, "   (CG's are this task's own)");
		break;
	case MS_MEMORY_LFOM:
		snprintf(line, sizeof line, "layer %d adds (1/n) %s_j %s_j %s "
		    "R_j, j %s %d", l, step_sym(c, "Σ", "sum"),
		    step_sym(c, "Γ", "Gamma"), step_sym(c, "⊙", "*"),
		    step_sym(c, "≤", "<="), l);
		if (canvas_text_width(line) + 40 <= in.w)
			strcat(line, ": each register weighted token by token");
		break;
	case MS_MEMORY_REC:
		snprintf(line, sizeof line, "layer %d: %s %s, R_%d = S_%d + "
		    "%s_%d %s R_%d, %s_%d at q %s", l, step_sym(c, "α",
		    "alpha"), step_num(a, sizeof a, tr->alpha[l - 1], true), l,
		    l, step_sym(c, "Γ", "Gamma"), l, step_sym(c, "⊙", "*"),
		    l - 1, step_sym(c, "Γ", "Gamma"), l, step_num(g, sizeof g,
		    tr->gamma[l - 1], true));
		break;
	case MS_MEMORY_NONE:
	default:
		snprintf(line, sizeof line, "layer %d adds R_%d / n: no memory "
		    "(m cycles none, cgd, lfom)", l, l);
		break;
	}
	canvas_text(c, in.x, y, in.w, COL_TEXT, line);
}

/* cgd: every layer's α, γ beside CG's, the current layer bold; CG's
 * iteration k = l − 1 in a column of its own, so that its coefficients
 * carry their own index (the β a layer's γ plays is CG's β_{k−1}). */
static int
step_cgd_table(struct canvas *c, struct rect in, int y, const struct trace *tr,
    int l)
{
	char buf[32];
	int L = tr->L, end = in.y + in.h, k, x;
	static const char *heads[2][4] = {
		{ "α", "CG n·α_k", "γ", "CG β_k−1" },
		{ "alpha", "CG n*a_k", "gamma", "CG b_k-1" },
	};

	if (y + L + 1 > end || in.w < 44)
		return y;
	canvas_text(c, in.x, y, 4, COL_DIM, "l");
	canvas_text(c, in.x + 4, y, 4, COL_DIM, "k");
	for (k = 0; k < 4; k++)
		canvas_text(c, in.x + 8 + k * 9 + 8 -
		    canvas_text_width(heads[c->g->utf8 ? 0 : 1][k]), y, 9,
		    k % 2 ? COL_REF_CG : COL_MODEL,
		    heads[c->g->utf8 ? 0 : 1][k]);
	for (int j = 0; j < L; j++) {
		double vals[4] = { tr->alpha[j], tr->n * tr->cg_alpha[j],
		    tr->gamma[j], j > 0 ? tr->cg_beta[j - 1] : NAN };

		y++;
		canvas_printf(c, in.x, y, 4, COL_DIM, "%d", j + 1);
		canvas_printf(c, in.x + 4, y, 4, COL_DIM, "%d", j);
		for (k = 0; k < 4; k++) {
			step_num(buf, sizeof buf, vals[k], true);
			x = in.x + 8 + k * 9 + 8 - canvas_text_width(buf);
			canvas_text(c, x, y, 9, COL_TEXT, buf);
		}
		if (j + 1 == l) {
			struct rect b = { in.x, y, 8 + 4 * 9, 1 };

			canvas_attr(c, b, CATTR_BOLD);
		}
	}
	return y + 1;
}

/* The label row of Z after every layer (the context residuals and minus
 * the prediction), ℓ's marked. */
static void
step_label_rows(struct canvas *c, struct rect in, int y,
    const struct trace *tr, int l)
{
	int L = tr->L, n1 = tr->n + 1, w = in.w - STEP_NAME_W;
	double range = heatmap_range(tr->label, (L + 1) * n1);
	char buf[16];

	if (y + L + 2 >= in.y + in.h || w < 12)
		return;
	canvas_text(c, in.x, y, in.w, COL_DIM, c->g->utf8 ?
	    "the label row of Z after each layer: context residuals, −ŷ at q" :
	    "the label row of Z after each layer: context residuals, -y^ at q");
	if (w > n1)
		w = n1;
	for (int k = 0; k <= L; k++) {
		snprintf(buf, sizeof buf, "Z_%d", k);
		canvas_text(c, in.x, y + 1 + k, STEP_NAME_W, k == l ? COL_MARK :
		    COL_DIM, buf);
		if (k == l) {
			struct rect b = { in.x, y + 1 + k,
			    canvas_text_width(buf), 1 };

			canvas_attr(c, b, CATTR_REVERSE);
		}
		step_strip(c, in.x + STEP_NAME_W, y + 1 + k, w,
		    tr->label + (size_t)k * n1, n1, range);
	}
	heatmap_legend(c, in.x + STEP_NAME_W, y + L + 2, in.w - STEP_NAME_W,
	    range, true);
}

static void
step_memory_draw(const struct panel_ctx *ctx, struct canvas *c,
    struct rect r)
{
	const struct snapshot_trace *st = &ctx->s->trace;
	const struct trace *tr;
	struct rect in;
	char title[96], buf[128];
	int l = panel_trace_layer(ctx), n1, end, y, x, first, last, sw, gw, bw, j, lj;
	int L;
	double rrange = 0, grange = 0, bmax = 0, upd = 0;
	bool lfom;

	if (st->have_src && l > 0)
		snprintf(title, sizeof title, "memory at layer %d: %s", l,
		    config_memory_name(st->cfg.memory));
	else if (st->have_src)
		snprintf(title, sizeof title, "memory: %s",
		    config_memory_name(st->cfg.memory));
	else
		snprintf(title, sizeof title, "memory");
	if (!panel_trace_begin(ctx, c, r, title, &in))
		return;
	tr = &st->tr;
	L = tr->L;
	n1 = tr->n + 1;
	in.h -= panel_trace_note(c, in, tr, l, TRACE_NOTE_MEMORY);
	y = in.y;
	end = in.y + in.h;
	lfom = tr->memory == MS_MEMORY_LFOM;

	if (l == 0) {
		double range = heatmap_range(tr->label, n1);

		canvas_text(c, in.x, y, in.w, COL_TEXT, c->g->utf8 ?
		    "l = 0: the prompt itself. Its label row holds y_1 … y_n "
		    "and 0 for the query;" : "l = 0: the prompt itself. Its "
		    "label row holds y_1 ... y_n and 0 for the query;");
		if (++y < end)
			canvas_text(c, in.x, y, in.w, COL_TEXT, c->g->utf8 ?
			    "each layer adds to it what its registers say. "
			    "→ steps to layer 1." : "each layer adds to it "
			    "what its registers say. Right steps to layer 1.");
		if (y + L + 4 < end) {	/* every layer's, Z_0 marked */
			step_label_rows(c, in, y + 2, tr, 0);
			return;
		}
		if ((y += 2) < end) {
			canvas_text(c, in.x, y, STEP_NAME_W, COL_DIM, "Z_0");
			step_strip(c, in.x + STEP_NAME_W, y, in.w - STEP_NAME_W,
			    tr->label, n1, range);
		}
		if (++y < end)
			heatmap_legend(c, in.x + STEP_NAME_W, y, in.w -
			    STEP_NAME_W, range, true);
		return;
	}

	lj = l - 1;	/* trace.h's 0-based layer */
	step_memory_summary(c, in, y, tr, l);

	/* widths: name, register strip, Γ strip (lfom), coef, bar, value;
	 * the strips give way to a bar of at least a third of the rest */
	x = in.w - STEP_NAME_W - 16;
	sw = (x - x / 3) / (lfom ? 2 : 1) - 1;
	if (sw > n1)
		sw = n1;
	gw = lfom ? sw : 0;
	bw = in.w - STEP_NAME_W - sw - 1 - (lfom ? gw + 1 : 0) - 8 - 8;
	if (bw > 61)
		bw = 61;
	if (bw < 3)
		bw = 0;

	/* the registers that fit, the latest ones */
	first = 0;
	last = lj;
	if (last - first + 1 > end - y - 5)
		first = last - (end - y - 5) + 1;
	if (first > last)
		first = last;
	for (j = 0; j <= lj; j++) {
		double cb = tr->contrib[lj * L + j];

		rrange = fmax(rrange, heatmap_range(tr->reg + (size_t)j * n1,
		    n1));
		if (lfom)
			grange = fmax(grange, heatmap_range(tr->gamma_row +
			    (size_t)j * n1, n1));
		if (isfinite(cb))
			bmax = fmax(bmax, fabs(cb));
		upd += cb;
	}

	/* the header */
	if (++y >= end)
		return;
	x = in.x + STEP_NAME_W;
	canvas_text(c, x, y, sw, COL_DIM, sw >= 16 ? "label row, q last" :
	    "label row");
	x += sw + 1;
	if (lfom) {
		canvas_text(c, x, y, gw, COL_DIM, step_sym(c, "Γ_j label row",
		    "Gamma_j row"));
		x += gw + 1;
	}
	canvas_text(c, x, y, 8, COL_DIM, "  coef");
	x += 8;
	if (bw > 0)
		canvas_text(c, x, y, bw + 8, COL_DIM, bw >= 24 ?
		    "contribution to the query cell" : "contribution");

	if (first > 0 && ++y < end)
		canvas_printf(c, in.x, y, in.w, COL_DIM, first > 1 ?
		    "... R_1 to R_%d not shown (enlarge the terminal)" :
		    "... R_%d not shown (enlarge the terminal)", first);
	for (j = first; j <= lj && ++y < end; j++) {
		double cf = tr->coef[lj * L + j], cb = tr->contrib[lj * L + j];

		snprintf(buf, sizeof buf, "R_%d", j + 1);
		canvas_text(c, in.x, y, STEP_NAME_W, COL_TEXT, buf);
		x = in.x + STEP_NAME_W;
		step_strip(c, x, y, sw, tr->reg + (size_t)j * n1, n1, rrange);
		x += sw + 1;
		if (lfom) {
			step_strip(c, x, y, gw, tr->gamma_row + (size_t)j * n1,
			    n1, grange);
			x += gw + 1;
		}
		step_num(buf, sizeof buf, cf, true);
		canvas_text(c, x + 7 - canvas_text_width(buf), y, 8, COL_MODEL,
		    buf);
		x += 8;
		if (bw > 0) {
			step_bar(c, x, y, bw, cb, bmax);
			x += bw;
		}
		step_num(buf, sizeof buf, cb, true);
		canvas_text(c, x + 8 - canvas_text_width(buf), y, 8, COL_TEXT,
		    buf);
	}
	if (++y < end) {
		char p[32], u[32];

		snprintf(buf, sizeof buf, "the query cell %s moves %s: %s %s",
		    step_sym(c, "(−ŷ)", "(-y^)"),
		    step_num(u, sizeof u, upd, true),
		    step_sym(c, "ŷ =", "y^ ="),
		    step_num(p, sizeof p, tr->col[TRACE_MODEL].pred[l], true));
		canvas_text(c, in.x + in.w - canvas_text_width(buf), y,
		    canvas_text_width(buf), COL_TEXT, buf);
		canvas_text(c, in.x, y, in.w - canvas_text_width(buf) - 1,
		    COL_DIM, c->g->utf8 ? "Σ coef × R_j[q] / n" :
		    "sum coef * R_j[q] / n");
	}
	if (++y < end) {
		canvas_text(c, in.x, y, STEP_NAME_W, COL_DIM, "R_j");
		x = in.x + STEP_NAME_W;
		x += heatmap_legend(c, x, y, in.w - STEP_NAME_W, rrange, true);
		if (lfom && x + 4 < in.x + in.w) {
			x += canvas_text(c, x + 2, y, 3, COL_DIM,
			    step_sym(c, "Γ", "G")) + 3;
			heatmap_legend(c, x, y, in.x + in.w - x, grange, true);
		}
	}
	/* below, if there is room: cgd's α, γ beside CG's for every layer,
	 * then the label rows of Z_0 .. Z_L */
	if (tr->memory == MS_MEMORY_CGD)
		y = step_cgd_table(c, in, y + 2 + L < end ? y + 2 : y + 1, tr,
		    l) - 1;
	step_label_rows(c, in, y + 2, tr, l);
}

const struct panel_class panel_step = {
	.name = "step-through",
	.min_w = 20,
	.min_h = 4,
	.draw = step_draw,
};

const struct panel_class panel_step_chart = {
	.name = "step-chart",
	.min_w = 12,
	.min_h = 4,
	.draw = step_chart_draw,
};

const struct panel_class panel_step_memory = {
	.name = "step-memory",
	.min_w = 20,
	.min_h = 3,
	.draw = step_memory_draw,
};
