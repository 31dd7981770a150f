/*
 * The step-through screen's state.
 *
 * A sync copies what the trace needs out of the snapshot (configuration,
 * parameters, GD's steps, how many test batches the run has drawn) into the
 * view, then recomputes in two parts: the task part (regenerating the test
 * task, the spectrum and the baselines) only when the task, the run's data
 * or the baselines' settings changed; the model part (one task through a
 * private model) whenever the parameters did. While training runs and the
 * view follows, that is one small forward pass per published snapshot.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/stepview.h"
#include "memscope/xmalloc.h"

#define STEP_VIEW_SEED 0x5eed	/* the random task picker's (fixed) seed */

/* A view at task 0, ℓ = 0, following. */
void
step_view_init(struct step_view *v)
{
	memset(v, 0, sizeof *v);
	v->follow = true;
	rng_seed(&v->rng, STEP_VIEW_SEED, RNG_STREAM_USER);
	trace_init(&v->trace);
}

void
step_view_free(struct step_view *v)
{
	free(v->params);
	free(v->gd_step);
	if (v->have_dist)
		task_dist_free(&v->dist);
	if (v->have_model)
		model_free(&v->model);
	trace_free(&v->trace);
	memset(v, 0, sizeof *v);
}

/* Copy what the trace needs out of s. */
static void
step_view_take(struct step_view *v, const struct snapshot *s)
{
	int L = s->cfg.layers;

	v->cfg = s->cfg;
	v->src_seq = s->seq;
	v->src_run = s->run;
	v->src_step = s->step;
	v->test_from = s->test_from;
	/* a snapshot that does not say: the run's first test batch */
	if ((v->test_from.s[0] | v->test_from.s[1] | v->test_from.s[2] |
	    v->test_from.s[3]) == 0)
		rng_seed(&v->test_from, s->cfg.seed, RNG_STREAM_TEST);
	if (s->nparams != v->nparams || v->params == NULL)
		v->params = xrealloc(v->params, (s->nparams + 1) *
		    sizeof *v->params);
	memcpy(v->params, s->params, s->nparams * sizeof *v->params);
	v->nparams = s->nparams;
	v->gd_step = xrealloc(v->gd_step, (L + 1) * sizeof *v->gd_step);
	v->have_gd = s->have_baselines && s->base_step[BASELINE_GD] != NULL;
	for (int l = 0; l <= L; l++)
		v->gd_step[l] = v->have_gd ? s->base_step[BASELINE_GD][l] : NAN;
	v->have_src = true;
	v->gen++;
}

/* Whether the run's test tasks and baselines are the same under a and b. */
static bool
step_view_same_tasks(const struct ms_config *a, const struct ms_config *b)
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
step_view_same_shape(const struct ms_config *a, const struct ms_config *b)
{
	return a->dim == b->dim && a->context == b->context &&
	    a->layers == b->layers && a->heads == b->heads &&
	    a->param == b->param && a->memory == b->memory;
}

/* Keep task and ℓ inside the copy's ranges. */
static void
step_view_clamp(struct step_view *v)
{
	if (!v->have_src)
		return;
	if (v->task >= v->cfg.test_batch)
		v->task = v->cfg.test_batch - 1;
	if (v->task < 0)
		v->task = 0;
	if (v->layer > v->cfg.layers)
		v->layer = v->cfg.layers;
	if (v->layer < 0)
		v->layer = 0;
}

/* The task part of the trace, if its inputs changed. */
static void
step_view_task_part(struct step_view *v)
{
	struct task_batch one;
	char err[256];
	bool same_gd = true;

	if (v->task_valid && v->task_index == v->task &&
	    rng_same(&v->task_from, &v->test_from) &&
	    v->task_gd == v->have_gd &&
	    step_view_same_tasks(&v->task_cfg, &v->cfg)) {
		/* GD's steps arrive with the baselines: compare them too */
		for (int l = 1; l <= v->cfg.layers && v->have_gd; l++)
			if (!(v->trace.gd_step[l] == v->gd_step[l]))
				same_gd = false;
		if (same_gd)
			return;
	}
	if (!v->have_dist || v->dist_cfg.seed != v->cfg.seed ||
	    v->dist_cfg.dim != v->cfg.dim || v->dist_cfg.data != v->cfg.data ||
	    v->dist_cfg.kappa != v->cfg.kappa ||
	    v->dist_cfg.wstar != v->cfg.wstar) {
		if (v->have_dist)
			task_dist_free(&v->dist);
		v->have_dist = task_dist_init(&v->dist, &v->cfg, err,
		    sizeof err) == 0;
		v->dist_cfg = v->cfg;
		if (!v->have_dist) {
			v->task_valid = false;
			return;
		}
	}
	trace_test_task_from(&v->dist, &v->test_from, v->task,
	    v->cfg.context, &one);
	trace_set_task(&v->trace, &v->cfg, &one, 0,
	    v->have_gd ? v->gd_step : NULL);
	task_batch_free(&one);
	v->task_valid = true;
	v->task_cfg = v->cfg;
	v->task_index = v->task;
	v->task_from = v->test_from;
	v->task_gd = v->have_gd;
	v->model_gen = 0;	/* the model part is gone with it */
}

/* The model part, if the parameters or the task changed. */
static void
step_view_model_part(struct step_view *v)
{
	if (!v->task_valid || (v->trace.have_model && v->model_gen == v->gen))
		return;
	if (v->have_model && !step_view_same_shape(&v->model.cfg, &v->cfg)) {
		model_free(&v->model);
		v->have_model = false;
	}
	if (!v->have_model) {
		model_init(&v->model, &v->cfg);
		v->have_model = true;
	}
	if (v->model.nparams != v->nparams)
		return;		/* not a model of this configuration */
	memcpy(v->model.params, v->params, v->nparams * sizeof *v->params);
	if (trace_set_model(&v->trace, &v->model) == 0)
		v->model_gen = v->gen;
}

/* Bring the view up to date with snapshot s. */
void
step_view_sync(struct step_view *v, const struct snapshot *s)
{
	bool usable = s != NULL && s->nblocks > 0 && s->params != NULL &&
	    s->cfg.layers == s->L;

	if (usable && (!v->have_src || (v->follow && (s->seq != v->src_seq ||
	    s->run != v->src_run || s->step != v->src_step))))
		step_view_take(v, s);
	if (!v->have_src)
		return;
	step_view_clamp(v);
	step_view_task_part(v);
	step_view_model_part(v);
}

/* Next (+1) or previous (-1) test task, wrapping around. */
void
step_view_move_task(struct step_view *v, int delta)
{
	int B = v->have_src ? v->cfg.test_batch : 1;

	v->task = ((v->task + delta) % B + B) % B;
}

/* A test task drawn at random. */
void
step_view_random_task(struct step_view *v)
{
	int B = v->have_src ? v->cfg.test_batch : 1, k;

	if (B < 2)
		return;
	do		/* another task than this one */
		k = (int)(rng_next(&v->rng) % (uint64_t)B);
	while (k == v->task);
	v->task = k;
}

/* ℓ − 1 or ℓ + 1, within 0 .. L. */
void
step_view_move_layer(struct step_view *v, int delta)
{
	v->layer += delta;
	step_view_clamp(v);
	if (v->layer < 0)
		v->layer = 0;
}

/* Follow the newest snapshot, or freeze the one shown. */
void
step_view_toggle_follow(struct step_view *v)
{
	v->follow = !v->follow;
}

/* Whether the trace is there to draw. */
bool
step_view_ready(const struct step_view *v)
{
	return v->have_src && v->task_valid && v->trace.have_task &&
	    v->trace.have_model;
}
