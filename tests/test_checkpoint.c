/*
 * Checkpoints: an exact round trip (every parameter and Adam moment bit for
 * bit, and the next steps identical), the checksum as checkpoint.c defines
 * it, every kind of corrupt file refused with a message saying which (every
 * single-bit flip, every cut, a wrong version, a wrong shape, bad values), a
 * failed save leaving the target untouched, and a saving process killed at
 * random moments never leaving a partial file at the target.
 */
#include <dirent.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "dir_fixture.h"
#include "memscope/checkpoint.h"
#include "memscope/trainer.h"





/* No temporary file was left in the test directory. */
static void
assert_no_temporaries(void)
{
	DIR *d = opendir(fixture_dir);
	struct dirent *e;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, ".memscope-", 10) == 0)
			fail_msg("temporary file %s left behind", e->d_name);
	closedir(d);
}

/* A small configuration of the given kind. */
static void
small_config(struct ms_config *c, enum ms_param p, enum ms_memory m,
    int heads, int resample)
{
	config_defaults(c);
	c->dim = 3;
	c->context = 6;
	c->layers = 2;
	c->heads = heads;
	c->param = p;
	c->memory = m;
	c->data = MS_DATA_KAPPA;
	c->kappa = 4;
	c->batch = 16;
	c->test_batch = 8;
	c->steps = 10;
	c->resample = resample;
	c->seed = 42;
}

static void
start(struct trainer *t, const struct ms_config *c, int steps)
{
	char err[512];

	if (trainer_init(t, c, err, sizeof err) != 0)
		fail_msg("trainer_init: %s", err);
	for (int s = 0; s < steps; s++)
		assert_int_equal(trainer_step(t), 0);
}

/* Everything a checkpoint holds is equal, bit for bit. */
static void
assert_same_state(const struct trainer *a, const struct trainer *b)
{
	char va[64], vb[64];

	for (int i = 0; i < config_key_count(); i++) {
		config_get(&a->cfg, config_key_name(i), va, sizeof va);
		config_get(&b->cfg, config_key_name(i), vb, sizeof vb);
		assert_string_equal(va, vb);
	}
	assert_int_equal(a->step, b->step);
	assert_int_equal(a->model.nparams, b->model.nparams);
	assert_memory_equal(a->model.params, b->model.params,
	    a->model.nparams * sizeof(double));
	assert_int_equal(a->adam.t, b->adam.t);
	assert_memory_equal(a->adam.m, b->adam.m, a->adam.n * sizeof(double));
	assert_memory_equal(a->adam.v, b->adam.v, a->adam.n * sizeof(double));
}

/* Save after a few steps, load, compare, and step both on identically. */
static void
round_trip(enum ms_param p, enum ms_memory m, int heads, int resample)
{
	struct ms_config c;
	struct trainer a, b;
	char err[512];
	const char *path = fixture_in_dir("round.json");

	small_config(&c, p, m, heads, resample);
	start(&a, &c, 5);
	if (checkpoint_save(path, &a, err, sizeof err) != 0)
		fail_msg("save: %s", err);
	if (checkpoint_load(path, &b, err, sizeof err) != 0)
		fail_msg("load: %s", err);
	assert_same_state(&a, &b);
	for (int s = 0; s < 4; s++) {
		assert_int_equal(trainer_step(&a), 0);
		assert_int_equal(trainer_step(&b), 0);
		assert_memory_equal(&a.train_loss, &b.train_loss,
		    sizeof(double));
	}
	assert_same_state(&a, &b);
	trainer_free(&a);
	trainer_free(&b);
	assert_no_temporaries();
}

static void
test_round_trip(void **state)
{
	(void)state;
	round_trip(MS_PARAM_SCALAR, MS_MEMORY_NONE, 1, 0);
	round_trip(MS_PARAM_PRE, MS_MEMORY_CGD, 2, 0);
	round_trip(MS_PARAM_PRE, MS_MEMORY_LFOM, 1, 0);
	round_trip(MS_PARAM_GDPP, MS_MEMORY_LFOM, 2, 0);
	round_trip(MS_PARAM_FULL, MS_MEMORY_CGD, 1, 0);
}

