/*
 * sweep_result.c: sweep_result_read takes a result as doc/formats.md has
 * it (null read-outs as NaN) and refuses each kind of bad file with a
 * message naming it: not JSON, another format or version, an id that is
 * not the file's, a config that does not hash to it, a bad status, steps,
 * train_loss, timings or sweep id, a metric missing, short, unknown or
 * holding a string, a diverged result without why, a file too large; and
 * says -2 when there is none.
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
#include <jansson.h>

#include "memscope/checkpoint.h"
#include "memscope/sweep.h"
#include "sweep_fixture.h"

/* Job j's result root (freed) is refused by sweep_result_read with a
 * message naming the file and holding want. */
static void
refused_result(const struct sweep_fixture *fx, long j, json_t *root,
    const char *want)
{
	struct sweep_result r;
	char err[768], path[160];

	snprintf(path, sizeof path, "%s/results/%s.json", fx->dir, fx->ids[j]);
	if (root != NULL)
		sfx_put_json(fx, j, root);
	assert_int_equal(sweep_result_read(&r, fx->dir, fx->ids[j], err,
	    sizeof err), -1);
	assert_true(strncmp(err, path, strlen(path)) == 0);
	if (strstr(err, want) == NULL)
		fail_msg("want \"%s\", got \"%s\"", want, err);
}

/* A result of job j with metric's read-outs changed: value at k = 2
 * (NULL: read-out 1 removed), or a metric added. */
static json_t *
result_losses(const struct sweep_fixture *fx, long j, const char *metric,
    json_t *value)
{
	json_t *root = sfx_result(fx, j, "ok");
	json_t *a = json_object_get(json_object_get(root, "log_test_loss"),
	    metric);

	if (a == NULL)		/* a metric the format does not have */
		json_object_set_new(json_object_get(root, "log_test_loss"),
		    metric, value);
	else if (value == NULL)
		json_array_remove(a, 0);
	else
		json_array_set_new(a, 1, value);
	return root;
}

/* sweep_result_read refuses each kind of bad file, naming it. */
static void
test_result_refusals(void **state)
{
	struct sweep_fixture *fx = sfx_grid();
	struct sweep_result r;
	char err[768], path[160];
	const char *id = fx->ids[0];
	struct {
		const char *key;	/* set this member of a good result */
		json_t *value;		/* to this (NULL: remove it) */
		const char *want;	/* part of the message */
	} bad[] = {
		{ "format", json_string("memscope-checkpoint"),
		    "not a sweep result (\"format\" is not "
		    "\"memscope-sweep-result\")" },
		{ "version", json_integer(2), "\"version\" must be 1" },
		{ "id", json_string(fx->ids[1]), "not the file's id" },
		{ "config", json_string("x"), "\"config\" is missing or not "
		    "an object" },
		{ "config", checkpoint_config_json(&fx->cfg[1]),
		    "the config hashes to" },
		{ "status", json_string("done"), "\"status\" must be \"ok\" "
		    "or \"diverged\"" },
		{ "steps", json_integer(11), "\"steps\" must be an integer "
		    "from 0 to the config's steps (10)" },
		{ "timings", NULL, "\"timings\" is missing" },
		{ "log_test_loss", NULL, "\"log_test_loss\" is missing" },
		{ "sweep", json_string("xyz"), "\"sweep\" must be a sweep id" },
		{ "memscope_version", NULL, "\"memscope_version\" is missing" },
		{ "train_loss", json_string("0"), "\"train_loss\" is missing "
		    "or not a number" },
	};
	json_t *root;
	FILE *f;

	(void)state;
	snprintf(path, sizeof path, "%s/results/%s.json", fx->dir, id);
	assert_int_equal(sweep_result_read(&r, fx->dir, id, err, sizeof err),
	    -2);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		root = sfx_result(fx, 0, "ok");
		if (bad[i].value == NULL)
			json_object_del(root, bad[i].key);
		else
			json_object_set_new(root, bad[i].key, bad[i].value);
		refused_result(fx, 0, root, bad[i].want);
	}
	/* a metric short of a read-out, a string in it, an unknown one */
	refused_result(fx, 3, result_losses(fx, 3, "cg", NULL),
	    "\"cg\" must be an array of 2 numbers");
	refused_result(fx, 3, result_losses(fx, 3, "lsq", json_string("1")),
	    "\"lsq\"[1] is not a number or null");
	refused_result(fx, 3, result_losses(fx, 3, "adam", json_array()),
	    "unknown metric 'adam'");
	/* a diverged result without why */
	root = sfx_result(fx, 0, "diverged");
	json_object_del(root, "why");
	refused_result(fx, 0, root, "needs \"why\"");
	/* truncated JSON; a huge file (input_read's bound: a FIFO with no
	 * writer is its too, test_input's) */
	sfx_put_file(fx, id, ".json", "{\"format\": \"memscope-sweep-result\"");
	refused_result(fx, 0, NULL, "not valid JSON");
	assert_int_equal(unlink(path), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 0; i < (5 << 20) / 64; i++)
		fprintf(f, "%63s\n", "");
	fclose(f);
	refused_result(fx, 0, NULL, "a sweep result");
	/* and a good one reads, null read-outs as NaN */
	sfx_put_json(fx, 3, result_losses(fx, 3, "gd", json_null()));
	assert_int_equal(sweep_result_read(&r, fx->dir, fx->ids[3], err,
	    sizeof err), 0);
	assert_int_equal(r.layers, 2);
	assert_true(isnan(r.log_loss[1 * 2 + 1]));
	assert_true(r.log_loss[5 * 2 + 0] == 0.5 * 5 * 2 - 1 - 1);
	assert_true(r.seconds == 1.25);
	assert_false(r.diverged);
	sweep_result_free(&r);
	assert_string_equal(sweep_metric_name(0), "model");
	assert_string_equal(sweep_metric_name(2), "gd-oracle");
	assert_null(sweep_metric_name(SWEEP_METRICS));
	sfx_free(fx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_result_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
