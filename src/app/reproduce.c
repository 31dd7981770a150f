/*
 * The paper's experiments (reproduce.h): plan and run.
 *
 * Each figure is a table of lines (models or classical baselines), each
 * evaluated at depths L = 1..D for runs r = 0..K-1. A model line trains one
 * model per depth and run (doc/math.md §5: a separate model for each L); its
 * value is the natural log of the mean squared query error of that model's
 * last read-out, on the run's test batch or, for lines marked on_train, on
 * its training batch. A baseline line's value at L is that of L iterations
 * of the method on the same batch. Run r uses seed base + r: its own
 * rotation U, and the same training and test tasks for every model and
 * depth (the trainer draws each from its own stream of the seed).
 *
 * Planning: the trainings every selected figure needs are collected into one
 * job list, identical jobs merged (Fig. 2a's linear transformer is Fig. 1b's;
 * the momentum figure's Memformer is Fig. 2a's), and sorted longest first.
 * A baseline job sets up the run's trainer without training it and evaluates
 * every baseline on the batch in question, up to RP_ITERS iterations.
 *
 * Threads: the runner (runner.h) on o->threads workers, each taking the
 * next job in that order and running it single-threaded (cfg.threads = 1).
 * Every job writes only its own result slot, and a job's result depends on
 * its configuration alone, so the output is the same whatever the schedule.
 * Progress goes to o->progress from the runner's hook, under its lock.
 *
 * The figures are figures.c's; what the results become (tables, claims,
 * CSV, SVG) is reproduce_report.c's.
 */
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "memscope/baselines.h"
#include "memscope/clock.h"
#include "memscope/config.h"
#include "memscope/dir.h"
#include "memscope/figures.h"
#include "memscope/reproduce.h"
#include "memscope/reproduce_report.h"
#include "memscope/runner.h"
#include "memscope/stats.h"
#include "memscope/trainer.h"
#include "memscope/xmalloc.h"

#include "reproduce_internal.h"

/* Defaults: every figure, 5 runs, code protocol, no quirks, all cores,
 * no progress. */
void
reproduce_defaults(struct reproduce_opts *o)
{
	memset(o, 0, sizeof *o);
	o->figures = (1UL << figures_count()) - 1;
	o->runs = 5;
	o->protocol = REPRODUCE_PROTOCOL_CODE;
	o->quirks = false;
	o->threads = runner_cpus();
	o->seed = 1;
	o->outdir = "reproduce";
	o->rotation = MS_ROTATION_UNIFORM_SVD;
}

/* The number of figures. */
int
reproduce_figure_count(void)
{
	return figures_count();
}

/* The i-th figure's name ("1a", ..., "nesterov"), or NULL. */
const char *
reproduce_figure_id(int i)
{
	return i >= 0 && i < figures_count() ? figures_get(i)->id : NULL;
}

/* Parse "all" or a comma-separated list of figure names into a mask. */
int
reproduce_parse_figures(const char *list, unsigned long *mask, char *err,
    size_t errlen)
{
	return figures_parse(list, mask, err, errlen);
}

/* The depths of figure f that o asks for. */
static int
rp_depths(const struct reproduce_opts *o, const struct figure *f)
{
	return o->depths > 0 && o->depths < f->depths ? o->depths : f->depths;
}

/* The training configuration of a figure line at depth L, run r. */
static void
rp_config(const struct reproduce_opts *o, const struct figure *f,
    const struct figure_line *ln, int L, int run, struct ms_config *cfg)
{
	config_defaults(cfg);
	cfg->data = f->data;
	cfg->layers = L;
	cfg->heads = ln->heads > 0 ? ln->heads : 1;
	cfg->param = ln->param;
	cfg->memory = ln->memory;
	cfg->steps = FIGURES_STEPS;
	cfg->batch = FIGURES_BATCH;
	cfg->test_batch = FIGURES_TEST_BATCH;
	cfg->lr = 0.01;
	if (o->protocol == REPRODUCE_PROTOCOL_TEXT) {
		cfg->clip = FIGURES_TEXT_CLIP;
		cfg->resample = FIGURES_TEXT_RESAMPLE;
	} else {
		cfg->clip = 0;
		cfg->resample = 0;
	}
	cfg->seed = o->seed + (uint64_t)run;
	cfg->runs = 1;
	cfg->threads = 1;
	cfg->quirks = o->quirks;
	cfg->rotation = o->rotation;
	if (ln->setup != NULL)
		ln->setup(cfg);
	/* the quick look's overrides win over the line's own sizes, but
	 * not over a line's batch (Fig. 4's B = 1 is what it is about) */
	if (o->steps > 0)
		cfg->steps = o->steps;
	if (ln->batch > 0)
		cfg->batch = ln->batch;
	else if (o->batch > 0)
		cfg->batch = o->batch;
	if (o->test_batch > 0)
		cfg->test_batch = o->test_batch;
	if (o->lr > 0)
		cfg->lr = o->lr;
}

