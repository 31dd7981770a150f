/*
 * The step-through trace, computed by the worker for the test task the UI
 * asked for (ENGINE_CMD_TRACE_TASK) and published with every snapshot
 * (snapshot.h's trace). Nothing is computed until a trace is asked for.
 *
 * The source: while following, each publication at which the run's
 * batches are drawn takes a copy of the run's configuration, parameters
 * and GD steps, and the tasks are the run's test batch; while the run
 * draws them (a new run, a change of data) there is no trace. Frozen
 * (ENGINE_CMD_TRACE_FOLLOW 0), the copy is kept, with a copy of the test
 * batch made at the freeze, so that another task of the frozen run can
 * still be traced after the run has moved on.
 *
 * The trace is recomputed in two parts, each only when its inputs changed:
 * the task part (trace_set_task: w*, the spectrum, the baselines) when the
 * task's tokens, labels or w*, the settings of the baselines or GD's steps
 * changed; the model part (trace_set_model: the task through the source's
 * parameters) when the parameters or the task part did. A publication
 * with nothing new costs a comparison of the parameters.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine_impl.h"
#include "memscope/lesson.h"
#include "memscope/xmalloc.h"

void
engine_trace_init(struct engine_tracer *tc)
{
	memset(tc, 0, sizeof *tc);
	tc->follow = true;
	trace_init(&tc->tr);
}

/* Drop the frozen copy of the test batch, if any. */
static void
engine_trace_drop_tasks(struct engine_trace_src *src)
{
	if (src->own_test)
		task_batch_free(&src->test);
	src->own_test = false;
}

void
engine_trace_free(struct engine_tracer *tc)
{
	free(tc->src.params);
	free(tc->src.gd_step);
	engine_trace_drop_tasks(&tc->src);
	if (tc->have_model)
		model_free(&tc->model);
	free(tc->task_gd_step);
	trace_free(&tc->tr);
	memset(tc, 0, sizeof *tc);
}

/* The test batch the source's tasks come from: the frozen copy, or the
 * run's while it is still the one the source was taken with; else NULL. */
static const struct task_batch *
engine_trace_batch(const struct engine *e)
{
	const struct engine_trace_src *src = &e->tracer.src;

	if (src->own_test)
		return &src->test;
	const struct engine_run *m = engine_model(e);

	if (src->have && src->run == m->id && trainer_ready(m->t) &&
	    rng_same(&src->test_from, &m->t->test_from))
		return &m->t->test;
	return NULL;
}

/* Frozen: copy the source's test batch, which the run may redraw; false if
 * the run has redrawn it already. */
static bool
engine_trace_keep_tasks(struct engine *e)
{
	struct engine_trace_src *src = &e->tracer.src;
	const struct task_batch *tb = engine_trace_batch(e);
	size_t n1;

	if (src->own_test)
		return true;
	if (tb == NULL)
		return false;
	n1 = (size_t)tb->n + 1;
	task_batch_alloc(&src->test, tb->B, tb->n, tb->d);
	memcpy(src->test.X, tb->X, (size_t)tb->B * n1 * tb->d *
	    sizeof *tb->X);
	memcpy(src->test.y, tb->y, (size_t)tb->B * n1 * sizeof *tb->y);
	memcpy(src->test.w, tb->w, (size_t)tb->B * tb->d * sizeof *tb->w);
	src->own_test = true;
	return true;
}

/* Take the source from the run as it is now. */
static void
engine_trace_take(struct engine *e)
{
	struct engine_tracer *tc = &e->tracer;
	struct engine_trace_src *src = &tc->src;
	const struct engine_run *r = engine_model(e);
	const struct trainer *t = r->t;
	const struct model *m = &t->model;
	int L = t->cfg.layers;

	engine_trace_drop_tasks(src);
	src->cfg = t->cfg;
	src->run = r->id;
	src->step = t->step;
	if (src->nparams != m->nparams || src->params == NULL)
		src->params = xrealloc(src->params, (m->nparams + 1) *
		    sizeof *src->params);
	memcpy(src->params, m->params, m->nparams * sizeof *src->params);
	src->nparams = m->nparams;
	src->gd_step = xrealloc(src->gd_step, (L + 1) * sizeof *src->gd_step);
	src->have_gd = r->have_base && r->base_L == L;
	for (int l = 0; l <= L; l++)
		src->gd_step[l] = src->have_gd ? r->base_step[BASELINE_GD][l] :
		    NAN;
	src->test_from = t->test_from;
	src->have = true;
	if (!tc->follow)
		engine_trace_keep_tasks(e);	/* frozen from the start */
}

/* Carry out a trace command (ENGINE_CMD_TRACE_TASK, _FOLLOW). */
void
engine_trace_command(struct engine *e, enum engine_cmd cmd, int arg)
{
	struct engine_tracer *tc = &e->tracer;

	tc->active = true;
	if (cmd == ENGINE_CMD_TRACE_TASK) {
		tc->want = arg > 0 ? arg : 0;
		return;
	}
	if (arg != 0) {
		tc->follow = true;
		engine_trace_drop_tasks(&tc->src);
		return;
	}
	if (!tc->follow)
		return;
	tc->follow = false;
	/* the tasks are the run's until now: keep them; if the run has
	 * redrawn them since the last publication, freeze the next source */
	if (tc->src.have && !engine_trace_keep_tasks(e))
		tc->src.have = false;
}

