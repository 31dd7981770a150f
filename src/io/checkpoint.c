/*
 * Checkpoints as JSON (jansson):
 *
 *   { "format": "memscope-checkpoint", "version": 4,
 *     "memscope_version": "0.1" (the program that wrote it; optional),
 *     "config": { every option key: its value },
 *     "seed": S, "step": K, "train_loss": x or null,
 *     "streams": { "train": R, "test": R },
 *     "params": [ { "name", "layer", "head", "rows", "cols",
 *                   "data": [rows*cols numbers, row-major] }, ... ],
 *     "adam": { "t": T, "m": [nparams], "v": [nparams] },
 *     "history": the loss history (optional; checkpoint_history.c),
 *     "checksum": "fnv1a64:0123456789abcdef" }
 *
 * with R = { "state": [four 64-bit words as 16 hex digits], "spare": x,
 * "has_spare": bool }, a generator (rng.h) as it stood just before the
 * current training or test batch was drawn from it. "params" follows the
 * model's block table, so "m" and "v" (in the flat parameter order of that
 * table) line up with it. Reals are written with 17 significant digits,
 * which reads back as the same double.
 *
 * The checksum: 64-bit FNV-1a (offset basis 0xcbf29ce484222325, prime
 * 0x100000001b3, one byte at a time) over the bytes of the file from its
 * first byte up to, not including, the last occurrence of the ten bytes
 * "checksum" (with its quotes), i.e. everything before the checksum member,
 * which is written last; as 16 lowercase hex digits after "fnv1a64:". Any
 * change to the content (a flipped bit, a cut, an edit) is caught before
 * any of it is used; re-indenting the file counts as an edit.
 *
 * Loading reads the whole file once (input_read, at most 1 GiB), tells a
 * truncated file from a corrupted one, checks format, version and checksum,
 * then everything else before any of it is used, and rebuilds the run with
 * trainer_init_deferred from the file's config (the rotation U from the
 * seed, no batch drawn yet). Every
 * count is bounded: "step" (and Adam's "t", equal to it) at most
 * CHECKPOINT_STEP_MAX, so no counter that goes on from it can overflow; the
 * config's values by their options' ranges; every array by the model's
 * shape. The batches are redrawn from "streams", which leaves both streams
 * where the run had them: the cost is one draw of each batch, whatever the
 * step, and a run saved after a change of data (the visualizer's c key,
 * which redraws both batches) resumes with its very batches.
 *
 * Version 3 (the same without "history") and version 2 (without
 * "train_loss" and "streams" too) still load. Its
 * batches can only be had by replaying the run's redraws from the seed
 * (with --resample N the trainer redraws before each step s = N, 2N, ...
 * < K). checkpoint_load does that when it costs at most
 * CHECKPOINT_REPLAY_BUDGET (about a second), and otherwise keeps the first
 * batch and says so in its note; checkpoint_read without CHECKPOINT_REPLAY
 * (eval and step, which use no training batch) never replays. A version-2
 * run saved after a change of data never had its streams recorded: its
 * batches are those of the seed (the note says a version-2 file cannot
 * tell).
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "memscope/output.h"
#include "memscope/checkpoint.h"
#include "memscope/input.h"
#include "memscope/xmalloc.h"

/* the step goes on from a checkpoint's as a long, and through doubles */
_Static_assert(CHECKPOINT_STEP_MAX <= LONG_MAX / 2 &&
    CHECKPOINT_STEP_MAX < (1LL << 53), "CHECKPOINT_STEP_MAX too large");

/* The JSON value of config_get's text: boolean, integer, real or string. */
static json_t *
checkpoint_value_json(const char *text)
{
	char *end;
	long long i;
	double r;

	if (strcmp(text, "true") == 0 || strcmp(text, "false") == 0)
		return json_boolean(text[0] == 't');
	errno = 0;
	i = strtoll(text, &end, 10);
	if (*text != '\0' && *end == '\0' && errno == 0)
		return json_integer(i);
	r = strtod(text, &end);
	if (*text != '\0' && *end == '\0' && isfinite(r))
		return json_real(r);
	return json_string(text);
}

