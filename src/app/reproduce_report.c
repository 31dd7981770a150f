/*
 * What reproduce's results become (reproduce_report.h): the tables beside
 * the paper's values, and each figure's CSV and SVG; the claims are
 * reproduce_claims.c's.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "memscope/csv.h"
#include "memscope/reproduce_report.h"
#include "memscope/svg.h"

/* The opening lines: protocol, runs, context points, overrides. */
void
reproduce_report_header(FILE *out, const struct reproduce_opts *o,
    int context)
{
	fprintf(out, "memscope reproduce: %s protocol (%s), %d run%s per "
	    "curve, one model per depth and run; baselines on %s%d context "
	    "points\n", o->protocol == REPRODUCE_PROTOCOL_CODE ? "code" :
	    "text", o->protocol == REPRODUCE_PROTOCOL_CODE ?
	    "Adam lr 0.01, no clipping, one fixed batch" :
	    "Adam lr 0.01, clip 0.01, batch redrawn every 100 steps",
	    o->runs, o->runs == 1 ? "" : "s", o->quirks ?
	    "the first n - 1 of the " : "all ", context);
	fprintf(out, "  rotation U: %s\n", o->rotation ==
	    MS_ROTATION_UNIFORM_SVD ? "uniform-svd (the authors' law: left "
	    "singular vectors of a Uniform(-1, 1) matrix)" : "haar (uniform "
	    "on the orthogonal group, as memscope train)");
	if (o->steps > 0 || o->batch > 0 || o->test_batch > 0 || o->depths > 0) {
		fprintf(out, "  overridden for a quick look: steps %d, batch %d, "
		    "test batch %d, ", o->steps > 0 ? o->steps : FIGURES_STEPS,
		    o->batch > 0 ? o->batch : FIGURES_BATCH,
		    o->test_batch > 0 ? o->test_batch : FIGURES_TEST_BATCH);
		if (o->depths > 0)
			fprintf(out, "depths up to %d", o->depths);
		else
			fprintf(out, "depths as the figures'");
		fprintf(out, "; not comparable with the paper\n");
	}
}

/* The figure's CSV: every run's value, one row each. */
int
reproduce_report_csv(FILE *f, const void *ctx)
{
	const struct reproduce_result *r = ctx;
	const struct figure *fg = r->fig;
	int D = r->D, K = r->K;

	fputs("figure,method,k,run,ln_mse\n", f);
	for (int l = 0; l < fg->nlines; l++)
		for (int L = 1; L <= D; L++)
			for (int run = 0; run < K; run++) {
				fprintf(f, "%s,", fg->id);
				csv_text(f, fg->lines[l].name);
				fprintf(f, ",%d,%d,", L, run);
				csv_real(f, r->val[(l * D + L - 1) * K + run],
				    17, "nan");
				fputc('\n', f);
			}
	return ferror(f) ? -1 : 0;
}

/* The figure's summary CSV: per line and depth the runs' counts, mean and
 * std. */
int
reproduce_report_summary_csv(FILE *f, const void *ctx)
{
	const struct reproduce_result *r = ctx;
	const struct figure *fg = r->fig;
	int D = r->D;

	fputs("figure,method,k,runs,finite_runs,floored_runs,diverged_runs,"
	    "mean_ln_mse,std_ln_mse\n", f);
	for (int l = 0; l < fg->nlines; l++)
		for (int L = 1; L <= D; L++) {
			int i = l * D + L - 1;

			fprintf(f, "%s,", fg->id);
			csv_text(f, fg->lines[l].name);
			fprintf(f, ",%d,%d,%d,%d,%d,", L, r->K, r->finite[i],
			    r->floored[i], r->diverged[i]);
			csv_real(f, r->mean[i], 17, "nan");
			fputc(',', f);
			/* empty: no spread (fewer than two finite runs) */
			csv_real(f, r->std[i], 17, "");
			fputc('\n', f);
		}
	return ferror(f) ? -1 : 0;
}

