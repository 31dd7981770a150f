/*
 * The paper's figures (figures.h): the catalogue and the paper's values.
 */
#include <stdio.h>
#include <string.h>

#include "memscope/figures.h"

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
		{ .name = "CG", .kind = FIGURE_BASELINE, .method = BASELINE_CG,
		  .paper = paper_1a_cg } },
	  "the paper's CG used 19 of the 20 context points (--quirks "
	  "does the same)" },
	{ "1b", "Fig. 1b: CGD Memformer, preconditioned",
	  "pre+cgd Memformer vs pre linear transformer vs CG; "
	  "non-isotropic data; test batch",
	  FIGURES_YTEST, MS_DATA_PAPER, 4, 3, {
		{ .name = "pre+cgd Memformer", .kind = FIGURE_MODEL,
		  .param = MS_PARAM_PRE, .memory = MS_MEMORY_CGD,
		  .paper = paper_1b_mem },
		{ .name = "pre linear transformer", .kind = FIGURE_MODEL,
		  .param = MS_PARAM_PRE, .memory = MS_MEMORY_NONE,
		  .paper = paper_1b_lt },
		{ .name = "CG", .kind = FIGURE_BASELINE, .method = BASELINE_CG,
		  .paper = paper_1a_cg } },
	  "CG's paper values are Fig. 1a's (same data; 19 of the 20 points)" },
	{ "2a", "Fig. 2a: LFOM Memformer, non-isotropic data",
	  "pre+lfom Memformer vs pre linear transformer vs CG; "
	  "non-isotropic data; test batch",
	  FIGURES_YTEST, MS_DATA_PAPER, 4, 3, {
		{ .name = "pre+lfom Memformer", .kind = FIGURE_MODEL,
		  .param = MS_PARAM_PRE, .memory = MS_MEMORY_LFOM,
		  .paper = paper_2a_mem },
		{ .name = "pre linear transformer", .kind = FIGURE_MODEL,
		  .param = MS_PARAM_PRE, .memory = MS_MEMORY_NONE,
		  .paper = paper_1b_lt },
		{ .name = "CG", .kind = FIGURE_BASELINE, .method = BASELINE_CG,
		  .paper = paper_1a_cg } },
	  "the linear transformer's paper values are Fig. 1b's; CG's are "
	  "Fig. 1a's (19 of the 20 points)" },
	{ "2b", "Fig. 2b: LFOM Memformer, isotropic data",
	  "pre+lfom Memformer vs pre linear transformer vs CG; "
	  "isotropic data; test batch",
	  FIGURES_YTEST, MS_DATA_ISO, 4, 3, {
		{ .name = "pre+lfom Memformer", .kind = FIGURE_MODEL,
		  .param = MS_PARAM_PRE, .memory = MS_MEMORY_LFOM,
		  .paper = paper_2b_mem },
		{ .name = "pre linear transformer", .kind = FIGURE_MODEL,
		  .param = MS_PARAM_PRE, .memory = MS_MEMORY_NONE,
		  .paper = paper_2b_lt },
		{ .name = "CG", .kind = FIGURE_BASELINE, .method = BASELINE_CG,
		  .paper = paper_2b_cg } },
	  NULL },
	{ "3", "Fig. 3 (memscope's reading): deeper models",
	  "pre+lfom Memformer vs pre linear transformer vs CG at L = 1..6; "
	  "non-isotropic data; test batch",
	  FIGURES_YTEST, MS_DATA_PAPER, 6, 3, {
		{ .name = "pre+lfom Memformer", .kind = FIGURE_MODEL,
		  .param = MS_PARAM_PRE, .memory = MS_MEMORY_LFOM },
		{ .name = "pre linear transformer", .kind = FIGURE_MODEL,
		  .param = MS_PARAM_PRE, .memory = MS_MEMORY_NONE },
		{ .name = "CG", .kind = FIGURE_BASELINE, .method = BASELINE_CG } },
	  "the paper does not define Fig. 3; memscope takes it as Fig. 2a's "
	  "models trained deeper (L = 5, 6 added); no paper values" },
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
	  "paper values" },
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
	  "the training-batch and the test-batch value; no paper values" },
	{ "momentum", "Appendix: Memformer vs heavy-ball momentum",
	  "momentum (eta 0.005, beta 0.9) vs pre+lfom Memformer; "
	  "non-isotropic data; test batch",
	  FIGURES_YTEST, MS_DATA_PAPER, 4, 2, {
		{ .name = "momentum", .kind = FIGURE_BASELINE,
		  .method = BASELINE_MOMENTUM, .paper = paper_mom },
		{ .name = "pre+lfom Memformer", .kind = FIGURE_MODEL,
		  .param = MS_PARAM_PRE, .memory = MS_MEMORY_LFOM } },
	  "momentum's step and coefficient are the paper's (doc/math.md "
	  "\xc2\xa7" "6)" },
	{ "nesterov", "Appendix: Memformer vs Nesterov",
	  "Nesterov (eta 0.03, beta 0.9) vs pre+lfom Memformer; "
	  "non-isotropic data; test batch",
	  FIGURES_YTEST, MS_DATA_PAPER, 4, 2, {
		{ .name = "Nesterov", .kind = FIGURE_BASELINE,
		  .method = BASELINE_NESTEROV, .paper = paper_nest },
		{ .name = "pre+lfom Memformer", .kind = FIGURE_MODEL,
		  .param = MS_PARAM_PRE, .memory = MS_MEMORY_LFOM } },
	  "Nesterov's step and coefficient are the paper's (doc/math.md "
	  "\xc2\xa7" "6)" },
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

/* The index of the line of f with this name, or -1. */
int
figures_line(const struct figure *f, const char *name)
{
	for (int l = 0; l < f->nlines; l++)
		if (strcmp(f->lines[l].name, name) == 0)
			return l;
	return -1;
}
