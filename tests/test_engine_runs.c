/*
 * The run list: runs compared side by side on the same tasks, their
 * labels, adding, removing, focusing and hiding runs, the export of the
 * visible runs, saved histories overlaid as reference runs, and the runs
 * of a history file watched.
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
#include <unistd.h>

#include "engine_fixture.h"
#include "memscope/trainer.h"

/* Three runs, memory none, cgd and lfom, of cfg. */
static void
three_memories(const struct ms_config *cfg, struct ms_config out[3])
{
	static const enum ms_memory mem[3] = { MS_MEMORY_NONE, MS_MEMORY_CGD,
	    MS_MEMORY_LFOM };

	for (int i = 0; i < 3; i++) {
		out[i] = *cfg;
		out[i].memory = mem[i];
	}
}

static bool
all_stopped(const struct snapshot *s, long arg)
{
	if (s->nruns != arg)
		return false;
	for (int i = 0; i < s->nruns; i++)
		if (s->runs[i].state != ENGINE_FINISHED ||
		    s->runs[i].test_step != s->runs[i].step)
			return false;
	return s->have_baselines;
}

static bool
nruns_is(const struct snapshot *s, long arg)
{
	return s->nruns == arg && s->have_baselines;
}

static bool
focus_is(const struct snapshot *s, long arg)
{
	return s->focus == arg;
}

/* An engine for cfg and eo, started; *s its first snapshot. */
static struct engine *
start(const struct ms_config *cfg, struct engine_opts *eo,
    struct snapshot **s)
{
	char err[256];
	struct engine *e = engine_create(cfg, NULL, eo, err, sizeof err);

	assert_non_null(e);
	*s = engine_first_snapshot(e);
	assert_int_equal(engine_start(e), 0);
	return e;
}

/* A paused engine of the small configuration alone, started. */
static struct engine *
start_paused(struct snapshot **s)
{
	struct ms_config cfg;
	struct engine_opts eo = { .publish_ms = 10, .start_paused = true };

	fixture_small_config(&cfg);
	return start(&cfg, &eo, s);
}

/*
 * Compared runs train side by side on the same tasks: each reaches the
 * same step, labelled by what tells it apart, and its numbers are those of
 * its configuration trained alone (the same bits as a trainer of it).
 */
static void
test_compare_side_by_side(void **state)
{
	struct ms_config cfg, runs[3];
	struct engine_opts eo = { .publish_ms = 10, .compare = runs,
	    .ncompare = 3 };
	struct engine *e;
	struct snapshot *s;
	struct trainer t;
	char err[256];
	static const char *labels[3] = { "none", "cgd", "lfom" };

	(void)state;
	fixture_small_config(&cfg);
	cfg.steps = 40;
	three_memories(&cfg, runs);
	e = start(&cfg, &eo, &s);
	assert_true(fixture_wait(e, &s, all_stopped, 3, 60));
	for (int i = 0; i < 3; i++) {
		const struct snapshot_run *r = &s->runs[i];

		assert_string_equal(r->label, labels[i]);
		assert_int_equal(r->style, i);
		assert_true(r->visible);
		assert_false(r->reference);
		assert_int_equal(r->step, 40);
		assert_int_equal(r->hist.n > 0, 1);
		assert_true(isfinite(r->final_mse));
		/* the run alone: the same loss at its last step */
		assert_int_equal(trainer_init(&t, &runs[i], err, sizeof err), 0);
		for (int k = 0; k < 40; k++)
			assert_int_equal(trainer_step(&t), 0);
		assert_true(r->hist.train[r->hist.n - 1] == t.train_loss);
		trainer_free(&t);
	}
	/* the memory coefficients were recorded over training, and the model
	 * run's are published: cgd has alpha and gamma per layer, lfom a
	 * label row per layer, none none */
	assert_int_equal(s->focus, 0);
	assert_int_equal(s->runs[0].coef.n, 0);
	engine_send(e, ENGINE_CMD_RUN_FOCUS, +1);
	assert_true(fixture_wait(e, &s, focus_is, 1, 20));
	assert_int_equal(s->runs[1].coef.k, 2 * cfg.layers);
	assert_int_equal(s->runs[1].coef.n, 40);
	assert_int_equal(s->runs[1].coef.step[39], 40);
	assert_int_equal(s->runs[2].coef.n, 0);
	engine_send(e, ENGINE_CMD_RUN_FOCUS, +1);
	assert_true(fixture_wait(e, &s, focus_is, 2, 20));
	assert_int_equal(s->runs[2].coef.k, cfg.layers * (cfg.context + 1));
	assert_int_equal(s->runs[2].coef.n, 40);
	engine_free(e);
}

