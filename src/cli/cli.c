/*
 * The shared command line. One table lists every option: its long and short
 * names, the subcommands that take it, the config key it sets (if any) and
 * its help text; getopt_long's option array, the parser and every --help page
 * are made from it, so they cannot drift apart.
 *
 * Order of precedence: defaults < --config FILE < the command line. The
 * command line is read completely first (collecting the values), then the
 * config file is applied, then the collected values in their order.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "memscope/cli.h"
#include "memscope/fileid.h"
#include "memscope/output.h"
#include "memscope/theme.h"
#include "memscope/xmalloc.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

/* Subcommands, as bits of cli_option.cmds. */
enum {
	CLI_TUI = 1 << 0,
	CLI_TRAIN = 1 << 1,
	CLI_EVAL = 1 << 2,
	CLI_BASELINES = 1 << 3,
	CLI_STEP = 1 << 4,
	CLI_ALL = CLI_TUI | CLI_TRAIN | CLI_EVAL | CLI_BASELINES
};

/* What an option does when given. */
enum cli_action {
	CLI_SET,		/* config_set(name, value) */
	CLI_FLAG_SET,		/* a config flag: --quirks[=BOOL] */
	CLI_CONFIG, CLI_CSV, CLI_JSON, CLI_JSON_STDOUT, CLI_SAVE, CLI_LOAD,
	CLI_THEME, CLI_ITERS, CLI_TASK, CLI_ASCII, CLI_MONO, CLI_HELP,
	CLI_VERSION
};

/* Help sections, in the order printed. */
enum cli_group {
	GROUP_MODEL, GROUP_DATA, GROUP_TRAINING, GROUP_RUNS, GROUP_BASELINES,
	GROUP_FILES, GROUP_DISPLAY, GROUP_GENERAL, GROUP_COUNT
};

static const char *cli_group_names[GROUP_COUNT] = {
	"Model", "Data", "Training", "Runs", "Baselines", "Files", "Display",
	"General"
};

struct cli_option {
	const char *name;		/* long name; for CLI_SET the config key */
	int short_name;			/* 0 if none */
	const char *arg;		/* metavariable, NULL for a flag */
	enum cli_action action;
	enum cli_group group;
	unsigned cmds;			/* CLI_* subcommands that take it */
	const char *help;		/* may hold '\n' */
	const char *help_alt;		/* the text for alt_cmds, if not NULL */
	unsigned alt_cmds;
};

#define CLI_TRAINING (CLI_TUI | CLI_TRAIN)
#define CLI_TASKS (CLI_TUI | CLI_TRAIN | CLI_BASELINES)
#define CLI_TESTS (CLI_ALL | CLI_STEP)
#define CLI_CHECKPOINT (CLI_EVAL | CLI_STEP)	/* test a saved model */

