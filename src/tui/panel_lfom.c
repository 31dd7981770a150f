/*
 * The teaching screen's "learned method as a method" (screen 5): every
 * method here is a linear first-order method,
 *     w_ℓ = w_{ℓ−1} − Σ_{j<ℓ} W_ℓj P_j ∇R(w_j),
 * and the panel writes the model's W beside CG's on this task (trace.h's
 * coef and cg_weight; screen layer ℓ is the trace's 0-based row ℓ − 1) and
 * GD's (n·η on the diagonal, the step tuned for ℓ iterations). A scalar
 * model's P_j is its learned step a_j, folded into its weights and shown
 * on its own row beside GD's n·η; pre's P_j is a matrix A_j (said), lfom's
 * weights are the query's (its context tokens are weighted token by
 * token). Where the panel is wide and tall enough, every layer's row of
 * both (ℓ marked); otherwise the rows of layer ℓ alone.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "memscope/panel.h"

#define LFOM_NUM_W 7		/* a weight's column */
#define LFOM_NAME_W 7		/* "model  " */

/* v in at most LFOM_NUM_W − 1 characters; "-" when not defined. */
static const char *
lfom_num(char *buf, size_t len, double v)
{
	if (!isfinite(v))
		snprintf(buf, len, "-");
	else if (v == 0)
		snprintf(buf, len, "0");
	else if (fabs(v) >= 0.01 && fabs(v) < 100)
		snprintf(buf, len, "%+.2f", v);
	else
		snprintf(buf, len, "%+.0e", v);
	return buf;
}

/* The model's weight of ∇R(w_j) in step ℓ (1-based), P_j folded in for
 * a scalar model. */
static double
lfom_model(const struct trace *tr, int l, int j)
{
	double w = tr->coef[(size_t)(l - 1) * tr->L + j];

	if (tr->step_scalar != NULL && isfinite(tr->step_scalar[j]))
		w *= tr->step_scalar[j];
	return w;
}

/* CG's weight of ∇R(w_j) in step ℓ (1-based) on this task. */
static double
lfom_cg(const struct trace *tr, int l, int j)
{
	return tr->cg_weight[(size_t)(l - 1) * tr->L + j];
}

/* GD's: n·η for ℓ iterations on the diagonal. */
static double
lfom_gd(const struct trace *tr, int l, int j)
{
	return j == l - 1 ? tr->n * tr->gd_step[l] : 0.0;
}

/* Whether the model is a scalar one (its learned steps shown). */
static bool
lfom_scalar(const struct trace *tr)
{
	return tr->step_scalar != NULL && tr->L > 0 &&
	    isfinite(tr->step_scalar[0]);
}

/* What the model's P_j is, in a few words (fewer if w < 60). */
static const char *
lfom_precond(const struct canvas *c, const struct trace *tr, int w)
{
	if (tr->memory == MS_MEMORY_LFOM)
		return w >= 60 ? "model: the query's weights; its context tokens "
		    "are weighted token by token" : "model: the query's weights "
		    "(lfom)";
	if (lfom_scalar(tr))
		return "model: its learned step a_j folded in";
	if (tr->precond != NULL)
		return c->g->utf8 ? "model: each weight × its matrix A_j" :
		    "model: each weight times its matrix A_j";
	return "model: its features move; weights as learned";
}

/* One row: name, then weight(j) for j < n at columns of LFOM_NUM_W. */
static void
lfom_row(struct canvas *c, int x, int y, int end, const char *name,
    enum colour_role col, const struct trace *tr, int l, int n,
    double (*weight)(const struct trace *, int, int))
{
	char buf[24];

	canvas_text(c, x, y, LFOM_NAME_W - 1, col, name);
	for (int j = 0; j < n; j++) {
		int cx = x + LFOM_NAME_W + (j + 1) * LFOM_NUM_W;

		lfom_num(buf, sizeof buf, weight(tr, l, j));
		if (cx > end)
			break;
		canvas_text(c, cx - canvas_text_width(buf) - 1, y,
		    LFOM_NUM_W, COL_TEXT, buf);
	}
}

