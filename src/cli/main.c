/*
 * memscope's entry point: pick the subcommand and hand it the rest of the
 * command line (argv[0] of the subcommand is its name). No command, or an
 * option first, runs the visualizer.
 */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "memscope/cli.h"

/*
 * The visualizer's cmd_tui lives in src/cli/cmd_tui.c, which is built only
 * once it exists: until then the reference is weak and `memscope tui` says
 * the visualizer is missing instead of failing to link.
 */
#pragma weak cmd_tui

static int
main_tui(int argc, char **argv)
{
	if (cmd_tui == NULL) {
		fprintf(stderr, "memscope: this build has no visualizer; use "
		    "memscope train, eval or baselines (see memscope --help)\n");
		return CLI_EXIT_FAIL;
	}
	return cmd_tui(argc, argv);
}

struct main_command {
	const char *name;
	int (*run)(int, char **);
};

static const struct main_command main_commands[] = {
	{ "tui", main_tui },
	{ "train", cmd_train },
	{ "eval", cmd_eval },
	{ "baselines", cmd_baselines },
};
#define MAIN_NCOMMANDS \
	((int)(sizeof main_commands / sizeof main_commands[0]))

static int
main_unknown(const char *name)
{
	fprintf(stderr, "memscope: unknown command '%s' (commands:", name);
	for (int i = 0; i < MAIN_NCOMMANDS; i++)
		fprintf(stderr, "%s %s", i ? "," : "", main_commands[i].name);
	fprintf(stderr, "; see memscope --help)\n");
	return CLI_EXIT_USAGE;
}

int
main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : NULL;

	setlocale(LC_ALL, "");
	/* numbers in files and tables keep the C locale's decimal point */
	setlocale(LC_NUMERIC, "C");

	if (name != NULL && (strcmp(name, "--help") == 0 ||
	    strcmp(name, "-h") == 0)) {
		cli_help(NULL, stdout);
		return CLI_EXIT_OK;
	}
	if (name != NULL && (strcmp(name, "--version") == 0 ||
	    strcmp(name, "-V") == 0)) {
		cli_version(stdout);
		return CLI_EXIT_OK;
	}
	if (name != NULL && strcmp(name, "help") == 0) {
		if (argc > 2 && !cli_is_command(argv[2]))
			return main_unknown(argv[2]);
		cli_help(argc > 2 ? argv[2] : NULL, stdout);
		return CLI_EXIT_OK;
	}
	if (name == NULL || name[0] == '-') {
		/* the visualizer, with every argument as its option */
		argv[0] = (char *)"tui";
		return main_tui(argc, argv);
	}
	for (int i = 0; i < MAIN_NCOMMANDS; i++)
		if (strcmp(name, main_commands[i].name) == 0)
			return main_commands[i].run(argc - 1, argv + 1);
	return main_unknown(name);
}
