/*
 * --compare's expansion (cli_compare.h): one key gives a run per value,
 * two keys the cross product with the first key's values slowest; each
 * value is checked as its option checks it, each run as a configuration;
 * unknown keys, repeated keys or values, empty values and more runs than
 * the room are refused naming what is accepted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "memscope/cli_compare.h"
#include "memscope/config.h"

static int
expand(const char *a, const char *b, struct ms_config *out, char *err)
{
	struct ms_config base;
	const char *specs[2] = { a, b };

	config_defaults(&base);
	err[0] = '\0';
	return cli_compare_expand(&base, specs, b != NULL ? 2 : 1, out,
	    CLI_COMPARE_MAX, err, 512);
}

static void
test_one_key(void **state)
{
	struct ms_config out[CLI_COMPARE_MAX], base;
	char err[512];

	(void)state;
	config_defaults(&base);
	assert_int_equal(expand("memory=none,cgd,lfom", NULL, out, err), 3);
	assert_int_equal(out[0].memory, MS_MEMORY_NONE);
	assert_int_equal(out[1].memory, MS_MEMORY_CGD);
	assert_int_equal(out[2].memory, MS_MEMORY_LFOM);
	/* everything else is the base's */
	assert_int_equal(out[2].heads, base.heads);
	assert_int_equal(out[2].layers, base.layers);
	assert_int_equal(expand("data=iso,kappa:100", NULL, out, err), 2);
	assert_int_equal(out[0].data, MS_DATA_ISO);
	assert_int_equal(out[1].data, MS_DATA_KAPPA);
	assert_true(out[1].kappa == 100);
}

static void
test_cross_product(void **state)
{
	struct ms_config out[CLI_COMPARE_MAX];
	char err[512];

	(void)state;
	assert_int_equal(expand("heads=1,2", "memory=none,cgd,lfom", out,
	    err), 6);
	assert_int_equal(out[0].heads, 1);
	assert_int_equal(out[0].memory, MS_MEMORY_NONE);
	assert_int_equal(out[2].heads, 1);
	assert_int_equal(out[2].memory, MS_MEMORY_LFOM);
	assert_int_equal(out[3].heads, 2);
	assert_int_equal(out[3].memory, MS_MEMORY_NONE);
	assert_int_equal(out[5].heads, 2);
	assert_int_equal(out[5].memory, MS_MEMORY_LFOM);
}

static void
test_refused(void **state)
{
	struct ms_config out[CLI_COMPARE_MAX];
	char err[512];

	(void)state;
	assert_int_equal(expand("colour=red,blue", NULL, out, err), -1);
	assert_non_null(strstr(err, "unknown key 'colour'"));
	assert_non_null(strstr(err, "memory, heads, layers, param, data"));
	assert_int_equal(expand("memory", NULL, out, err), -1);
	assert_non_null(strstr(err, "KEY=V1,V2"));
	/* a value its option refuses: the option's own message */
	assert_int_equal(expand("memory=none,cgx", NULL, out, err), -1);
	assert_non_null(strstr(err, "cgx"));
	assert_non_null(strstr(err, "lfom"));
	assert_int_equal(expand("heads=1,0", NULL, out, err), -1);
	assert_non_null(strstr(err, "heads"));
	assert_int_equal(expand("heads=1,,2", NULL, out, err), -1);
	assert_non_null(strstr(err, "empty value"));
	assert_int_equal(expand("heads=1,2,1", NULL, out, err), -1);
	assert_non_null(strstr(err, "1 given twice"));
	assert_int_equal(expand("heads=1,2", "heads=3", out, err), -1);
	assert_non_null(strstr(err, "heads given twice"));
	/* 3 x 3 = 9 runs: one more than the room */
	assert_int_equal(expand("heads=1,2,3", "memory=none,cgd,lfom", out,
	    err), -1);
	assert_non_null(strstr(err, "9 runs"));
	assert_int_equal(expand("layers=1,2,3,4,5,6,7,8,9", NULL, out, err),
	    -1);
	assert_non_null(strstr(err, "more than 8"));
}

static void
test_invalid_run(void **state)
{
	struct ms_config out[CLI_COMPARE_MAX], base;
	const char *specs[2] = { "heads=1,2", "data=iso,paper" };
	char err[512];

	(void)state;
	config_defaults(&base);
	assert_int_equal(cli_compare_expand(&base, specs, 2, out,
	    CLI_COMPARE_MAX, err, sizeof err), 4);
	/* valid values, but not a valid run: paper data needs d = 5 */
	base.dim = 3;
	assert_int_equal(cli_compare_expand(&base, specs, 2, out,
	    CLI_COMPARE_MAX, err, sizeof err), -1);
	assert_non_null(strstr(err, "the run heads=1 data=paper"));
	assert_non_null(strstr(err, "--dim 5"));
	/* the room the caller has */
	assert_int_equal(cli_compare_expand(&base, specs, 1, out, 1, err,
	    sizeof err), -1);
	assert_non_null(strstr(err, "heads=1,2"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_key),
		cmocka_unit_test(test_cross_product),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_invalid_run),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
