/*
 * The paper's figures (figures.h): the catalogue and the paper's values.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "memscope/experts.h"
#include "memscope/figures.h"
#include "memscope/theory.h"
#include "memscope/trainer.h"

/* doc/math.md §7, read off the authors' plots (about ±0.05). */
static const double paper_1a_cg[] = { 0.73, 0.20, -0.53, -1.48 };
static const double paper_1a_mem[] = { 0.81, 0.48, 0.19, -0.14 };
static const double paper_1a_lt[] = { 0.81, 0.48, 0.22, -0.01 };
static const double paper_1b_mem[] = { 0.12, -0.90, -1.58, -1.97 };
static const double paper_1b_lt[] = { 0.25, -0.30, -0.71, -1.08 };
static const double paper_2a_mem[] = { 0.12, -0.84, -1.62, -2.05 };
static const double paper_2b_mem[] = { 0.12, -0.82, -1.35, -1.60 };
static const double paper_2b_lt[] = { 0.12, -0.85, -1.19, -1.73 };
static const double paper_2b_cg[] = { -0.05, -1.65, -3.5, -6.0 };
static const double paper_mom[] = { 1.46, 1.24, 0.98, 0.77 };
static const double paper_nest[] = { 0.92, 0.51, 0.28, 0.06 };

/* Section 1 of the later paper (doc/math.md §11), as the issue gives them:
 * the authors' learned LFOM on iso data, 19-point gradient, tested fresh;
 * the same on few prompts, scored on them. */
static const double paper_direct[] = { 0.20, -0.06, -0.50, -0.80 };
static const double paper_direct_b10[] = { -1.53, -3.52, -23.2, -26.5 };
static const double paper_direct_b100[] = { -0.21, -0.42, -1.02, -1.03 };

/* The authors' learned LFOM: Adam lr 1e-3, one batch of 1000, the
 * gradient over the first n - 1 points, tested on 5000 fresh prompts. */
static void
setup_direct(struct ms_config *cfg)
{
	cfg->param = MS_PARAM_DIRECT;
	cfg->memory = MS_MEMORY_NONE;
	cfg->heads = 1;
	cfg->lr = 1e-3;
	cfg->quirks = true;
	cfg->test_batch = 5000;
}

/* Its general form, one coefficient vector per pair of steps. */
static void
setup_direct_pairs(struct ms_config *cfg)
{
	setup_direct(cfg);
	cfg->param = MS_PARAM_DIRECT_PAIRS;
}

/* The baselines beside it see the same 19 points. */
static void
setup_quirks(struct ms_config *cfg)
{
	cfg->quirks = true;
}

/* Few prompts: lr 1e-2, 1000 steps (B = 10). */
static void
setup_direct_few(struct ms_config *cfg)
{
	setup_direct(cfg);
	cfg->lr = 1e-2;
	cfg->test_batch = FIGURES_TEST_BATCH;
}

/* B = 100: 5000 steps. */
static void
setup_direct_few_long(struct ms_config *cfg)
{
	setup_direct_few(cfg);
	cfg->steps = 5 * FIGURES_STEPS;
}

/* The Monte Carlo values of the shared form's ceiling (19 points). */
static const double paper_direct_ceiling[] = { 0.180, -0.085, -0.554, -0.845 };
/* ... and of GD with the best step at each iteration. */
static const double paper_direct_gd[] = { 0.182, -0.942, -1.899, -2.776 };
/* The best a_l Σ⁻¹ schedule at n = 20 (the Monte Carlo). */
static const double paper_schedule[] = { 0.142, -1.023, -2.029, -2.947 };

/* The gradient points of a line: n, or n - 1 under the quirks. */
static int
figures_points(const struct ms_config *cfg)
{
	return cfg->quirks && cfg->context > 1 ? cfg->context - 1 :
	    cfg->context;
}

/* Theory: the best schedule A_l = a_l Σ⁻¹ of cfg's depth, on its points
 * (doc/math.md §8); on iso data, GD with the best step at each iteration. */
static double
theory_schedule_line(const struct ms_config *cfg)
{
	struct theory_lines th;
	struct ms_config c = *cfg;

	c.context = figures_points(cfg);
	if (theory_lines_config(&c, &th, NULL, 0) != 0)
		return NAN;
	return theory_lines_log(&th, 1, c.layers);
}

