/*
 * The teaching screen's plots (screen 5, screen_step.c), drawn from the
 * step-through trace's teaching views (trace.h) at the layer ℓ the step
 * view selects:
 *   - the error along each eigen-direction: |⟨v_k, w_ℓ − w*⟩| on a log10
 *     scale against the directions, ordered by eigenvalue (smallest left,
 *     as on the polynomials' λ axis) and labelled by it; a curve per
 *     method, ℓ = 0 (the first error, the same for all) faint beneath; the
 *     range is every layer's, so stepping ℓ shows the errors fall;
 *   - the residual polynomials r_ℓ(λ) over [0, 1.1 λ_max], y fixed to
 *     ±1.2 (said when a curve leaves it), the zero line with a tick at each
 *     eigenvalue, each curve's letter at its rightmost point in range, and
 *     for a model without a polynomial its per-direction factors as dots
 *     at the eigenvalues.
 * The methods keep the step-through chart's colours and line styles
 * (model solid, CG dashed, GD dotted, Nesterov dash-dot; momentum short
 * dashes), and one legend (panel_teach_legend) names them on every panel.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "memscope/panel.h"
#include "memscope/plot.h"

const struct panel_teach_method panel_teach_methods[TRACE_POLYS] = {
	{ "model", "model", 'M', COL_MODEL, 0 },
	{ "CG", "CG", 'C', COL_REF_CG, 1 },
	{ "GD", "GD", 'G', COL_REF_GD, 2 },
	{ "Nesterov", "Nest", 'N', COL_REF_NESTEROV, 3 },
	{ "momentum", "mom", 'H', COL_REF_MOMENTUM, 4 },
};

/* The order curves are drawn in: the model last, on top. */
static const int teach_order[TRACE_POLYS] = {
	TRACE_POLY_MOMENTUM, TRACE_NESTEROV, TRACE_GD, TRACE_CG, TRACE_MODEL
};

#define TEACH_CLIP 1.2		/* the polynomials' y range: ±1.2 */
#define TEACH_DECADES 10	/* the error plot's depth below its top */
#define TEACH_YLAB 6		/* the y labels' columns, tick included */
#define TEACH_MAXD 512		/* the directions drawn (config's largest d) */

/* Method m's pen. */
static struct plot_pen
teach_pen(int m, bool faded)
{
	struct plot_pen pen = { panel_teach_methods[m].col,
	    panel_teach_methods[m].style, false, faded };

	return pen;
}

/* The cells of the legend's items of mask: long names or short, with
 * line samples of sw cells (0: none). */
static int
teach_legend_width(unsigned mask, bool longn, int sw)
{
	int w = 0;

	for (int m = 0; m < TRACE_POLYS; m++)
		if (mask & (1u << m))
			w += (w > 0) + (sw > 0 ? sw + 1 : 0) + canvas_text_width(
			    longn ? panel_teach_methods[m].head :
			    panel_teach_methods[m].abbr);
	return w;
}

/* The legend of the methods in mask (bit m: method m) in row y from x,
 * at most w cells: long names with line samples, else short names with
 * them, else short names alone; returns the cells used. */
int
panel_teach_legend(struct canvas *c, int x, int y, int w, unsigned mask)
{
	int sw = plot_sample_cells(c->g->utf8), x0 = x;
	bool longn = true;

	if (teach_legend_width(mask, true, sw) > w) {
		longn = false;
		if (teach_legend_width(mask, false, sw) > w)
			sw = 0;
	}
	for (int m = 0; m < TRACE_POLYS; m++) {
		const char *h = longn ? panel_teach_methods[m].head :
		    panel_teach_methods[m].abbr;
		struct plot_pen pen = teach_pen(m, false);

		if (!(mask & (1u << m)))
			continue;
		if (x > x0)
			x++;
		if (x + (sw > 0 ? sw + 1 : 0) + canvas_text_width(h) > x0 + w)
			break;
		if (sw > 0) {
			plot_sample(c, x, y, sw, &pen);
			x += sw + 1;
		}
		x += canvas_text(c, x, y, x0 + w - x, panel_teach_methods[m].col,
		    h);
	}
	return x - x0;
}

/* The frame, the trace's checks and the note: false when there is
 * nothing more to draw; *in gets the rows left above the note. */
