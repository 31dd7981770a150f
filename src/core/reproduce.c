/*
 * The paper's experiments (reproduce.h).
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
 * Threads: a compute pool of o->threads workers, each taking the next job
 * from a shared counter and running it single-threaded (cfg.threads = 1).
 * Every job writes only its own result slot, and a job's result depends on
 * its configuration alone, so the output is the same whatever the schedule.
 * The progress stream is the one shared thing, under a mutex.
 */
#include <errno.h>
#include <float.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "memscope/output.h"
#include "memscope/baselines.h"
#include "memscope/config.h"
#include "memscope/pool.h"
#include "memscope/reproduce.h"
#include "memscope/stats.h"
#include "memscope/svg.h"
#include "memscope/trainer.h"
#include "memscope/xmalloc.h"

#define RP_ITERS 6		/* baseline iterations computed: the deepest figure */
#define RP_MAX_LINES 6
#define RP_PAPER_DEPTHS 4	/* the paper reports L = 1..4 */
#define RP_STEPS 1000		/* both protocols */
#define RP_BATCH 1000
#define RP_TEST_BATCH 1000
#define RP_TEXT_CLIP 0.01
#define RP_TEXT_RESAMPLE 100
#define RP_MSE_FLOOR (DBL_EPSILON * DBL_EPSILON)	/* 4.9e-32, log -72.1 */

enum rp_kind { RP_MODEL, RP_BASELINE };

/* One curve of a figure. */
struct rp_line {
	const char *name;	/* CSV model column and legend; no commas */
	enum rp_kind kind;
	enum ms_param param;	/* RP_MODEL */
	enum ms_memory memory;
	int heads;		/* 0: one */
	int batch;		/* training prompts; 0: the protocol's */
	enum baseline method;	/* RP_BASELINE */
	bool on_train;		/* evaluated on the training batch */
	const double *paper;	/* (RP_PAPER_DEPTHS) doc/math.md §7, or NULL */
};

struct rp_figure {
	const char *id;
	const char *title;	/* SVG title */
	const char *what;	/* the experiment, one line */
	const char *ylabel;
	enum ms_data data;
	int depths;
	int nlines;
	struct rp_line lines[RP_MAX_LINES];
	const char *note;	/* printed under the table, or NULL */
};

/* doc/math.md §7, read off the authors' plots (about ±0.05). */
static const double rp_p1a_cg[] = { 0.73, 0.20, -0.53, -1.48 };
static const double rp_p1a_mem[] = { 0.81, 0.48, 0.19, -0.14 };
static const double rp_p1a_lt[] = { 0.81, 0.48, 0.22, -0.01 };
static const double rp_p1b_mem[] = { 0.12, -0.90, -1.58, -1.97 };
static const double rp_p1b_lt[] = { 0.25, -0.30, -0.71, -1.08 };
static const double rp_p2a_mem[] = { 0.12, -0.84, -1.62, -2.05 };
static const double rp_p2b_mem[] = { 0.12, -0.82, -1.35, -1.60 };
static const double rp_p2b_lt[] = { 0.12, -0.85, -1.19, -1.73 };
static const double rp_p2b_cg[] = { -0.05, -1.65, -3.5, -6.0 };
static const double rp_pmom[] = { 1.46, 1.24, 0.98, 0.77 };
static const double rp_pnest[] = { 0.92, 0.51, 0.28, 0.06 };


#define RP_YTEST "log test loss (mean \xc2\xb1 std over runs)"
#define RP_YTRAIN "log training loss (mean \xc2\xb1 std over runs)"

