/*
 * A sweep job's result read back (sweep.h): DIR/results/ID.json, as
 * doc/formats.md has it, read once through the one reader (input.h, so a
 * FIFO, a huge file or a slow pipe is refused, never waited on) and
 * validated completely before anything of it is used: the format and its
 * version, the id (the file's name, the "id" member and the hash of the
 * "config" member must agree), the config as a checkpoint's is read back,
 * the status, every metric's L read-outs (null: not a number) and the
 * timings. Members the format does not name are left alone, so a later
 * version may add some.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "memscope/checkpoint.h"
#include "memscope/input.h"
#include "memscope/sweep.h"
#include "memscope/xmalloc.h"

#define SWEEP_RESULT_FORMAT "memscope-sweep-result"
#define SWEEP_RESULT_VERSION 1
/* A result is a few kilobytes; this bounds any file that claims to be one. */
#define SWEEP_RESULT_BYTES ((size_t)1 << 22)

/* Name of metric m: "model", then baseline_name's. */
const char *
sweep_metric_name(int m)
{
	if (m == 0)
		return "model";
	if (m < 0 || m >= SWEEP_METRICS)
		return NULL;
	return baseline_name((enum baseline)(m - 1));
}

/* A number member (null: NaN if nullable) into *out; -1 with a message. */
static int
sweep_result_number(json_t *obj, const char *key, bool nullable,
    double *out, char *err, size_t errlen)
{
	json_t *v = json_object_get(obj, key);

	if (nullable && json_is_null(v)) {
		*out = NAN;
		return 0;
	}
	if (!json_is_number(v))
		return config_error(err, errlen, "\"%s\" is missing or not a "
		    "number", key);
	*out = json_number_value(v);
	return 0;
}

/* "log_test_loss": exactly the SWEEP_METRICS arrays of L numbers or nulls
 * into r->log_loss. */
static int
sweep_result_losses(json_t *obj, struct sweep_result *r, char *err,
    size_t errlen)
{
	const char *key;
	json_t *v;
	int L = r->layers;

	if (!json_is_object(obj))
		return config_error(err, errlen, "\"log_test_loss\" is missing "
		    "or not an object");
	json_object_foreach(obj, key, v) {
		int m = 0;

		while (m < SWEEP_METRICS && strcmp(sweep_metric_name(m), key) != 0)
			m++;
		if (m == SWEEP_METRICS)
			return config_error(err, errlen, "\"log_test_loss\": "
			    "unknown metric '%s'", key);
	}
	for (int m = 0; m < SWEEP_METRICS; m++) {
		const char *name = sweep_metric_name(m);

		v = json_object_get(obj, name);
		if (!json_is_array(v) || json_array_size(v) != (size_t)L)
			return config_error(err, errlen, "\"log_test_loss\": "
			    "\"%s\" must be an array of %d numbers (config "
			    "layers)", name, L);
		for (int k = 0; k < L; k++) {
			json_t *x = json_array_get(v, (size_t)k);

			if (json_is_null(x))
				r->log_loss[m * L + k] = NAN;
			else if (json_is_number(x))
				r->log_loss[m * L + k] = json_number_value(x);
			else
				return config_error(err, errlen,
				    "\"log_test_loss\": \"%s\"[%d] is not a "
				    "number or null", name, k);
		}
	}
	return 0;
}

/* The status, steps, train_loss and timings members. */
static int
sweep_result_run(json_t *root, struct sweep_result *r, char *err,
    size_t errlen)
{
	json_t *v = json_object_get(root, "status"), *tm;
	static const char *const timings[] = { "train_seconds",
	    "evaluate_seconds", "total_seconds" };
	double t = 0.0;

	if (!json_is_string(v) || (strcmp(json_string_value(v), "ok") != 0 &&
	    strcmp(json_string_value(v), "diverged") != 0))
		return config_error(err, errlen, "\"status\" must be \"ok\" "
		    "or \"diverged\"");
	r->diverged = strcmp(json_string_value(v), "diverged") == 0;
	if (r->diverged) {
		v = json_object_get(root, "why");
		if (!json_is_string(v))
			return config_error(err, errlen, "a diverged result "
			    "needs \"why\" (a string)");
		snprintf(r->why, sizeof r->why, "%s", json_string_value(v));
	}
	v = json_object_get(root, "steps");
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > r->cfg.steps)
		return config_error(err, errlen, "\"steps\" must be an "
		    "integer from 0 to the config's steps (%ld)",
		    (long)r->cfg.steps);
	r->steps = (long)json_integer_value(v);
	if (sweep_result_number(root, "train_loss", true, &r->train_loss, err,
	    errlen) != 0)
		return -1;
	tm = json_object_get(root, "timings");
	if (!json_is_object(tm))
		return config_error(err, errlen, "\"timings\" is missing or "
		    "not an object");
	for (int i = 0; i < 3; i++) {
		if (sweep_result_number(tm, timings[i], false, &t, err,
		    errlen) != 0)
			return -1;
		if (!(t >= 0.0))
			return config_error(err, errlen, "\"%s\" must not be "
			    "negative", timings[i]);
	}
	r->seconds = t;		/* the last: total_seconds */
	return 0;
}

