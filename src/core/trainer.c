/*
 * A training run. Streams of the run's seed: the rotation U, the training
 * batches, the test batch and the initial parameters each come from their own
 * stream (rng.h), so the test tasks do not depend on how long one trains.
 *
 * Interruption (the visualizer's worker). A batch draw the run owes its
 * stream is counted in train_due / test_due and made by trainer_prepare;
 * a draw, a step and a test stop early when *cancel is raised and leave
 * the run exactly as it was before them (the generator states included),
 * so doing them again later gives the same bits as an uninterrupted run.
 * Because the streams are separate and a draw takes the same number of
 * normals whatever the spectrum, owing draws and making them later is the
 * same as making them at once.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/trainer.h"
#include "memscope/xmalloc.h"

#include "clones.h"

/* --freeze attention: the mask of the blocks Adam updates (memory and
 * gates; config_validate made sure there is one). */
static void
trainer_freeze(struct trainer *t)
{
	const struct model *m = &t->model;

	if (t->cfg.freeze == MS_FREEZE_NONE)
		return;
	t->train_mask = xmalloc(m->nparams);
	for (int k = 0; k < m->nblocks; k++)
		memset(t->train_mask + m->blocks[k].offset,
		    !model_block_is_attention(&m->blocks[k]),
		    (size_t)m->blocks[k].rows * m->blocks[k].cols);
}

/* Adam's hint of where the gradients can be non-zero (model_grad_reach). */
static void
trainer_reach(struct trainer *t)
{
	size_t *r = xmalloc(2 * (size_t)t->model.nblocks * sizeof *r);

	adam_set_reach(&t->adam, r, model_grad_reach(&t->model, r));
	free(r);
}

/* Set up a run from cfg but draw no batch yet: they are owed. */
int
trainer_init_deferred(struct trainer *t, const struct ms_config *cfg,
    char *err, size_t errlen)
{
	struct rng rinit;

	memset(t, 0, sizeof *t);
	if (config_validate(cfg, err, errlen) != 0)
		return -1;
	t->cfg = *cfg;
	if (task_dist_init(&t->dist, cfg, err, errlen) != 0)
		return -1;
	rng_seed(&t->rng_train, cfg->seed, RNG_STREAM_TRAIN);
	rng_seed(&t->rng_test, cfg->seed, RNG_STREAM_TEST);
	/* the batches are allocated (a gigabyte for a large model: it
	 * takes a while to clear) and drawn by trainer_prepare */
	t->train_due = t->test_due = 1;
	model_init(&t->model, cfg);
	rng_seed(&rinit, cfg->seed, RNG_STREAM_INIT);
	model_init_params(&t->model, &rinit);
	adam_init(&t->adam, t->model.nparams, cfg->lr);
	t->adam.beta1 = cfg->adam_beta1;
	t->adam.beta2 = cfg->adam_beta2;
	t->adam.wd = cfg->weight_decay;
	trainer_reach(t);
	t->pool = pool_create(cfg->threads);
	t->backup = xdoubles(t->model.nparams);
	trainer_freeze(t);
	t->train_loss = NAN;
	t->first_loss = NAN;
	return 0;
}

int
trainer_init(struct trainer *t, const struct ms_config *cfg, char *err,
    size_t errlen)
{
	if (trainer_init_deferred(t, cfg, err, errlen) != 0)
		return -1;
	trainer_prepare(t);	/* no cancel flag yet: always completes */
	return 0;
}

/* Watch *cancel (NULL: nothing) in draws, steps and tests. */
void
trainer_set_cancel(struct trainer *t, const atomic_int *cancel)
{
	t->cancel = cancel;
	t->model.cancel = cancel;
}

/* Draw batch tb from stream *r the *due times it is owed, noting in *from
 * where the stream stood before the last draw; 0, or TRAINER_INTERRUPTED
 * with the draw under way undone. */
static int
trainer_draw_owed(struct trainer *t, struct task_batch *tb, struct rng *r,
    struct rng *from, int *due)
{
	while (*due > 0) {
		struct rng before = *r;

		if (task_batch_sample_cancel(tb, &t->dist, r, t->cancel) != 0)
			return TRAINER_INTERRUPTED;
		*from = before;
		(*due)--;
	}
	return 0;
}

