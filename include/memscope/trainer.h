/*
 * One training run: the task distribution, the batches, the model and Adam,
 * stepped by the caller (the headless commands loop; the engine thread steps
 * it between commands). No threads of its own beyond the compute pool.
 */
#ifndef MEMSCOPE_TRAINER_H
#define MEMSCOPE_TRAINER_H

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
	bool diverged;		/* a non-finite loss or parameter was met */
	double *backup;		/* (nparams) parameters before the last update */
};

/* Set up a run from cfg (validated here): rotation, batches, initial parameters. */
int trainer_init(struct trainer *t, const struct ms_config *cfg, char *err,
    size_t errlen);
void trainer_free(struct trainer *t);

/*
 * One Adam step on the training batch (redrawn first if cfg.resample says so).
 * Returns 0, or 1 if training diverged: the parameters are then those of the
 * last finite loss and t->diverged is set. A diverged trainer does not step.
 */
int trainer_step(struct trainer *t);

/* Mean squared query error after each layer on the test batch: mse[ℓ-1]. */
void trainer_test(struct trainer *t, double *layer_mse);

/* Redraw the batches from the stream states they were drawn from (as a
 * checkpoint holds them), which also puts each stream where it stood after
 * its draw; a batch already drawn from that state is kept. */
void trainer_restore_batches(struct trainer *t, const struct rng *train_from,
    const struct rng *test_from);

/* Switch the data distribution (data, kappa, wstar of cfg), keeping U; the
 * training and test batches are redrawn. Training continues from here. */
int trainer_set_data(struct trainer *t, const struct ms_config *cfg, char *err,
    size_t errlen);

#endif
