/*
 * What to notice: one sentence per teaching panel and layer, computed from
 * the trace's numbers (lesson.h). Each sentence is written once, in UTF-8;
 * its ASCII spelling is derived by lesson_ascii's table (which the tour's
 * captions share, tour.h).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/lesson.h"
#include "memscope/xmalloc.h"

/* A number's buffer (lesson_num, lesson_pct). */
#define LESSON_NUM 24

/* Below this share of the first error a method counts as exact. */
#define LESSON_EXACT 1e-8

/* UTF-8 spellings and their ASCII ones (a longer one before its start). */
static const char *const lesson_spell[][2] = {
	{ "λ", "lambda" }, { "‖", "|" }, { "·", "*" }, { "×", "x" },
	{ "α", "alpha" }, { "β", "beta" }, { "γ", "gamma" }, { "Γ", "Gamma" },
	{ "η", "eta" }, { "−", "-" }, { "≈", "~" }, { "²", "^2" },
	{ "κ", "kappa" }, { "≤", "<=" }, { "…", "..." }, { "ŷ", "y^" },
	{ "Σ⁻¹", "S^-1" }, { "Σ", "Sigma" }, { "ᵀ", "'" },
	{ "← →", "Left and Right" }, { "←", "Left" }, { "→", "Right" },
};

/* dst (len bytes) = src with every UTF-8 spelling replaced, cut at len.
 * Every spelling starts with a non-ASCII byte: ASCII is copied as it is. */
void
lesson_ascii(char *dst, size_t len, const char *src)
{
	size_t o = 0, k, n = sizeof lesson_spell / sizeof lesson_spell[0];

	while (*src != '\0' && o + 1 < len) {
		if ((unsigned char)*src < 0x80) {
			dst[o++] = *src++;
			continue;
		}
		for (k = 0; k < n; k++)
			if (strncmp(src, lesson_spell[k][0],
			    strlen(lesson_spell[k][0])) == 0)
				break;
		if (k == n) {	/* a spelling the table lacks: dropped */
			src++;
			continue;
		}
		for (const char *a = lesson_spell[k][1]; *a != '\0' &&
		    o + 1 < len; a++)
			dst[o++] = *a;
		src += strlen(lesson_spell[k][0]);
	}
	dst[o] = '\0';
}

/* printf into the note buffer, never cutting a UTF-8 sequence. */
static void
lesson_printf(char *buf, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, TRACE_NOTE_LEN, fmt, ap);
	va_end(ap);
	if (n >= TRACE_NOTE_LEN) {	/* cut: back to a character start */
		size_t e = TRACE_NOTE_LEN - 1;

		while (e > 0 && ((unsigned char)buf[e] & 0xc0) == 0x80)
			e--;
		buf[e] = '\0';
	}
}

/* A number in 2 significant digits ("0.031", "1.2e-05"). */
static const char *
lesson_num(char *buf, double v)
{
	snprintf(buf, LESSON_NUM, "%.2g", v + 0.0);
	return buf;
}

/* A share as a percentage ("96%", "0.3%"). */
static const char *
lesson_pct(char *buf, double share)
{
	if (!isfinite(share))
		snprintf(buf, LESSON_NUM, "-");
	else if (share < 1e-6)
		snprintf(buf, LESSON_NUM, "0%%");
	else if (share >= 0.1)
		snprintf(buf, LESSON_NUM, "%.0f%%", 100 * share);
	else
		snprintf(buf, LESSON_NUM, "%.2g%%", 100 * share);
	return buf;
}

/* The first ℓ at which CG's error is exact (< LESSON_EXACT of its first),
 * or -1. */
static int
lesson_cg_exact(const struct trace *tr)
{
	const double *wd = tr->col[TRACE_CG].wdist;

	for (int l = 1; l <= tr->L; l++)
		if (wd[l] <= LESSON_EXACT * wd[0])
			return l;
	return -1;
}

/* The error chart: who is ahead at ℓ, and CG's exactness. */
static void
lesson_error(const struct trace *tr, int l, char *out)
{
	const double *e[TRACE_METHODS];
	char a[LESSON_NUM], b[LESSON_NUM], c[LESSON_NUM];
	int ex = lesson_cg_exact(tr);

	for (int m = 0; m < TRACE_METHODS; m++)
		e[m] = tr->col[m].err;
	if (l == 0) {
		lesson_printf(out, "At l = 0 all predict 0: the error is y² = "
		    "%s.", lesson_num(a, e[TRACE_CG][0]));
		return;
	}
	if (ex > 0 && l >= ex) {
		lesson_printf(out, "CG is exact at l = %d%s (error %s); the "
		    "model: %s.", ex, ex == tr->d ? " = d" : "",
		    lesson_num(a, e[TRACE_CG][l]),
		    lesson_num(b, e[TRACE_MODEL][l]));
		return;
	}
	if (e[TRACE_MODEL][l] < e[TRACE_CG][l])
		lesson_printf(out, "At l = %d the model (%s) beats CG (%s); "
		    "GD: %s.", l, lesson_num(a, e[TRACE_MODEL][l]),
		    lesson_num(b, e[TRACE_CG][l]), lesson_num(c,
		    e[TRACE_GD][l]));
	else
		lesson_printf(out, "At l = %d CG (%s) beats the model (%s); "
		    "GD: %s.", l, lesson_num(a, e[TRACE_CG][l]),
		    lesson_num(b, e[TRACE_MODEL][l]), lesson_num(c,
		    e[TRACE_GD][l]));
}

