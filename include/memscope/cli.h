/*
 * The command line shared by every subcommand: the experiment options of
 * struct ms_config plus the file, display and command options, all parsed
 * from one option table (cli_table.h). Subcommands are
 * int cmd_NAME(int argc, char **argv) returning the exit status.
 */
#ifndef MEMSCOPE_CLI_H
#define MEMSCOPE_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "memscope/config.h"

struct trainer;

#define CLI_LIST_MAX 8		/* occurrences a repeatable option keeps */
#define CLI_SPEED_DEFAULT (-1)	/* --speed not given: the visualizer's
				 * pace (engine.h's ENGINE_SPEED_DEFAULT) */

/* The values of a repeatable option, in the order given. */
struct cli_list {
	const char *v[CLI_LIST_MAX];
	int n;
};

struct cli_opts {
	struct ms_config cfg;
	const char *config_path;	/* --config */
	const char *csv_path;		/* --csv */
	const char *live_path;		/* --live FILE (train) */
	const char *json_path;		/* --json FILE */
	const char *save_path;		/* --save */
	const char *load_path;		/* --load */
	const char *init_path;		/* --init FILE[,FILE...] (train, tui) */
	const char *theme;		/* --theme */
	const char *svg_path;		/* --svg (tui) */
	const char *record_path;	/* --record (tui) */
	int iters;			/* --iters (baselines), 0 = --layers */
	int task;			/* --task (step) */
	bool json_stdout;		/* --json without a file (step) */
	bool stdout_taken;		/* an output FILE is standard output
					 * ("-"): the table is not printed */
	bool ascii, mono;		/* --ascii, --mono */
	int steps;			/* --steps of bench (timed) and of
					 * reproduce (0: the protocol's) */
	int warmup;			/* --warmup (bench) */
	int depths;			/* --depths (reproduce), 0: all */
	const char *figures;		/* --figure LIST (reproduce) */
	const char *protocol;		/* --protocol (reproduce) */
	const char *outdir;		/* --out DIR (reproduce) */
	bool quiet;			/* --quiet (train, reproduce) */
	bool dgemm, no_dgemm, speedup;	/* --dgemm, --no-dgemm, --speedup
					 * (bench) */
	const char *isa;		/* --isa NAME (bench), or NULL */
	/* sweep's */
	const char *memscope_cmd;	/* --memscope CMD (plan) */
	bool yes, force, complete;	/* --yes, --force, --complete */
	int array_limit;		/* --array-limit N (plan) */
	const char *heatmap, *lines;	/* --heatmap, --lines METRIC */
	const char *axis_x, *axis_y, *axis_by;	/* --x, --y, --by AXIS */
	const char *layer;		/* --layer K|last */
	struct cli_list where;		/* --where AXIS=VALUE */
	char **args;			/* the operands (sweep ACTION ...) */
	int nargs;
	/* the visualizer's own (also keys of --config and the user config,
	 * cli_view.h) */
	int speed;			/* --speed N|max: steps per second of
					 * each run, 0 unlimited, or
					 * CLI_SPEED_DEFAULT */
	int screen;			/* --screen: the first, 0-based */
	int stage;			/* --stage N (tour), 1-based */
	struct cli_list compare;	/* --compare KEY=V1,V2,... (twice at
					 * most) */
	struct cli_list overlay;	/* --overlay FILE: saved histories */
	bool no_user_config;		/* --no-user-config */
	const char *user_config;	/* the user config file read, or NULL */
	const char *file;		/* watch FILE */
	char theme_buf[256];		/* a theme a config file named */
	char user_config_buf[4096];
	bool given_data;		/* --data was on the command line or in --config */
	uint64_t given;			/* bit i: config key i (config_key_name)
					 * was on the command line or in --config */
};

/* Exit statuses. */
#define CLI_EXIT_OK 0
#define CLI_EXIT_FAIL 1		/* the work failed (e.g. training diverged) */
#define CLI_EXIT_USAGE 2	/* bad input: nothing was done */

/* What cli_parse returns when the command should go on. */
#define CLI_CONTINUE (-1)

/*
 * Parse the options of subcommand cmd ("tui", "train", "eval", "baselines",
 * "step", "reproduce", "bench") from argv[1..]: the defaults (the table's
 * for an option that is not a config key), then --config FILE, then the
 * command line in
 * order, whatever the position of --config. Options that cmd does not take
 * are refused; keys of --config that it does not take are ignored. The
 * configuration is validated (tui with --load: not here, since its options
 * combine with the file's values; cmd_tui validates the result; nor for
 * reproduce, whose figures make their own), and the
 * files checked: inputs readable, outputs writable as output_check says,
 * no output the same file as an input or another output. --help and --version print and return
 * CLI_EXIT_OK; bad input prints one line "memscope CMD: ..." on stderr and
 * returns CLI_EXIT_USAGE; otherwise CLI_CONTINUE.
 */
int cli_parse(const char *cmd, int argc, char **argv, struct cli_opts *o);

/* Refuse (CLI_EXIT_USAGE, one line) an output that is the same file as
 * an input or as another output (fileid.h); 0 if all differ. NULL paths
 * are not given. */
int cli_check_same_files(const char *cmd, int nin, const char *const *in_names,
    const char *const *ins, int nout, const char *const *out_names,
    const char *const *outs);

/* Whether config key `key` was given on the command line or in --config. */
bool cli_given(const struct cli_opts *o, const char *key);

/* The configuration a checkpoint's model is tested with (eval, step):
 * the trained one, one run, with the config keys cmd takes that the user
 * gave laid over it as typed values, validated. 0, or the exit status
 * after a one-line message naming the model's d and n. */
int cli_checkpoint_config(const char *cmd, const struct cli_opts *o,
    const struct ms_config *trained, struct ms_config *out);

/* Read --load into t, make its test configuration cfg as above and set
 * t's task distribution to cfg's spectrum and w* (eval, step). 0, or the
 * exit status after a one-line message, with nothing left to free. */
int cli_checkpoint_load(const char *cmd, const struct cli_opts *o,
    struct trainer *t, struct ms_config *cfg);

/* Whether the visualizer can draw here: stdin and stdout a tty, TERM set
 * and not dumb. */
bool cli_have_terminal(void);
/* Whether to draw without colour: --mono, or NO_COLOR set and not empty. */
bool cli_mono(const struct cli_opts *o);
/* Force the lane kernels' instruction set called name ("auto" or one of
 * model_isa_name's), given as `what` (--isa, MEMSCOPE_ISA): CLI_CONTINUE,
 * or CLI_EXIT_USAGE after saying why not and what this CPU runs. */
int cli_isa_force(const char *cmd, const char *what, const char *name);
/* Print "memscope CMD: message" as one line on stderr; CLI_EXIT_USAGE. */
int cli_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The --help text of subcommand cmd, or of memscope itself if cmd is NULL. */
void cli_help(const char *cmd, FILE *fp);
/* "memscope VERSION". */
void cli_version(FILE *fp);

int cmd_tui(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_baselines(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_reproduce(int argc, char **argv);
int cmd_step(int argc, char **argv);
int cmd_watch(int argc, char **argv);
int cmd_tour(int argc, char **argv);
int cmd_sweep(int argc, char **argv);

#endif
