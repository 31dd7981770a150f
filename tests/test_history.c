/*
 * history.h: the full history keeps every point; the curve the screens draw
 * is decimated exactly as documented, checked point by point against
 * values derived by hand for a known long history (training loss
 * exp(c·k) at step k, a test loss every 7th step):
 *   - up to P = HISTORY_POINTS steps, one point per step;
 *   - at step P + 2 the P flushed points merge pairwise (geometric means,
 *     the later step), the stride doubles, and step P + 1 stays one point;
 *   - then buckets of two steps, the open bucket published last.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "memscope/history.h"

#define C 1e-3
#define P HISTORY_POINTS

static double
train_at(double k)
{
	return exp(C * k);
}

static bool
has_test(long k)
{
	return k % 7 == 0;
}

static double
test_at(long k)
{
	return 3 * exp(-C * k);
}

/* Steps from+1 .. to into h. */
static void
record(struct history *h, long from, long to)
{
	for (long k = from + 1; k <= to; k++) {
		history_record(h, (double)k, train_at((double)k));
		if (has_test(k))
			history_record_test(h, (double)k, test_at(k));
	}
}

static void
near(double got, double want)
{
	if (isnan(want)) {
		assert_true(isnan(got));
		return;
	}
	assert_true(fabs(got - want) <= 1e-12 * fabs(want));
}

/* Point i of c is the bucket of steps a .. b (the test loss of the one
 * step of it that has one, if any: no bucket here holds two). */
static void
bucket(const struct snapshot_curve *c, int i, long a, long b)
{
	double want_test = NAN;

	assert_true(i < c->n);
	assert_true(c->step[i] == (double)b);
	near(c->train[i], exp(C * (a + b) / 2.0));
	for (long k = a; k <= b; k++)
		if (has_test(k))
			want_test = test_at(k);
	near(c->test[i], want_test);
}

static void
test_curve_point_by_point(void **state)
{
	struct history h;
	struct snapshot_curve c = { 0 };
	int i;

	(void)state;
	history_init(&h);
	history_reset(&h);

	/* P steps: one point each, the last one the open bucket */
	record(&h, 0, P);
	history_curve(&h, &c);
	assert_int_equal(c.n, P);
	for (i = 0; i < P; i++)
		bucket(&c, i, i + 1, i + 1);

	/* P + 2: merged pairs, step P + 1 alone, P + 2 open */
	record(&h, P, P + 2);
	assert_int_equal(h.stride, 2);
	history_curve(&h, &c);
	assert_int_equal(c.n, P / 2 + 2);
	for (i = 0; i < P / 2; i++)
		bucket(&c, i, 2 * i + 1, 2 * i + 2);
	bucket(&c, P / 2, P + 1, P + 1);
	bucket(&c, P / 2 + 1, P + 2, P + 2);

	/* P + 3 + 2m: m buckets of two, then the open one of two */
	record(&h, P + 2, P + 3 + 2 * 10);
	history_curve(&h, &c);
	assert_int_equal(c.n, P / 2 + 1 + 10 + 1);
	for (i = 0; i <= 10; i++)
		bucket(&c, P / 2 + 1 + i, P + 2 + 2 * i, P + 3 + 2 * i);

	/* the full history keeps every step */
	assert_int_equal(h.n, P + 23);
	for (long k = 1; k <= h.n; k++) {
		assert_true(h.step[k - 1] == (double)k);
		assert_true(h.train[k - 1] == train_at((double)k));
		if (has_test(k))
			assert_true(h.test[k - 1] == test_at(k));
		else
			assert_true(isnan(h.test[k - 1]));
	}

	/* a new run starts empty, one point per step again */
	history_reset(&h);
	assert_int_equal(h.n, 0);
	record(&h, 0, 3);
	history_curve(&h, &c);
	assert_int_equal(c.n, 3);
	bucket(&c, 2, 3, 3);

	snapshot_curve_free(&c);
	history_free(&h);
}

/* Losses that are not finite and positive do not enter the means; a test
 * loss before any step makes a point of its own. */
static void
test_undefined_losses(void **state)
{
	struct history h;
	struct snapshot_curve c = { 0 };

	(void)state;
	history_init(&h);
	history_reset(&h);
	history_record_test(&h, 0, 4.0);
	history_record(&h, 1, NAN);
	history_record(&h, 2, 0.0);
	history_record(&h, 3, 2.0);
	history_curve(&h, &c);
	assert_int_equal(h.n, 4);
	assert_int_equal(c.n, 4);
	assert_true(c.step[0] == 0);
	assert_true(isnan(c.train[0]));
	near(c.test[0], 4.0);
	assert_true(isnan(c.train[1]) && isnan(c.train[2]));
	assert_true(isnan(c.test[1]) && isnan(c.test[3]));
	near(c.train[3], 2.0);
	snapshot_curve_free(&c);
	history_free(&h);
}

/* A series offered every step keeps at most SNAPSHOT_SERIES_POINTS
 * points, evenly spaced over the whole run, each with its own values. */
static void
test_series_thinning(void **state)
{
	struct snapshot_series sr;
	double v[3];
	long s;
	int i;

	(void)state;
	memset(&sr, 0, sizeof sr);
	snapshot_series_reset(&sr);
	for (s = 1; s <= 10000; s++) {
		v[0] = s;
		v[1] = -s;
		v[2] = 0.5 * s;
		snapshot_series_append(&sr, (double)s, v, 3);
		assert_true(sr.n <= SNAPSHOT_SERIES_POINTS);
	}
	assert_int_equal(sr.k, 3);
	/* 10000 steps in at most 512 points: a stride of 32 */
	assert_int_equal(sr.stride, 32);
	assert_int_equal(sr.n, 10000 / 32);
	for (i = 0; i < sr.n; i++) {
		assert_true(sr.step[i] == 32.0 * (i + 1));
		assert_true(sr.v[3 * i] == sr.step[i]);
		assert_true(sr.v[3 * i + 1] == -sr.step[i]);
		assert_true(sr.v[3 * i + 2] == 0.5 * sr.step[i]);
	}
	/* a different count of values is not mixed in */
	snapshot_series_append(&sr, 10016, v, 2);
	assert_int_equal(sr.n, 10000 / 32);
	/* after a reset it starts afresh with the new count */
	snapshot_series_reset(&sr);
	snapshot_series_append(&sr, 7, v, 2);
	assert_int_equal(sr.n, 1);
	assert_int_equal(sr.k, 2);
	snapshot_series_free(&sr);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_curve_point_by_point),
		cmocka_unit_test(test_undefined_losses),
		cmocka_unit_test(test_series_thinning),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
