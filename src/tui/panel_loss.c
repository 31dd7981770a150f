/*
 * The loss panel: ln of the training and test losses of every visible run
 * against the step, each run in its colour and its line style (plot.h),
 * training thin and test thick, so that without colour every curve stays
 * told apart; the focused run drawn last, on top, its legend label bold.
 * With smoothing, the EMA curves lie over their raw curves, faded. The
 * focused run's data changes are vertical marks, its reference lines what
 * CG, tuned GD and Nesterov reach after L iterations on its test batch and
 * the expected error of the best L-layer schedule A_l = a_l Σ⁻¹ (theory.h).
 *
 * Layout inside the frame: the legend (one or two rows: runs, then the
 * train/test key and the reference lines), the plot with y ticks on the
 * left and the reference lines' names on the right (stacked into the next
 * free row when two lines share one), a row of step ticks, and with the
 * cursor on a readout row. The y axis is ln MSE with ticks on round ln
 * values: every number memscope prints (train's output, the layer table,
 * the legend, the readout) is an ln MSE, and these losses span a few units
 * of ln, which decades of MSE would mark with one or two ticks. The x
 * range is the plot view's (plotview.h); the y range covers the values
 * drawn inside it and the reference lines, padded by 5%.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/panel.h"
#include "memscope/plot.h"
#include "memscope/plotview.h"
#include "memscope/ticks.h"
#include "memscope/xmalloc.h"

struct loss_ref {
	enum baseline b;	/* BASELINE_COUNT: the theory schedule */
	enum colour_role col;
	const char *name;	/* right margin, 2 cells */
	const char *legend;
	const char *legend_ascii;	/* NULL: legend */
};

static const struct loss_ref loss_refs[] = {
	{ BASELINE_CG, COL_REF_CG, "CG", "CG", NULL },
	{ BASELINE_GD, COL_REF_GD, "GD", "GD", NULL },
	{ BASELINE_NESTEROV, COL_REF_NESTEROV, "Nv", "Nesterov", NULL },
	/* the best pre model of L layers A_l = a_l Σ⁻¹ (theory.h) */
	{ BASELINE_COUNT, COL_DIM, "Th", "best a·Σ⁻¹",
	    "best a*S^-1" },
};
#define LOSS_NREFS ((int)(sizeof loss_refs / sizeof loss_refs[0]))

#define LOSS_LEFT 6		/* y labels */
#define LOSS_RIGHT 3		/* reference names */

/* A visible run's curves as drawn: x in axis units, ln values, and the
 * smoothed ln values (the same arrays when not smoothing). */
struct loss_series {
	const struct snapshot_run *r;
	int n;
	double *x, *tr, *te, *str, *ste;	/* each (n) */
};

/* What a frame of the panel draws from. */
struct loss_frame {
	const struct snapshot *s;
	const struct plot_view *v;
	double w;		/* the EMA weight */
	int ns;
	struct loss_series ser[SNAPSHOT_MAX_RUNS];	/* focused run last */
	double *buf;
};

/* ln of v, NAN for missing or non-positive values. */
static double
loss_ln(double v)
{
	return isfinite(v) && v > 0 ? log(v) : NAN;
}

/* Reference i's MSE at the focused model's depth (NaN: none). */
static double
loss_ref_mse(const struct snapshot *s, int i)
{
	enum baseline b = loss_refs[i].b;

	if (b != BASELINE_COUNT)
		return s->base_mse[b][s->L];
	return s->L <= THEORY_MAX_LAYERS && s->theory.layers >= s->L ?
	    s->theory.schedule[s->L - 1] : NAN;
}

/* The visible runs' series, the focused one last. */
static void
loss_series_fill(struct loss_frame *f)
{
	const struct snapshot *s = f->s;
	const struct snapshot_run *fr = snapshot_focus(s);
	struct loss_series *sr;
	size_t total = 0;
	double *at;
	int i, k;

	for (i = 0; i < s->nruns; i++)
		total += (size_t)s->runs[i].hist.n;
	f->buf = xmalloc((total * 5 + 1) * sizeof *f->buf);
	at = f->buf;
	f->ns = 0;
	for (i = 0; i <= s->nruns; i++) {
		const struct snapshot_run *r = i < s->nruns ? &s->runs[i] : fr;
		const struct snapshot_curve *cv;

		if (r == NULL || !r->visible || (i < s->nruns && r == fr))
			continue;
		cv = &r->hist;
		sr = &f->ser[f->ns++];
		sr->r = r;
		sr->n = cv->n;
		sr->x = at;
		sr->tr = at + cv->n;
		sr->te = at + 2 * cv->n;
		sr->str = at + 3 * cv->n;
		sr->ste = at + 4 * cv->n;
		at += 5 * (size_t)cv->n;
		for (k = 0; k < cv->n; k++) {
			sr->x[k] = plot_view_x(f->v, cv->step[k]);
			sr->tr[k] = loss_ln(cv->train[k]);
			sr->te[k] = loss_ln(cv->test[k]);
		}
		plot_ema(sr->tr, cv->n, f->w, sr->str);
		plot_ema(sr->te, cv->n, f->w, sr->ste);
	}
}