/* A baseline job's configuration: its trainer only sets up U and the
 * batches, with the smallest model (whatever the line's setup made it). */
static void
rp_baseline_model(struct ms_config *cfg)
{
	cfg->param = MS_PARAM_PRE;
	cfg->memory = MS_MEMORY_NONE;
	cfg->heads = 1;
	cfg->layers = 1;
	cfg->gates = false;
	cfg->freeze = MS_FREEZE_NONE;
}

/*
 * The job key of a line whose configuration is cfg (a baseline's with
 * its model made the smallest) and whose parents are the jobs
 * parent[0..np-1]. A baseline job only sets up the run's trainer: its
 * optimizer cannot matter either, nor, unless it is evaluated on the
 * training batch, how that batch is drawn.
 */
static void
rp_key(const struct figure_line *ln, const struct ms_config *cfg,
    const int *parent, int np, struct rp_key *k)
{
	struct ms_config c;

	memset(k, 0, sizeof *k);
	memcpy(&c, cfg, sizeof c);
	k->kind = ln->kind;
	for (int i = 0; i < FIGURES_MAX_PARENTS; i++)
		k->parent[i] = i < np ? parent[i] : -1;
	k->from_parents = ln->from_parents;
	if (ln->kind == FIGURE_BASELINE) {
		k->on_train = ln->on_train;
		c.lr = 0;
		c.clip = 0;
		c.adam_beta1 = c.adam_beta2 = 0;
		c.weight_decay = 0;
		if (!ln->on_train) {
			c.batch = 0;
			c.steps = 0;
			c.resample = 0;
		}
	}
	/* a model job evaluates both batches: on_train stays 0 */
	memcpy(&k->cfg, &c, sizeof c);
}

/* Estimated work of a job, in units of one step of one layer on one prompt. */
static double
rp_cost(const struct rp_key *k)
{
	double c;

	/* a baseline job: tuning grids, ~100 passes of 6 iterations */
	const struct ms_config *g = &k->cfg;

	if (k->kind == FIGURE_BASELINE)
		return 40.0 * (k->on_train ? g->batch : g->test_batch);
	c = (double)g->steps * g->batch * g->layers;
	c *= 1.0 + 0.3 * (g->heads - 1);
	if (g->memory == MS_MEMORY_LFOM)
		c *= 1.0 + 0.1 * g->layers;
	if (g->param == MS_PARAM_GDPP || g->param == MS_PARAM_FULL)
		c *= 10.0;
	return c;
}

/*
 * The job of line ln of figure fig at depth L, run r (a new one, or the
 * same one already planned), after its parents' jobs; -1 for a theory
 * line, which needs none.
 */
static int
rp_add_job(struct rp_plan *pl, int fig, const struct figure_line *ln, int L,
    int run)
{
	const struct figure *f = figures_get(fig);
	int parent[FIGURES_MAX_PARENTS], np = 0, stage = 0;
	struct ms_config cfg;
	struct rp_key k;
	struct rp_job *j;

	if (ln->kind == FIGURE_THEORY)
		return -1;
	for (; np < FIGURES_MAX_PARENTS && ln->parents[np] != NULL; np++) {
		int p = rp_add_job(pl, fig, ln->parents[np], L, run);

		parent[np] = p;
		pl->jobs[p].keep = true;
		if (pl->jobs[p].stage + 1 > stage)
			stage = pl->jobs[p].stage + 1;
	}
	/* a baseline's value at every L comes from one job per run */
	rp_config(pl->o, f, ln, ln->kind == FIGURE_MODEL ? L : 1, run, &cfg);
	if (ln->kind == FIGURE_BASELINE)
		rp_baseline_model(&cfg);
	rp_key(ln, &cfg, parent, np, &k);
	for (int i = 0; i < pl->njobs; i++)
		if (memcmp(&pl->jobs[i].key, &k, sizeof k) == 0) {
			/* named, in the progress, by a line it trains for,
			 * not one valued as it starts */
			if (pl->jobs[i].ln->at_start && !ln->at_start) {
				pl->jobs[i].fig = fig;
				pl->jobs[i].ln = ln;
			}
			return i;
		}
	if (pl->njobs == pl->cap) {
		pl->cap = pl->cap ? 2 * pl->cap : 64;
		pl->jobs = xrealloc(pl->jobs, pl->cap * sizeof *pl->jobs);
	}
	j = &pl->jobs[pl->njobs];
	memset(j, 0, sizeof *j);
	j->key = k;
	j->cfg = cfg;
	j->cost = rp_cost(&k);
	j->stage = stage;
	j->nparent = np;
	j->fig = fig;
	j->ln = ln;
	j->depth = L;
	j->run = run;
	if (stage + 1 > pl->stages)
		pl->stages = stage + 1;
	if (ln->kind == FIGURE_MODEL) {
		pl->trainings++;
		pl->steps += cfg.steps;
	}
	return pl->njobs++;
}

