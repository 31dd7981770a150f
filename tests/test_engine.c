/* The engine thread: commands, snapshots, pausing, runs, export. */
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

#include "engine_fixture.h"
#include "memscope/engine.h"
#include "memscope/theory.h"





/* Take snapshots until pred holds (true) or 10 s pass (false). */
static bool
wait_for(struct engine *e, struct snapshot **s, fixture_pred pred, long arg)
{
	return fixture_wait(e, s, pred, arg, 10);
}

static bool
has_baselines(const struct snapshot *s, long arg)
{
	(void)arg;
	return s->have_baselines;
}



static bool
heads_are(const struct snapshot *s, long arg)
{
	return s->cfg.heads == arg && s->have_baselines;
}

static bool
data_changed(const struct snapshot *s, long arg)
{
	(void)arg;
	return s->cfg.data != MS_DATA_ISO && s->have_baselines &&
	    snapshot_focus(s)->nmarks == 1;
}


/* The snapshot describes one consistent model state. */
static void
check_consistent(const struct snapshot *s)
{
	const struct snapshot_run *r = snapshot_focus(s);
	const struct snapshot_curve *h = &r->hist;
	int i, L = s->cfg.layers;

	assert_int_equal(s->L, L);
	assert_int_equal(r->L, L);
	assert_int_equal(s->H, s->cfg.heads);
	assert_true(s->nblocks > 0);
	for (i = 0; i < s->nblocks; i++)
		assert_true(s->blocks[i].offset + (size_t)s->blocks[i].rows *
		    s->blocks[i].cols <= s->nparams);
	for (i = 1; i < h->n; i++)
		assert_true(h->step[i] > h->step[i - 1]);
	if (h->n > 0)
		assert_true(h->step[h->n - 1] <= s->step);
	assert_true(h->n <= 2 * SNAPSHOT_MAX_POINTS + 1);
	if (r->test_step >= 0)
		for (i = 0; i < L; i++)
			assert_true(isfinite(r->layer_mse[i]));
}

static void
test_paused_steps_one(void **state)
{
	struct ms_config cfg;
	struct engine_opts eo = { .publish_ms = 10, .start_paused = true };
	struct engine *e;
	struct snapshot *s;
	char err[256];

	(void)state;
	fixture_small_config(&cfg);
	e = engine_create(&cfg, NULL, &eo, err, sizeof err);
	assert_non_null(e);
	s = engine_first_snapshot(e);
	assert_int_equal(engine_start(e), 0);
	assert_true(wait_for(e, &s, has_baselines, 0));
	assert_int_equal(s->state, ENGINE_PAUSED);
	usleep(200000);
	engine_take(e, &s);
	assert_int_equal(s->step, 0);
	engine_send(e, ENGINE_CMD_STEP, 0);
	assert_true(wait_for(e, &s, fixture_step_at_least, 1));
	usleep(100000);
	engine_take(e, &s);
	assert_int_equal(s->step, 1);
	assert_int_equal(s->state, ENGINE_PAUSED);
	check_consistent(s);
	assert_true(s->have_baselines);
	/* CG on d = 5 after L = 2 iterations is not yet exact, but finite */
	assert_true(isfinite(s->base_mse[BASELINE_CG][2]));
	/* the theory lines, published with the baselines, are the task's */
	{
		struct theory_lines th;

		assert_int_equal(theory_lines_config(&s->cfg, &th, err,
		    sizeof err), 0);
		assert_int_equal(s->theory.layers, s->cfg.layers);
		assert_float_equal(s->theory.one_layer, th.one_layer, 0);
		assert_float_equal(s->theory.schedule[1], th.schedule[1], 0);
	}
	engine_free(e);
}

static void
test_pause_stops_steps(void **state)
{
	struct ms_config cfg;
	struct engine_opts eo = { .publish_ms = 10 };
	struct engine *e;
	struct snapshot *s;
	char err[256];
	long at;

	(void)state;
	fixture_small_config(&cfg);
	e = engine_create(&cfg, NULL, &eo, err, sizeof err);
	assert_non_null(e);
	s = engine_first_snapshot(e);
	assert_int_equal(engine_start(e), 0);
	assert_true(wait_for(e, &s, fixture_step_at_least, 50));
	assert_int_equal(s->state, ENGINE_RUNNING);
	check_consistent(s);
	engine_send(e, ENGINE_CMD_TOGGLE, 0);
	assert_true(wait_for(e, &s, fixture_state_is, ENGINE_PAUSED));
	at = s->step;
	usleep(300000);
	engine_take(e, &s);
	assert_int_equal(s->step, at);
	assert_int_equal(snapshot_focus(s)->test_step, at);	/* tested at the pause */
	engine_send(e, ENGINE_CMD_TOGGLE, 0);
	assert_true(wait_for(e, &s, fixture_step_at_least, at + 20));
	engine_free(e);
}

