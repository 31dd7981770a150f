/*
 * The parser of every subcommand's command line, made from the option table
 * (cli_table.h): getopt_long's option array, then each value applied where
 * the table says, integers through config_parse_int with the table's range.
 *
 * Order of precedence: defaults < the user config (the visualizer and
 * watch only: cli_view.h) < --config FILE < the command line. The command
 * line is read completely first (collecting the values), then the config
 * files are applied, then the collected values in their order.
 */
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "memscope/checkpoint.h"
#include "memscope/cli.h"
#include "memscope/model.h"
#include "memscope/cli_table.h"
#include "memscope/cli_view.h"
#include "memscope/config_ini.h"
#include "memscope/fileid.h"
#include "memscope/output.h"
#include "memscope/theme.h"
#include "memscope/warmstart.h"
#include "memscope/xmalloc.h"

/* One option occurrence on the command line. */
struct cli_value {
	int option;		/* index into cli_options */
	const char *arg;	/* NULL for a flag without =VALUE */
};

/* Print "memscope CMD: message" (cmd NULL: "memscope: message") as one
 * line on stderr; CLI_EXIT_USAGE. */
int
cli_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	char msg[1024];

	/* one line, whatever the arguments it quotes hold */
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	config_one_line(msg);
	fprintf(stderr, "memscope%s%s: %s\n", cmd != NULL ? " " : "",
	    cmd != NULL ? cmd : "", msg);
	return CLI_EXIT_USAGE;
}

/* Whether config key `key` was on the command line or in --config. */
bool
cli_given(const struct cli_opts *o, const char *key)
{
	int bit = config_key_index(key);

	return bit >= 0 && (o->given >> bit & 1) != 0;
}

/* Mark config key `key` as given. */
static void
cli_mark_given(struct cli_opts *o, const char *key)
{
	int bit = config_key_index(key);

	if (bit >= 0)
		o->given |= (uint64_t)1 << bit;
}

/* A path for reading: it must be a readable regular file. */
static int
cli_check_input(const char *cmd, const char *opt, const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return cli_error(cmd, "--%s: cannot read '%s': %s", opt, path,
		    strerror(errno));
	if (S_ISDIR(st.st_mode))
		return cli_error(cmd, "--%s: '%s' is a directory", opt, path);
	if (access(path, R_OK) != 0)
		return cli_error(cmd, "--%s: cannot read '%s': %s", opt, path,
		    strerror(errno));
	return 0;
}

/* A path for writing: output_check's verdict (output.h). */
static int
cli_check_output(const char *cmd, const char *opt, const char *path)
{
	char err[512];

	if (output_check(path, err, sizeof err) != 0)
		return cli_error(cmd, "--%s: %s", opt, err);
	return 0;
}

/* Apply one command-line value to o; 0 or an exit status. */
static int
cli_apply(const char *cmd, const struct cli_value *v, struct cli_opts *o)
{
	const struct cli_option *op = &cli_options[v->option];
	char *field = (char *)o + op->value.offset, err[512];
	int64_t n;

	switch (op->action) {
	case CLI_SET:
	case CLI_FLAG_SET:
		if (config_set(&o->cfg, op->name, v->arg != NULL ? v->arg :
		    "true", err, sizeof err) != 0)
			return cli_error(cmd, "%s", err);
		cli_mark_given(o, op->name);
		break;
	case CLI_INT:
		if (config_parse_int(v->arg, op->value.min, op->value.max,
		    &n) != 0)
			return cli_error(cmd, "--%s: expected an integer from "
			    "%ld to %ld, got '%s'", op->name, op->value.min,
			    op->value.max, v->arg);
		*(int *)field = (int)n;
		break;
	case CLI_TEXT:
		*(const char **)field = v->arg;
		break;
	case CLI_FLAG:
		*(bool *)field = true;
		break;
	case CLI_VIEW:
		if (cli_view_set(o, op->name, v->arg, err, sizeof err) < 0)
			return cli_error(cmd, "--%s", err);
		break;
	case CLI_LIST: {
		struct cli_list *l = (struct cli_list *)field;

		if (l->n >= op->value.max || l->n >= CLI_LIST_MAX)
			return cli_error(cmd, "--%s: given more than %ld "
			    "times", op->name, op->value.max);
		l->v[l->n++] = v->arg;
		break;
	}
	case CLI_CONFIG:
	case CLI_HELP:
	case CLI_VERSION:
		break;
	}
	return 0;
}

