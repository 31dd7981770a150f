/*
 * A mixture of experts tuned at test time (include/memscope/experts.h).
 *
 * The gated model is an ordinary trainer: the experts' configuration with
 * H heads, gates on, memory none and --freeze attention, so trainer_step
 * moves g alone (the frozen blocks' parameters and moments stay). Its
 * batches are not the trainer's own streams but EXPERTS_STREAM_TUNE and
 * EXPERTS_STREAM_SCORE of the experts' seed: the experts trained on the
 * seed's training stream, and at another scale the same normals would
 * make a tuning batch that is one of theirs, rescaled.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/experts.h"
#include "memscope/warmstart.h"
#include "memscope/xmalloc.h"

void
experts_opts_defaults(struct experts_opts *eo)
{
	memset(eo, 0, sizeof *eo);
	eo->scale = 1.0;
	eo->mean = 0.0;
	eo->steps = 500;
	eo->lr = 0.01;
	eo->batch = 1000;
	eo->score_batch = 1000;
	eo->gate0 = 0.0;
	eo->threads = 1;
}

void
experts_result_free(struct experts_result *r)
{
	free(r->tuned);
	free(r->fresh);
	free(r->tuned_norm);
	free(r->fresh_norm);
	free(r->gates);
	memset(r, 0, sizeof *r);
}

/* The experts agree on everything the gated model shares; -1 if not. */
static int
experts_check(const struct model *const *experts, int H, char *err,
    size_t errlen)
{
	const struct ms_config *c0 = &experts[0]->cfg;

	for (int i = 0; i < H; i++) {
		const struct ms_config *c = &experts[i]->cfg;

		if (c->heads != 1)
			return config_error(err, errlen, "expert %d has %d "
			    "heads: experts have one", i + 1, c->heads);
		if (c->param != c0->param || c->dim != c0->dim ||
		    c->layers != c0->layers || c->context != c0->context)
			return config_error(err, errlen, "expert %d is not "
			    "the same kind of model as expert 1 (param, d, n "
			    "and L must agree)", i + 1);
		if (c->seed != c0->seed || c->data != c0->data ||
		    c->kappa != c0->kappa || c->wstar != c0->wstar)
			return config_error(err, errlen, "expert %d has "
			    "another seed, spectrum or prior than expert 1: "
			    "the experts must share the rotation U and D",
			    i + 1);
	}
	return 0;
}

/* ln MSE after each layer of t's model on tb, raw and normalised. */
static void
experts_score(struct trainer *t, const struct task_batch *tb, double *raw,
    double *norm)
{
	int L = t->model.L;
	double *mse = xdoubles((size_t)L);

	model_evaluate(&t->model, tb, t->pool, mse);
	for (int l = 0; l < L; l++) {
		raw[l] = log(mse[l]);
		norm[l] = trainer_normalised_log(&t->dist, mse[l]);
	}
	free(mse);
}

int
experts_tune(const struct model *const *experts, int H,
    const struct experts_opts *eo, struct trainer *t,
    struct experts_result *res, char *err, size_t errlen)
{
	struct ms_config cfg;
	struct rng r;
	double *g;
	int L;

	memset(res, 0, sizeof *res);
	if (H < 1)
		return config_error(err, errlen, "no experts");
	if (experts_check(experts, H, err, errlen) != 0)
		return -1;
	cfg = experts[0]->cfg;
	cfg.heads = H;
	cfg.gates = true;
	cfg.memory = MS_MEMORY_NONE;
	cfg.freeze = MS_FREEZE_ATTENTION;
	cfg.scale = eo->scale;
	cfg.mean = eo->mean;
	cfg.steps = eo->steps;
	cfg.lr = eo->lr;
	cfg.clip = 0;
	cfg.resample = 0;
	cfg.batch = eo->batch;
	cfg.test_batch = eo->score_batch;
	cfg.threads = eo->threads;
	cfg.runs = 1;
	if (trainer_init_deferred(t, &cfg, err, errlen) != 0)
		return -1;
	if (warmstart_from(&t->model, experts, H, err, errlen) != 0) {
		trainer_free(t);
		return -1;
	}
	g = model_param(&t->model, "gate", -1, -1);
	for (int h = 0; h < H; h++)
		g[h] = isnan(eo->gate0) ? 1.0 / H : eo->gate0;
	/* the batches: drawn here, from streams of their own */
	task_batch_alloc(&t->train, cfg.batch, cfg.context, cfg.dim);
	task_batch_alloc(&t->test, cfg.test_batch, cfg.context, cfg.dim);
	rng_seed(&r, cfg.seed, EXPERTS_STREAM_TUNE);
	task_batch_sample(&t->train, &t->dist, &r);
	rng_seed(&r, cfg.seed, EXPERTS_STREAM_SCORE);
	task_batch_sample(&t->test, &t->dist, &r);
	t->train_due = t->test_due = 0;
	for (int s = 0; s < cfg.steps; s++)
		if (trainer_step(t) != 0)
			break;	/* diverged: the last finite gates */
	L = res->L = cfg.layers;
	res->H = H;
	res->tuned = xdoubles((size_t)L);
	res->fresh = xdoubles((size_t)L);
	res->tuned_norm = xdoubles((size_t)L);
	res->fresh_norm = xdoubles((size_t)L);
	res->gates = xdoubles((size_t)H);
	memcpy(res->gates, g, (size_t)H * sizeof *g);
	experts_score(t, &t->train, res->tuned, res->tuned_norm);
	experts_score(t, &t->test, res->fresh, res->fresh_norm);
	return 0;
}