/* The series of run r, or NULL (hidden). */
static const struct loss_series *
loss_series_of(const struct loss_frame *f, const struct snapshot_run *r)
{
	for (int i = 0; i < f->ns; i++)
		if (f->ser[i].r == r)
			return &f->ser[i];
	return NULL;
}

static void
loss_extend(double *lo, double *hi, double v)
{
	if (!isfinite(v))
		return;
	if (v < *lo)
		*lo = v;
	if (v > *hi)
		*hi = v;
}

/* The y range: every value drawn with x inside [x0, x1], and the
 * reference lines. */
static void
loss_y_range(const struct loss_frame *f, double x0, double x1, double *lo,
    double *hi)
{
	const struct snapshot *s = f->s;
	int i, k;

	*lo = INFINITY;
	*hi = -INFINITY;
	for (i = 0; i < f->ns; i++) {
		const struct loss_series *sr = &f->ser[i];

		for (k = 0; k < sr->n; k++) {
			if (!(sr->x[k] >= x0 && sr->x[k] <= x1))
				continue;
			loss_extend(lo, hi, sr->tr[k]);
			loss_extend(lo, hi, sr->te[k]);
			loss_extend(lo, hi, sr->str[k]);
			loss_extend(lo, hi, sr->ste[k]);
		}
	}
	if (!isfinite(*lo))
		return;		/* nothing to draw yet */
	if (s->have_baselines && s->L >= 1)
		for (i = 0; i < LOSS_NREFS; i++)
			loss_extend(lo, hi,
			    loss_ln(loss_ref_mse(s, i)));
}

/* One legend entry: a sample line or a reference glyph, then text. */
struct loss_item {
	struct plot_pen pen;
	bool ref;		/* a reference line's glyph, not a sample */
	bool bold;
	char text[48];
};

/* The legend's entries in variant k: 0 the reference values and long
 * names, 1 without values, 2 the short names. */
static int
loss_items(const struct loss_frame *f, const struct canvas *c, int k,
    struct loss_item *it)
{
	const struct snapshot *s = f->s;
	const struct snapshot_run *fr = snapshot_focus(s);
	char v[16];
	int i, n = 0;

	for (i = 0; i < s->nruns; i++) {	/* in the run list's order */
		const struct snapshot_run *r = &s->runs[i];

		if (!r->visible)
			continue;
		memset(&it[n], 0, sizeof it[n]);
		it[n].pen = (struct plot_pen){ COL_RUN_0 + r->style, r->style,
		    false, false };
		it[n].bold = r == fr && f->ns > 1;
		snprintf(it[n++].text, sizeof it[0].text, "%s", c->g->utf8 ?
		    r->label : r->label_ascii);
	}
	for (i = 0; i < 2; i++) {
		memset(&it[n], 0, sizeof it[n]);
		it[n].pen = (struct plot_pen){ COL_TEXT, 0, i == 1, false };
		snprintf(it[n++].text, sizeof it[0].text, "%s", i == 0 ?
		    "train" : "test");
	}
	if (!s->have_baselines || s->L < 1)
		return n;
	for (i = 0; i < LOSS_NREFS; i++) {
		const char *legend = !c->g->utf8 &&
		    loss_refs[i].legend_ascii != NULL ?
		    loss_refs[i].legend_ascii : loss_refs[i].legend;

		if (!isfinite(loss_ln(loss_ref_mse(s, i))))
			continue;
		memset(&it[n], 0, sizeof it[n]);
		it[n].ref = true;
		it[n].pen.col = loss_refs[i].col;
		if (k == 0)
			snprintf(it[n].text, sizeof it[0].text, "%s %s",
			    legend, panel_log(loss_ref_mse(s, i), v, sizeof v));
		else
			snprintf(it[n].text, sizeof it[0].text, "%s", k == 1 ?
			    legend : loss_refs[i].name);
		n++;
	}
	return n;
}