/* With a redrawn batch the load replays the draws: the steps still agree. */
static void
test_round_trip_resample(void **state)
{
	(void)state;
	round_trip(MS_PARAM_PRE, MS_MEMORY_LFOM, 1, 2);
	round_trip(MS_PARAM_PRE, MS_MEMORY_NONE, 1, 3);
	round_trip(MS_PARAM_SCALAR, MS_MEMORY_CGD, 1, 1);
}

/* Awkward doubles survive the text round trip exactly. */
static void
test_exact_doubles(void **state)
{
	static const double awkward[] = { 0.1, 1.0 / 3.0, -0.0, DBL_MIN,
	    4.9406564584124654e-324, DBL_MAX, -1e-300, 2.0 / 7.0e10,
	    0.30000000000000004 };
	size_t n = sizeof awkward / sizeof awkward[0];
	struct ms_config c;
	struct trainer a, b;
	char err[512];
	const char *path = fixture_in_dir("exact.json");

	(void)state;
	small_config(&c, MS_PARAM_PRE, MS_MEMORY_LFOM, 1, 0);
	start(&a, &c, 0);
	assert_true(a.model.nparams >= n);
	for (size_t i = 0; i < a.model.nparams; i++) {
		a.model.params[i] = awkward[i % n];
		a.adam.m[i] = awkward[(i + 1) % n];
		a.adam.v[i] = fabs(awkward[(i + 2) % n]);
	}
	if (checkpoint_save(path, &a, err, sizeof err) != 0)
		fail_msg("save: %s", err);
	if (checkpoint_load(path, &b, err, sizeof err) != 0)
		fail_msg("load: %s", err);
	assert_same_state(&a, &b);
	assert_true(signbit(b.model.params[2]));
	trainer_free(&a);
	trainer_free(&b);
}

/* A valid checkpoint as a JSON tree, to be corrupted. */
static json_t *
valid_json(void)
{
	struct ms_config c;
	struct trainer t;
	char err[512];
	json_error_t jerr;
	json_t *root;
	const char *path = fixture_in_dir("valid.json");

	small_config(&c, MS_PARAM_PRE, MS_MEMORY_CGD, 2, 0);
	start(&t, &c, 3);
	if (checkpoint_save(path, &t, err, sizeof err) != 0)
		fail_msg("save: %s", err);
	trainer_free(&t);
	root = json_load_file(path, 0, &jerr);
	assert_non_null(root);
	return root;
}

/* Loading text must fail with a one-line message containing expect. */
static void
check_rejected_text(const char *text, const char *expect)
{
	struct trainer t;
	char err[512] = "";
	const char *path = fixture_in_dir("bad.json");
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	if (checkpoint_load(path, &t, err, sizeof err) == 0)
		fail_msg("a bad checkpoint was accepted (wanted '%s')", expect);
	if (strstr(err, expect) == NULL)
		fail_msg("message '%s' lacks '%s'", err, expect);
	assert_null(strchr(err, '\n'));
	assert_non_null(strstr(err, path));
}

/* root as checkpoint_save writes it: indented, the checksum member last
 * over every byte before its key (any "checksum" in root is replaced). */
static char *
dump_with_checksum(json_t *root)
{
	char *text, *out;
	size_t len, outlen;

	json_object_del(root, "checksum");
	text = json_dumps(root, JSON_INDENT(1) | JSON_REAL_PRECISION(17));
	assert_non_null(text);
	len = strlen(text);
	assert_true(len > 2 && strcmp(text + len - 2, "\n}") == 0);
	outlen = len + 64;
	out = malloc(outlen);
	memcpy(out, text, len - 2);
	memcpy(out + len - 2, ",\n ", 3);
	len++;
	snprintf(out + len, outlen - len, "\"checksum\": \"fnv1a64:%016"
	    PRIx64 "\"\n}\n", checkpoint_fnv1a64(out, len));
	free(text);
	return out;
}

/* Dump root (taking it) with a correct checksum and check that loading it
 * fails with expect: the semantic checks behind the checksum. */
static void
check_rejected(json_t *root, const char *expect)
{
	char *text = dump_with_checksum(root);

	check_rejected_text(text, expect);
	free(text);
	json_decref(root);
}

static json_t *
first_block(json_t *root)
{
	return json_array_get(json_object_get(root, "params"), 0);
}

