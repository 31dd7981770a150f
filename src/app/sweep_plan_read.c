/*
 * A plan read back: DIR/sweep.json (doc/formats.md), read once through
 * input_read (so a FIFO or a huge file can neither hang nor exhaust the
 * reader) and validated completely: its format and version, each axis (its
 * key a config key, its values distinct and each config_get's own text of
 * a value config_set takes), each job (an id, settings naming a value of
 * every axis, in row-major order), the ids distinct, and the sweep id the
 * hash of the job ids. Whatever reads results trusts it after that.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "memscope/checkpoint.h"
#include "memscope/config.h"
#include "memscope/input.h"
#include "memscope/sweep.h"
#include "memscope/xmalloc.h"

/* A plan of SWEEP_MAX_JOBS jobs takes about 200 MB as JSON. */
#define SWEEP_PLAN_BYTES ((size_t)1 << 29)
#define SWEEP_PLAN_AXES 64	/* at most one axis per config key */

/* Whether v is a canonical value of axis ax (config_get's own text). */
static bool
sweep_value_ok(const struct sweep_axis *ax, const char *v)
{
	struct ms_config c;
	char text[SWEEP_VALUE_LEN + 8], back[SWEEP_VALUE_LEN + 8];
	bool kappa = strcmp(ax->name, "kappa") == 0;

	config_defaults(&c);
	snprintf(text, sizeof text, "%s%s", kappa ? "kappa:" : "", v);
	if (strlen(v) >= SWEEP_VALUE_LEN || config_set(&c,
	    config_key_name(ax->key), text, NULL, 0) != 0)
		return false;
	config_get(&c, config_key_name(ax->key), back, sizeof back);
	return strcmp(text, back) == 0;
}