struct rp_order {
	int stage;
	double cost;
	int job;
};

/* By stage; in a stage longest first; ties in plan order. */
static int
rp_cmp_order(const void *a, const void *b)
{
	const struct rp_order *x = a, *y = b;

	if (x->stage != y->stage)
		return x->stage - y->stage;
	if (x->cost != y->cost)
		return x->cost > y->cost ? -1 : 1;
	return x->job - y->job;
}

/* Collect the jobs of every selected figure, merging identical ones. */
static void
rp_plan_build(struct rp_plan *pl, const struct reproduce_opts *o)
{
	struct rp_order *ord;
	int fi = 0;

	memset(pl, 0, sizeof *pl);
	pl->o = o;
	for (int f = 0; f < figures_count(); f++)
		if (o->figures & (1UL << f))
			pl->nfig++;
	pl->res = xcalloc(pl->nfig > 0 ? pl->nfig : 1, sizeof *pl->res);
	pl->idx = xcalloc(pl->nfig > 0 ? pl->nfig : 1, sizeof *pl->idx);
	for (int f = 0; f < figures_count(); f++) {
		const struct figure *fg = figures_get(f);
		int D = rp_depths(o, fg), K = o->runs;

		if (!(o->figures & (1UL << f)))
			continue;
		pl->res[fi].fig = fg;
		pl->res[fi].D = D;
		pl->res[fi].K = K;
		pl->idx[fi] = xmalloc((size_t)fg->nlines * D * K * sizeof(int));
		for (int l = 0; l < fg->nlines; l++)
			for (int L = 1; L <= D; L++)
				for (int r = 0; r < K; r++)
					pl->idx[fi][(l * D + L - 1) * K + r] =
					    rp_add_job(pl, f, &fg->lines[l], L,
					    r);
		fi++;
	}
	ord = xmalloc((pl->njobs > 0 ? pl->njobs : 1) * sizeof *ord);
	for (int i = 0; i < pl->njobs; i++) {
		ord[i].stage = pl->jobs[i].stage;
		ord[i].cost = pl->jobs[i].cost;
		ord[i].job = i;
	}
	qsort(ord, pl->njobs, sizeof *ord, rp_cmp_order);
	pl->order = xmalloc((pl->njobs > 0 ? pl->njobs : 1) * sizeof(int));
	for (int i = 0; i < pl->njobs; i++)
		pl->order[i] = ord[i].job;
	free(ord);
}

/* Free what rp_plan_build and rp_collect allocated. */
static void
rp_plan_free(struct rp_plan *pl)
{
	for (int i = 0; i < pl->nfig; i++) {
		free(pl->idx[i]);
		free(pl->res[i].val);
		free(pl->res[i].mean);
		free(pl->res[i].std);
		free(pl->res[i].finite);
		free(pl->res[i].floored);
		free(pl->res[i].diverged);
	}
	free(pl->idx);
	free(pl->res);
	for (int i = 0; i < pl->njobs; i++)
		free(pl->jobs[i].params);
	free(pl->jobs);
	free(pl->order);
}

/* Number of trainings and total optimizer steps the options ask for. */
void
reproduce_plan(const struct reproduce_opts *o, int *trainings, double *steps)
{
	struct rp_plan pl;

	rp_plan_build(&pl, o);
	*trainings = pl.trainings;
	*steps = pl.steps;
	rp_plan_free(&pl);
}

