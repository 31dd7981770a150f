/*
 * The per-layer panel: ln test MSE after each layer's read-out ℓ = 1..L of
 * the model, beside CG, GD, momentum and Nesterov after ℓ iterations on the
 * same test batch. The best method of each row is drawn bold; columns are
 * dropped from the right when the panel is narrow.
 */
#include <math.h>
#include <stdio.h>

#include "memscope/panel.h"

struct layers_col {
	const char *head;
	int baseline;		/* enum baseline, or -1 for the model */
	enum colour_role col;
};

static const struct layers_col layers_cols[] = {
	{ "model", -1, COL_MODEL },
	{ "CG", BASELINE_CG, COL_REF_CG },
	{ "GD", BASELINE_GD, COL_REF_GD },
	{ "Nesterov", BASELINE_NESTEROV, COL_REF_NESTEROV },
	{ "momentum", BASELINE_MOMENTUM, COL_REF_MOMENTUM },
};
#define LAYERS_NCOLS ((int)(sizeof layers_cols / sizeof layers_cols[0]))
#define LAYERS_W 8		/* cells per column */

static double
layers_value(const struct snapshot *s, int col, int l)
{
	const struct snapshot_run *r = snapshot_model_run(s);
	int b = layers_cols[col].baseline;

	if (b < 0)
		return r != NULL && r->test_step >= 0 && l <= r->L ?
		    r->layer_mse[l - 1] : NAN;
	return s->have_baselines ? s->base_mse[b][l] : NAN;
}

static void
layers_draw(const struct panel_ctx *ctx, struct canvas *c, struct rect r)
{
	const struct snapshot *s = ctx->s;
	const struct snapshot_run *mr = snapshot_model_run(s);
	long tested = mr != NULL ? mr->test_step : -1;
	struct rect in;
	char buf[32];
	int ncols, i, l, y, x, best, rows, L = s->cfg.layers;
	double v, bv;

	in = panel_frame(c, r, r.w > 36 ? "ln test MSE after layer / iteration"
	    : "by layer");
	if (in.w < 4 + LAYERS_W || in.h < 2)
		return;
	ncols = (in.w - 4) / LAYERS_W;
	if (ncols > LAYERS_NCOLS)
		ncols = LAYERS_NCOLS;

	canvas_text(c, in.x, in.y, 3, COL_DIM, "l");
	for (i = 0; i < ncols; i++) {
		const char *h = layers_cols[i].head;

		if (canvas_text_width(h) > LAYERS_W - 1)
			h = i == 3 ? "Nest" : i == 4 ? "mom" : h;
		x = in.x + 4 + i * LAYERS_W + LAYERS_W - 1 -
		    canvas_text_width(h);
		canvas_text(c, x, in.y, LAYERS_W - 1, layers_cols[i].col, h);
	}
	rows = in.h - 1;
	if (tested >= 0 && rows > L + 1)
		rows = L + 1;		/* room for the footnote */
	for (l = 1; l <= L; l++) {
		y = in.y + l;
		if (l > rows || (l == rows && l < L)) {
			canvas_printf(c, in.x, y, in.w, COL_DIM,
			    "... %d more layers (screen 3)", L - l + 1);
			break;
		}
		canvas_printf(c, in.x, y, 3, COL_TEXT, "%d", l);
		best = -1;
		bv = INFINITY;
		for (i = 0; i < ncols; i++) {
			v = layers_value(s, i, l);
			if (isfinite(v) && v < bv) {
				bv = v;
				best = i;
			}
		}
		for (i = 0; i < ncols; i++) {
			panel_log(layers_value(s, i, l), buf, sizeof buf);
			x = in.x + 4 + i * LAYERS_W + LAYERS_W - 1 -
			    canvas_text_width(buf);
			canvas_text(c, x, y, LAYERS_W - 1, i == 0 ? COL_MODEL :
			    COL_TEXT, buf);
			if (i == best) {
				struct rect b = { x, y, canvas_text_width(buf),
				    1 };

				canvas_attr(c, b, CATTR_BOLD);
			}
		}
	}
	if (tested >= 0 && in.h > L + 1) {
		y = in.y + L + 1;
		canvas_printf(c, in.x, y, in.w, COL_DIM,
		    "model tested at step %ld", tested);
	} else if (tested < 0 && in.h > 2)
		canvas_text(c, in.x, in.y + in.h - 1, in.w, COL_DIM,
		    "model not tested yet");
}

const struct panel_class panel_layers = {
	.name = "layers",
	.min_w = 14,
	.min_h = 3,
	.draw = layers_draw,
};
