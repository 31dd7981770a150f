/*
 * The generated parts of doc/memscope.1, from the tables the program
 * itself runs on: the commands' usage lines and every option of every
 * command (the option table, cli_table.h), the config file's keys with
 * their defaults (config.h), and the visualizer's keys in the order of its
 * help (keys_help_lines, keys.h). Each part sits in the page between
 *
 *     .\" BEGIN GENERATED name
 *     .\" END GENERATED name
 *
 * and is rewritten whole; the rest of the page is written by hand.
 *
 *   gen_man PAGE           the page with its parts regenerated, on stdout
 *                          (make man writes it over doc/memscope.1)
 *   gen_man --check PAGE   exit 1, naming what is wrong, if a part is stale
 *                          or the page lacks an option row, a command, a
 *                          config key or a key line (tests/man.sh)
 *
 * The checks walk the tables on their own, apart from the writers, so a
 * writer that drops a row is caught even after make man.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/cli_table.h"
#include "memscope/config.h"
#include "memscope/keys.h"
#include "memscope/xmalloc.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

#define MAN_BEGIN ".\\\" BEGIN GENERATED "
#define MAN_END ".\\\" END GENERATED "

/* The few non-ASCII strings the tables hold, as roff escapes. */
static const char *const man_glyphs[][2] = {
	{ "\xe2\x86\x90", "\\(<-" }, { "\xe2\x86\x92", "\\(->" },
	{ "\xe2\x86\x91", "\\(ua" }, { "\xe2\x86\x93", "\\(da" },
};

/* Text s as roff: '-' and '\' escaped, "+-" as a glyph, a line that would
 * start with '.' or '\'' (a request) guarded, no leading blanks. */
static void
man_text(FILE *fp, const char *s)
{
	bool bol = true;
	size_t g;

	while (*s != '\0') {
		if (bol && (*s == ' ' || *s == '\t')) {
			s++;
			continue;
		}
		if (bol && (*s == '.' || *s == '\''))
			fputs("\\&", fp);
		bol = false;
		if ((unsigned char)*s >= 0x80) {
			for (g = 0; g < sizeof man_glyphs / sizeof *man_glyphs;
			    g++)
				if (strncmp(s, man_glyphs[g][0],
				    strlen(man_glyphs[g][0])) == 0)
					break;
			if (g == sizeof man_glyphs / sizeof *man_glyphs) {
				fprintf(stderr, "gen_man: no roff for the "
				    "non-ASCII text in '%s'\n", s);
				exit(1);
			}
			fputs(man_glyphs[g][1], fp);
			s += strlen(man_glyphs[g][0]);
			continue;
		}
		if (*s == '+' && s[1] == '-') {
			fputs("\\(+-", fp);
			s += 2;
			continue;
		}
		if (*s == '-')
			fputs("\\-", fp);
		else if (*s == '\\')
			fputs("\\e", fp);
		else
			fputc(*s, fp);
		bol = *s == '\n';
		s++;
	}
}

/* Text s in font f (B or I), then roman. */
static void
man_font(FILE *fp, char f, const char *s)
{
	fprintf(fp, "\\f%c", f);
	man_text(fp, s);
	fputs("\\fR", fp);
}

/* The commands (bits) as "tui, train", in bold. */
static void
man_commands(FILE *fp, unsigned bits)
{
	int n = 0;

	for (int i = 0; i < cli_ncommands; i++) {
		if ((cli_commands[i].bit & bits) == 0)
			continue;
		if (n++ > 0)
			fputs(", ", fp);
		man_font(fp, 'B', cli_commands[i].name);
	}
}

/* A usage line: "memscope", commands and options bold, metavariables
 * (capitals) italic, brackets and bars roman. */