static const struct cli_option cli_options[] = {
	{ "dim", 'd', "N", CLI_SET, GROUP_MODEL, CLI_TASKS,
	    "feature dimension d, 1 to 512", NULL, 0 },
	{ "context", 'n', "N", CLI_SET, GROUP_MODEL, CLI_TASKS,
	    "context points n per task, 1 to 100000", NULL, 0 },
	{ "layers", 'L', "N", CLI_SET, GROUP_MODEL, CLI_TASKS,
	    "layers L, 1 to 64; the table has a column for\n"
	    "each layer's read-out",
	    "iterations when --iters is not given, 1 to 64", CLI_BASELINES },
	{ "heads", 'H', "N", CLI_SET, GROUP_MODEL, CLI_TRAINING,
	    "attention heads per layer (summed), 1 to 64", NULL, 0 },
	{ "param", 'p', "KIND", CLI_SET, GROUP_MODEL, CLI_TRAINING,
	    "parametrization of each head's P, Q:\n"
	    "scalar (GD step a), pre (preconditioner A),\n"
	    "gdpp (A and B), full (any P, Q)", NULL, 0 },
	{ "memory", 'm', "KIND", CLI_SET, GROUP_MODEL, CLI_TRAINING,
	    "none (linear transformer), cgd (CG-like memory\n"
	    "alpha, gamma per layer) or lfom (Gamma per layer)", NULL, 0 },
	{ "data", 0, "KIND", CLI_SET, GROUP_DATA, CLI_TESTS,
	    "covariance spectrum of x: iso (identity), paper\n"
	    "(d = 5, eigenvalues 1, 1, 1/4, 1/16, 1) or\n"
	    "kappa:K (geometric from 1 to 1/K, 1 <= K <= 1e12,\n"
	    "d >= 2; beyond 1e12 double precision cannot\n"
	    "resolve the spectrum)",
	    "the test tasks' spectrum: iso, paper or kappa:K\n"
	    "(default: the checkpoint's; the rotation U is kept)",
	    CLI_CHECKPOINT },
	{ "wstar", 0, "PRIOR", CLI_SET, GROUP_DATA, CLI_TESTS,
	    "prior of w*: invsigma (N(0, inverse of Sigma)) or\n"
	    "identity (N(0, I))",
	    "prior of the test tasks' w*: invsigma or identity\n"
	    "(default: the checkpoint's)", CLI_CHECKPOINT },
	{ "batch", 'b', "N", CLI_SET, GROUP_DATA, CLI_TRAINING,
	    "training prompts per step, 1 to 10000000", NULL, 0 },
	{ "test-batch", 0, "N", CLI_SET, GROUP_DATA, CLI_TESTS,
	    "prompts in the test batch, 1 to 10000000",
	    "prompts in the fresh test batch (default: the\n"
	    "checkpoint's)", CLI_CHECKPOINT },
	{ "steps", 'S', "N", CLI_SET, GROUP_TRAINING, CLI_TRAINING,
	    "Adam steps, 0 to 100000000", NULL, 0 },
	{ "lr", 0, "X", CLI_SET, GROUP_TRAINING, CLI_TRAINING,
	    "Adam learning rate, > 0 (beta1 0.9, beta2 0.999)", NULL, 0 },
	{ "clip", 0, "X", CLI_SET, GROUP_TRAINING, CLI_TRAINING,
	    "clip each parameter block's gradient to this\n"
	    "Frobenius norm, >= 0; 0: no clipping", NULL, 0 },
	{ "resample", 0, "N", CLI_SET, GROUP_TRAINING, CLI_TRAINING,
	    "redraw the training batch every N steps;\n"
	    "0: one fixed batch", NULL, 0 },
	{ "seed", 's', "N", CLI_SET, GROUP_RUNS, CLI_TESTS,
	    "seed of the first run, 0 to 2^63-1: it draws the\n"
	    "rotation U, the tasks and the initial parameters;\n"
	    "the last run's, seed + runs - 1, must be a seed too",
	    "seed of the fresh test tasks (default: the\n"
	    "checkpoint's, which gives its own test batch)", CLI_CHECKPOINT },
	{ "task", 'k', "K", CLI_TASK, GROUP_RUNS, CLI_STEP,
	    "the test task to trace, 0 to test-batch - 1\n"
	    "(default: 0)", NULL, 0 },
	{ "runs", 'r', "N", CLI_SET, GROUP_RUNS, CLI_TRAIN | CLI_BASELINES,
	    "runs with seeds seed, seed+1, ..., 1 to 1000;\n"
	    "the table gives mean +- std over runs;\n"
	    "+- is the sample standard deviation (n - 1)", NULL, 0 },
	{ "threads", 'j', "N", CLI_SET, GROUP_RUNS, CLI_TRAINING | CLI_EVAL,
	    "worker threads, 1 to 256: with several runs, that\n"
	    "many runs at once (one thread each); with one run,\n"
	    "the batch is split among them",
	    "threads that split the test batch, 1 to 256\n"
	    "(default: 1)", CLI_EVAL },
	{ "iters", 0, "N", CLI_ITERS, GROUP_BASELINES, CLI_BASELINES,
	    "iterations k = 0..N of each method, 1 to 10000\n"
	    "(default: --layers)", NULL, 0 },
	{ "quirks", 0, NULL, CLI_FLAG_SET, GROUP_BASELINES, CLI_ALL | CLI_STEP,
	    "the authors' off-by-one: baselines use only the\n"
	    "first n - 1 context points (--quirks=false: off)", NULL, 0 },
	{ "gd-step", 0, "X", CLI_SET, GROUP_BASELINES, CLI_ALL | CLI_STEP,
	    "GD step (and oracle GD's); 0: for each iteration\n"
	    "count the best of a grid, on a separate batch", NULL, 0 },
	{ "mom-eta", 0, "X", CLI_SET, GROUP_BASELINES, CLI_ALL,
	    "heavy-ball momentum step, > 0", NULL, 0 },
	{ "mom-beta", 0, "X", CLI_SET, GROUP_BASELINES, CLI_ALL,
	    "heavy-ball momentum coefficient, 0 <= beta < 1", NULL, 0 },
	{ "nest-eta", 0, "X", CLI_SET, GROUP_BASELINES, CLI_ALL | CLI_STEP,
	    "Nesterov step, > 0", NULL, 0 },
	{ "nest-beta", 0, "X", CLI_SET, GROUP_BASELINES, CLI_ALL | CLI_STEP,
	    "Nesterov coefficient, 0 <= beta < 1", NULL, 0 },
	{ "config", 'c', "FILE", CLI_CONFIG, GROUP_FILES, CLI_ALL | CLI_STEP,
	    "INI file of key = value lines with the long option\n"
	    "names as keys, applied before the command line", NULL, 0 },
	{ "csv", 0, "FILE", CLI_CSV, GROUP_FILES,
	    CLI_TUI | CLI_TRAIN | CLI_EVAL | CLI_BASELINES,
	    "write a CSV table to FILE (see Output below);\n"
	    "- is standard output (then no table is printed)", NULL, 0 },
	{ "json", 0, "FILE", CLI_JSON, GROUP_FILES,
	    CLI_TRAIN | CLI_EVAL | CLI_BASELINES,
	    "write a JSON summary to FILE (see Output below);\n"
	    "- is standard output (then no table is printed)", NULL, 0 },
	{ "json", 0, NULL, CLI_JSON_STDOUT, GROUP_FILES, CLI_STEP,
	    "print JSON on stdout instead of the tables", NULL, 0 },
	{ "save", 0, "FILE", CLI_SAVE, GROUP_FILES, CLI_TRAINING,
	    "write a checkpoint of the (first) run to FILE;\n"
	    "a regular file is replaced atomically, keeping its\n"
	    "mode and owner; a device or FIFO is written through", NULL, 0 },
	{ "load", 0, "FILE", CLI_LOAD, GROUP_FILES, CLI_TUI | CLI_CHECKPOINT,
	    "start from the checkpoint FILE",
	    "the checkpoint to evaluate (required)", CLI_CHECKPOINT },
	{ "theme", 0, "NAME|PATH", CLI_THEME, GROUP_DISPLAY, CLI_TUI,
	    "colour theme by name or as a path to a .theme file", NULL, 0 },
	{ "ascii", 0, NULL, CLI_ASCII, GROUP_DISPLAY, CLI_TUI,
	    "draw with ASCII only (no braille or block glyphs)", NULL, 0 },
	{ "mono", 0, NULL, CLI_MONO, GROUP_DISPLAY, CLI_TUI,
	    "no colour (also when NO_COLOR is set and non-empty)", NULL, 0 },
	{ "help", 'h', NULL, CLI_HELP, GROUP_GENERAL, CLI_ALL | CLI_STEP,
	    "show this help and exit", NULL, 0 },
	{ "version", 'V', NULL, CLI_VERSION, GROUP_GENERAL, CLI_ALL | CLI_STEP,
	    "show the version and exit", NULL, 0 },
};
#define CLI_NOPTIONS ((int)(sizeof cli_options / sizeof cli_options[0]))

