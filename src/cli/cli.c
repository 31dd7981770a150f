/*
 * The one option table of the command line: every option of every
 * subcommand with its long and short names, the subcommands that take it,
 * where its value goes (a config key, or a field of struct cli_opts with
 * its range) and its help text; and the subcommands with their help pages.
 * cli_parse.c makes getopt_long's option array and the parser from it,
 * cli_help.c every --help page, so they cannot drift apart. An option has
 * one range everywhere: a config key's is config.c's, another's is here.
 */
#include <stddef.h>
#include <string.h>

#include "memscope/cli.h"
#include "memscope/cli_table.h"
#include "memscope/tour.h"

const char *const cli_group_names[GROUP_COUNT] = {
	"Figures", "Model", "Data", "Training", "Runs", "Baselines", "Timing",
	"Files", "Display", "General"
};

#define CLI_TRAINING (CLI_TUI | CLI_TRAIN)
#define CLI_TRAINERS (CLI_TRAINING | CLI_BENCH)	/* set up a trainer */
#define CLI_TASKS (CLI_TUI | CLI_TRAIN | CLI_BASELINES)
#define CLI_TESTS (CLI_ALL | CLI_STEP)
#define CLI_EVERY (CLI_ALL | CLI_STEP | CLI_REPRODUCE | CLI_BENCH | \
    CLI_WATCH | CLI_TOUR | CLI_SWEEP)
#define CLI_VIEWERS (CLI_TUI | CLI_WATCH)	/* draw on the terminal */
#define CLI_DISPLAYS (CLI_VIEWERS | CLI_TOUR)	/* and the tour */