static const struct rp_figure rp_figures[] = {
	{ "1a", "Fig. 1a: CGD Memformer, scalar steps",
	  "scalar+cgd Memformer vs scalar linear transformer vs CG; "
	  "non-isotropic data; test batch",
	  RP_YTEST, MS_DATA_PAPER, 4, 3, {
		{ .name = "scalar+cgd Memformer", .kind = RP_MODEL,
		  .param = MS_PARAM_SCALAR, .memory = MS_MEMORY_CGD,
		  .paper = rp_p1a_mem },
		{ .name = "scalar linear transformer", .kind = RP_MODEL,
		  .param = MS_PARAM_SCALAR, .memory = MS_MEMORY_NONE,
		  .paper = rp_p1a_lt },
		{ .name = "CG", .kind = RP_BASELINE, .method = BASELINE_CG,
		  .paper = rp_p1a_cg } },
	  "the paper's CG used 19 of the 20 context points (--quirks "
	  "does the same)" },
	{ "1b", "Fig. 1b: CGD Memformer, preconditioned",
	  "pre+cgd Memformer vs pre linear transformer vs CG; "
	  "non-isotropic data; test batch",
	  RP_YTEST, MS_DATA_PAPER, 4, 3, {
		{ .name = "pre+cgd Memformer", .kind = RP_MODEL,
		  .param = MS_PARAM_PRE, .memory = MS_MEMORY_CGD,
		  .paper = rp_p1b_mem },
		{ .name = "pre linear transformer", .kind = RP_MODEL,
		  .param = MS_PARAM_PRE, .memory = MS_MEMORY_NONE,
		  .paper = rp_p1b_lt },
		{ .name = "CG", .kind = RP_BASELINE, .method = BASELINE_CG,
		  .paper = rp_p1a_cg } },
	  "CG's paper values are Fig. 1a's (same data; 19 of the 20 points)" },
	{ "2a", "Fig. 2a: LFOM Memformer, non-isotropic data",
	  "pre+lfom Memformer vs pre linear transformer vs CG; "
	  "non-isotropic data; test batch",
	  RP_YTEST, MS_DATA_PAPER, 4, 3, {
		{ .name = "pre+lfom Memformer", .kind = RP_MODEL,
		  .param = MS_PARAM_PRE, .memory = MS_MEMORY_LFOM,
		  .paper = rp_p2a_mem },
		{ .name = "pre linear transformer", .kind = RP_MODEL,
		  .param = MS_PARAM_PRE, .memory = MS_MEMORY_NONE,
		  .paper = rp_p1b_lt },
		{ .name = "CG", .kind = RP_BASELINE, .method = BASELINE_CG,
		  .paper = rp_p1a_cg } },
	  "the linear transformer's paper values are Fig. 1b's; CG's are "
	  "Fig. 1a's (19 of the 20 points)" },
	{ "2b", "Fig. 2b: LFOM Memformer, isotropic data",
	  "pre+lfom Memformer vs pre linear transformer vs CG; "
	  "isotropic data; test batch",
	  RP_YTEST, MS_DATA_ISO, 4, 3, {
		{ .name = "pre+lfom Memformer", .kind = RP_MODEL,
		  .param = MS_PARAM_PRE, .memory = MS_MEMORY_LFOM,
		  .paper = rp_p2b_mem },
		{ .name = "pre linear transformer", .kind = RP_MODEL,
		  .param = MS_PARAM_PRE, .memory = MS_MEMORY_NONE,
		  .paper = rp_p2b_lt },
		{ .name = "CG", .kind = RP_BASELINE, .method = BASELINE_CG,
		  .paper = rp_p2b_cg } },
	  NULL },
	{ "3", "Fig. 3 (memscope's reading): deeper models",
	  "pre+lfom Memformer vs pre linear transformer vs CG at L = 1..6; "
	  "non-isotropic data; test batch",
	  RP_YTEST, MS_DATA_PAPER, 6, 3, {
		{ .name = "pre+lfom Memformer", .kind = RP_MODEL,
		  .param = MS_PARAM_PRE, .memory = MS_MEMORY_LFOM },
		{ .name = "pre linear transformer", .kind = RP_MODEL,
		  .param = MS_PARAM_PRE, .memory = MS_MEMORY_NONE },
		{ .name = "CG", .kind = RP_BASELINE, .method = BASELINE_CG } },
	  "The paper does not define Fig. 3; memscope takes it as Fig. 2a's "
	  "models trained deeper (L = 5, 6 added); no paper values" },
	{ "4", "Fig. 4: few training prompts (B = 1, 10)",
	  "pre+lfom Memformer trained on B = 1 or 10 prompts vs CG on those "
	  "prompts; non-isotropic data; training batch",
	  RP_YTRAIN, MS_DATA_PAPER, 4, 4, {
		{ .name = "pre+lfom Memformer B=1", .kind = RP_MODEL,
		  .param = MS_PARAM_PRE, .memory = MS_MEMORY_LFOM,
		  .batch = 1, .on_train = true },
		{ .name = "CG B=1", .kind = RP_BASELINE, .method = BASELINE_CG,
		  .batch = 1, .on_train = true },
		{ .name = "pre+lfom Memformer B=10", .kind = RP_MODEL,
		  .param = MS_PARAM_PRE, .memory = MS_MEMORY_LFOM,
		  .batch = 10, .on_train = true },
		{ .name = "CG B=10", .kind = RP_BASELINE, .method = BASELINE_CG,
		  .batch = 10, .on_train = true } },
	  "evaluated on the training prompts (doc/math.md \xc2\xa7" "5); no "
	  "paper values" },
	{ "5", "Fig. 5: attention heads",
	  "pre+lfom Memformer with 1, 2, 3 heads; non-isotropic data; "
	  "training batch and test batch",
	  "log loss (mean \xc2\xb1 std over runs)", MS_DATA_PAPER, 4, 6, {
		{ .name = "pre+lfom H=1 train", .kind = RP_MODEL,
		  .param = MS_PARAM_PRE, .memory = MS_MEMORY_LFOM,
		  .on_train = true },
		{ .name = "pre+lfom H=2 train", .kind = RP_MODEL,
		  .param = MS_PARAM_PRE, .memory = MS_MEMORY_LFOM,
		  .heads = 2, .on_train = true },
		{ .name = "pre+lfom H=3 train", .kind = RP_MODEL,
		  .param = MS_PARAM_PRE, .memory = MS_MEMORY_LFOM,
		  .heads = 3, .on_train = true },
		{ .name = "pre+lfom H=1 test", .kind = RP_MODEL,
		  .param = MS_PARAM_PRE, .memory = MS_MEMORY_LFOM },
		{ .name = "pre+lfom H=2 test", .kind = RP_MODEL,
		  .param = MS_PARAM_PRE, .memory = MS_MEMORY_LFOM,
		  .heads = 2 },
		{ .name = "pre+lfom H=3 test", .kind = RP_MODEL,
		  .param = MS_PARAM_PRE, .memory = MS_MEMORY_LFOM,
		  .heads = 3 } },
	  "heads are summed (doc/math.md \xc2\xa7" "2); one training gives both "
	  "the training-batch and the test-batch value; no paper values" },
	{ "momentum", "Appendix: Memformer vs heavy-ball momentum",
	  "momentum (eta 0.005, beta 0.9) vs pre+lfom Memformer; "
	  "non-isotropic data; test batch",
	  RP_YTEST, MS_DATA_PAPER, 4, 2, {
		{ .name = "momentum", .kind = RP_BASELINE,
		  .method = BASELINE_MOMENTUM, .paper = rp_pmom },
		{ .name = "pre+lfom Memformer", .kind = RP_MODEL,
		  .param = MS_PARAM_PRE, .memory = MS_MEMORY_LFOM } },
	  "momentum's step and coefficient are the paper's (doc/math.md "
	  "\xc2\xa7" "6)" },
	{ "nesterov", "Appendix: Memformer vs Nesterov",
	  "Nesterov (eta 0.03, beta 0.9) vs pre+lfom Memformer; "
	  "non-isotropic data; test batch",
	  RP_YTEST, MS_DATA_PAPER, 4, 2, {
		{ .name = "Nesterov", .kind = RP_BASELINE,
		  .method = BASELINE_NESTEROV, .paper = rp_pnest },
		{ .name = "pre+lfom Memformer", .kind = RP_MODEL,
		  .param = MS_PARAM_PRE, .memory = MS_MEMORY_LFOM } },
	  "Nesterov's step and coefficient are the paper's (doc/math.md "
	  "\xc2\xa7" "6)" },
};
#define RP_NFIGURES ((int)(sizeof rp_figures / sizeof rp_figures[0]))

/* Everything a job's result depends on; compared bytewise (zeroed first). */
struct rp_key {
	int kind;
	int param, memory, heads, layers;
	int data;
	int batch, test_batch, steps, resample;
	int on_train, quirks;
	double clip;
	uint64_t seed;
};

struct rp_job {
	struct rp_key key;
	double cost;		/* estimated work (time left, ordering) */
	int fig, line, depth, run;	/* the first figure line that needs it */
	/* results */
	double test_loss;	/* log mse of the last read-out, test batch */
	double train_loss;	/* the same on the training batch */
	double base[BASELINE_COUNT][RP_ITERS + 1];	/* log mse after k iterations */
	bool diverged;		/* trainer_diverged: why says how */
	bool failed;
	char err[200];
	char why[160];
};

/* One figure's values: val[(line * D + L-1) * K + run]. */
struct rp_result {
	int fig;
	int D, K;
	double *val;
	double *mean;		/* (nlines, D) over finite runs */
	double *std;		/* (nlines, D) sample std over finite runs */
	int *finite;		/* (nlines, D) finite runs */
	int *floored;		/* (nlines, D) runs at RP_MSE_FLOOR */
	int *diverged;		/* (nlines, D) trainings that diverged */
};

struct rp_plan {
	const struct reproduce_opts *o;
	int njobs, cap;
	struct rp_job *jobs;
	int *order;		/* job indices, longest first */
	int nfig;
	struct rp_result *res;	/* per selected figure */
	int **idx;		/* per selected figure: (nlines, D, K) job index */
	int trainings;
	double steps;
};

struct rp_progress {
	FILE *f;
	enum reproduce_progress mode;
	pthread_mutex_t mu;
	double t0;
	double total_cost, done_cost;
	int total_train, done_train;
	int next;		/* next position in plan->order */
	struct rp_plan *plan;
	int width;		/* of the last tty line */
};