/* Refuse files that are the same: an output over an input, or two outputs
 * in one file (character devices such as /dev/null aside), by device and
 * inode, not by name. ins/outs name the options; NULL paths are absent. */
int
cli_check_same_files(const char *cmd, int nin, const char *const *in_names,
    const char *const *ins, int nout, const char *const *out_names,
    const char *const *outs)
{
	struct fileid *iid = xcalloc((size_t)nin + 1, sizeof *iid);
	struct fileid *oid = xcalloc((size_t)nout + 1, sizeof *oid);
	int r = 0;

	for (int i = 0; i < nin; i++)
		if (ins[i] != NULL)
			fileid_of(ins[i], &iid[i]);
	for (int i = 0; i < nout && r == 0; i++) {
		if (outs[i] == NULL)
			continue;
		fileid_of(outs[i], &oid[i]);
		for (int j = 0; j < i && r == 0; j++)
			if (outs[j] != NULL && fileid_same(&oid[i], &oid[j]) &&
			    !oid[i].chardev)
				r = cli_error(cmd, "--%s and --%s are the same "
				    "file ('%s', '%s'); give each its own",
				    out_names[j], out_names[i], outs[j],
				    outs[i]);
		for (int j = 0; j < nin && r == 0; j++)
			if (ins[j] != NULL && fileid_same(&oid[i], &iid[j]) &&
			    !oid[i].chardev)
				r = cli_error(cmd, "--%s '%s' would overwrite "
				    "the --%s file '%s'", out_names[i], outs[i],
				    in_names[j], ins[j]);
	}
	for (int i = 0; i < nin; i++)
		fileid_free(&iid[i]);
	for (int i = 0; i < nout; i++)
		fileid_free(&oid[i]);
	free(iid);
	free(oid);
	return r;
}

/* Check the file options once everything is known. */
static int
cli_check_files(const char *cmd, struct cli_opts *o)
{
	const char *outs[] = { o->csv_path, o->json_path, o->save_path,
	    o->svg_path, o->record_path, o->live_path };
	const char *out_names[] = { "csv", "json", "save", "svg", "record",
	    "live" };
	const int nouts = (int)(sizeof outs / sizeof outs[0]);
	/* load, config, theme, then --init's files (as many as its commas
	 * allow; an empty name is warmstart's to refuse) */
	const char *ins[3 + WARMSTART_MAX_FILES] = { o->load_path, o->config_path };
	const char *in_names[3 + WARMSTART_MAX_FILES] = { "load", "config", "theme" };
	int r, nin = 3;
	char theme_file[4096], init[4096];

	if (o->init_path != NULL) {
		snprintf(init, sizeof init, "%s", o->init_path);
		for (char *p = init, *q; p != NULL && nin < 3 + WARMSTART_MAX_FILES;
		    p = q) {
			if ((q = strchr(p, ',')) != NULL)
				*q++ = '\0';
			in_names[nin] = "init";
			ins[nin++] = *p != '\0' ? p : NULL;
		}
	}

	/* the theme file a name or path resolves to */
	if (o->theme != NULL && theme_find(o->theme, theme_file,
	    sizeof theme_file) == 0)
		ins[2] = theme_file;
	/* the visualizer may save back over the checkpoint it continues */
	if (strcmp(cmd, "tui") == 0 && o->save_path != NULL &&
	    o->load_path != NULL)
		ins[0] = NULL;
	if (o->load_path != NULL &&
	    (r = cli_check_input(cmd, "load", o->load_path)) != 0)
		return r;
	for (int i = 0; i < o->overlay.n; i++)
		if ((r = cli_check_input(cmd, "overlay", o->overlay.v[i])) != 0)
			return r;
	for (int i = 0; i < nouts; i++) {
		if (outs[i] == NULL)
			continue;
		if ((r = cli_check_output(cmd, out_names[i], outs[i])) != 0)
			return r;
		if (output_is_stdout(outs[i]))
			o->stdout_taken = true;
	}
	if ((r = cli_check_same_files(cmd, nin, in_names, ins, nouts,
	    out_names, outs)) != 0)
		return r;
	if (o->stdout_taken && (strcmp(cmd, "tui") == 0 ||
	    strcmp(cmd, "tour") == 0))
		return cli_error(cmd, "standard output is the visualizer's "
		    "terminal; give --csv/--save/--svg/--record a file name");
	return 0;
}

/* Whether option i gives way to another of the same name that command
 * bit takes (--json FILE elsewhere, --json alone for step). */