/* The cells entry i takes. */
static int
loss_item_width(const struct canvas *c, const struct loss_item *it)
{
	return (it->ref ? 1 : plot_sample_cells(c->g->utf8)) + 1 +
	    canvas_text_width(it->text);
}

/* Lay out (and draw, if draw) n entries in the top rows of in, at most
 * rows of them: each entry whole in a row, the runs first; the rest start
 * a row of their own unless they all fit after the runs. Returns the rows
 * used, or rows + 1 if they do not fit. */
static int
loss_flow(struct canvas *c, const struct loss_item *it, int n, int nruns,
    struct rect in, int rows, bool draw)
{
	int sw = plot_sample_cells(c->g->utf8), i, j, x = in.x, y = 0, w;
	int end = in.x + in.w, rest = 0;

	for (j = nruns; j < n; j++)
		rest += loss_item_width(c, &it[j]) + 1;
	for (i = 0; i < n; i++) {
		w = loss_item_width(c, &it[i]);
		if (x > in.x && (x + w > end || (i == nruns &&
		    x + rest - 1 > end))) {
			x = in.x;
			y++;
		}
		if (y >= rows || w > in.w)
			return rows + 1;
		if (draw) {
			struct rect b = { x + (it[i].ref ? 1 : sw) + 1,
			    in.y + y, canvas_text_width(it[i].text), 1 };

			if (it[i].ref)
				canvas_put(c, x, in.y + y, c->g->ref_line,
				    it[i].pen.col);
			else
				plot_sample(c, x, in.y + y, sw, &it[i].pen);
			canvas_text(c, b.x, b.y, b.w, COL_TEXT, it[i].text);
			if (it[i].bold)
				canvas_attr(c, b, CATTR_BOLD |
				    CATTR_UNDERLINE);
		}
		x += w + 1;
	}
	return y + 1;
}

/* The legend in at most rows rows: the first variant that fits, else
 * the shortest clipped. Returns the rows it took. */
static int
loss_legend(const struct loss_frame *f, struct canvas *c, struct rect in,
    int rows)
{
	struct loss_item it[SNAPSHOT_MAX_RUNS + 2 + LOSS_NREFS];
	int k, n, used = rows;

	for (k = 0; k < 3; k++) {
		n = loss_items(f, c, k, it);
		used = loss_flow(c, it, n, f->ns, in, rows, false);
		if (used <= rows)
			break;
	}
	if (used > rows)
		used = rows;
	loss_flow(c, it, n, f->ns, in, used, true);
	return used;
}

/* The panel's title: the axis and the view's state, as room allows. */
static void
loss_title(const struct loss_frame *f, const struct canvas *c, int w,
    char *buf, size_t len)
{
	const struct plot_view *v = f->v;
	const char *sep = c->g->utf8 ? " \xc2\xb7 " : ", ";
	char win[48] = "", lx[16] = "", ema[24] = "";

	if (v->span > 0)
		snprintf(win, sizeof win, v->cursor_on ? "%s%.0f steps" :
		    "%slast %.0f", sep, v->span);
	if (v->logx)
		snprintf(lx, sizeof lx, "%slog-x", sep);
	if (f->w > 0)
		snprintf(ema, sizeof ema, "%sEMA %g", sep, f->w);
	snprintf(buf, len, "loss: ln MSE, L = %d%s%s%s", f->s->L, win, lx,
	    ema);
	if (canvas_text_width(buf) + 4 > w)
		snprintf(buf, len, "loss%s%s%s", win, lx, ema);
	if (canvas_text_width(buf) + 4 > w)
		snprintf(buf, len, "loss");
}

/* Step ticks along row y under plot p, and "step" left of them. */
static void
loss_x_ticks(const struct loss_frame *f, struct canvas *c,
    const struct plot *p, struct rect in, int y)
{
	double t[TICKS_MAX], step;
	char buf[32];
	int i, n, x, w, col, free_x = p->r.x, max = p->r.w / 7 + 1;

	if (f->v->logx)
		n = ticks_log10(p->x0, p->x1, max, t, &step);
	else
		n = ticks_linear(p->x0, p->x1, max, t, &step);
	for (i = 0; i < n; i++) {
		ticks_label(t[i], step > 0 ? step : t[i], buf, sizeof buf);
		w = canvas_text_width(buf);
		col = plot_col(p, plot_view_x(f->v, t[i]));
		x = col - w / 2;
		if (x + w > in.x + in.w)
			x = in.x + in.w - w;
		if (x < free_x)
			continue;	/* would touch the label before */
		canvas_text(c, x, y, w, COL_AXIS, buf);
		free_x = x + w + 1;
	}
	if (LOSS_LEFT >= 5)
		canvas_text(c, in.x, y, LOSS_LEFT - 1, COL_DIM, "step");
}