/* The members that describe where the result came from: their types. */
static int
sweep_result_origin(json_t *root, char *err, size_t errlen)
{
	json_t *v;

	if (!json_is_string(json_object_get(root, "memscope_version")))
		return config_error(err, errlen, "\"memscope_version\" is "
		    "missing or not a string");
	if (!sweep_is_id(json_string_value(json_object_get(root,
	    "sweep"))))
		return config_error(err, errlen, "\"sweep\" must be a sweep "
		    "id (%d lowercase hex digits)", SWEEP_ID_LEN);
	if ((v = json_object_get(root, "host")) != NULL && !json_is_string(v))
		return config_error(err, errlen, "\"host\" is not a string");
	if ((v = json_object_get(root, "kernels")) != NULL &&
	    !json_is_string(v))
		return config_error(err, errlen, "\"kernels\" is not a string");
	if ((v = json_object_get(root, "threads")) != NULL &&
	    (!json_is_integer(v) || json_integer_value(v) < 1))
		return config_error(err, errlen, "\"threads\" is not a "
		    "positive integer");
	return 0;
}

/* Validate the parsed document root as the result of job id into r. */
static int
sweep_result_parse(json_t *root, const char *id, struct sweep_result *r,
    char *err, size_t errlen)
{
	json_t *v;
	char hash[SWEEP_ID_LEN + 1];

	if (!json_is_object(root))
		return config_error(err, errlen, "not a JSON object");
	v = json_object_get(root, "format");
	if (!json_is_string(v) || strcmp(json_string_value(v),
	    SWEEP_RESULT_FORMAT) != 0)
		return config_error(err, errlen, "not a sweep result "
		    "(\"format\" is not \"%s\")", SWEEP_RESULT_FORMAT);
	v = json_object_get(root, "version");
	if (!json_is_integer(v) || json_integer_value(v) !=
	    SWEEP_RESULT_VERSION)
		return config_error(err, errlen, "\"version\" must be %d (a "
		    "result of another memscope?)", SWEEP_RESULT_VERSION);
	v = json_object_get(root, "id");
	if (!json_is_string(v) || strcmp(json_string_value(v), id) != 0)
		return config_error(err, errlen, "\"id\" is %s%s%s, not the "
		    "file's id %s", json_is_string(v) ? "\"" : "",
		    json_is_string(v) ? json_string_value(v) : "missing",
		    json_is_string(v) ? "\"" : "", id);
	snprintf(r->id, sizeof r->id, "%s", id);
	if (sweep_result_origin(root, err, errlen) != 0 ||
	    checkpoint_read_config(json_object_get(root, "config"), &r->cfg,
	    err, errlen) != 0)
		return -1;
	sweep_job_id(&r->cfg, hash);
	if (strcmp(hash, id) != 0)
		return config_error(err, errlen, "the config hashes to %s, "
		    "not to the id %s", hash, id);
	if (sweep_result_run(root, r, err, errlen) != 0)
		return -1;
	r->layers = r->cfg.layers;
	r->log_loss = xdoubles((size_t)SWEEP_METRICS * r->layers);
	for (int i = 0; i < SWEEP_METRICS * r->layers; i++)
		r->log_loss[i] = NAN;
	v = json_object_get(root, "log_test_loss");
	if (r->diverged && v == NULL)
		return 0;	/* a diverged run has no test losses */
	return sweep_result_losses(v, r, err, errlen);
}

/* Read and validate DIR/results/ID.json; 0, -1 with a message (-2: there
 * is none). */
int
sweep_result_read(struct sweep_result *r, const char *dir, const char *id,
    char *err, size_t errlen)
{
	static const struct input_limits lim = { "a sweep result",
	    SWEEP_RESULT_BYTES, 0, INPUT_WAIT_MS };
	size_t plen = strlen(dir) + SWEEP_ID_LEN + 32, len;
	char *path = xmalloc(plen), *buf, msg[512];
	json_error_t jerr;
	json_t *root;
	struct stat st;
	int rc = -1;

	memset(r, 0, sizeof *r);
	if (!sweep_is_id(id)) {
		free(path);
		return config_error(err, errlen, "'%s' is not a job id (%d "
		    "lowercase hex digits)", id, SWEEP_ID_LEN);
	}
	snprintf(path, plen, "%s/results/%s.json", dir, id);
	if (stat(path, &st) != 0 && errno == ENOENT) {
		config_error(err, errlen, "%s: no such file", path);
		free(path);
		return -2;
	}
	if (input_read(path, &lim, &buf, &len, msg, sizeof msg) != 0) {
		config_error(err, errlen, "%s", msg);
		free(path);
		return -1;
	}
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL)
		config_error(err, errlen, "%s:%d:%d: not valid JSON: %s", path,
		    jerr.line, jerr.column, jerr.text);
	else if (sweep_result_parse(root, id, r, msg, sizeof msg) != 0)
		config_error(err, errlen, "%s: %s", path, msg);
	else
		rc = 0;
	if (rc != 0)
		sweep_result_free(r);
	json_decref(root);
	free(buf);
	free(path);
	return rc;
}

/* Free what sweep_result_read allocated. */
void
sweep_result_free(struct sweep_result *r)
{
	free(r->log_loss);
	r->log_loss = NULL;
}