/* The memory: what layer ℓ reads from its registers. The coefficients
 * carry the 0-based index k = ℓ − 1 of doc/math.md, CG's too. */
static void
lesson_memory(const struct trace *tr, int l, char *out)
{
	char a[LESSON_NUM], b[LESSON_NUM];
	int L = tr->L, j, best = 0, k = l - 1;

	if (l == 0 || !tr->have_model) {
		lesson_printf(out, "At l = 0 nothing is read yet: the label "
		    "row holds the context labels and 0.");
		return;
	}
	switch (tr->memory) {
	case MS_MEMORY_CGD:
		if (k == 0)
			lesson_printf(out, "Layer 1: nothing to deflect (R_0 "
			    "= 0); α_0 = %s, CG's n·α_0 = %s.", lesson_num(a,
			    tr->alpha[0]), lesson_num(b, tr->n *
			    tr->cg_alpha[0]));
		else
			lesson_printf(out, "γ_%d = %s is fixed for all tasks; "
			    "CG's β_%d = %s is this task's.", k, lesson_num(a,
			    tr->gamma[k]), k - 1, lesson_num(b,
			    tr->cg_beta[k - 1]));
		return;
	case MS_MEMORY_LFOM:
	case MS_MEMORY_REC:
		for (j = 0; j < l; j++)
			if (fabs(tr->coef[k * L + j]) >
			    fabs(tr->coef[k * L + best]))
				best = j;
		lesson_printf(out, "Layer %d weighs R_%d most (%s at the "
		    "query); CG's newest weight: %s.", l, best + 1,
		    lesson_num(a, tr->coef[k * L + best]), lesson_num(b,
		    tr->cg_weight[k * L + k]));
		return;
	case MS_MEMORY_NONE:
	default:
		if (tr->model_direct)
			lesson_printf(out, "No attention: R_%d is n times step "
			    "%d's change of the label row.", l, l);
		else
			lesson_printf(out, "No memory: layer %d adds only its "
			    "own register R_%d.", l, l);
		return;
	}
}

/* The share of method m's first error left along direction k at ℓ. */
static double
lesson_kept(const struct trace *tr, enum trace_method m, int l, int k)
{
	double e0 = trace_dir_err(tr, m, 0)[k];

	return e0 != 0.0 ? fabs(trace_dir_err(tr, m, l)[k] / e0) : NAN;
}

/* The eigen-directions: the model's slowest, or the smallest λ. */
static void
lesson_dirs(const struct trace *tr, int l, char *out)
{
	int d = tr->d, slow = 0;
	char a[LESSON_NUM], b[LESSON_NUM], c[LESSON_NUM], g[LESSON_NUM];
	bool model = !isnan(trace_dir_err(tr, TRACE_MODEL, l)[0]);
	double kept;

	if (l == 0) {
		lesson_printf(out, "At l = 0 the error is −w*: every method "
		    "starts from it.");
		return;
	}
	if (!model) {
		lesson_printf(out, "GD keeps %s of the error along λ = %s, %s "
		    "along λ = %s.", lesson_pct(b, lesson_kept(tr, TRACE_GD,
		    l, d - 1)), lesson_num(a, tr->eig[d - 1]), lesson_pct(g,
		    lesson_kept(tr, TRACE_GD, l, 0)), lesson_num(c,
		    tr->eig[0]));
		return;
	}
	for (int k = 1; k < d; k++)
		if (lesson_kept(tr, TRACE_MODEL, l, k) >
		    lesson_kept(tr, TRACE_MODEL, l, slow))
			slow = k;
	kept = lesson_kept(tr, TRACE_MODEL, l, slow);
	if (kept > 0.8)
		lesson_printf(out, "The model's error along λ = %s %s: %s of "
		    "it is left.", lesson_num(a, tr->eig[slow]), kept > 1.05 ?
		    "has grown" : "barely moves", lesson_pct(b, kept));
	else
		lesson_printf(out, "Along λ = %s GD keeps %s, the model %s, "
		    "CG %s.", lesson_num(a, tr->eig[d - 1]),
		    lesson_pct(b, lesson_kept(tr, TRACE_GD, l, d - 1)),
		    lesson_pct(c, lesson_kept(tr, TRACE_MODEL, l, d - 1)),
		    lesson_pct(g, lesson_kept(tr, TRACE_CG, l, d - 1)));
}

/* The largest |r_ℓ| of method m at the eigenvalues. */
static double
lesson_poly_max(const struct trace *tr, int m, int l)
{
	const double *r = trace_poly_eig(tr, m, l);
	double big = 0.0;

	for (int k = 0; k < tr->d; k++)
		big = fmax(big, fabs(r[k]));
	return big;
}