/* ln(d s^2), the labels' scale of cfg's tasks (doc/math.md §8.1): what a
 * normalised line takes off. */
static double
rp_label_log(const struct ms_config *cfg)
{
	return trainer_label_log(cfg->dim, cfg->scale);
}

/* Gather each figure's values from the jobs, and their statistics. */
static void
rp_collect(struct rp_plan *pl)
{
	for (int fi = 0; fi < pl->nfig; fi++) {
		struct reproduce_result *r = &pl->res[fi];
		const struct figure *f = r->fig;
		int D = r->D, K = r->K;

		r->val = xdoubles((size_t)f->nlines * D * K);
		r->mean = xdoubles((size_t)f->nlines * D);
		r->std = xdoubles((size_t)f->nlines * D);
		r->finite = xcalloc((size_t)f->nlines * D, sizeof(int));
		r->floored = xcalloc((size_t)f->nlines * D, sizeof(int));
		r->diverged = xcalloc((size_t)f->nlines * D, sizeof(int));
		for (int l = 0; l < f->nlines; l++) {
			const struct figure_line *ln = &f->lines[l];

			for (int L = 1; L <= D; L++) {
				int at = (l * D + L - 1) * K;
				struct ms_config cfg;
				double th = NAN;

				rp_config(pl->o, f, ln, L, 0, &cfg);
				if (ln->kind == FIGURE_THEORY)
					th = ln->theory(&cfg) - (ln->normalised ?
					    rp_label_log(&cfg) : 0);
				for (int run = 0; run < K; run++) {
					const struct rp_job *j;
					double v;

					if (ln->kind == FIGURE_THEORY) {
						r->val[at + run] = th;
						continue;
					}
					j = &pl->jobs[pl->idx[fi][at + run]];
					if (ln->kind == FIGURE_BASELINE)
						v = j->base[ln->method][L];
					else if (ln->at_start)
						v = ln->on_train ?
						    j->train_start :
						    j->test_start;
					else
						v = ln->on_train ?
						    j->train_loss : j->test_loss;
					if (ln->normalised)
						v -= rp_label_log(&j->cfg);
					r->val[at + run] = v;
					r->floored[l * D + L - 1] +=
					    v == log(FIGURES_MSE_FLOOR);
					r->diverged[l * D + L - 1] +=
					    j->diverged;
				}
				r->finite[l * D + L - 1] =
				    stats_mean_std_finite(&r->val[at], K, 1,
				    &r->mean[l * D + L - 1],
				    &r->std[l * D + L - 1]);
				/* one value, not a spread of runs */
				if (ln->kind == FIGURE_THEORY)
					r->std[l * D + L - 1] = NAN;
			}
		}
	}
}

/*
 * Whether the results can stand as a success: 0, or -1 with a message if a
 * training diverged or a value is not finite (the tables mark them).
 */
static int
rp_failures(const struct rp_plan *pl, char *err, size_t errlen)
{
	const struct rp_job *first = NULL;
	int diverged = 0, bad = 0, values = 0;
	size_t used;

	for (int i = 0; i < pl->njobs; i++)
		if (pl->jobs[i].key.kind == FIGURE_MODEL &&
		    pl->jobs[i].diverged) {
			if (first == NULL)
				first = &pl->jobs[i];
			diverged++;
		}
	for (int fi = 0; fi < pl->nfig; fi++) {
		const struct reproduce_result *r = &pl->res[fi];
		int n = r->D * r->K;

		/* a theory line may be undefined at some depths */
		for (int l = 0; l < r->fig->nlines; l++) {
			if (r->fig->lines[l].kind == FIGURE_THEORY)
				continue;
			for (int i = 0; i < n; i++)
				bad += !isfinite(r->val[l * n + i]);
			values += n;
		}
	}
	if (diverged == 0 && bad == 0)
		return 0;
	used = 0;
	err[0] = '\0';
	if (diverged > 0)
		used += (size_t)snprintf(err, errlen, "%d of %d "
		    "trainings diverged, e.g. fig %s %s L=%d run %d: %s",
		    diverged, pl->trainings, figures_get(first->fig)->id,
		    first->ln->name,
		    first->depth, first->run, first->why);
	if (bad > 0 && used < errlen)
		used += (size_t)snprintf(err + used, errlen - used, "%s%d of %d "
		    "values are not finite", diverged > 0 ? "; " : "", bad,
		    values);
	if (used < errlen)
		snprintf(err + used, errlen - used, "; the tables mark them");
	return -1;
}