/* Compare two values' texts (qsort). */
static int
sweep_cmp_value(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* One axis of the "axes" array into ax; NULL, or what is wrong. */
static const char *
sweep_axis_read(json_t *j, struct sweep_axis *ax)
{
	const char *name = json_string_value(json_object_get(j, "name"));
	const char *key = json_string_value(json_object_get(j, "key"));
	json_t *vals = json_object_get(j, "values");
	size_t n = json_array_size(vals);
	char (*sorted)[SWEEP_VALUE_LEN];
	const char *why = NULL;

	if (name == NULL || key == NULL || strlen(name) >= sizeof ax->name)
		return "an axis without a name or key";
	snprintf(ax->name, sizeof ax->name, "%s", name);
	ax->key = config_key_index(key);
	if (ax->key < 0 || strcmp(config_key_name(ax->key), key) != 0 ||
	    (strcmp(name, key) != 0 && !(strcmp(name, "kappa") == 0 &&
	    strcmp(key, "data") == 0)))
		return "an axis whose key is not a config key (or kappa)";
	if (!json_is_array(vals) || n < 2 || n > SWEEP_MAX_JOBS)
		return "an axis without two values or more";
	ax->values = xcalloc(n, sizeof *ax->values);
	ax->nvalues = (int)n;
	for (size_t v = 0; v < n; v++) {
		const char *s = json_string_value(json_array_get(vals, v));

		if (s == NULL || !sweep_value_ok(ax, s))
			return "an axis value that is not its key's canonical "
			    "text";
		snprintf(ax->values[v], SWEEP_VALUE_LEN, "%s", s);
	}
	/* sorted, a value listed twice has an equal neighbour */
	sorted = xmalloc(n * sizeof *sorted);
	memcpy(sorted, ax->values, n * sizeof *sorted);
	qsort(sorted, n, sizeof *sorted, sweep_cmp_value);
	for (size_t v = 1; v < n && why == NULL; v++)
		if (strcmp(sorted[v - 1], sorted[v]) == 0)
			why = "an axis value listed twice";
	free(sorted);
	return why;
}

/* The axes; NULL, or what is wrong. */
static const char *
sweep_axes_read(json_t *arr, struct sweep_plan *p)
{
	size_t n = json_array_size(arr);
	const char *why;

	if (!json_is_array(arr) || n > SWEEP_PLAN_AXES)
		return "no \"axes\" array (of at most 64)";
	p->axes = xcalloc(n > 0 ? n : 1, sizeof *p->axes);
	p->njobs = 1;
	for (size_t a = 0; a < n; a++) {
		p->naxes = (int)a + 1;
		if ((why = sweep_axis_read(json_array_get(arr, a),
		    &p->axes[a])) != NULL)
			return why;
		for (size_t b = 0; b < a; b++)
			if (strcmp(p->axes[a].name, p->axes[b].name) == 0)
				return "an axis named twice";
		p->njobs *= p->axes[a].nvalues;
		if (p->njobs > SWEEP_MAX_JOBS)
			return "more jobs than a sweep may have";
	}
	return NULL;
}

/* Job k of the "jobs" array; NULL, or what is wrong. */
static const char *
sweep_job_read(json_t *j, long k, struct sweep_plan *p)
{
	const char *id = json_string_value(json_object_get(j, "id"));
	json_t *set = json_object_get(j, "settings");
	int *coord = p->coord + k * p->naxes;
	long rest = k;

	if (!sweep_is_id(id))
		return "a job without an id of 16 hex digits";
	memcpy(p->ids[k], id, SWEEP_ID_LEN + 1);
	if (!json_is_object(set) || json_object_size(set) != (size_t)p->naxes)
		return "a job whose settings are not one value per axis";
	/* row-major: job k's value of the last axis is k % its values */
	for (int a = p->naxes - 1; a >= 0; a--) {
		const struct sweep_axis *ax = &p->axes[a];
		const char *v = json_string_value(json_object_get(set,
		    ax->name));

		coord[a] = (int)(rest % ax->nvalues);
		if (v == NULL || strcmp(v, ax->values[coord[a]]) != 0)
			return "a job whose settings are not the next in job "
			    "order";
		rest /= ax->nvalues;
	}
	return NULL;
}

/* A job's id and index, sorted by id. */
struct sweep_id_at {
	char id[SWEEP_ID_LEN + 1];
	long k;
};

/* Compare two jobs by id (qsort). */
static int
sweep_cmp_by_id(const void *a, const void *b)
{
	return strcmp(((const struct sweep_id_at *)a)->id,
	    ((const struct sweep_id_at *)b)->id);
}

/* The jobs, their ids distinct and hashing to the sweep id. */
static const char *
sweep_jobs_read(json_t *arr, struct sweep_plan *p)
{
	char sid[SWEEP_ID_LEN + 1];
	struct sweep_id_at *sorted;
	const char *why = NULL;

	if (!json_is_array(arr) || json_array_size(arr) != (size_t)p->njobs)
		return "no \"jobs\" array with one job per combination of the "
		    "axes";
	p->ids = xcalloc((size_t)p->njobs, sizeof *p->ids);
	p->coord = xcalloc((size_t)(p->njobs * (p->naxes > 0 ? p->naxes :
	    1)), sizeof *p->coord);
	p->by_id = xcalloc((size_t)p->njobs, sizeof *p->by_id);
	for (long k = 0; k < p->njobs; k++)
		if ((why = sweep_job_read(json_array_get(arr, (size_t)k), k,
		    p)) != NULL)
			return why;
	sorted = xmalloc((size_t)p->njobs * sizeof *sorted);
	for (long k = 0; k < p->njobs; k++) {
		memcpy(sorted[k].id, p->ids[k], sizeof sorted[k].id);
		sorted[k].k = k;
	}
	qsort(sorted, (size_t)p->njobs, sizeof *sorted, sweep_cmp_by_id);
	for (long k = 0; k < p->njobs; k++) {
		p->by_id[k] = sorted[k].k;
		if (k > 0 && strcmp(sorted[k - 1].id, sorted[k].id) == 0)
			why = "a job id listed twice";
	}
	free(sorted);
	if (why != NULL)
		return why;
	sweep_plan_id((const char (*)[SWEEP_ID_LEN + 1])p->ids, p->njobs,
	    sid);
	if (strcmp(sid, p->id) != 0)
		return "its id is not the hash of its job ids";
	return NULL;
}

/* The whole document into p; NULL, or what is wrong (perhaps in buf). */
static const char *
sweep_plan_parse(json_t *root, struct sweep_plan *p, char *buf, size_t len)
{
	const char *format = json_string_value(json_object_get(root,
	    "format"));
	const char *id = json_string_value(json_object_get(root, "id"));
	const char *file = json_string_value(json_object_get(root, "file"));
	json_t *version = json_object_get(root, "version");
	const char *why;

	if (format == NULL || strcmp(format, "memscope-sweep") != 0)
		return "not a memscope sweep plan (no \"format\": "
		    "\"memscope-sweep\")";
	if (!json_is_integer(version) || json_integer_value(version) != 1)
		return "a version other than 1";
	if (!sweep_is_id(id) || file == NULL ||
	    !json_is_string(json_object_get(root, "memscope_version")))
		return "no \"id\" of 16 hex digits, \"file\" or "
		    "\"memscope_version\"";
	memcpy(p->id, id, SWEEP_ID_LEN + 1);
	p->file = xstrdup(file);
	if (!json_is_object(json_object_get(root, "base")))
		return "no \"base\" configuration";
	if (checkpoint_read_config_keys(json_object_get(root, "base"),
	    &p->base, buf, len) != 0)
		return buf;	/* "config: ..." */
	if ((why = sweep_axes_read(json_object_get(root, "axes"), p)) != NULL)
		return why;
	return sweep_jobs_read(json_object_get(root, "jobs"), p);
}

/* Read and validate DIR/sweep.json; -2 if there is none. */
int
sweep_plan_read(struct sweep_plan *p, const char *dir, char *err,
    size_t errlen)
{
	static const struct input_limits lim = { "a sweep plan",
	    SWEEP_PLAN_BYTES, 0, INPUT_WAIT_MS };
	size_t plen = strlen(dir) + 16, len;
	char *path = xmalloc(plen), *text, bad[256];
	const char *why;
	json_error_t jerr;
	json_t *root;
	struct stat st;

	memset(p, 0, sizeof *p);
	snprintf(path, plen, "%s/sweep.json", dir);
	if (lstat(path, &st) != 0 && errno == ENOENT) {
		config_error(err, errlen, "%s: no such file (plan the sweep "
		    "first: memscope sweep plan FILE --out %s)", path, dir);
		free(path);
		return -2;
	}
	if (input_read(path, &lim, &text, &len, err, errlen) != 0) {
		free(path);
		return -1;
	}
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	free(text);
	if (root == NULL) {
		snprintf(bad, sizeof bad, "not JSON (line %d: %s)", jerr.line,
		    jerr.text);
		why = bad;
	} else
		why = sweep_plan_parse(root, p, bad, sizeof bad);
	if (why != NULL) {
		config_error(err, errlen, "%s: %s", path, why);
		sweep_plan_free(p);
	}
	json_decref(root);
	free(path);
	return why != NULL ? -1 : 0;
}

/* Free what sweep_plan_read allocated. */
void
sweep_plan_free(struct sweep_plan *p)
{
	for (int a = 0; p->axes != NULL && a < p->naxes; a++)
		free(p->axes[a].values);
	free(p->axes);
	free(p->file);
	free(p->ids);
	free(p->coord);
	free(p->by_id);
	memset(p, 0, sizeof *p);
}

/* Job j's configuration: the base, then its value of every axis. */
int
sweep_plan_job(const struct sweep_plan *p, long j, struct ms_config *cfg,
    char *err, size_t errlen)
{
	char id[SWEEP_ID_LEN + 1], msg[320];

	*cfg = p->base;
	for (int a = 0; a < p->naxes; a++)
		if (sweep_axis_set(cfg, &p->axes[a], p->coord[(size_t)j *
		    p->naxes + a], msg, sizeof msg) != 0)
			return config_error(err, errlen, "job %s: %s", p->ids[j],
			    msg);
	cfg->runs = 1;
	if (config_validate(cfg, msg, sizeof msg) != 0)
		return config_error(err, errlen, "job %s: %s", p->ids[j], msg);
	sweep_job_id(cfg, id);
	if (strcmp(id, p->ids[j]) != 0)
		return config_error(err, errlen, "job %s: the plan's settings "
		    "hash to %s (sweep.json was changed: plan again)",
		    p->ids[j], id);
	return 0;
}

/* The index of job id in the plan, or -1. */
long
sweep_plan_find(const struct sweep_plan *p, const char *id)
{
	long lo = 0, hi = p->njobs - 1;

	while (lo <= hi) {
		long mid = lo + (hi - lo) / 2;
		int c = strcmp(p->ids[p->by_id[mid]], id);

		if (c == 0)
			return p->by_id[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}
