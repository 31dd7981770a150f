/*
 * The glossary overlay (key g): the terms the step-through and teaching
 * screens use, each defined in a sentence, UTF-8 and ASCII. An entry is
 * its term (in the key colour) and its text, wrapped with a hanging indent
 * of two cells; entries run down one column, or two side by side where the
 * box is 150 cells wide or more. The box is as tall as the entries need, at
 * most the terminal; its title says how to close it. At 80x24 every entry
 * fits (tests/golden/glossary-80x24.txt): keep them to two rows of 74.
 */
#include <stdio.h>
#include <string.h>

#include "memscope/screen.h"

#define GLOSSARY_INDENT 2
#define GLOSSARY_GAP 3		/* between the two columns */
#define GLOSSARY_MAXW 110	/* a column's widest */

struct glossary_term {
	const char *term, *text;		/* UTF-8 */
	const char *term_ascii, *text_ascii;	/* NULL: the same */
};

static const struct glossary_term glossary_terms[] = {
	{ "l, w_l, w*", "the layer shown, 0 .. L: the model after l layers "
	    "beside CG, GD and Nesterov after l steps; w_l its iterate, w* "
	    "the task's solution", NULL, NULL },
	{ "H, λ_k, κ", "H = XXᵀ/n, the task's Hessian; λ_k its eigenvalues, "
	    "largest first; κ = λ_max / λ_min: a large κ makes GD slow",
	    "H, lambda_k, kappa", "H = XX'/n, the task's Hessian; lambda_k its "
	    "eigenvalues, largest first; kappa = max / min: a large kappa "
	    "makes GD slow" },
	{ "eigen-direction v_k", "H's eigenvector for λ_k; for GD, momentum "
	    "and CG the error along each v_k shrinks on its own", NULL,
	    "H's eigenvector for lambda_k; for GD, momentum and CG the error "
	    "along each v_k shrinks on its own" },
	{ "residual polynomial", "w_l − w* = r_l(H)(w_0 − w*), r_l(0) = 1: "
	    "the error along v_k is multiplied by r_l(λ_k)", NULL,
	    "w_l - w* = r_l(H)(w_0 - w*), r_l(0) = 1: the error along v_k is "
	    "multiplied by r_l(lambda_k)" },
	{ "CG", "conjugate gradient: the r_l smallest at the eigenvalues, "
	    "exact in d steps; α_k its step, β_k its deflection", NULL,
	    "conjugate gradient: the r_l smallest at the eigenvalues, exact in "
	    "d steps; alpha_k its step, beta_k its deflection" },
	{ "GD, n·η", "gradient descent with a step η tuned for l steps; n·η "
	    "is that step on the model's scale", "GD, n*eta",
	    "gradient descent with a step eta tuned for l steps; n*eta is "
	    "that step on the model's scale" },
	{ "momentum, Nesterov", "GD plus a share β of the last step", NULL,
	    "GD plus a share beta of the last step" },
	{ "deflection β, γ", "the share of the last direction a new one keeps: "
	    "CG's p_k = r_k + β_{k−1} p_{k−1}; cgd learns a γ to play β",
	    "deflection beta, gamma", "the share of the last direction a new "
	    "one keeps: CG's p_k = r_k + beta_{k-1} p_{k-1}; cgd learns a "
	    "gamma to play it" },
	{ "register R_j", "layer j's attention output: the gradient "
	    "∇R(w_{j−1}) in the model's cells, which the memory keeps", NULL,
	    "layer j's attention output: the gradient grad R(w_{j-1}) in the "
	    "model's cells, which the memory keeps" },
	{ "LFOM", "linear first-order method, w_l = w_{l−1} − Σ_j W_lj P_j "
	    "∇R(w_j): GD, momentum, CG and the model all are", NULL,
	    "linear first-order method, w_l = w_{l-1} - sum_j W_lj P_j "
	    "grad R(w_j): GD, momentum, CG and the model all are" },
	{ "preconditioner P_j", "the matrix a gradient is multiplied by; H⁻¹ "
	    "makes every direction equally fast (scalar: a·I)", NULL,
	    "the matrix a gradient is multiplied by; inverse H makes every "
	    "direction equally fast (scalar: a*I)" },
	{ "level set", "an ellipse of equal loss around w* (the path panel)",
	    NULL, NULL },
};

#define GLOSSARY_N ((int)(sizeof glossary_terms / sizeof glossary_terms[0]))

/* Entry i's term and text in canvas c's spelling. */
static void
glossary_entry(const struct canvas *c, int i, const char **term,
    const char **text)
{
	const struct glossary_term *t = &glossary_terms[i];

	*term = !c->g->utf8 && t->term_ascii != NULL ? t->term_ascii : t->term;
	*text = !c->g->utf8 && t->text_ascii != NULL ? t->text_ascii : t->text;
}

/* Draw (or, with draw false, count) entry i's rows at (x, y) in w cells;
 * returns its rows. */
static int
glossary_draw_entry(struct canvas *c, int i, int x, int y, int w, int end,
    bool draw)
{
	const char *term, *text, *p, *q;
	char line[320], row[320];
	int rows = 0, tw;
	size_t len;

	glossary_entry(c, i, &term, &text);
	snprintf(line, sizeof line, "%s: %s", term, text);
	tw = canvas_text_width(term) + 1;
	for (p = line; *p != '\0'; p = q, rows++) {
		int ind = rows > 0 ? GLOSSARY_INDENT : 0;

		len = screen_wrap(p, w - ind, &q);
		if (!draw || y + rows >= end)
			continue;
		snprintf(row, sizeof row, "%.*s", (int)len, p);
		canvas_text(c, x + ind, y + rows, w - ind, COL_HELP, row);
		if (rows == 0)	/* the term in the key colour */
			canvas_text(c, x, y, tw, COL_KEY, term);
	}
	return rows;
}

/* The glossary overlay centred in the canvas. */
void
screen_glossary(struct canvas *c)
{
	struct rect box;
	int ncols, colw, rows[GLOSSARY_N], total = 0, half = 0, used, i, col,
	    y, h;

	ncols = c->w >= 150 ? 2 : 1;
	colw = (c->w - 4 - GLOSSARY_GAP * (ncols - 1)) / ncols;
	if (colw > GLOSSARY_MAXW)
		colw = GLOSSARY_MAXW;
	if (colw < 10)
		return;
	for (i = 0; i < GLOSSARY_N; i++)
		total += rows[i] = glossary_draw_entry(c, i, 0, 0, colw, 0,
		    false);
	h = total;
	if (ncols == 2) {	/* split where the first column holds half */
		for (i = 0, used = 0; i < GLOSSARY_N && used < (total + 1) / 2;
		    i++)
			used += rows[i];
		half = i;
		h = used > total - used ? used : total - used;
	}
	box.w = 4 + ncols * colw + GLOSSARY_GAP * (ncols - 1);
	box.h = h + 2;
	if (box.w > c->w)
		box.w = c->w;
	if (box.h > c->h)
		box.h = c->h;
	box.x = (c->w - box.w) / 2;
	box.y = (c->h - box.h) / 2;
	canvas_fill(c, box, COL_HELP);
	canvas_box(c, box, "glossary (g or Esc closes it)");
	for (i = 0, col = 0, y = box.y + 1; i < GLOSSARY_N; i++) {
		if (ncols == 2 && i == half) {
			col = 1;
			y = box.y + 1;
		}
		y += glossary_draw_entry(c, i, box.x + 2 + col * (colw +
		    GLOSSARY_GAP), y, colw, box.y + box.h - 1, true);
	}
}