/* Theory: the best schedule bounding the models of Figs. 1b, 2a, 2b,
 * which use all n points whatever --quirks does to the baselines. */
static double
theory_schedule_models(const struct ms_config *cfg)
{
	struct ms_config c = *cfg;

	c.quirks = false;
	return theory_schedule_line(&c);
}

/* Theory: the best the authors' shared-coefficient LFOM can reach after
 * K = cfg->layers steps (doc/math.md §11; isotropic data). */
static double
theory_shared_line(const struct ms_config *cfg)
{
	return log(theory_shared_lfom(cfg->dim, figures_points(cfg),
	    cfg->layers, NULL));
}

/* Section 2: a mixture of experts tuned at test time, the authors'
 * values (scored on the batch they tuned on), L = 1..4. */
static const double paper_shift_05[] = { -0.86, -1.54, -1.49, -1.80 };
static const double paper_shift_15[] = { 1.12, -0.40, -0.88, -1.58 };
static const double paper_shift_25[] = { 2.14, 0.62, 0.09, -1.04 };

/* An expert: one-head gdpp, 500 Adam steps on one batch at variance s. */
static void
setup_expert(struct ms_config *cfg, double s)
{
	cfg->param = MS_PARAM_GDPP;
	cfg->memory = MS_MEMORY_NONE;
	cfg->heads = 1;
	cfg->steps = 500;
	cfg->scale = s;
}

/* The mixture scored at variance s: three heads, gated, attention frozen,
 * 500 Adam steps on the gates. */
static void
setup_gated(struct ms_config *cfg, double s)
{
	setup_expert(cfg, s);
	cfg->heads = 3;
	cfg->gates = true;
	cfg->freeze = MS_FREEZE_ATTENTION;
}

#define FIGURES_SCALED(name, fn, s) \
	static void name(struct ms_config *cfg) { fn(cfg, s); }
FIGURES_SCALED(setup_expert_1, setup_expert, 1.0)
FIGURES_SCALED(setup_expert_2, setup_expert, 2.0)
FIGURES_SCALED(setup_expert_3, setup_expert, 3.0)
FIGURES_SCALED(setup_gated_05, setup_gated, 0.5)
FIGURES_SCALED(setup_gated_15, setup_gated, 1.5)
FIGURES_SCALED(setup_gated_25, setup_gated, 2.5)

static const struct figure_line expert_1 = { .name = "expert s=1",
    .kind = FIGURE_MODEL, .setup = setup_expert_1 };
static const struct figure_line expert_2 = { .name = "expert s=2",
    .kind = FIGURE_MODEL, .setup = setup_expert_2 };
static const struct figure_line expert_3 = { .name = "expert s=3",
    .kind = FIGURE_MODEL, .setup = setup_expert_3 };

/* The experts become the heads of the gated model; only the gates train,
 * on a batch of the shifted data (experts.h): ln mse on a fresh batch and
 * on the tuning batch. */
static int
tune_experts(const struct model *const *parents, int np,
    const struct ms_config *cfg, double *test, double *train, char *err,
    size_t errlen)
{
	struct experts_opts eo;
	struct experts_result res;
	struct trainer t;

	experts_opts_defaults(&eo);
	eo.scale = cfg->scale;
	eo.mean = cfg->mean;
	eo.steps = cfg->steps;
	eo.lr = cfg->lr;
	eo.batch = cfg->batch;
	eo.score_batch = cfg->test_batch;
	if (experts_tune(parents, np, &eo, &t, &res, err, errlen) != 0)
		return -1;
	*test = res.fresh[cfg->layers - 1];
	*train = res.tuned[cfg->layers - 1];
	experts_result_free(&res);
	trainer_free(&t);
	return 0;
}

/* Theory: the least expected error of any one-layer model on cfg's data,
 * s^2 d(d+1)/(n+d+1) (doc/math.md §8.2); only at L = 1. */
static double
theory_one_layer_line(const struct ms_config *cfg)
{
	double d = cfg->dim, n = cfg->context;

	if (cfg->layers != 1 || cfg->mean != 0)
		return NAN;
	return log(cfg->scale * cfg->scale * d * (d + 1) / (n + d + 1));
}

