/* Tests of the one monotonic clock: it reads CLOCK_MONOTONIC in seconds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <time.h>
#include <cmocka.h>

#include "memscope/clock.h"

static double
test_clock_read(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* A reading lies between two direct readings of CLOCK_MONOTONIC taken
 * around it (no sleeping, no timing: only the order of three reads). */
static void
test_clock_between_reads(void **state)
{
	(void)state;
	for (int i = 0; i < 1000; i++) {
		double before = test_clock_read();
		double t = clock_seconds();
		double after = test_clock_read();

		assert_true(before <= t);
		assert_true(t <= after);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clock_between_reads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
