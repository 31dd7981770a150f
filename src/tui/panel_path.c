/*
 * The teaching screen's path (screen 5): the iterates w_0 .. w_L of the
 * model, CG, GD and Nesterov in the plane of H's smallest and largest
 * eigen-directions, w* at the origin: across, the error along v_min
 * (trace.h's dir_err[..][d−1]); up, along v_max (dir_err[..][0]). Behind
 * them the level sets of the loss in that plane, the ellipses
 * λ_max a² + λ_min b² = c for c = c_0 / 4^j, c_0 the largest that fits. Each path is
 * drawn to ℓ in its line style, on to L faint, its point at ℓ marked by
 * the method's letter. The axes have equal scales (a braille dot is
 * square: a cell is about twice as tall as wide and holds 2 × 4 dots; in
 * ASCII 1 × 3) unless that would squash one of them below a twentieth of
 * its room, which is then said. Exact when d = 2; otherwise a projection,
 * with the share of ‖w_ℓ − w*‖² that lies in the plane.
 */
#include <math.h>
#include <stdio.h>

#include "memscope/panel.h"
#include "memscope/plot.h"

#define PATH_LEVELS 5		/* level sets drawn */
#define PATH_SEGS 72		/* segments of an ellipse */
#define PATH_SQUASH 20		/* the most one axis gives up for equal
				 * scales */

/* The methods in the order drawn: the model last, on top. */
static const int path_order[TRACE_METHODS] = {
	TRACE_NESTEROV, TRACE_GD, TRACE_CG, TRACE_MODEL
};

struct path_box {
	double b0, b1, a0, a1;	/* across (v_min), up (v_max) */
	bool to_scale;
};

/* Method m's point at ℓ: b along v_min, a along v_max; false if none. */
static bool
path_point(const struct trace *tr, int m, int l, double *b, double *a)
{
	const double *e = trace_dir_err(tr, m, l);

	*a = e[0];
	*b = e[tr->d - 1];
	return isfinite(*a) && isfinite(*b);
}

/* The data box centred on w* around every point, padded, with equal
 * scales where that squashes neither axis too much. */
static void
path_box(const struct trace *tr, struct rect pr, struct path_box *bx)
{
	double a, b, A = 0, B = 0, sb, sa, s;
	int m, l;

	for (m = 0; m < TRACE_METHODS; m++)
		for (l = 0; l <= tr->L; l++)
			if (path_point(tr, m, l, &b, &a)) {
				A = fmax(A, fabs(a));
				B = fmax(B, fabs(b));
			}
	if (!(A > 0) && !(B > 0))
		A = B = 1;
	A = fmax(A, 1e-300) * 1.08;
	B = fmax(B, 1e-300) * 1.08;
	/* data per physical unit (a cell is 1 wide, 2 tall) */
	sb = 2 * B / pr.w;
	sa = 2 * A / (2.0 * pr.h);
	s = fmax(sb, sa);
	bx->to_scale = fmin(sb, sa) * PATH_SQUASH >= s;
	if (bx->to_scale) {
		B = s * pr.w / 2;
		A = s * pr.h;
	}
	bx->b0 = -B;
	bx->b1 = B;
	bx->a0 = -A;
	bx->a1 = A;
}

/* The largest level set that fits the box and four inside it, each a
 * quarter of the last's loss, faint. */
static void
path_levels(const struct trace *tr, const struct path_box *bx,
    struct plot *p)
{
	double lmax = tr->eig[0], lmin = tr->eig[tr->d - 1], c0;
	struct plot_pen pen = { COL_AXIS, 0, false, true };

	if (!(lmin > 0))
		return;
	c0 = fmin(lmin * bx->b1 * bx->b1, lmax * bx->a1 * bx->a1);
	for (int j = 0; j < PATH_LEVELS && c0 > 0; j++) {
		double cj = c0 / pow(4, j), ra = sqrt(cj / lmax),
		    rb = sqrt(cj / lmin), xs[PATH_SEGS + 1], ys[PATH_SEGS + 1];

		for (int i = 0; i <= PATH_SEGS; i++) {
			double t = 2 * M_PI * i / PATH_SEGS;

			xs[i] = rb * cos(t);
			ys[i] = ra * sin(t);
		}
		plot_curve_pen(p, xs, ys, PATH_SEGS + 1, &pen);
	}
}

/* Method m's path: to ℓ in its style, on to L faint. */
static void
path_curve(const struct trace *tr, int m, int l, struct plot *p)
{
	double xs[65], ys[65], a, b;
	struct plot_pen pen = { panel_teach_methods[m].col,
	    panel_teach_methods[m].style, false, false };
	int L = tr->L > 64 ? 64 : tr->L, k;

	for (k = 0; k <= L; k++) {
		xs[k] = ys[k] = NAN;
		if (path_point(tr, m, k, &b, &a)) {
			xs[k] = b;
			ys[k] = a;
		}
	}
	if (l < L) {
		struct plot_pen faint = pen;

		faint.faded = true;
		plot_curve_pen(p, xs + l, ys + l, L - l + 1, &faint);
	}
	plot_curve_pen(p, xs, ys, (l < L ? l : L) + 1, &pen);
}