/* Make the batch draws the run owes; 0, or TRAINER_INTERRUPTED. */
int
trainer_prepare(struct trainer *t)
{
	const struct ms_config *c = &t->cfg;

	if (t->train.X == NULL)
		task_batch_alloc(&t->train, c->batch, c->context, c->dim);
	if (t->test.X == NULL)
		task_batch_alloc(&t->test, c->test_batch, c->context, c->dim);
	if (trainer_draw_owed(t, &t->train, &t->rng_train, &t->train_from,
	    &t->train_due) != 0)
		return TRAINER_INTERRUPTED;
	return trainer_draw_owed(t, &t->test, &t->rng_test, &t->test_from,
	    &t->test_due);
}

/* Whether the run owes no batch draw. */
bool
trainer_ready(const struct trainer *t)
{
	return t->train_due == 0 && t->test_due == 0;
}

void
trainer_free(struct trainer *t)
{
	pool_free(t->pool);
	model_free(&t->model);
	adam_free(&t->adam);
	task_batch_free(&t->train);
	task_batch_free(&t->test);
	task_dist_free(&t->dist);
	free(t->backup);
	free(t->train_mask);
	memset(t, 0, sizeof *t);
}

/* Whether p[0..n) are all finite: no value has its exponent bits all set
 * (Inf, NaN). Integer bit tests, so that the loop vectorizes (a floating
 * test did not), built for AVX-512, AVX2 and the baseline. */
static bool CORE_CLONES
all_finite(const double *restrict p, size_t n)
{
	const uint64_t exp = UINT64_C(0x7ff0000000000000);
	uint64_t bad = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t b;

		memcpy(&b, &p[i], sizeof b);
		bad |= (b & exp) == exp;
	}
	return bad == 0;
}

int
trainer_step(struct trainer *t)
{
	struct model *m = &t->model;
	struct rng before;
	bool redraw;
	double loss;

	if (t->diverged)
		return 1;
	if (trainer_prepare(t) != 0)
		return TRAINER_INTERRUPTED;
	before = t->rng_train;
	redraw = t->cfg.resample > 0 && t->step > 0 &&
	    t->step % t->cfg.resample == 0;
	if (redraw && task_batch_sample_cancel(&t->train, &t->dist,
	    &t->rng_train, t->cancel) != 0)
		return TRAINER_INTERRUPTED;
	loss = model_loss_grad(m, &t->train, t->pool);
	if (m->interrupted) {
		/* the redraw (if any) is made again by the next attempt; until
		 * then train_from still names the batch a checkpoint restores,
		 * the one whose state the stream has gone back to */
		t->rng_train = before;
		return TRAINER_INTERRUPTED;
	}
	if (redraw)
		t->train_from = before;
	if (!isfinite(loss) || !all_finite(m->grads, m->nparams)) {
		/* these parameters already give a non-finite loss: go back to
		 * the ones before the last update, whose loss was finite */
		if (t->step > 0)
			memcpy(m->params, t->backup, m->nparams * sizeof(double));
		t->diverged = true;
		return 1;
	}
	t->train_loss = loss;
	if (isnan(t->first_loss))
		t->first_loss = loss;
	memcpy(t->backup, m->params, m->nparams * sizeof(double));
	if (t->cfg.clip > 0)
		clip_blocks(m, t->cfg.clip);
	adam_step_masked(&t->adam, m->params, m->grads, t->train_mask);
	t->step++;
	if (!all_finite(m->params, m->nparams)) {
		memcpy(m->params, t->backup, m->nparams * sizeof(double));
		t->diverged = true;
		return 1;
	}
	return 0;
}

