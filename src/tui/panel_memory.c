/*
 * The memory panel. For `cgd`: the learned α_ℓ and γ_ℓ of every layer, then
 * the L × L lower-triangular matrix of effective LFOM coefficients
 * α_ℓ Π_{k=j+1..ℓ} γ_k (doc/math.md §4) as numbers, or as a heatmap when the
 * numbers do not fit; `rec` the same with Γ_ℓ's entry at the label row and
 * the query for γ_ℓ (the coefficients at the query cell). For `lfom`: the
 * label-row entries of each Γ_j (the ones that act when only the label row
 * moves), layers down and tokens across, the query last. Where there is
 * room, below (or beside) them, the same coefficients over training as
 * curves, from the model run's series (snapshot.h's coef): for cgd one
 * chart of every α_l and γ_l, for lfom one chart per layer of its Γ label
 * row, the query's entry bright over the context tokens' dim ones.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "memscope/heatmap.h"
#include "memscope/panel.h"
#include "memscope/plot.h"
#include "memscope/xmalloc.h"

#define MEM_NUMW 7		/* "+1.000 " */
#define MEM_MAXLINES 64		/* curves in one chart */
#define MEM_LEFT 6		/* the chart's y labels */
#define MEM_RIGHT 3		/* the curves' names */
#define MEM_CHART_H 8		/* the least chart worth drawing */

static int
mem_legend(struct canvas *c, struct rect in, int y, const char *name,
    double range, bool compact)
{
	int x;

	if (y >= in.y + in.h)
		return 0;
	x = in.x + canvas_text(c, in.x, y, in.w, COL_TEXT, name) + 1;
	if (range == 0)
		canvas_text(c, x, y, in.x + in.w - x, COL_DIM, "all zero");
	else
		heatmap_legend(c, x, y, in.x + in.w - x, range, compact);
	return 1;
}

/* A rows x cols heatmap's scale in maxw x maxh cells (heatmap_fit): in
 * full cells if it fits, else compact (*compact says which); 0 if not. */
static int
mem_fit(const struct canvas *c, int rows, int cols, int maxw, int maxh,
    bool *compact, int *w, int *h)
{
	int sc;

	*compact = false;
	sc = heatmap_fit(c, rows, cols, maxw, maxh, false, w, h);
	if (sc == 0) {
		*compact = true;
		sc = heatmap_fit(c, rows, cols, maxw, maxh, true, w, h);
	}
	return sc;
}

/*
 * cgd: one row per layer, "ℓ α γ" and, when it fits beside them, the row of
 * effective coefficients of registers j = 1..ℓ; otherwise the coefficients
 * follow as a heatmap below.
 */
static void
mem_cgd(const struct snapshot *s, struct canvas *c, struct rect in)
{
	const struct param_block *b;
	const char *ell = "l";
	bool rec = s->cfg.memory == MS_MEMORY_REC;
	int L = s->cfg.layers, l, j, y = in.y, end = in.y + in.h, w, h, sc;
	int rows;
	const double *a, *g;
	double range;
	bool beside, compact;

	beside = 14 + 6 * L <= in.w;
	canvas_text(c, in.x, y, 2, COL_DIM, ell);
	canvas_text(c, in.x + 2 + 5, y, 1, COL_DIM, c->g->utf8 ? "α" : "a");
	canvas_text(c, in.x + 8 + 5, y, 1, COL_DIM, rec ? (c->g->utf8 ? "Γ" :
	    "G") : c->g->utf8 ? "γ" : "g");
	if (beside)
		for (j = 0; j < L; j++)
			canvas_printf(c, in.x + 14 + 6 * j, y, 6, COL_DIM,
			    "%5s%d", "j=", j + 1);
	rows = end - y - 1;
	for (l = 0; l < L && ++y < end; l++) {
		if (l + 1 < L && l + 1 == rows) {
			canvas_printf(c, in.x, y, in.w, COL_DIM,
			    "... %d more layers (screen 3)", L - l);
			return;
		}
		a = snapshot_block(s, "alpha", l, -1, NULL);
		/* rec: Γ_ℓ's entry at the label row and the query, its last */
		g = snapshot_block(s, rec ? "Gamma" : "gamma", l, -1, &b);
		canvas_printf(c, in.x, y, 2, COL_DIM, "%d", l + 1);
		canvas_printf(c, in.x + 2, y, 12, COL_MODEL, "%+6.2f%+6.2f",
		    a != NULL ? *a : NAN, g == NULL ? NAN : rec ?
		    g[b->rows * b->cols - 1] : *g);
		if (beside)
			for (j = 0; j <= l; j++)
				canvas_printf(c, in.x + 14 + 6 * j, y, 6,
				    COL_TEXT, "%+6.2f", s->cgd_coef[l * L + j]);
	}
	if (++y < end) {
		/* the longest key that fits whole */
		const char *key = rec ?
		    "j=: coefficient of R_j at q, a_l prod G_k[q]" :
		    "j=: coefficient of register j at layer l, a_l prod g_k";

		if (canvas_text_width(key) > in.w)
			key = rec ? "j=: R_j's coefficient at q" :
			    "j=: register j's coefficient, a_l prod g_k";
		if (canvas_text_width(key) > in.w)
			key = "j=: register j's coefficient";
		canvas_text(c, in.x, y, in.w, COL_DIM, key);
	}
	if (beside || ++y >= end)
		return;
	range = heatmap_range(s->cgd_coef, L * L);
	sc = mem_fit(c, L, L, in.w - 4, end - y - 1, &compact, &w, &h);
	if (sc == 0) {
		canvas_text(c, in.x, y, in.w, COL_DIM, "(enlarge: screen 3)");
		return;
	}
	heatmap_draw(c, in.x + 4, y, s->cgd_coef, L, L, range, sc, compact);
	mem_legend(c, in, y + h, "", range, compact);
}