static bool
cli_shadowed(int i, unsigned bit)
{
	if ((cli_options[i].cmds & bit) != 0)
		return false;
	for (int j = 0; j < cli_noptions; j++)
		if (j != i && (cli_options[j].cmds & bit) != 0 &&
		    strcmp(cli_options[j].name, cli_options[i].name) == 0)
			return true;
	return false;
}

/* The option with short name ch, preferring one that command bit takes
 * (-S is --steps of train, of bench and of reproduce), or -1. */
static int
cli_short(int ch, unsigned bit)
{
	int found = -1;

	for (int i = 0; i < cli_noptions; i++)
		if (ch == cli_options[i].short_name && (found < 0 ||
		    (cli_options[i].cmds & bit) != 0))
			found = i;
	return found;
}

/* getopt_long over argv with the options command c sees: vals and *nvals
 * as cli_collect says; longopts and shortopts are the caller's room. */
static int
cli_getopt(const struct cli_command *c, int argc, char **argv,
    struct option *longopts, char *shortopts, struct cli_value *vals,
    int *nvals, struct cli_opts *o)
{
	char *sp = shortopts;
	int ch, index, nlong = 0;

	*sp++ = ':';	/* report a missing argument as ':' */
	for (int i = 0; i < cli_noptions; i++) {
		const struct cli_option *op = &cli_options[i];

		if (cli_shadowed(i, c->bit))
			continue;
		longopts[nlong].name = op->name;
		longopts[nlong].has_arg = op->action == CLI_FLAG_SET ?
		    optional_argument : op->arg != NULL ? required_argument :
		    no_argument;
		longopts[nlong].flag = NULL;
		longopts[nlong].val = 256 + i;
		nlong++;
		if (op->short_name != 0) {
			*sp++ = (char)op->short_name;
			if (op->arg != NULL)
				*sp++ = ':';
		}
	}
	*sp = '\0';
	memset(&longopts[nlong], 0, sizeof longopts[0]);

	*nvals = 0;
	optind = 0;	/* glibc: restart scanning, even if parsed before */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, shortopts, longopts, &index)) !=
	    -1) {
		const char *bad = argv[optind - 1];
		int opt = -1;

		if (ch == '?') {
			if (optopt >= 256 && optopt < 256 + cli_noptions)
				return cli_error(c->name, "--%s takes no value",
				    cli_options[optopt - 256].name);
			if (optopt != 0 && optopt < 256)
				return cli_error(c->name, "unknown option '-%c' "
				    "(see memscope %s --help)", optopt, c->name);
			return cli_error(c->name, "unknown or ambiguous option "
			    "'%s' (see memscope %s --help)", bad, c->name);
		}
		if (ch == ':') {
			opt = optopt >= 256 ? optopt - 256 :
			    cli_short(optopt, c->bit);
			if (opt < 0)
				return cli_error(c->name, "'%s' needs a value",
				    bad);
			return cli_error(c->name, "--%s needs a value %s (see "
			    "memscope %s --help)", cli_options[opt].name,
			    cli_options[opt].arg, c->name);
		}
		opt = ch >= 256 ? ch - 256 : cli_short(ch, c->bit);
		if (opt < 0)
			return cli_error(c->name, "unknown option '%s'", bad);
		if ((cli_options[opt].cmds & c->bit) == 0)
			return cli_error(c->name, "--%s does not apply to "
			    "'memscope %s' (see memscope %s --help)",
			    cli_options[opt].name, c->name, c->name);
		vals[*nvals].option = opt;
		vals[*nvals].arg = optarg;
		(*nvals)++;
	}
	/* watch FILE: its one operand; sweep ACTION ...: all */
	if (c->bit == CLI_WATCH && optind < argc)
		o->file = argv[optind++];
	if (c->bit == CLI_SWEEP) {
		o->args = argv + optind;
		o->nargs = argc - optind;
		optind = argc;
	}
	if (optind < argc)
		return cli_error(c->name, "unexpected argument '%s' (see "
		    "memscope %s --help)", argv[optind], c->name);
	return 0;
}

/* Collect argv's options into vals; 0 or an exit status. */
static int
cli_collect(const struct cli_command *c, int argc, char **argv,
    struct cli_value *vals, int *nvals, struct cli_opts *o)
{
	struct option *longopts = xcalloc((size_t)cli_noptions + 1,
	    sizeof *longopts);
	char *shortopts = xmalloc(3 * (size_t)cli_noptions + 2);
	int r = cli_getopt(c, argc, argv, longopts, shortopts, vals, nvals, o);