struct cli_command {
	const char *name;
	unsigned bit;
	const char *usage;
	const char *summary;		/* one line for memscope --help */
	const char *description;	/* paragraphs for its own --help */
	const char *output;		/* the OUTPUT section */
	const char *examples;
};

static const struct cli_command cli_commands[] = {
	{ "tui", CLI_TUI, "memscope [tui] [OPTIONS]",
	    "the live visualizer (the default command)",
	    "Train a model in a background thread and watch it learn: loss\n"
	    "curves, per-layer preconditioner heatmaps, memory coefficients,\n"
	    "and the learned algorithm beside CG, GD, momentum and Nesterov\n"
	    "on the same tasks. Press ? inside for the keys.\n"
	    "\n"
	    "With --load FILE the run continues from the checkpoint, which\n"
	    "fixes its shape, data, batches and seed: --dim, --context,\n"
	    "--layers, --heads, --param, --memory, --data, --wstar, --batch,\n"
	    "--test-batch, --resample or --seed (or a --config key) that\n"
	    "differs from the file is refused, naming the file's value;\n"
	    "--steps, --lr, --clip, --threads and the baseline options apply\n"
	    "to the loaded run.\n",
	    "--csv FILE is where the history export key writes; --save FILE\n"
	    "is where the save key writes a checkpoint. A run that diverges\n"
	    "(a loss that is not finite, or a last loss above 100 times its\n"
	    "start: see memscope train --help) stops with 'diverged' on the\n"
	    "status line and the reason on the message line. A terminal it\n"
	    "cannot draw on (an unknown TERM, more than 2000x1000 cells) is\n"
	    "refused with status 2. SIGINT, SIGTERM, SIGHUP and SIGQUIT\n"
	    "restore the terminal and exit with 128 + the signal.\n",
	    "  memscope\n"
	    "  memscope --memory cgd --heads 2\n"
	    "  memscope --load model.json --mono\n" },
	{ "train", CLI_TRAIN, "memscope train [OPTIONS]",
	    "headless training: progress on stderr, results on stdout",
	    "Train --runs models (seeds seed, seed+1, ...) for --steps Adam\n"
	    "steps each, then evaluate every layer's read-out on a fresh test\n"
	    "batch from the same distribution, beside the classical methods\n"
	    "run for as many iterations as the model has layers. Progress goes\n"
	    "to stderr: a live bar on a terminal, otherwise a line about every\n"
	    "10% of the work.\n",
	    "stdout: the natural log of the mean squared query error on the\n"
	    "test batch, one column per layer read-out (baselines: per\n"
	    "iteration), rows model, gd, gd-oracle, momentum, nesterov, cg,\n"
	    "lsq; the mean over runs, and with several runs 'mean +- std'.\n"
	    "--csv: one row per step, header run,step,train_loss,test_loss,\n"
	    "seconds. train_loss is the batch loss the step's gradient came\n"
	    "from; test_loss (mean squared query error after the last layer)\n"
	    "is measured after every max(1, steps/100)-th step and the last\n"
	    "one, and left empty in the other rows; seconds since the run\n"
	    "started. --json: the configuration, each run's log test losses\n"
	    "per layer and baseline, and their mean and std. --save: run 0.\n"
	    "A run diverged if its training loss was not finite, or if its\n"
	    "last step's loss is more than 100 times max(its first step's\n"
	    "loss, the loss of predicting 0, E[y^2]); then a message on\n"
	    "stderr says so, the exit status is 1 and only --csv is written.\n"
	    "A result that is not a finite number (an overflow) is never\n"
	    "printed: a message names it, the exit status is 1 and nothing is\n"
	    "written. -inf is printed where an error is exactly 0 (the log of\n"
	    "an exact solution; null in JSON).\n",
	    "  memscope train\n"
	    "  memscope train --memory none --runs 5 --threads 2\n"
	    "  memscope train --data kappa:100 --dim 8 --csv hist.csv\n"
	    "  memscope train --steps 200 --save model.json\n" },
	{ "eval", CLI_EVAL, "memscope eval --load FILE [OPTIONS]",
	    "evaluate a saved model against the baselines",
	    "Load a checkpoint and evaluate its model and the classical\n"
	    "methods on a fresh test batch: by default from the checkpoint's\n"
	    "own distribution and seed (which reproduces train's table), or\n"
	    "from another --data / --wstar (the rotation U of the checkpoint\n"
	    "is kept) or another --seed, to see how the learned algorithm\n"
	    "generalises. Keys of --config that eval does not take (the\n"
	    "model's shape, training) are ignored: they come from the file.\n",
	    "stdout: the same table as train. --csv: one row per method and\n"
	    "layer, header method,k,mse,log_mse. --json: the configuration\n"
	    "and the table. A result that is not finite (an overflow) is\n"
	    "never printed: a message names it and the exit status is 1.\n",
	    "  memscope eval --load model.json\n"
	    "  memscope eval --load model.json --data iso\n"
	    "  memscope eval --load model.json --data kappa:50 --seed 7\n" },
	{ "baselines", CLI_BASELINES, "memscope baselines [OPTIONS]",
	    "GD, CG, momentum and Nesterov per iteration",
	    "Run the classical methods alone (GD, GD preconditioned by the\n"
	    "oracle inverse covariance, heavy-ball momentum, Nesterov,\n"
	    "conjugate gradient, and the least-squares solution as the floor)\n"
	    "on a test batch, from w = 0, for k = 0..--iters iterations.\n",
	    "stdout: one row per iteration k, one column per method: the\n"
	    "natural log of the mean squared query error (mean over runs;\n"
	    "'mean +- std' with several runs). --csv: header\n"
	    "run,seed,method,k,mse,log_mse,step (step: the step size used,\n"
	    "0 for CG and lsq). --json: the configuration, each run's values\n"
	    "and their mean and std. A result that is not finite (a method\n"
	    "that overflowed, e.g. with too large a step) is never printed:\n"
	    "a message names it and the exit status is 1.\n",
	    "  memscope baselines\n"
	    "  memscope baselines --data iso --iters 10\n"
	    "  memscope baselines --data kappa:1000 --dim 20 --context 60\n" },
	{ "step", CLI_STEP, "memscope step --load FILE [--task K] [OPTIONS]",
	    "the step-through trace of one task, as text or JSON",
	    "Follow one test task through a saved model layer by layer,\n"
	    "beside CG, GD (with the step tuned for each iteration count, as\n"
	    "in the tables of train and eval) and Nesterov run for as many\n"
	    "iterations: what each predicts for the query, its squared error,\n"
	    "the norm of its residuals on the context points and, for scalar\n"
	    "and pre models, the iterate w_l the model's residuals imply and\n"
	    "its distance to w*; then the memory: each register's label row,\n"
	    "the coefficient each layer gives it, and its share of the\n"
	    "layer's update. The task is task K of the checkpoint's test\n"
	    "batch, or of the batch that --seed, --data and --wstar draw (the\n"
	    "rotation U of the checkpoint is kept).\n",
	    "stdout: a header of comment lines (the task's query label, w*,\n"
	    "the eigenvalues of XX'/n, the steps used), then one table per\n"
	    "quantity with a row per layer l = 0..L and a column per method;\n"
	    "the iterates; and the memory tables. --json: one object with\n"
	    "every number: d, n, layers, query_label, w_star, eigenvalues,\n"
	    "methods.{model,cg,gd,nesterov}.{prediction, squared_error,\n"
	    "residual_norm, w, w_distance} (model: w_misfit; cg: alpha, beta;\n"
	    "gd: step; nesterov: eta, beta), memory.{kind, label_rows,\n"
	    "registers, coefficients, contributions, query_update} (cgd:\n"
	    "alpha, gamma, cg_alpha_times_n, cg_beta_previous; lfom:\n"
	    "gamma_label_rows), and the checkpoint, task and configuration.\n",
	    "  memscope step --load model.json\n"
	    "  memscope step --load model.json --task 17\n"
	    "  memscope step --load model.json --seed 5 --data iso --json\n" },
};
#define CLI_NCOMMANDS ((int)(sizeof cli_commands / sizeof cli_commands[0]))