/* Whether the run's test tasks and baselines are the same under a and b. */
static bool
engine_trace_same_tasks(const struct ms_config *a, const struct ms_config *b)
{
	return a->dim == b->dim && a->context == b->context &&
	    a->layers == b->layers && a->data == b->data &&
	    a->kappa == b->kappa && a->wstar == b->wstar &&
	    a->test_batch == b->test_batch && a->seed == b->seed &&
	    a->quirks == b->quirks && a->gd_step == b->gd_step &&
	    a->nest_eta == b->nest_eta && a->nest_beta == b->nest_beta &&
	    a->memory == b->memory;
}

/* Whether a model built for a has the shape of one built for b. */
static bool
engine_trace_same_shape(const struct ms_config *a, const struct ms_config *b)
{
	return a->dim == b->dim && a->context == b->context &&
	    a->layers == b->layers && a->heads == b->heads &&
	    a->param == b->param && a->memory == b->memory;
}

/* Whether task k of tb is the task tr holds, bit for bit. */
static bool
engine_trace_same_task(const struct trace *tr, const struct task_batch *tb,
    int k)
{
	size_t n1 = (size_t)tb->n + 1, d = (size_t)tb->d;

	return tr->have_task && tr->d == tb->d && tr->n == tb->n &&
	    memcmp(tr->task.X, tb->X + k * n1 * d, n1 * d * sizeof *tb->X) ==
	    0 && memcmp(tr->task.y, tb->y + k * n1, n1 * sizeof *tb->y) == 0 &&
	    memcmp(tr->task.w, tb->w + k * d, d * sizeof *tb->w) == 0;
}

/* The task part for task k of tb, if its inputs changed; true if it was
 * recomputed. */
static bool
engine_trace_task_part(struct engine_tracer *tc, const struct task_batch *tb,
    int k)
{
	const struct engine_trace_src *src = &tc->src;
	size_t gd_len = ((size_t)src->cfg.layers + 1) * sizeof *src->gd_step;

	if (tc->task_valid && tc->task == k && tc->task_gd == src->have_gd &&
	    engine_trace_same_tasks(&tc->task_cfg, &src->cfg) &&
	    (!src->have_gd || memcmp(tc->task_gd_step, src->gd_step,
	    gd_len) == 0) && engine_trace_same_task(&tc->tr, tb, k))
		return false;
	trace_set_task(&tc->tr, &src->cfg, tb, k, src->have_gd ?
	    src->gd_step : NULL);
	tc->task_valid = true;
	tc->task = k;
	tc->task_cfg = src->cfg;
	tc->task_gd = src->have_gd;
	tc->task_gd_step = xrealloc(tc->task_gd_step, gd_len);
	memcpy(tc->task_gd_step, src->gd_step, gd_len);
	return true;
}

/* The model part, if the parameters or the task part changed; true if it
 * was recomputed. */
static bool
engine_trace_model_part(struct engine_tracer *tc, bool task_new)
{
	const struct engine_trace_src *src = &tc->src;
	bool fresh = false;

	if (tc->have_model && !engine_trace_same_shape(&tc->model.cfg,
	    &src->cfg)) {
		model_free(&tc->model);
		tc->have_model = false;
	}
	if (!tc->have_model) {
		model_init(&tc->model, &src->cfg);
		tc->have_model = fresh = true;
	}
	if (tc->model.nparams != src->nparams)
		return false;	/* not a model of this configuration */
	if (!task_new && !fresh && tc->tr.have_model &&
	    memcmp(tc->model.params, src->params, src->nparams *
	    sizeof *src->params) == 0)
		return false;
	memcpy(tc->model.params, src->params, src->nparams *
	    sizeof *src->params);
	trace_set_model(&tc->tr, &tc->model);
	lesson_notes(&tc->tr);
	return true;
}

/* Bring the trace up to date with the run (see the top of the file). */
static void
engine_trace_update(struct engine *e)
{
	struct engine_tracer *tc = &e->tracer;
	const struct task_batch *tb;
	bool task_new;
	int k;

	if (!tc->active)
		return;
	if (trainer_ready(engine_model(e)->t)) {
		if (!tc->src.have || tc->follow)
			engine_trace_take(e);
	} else if (tc->follow)
		tc->src.have = false;	/* the run is drawing its tasks */
	if (!tc->src.have)
		return;
	if ((tb = engine_trace_batch(e)) == NULL) {
		tc->src.have = false;	/* cannot happen: a source has tasks */
		return;
	}
	k = tc->want < tb->B ? tc->want : tb->B - 1;
	task_new = engine_trace_task_part(tc, tb, k);
	if (engine_trace_model_part(tc, task_new) || task_new)
		tc->gen++;
}

/* Bring the trace up to date with the run and copy it into s. */
void
engine_trace_publish(struct engine *e, struct snapshot *s)
{
	struct engine_tracer *tc = &e->tracer;
	struct snapshot_trace *st = &s->trace;

	engine_trace_update(e);
	st->have_src = tc->active && tc->src.have;
	st->follow = tc->follow;
	st->task = tc->task;
	st->run = tc->src.run;
	st->step = tc->src.step;
	st->cfg = tc->src.cfg;
	st->ready = st->have_src && tc->task_valid && tc->tr.have_task &&
	    tc->tr.have_model;
	if (st->gen != tc->gen) {
		trace_copy(&st->tr, &tc->tr);
		st->gen = tc->gen;
	}
}