	free(longopts);
	free(shortopts);
	return r;
}

/* The most option occurrences argv can hold: one argument may bundle
 * several short flags ("-hVh"), at most one per character. */
static size_t
cli_max_values(int argc, char **argv)
{
	size_t n = 1;

	for (int i = 1; i < argc; i++)
		n += strlen(argv[i]) + 1;
	return n;
}

/* The user config, for the visualizer and watch unless skipped: absent is
 * fine; its values are not marked given (they are the user's defaults).
 * CLI_CONTINUE, or an exit status after the message. */
static int
cli_user_config(const struct cli_command *c, struct cli_opts *o)
{
	char err[512];
	struct stat st;

	if ((c->bit & (CLI_TUI | CLI_WATCH)) == 0 || o->no_user_config ||
	    cli_view_user_config_skipped() || cli_view_user_config(
	    o->user_config_buf, sizeof o->user_config_buf) != 0)
		return CLI_CONTINUE;
	if (stat(o->user_config_buf, &st) != 0 && (errno == ENOENT ||
	    errno == ENOTDIR))
		return CLI_CONTINUE;
	if (config_load_ini_extra(&o->cfg, o->user_config_buf, NULL,
	    cli_view_set, o, err, sizeof err) != 0)
		return cli_error(c->name, "%s (the user config; "
		    "MEMSCOPE_NO_USER_CONFIG=1 or --no-user-config skips it)",
		    err);
	o->user_config = o->user_config_buf;
	return CLI_CONTINUE;
}

/* Parse subcommand cmd's options: defaults, --config, the command line. */
int
cli_parse(const char *cmd, int argc, char **argv, struct cli_opts *o)
{
	const struct cli_command *c = cli_command(cmd);
	struct cli_value *vals;
	char err[512];
	int nvals, r = CLI_CONTINUE;

	memset(o, 0, sizeof *o);
	config_defaults(&o->cfg);
	if (c == NULL)
		return cli_error(cmd, "unknown command");
	for (int i = 0; i < cli_noptions; i++)
		if (cli_options[i].action == CLI_INT &&
		    (cli_options[i].cmds & c->bit) != 0)
			*(int *)((char *)o + cli_options[i].value.offset) =
			    (int)cli_options[i].value.def;
	vals = xcalloc(cli_max_values(argc, argv), sizeof *vals);
	o->speed = CLI_SPEED_DEFAULT;
	if ((r = cli_collect(c, argc, argv, vals, &nvals, o)) != 0)
		goto out;
	r = CLI_CONTINUE;
	for (int i = 0; i < nvals; i++) {
		enum cli_action a = cli_options[vals[i].option].action;

		if (a == CLI_HELP || a == CLI_VERSION) {
			if (a == CLI_HELP)
				cli_help(cmd, stdout);
			else
				cli_version(stdout);
			r = CLI_EXIT_OK;
			goto out;
		}
		if (a == CLI_CONFIG)
			o->config_path = vals[i].arg;
		if (cli_options[vals[i].option].value.offset ==
		    offsetof(struct cli_opts, no_user_config) &&
		    a == CLI_FLAG)
			o->no_user_config = true;
	}
	if ((r = cli_user_config(c, o)) != CLI_CONTINUE)
		goto out;
	if (o->config_path != NULL) {
		/* read once: the values and which keys were given (a pipe
		 * cannot be read twice) */
		if (config_load_ini_extra(&o->cfg, o->config_path, &o->given,
		    cli_view_set, o, err, sizeof err) != 0) {
			r = cli_error(cmd, "--config: %s", err);
			goto out;
		}
	}
	for (int i = 0; i < nvals; i++)
		if ((r = cli_apply(cmd, &vals[i], o)) != 0)
			goto out;
	r = CLI_CONTINUE;
	o->given_data = cli_given(o, "data");
	/* tui --load checks the options against the file's (cmd_tui.c);
	 * reproduce makes and checks each figure's configurations */
	if (!(c->bit == CLI_TUI && o->load_path != NULL) &&
	    c->bit != CLI_REPRODUCE &&
	    config_validate(&o->cfg, err, sizeof err) != 0) {
		r = cli_error(cmd, "%s", err);
		goto out;
	}
	if ((c->bit & CLI_CHECKPOINT) && o->load_path == NULL) {
		r = cli_error(cmd, "--load FILE is required (the checkpoint "
		    "to evaluate)");
		goto out;
	}
	if ((r = cli_check_files(cmd, o)) != 0)
		goto out;
	r = CLI_CONTINUE;
out:
	free(vals);
	return r;
}