/* The residual polynomials: CG's roots against GD's slow end. */
static void
lesson_poly(const struct trace *tr, int l, char *out)
{
	char b[LESSON_NUM];
	int d = tr->d, near = 0, ex = lesson_cg_exact(tr);
	double gd = fabs(trace_poly_eig(tr, TRACE_GD, l)[d - 1]);

	if (l == 0) {
		lesson_printf(out, "r_0(λ) = 1 for every method: nothing is "
		    "removed yet.");
		return;
	}
	if (!tr->has_poly[TRACE_CG]) {
		lesson_printf(out, "--quirks: the baselines solve on n − 1 "
		    "points; their dots are factors.");
		return;
	}
	if (ex > 0 && l >= ex && lesson_poly_max(tr, TRACE_CG, l) < 1e-6) {
		lesson_printf(out, "CG's r_%d is 0 at every eigenvalue: exact. "
		    "GD's r_%d(λ_min) = %s.", l, l, lesson_num(b, gd));
		return;
	}
	for (int k = 0; k < d; k++)
		near += fabs(trace_poly_eig(tr, TRACE_CG, l)[k]) < 0.1;
	lesson_printf(out, "CG's r_%d is near 0 at %d of %d eigenvalues; GD's "
	    "r_%d(λ_min) = %s.", l, near, d, l, lesson_num(b, gd));
}

/* The path: how far each method still is (the panel says whether the
 * plane is exact). */
static void
lesson_path(const struct trace *tr, int l, char *out)
{
	char a[LESSON_NUM], b[LESSON_NUM], c[LESSON_NUM];
	const double *wd[TRACE_METHODS];
	int ex = lesson_cg_exact(tr);

	for (int m = 0; m < TRACE_METHODS; m++)
		wd[m] = tr->col[m].wdist;
	if (ex > 0 && l >= ex) {
		lesson_printf(out, "CG is at w* after %d steps; GD is %s away, "
		    "the model %s.", ex, lesson_num(b, wd[TRACE_GD][l]),
		    isnan(wd[TRACE_MODEL][l]) ? "-" : lesson_num(c,
		    wd[TRACE_MODEL][l]));
		return;
	}
	lesson_printf(out, "Distance to w* at l = %d: CG %s, GD %s, model %s.",
	    l, lesson_num(a, wd[TRACE_CG][l]), lesson_num(b, wd[TRACE_GD][l]),
	    isnan(wd[TRACE_MODEL][l]) ? "-" : lesson_num(c,
	    wd[TRACE_MODEL][l]));
}

/* The learned method: its step or weights against GD's and CG's. */
static void
lesson_method(const struct trace *tr, int l, char *out)
{
	char a[LESSON_NUM], b[LESSON_NUM];
	int L = tr->L, k = l > 0 ? l - 1 : 0;
	bool scalar;

	if (!tr->have_model || L == 0) {
		out[0] = '\0';
		return;
	}
	if (l == 0) {
		lesson_printf(out, "Row l: layer l's weights on past "
		    "gradients; CG's change per task.");
		return;
	}
	scalar = isfinite(tr->step_scalar[k]);
	if (scalar && tr->memory == MS_MEMORY_NONE)
		lesson_printf(out, "Layer %d's learned step: %s; GD's n·η for "
		    "%d steps: %s.", l, lesson_num(a, tr->step_scalar[k]), l,
		    lesson_num(b, tr->n * tr->gd_step[l]));
	else if (tr->model_direct)
		lesson_printf(out, "Learned directly: step %d weighs each of "
		    "its %d gradients by a learned vector.", l, l);
	else if (tr->memory == MS_MEMORY_NONE)
		lesson_printf(out, "No memory: each layer weighs only the "
		    "newest gradient, times its A.");
	else
		lesson_printf(out, "Newest gradient: weight %s%s for every "
		    "task, CG %s on this one.", lesson_num(a,
		    tr->coef[k * L + k] * (scalar ? tr->step_scalar[k] : 1.0)),
		    scalar ? "" : " × A", lesson_num(b,
		    tr->cg_weight[k * L + k]));
}

/* Fill tr->notes (and notes_ascii) from its numbers. */
void
lesson_notes(struct trace *tr)
{
	static void (*const write[TRACE_NOTES])(const struct trace *, int,
	    char *) = { lesson_error, lesson_memory, lesson_dirs,
	    lesson_poly, lesson_path, lesson_method };
	size_t len = (size_t)(tr->L + 1) * TRACE_NOTES * TRACE_NOTE_LEN;

	free(tr->notes);
	free(tr->notes_ascii);
	tr->notes = tr->notes_ascii = NULL;
	if (!tr->have_task || tr->dir_err == NULL)
		return;
	tr->notes = xcalloc(len, 1);
	tr->notes_ascii = xcalloc(len, 1);
	for (int l = 0; l <= tr->L; l++)
		for (int k = 0; k < TRACE_NOTES; k++) {
			size_t at = ((size_t)l * TRACE_NOTES + k) *
			    TRACE_NOTE_LEN;

			write[k](tr, l, tr->notes + at);
			lesson_ascii(tr->notes_ascii + at, TRACE_NOTE_LEN,
			    tr->notes + at);
		}
}