double
trainer_zero_loss(const struct trainer *t)
{
	const struct task_dist *dist = &t->dist;
	int d = dist->d;
	double s = dist->scale, mu2 = dist->mean * dist->mean, tr = 0.0;
	double v1 = 0.0, sig1 = 0.0;

	/* invsigma: y_q = w_raw'x_raw (U D^-1 and U D cancel); coordinates
	 * independent with E[g_j g_k] = s [j = k] + mu^2, so E[y^2] =
	 * d (s + mu^2)^2 + d (d - 1) mu^4 = d s^2 + 2 d s mu^2 + d^2 mu^4 */
	if (dist->wstar == MS_WSTAR_INVSIGMA)
		return d * s * s + 2.0 * d * s * mu2 + (double)d * d * mu2 * mu2;
	/* identity: w* = w_raw, x = U D x_raw; E[y^2] = tr(E[ww'] E[xx']) with
	 * E[ww'] = s I + mu^2 11', E[xx'] = s Sigma + mu^2 v v', v = U D 1:
	 * s^2 tr(Sigma) + s mu^2 (|v|^2 + 1'Sigma 1) + mu^4 (1'v)^2 */
	for (int k = 0; k < d; k++)
		tr += dist->D[k] * dist->D[k];
	if (mu2 == 0.0)
		return s * s * tr;
	for (int i = 0; i < d; i++) {
		double vi = 0.0;

		for (int k = 0; k < d; k++)
			vi += dist->U[i * d + k] * dist->D[k];
		v1 += vi;
	}
	for (int k = 0; k < d; k++) {
		double uk = 0.0;	/* (U' 1)_k */

		for (int i = 0; i < d; i++)
			uk += dist->U[i * d + k];
		sig1 += dist->D[k] * dist->D[k] * uk * uk;
	}
	/* |v|^2 = tr(Sigma), U being orthogonal */
	return s * s * tr + s * mu2 * (tr + sig1) + mu2 * mu2 * v1 * v1;
}

/* ln(d s^2): the log of the labels' mean square at --scale s, the
 * zero-mean E[y_q^2] of the invsigma prior (doc/math.md §8.1). */
double
trainer_label_log(int d, double s)
{
	return log(d * s * s);
}

/* ln(mse / (d s^2)), as ln mse - ln(d s^2) (the tables' way): the loss on
 * the labels' own scale. */
double
trainer_normalised_log(const struct task_dist *dist, double mse)
{
	return log(mse) - trainer_label_log(dist->d, dist->scale);
}

bool
trainer_diverged(const struct trainer *t, char *why, size_t len)
{
	double zero = trainer_zero_loss(t), ref;

	if (t->diverged) {
		if (why != NULL)
			snprintf(why, len, "the training loss is not finite at "
			    "step %ld", t->step + 1);
		return true;
	}
	if (isnan(t->first_loss))	/* no step yet */
		return false;
	ref = t->first_loss > zero ? t->first_loss : zero;
	if (!(t->train_loss > TRAINER_DIVERGED_FACTOR * ref))
		return false;
	if (why != NULL && ref == t->first_loss)
		snprintf(why, len, "the training loss ended at %.3g, more than "
		    "%.0f times its first value %.3g", t->train_loss,
		    TRAINER_DIVERGED_FACTOR, t->first_loss);
	else if (why != NULL)
		snprintf(why, len, "the training loss ended at %.3g, more than "
		    "%.0f times %.3g, the loss of predicting 0 (its first value "
		    "was %.3g)", t->train_loss, TRAINER_DIVERGED_FACTOR, zero,
		    t->first_loss);
	return true;
}

/* The training-batch redraws of the first `steps` steps of cfg. */
long
trainer_redraws(const struct ms_config *cfg, long steps)
{
	return cfg->resample > 0 && steps > 0 ? (steps - 1) / cfg->resample :
	    0;
}

/* n redraws of the training batch, as resampling steps make them. */
void
trainer_redraw(struct trainer *t, long n)
{
	for (long k = 0; k < n; k++) {
		t->train_from = t->rng_train;
		task_batch_sample(&t->train, &t->dist, &t->rng_train);
	}
}

int
trainer_test(struct trainer *t, double *layer_mse)
{
	if (trainer_prepare(t) != 0)
		return TRAINER_INTERRUPTED;
	model_evaluate(&t->model, &t->test, t->pool, layer_mse);
	return t->model.interrupted ? TRAINER_INTERRUPTED : 0;
}

int
trainer_set_data(struct trainer *t, const struct ms_config *cfg, char *err,
    size_t errlen)
{
	struct ms_config next = t->cfg;

	next.data = cfg->data;
	next.kappa = cfg->kappa;
	next.wstar = cfg->wstar;
	if (config_validate(&next, err, errlen) != 0)
		return -1;
	if (task_dist_set_spectrum(&t->dist, &next, err, errlen) != 0)
		return -1;
	t->cfg = next;
	t->model.cfg.data = next.data;
	t->model.cfg.kappa = next.kappa;
	t->model.cfg.wstar = next.wstar;
	t->first_loss = NAN;	/* new data, new scale: it begins again here */
	t->train_due++;
	t->test_due++;
	trainer_prepare(t);	/* what it leaves undone stays owed */
	return 0;
}
