/*
 * The step-through trace the worker publishes (engine_trace.c): for the
 * task asked for, it is the trace the core computes directly from the same
 * run outside the engine, bit for bit: after single steps, frozen (other
 * tasks of the frozen run too, after the run has changed its data),
 * following again, and after a new run. It is recomputed only when its
 * inputs change (the trace's generation says so), and not at all until a
 * trace is asked for. The analysis published with it (Σ⁻¹ alignment, cgd's
 * coefficients) is the core's too.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine_fixture.h"
#include "memscope/analysis.h"
#include "memscope/baselines.h"
#include "memscope/trace.h"

#define SAME(a, b, n) assert_memory_equal((a), (b), (n) * sizeof *(a))

/* Every number of the two traces, bit for bit. */
static void
assert_same_trace(const struct trace *a, const struct trace *b)
{
	size_t L = (size_t)b->L, d = (size_t)b->d, n1 = (size_t)b->n + 1;

	assert_true(a->have_task && a->have_model);
	assert_int_equal(a->L, b->L);
	assert_int_equal(a->d, b->d);
	assert_int_equal(a->n, b->n);
	assert_int_equal(a->memory, b->memory);
	assert_int_equal(a->model_has_w, b->model_has_w);
	SAME(&a->yq, &b->yq, 1);
	SAME(&a->nest_eta, &b->nest_eta, 1);
	SAME(&a->nest_beta, &b->nest_beta, 1);
	SAME(a->wstar, b->wstar, d);
	SAME(a->task.X, b->task.X, n1 * d);
	SAME(a->task.y, b->task.y, n1);
	SAME(a->eig, b->eig, d);
	SAME(a->gd_step, b->gd_step, L + 1);
	SAME(a->cg_alpha, b->cg_alpha, L);
	SAME(a->cg_beta, b->cg_beta, L);
	for (int m = 0; m < TRACE_METHODS; m++) {
		SAME(a->col[m].pred, b->col[m].pred, L + 1);
		SAME(a->col[m].err, b->col[m].err, L + 1);
		SAME(a->col[m].resid, b->col[m].resid, L + 1);
		SAME(a->col[m].w, b->col[m].w, (L + 1) * d);
		SAME(a->col[m].wdist, b->col[m].wdist, L + 1);
	}
	SAME(a->misfit, b->misfit, L + 1);
	SAME(a->label, b->label, (L + 1) * n1);
	SAME(a->reg, b->reg, L * n1);
	SAME(a->coef, b->coef, L * L);
	SAME(a->contrib, b->contrib, L * L);
	assert_true((a->alpha == NULL) == (b->alpha == NULL));
	if (b->alpha != NULL) {
		SAME(a->alpha, b->alpha, L);
		SAME(a->gamma, b->gamma, L);
	}
	assert_true((a->gamma_row == NULL) == (b->gamma_row == NULL));
	if (b->gamma_row != NULL)
		SAME(a->gamma_row, b->gamma_row, L * n1);
}

/* The trace of task k of t's test batch, with the GD steps the baselines
 * choose on it, made directly with the core's functions. */
static void
direct_trace(struct trainer *t, int k, struct trace *tr)
{
	struct baseline_table bt;
	int L = t->cfg.layers;

	baselines_evaluate(&t->cfg, &t->dist, &t->test, L, &bt);
	trace_init(tr);
	trace_set_task(tr, &t->cfg, &t->test, k, bt.step[BASELINE_GD]);
	assert_int_equal(trace_set_model(tr, &t->model), 0);
	baseline_table_free(&bt);
}

/* The published trace is the direct one of task k of t, and the rest of
 * the snapshot is t's too. */