static void
mem_lfom(const struct snapshot *s, struct canvas *c, struct rect in)
{
	const struct param_block *b;
	const double *p;
	double *m, range;
	bool compact;
	int L = s->cfg.layers, n1 = 0, l, i, w, h, sc, y = in.y;
	int end = in.y + in.h;

	for (l = 0; l < L; l++)
		if (snapshot_block(s, "Gamma", l, -1, &b) != NULL)
			n1 = b->cols;
	if (n1 == 0) {
		canvas_text(c, in.x, y, in.w, COL_DIM, "no Gamma blocks");
		return;
	}
	m = xcalloc((size_t)L * n1, sizeof *m);
	for (l = 0; l < L; l++) {
		/* the label row: the last row of Γ_ℓ */
		if ((p = snapshot_block(s, "Gamma", l, -1, &b)) == NULL)
			continue;
		for (i = 0; i < n1 && i < b->cols; i++)
			m[l * n1 + i] = p[(b->rows - 1) * b->cols + i];
	}
	range = heatmap_range(m, L * n1);
	canvas_printf(c, in.x, y, in.w, COL_DIM, "%s_j label rows%s",
	    c->g->utf8 ? "Γ" : "Gamma", in.w >= 36 ? ": layers x tokens" : "");
	y++;
	sc = mem_fit(c, L, n1, in.w - 4, end - y - 2, &compact, &w, &h);
	if (sc == 0) {
		canvas_text(c, in.x, y, in.w, COL_DIM,
		    "(too narrow for the tokens: screen 3)");
	} else {
		int row;

		for (l = 0; l < L; l++) {
			/* label the row holding layer l's first pixel */
			row = c->g->utf8 && !c->mono ? (l * sc) / 2 : l * sc;
			if (l > 0 && row == ((l - 1) * sc) / 2 &&
			    c->g->utf8 && !c->mono)
				continue;
			canvas_printf(c, in.x, y + row, 4, COL_DIM, "j%d",
			    l + 1);
		}
		heatmap_draw(c, in.x + 4, y, m, L, n1, range, sc, compact);
		y += h;
		if (y < end)
			canvas_printf(c, in.x + 4, y, in.w - 4, COL_AXIS,
			    "token 1%*s", w - 8 > 0 ? w - 8 : 0, "q");
		y++;
		mem_legend(c, in, y, "", range, compact);
	}
	free(m);
}

/*
 * The coefficients over training: columns k0 .. k0 + nk - 1 of series sr
 * as curves in r, a legend row above (names[i] in colour cols[i]), y ticks
 * on the left, each curve's name at its right end where that row is free,
 * the steps below.
 */
struct mem_lines {
	int k0, nk;
	enum colour_role col[MEM_MAXLINES];
	char name[MEM_MAXLINES][12];
	const char *legend;	/* instead of the names, or NULL */
};

