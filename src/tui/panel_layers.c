/*
 * The per-layer panel: the test error (ln MSE) after each layer's read-out
 * l = 1..L of every visible run, against l, beside CG, GD and Nesterov
 * after k = 0..L iterations on the focused run's test batch, and the
 * expected error of the best depth-l schedule A_j = a_j Σ⁻¹ (theory.h), as
 * a chart: one line per series in its colour, each point marked with the
 * series' mark (the run's number, C, G, N, *), so the lines stay apart
 * without colour.
 * A legend above names them. Where there is room the same numbers follow
 * as a table (below the chart, or beside it when the panel is wide but
 * short): a column per visible run and per method, momentum included, the
 * best of each row bold and underlined (the runs' numbers are in the
 * model's colour, bold in the themes: bold alone would not single the best
 * out, least of all without colour; the schedule, a bound, never counts
 * as the best), columns dropped from the right when narrow (the runs
 * first, so CG and GD stay).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "memscope/panel.h"
#include "memscope/plot.h"

struct layers_ref {
	enum baseline b;	/* BASELINE_COUNT: the theory schedule */
	enum colour_role col;
	const char *mark;	/* on the chart's points */
	const char *head;	/* the table's name */
	const char *head_ascii;	/* NULL: head */
	const char *legend;	/* the legend's (charted ones) */
	const char *legend_ascii;	/* NULL: legend */
};

static const struct layers_ref layers_refs[] = {
	{ BASELINE_CG, COL_REF_CG, "C", "CG", NULL, "CG", NULL },
	{ BASELINE_GD, COL_REF_GD, "G", "GD", NULL, "GD", NULL },
	{ BASELINE_NESTEROV, COL_REF_NESTEROV, "N", "Nest", NULL, "Nesterov",
	    NULL },
	/* the best pre model of depth l with A_j = a_j Σ⁻¹ (theory.h) */
	{ BASELINE_COUNT, COL_DIM, "*", "aΣ⁻¹", "aS^-1", "best a·Σ⁻¹",
	    "best a*S^-1" },
	{ BASELINE_MOMENTUM, COL_REF_MOMENTUM, "M", "mom", NULL, NULL, NULL },
};
#define LAYERS_NCHART 4		/* the chart's: CG, GD, Nesterov, schedule */
#define LAYERS_NREFS ((int)(sizeof layers_refs / sizeof layers_refs[0]))
#define LAYERS_W 8		/* cells per table column */
#define LAYERS_LEFT 6		/* the chart's y labels */
#define LAYERS_CHART_H 7	/* the least chart worth drawing */

/* A table column: a run (index into s->runs) or a method. */
struct layers_col {
	int run;		/* -1: a method */
	int ref;		/* index into layers_refs */
};

static double
layers_run_mse(const struct snapshot_run *r, int l)
{
	return r->test_step >= 0 && l >= 1 && l <= r->L ? r->layer_mse[l - 1] :
	    NAN;
}

static double
layers_ref_mse(const struct snapshot *s, int ref, int k)
{
	if (!s->have_baselines || k < 0 || k > s->cfg.layers)
		return NAN;
	if (layers_refs[ref].b != BASELINE_COUNT)
		return s->base_mse[layers_refs[ref].b][k];
	return k >= 1 && k <= THEORY_MAX_LAYERS && k <= s->theory.layers ?
	    s->theory.schedule[k - 1] : NAN;
}

/* A name and its ASCII form (NULL: the same) for the canvas's glyphs. */
static const char *
layers_name(const struct canvas *c, const char *name, const char *ascii)
{
	return !c->g->utf8 && ascii != NULL ? ascii : name;
}

static double
layers_value(const struct snapshot *s, const struct layers_col *col, int l)
{
	return col->run >= 0 ? layers_run_mse(&s->runs[col->run], l) :
	    layers_ref_mse(s, col->ref, l);
}

/* The deepest model shown: the focused run's L or a visible run's. */
static int
layers_depth(const struct snapshot *s)
{
	int L = s->cfg.layers, i;

	for (i = 0; i < s->nruns; i++)
		if (s->runs[i].visible && s->runs[i].L > L)
			L = s->runs[i].L;
	return L;
}

/* The table's columns for w cells: visible runs, then the methods, runs
 * left out first when not all fit (the model run, whose numbers the
 * footnote dates, then kept first). */