static void
test_corrupt(void **state)
{
	json_t *root;
	char *text;
	size_t len;

	(void)state;
	/* the valid file loads */
	root = valid_json();
	text = dump_with_checksum(root);
	json_decref(root);
	len = strlen(text);

	/* truncated: said so, with the line it stops on */
	text[len / 2] = '\0';
	check_rejected_text(text, "truncated: the file ends after");
	check_rejected_text(text, "not valid JSON");
	free(text);
	check_rejected_text("", "the file is empty");
	check_rejected_text("{ \"format\": nope }", ":1:16: corrupted: not "
	    "valid JSON");
	check_rejected_text("{\"a\": 1} x", "corrupted: not valid JSON");
	check_rejected_text("[1, 2, 3]", "not a memscope checkpoint");

	root = valid_json();
	json_object_set_new(root, "format", json_string("pytorch"));
	check_rejected(root, "not a memscope checkpoint (\"format\" is "
	    "\"pytorch\"");
	root = valid_json();
	json_object_del(root, "format");
	check_rejected(root, "not a memscope checkpoint");

	root = valid_json();
	json_object_set_new(root, "version", json_integer(1));
	check_rejected(root, "wrong version: checkpoint version 1 is not "
	    "supported (this memscope reads versions 2 to 4)");
	root = valid_json();
	json_object_set_new(root, "version", json_integer(5));
	check_rejected(root, "checkpoint version 5 is not supported");
	root = valid_json();
	json_object_set_new(root, "version", json_string("1"));
	check_rejected(root, "\"version\" is missing or not an integer");

	/* config: a bad value, a missing key, an unknown key, a mismatch */
	root = valid_json();
	json_object_set_new(json_object_get(root, "config"), "param",
	    json_string("foo"));
	check_rejected(root, "config: --param: unknown parametrization 'foo'");
	root = valid_json();
	json_object_set_new(json_object_get(root, "config"), "dim",
	    json_integer(0));
	check_rejected(root, "config: --dim: expected an integer from 1");
	root = valid_json();
	json_object_del(json_object_get(root, "config"), "layers");
	check_rejected(root, "config: key 'layers' is missing");
	root = valid_json();
	json_object_set_new(json_object_get(root, "config"), "colour",
	    json_integer(1));
	check_rejected(root, "config: unknown key 'colour'");
	/* found by fuzzing: a key with a newline made a two-line message */
	root = valid_json();
	json_object_set_new(json_object_get(root, "config"), "co\\\ntext",
	    json_integer(2));
	check_rejected(root, "config: unknown key 'co\\?text'");
	root = valid_json();
	json_object_set_new(json_object_get(root, "config"), "param",
	    json_string("pre\nfull\r"));
	check_rejected(root, "unknown parametrization 'pre?full?'");
	root = valid_json();
	json_object_set_new(json_object_get(root, "config"), "lr",
	    json_array());
	check_rejected(root, "config: 'lr' must be");
	root = valid_json();
	json_object_set_new(json_object_get(root, "config"), "data",
	    json_string("paper"));
	check_rejected(root, "config: --data paper");
	root = valid_json();
	json_object_set_new(root, "seed", json_integer(7));
	check_rejected(root, "\"seed\" 7 differs from the config's seed 42");
	root = valid_json();
	json_object_set_new(root, "step", json_integer(-1));
	check_rejected(root, "\"step\" must be an integer from 0 to");
	root = valid_json();
	json_object_del(root, "step");
	check_rejected(root, "\"step\" is missing or not an integer");

	/* blocks: wrong shape, wrong name, missing, a non-number */
	root = valid_json();
	json_object_set_new(first_block(root), "rows", json_integer(4));
	check_rejected(root, "wrong shape: params[0] is 'A' layer 0 head 0 "
	    "(4x3), but the "
	    "model of this config has 'A' layer 0 head 0 (3x3)");
	root = valid_json();
	json_object_set_new(first_block(root), "name", json_string("B"));
	check_rejected(root, "params[0] is 'B'");
	root = valid_json();
	json_array_remove(json_object_get(root, "params"), 2);
	check_rejected(root, "wrong shape: \"params\" has 7 blocks but the "
	    "model of this config has 8");
	root = valid_json();
	json_array_remove(json_object_get(first_block(root), "data"), 0);
	check_rejected(root, "wrong shape: params[0] ('A' layer 0 head 0) "
	    "data has 8 numbers, expected 9");
	root = valid_json();
	json_array_set_new(json_object_get(first_block(root), "data"), 4,
	    json_string("NaN"));
	check_rejected(root, "params[0] ('A' layer 0 head 0) data[4] is not "
	    "a finite number");
	root = valid_json();
	json_array_set_new(json_object_get(first_block(root), "data"), 4,
	    json_null());
	check_rejected(root, "data[4] is not a finite number");
	root = valid_json();
	json_object_set_new(json_array_get(json_object_get(root, "params"), 1),
	    "data", json_object());
	check_rejected(root, "params[1] ('A' layer 0 head 1) data is missing "
	    "or not an array");
	/* NaN and overflowing numbers are not JSON: syntax errors */
	check_rejected_text("{\"format\": \"memscope-checkpoint\", \"version\":"
	    " 2, \"x\": NaN}", "not valid JSON");
	check_rejected_text("{\"format\": \"memscope-checkpoint\", \"version\":"
	    " 2, \"x\": 1e999}", "not valid JSON");

	/* the checksum: missing, malformed, not matching */
	root = valid_json();
	json_object_del(root, "checksum");
	text = json_dumps(root, JSON_INDENT(1) | JSON_REAL_PRECISION(17));
	json_decref(root);
	check_rejected_text(text, "no \"checksum\"");
	free(text);
	root = valid_json();
	text = dump_with_checksum(root);
	json_decref(root);
	memcpy(strstr(text, "fnv1a64:"), "crc32:", 6);
	check_rejected_text(text, "\"checksum\" must be \"fnv1a64:\" and 16");
	free(text);
	/* a hand edit of a value that keeps the file valid otherwise */
	root = valid_json();
	text = dump_with_checksum(root);
	json_decref(root);
	assert_non_null(strstr(text, "\"step\": 3"));
	strstr(text, "\"step\": 3")[8] = '4';
	check_rejected_text(text, "checksum mismatch: the file says fnv1a64:");
	free(text);

	/* Adam */
	root = valid_json();
	json_array_remove(json_object_get(json_object_get(root, "adam"), "m"),
	    0);
	check_rejected(root, "adam: \"m\" has");
	root = valid_json();
	json_array_set_new(json_object_get(json_object_get(root, "adam"), "v"),
	    1, json_real(-1.0));
	check_rejected(root, "adam: \"v\"[1] is negative");
	root = valid_json();
	json_object_del(json_object_get(root, "adam"), "t");
	check_rejected(root, "adam: \"t\" is missing");
	root = valid_json();
	json_object_set_new(json_object_get(root, "adam"), "t",
	    json_integer(2));
	check_rejected(root, "adam: \"t\" (2) differs from \"step\" (3)");
	root = valid_json();
	json_object_del(root, "adam");
	check_rejected(root, "\"adam\" is missing or not an object");

	/* a file that is not there */
	{
		struct trainer t;
		char err[512];

		assert_int_equal(checkpoint_load(fixture_in_dir("absent.json"),
		    &t,
		    err, sizeof err), -1);
		assert_non_null(strstr(err, "absent.json"));
	}
}

