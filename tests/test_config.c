/* Tests of the experiment configuration: defaults, parsing, INI, validation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "memscope/config.h"
#include "memscope/config_ini.h"

/* Write text to a fresh temporary file; returns its path (static buffer). */
static const char *
write_temp(const char *text)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof path, "/tmp/test_config.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void
test_defaults(void **state)
{
	struct ms_config c;
	char err[256], buf[64];

	(void)state;
	config_defaults(&c);
	assert_int_equal(c.dim, 5);
	assert_int_equal(c.context, 20);
	assert_int_equal(c.layers, 4);
	assert_int_equal(c.heads, 1);
	assert_int_equal(c.param, MS_PARAM_PRE);
	assert_int_equal(c.memory, MS_MEMORY_LFOM);
	assert_int_equal(c.data, MS_DATA_PAPER);
	assert_int_equal(c.wstar, MS_WSTAR_INVSIGMA);
	assert_int_equal(c.batch, 1000);
	assert_int_equal(c.test_batch, 1000);
	assert_int_equal(c.steps, 1000);
	assert_true(c.lr == 0.01);
	assert_true(c.clip == 0);
	assert_int_equal(c.resample, 0);
	assert_int_equal(c.seed, 1);
	assert_int_equal(c.runs, 1);
	assert_int_equal(c.threads, 1);
	assert_false(c.quirks);
	assert_true(c.gd_step == 0);
	assert_true(c.mom_eta == 0.005 && c.mom_beta == 0.9);
	assert_true(c.nest_eta == 0.03 && c.nest_beta == 0.9);
	assert_int_equal(config_validate(&c, err, sizeof err), 0);
	assert_string_equal(config_param_name(c.param), "pre");
	assert_string_equal(config_memory_name(c.memory), "lfom");
	assert_string_equal(config_data_name(&c, buf, sizeof buf), "paper");
	assert_true(config_condition(&c) == 16.0);
}

static void
test_each_key_parses(void **state)
{
	struct ms_config c;
	char err[256], buf[64];

	(void)state;
	config_defaults(&c);
#define SET(k, v) assert_int_equal(config_set(&c, k, v, err, sizeof err), 0)
	SET("dim", "7");
	assert_int_equal(c.dim, 7);
	SET("context", "33");
	assert_int_equal(c.context, 33);
	SET("layers", "64");
	assert_int_equal(c.layers, 64);
	SET("heads", "3");
	assert_int_equal(c.heads, 3);
	SET("param", "scalar");
	assert_int_equal(c.param, MS_PARAM_SCALAR);
	SET("param", "gdpp");
	assert_int_equal(c.param, MS_PARAM_GDPP);
	SET("param", "full");
	assert_int_equal(c.param, MS_PARAM_FULL);
	SET("memory", "none");
	assert_int_equal(c.memory, MS_MEMORY_NONE);
	SET("memory", "cgd");
	assert_int_equal(c.memory, MS_MEMORY_CGD);
	SET("data", "iso");
	assert_int_equal(c.data, MS_DATA_ISO);
	SET("data", "kappa:100");
	assert_int_equal(c.data, MS_DATA_KAPPA);
	assert_true(c.kappa == 100.0);
	assert_true(config_condition(&c) == 100.0);
	SET("data", "kappa:1e1");
	assert_true(c.kappa == 10.0);
	assert_string_equal(config_data_name(&c, buf, sizeof buf), "kappa:10");
	SET("data", "kappa:1");
	assert_true(c.kappa == 1.0);
	SET("wstar", "identity");
	assert_int_equal(c.wstar, MS_WSTAR_IDENTITY);
	SET("batch", "12");
	assert_int_equal(c.batch, 12);
	SET("test-batch", "13");
	assert_int_equal(c.test_batch, 13);
	SET("test_batch", "14");
	assert_int_equal(c.test_batch, 14);
	SET("steps", "0");
	assert_int_equal(c.steps, 0);
	SET("lr", "1e-3");
	assert_true(c.lr == 1e-3);
	SET("clip", "0.01");
	assert_true(c.clip == 0.01);
	SET("resample", "100");
	assert_int_equal(c.resample, 100);
	SET("seed", "9223372036854775807");
	assert_true(c.seed == INT64_MAX);
	SET("runs", "5");
	assert_int_equal(c.runs, 5);
	SET("threads", "256");
	assert_int_equal(c.threads, 256);
	SET("quirks", "yes");
	assert_true(c.quirks);
	SET("quirks", "0");
	assert_false(c.quirks);
	SET("quirks", "TRUE");
	assert_true(c.quirks);
	SET("gd-step", "0.05");
	assert_true(c.gd_step == 0.05);
	SET("mom-eta", "0.1");
	assert_true(c.mom_eta == 0.1);
	SET("mom-beta", "0");
	assert_true(c.mom_beta == 0);
	SET("nest-eta", "2");
	assert_true(c.nest_eta == 2);
	SET("nest-beta", "0.5");
	assert_true(c.nest_beta == 0.5);
#undef SET
}