/*
 * Where to cut the y axis: a baseline far below every model (CG exact after
 * d iterations, log ~ -60) would squash the models' lines into a sliver.
 * If the models' range is under 15% of the whole, the axis stops one nat
 * (or half the models' range) below the lowest model and the off-scale
 * points are listed in the note. The paper's values count as points.
 */
static bool
rr_svg_clip(const struct reproduce_result *r, double *y_min, char *note,
    size_t len)
{
	const struct figure *fg = r->fig;
	double mlo = INFINITY, mhi = -INFINITY, lo = INFINITY, hi = -INFINITY;
	size_t used;
	int D = r->D;

	for (int l = 0; l < fg->nlines; l++)
		for (int i = 0; i < 2 * D; i++) {	/* means, then paper's */
			const double *pp = fg->lines[l].paper;
			double m, sd;

			if (i < D) {
				m = r->mean[l * D + i];
				sd = r->std[l * D + i];
			} else {
				m = pp != NULL && i - D < FIGURES_PAPER_DEPTHS ?
				    pp[i - D] : NAN;
				sd = 0.0;
			}
			if (!isfinite(m))
				continue;
			sd = isfinite(sd) ? sd : 0.0;
			lo = fmin(lo, m - sd);
			hi = fmax(hi, m + sd);
			if (fg->lines[l].kind == FIGURE_MODEL) {
				mlo = fmin(mlo, m - sd);
				mhi = fmax(mhi, m + sd);
			}
		}
	if (!isfinite(mlo) || !(lo < mlo) || mhi - mlo >= 0.15 * (hi - lo))
		return false;
	*y_min = mlo - fmax(1.0, 0.5 * (mhi - mlo));
	used = (size_t)snprintf(note, len, "below the axis:");
	for (int l = 0; l < fg->nlines; l++)
		for (int i = 0; i < D; i++) {
			double m = r->mean[l * D + i];

			if (isfinite(m) && m < *y_min && used < len)
				used += (size_t)snprintf(note + used, len - used,
				    "\n%s L=%d: %.2f", fg->lines[l].name, i + 1,
				    m);
		}
	return true;
}

/*
 * One colour per method across all figures: a baseline by its method, a
 * model by its parametrization and memory (CG always black, the pre linear
 * transformer always blue, ...). Okabe–Ito's colours first, then Tol's.
 */
static const struct rr_colour {
	enum figure_kind kind;
	int a, b;		/* method; or param, memory */
	const char *rgb;
} rr_colours[] = {
	{ FIGURE_BASELINE, BASELINE_CG, 0, "#000000" },
	{ FIGURE_BASELINE, BASELINE_MOMENTUM, 0, "#CC79A7" },
	{ FIGURE_BASELINE, BASELINE_NESTEROV, 0, "#882255" },
	{ FIGURE_BASELINE, BASELINE_GD, 0, "#999999" },
	{ FIGURE_BASELINE, BASELINE_GD_ORACLE, 0, "#661100" },
	{ FIGURE_BASELINE, BASELINE_LSQ, 0, "#555555" },
	{ FIGURE_MODEL, MS_PARAM_PRE, MS_MEMORY_NONE, "#0072B2" },
	{ FIGURE_MODEL, MS_PARAM_SCALAR, MS_MEMORY_NONE, "#56B4E9" },
	{ FIGURE_MODEL, MS_PARAM_PRE, MS_MEMORY_CGD, "#D55E00" },
	{ FIGURE_MODEL, MS_PARAM_SCALAR, MS_MEMORY_CGD, "#E69F00" },
	{ FIGURE_MODEL, MS_PARAM_PRE, MS_MEMORY_LFOM, "#009E73" },
	{ FIGURE_MODEL, MS_PARAM_SCALAR, MS_MEMORY_LFOM, "#117733" },
	{ FIGURE_MODEL, MS_PARAM_GDPP, MS_MEMORY_NONE, "#332288" },
	{ FIGURE_MODEL, MS_PARAM_GDPP, MS_MEMORY_CGD, "#AA4499" },
	{ FIGURE_MODEL, MS_PARAM_GDPP, MS_MEMORY_LFOM, "#44AA99" },
	{ FIGURE_MODEL, MS_PARAM_FULL, MS_MEMORY_NONE, "#88CCEE" },
	{ FIGURE_MODEL, MS_PARAM_FULL, MS_MEMORY_CGD, "#DDCC77" },
	{ FIGURE_MODEL, MS_PARAM_FULL, MS_MEMORY_LFOM, "#999933" },
	{ FIGURE_MODEL, MS_PARAM_DIRECT, MS_MEMORY_NONE, "#E7298A" },
	{ FIGURE_MODEL, MS_PARAM_GDPP, MS_MEMORY_REC, "#E6AB02" },
	{ FIGURE_MODEL, MS_PARAM_DIRECT_PAIRS, MS_MEMORY_NONE, "#7570B3" },
};