static int
layers_columns(const struct snapshot *s, int w, struct layers_col *cols)
{
	int fit = (w - 4) / LAYERS_W, nvis = 0, i, n = 0, nref, first = -1;

	for (i = 0; i < s->nruns; i++)
		nvis += s->runs[i].visible;
	nref = fit - nvis < 2 ? 2 : fit - nvis;
	if (nref > LAYERS_NREFS)
		nref = LAYERS_NREFS;
	if (nvis > fit - nref && s->model_run >= 0 &&
	    s->model_run < s->nruns && s->runs[s->model_run].visible &&
	    fit - nref > 0) {
		first = s->model_run;
		cols[n++] = (struct layers_col){ first, 0 };
	}
	for (i = 0; i < s->nruns && n < fit - nref; i++)
		if (s->runs[i].visible && i != first)
			cols[n++] = (struct layers_col){ i, 0 };
	for (i = 0; i < nref && n < fit; i++)
		cols[n++] = (struct layers_col){ -1, i };
	return n;
}

/* "focused run tested at step N" in w cells, shortened so that N is
 * never cut (a cut "step 1000" would read "step 100"). */
static void
layers_footnote(struct canvas *c, int x, int y, int w, long tested)
{
	static const char *const fmt[] = { "focused run tested at step %ld",
	    "tested at step %ld", "step %ld" };
	char buf[64];
	int i;

	for (i = 0; i < 3; i++) {
		snprintf(buf, sizeof buf, fmt[i], tested);
		if (canvas_text_width(buf) <= w)
			break;
	}
	if (i < 3)
		canvas_text(c, x, y, w, COL_DIM, buf);
}

static void
layers_table(const struct snapshot *s, struct canvas *c, struct rect in)
{
	const struct snapshot_run *fr = snapshot_focus(s);
	struct layers_col cols[SNAPSHOT_MAX_RUNS + LAYERS_NREFS];
	long tested = fr != NULL ? fr->test_step : -1;
	char buf[32];
	int ncols, i, l, y, x, best, rows, L = layers_depth(s);
	double v, bv;

	ncols = layers_columns(s, in.w, cols);
	if (ncols < 1 || in.h < 2)
		return;
	canvas_text(c, in.x, in.y, 3, COL_DIM, "l");
	for (i = 0; i < ncols; i++) {
		const struct snapshot_run *r = cols[i].run >= 0 ?
		    &s->runs[cols[i].run] : NULL;
		const char *h = r != NULL ? (c->g->utf8 ? r->label :
		    r->label_ascii) : layers_name(c,
		    layers_refs[cols[i].ref].head,
		    layers_refs[cols[i].ref].head_ascii);
		int hw = canvas_text_width(h);

		if (hw > LAYERS_W - 1)
			hw = LAYERS_W - 1;
		x = in.x + 4 + i * LAYERS_W + LAYERS_W - 1 - hw;
		if (r != NULL && canvas_text_width(h) > hw) {
			/* cut, twins' labels would read alike ("lfom H1"
			 * for "lfom H1 #2"): the chart's mark first, as in
			 * the legend, then as much of the label as fits,
			 * right-aligned like the numbers */
			size_t n;

			snprintf(buf, sizeof buf, "%s", h);
			n = strlen(buf);
			/* whole UTF-8 characters off the end, then spaces */
			while (n > 0 && (canvas_text_width(buf) > hw - 2 ||
			    buf[n - 1] == ' ')) {
				while (n > 0 && (buf[--n] & 0xc0) == 0x80)
					;
				buf[n] = '\0';
			}
			x = in.x + 4 + i * LAYERS_W + LAYERS_W - 3 -
			    canvas_text_width(buf);
			canvas_printf(c, x, in.y, 1, COL_RUN_0 + r->style,
			    "%d", r->style + 1);
			canvas_put(c, x + 1, in.y, c->g->hline,
			    COL_RUN_0 + r->style);
			canvas_text(c, x + 2, in.y, hw - 2,
			    COL_RUN_0 + r->style, buf);
			continue;
		}
		canvas_text(c, x, in.y, hw, r != NULL ?
		    (enum colour_role)(COL_RUN_0 + r->style) :
		    layers_refs[cols[i].ref].col, h);
	}
	rows = in.h - 1;
	if (tested >= 0 && rows > L + 1)
		rows = L + 1;		/* room for the footnote */
	for (l = 1; l <= L; l++) {
		y = in.y + l;
		if (l > rows || (l == rows && l < L)) {
			canvas_printf(c, in.x, y, in.w, COL_DIM,
			    "... %d more layers", L - l + 1);
			break;
		}
		canvas_printf(c, in.x, y, 3, COL_TEXT, "%d", l);
		best = -1;
		bv = INFINITY;
		for (i = 0; i < ncols; i++) {
			/* the theory line bounds a family: not a contender */
			if (cols[i].run < 0 &&
			    layers_refs[cols[i].ref].b == BASELINE_COUNT)
				continue;
			v = layers_value(s, &cols[i], l);
			if (isfinite(v) && v < bv) {
				bv = v;
				best = i;
			}
		}
		for (i = 0; i < ncols; i++) {
			panel_log(layers_value(s, &cols[i], l), buf, sizeof buf);
			x = in.x + 4 + i * LAYERS_W + LAYERS_W - 1 -
			    canvas_text_width(buf);
			canvas_text(c, x, y, LAYERS_W - 1, cols[i].run >= 0 ?
			    COL_MODEL : COL_TEXT, buf);
			if (i == best)
				canvas_attr(c, (struct rect){ x, y,
				    canvas_text_width(buf), 1 }, CATTR_BOLD |
				    CATTR_UNDERLINE);
		}
	}
	if (tested >= 0 && in.h > L + 1)
		layers_footnote(c, in.x, in.y + L + 1, in.w, tested);
	else if (tested < 0 && in.h > 2)
		canvas_text(c, in.x, in.y + in.h - 1, in.w, COL_DIM,
		    "not tested yet");
}