/* Defaults: every figure, 5 runs, code protocol, no quirks, all cores. */
void
reproduce_defaults(struct reproduce_opts *o)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	memset(o, 0, sizeof *o);
	o->figures = (1UL << RP_NFIGURES) - 1;
	o->runs = 5;
	o->protocol = REPRODUCE_PROTOCOL_CODE;
	o->quirks = false;
	o->threads = ncpu < 1 ? 1 : ncpu > 64 ? 64 : (int)ncpu;
	o->seed = 1;
	o->outdir = "reproduce";
	o->progress = REPRODUCE_PROGRESS_NONE;
}

/* The number of figures. */
int
reproduce_figure_count(void)
{
	return RP_NFIGURES;
}

/* The i-th figure's name ("1a", ..., "nesterov"), or NULL. */
const char *
reproduce_figure_id(int i)
{
	return i >= 0 && i < RP_NFIGURES ? rp_figures[i].id : NULL;
}

/* Parse "all" or a comma-separated list of figure names into a mask. */
int
reproduce_parse_figures(const char *list, unsigned long *mask, char *err,
    size_t errlen)
{
	const char *p = list, *e;
	size_t len;
	int i;

	*mask = 0;
	for (;;) {
		e = strchr(p, ',');
		len = e != NULL ? (size_t)(e - p) : strlen(p);
		if (len == 3 && strncmp(p, "all", 3) == 0)
			*mask = (1UL << RP_NFIGURES) - 1;
		else {
			for (i = 0; i < RP_NFIGURES; i++)
				if (strlen(rp_figures[i].id) == len &&
				    strncmp(p, rp_figures[i].id, len) == 0)
					break;
			if (i == RP_NFIGURES) {
				snprintf(err, errlen, "--figure: unknown figure "
				    "'%.*s' (accepted: 1a, 1b, 2a, 2b, 3, 4, 5, "
				    "momentum, nesterov, all; or a comma-separated "
				    "list)", (int)len, p);
				return -1;
			}
			*mask |= 1UL << i;
		}
		if (e == NULL)
			break;
		p = e + 1;
	}
	return 0;
}

static double
rp_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int
rp_depths(const struct reproduce_opts *o, const struct rp_figure *f)
{
	return o->depths > 0 && o->depths < f->depths ? o->depths : f->depths;
}

/* The training configuration of a figure line at depth L, run r. */
static void
rp_config(const struct reproduce_opts *o, const struct rp_figure *f,
    const struct rp_line *ln, int L, int run, struct ms_config *cfg)
{
	config_defaults(cfg);
	cfg->data = f->data;
	cfg->layers = L;
	cfg->heads = ln->heads > 0 ? ln->heads : 1;
	cfg->param = ln->param;
	cfg->memory = ln->memory;
	cfg->steps = o->steps > 0 ? o->steps : RP_STEPS;
	cfg->batch = ln->batch > 0 ? ln->batch : o->batch > 0 ? o->batch :
	    RP_BATCH;
	cfg->test_batch = o->test_batch > 0 ? o->test_batch : RP_TEST_BATCH;
	cfg->lr = o->lr > 0 ? o->lr : 0.01;
	if (o->protocol == REPRODUCE_PROTOCOL_TEXT) {
		cfg->clip = RP_TEXT_CLIP;
		cfg->resample = RP_TEXT_RESAMPLE;
	} else {
		cfg->clip = 0;
		cfg->resample = 0;
	}
	cfg->seed = o->seed + (uint64_t)run;
	cfg->runs = 1;
	cfg->threads = 1;
	cfg->quirks = o->quirks;
}

/* The job key of a figure line at depth L, run r. */
static void
rp_key(const struct reproduce_opts *o, const struct rp_figure *f,
    const struct rp_line *ln, int L, int run, struct rp_key *k)
{
	struct ms_config cfg;

	rp_config(o, f, ln, L, run, &cfg);
	memset(k, 0, sizeof *k);
	k->kind = ln->kind;
	k->data = cfg.data;
	k->test_batch = cfg.test_batch;
	k->seed = cfg.seed;
	k->on_train = ln->on_train;
	if (ln->kind == RP_MODEL || ln->on_train) {
		/* the training batch matters: its size, and when redrawn */
		k->batch = cfg.batch;
		k->steps = cfg.steps;
		k->resample = cfg.resample;
	}
	if (ln->kind == RP_MODEL) {
		k->param = cfg.param;
		k->memory = cfg.memory;
		k->heads = cfg.heads;
		k->layers = cfg.layers;
		k->clip = cfg.clip;
		k->on_train = 0;	/* a model job evaluates both batches */
	} else
		k->quirks = cfg.quirks;
}

/* Estimated work of a job, in units of one step of one layer on one prompt. */
static double
rp_cost(const struct rp_key *k)
{
	double c;

	if (k->kind == RP_BASELINE)	/* tuning grids: ~100 passes of 6 iterations */
		return 40.0 * (k->on_train ? k->batch : k->test_batch);
	c = (double)k->steps * k->batch * k->layers;
	c *= 1.0 + 0.3 * (k->heads - 1);
	if (k->memory == MS_MEMORY_LFOM)
		c *= 1.0 + 0.1 * k->layers;
	if (k->param == MS_PARAM_GDPP || k->param == MS_PARAM_FULL)
		c *= 10.0;
	return c;
}

static int
rp_add_job(struct rp_plan *pl, const struct rp_key *k, int fig, int line,
    int L, int run)
{
	struct rp_job *j;

	for (int i = 0; i < pl->njobs; i++)
		if (memcmp(&pl->jobs[i].key, k, sizeof *k) == 0)
			return i;
	if (pl->njobs == pl->cap) {
		pl->cap = pl->cap ? 2 * pl->cap : 64;
		pl->jobs = xrealloc(pl->jobs, pl->cap * sizeof *pl->jobs);
	}
	j = &pl->jobs[pl->njobs];
	memset(j, 0, sizeof *j);
	j->key = *k;
	j->cost = rp_cost(k);
	j->fig = fig;
	j->line = line;
	j->depth = L;
	j->run = run;
	if (k->kind == RP_MODEL) {
		pl->trainings++;
		pl->steps += k->steps;
	}
	return pl->njobs++;
}

struct rp_order {
	double cost;
	int job;
};

/* Longest first; ties in plan order. */
static int
rp_cmp_order(const void *a, const void *b)
{
	const struct rp_order *x = a, *y = b;

	if (x->cost != y->cost)
		return x->cost > y->cost ? -1 : 1;
	return x->job - y->job;
}