static void
mem_curves(struct canvas *c, struct rect r, const struct snapshot_series *sr,
    const struct mem_lines *ml)
{
	struct rect pr = { r.x + MEM_LEFT, r.y + 1, r.w - MEM_LEFT - MEM_RIGHT,
	    r.h - 2 };
	struct plot p;
	double lo = INFINITY, hi = -INFINITY, xmax = 1, *y;
	char buf[24];
	int i, j, x = r.x, row;

	if (ml->legend != NULL)
		canvas_text(c, r.x, r.y, r.w, COL_DIM, ml->legend);
	else
		for (j = 0; j < ml->nk; j++)
			x = panel_segment(c, x, r.y, r.x + r.w, ml->col[j],
			    ml->name[j]) + 1;
	if (pr.w < 8 || pr.h < 2)
		return;
	for (i = 0; i < sr->n; i++)
		for (j = ml->k0; j < ml->k0 + ml->nk; j++) {
			double v = sr->v[(size_t)i * sr->k + j];

			if (isfinite(v) && v < lo)
				lo = v;
			if (isfinite(v) && v > hi)
				hi = v;
		}
	if (sr->n < 1 || !isfinite(lo)) {
		panel_centre(c, pr, pr.y + pr.h / 2, COL_DIM,
		    "no coefficients recorded yet");
		return;
	}
	if (sr->step[sr->n - 1] > xmax)
		xmax = sr->step[sr->n - 1];
	panel_pad_range(&lo, &hi);
	plot_init(&p, c, pr, 0, xmax, lo, hi);
	panel_y_ticks(c, &p, r.x, lo, hi);
	canvas_text(c, pr.x, pr.y + pr.h, 6, COL_AXIS, "0");
	snprintf(buf, sizeof buf, "step %.0f", xmax);
	canvas_text(c, pr.x + pr.w - canvas_text_width(buf), pr.y + pr.h,
	    pr.w, COL_AXIS, buf);
	y = xcalloc(sr->n, sizeof *y);
	for (j = ml->nk - 1; j >= 0; j--) {
		for (i = 0; i < sr->n; i++)
			y[i] = sr->v[(size_t)i * sr->k + ml->k0 + j];
		plot_curve(&p, sr->step, y, sr->n, ml->col[j]);
	}
	plot_render(&p, c);
	/* the names at the right ends, the first one in a row kept */
	for (j = 0; j < ml->nk; j++) {
		double v = sr->v[(size_t)(sr->n - 1) * sr->k + ml->k0 + j];

		row = plot_row(&p, v);
		if (!isfinite(v) || row < pr.y || row >= pr.y + pr.h)
			continue;
		if (c->cells[(size_t)row * c->w + pr.x + pr.w].ch != 0 &&
		    c->cells[(size_t)row * c->w + pr.x + pr.w].ch != ' ')
			continue;
		canvas_text(c, pr.x + pr.w, row, MEM_RIGHT, ml->col[j],
		    ml->name[j]);
	}
	free(y);
	plot_free(&p);
}

/* cgd: α_l and γ_l of every layer, one curve each (rec: Γ_l at the
 * query for γ_l). */
static void
mem_cgd_curves(const struct snapshot_series *sr, struct canvas *c,
    struct rect r, bool rec)
{
	struct mem_lines ml = { 0, 0, { 0 }, { { 0 } }, NULL };
	int l, L = sr->k / 2;

	if (L > MEM_MAXLINES / 2)
		L = MEM_MAXLINES / 2;
	for (l = 0; l < L; l++) {
		ml.col[2 * l] = ml.col[2 * l + 1] = COL_RUN_0 + l % COL_RUNS;
		snprintf(ml.name[2 * l], sizeof ml.name[0], "%s%d",
		    c->g->utf8 ? "α" : "a", l + 1);
		snprintf(ml.name[2 * l + 1], sizeof ml.name[0], "%s%d", rec ?
		    (c->g->utf8 ? "Γ" : "G") : c->g->utf8 ? "γ" : "g", l + 1);
	}
	ml.nk = 2 * L;
	mem_curves(c, r, sr, &ml);
}

/* lfom: one chart per layer's Γ label row, the query's entry bright, the
 * context tokens' dim, side by side where there is room. */
static void
mem_lfom_curves(const struct snapshot *s, const struct snapshot_series *sr,
    struct canvas *c, struct rect r)
{
	struct mem_lines ml = { 0, 0, { 0 }, { { 0 } }, NULL };
	int L = s->cfg.layers, n1, l, per, nrows, cw, ch, t;
	char legend[64];

	if (L < 1 || sr->k % L != 0)
		return;
	n1 = sr->k / L;
	if (n1 > MEM_MAXLINES)
		return;
	per = r.w / 40;
	if (per < 1)
		per = 1;
	if (per > L)
		per = L;
	nrows = (L + per - 1) / per;
	while (nrows > 1 && r.h / nrows < 6) {
		nrows--;
		per = (L + nrows - 1) / nrows;
		if (r.w / per < 30)
			break;
	}
	cw = r.w / per;
	ch = r.h / nrows;
	for (l = 0; l < L; l++) {
		struct rect cr = { r.x + (l % per) * cw, r.y + (l / per) * ch,
		    cw - 1, ch };

		if (l / per >= nrows || ch < 4)
			break;
		ml.k0 = l * n1;
		ml.nk = n1;
		for (t = 0; t < n1; t++) {
			ml.col[t] = t == n1 - 1 ? COL_MODEL : COL_DIM;
			snprintf(ml.name[t], sizeof ml.name[0], "%s", t == n1 - 1 ?
			    "q" : "");
		}
		snprintf(legend, sizeof legend, "%s_%d label row: q query, "
		    "dim tokens 1-%d", c->g->utf8 ? "Γ" : "Gamma", l + 1,
		    n1 - 1);
		ml.legend = legend;
		mem_curves(c, cr, sr, &ml);
	}
}

