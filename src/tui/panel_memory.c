/*
 * The memory panel. For `cgd`: the learned α_ℓ and γ_ℓ of every layer, then
 * the L × L lower-triangular matrix of effective LFOM coefficients
 * α_ℓ Π_{k=j+1..ℓ} γ_k (doc/math.md §4) as numbers, or as a heatmap when the
 * numbers do not fit. For `lfom`: the label-row entries of each Γ_j (the
 * ones that act when only the label row moves), layers down and tokens
 * across, the query last.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "memscope/heatmap.h"
#include "memscope/panel.h"
#include "memscope/xmalloc.h"

#define MEM_NUMW 7		/* "+1.000 " */

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
	const char *ell = "l";
	int L = s->cfg.layers, l, j, y = in.y, end = in.y + in.h, w, h, sc;
	int rows;
	const double *a, *g;
	double range;
	bool beside, compact;

	beside = 14 + 6 * L <= in.w;
	canvas_text(c, in.x, y, 2, COL_DIM, ell);
	canvas_text(c, in.x + 2 + 5, y, 1, COL_DIM, c->g->utf8 ? "α" : "a");
	canvas_text(c, in.x + 8 + 5, y, 1, COL_DIM, c->g->utf8 ? "γ" : "g");
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
		g = snapshot_block(s, "gamma", l, -1, NULL);
		canvas_printf(c, in.x, y, 2, COL_DIM, "%d", l + 1);
		canvas_printf(c, in.x + 2, y, 12, COL_MODEL, "%+6.2f%+6.2f",
		    a != NULL ? *a : NAN, g != NULL ? *g : NAN);
		if (beside)
			for (j = 0; j <= l; j++)
				canvas_printf(c, in.x + 14 + 6 * j, y, 6,
				    COL_TEXT, "%+6.2f", s->cgd_coef[l * L + j]);
	}
	if (++y < end)
		canvas_text(c, in.x, y, in.w, COL_DIM, in.w >= 44 ?
		    "j=: coefficient of register j at layer l, a_l prod g_k" :
		    "j=: register j's coefficient");
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
	canvas_text(c, in.x, y, in.w, COL_DIM, in.w >= 36 ?
	    "Gamma_j label rows: layers x tokens" : "Gamma_j label rows");
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
			canvas_printf(c, in.x, y + row, 4, COL_DIM, "%s%d",
			    c->g->utf8 ? "j" : "j", l + 1);
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

static void
mem_draw(const struct panel_ctx *ctx, struct canvas *c, struct rect r)
{
	const struct snapshot *s = ctx->s;
	struct rect in;
	char title[48];

	snprintf(title, sizeof title, "memory: %s",
	    config_memory_name(s->cfg.memory));
	in = panel_frame(c, r, title);
	if (in.w < 6 || in.h < 1)
		return;
	if (s->nblocks == 0) {
		panel_centre(c, in, in.y + in.h / 2, COL_DIM,
		    "no parameters yet");
		return;
	}
	switch (s->cfg.memory) {
	case MS_MEMORY_NONE:
		canvas_text(c, in.x, in.y, in.w, COL_DIM,
		    "no memory registers");
		if (in.h > 1)
			canvas_text(c, in.x, in.y + 1, in.w, COL_DIM,
			    "m: none -> cgd -> lfom");
		break;
	case MS_MEMORY_CGD:
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
