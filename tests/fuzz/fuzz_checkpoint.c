/*
 * libFuzzer target: the checkpoint loader (checkpoint_read) on arbitrary
 * bytes. So that mutations reach past the checksum, an input that has a
 * "checksum": "fnv1a64:..." member gets the right digits written in first
 * (the checksum itself is tested in tests/test_checkpoint.c). Inputs whose
 * config would need more than 64 MiB are skipped: valid but slow, and the
 * memory refusal has its own tests. Whatever the step a file records, a
 * load replays at most CHECKPOINT_REPLAY_BUDGET of batch redraws (a
 * version-2 file), so no input is skipped for its step. A file loads, or
 * is refused with a one-line message naming it; a file that loads saves
 * and loads again to the same parameters, step and batches.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "memscope/checkpoint.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Write the checksum the bytes before its key give into its digits. */
static void
fix_checksum(char *buf, size_t len)
{
	long at = checkpoint_checksum_offset(buf, len);
	char *p, hex[17];

	if (at < 0)
		return;
	p = memmem(buf + at, len - at, "fnv1a64:", 8);
	if (p == NULL || (size_t)(p + 8 + 16 - buf) > len)
		return;
	snprintf(hex, sizeof hex, "%016" PRIx64,
	    checkpoint_fnv1a64(buf, (size_t)at));
	memcpy(p + 8, hex, 16);
}

/* Whether the run the file describes is cheap enough to set up here. */
static int
affordable(const char *buf, size_t len)
{
	json_t *root = json_loadb(buf, len, 0, NULL), *config, *v;
	struct ms_config cfg;
	const char *key;
	char text[64];
	int ok = 1;

	if (root == NULL)
		return 1;
	config_defaults(&cfg);
	if ((config = json_object_get(root, "config")) != NULL)
		json_object_foreach(config, key, v) {
			if (!json_is_integer(v))
				continue;
			snprintf(text, sizeof text, "%" JSON_INTEGER_FORMAT,
			    json_integer_value(v));
			config_set(&cfg, key, text, NULL, 0);
		}
	if (config_memory_bytes(&cfg) > ((size_t)64 << 20) || cfg.threads > 4)
		ok = 0;
	json_decref(root);
	return ok;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trainer t, u;
	struct checkpoint_info info;
	char err[1024] = "", *buf = malloc(size + 1);
	const char *path, *again;

	memcpy(buf, data, size);
	buf[size] = '\0';
	fix_checksum(buf, size);
	if (!affordable(buf, size)) {
		free(buf);
		return 0;
	}
	path = fuzz_scratch(0, (const uint8_t *)buf, size);
	free(buf);
	if (checkpoint_read(path, &t, CHECKPOINT_REPLAY, &info, err,
	    sizeof err) != 0) {
		fuzz_check(strstr(err, path) != NULL, "message lacks the path",
		    err);
		fuzz_check(strchr(err, '\n') == NULL, "message not one line",
		    err);
		return 0;
	}
	fuzz_check(t.step >= 0 && t.step <= CHECKPOINT_STEP_MAX &&
	    t.adam.t == t.step, "a step out of range was accepted", path);
	fuzz_check(info.version == 2 || (info.exact && info.replayed == 0),
	    "a current checkpoint needed a replay", path);
	fuzz_check(info.exact || info.note[0] != '\0', "an inexact load says "
	    "nothing", path);
	again = fuzz_scratch(1, (const uint8_t *)"", 0);
	fuzz_check(checkpoint_save(again, &t, err, sizeof err) == 0,
	    "a loaded checkpoint does not save", err);
	fuzz_check(checkpoint_load(again, &u, err, sizeof err) == 0,
	    "a saved checkpoint does not load", err);
	fuzz_check(t.step == u.step && t.model.nparams == u.model.nparams &&
	    memcmp(t.model.params, u.model.params, t.model.nparams *
	    sizeof(double)) == 0, "the round trip changed the model", path);
	fuzz_check(rng_same(&t.rng_train, &u.rng_train) &&
	    rng_same(&t.rng_test, &u.rng_test) && memcmp(t.train.X, u.train.X,
	    sizeof(double) * (size_t)t.train.B * (t.train.n + 1) *
	    t.train.d) == 0, "the round trip changed the batches", path);
	trainer_free(&t);
	trainer_free(&u);
	return 0;
}