/* The curves of the model run's coefficients in r, if it has any. */
static void
mem_series(const struct snapshot *s, struct canvas *c, struct rect r)
{
	const struct snapshot_run *mr = snapshot_model_run(s);

	if (mr == NULL || mr->coef.k == 0 || r.h < 4)
		return;
	if (s->cfg.memory == MS_MEMORY_CGD || s->cfg.memory == MS_MEMORY_REC)
		mem_cgd_curves(&mr->coef, c, r, s->cfg.memory == MS_MEMORY_REC);
	else if (s->cfg.memory == MS_MEMORY_LFOM)
		mem_lfom_curves(s, &mr->coef, c, r);
}

/* none: what there is instead, and how to see some: the compared runs
 * that have memory (, . focuses them), or m, which gives this run some. */
static void
mem_none(const struct snapshot *s, struct canvas *c, struct rect in)
{
	char buf[160];
	size_t at = 0;
	int i, y = in.y;

	if (config_param_is_direct(s->cfg.param)) {
		/* an LFOM learned without attention: its past gradients are
		 * weighed in the parameters panel, there are no registers */
		canvas_text(c, in.x, y++, in.w, COL_DIM, "no registers: an "
		    "optimizer learned directly");
		if (y < in.y + in.h)
			canvas_text(c, in.x, y, in.w, COL_DIM, "its weights on "
			    "past gradients: parameters");
		return;
	}
	canvas_text(c, in.x, y++, in.w, COL_DIM, "no memory registers");
	for (i = 0; i < s->nruns && at < sizeof buf; i++) {
		const struct snapshot_run *r = &s->runs[i];

		if (r->cfg.memory == MS_MEMORY_NONE || r->reference)
			continue;
		at += (size_t)snprintf(buf + at, sizeof buf - at, "%s%s",
		    at == 0 ? "" : ", ", c->g->utf8 ? r->label :
		    r->label_ascii);
	}
	if (at > 0 && y < in.y + in.h)
		canvas_printf(c, in.x, y++, in.w, COL_DIM,
		    "with memory: %s (, . focus)", buf);
	if (y < in.y + in.h)
		canvas_text(c, in.x, y, in.w, COL_DIM,
		    "m: none -> cgd -> lfom");
}

static void
mem_draw(const struct panel_ctx *ctx, struct canvas *c, struct rect r)
{
	const struct snapshot *s = ctx->s;
	const struct snapshot_run *mr = snapshot_model_run(s);
	struct rect in, chart = { 0, 0, 0, 0 };
	char title[64];
	int L = s->cfg.layers, hs;

	snprintf(title, sizeof title, "memory: %s", config_memory_name(
	    s->cfg.memory));
	if (mr != NULL && s->nruns > 1 && r.w > 40)
		snprintf(title, sizeof title, "memory: %s, run %s",
		    config_memory_name(s->cfg.memory), c->g->utf8 ? mr->label :
		    mr->label_ascii);
	in = panel_frame(c, r, title);
	if (in.w < 6 || in.h < 1)
		return;
	if (s->nblocks == 0) {
		panel_centre(c, in, in.y + in.h / 2, COL_DIM,
		    "no parameters yet");
		return;
	}
	/* the coefficients now (rows hs), and their curves below them, or
	 * beside them in a wide, short panel */
	hs = s->cfg.memory == MS_MEMORY_CGD || s->cfg.memory == MS_MEMORY_REC ?
	    (14 + 6 * L <= in.w ? L + 2 :
	    L + 4 + (L + 1) / 2) : L + 4;
	if (s->cfg.memory != MS_MEMORY_NONE && in.h - hs > MEM_CHART_H) {
		chart = (struct rect){ in.x, in.y + hs + 1, in.w,
		    in.h - hs - 1 };
		in.h = hs;
	} else if (s->cfg.memory != MS_MEMORY_NONE && in.w >= 90 &&
	    in.h >= MEM_CHART_H) {
		chart = (struct rect){ in.x + in.w * 2 / 5 + 1, in.y,
		    in.w - in.w * 2 / 5 - 1, in.h };
		in.w = in.w * 2 / 5;
	}
	mem_series(s, c, chart);
	switch (s->cfg.memory) {
	case MS_MEMORY_NONE:
		mem_none(s, c, in);
		break;
	case MS_MEMORY_CGD:
	case MS_MEMORY_REC:
		mem_cgd(s, c, in);
		break;
	case MS_MEMORY_LFOM:
		mem_lfom(s, c, in);
		break;
	}
}

const struct panel_class panel_memory = {
	.name = "memory",
	.min_w = 10,
	.min_h = 3,
	.draw = mem_draw,
};