/* The focused run's reference lines across the plot, their names in the
 * right margin, stacked into free rows when lines share one. */
static void
loss_refs_draw(const struct snapshot *s, struct canvas *c,
    const struct plot *p)
{
	const struct rect pr = p->r;
	int want[LOSS_NREFS], got[LOSS_NREFS], idx[LOSS_NREFS], n = 0, i, x;

	if (!s->have_baselines || s->L < 1)
		return;
	for (i = 0; i < LOSS_NREFS; i++) {
		double v = loss_ln(loss_ref_mse(s, i));
		int row;

		if (!isfinite(v))
			continue;
		row = plot_row(p, v);
		if (row < pr.y)
			row = pr.y;
		if (row >= pr.y + pr.h)
			row = pr.y + pr.h - 1;
		for (x = pr.x; x < pr.x + pr.w; x++)
			canvas_put(c, x, row, c->g->ref_line,
			    loss_refs[i].col);
		idx[n] = i;
		want[n++] = row;
	}
	plot_stack_rows(want, n, pr.y, pr.y + pr.h - 1, got);
	for (i = 0; i < n; i++)
		if (got[i] >= 0)
			canvas_text(c, pr.x + pr.w, got[i], LOSS_RIGHT,
			    loss_refs[idx[i]].col, loss_refs[idx[i]].name);
}

/* The focused run's data changes: a vertical mark and the new data. */
static void
loss_marks(const struct loss_frame *f, struct canvas *c,
    const struct plot *p)
{
	const struct snapshot_run *fr = snapshot_focus(f->s);
	const struct rect pr = p->r;
	int i, col, y;

	for (i = 0; fr != NULL && fr->visible && i < fr->nmarks; i++) {
		col = plot_col(p, plot_view_x(f->v, (double)fr->marks[i].step));
		if (col < pr.x || col >= pr.x + pr.w)
			continue;
		for (y = pr.y; y < pr.y + pr.h; y++)
			canvas_put(c, col, y, c->g->mark, COL_MARK);
		canvas_text(c, col + 1, pr.y, pr.x + pr.w - col - 1, COL_MARK,
		    fr->marks[i].label);
	}
}

/* Every series: raw curves faded beneath when smoothing, then the drawn
 * ones, training thin and test thick, the focused run last. */
static void
loss_curves(const struct loss_frame *f, struct plot *p)
{
	int i;

	for (i = 0; i < f->ns; i++) {
		const struct loss_series *sr = &f->ser[i];
		struct plot_pen pen = { COL_RUN_0 + sr->r->style,
			sr->r->style, false, f->w > 0 };

		if (f->w > 0) {
			plot_curve_pen(p, sr->x, sr->tr, sr->n, &pen);
			pen.thick = true;
			plot_curve_pen(p, sr->x, sr->te, sr->n, &pen);
		}
		pen.faded = false;
		pen.thick = false;
		plot_curve_pen(p, sr->x, sr->str, sr->n, &pen);
		pen.thick = true;
		plot_curve_pen(p, sr->x, sr->ste, sr->n, &pen);
	}
}

/* An ln value as the readout prints it, "-" for none. */
static void
loss_value(double v, char *buf, size_t len)
{
	if (isfinite(v))
		snprintf(buf, len, "%.2f", v);
	else
		snprintf(buf, len, "-");
}

/* The cursor: a dashed vertical line through the plot's empty cells, and
 * the readout: the step and each visible run's drawn values there (the
 * last point at or before the cursor; smoothed when smoothing). */