/* The configuration as a JSON object of every option key. */
json_t *
checkpoint_config_json(const struct ms_config *cfg)
{
	json_t *obj = json_object();
	char text[64];

	for (int i = 0; i < config_key_count(); i++) {
		config_get(cfg, config_key_name(i), text, sizeof text);
		json_object_set_new(obj, config_key_name(i),
		    checkpoint_value_json(text));
	}
	return obj;
}

/* A JSON array of n doubles, or NULL if one is not finite. */
static json_t *
checkpoint_reals(const double *x, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++) {
		if (!isfinite(x[i])) {
			json_decref(a);
			return NULL;
		}
		json_array_append_new(a, json_real(x[i]));
	}
	return a;
}

/* A generator's state as R (see the top), or NULL if spare is not finite. */
static json_t *
checkpoint_rng_json(const struct rng *r)
{
	json_t *obj, *words;
	char hex[17];

	if (!isfinite(r->spare))
		return NULL;
	obj = json_object();
	words = json_array();
	for (int i = 0; i < 4; i++) {
		snprintf(hex, sizeof hex, "%016" PRIx64, r->s[i]);
		json_array_append_new(words, json_string(hex));
	}
	json_object_set_new(obj, "state", words);
	/* a spent spare is never read again: 0 */
	json_object_set_new(obj, "spare", json_real(r->has_spare ? r->spare :
	    0.0));
	json_object_set_new(obj, "has_spare", json_boolean(r->has_spare));
	return obj;
}

/* The whole checkpoint as a JSON document, or NULL if a value is not finite. */
static json_t *
checkpoint_json(const struct trainer *t)
{
	const struct model *m = &t->model;
	json_t *train = checkpoint_rng_json(&t->train_from);
	json_t *test = checkpoint_rng_json(&t->test_from);
	json_t *root, *params, *adam, *a, *streams;

	if (train == NULL || test == NULL) {
		json_decref(train);
		json_decref(test);
		return NULL;
	}
	root = json_object();
	params = json_array();
	json_object_set_new(root, "format", json_string(CHECKPOINT_FORMAT));
	json_object_set_new(root, "version", json_integer(CHECKPOINT_VERSION));
	json_object_set_new(root, "memscope_version",
	    json_string(PACKAGE_VERSION));
	json_object_set_new(root, "config", checkpoint_config_json(&t->cfg));
	json_object_set_new(root, "seed", json_integer((json_int_t)t->cfg.seed));
	json_object_set_new(root, "step", json_integer(t->step));
	json_object_set_new(root, "train_loss", isfinite(t->train_loss) ?
	    json_real(t->train_loss) : json_null());
	streams = json_object();
	json_object_set_new(root, "streams", streams);
	json_object_set_new(streams, "train", train);
	json_object_set_new(streams, "test", test);
	json_object_set_new(root, "params", params);
	for (int k = 0; k < m->nblocks; k++) {
		const struct param_block *pb = &m->blocks[k];
		json_t *block;

		a = checkpoint_reals(m->params + pb->offset,
		    (size_t)pb->rows * pb->cols);
		if (a == NULL)
			goto bad;
		block = json_object();
		json_object_set_new(block, "name", json_string(pb->name));
		json_object_set_new(block, "layer", json_integer(pb->layer));
		json_object_set_new(block, "head", json_integer(pb->head));
		json_object_set_new(block, "rows", json_integer(pb->rows));
		json_object_set_new(block, "cols", json_integer(pb->cols));
		json_object_set_new(block, "data", a);
		json_array_append_new(params, block);
	}
	adam = json_object();
	json_object_set_new(root, "adam", adam);
	json_object_set_new(adam, "t", json_integer(t->adam.t));
	if ((a = checkpoint_reals(t->adam.m, t->adam.n)) == NULL)
		goto bad;
	json_object_set_new(adam, "m", a);
	if ((a = checkpoint_reals(t->adam.v, t->adam.n)) == NULL)
		goto bad;
	json_object_set_new(adam, "v", a);
	return root;
bad:
	json_decref(root);
	return NULL;
}

