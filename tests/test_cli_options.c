/*
 * Tests of the one option table (cli_table.h): every command's --help lists
 * every option of the table the command takes and no other; an option's
 * short name is the same in every row; rows of one option that are not
 * config keys have one range; a value out of range is refused by every
 * command that takes the option, and what a command does not take is
 * refused as not applying. tests/cli_options.sh compares the messages of
 * the real binary.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "memscope/cli.h"
#include "memscope/cli_table.h"

/* The --help page of cmd, as a string to free. */
static char *
help_text(const char *cmd)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	cli_help(cmd, fp);
	fclose(fp);
	return buf;
}

/* Whether the help page shows an option label for --name: "  --name" or
 * "-x, --name" followed by a blank, '[' or the end of the line. */
static bool
help_lists(const char *help, const char *name)
{
	char want[64];
	size_t n = (size_t)snprintf(want, sizeof want, "--%s", name);

	for (const char *p = strstr(help, want); p != NULL;
	    p = strstr(p + 1, want)) {
		char after = p[n];
		bool label = p >= help + 2 && (p[-1] == ' ' &&
		    (p[-2] == ' ' || p[-2] == ','));
		const char *line = p;

		while (line > help && line[-1] != '\n')
			line--;
		/* a label starts its line with two blanks, within column 26 */
		if (label && p - line < 10 && line[0] == ' ' &&
		    (after == ' ' || after == '[' || after == '\n'))
			return true;
	}
	return false;
}

/* Every option the command takes is listed in its help page. */
static void
test_help_lists_every_option(void **state)
{
	(void)state;
	for (int c = 0; c < cli_ncommands; c++) {
		char *help = help_text(cli_commands[c].name);

		for (int i = 0; i < cli_noptions; i++)
			if ((cli_options[i].cmds & cli_commands[c].bit) != 0 &&
			    !help_lists(help, cli_options[i].name))
				fail_msg("memscope %s --help does not list --%s",
				    cli_commands[c].name, cli_options[i].name);
		free(help);
	}
}

/* No help page lists an option its command does not take. */
static void
test_help_lists_only_its_options(void **state)
{
	(void)state;
	for (int c = 0; c < cli_ncommands; c++) {
		char *help = help_text(cli_commands[c].name);
		unsigned bit = cli_commands[c].bit;

		for (int i = 0; i < cli_noptions; i++) {
			bool taken = false;

			for (int j = 0; j < cli_noptions; j++)
				if ((cli_options[j].cmds & bit) != 0 &&
				    strcmp(cli_options[j].name,
				    cli_options[i].name) == 0)
					taken = true;
			if (!taken && help_lists(help, cli_options[i].name))
				fail_msg("memscope %s --help lists --%s, which "
				    "it does not take", cli_commands[c].name,
				    cli_options[i].name);
		}
		free(help);
	}
}

/* One option: one short name, one kind, one range, wherever it appears;
 * no command takes two rows of one option. */
static void
test_rows_of_one_option_agree(void **state)
{
	(void)state;
	for (int i = 0; i < cli_noptions; i++)
		for (int j = i + 1; j < cli_noptions; j++) {
			const struct cli_option *a = &cli_options[i];
			const struct cli_option *b = &cli_options[j];

			if (a->short_name != 0 && a->short_name ==
			    b->short_name && strcmp(a->name, b->name) != 0)
				fail_msg("-%c is --%s and --%s", a->short_name,
				    a->name, b->name);
			if (strcmp(a->name, b->name) != 0)
				continue;
			if ((a->cmds & b->cmds) != 0)
				fail_msg("two rows of --%s for one command",
				    a->name);
			assert_int_equal(a->short_name, b->short_name);
			if (a->action == CLI_INT && b->action == CLI_INT &&
			    (a->value.min != b->value.min ||
			    a->value.max != b->value.max))
				fail_msg("--%s: %ld to %ld in one row, %ld to "
				    "%ld in another", a->name, a->value.min,
				    a->value.max, b->value.min, b->value.max);
		}
}

/* Run cli_parse for cmd on the arguments (NULL-terminated); its status. */
static int
parse(const char *cmd, ...)
{
	char *argv[8] = { (char *)cmd };
	struct cli_opts o;
	va_list ap;
	int argc = 1;
	FILE *saved = stderr;
	int r;

	va_start(ap, cmd);
	while (argc < 7 && (argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	stderr = fopen("/dev/null", "w");	/* the messages: cli_options.sh */
	r = cli_parse(cmd, argc, argv, &o);
	fclose(stderr);
	stderr = saved;
	return r;
}

/* --threads is 1 to 256 in every command that takes it. */
static void
test_threads_range_everywhere(void **state)
{
	(void)state;
	for (int c = 0; c < cli_ncommands; c++) {
		const char *cmd = cli_commands[c].name;

		if (!cli_takes(cli_commands[c].bit, "threads"))
			continue;
		assert_int_equal(parse(cmd, "--threads", "0", NULL),
		    CLI_EXIT_USAGE);
		assert_int_equal(parse(cmd, "--threads", "257", NULL),
		    CLI_EXIT_USAGE);
	}
	/* and 256 is accepted where no file is needed */
	assert_int_equal(parse("bench", "--threads", "256", "--dim", "2",
	    "--data", "iso", NULL), CLI_CONTINUE);
	assert_int_equal(parse("reproduce", "--threads", "256", NULL),
	    CLI_CONTINUE);
	assert_int_equal(parse("train", "--threads", "256", NULL),
	    CLI_CONTINUE);
}

/* The integer options that are not config keys: the ends of the range
 * are accepted, one past each is refused. */
static void
test_int_options_ranges(void **state)
{
	(void)state;
	for (int i = 0; i < cli_noptions; i++) {
		const struct cli_option *op = &cli_options[i];
		char lo[32], hi[32], opt[40];
		const char *cmd = NULL;

		if (op->action != CLI_INT)
			continue;
		for (int c = 0; c < cli_ncommands && cmd == NULL; c++)
			if ((op->cmds & cli_commands[c].bit) != 0 &&
			    (cli_commands[c].bit & CLI_CHECKPOINT) == 0)
				cmd = cli_commands[c].name;
		if (cmd == NULL)
			continue;	/* --task: needs a checkpoint */
		snprintf(opt, sizeof opt, "--%s", op->name);
		snprintf(lo, sizeof lo, "%ld", op->value.min);
		snprintf(hi, sizeof hi, "%ld", op->value.max);
		assert_int_equal(parse(cmd, opt, lo, NULL), CLI_CONTINUE);
		assert_int_equal(parse(cmd, opt, hi, NULL), CLI_CONTINUE);
		snprintf(lo, sizeof lo, "%ld", op->value.min - 1);
		snprintf(hi, sizeof hi, "%ld", op->value.max + 1);
		assert_int_equal(parse(cmd, opt, lo, NULL), CLI_EXIT_USAGE);
		assert_int_equal(parse(cmd, opt, hi, NULL), CLI_EXIT_USAGE);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_help_lists_every_option),
		cmocka_unit_test(test_help_lists_only_its_options),
		cmocka_unit_test(test_rows_of_one_option_agree),
		cmocka_unit_test(test_threads_range_everywhere),
		cmocka_unit_test(test_int_options_ranges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