/* a, x, , . and v: add a run like the focused one (in focus, told apart
 * by its id), move the focus, hide it, remove it; the last trained run
 * stays. */
/* A lone run of an optimizer learned directly is named by its kind, not
 * by a memory or heads it does not have. */
static void
test_direct_label(void **state)
{
	struct ms_config cfg;
	struct engine_opts eo = { .publish_ms = 10 };
	struct engine *e;
	struct snapshot *s;

	(void)state;
	fixture_small_config(&cfg);
	cfg.steps = 5;
	cfg.param = MS_PARAM_DIRECT;
	cfg.memory = MS_MEMORY_NONE;
	cfg.heads = 1;
	e = start(&cfg, &eo, &s);
	assert_true(fixture_wait(e, &s, all_stopped, 1, 60));
	assert_string_equal(s->runs[0].label, "direct");
	engine_free(e);
}

static void
test_add_focus_hide_remove(void **state)
{
	struct engine *e;
	struct snapshot *s;

	(void)state;
	e = start_paused(&s);
	assert_true(fixture_wait(e, &s, nruns_is, 1, 20));
	engine_send(e, ENGINE_CMD_RUN_ADD, 0);
	assert_true(fixture_wait(e, &s, nruns_is, 2, 20));
	assert_int_equal(s->focus, 1);
	assert_int_equal(s->model_run, 1);
	assert_int_equal(s->runs[1].style, 1);
	assert_non_null(strstr(s->runs[0].label, "#1"));
	assert_non_null(strstr(s->runs[1].label, "#2"));
	/* a setting key changes the focused run only: the labels now say
	 * how the two differ */
	engine_send(e, ENGINE_CMD_HEADS, +1);
	assert_true(fixture_wait(e, &s, fixture_message_has, (long)"heads",
	    20));
	assert_int_equal(s->runs[0].cfg.heads, 1);
	assert_int_equal(s->runs[1].cfg.heads, 2);
	assert_string_equal(s->runs[0].label, "H1");
	assert_string_equal(s->runs[1].label, "H2");
	assert_int_equal(s->runs[1].style, 1);	/* its slot is kept */
	engine_send(e, ENGINE_CMD_RUN_VISIBLE, 0);
	assert_true(fixture_wait(e, &s, fixture_message_has, (long)"hidden",
	    20));
	assert_false(s->runs[1].visible);
	assert_true(s->runs[0].visible);
	engine_send(e, ENGINE_CMD_RUN_FOCUS, +1);	/* wraps round */
	assert_true(fixture_wait(e, &s, focus_is, 0, 20));
	assert_int_equal(s->model_run, 0);
	assert_int_equal(s->cfg.heads, 1);
	engine_send(e, ENGINE_CMD_RUN_REMOVE, 0);
	assert_true(fixture_wait(e, &s, nruns_is, 1, 20));
	assert_int_equal(s->runs[0].cfg.heads, 2);
	assert_int_equal(s->focus, 0);
	engine_send(e, ENGINE_CMD_RUN_REMOVE, 0);
	assert_true(fixture_wait(e, &s, fixture_message_has,
	    (long)"only trained run", 20));
	assert_int_equal(s->nruns, 1);
	engine_free(e);
}

/* The list holds at most SNAPSHOT_MAX_RUNS runs: a further a is refused. */
static void
test_list_is_bounded(void **state)
{
	struct engine *e;
	struct snapshot *s;

	(void)state;
	e = start_paused(&s);
	for (int i = 0; i < SNAPSHOT_MAX_RUNS; i++)
		engine_send(e, ENGINE_CMD_RUN_ADD, 0);
	assert_true(fixture_wait(e, &s, fixture_message_has, (long)"is full",
	    30));
	assert_int_equal(s->nruns, SNAPSHOT_MAX_RUNS);
	for (int i = 0; i < s->nruns; i++)
		for (int j = 0; j < i; j++)
			assert_int_not_equal(s->runs[i].style,
			    s->runs[j].style);
	engine_free(e);
}

static long
count_rows(const char *path, int *maxrun)
{
	char line[256];
	long rows = 0;
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	assert_non_null(fgets(line, sizeof line, f));
	*maxrun = -1;
	while (fgets(line, sizeof line, f) != NULL) {
		int run = atoi(line);

		if (run > *maxrun)
			*maxrun = run;
		rows++;
	}
	fclose(f);
	return rows;
}

