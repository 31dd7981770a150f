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
	const struct trainer *t = e->t;

	return an->valid && an->run == e->run && an->L == t->cfg.layers &&
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
	const struct trainer *t = e->t;
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
	an->run = e->run;
	an->L = L;
	an->cfg = t->cfg;
	if (t->cfg.memory == MS_MEMORY_CGD)
		analysis_cgd_coefficients(&t->model, an->cgd_coef);
	else
		for (int i = 0; i < L * L; i++)
			an->cgd_coef[i] = NAN;
	analysis_sigma_cos(&t->model, &t->dist, an->sigma_cos);
	an->valid = true;
}

/* Fill the back snapshot from the worker's state and swap it into the
 * slot. */
void
engine_publish(struct engine *e)
{
	struct snapshot *s = e->back, *tmp;
	struct trainer *t = e->t;
	double now = clock_seconds();
	int L = t->cfg.layers, b;
	char c = 1;

	if (e->state == ENGINE_RUNNING) {
		if (now - e->rate_time >= 0.25) {
			e->sps = (t->step - e->rate_step) / (now - e->rate_time);
			e->rate_time = now;
			e->rate_step = t->step;
		}
	} else {
		e->sps = 0;
		e->rate_time = now;
		e->rate_step = t->step;
	}

	s->seq = ++e->seq;
	s->run = e->run;
	s->cfg = t->cfg;
	s->kappa = config_condition(&t->cfg);
	s->state = e->state;
	s->step = t->step;
	s->target = e->target;
	s->steps_per_sec = e->sps;
	s->speed_cap = engine_speed_cap(e->speed);
	snprintf(s->message, sizeof s->message, "%s", e->message);
	s->message_error = e->message_error;
	snprintf(s->busy, sizeof s->busy, "%s", e->busy);
	s->commands = e->commands;

	history_curve(&e->hist, &s->hist);
	snapshot_curve_copy(&s->prev, &e->prev);
	snprintf(s->prev_label, sizeof s->prev_label, "%s", e->prev_label);
	s->nmarks = e->nmarks;
	memcpy(s->marks, e->marks, sizeof s->marks);

	snapshot_set_model(s, &t->model);
	snapshot_set_layers(s, L);
	s->test_step = e->test_step;
	if (e->test_step >= 0)
		memcpy(s->layer_mse, e->layer_mse, L * sizeof(double));
	s->have_baselines = e->have_base && e->base_L == L;
	if (s->have_baselines)
		for (b = 0; b < BASELINE_COUNT; b++) {
			memcpy(s->base_mse[b], e->base[b],
			    (L + 1) * sizeof(double));
			memcpy(s->base_step[b], e->base_step[b],
			    (L + 1) * sizeof(double));
		}
	engine_analysis_update(e);
	memcpy(s->cgd_coef, e->an.cgd_coef, (size_t)L * L * sizeof(double));
	memcpy(s->sigma_cos, e->an.sigma_cos, L * sizeof(double));
	engine_trace_publish(e, s);

	pthread_mutex_lock(&e->slot_mu);
	tmp = e->mid;
	e->mid = e->back;
	e->back = tmp;
	e->fresh = true;
	pthread_mutex_unlock(&e->slot_mu);
	/* a full pipe already says "new"; the UI polls with a timeout too */
	if (write(e->pipe[1], &c, 1) < 0)
		c = 0;
	e->last_publish = now;
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