/* One option occurrence on the command line. */
struct cli_value {
	int option;		/* index into cli_options */
	const char *arg;	/* NULL for a flag without =VALUE */
};

/* Print "memscope CMD: message" as one line on stderr; CLI_EXIT_USAGE. */
int
cli_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	char msg[1024];

	/* one line, whatever the arguments it quotes hold */
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	config_one_line(msg);
	fprintf(stderr, "memscope %s: %s\n", cmd, msg);
	return CLI_EXIT_USAGE;
}

static const struct cli_command *
cli_command(const char *cmd)
{
	for (int i = 0; i < CLI_NCOMMANDS; i++)
		if (cmd != NULL && strcmp(cli_commands[i].name, cmd) == 0)
			return &cli_commands[i];
	return NULL;
}

/* "memscope VERSION". */
void
cli_version(FILE *fp)
{
	fprintf(fp, "memscope %s\n", PACKAGE_VERSION);
}

/* Print text with every line after the first indented by indent columns. */
static void
cli_print_indented(FILE *fp, const char *text, int indent)
{
	for (const char *p = text; *p != '\0'; p++) {
		fputc(*p, fp);
		if (*p == '\n' && p[1] != '\0')
			fprintf(fp, "%*s", indent, "");
	}
}

/* The "  -d, --dim N" column of an option, into buf. */
static void
cli_option_label(const struct cli_option *op, char *buf, size_t len)
{
	char shortpart[8] = "    ";

	if (op->short_name != 0)
		snprintf(shortpart, sizeof shortpart, "-%c, ", op->short_name);
	if (op->action == CLI_FLAG_SET)
		snprintf(buf, len, "  %s--%s[=BOOL]", shortpart, op->name);
	else if (op->arg != NULL)
		snprintf(buf, len, "  %s--%s %s", shortpart, op->name, op->arg);
	else
		snprintf(buf, len, "  %s--%s", shortpart, op->name);
}