/* e writes the visible runs, numbered 0, 1, ... in list order. */
static void
test_export_visible_runs(void **state)
{
	struct ms_config cfg, runs[3];
	char path[] = "/tmp/memscope-runs-XXXXXX";
	struct engine_opts eo = { .publish_ms = 10, .compare = runs,
	    .ncompare = 2, .csv_path = path };
	struct engine *e;
	struct snapshot *s;
	int fd, maxrun;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	fixture_small_config(&cfg);
	cfg.steps = 20;
	three_memories(&cfg, runs);
	e = start(&cfg, &eo, &s);
	assert_true(fixture_wait(e, &s, all_stopped, 2, 60));
	engine_send(e, ENGINE_CMD_EXPORT, 0);
	assert_true(fixture_wait(e, &s, fixture_message_has,
	    (long)"exported 42 rows", 20));
	/* steps 0..20 of each */
	assert_int_equal(count_rows(path, &maxrun), 42);
	assert_int_equal(maxrun, 1);
	engine_send(e, ENGINE_CMD_RUN_VISIBLE, 0);	/* hide run 0 */
	engine_send(e, ENGINE_CMD_EXPORT, 0);
	assert_true(fixture_wait(e, &s, fixture_message_has,
	    (long)"exported 21 rows", 20));
	assert_int_equal(count_rows(path, &maxrun), 21);
	assert_int_equal(maxrun, 0);
	engine_free(e);
	unlink(path);
}

/* A saved history overlaid is a reference run: drawn, never trained, its
 * own label; focused, the setting keys refuse and the model shown stays
 * the trained run's. */
static void
test_reference_run(void **state)
{
	struct ms_config cfg;
	struct engine_ref ref;
	struct engine_opts eo = { .publish_ms = 10, .start_paused = true,
	    .refs = &ref, .nrefs = 1 };
	struct engine *e;
	struct snapshot *s;
	const struct snapshot_curve *c;

	(void)state;
	fixture_small_config(&cfg);
	memset(&ref, 0, sizeof ref);
	snprintf(ref.label, sizeof ref.label, "saved");
	ref.cfg = cfg;
	for (int i = 0; i <= 100; i++)
		snapshot_curve_append(&ref.curve, i, 2.0 / (1 + i), i % 10 ?
		    NAN : 2.2 / (1 + i));
	ref.curve.train[50] = NAN;	/* a test loss alone at its step */
	e = start(&cfg, &eo, &s);
	snapshot_curve_free(&ref.curve);	/* the engine made its copy */
	assert_true(fixture_wait(e, &s, nruns_is, 2, 20));
	assert_true(s->runs[1].reference);
	assert_string_equal(s->runs[1].label, "saved");
	assert_int_equal(s->runs[1].state, ENGINE_FINISHED);
	assert_int_equal(s->runs[1].step, 100);
	/* one point per step: the test loss at its own step, 50, not 49 */
	c = &s->runs[1].hist;
	assert_int_equal(c->n, 101);
	assert_true(c->step[50] == 50 && isnan(c->train[50]));
	assert_true(fabs(c->test[50] - 2.2 / 51) < 1e-15);
	assert_true(isnan(c->test[49]) && fabs(c->train[49] - 2.0 / 50) <
	    1e-15);
	engine_send(e, ENGINE_CMD_RUN_FOCUS, +1);
	assert_true(fixture_wait(e, &s, focus_is, 1, 20));
	assert_int_equal(s->model_run, 0);
	engine_send(e, ENGINE_CMD_MEMORY, 0);
	assert_true(fixture_wait(e, &s, fixture_message_has,
	    (long)"saved history", 20));
	assert_int_equal(s->runs[0].cfg.memory, cfg.memory);
	engine_send(e, ENGINE_CMD_STEP, 0);
	assert_true(fixture_wait(e, &s, fixture_step_at_least, 1, 20));
	assert_int_equal(s->runs[1].step, 100);
	engine_free(e);
}

/* Whether s is whole UTF-8 (no sequence cut short). */
static bool
utf8_whole(const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		int more = c < 0x80 ? 0 : c >= 0xf0 ? 3 : c >= 0xe0 ? 2 :
		    c >= 0xc0 ? 1 : -1;

		if (more < 0)
			return false;
		for (; more > 0; more--)
			if (((unsigned char)*++s & 0xc0) != 0x80)
				return false;
	}
	return true;
}

/* Runs that differ in every setting a label names get labels that say
 * so as far as they fit, cut between characters, never inside one. */
