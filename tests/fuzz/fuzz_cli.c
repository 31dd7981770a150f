/*
 * libFuzzer target: the command-line parser (cli_parse). The input is a
 * command selector byte and NUL-separated arguments. It runs in a scratch
 * directory holding a valid config (c.ini) and checkpoint name (m.json);
 * arguments with '/' are skipped so that the output-path checks (which
 * create and remove a temporary file beside the path) stay in it. The
 * parser returns 0 (--help, --version), 2 with one line on stderr, or goes
 * on with a configuration that validates.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "memscope/cli.h"
#include "fuzz.h"

#define FUZZ_MAXARGS 32

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *fuzz_commands[] = { "tui", "train", "eval", "baselines",
    "nosuch" };

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char dir[] = "/tmp/memscope-fuzz-cli.XXXXXX";
	FILE *f;
	int fd;

	(void)argc;
	(void)argv;
	if (mkdtemp(dir) == NULL || chdir(dir) != 0)
		abort();
	if ((f = fopen("c.ini", "w")) == NULL)
		abort();
	fputs("[experiment]\nlayers = 2\nsteps = 5\nbatch = 50\n", f);
	fclose(f);
	if ((f = fopen("m.json", "w")) == NULL)
		abort();
	fputs("{}\n", f);
	fclose(f);
	/* --help pages go nowhere */
	if ((fd = open("/dev/null", O_WRONLY)) >= 0)
		dup2(fd, STDOUT_FILENO);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, *argv[FUZZ_MAXARGS + 2], err[512];
	struct cli_opts o;
	const char *cmd;
	size_t i, start;
	int argc = 0, r;

	if (size < 1 || memchr(data, '/', size) != NULL)
		return 0;
	cmd = fuzz_commands[data[0] % 5];
	buf = malloc(size);
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	argv[argc++] = (char *)cmd;
	for (i = 0, start = 0; size > 1 && i < size && argc <= FUZZ_MAXARGS;
	    i++)
		if (buf[i] == '\0') {
			argv[argc++] = buf + start;
			start = i + 1;
			if (start >= size - 1)
				break;
		}
	argv[argc] = NULL;
	r = cli_parse(cmd, argc, argv, &o);
	fuzz_check(r == CLI_CONTINUE || r == CLI_EXIT_OK || r == CLI_EXIT_USAGE,
	    "unexpected status", cmd);
	/* the visualizer's options with --load combine with the file's
	 * values, and cmd_tui validates the result (cli.h) */
	if (r == CLI_CONTINUE && !(strcmp(cmd, "tui") == 0 &&
	    o.load_path != NULL))
		fuzz_check(config_validate(&o.cfg, err, sizeof err) == 0,
		    "accepted a configuration that does not validate", err);
	free(buf);
	return 0;
}
