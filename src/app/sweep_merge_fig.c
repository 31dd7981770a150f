/*
 * sweep merge's figures (sweep.h, doc/formats.md): their options checked
 * against the plan before anything is written, then the heatmap of a
 * metric over two axes (svg_heatmap.h) or its lines over one axis, one per
 * value of another (svg.h), with the axes the figure does not show fixed
 * by --where. A value is the mean over a combination's ok seeds; a metric
 * A-B is the difference per seed, then its mean and std.
 *
 * An axis whose values are all numbers is laid out in numeric order (in
 * the plan it is in the sweep file's order); the heatmap's ticks are the
 * values' text, the line plot's x the numbers (or 1, 2, ... for values
 * that are not numbers, named in the axis label).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/output.h"
#include "memscope/svg.h"
#include "memscope/svg_heatmap.h"
#include "memscope/sweep.h"
#include "memscope/xmalloc.h"
#include "sweep_merge_internal.h"

#define SM_TEXT 1024

/* The metric named text, or -1. */
static int
sm_metric_index(const char *text, size_t len)
{
	for (int m = 0; m < SWEEP_METRICS; m++)
		if (strlen(sweep_metric_name(m)) == len &&
		    strncmp(sweep_metric_name(m), text, len) == 0)
			return m;
	return -1;
}

/* METRIC, or A-B split at a '-' with a metric name on both sides (so
 * gd-oracle is one name and model-gd-oracle a difference); -1 with a
 * message naming the metrics. */
static int
sm_metric_parse(const char *text, struct sm_metric *mt, char *err,
    size_t errlen)
{
	char names[256] = "";

	mt->b = -1;
	snprintf(mt->text, sizeof mt->text, "%s", text);
	if ((mt->a = sm_metric_index(text, strlen(text))) >= 0)
		return 0;
	for (const char *d = strchr(text, '-'); d != NULL;
	    d = strchr(d + 1, '-')) {
		mt->a = sm_metric_index(text, (size_t)(d - text));
		mt->b = sm_metric_index(d + 1, strlen(d + 1));
		if (mt->a >= 0 && mt->b >= 0)
			return 0;
	}
	for (int m = 0; m < SWEEP_METRICS; m++)
		snprintf(names + strlen(names), sizeof names - strlen(names),
		    "%s%s", m > 0 ? ", " : "", sweep_metric_name(m));
	config_error(err, errlen, "unknown metric '%s': the metrics are %s, "
	    "or A-B of two of them (e.g. model-cg)", text, names);
	return -1;
}

/* The names of the axes but seed, ", "-separated, into buf. */
static void
sm_axis_names(const struct sm *s, char *buf, size_t len)
{
	buf[0] = '\0';
	for (int i = 0; i < s->nfree; i++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s",
		    i > 0 ? ", " : "", s->p->axes[s->free_axes[i]].name);
	if (s->nfree == 0)
		snprintf(buf, len, "none but seed");
}

/* The values of axis a, ", "-separated, into buf. */
static void
sm_value_names(const struct sm *s, int a, char *buf, size_t len)
{
	buf[0] = '\0';
	for (int v = 0; v < s->p->axes[a].nvalues; v++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s",
		    v > 0 ? ", " : "", s->p->axes[a].values[v]);
}

/* The index of the axis (not seed) named name for option opt into *a;
 * -1 with a message listing the axes. */
static int
sm_axis(const struct sm *s, const char *opt, const char *name, int *a,
    char *err, size_t errlen)
{
	char names[SM_TEXT];

	for (int i = 0; i < s->nfree; i++)
		if (strcmp(s->p->axes[s->free_axes[i]].name, name) == 0) {
			*a = s->free_axes[i];
			return 0;
		}
	sm_axis_names(s, names, sizeof names);
	config_error(err, errlen, "%s: unknown axis '%s': the axes are %s%s",
	    opt, name, names, s->seed_axis >= 0 ? " (seeds are averaged "
	    "over)" : "");
	return -1;
}

/* The value of axis a that text names (its text, or the same number). */
static int
sm_value_find(const struct sm *s, int a, const char *text)
{
	const struct sweep_axis *ax = &s->p->axes[a];
	char *end;
	double x = strtod(text, &end), y;

	for (int v = 0; v < ax->nvalues; v++)
		if (strcmp(ax->values[v], text) == 0)
			return v;
	for (int v = 0; *text != '\0' && *end == '\0' && v < ax->nvalues;
	    v++) {
		y = strtod(ax->values[v], &end);
		if (*end == '\0' && y == x)
			return v;
	}
	return -1;
}

