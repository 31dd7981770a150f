/*
 * One training run: the task distribution, the batches, the model and Adam,
 * stepped by the caller (the headless commands loop; the engine thread steps
 * it between commands). No threads of its own beyond the compute pool.
 */
#ifndef MEMSCOPE_TRAINER_H
#define MEMSCOPE_TRAINER_H

#include <stdatomic.h>
#include <stdbool.h>

#include "memscope/config.h"
#include "memscope/model.h"
#include "memscope/optim.h"
#include "memscope/pool.h"
#include "memscope/rng.h"
#include "memscope/task.h"

struct trainer {
	struct ms_config cfg;
	struct task_dist dist;
	struct rng rng_train;	/* training batches */
	struct rng rng_test;	/* test batches */
	struct rng train_from;	/* rng_train just before `train` was drawn */
	struct rng test_from;	/* rng_test just before `test` was drawn */
	struct task_batch train;
	struct task_batch test;
	struct model model;
	struct adam adam;
	struct pool *pool;	/* cfg.threads workers */
	long step;		/* optimizer steps taken */
	double train_loss;	/* batch loss at the last step, before its update */
	double first_loss;	/* train_loss of this trainer's first step (NaN:
				 * none yet; again NaN after trainer_set_data) */
	bool diverged;		/* a non-finite loss or parameter was met */
	double *backup;		/* (nparams) parameters before the last update */
	int train_due, test_due;	/* batch draws owed to each stream */
	const atomic_int *cancel;	/* trainer_set_cancel; NULL: none */
	unsigned char *train_mask;	/* (nparams) cfg.freeze: 1 where Adam
					 * updates; NULL: everywhere */
};

/* What a draw, step or test returns when *cancel stopped it: nothing was
 * changed (as if it had not been called); it can be called again. */
#define TRAINER_INTERRUPTED 2

/* Set up a run from cfg (validated here): rotation, batches, initial parameters. */
int trainer_init(struct trainer *t, const struct ms_config *cfg, char *err,
    size_t errlen);
/* The same without drawing the batches (large ones take seconds): they are
 * owed, and made by trainer_prepare or the first step or test. */
int trainer_init_deferred(struct trainer *t, const struct ms_config *cfg,
    char *err, size_t errlen);
void trainer_free(struct trainer *t);

/* Let another thread interrupt this run's draws, steps and tests by
 * raising *cancel (NULL: never); they then return TRAINER_INTERRUPTED
 * within one task's work and may be called again. */
void trainer_set_cancel(struct trainer *t, const atomic_int *cancel);
/* Make the batch draws the run owes: 0, or TRAINER_INTERRUPTED (the draws
 * made so far count, the interrupted one does not). */
int trainer_prepare(struct trainer *t);
/* Whether the run owes no batch draw. */
bool trainer_ready(const struct trainer *t);

/*
 * One Adam step on the training batch (redrawn first if cfg.resample says so).
 * Returns 0, or 1 if training diverged: the parameters are then those of the
 * last finite loss and t->diverged is set. A diverged trainer does not step.
 * TRAINER_INTERRUPTED: *cancel stopped it; the run is as it was before.
 */
int trainer_step(struct trainer *t);

/*
 * Divergence, defined here once for every caller (train, reproduce, the
 * visualizer). A run has diverged if a loss or parameter was not finite
 * (t->diverged), or if its final training loss is more than
 * TRAINER_DIVERGED_FACTOR times its reference
 *
 *     max(first_loss, trainer_zero_loss(t)),
 *
 * where first_loss is the loss of the first step (at the initial
 * parameters, which are of order 1e-4 and predict about 0) and the zero
 * loss is the expected loss of predicting 0, E[y_q^2]. Taking the larger of
 * the two keeps a small first batch that happened to be easy (--batch 1
 * with --resample) from making ordinary batch noise look like divergence.
 * 100: a model whose error is 100 times that of predicting 0 (10 times the
 * labels' scale) has learnt nothing and is running away. Measured with the
 * defaults (1000 steps) before choosing it: ordinary runs end far below 1x
 * (0.009x at lr 0.3, 0.2x at lr 1), runaway ones far above 100x (630x at
 * lr 2, 7.5e3x at lr 3, 2.4e9x at lr 10, 1.6e27x at lr 100); 300 runs of
 * --batch 1 --resample 1 ended at most at 7x.
 */
#define TRAINER_DIVERGED_FACTOR 100.0

/* E[y_q^2], the loss of predicting 0: d s^2 + 2 d s mu^2 + d^2 mu^4 for
 * the invsigma prior of w* (d at s = 1, mu = 0), s^2 tr(Sigma) + ... for
 * the identity prior (doc/math.md §8.1). */
double trainer_zero_loss(const struct trainer *t);
/* ln(d s^2), the labels' scale that normalised losses take off: E[y_q^2]
 * of zero-mean invsigma data of dimension d and variance s. */
double trainer_label_log(int d, double s);
/* The normalised log loss ln(mse / (d s^2)) on dist's data. */
double trainer_normalised_log(const struct task_dist *dist, double mse);

/* Whether the run has diverged (see above); if so and why is not NULL, one
 * line saying how ("the training loss ended at ..."), without a newline. */
bool trainer_diverged(const struct trainer *t, char *why, size_t len);

/* The training-batch redraws the first `steps` steps of a run of cfg
 * make: one before each step s = N, 2N, ... < steps (N = cfg->resample;
 * none without resampling). */
long trainer_redraws(const struct ms_config *cfg, long steps);
/* Make n such redraws without stepping (train_from follows): the training
 * batch a run trained on last, replayed. */
void trainer_redraw(struct trainer *t, long n);

/* Mean squared query error after each layer on the test batch: mse[ℓ-1].
 * 0, or TRAINER_INTERRUPTED (layer_mse untouched). */
int trainer_test(struct trainer *t, double *layer_mse);


/* Switch the data distribution (data, kappa, wstar of cfg), keeping U; the
 * training and test batches are redrawn (if *cancel interrupts that, the
 * draws stay owed: trainer_prepare). Training continues from here. */
int trainer_set_data(struct trainer *t, const struct ms_config *cfg, char *err,
    size_t errlen);

#endif
