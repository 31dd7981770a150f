/*
 * What the headless commands print and write: aligned tables of mean (± std)
 * values, JSON and CSV helpers, and the progress display on stderr.
 */
#ifndef MEMSCOPE_REPORT_H
#define MEMSCOPE_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "memscope/baselines.h"
#include "memscope/config.h"

/*
 * Print a table of nrows × ncols cells over nruns runs, values laid out
 * (run, row, col): each cell the mean over runs, "mean ± std" if nruns > 1,
 * with right-aligned columns.
 */
void report_table_print(FILE *fp, const char *corner,
    const char *const *rows, int nrows, const char *const *cols, int ncols,
    int nruns, const double *values);

/* "±" in a UTF-8 locale, else "+-". */
const char *report_plus_minus(void);

/* n labels prefix + first, prefix + (first + 1), ...; one free() frees all. */
const char **report_numbered(const char *prefix, int first, int n);

/*
 * The per-layer results of runs: logs[(run * REPORT_ROWS + row) * L + l] is
 * the natural log of the mean squared query error at read-out l + 1, row 0
 * the model's and row 1 + b baseline b's after l + 1 iterations.
 */
#define REPORT_ROWS (1 + BASELINE_COUNT)

/* Name of row r of such a table: "model", then the baselines' names. */
const char *report_row_name(int r);
/* The table of mean (± std over runs, if nruns > 1) per row and read-out. */
void report_layers_print(FILE *fp, int L, int nruns, const double *logs);
/* The theory reference lines (theory.h): rows after the methods. */
#define REPORT_THEORY_ROWS 2
struct theory_lines;
/* report_layers_print, then (th not NULL) report_theory_note and th's
 * lines as a table of REPORT_THEORY_ROWS rows of exact values, "-" where a
 * line is not defined. */
void report_layers_print_theory(FILE *fp, int L, int nruns,
    const double *logs, const struct theory_lines *th);
/* The comment lines saying what the theory lines are. */
void report_theory_note(FILE *fp);
/* {"one_layer_optimum": [L], "best_schedule": [L]}: ln of th's lines at
 * read-outs 1..L, null where not defined. */
json_t *report_theory_json(int L, const struct theory_lines *th);
/* One "# name: cost" comment line per method costlier than GD's step. */
void report_cost_notes(FILE *fp);
/* {"model": [L], "gd": [L], ...} of one run's rows, or of the mean or the
 * std over runs (which = 0, 1, 2: run `run`, mean, std). */
json_t *report_layers_json(int L, int nruns, const double *logs, int which,
    int run);

/* Whether cfg's data is shifted: scale not 1 or mean not 0. */
bool report_shifted(const struct ms_config *cfg);
/* With shifted data, after a layers table: the model row as ln(MSE /
 * (d s^2)) (ln MSE less ln(d s^2)), under a comment line; else nothing. */
void report_normalised_print(FILE *fp, const struct ms_config *cfg, int L,
    int nruns, const double *logs);
/* report_layers_json of the same logs less ln(d s^2). */
json_t *report_normalised_json(const struct ms_config *cfg, int L,
    int nruns, const double *logs, int which, int run);

/* One comment line describing the experiment: "# d=5 n=20 L=4 ...";
 * with model false only the task's side (no L, H, param, memory). */
void report_config_line(FILE *fp, const char *cmd,
    const struct ms_config *cfg, bool model);

/* Seconds as "1:02:03" or "2:03" into buf. */
void report_duration(char *buf, size_t len, double s);
/* A bar of 20 cells for the fraction f done ('#' done, '.' to do). */
void report_bar(char bar[21], double f);
/* line on stderr in place of the last one, cut to the terminal's width;
 * the first time (*drawn false) note becomes what an interruption writes. */
void report_live_line(const char *line, const char *note, bool *drawn);

/* Progress of `total` units of work on stderr. Between start and end,
 * SIGINT or SIGTERM ends the display with a line "memscope CMD:
 * interrupted" (after a newline that closes a live bar). */
struct report_progress {
	const char *cmd;
	bool quiet;		/* nothing at all (--quiet) */
	bool tty;		/* a live bar; else a line every ~10% */
	long total;
	int last_decile;	/* last 10% mark printed (not a tty) */
	double start;		/* monotonic seconds */
	bool drawn;		/* a live bar is on the screen */
	char note[80];		/* "\nmemscope CMD: interrupted\n" */
};

/* Start counting `total` units of work for cmd (the clock starts now);
 * with quiet, nothing is shown. */
void report_progress_start(struct report_progress *p, const char *cmd,
    long total, bool quiet);
/* The line that says what runs on how many threads, e.g. "memscope
 * train: 5 runs of 300 steps on 2 threads" (unless quiet). */
void report_progress_threads(const struct report_progress *p, int runs,
    long steps, int threads);
/* done units so far, and the latest training loss (NaN: none yet). */
void report_progress_update(struct report_progress *p, long done,
    double loss);
/* Clear the live bar (if any). */
void report_progress_end(struct report_progress *p);

/* reproduce's progress on stderr (reproduce.h): on a terminal one line
 * rewritten in place as jobs start and end, otherwise a line per finished
 * training; then a closing summary. */
struct report_reproduce {
	bool tty;
	int width;		/* of the line on the terminal; 0: none */
	bool announced;		/* the threads line is out */
	const char *outdir;	/* named in the summary */
};

struct reproduce_progress;
/* Start it; SIGINT or SIGTERM then end it as report_progress's does. */
void report_reproduce_start(struct report_reproduce *p, const char *outdir);
/* The hook (reproduce_opts.progress) for ctx a struct report_reproduce. */
void report_reproduce_progress(void *ctx, const struct reproduce_progress *p);

/*
 * Results that are not numbers. Every headless command checks what it is
 * about to print or write with these before it prints or writes anything,
 * so no table, CSV or JSON holds an overflow (inf, NaN) as a success.
 */

/* Whether x can be reported as a result: a finite number, or -inf where
 * x is the log of an error (log_error) that is exactly 0. */
bool report_result_ok(double x, bool log_error);
/* The index of the first of n values that report_result_ok refuses, or -1. */
long report_first_bad(const double *x, size_t n, bool log_error);
/* What to change when method `name` ("model", "gd", ..., "lsq") overflowed. */
const char *report_overflow_hint(const char *name);
/*
 * Refuse the result x: one line on stderr, "memscope CMD: WHAT is inf, not
 * a finite number (HINT); nothing was printed or written", with WHAT from
 * fmt; returns CLI_EXIT_FAIL.
 */
int report_not_finite(const char *cmd, double x, const char *hint,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