/* --where into fig->fixed, then every axis but seed not on the figure
 * must be fixed; -1 with a message. */
static int
sm_where(const struct sm *s, const struct sweep_merge_opts *o,
    struct sm_fig *fig, char *err, size_t errlen)
{
	char name[64], list[SM_TEXT];
	int a = -1, v;

	if (o->nwhere < 0 || o->nwhere > 16)
		return config_error(err, errlen, "at most 16 --where");
	for (int i = 0; i < o->nwhere; i++) {
		const char *w = o->where[i], *eq = strchr(w, '=');

		if (eq == NULL || eq == w || (size_t)(eq - w) >= sizeof name)
			return config_error(err, errlen, "--where %s: expected "
			    "AXIS=VALUE", w);
		snprintf(name, sizeof name, "%.*s", (int)(eq - w), w);
		if (sm_axis(s, "--where", name, &a, err, errlen) != 0)
			return -1;
		if (a == fig->x || a == fig->y || a == fig->by)
			return config_error(err, errlen, "--where %s: %s is on "
			    "the figure (%s)", w, name, a == fig->x ? "--x" :
			    a == fig->y ? "--y" : "--by");
		if (fig->fixed[a] >= 0)
			return config_error(err, errlen, "--where %s: %s is "
			    "fixed twice", w, name);
		if ((v = sm_value_find(s, a, eq + 1)) < 0) {
			sm_value_names(s, a, list, sizeof list);
			return config_error(err, errlen, "--where %s: %s has "
			    "no value '%s'; its values are %s", w, name, eq + 1,
			    list);
		}
		fig->fixed[a] = v;
	}
	for (int i = 0; i < s->nfree; i++) {
		a = s->free_axes[i];
		if (a == fig->x || a == fig->y || a == fig->by ||
		    fig->fixed[a] >= 0)
			continue;
		sm_value_names(s, a, list, sizeof list);
		return config_error(err, errlen, "the axis '%s' varies (%s) "
		    "but is not on the figure: fix it with --where %s=VALUE",
		    s->p->axes[a].name, list, s->p->axes[a].name);
	}
	return 0;
}

/* One figure of the options; -1 with a message. */
static int
sm_figure(const struct sm *s, const struct sweep_merge_opts *o,
    bool heatmap, const char *metric, struct sm_fig *fig, char *err,
    size_t errlen)
{
	char names[SM_TEXT];
	size_t len;

	memset(fig, 0, sizeof *fig);
	fig->heatmap = heatmap;
	fig->x = fig->y = fig->by = -1;
	fig->layer = o->layer;
	fig->fixed = xmalloc(((size_t)s->p->naxes + 1) * sizeof *fig->fixed);
	for (int a = 0; a < s->p->naxes; a++)
		fig->fixed[a] = -1;
	if (sm_metric_parse(metric, &fig->metric, err, errlen) != 0)
		return -1;
	sm_axis_names(s, names, sizeof names);
	if (o->x == NULL || (heatmap && o->y == NULL))
		return config_error(err, errlen, "%s needs %s (the axes: %s)",
		    heatmap ? "--heatmap" : "--lines", heatmap ?
		    "--x AXIS and --y AXIS" : "--x AXIS", names);
	if (sm_axis(s, "--x", o->x, &fig->x, err, errlen) != 0 ||
	    (heatmap && sm_axis(s, "--y", o->y, &fig->y, err, errlen) != 0) ||
	    (!heatmap && o->by != NULL && sm_axis(s, "--by", o->by, &fig->by,
	    err, errlen) != 0))
		return -1;
	if (fig->y == fig->x || fig->by == fig->x)
		return config_error(err, errlen, "%s: '%s' is the figure's x "
		    "axis already", heatmap ? "--y" : "--by", o->x);
	if (o->layer < 0 || (s->max_layers > 0 && o->layer > s->max_layers))
		return config_error(err, errlen, "--layer %d: a read-out from 1 "
		    "to %d (the most layers of any job), or last", o->layer,
		    s->max_layers);
	if (sm_where(s, o, fig, err, errlen) != 0)
		return -1;
	if (o->svg != NULL) {
		fig->svg = xstrdup(o->svg);
	} else {
		len = strlen(s->dir) + 16;
		fig->svg = xmalloc(len);
		snprintf(fig->svg, len, "%s/%s", s->dir, heatmap ?
		    "heatmap.svg" : "lines.svg");
	}
	return 0;
}