bool
panel_teach_begin(const struct panel_ctx *ctx, struct canvas *c,
    struct rect r, const char *title, enum trace_note k, struct rect *in)
{
	const struct trace *tr = &ctx->s->trace.tr;
	int nr;

	if (!panel_trace_begin(ctx, c, r, title, in))
		return false;
	if (tr->dir_err == NULL || tr->basis == NULL) {
		panel_centre(c, *in, in->y + in->h / 2, COL_DIM,
		    "no teaching views in this trace");
		return false;
	}
	nr = panel_trace_note(c, *in, tr, panel_trace_layer(ctx), k);
	in->h -= nr;
	return in->h >= 4;
}

/* Whether method m's w_ℓ is defined (its first direction's error). */
static bool
teach_defined(const struct trace *tr, int m, int l)
{
	return isfinite(trace_dir_err(tr, m, l)[0]);
}

/* "1e-3" for 10^e ("1", "10" and "0.1" for 0, 1, -1). */
static const char *
teach_decade(int e, char *buf, size_t len)
{
	if (e == 0)
		snprintf(buf, len, "1");
	else if (e == 1)
		snprintf(buf, len, "10");
	else if (e == -1)
		snprintf(buf, len, "0.1");
	else
		snprintf(buf, len, "1e%d", e);
	return buf;
}

/* Decade ticks of the log10 range [lo, hi] left of plot p, at most one
 * label every other row. */
static void
teach_log_ticks(struct canvas *c, const struct plot *p, int x0, double lo,
    double hi)
{
	int e0 = (int)ceil(lo - 1e-9), e1 = (int)floor(hi + 1e-9), every = 1;
	int e, row, last = -9;
	char buf[16];

	while (e1 >= e0 && (e1 - e0) / every + 1 > (p->r.h + 1) / 2)
		every++;
	for (e = e1; e >= e0; e -= every) {
		row = plot_row(p, e);
		if (row < p->r.y || row >= p->r.y + p->r.h || row - last < 2)
			continue;
		last = row;
		canvas_put(c, p->r.x - 1, row, c->g->tee_right, COL_AXIS);
		teach_decade(e, buf, sizeof buf);
		canvas_text(c, p->r.x - 1 - canvas_text_width(buf) < x0 ? x0 :
		    p->r.x - 1 - canvas_text_width(buf), row, p->r.x - 1 - x0,
		    COL_AXIS, buf);
	}
}

/* λ labels in row y under plot p at data x of each direction (xs, d of
 * them), those that do not overlap a label already written. */
static void
teach_x_labels(struct canvas *c, const struct plot *p, int y,
    const double *xs, const double *vals, int d, int end)
{
	char buf[16];
	int last = -1;

	for (int i = 0; i < d; i++) {
		int w, col;

		plot_label(vals[i], buf, sizeof buf);
		w = canvas_text_width(buf);
		col = plot_col(p, xs[i]) - w / 2;
		if (col <= last || col + w > end)
			continue;
		canvas_text(c, col, y, w, COL_AXIS, buf);
		last = col + w;
	}
}

/* ---- the error along each eigen-direction ---- */

/* The log10 range of every defined |error| of the methods in mask. */
static void
teach_dirs_range(const struct trace *tr, unsigned mask, double *lo,
    double *hi)
{
	*lo = INFINITY;
	*hi = -INFINITY;
	for (int m = 0; m < TRACE_METHODS; m++)
		for (int l = 0; (mask & (1u << m)) && l <= tr->L; l++) {
			const double *e = trace_dir_err(tr, m, l);

			for (int k = 0; k < tr->d; k++) {
				double v = fabs(e[k]);

				if (!isfinite(v) || v <= 0)
					continue;
				*lo = fmin(*lo, log10(v));
				*hi = fmax(*hi, log10(v));
			}
		}
	if (!isfinite(*hi))
		return;
	if (*lo < *hi - TEACH_DECADES)
		*lo = *hi - TEACH_DECADES;
	if (*hi - *lo < 1)
		*lo = *hi - 1;
	panel_pad_range(lo, hi);
}

/* An error's height on the plot: log10 |e|, at least the floor lo (an
 * exact 0 too); NaN where e is not defined. */
static double
teach_dir_y(double e, double lo)
{
	double v = fabs(e);

	return !isfinite(v) ? NAN : v > 0 ? fmax(log10(v), lo) : lo;
}

/* Method m's errors at ℓ as log10 |·| at the plot's x (directions by
 * increasing λ), clamped to the floor lo. */