#define CLI_HELP_COLUMN 26

/* The --help page of subcommand cmd, or of memscope itself (cmd NULL). */
void
cli_help(const char *cmd, FILE *fp)
{
	const struct cli_command *c = cli_command(cmd);
	struct ms_config def;
	char label[64], value[64];

	if (c == NULL) {
		fprintf(fp, "Usage: memscope [COMMAND] [OPTIONS]\n\n"
		    "Watch Transformers learn optimization algorithms: train\n"
		    "linear transformers and Memformers on random in-context\n"
		    "linear regression and compare what they learn with CG,\n"
		    "GD, momentum and Nesterov.\n\nCommands:\n");
		for (int i = 0; i < CLI_NCOMMANDS; i++)
			fprintf(fp, "  %-12s%s\n", cli_commands[i].name,
			    cli_commands[i].summary);
		/* commands that parse their own options */
		fprintf(fp, "  %-12s%s\n  %-12s%s\n", "reproduce",
		    "the paper's experiments: tables, CSV, SVG figures",
		    "bench", "throughput of the training step");
		fprintf(fp, "\nWithout a command, or with an option first, "
		    "memscope runs tui.\n"
		    "'memscope COMMAND --help' lists the command's options, "
		    "their defaults\nand accepted values.\n\n"
		    "  -h, --help              show this help and exit\n"
		    "  -V, --version           show the version and exit\n\n"
		    "Exit status: 0 on success, 1 if the work failed (e.g. "
		    "training\ndiverged), 2 on bad input (nothing is done or "
		    "written).\n");
		return;
	}
	config_defaults(&def);
	fprintf(fp, "Usage: %s\n\n", c->usage);
	fputs(c->description, fp);
	for (int g = 0; g < GROUP_COUNT; g++) {
		bool any = false;

		for (int i = 0; i < CLI_NOPTIONS; i++) {
			const struct cli_option *op = &cli_options[i];
			const char *help = op->help;

			if (op->group != (enum cli_group)g ||
			    (op->cmds & c->bit) == 0)
				continue;
			if (!any)
				fprintf(fp, "\n%s:\n", cli_group_names[g]);
			any = true;
			if ((op->alt_cmds & c->bit) != 0)
				help = op->help_alt;
			cli_option_label(op, label, sizeof label);
			if (strlen(label) >= CLI_HELP_COLUMN)
				fprintf(fp, "%s\n%*s", label, CLI_HELP_COLUMN,
				    "");
			else
				fprintf(fp, "%-*s", CLI_HELP_COLUMN, label);
			cli_print_indented(fp, help, CLI_HELP_COLUMN);
			if ((op->action == CLI_SET ||
			    op->action == CLI_FLAG_SET) &&
			    !((c->bit & CLI_CHECKPOINT) &&
			    (op->alt_cmds & c->bit))) {
				config_get(&def, op->name, value, sizeof value);
				fprintf(fp, "\n%*s(default: %s)", CLI_HELP_COLUMN,
				    "", value);
			}
			fputc('\n', fp);
		}
	}
	fprintf(fp, "\nOutput:\n");
	cli_print_indented(fp, c->output, 0);
	fprintf(fp, "\nExit status: 0 on success, 1 if the work failed, "
	    "2 on bad input (a\nline on stderr names the option; nothing is "
	    "written).\n\nExamples:\n%s", c->examples);
}