/* The colour of a line's method, for lines of any other kind one of a few
 * by its name's hash (the same name, the same colour everywhere). */
static const char *
rr_method_colour(const struct figure_line *ln)
{
	static const char *other[] = { "#6699CC", "#EE7733", "#BB5566",
	    "#997700" };
	static const char *theory[] = { "#8C564B", "#5F5F5F", "#17BECF" };
	unsigned h = 5381;
	struct ms_config cfg;

	figures_line_model(ln, &cfg);
	for (size_t i = 0; i < sizeof rr_colours / sizeof rr_colours[0]; i++) {
		const struct rr_colour *c = &rr_colours[i];

		if (c->kind != ln->kind)
			continue;
		if (ln->kind == FIGURE_BASELINE && c->a == (int)ln->method)
			return c->rgb;
		if (ln->kind == FIGURE_MODEL && c->a == (int)cfg.param &&
		    c->b == (int)cfg.memory)
			return c->rgb;
	}
	for (const char *q = ln->name; q != NULL && *q != '\0'; q++)
		h = h * 33 + (unsigned char)*q;
	/* a theory line: a muted colour none of the methods has */
	if (ln->kind == FIGURE_THEORY)
		return theory[h % (sizeof theory / sizeof theory[0])];
	return other[h % (sizeof other / sizeof other[0])];
}

/* Whether lines a and b are one method (variants in heads or batch). */
static bool
rr_same_method(const struct figure_line *a, const struct figure_line *b)
{
	return rr_method_colour(a) == rr_method_colour(b);
}

/*
 * Line l's colour into buf (8 bytes): its method's, lighter for each
 * earlier line of the figure of the same method on the same batch (other
 * heads or batch sizes): mixed with white by 0, 40% and 65%.
 */
static void
rr_line_colour(const struct figure *fg, int l, char *buf)
{
	static const double mix[] = { 0.0, 0.4, 0.65 };
	const struct figure_line *ln = &fg->lines[l];
	const char *rgb = rr_method_colour(ln);
	unsigned v = 0, c;

	for (int j = 0; j < l; j++)
		if (rr_same_method(&fg->lines[j], ln) &&
		    fg->lines[j].on_train == ln->on_train)
			v++;
	if (v > 2)
		v = 2;
	buf[0] = '#';
	for (int k = 0; k < 3; k++) {
		sscanf(rgb + 1 + 2 * k, "%2x", &c);
		c = (unsigned)lround(c + (255.0 - c) * mix[v]);
		snprintf(buf + 1 + 2 * k, 3, "%02X", c);
	}
}

/* Whether the figure's models are optimizers learned directly (their
 * depth is a number of steps). */
static bool
rr_direct(const struct figure *fg)
{
	struct ms_config cfg;

	for (int l = 0; l < fg->nlines; l++)
		if (fg->lines[l].kind == FIGURE_MODEL) {
			figures_line_model(&fg->lines[l], &cfg);
			return config_param_is_direct(cfg.param);
		}
	return false;
}

/* Whether any run of any line reached the round-off floor. */
static bool
rr_at_floor(const struct reproduce_result *r)
{
	for (int i = 0; i < r->fig->nlines * r->D; i++)
		if (r->floored[i] > 0)
			return true;
	return false;
}

/* The figure's SVG: the means with a ± std band in one colour per method,
 * training-batch lines dashed, the paper's values as rings, the round-off
 * floor labelled when a value reaches it. */