/* Check the figure options against the plan into figs (at most 2);
 * 0, or -1 with a message (a refusal of the options). */
int
sm_figures_plan(const struct sm *s, const struct sweep_merge_opts *o,
    struct sm_fig *figs, int *nfigs, char *err, size_t errlen)
{
	struct sweep_merge_opts d = *o;
	const char *stray = o->x != NULL ? "--x" : o->y != NULL ? "--y" :
	    o->by != NULL ? "--by" : o->nwhere > 0 ? "--where" :
	    o->layer != 0 ? "--layer" : NULL;

	*nfigs = 0;
	if (o->heatmap == NULL && o->lines == NULL) {
		if (stray != NULL)
			return config_error(err, errlen, "%s needs --heatmap "
			    "METRIC or --lines METRIC", stray);
		if (s->nfree == 0 || s->nfree > 2) {
			if (o->svg == NULL)
				return 0;	/* no default figure */
			return config_error(err, errlen, "--svg: no figure by "
			    "default with %d axes besides seed: give --heatmap "
			    "or --lines", s->nfree);
		}
		/* the default: model-cg at the last read-out */
		d.x = s->p->axes[s->free_axes[0]].name;
		d.y = s->nfree == 2 ? s->p->axes[s->free_axes[1]].name : NULL;
		d.by = NULL;
		d.heatmap = s->nfree == 2 ? "model-cg" : NULL;
		d.lines = s->nfree == 1 ? "model-cg" : NULL;
		o = &d;
	}
	if (o->heatmap != NULL && o->lines != NULL && o->svg != NULL)
		return config_error(err, errlen, "--svg names one file: give "
		    "--heatmap or --lines with it, not both");
	if (o->heatmap == NULL && o->y != NULL)
		return config_error(err, errlen, "--y is for --heatmap; "
		    "--lines takes --x and --by");
	if (o->lines == NULL && o->by != NULL)
		return config_error(err, errlen, "--by is for --lines; "
		    "--heatmap takes --x and --y");
	if (o->heatmap != NULL && sm_figure(s, o, true, o->heatmap,
	    &figs[(*nfigs)++], err, errlen) != 0)
		return -1;
	if (o->lines != NULL && sm_figure(s, o, false, o->lines,
	    &figs[(*nfigs)++], err, errlen) != 0)
		return -1;
	return 0;
}

/* Free what sm_figures_plan allocated in a figure. */
void
sm_figure_free(struct sm_fig *fig)
{
	free(fig->fixed);
	free(fig->svg);
	fig->fixed = NULL;
	fig->svg = NULL;
}

/* Whether every value of axis a is a number (into x, if not NULL). */
static bool
sm_numeric(const struct sm *s, int a, double *x)
{
	const struct sweep_axis *ax = &s->p->axes[a];
	double v;

	for (int i = 0; i < ax->nvalues; i++) {
		if (config_parse_real(ax->values[i], &v) != 0)
			return false;
		if (x != NULL)
			x[i] = v;
	}
	return true;
}

/* The value indices of axis a in figure order: numeric if all are
 * numbers, else the plan's (order: nvalues ints). */
