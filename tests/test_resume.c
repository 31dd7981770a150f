/*
 * Resuming from checkpoints (issue 10, inputs): a run saved and resumed
 * equals the uninterrupted run bit for bit, with the batch redrawn every
 * few steps and after a change of data (the visualizer's c key); a file
 * recording a huge step loads without replaying it; a step that would
 * overflow the counters that go on from it is refused, naming the field
 * and its range; version-2 files (tests/data) still load and resume.
 * Only checkpoint_load, checkpoint_save, the trainer and the engine are
 * used, as they were before version 3.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "dir_fixture.h"
#include "memscope/checkpoint.h"
#include "memscope/engine.h"
#include "memscope/trainer.h"






static void
small_config(struct ms_config *c, int resample)
{
	config_defaults(c);
	c->dim = 3;
	c->context = 5;
	c->layers = 2;
	c->param = MS_PARAM_PRE;
	c->memory = MS_MEMORY_LFOM;
	c->data = MS_DATA_ISO;
	c->batch = 12;
	c->test_batch = 9;
	c->steps = 40;
	c->resample = resample;
	c->seed = 11;
}

static void
start(struct trainer *t, const struct ms_config *c)
{
	char err[512];

	if (trainer_init(t, c, err, sizeof err) != 0)
		fail_msg("trainer_init: %s", err);
}

static void
steps(struct trainer *t, int n)
{
	for (int s = 0; s < n; s++)
		assert_int_equal(trainer_step(t), 0);
}

/* The visualizer's c key: the next data conditioning, training goes on. */
static void
change_data(struct trainer *t)
{
	struct ms_config next;
	char err[512];

	engine_next_data(&t->cfg, &next);
	if (trainer_set_data(t, &next, err, sizeof err) != 0)
		fail_msg("trainer_set_data: %s", err);
}


/* The two runs are in the same state, bit for bit: parameters, Adam,
 * both batches and both streams (the next numbers they give). */
static void
assert_same_run(const struct trainer *a, const struct trainer *b)
{
	const struct task_batch *ta = &a->train, *tb = &b->train;

	assert_int_equal(a->step, b->step);
	assert_int_equal(a->cfg.data, b->cfg.data);
	assert_memory_equal(a->model.params, b->model.params,
	    a->model.nparams * sizeof(double));
	assert_int_equal(a->adam.t, b->adam.t);
	assert_memory_equal(a->adam.m, b->adam.m, a->adam.n * sizeof(double));
	assert_memory_equal(a->adam.v, b->adam.v, a->adam.n * sizeof(double));
	assert_memory_equal(ta->X, tb->X, sizeof(double) * (size_t)ta->B *
	    (ta->n + 1) * ta->d);
	assert_memory_equal(ta->y, tb->y, sizeof(double) * (size_t)ta->B *
	    (ta->n + 1));
	assert_memory_equal(a->test.X, b->test.X, sizeof(double) *
	    (size_t)a->test.B * (a->test.n + 1) * a->test.d);
	assert_true(rng_same(&a->rng_train, &b->rng_train));
	assert_true(rng_same(&a->rng_test, &b->rng_test));
}

/* Train `before` steps (changing the data after `change_at` of them if
 * change_at >= 0), save, load, and go on `after` steps beside a run that
 * was never interrupted: every loss and the final state agree bit for bit. */
static void
resume(int resample, int before, int change_at, int after)
{
	struct ms_config c;
	struct trainer a, b, r;
	char err[512];
	const char *path = fixture_in_dir("resume.json");

	small_config(&c, resample);
	start(&a, &c);
	start(&b, &c);
	for (int s = 0; s < before; s++) {
		if (s == change_at) {
			change_data(&a);
			change_data(&b);
		}
		steps(&a, 1);
		steps(&b, 1);
	}
	if (checkpoint_save(path, &b, err, sizeof err) != 0)
		fail_msg("save: %s", err);
	trainer_free(&b);
	if (checkpoint_load(path, &r, err, sizeof err) != 0)
		fail_msg("load: %s", err);
	for (int s = 0; s < after; s++) {
		steps(&a, 1);
		steps(&r, 1);
		assert_memory_equal(&a.train_loss, &r.train_loss,
		    sizeof(double));
	}
	assert_same_run(&a, &r);
	/* the test batch too: the same test losses */
	{
		double ma[2], mr[2];

		trainer_test(&a, ma);
		trainer_test(&r, mr);
		assert_memory_equal(ma, mr, sizeof ma);
	}
	trainer_free(&a);
	trainer_free(&r);
}

/* Saved and resumed with the batch redrawn every 1, 2, 3 steps. */
static void
test_resume_resample(void **state)
{
	(void)state;
	resume(1, 7, -1, 6);
	resume(2, 9, -1, 5);
	resume(3, 10, -1, 7);
	resume(0, 5, -1, 4);
}

