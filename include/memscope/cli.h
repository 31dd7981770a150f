/*
 * The command line shared by every subcommand: the experiment options of
 * struct ms_config plus the file and display options. Subcommands are
 * int cmd_NAME(int argc, char **argv) returning the exit status.
 */
#ifndef MEMSCOPE_CLI_H
#define MEMSCOPE_CLI_H

#include <stdbool.h>

#include "memscope/config.h"

struct cli_opts {
	struct ms_config cfg;
	const char *config_path;	/* --config */
	const char *csv_path;		/* --csv */
	const char *json_path;		/* --json FILE */
	const char *save_path;		/* --save */
	const char *load_path;		/* --load */
	const char *theme;		/* --theme */
	int iters;			/* --iters (baselines), 0 = --layers */
	bool ascii, mono;		/* --ascii, --mono */
	bool given_data;		/* --data was on the command line or in --config */
};

/* Exit statuses. */
#define CLI_EXIT_OK 0
#define CLI_EXIT_FAIL 1		/* the work failed (e.g. training diverged) */
#define CLI_EXIT_USAGE 2	/* bad input: nothing was done */

int cmd_tui(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_baselines(int argc, char **argv);

#endif