static void
test_setting_key_restarts_focused(void **state)
{
	struct ms_config cfg;
	struct engine_opts eo = { .publish_ms = 10 };
	struct engine *e;
	struct snapshot *s;
	char err[256];

	(void)state;
	fixture_small_config(&cfg);
	e = engine_create(&cfg, NULL, &eo, err, sizeof err);
	assert_non_null(e);
	s = engine_first_snapshot(e);
	assert_int_equal(engine_start(e), 0);
	assert_true(wait_for(e, &s, fixture_step_at_least, 30));
	engine_send(e, ENGINE_CMD_HEADS, +1);
	assert_true(wait_for(e, &s, heads_are, 2));
	/* the focused run starts again in its place: still one run */
	assert_int_equal(s->run, 2);
	assert_int_equal(s->nruns, 1);
	assert_int_equal(s->runs[0].id, 2);
	assert_int_equal(s->runs[0].cfg.heads, 2);
	check_consistent(s);
	/* data: iso -> paper (d = 5), training continues, a mark */
	engine_send(e, ENGINE_CMD_DATA, 0);
	assert_true(wait_for(e, &s, data_changed, 0));
	assert_int_equal(s->cfg.data, MS_DATA_PAPER);
	assert_int_equal(s->cfg.heads, 2);
	assert_int_equal(s->run, 2);
	assert_true(fabs(s->kappa - 16) < 1e-9);
	/* heads cannot go below one */
	engine_send(e, ENGINE_CMD_HEADS, -1);
	engine_send(e, ENGINE_CMD_HEADS, -1);
	assert_true(wait_for(e, &s, fixture_message_has, (long)"at least 1"));
	assert_int_equal(s->cfg.heads, 1);
	engine_free(e);
}

static bool
data_is(const struct snapshot *s, long arg)
{
	return s->cfg.data == (enum ms_data)arg && s->have_baselines;
}

/* The baselines published after changes of data are those of the same
 * run outside the engine (the step-through's trace: test_engine_step.c). */
static void
test_snapshot_baselines_after_data(void **state)
{
	struct ms_config cfg;
	struct engine_opts eo = { .publish_ms = 10, .start_paused = true };
	struct engine *e;
	struct snapshot *s;
	struct trainer t;
	struct baseline_table bt;
	char err[256];
	int L;

	(void)state;
	fixture_small_config(&cfg);
	e = engine_create(&cfg, NULL, &eo, err, sizeof err);
	assert_non_null(e);
	s = engine_first_snapshot(e);
	assert_int_equal(engine_start(e), 0);
	assert_true(wait_for(e, &s, data_is, MS_DATA_ISO));
	engine_send(e, ENGINE_CMD_DATA, 0);	/* iso -> paper */
	engine_send(e, ENGINE_CMD_DATA, 0);	/* paper -> kappa:10 */
	assert_true(wait_for(e, &s, data_is, MS_DATA_KAPPA));
	assert_int_equal(s->cfg.data, MS_DATA_KAPPA);
	/* the same run outside the engine */
	assert_int_equal(trainer_init(&t, &cfg, err, sizeof err), 0);
	for (int k = 0; k < 2; k++) {
		struct ms_config next;

		engine_next_data(&t.cfg, &next);
		assert_int_equal(trainer_set_data(&t, &next, err, sizeof err),
		    0);
	}
	L = cfg.layers;
	baselines_evaluate(&t.cfg, &t.dist, &t.test, L, &bt);
	assert_memory_equal(s->base_step[BASELINE_GD], bt.step[BASELINE_GD],
	    (L + 1) * sizeof(double));
	assert_memory_equal(s->base_mse[BASELINE_CG], bt.mse[BASELINE_CG],
	    (L + 1) * sizeof(double));
	baseline_table_free(&bt);
	trainer_free(&t);
	engine_free(e);
}

/* A finished run handed over (as from a checkpoint) waits, unchanged, for
 * space; an unfinished one trains on. */
static void
test_loaded_finished_run_waits(void **state)
{
	struct ms_config cfg;
	struct engine_opts eo = { .publish_ms = 10 };
	struct engine *e;
	struct snapshot *s;
	struct trainer *t;
	char err[256];

	(void)state;
	fixture_small_config(&cfg);
	cfg.steps = 3;
	for (int finished = 1; finished >= 0; finished--) {
		t = calloc(1, sizeof *t);
		assert_non_null(t);
		assert_int_equal(trainer_init(t, &cfg, err, sizeof err), 0);
		for (int k = 0; k < (finished ? 3 : 1); k++)
			assert_int_equal(trainer_step(t), 0);
		e = engine_create(&cfg, t, &eo, err, sizeof err);
		assert_non_null(e);
		s = engine_first_snapshot(e);
		assert_int_equal(engine_start(e), 0);
		assert_true(wait_for(e, &s, has_baselines, 0));
		usleep(100000);
		engine_take(e, &s);
		if (finished) {
			assert_int_equal(s->state, ENGINE_PAUSED);
			assert_int_equal(s->step, 3);
			assert_non_null(strstr(s->message, "finished run"));
			engine_send(e, ENGINE_CMD_TOGGLE, 0);
			assert_true(wait_for(e, &s, fixture_step_at_least, 4));
		} else
			assert_true(wait_for(e, &s, fixture_state_is,
			    ENGINE_FINISHED));
		engine_free(e);
	}
}