const struct cli_option cli_options[] = {
	{ "figure", 'f', "LIST", CLI_TEXT, GROUP_FIGURES, CLI_REPRODUCE,
	    { offsetof(struct cli_opts, figures), 0, 0, 0 },
	    "the first paper's 1a, 1b, 2a, 2b, 4, 5, momentum,\n"
	    "nesterov; memscope's deep; the later paper's\n"
	    "direct, direct-cg, 3a, 3b, shift, shift-norm; or\n"
	    "all, or several separated by commas (default: all)",
	    NULL, 0 },
	{ "protocol", 0, "P", CLI_TEXT, GROUP_FIGURES, CLI_REPRODUCE,
	    { offsetof(struct cli_opts, protocol), 0, 0, 0 },
	    "code: the authors' notebooks (default; one fixed\n"
	    "batch of 1000, 1000 Adam steps, lr 0.01, no\n"
	    "clipping); text: the paper's text (clip 0.01,\n"
	    "batch redrawn every 100 steps)", NULL, 0 },
	{ "depths", 0, "N", CLI_INT, GROUP_FIGURES, CLI_REPRODUCE,
	    { offsetof(struct cli_opts, depths), 1, 6, 0 },
	    "train depths L = 1..N only, 1 to 6 (default: the\n"
	    "figure's)", NULL, 0 },
	{ "dim", 'd', "N", CLI_SET, GROUP_MODEL, CLI_TASKS | CLI_BENCH, { 0 },
	    "feature dimension d, 1 to 512", NULL, 0 },
	{ "context", 'n', "N", CLI_SET, GROUP_MODEL,
	    CLI_TASKS | CLI_BENCH | CLI_CHECKPOINT, { 0 },
	    "context points n per task, 1 to 100000",
	    "test at N context points, 1 to 100000, with the\n"
	    "same parameters (the attention averages over N);\n"
	    "refused for a model with per-token parameters\n"
	    "(lfom, rec) (default: the checkpoint's n)", CLI_CHECKPOINT },
	{ "layers", 'L', "N", CLI_SET, GROUP_MODEL, CLI_TASKS | CLI_BENCH,
	    { 0 },
	    "layers L, 1 to 64; the table has a column for\n"
	    "each layer's read-out",
	    "iterations when --iters is not given, 1 to 64", CLI_BASELINES },
	{ "heads", 'H', "N", CLI_SET, GROUP_MODEL, CLI_TRAINERS, { 0 },
	    "attention heads per layer (summed), 1 to 64", NULL, 0 },
	{ "param", 'p', "KIND", CLI_SET, GROUP_MODEL, CLI_TRAINERS, { 0 },
	    "parametrization of each head's P, Q:\n"
	    "scalar (GD step a), pre (preconditioner A),\n"
	    "gdpp (A and B), full (any P, Q); without attention:\n"
	    "direct (the LFOM w_k+1 = w_k - sum_i g_i * grad_i,\n"
	    "one vector g_i per step, --layers steps) or\n"
	    "direct-pairs (one vector per pair of steps);\n"
	    "these need --heads 1 --memory none", NULL, 0 },
	{ "memory", 'm', "KIND", CLI_SET, GROUP_MODEL, CLI_TRAINERS, { 0 },
	    "none (linear transformer), cgd (CG-like memory\n"
	    "alpha, gamma per layer), lfom (Gamma per layer)\n"
	    "or rec (cgd with a Gamma of Z's shape for gamma:\n"
	    "R = Gamma * R_prev + S, Z += (alpha/n) R)", NULL, 0 },
	{ "data", 0, "KIND", CLI_SET, GROUP_DATA, CLI_TESTS | CLI_BENCH, { 0 },
	    "covariance spectrum of x: iso (identity), paper\n"
	    "(d = 5, eigenvalues 1, 1, 1/4, 1/16, 1) or\n"
	    "kappa:K (geometric from 1 to 1/K, 1 <= K <= 1e12,\n"
	    "d >= 2; beyond 1e12 double precision cannot\n"
	    "resolve the spectrum)",
	    "the test tasks' spectrum: iso, paper or kappa:K\n"
	    "(default: the checkpoint's; the rotation U is kept)",
	    CLI_CHECKPOINT },
	{ "wstar", 0, "PRIOR", CLI_SET, GROUP_DATA, CLI_TESTS | CLI_BENCH, { 0 },
	    "prior of w*: invsigma (N(0, inverse of Sigma)) or\n"
	    "identity (N(0, I))",
	    "prior of the test tasks' w*: invsigma or identity\n"
	    "(default: the checkpoint's)", CLI_CHECKPOINT },
	{ "batch", 'b', "N", CLI_SET, GROUP_DATA, CLI_TRAINERS | CLI_REPRODUCE,
	    { 0 },
	    "training prompts per step, 1 to 10000000",
	    "training prompts where the figure uses 1000,\n"
	    "1 to 10000000 (default: the figure's)", CLI_REPRODUCE },
	{ "test-batch", 0, "N", CLI_SET, GROUP_DATA,
	    CLI_TESTS | CLI_BENCH | CLI_REPRODUCE, { 0 },
	    "prompts in the test batch, 1 to 10000000",
	    "prompts in the fresh test batch (default: the\n"
	    "checkpoint's)", CLI_CHECKPOINT },
	{ "steps", 'S', "N", CLI_SET, GROUP_TRAINING, CLI_TRAINING, { 0 },
	    "Adam steps, 0 to 100000000", NULL, 0 },
	{ "steps", 'S', "N", CLI_INT, GROUP_TRAINING, CLI_REPRODUCE,
	    { offsetof(struct cli_opts, steps), 1, 100000000, 0 },
	    NULL, "optimizer steps per training, 1 to 100000000\n"
	    "(default: 1000)", CLI_REPRODUCE },
	{ "steps", 'S', "N", CLI_INT, GROUP_TIMING, CLI_BENCH,
	    { offsetof(struct cli_opts, steps), 1, 100000000, 200 },
	    "timed steps, 1 to 100000000 (default: 200)", NULL, 0 },
	{ "warmup", 0, "N", CLI_INT, GROUP_TIMING, CLI_BENCH,
	    { offsetof(struct cli_opts, warmup), 0, 100000000, 20 },
	    "untimed steps first, 0 to 100000000\n"
	    "(default: 20)", NULL, 0 },
	{ "dgemm", 0, NULL, CLI_FLAG, GROUP_TIMING, CLI_BENCH,
	    { offsetof(struct cli_opts, dgemm), 0, 0, 0 },
	    "always time the reference DGEMM (default: only\n"
	    "for a step of 1e8 FLOPs or more)", NULL, 0 },
	{ "no-dgemm", 0, NULL, CLI_FLAG, GROUP_TIMING, CLI_BENCH,
	    { offsetof(struct cli_opts, no_dgemm), 0, 0, 0 },
	    "never time it (not with --dgemm)", NULL, 0 },
	{ "speedup", 0, NULL, CLI_FLAG, GROUP_TIMING, CLI_BENCH,
	    { offsetof(struct cli_opts, speedup), 0, 0, 0 },
	    "compare --threads N (>= 2) with one thread: both\n"
	    "in this process, in alternating chunks of steps\n"
	    "(no DGEMM: not with --dgemm)", NULL, 0 },
	{ "isa", 0, "NAME", CLI_TEXT, GROUP_TIMING, CLI_BENCH,
	    { offsetof(struct cli_opts, isa), 0, 0, 0 },
	    "the lane kernels' instruction set: avx512, avx2,\n"
	    "x86-64 (the baseline; its fused multiply-adds in\n"
	    "software, many times slower) or auto (default:\n"
	    "the best this CPU runs; the environment's\n"
	    "MEMSCOPE_ISA sets it for every command); every one\n"
	    "gives the same bits", NULL, 0 },
	{ "lr", 0, "X", CLI_SET, GROUP_TRAINING, CLI_TRAINERS | CLI_REPRODUCE,
	    { 0 },
	    "Adam learning rate, > 0 (beta1, beta2: --adam-beta1,\n"
	    "--adam-beta2)", NULL, 0 },
	{ "clip", 0, "X", CLI_SET, GROUP_TRAINING, CLI_TRAINERS, { 0 },
	    "clip each parameter block's gradient to this\n"
	    "Frobenius norm, >= 0; 0: no clipping", NULL, 0 },
	{ "resample", 0, "N", CLI_SET, GROUP_TRAINING, CLI_TRAINERS, { 0 },
	    "redraw the training batch every N steps;\n"
	    "0: one fixed batch", NULL, 0 },
	{ "adam-beta1", 0, "X", CLI_SET, GROUP_TRAINING, CLI_TRAINERS, { 0 },
	    "Adam's first-moment decay, 0 <= beta1 < 1", NULL, 0 },
	{ "adam-beta2", 0, "X", CLI_SET, GROUP_TRAINING, CLI_TRAINERS, { 0 },
	    "Adam's second-moment decay, 0 <= beta2 < 1", NULL, 0 },
	{ "weight-decay", 0, "X", CLI_SET, GROUP_TRAINING, CLI_TRAINERS, { 0 },
	    "decoupled weight decay, >= 0, as AdamW: each\n"
	    "step p -= lr * X * p before Adam's; 0: none", NULL, 0 },
	{ "seed", 's', "N", CLI_SET, GROUP_RUNS,
	    CLI_TESTS | CLI_BENCH | CLI_REPRODUCE, { 0 },
	    "seed of the first run, 0 to 2^63-1: it draws the\n"
	    "rotation U, the tasks and the initial parameters;\n"
	    "the last run's, seed + runs - 1, must be a seed too",
	    "seed of the fresh test tasks (default: the\n"
	    "checkpoint's, which gives its own test batch)", CLI_CHECKPOINT },
	{ "task", 'k', "K", CLI_INT, GROUP_RUNS, CLI_STEP,
	    { offsetof(struct cli_opts, task), 0, 9999999, 0 },
	    "the test task to trace, 0 to test-batch - 1\n"
	    "(default: 0)", NULL, 0 },
	{ "runs", 'r', "N", CLI_SET, GROUP_RUNS,
	    CLI_TRAIN | CLI_BASELINES | CLI_REPRODUCE, { 0 },
	    "runs with seeds seed, seed+1, ..., 1 to 1000;\n"
	    "the table gives mean +- std over runs;\n"
	    "+- is the sample standard deviation (n - 1)",
	    "runs (seeds) per curve, 1 to 1000 (default: 5);\n"
	    "with one run there is no spread: the tables show\n"
	    "no +-, the summary CSV's std is empty, and nothing\n"
	    "that needs a spread (the ! against the paper, the\n"
	    "heads claim's gaps) is checked", CLI_REPRODUCE },
	{ "threads", 'j', "N", CLI_SET, GROUP_RUNS, CLI_TRAINERS | CLI_EVAL,
	    { 0 },
	    "worker threads, 1 to 256: with several runs, that\n"
	    "many runs at once (one thread each; default: the\n"
	    "number of CPUs, at most 64); with one run, the\n"
	    "batch is split among them (default: 1)",
	    "threads that split the test batch, 1 to 256\n"
	    "(default: 1)", CLI_EVAL },
	{ "threads", 'j', "N", CLI_SET, GROUP_RUNS, CLI_REPRODUCE, { 0 },
	    NULL, "worker threads, 1 to 256, each training whole\n"
	    "models (default: the number of CPUs, at most 64)",
	    CLI_REPRODUCE },
	{ "iters", 0, "N", CLI_INT, GROUP_BASELINES, CLI_BASELINES,
	    { offsetof(struct cli_opts, iters), 1, 10000, 0 },
	    "iterations k = 0..N of each method, 1 to 10000\n"
	    "(default: --layers)", NULL, 0 },
	{ "quirks", 0, NULL, CLI_FLAG_SET, GROUP_BASELINES,
	    CLI_ALL | CLI_STEP | CLI_REPRODUCE, { 0 },
	    "the authors' off-by-one: baselines (and the\n"
	    "direct kinds' gradient) use only the first n - 1\n"
	    "context points (--quirks=false: off)", NULL, 0 },
	{ "gd-step", 0, "X", CLI_SET, GROUP_BASELINES, CLI_ALL | CLI_STEP,
	    { 0 },
	    "GD step (and oracle GD's); 0: for each iteration\n"
	    "count the best of a grid, on a separate batch", NULL, 0 },
	{ "mom-eta", 0, "X", CLI_SET, GROUP_BASELINES, CLI_ALL, { 0 },
	    "heavy-ball momentum step, > 0", NULL, 0 },
	{ "mom-beta", 0, "X", CLI_SET, GROUP_BASELINES, CLI_ALL, { 0 },
	    "heavy-ball momentum coefficient, 0 <= beta < 1", NULL, 0 },
	{ "nest-eta", 0, "X", CLI_SET, GROUP_BASELINES, CLI_ALL | CLI_STEP,
	    { 0 },
	    "Nesterov step, > 0", NULL, 0 },
	{ "nest-beta", 0, "X", CLI_SET, GROUP_BASELINES, CLI_ALL | CLI_STEP,
	    { 0 },
	    "Nesterov coefficient, 0 <= beta < 1", NULL, 0 },
	{ "config", 'c', "FILE", CLI_CONFIG, GROUP_FILES,
	    CLI_ALL | CLI_STEP | CLI_BENCH,
	    { offsetof(struct cli_opts, config_path), 0, 0, 0 },
	    "INI file of key = value lines with the long option\n"
	    "names as keys, applied before the command line\n"
	    "(the user config file is not read: the results\n"
	    "depend on the command line and FILE alone)",
	    "INI file of key = value lines with the long option\n"
	    "names as keys (and theme, speed, screen), applied\n"
	    "after the user config file and before the command\n"
	    "line", CLI_TUI },
	{ "no-user-config", 0, NULL, CLI_FLAG, GROUP_FILES, CLI_VIEWERS,
	    { offsetof(struct cli_opts, no_user_config), 0, 0, 0 },
	    "do not read $XDG_CONFIG_HOME/memscope/config.ini\n"
	    "(or ~/.config/memscope/config.ini); so does\n"
	    "MEMSCOPE_NO_USER_CONFIG=1", NULL, 0 },
	{ "overlay", 0, "FILE", CLI_LIST, GROUP_FILES, CLI_TUI,
	    { offsetof(struct cli_opts, overlay), 0, CLI_LIST_MAX, 0 },
	    "draw the saved history FILE (of train --csv or\n"
	    "--live, or the export key) as reference runs, one\n"
	    "per run in it; repeatable, as the run list has room",
	    NULL, 0 },
	{ "csv", 0, "FILE", CLI_TEXT, GROUP_FILES,
	    CLI_TUI | CLI_TRAIN | CLI_EVAL | CLI_BASELINES,
	    { offsetof(struct cli_opts, csv_path), 0, 0, 0 },
	    "write a CSV table to FILE (see Output below);\n"
	    "- is standard output (then no table is printed)", NULL, 0 },
	{ "live", 0, "FILE", CLI_TEXT, GROUP_FILES, CLI_TRAIN,
	    { offsetof(struct cli_opts, live_path), 0, 0, 0 },
	    "write the history (--csv's columns, every run) to\n"
	    "FILE as training goes: made afresh, appended and\n"
	    "flushed every 0.5 s, a growing file for memscope\n"
	    "watch FILE (unlike --csv, written once at the end)",
	    NULL, 0 },
	{ "json", 0, "FILE", CLI_TEXT, GROUP_FILES,
	    CLI_TRAIN | CLI_EVAL | CLI_BASELINES,
	    { offsetof(struct cli_opts, json_path), 0, 0, 0 },
	    "write a JSON summary to FILE (see Output below);\n"
	    "- is standard output (then no table is printed)", NULL, 0 },
	{ "json", 0, NULL, CLI_FLAG, GROUP_FILES, CLI_STEP | CLI_BENCH,
	    { offsetof(struct cli_opts, json_stdout), 0, 0, 0 },
	    "print JSON on stdout instead of the tables", NULL, 0 },
	{ "save", 0, "FILE", CLI_TEXT, GROUP_FILES, CLI_TRAINING,
	    { offsetof(struct cli_opts, save_path), 0, 0, 0 },
	    "write a checkpoint of the (first) run to FILE;\n"
	    "a regular file is replaced atomically, keeping its\n"
	    "mode and owner; a device or FIFO is written through", NULL, 0 },
	{ "load", 0, "FILE", CLI_TEXT, GROUP_FILES, CLI_TUI | CLI_CHECKPOINT,
	    { offsetof(struct cli_opts, load_path), 0, 0, 0 },
	    "start from the checkpoint FILE",
	    "the checkpoint to evaluate (required)", CLI_CHECKPOINT },
	{ "svg", 0, "FILE", CLI_TEXT, GROUP_FILES, CLI_TUI,
	    { offsetof(struct cli_opts, svg_path), 0, 0, 0 },
	    "where the export key writes the screen as SVG\n"
	    "(default memscope-screen.svg)", NULL, 0 },
	{ "record", 0, "FILE", CLI_TEXT, GROUP_FILES, CLI_TUI | CLI_TOUR,
	    { offsetof(struct cli_opts, record_path), 0, 0, 0 },
	    "record the session as an asciicast v2 file (for\n"
	    "asciinema play), complete when the session ends", NULL, 0 },
	{ "out", 'o', "DIR", CLI_TEXT, GROUP_FILES, CLI_REPRODUCE,
	    { offsetof(struct cli_opts, outdir), 0, 0, 0 },
	    "output directory, made if missing (default:\n"
	    "./reproduce)", NULL, 0 },
	{ "out", 'o', "DIR", CLI_TEXT, GROUP_FILES, CLI_SWEEP,
	    { offsetof(struct cli_opts, outdir), 0, 0, 0 },
	    NULL, "plan, run: the sweep's directory (made if\n"
	    "missing): the plan, results/, logs/ and the merged\n"
	    "tables; required", CLI_SWEEP },
	{ "memscope", 0, "CMD", CLI_TEXT, GROUP_FILES, CLI_SWEEP,
	    { offsetof(struct cli_opts, memscope_cmd), 0, 0, 0 },
	    NULL, "plan: the program each line of jobs.txt starts\n"
	    "with (default: this one's absolute path; give\n"
	    "memscope to take it from each machine's PATH)", CLI_SWEEP },
	{ "svg", 0, "FILE", CLI_TEXT, GROUP_FILES, CLI_SWEEP,
	    { offsetof(struct cli_opts, svg_path), 0, 0, 0 },
	    NULL, "merge: where the figure goes (default:\n"
	    "DIR/heatmap.svg or DIR/lines.svg)", CLI_SWEEP },
	{ "yes", 'y', NULL, CLI_FLAG, GROUP_RUNS, CLI_SWEEP,
	    { offsetof(struct cli_opts, yes), 0, 0, 0 },
	    NULL, "plan, run: a grid of more than 1000 jobs is\n"
	    "meant (at most 1000000)", CLI_SWEEP },
	{ "array-limit", 0, "N", CLI_INT, GROUP_RUNS, CLI_SWEEP,
	    { offsetof(struct cli_opts, array_limit), 1, 100000, 32 },
	    NULL, "plan: Slurm array tasks running at once, 1 to\n"
	    "100000 (default: 32)", CLI_SWEEP },
	{ "force", 0, NULL, CLI_FLAG, GROUP_RUNS, CLI_SWEEP,
	    { offsetof(struct cli_opts, force), 0, 0, 0 },
	    NULL, "job: train even if its result is there (it is\n"
	    "replaced)", CLI_SWEEP },
	{ "heatmap", 0, "METRIC", CLI_TEXT, GROUP_FIGURES, CLI_SWEEP,
	    { offsetof(struct cli_opts, heatmap), 0, 0, 0 },
	    NULL, "merge: a heatmap of METRIC over --x and --y:\n"
	    "model, gd, gd-oracle, momentum, nesterov, cg, lsq,\n"
	    "schulz (log test error), or A-B of two (model-cg:\n"
	    "below 0 the model is better), mean over seeds", CLI_SWEEP },
	{ "lines", 0, "METRIC", CLI_TEXT, GROUP_FIGURES, CLI_SWEEP,
	    { offsetof(struct cli_opts, lines), 0, 0, 0 },
	    NULL, "merge: METRIC over --x, a line per value of\n"
	    "--by, +- one std over seeds", CLI_SWEEP },
	{ "x", 0, "AXIS", CLI_TEXT, GROUP_FIGURES, CLI_SWEEP,
	    { offsetof(struct cli_opts, axis_x), 0, 0, 0 },
	    NULL, "merge: the figure's horizontal axis (a key the\n"
	    "sweep file gave several values)", CLI_SWEEP },
	{ "y", 0, "AXIS", CLI_TEXT, GROUP_FIGURES, CLI_SWEEP,
	    { offsetof(struct cli_opts, axis_y), 0, 0, 0 },
	    NULL, "merge: the heatmap's vertical axis", CLI_SWEEP },
	{ "by", 0, "AXIS", CLI_TEXT, GROUP_FIGURES, CLI_SWEEP,
	    { offsetof(struct cli_opts, axis_by), 0, 0, 0 },
	    NULL, "merge: the line plot's lines", CLI_SWEEP },
	{ "layer", 0, "K", CLI_TEXT, GROUP_FIGURES, CLI_SWEEP,
	    { offsetof(struct cli_opts, layer), 0, 0, 0 },
	    NULL, "merge: the figure's read-out, 1 to 64, or last\n"
	    "(default: each job's last)", CLI_SWEEP },
	{ "where", 0, "AXIS=VALUE", CLI_LIST, GROUP_FIGURES, CLI_SWEEP,
	    { offsetof(struct cli_opts, where), 0, CLI_LIST_MAX, 0 },
	    NULL, "merge: fix an axis the figure does not show\n"
	    "(repeatable)", CLI_SWEEP },
	{ "complete", 0, NULL, CLI_FLAG, GROUP_FIGURES, CLI_SWEEP,
	    { offsetof(struct cli_opts, complete), 0, 0, 0 },
	    NULL, "merge: exit 1 if a job is missing or failed\n"
	    "(they are listed either way)", CLI_SWEEP },
	{ "threads", 'j', "N", CLI_SET, GROUP_RUNS, CLI_SWEEP, { 0 },
	    NULL, "run: jobs at once, 1 to 256 (default: the\n"
	    "number of CPUs, at most 64)", CLI_SWEEP },
	{ "compare", 0, "KEY=V1,V2,...", CLI_LIST, GROUP_RUNS, CLI_TUI,
	    { offsetof(struct cli_opts, compare), 0, 2, 0 },
	    "train a run per value side by side, on the same\n"
	    "tasks; KEY memory, heads, layers, param, data, lr,\n"
	    "clip or wstar, each value as that option takes it\n"
	    "(memory=none,cgd,lfom; data=iso,kappa:100); given\n"
	    "twice, a run per pair of values; at most 8 runs",
	    NULL, 0 },
	{ "speed", 0, "N|max", CLI_VIEW, GROUP_DISPLAY, CLI_TUI | CLI_TOUR,
	    { 0 },
	    "steps per second of each run, 1 to 100000, or max\n"
	    "(unlimited); default: a pace to watch (the status\n"
	    "line shows it and the key that lifts it)",
	    "every stage's steps per second, 1 to 100000, or\n"
	    "max (unlimited); default: each stage's own pace", CLI_TOUR },
	{ "stage", 0, "N", CLI_INT, GROUP_DISPLAY, CLI_TOUR,
	    { offsetof(struct cli_opts, stage), 1, TOUR_NSTAGES, 1 },
	    "start at stage N (--help lists them)\n"
	    "(default: 1)", NULL, 0 },
	{ "screen", 0, "N|NAME", CLI_VIEW, GROUP_DISPLAY, CLI_TUI, { 0 },
	    "the screen to start on: 1 to 5 or dashboard,\n"
	    "parameters, memory, step, teach (default: 1)", NULL, 0 },
	{ "theme", 0, "NAME|PATH", CLI_TEXT, GROUP_DISPLAY, CLI_DISPLAYS,
	    { offsetof(struct cli_opts, theme), 0, 0, 0 },
	    "colour theme by name or as a path to a .theme file", NULL, 0 },
	{ "ascii", 0, NULL, CLI_FLAG, GROUP_DISPLAY, CLI_DISPLAYS,
	    { offsetof(struct cli_opts, ascii), 0, 0, 0 },
	    "draw with ASCII only (no braille or block glyphs)", NULL, 0 },
	{ "mono", 0, NULL, CLI_FLAG, GROUP_DISPLAY, CLI_DISPLAYS,
	    { offsetof(struct cli_opts, mono), 0, 0, 0 },
	    "no colour (also when NO_COLOR is set and non-empty)", NULL, 0 },
	{ "quiet", 'q', NULL, CLI_FLAG, GROUP_DISPLAY,
	    CLI_TRAIN | CLI_REPRODUCE | CLI_SWEEP,
	    { offsetof(struct cli_opts, quiet), 0, 0, 0 },
	    "no progress on stderr", NULL, 0 },
	{ "scale", 0, "S", CLI_SET, GROUP_DATA, CLI_TESTS | CLI_BENCH, { 0 },
	    "variance s of the raw draws of x and w*, > 0:\n"
	    "x = U D x_raw, w* = U D^-1 w_raw, both raw\n"
	    "N(mean, s I); the labels' mean square (about\n"
	    "d (s + mean^2)^2) from 1e-150 to 1e150",
	    "the test tasks' variance s (default: the\n"
	    "checkpoint's; the rotation U is kept)", CLI_CHECKPOINT },
	{ "mean", 0, "M", CLI_SET, GROUP_DATA, CLI_TESTS | CLI_BENCH, { 0 },
	    "mean of every coordinate of the raw draws of x\n"
	    "and w*, any finite number",
	    "the test tasks' raw mean (default: the\n"
	    "checkpoint's)", CLI_CHECKPOINT },
	{ "gates", 0, NULL, CLI_FLAG_SET, GROUP_MODEL, CLI_TRAINERS, { 0 },
	    "one gate g_h per head, shared by the layers:\n"
	    "a layer adds sum_h g_h Attn_h / n (g starts at 1)", NULL, 0 },
	{ "freeze", 0, "WHAT", CLI_SET, GROUP_TRAINING, CLI_TRAINERS, { 0 },
	    "none, or attention: Adam leaves the attention\n"
	    "blocks (a, A, B, P, Q) alone, only memory and\n"
	    "gates train", NULL, 0 },
	{ "init", 0, "FILE[,FILE]", CLI_TEXT, GROUP_FILES, CLI_TRAINING,
	    { offsetof(struct cli_opts, init_path), 0, 0, 0 },
	    "start from the parameters of checkpoint FILE\n"
	    "(its blocks of the same name, layer, head and\n"
	    "shape; the others keep their random init); several\n"
	    "one-head FILEs: head h from file h (--heads N)",
	    NULL, 0 },
	{ "help", 'h', NULL, CLI_HELP, GROUP_GENERAL, CLI_EVERY, { 0 },
	    "show this help and exit", NULL, 0 },
	{ "version", 'V', NULL, CLI_VERSION, GROUP_GENERAL, CLI_EVERY, { 0 },
	    "show the version and exit", NULL, 0 },
	{ "rotation", 0, "LAW", CLI_SET, GROUP_DATA,
	    CLI_TASKS | CLI_BENCH | CLI_REPRODUCE, { 0 },
	    "law of the rotation U: haar (uniform on the\n"
	    "orthogonal group) or uniform-svd (the authors':\n"
	    "left singular vectors of a Uniform(-1, 1) matrix)",
	    "law of the rotation U: uniform-svd (the authors'\n"
	    "code) or haar (as memscope train)\n"
	    "(default: uniform-svd)",
	    CLI_REPRODUCE },
};
const int cli_noptions = (int)(sizeof cli_options / sizeof cli_options[0]);