/* 64-bit FNV-1a of n bytes: the checksum's hash. */
uint64_t
checkpoint_fnv1a64(const void *p, size_t n)
{
	const unsigned char *b = p;
	uint64_t h = UINT64_C(0xcbf29ce484222325);

	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

/* Offset of the last "checksum" (quotes included) in buf, or -1. */
long
checkpoint_checksum_offset(const char *buf, size_t len)
{
	static const char key[] = "\"checksum\"";
	size_t klen = sizeof key - 1;

	for (size_t i = len; i >= klen; i--)
		if (memcmp(buf + i - klen, key, klen) == 0)
			return (long)(i - klen);
	return -1;
}

/* Write t to path atomically; 0, or -1 with a message (the target untouched). */
int
checkpoint_save(const char *path, const struct trainer *t, char *err,
    size_t errlen)
{
	return checkpoint_save_history(path, t, NULL, err, errlen);
}

/* Write t and its loss history h (NULL: none) to path atomically. */
int
checkpoint_save_history(const char *path, const struct trainer *t,
    const struct checkpoint_history *h, char *err, size_t errlen)
{
	struct output af;
	json_t *root = checkpoint_json(t), *hj;
	char *text, tail[64];
	size_t len;

	if (root == NULL)
		return config_error(err, errlen, "cannot save '%s': the "
		    "model holds a non-finite number", path);
	if (h != NULL && h->n > 0) {
		if ((hj = checkpoint_history_json(h)) == NULL) {
			json_decref(root);
			return config_error(err, errlen, "cannot save '%s': "
			    "the loss history is not increasing steps with "
			    "losses at least 0 (or has over %d points)", path,
			    CHECKPOINT_HISTORY_MAX);
		}
		json_object_set_new(root, "history", hj);
	}
	text = json_dumps(root, JSON_INDENT(1) | JSON_REAL_PRECISION(17));
	json_decref(root);
	if (text == NULL)
		return config_error(err, errlen, "cannot save '%s': out of "
		    "memory", path);
	/* the object's text ends in "\n}": the checksum member goes before
	 * the brace, last, and covers every byte before its own key */
	len = strlen(text);
	if (len < 2 || strcmp(text + len - 2, "\n}") != 0) {
		free(text);
		return config_error(err, errlen, "cannot save '%s': "
		    "unexpected JSON layout", path);
	}
	text = xrealloc(text, len + 2);
	memcpy(text + len - 2, ",\n ", 4);
	len++;
	if (len + 64 > INPUT_CHECKPOINT_BYTES) {
		free(text);
		return config_error(err, errlen, "cannot save '%s': the "
		    "checkpoint would be %zu bytes, more than the %zu a load "
		    "accepts", path, len + 64, INPUT_CHECKPOINT_BYTES);
	}
	snprintf(tail, sizeof tail, "\"checksum\": \"fnv1a64:%016" PRIx64
	    "\"\n}\n", checkpoint_fnv1a64(text, len));
	if (output_open(&af, path, err, errlen) != 0) {
		free(text);
		return -1;
	}
	if (fwrite(text, 1, len, af.fp) != len || fputs(tail, af.fp) == EOF) {
		free(text);
		return output_fail_write(&af, err, errlen);
	}
	free(text);
	return output_commit(&af, err, errlen);
}

/* The text config_set wants for a config value, or -1 for a bad type. */
static int
checkpoint_value_text(const json_t *v, char *buf, size_t len)
{
	if (json_is_string(v))
		snprintf(buf, len, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, len, "%.17g", json_real_value(v));
	else if (json_is_boolean(v))
		snprintf(buf, len, "%s", json_is_true(v) ? "true" : "false");
	else
		return -1;
	return 0;
}

/* Read a config object's keys into cfg: every key present (but the later
 * ones) and each value valid on its own. */
int
checkpoint_read_config_keys(json_t *obj, struct ms_config *cfg, char *err,
    size_t errlen)
{
	char text[256], msg[512];
	const char *key;
	json_t *v;

	if (!json_is_object(obj))
		return config_error(err, errlen, "\"config\" is missing or "
		    "not an object");
	config_defaults(cfg);
	json_object_foreach(obj, key, v) {
		if (config_key_canonical(key) == NULL ||
		    strcmp(config_key_canonical(key), key) != 0)
			return config_error(err, errlen, "config: unknown "
			    "key '%s'", key);
	}
	for (int i = 0; i < config_key_count(); i++) {
		key = config_key_name(i);
		if ((v = json_object_get(obj, key)) == NULL &&
		    config_key_optional(key))
			continue;	/* an older file: the default */
		if (v == NULL)
			return config_error(err, errlen, "config: key '%s' "
			    "is missing", key);
		if (checkpoint_value_text(v, text, sizeof text) != 0)
			return config_error(err, errlen, "config: '%s' must "
			    "be a number, a string or a boolean", key);
		if (config_set(cfg, key, text, msg, sizeof msg) != 0)
			return config_error(err, errlen, "config: %s", msg);
	}
	return 0;
}

/* Read the "config" object into cfg: its keys, and the whole valid. */
int
checkpoint_read_config(json_t *obj, struct ms_config *cfg, char *err,
    size_t errlen)
{
	char msg[512];

	if (checkpoint_read_config_keys(obj, cfg, err, errlen) != 0)
		return -1;
	if (config_validate(cfg, msg, sizeof msg) != 0)
		return config_error(err, errlen, "config: %s", msg);
	return 0;
}

/* An integer member of obj into *out, or -1 with a message. */
static int
checkpoint_integer(json_t *obj, const char *what, const char *key,
    json_int_t *out, char *err, size_t errlen)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_integer(v))
		return config_error(err, errlen, "%s\"%s\" is missing or "
		    "not an integer", what, key);
	*out = json_integer_value(v);
	return 0;
}