/* The header of n weight columns: "j" and 0 .. n−1. */
static void
lfom_header(struct canvas *c, int x, int y, int end, int n, const char *name)
{
	canvas_text(c, x, y, LFOM_NAME_W - 1, COL_DIM, name);
	for (int j = 0; j < n; j++) {
		int cx = x + LFOM_NAME_W + (j + 1) * LFOM_NUM_W;

		if (cx > end)
			break;
		canvas_printf(c, cx - (j < 10 ? 2 : 3), y, 3, COL_DIM, "%d", j);
	}
}

/* Layer ℓ's rows: the model, CG and GD (and a scalar model's steps). */
static void
lfom_layer(struct canvas *c, struct rect in, int y, const struct trace *tr,
    int l)
{
	int end = in.x + in.w, j, x;
	char buf[160], num[24];

	snprintf(buf, sizeof buf, c->g->utf8 ? "step %d: w_%d = w_%d − Σ_j "
	    "W_j P_j ∇R(w_j)" : "step %d: w_%d = w_%d - sum_j W_j P_j "
	    "grad R(w_j)", l, l, l - 1);
	if (canvas_text_width(buf) > in.w)	/* without "step l: " */
		memmove(buf, strchr(buf, 'w'), strlen(strchr(buf, 'w')) + 1);
	canvas_text(c, in.x, y++, in.w, COL_TEXT, buf);
	lfom_header(c, in.x, y++, end, l, "W_j, j");
	lfom_row(c, in.x, y++, end, "model", COL_MODEL, tr, l, l, lfom_model);
	lfom_row(c, in.x, y++, end, "CG", COL_REF_CG, tr, l, l, lfom_cg);
	lfom_row(c, in.x, y++, end, "GD", COL_REF_GD, tr, l, l, lfom_gd);
	if (y >= in.y + in.h)
		return;
	if (lfom_scalar(tr)) {
		x = in.x + canvas_text(c, in.x, y, in.w, COL_DIM,
		    c->g->utf8 ? "learned step a_j:" : "learned step a_j:");
		for (j = 0; j < l && x < end; j++)
			x += canvas_printf(c, x, y, end - x, COL_MODEL, " %s",
			    lfom_num(num, sizeof num, tr->step_scalar[j]));
		snprintf(buf, sizeof buf, c->g->utf8 ? "  GD n·η %s" :
		    "  GD n*eta %s", lfom_num(num, sizeof num,
		    tr->n * tr->gd_step[l]));
		panel_segment(c, x, y, end, COL_REF_GD, buf);
		return;
	}
	canvas_text(c, in.x, y, in.w, COL_DIM, lfom_precond(c, tr, in.w));
}

/* The GD line under a table: n·η for ℓ steps, a scalar model's a_ℓ−1. */
static void
lfom_gd_line(struct canvas *c, struct rect in, int y, const struct trace *tr,
    int l)
{
	char buf[160], a[24], g[24];
	int x;

	if (y >= in.y + in.h || l == 0)
		return;
	snprintf(buf, sizeof buf, c->g->utf8 ? "GD: n·η %s on the diagonal "
	    "(tuned for %d steps)" : "GD: n*eta %s on the diagonal (tuned "
	    "for %d steps)", lfom_num(g, sizeof g, tr->n * tr->gd_step[l]), l);
	x = panel_segment(c, in.x, y, in.x + in.w, COL_REF_GD, buf);
	if (lfom_scalar(tr)) {
		snprintf(buf, sizeof buf, "   learned step a_%d %s", l - 1,
		    lfom_num(a, sizeof a, tr->step_scalar[l - 1]));
		panel_segment(c, x, y, in.x + in.w, COL_MODEL, buf);
	}
}