#define FIGURES_GATED(s, fn, ref, norm) \
	{ .name = "gated s=" s " fresh", .kind = FIGURE_MODEL, \
	  .setup = fn, .parents = { &expert_1, &expert_2, &expert_3 }, \
	  .from_parents = tune_experts, .normalised = norm }, \
	{ .name = "gated s=" s " tuned on", .kind = FIGURE_MODEL, \
	  .setup = fn, .parents = { &expert_1, &expert_2, &expert_3 }, \
	  .from_parents = tune_experts, .on_train = true, \
	  .paper = ref, .normalised = norm }

/* Section 3, the later paper's Fig. 3 (the authors' corrected notebooks,
 * read off their plots; fresh test prompts), as they label the curves. */
static const double paper_3a_off[] = { 0.45, -0.60, -1.60, -2.57 };
static const double paper_3a_on[] = { 0.45, -0.62, -1.45, -2.13 };
static const double paper_3b_off[] = { 0.30, -1.95, -4.22, -4.83 };
static const double paper_3b_on[] = { 0.30, -1.90, -3.93, -4.38 };

/* Phase 1: GD++ with memory off, clip 0.01, the batch redrawn every 100
 * steps, 1000 steps of AdamW with the notebooks' betas (0.99, 0.9). */
static void
setup_fig3_off(struct ms_config *cfg)
{
	cfg->param = MS_PARAM_GDPP;
	cfg->memory = MS_MEMORY_NONE;
	cfg->heads = 1;
	cfg->clip = FIGURES_TEXT_CLIP;
	cfg->resample = FIGURES_TEXT_RESAMPLE;
	cfg->adam_beta1 = 0.99;
	cfg->adam_beta2 = 0.9;
}

/* Phase 2: the recursive element-wise memory added, attention frozen,
 * 1000 full-batch steps of Adam (0.9, 0.999) on one batch that phase 1
 * never saw. */
static void
setup_fig3_on(struct ms_config *cfg)
{
	setup_fig3_off(cfg);
	cfg->memory = MS_MEMORY_REC;
	cfg->freeze = MS_FREEZE_ATTENTION;
	cfg->clip = 0;
	cfg->resample = 0;
	cfg->adam_beta1 = 0.9;
	cfg->adam_beta2 = 0.999;
}

static const struct figure_line fig3_phase1 = { .name = "GD++ memory off",
    .kind = FIGURE_MODEL, .setup = setup_fig3_off };

#define FIGURES_FIG3(off, on) \
	{ .name = "memory off, its batch", .kind = FIGURE_MODEL, \
	  .setup = setup_fig3_on, .parents = { &fig3_phase1 }, \
	  .at_start = true, .on_train = true }, \
	{ .name = "memory off, fresh", .kind = FIGURE_MODEL, \
	  .setup = setup_fig3_on, .parents = { &fig3_phase1 }, \
	  .at_start = true, .paper = off }, \
	{ .name = "rec memory, its batch", .kind = FIGURE_MODEL, \
	  .setup = setup_fig3_on, .parents = { &fig3_phase1 }, \
	  .on_train = true }, \
	{ .name = "rec memory, fresh", .kind = FIGURE_MODEL, \
	  .setup = setup_fig3_on, .parents = { &fig3_phase1 }, .paper = on }

#define FIGURES_FIG3_NOTE \
	"phase 1 trains GD++ (gdpp) with memory off, clip 0.01, the batch " \
	"redrawn every 100 steps, AdamW betas 0.99, 0.9; phase 2 adds the " \
	"recursive memory (rec), freezes the attention and trains the " \
	"memory 1000 steps of Adam on one new batch; both are scored on " \
	"that batch ('its batch') and on fresh prompts (memory off: as " \
	"phase 2 starts, which is the phase-1 model); the paper column " \
	"holds the authors' memory-off and memory-on arrays (their plot's " \
	"legend swaps the two: README)"
#define FIGURES_FIG3_REF \
	"reference: the authors' corrected notebooks, fresh prompts " \
	"(doc/math.md \xc2\xa7" "4.4)"

/* The lines several figures share: the same trainings (the plan merges
 * them) and the same baseline and theory line; a figure adds its paper
 * values. */