/* n finite numbers of a JSON array into out; -1 with a message naming what. */
static int
checkpoint_numbers(json_t *a, size_t n, double *out, const char *what,
    char *err, size_t errlen)
{
	if (!json_is_array(a))
		return config_error(err, errlen, "%s is missing or not an "
		    "array", what);
	if (json_array_size(a) != n)
		return config_error(err, errlen, "wrong shape: %s has %zu "
		    "numbers, expected %zu", what, json_array_size(a), n);
	for (size_t i = 0; i < n; i++) {
		json_t *v = json_array_get(a, i);

		if (!json_is_number(v) || !isfinite(json_number_value(v)))
			return config_error(err, errlen, "%s[%zu] is not a "
			    "finite number", what, i);
		out[i] = json_number_value(v);
	}
	return 0;
}

/* Check one "params" entry against the model's block pb and copy its data. */
static int
checkpoint_read_block(json_t *obj, int k, const struct param_block *pb,
    double *dst, char *err, size_t errlen)
{
	char what[96];
	json_int_t layer = 0, head = 0, rows = 0, cols = 0;
	json_t *name = json_object_get(obj, "name");

	snprintf(what, sizeof what, "params[%d]: ", k);
	if (!json_is_object(obj))
		return config_error(err, errlen, "params[%d] is not an "
		    "object", k);
	if (!json_is_string(name))
		return config_error(err, errlen, "%s\"name\" is missing or "
		    "not a string", what);
	if (checkpoint_integer(obj, what, "layer", &layer, err, errlen) != 0 ||
	    checkpoint_integer(obj, what, "head", &head, err, errlen) != 0 ||
	    checkpoint_integer(obj, what, "rows", &rows, err, errlen) != 0 ||
	    checkpoint_integer(obj, what, "cols", &cols, err, errlen) != 0)
		return -1;
	if (strcmp(json_string_value(name), pb->name) != 0 ||
	    layer != pb->layer || head != pb->head || rows != pb->rows ||
	    cols != pb->cols)
		return config_error(err, errlen, "wrong shape: params[%d] is "
		    "'%s' layer %" JSON_INTEGER_FORMAT " head %" JSON_INTEGER_FORMAT
		    " (%" JSON_INTEGER_FORMAT "x%" JSON_INTEGER_FORMAT "), but "
		    "the model of this config has '%s' layer %d head %d "
		    "(%dx%d) there", k, json_string_value(name), layer, head,
		    rows, cols, pb->name, pb->layer, pb->head, pb->rows,
		    pb->cols);
	snprintf(what, sizeof what, "params[%d] ('%s' layer %d head %d) data",
	    k, pb->name, pb->layer, pb->head);
	return checkpoint_numbers(json_object_get(obj, "data"),
	    (size_t)pb->rows * pb->cols, dst, what, err, errlen);
}

