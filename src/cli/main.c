/*
 * memscope's entry point: pick the subcommand and hand it the rest of the
 * command line (argv[0] of the subcommand is its name). No command, or an
 * option first, runs the visualizer.
 */
#include <errno.h>
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "memscope/cli.h"
#include "memscope/output.h"

struct main_command {
	const char *name;
	int (*run)(int, char **);
};

static const struct main_command main_commands[] = {
	{ "tui", cmd_tui },
	{ "train", cmd_train },
	{ "eval", cmd_eval },
	{ "baselines", cmd_baselines },
	{ "bench", cmd_bench },
	{ "reproduce", cmd_reproduce },
	{ "step", cmd_step },
	{ "watch", cmd_watch },
	{ "tour", cmd_tour },
	{ "sweep", cmd_sweep },
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

/* Standard output must have taken everything written to it (a write error
 * other than a closed pipe, such as >/dev/full or a closed stdout, is the
 * command's failure); the command's status, or CLI_EXIT_FAIL. */
static int
main_close_stdout(const char *cmd, bool stdout_closed, int status)
{
	int failed = ferror(stdout), errnum = 0;

	if (fflush(stdout) != 0) {
		failed = 1;
		errnum = errno;
	}
	if (stdout_closed) {
		failed = 1;
		errnum = EBADF;
	}
	if (!failed || errnum == EPIPE)
		return status;
	fprintf(stderr, "memscope%s%s: cannot write standard output: %s\n",
	    cmd != NULL ? " " : "", cmd != NULL ? cmd : "",
	    errnum != 0 ? strerror(errnum) : "write error");
	return status == CLI_EXIT_OK ? CLI_EXIT_FAIL : status;
}

/* Pick the subcommand and run it. */
static int
main_run(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : NULL, *isa;

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
		/* memscope help CMD is memscope CMD --help */
		char *args[3] = { argv[2], (char *)"--help", NULL };

		if (argc < 3) {
			cli_help(NULL, stdout);
			return CLI_EXIT_OK;
		}
		if (argc > 3)
			return cli_error("help", "unexpected argument '%s' "
			    "(usage: memscope help [COMMAND])", argv[3]);
		for (int i = 0; i < MAIN_NCOMMANDS; i++)
			if (strcmp(argv[2], main_commands[i].name) == 0)
				return main_commands[i].run(2, args);
		return main_unknown(argv[2]);
	}
	isa = getenv("MEMSCOPE_ISA");
	if (isa != NULL && isa[0] != '\0' &&
	    cli_isa_force(NULL, "MEMSCOPE_ISA", isa) != CLI_CONTINUE)
		return CLI_EXIT_USAGE;
	if (name == NULL || name[0] == '-') {
		/* the visualizer, with every argument as its option */
		argv[0] = (char *)"tui";
		return cmd_tui(argc, argv);
	}
	for (int i = 0; i < MAIN_NCOMMANDS; i++)
		if (strcmp(name, main_commands[i].name) == 0)
			return main_commands[i].run(argc - 1, argv + 1);
	return main_unknown(name);
}

int
main(int argc, char **argv)
{
	const char *name = argc > 1 && argv[1][0] != '-' ? argv[1] : NULL;
	bool stdout_closed = output_std_fds_fill();
	int status;

	setlocale(LC_ALL, "");
	/* numbers in files and tables keep the C locale's decimal point */
	setlocale(LC_NUMERIC, "C");
	/* a fatal signal during a write leaves no temporary behind (the
	 * visualizer installs its own handlers, which do the same) */
	output_signals_install();
	status = main_run(argc, argv);
	return main_close_stdout(name, stdout_closed, status);
}
