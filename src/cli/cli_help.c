/*
 * The --help pages, made from the option table (cli_table.h): a command's
 * usage line and description, then its options by section, each with its
 * text and, for a config key, the default; then the Output section, the
 * exit status and examples. memscope --help lists the commands.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "memscope/cli.h"
#include "memscope/cli_table.h"
#include "memscope/tour.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

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
	char label[64], value[64], title[TOUR_TEXT_LEN];

	if (c == NULL) {
		fprintf(fp, "Usage: memscope [COMMAND] [OPTIONS]\n\n"
		    "Watch Transformers learn optimization algorithms: train\n"
		    "linear transformers and Memformers on random in-context\n"
		    "linear regression and compare what they learn with CG,\n"
		    "GD, momentum and Nesterov.\n\nCommands:\n");
		for (int i = 0; i < cli_ncommands; i++)
			fprintf(fp, "  %-12s%s\n", cli_commands[i].name,
			    cli_commands[i].summary);
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
	/* the tour's stages, from the lesson itself */
	for (int i = 0; c->bit == CLI_TOUR && i < tour_lesson.n; i++)
		fprintf(fp, "  %d  %s\n", i + 1, tour_text(
		    tour_lesson.stage[i].title, false, title, sizeof title));
	for (int g = 0; g < GROUP_COUNT; g++) {
		bool any = false;

		for (int i = 0; i < cli_noptions; i++) {
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
			    !((c->bit & CLI_OWN_DEFAULTS) &&
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
	fprintf(fp, "\n%s\nExamples:\n%s", c->exit_status != NULL ?
	    c->exit_status : "Exit status: 0 on success, 1 if the work failed, "
	    "2 on bad input (a\nline on stderr names the option; nothing is "
	    "written).\n", c->examples);
}