/* R (see the top) into *r; -1 with a message naming what. */
static int
checkpoint_read_rng(json_t *obj, const char *what, struct rng *r, char *err,
    size_t errlen)
{
	json_t *words, *spare, *has;
	const char *hex;
	char *end;

	if (!json_is_object(obj))
		return config_error(err, errlen, "%s is missing or not an "
		    "object", what);
	words = json_object_get(obj, "state");
	if (!json_is_array(words) || json_array_size(words) != 4)
		return config_error(err, errlen, "%s: \"state\" must be an "
		    "array of 4 words", what);
	for (int i = 0; i < 4; i++) {
		hex = json_string_value(json_array_get(words, i));
		if (hex == NULL || strlen(hex) != 16 ||
		    strspn(hex, "0123456789abcdef") != 16)
			return config_error(err, errlen, "%s: \"state\"[%d] "
			    "must be 16 lowercase hex digits", what, i);
		r->s[i] = strtoull(hex, &end, 16);
	}
	if ((r->s[0] | r->s[1] | r->s[2] | r->s[3]) == 0)
		return config_error(err, errlen, "%s: \"state\" is all "
		    "zero, which no generator reaches", what);
	spare = json_object_get(obj, "spare");
	has = json_object_get(obj, "has_spare");
	if (!json_is_number(spare) || !isfinite(json_number_value(spare)))
		return config_error(err, errlen, "%s: \"spare\" is missing "
		    "or not a finite number", what);
	if (!json_is_boolean(has))
		return config_error(err, errlen, "%s: \"has_spare\" is "
		    "missing or not a boolean", what);
	r->spare = json_number_value(spare);
	r->has_spare = json_is_true(has);
	return 0;
}

/* The batch redraws a version-2 file's run made, and what replaying them
 * costs (multiply-adds and normals, as a double: it cannot overflow). */
static double
checkpoint_replay_cost(const struct trainer *t, long *redraws)
{
	const struct ms_config *c = &t->cfg;

	*redraws = trainer_redraws(c, t->step);
	/* each task: (n + 2) d normals, each token rotated by U */
	return (double)*redraws * c->batch * (c->context + 2.0) * c->dim *
	    (c->dim + 4.0);
}

/* A version-2 file's batches: the seed's, or its redraws replayed. */
static void
checkpoint_replay(struct trainer *t, unsigned flags,
    struct checkpoint_info *info)
{
	long redraws;
	double cost = checkpoint_replay_cost(t, &redraws);

	if (redraws == 0)
		return;
	if ((flags & CHECKPOINT_REPLAY) == 0) {
		info->exact = false;
		snprintf(info->note, sizeof info->note, "a version-2 "
		    "checkpoint: its training batch was not restored");
		return;
	}
	if (cost > CHECKPOINT_REPLAY_BUDGET) {
		info->exact = false;
		snprintf(info->note, sizeof info->note, "a version-2 "
		    "checkpoint: its training batch is not restored (that "
		    "would replay %ld redraws); training goes on from the "
		    "first batch, and a save writes version %d, which "
		    "resumes exactly", redraws, CHECKPOINT_VERSION);
		return;
	}
	trainer_redraw(t, redraws);
	info->replayed = redraws;
}

