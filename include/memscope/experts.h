/*
 * A mixture of experts tuned at test time (doc/math.md §8.5): one-head
 * models trained at scales s_1..s_H become the heads of one gated H-head
 * model, whose attention is frozen while only the gates g train, for some
 * Adam steps on a batch of the shifted distribution; it is then scored on
 * a fresh batch (or, as the authors did, on the tuning batch itself).
 */
#ifndef MEMSCOPE_EXPERTS_H
#define MEMSCOPE_EXPERTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "memscope/model.h"
#include "memscope/trainer.h"

/* Streams of the experts' seed for the tuning and the scoring batch:
 * neither is a stream the experts trained or were tested on. */
#define EXPERTS_STREAM_TUNE (RNG_STREAM_USER + 14)
#define EXPERTS_STREAM_SCORE (RNG_STREAM_USER + 15)

struct experts_opts {
	double scale, mean;	/* the shifted distribution's s and mu */
	int steps;		/* Adam steps on g (the authors': 500) */
	double lr;		/* (0.01) */
	int batch;		/* tuning prompts (1000) */
	int score_batch;	/* scoring prompts (1000) */
	double gate0;		/* g at the start (default 0, the authors'
				 * choice: the model starts by predicting 0;
				 * NAN: 1/H, the experts' average) */
	int threads;
};

/* The defaults above: s 1, mu 0, 500 steps, lr 0.01, batches 1000,
 * g = 0, one thread. */
void experts_opts_defaults(struct experts_opts *eo);

/* What experts_tune measured: ln MSE after each layer (L) on the tuning
 * batch and on the fresh scoring batch, the same normalised by d s^2,
 * and the tuned gates (H). Arrays allocated here: experts_result_free. */
struct experts_result {
	int L, H;
	double *tuned;		/* (L) ln MSE on the tuning batch */
	double *fresh;		/* (L) ln MSE on the scoring batch */
	double *tuned_norm;	/* (L) ln(MSE / (d s^2)), tuning batch */
	double *fresh_norm;	/* (L) the same, scoring batch */
	double *gates;		/* (H) */
};

void experts_result_free(struct experts_result *r);

/*
 * Build in t the gated H-head model from the one-head experts[0..H) (same
 * d, L, parametrization, seed, data and prior: they share the rotation U),
 * heads copied, memory none, attention frozen; tune only g for eo->steps
 * Adam steps on a batch of N(mu, s I) raw draws (the experts' U and D),
 * then score it on that batch and on a fresh one. 0, or -1 with a
 * message (t then holds nothing to free). t is the caller's to free.
 */
int experts_tune(const struct model *const *experts, int H,
    const struct experts_opts *eo, struct trainer *t,
    struct experts_result *res, char *err, size_t errlen);

#endif
