/* The fixed snapshot: smooth made-up curves and parameters from sin(). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/model.h"
#include "memscope/task.h"
#include "memscope/trace.h"
#include "tui_fixture.h"

/* s's step-through trace of task k of the run's first test batch, as the
 * worker computes it: the snapshot's parameters and GD steps. */
void
fixture_trace(struct snapshot *s, int k)
{
	const struct ms_config *cfg = &s->cfg;
	struct snapshot_trace *st = &s->trace;
	struct task_dist dist;
	struct task_batch test;
	struct model m;
	char err[256];

	if (task_dist_init(&dist, cfg, err, sizeof err) != 0)
		abort();
	task_test_batch(&test, &dist, cfg);
	model_init(&m, cfg);
	memcpy(m.params, s->params, s->nparams * sizeof *s->params);
	trace_set_task(&st->tr, cfg, &test, k, s->have_baselines ?
	    s->base_step[BASELINE_GD] : NULL);
	if (trace_set_model(&st->tr, &m) != 0)
		abort();
	st->have_src = st->ready = st->follow = true;
	st->task = k;
	st->run = s->run;
	st->step = s->step;
	st->cfg = *cfg;
	st->gen++;
	model_free(&m);
	task_batch_free(&test);
	task_dist_free(&dist);
}

/* Fill s with a fixed history, parameters and coefficients. */
void
fixture_snapshot(struct snapshot *s, const struct ms_config *cfg)
{
	struct model m;
	int i, l, j, b, L = cfg->layers;

	model_init(&m, cfg);
	for (i = 0; i < (int)m.nparams; i++)
		m.params[i] = sin(i * 0.7) * (1 + i % 5) * 0.1;
	s->cfg = *cfg;
	s->kappa = config_condition(cfg);
	s->state = ENGINE_PAUSED;
	s->step = 640;
	s->target = 1000;
	s->steps_per_sec = 812;
	s->run = 2;
	snapshot_set_model(s, &m);
	snapshot_set_layers(s, L);
	model_free(&m);
	for (i = 0; i < 640; i++) {
		double tr = 5 * exp(-i / 150.0) + 0.3 + 0.05 * sin(i);

		snapshot_curve_append(&s->hist, i + 1, tr,
		    i % 20 == 0 ? tr * 1.1 : NAN);
	}
	for (i = 0; i < 1000; i += 2)
		snapshot_curve_append(&s->prev, i + 1,
		    4 * exp(-i / 300.0) + 0.6, i % 50 == 0 ? 4.4 *
		    exp(-i / 300.0) + 0.7 : NAN);
	strcpy(s->prev_label, "pre none H1 L3 paper");
	s->nmarks = 1;
	s->marks[0].step = 400;
	strcpy(s->marks[0].label, "kappa:10");
	s->test_step = 640;
	s->have_baselines = true;
	for (l = 0; l < L; l++) {
		s->layer_mse[l] = exp(0.5 - l * 0.7);
		s->sigma_cos[l] = 0.5 + 0.1 * l;
	}
	for (b = 0; b < BASELINE_COUNT; b++)
		for (l = 0; l <= L; l++) {
			s->base_mse[b][l] = exp(1.6 - l * (0.3 + 0.2 * b));
			s->base_step[b][l] = l > 0 ? 0.05 - 0.005 * l : 0.0;
		}
	for (l = 0; l < L; l++)
		for (j = 0; j < L; j++)
			s->cgd_coef[l * L + j] = j <= l ? pow(0.5, l - j) *
			    (1 + 0.1 * l) : 0;
	strcpy(s->message, "");
	fixture_trace(s, 0);
}
