/*
 * memscope reproduce: the paper's figures in one command (reproduce.h does
 * the work). Tables and claims on stdout, progress on stderr, CSV and SVG
 * files in --out. Its options are in cli.c's table with every other
 * command's.
 */
#include <stdio.h>
#include <string.h>

#include "memscope/cli.h"
#include "memscope/output.h"
#include "memscope/report.h"
#include "memscope/reproduce.h"

/* The reproduce_opts of the options given (cli.c's table); 0 or the exit
 * status of a bad option (the message printed). */
static int
reproduce_options(const struct cli_opts *co, struct reproduce_opts *o)
{
	char err[512];

	reproduce_defaults(o);
	if (co->figures != NULL && reproduce_parse_figures(co->figures,
	    &o->figures, err, sizeof err) != 0)
		return cli_error("reproduce", "%s", err);
	if (co->protocol != NULL && strcmp(co->protocol, "code") == 0)
		o->protocol = REPRODUCE_PROTOCOL_CODE;
	else if (co->protocol != NULL && strcmp(co->protocol, "text") == 0)
		o->protocol = REPRODUCE_PROTOCOL_TEXT;
	else if (co->protocol != NULL)
		return cli_error("reproduce", "--protocol: expected code or "
		    "text, got '%s'", co->protocol);
	if (co->outdir != NULL && *co->outdir == '\0')
		return cli_error("reproduce", "--out: expected a directory "
		    "name");
	if (co->outdir != NULL)
		o->outdir = co->outdir;
	/* the config keys reproduce takes, where given (the integers' 0 and
	 * the lr's: the protocol's) */
	const struct {
		const char *key;
		int *to, from;
	} ints[] = {
		{ "runs", &o->runs, co->cfg.runs },
		{ "threads", &o->threads, co->cfg.threads },
		{ "batch", &o->batch, co->cfg.batch },
		{ "test-batch", &o->test_batch, co->cfg.test_batch },
	};

	for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
		if (cli_given(co, ints[i].key))
			*ints[i].to = ints[i].from;
	o->seed = cli_given(co, "seed") ? co->cfg.seed : o->seed;
	o->quirks = cli_given(co, "quirks") ? co->cfg.quirks : o->quirks;
	o->lr = cli_given(co, "lr") ? co->cfg.lr : o->lr;
	/* the authors' law unless --rotation says otherwise */
	o->rotation = cli_given(co, "rotation") ? co->cfg.rotation :
	    o->rotation;
	o->steps = co->steps;
	o->depths = co->depths;
	return 0;
}

/* memscope reproduce [options]: the paper's figures, tables and claims. */
int
cmd_reproduce(int argc, char **argv)
{
	struct cli_opts co;
	struct reproduce_opts o;
	struct report_reproduce progress;
	char err[512];
	int rc;

	if ((rc = cli_parse("reproduce", argc, argv, &co)) != CLI_CONTINUE)
		return rc;
	if ((rc = reproduce_options(&co, &o)) != 0)
		return rc;
	/* before the work: --out must be (or become) a writable directory */
	if (output_check_dir(o.outdir, err, sizeof err) != 0)
		return cli_error("reproduce", "--out: %s", err);
	if (!co.quiet) {
		report_reproduce_start(&progress, o.outdir);
		o.progress = report_reproduce_progress;
		o.progress_ctx = &progress;
	}
	rc = reproduce_run(&o, stdout, err, sizeof err);
	if (rc == -2)
		return cli_error("reproduce", "%s", err);
	if (rc != 0) {
		config_one_line(err);	/* it may quote a path */
		fprintf(stderr, "memscope reproduce: %s\n", err);
		return CLI_EXIT_FAIL;
	}
	return CLI_EXIT_OK;
}