/* Every key's value, read back as text, sets an identical struct. */
static void
test_get_round_trip(void **state)
{
	struct ms_config a, b;
	char err[256], buf[64];

	(void)state;
	config_defaults(&a);
	assert_int_equal(config_set(&a, "data", "kappa:3.3000000000000003",
	    err, sizeof err), 0);
	a.lr = 0.1 + 0.2;
	a.mom_eta = 1.0 / 3.0;
	a.seed = 12345678901234ULL;
	config_defaults(&b);
	assert_true(config_key_count() == 31);
	assert_null(config_key_name(config_key_count()));
	for (int i = 0; i < config_key_count(); i++) {
		const char *key = config_key_name(i);

		assert_int_equal(config_get(&a, key, buf, sizeof buf), 0);
		assert_int_equal(config_set(&b, key, buf, err, sizeof err), 0);
	}
	assert_memory_equal(&a, &b, sizeof a);
	assert_string_equal(config_data_name(&a, buf, sizeof buf),
	    "kappa:3.3000000000000003");
	assert_int_equal(config_get(&a, "lr", buf, sizeof buf), 0);
	assert_string_equal(buf, "0.30000000000000004");
	assert_int_equal(config_get(&a, "clip", buf, sizeof buf), 0);
	assert_string_equal(buf, "0");
	assert_int_equal(config_get(&a, "mom-beta", buf, sizeof buf), 0);
	assert_string_equal(buf, "0.9");
	a.gd_step = 1e-5;
	assert_int_equal(config_get(&a, "gd-step", buf, sizeof buf), 0);
	assert_string_equal(buf, "1e-05");
	a.gd_step = 1e20;
	assert_int_equal(config_get(&a, "gd-step", buf, sizeof buf), 0);
	assert_string_equal(buf, "1e+20");
	assert_string_equal(config_key_canonical("gd_step"), "gd-step");
	assert_null(config_key_canonical("nope"));
	assert_int_equal(config_get(&a, "nope", buf, sizeof buf), -1);
}

/* A bad value is refused, leaves the field alone and names the option. */
static void
check_bad(const char *key, const char *value, const char *expect)
{
	struct ms_config c, before;
	char err[256] = "";

	config_defaults(&c);
	before = c;
	if (config_set(&c, key, value, err, sizeof err) != -1)
		fail_msg("%s = '%s' was accepted", key, value);
	assert_memory_equal(&c, &before, sizeof c);
	if (strstr(err, expect) == NULL)
		fail_msg("%s = '%s': message '%s' lacks '%s'", key, value, err,
		    expect);
	assert_null(strchr(err, '\n'));
}