static void
teach_dirs_curve(const struct trace *tr, int m, int l, double lo,
    struct plot *p, bool faded, enum colour_role col)
{
	const double *e = trace_dir_err(tr, m, l);
	double xs[TEACH_MAXD], ys[TEACH_MAXD];
	struct plot_pen pen = teach_pen(m, faded);
	int d = tr->d < TEACH_MAXD ? tr->d : TEACH_MAXD;

	for (int i = 0; i < d; i++) {
		xs[i] = i;
		ys[i] = teach_dir_y(e[tr->d - 1 - i], lo);
	}
	if (faded) {
		pen.col = col;
		pen.style = 0;
	}
	plot_curve_pen(p, xs, ys, d, &pen);
	if (d == 1)	/* one direction: a dash, not a dot */
		plot_line_pen(p, -0.2, ys[0], 0.2, ys[0], &pen);
}

/* Method m's letter at each of its points (after the dots). */
static void
teach_dirs_letters(struct canvas *c, const struct trace *tr, int m, int l,
    double lo, const struct plot *p)
{
	const double *e = trace_dir_err(tr, m, l);
	int d = tr->d < TEACH_MAXD ? tr->d : TEACH_MAXD;

	for (int i = 0; i < d; i++) {
		double y = teach_dir_y(e[tr->d - 1 - i], lo);

		if (isfinite(y))
			canvas_put(c, plot_col(p, i), plot_row(p, y),
			    (uint32_t)panel_teach_methods[m].letter,
			    panel_teach_methods[m].col);
	}
}

static void
teach_dirs_draw(const struct panel_ctx *ctx, struct canvas *c, struct rect r)
{
	const struct trace *tr = &ctx->s->trace.tr;
	struct rect in, pr;
	struct plot p;
	double lo, hi, xs[TEACH_MAXD], lam[TEACH_MAXD];
	unsigned mask = 0;
	char title[96];
	int l = panel_trace_layer(ctx), i, m, d, x;

	snprintf(title, sizeof title, r.w >= 44 ?
	    "error along each eigen-direction, l = %d" :
	    "error by eigen-direction, l = %d", l);
	if (!panel_teach_begin(ctx, c, r, title, TRACE_NOTE_DIRS, &in))
		return;
	d = tr->d < TEACH_MAXD ? tr->d : TEACH_MAXD;
	for (m = 0; m < TRACE_METHODS; m++)
		if (teach_defined(tr, m, l))
			mask |= 1u << m;
	teach_dirs_range(tr, mask, &lo, &hi);
	x = in.x + panel_teach_legend(c, in.x, in.y, in.w, mask);
	if (x + 16 <= in.x + in.w)
		canvas_text(c, x + 2, in.y, in.x + in.w - x - 2, COL_DIM,
		    "faint: l = 0");
	if (!isfinite(hi)) {
		panel_centre(c, in, in.y + in.h / 2, COL_DIM, "no errors");
		return;
	}
	pr = (struct rect){ in.x + TEACH_YLAB, in.y + 1, in.w - TEACH_YLAB - 1,
	    in.h - 2 };
	plot_init(&p, c, pr, -0.5, d - 0.5, lo, hi);
	teach_log_ticks(c, &p, in.x, lo, hi);
	for (i = 0; i < d; i++) {
		xs[i] = i;
		lam[i] = tr->eig[tr->d - 1 - i];
	}
	canvas_text(c, in.x, pr.y + pr.h, TEACH_YLAB - 1, COL_DIM,
	    c->g->utf8 ? "λ_k" : "eig");
	teach_x_labels(c, &p, pr.y + pr.h, xs, lam, d, in.x + in.w);
	/* the first error beneath, then the methods, the model last */
	teach_dirs_curve(tr, TRACE_CG, 0, lo, &p, true, COL_DIM);
	for (i = 0; i < TRACE_POLYS; i++) {
		m = teach_order[i];
		if (m < TRACE_METHODS && (mask & (1u << m)))
			teach_dirs_curve(tr, m, l, lo, &p, false, 0);
	}
	plot_render(&p, c);
	for (i = 0; d <= pr.w / 3 && i < TRACE_POLYS; i++) {
		m = teach_order[i];
		if (m < TRACE_METHODS && (mask & (1u << m)))
			teach_dirs_letters(c, tr, m, l, lo, &p);
	}
	plot_free(&p);
}