static void
sm_order(const struct sm *s, int a, int *order)
{
	int n = s->p->axes[a].nvalues, t;
	double *x = xdoubles((size_t)n);
	bool num = sm_numeric(s, a, x);

	for (int i = 0; i < n; i++)
		order[i] = i;
	for (int i = 1; num && i < n; i++)	/* insertion sort: few values */
		for (int j = i; j > 0 && x[order[j]] < x[order[j - 1]]; j--) {
			t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	free(x);
}

/* The figure's title and subtitle (its two parts joined by sep). */
static void
sm_titles(const struct sm *s, const struct sm_fig *fig, const char *sep,
    char *title, char *sub, size_t len)
{
	const struct sm_metric *m = &fig->metric;
	char at[32];

	if (fig->layer > 0)
		snprintf(at, sizeof at, "k = %d", fig->layer);
	else
		snprintf(at, sizeof at, "the last read-out");
	if (m->b >= 0)
		snprintf(title, len, "%s \xe2\x88\x92 %s at %s",
		    sweep_metric_name(m->a), sweep_metric_name(m->b), at);
	else
		snprintf(title, len, "%s at %s", sweep_metric_name(m->a), at);
	snprintf(sub, len, "mean over the ok seeds of ln(mean squared query "
	    "error)%s%s%s;%ssweep %s", m->b >= 0 ? " difference (below 0: " :
	    "", m->b >= 0 ? sweep_metric_name(m->a) : "", m->b >= 0 ?
	    " better)" : "", sep, s->p->id);
	for (int a = 0; a < s->p->naxes; a++)
		if (fig->fixed[a] >= 0)
			snprintf(sub + strlen(sub), len - strlen(sub),
			    "; %s = %s", s->p->axes[a].name,
			    s->p->axes[a].values[fig->fixed[a]]);
}

/* The statistics of the combination at value vx of fig->x and vy of
 * the second axis ay (-1: none), the rest as fixed; *beyond: whether its
 * jobs have fewer read-outs than fig->layer (none is missing then). */
static int
sm_fig_stat(const struct sm *s, const struct sm_fig *fig, int vx, int ay,
    int vy, double *mean, double *std, bool *beyond)
{
	int *coord = xcalloc((size_t)s->p->naxes + 1, sizeof *coord), n;
	long c, j0;

	for (int a = 0; a < s->p->naxes; a++)
		coord[a] = fig->fixed[a] >= 0 ? fig->fixed[a] : 0;
	coord[fig->x] = vx;
	if (ay >= 0)
		coord[ay] = vy;
	c = sm_combo_of(s, coord);
	n = sm_combo_stat(s, c, &fig->metric, fig->layer, mean, std);
	j0 = sm_combo_first(s, c);
	*beyond = j0 >= 0 && fig->layer > s->jobs[j0].layers;
	free(coord);
	return n;
}

/* The heatmap of fig into f. */
static int
sm_heatmap(FILE *f, const struct sm *s, const struct sm_fig *fig)
{
	const struct sweep_axis *ax = &s->p->axes[fig->x], *ay =
	    &s->p->axes[fig->y];
	int nx = ax->nvalues, ny = ay->nvalues, rc;
	int *ox = xmalloc((size_t)(nx + ny) * sizeof *ox), *oy = ox + nx;
	const char **xt = xmalloc((size_t)(nx + ny) * sizeof *xt), **yt = xt + nx;
	const char **mark = xcalloc((size_t)nx * ny, sizeof *mark);
	char (*marks)[24] = xmalloc((size_t)nx * ny * sizeof *marks);
	double *value = xdoubles((size_t)nx * ny), std;
	char title[SM_TEXT], sub[SM_TEXT];
	struct svg_heatmap h;

	sm_order(s, fig->x, ox);
	sm_order(s, fig->y, oy);
	for (int c = 0; c < nx; c++)
		xt[c] = ax->values[ox[c]];
	for (int r = 0; r < ny; r++) {
		yt[r] = ay->values[oy[r]];
		for (int c = 0; c < nx; c++) {
			bool beyond;
			int i = r * nx + c, n = sm_fig_stat(s, fig, ox[c],
			    fig->y, oy[r], &value[i], &std, &beyond);

			if (beyond)
				snprintf(marks[i], sizeof marks[i], "no k = %d",
				    fig->layer);
			else
				snprintf(marks[i], sizeof marks[i], "%d/%d", n,
				    s->nseeds);
			if (beyond || n < s->nseeds)
				mark[i] = marks[i];
		}
	}
	sm_titles(s, fig, "\n", title, sub, sizeof title);
	h = (struct svg_heatmap){ title, sub, ax->name, ay->name,
	    fig->metric.b >= 0 ? "difference of ln error" : "ln error",
	    nx, ny, xt, yt, value, mark, fig->metric.b >= 0 };
	rc = svg_heatmap_write(f, &h);
	free(ox);
	free(xt);
	free(mark);
	free(marks);
	free(value);
	return rc;
}

/* The line plot of fig into f: a series per value of --by. */
static int
sm_lines(FILE *f, const struct sm *s, const struct sm_fig *fig)
{
	const struct sweep_axis *ax = &s->p->axes[fig->x];
	int nx = ax->nvalues, ns = fig->by >= 0 ? s->p->axes[fig->by].nvalues :
	    1, rc;
	int *ox = xmalloc((size_t)(nx + ns) * sizeof *ox), *ob = ox + nx;
	double *x = xdoubles((size_t)nx), *xs = xdoubles((size_t)nx);
	double *y = xdoubles((size_t)nx * ns), *band = xdoubles((size_t)nx * ns);
	struct svg_series *se = xcalloc((size_t)ns, sizeof *se);
	char (*names)[96] = xmalloc((size_t)ns * sizeof *names);
	char title[SM_TEXT], sub[SM_TEXT], xlabel[SM_TEXT], note[SM_TEXT] = "";
	bool num = sm_numeric(s, fig->x, x);
	double lo = 0, hi = 0;
	struct svg_plot pl;
	int nnote = 0;

	sm_order(s, fig->x, ox);
	if (fig->by >= 0)
		sm_order(s, fig->by, ob);
	else
		ob[0] = 0;
	snprintf(xlabel, sizeof xlabel, "%s", ax->name);
	for (int i = 0; i < nx; i++) {
		xs[i] = num ? x[ox[i]] : i + 1;
		if (!num)
			snprintf(xlabel + strlen(xlabel), sizeof xlabel -
			    strlen(xlabel), "%s%d = %s%s", i == 0 ? " (" : ", ",
			    i + 1, ax->values[ox[i]], i + 1 == nx ? ")" : "");
	}
	for (int b = 0; b < ns; b++) {
		if (fig->by >= 0)
			snprintf(names[b], sizeof names[b], "%s = %s",
			    s->p->axes[fig->by].name,
			    s->p->axes[fig->by].values[ob[b]]);
		else
			snprintf(names[b], sizeof names[b], "%s",
			    fig->metric.text);
		for (int i = 0; i < nx; i++) {
			char got[32];
			bool beyond;
			int n = sm_fig_stat(s, fig, ox[i], fig->by, ob[b],
			    &y[b * nx + i], &band[b * nx + i], &beyond);

			if (beyond)
				snprintf(got, sizeof got, "no k = %d",
				    fig->layer);
			else
				snprintf(got, sizeof got, "%d/%d seeds", n,
				    s->nseeds);
			if ((beyond || n < s->nseeds) && nnote++ < 6)
				snprintf(note + strlen(note), sizeof note -
				    strlen(note), "%s%s%s%s = %s: %s",
				    nnote == 1 ? "incomplete:\n" : "\n",
				    fig->by >= 0 ? names[b] : "", fig->by >= 0 ?
				    ", " : "", ax->name, ax->values[ox[i]], got);
		}
		se[b] = (struct svg_series){ .name = names[b], .n = nx,
		    .x = xs, .y = y + b * nx, .band = band + b * nx };
	}
	sm_titles(s, fig, " ", title, sub, sizeof title);
	/* positive numbers over two decades or more (kappa): a log axis */
	for (int i = 0; num && i < nx; i++) {
		lo = i == 0 || xs[i] < lo ? xs[i] : lo;
		hi = i == 0 || xs[i] > hi ? xs[i] : hi;
	}
	pl = (struct svg_plot){ .title = title, .subtitle = sub,
	    .xlabel = xlabel, .ylabel = fig->metric.b >= 0 ?
	    "difference of ln error (\xc2\xb1 std over seeds)" :
	    "ln error (\xc2\xb1 std over seeds)", .integer_x = !num,
	    .log_x = num && lo > 0 && hi >= 100 * lo,
	    .note = note[0] != '\0' ? note : NULL, .nseries = ns,
	    .series = se };
	rc = svg_write_plot(f, &pl);
	free(ox);
	free(x);
	free(xs);
	free(y);
	free(band);
	free(se);
	free(names);
	return rc;
}

/* Write a figure; 0, or -1 with a message. */
int
sm_figure_write(const struct sm *s, const struct sm_fig *fig, char *err,
    size_t errlen)
{
	struct output out;

	if (output_open(&out, fig->svg, err, errlen) != 0)
		return -1;
	if ((fig->heatmap ? sm_heatmap(out.fp, s, fig) :
	    sm_lines(out.fp, s, fig)) != 0)
		return output_fail_write(&out, err, errlen);
	return output_commit(&out, err, errlen);
}