/* Collect the jobs of every selected figure, merging identical ones. */
static void
rp_plan_build(struct rp_plan *pl, const struct reproduce_opts *o)
{
	struct rp_order *ord;
	struct rp_key k;
	int fi = 0;

	memset(pl, 0, sizeof *pl);
	pl->o = o;
	for (int f = 0; f < RP_NFIGURES; f++)
		if (o->figures & (1UL << f))
			pl->nfig++;
	pl->res = xcalloc(pl->nfig > 0 ? pl->nfig : 1, sizeof *pl->res);
	pl->idx = xcalloc(pl->nfig > 0 ? pl->nfig : 1, sizeof *pl->idx);
	for (int f = 0; f < RP_NFIGURES; f++) {
		const struct rp_figure *fg = &rp_figures[f];
		int D = rp_depths(o, fg), K = o->runs;

		if (!(o->figures & (1UL << f)))
			continue;
		pl->res[fi].fig = f;
		pl->res[fi].D = D;
		pl->res[fi].K = K;
		pl->idx[fi] = xmalloc((size_t)fg->nlines * D * K * sizeof(int));
		for (int l = 0; l < fg->nlines; l++)
			for (int L = 1; L <= D; L++)
				for (int r = 0; r < K; r++) {
					const struct rp_line *ln = &fg->lines[l];
					/* a baseline's value at every L comes
					 * from one job per run */
					rp_key(o, fg, ln, ln->kind == RP_MODEL ?
					    L : 1, r, &k);
					pl->idx[fi][(l * D + L - 1) * K + r] =
					    rp_add_job(pl, &k, f, l, L, r);
				}
		fi++;
	}
	ord = xmalloc((pl->njobs > 0 ? pl->njobs : 1) * sizeof *ord);
	for (int i = 0; i < pl->njobs; i++) {
		ord[i].cost = pl->jobs[i].cost;
		ord[i].job = i;
	}
	qsort(ord, pl->njobs, sizeof *ord, rp_cmp_order);
	pl->order = xmalloc((pl->njobs > 0 ? pl->njobs : 1) * sizeof(int));
	for (int i = 0; i < pl->njobs; i++)
		pl->order[i] = ord[i].job;
	free(ord);
}

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

/*
 * The natural log of a mean squared error. Errors below RP_MSE_FLOOR are
 * round-off (predictions agree with unit-scale labels to the last bits of a
 * double) and are reported as the floor, so an exact fit (mse 0, log -inf)
 * still averages; a non-finite error is NaN.
 */
static double
rp_log(double mse)
{
	if (!isfinite(mse))
		return NAN;
	return log(mse > RP_MSE_FLOOR ? mse : RP_MSE_FLOOR);
}

/* The job's configuration back from its key (a model or a baseline setup). */
static void
rp_job_config(const struct reproduce_opts *o, const struct rp_job *j,
    struct ms_config *cfg)
{
	const struct rp_figure *f = &rp_figures[j->fig];

	rp_config(o, f, &f->lines[j->line], j->key.kind == RP_MODEL ?
	    j->depth : 1, j->run, cfg);
	if (j->key.kind == RP_BASELINE) {
		/* the trainer only sets up U and the batches here */
		cfg->param = MS_PARAM_PRE;
		cfg->memory = MS_MEMORY_NONE;
		cfg->heads = 1;
		cfg->layers = 1;
	}
}

/* Train a model, or evaluate the baselines, for one job. */
static void
rp_job_run(const struct reproduce_opts *o, struct rp_job *j)
{
	struct ms_config cfg;
	struct trainer t;
	struct baseline_table tab;
	double mse[64];

	rp_job_config(o, j, &cfg);
	if (trainer_init(&t, &cfg, j->err, sizeof j->err) != 0) {
		j->failed = true;
		return;
	}
	if (j->key.kind == RP_MODEL) {
		for (int s = 0; s < cfg.steps; s++)
			if (trainer_step(&t) != 0)
				break;	/* the parameters are the last finite ones */
		j->diverged = trainer_diverged(&t, j->why, sizeof j->why);
		trainer_test(&t, mse);
		j->test_loss = rp_log(mse[cfg.layers - 1]);
		model_evaluate(&t.model, &t.train, t.pool, mse);
		j->train_loss = rp_log(mse[cfg.layers - 1]);
	} else {
		/* the training batch as it is after cfg.steps steps: the
		 * trainer redraws it before step s when s % resample == 0
		 * (a training that diverged stopped redrawing earlier) */
		if (j->key.on_train && cfg.resample > 0)
			for (int s = 1; s < cfg.steps; s++)
				if (s % cfg.resample == 0)
					task_batch_sample(&t.train, &t.dist,
					    &t.rng_train);
		baselines_evaluate(&cfg, &t.dist, j->key.on_train ? &t.train :
		    &t.test, RP_ITERS, &tab);
		for (int m = 0; m < BASELINE_COUNT; m++)
			for (int k = 0; k <= RP_ITERS; k++)
				j->base[m][k] = rp_log(tab.mse[m][k]);
		baseline_table_free(&tab);
	}
	trainer_free(&t);
}

static void
rp_fmt_duration(char *buf, size_t len, double s)
{
	if (!isfinite(s) || s < 0)
		snprintf(buf, len, "?");
	else if (s < 60)
		snprintf(buf, len, "%.0f s", s);
	else
		snprintf(buf, len, "%dm%02ds", (int)(s / 60), (int)fmod(s, 60));
}

/* The progress line for job j; caller holds the mutex. */
static void
rp_progress_show(struct rp_progress *pg, const struct rp_job *j, bool done)
{
	const struct rp_figure *f = &rp_figures[j->fig];
	double el = rp_now() - pg->t0, left;
	char eta[32], line[256];
	int n;

	if (pg->mode == REPRODUCE_PROGRESS_NONE || pg->f == NULL)
		return;
	if (j->key.kind != RP_MODEL && pg->mode == REPRODUCE_PROGRESS_LINES)
		return;
	if (pg->done_cost > 0) {
		left = el * (pg->total_cost - pg->done_cost) / pg->done_cost;
		rp_fmt_duration(eta, sizeof eta, left);
	} else
		snprintf(eta, sizeof eta, "estimating");
	if (j->key.kind == RP_MODEL)
		n = snprintf(line, sizeof line, "reproduce: %d/%d trainings; "
		    "fig %s %s L=%d run %d %s; %s left", pg->done_train,
		    pg->total_train, f->id, f->lines[j->line].name, j->depth,
		    j->run, done ? "done" : "training", eta);
	else
		n = snprintf(line, sizeof line, "reproduce: %d/%d trainings; "
		    "fig %s baselines run %d; %s left", pg->done_train,
		    pg->total_train, f->id, j->run, eta);
	if (n < 0)
		return;
	if (pg->mode == REPRODUCE_PROGRESS_TTY) {
		fprintf(pg->f, "\r%s\033[K", line);
		pg->width = n;
	} else
		fprintf(pg->f, "%s\n", line);
	fflush(pg->f);
}

/* A pool worker: take jobs in order until none are left. */
static void
rp_worker(void *ctx, int worker, int nworkers)
{
	struct rp_progress *pg = ctx;
	struct rp_plan *pl = pg->plan;
	struct rp_job *j;

	(void)worker;
	(void)nworkers;
	for (;;) {
		pthread_mutex_lock(&pg->mu);
		if (pg->next >= pl->njobs) {
			pthread_mutex_unlock(&pg->mu);
			return;
		}
		j = &pl->jobs[pl->order[pg->next++]];
		if (pg->mode == REPRODUCE_PROGRESS_TTY)
			rp_progress_show(pg, j, false);
		pthread_mutex_unlock(&pg->mu);

		rp_job_run(pl->o, j);

		pthread_mutex_lock(&pg->mu);
		pg->done_cost += j->cost;
		if (j->key.kind == RP_MODEL)
			pg->done_train++;
		rp_progress_show(pg, j, true);
		pthread_mutex_unlock(&pg->mu);
	}
}