#define FIGURES_PRE_LFOM(...) \
	{ .name = "pre+lfom Memformer", .kind = FIGURE_MODEL, \
	  .param = MS_PARAM_PRE, .memory = MS_MEMORY_LFOM, __VA_ARGS__ }
#define FIGURES_PRE_LT(...) \
	{ .name = "pre linear transformer", .kind = FIGURE_MODEL, \
	  .param = MS_PARAM_PRE, .memory = MS_MEMORY_NONE, __VA_ARGS__ }
#define FIGURES_CG(...) \
	{ .name = "CG", .kind = FIGURE_BASELINE, .method = BASELINE_CG, \
	  __VA_ARGS__ }
#define FIGURES_SCHEDULE \
	{ .name = "best a_l*inv(Sigma) schedule", .kind = FIGURE_THEORY, \
	  .theory = theory_schedule_models, .paper = paper_schedule }

#define FIGURES_YTEST "log test loss (mean \xc2\xb1 std over runs)"
#define FIGURES_YTRAIN "log training loss (mean \xc2\xb1 std over runs)"

static const struct figure figures[] = {
	{ "1a", "Fig. 1a: CGD Memformer, scalar steps",
	  "scalar+cgd Memformer vs scalar linear transformer vs CG; "
	  "non-isotropic data; test batch",
	  FIGURES_YTEST, MS_DATA_PAPER, 4, 3, {
		{ .name = "scalar+cgd Memformer", .kind = FIGURE_MODEL,
		  .param = MS_PARAM_SCALAR, .memory = MS_MEMORY_CGD,
		  .paper = paper_1a_mem },
		{ .name = "scalar linear transformer", .kind = FIGURE_MODEL,
		  .param = MS_PARAM_SCALAR, .memory = MS_MEMORY_NONE,
		  .paper = paper_1a_lt },
		FIGURES_CG(.paper = paper_1a_cg) },
	  "the paper's CG used 19 of the 20 context points (--quirks "
	  "does the same)", NULL },
	{ "1b", "Fig. 1b: CGD Memformer, preconditioned",
	  "pre+cgd Memformer vs pre linear transformer vs CG; "
	  "non-isotropic data; test batch",
	  FIGURES_YTEST, MS_DATA_PAPER, 4, 4, {
		{ .name = "pre+cgd Memformer", .kind = FIGURE_MODEL,
		  .param = MS_PARAM_PRE, .memory = MS_MEMORY_CGD,
		  .paper = paper_1b_mem },
		FIGURES_PRE_LT(.paper = paper_1b_lt),
		FIGURES_CG(.paper = paper_1a_cg),
		FIGURES_SCHEDULE },
	  "CG's paper values are Fig. 1a's (same data; 19 of the 20 points); "
	  "the schedule is computed (doc/math.md \xc2\xa7" "8), its reference "
	  "values a Monte Carlo estimate, not the paper's", NULL },
	{ "2a", "Fig. 2a: LFOM Memformer, non-isotropic data",
	  "pre+lfom Memformer vs pre linear transformer vs CG; "
	  "non-isotropic data; test batch",
	  FIGURES_YTEST, MS_DATA_PAPER, 4, 4, {
		FIGURES_PRE_LFOM(.paper = paper_2a_mem),
		FIGURES_PRE_LT(.paper = paper_1b_lt),
		FIGURES_CG(.paper = paper_1a_cg),
		FIGURES_SCHEDULE },
	  "the linear transformer's paper values are Fig. 1b's; CG's are "
	  "Fig. 1a's (19 of the 20 points); the schedule as in Fig. 1b", NULL },
	{ "2b", "Fig. 2b: LFOM Memformer, isotropic data",
	  "pre+lfom Memformer vs pre linear transformer vs CG; "
	  "isotropic data; test batch",
	  FIGURES_YTEST, MS_DATA_ISO, 4, 4, {
		FIGURES_PRE_LFOM(.paper = paper_2b_mem),
		FIGURES_PRE_LT(.paper = paper_2b_lt),
		FIGURES_CG(.paper = paper_2b_cg),
		FIGURES_SCHEDULE },
	  "the schedule is computed (doc/math.md \xc2\xa7" "8), its reference "
	  "values a Monte Carlo estimate, not the paper's", NULL },
	{ "deep", "Deeper models (memscope's own)",
	  "pre+lfom Memformer vs pre linear transformer vs CG at L = 1..6; "
	  "non-isotropic data; test batch",
	  FIGURES_YTEST, MS_DATA_PAPER, 6, 3, {
		FIGURES_PRE_LFOM(),
		FIGURES_PRE_LT(),
		FIGURES_CG() },
	  "Fig. 2a's models trained deeper (L = 5, 6 added); no paper "
	  "values (the later paper's Fig. 3 is figures 3a and 3b)", NULL },
	{ "4", "Fig. 4: few training prompts (B = 1, 10)",
	  "pre+lfom Memformer trained on B = 1 or 10 prompts vs CG on those "
	  "prompts; non-isotropic data; training batch",
	  FIGURES_YTRAIN, MS_DATA_PAPER, 4, 4, {
		{ .name = "pre+lfom Memformer B=1", .kind = FIGURE_MODEL,
		  .param = MS_PARAM_PRE, .memory = MS_MEMORY_LFOM,
		  .batch = 1, .on_train = true },
		{ .name = "CG B=1", .kind = FIGURE_BASELINE, .method = BASELINE_CG,
		  .batch = 1, .on_train = true },
		{ .name = "pre+lfom Memformer B=10", .kind = FIGURE_MODEL,
		  .param = MS_PARAM_PRE, .memory = MS_MEMORY_LFOM,
		  .batch = 10, .on_train = true },
		{ .name = "CG B=10", .kind = FIGURE_BASELINE, .method = BASELINE_CG,
		  .batch = 10, .on_train = true } },
	  "evaluated on the training prompts (doc/math.md \xc2\xa7" "5); no "
	  "paper values", NULL },
	{ "5", "Fig. 5: attention heads",
	  "pre+lfom Memformer with 1, 2, 3 heads; non-isotropic data; "
	  "training batch and test batch",
	  "log loss (mean \xc2\xb1 std over runs)", MS_DATA_PAPER, 4, 6, {
		{ .name = "pre+lfom H=1 train", .kind = FIGURE_MODEL,
		  .param = MS_PARAM_PRE, .memory = MS_MEMORY_LFOM,
		  .on_train = true },
		{ .name = "pre+lfom H=2 train", .kind = FIGURE_MODEL,
		  .param = MS_PARAM_PRE, .memory = MS_MEMORY_LFOM,
		  .heads = 2, .on_train = true },
		{ .name = "pre+lfom H=3 train", .kind = FIGURE_MODEL,
		  .param = MS_PARAM_PRE, .memory = MS_MEMORY_LFOM,
		  .heads = 3, .on_train = true },
		{ .name = "pre+lfom H=1 test", .kind = FIGURE_MODEL,
		  .param = MS_PARAM_PRE, .memory = MS_MEMORY_LFOM },
		{ .name = "pre+lfom H=2 test", .kind = FIGURE_MODEL,
		  .param = MS_PARAM_PRE, .memory = MS_MEMORY_LFOM,
		  .heads = 2 },
		{ .name = "pre+lfom H=3 test", .kind = FIGURE_MODEL,
		  .param = MS_PARAM_PRE, .memory = MS_MEMORY_LFOM,
		  .heads = 3 } },
	  "heads are summed (doc/math.md \xc2\xa7" "2); one training gives both "
	  "the training-batch and the test-batch value; no paper values", NULL },
	{ "momentum", "Appendix: Memformer vs heavy-ball momentum",
	  "momentum (eta 0.005, beta 0.9) vs pre+lfom Memformer; "
	  "non-isotropic data; test batch",
	  FIGURES_YTEST, MS_DATA_PAPER, 4, 2, {
		{ .name = "momentum", .kind = FIGURE_BASELINE,
		  .method = BASELINE_MOMENTUM, .paper = paper_mom },
		FIGURES_PRE_LFOM() },
	  "momentum's step and coefficient are the paper's (doc/math.md "
	  "\xc2\xa7" "6)", NULL },
	{ "nesterov", "Appendix: Memformer vs Nesterov",
	  "Nesterov (eta 0.03, beta 0.9) vs pre+lfom Memformer; "
	  "non-isotropic data; test batch",
	  FIGURES_YTEST, MS_DATA_PAPER, 4, 2, {
		{ .name = "Nesterov", .kind = FIGURE_BASELINE,
		  .method = BASELINE_NESTEROV, .paper = paper_nest },
		FIGURES_PRE_LFOM() },
	  "Nesterov's step and coefficient are the paper's (doc/math.md "
	  "\xc2\xa7" "6)", NULL },
	{ "direct", "An LFOM learned directly, without a transformer",
	  "learned LFOM (authors' shared form, and one coefficient per pair "
	  "of steps) vs per-step tuned GD; isotropic data; 19-point "
	  "gradient; test batch",
	  FIGURES_YTEST, MS_DATA_ISO, 4, 5, {
		{ .name = "direct LFOM (shared)", .kind = FIGURE_MODEL,
		  .setup = setup_direct, .paper = paper_direct },
		{ .name = "direct LFOM (pairs)", .kind = FIGURE_MODEL,
		  .setup = setup_direct_pairs },
		{ .name = "GD, one step (19 points)", .kind = FIGURE_BASELINE,
		  .method = BASELINE_GD, .setup = setup_quirks },
		{ .name = "shared-form ceiling", .kind = FIGURE_THEORY,
		  .setup = setup_quirks, .theory = theory_shared_line,
		  .paper = paper_direct_ceiling },
		{ .name = "best per-step GD", .kind = FIGURE_THEORY,
		  .setup = setup_quirks, .theory = theory_schedule_line,
		  .paper = paper_direct_gd } },
	  "K = L steps; the authors' gradient used 19 of the 20 points, and "
	  "so do the models and GD here (GD's step is tuned for each K on a "
	  "separate batch); Adam lr 1e-3 on one batch of 1000, tested on "
	  "5000 fresh prompts; the two theory lines are exact (doc/math.md "
	  "\xc2\xa7" "8, \xc2\xa7" "11)",
	  "reference: the authors' learned LFOM, and Monte Carlo values of "
	  "the ceiling and of per-step GD (doc/math.md \xc2\xa7" "11)" },
	{ "direct-cg", "A learned LFOM on few prompts, against CG",
	  "learned LFOM (shared form) trained on B = 10 or 100 prompts vs CG "
	  "on those prompts; isotropic data; 19 points; training batch",
	  FIGURES_YTRAIN, MS_DATA_ISO, 4, 4, {
		{ .name = "direct LFOM B=10", .kind = FIGURE_MODEL,
		  .setup = setup_direct_few, .batch = 10, .on_train = true,
		  .paper = paper_direct_b10 },
		{ .name = "CG (19 points) B=10", .kind = FIGURE_BASELINE,
		  .method = BASELINE_CG, .setup = setup_quirks, .batch = 10,
		  .on_train = true },
		{ .name = "direct LFOM B=100", .kind = FIGURE_MODEL,
		  .setup = setup_direct_few_long, .batch = 100,
		  .on_train = true, .paper = paper_direct_b100 },
		{ .name = "CG (19 points) B=100", .kind = FIGURE_BASELINE,
		  .method = BASELINE_CG, .setup = setup_quirks, .batch = 100,
		  .on_train = true } },
	  "Adam lr 1e-2; B = 10 trains 1000 steps, B = 100 5000; scored on "
	  "the training prompts; at B = 10 the runs spread over tens of nats "
	  "(an exact fit of 10 prompts is reached or not)",
	  "reference: the authors' learned LFOM (doc/math.md \xc2\xa7" "11)" },
	{ "3a", "Fig. 3a (later paper): GD++ and a recursive memory",
	  "GD++ with memory off, then the recursive element-wise memory "
	  "trained on top of it; non-isotropic data; training batch and "
	  "fresh", "log loss (mean \xc2\xb1 std over runs)", MS_DATA_PAPER,
	  4, 4, { FIGURES_FIG3(paper_3a_off, paper_3a_on) },
	  FIGURES_FIG3_NOTE, FIGURES_FIG3_REF },
	{ "3b", "Fig. 3b (later paper): GD++ and a recursive memory, iso",
	  "GD++ with memory off, then the recursive element-wise memory "
	  "trained on top of it; isotropic data; training batch and fresh",
	  "log loss (mean \xc2\xb1 std over runs)", MS_DATA_ISO, 4, 4,
	  { FIGURES_FIG3(paper_3b_off, paper_3b_on) },
	  FIGURES_FIG3_NOTE, FIGURES_FIG3_REF },
	{ "shift", "A mixture of experts tuned at test time",
	  "gdpp experts trained at s = 1, 2, 3 as the heads of a gated model "
	  "whose gates alone are tuned at s = 0.5, 1.5, 2.5; non-isotropic "
	  "data; fresh batch and tuning batch",
	  "log loss (mean \xc2\xb1 std over runs)", MS_DATA_PAPER, 4, 6, {
		FIGURES_GATED("0.5", setup_gated_05, paper_shift_05, false),
		FIGURES_GATED("1.5", setup_gated_15, paper_shift_15, false),
		FIGURES_GATED("2.5", setup_gated_25, paper_shift_25, false) },
	  "s is the variance of the raw draws; experts: one head, 500 Adam "
	  "steps on one batch of 1000; then the gates (from 0) 500 steps on "
	  "a batch of the shifted data; 'tuned on' scores that batch, as the "
	  "authors did, 'fresh' a new one",
	  "reference: the authors' values, scored on the tuning batch "
	  "(doc/math.md \xc2\xa7" "8.5)" },
	{ "shift-norm", "A mixture of experts, normalised by the labels' scale",
	  "figure shift's values as ln(mse / (d s^2)), and the least error of "
	  "any one-layer model; non-isotropic data",
	  "log loss / label scale (mean \xc2\xb1 std over runs)",
	  MS_DATA_PAPER, 4, 7, {
		FIGURES_GATED("0.5", setup_gated_05, NULL, true),
		FIGURES_GATED("1.5", setup_gated_15, NULL, true),
		FIGURES_GATED("2.5", setup_gated_25, NULL, true),
		{ .name = "1-layer optimum (any s)", .kind = FIGURE_THEORY,
		  .theory = theory_one_layer_line, .setup = setup_gated_15,
		  .normalised = true } },
	  "the same trainings as figure shift; the raw loss grows with s by "
	  "itself (E y^2 = d s^2), this one does not", NULL },
};
#define FIGURES_N ((int)(sizeof figures / sizeof figures[0]))