/* Everything after the config: step, streams, blocks, Adam; into a fresh
 * trainer. */
static int
checkpoint_read_state(json_t *root, int version, struct trainer *t,
    char *err, size_t errlen)
{
	struct model *m = &t->model;
	struct rng train_from, test_from;
	json_t *params = json_object_get(root, "params");
	json_t *adam = json_object_get(root, "adam");
	json_t *streams = json_object_get(root, "streams"), *loss;
	json_int_t step = 0, adam_t = 0;

	if (checkpoint_integer(root, "", "step", &step, err, errlen) != 0)
		return -1;
	if (step < 0 || step > CHECKPOINT_STEP_MAX)
		return config_error(err, errlen, "\"step\" must be an "
		    "integer from 0 to %lld (got %" JSON_INTEGER_FORMAT ")",
		    (long long)CHECKPOINT_STEP_MAX, step);
	if (version >= 3) {
		if (!json_is_object(streams))
			return config_error(err, errlen, "\"streams\" is "
			    "missing or not an object");
		if (checkpoint_read_rng(json_object_get(streams, "train"),
		    "streams: \"train\"", &train_from, err, errlen) != 0 ||
		    checkpoint_read_rng(json_object_get(streams, "test"),
		    "streams: \"test\"", &test_from, err, errlen) != 0)
			return -1;
		loss = json_object_get(root, "train_loss");
		if (!json_is_null(loss) && (!json_is_number(loss) ||
		    !isfinite(json_number_value(loss)) ||
		    json_number_value(loss) < 0))
			return config_error(err, errlen, "\"train_loss\" "
			    "must be a finite number >= 0 or null");
		if (json_is_number(loss))
			t->train_loss = json_number_value(loss);
	}
	if (!json_is_array(params))
		return config_error(err, errlen, "\"params\" is missing or "
		    "not an array");
	if (json_array_size(params) != (size_t)m->nblocks)
		return config_error(err, errlen, "wrong shape: \"params\" has "
		    "%zu blocks but the model of this config has %d",
		    json_array_size(params), m->nblocks);
	for (int k = 0; k < m->nblocks; k++)
		if (checkpoint_read_block(json_array_get(params, k), k,
		    &m->blocks[k], m->params + m->blocks[k].offset, err,
		    errlen) != 0)
			return -1;
	if (!json_is_object(adam))
		return config_error(err, errlen, "\"adam\" is missing or not "
		    "an object");
	if (checkpoint_integer(adam, "adam: ", "t", &adam_t, err, errlen) != 0)
		return -1;
	if (adam_t != step)
		return config_error(err, errlen, "adam: \"t\" (%"
		    JSON_INTEGER_FORMAT ") differs from \"step\" (%"
		    JSON_INTEGER_FORMAT "): every step is one Adam update",
		    adam_t, step);
	if (checkpoint_numbers(json_object_get(adam, "m"), t->adam.n,
	    t->adam.m, "adam: \"m\"", err, errlen) != 0 ||
	    checkpoint_numbers(json_object_get(adam, "v"), t->adam.n,
	    t->adam.v, "adam: \"v\"", err, errlen) != 0)
		return -1;
	for (size_t i = 0; i < t->adam.n; i++)
		if (t->adam.v[i] < 0)
			return config_error(err, errlen, "adam: \"v\"[%zu] "
			    "is negative (a second moment cannot be)", i);
	t->adam.t = (long)adam_t;
	t->step = (long)step;
	memcpy(t->backup, m->params, m->nparams * sizeof(double));
	/* the batches the trainer owes are drawn from these (trainer_prepare) */
	if (version >= 3) {
		t->rng_train = train_from;
		t->rng_test = test_from;
	}
	return 0;
}