static void
test_failed_save(void **state)
{
	struct ms_config c;
	struct trainer t;
	char err[512], *before, *after;
	const char *target = fixture_in_dir("keep.json");
	const char *dirpath = fixture_in_dir("a-directory");
	FILE *f;
	struct stat st;

	(void)state;
	small_config(&c, MS_PARAM_PRE, MS_MEMORY_LFOM, 1, 0);
	start(&t, &c, 2);

	/* into a directory that does not exist: nothing is created */
	assert_int_equal(checkpoint_save("/nonexistent-memscope/x.json", &t,
	    err, sizeof err), -1);
	assert_non_null(strstr(err, "/nonexistent-memscope/x.json"));
	assert_int_equal(stat("/nonexistent-memscope/x.json", &st), -1);

	/* a non-finite parameter: refused, the old file stays as it was */
	f = fopen(target, "w");
	assert_non_null(f);
	fputs("old contents\n", f);
	fclose(f);
	t.model.params[0] = NAN;
	assert_int_equal(checkpoint_save(target, &t, err, sizeof err), -1);
	assert_non_null(strstr(err, "non-finite"));
	after = fixture_read(target, NULL);
	assert_string_equal(after, "old contents\n");
	free(after);
	t.model.params[0] = 0.5;

	/* the target is a directory: rename fails, nothing is left over */
	assert_int_equal(mkdir(dirpath, 0755), 0);
	assert_int_equal(checkpoint_save(dirpath, &t, err, sizeof err), -1);
	assert_non_null(strstr(err, "a-directory"));
	assert_int_equal(stat(dirpath, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_no_temporaries();

	/* and a good save replaces the old file whole */
	before = fixture_read(target, NULL);
	assert_int_equal(checkpoint_save(target, &t, err, sizeof err), 0);
	after = fixture_read(target, NULL);
	assert_string_not_equal(before, after);
	assert_non_null(strstr(after, "memscope-checkpoint"));
	free(before);
	free(after);
	assert_no_temporaries();
	trainer_free(&t);
}

static void
write_all(const char *path, const char *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* FNV-1a 64 written out again from its definition, as a reference. */
static uint64_t
reference_fnv1a64(const char *p, size_t n)
{
	uint64_t h = 14695981039346656037ULL;

	while (n-- > 0) {
		h ^= (unsigned char)*p++;
		h *= 1099511628211ULL;
	}
	return h;
}

/* The checksum is the one the format's comment defines, on the saved bytes. */
static void
test_checksum_definition(void **state)
{
	struct ms_config c;
	struct trainer t;
	const char *path = fixture_in_dir("sum.json");
	char err[512], want[64], *buf, *key;
	size_t len;

	(void)state;
	/* the published FNV-1a 64 vectors */
	assert_true(checkpoint_fnv1a64("", 0) == 0xcbf29ce484222325ULL);
	assert_true(checkpoint_fnv1a64("a", 1) == 0xaf63dc4c8601ec8cULL);
	assert_true(checkpoint_fnv1a64("foobar", 6) == 0x85944171f73967e8ULL);

	small_config(&c, MS_PARAM_GDPP, MS_MEMORY_LFOM, 2, 0);
	start(&t, &c, 2);
	if (checkpoint_save(path, &t, err, sizeof err) != 0)
		fail_msg("save: %s", err);
	trainer_free(&t);
	buf = fixture_read(path, &len);
	/* the member comes last: "checksum": "fnv1a64:<16 hex>"\n}\n */
	key = strstr(buf, "\"checksum\"");
	assert_non_null(key);
	assert_int_equal(checkpoint_checksum_offset(buf, len), key - buf);
	assert_int_equal(len - (size_t)(key - buf), strlen("\"checksum\": "
	    "\"fnv1a64:0123456789abcdef\"\n}\n"));
	snprintf(want, sizeof want, "\"checksum\": \"fnv1a64:%016" PRIx64
	    "\"\n}\n", reference_fnv1a64(buf, (size_t)(key - buf)));
	assert_string_equal(key, want);
	assert_non_null(strstr(buf, "\"version\": 4"));
	free(buf);
}

/* A refusal message names one of the kinds of damage. */
static void
assert_says_which(const char *err)
{
	static const char *kinds[] = { "truncated", "corrupted", "checksum",
	    "not a memscope checkpoint", "wrong version", "\"version\"",
	    "the file is empty" };

	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strstr(err, kinds[i]) != NULL)
			return;
	fail_msg("the message does not say what is wrong: %s", err);
}

/* Every single-bit flip anywhere in the file is refused, saying which. */
static void
test_bit_flips(void **state)
{
	struct trainer t;
	json_t *root = valid_json();
	const char *path = fixture_in_dir("flip.json");
	char err[512], *good, *bad;
	size_t len, i;
	int checksum = 0;

	(void)state;
	good = dump_with_checksum(root);
	json_decref(root);
	len = strlen(good);
	bad = malloc(len);
	for (i = 0; i < len; i++) {
		memcpy(bad, good, len);
		bad[i] ^= (char)(1 << (i * 5 % 8));
		write_all(path, bad, len);
		if (checkpoint_load(path, &t, err, sizeof err) == 0)
			fail_msg("flipping bit %zu of byte %zu went unnoticed",
			    i * 5 % 8, i);
		assert_says_which(err);
		checksum += strstr(err, "checksum mismatch") != NULL;
	}
	print_message("%zu single-bit flips refused (%d by the checksum)\n",
	    len, checksum);
	/* the file itself loads */
	write_all(path, good, len);
	if (checkpoint_load(path, &t, err, sizeof err) != 0)
		fail_msg("load: %s", err);
	trainer_free(&t);
	free(bad);
	free(good);
}

/* Every cut short of the whole text is refused as truncated; dropping
 * only the final newline leaves a complete checkpoint. */
static void
test_cuts(void **state)
{
	struct trainer t;
	json_t *root = valid_json();
	const char *path = fixture_in_dir("cut.json");
	char err[512], *good;
	size_t len, cut;

	(void)state;
	good = dump_with_checksum(root);
	json_decref(root);
	len = strlen(good);
	for (cut = 0; cut + 1 < len; cut++) {
		write_all(path, good, cut);
		if (checkpoint_load(path, &t, err, sizeof err) == 0)
			fail_msg("a file cut to %zu of %zu bytes loaded", cut,
			    len);
		if (strstr(err, cut == 0 ? "the file is empty" :
		    "truncated: the file ends after") == NULL)
			fail_msg("cut to %zu bytes: %s", cut, err);
	}
	write_all(path, good, len - 1);
	if (checkpoint_load(path, &t, err, sizeof err) != 0)
		fail_msg("load: %s", err);
	trainer_free(&t);
	free(good);
}

static double
seconds_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Remove the temporary files a killed save left; how many there were. */
static int
remove_temporaries(void)
{
	DIR *d = opendir(fixture_dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strncmp(e->d_name, ".memscope-", 10) == 0) {
			unlink(fixture_in_dir(e->d_name));
			n++;
		}
	closedir(d);
	return n;
}

/* Wait up to `timeout` seconds for an inotify event of the test directory:
 * IN_CREATE of a temporary file, or IN_MOVED_TO of `name`; 0 if seen. */
static int
wait_event(int fd, uint32_t mask, const char *name, double timeout)
{
	char buf[4096] __attribute__((aligned(8)));
	double end = seconds_now() + timeout;
	struct pollfd pfd = { fd, POLLIN, 0 };
	ssize_t n;

	while (seconds_now() < end) {
		if (poll(&pfd, 1, 10) <= 0)
			continue;
		while ((n = read(fd, buf, sizeof buf)) > 0)
			for (char *p = buf; p < buf + n;) {
				struct inotify_event *ev = (void *)p;

				p += sizeof *ev + ev->len;
				if ((ev->mask & mask) == 0 || ev->len == 0)
					continue;
				if ((mask & IN_CREATE) != 0 && strncmp(ev->name,
				    ".memscope-", 10) == 0)
					return 0;
				if ((mask & IN_MOVED_TO) != 0 &&
				    strcmp(ev->name, name) == 0)
					return 0;
			}
	}
	return -1;
}

/* Read and drop the pending inotify events. */
static void
drain_events(int fd)
{
	char buf[4096] __attribute__((aligned(8)));

	while (read(fd, buf, sizeof buf) > 0)
		;
}

/* A child that saves a, then b, to target, over and over. */
static pid_t
start_saver(const char *target, const struct trainer *a,
    const struct trainer *b)
{
	char err[512];
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		for (;;) {
			checkpoint_save(target, a, err, sizeof err);
			checkpoint_save(target, b, err, sizeof err);
		}
	}
	return pid;
}

static void
sleep_for(double seconds)
{
	struct timespec ts;

	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);
}