static void
man_usage(FILE *fp, const char *usage)
{
	char word[64];
	size_t n;

	while (*usage != '\0') {
		n = strcspn(usage, " []|");
		if (n == 0) {
			fputc(*usage++, fp);
			continue;
		}
		snprintf(word, sizeof word, "%.*s", (int)n, usage);
		man_font(fp, strspn(word, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == n ?
		    'I' : 'B', word);
		usage += n;
	}
	fputc('\n', fp);
}

/* SYNOPSIS: each command's usage line. */
static void
man_gen_synopsis(FILE *fp)
{
	for (int i = 0; i < cli_ncommands; i++) {
		if (i > 0)
			fputs(".br\n", fp);
		man_usage(fp, cli_commands[i].usage);
	}
}

/* Whether rows a and b are one entry of the page: the same option, in the
 * same section, taking the same argument. */
static bool
man_same_entry(const struct cli_option *a, const struct cli_option *b)
{
	return strcmp(a->name, b->name) == 0 && a->group == b->group &&
	    a->short_name == b->short_name && (a->arg == NULL) ==
	    (b->arg == NULL) && (a->arg == NULL || strcmp(a->arg, b->arg) == 0);
}

/* "-d, --dim N" in the fonts of a man page. */
static void
man_option_label(FILE *fp, const struct cli_option *op)
{
	char buf[40];

	if (op->short_name != 0) {
		snprintf(buf, sizeof buf, "-%c", op->short_name);
		man_font(fp, 'B', buf);
		fputs(", ", fp);
	}
	snprintf(buf, sizeof buf, "--%s", op->name);
	man_font(fp, 'B', buf);
	if (op->action == CLI_FLAG_SET) {
		fputc('[', fp);
		man_font(fp, 'B', "=");
		man_font(fp, 'I', "BOOL");
		fputc(']', fp);
	} else if (op->arg != NULL) {
		fputc(' ', fp);
		man_font(fp, 'I', op->arg);
	}
	fputc('\n', fp);
}

/* One paragraph of an entry: the commands it is for, then the text and,
 * where --help prints it, the default. */
static void
man_option_text(FILE *fp, const struct cli_option *op, unsigned bits,
    const char *text, bool first)
{
	struct ms_config def;
	char value[64];

	if (!first)
		fputs(".IP\n", fp);
	man_commands(fp, bits);
	fputs(": ", fp);
	man_text(fp, text);
	if ((op->action == CLI_SET || op->action == CLI_FLAG_SET) &&
	    !((bits & CLI_OWN_DEFAULTS) && (op->alt_cmds & bits))) {
		config_defaults(&def);
		config_get(&def, op->name, value, sizeof value);
		fputs(" (default: ", fp);
		man_text(fp, value);
		fputc(')', fp);
	}
	fputs(".\n", fp);
}

/* OPTIONS: by the table's sections, each option once (the rows of one
 * option for different commands are paragraphs of its entry). */
static void
man_gen_options(FILE *fp)
{
	for (int g = 0; g < GROUP_COUNT; g++) {
		bool any = false;

		for (int i = 0; i < cli_noptions; i++) {
			const struct cli_option *op = &cli_options[i];
			bool first = true, seen = false;

			for (int j = 0; j < i; j++)
				seen |= man_same_entry(&cli_options[j], op);
			if (op->group != (enum cli_group)g || seen)
				continue;
			if (!any)
				fprintf(fp, ".SS %s\n", cli_group_names[g]);
			any = true;
			fputs(".TP\n", fp);
			man_option_label(fp, op);
			for (int j = i; j < cli_noptions; j++) {
				const struct cli_option *r = &cli_options[j];
				unsigned alt = r->cmds & r->alt_cmds;

				if (!man_same_entry(r, op))
					continue;
				if (r->help != NULL && (r->cmds & ~alt) != 0) {
					man_option_text(fp, r, r->cmds & ~alt,
					    r->help, first);
					first = false;
				}
				if (r->help_alt != NULL && alt != 0) {
					man_option_text(fp, r, alt,
					    r->help_alt, first);
					first = false;
				}
			}
		}
	}
}

/* The config file's keys with their defaults. */
static void
man_gen_config_keys(FILE *fp)
{
	struct ms_config def;
	char value[64];
	int n = config_key_count();

	config_defaults(&def);
	for (int i = 0; i < n; i++) {
		config_get(&def, config_key_name(i), value, sizeof value);
		man_font(fp, 'B', config_key_name(i));
		fputs(" (", fp);
		man_text(fp, value);
		fputs(i + 1 < n ? "),\n" : ").\n", fp);
	}
}

/* A key line's keys as the page shows them: the arrows as glyphs. */
static void
man_key_label(FILE *fp, const struct key_line *l)
{
	char buf[64];

	fputs("\\fB", fp);
	man_text(fp, keys_line_name(l, true, buf, sizeof buf));
	fputs("\\fR\n", fp);
}

/* KEYS: the help's lines, in its order. */
static void
man_gen_keys(FILE *fp)
{
	const struct key_line *lines[64];
	char buf[256];
	int n = keys_help_lines(lines, 64);

	for (int i = 0; i < n && i < 64; i++) {
		fputs(".TP\n", fp);
		man_key_label(fp, lines[i]);
		man_text(fp, keys_line_text(lines[i], buf, sizeof buf));
		fputs(".\n", fp);
	}
}

static const struct man_part {
	const char *name;
	void (*gen)(FILE *fp);
} man_parts[] = {
	{ "synopsis", man_gen_synopsis },
	{ "options", man_gen_options },
	{ "config-keys", man_gen_config_keys },
	{ "keys", man_gen_keys },
};
#define MAN_NPARTS ((int)(sizeof man_parts / sizeof man_parts[0]))

/* The whole of file path, NUL-terminated, or NULL. */
static char *
man_read(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *text = NULL;
	size_t len = 0, cap = 0, got;

	if (fp == NULL)
		return NULL;
	do {
		if (cap - len < 4096)
			text = xrealloc(text, cap = cap * 2 + 4096);
		got = fread(text + len, 1, cap - len - 1, fp);
		len += got;
	} while (got > 0);
	fclose(fp);
	text[len] = '\0';
	return text;
}

/* The page with every part regenerated, or NULL with a message (a part
 * missing, unknown or not closed). */
static char *
man_regenerate(const char *page)
{
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);
	bool done[MAN_NPARTS] = { false };
	const char *p = page, *nl, *name, *end;
	int k;

	while (*p != '\0') {
		nl = strchr(p, '\n');
		nl = nl != NULL ? nl + 1 : p + strlen(p);
		fwrite(p, 1, (size_t)(nl - p), fp);
		if (strncmp(p, MAN_BEGIN, strlen(MAN_BEGIN)) != 0) {
			p = nl;
			continue;
		}
		name = p + strlen(MAN_BEGIN);
		for (k = 0; k < MAN_NPARTS; k++)
			if (strncmp(name, man_parts[k].name,
			    strlen(man_parts[k].name)) == 0 &&
			    name + strlen(man_parts[k].name) + 1 == nl)
				break;
		if (k == MAN_NPARTS) {
			fprintf(stderr, "gen_man: unknown part '%.*s'\n",
			    (int)(nl - name - 1), name);
			goto fail;
		}
		for (end = nl; *end != '\0'; end = strchr(end, '\n') + 1) {
			if (strncmp(end, MAN_END, strlen(MAN_END)) == 0)
				break;
			if (strchr(end, '\n') == NULL) {
				end += strlen(end);
				break;
			}
		}
		if (*end == '\0' || strncmp(end + strlen(MAN_END),
		    man_parts[k].name, strlen(man_parts[k].name)) != 0) {
			fprintf(stderr, "gen_man: part '%s' has no END line\n",
			    man_parts[k].name);
			goto fail;
		}
		man_parts[k].gen(fp);
		done[k] = true;
		p = end;
	}
	for (k = 0; k < MAN_NPARTS; k++)
		if (!done[k]) {
			fprintf(stderr, "gen_man: the page has no part '%s'\n",
			    man_parts[k].name);
			goto fail;
		}
	fclose(fp);
	return out;
fail:
	fclose(fp);
	free(out);
	return NULL;
}

