/*
 * The step-through screen's state: it traces what the snapshot holds (the
 * same numbers as a trace made by hand), follows new snapshots or keeps a
 * frozen copy, and keeps the task and ℓ in range as runs change.
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

/* The view's trace is the one made by hand from the snapshot's parameters,
 * its GD steps and the run's test task. */
static void
test_traces_the_snapshot(void **state)
{
	struct ms_config cfg;
	struct snapshot s;
	struct step_view v;
	struct task_dist dist;
	struct task_batch one;
	struct model m;
	struct trace tr;
	char err[256];
	int L;

	(void)state;
	view_config(&cfg, MS_MEMORY_CGD);
	L = cfg.layers;
	snapshot_init(&s);
	fixture_snapshot(&s, &cfg);
	step_view_init(&v);
	v.task = 17;
	step_view_sync(&v, &s);
	assert_true(step_view_ready(&v));

	assert_int_equal(task_dist_init(&dist, &cfg, err, sizeof err), 0);
	trace_test_task(&dist, cfg.seed, cfg.test_batch, 1, 17, cfg.context,
	    &one);
	model_init(&m, &cfg);
	memcpy(m.params, s.params, s.nparams * sizeof *s.params);
	trace_init(&tr);
	trace_set_task(&tr, &cfg, &one, 0, s.base_step[BASELINE_GD]);
	assert_int_equal(trace_set_model(&tr, &m), 0);
	for (int k = 0; k < TRACE_METHODS; k++)
		assert_memory_equal(v.trace.col[k].pred, tr.col[k].pred,
		    (L + 1) * sizeof(double));
	assert_memory_equal(v.trace.contrib, tr.contrib,
	    (size_t)L * L * sizeof(double));
	assert_true(v.trace.gd_step[1] == s.base_step[BASELINE_GD][1]);

	trace_free(&tr);
	model_free(&m);
	task_batch_free(&one);
	task_dist_free(&dist);
	step_view_free(&v);
	snapshot_free(&s);
}

/* Following takes each new snapshot; frozen, the view keeps its copy. */
static void
test_follow_and_freeze(void **state)
{
	struct ms_config cfg;
	struct snapshot s;
	struct step_view v;
	double before, after;
	int L;

	(void)state;
	view_config(&cfg, MS_MEMORY_LFOM);
	L = cfg.layers;
	snapshot_init(&s);
	fixture_snapshot(&s, &cfg);
	step_view_init(&v);
	step_view_sync(&v, &s);
	before = v.trace.col[TRACE_MODEL].pred[L];
	assert_true(isfinite(before));

	/* training moved on: new parameters in a newer snapshot */
	for (size_t i = 0; i < s.nparams; i++)
		s.params[i] *= 0.5;
	s.seq++;
	s.step++;
	step_view_sync(&v, &s);
	after = v.trace.col[TRACE_MODEL].pred[L];
	assert_true(after != before);
	assert_int_equal(v.src_step, s.step);

	/* frozen: a newer snapshot changes nothing */
	step_view_toggle_follow(&v);
	for (size_t i = 0; i < s.nparams; i++)
		s.params[i] *= 0.5;
	s.seq++;
	s.step++;
	step_view_sync(&v, &s);
	assert_true(v.trace.col[TRACE_MODEL].pred[L] == after);
	assert_int_equal(v.src_step, s.step - 1);
	/* following again picks it up */
	step_view_toggle_follow(&v);
	step_view_sync(&v, &s);
	assert_true(v.trace.col[TRACE_MODEL].pred[L] != after);
	assert_int_equal(v.src_step, s.step);

	step_view_free(&v);
	snapshot_free(&s);
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
	step_view_sync(&v, &s);
	step_view_move_task(&v, -1);
	assert_int_equal(v.task, cfg.test_batch - 1);
	step_view_move_task(&v, +1);
	assert_int_equal(v.task, 0);
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

	/* a new run with fewer layers and tasks */
	v.task = cfg.test_batch - 1;
	cfg.layers = 2;
	cfg.test_batch = 10;
	snapshot_init(&s2);
	fixture_snapshot(&s2, &cfg);
	s2.seq = s.seq + 1;
	step_view_sync(&v, &s2);
	assert_true(step_view_ready(&v));
	assert_int_equal(v.layer, 2);
	assert_int_equal(v.task, 9);
	assert_int_equal(v.trace.L, 2);

	step_view_free(&v);
	snapshot_free(&s);
	snapshot_free(&s2);
}

/* Before the first snapshot with a model there is nothing to trace. */
static void
test_waits_for_a_model(void **state)
{
	struct snapshot s;
	struct step_view v;

	(void)state;
	snapshot_init(&s);
	step_view_init(&v);
	step_view_sync(&v, &s);
	assert_false(step_view_ready(&v));
	step_view_move_task(&v, 1);
	step_view_random_task(&v);
	step_view_move_layer(&v, 1);
	step_view_sync(&v, NULL);
	assert_false(step_view_ready(&v));
	step_view_free(&v);
	snapshot_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_traces_the_snapshot),
		cmocka_unit_test(test_follow_and_freeze),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_waits_for_a_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