/* Saved after the c key (which redraws both batches from the streams as
 * they are): the resumed run has those very batches. */
static void
test_resume_after_data_change(void **state)
{
	(void)state;
	resume(0, 6, 3, 5);
	resume(1, 8, 4, 6);
	resume(3, 9, 2, 7);
	resume(2, 5, 5, 4);	/* changed just before the save */
}

/* The same through the visualizer's engine: c, a step, c, a step, s (the
 * commands are carried out in order; engine_free waits for them). The
 * file resumes as the run would have gone on. */
static void
test_engine_save_after_data_change(void **state)
{
	struct ms_config c;
	struct engine_opts eo = { .publish_ms = 10, .start_paused = true };
	struct engine *e;
	struct trainer a, r;
	char err[512];
	const char *path = fixture_in_dir("engine.json");

	(void)state;
	small_config(&c, 1);
	c.dim = 5;		/* the data cycle goes through paper */
	eo.save_path = path;
	e = engine_create(&c, NULL, &eo, err, sizeof err);
	assert_non_null(e);
	assert_int_equal(engine_start(e), 0);
	engine_send(e, ENGINE_CMD_DATA, 0);
	engine_send(e, ENGINE_CMD_STEP, 0);
	engine_send(e, ENGINE_CMD_DATA, 0);
	engine_send(e, ENGINE_CMD_STEP, 0);
	engine_send(e, ENGINE_CMD_SAVE, 0);
	engine_free(e);
	if (checkpoint_load(path, &r, err, sizeof err) != 0)
		fail_msg("load: %s", err);
	start(&a, &c);
	change_data(&a);
	steps(&a, 1);
	change_data(&a);
	steps(&a, 1);
	assert_int_equal(r.cfg.data, MS_DATA_KAPPA);
	for (int s = 0; s < 4; s++) {
		steps(&a, 1);
		steps(&r, 1);
		assert_memory_equal(&a.train_loss, &r.train_loss,
		    sizeof(double));
	}
	assert_same_run(&a, &r);
	trainer_free(&a);
	trainer_free(&r);
}

/* A valid checkpoint at step 3 as a JSON tree, to edit. */
static json_t *
saved_json(int resample)
{
	struct ms_config c;
	struct trainer t;
	char err[512];
	json_error_t jerr;
	json_t *root;
	const char *path = fixture_in_dir("valid.json");

	small_config(&c, resample);
	start(&t, &c);
	steps(&t, 3);
	if (checkpoint_save(path, &t, err, sizeof err) != 0)
		fail_msg("save: %s", err);
	trainer_free(&t);
	root = json_load_file(path, 0, &jerr);
	assert_non_null(root);
	return root;
}

/* root written as checkpoint_save writes it, checksum last (taken). */
static const char *
write_with_checksum(json_t *root, const char *name)
{
	const char *path = fixture_in_dir(name);
	char *text, *out;
	size_t len;
	FILE *f;

	json_object_del(root, "checksum");
	text = json_dumps(root, JSON_INDENT(1) | JSON_REAL_PRECISION(17));
	json_decref(root);
	assert_non_null(text);
	len = strlen(text);
	assert_true(len > 2 && strcmp(text + len - 2, "\n}") == 0);
	out = malloc(len + 64);
	memcpy(out, text, len - 2);
	memcpy(out + len - 2, ",\n ", 3);
	len++;
	snprintf(out + len, 64, "\"checksum\": \"fnv1a64:%016" PRIx64
	    "\"\n}\n", checkpoint_fnv1a64(out, len));
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(out, f);
	assert_int_equal(fclose(f), 0);
	free(text);
	free(out);
	return path;
}

/* The step at which a checkpoint says it stands (and Adam's t with it). */
static void
set_step(json_t *root, json_int_t step)
{
	json_object_set_new(root, "step", json_integer(step));
	json_object_set_new(json_object_get(root, "adam"), "t",
	    json_integer(step));
}

/* A file at step 2^63 - 1 (a correct checksum): refused, naming "step" and
 * the range, before anything could count on from it. Were it accepted, one
 * more step would overflow the trainer's and Adam's counters and the
 * engine's target (signed overflow: the sanitizer build aborts there). */
