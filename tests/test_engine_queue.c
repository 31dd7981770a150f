/*
 * The engine's command queue and its interruption (issue 10): no key is
 * dropped, repeated keys merge into one entry with exactly the effect of
 * the separate keys, and the worker answers a key between the pieces of a
 * step or of a run's set-up, not after them.
 *
 * Keys sent before engine_start all wait in the queue, so what merges is
 * known. The interruption tests count pieces, not time: a step or the
 * baselines of a model big enough that either takes a second or more must
 * not complete between a pause and the snapshot that shows it paused.
 */
#include <math.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "dir_fixture.h"
#include "engine_fixture.h"
#include "memscope/engine.h"


/* A model whose step takes two seconds or so here (d 128, n 512, full P
 * and Q, 300 tasks) and whose set-up stays short: a small test batch, and
 * a fixed GD step so that the baselines need no tuning batch. */
static void
large_config(struct ms_config *cfg)
{
	config_defaults(cfg);
	cfg->dim = 128;
	cfg->context = 512;
	cfg->layers = 4;
	cfg->param = MS_PARAM_FULL;
	cfg->memory = MS_MEMORY_NONE;
	cfg->data = MS_DATA_ISO;
	cfg->batch = 300;
	cfg->test_batch = 4;
	cfg->gd_step = 1e-3;
	cfg->threads = 1;
}







static bool
tested_not_based(const struct snapshot *s, long arg)
{
	(void)arg;
	return snapshot_focus(s)->test_step >= 0 && !s->have_baselines;
}

/* A paused engine for cfg saving to path (not started). */
static struct engine *
paused_engine(const struct ms_config *cfg, const char *path)
{
	struct engine_opts eo = { 0 };
	struct engine *e;
	char err[512];

	eo.save_path = path;
	eo.start_paused = true;
	e = engine_create(cfg, NULL, &eo, err, sizeof err);
	if (e == NULL)
		fail_msg("engine_create: %s", err);
	return e;
}

/*
 * 100 presses of ] then s, all queued at once: the save happens, and the
 * run it saves is the one 100 separate presses give (heads 64, the most
 * config_validate takes: the last 37 presses are refused), byte for byte.
 * The separate presses are kept apart by a p (pause, a no-op when paused)
 * between any two, which merges with neither.
 */
static void
test_hundred_heads_then_save(void **state)
{
	struct ms_config cfg;
	struct engine *a, *b;
	struct snapshot *sa, *sb;
	char dir[] = "/tmp/memscope-queue.XXXXXX", pa[64], pb[64];
	char *fa, *fb;
	size_t la, lb;
	int i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(pa, sizeof pa, "%s/merged.json", dir);
	snprintf(pb, sizeof pb, "%s/separate.json", dir);
	fixture_small_config(&cfg);

	a = paused_engine(&cfg, pa);
	sa = engine_first_snapshot(a);
	for (i = 0; i < 100; i++)
		engine_send(a, ENGINE_CMD_HEADS, +1);
	engine_send(a, ENGINE_CMD_SAVE, 0);
	assert_int_equal(engine_start(a), 0);
	assert_true(fixture_wait(a, &sa, fixture_message_has, (long)"saved step 0", 20));
	assert_int_equal(sa->cfg.heads, 64);

	b = paused_engine(&cfg, pb);
	sb = engine_first_snapshot(b);
	for (i = 0; i < 100; i++) {
		engine_send(b, ENGINE_CMD_HEADS, +1);
		engine_send(b, ENGINE_CMD_PAUSE, 0);
	}
	engine_send(b, ENGINE_CMD_SAVE, 0);
	assert_int_equal(engine_start(b), 0);
	assert_true(fixture_wait(b, &sb, fixture_message_has, (long)"saved step 0", 60));
	assert_int_equal(sb->cfg.heads, 64);
	assert_true(strstr(sb->message, "merged") == NULL);

	fa = fixture_read(pa, &la);
	fb = fixture_read(pb, &lb);
	assert_int_equal(la, lb);
	assert_memory_equal(fa, fb, la);
	free(fa);
	free(fb);
	engine_free(a);
	engine_free(b);
	unlink(pa);
	unlink(pb);
	rmdir(dir);
}

/* The merge is shown: the heads message names the 100 keys and the
 * refused ones. */
static void
test_merge_is_shown(void **state)
{
	struct ms_config cfg;
	struct engine *e;
	struct snapshot *s;

	(void)state;
	fixture_small_config(&cfg);
	e = paused_engine(&cfg, "/nonexistent/never-saved.json");
	s = engine_first_snapshot(e);
	for (int i = 0; i < 100; i++)
		engine_send(e, ENGINE_CMD_HEADS, +1);
	assert_int_equal(engine_start(e), 0);
	assert_true(fixture_wait(e, &s, fixture_message_has,
	    (long)"100 keys merged into 1", 20));
	assert_non_null(strstr(s->message, "37 of the keys refused"));
	assert_non_null(strstr(s->message, "H64"));
	assert_int_equal(s->cfg.heads, 64);
	engine_free(e);
}