static void
loss_cursor(const struct loss_frame *f, struct canvas *c,
    const struct plot *p, int y, int w)
{
	const struct rect pr = p->r;
	const struct cell *cl;
	char buf[512], v1[40], v2[16];
	size_t at;
	int i, k, col, yy, pass;

	col = plot_col(p, plot_view_x(f->v, f->v->cursor));
	for (yy = pr.y; col >= pr.x && col < pr.x + pr.w &&
	    yy < pr.y + pr.h; yy++) {
		cl = &c->cells[(size_t)yy * c->w + col];
		if (cl->ch == 0 || cl->ch == ' ')
			canvas_put(c, col, yy, c->g->utf8 ? 0x250a : ':',
			    COL_AXIS);
	}
	/* train / test pairs if they fit, else the test values alone, else
	 * those closer together; in the run list's order */
	for (pass = 0; pass < 3; pass++) {
		at = (size_t)snprintf(buf, sizeof buf, pass < 2 ? "step %.0f %s" :
		    "%.0f %s", f->v->cursor, pass == 0 ? "train/test" : "test");
		for (i = 0; i < f->s->nruns && at < sizeof buf; i++) {
			const struct loss_series *sr = loss_series_of(f,
			    &f->s->runs[i]);
			const struct snapshot_curve *cv;

			if (sr == NULL)
				continue;
			cv = &sr->r->hist;

			k = plot_index_at(cv->step, sr->tr, sr->n,
			    f->v->cursor);
			loss_value(k >= 0 ? sr->str[k] : NAN, v1, sizeof v1);
			k = plot_index_at(cv->step, sr->te, sr->n,
			    f->v->cursor);
			loss_value(k >= 0 ? sr->ste[k] : NAN, v2, sizeof v2);
			if (pass > 0)	/* the test value alone */
				snprintf(v1, sizeof v1, "%s", v2);
			else
				snprintf(v1 + strlen(v1), sizeof v1 -
				    strlen(v1), "/%s", v2);
			at += (size_t)snprintf(buf + at, sizeof buf - at,
			    "%s%s %s", pass < 2 ? "  " : " ", c->g->utf8 ?
			    sr->r->label : sr->r->label_ascii, v1);
		}
		if (canvas_text_width(buf) <= w)
			break;
	}
	canvas_text(c, pr.x - LOSS_LEFT, y, w, COL_TEXT, buf);
}

static void
loss_draw(const struct panel_ctx *ctx, struct canvas *c, struct rect r)
{
	static struct plot_view none;	/* no view: the whole run, raw */
	struct loss_frame f = { ctx->s, ctx->plot != NULL ? ctx->plot : &none,
		0, 0, { { 0 } }, NULL };
	struct plot_extent e = plot_view_extent(ctx->s);
	struct rect in, pr;
	struct plot p;
	double lo, hi, x0, x1;
	char title[128], wait[64];
	int rows;

	f.w = plot_view_weight(f.v);
	loss_title(&f, c, r.w, title, sizeof title);
	in = panel_frame(c, r, title);
	if (in.w < LOSS_LEFT + LOSS_RIGHT + 4 || in.h < 4)
		return;
	loss_series_fill(&f);
	rows = loss_legend(&f, c, in, in.h >= 9 ? 2 : 1);
	pr.x = in.x + LOSS_LEFT;
	pr.y = in.y + rows;
	pr.w = in.w - LOSS_LEFT - LOSS_RIGHT;
	pr.h = in.h - rows - 1 - (f.v->cursor_on && in.h >= 7);

	plot_view_range(f.v, &e, &x0, &x1);
	loss_y_range(&f, x0, x1, &lo, &hi);
	if (!isfinite(lo)) {
		/* the status line's ellipsis: one glyph where UTF-8 has it */
		snprintf(wait, sizeof wait, "%s%s", ctx->s->busy[0] != '\0' ?
		    ctx->s->busy : ctx->s->state == ENGINE_STARTING ?
		    "setting up the run" : "waiting for the first loss",
		    c->g->utf8 ? "\xe2\x80\xa6" : "...");
		panel_centre(c, pr, pr.y + pr.h / 2, COL_DIM, wait);
		free(f.buf);
		return;
	}
	panel_pad_range(&lo, &hi);
	plot_init(&p, c, pr, x0, x1, lo, hi);
	panel_y_ticks(c, &p, in.x, lo, hi);
	loss_x_ticks(&f, c, &p, in, pr.y + pr.h);
	loss_refs_draw(ctx->s, c, &p);	/* under the curves */
	loss_marks(&f, c, &p);
	loss_curves(&f, &p);
	plot_render(&p, c);
	if (f.v->cursor_on)
		loss_cursor(&f, c, &p, in.h >= 7 ? pr.y + pr.h + 1 : in.y,
		    in.w);
	plot_free(&p);
	free(f.buf);
}

const struct panel_class panel_loss = {
	.name = "loss",
	.min_w = 20,
	.min_h = 6,
	.draw = loss_draw,
};