/* The bit of config key `key` in cli_opts.given, or -1. */
static int
cli_key_bit(const char *key)
{
	const char *canon = config_key_canonical(key);

	for (int i = 0; canon != NULL && i < config_key_count(); i++)
		if (strcmp(config_key_name(i), canon) == 0)
			return i;
	return -1;
}

/* Whether config key `key` was on the command line or in --config. */
bool
cli_given(const struct cli_opts *o, const char *key)
{
	int bit = cli_key_bit(key);

	return bit >= 0 && (o->given >> bit & 1) != 0;
}

/* Mark config key `key` as given. */
static void
cli_mark_given(struct cli_opts *o, const char *key)
{
	int bit = cli_key_bit(key);

	if (bit >= 0)
		o->given |= (uint64_t)1 << bit;
}

/* A path for reading: it must be a readable regular file. */
static int
cli_check_input(const char *cmd, const char *opt, const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return cli_error(cmd, "--%s: cannot read '%s': %s", opt, path,
		    strerror(errno));
	if (S_ISDIR(st.st_mode))
		return cli_error(cmd, "--%s: '%s' is a directory", opt, path);
	if (access(path, R_OK) != 0)
		return cli_error(cmd, "--%s: cannot read '%s': %s", opt, path,
		    strerror(errno));
	return 0;
}

/* A path for writing: output_check's verdict (output.h). */
static int
cli_check_output(const char *cmd, const char *opt, const char *path)
{
	char err[512];

	if (output_check(path, err, sizeof err) != 0)
		return cli_error(cmd, "--%s: %s", opt, err);
	return 0;
}

/* Apply one command-line value to o; 0 or an exit status. */
static int
cli_apply(const char *cmd, const struct cli_value *v, struct cli_opts *o)
{
	const struct cli_option *op = &cli_options[v->option];
	char err[512];
	long iters;
	char *end;

	switch (op->action) {
	case CLI_SET:
		if (config_set(&o->cfg, op->name, v->arg, err, sizeof err) != 0)
			return cli_error(cmd, "%s", err);
		cli_mark_given(o, op->name);
		break;
	case CLI_FLAG_SET:
		if (config_set(&o->cfg, op->name, v->arg ? v->arg : "true", err,
		    sizeof err) != 0)
			return cli_error(cmd, "%s", err);
		cli_mark_given(o, op->name);
		break;
	case CLI_CSV:
		o->csv_path = v->arg;
		break;
	case CLI_JSON:
		o->json_path = v->arg;
		break;
	case CLI_JSON_STDOUT:
		o->json_stdout = true;
		break;
	case CLI_SAVE:
		o->save_path = v->arg;
		break;
	case CLI_LOAD:
		o->load_path = v->arg;
		break;
	case CLI_THEME:
		o->theme = v->arg;
		break;
	case CLI_ITERS:
		errno = 0;
		iters = strtol(v->arg, &end, 10);
		if (*v->arg == '\0' || *end != '\0' || errno != 0 ||
		    iters < 1 || iters > 10000)
			return cli_error(cmd, "--iters: expected an integer "
			    "from 1 to 10000, got '%s'", v->arg);
		o->iters = (int)iters;
		break;
	case CLI_TASK:
		errno = 0;
		iters = strtol(v->arg, &end, 10);
		if (*v->arg == '\0' || *end != '\0' || errno != 0 ||
		    iters < 0 || iters >= 10000000)
			return cli_error(cmd, "--task: expected an integer "
			    "from 0 to 9999999, got '%s'", v->arg);
		o->task = (int)iters;
		break;
	case CLI_ASCII:
		o->ascii = true;
		break;
	case CLI_MONO:
		o->mono = true;
		break;
	case CLI_CONFIG:
	case CLI_HELP:
	case CLI_VERSION:
		break;
	}
	return 0;
}