/* ---- the residual polynomials ---- */

/* Whether any finite value of v (n) leaves ±TEACH_CLIP. */
static bool
teach_leaves(const double *v, int n)
{
	for (int i = 0; i < n; i++)
		if (isfinite(v[i]) && fabs(v[i]) > TEACH_CLIP)
			return true;
	return false;
}

/* The line under the legend for a model without a polynomial, in w
 * cells. */
static const char *
teach_poly_why(const struct canvas *c, const struct trace *tr, bool factors,
    int w)
{
	bool u = c->g->utf8;

	if (!factors)
		return "model: its features move, no polynomial";
	if (tr->memory == MS_MEMORY_LFOM && w >= 66)
		return u ? "model (lfom: per-token weights): per-direction "
		    "factors ●, not a polynomial" : "model (lfom: per-token "
		    "weights): per-direction factors o, not a polynomial";
	if (w >= 62)
		return u ? "matrix preconditioner: per-direction factors ●, "
		    "not a polynomial" : "matrix preconditioner: per-direction "
		    "factors o, not a polynomial";
	return u ? "● model: factors, not a polynomial" :
	    "o model: factors, not a polynomial";
}

/* The zero line across plot p, and a tick on it at each eigenvalue. */
static void
teach_zero_line(struct canvas *c, const struct plot *p, const struct trace *tr,
    bool after)
{
	int row = plot_row(p, 0), x, k;
	uint32_t tick = c->g->utf8 ? 0x253c : '+';

	if (row < p->r.y || row >= p->r.y + p->r.h)
		return;
	if (!after) {
		for (x = p->r.x; x < p->r.x + p->r.w; x++)
			canvas_put(c, x, row, c->g->ref_line, COL_AXIS);
		return;
	}
	/* after the curves: on the cells that kept the line */
	for (k = 0; k < tr->d; k++) {
		struct cell *cl;

		x = plot_col(p, tr->eig[k]);
		if (x < p->r.x || x >= p->r.x + p->r.w)
			continue;
		cl = &c->cells[(size_t)row * c->w + x];
		if (cl->ch == c->g->ref_line)
			canvas_put(c, x, row, tick, COL_MARK);
	}
}

/* The λ axis under plot p in row y: 0, a tick at each eigenvalue and
 * the grid's end, with "λ" where there is room. */
static void
teach_lambda_axis(struct canvas *c, const struct plot *p, int y,
    const struct trace *tr, int x0, int end)
{
	char buf[24];
	int w, k, x;

	canvas_text(c, x0, y, TEACH_YLAB - 1, COL_DIM, c->g->utf8 ? "λ" :
	    "lambda");
	for (k = 0; k < tr->d; k++) {
		x = plot_col(p, tr->eig[k]);
		if (x >= p->r.x && x < end)
			canvas_put(c, x, y, c->g->utf8 ? 0x2575 : '|', COL_MARK);
	}
	/* 0 left of the axis; the grid's end where no tick is under it */
	canvas_text(c, p->r.x - 1, y, 1, COL_AXIS, "0");
	plot_label(tr->poly_hi, buf, sizeof buf);
	w = canvas_text_width(buf);
	for (k = 0; k < tr->d; k++)
		if (plot_col(p, tr->eig[k]) >= end - w)
			return;
	canvas_text(c, end - w, y, w, COL_AXIS, buf);
}

/* Method m's polynomial at ℓ on the grid. */
static void
teach_poly_curve(const struct trace *tr, int m, int l, struct plot *p)
{
	double xs[TRACE_POLY_POINTS];
	struct plot_pen pen = teach_pen(m, false);

	for (int i = 0; i < TRACE_POLY_POINTS; i++)
		xs[i] = tr->poly_hi * i / (TRACE_POLY_POINTS - 1);
	plot_curve_pen(p, xs, trace_poly(tr, m, l), TRACE_POLY_POINTS, &pen);
}

/* Method m's letter on its polynomial at ℓ, at the rightmost point inside
 * the plot whose cell holds no other letter yet: without colour and when
 * the legend has no room for line samples, the letters tell the curves
 * apart. */