const struct cli_command cli_commands[] = {
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
	    "--csv FILE and --svg FILE are where the export key writes the\n"
	    "history and the screen; --save FILE is where the save key\n"
	    "writes a checkpoint; --record FILE.cast records the session\n"
	    "(doc/formats.md has both formats). A run that diverges\n"
	    "(a loss that is not finite, or a last loss above 100 times its\n"
	    "start: see memscope train --help) stops with 'diverged' on the\n"
	    "status line and the reason on the message line. A terminal it\n"
	    "cannot draw on (an unknown TERM, more than 2000x1000 cells) is\n"
	    "refused with status 2. SIGINT, SIGTERM, SIGHUP and SIGQUIT\n"
	    "restore the terminal and exit with 128 + the signal.\n",
	    "  memscope\n"
	    "  memscope --memory cgd --heads 2\n"
	    "  memscope --load model.json --mono\n", NULL },
	{ "train", CLI_TRAIN, "memscope train [OPTIONS]",
	    "headless training: progress on stderr, results on stdout",
	    "Train --runs models (seeds seed, seed+1, ...) for --steps Adam\n"
	    "steps each, then evaluate every layer's read-out on a fresh test\n"
	    "batch from the same distribution, beside the classical methods\n"
	    "run for as many iterations as the model has layers. Progress goes\n"
	    "to stderr (none with --quiet): first the runs and the threads\n"
	    "they use, then a live bar on a terminal, otherwise a line about\n"
	    "every 10% of the work; SIGINT or SIGTERM ends it with a line\n"
	    "saying 'interrupted'. Several runs train at once, one per thread,\n"
	    "on all CPUs (at most 64) unless --threads says otherwise.\n",
	    "stdout: the natural log of the mean squared query error on the\n"
	    "test batch, one column per layer read-out (baselines: per\n"
	    "iteration), rows model, gd, gd-oracle, momentum, nesterov, cg,\n"
	    "lsq, schulz (Newton-Schulz; a comment line gives its cost);\n"
	    "the mean over runs, and with several runs 'mean +- std'.\n"
	    "--csv: one row per step, header run,step,train_mse,test_mse,\n"
	    "seconds (the visualizer's export has the same columns).\n"
	    "train_mse is the batch loss the step's gradient came from;\n"
	    "test_mse (mean squared query error after the last layer) is\n"
	    "measured after every max(1, steps/100)-th step and the last one,\n"
	    "and left empty in the other rows; seconds since the run started.\n"
	    "--json: the configuration, each run's log test losses per layer\n"
	    "and baseline, and their mean and std. --save: run 0. Every\n"
	    "format: doc/formats.md.\n"
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
	    "  memscope train --steps 200 --save model.json\n", NULL },
	{ "eval", CLI_EVAL, "memscope eval --load FILE [OPTIONS]",
	    "evaluate a saved model against the baselines",
	    "Load a checkpoint and evaluate its model and the classical\n"
	    "methods on a fresh test batch: by default from the checkpoint's\n"
	    "own distribution and seed (which reproduces train's table), or\n"
	    "from another --data / --wstar (the rotation U of the checkpoint\n"
	    "is kept) or another --seed, to see how the learned algorithm\n"
	    "generalises. --context N tests the same parameters on tasks of\n"
	    "N context points, the attention averaging over N, and the\n"
	    "methods on the same tasks; a model with per-token parameters\n"
	    "(lfom's and rec's Gamma) is refused with status 2. Keys of\n"
	    "--config that eval does not take (the rest of the model's\n"
	    "shape, training) are ignored: they come from the file.\n",
	    "stdout: the same table as train. --csv: one row per method and\n"
	    "layer, header method,k,mse,ln_mse,context. --json: the\n"
	    "configuration, the context used and the table. A result that\n"
	    "is not finite (an overflow) is never printed: a message names\n"
	    "it and the exit status is 1.\n",
	    "  memscope eval --load model.json\n"
	    "  memscope eval --load model.json --context 80\n"
	    "  memscope eval --load model.json --data iso\n"
	    "  memscope eval --load model.json --data kappa:50 --seed 7\n", NULL },
	{ "baselines", CLI_BASELINES, "memscope baselines [OPTIONS]",
	    "GD, CG, momentum and Nesterov per iteration",
	    "Run the classical methods alone (GD, GD preconditioned by the\n"
	    "oracle inverse covariance, heavy-ball momentum, Nesterov,\n"
	    "conjugate gradient, the least-squares solution as the floor, and\n"
	    "the Newton-Schulz iteration for the inverse of H = XX^T) on a\n"
	    "test batch, from w = 0, for k = 0..--iters iterations.\n"
	    "\n"
	    "Newton-Schulz (column schulz): M_0 = H / lambda_max(H)^2, then\n"
	    "M <- M(2I - H M) and w_k = M_k X y. Each step is two dxd matrix\n"
	    "products, 4d^3 flops, where a GD step on X costs 4nd (2d^2 with\n"
	    "H formed once): at d = 5, n = 20 one step costs as much as about\n"
	    "1.25 GD steps on X, at d = 20, n = 60 as much as about 6.7.\n",
	    "stdout: one row per iteration k, one column per method: the\n"
	    "natural log of the mean squared query error (mean over runs;\n"
	    "'mean +- std' with several runs). --csv: header\n"
	    "run,seed,method,k,mse,ln_mse,step_size (the step size used, 0\n"
	    "for CG, lsq and schulz). --json: the configuration, each run's\n"
	    "values and their mean and std. A result that is not finite (a\n"
	    "method that overflowed, e.g. with too large a step) is never\n"
	    "printed: a message names it and the exit status is 1.\n",
	    "  memscope baselines\n"
	    "  memscope baselines --data iso --iters 10\n"
	    "  memscope baselines --data kappa:1000 --dim 20 --context 60\n", NULL },
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
	    "layer's update; then why the methods differ: each one's error\n"
	    "along the eigen-directions of XX'/n, its residual polynomial at\n"
	    "the eigenvalues (or, for a matrix preconditioner, its factor\n"
	    "per direction), CG and the model written as linear first-order\n"
	    "methods (the weight each layer gives each past gradient), and a\n"
	    "sentence per view and layer on what to notice (doc/math.md\n"
	    "section 10). The task is task K of the checkpoint's test\n"
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
	    "gamma_label_rows; rec: alpha, gamma_query,\n"
	    "gamma_label_rows), teach.{basis, directions, polynomial_grid,\n"
	    "polynomials, cg_weights, model_preconditioners, model_steps,\n"
	    "notes}, and the checkpoint, task and configuration.\n",
	    "  memscope step --load model.json\n"
	    "  memscope step --load model.json --task 17\n"
	    "  memscope step --load model.json --seed 5 --data iso --json\n", NULL },
	{ "reproduce", CLI_REPRODUCE, "memscope reproduce [OPTIONS]",
	    "the paper's experiments: tables, CSV, SVG figures",
	    "Run the experiments of the paper's figures (doc/math.md section\n"
	    "7) and of its later version (section 12): one model per depth\n"
	    "L = 1..4 and run (two-phase figures train phase 2 from phase 1),\n"
	    "the classical baselines and theory lines on the same tasks.\n"
	    "Writes DIR/figX.csv, figX_summary.csv and figX.svg per figure and\n"
	    "prints, per figure, memscope's mean +- std beside the published\n"
	    "value, then checks the papers' claims. +- is the sample standard\n"
	    "deviation over runs (n - 1). The rotation U follows the authors'\n"
	    "law unless --rotation haar.\n"
	    "\n"
	    "--steps, --batch, --test-batch, --depths and --lr are for quick\n"
	    "looks: the numbers are then not comparable with the paper's.\n",
	    "stdout: per figure a table of memscope's mean +- std beside the\n"
	    "paper's value, then the paper's claims checked. stderr: the\n"
	    "progress (a line rewritten in place on a terminal, otherwise a\n"
	    "line per finished training; none with --quiet). --out DIR:\n"
	    "per figure figX.csv (a row per run), figX_summary.csv (mean,\n"
	    "std) and figX.svg, each written atomically (doc/formats.md).\n",
	    "  memscope reproduce\n"
	    "  memscope reproduce --figure 1a,2b --runs 3 --out figs\n"
	    "  memscope reproduce --figure 4 --steps 100 --depths 2 -q\n",
	    "Exit status: 0 on success; 1 if the work failed, or if a training\n"
	    "diverged (its loss not finite, or ending above 100 times its\n"
	    "start: see memscope train --help) or a value is not finite, after\n"
	    "everything is printed and written with those marked; 2 on bad\n"
	    "input (a line on stderr names the option; nothing is done or\n"
	    "written).\n" },
	{ "bench", CLI_BENCH, "memscope bench [OPTIONS]",
	    "throughput of the training step",
	    "Time the training step (forward, backward and Adam over the batch)\n"
	    "of an experiment: milliseconds per step, tasks per second,\n"
	    "floating-point operations per step counted from the model's\n"
	    "shapes, and the FLOP rate. For a large step it also times one\n"
	    "OpenBLAS DGEMM of as many FLOPs, on as many threads, as a\n"
	    "yardstick for this machine. The experiment options are those of\n"
	    "memscope train that shape a training step.\n",
	    "stdout: the configuration, the path and kernels, ms/step,\n"
	    "tasks/s, FLOP/step, GFLOP/s, the DGEMM's rate and the final loss;\n"
	    "with --json one object instead. ms_per_step is the mean over the\n"
	    "timed steps; median and min are over ten equal chunks of them.\n"
	    "The figures vary with the load of the machine: compare programs\n"
	    "by alternating runs (tests/bench/run.sh does).\n",
	    "  memscope bench\n"
	    "  memscope bench --memory none --threads 2 --steps 1000\n"
	    "  memscope bench --dim 64 --context 256 --data iso --param full "
	    "--steps 3\n", NULL },
	{ "watch", CLI_WATCH, "memscope watch FILE [OPTIONS]",
	    "draw a run that memscope train --live is writing, live",
	    "Follow the history CSV FILE as it grows (the file of memscope\n"
	    "train --live FILE, in this terminal or another, or over ssh) and\n"
	    "draw it with the visualizer's plots, one run per run of the\n"
	    "file, read-only: the keys that change training say so. The file\n"
	    "is read again from its start when it is truncated or replaced\n"
	    "(a new train --live run). A FILE that does not exist yet is\n"
	    "waited for ('waiting for FILE'); its directory must exist.\n"
	    "The status line says 'running' while the file grows, and\n"
	    "'paused' (the message line 'idle') when it has not grown for\n"
	    "5 s. Reads the user config file (its theme) as the visualizer\n"
	    "does.\n",
	    "Nothing is written. A FILE that is not a history CSV (a wrong\n"
	    "header, a bad row) is refused with its line: at start with status\n"
	    "2, later on the message line, where following stops.\n",
	    "  memscope train --live run.csv --steps 20000 &\n"
	    "  memscope watch run.csv\n"
	    "  ssh -t host memscope watch /tmp/run.csv\n", NULL },
	{ "sweep", CLI_SWEEP, "memscope sweep plan|run|merge|job ARGS [OPTIONS]",
	    "grids of trainings on local cores, GNU parallel, Slurm",
	    "  memscope sweep plan FILE --out DIR        plan the grid\n"
	    "  memscope sweep run FILE --out DIR         plan, run here, merge\n"
	    "  memscope sweep merge DIR                  tables and a figure\n"
	    "  memscope sweep job DIR ID [KEY=VALUE...]  one job: a line of\n"
	    "                                            jobs.txt, or by id\n"
	    "\n"
	    "A sweep FILE is an INI file with the keys of --config, where a\n"
	    "key may take several values: a list (kappa = 2, 10, 100), a range\n"
	    "of integers (layers = 1..8), steps (lr = 0.01..0.05 step 0.01) or\n"
	    "a geometric range (kappa = 2..1000 log 4: four values, rounded to\n"
	    "3 digits); kappa = K is data = kappa:K; seeds = N trains each point\n"
	    "with seeds seed..seed+N-1. Every combination of the values is a\n"
	    "job: one training and its evaluation (as memscope train), named by\n"
	    "a hash of its whole configuration, the same on every machine.\n"
	    "\n"
	    "plan FILE --out DIR writes DIR/jobs.txt, one self-contained\n"
	    "memscope command per job (for GNU parallel, xargs -P or any\n"
	    "runner), DIR/slurm.sbatch (a Slurm job array of the same\n"
	    "commands) and DIR/sweep.json. run FILE --out DIR plans, runs\n"
	    "every job on this machine's cores with a progress bar, then\n"
	    "merges. A job whose result is in DIR/results is skipped, so a\n"
	    "sweep resumes where it stopped, whichever engine ran it; every\n"
	    "engine writes the same results, bit for bit. merge DIR writes the\n"
	    "tables and a figure, and lists missing and failed jobs. job is\n"
	    "what jobs.txt's lines run; job DIR ID --force trains job ID of\n"
	    "the plan again, from its settings in DIR/sweep.json.\n",
	    "stdout: plan, what was planned and how to run it; merge (and\n"
	    "run), mean +- std over seeds at each point's last read-out, and\n"
	    "the missing and failed jobs. stderr: run's progress (a bar on a\n"
	    "terminal; none with --quiet). Files: DIR/results/ID.json per job;\n"
	    "DIR/results.csv (a row per job and read-out, a column per swept\n"
	    "key), DIR/summary.csv (mean and std over seeds) and the SVG\n"
	    "figure, all written atomically (doc/formats.md).\n",
	    "  memscope sweep run grid.ini --out grid\n"
	    "  memscope sweep plan grid.ini --out grid\n"
	    "  parallel --jobs 8 < grid/jobs.txt; memscope sweep merge grid\n"
	    "  sbatch grid/slurm.sbatch\n"
	    "  memscope sweep merge grid --heatmap model-cg --x kappa --y dim\n"
	    "      --where layers=4\n",
	    "Exit status: 0 on success; 1 if a job failed or the work did (run:\n"
	    "after merging what there is), or with --complete if a job is\n"
	    "missing or failed; 2 on bad input (a bad sweep file names its line;\n"
	    "a grid of more than 1000 jobs without --yes; a directory holding\n"
	    "another sweep's results): nothing is done or written.\n" },
	{ "tour", CLI_TOUR, "memscope tour [OPTIONS]",
	    "a guided lesson: CG against a learned LFOM, stage by stage",
	    "A short scripted lesson to show in class without notes. Each\n"
	    "stage sets up an experiment, trains it live in the visualizer on\n"
	    "the screen that shows it, and says in a caption at the bottom\n"
	    "what to look at, with the numbers to expect. Keys: space the next\n"
	    "stage, b the one before, p pause / resume, r the stage again\n"
	    "from the start, q quit; the visualizer's other keys work as in\n"
	    "memscope tui (? lists them). After the last stage a closing card\n"
	    "suggests what to try next; space there ends the tour. The\n"
	    "stages:\n",
	    "Nothing is written unless asked: --record FILE.cast records the\n"
	    "session; the save and export keys write as in memscope tui.\n",
	    "  memscope tour\n"
	    "  memscope tour --stage 3 --speed 300\n"
	    "  memscope tour --mono --record lesson.cast\n", NULL },
};
const int cli_ncommands =
    (int)(sizeof cli_commands / sizeof cli_commands[0]);

/* The subcommand called name, or NULL. */
const struct cli_command *
cli_command(const char *name)
{
	for (int i = 0; name != NULL && i < cli_ncommands; i++)
		if (strcmp(cli_commands[i].name, name) == 0)
			return &cli_commands[i];
	return NULL;
}

/* Whether subcommand bit takes config key `key` (on its command line). */
bool
cli_takes(unsigned bit, const char *key)
{
	const char *canon = config_key_canonical(key);

	for (int i = 0; canon != NULL && i < cli_noptions; i++)
		if ((cli_options[i].action == CLI_SET ||
		    cli_options[i].action == CLI_FLAG_SET) &&
		    (cli_options[i].cmds & bit) != 0 &&
		    strcmp(cli_options[i].name, canon) == 0)
			return true;
	return false;
}
