/* Tests of the statistics over runs (stats.h): the one mean and sample std. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <cmocka.h>

#include "memscope/stats.h"

/* {2, 4, 4, 4, 5, 5, 7, 9}: mean 5, squares 32; the sample std divides by
 * n - 1 = 7 (population: 32 / 8 = 4, std 2). */
static void
test_stats_sample_std(void **state)
{
	static const double x[] = { 2, 4, 4, 4, 5, 5, 7, 9 };
	double mean, std;

	(void)state;
	stats_mean_std(x, 8, 1, &mean, &std);
	assert_true(mean == 5.0);
	assert_float_equal(std, sqrt(32.0 / 7.0), 1e-15);
	assert_float_equal(std, 2.138089935299395, 1e-15);
}

/* Two values a, b: std |a - b| / sqrt(2); the stride picks every other one. */
static void
test_stats_stride(void **state)
{
	static const double x[] = { 1, 100, 3, -100, 1e9 };
	double mean, std;

	(void)state;
	stats_mean_std(x, 2, 2, &mean, &std);
	assert_true(mean == 2.0);
	assert_float_equal(std, sqrt(2.0), 1e-15);
}

/* One run: no spread (NaN); none: NaN both. */
static void
test_stats_one_run(void **state)
{
	static const double x[] = { 0.25 };
	double mean, std;

	(void)state;
	stats_mean_std(x, 1, 1, &mean, &std);
	assert_true(mean == 0.25);
	assert_true(isnan(std));
	stats_mean_std(x, 0, 1, &mean, &std);
	assert_true(isnan(mean) && isnan(std));
}

/* An exact fit in a run (log error -inf): mean -inf, spread 0. */
static void
test_stats_infinite(void **state)
{
	const double x[] = { -INFINITY, -INFINITY, 1.0 };
	double mean, std;

	(void)state;
	stats_mean_std(x, 3, 1, &mean, &std);
	assert_true(isinf(mean) && mean < 0);
	assert_true(std == 0.0);
}

/* The finite version skips NaN and inf, and counts what it kept. */
static void
test_stats_finite(void **state)
{
	const double x[] = { NAN, 1.0, INFINITY, 3.0, -INFINITY };
	double mean, std;

	(void)state;
	assert_int_equal(stats_mean_std_finite(x, 5, 1, &mean, &std), 2);
	assert_true(mean == 2.0);
	assert_float_equal(std, sqrt(2.0), 1e-15);
	assert_int_equal(stats_mean_std_finite(x, 1, 1, &mean, &std), 0);
	assert_true(isnan(mean) && isnan(std));
}

/* Cells over runs, laid out (run, cell). */
static void
test_stats_runs(void **state)
{
	/* run 0: cells 1, 10; run 1: 3, 10; run 2: 5, 10 */
	static const double v[] = { 1, 10, 3, 10, 5, 10 };
	double mean[2], std[2];

	(void)state;
	stats_runs(3, 2, v, mean, std);
	assert_true(mean[0] == 3.0 && mean[1] == 10.0);
	assert_float_equal(std[0], 2.0, 1e-15);	/* squares 8, / (3 - 1) */
	assert_true(std[1] == 0.0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stats_sample_std),
		cmocka_unit_test(test_stats_stride),
		cmocka_unit_test(test_stats_one_run),
		cmocka_unit_test(test_stats_infinite),
		cmocka_unit_test(test_stats_finite),
		cmocka_unit_test(test_stats_runs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