static void
assert_published(const struct snapshot *s, struct trainer *t, int k)
{
	struct trace tr;
	int L = t->cfg.layers;
	double cos[8], coef[64];

	assert_true(s->trace.ready);
	assert_int_equal(s->trace.task, k);
	assert_int_equal(s->trace.step, t->step);
	direct_trace(t, k, &tr);
	assert_same_trace(&s->trace.tr, &tr);
	trace_free(&tr);
	/* the analysis of the same parameters */
	assert_int_equal(s->step, t->step);
	SAME(s->params, t->model.params, t->model.nparams);
	analysis_sigma_cos(&t->model, &t->dist, cos);
	SAME(s->sigma_cos, cos, (size_t)L);
	analysis_cgd_coefficients(&t->model, coef);
	SAME(s->cgd_coef, coef, (size_t)L * L);
}

/* The snapshot's trace is of task arg, ready, with the baselines' steps. */
static bool
traced(const struct snapshot *s, long arg)
{
	return s->trace.ready && s->trace.task == arg && s->have_baselines &&
	    s->trace.tr.gd_step[1] == s->base_step[BASELINE_GD][1];
}

/* ... and of parameters at step arg, while following. */
static bool
traced_following_at(const struct snapshot *s, long arg)
{
	return s->trace.ready && s->trace.follow && s->trace.step == arg &&
	    s->step == arg && s->have_baselines &&
	    s->trace.tr.gd_step[1] == s->base_step[BASELINE_GD][1];
}

static bool
frozen(const struct snapshot *s, long arg)
{
	(void)arg;
	return s->trace.have_src && !s->trace.follow;
}

static bool
data_changed_and_traced(const struct snapshot *s, long arg)
{
	return snapshot_focus(s)->nmarks == 1 && s->have_baselines && traced(s, arg);
}

static struct engine *
start(struct ms_config *cfg, struct snapshot **s)
{
	struct engine_opts eo = { .publish_ms = 10, .start_paused = true };
	struct engine *e;
	char err[256];

	fixture_small_config(cfg);
	e = engine_create(cfg, NULL, &eo, err, sizeof err);
	assert_non_null(e);
	*s = engine_first_snapshot(e);
	assert_int_equal(engine_start(e), 0);
	return e;
}

/* Steps, freezing, tasks of the frozen run, following again. */
static void
test_trace_is_the_cores(void **state)
{
	struct ms_config cfg;
	struct snapshot *s;
	struct engine *e = start(&cfg, &s);
	struct trainer t;
	char err[256];

	(void)state;
	assert_int_equal(trainer_init(&t, &cfg, err, sizeof err), 0);
	engine_send(e, ENGINE_CMD_TRACE_TASK, 17);
	assert_true(fixture_wait(e, &s, traced, 17, 10));
	assert_published(s, &t, 17);

	/* three single steps while paused */
	for (int i = 0; i < 3; i++) {
		engine_send(e, ENGINE_CMD_STEP, 0);
		assert_int_equal(trainer_step(&t), 0);
	}
	assert_true(fixture_wait(e, &s, traced_following_at, 3, 10));
	assert_published(s, &t, 17);

	/* frozen at step 3: the run steps on, the trace stays */
	engine_send(e, ENGINE_CMD_TRACE_FOLLOW, 0);
	assert_true(fixture_wait(e, &s, frozen, 0, 10));
	engine_send(e, ENGINE_CMD_STEP, 0);
	engine_send(e, ENGINE_CMD_STEP, 0);
	assert_true(fixture_wait(e, &s, fixture_step_at_least, 5, 10));
	assert_int_equal(s->trace.step, 3);
	{
		struct trace tr;

		direct_trace(&t, 17, &tr);
		assert_same_trace(&s->trace.tr, &tr);
		trace_free(&tr);
	}
	/* another task of the frozen run, after the run changed its data */
	engine_send(e, ENGINE_CMD_DATA, 0);
	engine_send(e, ENGINE_CMD_TRACE_TASK, 6);
	assert_true(fixture_wait(e, &s, data_changed_and_traced, 6, 10));
	assert_int_equal(s->cfg.data, MS_DATA_PAPER);
	assert_int_equal(s->trace.cfg.data, MS_DATA_ISO);
	assert_int_equal(s->trace.step, 3);
	{
		struct trace tr;

		direct_trace(&t, 6, &tr);
		assert_same_trace(&s->trace.tr, &tr);
		trace_free(&tr);
	}

	/* following again: the run as it is now */
	for (int i = 0; i < 2; i++)
		assert_int_equal(trainer_step(&t), 0);
	{
		struct ms_config next;

		engine_next_data(&t.cfg, &next);
		assert_int_equal(trainer_set_data(&t, &next, err, sizeof err),
		    0);
	}
	engine_send(e, ENGINE_CMD_TRACE_FOLLOW, 1);
	assert_true(fixture_wait(e, &s, traced_following_at, 5, 10));
	assert_int_equal(s->trace.cfg.data, MS_DATA_PAPER);
	assert_published(s, &t, 6);

	trainer_free(&t);
	engine_free(e);
}