/* The checkpoint's configuration with the config keys that cmd takes and
 * the user gave (command line or --config) laid over it as typed values;
 * one run; validated. 0 or an exit status (the message printed). */
int
cli_checkpoint_config(const char *cmd, const struct cli_opts *o,
    const struct ms_config *trained, struct ms_config *out)
{
	const struct cli_command *c = cli_command(cmd);
	char err[512];

	*out = *trained;
	out->runs = 1;
	for (int i = 0; c != NULL && i < config_key_count(); i++) {
		const char *key = config_key_name(i);

		if (cli_given(o, key) && cli_takes(c->bit, key))
			config_copy_key(out, &o->cfg, key);
	}
	if (config_validate(out, err, sizeof err) != 0)
		return cli_error(cmd, "%s (the model in '%s' has d = %d, "
		    "n = %d)", err, o->load_path, trained->dim,
		    trained->context);
	return 0;
}

/* Read --load into t and test it as cli_checkpoint_config says: cfg, t's
 * model rebuilt for cfg's context and t's task distribution set to cfg's
 * spectrum and w*. 0, or the exit status after a one-line message (t then
 * holds nothing to free). */
int
cli_checkpoint_load(const char *cmd, const struct cli_opts *o,
    struct trainer *t, struct ms_config *cfg)
{
	char err[512];
	int rc;

	if (checkpoint_read(o->load_path, t, 0, NULL, err, sizeof err) != 0)
		return cli_error(cmd, "--load: %s", err);
	if ((rc = cli_checkpoint_config(cmd, o, &t->cfg, cfg)) != 0) {
		trainer_free(t);
		return rc;
	}
	/* --context: the same parameters at another n, if no block's shape
	 * depends on n */
	if (cfg->context != t->model.n && model_set_context(&t->model,
	    cfg->context, err, sizeof err) != 0) {
		trainer_free(t);
		return cli_error(cmd, "--context: %s", err);
	}
	/* the spectrum and the prior of w* of cfg; the rotation stays */
	if (task_dist_set_spectrum(&t->dist, cfg, err, sizeof err) != 0) {
		trainer_free(t);
		return cli_error(cmd, "%s", err);
	}
	return 0;
}

/* Whether the visualizer can draw here. */
bool
cli_have_terminal(void)
{
	const char *term = getenv("TERM");

	return isatty(STDIN_FILENO) && isatty(STDOUT_FILENO) && term != NULL &&
	    *term != '\0' && strcmp(term, "dumb") != 0;
}

/* Whether to draw without colour. */
bool
cli_mono(const struct cli_opts *o)
{
	const char *nc = getenv("NO_COLOR");

	return o->mono || (nc != NULL && *nc != '\0');
}

/* The instruction sets' names, best first, joined by ", " into buf: every
 * one, or only those this CPU (and this build) runs. */
static void
cli_isa_list(char *buf, size_t len, bool runnable)
{
	buf[0] = '\0';
	for (int i = MODEL_ISA_COUNT - 1; i >= 0; i--)
		if (!runnable || model_isa_supported((enum model_isa)i))
			snprintf(buf + strlen(buf), len - strlen(buf), "%s%s",
			    buf[0] ? ", " : "", model_isa_name((enum model_isa)i));
}

/* Force the lane kernels' instruction set named by `name` (from `what`:
 * "--isa" or "MEMSCOPE_ISA"): CLI_CONTINUE, or CLI_EXIT_USAGE after
 * naming what is wrong and what this CPU accepts. */
int
cli_isa_force(const char *cmd, const char *what, const char *name)
{
	char all[64], runs[64];
	int isa;

	if (strcmp(name, "auto") == 0) {
		model_isa_force(MODEL_ISA_COUNT);
		return CLI_CONTINUE;
	}
	isa = model_isa_parse(name);
	if (isa >= 0 && model_isa_supported((enum model_isa)isa)) {
		model_isa_force((enum model_isa)isa);
		return CLI_CONTINUE;
	}
	/* the lists only for the message */
	cli_isa_list(all, sizeof all, false);
	cli_isa_list(runs, sizeof runs, true);
	if (isa < 0)
		return cli_error(cmd, "%s: unknown instruction set '%s' "
		    "(accepted: auto, %s; this CPU runs %s)", what, name, all,
		    runs);
	return cli_error(cmd, "%s: this CPU (or this build) cannot run the %s "
	    "kernels (it runs %s, or auto)", what, name, runs);
}
