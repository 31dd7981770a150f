/*
 * The random number generator: xoshiro256** seeded through splitmix64, with
 * normals by Marsaglia's polar method. The same (seed, stream) pair gives the
 * same numbers on every machine: only integer arithmetic, sqrt and log.
 */
#ifndef MEMSCOPE_RNG_H
#define MEMSCOPE_RNG_H

#include <stdbool.h>
#include <stdint.h>

struct rng {
	uint64_t s[4];
	double spare;		/* the polar method makes normals in pairs */
	int has_spare;
};

/* Independent streams of one seed: tasks, test tasks, parameters, rotation. */
enum rng_stream {
	RNG_STREAM_ROTATION = 1,
	RNG_STREAM_TRAIN = 2,
	RNG_STREAM_TEST = 3,
	RNG_STREAM_INIT = 4,
	RNG_STREAM_TUNE = 5,	/* the separate batch baselines are tuned on */
	RNG_STREAM_USER = 16	/* first free stream number */
};

/* Seed stream `stream` of `seed`. */
void rng_seed(struct rng *r, uint64_t seed, uint64_t stream);
/* Next 64 random bits. */
uint64_t rng_next(struct rng *r);
/* Uniform on [0, 1) with 53 random bits. */
double rng_uniform(struct rng *r);
/* Standard normal. */
double rng_normal(struct rng *r);
/* Whether a and b give the same numbers from here on. */
bool rng_same(const struct rng *a, const struct rng *b);

#endif