/* Whether a job failed: the first one's message (plan order) in err. */
static bool
rp_failed(const struct rp_plan *pl, char *err, size_t errlen)
{
	for (int i = 0; i < pl->njobs; i++)
		if (pl->jobs[i].failed) {
			snprintf(err, errlen, "%s", pl->jobs[i].err);
			return true;
		}
	return false;
}

/* Run the experiments of o; see reproduce.h. */
int
reproduce_run(const struct reproduce_opts *o, FILE *out, char *err,
    size_t errlen)
{
	struct rp_plan pl;
	struct rp_run run;
	struct ms_config base;
	char name[64], msg[400];
	int rc = -1, threads;
	locale_t c_loc, old = (locale_t)0;

	if (o->runs < 1 || o->runs > 1000) {
		snprintf(err, errlen, "--runs: expected 1..1000, got %d", o->runs);
		return -2;
	}
	if (o->figures == 0) {
		snprintf(err, errlen, "--figure: no figure selected");
		return -2;
	}
	/* run r has seed + r: every run's seed must be a seed (up front) */
	if (o->seed > (uint64_t)INT64_MAX - (uint64_t)(o->runs - 1)) {
		snprintf(err, errlen, "--seed: with --runs %d the seeds go up to "
		    "%llu, past 2^63-1; give --seed at most %llu", o->runs,
		    (unsigned long long)o->seed + (unsigned long long)(o->runs -
		    1), (unsigned long long)INT64_MAX - (unsigned long long)(o->runs - 1));
		return -2;
	}
	if (!(o->lr >= 0 && isfinite(o->lr))) {
		snprintf(err, errlen, "--lr: expected a finite number > 0");
		return -2;
	}
	if (dir_make(o->outdir, msg, sizeof msg) != 0) {
		snprintf(err, errlen, "--out: %s", msg);
		return -2;
	}
	rp_plan_build(&pl, o);

	memset(&run, 0, sizeof run);
	run.plan = &pl;
	for (int i = 0; i < pl.njobs; i++)
		run.total_cost += pl.jobs[i].cost;
	run.t0 = clock_seconds();
	/* a stage starts when the one before has ended: its jobs start from
	 * their parents' trained parameters; a failed job ends the run
	 * there (a later job may need what it did not give) */
	threads = 0;
	for (int s = 0, at = 0; s < pl.stages && !rp_failed(&pl, err, errlen);
	    s++) {
		int n = 0, used;

		while (at + n < pl.njobs && pl.jobs[pl.order[at + n]].stage == s)
			n++;
		run.first = at;
		used = runner_run(n, o->threads, rp_job_run, rp_progress, &run);
		if (used > threads)
			threads = used;
		at += n;
	}
	rp_progress_end(&run, REPRODUCE_TRAINED, threads);
	if (rp_failed(&pl, err, errlen))
		goto done;
	rp_collect(&pl);

	/* files and tables in the C locale, whatever the program's */
	c_loc = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	if (c_loc != (locale_t)0)
		old = uselocale(c_loc);
	for (int fi = 0; fi < pl.nfig; fi++) {
		static const struct {
			const char *suffix;
			int (*write)(FILE *, const void *);
		} files[] = {
			{ ".csv", reproduce_report_csv },
			{ "_summary.csv", reproduce_report_summary_csv },
			{ ".svg", reproduce_report_svg },
		};

		for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
			snprintf(name, sizeof name, "fig%s%s",
			    pl.res[fi].fig->id, files[k].suffix);
			if (dir_write(o->outdir, name, files[k].write,
			    &pl.res[fi], err, errlen) != 0)
				goto restore;
		}
	}
	config_defaults(&base);
	reproduce_report_header(out, o, base.context);
	for (int fi = 0; fi < pl.nfig; fi++)
		reproduce_report_table(out, o, &pl.res[fi]);
	reproduce_report_claims(out, o, pl.res, pl.nfig);
	fflush(out);
	rc = rp_failures(&pl, err, errlen);
	rp_progress_end(&run, REPRODUCE_FINISHED, threads);
restore:
	if (c_loc != (locale_t)0) {
		uselocale(old);
		freelocale(c_loc);
	}
done:
	rp_plan_free(&pl);
	return rc;
}