int
reproduce_report_svg(FILE *f, const void *ctx)
{
	const struct reproduce_result *r = ctx;
	const struct figure *fg = r->fig;
	struct svg_series se[FIGURES_MAX_LINES];
	struct svg_plot p;
	double x[FIGURES_MAX_DEPTH];
	double paper[FIGURES_MAX_LINES][FIGURES_MAX_DEPTH];
	char sub[256], note[512], colour[FIGURES_MAX_LINES][8];
	char floor_label[64];
	int D = r->D;

	for (int L = 1; L <= D; L++)
		x[L - 1] = L;
	for (int l = 0; l < fg->nlines; l++) {
		bool theory = fg->lines[l].kind == FIGURE_THEORY;

		rr_line_colour(fg, l, colour[l]);
		/* every field the plot may gain starts zero (no reference) */
		se[l] = (struct svg_series){ .name = fg->lines[l].name,
		    .n = D, .x = x, .y = &r->mean[l * D],
		    /* a theory line has no spread, nor a band in the legend */
		    .band = theory ? NULL : &r->std[l * D],
		    .dashed = fg->lines[l].on_train, .dotted = theory,
		    .colour = colour[l] };
		if (fg->lines[l].paper == NULL)
			continue;
		for (int L = 1; L <= D; L++)
			paper[l][L - 1] = L <= FIGURES_PAPER_DEPTHS ?
			    fg->lines[l].paper[L - 1] : NAN;
		se[l].ref = paper[l];
	}
	snprintf(sub, sizeof sub, "%s; %d run%s; memscope", fg->what, r->K,
	    r->K == 1 ? "" : "s");
	memset(&p, 0, sizeof p);
	p.title = fg->title;
	p.subtitle = sub;
	p.xlabel = rr_direct(fg) ? "steps K of the learned LFOM (iterations "
	    "for GD, CG)" : "layers L (iterations for CG, momentum, Nesterov)";
	p.ylabel = fg->ylabel;
	p.integer_x = true;
	p.clip_y = rr_svg_clip(r, &p.y_min, note, sizeof note);
	p.note = p.clip_y ? note : NULL;
	p.nseries = fg->nlines;
	p.series = se;
	p.ref_name = "paper";
	p.floor = rr_at_floor(r);
	p.floor_y = log(FIGURES_MSE_FLOOR);
	snprintf(floor_label, sizeof floor_label, "round-off floor "
	    "ln(\xce\xb5\xc2\xb2) = \xe2\x88\x92" "%.1f",
	    -log(FIGURES_MSE_FLOOR));
	p.floor_label = floor_label;
	return svg_write_plot(f, &p);
}

