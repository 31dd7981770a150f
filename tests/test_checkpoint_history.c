/*
 * A checkpoint's loss history (version 4): written with the run, read back
 * point for point, checked whoever reads the file, refused when it breaks
 * its rules; and the visualizer's engine shows a loaded history.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dir_fixture.h"
#include "engine_fixture.h"
#include "memscope/checkpoint.h"
#include "memscope/engine.h"
#include "memscope/history.h"
#include "memscope/trainer.h"

/* A trainer at step 12 and its history: steps 1..12, tests at 4, 8, 12. */
static void
trained(struct trainer *t, struct checkpoint_history *h)
{
	struct ms_config cfg;
	struct history hist;
	char err[256];

	fixture_small_config(&cfg);
	cfg.steps = 12;
	if (trainer_init(t, &cfg, err, sizeof err) != 0)
		fail_msg("%s", err);
	history_init(&hist);
	for (int s = 1; s <= 12; s++) {
		assert_int_equal(trainer_step(t), 0);
		history_record(&hist, s, t->train_loss);
		if (s % 4 == 0)
			history_record_test(&hist, s, 0.5 / s);
	}
	history_checkpoint(&hist, h);
	history_free(&hist);
}

static void
test_roundtrip(void **state)
{
	struct checkpoint_history h, back;
	struct checkpoint_info info;
	struct trainer t, u;
	char err[512];
	const char *path = fixture_in_dir("h.json");

	(void)state;
	trained(&t, &h);
	assert_int_equal(h.n, 12);
	assert_int_equal(checkpoint_save_history(path, &t, &h, err,
	    sizeof err), 0);
	assert_int_equal(checkpoint_read(path, &u, CHECKPOINT_HISTORY, &info,
	    err, sizeof err), 0);
	back = info.hist;
	assert_int_equal(info.version, 4);
	assert_int_equal(back.n, h.n);
	for (long i = 0; i < h.n; i++) {
		assert_true(back.step[i] == h.step[i]);
		assert_true(back.train[i] == h.train[i]);
		assert_true(isnan(h.test[i]) ? isnan(back.test[i]) :
		    back.test[i] == h.test[i]);
	}
	assert_true(isnan(back.test[0]) && fabs(back.test[3] - 0.5 / 4) < 1e-15);
	checkpoint_history_free(&info.hist);
	trainer_free(&u);
	/* without the flag the history is checked but not kept */
	assert_int_equal(checkpoint_read(path, &u, 0, &info, err,
	    sizeof err), 0);
	assert_int_equal(info.hist.n, 0);
	assert_null(info.hist.step);
	trainer_free(&u);
	checkpoint_history_free(&h);
	trainer_free(&t);
}

/* Saving refuses a history that breaks the rules, and leaves no file. */
static void
test_bad_history_not_saved(void **state)
{
	struct checkpoint_history h;
	struct trainer t;
	char err[512];
	const char *path = fixture_in_dir("bad.json");

	(void)state;
	trained(&t, &h);
	h.step[5] = h.step[4];	/* not increasing */
	assert_int_equal(checkpoint_save_history(path, &t, &h, err,
	    sizeof err), -1);
	assert_non_null(strstr(err, "increasing"));
	assert_null(fopen(path, "r"));
	h.step[5] = 6;
	h.train[2] = -1;	/* a negative loss */
	assert_int_equal(checkpoint_save_history(path, &t, &h, err,
	    sizeof err), -1);
	checkpoint_history_free(&h);
	trainer_free(&t);
}

/* Read back, each rule is enforced with its own message. */
static void
check_member(const char *text, long step, const char *want)
{
	struct checkpoint_history h;
	json_error_t jerr;
	json_t *v = json_loads(text, 0, &jerr);
	char err[512] = "";

	assert_non_null(v);
	if (checkpoint_history_read(v, step, &h, err, sizeof err) == 0)
		fail_msg("accepted %s", text);
	if (strstr(err, want) == NULL)
		fail_msg("'%s' lacks '%s'", err, want);
	assert_null(h.step);
	json_decref(v);
}

