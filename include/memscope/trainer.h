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
	struct task_batch train;
	struct task_batch test;
	struct model model;
	struct adam adam;
	struct pool *pool;	/* cfg.threads workers */
	long step;		/* optimizer steps taken */
	double train_loss;	/* batch loss at the last step, before its update */
	bool diverged;		/* a non-finite loss or parameter was met */
	double *backup;		/* (nparams) parameters before the last update */
	int train_due, test_due;	/* batch draws owed to each stream */
	const atomic_int *cancel;	/* trainer_set_cancel; NULL: none */
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

/* Mean squared query error after each layer on the test batch: mse[ℓ-1].
 * 0, or TRAINER_INTERRUPTED (layer_mse untouched). */
int trainer_test(struct trainer *t, double *layer_mse);

/* Switch the data distribution (data, kappa, wstar of cfg), keeping U; the
 * training and test batches are redrawn (if *cancel interrupts that, the
 * draws stay owed: trainer_prepare). Training continues from here. */
int trainer_set_data(struct trainer *t, const struct ms_config *cfg, char *err,
    size_t errlen);

#endif
