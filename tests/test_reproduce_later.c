/*
 * reproduce's figures of the later experiments (doc/math.md §8, §11): the
 * theory lines print what src/core/theory*.c compute, a line's own setup
 * (steps, learning rate, points) reaches its training, and the claims are
 * checked. Tiny sizes: the numbers are not the paper's.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "memscope/reproduce.h"
#include "memscope/theory.h"

/* Remove the temp dir. */
static void
rmtree(const char *dir)
{
	char cmd[600];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* Run figures figs at tiny sizes (one run, depths 1..depths); stdout as a
 * string (caller frees), the files in dir (caller removes). */
static char *
run_tiny(const char *figs, int depths, char *dir)
{
	struct reproduce_opts o;
	char err[256], *buf = NULL;
	size_t len = 0;
	FILE *out;
	int rc;

	reproduce_defaults(&o);
	assert_int_equal(reproduce_parse_figures(figs, &o.figures, err,
	    sizeof err), 0);
	o.runs = 1;
	o.depths = depths;
	o.threads = 2;
	o.steps = 15;
	o.batch = 40;
	o.test_batch = 40;
	strcpy(dir, "/tmp/memscope-test-later-XXXXXX");
	assert_non_null(mkdtemp(dir));
	o.outdir = dir;
	out = open_memstream(&buf, &len);
	assert_non_null(out);
	rc = reproduce_run(&o, out, err, sizeof err);
	fclose(out);
	if (rc != 0)
		fail_msg("reproduce_run: %s", err);
	return buf;
}

/* The row of line `name` at depth L in a table: the text after the name
 * (L = 1) or after the L-th row's start; NULL if absent. */
static const char *
row(const char *out, const char *name, int L)
{
	const char *p = strstr(out, name);

	for (int k = 1; p != NULL && k < L; k++) {
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return p;
}

/* Figure direct: the ceiling and per-step GD rows hold the exact values
 * for 19 points, at each K; the claim is checked. */
static void
test_direct_theory_rows(void **state)
{
	static const double ones[5] = { 1, 1, 1, 1, 1 };
	char dir[64], want[32], *out;
	double a[3], mse;

	(void)state;
	out = run_tiny("direct", 3, dir);
	for (int K = 1; K <= 3; K++) {
		const char *p = row(out, "shared-form ceiling", K);

		assert_non_null(p);
		snprintf(want, sizeof want, "%+.3f",
		    log(theory_shared_lfom(5, 19, K, NULL)));
		assert_non_null(strstr(p, want));
		assert_true(strstr(p, want) < strchr(p, '\n'));
		assert_int_equal(theory_schedule(5, 19, K, ones,
		    MS_WSTAR_INVSIGMA, a, &mse), 0);
		snprintf(want, sizeof want, "%+.3f", log(mse));
		p = row(out, "best per-step GD", K);
		assert_non_null(p);
		assert_true(strstr(p, want) != NULL &&
		    strstr(p, want) < strchr(p, '\n'));
	}
	assert_non_null(strstr(out, "is at its form's ceiling"));
	assert_non_null(strstr(out, "reference: the authors' learned LFOM"));
	free(out);
	rmtree(dir);
}

/* Figure 2b's schedule row is the n = 20 schedule, not the 19-point one
 * (its setup does not take the quirks). */
static void
test_schedule_row_points(void **state)
{
	static const double ones[5] = { 1, 1, 1, 1, 1 };
	char dir[64], want[32], *out;
	double a[2], mse;
	const char *p;

	(void)state;
	out = run_tiny("2b", 2, dir);
	assert_int_equal(theory_schedule(5, 20, 2, ones, MS_WSTAR_INVSIGMA, a,
	    &mse), 0);
	snprintf(want, sizeof want, "%+.3f", log(mse));
	p = row(out, "best a_l*inv(Sigma) schedule", 2);
	assert_non_null(p);
	assert_true(strstr(p, want) != NULL && strstr(p, want) <
	    strchr(p, '\n'));
	free(out);
	rmtree(dir);
}

/* Figure direct-cg's claim is checked, on the training prompts. */
static void
test_direct_cg_claim(void **state)
{
	char dir[64], *out;

	(void)state;
	out = run_tiny("direct-cg", 3, dir);
	assert_non_null(strstr(out, "On 10 prompts the learned LFOM"));
	assert_non_null(strstr(out, "direct LFOM B=100"));
	free(out);
	rmtree(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_direct_theory_rows),
		cmocka_unit_test(test_schedule_row_points),
		cmocka_unit_test(test_direct_cg_claim),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
