/*
 * reproduce's jobs (reproduce_internal.h): train a model (from its
 * parents' trained parameters, if it has any) and score it on the training
 * and the test batch, or evaluate a run's baselines; and the progress they
 * report. Each job writes only its own result.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "memscope/clock.h"
#include "memscope/model.h"
#include "memscope/trainer.h"
#include "memscope/xmalloc.h"

#include "reproduce_internal.h"

/*
 * The natural log of a mean squared error. Errors below FIGURES_MSE_FLOOR are
 * round-off (predictions agree with unit-scale labels to the last bits of a
 * double) and are reported as the floor, so an exact fit (mse 0, log -inf)
 * still averages; a non-finite error is NaN.
 */
double
rp_log(double mse)
{
	if (!isfinite(mse))
		return NAN;
	return log(mse > FIGURES_MSE_FLOOR ? mse : FIGURES_MSE_FLOOR);
}

/* j's parents' trained models, in pm[0..j->nparent) (model_free each). */
static void
rp_parent_models(const struct rp_plan *pl, const struct rp_job *j,
    struct model *pm)
{
	for (int p = 0; p < j->nparent; p++) {
		const struct rp_job *pj = &pl->jobs[j->key.parent[p]];

		model_init(&pm[p], &pj->cfg);
		memcpy(pm[p].params, pj->params,
		    pm[p].nparams * sizeof(double));
	}
}

/*
 * Start job j's model from its parents' trained parameters: one parent,
 * every block both have; several, head h from parent h. 0, or -1 with a
 * message in j->err if a parent gave nothing (the figure is wrong).
 */
static int
rp_from_parents(const struct rp_plan *pl, struct rp_job *j,
    struct model *m)
{
	struct model pm[FIGURES_MAX_PARENTS];
	int rc = 0;

	rp_parent_models(pl, j, pm);
	for (int p = 0; p < j->nparent && rc == 0; p++)
		if (model_copy_blocks(m, &pm[p], j->nparent > 1 ? 0 : -1,
		    p) == 0) {
			snprintf(j->err, sizeof j->err, "%s: nothing to take "
			    "from the trained '%s'", j->ln->name,
			    pl->jobs[j->key.parent[p]].ln->name);
			rc = -1;
		}
	for (int p = 0; p < j->nparent; p++)
		model_free(&pm[p]);
	return rc;
}

/* The training-batch redraws the most drawing of j's parents made. */
static long
rp_parent_draws(const struct rp_plan *pl, const struct rp_job *j)
{
	long most = 0;

	for (int p = 0; p < j->nparent; p++) {
		const struct rp_job *pj = &pl->jobs[j->key.parent[p]];
		long n = trainer_redraws(&pj->cfg, pj->cfg.steps);

		if (n > most)
			most = n;
	}
	return most;
}

/* A job whose line works on its parents' trained models itself (a
 * mixture of experts tuned at test time): 0, or -1 with j->err. */
static int
rp_job_from_parents(const struct rp_plan *pl, struct rp_job *j)
{
	struct model pm[FIGURES_MAX_PARENTS];
	const struct model *ptr[FIGURES_MAX_PARENTS];
	int rc;

	rp_parent_models(pl, j, pm);
	for (int p = 0; p < j->nparent; p++)
		ptr[p] = &pm[p];
	rc = j->ln->from_parents(ptr, j->nparent, &j->cfg, &j->test_loss,
	    &j->train_loss, j->err, sizeof j->err);
	for (int p = 0; p < j->nparent; p++)
		model_free(&pm[p]);
	return rc;
}

/* ln mse of t's last read-out on its test batch and on its training
 * batch. */
static void
rp_score(struct trainer *t, int L, double *test, double *train)
{
	double mse[64];

	trainer_test(t, mse);
	*test = rp_log(mse[L - 1]);
	model_evaluate(&t->model, &t->train, t->pool, mse);
	*train = rp_log(mse[L - 1]);
}

/* The runner's job i of the running stage: train a model, or evaluate the
 * baselines. */