/* Keys that do not merge are all kept: 300 n (one step each) then s. */
static void
test_three_hundred_steps_then_save(void **state)
{
	struct ms_config cfg;
	struct engine *e;
	struct snapshot *s;
	char dir[] = "/tmp/memscope-queue.XXXXXX", path[64];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/steps.json", dir);
	fixture_small_config(&cfg);
	e = paused_engine(&cfg, path);
	s = engine_first_snapshot(e);
	for (int i = 0; i < 300; i++)
		engine_send(e, ENGINE_CMD_STEP, 0);
	engine_send(e, ENGINE_CMD_SAVE, 0);
	assert_int_equal(engine_start(e), 0);
	assert_true(fixture_wait(e, &s, fixture_message_has, (long)"saved step 300", 20));
	assert_int_equal(s->step, 300);
	assert_int_equal(s->state, ENGINE_PAUSED);
	engine_free(e);
	assert_int_equal(access(path, R_OK), 0);
	unlink(path);
	rmdir(dir);
}

/* Speed keys merge with their clamping kept: 100 slower then 3 faster is
 * the slowest cap moved up three levels, as 103 separate keys give. */
static void
test_speed_keys_clamp_per_press(void **state)
{
	struct ms_config cfg;
	struct engine *e;
	struct snapshot *s;

	(void)state;
	fixture_small_config(&cfg);
	e = paused_engine(&cfg, "/nonexistent/never-saved.json");
	s = engine_first_snapshot(e);
	for (int i = 0; i < 100; i++)
		engine_send(e, ENGINE_CMD_SPEED, -1);
	for (int i = 0; i < 3; i++)
		engine_send(e, ENGINE_CMD_SPEED, +1);
	assert_int_equal(engine_start(e), 0);
	assert_true(fixture_wait(e, &s, fixture_message_has, (long)"3 keys merged", 20));
	assert_int_equal(s->speed_cap, 10);	/* 1 -> 2 -> 5 -> 10 */
	engine_free(e);
}

/*
 * A pause reaches the worker inside a step of a large model: the step
 * under way is dropped, so no step completes between the key and the
 * paused snapshot (the step that was running is made again on resume).
 */
static void
test_pause_inside_a_step(void **state)
{
	struct ms_config cfg;
	struct engine_opts eo = { 0 };
	struct engine *e;
	struct snapshot *s;
	char err[512];
	long at;

	(void)state;
	large_config(&cfg);
	e = engine_create(&cfg, NULL, &eo, err, sizeof err);
	assert_non_null(e);
	s = engine_first_snapshot(e);
	assert_int_equal(engine_start(e), 0);
	/* a step is published as it ends; the next one starts at once */
	assert_true(fixture_wait(e, &s, fixture_step_at_least, 1, 120));
	at = s->step;
	engine_send(e, ENGINE_CMD_PAUSE, 0);
	assert_true(fixture_wait(e, &s, fixture_state_is, ENGINE_PAUSED, 120));
	assert_int_equal(s->step, at);
	engine_free(e);
}

/*
 * A pause reaches the worker while it evaluates the baselines of a new
 * run: the first paused snapshot comes before the baselines do.
 */
static void
test_pause_inside_the_set_up(void **state)
{
	struct ms_config cfg;
	struct engine_opts eo = { 0 };
	struct engine *e;
	struct snapshot *s;
	char err[512];

	(void)state;
	large_config(&cfg);
	cfg.test_batch = 300;	/* baselines of several seconds */
	cfg.gd_step = 0;	/* with the tuning batch */
	cfg.batch = 4;
	e = engine_create(&cfg, NULL, &eo, err, sizeof err);
	assert_non_null(e);
	s = engine_first_snapshot(e);
	assert_int_equal(engine_start(e), 0);
	assert_true(fixture_wait(e, &s, tested_not_based, 0, 120));
	engine_send(e, ENGINE_CMD_PAUSE, 0);
	assert_true(fixture_wait(e, &s, fixture_state_is, ENGINE_PAUSED, 120));
	assert_false(s->have_baselines);
	assert_int_equal(s->step, 0);
	engine_free(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hundred_heads_then_save),
		cmocka_unit_test(test_merge_is_shown),
		cmocka_unit_test(test_three_hundred_steps_then_save),
		cmocka_unit_test(test_speed_keys_clamp_per_press),
		cmocka_unit_test(test_pause_inside_a_step),
		cmocka_unit_test(test_pause_inside_the_set_up),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
