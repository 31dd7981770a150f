/*
 * Random in-context linear-regression tasks (doc/math.md §1). A distribution holds
 * the run's rotation U and spectrum D (Σ = U D² Uᵀ); a batch holds B tasks,
 * token-major: task b's token i is the d-vector X[(b*(n+1) + i)*d ...], its
 * label y[b*(n+1) + i]; token n is the query, whose label is the target.
 */
#ifndef MEMSCOPE_TASK_H
#define MEMSCOPE_TASK_H

#include <stdatomic.h>

#include "memscope/config.h"
#include "memscope/rng.h"

struct task_dist {
	int d;
	double *U;		/* (d, d) row-major, orthogonal */
	double *D;		/* (d) standard deviations: eig(Σ) = D² */
	enum ms_wstar wstar;
	double scale;		/* s: variance of x_raw and w_raw (cfg scale) */
	double mean;		/* mu: their mean on every coordinate */
};

struct task_batch {
	int B, n, d;
	double *X;		/* (B, n+1, d) */
	double *y;		/* (B, n+1) true labels, query included */
	double *w;		/* (B, d) each task's w* */
	/* Which contents the arrays hold: a number no other sampling in the
	 * process had, set by task_batch_sample*; 0 when unknown (allocated,
	 * or filled by hand). What the model keys a batch's lane layout on:
	 * whoever changes X or y by hand sets it to 0. */
	unsigned long gen;
};

/* Draw the rotation from (seed, RNG_STREAM_ROTATION) and set the spectrum of cfg. */
int task_dist_init(struct task_dist *dist, const struct ms_config *cfg,
    char *err, size_t errlen);
/* Keep U, change the spectrum (data kind / kappa), the prior of w* and
 * the scale and mean of the raw draws to those of cfg. */
int task_dist_set_spectrum(struct task_dist *dist, const struct ms_config *cfg,
    char *err, size_t errlen);
void task_dist_free(struct task_dist *dist);
/* Σ (d, d) into out. */
void task_dist_sigma(const struct task_dist *dist, double *out);
/* Σ⁻¹ (d, d) into out. */
void task_dist_sigma_inv(const struct task_dist *dist, double *out);

void task_batch_alloc(struct task_batch *tb, int B, int n, int d);
void task_batch_free(struct task_batch *tb);
/* Fill every task of the batch with fresh draws. */
void task_batch_sample(struct task_batch *tb, const struct task_dist *dist,
    struct rng *r);
/* The same, but if *cancel (not NULL) is raised before a task, stop: -1,
 * with *r as it was on entry and the batch's contents undefined; else 0. */
int task_batch_sample_cancel(struct task_batch *tb,
    const struct task_dist *dist, struct rng *r, const atomic_int *cancel);
/* cfg's test batch, the one every command evaluates on: cfg->test_batch
 * tasks (allocated here) from (cfg->seed, RNG_STREAM_TEST), as the trainer
 * of cfg draws it first. */
void task_test_batch(struct task_batch *tb, const struct task_dist *dist,
    const struct ms_config *cfg);

#endif