/*
 * A child saves two large checkpoints (A at step 2, B at step 3) to the
 * same path, over and over, and is killed with SIGKILL, MEMSCOPE_KILLS
 * times (default 100), each time a new child on the file the last one
 * left. Even kills come at a moment uniform over three save times; odd
 * ones aim at the write itself: inotify says when the child's temporary
 * file appears, and the kill follows after a moment uniform over the time
 * from that to the rename (measured first). After each kill the target
 * must be absent (only before any save finished) or a whole, valid
 * checkpoint equal to A or B.
 */
static void
test_killed_save(void **state)
{
	struct ms_config c;
	struct trainer a, b, got;
	const char *env;
	char err[512], target[512];
	double t0, save_time, write_time;
	int kills = 100, mid = 0, absent = 0, as_a = 0, as_b = 0, aimed = 0;
	int ino;
	struct stat st;
	pid_t pid;

	(void)state;
	memset(&st, 0, sizeof st);
	snprintf(target, sizeof target, "%s", fixture_in_dir("killed.json"));
	if ((env = getenv("MEMSCOPE_KILLS")) != NULL && atoi(env) > 0)
		kills = atoi(env);
	small_config(&c, MS_PARAM_GDPP, MS_MEMORY_LFOM, 2, 0);
	c.dim = 32;
	c.context = 32;
	c.layers = 6;
	c.data = MS_DATA_ISO;
	start(&a, &c, 2);
	start(&b, &c, 3);
	/* the slowest of three saves: the machine may be busy */
	save_time = 0;
	for (int i = 0; i < 3; i++) {
		t0 = seconds_now();
		if (checkpoint_save(target, &a, err, sizeof err) != 0)
			fail_msg("save: %s", err);
		if (seconds_now() - t0 > save_time)
			save_time = seconds_now() - t0;
	}
	unlink(target);
	/* how long the temporary file lives: from its creation to the rename */
	ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	assert_true(ino >= 0);
	assert_true(inotify_add_watch(ino, fixture_dir, IN_CREATE |
	    IN_MOVED_TO) >= 0);
	pid = start_saver(target, &a, &b);
	write_time = 0;
	for (int i = 0; i < 3; i++) {
		assert_int_equal(wait_event(ino, IN_CREATE, NULL, 10), 0);
		t0 = seconds_now();
		assert_int_equal(wait_event(ino, IN_MOVED_TO, "killed.json",
		    10), 0);
		if (seconds_now() - t0 > write_time)
			write_time = seconds_now() - t0;
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	remove_temporaries();
	unlink(target);

	srand((unsigned)getpid());
	for (int k = 0; k < kills; k++) {
		int status;

		drain_events(ino);
		pid = start_saver(target, &a, &b);
		if (k % 2 == 1 && wait_event(ino, IN_CREATE, NULL, 10) == 0) {
			aimed++;
			sleep_for(write_time * rand() / RAND_MAX);
		} else
			sleep_for(save_time * 3.0 * rand() / RAND_MAX);
		assert_int_equal(kill(pid, SIGKILL), 0);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFSIGNALED(status));
		mid += remove_temporaries() > 0;
		if (stat(target, &st) != 0) {
			absent++;
			continue;
		}
		if (checkpoint_load(target, &got, err, sizeof err) != 0)
			fail_msg("after kill %d the target is not a valid "
			    "checkpoint: %s", k + 1, err);
		assert_int_equal(got.model.nparams, a.model.nparams);
		if (got.step == 2 && memcmp(got.model.params, a.model.params,
		    a.model.nparams * sizeof(double)) == 0)
			as_a++;
		else if (got.step == 3 && memcmp(got.model.params,
		    b.model.params, b.model.nparams * sizeof(double)) == 0)
			as_b++;
		else
			fail_msg("after kill %d the target is neither save", k + 1);
		trainer_free(&got);
	}
	close(ino);
	print_message("killed a saving process %d times (a save takes %.1f ms, "
	    "its write %.1f ms, %.0f kB), %d aimed at the write: %d mid-write "
	    "(a temporary file left), the target %d times absent, %d times "
	    "save A, %d times save B, never partial\n", kills, save_time * 1e3,
	    write_time * 1e3, (double)st.st_size / 1e3, aimed, mid, absent,
	    as_a, as_b);
	assert_int_equal(absent + as_a + as_b, kills);
	assert_true(mid > 0 || kills < 10);
	trainer_free(&a);
	trainer_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_round_trip_resample),
		cmocka_unit_test(test_exact_doubles),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_failed_save),
		cmocka_unit_test(test_checksum_definition),
		cmocka_unit_test(test_bit_flips),
		cmocka_unit_test(test_cuts),
		cmocka_unit_test(test_killed_save),
	};

	return cmocka_run_group_tests(tests, fixture_dir_setup,
	    fixture_dir_remove);
}
