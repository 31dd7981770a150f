/* The fixed snapshot: smooth made-up curves and parameters from sin(). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/lesson.h"
#include "memscope/model.h"
#include "memscope/task.h"
#include "memscope/theory.h"
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
	lesson_notes(&st->tr);	/* what to notice, as the engine writes it */
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

/* Run r's memory coefficients over its 640 steps, every 10th step:
 * cgd α_l, γ_l; lfom Γ_l's label row of n + 1 entries (snapshot.h). */
static void
fixture_coef(struct snapshot_run *r, int L, int n)
{
	double v[512];
	int k = r->cfg.memory == MS_MEMORY_CGD ? 2 * L :
	    r->cfg.memory == MS_MEMORY_LFOM ? L * (n + 1) : 0, j, q;

	for (j = 0; k > 0 && k <= 512 && j <= 640; j += 10) {
		for (q = 0; q < k; q++)
			v[q] = (q % 2 ? -1 : 1) * (0.2 + 0.1 * (q % 7)) *
			    (1 - exp(-j / (100.0 + 20 * q))) + 0.01 * q;
		snapshot_series_append(&r->coef, j, v, k);
	}
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
	/* three compared runs, none, cgd and lfom, the one of cfg's memory in
	 * focus (its model is the snapshot's) */
	s->nruns = 3;
	for (i = 0; i < 3; i++) {
		struct snapshot_run *r = &s->runs[i];
		static const enum ms_memory mem[3] = { MS_MEMORY_NONE,
		    MS_MEMORY_CGD, MS_MEMORY_LFOM };
		double a = 5 - i, tau = 150.0 + 80 * i, floor_ = 0.3 + 0.25 * i;

		r->id = i + 1;
		r->style = i;
		r->visible = true;
		r->cfg = *cfg;
		r->cfg.memory = mem[i];
		snprintf(r->label, sizeof r->label, "%s",
		    config_memory_name(mem[i]));
		snprintf(r->label_ascii, sizeof r->label_ascii, "%s", r->label);
		r->state = ENGINE_PAUSED;
		r->step = 640;
		r->target = 1000;
		for (j = 0; j < 640; j++) {
			double tr = a * exp(-j / tau) + floor_ +
			    0.05 * sin(j + i);

			snapshot_curve_append(&r->hist, j + 1, tr,
			    j % 20 == 0 ? tr * 1.1 : NAN);
		}
		fixture_coef(r, L, cfg->context);
		snapshot_run_set_layers(r, L);
		r->test_step = 640;
		for (l = 0; l < L; l++)
			r->layer_mse[l] = exp(0.5 + 0.3 * i - l * (0.7 - 0.1 *
			    i));
		r->final_mse = r->layer_mse[L - 1];
		if (mem[i] == cfg->memory)
			s->focus = s->model_run = i;
	}
	s->runs[s->focus].nmarks = 1;
	s->runs[s->focus].marks[0].step = 400;
	strcpy(s->runs[s->focus].marks[0].label, "kappa:10");
	snapshot_set_dim(s, cfg->dim);
	for (i = 0; i < cfg->dim * cfg->dim; i++)
		s->sigma_inv[i] = i % (cfg->dim + 1) == 0 ? 1.0 + 0.2 * (i %
		    3) : 0.05 * sin(i);
	s->have_baselines = true;
	for (l = 0; l < L; l++)
		s->sigma_cos[l] = 0.5 + 0.1 * l;
	for (b = 0; b < BASELINE_COUNT; b++)
		for (l = 0; l <= L; l++) {
			s->base_mse[b][l] = exp(1.6 - l * (0.3 + 0.2 * b));
			s->base_step[b][l] = l > 0 ? 0.05 - 0.005 * l : 0.0;
		}
	if (theory_lines_config(cfg, &s->theory, NULL, 0) != 0)
		memset(&s->theory, 0, sizeof s->theory);
	for (l = 0; l < L; l++)
		for (j = 0; j < L; j++)
			s->cgd_coef[l * L + j] = j <= l ? pow(0.5, l - j) *
			    (1 + 0.1 * l) : 0;
	strcpy(s->message, "");
	fixture_trace(s, 0);
}
