/* Tests of the random number generator: reference outputs, streams, moments. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>

#include "memscope/rng.h"

/* xoshiro256** from the state {1, 2, 3, 4}: the reference implementation's outputs. */
static void
test_rng_xoshiro_reference(void **state)
{
	static const uint64_t want[6] = {
		0x2d00ULL, 0x0ULL, 0x5a007080ULL, 0x10e0000000009d80ULL,
		0x10e0b61ce1009d80ULL, 0x870021ce143ad00ULL
	};
	struct rng r = { .s = { 1, 2, 3, 4 } };

	(void)state;
	for (int i = 0; i < 6; i++)
		assert_true(rng_next(&r) == want[i]);
}

/* Pinned first outputs after seeding: a change of generator or seeding fails here. */
static void
test_rng_pinned(void **state)
{
	static const uint64_t want42[4] = {
		0xd2f87623f86f8e11ULL, 0x2ff070181b23daf5ULL,
		0xc1049c48cebd789bULL, 0x8080b679ffc4ba4cULL
	};
	static const uint64_t want0[2] = {
		0xc78b4f5177ddb86bULL, 0x7262e5670215a9e4ULL
	};
	struct rng r;

	(void)state;
	rng_seed(&r, 42, 1);
	for (int i = 0; i < 4; i++)
		assert_true(rng_next(&r) == want42[i]);
	rng_seed(&r, 0, 0);
	for (int i = 0; i < 2; i++)
		assert_true(rng_next(&r) == want0[i]);
}

static void
test_rng_deterministic(void **state)
{
	struct rng a, b;

	(void)state;
	rng_seed(&a, 12345, RNG_STREAM_TRAIN);
	rng_seed(&b, 12345, RNG_STREAM_TRAIN);
	for (int i = 0; i < 1000; i++) {
		assert_true(rng_next(&a) == rng_next(&b));
		/* bitwise: the same doubles, normals with their spares */
		double x = rng_normal(&a), y = rng_normal(&b);

		assert_memory_equal(&x, &y, sizeof x);
		x = rng_uniform(&a);
		y = rng_uniform(&b);
		assert_memory_equal(&x, &y, sizeof x);
	}
	/* reseeding restarts the stream and drops a pending spare */
	rng_seed(&a, 7, 3);
	(void)rng_normal(&a);
	assert_int_equal(a.has_spare, 1);
	rng_seed(&a, 7, 3);
	assert_int_equal(a.has_spare, 0);
	rng_seed(&b, 7, 3);
	assert_true(rng_next(&a) == rng_next(&b));
}

/* Different streams of one seed, and different seeds, give different numbers. */
static void
test_rng_streams_differ(void **state)
{
	enum { S = 20 };
	uint64_t first[S][4];
	struct rng r;

	(void)state;
	for (int s = 0; s < S; s++) {
		/* streams 0..9 of seed 1, then seeds 0..9 of stream 1 */
		if (s < 10)
			rng_seed(&r, 1, (uint64_t)s);
		else
			rng_seed(&r, (uint64_t)(s - 10), 1);
		for (int i = 0; i < 4; i++)
			first[s][i] = rng_next(&r);
	}
	for (int s = 0; s < S; s++)
		for (int t = s + 1; t < S; t++) {
			if (t == 11 && s == 1)
				continue;	/* (1, 1) is in both lists */
			for (int i = 0; i < 4; i++)
				assert_true(first[s][i] != first[t][i]);
		}
	for (int i = 0; i < 4; i++)
		assert_true(first[1][i] == first[11][i]);

	/* neighbouring streams are uncorrelated: their uniforms' correlation */
	{
		struct rng a, b;
		enum { N = 200000 };
		double sab = 0.0;

		rng_seed(&a, 99, RNG_STREAM_TRAIN);
		rng_seed(&b, 99, RNG_STREAM_TEST);
		for (int i = 0; i < N; i++)
			sab += (rng_uniform(&a) - 0.5) * (rng_uniform(&b) - 0.5);
		/* mean of the product: 0 ± (1/12)/sqrt(N) */
		assert_true(fabs(sab / N) < 6.0 * (1.0 / 12.0) / sqrt(N));
	}
}

/* Uniforms are in [0, 1), use the top 53 bits, and have mean 1/2, variance 1/12. */
static void
test_rng_uniform(void **state)
{
	enum { N = 1000000 };
	struct rng a, b;
	double sum = 0.0, sum2 = 0.0, mean, var;
	int low = 0;

	(void)state;
	rng_seed(&a, 2024, RNG_STREAM_USER);
	rng_seed(&b, 2024, RNG_STREAM_USER);
	for (int i = 0; i < N; i++) {
		double u = rng_uniform(&a);
		uint64_t bits = rng_next(&b);

		assert_true(u >= 0.0 && u < 1.0);
		assert_true(u == (double)(bits >> 11) / 9007199254740992.0);
		sum += u;
		sum2 += u * u;
		low += u < 0.1;
	}
	mean = sum / N;
	var = sum2 / N - mean * mean;
	assert_true(fabs(mean - 0.5) < 5.0 * sqrt(1.0 / 12.0 / N));
	/* var of u²: 1/5 − 1/9 = 4/45 */
	assert_true(fabs(var - 1.0 / 12.0) < 5.0 * sqrt(4.0 / 45.0 / N));
	/* P(u < 0.1) = 0.1, binomial error */
	assert_true(fabs((double)low / N - 0.1) < 5.0 * sqrt(0.09 / N));
}

/* Normals: mean 0, variance 1, kurtosis 3, and the two-sided 2σ tail. */
static void
test_rng_normal_moments(void **state)
{
	enum { N = 1000000 };
	struct rng r;
	double s1 = 0.0, s2 = 0.0, s4 = 0.0, mean, var;
	int tail = 0;

	(void)state;
	rng_seed(&r, 31337, RNG_STREAM_TRAIN);
	for (int i = 0; i < N; i++) {
		double z = rng_normal(&r);

		assert_true(isfinite(z));
		s1 += z;
		s2 += z * z;
		s4 += z * z * z * z;
		tail += fabs(z) > 2.0;
	}
	mean = s1 / N;
	var = s2 / N - mean * mean;
	assert_true(fabs(mean) < 5.0 / sqrt(N));
	assert_true(fabs(var - 1.0) < 5.0 * sqrt(2.0 / N));
	/* E z⁴ = 3, var z⁴ = 105 − 9 = 96 */
	assert_true(fabs(s4 / N - 3.0) < 5.0 * sqrt(96.0 / N));
	/* P(|z| > 2) = 0.0455003 */
	assert_true(fabs((double)tail / N - 0.0455003) <
	    5.0 * sqrt(0.0455 * 0.9545 / N));
}

/* Consecutive normals (a polar pair: one returned, one the spare) are uncorrelated. */
static void
test_rng_normal_pairs(void **state)
{
	enum { N = 500000 };
	struct rng r;
	double sxy = 0.0;

	(void)state;
	rng_seed(&r, 5, RNG_STREAM_INIT);
	for (int i = 0; i < N; i++) {
		double x = rng_normal(&r), y = rng_normal(&r);

		sxy += x * y;
	}
	assert_true(fabs(sxy / N) < 5.0 / sqrt(N));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rng_xoshiro_reference),
		cmocka_unit_test(test_rng_pinned),
		cmocka_unit_test(test_rng_deterministic),
		cmocka_unit_test(test_rng_streams_differ),
		cmocka_unit_test(test_rng_uniform),
		cmocka_unit_test(test_rng_normal_moments),
		cmocka_unit_test(test_rng_normal_pairs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