/* Gather each figure's values from the jobs, and their statistics. */
static void
rp_collect(struct rp_plan *pl)
{
	for (int fi = 0; fi < pl->nfig; fi++) {
		struct rp_result *r = &pl->res[fi];
		const struct rp_figure *f = &rp_figures[r->fig];
		int D = r->D, K = r->K;

		r->val = xdoubles((size_t)f->nlines * D * K);
		r->mean = xdoubles((size_t)f->nlines * D);
		r->std = xdoubles((size_t)f->nlines * D);
		r->finite = xcalloc((size_t)f->nlines * D, sizeof(int));
		r->floored = xcalloc((size_t)f->nlines * D, sizeof(int));
		r->diverged = xcalloc((size_t)f->nlines * D, sizeof(int));
		for (int l = 0; l < f->nlines; l++) {
			const struct rp_line *ln = &f->lines[l];

			for (int L = 1; L <= D; L++) {
				int at = (l * D + L - 1) * K;

				for (int run = 0; run < K; run++) {
					const struct rp_job *j =
					    &pl->jobs[pl->idx[fi][at + run]];

					double v;

					if (ln->kind == RP_BASELINE)
						v = j->base[ln->method][L];
					else
						v = ln->on_train ?
						    j->train_loss : j->test_loss;
					r->val[at + run] = v;
					r->floored[l * D + L - 1] +=
					    v == log(RP_MSE_FLOOR);
					r->diverged[l * D + L - 1] +=
					    j->diverged;
				}
				r->finite[l * D + L - 1] =
				    stats_mean_std_finite(&r->val[at], K, 1,
				    &r->mean[l * D + L - 1],
				    &r->std[l * D + L - 1]);
			}
		}
	}
}

/* A number for CSV: shortest text that reads back to 9 significant digits. */
static void
rp_csv_num(FILE *f, double v)
{
	if (isnan(v))
		fputs("nan", f);
	else if (isinf(v))
		fputs(v > 0 ? "inf" : "-inf", f);
	else
		fprintf(f, "%.9g", v);
}

static int
rp_write_csv(FILE *f, const void *ctx)
{
	const struct rp_result *r = ctx;
	const struct rp_figure *fg = &rp_figures[r->fig];
	int D = r->D, K = r->K;

	fputs("figure,model,L,run,log_loss\n", f);
	for (int l = 0; l < fg->nlines; l++)
		for (int L = 1; L <= D; L++)
			for (int run = 0; run < K; run++) {
				fprintf(f, "%s,%s,%d,%d,", fg->id,
				    fg->lines[l].name, L, run);
				rp_csv_num(f, r->val[(l * D + L - 1) * K + run]);
				fputc('\n', f);
			}
	for (int l = 0; l < fg->nlines; l++)
		for (int L = 1; L <= D; L++) {
			fprintf(f, "%s,%s,%d,mean,", fg->id, fg->lines[l].name, L);
			rp_csv_num(f, r->mean[l * D + L - 1]);
			fprintf(f, "\n%s,%s,%d,std,", fg->id, fg->lines[l].name, L);
			/* empty: no spread (fewer than two finite runs) */
			if (!isnan(r->std[l * D + L - 1]))
				rp_csv_num(f, r->std[l * D + L - 1]);
			fputc('\n', f);
		}
	return ferror(f) ? -1 : 0;
}

/*
 * Where to cut the y axis: a baseline far below every model (CG exact after
 * d iterations, log ~ -60) would squash the models' lines into a sliver.
 * If the models' range is under 15% of the whole, the axis stops one nat
 * (or half the models' range) below the lowest model and the off-scale
 * points are listed in the note.
 */
static bool
rp_svg_clip(const struct rp_result *r, double *y_min, char *note, size_t len)
{
	const struct rp_figure *fg = &rp_figures[r->fig];
	double mlo = INFINITY, mhi = -INFINITY, lo = INFINITY, hi = -INFINITY;
	size_t used;
	int D = r->D;

	for (int l = 0; l < fg->nlines; l++)
		for (int i = 0; i < D; i++) {
			double m = r->mean[l * D + i], sd = r->std[l * D + i];

			if (!isfinite(m))
				continue;
			sd = isfinite(sd) ? sd : 0.0;
			lo = fmin(lo, m - sd);
			hi = fmax(hi, m + sd);
			if (fg->lines[l].kind == RP_MODEL) {
				mlo = fmin(mlo, m - sd);
				mhi = fmax(mhi, m + sd);
			}
		}
	if (!isfinite(mlo) || !(lo < mlo) || mhi - mlo >= 0.15 * (hi - lo))
		return false;
	*y_min = mlo - fmax(1.0, 0.5 * (mhi - mlo));
	used = (size_t)snprintf(note, len, "below the axis:");
	for (int l = 0; l < fg->nlines; l++)
		for (int i = 0; i < D; i++) {
			double m = r->mean[l * D + i];

			if (isfinite(m) && m < *y_min && used < len)
				used += (size_t)snprintf(note + used, len - used,
				    "\n%s L=%d: %.2f", fg->lines[l].name, i + 1,
				    m);
		}
	return true;
}

static int
rp_write_svg(FILE *f, const void *ctx)
{
	const struct rp_result *r = ctx;
	const struct rp_figure *fg = &rp_figures[r->fig];
	struct svg_series se[RP_MAX_LINES];
	struct svg_plot p;
	double x[RP_ITERS];
	char sub[256], note[512];
	int D = r->D;

	for (int L = 1; L <= D; L++)
		x[L - 1] = L;
	for (int l = 0; l < fg->nlines; l++) {
		se[l].name = fg->lines[l].name;
		se[l].n = D;
		se[l].x = x;
		se[l].y = &r->mean[l * D];
		se[l].band = &r->std[l * D];
		se[l].dashed = fg->lines[l].kind == RP_BASELINE;
	}
	snprintf(sub, sizeof sub, "%s; %d run%s; memscope", fg->what, r->K,
	    r->K == 1 ? "" : "s");
	memset(&p, 0, sizeof p);
	p.title = fg->title;
	p.subtitle = sub;
	p.xlabel = "layers L (iterations for CG, momentum, Nesterov)";
	p.ylabel = fg->ylabel;
	p.integer_x = true;
	p.clip_y = rp_svg_clip(r, &p.y_min, note, sizeof note);
	p.note = p.clip_y ? note : NULL;
	p.nseries = fg->nlines;
	p.series = se;
	return svg_write_plot(f, &p);
}