/* One legend entry "mark─ name" at *x of row *y, wrapping to the next row
 * (up to ymax); false when there is no room left. */
static bool
layers_legend_item(struct canvas *c, struct rect in, int *x, int *y,
    int ymax, const char *mark, enum colour_role col, const char *name)
{
	int w = canvas_text_width(name) + 3;

	if (*x > in.x && *x + w > in.x + in.w) {
		*x = in.x;
		(*y)++;
	}
	if (*y > ymax || *x + w > in.x + in.w + 1)
		return false;
	canvas_text(c, *x, *y, 1, col, mark);
	canvas_put(c, *x + 1, *y, c->g->hline, col);
	canvas_text(c, *x + 2, *y, in.x + in.w - *x - 2, COL_TEXT, name);
	*x += w + 1;
	return true;
}

/* The legend in the top rows of in (up to 2); returns the rows used. */
static int
layers_legend(const struct snapshot *s, struct canvas *c, struct rect in)
{
	char mark[16];
	int x = in.x, y = in.y, i;

	for (i = 0; i < s->nruns; i++) {
		const struct snapshot_run *r = &s->runs[i];

		if (!r->visible)
			continue;
		snprintf(mark, sizeof mark, "%d", r->style + 1);
		if (!layers_legend_item(c, in, &x, &y, in.y + 1, mark,
		    COL_RUN_0 + r->style, c->g->utf8 ? r->label :
		    r->label_ascii))
			return 2;
	}
	for (i = 0; s->have_baselines && i < LAYERS_NCHART; i++)
		if (!layers_legend_item(c, in, &x, &y, in.y + 1,
		    layers_refs[i].mark, layers_refs[i].col, layers_name(c,
		    layers_refs[i].legend, layers_refs[i].legend_ascii)))
			return 2;
	return y - in.y + 1;
}

static void
layers_extend(double *lo, double *hi, double v)
{
	if (!isfinite(v) || v <= 0)
		return;
	v = log(v);
	if (v < *lo)
		*lo = v;
	if (v > *hi)
		*hi = v;
}

/* A series' points: its line, then its mark on each point. */
static void
layers_series(struct plot *p, struct canvas *c, const double *mse, int k0,
    int n, enum colour_role col, const char *mark, bool marks)
{
	double x[64], y[64];
	int i, m = n < 64 ? n : 64;

	for (i = 0; i < m; i++) {
		x[i] = k0 + i;
		y[i] = isfinite(mse[i]) && mse[i] > 0 ? log(mse[i]) : NAN;
	}
	if (!marks) {
		plot_curve(p, x, y, m, col);
		return;
	}
	for (i = 0; i < m; i++) {
		int cx = plot_col(p, x[i]), cy = plot_row(p, y[i]);

		if (isfinite(y[i]) && cx >= p->r.x && cx < p->r.x + p->r.w &&
		    cy >= p->r.y && cy < p->r.y + p->r.h)
			canvas_text(c, cx, cy, 1, col, mark);
	}
}