/* Parse the text of a checkpoint, telling a truncated file from a corrupted
 * one; NULL with a message. */
static json_t *
checkpoint_parse(const char *path, const char *buf, size_t len, char *err,
    size_t errlen)
{
	json_error_t jerr;
	json_t *root;

	if (len == 0) {
		config_error(err, errlen, "%s: the file is empty (not valid "
		    "JSON)", path);
		return NULL;
	}
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root != NULL)
		return root;
	/* a checkpoint is an object: text that does not even start as one
	 * (a /proc file, a log, a config) is something else altogether */
	if (buf[strspn(buf, " \t\r\n")] != '{') {
		config_error(err, errlen, "%s: not a memscope checkpoint "
		    "(not a JSON object: %s at line %d)", path, jerr.text,
		    jerr.line);
		return NULL;
	}
	/* an error at the very end, other than trailing bytes, means the
	 * text stopped before the document was complete */
	if (jerr.position >= 0 && (size_t)jerr.position >= len &&
	    strncmp(jerr.text, "end of file expected", 20) != 0)
		config_error(err, errlen, "%s:%d: truncated: the file ends "
		    "after %zu bytes in the middle of the JSON (not valid JSON: "
		    "%s)", path, jerr.line, len, jerr.text);
	else
		config_error(err, errlen, "%s:%d:%d: corrupted: not valid "
		    "JSON: %s", path, jerr.line, jerr.column, jerr.text);
	return NULL;
}

/* Check "checksum" against the bytes before its key; -1 with a message. */
static int
checkpoint_verify(json_t *root, const char *buf, size_t len, char *err,
    size_t errlen)
{
	json_t *v = json_object_get(root, "checksum");
	const char *text = json_string_value(v);
	char want[32];
	long at;

	if (v == NULL)
		return config_error(err, errlen, "no \"checksum\": the file "
		    "was cut short or edited");
	if (text == NULL || strncmp(text, "fnv1a64:", 8) != 0 ||
	    strlen(text) != 24 || strspn(text + 8, "0123456789abcdef") != 16)
		return config_error(err, errlen, "\"checksum\" must be "
		    "\"fnv1a64:\" and 16 lowercase hex digits");
	/* the member was found, so its key is in the text */
	at = checkpoint_checksum_offset(buf, len);
	snprintf(want, sizeof want, "%016" PRIx64,
	    checkpoint_fnv1a64(buf, at < 0 ? 0 : (size_t)at));
	if (strcmp(want, text + 8) != 0)
		return config_error(err, errlen, "checksum mismatch: the file "
		    "says %s but its contents give fnv1a64:%s (corrupted, or "
		    "edited by hand)", text, want);
	return 0;
}

/* Read path into a new trainer; 0, or -1 with a message saying what is wrong
 * (see checkpoint.h). */
int
checkpoint_read(const char *path, struct trainer *t, unsigned flags,
    struct checkpoint_info *info, char *err, size_t errlen)
{
	static const struct input_limits lim = { "a checkpoint",
	    INPUT_CHECKPOINT_BYTES, 0, INPUT_WAIT_MS };
	struct checkpoint_info mine;
	struct ms_config cfg;
	json_t *root, *v;
	json_int_t seed = 0, version = 0;
	char msg[512], *buf;
	size_t len;
	int r = -1, got;