void
rp_job_run(struct runner *rn, void *ctx, int i)
{
	struct rp_run *run = ctx;
	struct rp_job *j = &run->plan->jobs[run->plan->order[run->first + i]];
	struct ms_config cfg;
	struct trainer t;
	struct baseline_table tab;

	if (j->key.kind == FIGURE_MODEL && j->ln->from_parents != NULL) {
		j->failed = rp_job_from_parents(run->plan, j) != 0;
		return;
	}
	cfg = j->cfg;
	if (trainer_init(&t, &cfg, j->err, sizeof j->err) != 0) {
		j->failed = true;
		return;
	}
	if (j->key.kind == FIGURE_MODEL) {
		/* a child on one fixed batch trains on one its parents never
		 * saw: the next draw of the stream after theirs */
		if (j->nparent > 0 && cfg.resample == 0)
			trainer_redraw(&t, rp_parent_draws(run->plan, j) + 1);
		if (rp_from_parents(run->plan, j, &t.model) != 0) {
			j->failed = true;
			trainer_free(&t);
			return;
		}
		if (j->nparent > 0)	/* the parents' model, as it starts */
			rp_score(&t, cfg.layers, &j->test_start,
			    &j->train_start);
		/* to the end, or the last finite parameters */
		runner_train(rn, i, &t, cfg.steps, NULL, NULL);
		j->diverged = trainer_diverged(&t, j->why, sizeof j->why);
		rp_score(&t, cfg.layers, &j->test_loss, &j->train_loss);
		if (j->keep) {
			j->params = xdoubles(t.model.nparams);
			memcpy(j->params, t.model.params,
			    t.model.nparams * sizeof(double));
		}
	} else {
		/* the training batch as it is after cfg.steps steps (a
		 * training that diverged stopped redrawing earlier) */
		if (j->key.on_train)
			trainer_redraw(&t, trainer_redraws(&cfg, cfg.steps));
		baselines_evaluate(&cfg, &t.dist, j->key.on_train ? &t.train :
		    &t.test, RP_ITERS, &tab);
		for (int m = 0; m < BASELINE_COUNT; m++)
			for (int k = 0; k <= RP_ITERS; k++)
				j->base[m][k] = rp_log(tab.mse[m][k]);
		baseline_table_free(&tab);
	}
	trainer_free(&t);
}

/* Tell o->progress about job i of the order (RUNNER_START or _DONE);
 * under the runner's lock. */
void
rp_progress(void *ctx, const struct runner_progress *p)
{
	struct rp_run *run = ctx;
	const struct rp_plan *pl = run->plan;
	const struct reproduce_opts *o = pl->o;
	const struct rp_job *j;
	const struct figure *f;
	struct reproduce_progress rp;
	double el = clock_seconds() - run->t0;

	if (p->event == RUNNER_STEP || o->progress == NULL)
		return;
	j = &pl->jobs[pl->order[run->first + p->job]];
	if (p->event == RUNNER_DONE) {
		run->done_cost += j->cost;
		if (j->key.kind == FIGURE_MODEL)
			run->done_train++;
	}
	f = figures_get(j->fig);
	memset(&rp, 0, sizeof rp);
	rp.event = p->event == RUNNER_START ? REPRODUCE_JOB_START :
	    REPRODUCE_JOB_DONE;
	rp.training = j->key.kind == FIGURE_MODEL;
	rp.figure = f->id;
	rp.line = j->ln->name;
	rp.depth = j->depth;
	rp.run = j->run;
	rp.trainings_done = run->done_train;
	rp.trainings = pl->trainings;
	/* the workers runner_run uses */
	rp.threads = o->threads < pl->njobs ? o->threads : pl->njobs;
	rp.left = run->done_cost > 0 ? el * (run->total_cost -
	    run->done_cost) / run->done_cost : NAN;
	o->progress(o->progress_ctx, &rp);
}

/* Tell o->progress that every job ended (threads 0), or that everything
 * is done (with the summary). */
void
rp_progress_end(const struct rp_run *run, enum reproduce_event ev,
    int threads)
{
	const struct reproduce_opts *o = run->plan->o;
	struct reproduce_progress rp;

	if (o->progress == NULL)
		return;
	memset(&rp, 0, sizeof rp);
	rp.event = ev;
	rp.trainings_done = run->done_train;
	rp.trainings = run->plan->trainings;
	rp.left = 0;
	rp.steps = run->plan->steps;
	rp.seconds = clock_seconds() - run->t0;
	rp.threads = threads;
	o->progress(o->progress_ctx, &rp);
}
