/*
 * The random number generator.
 *
 * Bits: xoshiro256** (Blackman and Vigna, 2018): 256 bits of state, period
 * 2^256 - 1, output rotl(s1 * 5, 7) * 9. Integer arithmetic only, so every
 * machine produces the same stream.
 *
 * Seeding: a splitmix64 generator is started at seed XOR h(stream), where h
 * is splitmix64's output function applied to the stream number plus a fixed
 * odd constant; its first four outputs are the xoshiro state. Hashing the
 * stream (rather than adding it) means streams s and s + 1 of one seed start
 * at unrelated points, and seed + 1 is not stream + 1 of seed. An all-zero
 * state (a fixed point of xoshiro) cannot arise in practice but is replaced
 * anyway.
 *
 * Uniforms: the top 53 bits of one output times 2^-53, so [0, 1) exactly.
 *
 * Normals: Marsaglia's polar method. Draw u, v uniform on (-1, 1) until
 * 0 < s = u² + v² < 1; then u·m and v·m with m = sqrt(-2 ln s / s) are two
 * independent standard normals. The second is kept in r->spare and returned
 * by the next call, so the sequence depends only on (seed, stream) and the
 * order of calls.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "memscope/rng.h"

static uint64_t
rng_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* splitmix64's output function: a bijective 64-bit mixer. */
static uint64_t
rng_mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* One step of splitmix64. */
static uint64_t
rng_splitmix64(uint64_t *state)
{
	*state += 0x9e3779b97f4a7c15ULL;
	return rng_mix64(*state);
}

/* Seed stream `stream` of `seed`. */
void
rng_seed(struct rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t sm = seed ^ rng_mix64(stream + 0xd1b54a32d192ed03ULL);

	for (int i = 0; i < 4; i++)
		r->s[i] = rng_splitmix64(&sm);
	if ((r->s[0] | r->s[1] | r->s[2] | r->s[3]) == 0)
		r->s[0] = 0x9e3779b97f4a7c15ULL;
	r->spare = 0.0;
	r->has_spare = 0;
}

/* Next 64 random bits. */
uint64_t
rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rng_rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rng_rotl(s[3], 45);
	return result;
}

/* Uniform on [0, 1) with 53 random bits. */
double
rng_uniform(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* Standard normal. */
double
rng_normal(struct rng *r)
{
	double u, v, s, m;

	if (r->has_spare) {
		r->has_spare = 0;
		return r->spare;
	}
	do {
		u = 2.0 * rng_uniform(r) - 1.0;
		v = 2.0 * rng_uniform(r) - 1.0;
		s = u * u + v * v;
	} while (s >= 1.0 || s == 0.0);
	m = sqrt(-2.0 * log(s) / s);
	r->spare = v * m;
	r->has_spare = 1;
	return u * m;
}

/* Whether a and b give the same numbers from here on. */
bool
rng_same(const struct rng *a, const struct rng *b)
{
	return memcmp(a->s, b->s, sizeof a->s) == 0 &&
	    a->has_spare == b->has_spare &&
	    (!a->has_spare || memcmp(&a->spare, &b->spare,
	    sizeof a->spare) == 0);
}
