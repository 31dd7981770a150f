/*
 * Tables, exports and progress for the headless commands. Tables are plain
 * text with right-aligned columns; "±" is used in a UTF-8 locale and "+-"
 * otherwise, and the width of a cell counts characters, not bytes.
 */
#include <langinfo.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "memscope/cli.h"
#include "memscope/clock.h"
#include "memscope/output.h"
#include "memscope/json_out.h"
#include "memscope/report.h"
#include "memscope/reproduce.h"
#include "memscope/stats.h"
#include "memscope/theory.h"
#include "memscope/trainer.h"
#include "memscope/xmalloc.h"

#define REPORT_CELL 64

/* Display width of UTF-8 text: count every byte but continuation bytes. */
static int
report_width(const char *s)
{
	int w = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

/* "±" in a UTF-8 locale, else "+-". */
const char *
report_plus_minus(void)
{
	return strcmp(nl_langinfo(CODESET), "UTF-8") == 0 ? "±" : "+-";
}

static void
report_cell(char *buf, size_t len, double mean, const double *std)
{
	const char *pm = report_plus_minus();

	if (std == NULL)
		snprintf(buf, len, "%.3f", mean);
	else
		snprintf(buf, len, "%.3f %s %.3f", mean, pm, *std);
}

/* The cells of a table as text: (nrows, ncols) strings of REPORT_CELL. */
static char *
report_cells(int nrows, int ncols, int nruns, const double *values)
{
	int ncells = nrows * ncols;
	double *mean = xdoubles((size_t)ncells), *std = xdoubles((size_t)ncells);
	char *cells = xmalloc((size_t)ncells * REPORT_CELL);

	stats_runs(nruns, ncells, values, mean, std);
	for (int i = 0; i < ncells; i++)
		report_cell(cells + (size_t)i * REPORT_CELL, REPORT_CELL, mean[i],
		    nruns > 1 ? &std[i] : NULL);
	free(mean);
	free(std);
	return cells;
}

/* The cells of a table of exact values, one a cell (NaN: "-"). */
static char *
report_exact_cells(int nrows, int ncols, const double *values)
{
	char *cells = xmalloc((size_t)nrows * ncols * REPORT_CELL);

	for (int i = 0; i < nrows * ncols; i++) {
		char *cell = cells + (size_t)i * REPORT_CELL;

		if (isnan(values[i]))
			snprintf(cell, REPORT_CELL, "-");
		else
			report_cell(cell, REPORT_CELL, values[i], NULL);
	}
	return cells;
}

/* Print the cells (as report_cells makes them) with right-aligned
 * columns; frees them. */
static void
report_cells_print(FILE *fp, const char *corner, const char *const *rows,
    int nrows, const char *const *cols, int ncols, char *cells)
{
	int *width = xcalloc((size_t)ncols + 1, sizeof *width);
	const char *cell;

	width[0] = report_width(corner);
	for (int r = 0; r < nrows; r++)
		if (report_width(rows[r]) > width[0])
			width[0] = report_width(rows[r]);
	for (int c = 0; c < ncols; c++) {
		width[c + 1] = report_width(cols[c]);
		for (int r = 0; r < nrows; r++) {
			cell = cells + ((size_t)r * ncols + c) * REPORT_CELL;
			if (report_width(cell) > width[c + 1])
				width[c + 1] = report_width(cell);
		}
	}
	fprintf(fp, "%s%*s", corner, width[0] - report_width(corner), "");
	for (int c = 0; c < ncols; c++)
		fprintf(fp, "  %*s%s", width[c + 1] - report_width(cols[c]), "",
		    cols[c]);
	fputc('\n', fp);
	for (int r = 0; r < nrows; r++) {
		fprintf(fp, "%s%*s", rows[r], width[0] - report_width(rows[r]),
		    "");
		for (int c = 0; c < ncols; c++) {
			cell = cells + ((size_t)r * ncols + c) * REPORT_CELL;
			fprintf(fp, "  %*s%s", width[c + 1] - report_width(cell),
			    "", cell);
		}
		fputc('\n', fp);
	}
	free(width);
	free(cells);
}

/* Print a table of the mean (± std) over runs, with right-aligned columns. */
void
report_table_print(FILE *fp, const char *corner, const char *const *rows,
    int nrows, const char *const *cols, int ncols, int nruns,
    const double *values)
{
	report_cells_print(fp, corner, rows, nrows, cols, ncols,
	    report_cells(nrows, ncols, nruns, values));
}

/* n labels prefix + first, prefix + (first + 1), ...; one free() frees all. */
const char **
report_numbered(const char *prefix, int first, int n)
{
	size_t each = strlen(prefix) + 12;
	const char **labels = xmalloc((size_t)n * (sizeof *labels + each));
	char *text = (char *)(labels + n);

	for (int i = 0; i < n; i++) {
		snprintf(text + (size_t)i * each, each, "%s%d", prefix, first + i);
		labels[i] = text + (size_t)i * each;
	}
	return labels;
}

/* Name of row r of a layers table: "model", then the baselines' names. */
const char *
report_row_name(int r)
{
	return r == 0 ? "model" : baseline_name((enum baseline)(r - 1));
}

/* One comment line per method whose iteration costs more than GD's:
 * "# schulz: ...". */
void
report_cost_notes(FILE *fp)
{
	for (int b = 0; b < BASELINE_COUNT; b++)
		if (baseline_cost((enum baseline)b) != NULL)
			fprintf(fp, "# %s: %s\n", baseline_name((enum baseline)b),
			    baseline_cost((enum baseline)b));
}

/* The table of mean (± std over runs, if nruns > 1) per row and read-out. */
void
report_layers_print(FILE *fp, int L, int nruns, const double *logs)
{
	const char *rows[REPORT_ROWS];
	const char **cols = report_numbered("k=", 1, L);

	report_cost_notes(fp);
	for (int r = 0; r < REPORT_ROWS; r++)
		rows[r] = report_row_name(r);
	report_table_print(fp, "method", rows, REPORT_ROWS, cols, L, nruns,
	    logs);
	free(cols);
}

/* The same table, then th's lines (if not NULL) as a table of their own. */
void
report_layers_print_theory(FILE *fp, int L, int nruns, const double *logs,
    const struct theory_lines *th)
{
	const char *xrows[REPORT_THEORY_ROWS];
	const char **cols;
	double *extra;

	report_layers_print(fp, L, nruns, logs);
	if (th == NULL)
		return;
	cols = report_numbered("k=", 1, L);
	extra = xdoubles((size_t)REPORT_THEORY_ROWS * L);
	for (int w = 0; w < REPORT_THEORY_ROWS; w++) {
		xrows[w] = theory_line_name(w);
		for (int k = 1; k <= L; k++)
			extra[w * L + k - 1] = theory_lines_log(th, w, k);
	}
	report_theory_note(fp);
	report_cells_print(fp, "theory", xrows, REPORT_THEORY_ROWS, cols, L,
	    report_exact_cells(REPORT_THEORY_ROWS, L, extra));
	free(extra);
	free(cols);
}

/* The comment lines saying what the theory lines are. */
void
report_theory_note(FILE *fp)
{
	fputs("# theory, ln of the expected error (doc/math.md §8): the least "
	    "of any one-layer\n# model, and of a pre model whose layers are "
	    "A_l = a_l inv(Sigma)\n", fp);
}

/* {"one_layer_optimum": [L], "best_schedule": [L]}: ln of the theory
 * lines per read-out, null where not defined. */
json_t *
report_theory_json(int L, const struct theory_lines *th)
{
	json_t *obj = json_object();
	double *x = xdoubles((size_t)L);

	for (int w = 0; w < REPORT_THEORY_ROWS; w++) {
		for (int k = 1; k <= L; k++)
			x[k - 1] = theory_lines_log(th, w, k);
		json_object_set_new(obj, theory_line_key(w),
		    json_out_reals(x, L));
	}
	free(x);
	return obj;
}

/* {"model": [L], "gd": [L], ...}: run `run` (which 0), mean (1) or std (2). */
json_t *
report_layers_json(int L, int nruns, const double *logs, int which, int run)
{
	double *mean = xdoubles((size_t)REPORT_ROWS * L);
	double *std = xdoubles((size_t)REPORT_ROWS * L);
	const double *src = which == 1 ? mean : which == 2 ? std :
	    logs + (size_t)run * REPORT_ROWS * L;
	json_t *obj = json_object();

	stats_runs(nruns, REPORT_ROWS * L, logs, mean, std);
	for (int r = 0; r < REPORT_ROWS; r++)
		json_object_set_new(obj, report_row_name(r),
		    json_out_reals(src + (size_t)r * L, L));
	free(mean);
	free(std);
	return obj;
}

/* The runs' logs (nruns, REPORT_ROWS, L) less ln(d s^2): each ln MSE
 * normalised by the labels' scale (doc/math.md §8.1). */
static double *
report_normalise(const struct ms_config *cfg, int L, int nruns,
    const double *logs)
{
	size_t len = (size_t)nruns * REPORT_ROWS * L;
	double *out = xdoubles(len);
	double shift = trainer_label_log(cfg->dim, cfg->scale);

	for (size_t i = 0; i < len; i++)
		out[i] = logs[i] - shift;
	return out;
}

/* Whether the data is shifted (a scale or mean off its default). */
bool
report_shifted(const struct ms_config *cfg)
{
	return cfg->scale != 1.0 || cfg->mean != 0.0;
}

/* After a layers table of shifted data: the model row normalised. */
void
report_normalised_print(FILE *fp, const struct ms_config *cfg, int L,
    int nruns, const double *logs)
{
	const char *rows[1] = { "model" };
	const char **cols;
	double *norm, *model;

	if (!report_shifted(cfg))
		return;
	cols = report_numbered("k=", 1, L);
	norm = report_normalise(cfg, L, nruns, logs);
	model = xdoubles((size_t)nruns * L);
	for (int r = 0; r < nruns; r++)
		memcpy(model + (size_t)r * L, norm + (size_t)r * REPORT_ROWS * L,
		    (size_t)L * sizeof(double));
	fprintf(fp, "# normalised by the labels' scale: ln(MSE / (d s^2)), "
	    "d s^2 = %.6g\n", cfg->dim * cfg->scale * cfg->scale);
	report_table_print(fp, "normalised", rows, 1, cols, L, nruns, model);
	free(model);
	free(norm);
	free(cols);
}

/* report_layers_json of the logs normalised by ln(d s^2). */
json_t *
report_normalised_json(const struct ms_config *cfg, int L, int nruns,
    const double *logs, int which, int run)
{
	double *norm = report_normalise(cfg, L, nruns, logs);
	json_t *obj = report_layers_json(L, nruns, norm, which, run);

	free(norm);
	return obj;
}

/* One comment line describing the experiment: "# d=5 n=20 L=4 ...". */
void
report_config_line(FILE *fp, const char *cmd, const struct ms_config *cfg,
    bool model)
{
	char data[48], wstar[16];

	fprintf(fp, "# memscope %s: d=%d n=%d", cmd, cfg->dim, cfg->context);
	if (model)
		fprintf(fp, " L=%d H=%d param=%s memory=%s", cfg->layers,
		    cfg->heads, config_param_name(cfg->param),
		    config_memory_name(cfg->memory));
	config_get(cfg, "wstar", wstar, sizeof wstar);
	fprintf(fp, " data=%s wstar=%s",
	    config_data_name(cfg, data, sizeof data), wstar);
	if (report_shifted(cfg)) {
		char s[32], mu[32];

		config_get(cfg, "scale", s, sizeof s);
		config_get(cfg, "mean", mu, sizeof mu);
		fprintf(fp, " scale=%s mean=%s", s, mu);
	}
	/* the law of U only when it is not the default Haar */
	if (cfg->rotation != MS_ROTATION_HAAR)
		fprintf(fp, " rotation=%s", config_rotation_name(cfg->rotation));
	fputc('\n', fp);
}

/* Seconds as "1:02:03" or "2:03". */
void
report_duration(char *buf, size_t len, double s)
{
	long t = isfinite(s) && s >= 0 ? (long)(s + 0.5) : 0;

	if (t >= 3600)
		snprintf(buf, len, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60,
		    t % 60);
	else
		snprintf(buf, len, "%ld:%02ld", t / 60, t % 60);
}

/* A bar of 20 cells for the fraction f done: '#' done, '.' to do. */
void
report_bar(char bar[21], double f)
{
	int fill = (int)(20.0 * (f < 0 ? 0 : f > 1 ? 1 : f));

	for (int i = 0; i < 20; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[20] = '\0';
}

/* line on stderr in place of the last one, cut to the terminal's width (a
 * line that wrapped could not be redrawn in place); the first time, note
 * becomes what an interruption writes (it closes the line). */
void
report_live_line(const char *line, const char *note, bool *drawn)
{
	struct winsize ws;
	int cols = 80;

	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		cols = ws.ws_col;
	fprintf(stderr, "\r\033[K%.*s", cols - 1, line);
	fflush(stderr);
	if (!*drawn)
		output_signal_note(note);
	*drawn = true;
}

/* Start reporting progress of `total` units of work (quiet: none). */
void
report_progress_start(struct report_progress *p, const char *cmd, long total,
    bool quiet)
{
	memset(p, 0, sizeof *p);
	p->cmd = cmd;
	p->quiet = quiet;
	p->total = total;
	p->tty = isatty(STDERR_FILENO) == 1;
	p->start = clock_seconds();
	snprintf(p->note, sizeof p->note, "\nmemscope %s: interrupted\n", cmd);
	/* no bar yet: no newline to close it */
	if (!quiet)
		output_signal_note(p->note + 1);
}

/* "memscope train: 5 runs of 300 steps on 2 threads" (unless quiet). */
void
report_progress_threads(const struct report_progress *p, int runs,
    long steps, int threads)
{
	if (p->quiet)
		return;
	fprintf(stderr, "memscope %s: %d run%s of %ld step%s on %d thread%s\n",
	    p->cmd, runs, runs == 1 ? "" : "s", steps, steps == 1 ? "" : "s",
	    threads, threads == 1 ? "" : "s");
	fflush(stderr);
}

/* done units so far, and the latest training loss (NaN: none yet). */
void
report_progress_update(struct report_progress *p, long done, double loss)
{
	double elapsed = clock_seconds() - p->start;
	double rate = elapsed > 0 ? done / elapsed : 0;
	double eta = rate > 0 ? (p->total - done) / rate : NAN;
	char etas[32], losss[32];
	int decile;

	if (p->total <= 0 || p->quiet)
		return;
	report_duration(etas, sizeof etas, eta);
	if (isnan(loss))
		snprintf(losss, sizeof losss, "-");
	else
		snprintf(losss, sizeof losss, "%.3e", loss);
	if (p->tty) {
		char bar[21], line[160];

		report_bar(bar, (double)done / p->total);
		snprintf(line, sizeof line, "[%s] %3d%%  step %ld/%ld  loss %s  "
		    "%.0f steps/s  ETA %s", bar, (int)(100.0 * done / p->total),
		    done, p->total, losss, rate, rate > 0 ? etas : "-");
		report_live_line(line, p->note, &p->drawn);
		return;
	}
	decile = (int)(10 * done / p->total);
	if (decile <= p->last_decile)
		return;
	p->last_decile = decile;
	fprintf(stderr, "memscope %s: %3d%% (%ld/%ld steps), loss %s, "
	    "%.0f steps/s, ETA %s\n", p->cmd, (int)(100.0 * done / p->total),
	    done, p->total, losss, rate, etas);
}

/* Clear the live bar (if any). */
void
report_progress_end(struct report_progress *p)
{
	if (p->quiet)
		return;
	output_signal_note(NULL);
	if (p->tty && p->drawn)
		fprintf(stderr, "\r\033[K");
	fflush(stderr);
	p->drawn = false;
}

/* What an interruption writes: after a newline if a line is up. */
static const char report_reproduce_note[] =
    "\nmemscope reproduce: interrupted\n";

/* Whether a line is up on the terminal, for the note. */
static void
report_reproduce_width(struct report_reproduce *rr, int width)
{
	rr->width = width;
	output_signal_note(report_reproduce_note + (width > 0 ? 0 : 1));
}

/* Start showing reproduce's progress, on stderr. */
void
report_reproduce_start(struct report_reproduce *p, const char *outdir)
{
	memset(p, 0, sizeof *p);
	p->tty = isatty(STDERR_FILENO) == 1;
	p->outdir = outdir;
	output_signal_note(report_reproduce_note + 1);
}

/* Seconds left as "42 s" or "3m07s". */
static void
report_reproduce_left(char *buf, size_t len, double s)
{
	if (isnan(s))
		snprintf(buf, len, "estimating");
	else if (!isfinite(s) || s < 0)
		snprintf(buf, len, "?");
	else if (s < 60)
		snprintf(buf, len, "%.0f s", s);
	else
		snprintf(buf, len, "%dm%02ds", (int)(s / 60), (int)fmod(s, 60));
}

/* The progress hook of reproduce: draw what p says. */
void
report_reproduce_progress(void *ctx, const struct reproduce_progress *p)
{
	struct report_reproduce *rr = ctx;
	char left[32], line[256];
	int n;

	if (p->event == REPRODUCE_TRAINED) {
		if (rr->tty && rr->width > 0) {
			fputs("\r\033[K", stderr);	/* the line has done its job */
			fflush(stderr);
		}
		report_reproduce_width(rr, 0);
		return;
	}
	if (p->event == REPRODUCE_FINISHED) {
		output_signal_note(NULL);
		fprintf(stderr, "memscope reproduce: %d trainings (%.0f steps) in "
		    "%.1f s on %d thread%s; files in %s/\n", p->trainings,
		    p->steps, p->seconds, p->threads, p->threads == 1 ? "" :
		    "s", rr->outdir);
		fflush(stderr);
		return;
	}
	if (!rr->announced) {
		rr->announced = true;
		fprintf(stderr, "memscope reproduce: %d trainings on %d thread%s\n",
		    p->trainings, p->threads, p->threads == 1 ? "" : "s");
	}
	/* without a terminal: a line per finished training */
	if (!rr->tty && (!p->training || p->event == REPRODUCE_JOB_START))
		return;
	report_reproduce_left(left, sizeof left, p->left);
	if (p->training)
		n = snprintf(line, sizeof line, "reproduce: %d/%d trainings; "
		    "fig %s %s L=%d run %d %s; %s left", p->trainings_done,
		    p->trainings, p->figure, p->line, p->depth, p->run,
		    p->event == REPRODUCE_JOB_DONE ? "done" : "training", left);
	else
		n = snprintf(line, sizeof line, "reproduce: %d/%d trainings; "
		    "fig %s baselines run %d; %s left", p->trainings_done,
		    p->trainings, p->figure, p->run, left);
	if (n < 0)
		return;
	if (rr->tty) {
		fprintf(stderr, "\r%s\033[K", line);
		report_reproduce_width(rr, n);
	} else
		fprintf(stderr, "%s\n", line);
	fflush(stderr);
}

/* Whether x can be reported as a result (finite; -inf for a log error). */
bool
report_result_ok(double x, bool log_error)
{
	return isfinite(x) || (log_error && x == -INFINITY);
}

/* The index of the first of n values that report_result_ok refuses, or -1. */
long
report_first_bad(const double *x, size_t n, bool log_error)
{
	for (size_t i = 0; i < n; i++)
		if (!report_result_ok(x[i], log_error))
			return (long)i;
	return -1;
}

/* What to change when method `name` overflowed. */
const char *
report_overflow_hint(const char *name)
{
	static const struct {
		const char *name, *hint;
	} hints[] = {
		{ "model", "the model's predictions overflowed on these tasks" },
		{ "gd", "GD diverged: a smaller --gd-step, or fewer iterations" },
		{ "gd-oracle", "oracle GD diverged: a smaller --gd-step, or "
		    "fewer iterations" },
		{ "momentum", "momentum diverged: a smaller --mom-eta or "
		    "--mom-beta, or fewer iterations" },
		{ "nesterov", "Nesterov diverged: a smaller --nest-eta or "
		    "--nest-beta, or fewer iterations" },
		{ "cg", "the tasks are too ill-conditioned: a smaller kappa" },
		{ "lsq", "the tasks are too ill-conditioned: a smaller kappa" },
	};

	for (size_t i = 0; i < sizeof hints / sizeof hints[0]; i++)
		if (strcmp(name, hints[i].name) == 0)
			return hints[i].hint;
	return "the computation overflowed";
}

/* Refuse the result x with one line on stderr; CLI_EXIT_FAIL. */
int
report_not_finite(const char *cmd, double x, const char *hint,
    const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	fprintf(stderr, "memscope %s: %s is %s, not a finite number (%s); "
	    "nothing was printed or written\n", cmd, what, isnan(x) ? "nan" :
	    x > 0 ? "inf" : "-inf", hint);
	return CLI_EXIT_FAIL;
}