/* Create dir and its parents (mkdir -p). */
static int
rp_mkdirs(const char *dir, char *err, size_t errlen)
{
	char *p = xstrdup(dir), *s;

	for (s = p + 1; *s != '\0'; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) != 0 && errno != EEXIST)
			goto fail;
		*s = '/';
	}
	if (mkdir(p, 0777) != 0 && errno != EEXIST)
		goto fail;
	free(p);
	return 0;
fail:
	snprintf(err, errlen, "--out: cannot create directory %s: %s", p,
	    strerror(errno));
	free(p);
	return -1;
}

/* Write dir/name with writer, through the one writer (output.h). */
static int
rp_write_file(const char *dir, const char *name,
    int (*writer)(FILE *, const void *), const void *ctx, char *err,
    size_t errlen)
{
	size_t len = strlen(dir) + strlen(name) + 2;
	char *path = xmalloc(len);
	struct output af;
	int rc = -1;

	snprintf(path, len, "%s/%s", dir, name);
	if (output_open(&af, path, err, errlen) == 0) {
		if (writer(af.fp, ctx) != 0)
			output_fail_write(&af, err, errlen);
		else
			rc = output_commit(&af, err, errlen);
	}
	free(path);
	return rc;
}

static void
rp_signed(char *buf, size_t len, double v, int prec)
{
	if (!isfinite(v))
		snprintf(buf, len, "%s", isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
	else
		snprintf(buf, len, "%+.*f", prec, v);
}

/* The table of one figure: memscope's mean ± std beside the paper's value. */
static void
rp_print_table(FILE *out, const struct reproduce_opts *o,
    const struct rp_result *r, int *flagged)
{
	const struct rp_figure *f = &rp_figures[r->fig];
	int w = 5, D = r->D, any_flag = 0, any_floor = 0, unchecked = 0;
	char m[32], s[32], p[32], d[32];

	for (int l = 0; l < f->nlines; l++)
		if ((int)strlen(f->lines[l].name) > w)
			w = (int)strlen(f->lines[l].name);
	fprintf(out, "\nFigure %s: %s\n", f->id, f->what);
	if (r->K == 1)
		fprintf(out, "  natural log of the mean squared query error; one "
		    "run (seed %llu), so no spread; paper: doc/math.md \xc2\xa7" "7 "
		    "(read off the plots, \xc2\xb1" "0.05)\n",
		    (unsigned long long)o->seed);
	else
		fprintf(out, "  natural log of the mean squared query error; mean "
		    "\xc2\xb1 std over %d runs (seeds %llu..%llu); paper: "
		    "doc/math.md \xc2\xa7" "7 (read off the plots, \xc2\xb1" "0.05)\n",
		    r->K, (unsigned long long)o->seed,
		    (unsigned long long)(o->seed + r->K - 1));
	fprintf(out, "  %-*s  %2s  %17s  %7s  %7s\n", w, "model", "L",
	    "memscope", "paper", "diff");
	for (int l = 0; l < f->nlines; l++) {
		const struct rp_line *ln = &f->lines[l];

		for (int L = 1; L <= D; L++) {
			double mean = r->mean[l * D + L - 1];
			double sd = r->std[l * D + L - 1];
			int fin = r->finite[l * D + L - 1];
			bool flag = false;

			rp_signed(m, sizeof m, mean, 3);
			/* no spread from fewer than two finite runs */
			if (isnan(sd))
				snprintf(s, sizeof s, "-");
			else
				snprintf(s, sizeof s, "%.3f", sd);
			if (ln->paper != NULL && L <= RP_PAPER_DEPTHS) {
				double pv = ln->paper[L - 1];

				rp_signed(p, sizeof p, pv, 2);
				rp_signed(d, sizeof d, mean - pv, 2);
				/* beyond run-to-run spread and read-off error;
				 * without a spread, not checked */
				if (isnan(sd))
					unchecked++;
				else
					flag = !(fabs(mean - pv) <= 2 * sd + 0.05);
			} else {
				snprintf(p, sizeof p, "-");
				snprintf(d, sizeof d, "-");
			}
			any_flag |= flag;
			if (r->K == 1)	/* no "± 0.000" */
				fprintf(out, "  %-*s  %2d  %17s  %7s  %7s", w,
				    L == 1 ? ln->name : "", L, m, p, d);
			else
				fprintf(out, "  %-*s  %2d  %8s \xc2\xb1 %6s  %7s  "
				    "%7s%s", w, L == 1 ? ln->name : "", L, m, s,
				    p, d, flag ? " !" : "");
			if (fin < r->K)
				fprintf(out, "  (%d of %d runs non-finite)",
				    r->K - fin, r->K);
			if (r->floored[l * D + L - 1] > 0) {
				fprintf(out, "  (%d at the floor)",
				    r->floored[l * D + L - 1]);
				any_floor = 1;
			}
			if (r->diverged[l * D + L - 1] > 0)
				fprintf(out, "  (%d of %d trainings diverged)",
				    r->diverged[l * D + L - 1], r->K);
			fputc('\n', out);
		}
	}
	if (any_flag)
		fprintf(out, "  ! differs from the paper by more than 2 std + "
		    "0.05\n");
	if (unchecked > 0)
		fprintf(out, "  %d value%s not checked against the paper: 2 std + "
		    "0.05 needs a spread, which one run does not give (--runs 2 "
		    "or more)\n", unchecked, unchecked == 1 ? "" : "s");
	if (any_floor)
		fprintf(out, "  floor: errors below %.1e (double round-off) "
		    "count as %.1e, log %.1f\n", RP_MSE_FLOOR, RP_MSE_FLOOR,
		    log(RP_MSE_FLOOR));
	if (f->note != NULL)
		fprintf(out, "  note: %s\n", f->note);
	*flagged += any_flag;
}

/* The selected figure with this name, or NULL. */
static const struct rp_result *
rp_find_fig(const struct rp_plan *pl, const char *id)
{
	for (int i = 0; i < pl->nfig; i++)
		if (strcmp(rp_figures[pl->res[i].fig].id, id) == 0)
			return &pl->res[i];
	return NULL;
}

static int
rp_find_line(const struct rp_result *r, const char *name)
{
	const struct rp_figure *f = &rp_figures[r->fig];

	for (int l = 0; l < f->nlines; l++)
		if (strcmp(f->lines[l].name, name) == 0)
			return l;
	return -1;
}

static double
rp_mean(const struct rp_result *r, int line, int L)
{
	return r->mean[line * r->D + L - 1];
}

static double
rp_sd(const struct rp_result *r, int line, int L)
{
	return r->std[line * r->D + L - 1];
}

static void
rp_verdict(FILE *out, bool holds, const char *claim)
{
	fprintf(out, "\n[%s] %s\n", holds ? "holds" : "does not hold", claim);
}

/* "on non-isotropic data the learned pre Memformers beat CG at every L" */
static void
rp_claim_beat_cg(FILE *out, const struct rp_plan *pl)
{
	static const char *figs[] = { "1b", "2a" };
	static const char *mems[] = { "pre+cgd Memformer", "pre+lfom Memformer" };
	bool holds = true;
	int checked = 0;

	for (int i = 0; i < 2; i++) {
		const struct rp_result *r = rp_find_fig(pl, figs[i]);

		if (r == NULL)
			continue;
		for (int L = 1; L <= r->D; L++)
			if (!(rp_mean(r, rp_find_line(r, mems[i]), L) <
			    rp_mean(r, rp_find_line(r, "CG"), L)))
				holds = false;
		checked++;
	}
	if (checked == 0)
		return;
	rp_verdict(out, holds, "On non-isotropic data the learned pre "
	    "Memformers beat CG at every L (Fig. 1b, 2a).");
	for (int i = 0; i < 2; i++) {
		const struct rp_result *r = rp_find_fig(pl, figs[i]);
		int a, c;

		if (r == NULL) {
			fprintf(out, "  Fig. %s not run\n", figs[i]);
			continue;
		}
		a = rp_find_line(r, mems[i]);
		c = rp_find_line(r, "CG");
		fprintf(out, "  Fig. %s, %s vs CG:", figs[i], mems[i]);
		for (int L = 1; L <= r->D; L++)
			fprintf(out, "  L=%d %.2f %s %.2f", L, rp_mean(r, a, L),
			    rp_mean(r, a, L) < rp_mean(r, c, L) ? "<" : ">=",
			    rp_mean(r, c, L));
		fputc('\n', out);
	}
	if (pl->o->quirks)
		fprintf(out, "  (CG on the first n - 1 context points, as the "
		    "authors' code)\n");
	else
		fprintf(out, "  (CG on all n context points; the authors' code "
		    "dropped the last: --quirks)\n");
}

#define RP_FAR 1.0		/* "by far": more than one nat (a factor e) */
#define RP_LITTLE 0.3		/* "adds little": within 0.3 nats at every L */

/* "on isotropic data CG wins by far and memory adds little" */
static void
rp_claim_iso(FILE *out, const struct rp_plan *pl)
{
	const struct rp_result *r = rp_find_fig(pl, "2b");
	const struct rp_result *a = rp_find_fig(pl, "2a");
	int mem, lt, cg, D;
	bool wins = true, little = true;
	double gap_deep, maxdiff = 0;

	if (r == NULL)
		return;
	mem = rp_find_line(r, "pre+lfom Memformer");
	lt = rp_find_line(r, "pre linear transformer");
	cg = rp_find_line(r, "CG");
	D = r->D;
	for (int L = 1; L <= D; L++) {
		double best = fmin(rp_mean(r, mem, L), rp_mean(r, lt, L));
		double diff = fabs(rp_mean(r, mem, L) - rp_mean(r, lt, L));

		if (!(rp_mean(r, cg, L) < best))
			wins = false;
		if (!(diff <= RP_LITTLE))
			little = false;
		maxdiff = isfinite(diff) ? fmax(maxdiff, diff) : INFINITY;
	}
	gap_deep = fmin(rp_mean(r, mem, D), rp_mean(r, lt, D)) -
	    rp_mean(r, cg, D);
	if (!(gap_deep > RP_FAR))
		wins = false;
	rp_verdict(out, wins && little, "On isotropic data CG wins by far and "
	    "memory adds little (Fig. 2b).");
	fprintf(out, "  CG below both models at every L and by more than %.1f "
	    "at L=%d: %s", RP_FAR, D, wins ? "yes" : "no");
	fprintf(out, " (L=%d: CG %.2f, Memformer %.2f, linear transformer "
	    "%.2f; gap %.2f)\n", D, rp_mean(r, cg, D), rp_mean(r, mem, D),
	    rp_mean(r, lt, D), gap_deep);
	fprintf(out, "  |Memformer - linear transformer| <= %.1f at every L: "
	    "%s (largest %.2f;", RP_LITTLE, little ? "yes" : "no", maxdiff);
	for (int L = 1; L <= D; L++)
		fprintf(out, " L=%d %+.2f", L, rp_mean(r, mem, L) -
		    rp_mean(r, lt, L));
	fputc(')', out);
	if (a != NULL) {
		int am = rp_find_line(a, "pre+lfom Memformer");
		int al = rp_find_line(a, "pre linear transformer");

		fprintf(out, "\n  for comparison, memory's effect on "
		    "non-isotropic data (Fig. 2a) at L=%d: %+.2f", a->D,
		    rp_mean(a, am, a->D) - rp_mean(a, al, a->D));
	}
	fputc('\n', out);
}

/* "more heads help on test data" */
static void
rp_claim_heads(FILE *out, const struct rp_plan *pl)
{
	const struct rp_result *r = rp_find_fig(pl, "5");
	static const char *names[] = { "pre+lfom H=1 test", "pre+lfom H=2 test",
	    "pre+lfom H=3 test" };
	int ln[3];
	bool holds = true, beyond = true, spread = true;

	if (r == NULL)
		return;
	for (int h = 0; h < 3; h++)
		ln[h] = rp_find_line(r, names[h]);
	for (int L = 1; L <= r->D; L++)
		for (int h = 1; h < 3; h++) {
			double gain = rp_mean(r, ln[0], L) - rp_mean(r, ln[h], L);

			if (!(gain > 0))
				holds = false;
			if (isnan(rp_sd(r, ln[0], L)) || isnan(rp_sd(r, ln[h], L)))
				spread = false;
			if (!(gain > rp_sd(r, ln[0], L) + rp_sd(r, ln[h], L)))
				beyond = false;
		}
	rp_verdict(out, holds, "More heads help on test data (Fig. 5): 2 and "
	    "3 heads below 1 head at every L.");
	for (int h = 0; h < 3; h++) {
		fprintf(out, "  H=%d test:", h + 1);
		for (int L = 1; L <= r->D; L++)
			if (isnan(rp_sd(r, ln[h], L)))
				fprintf(out, "  L=%d %.3f", L,
				    rp_mean(r, ln[h], L));
			else
				fprintf(out, "  L=%d %.3f \xc2\xb1 %.3f", L,
				    rp_mean(r, ln[h], L), rp_sd(r, ln[h], L));
		fputc('\n', out);
	}
	if (!spread)
		fprintf(out, "  every gap larger than the two runs' std added: "
		    "not checkable (one run gives no spread; --runs 2 or "
		    "more)\n");
	else
		fprintf(out, "  every gap larger than the two runs' std added: "
		    "%s\n", beyond ? "yes" : "no");
}

/* "with B = 1 or 10 the Memformer fits its training prompts far below CG" */
static void
rp_claim_fit(FILE *out, const struct rp_plan *pl)
{
	const struct rp_result *r = rp_find_fig(pl, "4");
	static const char *mems[] = { "pre+lfom Memformer B=1",
	    "pre+lfom Memformer B=10" };
	static const char *cgs[] = { "CG B=1", "CG B=10" };
	bool holds = true;

	if (r == NULL)
		return;
	for (int b = 0; b < 2; b++)
		for (int L = 1; L <= r->D; L++)
			if (!(rp_mean(r, rp_find_line(r, mems[b]), L) <
			    rp_mean(r, rp_find_line(r, cgs[b]), L) - RP_FAR))
				holds = false;
	rp_verdict(out, holds, "With B = 1 or 10 the Memformer fits its "
	    "training prompts far below CG (Fig. 4).");
	fprintf(out, "  far below: more than %.1f lower at every L\n", RP_FAR);
	for (int b = 0; b < 2; b++) {
		int m = rp_find_line(r, mems[b]), c = rp_find_line(r, cgs[b]);

		fprintf(out, "  %s vs CG:", b == 0 ? "B=1" : "B=10");
		for (int L = 1; L <= r->D; L++)
			fprintf(out, "  L=%d %.2f vs %.2f", L, rp_mean(r, m, L),
			    rp_mean(r, c, L));
		fputc('\n', out);
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
		if (pl->jobs[i].key.kind == RP_MODEL && pl->jobs[i].diverged) {
			if (first == NULL)
				first = &pl->jobs[i];
			diverged++;
		}
	for (int fi = 0; fi < pl->nfig; fi++) {
		const struct rp_result *r = &pl->res[fi];
		int n = rp_figures[r->fig].nlines * r->D * r->K;

		for (int i = 0; i < n; i++)
			bad += !isfinite(r->val[i]);
		values += n;
	}
	if (diverged == 0 && bad == 0)
		return 0;
	used = 0;
	err[0] = '\0';
	if (diverged > 0)
		used += (size_t)snprintf(err, errlen, "%d of %d "
		    "trainings diverged, e.g. fig %s %s L=%d run %d: %s",
		    diverged, pl->trainings, rp_figures[first->fig].id,
		    rp_figures[first->fig].lines[first->line].name,
		    first->depth, first->run, first->why);
	if (bad > 0 && used < errlen)
		used += (size_t)snprintf(err + used, errlen - used, "%s%d of %d "
		    "values are not finite", diverged > 0 ? "; " : "", bad,
		    values);
	if (used < errlen)
		snprintf(err + used, errlen - used, "; the tables mark them");
	return -1;
}

/* Run the experiments of o; see reproduce.h. */
int
reproduce_run(const struct reproduce_opts *o, FILE *out, FILE *progress,
    char *err, size_t errlen)
{
	struct rp_plan pl;
	struct rp_progress pg;
	struct ms_config base;
	struct pool *pool;
	char name[64];
	int rc = -1, flagged = 0, nthreads;
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
	if (rp_mkdirs(o->outdir, err, errlen) != 0)
		return -2;
	rp_plan_build(&pl, o);

	memset(&pg, 0, sizeof pg);
	pthread_mutex_init(&pg.mu, NULL);
	pg.f = progress;
	pg.mode = progress != NULL ? o->progress : REPRODUCE_PROGRESS_NONE;
	pg.plan = &pl;
	pg.total_train = pl.trainings;
	for (int i = 0; i < pl.njobs; i++)
		pg.total_cost += pl.jobs[i].cost;
	pg.t0 = rp_now();
	nthreads = o->threads < 1 ? 1 : o->threads;
	if (nthreads > pl.njobs)
		nthreads = pl.njobs > 0 ? pl.njobs : 1;
	pool = pool_create(nthreads);
	pool_run(pool, rp_worker, &pg);
	pool_free(pool);
	if (pg.mode == REPRODUCE_PROGRESS_TTY && pg.width > 0) {
		fputs("\r\033[K", pg.f);	/* the line has done its job */
		fflush(pg.f);
	}
	pthread_mutex_destroy(&pg.mu);

	for (int i = 0; i < pl.njobs; i++)
		if (pl.jobs[i].failed) {
			snprintf(err, errlen, "%s", pl.jobs[i].err);
			goto done;
		}
	rp_collect(&pl);

	/* files and tables in the C locale, whatever the program's */
	c_loc = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	if (c_loc != (locale_t)0)
		old = uselocale(c_loc);
	for (int fi = 0; fi < pl.nfig; fi++) {
		const char *id = rp_figures[pl.res[fi].fig].id;

		snprintf(name, sizeof name, "fig%s.csv", id);
		if (rp_write_file(o->outdir, name, rp_write_csv, &pl.res[fi],
		    err, errlen) != 0)
			goto restore;
		snprintf(name, sizeof name, "fig%s.svg", id);
		if (rp_write_file(o->outdir, name, rp_write_svg, &pl.res[fi],
		    err, errlen) != 0)
			goto restore;
	}
	config_defaults(&base);
	fprintf(out, "memscope reproduce: %s protocol (%s), %d run%s per "
	    "curve, one model per depth and run; baselines on %s%d context "
	    "points\n", o->protocol == REPRODUCE_PROTOCOL_CODE ? "code" :
	    "text", o->protocol == REPRODUCE_PROTOCOL_CODE ?
	    "Adam lr 0.01, no clipping, one fixed batch" :
	    "Adam lr 0.01, clip 0.01, batch redrawn every 100 steps",
	    o->runs, o->runs == 1 ? "" : "s", o->quirks ?
	    "the first n - 1 of the " : "all ", base.context);
	if (o->steps > 0 || o->batch > 0 || o->test_batch > 0 || o->depths > 0) {
		fprintf(out, "  overridden for a quick look: steps %d, batch %d, "
		    "test batch %d, ", o->steps > 0 ? o->steps : RP_STEPS,
		    o->batch > 0 ? o->batch : RP_BATCH,
		    o->test_batch > 0 ? o->test_batch : RP_TEST_BATCH);
		if (o->depths > 0)
			fprintf(out, "depths up to %d", o->depths);
		else
			fprintf(out, "depths as the figures'");
		fprintf(out, "; not comparable with the paper\n");
	}
	for (int fi = 0; fi < pl.nfig; fi++)
		rp_print_table(out, o, &pl.res[fi], &flagged);
	fprintf(out, "\nClaims of the paper (doc/math.md \xc2\xa7" "7), checked "
	    "on the means above\n");
	rp_claim_beat_cg(out, &pl);
	rp_claim_iso(out, &pl);
	rp_claim_heads(out, &pl);
	rp_claim_fit(out, &pl);
	if (!rp_find_fig(&pl, "1b") && !rp_find_fig(&pl, "2a") &&
	    !rp_find_fig(&pl, "2b") && !rp_find_fig(&pl, "4") &&
	    !rp_find_fig(&pl, "5"))
		fprintf(out, "  (none of the figures the claims rest on "
		    "was run)\n");
	fflush(out);
	rc = rp_failures(&pl, err, errlen);
	if (pg.mode != REPRODUCE_PROGRESS_NONE) {
		fprintf(pg.f, "memscope reproduce: %d trainings (%.0f steps) in "
		    "%.1f s on %d thread%s; files in %s/\n", pl.trainings,
		    pl.steps, rp_now() - pg.t0, nthreads, nthreads == 1 ? "" :
		    "s", o->outdir);
		fflush(pg.f);
	}
restore:
	if (c_loc != (locale_t)0) {
		uselocale(old);
		freelocale(c_loc);
	}
done:
	rp_plan_free(&pl);
	return rc;
}
