/*
 * Publishing: the worker fills its private ("back") snapshot without any
 * lock, then under slot_mu swaps it with `mid` and marks it fresh; the UI,
 * under slot_mu, swaps `mid` with its `front` if fresh (engine_take).
 * Neither ever waits for the other's copying. A byte written to a pipe
 * after each publication lets the UI sleep in poll() until there is
 * something new to draw, or a key.
 *
 * What is derived from the parameters (analysis.h: the Σ⁻¹ alignment, cgd's
 * unrolled coefficients; the step-through trace, engine_trace.c) is
 * recomputed here only when its inputs changed since the last publication.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine_impl.h"
#include "memscope/analysis.h"
#include "memscope/clock.h"
#include "memscope/xmalloc.h"

void
engine_analysis_free(struct engine_analysis *an)
{
	free(an->params);
	free(an->cgd_coef);
	free(an->sigma_cos);
	memset(an, 0, sizeof *an);
}

/* Whether the analysis of the run's model as it is now is the one held. */
static bool
engine_analysis_current(const struct engine *e)
{
	const struct engine_analysis *an = &e->an;
	const struct trainer *t = engine_model(e)->t;

	return an->valid && an->run == engine_model(e)->id && an->L == t->cfg.layers &&
	    an->cfg.param == t->cfg.param &&
	    an->cfg.memory == t->cfg.memory && an->cfg.data == t->cfg.data &&
	    an->cfg.kappa == t->cfg.kappa && an->cfg.wstar == t->cfg.wstar &&
	    an->nparams == t->model.nparams && memcmp(an->params,
	    t->model.params, an->nparams * sizeof *an->params) == 0;
}

/* The Σ⁻¹ alignment and cgd's unrolled coefficients of the run's model,
 * if the parameters or the data changed. */
static void
engine_analysis_update(struct engine *e)
{
	struct engine_analysis *an = &e->an;
	const struct trainer *t = engine_model(e)->t;
	int L = t->cfg.layers;

	if (engine_analysis_current(e))
		return;
	if (an->L != L || an->cgd_coef == NULL) {
		an->cgd_coef = xrealloc(an->cgd_coef, (size_t)L * L *
		    sizeof(double));
		an->sigma_cos = xrealloc(an->sigma_cos, L * sizeof(double));
	}
	if (an->nparams != t->model.nparams || an->params == NULL)
		an->params = xrealloc(an->params, (t->model.nparams + 1) *
		    sizeof *an->params);
	memcpy(an->params, t->model.params, t->model.nparams *
	    sizeof *an->params);
	an->nparams = t->model.nparams;
	an->run = engine_model(e)->id;
	an->L = L;
	an->cfg = t->cfg;
	if (t->cfg.memory == MS_MEMORY_CGD || t->cfg.memory == MS_MEMORY_REC)
		analysis_cgd_coefficients(&t->model, an->cgd_coef);
	else
		for (int i = 0; i < L * L; i++)
			an->cgd_coef[i] = NAN;
	analysis_sigma_cos(&t->model, &t->dist, an->sigma_cos);
	an->valid = true;
}

/* r's steps per second, measured over at least a quarter second. */
static double
engine_run_rate(struct engine_run *r, bool running, double now)
{
	if (r->reference)
		return 0;
	if (!running || r->state != ENGINE_RUNNING) {
		r->sps = 0;
		r->rate_time = now;
		r->rate_step = r->t->step;
	} else if (now - r->rate_time >= 0.25) {
		r->sps = (r->t->step - r->rate_step) / (now - r->rate_time);
		r->rate_time = now;
		r->rate_step = r->t->step;
	}
	return r->sps;
}

/* Run r's part of the snapshot. */
static void
engine_publish_run(struct engine *e, struct engine_run *r,
    struct snapshot_run *sr)
{
	int L = engine_run_cfg(r)->layers;

	sr->id = r->id;
	sr->style = r->style;
	snprintf(sr->label, sizeof sr->label, "%s", r->label);
	snprintf(sr->label_ascii, sizeof sr->label_ascii, "%s",
	    r->label_ascii);
	sr->visible = r->visible;
	sr->reference = r->reference;
	sr->cfg = *engine_run_cfg(r);
	sr->state = r->state == ENGINE_RUNNING && e->paused ? ENGINE_PAUSED :
	    r->state;
	sr->step = r->t != NULL ? r->t->step : r->target;
	sr->target = r->target;
	history_curve(&r->hist, &sr->hist);
	sr->nmarks = r->nmarks;
	memcpy(sr->marks, r->marks, sizeof sr->marks);
	snapshot_run_set_layers(sr, L);
	sr->test_step = r->reference ? -1 : r->test_step;
	if (sr->test_step >= 0) {
		memcpy(sr->layer_mse, r->layer_mse, L * sizeof(double));
		sr->final_mse = r->layer_mse[L - 1];
	}
	/* the model run's only: the screens show no other */
	if (r == engine_model(e))
		snapshot_series_copy(&sr->coef, &r->coef);
	else
		sr->coef.n = 0;
}