static void
rr_signed(char *buf, size_t len, double v, int prec)
{
	if (!isfinite(v))
		snprintf(buf, len, "%s", isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
	else
		snprintf(buf, len, "%+.*f", prec, v);
}

/* What a table's values are: ln mse, or ln mse over the labels' scale
 * where the figure's lines are normalised. */
static const char *
rr_unit(const struct figure *f)
{
	for (int l = 0; l < f->nlines; l++)
		if (f->lines[l].normalised)
			return "natural log of the mean squared query error "
			    "over the labels' scale d s^2";
	return "natural log of the mean squared query error";
}

/* What the paper column holds, or that it holds nothing. */
static const char *
rr_ref(const struct figure *f)
{
	for (int l = 0; l < f->nlines; l++)
		if (f->lines[l].paper != NULL)
			return f->ref != NULL ? f->ref : FIGURES_PAPER_REF;
	return "no reference values";
}

/* The table of one figure: memscope's mean ± std beside the paper's value. */
void
reproduce_report_table(FILE *out, const struct reproduce_opts *o,
    const struct reproduce_result *r)
{
	const struct figure *f = r->fig;
	int w = 5, D = r->D, any_flag = 0, any_floor = 0, unchecked = 0;
	char m[32], s[32], p[32], d[32];

	for (int l = 0; l < f->nlines; l++)
		if ((int)strlen(f->lines[l].name) > w)
			w = (int)strlen(f->lines[l].name);
	fprintf(out, "\nFigure %s: %s\n", f->id, f->what);
	if (r->K == 1)
		fprintf(out, "  %s; one run (seed %llu), so no spread; %s\n",
		    rr_unit(f), (unsigned long long)o->seed, rr_ref(f));
	else
		fprintf(out, "  %s; mean \xc2\xb1 std over %d runs (seeds "
		    "%llu..%llu); %s\n", rr_unit(f), r->K,
		    (unsigned long long)o->seed,
		    (unsigned long long)(o->seed + r->K - 1), rr_ref(f));
	fprintf(out, "  %-*s  %2s  %17s  %7s  %7s\n", w, "model", "L",
	    "memscope", "paper", "diff");
	for (int l = 0; l < f->nlines; l++) {
		const struct figure_line *ln = &f->lines[l];

		for (int L = 1; L <= D; L++) {
			double mean = r->mean[l * D + L - 1];
			double sd = r->std[l * D + L - 1];
			int fin = r->finite[l * D + L - 1];
			bool flag = false;

			rr_signed(m, sizeof m, mean, 3);
			/* a theory line not defined at this depth */
			if (ln->kind == FIGURE_THEORY && isnan(mean))
				snprintf(m, sizeof m, "-");
			/* no spread from fewer than two finite runs */
			if (isnan(sd))
				snprintf(s, sizeof s, "-");
			else
				snprintf(s, sizeof s, "%.3f", sd);
			if (ln->paper != NULL && L <= FIGURES_PAPER_DEPTHS) {
				double pv = ln->paper[L - 1];

				rr_signed(p, sizeof p, pv, 2);
				rr_signed(d, sizeof d, mean - pv, 2);
				/* beyond run-to-run spread and read-off error;
				 * without a spread, not checked; a theory
				 * line has none to allow for */
				if (ln->kind == FIGURE_THEORY)
					flag = !(fabs(mean - pv) <= 0.05);
				else if (isnan(sd))
					unchecked++;
				else
					flag = !(fabs(mean - pv) <= 2 * sd + 0.05);
			} else {
				snprintf(p, sizeof p, "-");
				snprintf(d, sizeof d, "-");
			}
			any_flag |= flag;
			/* no "± 0.000" from one run, nor for a theory line */
			if (r->K == 1 || ln->kind == FIGURE_THEORY)
				fprintf(out, "  %-*s  %2d  %17s  %7s  %7s%s", w,
				    L == 1 ? ln->name : "", L, m, p, d,
				    flag ? " !" : "");
			else
				fprintf(out, "  %-*s  %2d  %8s \xc2\xb1 %6s  %7s  "
				    "%7s%s", w, L == 1 ? ln->name : "", L, m, s,
				    p, d, flag ? " !" : "");
			if (fin < r->K && ln->kind != FIGURE_THEORY)
				fprintf(out, "  (%d of %d runs non-finite)",
				    r->K - fin, r->K);
			if (r->floored[l * D + L - 1] > 0) {
				fprintf(out, "  (%d at the floor)",
				    r->floored[l * D + L - 1]);
				any_floor = 1;
			}
			if (r->diverged[l * D + L - 1] > 0)
				fprintf(out, "  (%d of %d trainings diverged)",
				    r->diverged[l * D + L - 1], r->K);
			fputc('\n', out);
		}
	}
	if (any_flag)
		fprintf(out, "  ! differs from the paper by more than 2 std + "
		    "0.05\n");
	if (unchecked > 0)
		fprintf(out, "  %d value%s not checked against the paper: 2 std + "
		    "0.05 needs a spread, which one run does not give (--runs 2 "
		    "or more)\n", unchecked, unchecked == 1 ? "" : "s");
	if (any_floor)
		fprintf(out, "  floor: errors below %.1e (double round-off) "
		    "count as %.1e, log %.1f\n", FIGURES_MSE_FLOOR, FIGURES_MSE_FLOOR,
		    log(FIGURES_MSE_FLOOR));
	if (f->note != NULL)
		fprintf(out, "  note: %s\n", f->note);
}
