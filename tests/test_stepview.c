/*
 * The step-through screen's selection: tasks wrap around, ℓ stays in 0..L
 * of the trace the snapshot holds, and both follow a change of run. The
 * trace itself is the worker's (test_engine_step.c).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "memscope/stepview.h"
#include "tui_fixture.h"

static void
view_config(struct ms_config *cfg, enum ms_memory mem)
{
	config_defaults(cfg);
	cfg->layers = 3;
	cfg->memory = mem;
	cfg->test_batch = 50;
	cfg->seed = 4;
	cfg->gd_step = 0.0;
}

/* Tasks wrap around, ℓ stays in 0..L, and both follow a change of run. */
static void
test_ranges(void **state)
{
	struct ms_config cfg;
	struct snapshot s, s2;
	struct step_view v;
	int seen = 0;

	(void)state;
	view_config(&cfg, MS_MEMORY_NONE);
	snapshot_init(&s);
	fixture_snapshot(&s, &cfg);
	step_view_init(&v);
	assert_true(v.follow);
	step_view_sync(&v, &s);
	assert_int_equal(v.tasks, cfg.test_batch);
	assert_int_equal(v.layers, cfg.layers);
	step_view_move_task(&v, -1);
	assert_int_equal(v.task, cfg.test_batch - 1);
	step_view_move_task(&v, +1);
	assert_int_equal(v.task, 0);
	step_view_move_task(&v, +1);
	assert_int_equal(v.task, 1);
	for (int i = 0; i < 20; i++) {
		int before = v.task;

		step_view_random_task(&v);
		assert_true(v.task >= 0 && v.task < cfg.test_batch);
		assert_true(v.task != before);
		seen |= 1 << (v.task * 8 / cfg.test_batch);
	}
	assert_true(seen != 1);		/* not all in one corner */
	step_view_move_layer(&v, -1);
	assert_int_equal(v.layer, 0);
	for (int i = 0; i < 10; i++)
		step_view_move_layer(&v, +1);
	assert_int_equal(v.layer, cfg.layers);
	step_view_move_layer(&v, -1);
	assert_int_equal(v.layer, cfg.layers - 1);
	step_view_toggle_follow(&v);
	assert_false(v.follow);
	step_view_toggle_follow(&v);
	assert_true(v.follow);

	/* a new run with fewer layers and tasks: ℓ is clamped; the task
	 * asked for stays, shown (and traced by the worker) as the last */
	for (int i = 0; i < 10; i++)
		step_view_move_layer(&v, +1);
	v.task = cfg.test_batch - 1;
	cfg.layers = 2;
	cfg.test_batch = 10;
	snapshot_init(&s2);
	fixture_snapshot(&s2, &cfg);
	s2.seq = s.seq + 1;
	step_view_sync(&v, &s2);
	assert_int_equal(v.layer, 2);
	assert_int_equal(step_view_task(&v), 9);
	step_view_move_task(&v, +1);
	assert_int_equal(v.task, 0);
	v.task = 49;
	step_view_move_task(&v, -1);
	assert_int_equal(v.task, 8);
	/* back to 50 tasks: the task asked for is shown again */
	v.task = 49;
	step_view_sync(&v, &s);
	assert_int_equal(step_view_task(&v), 49);

	snapshot_free(&s);
	snapshot_free(&s2);
}

/* Before the first snapshot with a trace there is no range to keep: the
 * task stays 0 and ℓ at least 0. */
static void
test_waits_for_a_trace(void **state)
{
	struct snapshot s;
	struct step_view v;

	(void)state;
	snapshot_init(&s);
	step_view_init(&v);
	step_view_sync(&v, &s);
	assert_int_equal(v.tasks, 0);
	step_view_move_task(&v, 1);
	assert_int_equal(v.task, 0);
	step_view_random_task(&v);
	assert_int_equal(v.task, 0);
	step_view_move_layer(&v, -1);
	assert_int_equal(v.layer, 0);
	step_view_move_layer(&v, 1);
	assert_int_equal(v.layer, 1);
	step_view_sync(&v, NULL);
	assert_int_equal(v.tasks, 0);
	snapshot_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_waits_for_a_trace),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