/* The engine's state as the status line shows it: running or paused
 * while some run has steps to make, else the model run's. */
static enum engine_state
engine_state_now(const struct engine *e)
{
	if (engine_runs_active(e))
		return e->paused ? ENGINE_PAUSED : ENGINE_RUNNING;
	return engine_model(e)->state;
}

/* Fill the back snapshot from the worker's state and swap it into the
 * slot. */
void
engine_publish(struct engine *e)
{
	struct snapshot *s = e->back;
	struct engine_run *m = engine_model(e);
	struct trainer *t = m->t;
	double now = clock_seconds();
	int L = t->cfg.layers, b, i;
	bool running = !e->paused;

	s->seq = ++e->seq;
	s->run = e->next_id;
	s->nruns = e->nruns;
	s->focus = e->focus;
	s->model_run = e->model_run;
	for (i = 0; i < e->nruns; i++) {
		engine_run_rate(e->runs[i], running, now);
		engine_publish_run(e, e->runs[i], &s->runs[i]);
	}
	s->read_only = false;
	s->source[0] = '\0';
	s->cfg = t->cfg;
	s->kappa = config_condition(&t->cfg);
	s->state = engine_state_now(e);
	s->step = t->step;
	s->target = m->target;
	s->steps_per_sec = m->sps;
	s->speed_cap = e->speed;
	snprintf(s->message, sizeof s->message, "%s", e->message);
	s->message_error = e->message_error;
	s->message_seq = e->message_seq;
	snprintf(s->busy, sizeof s->busy, "%s", e->busy);
	s->commands = e->commands;

	snapshot_set_model(s, &t->model);
	snapshot_set_layers(s, L);
	snapshot_set_dim(s, t->cfg.dim);
	task_dist_sigma_inv(&t->dist, s->sigma_inv);
	s->have_baselines = m->have_base && m->base_L == L;
	if (s->have_baselines) {
		s->theory = m->theory;
		for (b = 0; b < BASELINE_COUNT; b++) {
			memcpy(s->base_mse[b], m->base[b],
			    (L + 1) * sizeof(double));
			memcpy(s->base_step[b], m->base_step[b],
			    (L + 1) * sizeof(double));
		}
	}
	engine_analysis_update(e);
	memcpy(s->cgd_coef, e->an.cgd_coef, (size_t)L * L * sizeof(double));
	memcpy(s->sigma_cos, e->an.sigma_cos, L * sizeof(double));
	engine_trace_publish(e, s);
	engine_publish_swap(e);
}

/* Swap the back snapshot, filled, into the slot and tell the UI. */
void
engine_publish_swap(struct engine *e)
{
	struct snapshot *tmp;
	char c = 1;

	pthread_mutex_lock(&e->slot_mu);
	tmp = e->mid;
	e->mid = e->back;
	e->back = tmp;
	e->fresh = true;
	pthread_mutex_unlock(&e->slot_mu);
	/* a full pipe already says "new"; the UI polls with a timeout too */
	if (write(e->pipe[1], &c, 1) < 0)
		c = 0;
	e->last_publish = clock_seconds();
}

/* The snapshot the UI starts with (owned by the engine). */
struct snapshot *
engine_first_snapshot(struct engine *e)
{
	return e->front;
}

/* If a newer snapshot was published, swap it into *snap. */
bool
engine_take(struct engine *e, struct snapshot **snap)
{
	struct snapshot *tmp;
	bool fresh;

	pthread_mutex_lock(&e->slot_mu);
	fresh = e->fresh;
	if (fresh) {
		tmp = e->mid;
		e->mid = *snap;
		*snap = tmp;
		e->front = tmp;
		e->fresh = false;
	}
	pthread_mutex_unlock(&e->slot_mu);
	return fresh;
}

/* A descriptor that becomes readable when a snapshot is published. */
int
engine_notify_fd(const struct engine *e)
{
	return e->pipe[0];
}

/* Empty the notification descriptor. */
void
engine_notify_drain(struct engine *e)
{
	char buf[64];

	while (read(e->pipe[0], buf, sizeof buf) > 0)
		;
}