	memset(t, 0, sizeof *t);
	if (info == NULL)
		info = &mine;
	memset(info, 0, sizeof *info);
	info->exact = true;
	if ((got = input_read(path, &lim, &buf, &len, msg, sizeof msg)) != 0)
		return config_error(err, errlen, "%s%s", got == -2 ?
		    "not a memscope checkpoint: " : "", msg);
	if ((root = checkpoint_parse(path, buf, len, err, errlen)) == NULL) {
		free(buf);
		return -1;
	}
	if (!json_is_object(root)) {
		config_error(err, errlen, "%s: not a memscope checkpoint "
		    "(not a JSON object)", path);
		goto out;
	}
	v = json_object_get(root, "format");
	if (!json_is_string(v) ||
	    strcmp(json_string_value(v), CHECKPOINT_FORMAT) != 0) {
		config_error(err, errlen, "%s: not a memscope checkpoint "
		    "(\"format\" is %s%s%s, expected \"%s\")", path,
		    json_is_string(v) ? "\"" : "", json_is_string(v) ?
		    json_string_value(v) : "missing or not a string",
		    json_is_string(v) ? "\"" : "", CHECKPOINT_FORMAT);
		goto out;
	}
	v = json_object_get(root, "version");
	if (json_is_integer(v))
		version = json_integer_value(v);
	if (!json_is_integer(v) || version < 2 ||
	    version > CHECKPOINT_VERSION) {
		if (json_is_integer(v))
			config_error(err, errlen, "%s: wrong version: "
			    "checkpoint version %" JSON_INTEGER_FORMAT " is not "
			    "supported (this memscope reads versions 2 to %d)",
			    path, version, CHECKPOINT_VERSION);
		else
			config_error(err, errlen, "%s: \"version\" is missing "
			    "or not an integer", path);
		goto out;
	}
	info->version = (int)version;
	/* the program that wrote it: a string where present (older files
	 * have none); only for people, never checked against ours */
	v = json_object_get(root, "memscope_version");
	if (v != NULL && !json_is_string(v)) {
		config_error(err, errlen, "%s: \"memscope_version\" is not a "
		    "string", path);
		goto out;
	}
	if (checkpoint_verify(root, buf, len, msg, sizeof msg) != 0) {
		config_error(err, errlen, "%s: %s", path, msg);
		goto out;
	}
	if (checkpoint_read_config(json_object_get(root, "config"), &cfg, msg,
	    sizeof msg) != 0 || checkpoint_integer(root, "", "seed", &seed,
	    msg, sizeof msg) != 0) {
		config_error(err, errlen, "%s: %s", path, msg);
		goto out;
	}
	if (seed < 0 || (uint64_t)seed != cfg.seed) {
		config_error(err, errlen, "%s: \"seed\" %" JSON_INTEGER_FORMAT
		    " differs from the config's seed %" PRIu64, path, seed,
		    cfg.seed);
		goto out;
	}
	/* no batch drawn yet: each is drawn once, from the file's streams
	 * (version 3) or the seed's (version 2) */
	if (trainer_init_deferred(t, &cfg, msg, sizeof msg) != 0) {
		config_error(err, errlen, "%s: %s", path, msg);
		goto out;
	}
	if (checkpoint_read_state(root, info->version, t, msg,
	    sizeof msg) != 0) {
		config_error(err, errlen, "%s: %s", path, msg);
		trainer_free(t);
		goto out;
	}
	/* the history is checked whoever reads it, kept if asked for */
	v = json_object_get(root, "history");
	if (v != NULL && (info->version < 4 || checkpoint_history_read(v,
	    t->step, &info->hist, msg, sizeof msg) != 0)) {
		config_error(err, errlen, "%s: %s", path, info->version < 4 ?
		    "\"history\" in a file of version 3 or older" : msg);
		trainer_free(t);
		goto out;
	}
	if (!(flags & CHECKPOINT_HISTORY))
		checkpoint_history_free(&info->hist);
	trainer_prepare(t);	/* no cancel flag: it completes */
	if (info->version == 2)
		checkpoint_replay(t, flags, info);
	r = 0;
out:
	json_decref(root);
	free(buf);
	return r;
}

/* checkpoint_read to train on: a version-2 file's redraws replayed if cheap. */
int
checkpoint_load(const char *path, struct trainer *t, char *err,
    size_t errlen)
{
	return checkpoint_read(path, t, CHECKPOINT_REPLAY, NULL, err, errlen);
}