/* Refuse files that are the same: an output over an input, or two outputs
 * in one file (character devices such as /dev/null aside), by device and
 * inode, not by name. ins/outs name the options; NULL paths are absent. */
int
cli_check_same_files(const char *cmd, int nin, const char *const *in_names,
    const char *const *ins, int nout, const char *const *out_names,
    const char *const *outs)
{
	struct fileid *iid = xcalloc((size_t)nin + 1, sizeof *iid);
	struct fileid *oid = xcalloc((size_t)nout + 1, sizeof *oid);
	int r = 0;

	for (int i = 0; i < nin; i++)
		if (ins[i] != NULL)
			fileid_of(ins[i], &iid[i]);
	for (int i = 0; i < nout && r == 0; i++) {
		if (outs[i] == NULL)
			continue;
		fileid_of(outs[i], &oid[i]);
		for (int j = 0; j < i && r == 0; j++)
			if (outs[j] != NULL && fileid_same(&oid[i], &oid[j]) &&
			    !oid[i].chardev)
				r = cli_error(cmd, "--%s and --%s are the same "
				    "file ('%s', '%s'); give each its own",
				    out_names[j], out_names[i], outs[j],
				    outs[i]);
		for (int j = 0; j < nin && r == 0; j++)
			if (ins[j] != NULL && fileid_same(&oid[i], &iid[j]) &&
			    !oid[i].chardev)
				r = cli_error(cmd, "--%s '%s' would overwrite "
				    "the --%s file '%s'", out_names[i], outs[i],
				    in_names[j], ins[j]);
	}
	for (int i = 0; i < nin; i++)
		fileid_free(&iid[i]);
	for (int i = 0; i < nout; i++)
		fileid_free(&oid[i]);
	free(iid);
	free(oid);
	return r;
}

/* Check the file options once everything is known. */
static int
cli_check_files(const char *cmd, struct cli_opts *o)
{
	const char *outs[] = { o->csv_path, o->json_path, o->save_path };
	const char *out_names[] = { "csv", "json", "save" };
	const char *ins[] = { o->load_path, o->config_path, NULL };
	const char *in_names[] = { "load", "config", "theme" };
	int r;

	char theme_file[4096];

	/* the theme file a name or path resolves to */
	if (o->theme != NULL && theme_find(o->theme, theme_file,
	    sizeof theme_file) == 0)
		ins[2] = theme_file;
	/* the visualizer may save back over the checkpoint it continues */
	if (strcmp(cmd, "tui") == 0 && o->save_path != NULL &&
	    o->load_path != NULL)
		ins[0] = NULL;
	if (o->load_path != NULL &&
	    (r = cli_check_input(cmd, "load", o->load_path)) != 0)
		return r;
	for (int i = 0; i < 3; i++) {
		if (outs[i] == NULL)
			continue;
		if ((r = cli_check_output(cmd, out_names[i], outs[i])) != 0)
			return r;
		if (output_is_stdout(outs[i]))
			o->stdout_taken = true;
	}
	if ((r = cli_check_same_files(cmd, 3, in_names, ins, 3, out_names,
	    outs)) != 0)
		return r;
	if (o->stdout_taken && strcmp(cmd, "tui") == 0)
		return cli_error(cmd, "standard output is the visualizer's "
		    "terminal; give --csv/--save a file name");
	return 0;
}

/* Whether option i gives way to another of the same name that command
 * bit takes (--json FILE elsewhere, --json alone for step). */
static bool
cli_shadowed(int i, unsigned bit)
{
	if ((cli_options[i].cmds & bit) != 0)
		return false;
	for (int j = 0; j < CLI_NOPTIONS; j++)
		if (j != i && (cli_options[j].cmds & bit) != 0 &&
		    strcmp(cli_options[j].name, cli_options[i].name) == 0)
			return true;
	return false;
}

/* Collect argv's options into vals; 0 or an exit status. */
static int
cli_collect(const struct cli_command *c, int argc, char **argv,
    struct cli_value *vals, int *nvals)
{
	struct option longopts[CLI_NOPTIONS + 1];
	char shortopts[3 * CLI_NOPTIONS + 2], *sp = shortopts;
	int ch, index, nlong = 0;

	*sp++ = ':';	/* report a missing argument as ':' */
	for (int i = 0; i < CLI_NOPTIONS; i++) {
		const struct cli_option *op = &cli_options[i];

		if (cli_shadowed(i, c->bit))
			continue;
		longopts[nlong].name = op->name;
		longopts[nlong].has_arg = op->action == CLI_FLAG_SET ?
		    optional_argument : op->arg != NULL ? required_argument :
		    no_argument;
		longopts[nlong].flag = NULL;
		longopts[nlong].val = 256 + i;
		nlong++;
		if (op->short_name != 0) {
			*sp++ = (char)op->short_name;
			if (op->arg != NULL)
				*sp++ = ':';
		}
	}
	*sp = '\0';
	memset(&longopts[nlong], 0, sizeof longopts[0]);