static void
test_read_rules(void **state)
{
	struct checkpoint_history h;
	json_t *v;
	char err[256];

	(void)state;
	check_member("[1, 2]", 5, "must be an object");
	check_member("{\"step\": [1, 2], \"train\": [1], \"test\": [1, 1]}",
	    5, "\"train\" must be an array as long");
	check_member("{\"step\": [2, 1], \"train\": [1, 1], "
	    "\"test\": [null, null]}", 5, "increasing");
	check_member("{\"step\": [1, 9], \"train\": [1, 1], "
	    "\"test\": [null, null]}", 5, "from 0 to the file's step 5");
	check_member("{\"step\": [1.5], \"train\": [1], \"test\": [null]}",
	    5, "whole");
	check_member("{\"step\": [1], \"train\": [-2], \"test\": [null]}", 5,
	    "not negative");
	check_member("{\"step\": [1], \"train\": [\"x\"], \"test\": [null]}",
	    5, "not a number or null");
	check_member("{\"step\": [null], \"train\": [1], \"test\": [null]}",
	    5, "not a number");
	/* the bound */
	v = json_pack("{s:[],s:[],s:[]}", "step", "train", "test");
	for (int i = 0; i <= CHECKPOINT_HISTORY_MAX; i++) {
		json_array_append_new(json_object_get(v, "step"),
		    json_integer(i));
		json_array_append_new(json_object_get(v, "train"),
		    json_real(1));
		json_array_append_new(json_object_get(v, "test"), json_null());
	}
	assert_int_equal(checkpoint_history_read(v, CHECKPOINT_HISTORY_MAX,
	    &h, err, sizeof err), -1);
	assert_non_null(strstr(err, "more than the 8192"));
	json_decref(v);
}

static bool
has_history(const struct snapshot *s, long arg)
{
	return s->nruns == 1 && s->runs[0].hist.n >= arg;
}

/* The engine shows a loaded run's saved curves, not one point: its
 * training losses and its test losses at their steps. */
static void
test_engine_shows_loaded_history(void **state)
{
	struct checkpoint_history h;
	struct snapshot_curve c = { 0 };
	struct engine_opts eo = { .publish_ms = 10, .start_paused = true,
	    .loaded_hist = &c };
	struct trainer *t = calloc(1, sizeof *t);
	struct engine *e;
	struct snapshot *s;
	const struct snapshot_curve *got;
	char err[256];

	(void)state;
	trained(t, &h);
	for (long i = 0; i < h.n; i++)
		snapshot_curve_append(&c, h.step[i], h.train[i], h.test[i]);
	e = engine_create(&t->cfg, t, &eo, err, sizeof err);
	assert_non_null(e);
	snapshot_curve_free(&c);
	s = engine_first_snapshot(e);
	assert_int_equal(engine_start(e), 0);
	assert_true(fixture_wait(e, &s, has_history, 12, 10));
	got = &s->runs[0].hist;
	assert_int_equal(got->n, 12);
	assert_int_equal(s->runs[0].step, 12);
	/* (step 12's test is the engine's own evaluation, merged in) */
	for (long i = 0; i < 11; i++) {
		assert_true(got->step[i] == h.step[i]);
		assert_true(fabs(got->train[i] - h.train[i]) <= 1e-15 *
		    h.train[i]);
		assert_true(isnan(h.test[i]) ? isnan(got->test[i]) :
		    fabs(got->test[i] - h.test[i]) <= 1e-15 * h.test[i]);
	}
	checkpoint_history_free(&h);
	engine_free(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_bad_history_not_saved),
		cmocka_unit_test(test_read_rules),
		cmocka_unit_test(test_engine_shows_loaded_history),
	};

	return cmocka_run_group_tests(tests, fixture_dir_setup,
	    fixture_dir_remove);
}