static void
test_bad_values(void **state)
{
	(void)state;
	check_bad("dim", "0",
	    "--dim: expected an integer from 1 to 512, got '0'");
	check_bad("dim", "513", "--dim: expected an integer from 1 to 512");
	check_bad("dim", "5x", "--dim");
	check_bad("dim", "", "--dim");
	check_bad("dim", " 5", "--dim");
	check_bad("dim", "99999999999999999999", "--dim");
	check_bad("context", "0", "--context: expected an integer from 1");
	check_bad("layers", "65", "--layers: expected an integer from 1 to 64");
	check_bad("heads", "0", "--heads");
	check_bad("param", "foo", "--param: unknown parametrization 'foo' "
	    "(accepted: scalar, pre, gdpp, full, direct, direct-pairs)");
	check_bad("memory", "lstm", "--memory: unknown memory 'lstm' "
	    "(accepted: none, cgd, lfom, rec)");
	check_bad("data", "gauss", "--data: unknown distribution 'gauss'");
	check_bad("data", "kappa:0.5", "--data: expected kappa:K with K");
	check_bad("data", "kappa:inf", "--data");
	check_bad("data", "kappa:nan", "--data");
	check_bad("data", "kappa:", "--data");
	check_bad("wstar", "none", "--wstar: unknown prior 'none' "
	    "(accepted: invsigma, identity)");
	check_bad("batch", "0", "--batch");
	check_bad("batch", "-3", "--batch");
	check_bad("test-batch", "0", "--test-batch");
	check_bad("test_batch", "1.5", "--test-batch");
	check_bad("steps", "-1", "--steps");
	check_bad("lr", "0", "--lr: expected a finite number > 0, got '0'");
	check_bad("lr", "inf", "--lr");
	check_bad("lr", "nan", "--lr");
	check_bad("lr", "1e999", "--lr");
	check_bad("lr", "0.01abc", "--lr");
	check_bad("clip", "-1", "--clip");
	check_bad("resample", "-1", "--resample");
	check_bad("seed", "-1", "--seed: expected an integer from 0 to");
	check_bad("seed", "9223372036854775808", "--seed");
	check_bad("seed", "1e3", "--seed");
	check_bad("runs", "0", "--runs");
	check_bad("threads", "0", "--threads: expected an integer from 1 to 256");
	check_bad("threads", "257", "--threads");
	check_bad("quirks", "maybe", "--quirks: expected true or false");
	check_bad("gd-step", "-0.1", "--gd-step");
	check_bad("mom-eta", "0", "--mom-eta");
	check_bad("mom-beta", "1", "--mom-beta");
	check_bad("nest-eta", "-1", "--nest-eta");
	check_bad("nest-beta", "-0.5", "--nest-beta");
	check_bad("colour", "red", "unknown option '--colour'");
	/* a value with control characters is quoted on one line */
	check_bad("param", "pre\nfull", "unknown parametrization 'pre?full'");
	check_bad("data", "kappa:\r\n5", "got 'kappa:??5'");
	check_bad("co\nlour", "red", "unknown option '--co?lour'");
}

static void
test_ini(void **state)
{
	struct ms_config c, before;
	char err[512];
	const char *path;

	(void)state;
	config_defaults(&c);
	path = write_temp("; an experiment\n"
	    "dim = 8\n"
	    "data = kappa:10\n"
	    "[training]\n"
	    "steps = 50   ; inline comment\n"
	    "test_batch = 77\n"
	    "[other]\n"
	    "quirks = yes\n"
	    "# done\n");
	assert_int_equal(config_load_ini(&c, path, NULL, err, sizeof err), 0);
	unlink(path);
	assert_int_equal(c.dim, 8);
	assert_int_equal(c.data, MS_DATA_KAPPA);
	assert_true(c.kappa == 10);
	assert_int_equal(c.steps, 50);
	assert_int_equal(c.test_batch, 77);
	assert_true(c.quirks);

	/* unknown key: file and line named, config untouched */
	config_defaults(&c);
	before = c;
	path = write_temp("dim = 6\n\nlayerz = 3\n");
	assert_int_equal(config_load_ini(&c, path, NULL, err, sizeof err), -1);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, ":3: unknown key 'layerz'"));
	assert_memory_equal(&c, &before, sizeof c);
	unlink(path);

	/* bad value: the option's own message, with file and line */
	path = write_temp("[x]\nparam = foo\n");
	assert_int_equal(config_load_ini(&c, path, NULL, err, sizeof err), -1);
	assert_non_null(strstr(err, ":2: --param: unknown parametrization"));
	unlink(path);

	/* a line that is not key = value */
	path = write_temp("dim = 5\njust words\nlayers = 2\n");
	assert_int_equal(config_load_ini(&c, path, NULL, err, sizeof err), -1);
	assert_non_null(strstr(err, ":2: expected 'key = value'"));
	unlink(path);

	/* a syntax error before a bad key: the first error is reported */
	path = write_temp("oops\nfoo = 1\n");
	assert_int_equal(config_load_ini(&c, path, NULL, err, sizeof err), -1);
	assert_non_null(strstr(err, ":1: expected 'key = value'"));
	unlink(path);

	/* a missing file */
	assert_int_equal(config_load_ini(&c, "/nonexistent/x.ini", NULL, err,
	    sizeof err), -1);
	assert_non_null(strstr(err, "/nonexistent/x.ini: "));
	assert_memory_equal(&c, &before, sizeof c);
}