	*nvals = 0;
	optind = 0;	/* glibc: restart scanning, even if parsed before */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, shortopts, longopts, &index)) !=
	    -1) {
		const char *bad = argv[optind - 1];
		int opt = -1;

		if (ch == '?') {
			if (optopt >= 256 && optopt < 256 + CLI_NOPTIONS)
				return cli_error(c->name, "--%s takes no value",
				    cli_options[optopt - 256].name);
			if (optopt != 0 && optopt < 256)
				return cli_error(c->name, "unknown option '-%c' "
				    "(see memscope %s --help)", optopt, c->name);
			return cli_error(c->name, "unknown or ambiguous option "
			    "'%s' (see memscope %s --help)", bad, c->name);
		}
		if (ch == ':') {
			for (int i = 0; i < CLI_NOPTIONS; i++)
				if (optopt == 256 + i ||
				    optopt == cli_options[i].short_name)
					opt = i;
			if (opt < 0)
				return cli_error(c->name, "'%s' needs a value",
				    bad);
			return cli_error(c->name, "--%s needs a value %s (see "
			    "memscope %s --help)", cli_options[opt].name,
			    cli_options[opt].arg, c->name);
		}
		if (ch >= 256)
			opt = ch - 256;
		else
			for (int i = 0; i < CLI_NOPTIONS; i++)
				if (ch == cli_options[i].short_name)
					opt = i;
		if (opt < 0)
			return cli_error(c->name, "unknown option '%s'", bad);
		if ((cli_options[opt].cmds & c->bit) == 0)
			return cli_error(c->name, "--%s does not apply to "
			    "'memscope %s' (see memscope %s --help)",
			    cli_options[opt].name, c->name, c->name);
		vals[*nvals].option = opt;
		vals[*nvals].arg = optarg;
		(*nvals)++;
	}
	if (optind < argc)
		return cli_error(c->name, "unexpected argument '%s' (see "
		    "memscope %s --help)", argv[optind], c->name);
	return 0;
}

/* The most option occurrences argv can hold: one argument may bundle
 * several short flags ("-hVh"), at most one per character. */
static size_t
cli_max_values(int argc, char **argv)
{
	size_t n = 1;

	for (int i = 1; i < argc; i++)
		n += strlen(argv[i]) + 1;
	return n;
}

/* Parse subcommand cmd's options: defaults, --config, the command line. */
int
cli_parse(const char *cmd, int argc, char **argv, struct cli_opts *o)
{
	const struct cli_command *c = cli_command(cmd);
	struct cli_value *vals;
	char err[512];
	int nvals, r = CLI_CONTINUE;

	memset(o, 0, sizeof *o);
	config_defaults(&o->cfg);
	if (c == NULL)
		return cli_error(cmd, "unknown command");
	vals = xcalloc(cli_max_values(argc, argv), sizeof *vals);
	if ((r = cli_collect(c, argc, argv, vals, &nvals)) != 0)
		goto out;
	r = CLI_CONTINUE;
	for (int i = 0; i < nvals; i++) {
		enum cli_action a = cli_options[vals[i].option].action;

		if (a == CLI_HELP || a == CLI_VERSION) {
			if (a == CLI_HELP)
				cli_help(cmd, stdout);
			else
				cli_version(stdout);
			r = CLI_EXIT_OK;
			goto out;
		}
		if (a == CLI_CONFIG)
			o->config_path = vals[i].arg;
	}
	if (o->config_path != NULL) {
		/* read once: the values and which keys were given (a pipe
		 * cannot be read twice) */
		if (config_load_ini(&o->cfg, o->config_path, &o->given, err,
		    sizeof err) != 0) {
			r = cli_error(cmd, "--config: %s", err);
			goto out;
		}
	}
	for (int i = 0; i < nvals; i++)
		if ((r = cli_apply(cmd, &vals[i], o)) != 0)
			goto out;
	r = CLI_CONTINUE;
	o->given_data = cli_given(o, "data");
	/* tui --load checks the options against the file's (cmd_tui.c) */
	if (!(c->bit == CLI_TUI && o->load_path != NULL) &&
	    config_validate(&o->cfg, err, sizeof err) != 0) {
		r = cli_error(cmd, "%s", err);
		goto out;
	}
	if ((c->bit & CLI_CHECKPOINT) && o->load_path == NULL) {
		r = cli_error(cmd, "--load FILE is required (the checkpoint "
		    "to evaluate)");
		goto out;
	}
	if ((r = cli_check_files(cmd, o)) != 0)
		goto out;
	r = CLI_CONTINUE;
out:
	free(vals);
	return r;
}