static void
test_labels_bounded(void **state)
{
	struct ms_config cfg, runs[2];
	struct engine_opts eo = { .publish_ms = 10, .start_paused = true,
	    .compare = runs, .ncompare = 2 };
	struct engine *e;
	struct snapshot *s;

	(void)state;
	fixture_small_config(&cfg);
	runs[0] = runs[1] = cfg;
	runs[1].memory = MS_MEMORY_LFOM;
	runs[1].heads = 2;
	runs[1].layers = 3;
	runs[1].context = 12;
	runs[1].data = MS_DATA_KAPPA;
	runs[1].kappa = 100;
	runs[1].lr = 0.02;
	runs[1].seed = 7;
	e = start(&cfg, &eo, &s);
	assert_true(fixture_wait(e, &s, nruns_is, 2, 20));
	for (int i = 0; i < 2; i++) {
		assert_true(strlen(s->runs[i].label) < sizeof s->runs[i].label);
		assert_true(utf8_whole(s->runs[i].label));
		assert_true(utf8_whole(s->runs[i].label_ascii));
	}
	assert_int_equal(strncmp(s->runs[1].label, "lfom H2 L3 ", 11), 0);
	assert_int_equal(strncmp(s->runs[1].label_ascii, "lfom H2 L3 k100",
	    15), 0);
	assert_non_null(strstr(s->runs[1].label, "\xce\xba" "100"));
	engine_free(e);
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* A run list of the file's runs, each with its curve so far. */
static bool
watched(const struct snapshot *s, long arg)
{
	return s->nruns == (int)(arg / 100) &&
	    s->runs[s->nruns - 1].hist.n == (int)(arg % 100);
}

/* memscope watch's engine: a run per run of the file, in the order they
 * first appear, with the file's points; focus and visibility move; a
 * training key is refused as read-only; a file that starts over is read
 * again from its start. */
static void
test_watch_runs(void **state)
{
	char path[] = "/tmp/memscope-watch-XXXXXX";
	struct engine *e;
	struct snapshot *s;
	const struct snapshot_curve *c;
	char err[512];
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	write_file(path, "run,step,train_mse,test_mse,seconds\n"
	    "3,1,0.5,,\n7,1,0.25,,\n3,2,0.125,0.0625,\n7,2,,0.1,\n");
	e = engine_create_watch(path, NULL, err, sizeof err);
	assert_non_null(e);
	s = engine_first_snapshot(e);
	assert_int_equal(engine_start(e), 0);
	assert_true(fixture_wait(e, &s, watched, 202, 20));
	assert_true(s->read_only);
	assert_string_equal(s->runs[0].label, "run 3");
	assert_string_equal(s->runs[1].label, "run 7");
	c = &s->runs[0].hist;
	assert_int_equal(s->runs[0].step, 2);
	assert_int_equal(c->n, 2);
	assert_true(c->step[1] == 2 && fabs(c->train[1] - 0.125) < 1e-15);
	assert_true(isnan(c->test[0]) && fabs(c->test[1] - 0.0625) < 1e-15);
	/* a test loss with no training loss stays at its own step */
	c = &s->runs[1].hist;
	assert_true(fabs(c->train[0] - 0.25) < 1e-15 && isnan(c->test[0]));
	assert_true(c->step[1] == 2 && isnan(c->train[1]) &&
	    fabs(c->test[1] - 0.1) < 1e-15);
	engine_send(e, ENGINE_CMD_RUN_FOCUS, +1);
	assert_true(fixture_wait(e, &s, focus_is, 1, 20));
	assert_int_equal(s->step, 2);
	engine_send(e, ENGINE_CMD_RUN_VISIBLE, 0);
	engine_send(e, ENGINE_CMD_HEADS, +1);
	assert_true(fixture_wait(e, &s, fixture_message_has,
	    (long)"read-only", 20));
	assert_false(s->runs[1].visible);
	assert_true(s->runs[0].visible);
	/* a new run writes the file again */
	write_file(path, "run,step,train_mse,test_mse,seconds\n"
	    "0,1,0.5,,\n0,2,0.4,,\n0,3,0.3,,\n");
	assert_true(fixture_wait(e, &s, watched, 103, 20));
	assert_string_equal(s->runs[0].label, "run 0");
	assert_int_equal(s->focus, 0);
	engine_free(e);
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compare_side_by_side),
		cmocka_unit_test(test_direct_label),
		cmocka_unit_test(test_add_focus_hide_remove),
		cmocka_unit_test(test_list_is_bounded),
		cmocka_unit_test(test_export_visible_runs),
		cmocka_unit_test(test_reference_run),
		cmocka_unit_test(test_labels_bounded),
		cmocka_unit_test(test_watch_runs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
