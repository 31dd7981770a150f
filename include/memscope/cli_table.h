/*
 * The one option table of the command line (src/cli/cli.c), read by the
 * parser (cli_parse.c) and the help pages (cli_help.c): every option of
 * every subcommand, and the subcommands with the texts of their --help.
 */
#ifndef MEMSCOPE_CLI_TABLE_H
#define MEMSCOPE_CLI_TABLE_H

#include <stdbool.h>
#include <stddef.h>

/* Subcommands, as bits of cli_option.cmds. */
enum {
	CLI_TUI = 1 << 0,
	CLI_TRAIN = 1 << 1,
	CLI_EVAL = 1 << 2,
	CLI_BASELINES = 1 << 3,
	CLI_STEP = 1 << 4,
	CLI_REPRODUCE = 1 << 5,
	CLI_BENCH = 1 << 6,
	CLI_WATCH = 1 << 7,
	CLI_TOUR = 1 << 8,
	CLI_SWEEP = 1 << 9,
	CLI_ALL = CLI_TUI | CLI_TRAIN | CLI_EVAL | CLI_BASELINES
};

#define CLI_CHECKPOINT (CLI_EVAL | CLI_STEP)	/* test a saved model */
/* Subcommands whose alternative help texts (help_alt) say their own
 * defaults: the config's default is not printed after them. */
#define CLI_OWN_DEFAULTS (CLI_CHECKPOINT | CLI_REPRODUCE | CLI_SWEEP)

/* What an option does when given. */
enum cli_action {
	CLI_SET,		/* a config key: config_set(name, value) */
	CLI_FLAG_SET,		/* a config flag: --quirks[=BOOL] */
	CLI_INT,		/* an int of struct cli_opts, value.min to max */
	CLI_TEXT,		/* a const char * of struct cli_opts */
	CLI_FLAG,		/* a bool of struct cli_opts, set to true */
	CLI_VIEW,		/* a visualizer setting: cli_view_set(name,
				 * value), as in a config file */
	CLI_LIST,		/* a struct cli_list of struct cli_opts:
				 * appended to, at most value.max times */
	CLI_CONFIG,		/* --config FILE: read before the others */
	CLI_HELP,
	CLI_VERSION
};

/* Help sections, in the order printed. */
enum cli_group {
	GROUP_FIGURES, GROUP_MODEL, GROUP_DATA, GROUP_TRAINING, GROUP_RUNS,
	GROUP_BASELINES, GROUP_TIMING, GROUP_FILES, GROUP_DISPLAY,
	GROUP_GENERAL, GROUP_COUNT
};

/* Where the value of a CLI_INT, CLI_TEXT, CLI_FLAG or CLI_CONFIG option
 * goes, and for CLI_INT its range and the value when not given. */
struct cli_value_spec {
	size_t offset;			/* into struct cli_opts */
	long min, max, def;
};

struct cli_option {
	const char *name;		/* long name; for CLI_SET the config key */
	int short_name;			/* 0 if none */
	const char *arg;		/* metavariable, NULL for a flag */
	enum cli_action action;
	enum cli_group group;
	unsigned cmds;			/* CLI_* subcommands that take it */
	struct cli_value_spec value;
	const char *help;		/* may hold '\n' */
	const char *help_alt;		/* the text for alt_cmds, if not NULL */
	unsigned alt_cmds;
};

struct cli_command {
	const char *name;
	unsigned bit;
	const char *usage;
	const char *summary;		/* one line for memscope --help */
	const char *description;	/* paragraphs for its own --help */
	const char *output;		/* the Output section */
	const char *examples;
	const char *exit_status;	/* NULL: the common paragraph */
};

extern const struct cli_option cli_options[];
extern const int cli_noptions;
extern const struct cli_command cli_commands[];
extern const int cli_ncommands;
extern const char *const cli_group_names[GROUP_COUNT];

/* The subcommand called name, or NULL. */
const struct cli_command *cli_command(const char *name);

/* Whether subcommand bit (CLI_*) takes config key `key`. */
bool cli_takes(unsigned bit, const char *key);

#endif