static void
test_validate(void **state)
{
	struct ms_config c;
	char err[512];

	(void)state;
	config_defaults(&c);
	c.dim = 4;
	assert_int_equal(config_validate(&c, err, sizeof err), -1);
	assert_non_null(strstr(err, "--data paper"));
	assert_non_null(strstr(err, "--dim 5"));
	c.data = MS_DATA_ISO;
	assert_int_equal(config_validate(&c, err, sizeof err), 0);
	c.data = MS_DATA_KAPPA;
	c.kappa = 10;
	assert_int_equal(config_validate(&c, err, sizeof err), 0);
	c.dim = 1;
	assert_int_equal(config_validate(&c, err, sizeof err), -1);
	assert_non_null(strstr(err, "--data kappa:K needs --dim 2"));

	/* fields set directly are range-checked with config_set's words */
	config_defaults(&c);
	c.layers = 0;
	assert_int_equal(config_validate(&c, err, sizeof err), -1);
	assert_non_null(strstr(err, "--layers: expected an integer from 1"));
	config_defaults(&c);
	c.lr = -1;
	assert_int_equal(config_validate(&c, err, sizeof err), -1);
	assert_non_null(strstr(err, "--lr"));
	config_defaults(&c);
	c.param = (enum ms_param)9;
	assert_int_equal(config_validate(&c, err, sizeof err), -1);
	assert_non_null(strstr(err, "--param"));

	config_defaults(&c);
	c.context = 1;
	c.quirks = true;
	assert_int_equal(config_validate(&c, err, sizeof err), -1);
	assert_non_null(strstr(err, "--quirks"));
}

static char err_last[512];

/* c is refused for its memory with a one-line message holding want. */
static void
check_memory_refused(const struct ms_config *c, const char *want)
{
	assert_int_equal(config_validate(c, err_last, sizeof err_last), -1);
	if (strstr(err_last, "GiB of memory") == NULL ||
	    strstr(err_last, want) == NULL)
		fail_msg("'%s' lacks '%s'", err_last, want);
	assert_null(strchr(err_last, '\n'));
}

static void
test_memory(void **state)
{
	struct ms_config c;
	char err[512];
	size_t small, big;

	(void)state;
	config_defaults(&c);
	small = config_memory_bytes(&c);
	/* at least the two batches of 1000 tasks of 21 tokens */
	assert_true(small > 2 * 1000 * 21 * 6 * sizeof(double));
	assert_true(small < (size_t)64 << 20);
	c.batch = 2000;
	big = config_memory_bytes(&c);
	assert_true(big > small);

	/* an absurd batch is refused with the size and what to reduce */
	config_defaults(&c);
	c.data = MS_DATA_ISO;
	c.dim = 512;
	c.context = 100000;
	c.batch = 10000000;
	assert_int_equal(config_validate(&c, err, sizeof err), -1);
	assert_non_null(strstr(err, "GiB"));
	assert_non_null(strstr(err, "--batch"));
	assert_null(strchr(err, '\n'));

	/* each kind of size is refused before anything is allocated, and the
	 * message names what to reduce (sizes far beyond any machine) */
	config_defaults(&c);
	c.data = MS_DATA_ISO;
	c.test_batch = 10000000;
	c.context = 100000;
	check_memory_refused(&c, "--test-batch");
	config_defaults(&c);
	c.data = MS_DATA_ISO;
	c.context = 100000;
	c.dim = 512;
	check_memory_refused(&c, "--context");
	config_defaults(&c);
	c.data = MS_DATA_ISO;
	c.dim = 512;
	c.layers = 64;
	c.heads = 64;
	c.param = MS_PARAM_FULL;
	check_memory_refused(&c, "--dim, --layers, --heads");
	config_defaults(&c);
	c.data = MS_DATA_ISO;
	c.dim = 512;
	c.context = 100000;
	c.batch = c.test_batch = 1;
	c.param = MS_PARAM_FULL;
	c.threads = 256;
	check_memory_refused(&c, "--threads");
	/* with several runs, --threads runs that many at once: 256 runs'
	 * batches at the same time */
	config_defaults(&c);
	c.data = MS_DATA_ISO;
	c.batch = 1000000;
	c.context = 1000;
	c.runs = 1000;
	c.threads = 256;
	check_memory_refused(&c, "for the runs going at once");
	assert_non_null(strstr(err_last, "(or --threads"));
	/* the default experiment is not refused */
	config_defaults(&c);
	assert_int_equal(config_validate(&c, err, sizeof err), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_each_key_parses),
		cmocka_unit_test(test_get_round_trip),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_ini),
		cmocka_unit_test(test_validate),
		cmocka_unit_test(test_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