static bool
speed_said(const struct snapshot *s, long arg)
{
	(void)arg;
	return strstr(s->message, "speed") != NULL;
}

static bool
commands_at_least(const struct snapshot *s, long arg)
{
	return s->commands >= (unsigned long)arg;
}

static bool
run_traced(const struct snapshot *s, long arg)
{
	return s->run == arg && s->trace.run == arg && traced(s, 2);
}

/* Nothing until asked for; then recomputed only when an input changes:
 * not for another command, not for the same task again; a new run, a task
 * beyond the run's tasks (traced as its last), a step do. */
static void
test_recomputed_only_when_inputs_change(void **state)
{
	struct ms_config cfg;
	struct snapshot *s;
	struct engine *e = start(&cfg, &s);
	struct trainer t;
	unsigned long gen;
	char err[256];

	(void)state;
	assert_true(fixture_wait(e, &s, fixture_message_has, (long)"", 10));
	engine_send(e, ENGINE_CMD_SPEED, -1);
	assert_true(fixture_wait(e, &s, speed_said, 0, 10));
	assert_false(s->trace.have_src);	/* not asked for yet */

	engine_send(e, ENGINE_CMD_TRACE_TASK, 2);
	assert_true(fixture_wait(e, &s, traced, 2, 10));
	gen = s->trace.gen;
	engine_send(e, ENGINE_CMD_SPEED, +1);
	engine_send(e, ENGINE_CMD_TRACE_TASK, 2);
	engine_send(e, ENGINE_CMD_SPEED, -1);
	assert_true(fixture_wait(e, &s, commands_at_least, 5, 10));
	assert_int_equal(s->trace.gen, gen);

	/* a new run (one layer more): its trace, from its own parameters */
	engine_send(e, ENGINE_CMD_LAYERS, +1);
	assert_true(fixture_wait(e, &s, run_traced, 2, 10));
	assert_true(s->trace.gen != gen);
	assert_int_equal(s->trace.cfg.layers, 3);
	assert_int_equal(s->trace.tr.L, 3);
	cfg.layers = 3;
	assert_int_equal(trainer_init(&t, &cfg, err, sizeof err), 0);
	assert_published(s, &t, 2);

	/* a task beyond the run's: its last */
	engine_send(e, ENGINE_CMD_TRACE_TASK, 1000);
	assert_true(fixture_wait(e, &s, traced, cfg.test_batch - 1, 10));
	assert_published(s, &t, cfg.test_batch - 1);

	/* a step: new parameters, a new trace */
	gen = s->trace.gen;
	engine_send(e, ENGINE_CMD_STEP, 0);
	assert_int_equal(trainer_step(&t), 0);
	assert_true(fixture_wait(e, &s, traced_following_at, 1, 10));
	assert_true(s->trace.gen != gen);
	assert_published(s, &t, cfg.test_batch - 1);

	trainer_free(&t);
	engine_free(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trace_is_the_cores),
		cmocka_unit_test(test_recomputed_only_when_inputs_change),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
