/*
 * A checkpoint's loss history (version 4 on, optional):
 *
 *   "history": { "step": [s...], "train": [x or null...],
 *                "test": [x or null...] }
 *
 * three arrays of one length, at most CHECKPOINT_HISTORY_MAX, the steps
 * strictly increasing from 0 up to the file's "step", the losses finite
 * and non-negative or null (no loss at that point). It is what the
 * visualizer drew (decimated, history.h), so a loaded run shows its curves.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/checkpoint.h"
#include "memscope/config.h"
#include "memscope/xmalloc.h"

void
checkpoint_history_free(struct checkpoint_history *h)
{
	free(h->step);
	free(h->train);
	free(h->test);
	memset(h, 0, sizeof *h);
}

static bool
checkpoint_loss_ok(double v)
{
	return isnan(v) || (isfinite(v) && v >= 0);
}

/* A loss as JSON: a real, or null for none. */
static json_t *
checkpoint_loss_json(double v)
{
	return isnan(v) ? json_null() : json_real(v);
}

/* The "history" member for h, or NULL if h breaks the rules. */
json_t *
checkpoint_history_json(const struct checkpoint_history *h)
{
	json_t *obj, *st, *tr, *te;

	if (h->n < 0 || h->n > CHECKPOINT_HISTORY_MAX)
		return NULL;
	obj = json_object();
	st = json_array();
	tr = json_array();
	te = json_array();
	json_object_set_new(obj, "step", st);
	json_object_set_new(obj, "train", tr);
	json_object_set_new(obj, "test", te);
	for (long i = 0; i < h->n; i++) {
		if (!isfinite(h->step[i]) || h->step[i] < 0 ||
		    (i > 0 && h->step[i] <= h->step[i - 1]) ||
		    !checkpoint_loss_ok(h->train[i]) ||
		    !checkpoint_loss_ok(h->test[i])) {
			json_decref(obj);
			return NULL;
		}
		json_array_append_new(st, json_integer((json_int_t)h->step[i]));
		json_array_append_new(tr, checkpoint_loss_json(h->train[i]));
		json_array_append_new(te, checkpoint_loss_json(h->test[i]));
	}
	return obj;
}

/* One array of the history, n long, into out; -1 with a message. */
static int
checkpoint_history_array(json_t *obj, const char *key, size_t n,
    bool losses, double *out, char *err, size_t errlen)
{
	json_t *a = json_object_get(obj, key), *v;
	size_t i;

	if (!json_is_array(a) || json_array_size(a) != n)
		return config_error(err, errlen, "\"history\".\"%s\" must be an "
		    "array as long as \"step\" (%zu)", key, n);
	json_array_foreach(a, i, v) {
		if (losses && json_is_null(v))
			out[i] = NAN;
		else if (json_is_number(v))
			out[i] = json_number_value(v);
		else
			return config_error(err, errlen, "\"history\".\"%s\"[%zu]"
			    " is not a number%s", key, i, losses ? " or null" :
			    "");
		if (losses && !checkpoint_loss_ok(out[i]))
			return config_error(err, errlen, "\"history\".\"%s\"[%zu]"
			    " = %g: a loss is finite and not negative", key, i,
			    out[i]);
	}
	return 0;
}

/* Read a "history" member of a file at `step` into h. */
int
checkpoint_history_read(json_t *v, long step, struct checkpoint_history *h,
    char *err, size_t errlen)
{
	json_t *st = json_object_get(v, "step");
	size_t n;

	memset(h, 0, sizeof *h);
	if (!json_is_object(v) || !json_is_array(st))
		return config_error(err, errlen, "\"history\" must be an object "
		    "with arrays \"step\", \"train\" and \"test\"");
	n = json_array_size(st);
	if (n > CHECKPOINT_HISTORY_MAX)
		return config_error(err, errlen, "\"history\" has %zu points, "
		    "more than the %d a checkpoint holds", n,
		    CHECKPOINT_HISTORY_MAX);
	h->step = xcalloc(n + 1, sizeof(double));
	h->train = xcalloc(n + 1, sizeof(double));
	h->test = xcalloc(n + 1, sizeof(double));
	h->n = (long)n;
	if (checkpoint_history_array(v, "step", n, false, h->step, err,
	    errlen) != 0 || checkpoint_history_array(v, "train", n, true,
	    h->train, err, errlen) != 0 || checkpoint_history_array(v, "test",
	    n, true, h->test, err, errlen) != 0) {
		checkpoint_history_free(h);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (h->step[i] != floor(h->step[i]) || h->step[i] < 0 ||
		    h->step[i] > step || (i > 0 && h->step[i] <=
		    h->step[i - 1])) {
			config_error(err, errlen, "\"history\".\"step\"[%zu] = %g:"
			    " the steps are whole, increasing, from 0 to the "
			    "file's step %ld", i, h->step[i], step);
			checkpoint_history_free(h);
			return -1;
		}
	return 0;
}