/* The n bytes at s, as a new string. */
static char *
man_strndup(const char *s, size_t n)
{
	char *d = xmalloc(n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/* Section title's text of the page (from ".SH title" to the next .SH),
 * as a new string; "" if there is none. */
static char *
man_section(const char *page, const char *title)
{
	char head[64];
	const char *s, *e;

	snprintf(head, sizeof head, "\n.SH %s\n", title);
	if ((s = strstr(page, head)) == NULL)
		return xstrdup("");
	s += strlen(head);
	e = strstr(s, "\n.SH ");
	return man_strndup(s, e != NULL ? (size_t)(e - s) : strlen(s));
}

/* Whether text written as roff (man_text, in font f or none) is in hay;
 * complains naming what, if not. */
static bool
man_has(const char *hay, char f, const char *text, const char *what)
{
	char *needle = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&needle, &len);
	bool ok;

	if (f != 0)
		man_font(fp, f, text);
	else
		man_text(fp, text);
	fclose(fp);
	ok = strstr(hay, needle) != NULL;
	if (!ok)
		fprintf(stderr, "gen_man: the page lacks %s: %s\n", what,
		    needle);
	free(needle);
	return ok;
}

/* The first line of text, as a new string. */
static char *
man_first_line(const char *text)
{
	return man_strndup(text, strcspn(text, "\n"));
}

/* Every command in SYNOPSIS and COMMANDS, every option row (its name and
 * the first line of each of its texts) in OPTIONS. */
static int
man_check_cli(const char *page)
{
	char *syn = man_section(page, "SYNOPSIS");
	char *cmds = man_section(page, "COMMANDS");
	char *opts = man_section(page, "OPTIONS");
	char buf[64], *line;
	int bad = 0;

	for (int i = 0; i < cli_ncommands; i++) {
		snprintf(buf, sizeof buf, "\n.B %s\n", cli_commands[i].name);
		bad += !man_has(syn, 'B', cli_commands[i].name,
		    "a command in SYNOPSIS");
		if (strstr(cmds, buf) == NULL) {
			fprintf(stderr, "gen_man: COMMANDS lacks '.B %s'\n",
			    cli_commands[i].name);
			bad++;
		}
	}
	for (int i = 0; i < cli_noptions; i++) {
		const struct cli_option *op = &cli_options[i];

		snprintf(buf, sizeof buf, "--%s", op->name);
		bad += !man_has(opts, 'B', buf, "an option in OPTIONS");
		if (op->short_name != 0) {
			snprintf(buf, sizeof buf, "-%c", op->short_name);
			bad += !man_has(opts, 'B', buf, "a short option");
		}
		for (int t = 0; t < 2; t++) {
			const char *text = t == 0 ? op->help : op->help_alt;

			if (text == NULL)
				continue;
			line = man_first_line(text);
			bad += !man_has(opts, 0, line, "an option's text");
			free(line);
		}
	}
	free(syn);
	free(cmds);
	free(opts);
	return bad;
}

/* Every config key in CONFIGURATION FILE, every key line of the help (its
 * keys and its text) in KEYS. */
static int
man_check_keys(const char *page)
{
	char *conf = man_section(page, "CONFIGURATION FILE");
	char *keys = man_section(page, "KEYS");
	const struct key_line *lines[64];
	char buf[256];
	int n = keys_help_lines(lines, 64), bad = 0;

	for (int i = 0; i < config_key_count(); i++)
		bad += !man_has(conf, 'B', config_key_name(i), "a config key");
	if (n > 64) {
		fprintf(stderr, "gen_man: more than 64 key lines\n");
		bad++;
	}
	for (int i = 0; i < n && i < 64; i++) {
		bad += !man_has(keys, 'B', keys_line_name(lines[i], true, buf,
		    sizeof buf), "a key");
		bad += !man_has(keys, 0, keys_line_text(lines[i], buf,
		    sizeof buf), "a key's text");
	}
	free(conf);
	free(keys);
	return bad;
}

/* Check the page at path: its parts fresh, the tables covered, its .TH
 * naming this version. */
static int
man_check(const char *path, const char *page)
{
	char *fresh = man_regenerate(page), *th_line, th[64];
	int bad = 0;

	if (fresh == NULL)
		return 1;
	if (strcmp(fresh, page) != 0) {
		fprintf(stderr, "gen_man: %s is stale: its generated parts "
		    "differ from the tables (run make man)\n", path);
		bad++;
	}
	free(fresh);
	snprintf(th, sizeof th, "\"memscope %s\"", PACKAGE_VERSION);
	th_line = man_first_line(page);
	if (strncmp(th_line, ".TH MEMSCOPE 1 ", 15) != 0 ||
	    strstr(th_line, th) == NULL) {
		fprintf(stderr, "gen_man: the .TH line does not name %s\n", th);
		bad++;
	}
	free(th_line);
	bad += man_check_cli(page);
	bad += man_check_keys(page);
	return bad > 0;
}

int
main(int argc, char **argv)
{
	bool check = argc == 3 && strcmp(argv[1], "--check") == 0;
	const char *path = check ? argv[2] : argv[1];
	char *page, *out;
	int rc;

	if (argc != 2 + check || path[0] == '-') {
		fprintf(stderr, "usage: gen_man [--check] PAGE\n");
		return 2;
	}
	if ((page = man_read(path)) == NULL) {
		perror(path);
		return 2;
	}
	if (check) {
		rc = man_check(path, page);
		free(page);
		return rc;
	}
	out = man_regenerate(page);
	free(page);
	if (out == NULL)
		return 1;
	fputs(out, stdout);
	free(out);
	return fflush(stdout) != 0 || ferror(stdout) ? 1 : 0;
}
