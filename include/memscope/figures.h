/*
 * The paper's figures as data (doc/math.md §5, §7): for each figure its
 * lines (a model trained at every depth, or a classical baseline run for as
 * many iterations), what it is evaluated on, and the values read off the
 * paper's plots; and the protocol's sizes. reproduce.c plans and runs them.
 */
#ifndef MEMSCOPE_FIGURES_H
#define MEMSCOPE_FIGURES_H

#include <float.h>
#include <stdbool.h>
#include <stddef.h>

#include "memscope/baselines.h"
#include "memscope/config.h"
#include "memscope/model.h"

#define FIGURES_MAX_LINES 8
#define FIGURES_MAX_DEPTH 6	/* the deepest figure (3): L = 1..6 */
#define FIGURES_PAPER_DEPTHS 4	/* the paper reports L = 1..4 */
#define FIGURES_STEPS 1000	/* optimizer steps, both protocols */
#define FIGURES_BATCH 1000	/* training prompts, unless a line says */
#define FIGURES_TEST_BATCH 1000
#define FIGURES_TEXT_CLIP 0.01	/* the paper's text: clip 0.01, */
#define FIGURES_TEXT_RESAMPLE 100	/* batch redrawn every 100 steps */
/* Errors below this are double round-off: counted as it (log -72.1). */
#define FIGURES_MSE_FLOOR (DBL_EPSILON * DBL_EPSILON)

/* A line is a model trained at every depth, a classical baseline run for
 * as many iterations, or a value computed from the configuration alone
 * (a theory line: the same for every run, so without spread). */
enum figure_kind { FIGURE_MODEL, FIGURE_BASELINE, FIGURE_THEORY };

#define FIGURES_MAX_PARENTS 4

/* A line's work on its parents' trained models (figure_line's
 * from_parents). */
typedef int figure_from_parents_fn(const struct model *const *parents,
    int np, const struct ms_config *cfg, double *test, double *train,
    char *err, size_t errlen);

/* One curve of a figure. */
struct figure_line {
	const char *name;	/* CSV model column and legend; no commas */
	enum figure_kind kind;
	enum ms_param param;	/* FIGURE_MODEL */
	enum ms_memory memory;
	int heads;		/* 0: one */
	int batch;		/* training prompts; 0: the protocol's */
	enum baseline method;	/* FIGURE_BASELINE */
	bool on_train;		/* evaluated on the training batch */
	const double *paper;	/* (FIGURES_PAPER_DEPTHS) doc/math.md §7; or NULL */
	/* Changes to the line's training configuration after the protocol's
	 * (learning rate, steps, data law, model kind, ...); NULL: none. It
	 * sees cfg->layers = L and the run's seed. */
	void (*setup)(struct ms_config *cfg);
	/* FIGURE_MODEL: lines trained first, at the same depth and run, whose
	 * trained parameters this model starts from (NULL-terminated). One
	 * parent: every block this model has too (the rest keep their
	 * initial values); several: head h's blocks from parent h. */
	const struct figure_line *parents[FIGURES_MAX_PARENTS + 1];
	/* FIGURE_MODEL with parents, instead of training one model from
	 * them: work on their trained models (parents[0..np)) for the line's
	 * configuration, and give ln mse of the last read-out on fresh
	 * prompts (*test) and on those it was fitted on (*train); 0, or -1
	 * with a message. */
	figure_from_parents_fn *from_parents;
	/* FIGURE_THEORY: the value (ln mse) for the line's configuration at
	 * depth cfg->layers; NaN where the line is not defined. */
	double (*theory)(const struct ms_config *cfg);
	/* The values normalised by the labels' scale: ln(mse / (d s^2)). */
	bool normalised;
	/* FIGURE_MODEL with parents: the value before the line's training,
	 * its parents' model on the line's batches (a two-phase run's
	 * phase-1 model scored on the batch that phase 2 trains on). */
	bool at_start;
};

struct figure {
	const char *id;		/* "1a", ..., "nesterov" */
	const char *title;	/* SVG title */
	const char *what;	/* the experiment, one line */
	const char *ylabel;
	enum ms_data data;
	int depths;
	int nlines;
	struct figure_line lines[FIGURES_MAX_LINES];
	const char *note;	/* printed under the table, or NULL */
	const char *ref;	/* what the paper column holds; NULL:
				 * FIGURES_PAPER_REF */
};

/* The paper column of the original paper's figures. */
#define FIGURES_PAPER_REF "paper: doc/math.md \xc2\xa7" "7 (read off the " \
    "plots, \xc2\xb1" "0.05)"

/* The number of figures. */
int figures_count(void);
/* Figure i (0 <= i < figures_count()). */
const struct figure *figures_get(int i);
/* The figures' names, separated by ", ", into buf (returned). */
const char *figures_names(char *buf, size_t len);
/*
 * Parse a figure list ("all", or names separated by commas: "1b,2a,2b")
 * into a bit mask (bit i: figure i). Returns 0, or -1 with a message naming
 * the accepted values.
 */
int figures_parse(const char *list, unsigned long *mask, char *err,
    size_t errlen);
/* The model a line trains (its kind, memory, heads): the defaults, the
 * line's fields, then its setup; for a line valued at its start, its
 * first parent's. */
void figures_line_model(const struct figure_line *ln, struct ms_config *cfg);
/* The index of the line of f with this name, or -1. */
int figures_line(const struct figure *f, const char *name);

#endif