static void
teach_poly_letter(struct canvas *c, const struct trace *tr, int m, int l,
    const struct plot *p)
{
	const double *v = trace_poly(tr, m, l);

	for (int i = TRACE_POLY_POINTS - 1; i >= 0; i--) {
		int x, y;
		uint32_t ch;

		if (!isfinite(v[i]) || fabs(v[i]) > TEACH_CLIP)
			continue;
		x = plot_col(p, tr->poly_hi * i / (TRACE_POLY_POINTS - 1));
		y = plot_row(p, v[i]);
		if (x < p->r.x || x >= p->r.x + p->r.w || y < p->r.y ||
		    y >= p->r.y + p->r.h)
			continue;
		ch = c->cells[(size_t)y * c->w + x].ch;
		if (ch >= 'A' && ch <= 'Z')
			continue;
		canvas_put(c, x, y, (uint32_t)panel_teach_methods[m].letter,
		    panel_teach_methods[m].col);
		return;
	}
}

static void
teach_poly_draw(const struct panel_ctx *ctx, struct canvas *c, struct rect r)
{
	const struct trace *tr = &ctx->s->trace.tr;
	const double *f;
	struct rect in, pr;
	struct plot p;
	unsigned mask = 0;
	bool clipped = false, dots;
	char title[96];
	int l = panel_trace_layer(ctx), i, m, top, k;

	snprintf(title, sizeof title, "residual polynomials r_l(%s), l = %d",
	    c->g->utf8 ? "λ" : "lambda", l);
	if (!panel_teach_begin(ctx, c, r, title, TRACE_NOTE_POLY, &in))
		return;
	if (tr->poly == NULL || !(tr->poly_hi > 0)) {
		panel_centre(c, in, in.y + in.h / 2, COL_DIM,
		    "no polynomials in this trace");
		return;
	}
	for (m = 0; m < TRACE_POLYS; m++)
		if (tr->has_poly[m]) {
			mask |= 1u << m;
			clipped |= teach_leaves(trace_poly(tr, m, l),
			    TRACE_POLY_POINTS);
		}
	f = trace_poly_eig(tr, TRACE_MODEL, l);
	dots = !tr->has_poly[TRACE_MODEL];
	if (dots)
		clipped |= teach_leaves(f, tr->d);
	panel_teach_legend(c, in.x, in.y, in.w, mask);
	top = in.y + 1;
	if (dots) {
		canvas_text(c, in.x, top++, in.w, COL_MODEL, teach_poly_why(c, tr,
		    isfinite(f[0]) || (tr->d > 1 && isfinite(f[tr->d - 1])),
		    in.w));
	}
	pr = (struct rect){ in.x + TEACH_YLAB, top, in.w - TEACH_YLAB - 1,
	    in.y + in.h - 1 - top };
	if (pr.h < 2)
		return;
	plot_init(&p, c, pr, 0, tr->poly_hi, -TEACH_CLIP, TEACH_CLIP);
	panel_y_ticks(c, &p, in.x, -TEACH_CLIP, TEACH_CLIP);
	teach_zero_line(c, &p, tr, false);
	teach_lambda_axis(c, &p, pr.y + pr.h, tr, in.x, in.x + in.w);
	for (i = 0; i < TRACE_POLYS; i++) {
		m = teach_order[i];
		if (mask & (1u << m))
			teach_poly_curve(tr, m, l, &p);
	}
	plot_render(&p, c);
	teach_zero_line(c, &p, tr, true);
	for (i = TRACE_POLYS - 1; i >= 0; i--) {	/* the model's first */
		m = teach_order[i];
		if (mask & (1u << m))
			teach_poly_letter(c, tr, m, l, &p);
	}
	for (k = 0; dots && k < tr->d; k++)	/* the model's factors */
		if (isfinite(f[k]) && fabs(f[k]) <= TEACH_CLIP)
			canvas_put(c, plot_col(&p, tr->eig[k]), plot_row(&p,
			    f[k]), c->g->utf8 ? 0x25cf : 'o', COL_MODEL);
	plot_free(&p);
	if (clipped) {
		const char *s = c->g->utf8 ? "clipped to ±1.2" :
		    "clipped to +-1.2";
		int w = canvas_text_width(s);

		canvas_text(c, pr.x + pr.w - w, pr.y, w, COL_DIM, s);
	}
}

const struct panel_class panel_teach_dirs = {
	.name = "eigen-directions",
	.min_w = 30,
	.min_h = 8,
	.draw = teach_dirs_draw,
};

const struct panel_class panel_teach_poly = {
	.name = "residual polynomials",
	.min_w = 30,
	.min_h = 8,
	.draw = teach_poly_draw,
};