/* Rows 1 .. L of one method's W from (x, y), ℓ's marked. */
static void
lfom_block(struct canvas *c, int x, int y, int end, const struct trace *tr,
    int l, double (*weight)(const struct trace *, int, int))
{
	char buf[16];

	for (int k = 1; k <= tr->L; k++) {
		snprintf(buf, sizeof buf, "%d", k);
		lfom_row(c, x, y + k - 1, end, buf, COL_DIM, tr, k, k, weight);
		if (k == l) {
			canvas_attr(c, (struct rect){ x, y + k - 1, 3, 1 },
			    CATTR_REVERSE);
			canvas_attr(c, (struct rect){ x, y + k - 1, end - x, 1 },
			    CATTR_BOLD);
		}
	}
}

/* Every layer's rows of the model and CG, side by side or one above the
 * other, ℓ's marked; false if neither fits. */
static bool
lfom_table(struct canvas *c, struct rect in, const struct trace *tr, int l)
{
	int L = tr->L, bw = LFOM_NAME_W + L * LFOM_NUM_W, x2, y, end;
	bool side = 2 * bw + 2 <= in.w && L + 5 <= in.h;
	char buf[160];

	if (L > 16 || !(side || (bw <= in.w && 2 * L + 6 <= in.h)))
		return false;
	x2 = side ? in.x + bw + 2 : in.x;
	end = side ? x2 : in.x + in.w;
	snprintf(buf, sizeof buf, c->g->utf8 ? "w_l = w_{l−1} − Σ_j W_lj P_j "
	    "∇R(w_j): the weight W_lj of each past gradient" : "w_l = w_{l-1} "
	    "- sum_j W_lj P_j grad R(w_j): the weight W_lj of each past "
	    "gradient");
	if (canvas_text_width(buf) > in.w)	/* the formula alone */
		*strchr(buf, ':') = '\0';
	canvas_text(c, in.x, in.y, in.w, COL_TEXT, buf);
	canvas_text(c, in.x, in.y + 1, bw, COL_MODEL, "model");
	lfom_header(c, in.x, in.y + 2, end, L, "l, j");
	lfom_block(c, in.x, in.y + 3, end, tr, l, lfom_model);
	y = side ? in.y + 1 : in.y + 3 + L;
	canvas_text(c, x2, y, bw, COL_REF_CG, "CG on this task");
	lfom_header(c, x2, y + 1, in.x + in.w, L, side ? "" : "l, j");
	lfom_block(c, x2, y + 2, in.x + in.w, tr, l, lfom_cg);
	y += 2 + L;
	if (y < in.y + in.h)
		canvas_text(c, in.x, y, in.w, COL_DIM, lfom_precond(c, tr,
		    in.w));
	lfom_gd_line(c, in, y + 1, tr, l);
	return true;
}

static void
lfom_draw(const struct panel_ctx *ctx, struct canvas *c, struct rect r)
{
	const struct trace *tr = &ctx->s->trace.tr;
	struct rect in;
	int l = panel_trace_layer(ctx);

	if (!panel_teach_begin(ctx, c, r, "the learned method as a method",
	    TRACE_NOTE_METHOD, &in))
		return;
	if (tr->cg_weight == NULL || tr->coef == NULL) {
		panel_centre(c, in, in.y + in.h / 2, COL_DIM,
		    "no coefficients in this trace");
		return;
	}
	if (lfom_table(c, in, tr, l))
		return;
	if (l == 0) {
		canvas_text(c, in.x, in.y, in.w, COL_TEXT, c->g->utf8 ?
		    "l = 0: no step yet; → shows step 1" :
		    "l = 0: no step yet; Right shows step 1");
		canvas_text(c, in.x, in.y + 1, in.w, COL_DIM, c->g->utf8 ?
		    "each step adds past gradients ∇R(w_j) with weights W_j" :
		    "each step adds past gradients grad R(w_j) with weights "
		    "W_j");
		return;
	}
	lfom_layer(c, in, in.y, tr, l);
}

const struct panel_class panel_teach_method = {
	.name = "method",
	.min_w = 30,
	.min_h = 8,
	.draw = lfom_draw,
};