static void
layers_chart(const struct snapshot *s, struct canvas *c, struct rect in)
{
	const struct snapshot_run *fr = snapshot_focus(s);
	struct rect pr;
	struct plot p;
	double lo = INFINITY, hi = -INFINITY;
	char buf[16];
	int L = layers_depth(s), Lb = s->cfg.layers, i, k, pass, x;

	pr.y = in.y + layers_legend(s, c, in);
	pr.x = in.x + LAYERS_LEFT;
	pr.w = in.w - LAYERS_LEFT - 1;
	pr.h = in.y + in.h - 1 - pr.y;	/* the last row: l labels */
	if (pr.w < 8 || pr.h < 2)
		return;
	for (i = 0; i < s->nruns; i++)
		for (k = 0; s->runs[i].visible && k < s->runs[i].L; k++)
			layers_extend(&lo, &hi, layers_run_mse(&s->runs[i],
			    k + 1));
	for (i = 0; i < LAYERS_NCHART; i++)
		for (k = 0; k <= Lb; k++)
			layers_extend(&lo, &hi, layers_ref_mse(s, i, k));
	if (!isfinite(lo)) {
		panel_centre(c, pr, pr.y + pr.h / 2, COL_DIM,
		    "not tested yet");
		return;
	}
	panel_pad_range(&lo, &hi);
	plot_init(&p, c, pr, 0, L, lo, hi);
	panel_y_ticks(c, &p, in.x, lo, hi);
	for (k = 0; k <= L; k++) {
		snprintf(buf, sizeof buf, "%d", k);
		x = plot_col(&p, k) - (k == L && L >= 10 ? 1 : 0);
		canvas_text(c, x, pr.y + pr.h, 2, COL_AXIS, buf);
	}
	/* lines first (the methods, the runs, the focused run on top), then
	 * every mark over them */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; s->have_baselines && i < LAYERS_NCHART; i++) {
			double v[64];

			for (k = 0; k <= Lb && k < 64; k++)
				v[k] = layers_ref_mse(s, i, k);
			layers_series(&p, c, v, 0, Lb + 1, layers_refs[i].col,
			    layers_refs[i].mark, pass == 1);
		}
		for (i = 0; i <= s->nruns; i++) {
			const struct snapshot_run *r = i < s->nruns ?
			    &s->runs[i] : fr;

			if (r == NULL || !r->visible || r->test_step < 0 ||
			    (i < s->nruns && r == fr))
				continue;
			snprintf(buf, sizeof buf, "%d", r->style + 1);
			layers_series(&p, c, r->layer_mse, 1, r->L,
			    COL_RUN_0 + r->style, buf, pass == 1);
		}
		if (pass == 0)
			plot_render(&p, c);
	}
	plot_free(&p);
}

static void
layers_draw(const struct panel_ctx *ctx, struct canvas *c, struct rect r)
{
	const struct snapshot *s = ctx->s;
	struct layers_col cols[SNAPSHOT_MAX_RUNS + LAYERS_NREFS];
	struct rect in, chart, table;
	int L = layers_depth(s), th = L + 2, tw;

	in = panel_frame(c, r, r.w > 42 ? "ln test MSE after layer l / "
	    "iteration k" : r.w > 24 ? "ln MSE by layer" : "by layer");
	if (in.w < 4 + LAYERS_W || in.h < 2)
		return;
	chart = table = in;
	tw = 4 + layers_columns(s, in.w, cols) * LAYERS_W;
	if (in.h - th >= LAYERS_CHART_H) {
		/* the table below the chart */
		chart.h = in.h - th;
		table.y = in.y + chart.h;
		table.h = th;
	} else if (in.w - tw - 1 >= 30 && in.h >= LAYERS_CHART_H) {
		/* beside it, as many columns as leave the chart 30 cells */
		tw = 4 + layers_columns(s, in.w - 31, cols) * LAYERS_W;
		chart.w = in.w - tw - 1;
		table.x = in.x + chart.w + 1;
		table.w = tw;
	} else if (in.h < LAYERS_CHART_H) {
		chart.h = 0;		/* the table alone */
	} else {
		table.h = 0;		/* the chart alone */
	}
	if (chart.h > 0)
		layers_chart(s, c, chart);
	if (table.h > 0)
		layers_table(s, c, table);
}

const struct panel_class panel_layers = {
	.name = "layers",
	.min_w = 14,
	.min_h = 3,
	.draw = layers_draw,
};