/* The line under the legend: the axes, and exact or a projection. */
static void
path_caption(struct canvas *c, struct rect in, int y, const struct trace *tr,
    int l, bool to_scale)
{
	const double *e = trace_dir_err(tr, TRACE_MODEL, l);
	char line[192], eb[16], ea[16];
	double in_plane = 0, all = 0;
	int m = isfinite(e[0]) ? TRACE_MODEL : TRACE_CG, k;

	e = trace_dir_err(tr, m, l);
	for (k = 0; k < tr->d; k++)
		all += e[k] * e[k];
	in_plane = e[0] * e[0] + (tr->d > 1 ? e[tr->d - 1] * e[tr->d - 1] : 0);
	plot_label(tr->eig[tr->d - 1], eb, sizeof eb);
	plot_label(tr->eig[0], ea, sizeof ea);
	snprintf(line, sizeof line, c->g->utf8 ? "→ v_min (λ %s)  ↑ v_max "
	    "(λ %s)%s" : "> v_min (lambda %s)  ^ v_max (lambda %s)%s", eb, ea,
	    to_scale ? "" : ", not to scale");
	canvas_text(c, in.x, y, in.w, COL_DIM, line);
	if (tr->d == 2)
		snprintf(line, sizeof line, "exact: d = 2");
	else if (all > 0 && in.w >= 72)
		snprintf(line, sizeof line, c->g->utf8 ? "a projection: the plane "
		    "of v_max and v_min holds %.0f%% of ‖w_l − w*‖² (%s)" :
		    "a projection: the plane of v_max and v_min holds %.0f%% "
		    "of |w_l - w*|^2 (%s)", 100 * in_plane / all,
		    panel_teach_methods[m].head);
	else if (all > 0)
		snprintf(line, sizeof line, c->g->utf8 ? "a projection: %.0f%% "
		    "of ‖w_l − w*‖² (%c)" : "a projection: %.0f%% of "
		    "|w_l - w*|^2 (%c)", 100 * in_plane / all,
		    panel_teach_methods[m].letter);
	else
		snprintf(line, sizeof line, "a projection: the plane of v_max "
		    "and v_min (%s is at w*)", panel_teach_methods[m].head);
	canvas_text(c, in.x, y + 1, in.w, COL_DIM, line);
}

/* The letters legend: "M model  C CG ...", "o w_0" and "* w*". */
static void
path_legend(struct canvas *c, struct rect in)
{
	char buf[32];
	int x = in.x, end = in.x + in.w;

	for (int m = 0; m < TRACE_METHODS; m++) {
		snprintf(buf, sizeof buf, "%c %s  ", panel_teach_methods[m].letter,
		    in.w >= 40 ? panel_teach_methods[m].head :
		    panel_teach_methods[m].abbr);
		x = panel_segment(c, x, in.y, end, panel_teach_methods[m].col,
		    buf);
	}
	panel_segment(c, x, in.y, end, COL_TEXT, in.w >= 44 ? "o w_0  * w*" :
	    "* w*");
}

static void
path_draw(const struct panel_ctx *ctx, struct canvas *c, struct rect r)
{
	const struct trace *tr = &ctx->s->trace.tr;
	struct rect in, pr;
	struct plot p;
	struct path_box bx;
	char title[96];
	double a, b;
	int l = panel_trace_layer(ctx), i, m;

	snprintf(title, sizeof title, "the path to w*, l = %d", l);
	if (!panel_teach_begin(ctx, c, r, title, TRACE_NOTE_PATH, &in))
		return;
	if (tr->d < 2 || in.h < 6) {
		panel_centre(c, in, in.y + in.h / 2, COL_DIM, tr->d < 2 ?
		    "d = 1: no plane to draw" : "enlarge the terminal");
		return;
	}
	path_legend(c, in);
	pr = (struct rect){ in.x, in.y + 1, in.w, in.h - 3 };
	path_box(tr, pr, &bx);
	path_caption(c, in, pr.y + pr.h, tr, l, bx.to_scale);
	plot_init(&p, c, pr, bx.b0, bx.b1, bx.a0, bx.a1);
	path_levels(tr, &bx, &p);
	for (i = 0; i < TRACE_METHODS; i++)
		path_curve(tr, path_order[i], l, &p);
	plot_render(&p, c);
	if (path_point(tr, TRACE_CG, 0, &b, &a))	/* the start, shared */
		canvas_put(c, plot_col(&p, b), plot_row(&p, a), 'o', COL_TEXT);
	canvas_put(c, plot_col(&p, 0), plot_row(&p, 0), '*', COL_TEXT);
	for (i = 0; i < TRACE_METHODS; i++) {
		m = path_order[i];
		if (path_point(tr, m, l, &b, &a))
			canvas_put(c, plot_col(&p, b), plot_row(&p, a),
			    (uint32_t)panel_teach_methods[m].letter,
			    panel_teach_methods[m].col);
	}
	plot_free(&p);
}

const struct panel_class panel_teach_path = {
	.name = "path",
	.min_w = 30,
	.min_h = 8,
	.draw = path_draw,
};