static void
test_step_overflow_refused(void **state)
{
	static const json_int_t bad[] = { INT64_MAX, INT64_MAX - 1,
	    (json_int_t)1 << 62, 1000000000000001LL };
	struct engine_opts eo = { .publish_ms = 10, .start_paused = true };
	struct trainer t, *loaded;
	struct engine *e;
	char err[512];

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		json_t *root = saved_json(0);
		const char *path;

		set_step(root, bad[i]);
		path = write_with_checksum(root, "overflow.json");
		if (checkpoint_load(path, &t, err, sizeof err) == 0) {
			/* what an accepted file leads to */
			struct ms_config c = t.cfg;

			loaded = malloc(sizeof *loaded);
			*loaded = t;
			e = engine_create(&c, loaded, &eo, err, sizeof err);
			engine_free(e);
			start(&t, &c);
			t.step = t.adam.t = (long)bad[i];
			trainer_step(&t);
			trainer_free(&t);
			fail_msg("a checkpoint at step %" JSON_INTEGER_FORMAT
			    " was accepted", bad[i]);
		}
		if (strstr(err, "\"step\" must be an integer from 0 to "
		    "1000000000000000") == NULL)
			fail_msg("the refusal does not name the field and its "
			    "range: %s", err);
	}
	/* the largest step accepted loads, and steps on */
	{
		json_t *root = saved_json(0);
		const char *path;

		set_step(root, 1000000000000000LL);
		path = write_with_checksum(root, "largest.json");
		if (checkpoint_load(path, &t, err, sizeof err) != 0)
			fail_msg("load: %s", err);
		assert_int_equal(trainer_step(&t), 0);
		assert_true(t.step == 1000000000000001L);
		trainer_free(&t);
	}
}

/* The first training batch and the training stream just after it: what a
 * load that replayed nothing leaves. */
static void
assert_not_replayed(struct trainer *t)
{
	struct trainer fresh;

	start(&fresh, &t->cfg);
	assert_memory_equal(fresh.rng_train.s, t->rng_train.s,
	    sizeof fresh.rng_train.s);
	assert_memory_equal(fresh.train.X, t->train.X, sizeof(double) *
	    (size_t)fresh.train.B * (fresh.train.n + 1) * fresh.train.d);
	trainer_free(&fresh);
}

/* A file that records 10^12 steps with the batch redrawn every step loads
 * at the cost of the file: the stream is where one draw leaves it, not a
 * trillion (which a replay would take hours to reach). Both formats. */
static void
test_huge_step_no_replay(void **state)
{
	struct trainer t;
	char err[512];
	json_t *root;
	const char *path;

	(void)state;
	/* version 2, written by memscope 30f844f and edited to step 10^12 */
	if (checkpoint_load(fixture_data_file("ckpt-v2-huge-step.json"), &t,
	    err,
	    sizeof err) != 0)
		fail_msg("load: %s", err);
	assert_true(t.step == 1000000000000L);
	assert_not_replayed(&t);
	trainer_free(&t);
	/* the current version at step 10^12: its own streams, as saved */
	root = saved_json(1);
	set_step(root, 1000000000000LL);
	path = write_with_checksum(root, "huge.json");
	if (checkpoint_load(path, &t, err, sizeof err) != 0)
		fail_msg("load: %s", err);
	assert_true(t.step == 1000000000000L);
	trainer_free(&t);
}

/* A version-2 file (memscope 30f844f: 12 steps, redrawn every 2) loads
 * with its redraws replayed, and trains on exactly as the run would have. */
static void
test_version2_resumes(void **state)
{
	struct trainer v2, v3, a;
	char err[512];

	(void)state;

	if (checkpoint_load(fixture_data_file("ckpt-v2-resample.json"), &v2,
	    err,
	    sizeof err) != 0)
		fail_msg("load: %s", err);
	assert_int_equal(v2.step, 12);
	assert_int_equal(v2.cfg.resample, 2);
	/* saved again (the current version) it reloads to the same run */
	if (checkpoint_save(fixture_in_dir("v3.json"), &v2, err,
	    sizeof err) != 0)
		fail_msg("save: %s", err);
	if (checkpoint_load(fixture_in_dir("v3.json"), &v3, err,
	    sizeof err) != 0)
		fail_msg("load: %s", err);
	assert_same_run(&v2, &v3);
	trainer_free(&v3);
	start(&a, &v2.cfg);
	steps(&a, 12);
	/* the parameters are the file's: equal to the run's to 17 digits */
	assert_memory_equal(a.model.params, v2.model.params,
	    a.model.nparams * sizeof(double));
	for (int s = 0; s < 7; s++) {
		steps(&a, 1);
		steps(&v2, 1);
		assert_memory_equal(&a.train_loss, &v2.train_loss,
		    sizeof(double));
	}
	assert_same_run(&a, &v2);
	trainer_free(&a);
	trainer_free(&v2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resume_resample),
		cmocka_unit_test(test_resume_after_data_change),
		cmocka_unit_test(test_engine_save_after_data_change),
		cmocka_unit_test(test_step_overflow_refused),
		cmocka_unit_test(test_version2_resumes),
		cmocka_unit_test(test_huge_step_no_replay),
	};

	return cmocka_run_group_tests(tests, fixture_dir_setup,
	    fixture_dir_remove);
}
