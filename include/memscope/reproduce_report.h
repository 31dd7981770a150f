/*
 * What reproduce's results become (reproduce.h): per figure a table of
 * memscope's mean ± std beside the paper's values, a CSV and an SVG; then
 * the paper's claims (doc/math.md §7) checked on the means.
 */
#ifndef MEMSCOPE_REPRODUCE_REPORT_H
#define MEMSCOPE_REPRODUCE_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "memscope/figures.h"
#include "memscope/reproduce.h"

/* One figure's values over depths L = 1..D and runs 0..K-1. */
struct reproduce_result {
	const struct figure *fig;
	int D, K;
	double *val;		/* (nlines, D, K) log mse (floored) */
	double *mean;		/* (nlines, D) over the finite runs */
	double *std;		/* (nlines, D) sample std over them (stats.h) */
	int *finite;		/* (nlines, D) finite runs */
	int *floored;		/* (nlines, D) runs at the floor */
	int *diverged;		/* (nlines, D) trainings that diverged */
};

/* The opening lines: protocol, runs, baselines' context points (of
 * `context`), and the overrides if any. */
void reproduce_report_header(FILE *out, const struct reproduce_opts *o,
    int context);
/* The table of one figure: memscope's mean ± std beside the paper's
 * values, marking those beyond 2 std + 0.05. */
void reproduce_report_table(FILE *out, const struct reproduce_opts *o,
    const struct reproduce_result *r);
/* The paper's claims, checked on the means of the n figures run. */
void reproduce_report_claims(FILE *out, const struct reproduce_opts *o,
    const struct reproduce_result *res, int n);

/* Writers for dir_write (dir.h), ctx a struct reproduce_result: the
 * figure's CSV (a row per run), its summary CSV (a row per line and depth:
 * mean and std over the runs) and its SVG; 0 or -1. */
int reproduce_report_csv(FILE *f, const void *ctx);
int reproduce_report_summary_csv(FILE *f, const void *ctx);
int reproduce_report_svg(FILE *f, const void *ctx);

#endif