static void
test_finish_and_export(void **state)
{
	struct ms_config cfg;
	struct engine_opts eo = { .publish_ms = 10 };
	struct engine *e;
	struct snapshot *s;
	char err[256], path[] = "/tmp/memscope-engine-XXXXXX", line[256];
	FILE *f;
	int fd, rows = 0;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	eo.csv_path = path;
	fixture_small_config(&cfg);
	cfg.steps = 25;
	e = engine_create(&cfg, NULL, &eo, err, sizeof err);
	assert_non_null(e);
	s = engine_first_snapshot(e);
	assert_int_equal(engine_start(e), 0);
	assert_true(wait_for(e, &s, fixture_state_is, ENGINE_FINISHED));
	assert_int_equal(s->step, 25);
	assert_int_equal(snapshot_focus(s)->test_step, 25);
	engine_send(e, ENGINE_CMD_EXPORT, 0);
	assert_true(wait_for(e, &s, fixture_message_has, (long)"exported 26 rows"));
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof line, f));
	assert_string_equal(line, "run,step,train_mse,test_mse,seconds\n");
	while (fgets(line, sizeof line, f) != NULL)
		rows++;
	fclose(f);
	/* step 0 (the test loss before training) and steps 1..25 */
	assert_int_equal(rows, 26);
	/* space continues a finished run */
	engine_send(e, ENGINE_CMD_TOGGLE, 0);
	assert_true(wait_for(e, &s, fixture_step_at_least, 30));
	engine_free(e);
	unlink(path);
}

static void
test_speed_cap(void **state)
{
	struct ms_config cfg;
	struct engine_opts eo = { .publish_ms = 10 };
	struct engine *e;
	struct snapshot *s;
	char err[256];
	long a, b;
	int i;

	(void)state;
	fixture_small_config(&cfg);
	e = engine_create(&cfg, NULL, &eo, err, sizeof err);
	assert_non_null(e);
	s = engine_first_snapshot(e);
	/* slowest: 1 step per second */
	for (i = 0; i < 12; i++)
		engine_send(e, ENGINE_CMD_SPEED, -1);
	assert_int_equal(engine_start(e), 0);
	assert_true(wait_for(e, &s, has_baselines, 0));
	usleep(100000);
	engine_take(e, &s);
	a = s->step;
	usleep(1500000);
	engine_take(e, &s);
	b = s->step;
	assert_int_equal(s->speed_cap, 1);
	if (!(b - a >= 1 && b - a <= 2))
		fail_msg("%ld steps in 1.5 s at 1 step/s", b - a);
	engine_free(e);
}

static void
test_data_cycle(void **state)
{
	struct ms_config cfg, next;
	const char *want5[] = { "paper", "kappa:10", "kappa:100", "kappa:1000",
	    "iso" };
	const char *want4[] = { "kappa:10", "kappa:100", "kappa:1000", "iso" };
	char buf[32];
	int i;

	(void)state;
	fixture_small_config(&cfg);
	for (i = 0; i < 5; i++) {
		engine_next_data(&cfg, &next);
		config_data_name(&next, buf, sizeof buf);
		if (next.data == MS_DATA_KAPPA)
			snprintf(buf, sizeof buf, "kappa:%.0f", next.kappa);
		assert_string_equal(buf, want5[i]);
		cfg = next;
	}
	fixture_small_config(&cfg);
	cfg.dim = 4;
	for (i = 0; i < 4; i++) {
		engine_next_data(&cfg, &next);
		config_data_name(&next, buf, sizeof buf);
		if (next.data == MS_DATA_KAPPA)
			snprintf(buf, sizeof buf, "kappa:%.0f", next.kappa);
		assert_string_equal(buf, want4[i]);
		cfg = next;
	}
}

static void
test_bad_config_refused(void **state)
{
	struct ms_config cfg;
	struct engine *e;
	char err[256] = "";

	(void)state;
	fixture_small_config(&cfg);
	cfg.data = MS_DATA_PAPER;
	cfg.dim = 3;
	e = engine_create(&cfg, NULL, NULL, err, sizeof err);
	assert_null(e);
	assert_true(strlen(err) > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paused_steps_one),
		cmocka_unit_test(test_pause_stops_steps),
		cmocka_unit_test(test_setting_key_restarts_focused),
		cmocka_unit_test(test_snapshot_baselines_after_data),
		cmocka_unit_test(test_loaded_finished_run_waits),
		cmocka_unit_test(test_finish_and_export),
		cmocka_unit_test(test_speed_cap),
		cmocka_unit_test(test_data_cycle),
		cmocka_unit_test(test_bad_config_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