/* The number of figures. */
int
figures_count(void)
{
	return FIGURES_N;
}

/* Figure i. */
const struct figure *
figures_get(int i)
{
	return &figures[i];
}

/* The figures' names, separated by ", ", into buf. */
const char *
figures_names(char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < FIGURES_N && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
		    i > 0 ? ", " : "", figures[i].id);
	return buf;
}

/* Parse "all" or a comma-separated list of figure names into a mask. */
int
figures_parse(const char *list, unsigned long *mask, char *err,
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
			*mask = (1UL << FIGURES_N) - 1;
		else {
			for (i = 0; i < FIGURES_N; i++)
				if (strlen(figures[i].id) == len &&
				    strncmp(p, figures[i].id, len) == 0)
					break;
			if (i == FIGURES_N) {
				char names[256];

				snprintf(err, errlen, "--figure: unknown figure "
				    "'%.*s' (accepted: %s, all; or a "
				    "comma-separated list)", (int)len, p,
				    figures_names(names, sizeof names));
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

/* The model a line trains: the defaults, the line's param, memory and
 * heads, then its setup (which may change them). */
void
figures_line_model(const struct figure_line *ln, struct ms_config *cfg)
{
	/* valued before its training: its parent's model */
	if (ln->at_start && ln->parents[0] != NULL)
		ln = ln->parents[0];
	config_defaults(cfg);
	cfg->param = ln->param;
	cfg->memory = ln->memory;
	cfg->heads = ln->heads > 0 ? ln->heads : 1;
	if (ln->setup != NULL)
		ln->setup(cfg);
}

/* The index of the line of f with this name, or -1. */
int
figures_line(const struct figure *f, const char *name)
{
	for (int l = 0; l < f->nlines; l++)
		if (strcmp(f->lines[l].name, name) == 0)
			return l;
	return -1;
}
