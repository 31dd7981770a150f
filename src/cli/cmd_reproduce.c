/*
 * memscope reproduce: the paper's figures in one command (reproduce.h does
 * the work). Tables and claims on stdout, progress on stderr, CSV and SVG
 * files in --out.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "memscope/cli.h"
#include "memscope/output.h"
#include "memscope/report.h"
#include "memscope/reproduce.h"

static const char reproduce_usage[] =
"usage: memscope reproduce [--figure LIST] [--runs K] [--protocol code|text]\n"
"                          [--out DIR] [--quirks] [--threads N] [--seed S]\n"
"\n"
"Run the experiments of the paper's figures (doc/math.md section 7): one model per\n"
"depth L = 1..4 and run, the classical baselines on the same tasks. Writes\n"
"DIR/figX.csv and DIR/figX.svg per figure and prints, per figure, memscope's\n"
"mean +- std beside the paper's value, then checks the paper's claims.\n"
"+- is the sample standard deviation over runs (n - 1).\n"
"\n"
"  -f, --figure LIST     1a, 1b, 2a, 2b, 3, 4, 5, momentum, nesterov or all\n"
"                        (default), or several separated by commas\n"
"  -r, --runs K          runs (seeds) per curve, 1 to 1000 (default 5); with\n"
"                        one run there is no spread: the tables show no\n"
"                        +-, the CSV's std rows are empty, and nothing that\n"
"                        needs a spread (the ! against the paper, the heads\n"
"                        claim's gaps) is checked\n"
"      --protocol P      code: the authors' notebooks (default; one fixed\n"
"                        batch of 1000, 1000 Adam steps, lr 0.01, no clipping)\n"
"                        text: the paper's text (clip 0.01, batch redrawn\n"
"                        every 100 steps)\n"
"  -o, --out DIR         output directory (default ./reproduce)\n"
"      --quirks          baselines drop the last context point, as the\n"
"                        authors' code did (to match their CG curve)\n"
"  -j, --threads N       worker threads, each training whole models\n"
"                        (default: the number of CPUs)\n"
"      --seed S          base seed; run r uses S + r, so S + K - 1 must\n"
"                        be at most 2^63-1 (default 1)\n"
"  -q, --quiet           no progress on stderr\n"
"\n"
"Quick looks (the numbers are then not comparable with the paper's):\n"
"      --steps N         optimizer steps per training (default 1000)\n"
"      --batch N         training prompts where the figure uses 1000\n"
"      --test-batch N    test prompts (default 1000)\n"
"      --depths N        train depths 1..N only\n"
"      --lr X            Adam learning rate (default 0.01)\n"
"\n"
"Exit status: 0 on success; 1 if the work failed, or if a training diverged\n"
"(its loss not finite, or ending above 100 times its start: see memscope\n"
"train --help) or a value is not finite, after everything is printed and\n"
"written with those marked; 2 on bad input (nothing is done or written).\n"
"\n"
"  -h, --help            this help\n"
"      --version         the version\n";

enum {
	OPT_PROTOCOL = 256, OPT_QUIRKS, OPT_SEED, OPT_STEPS, OPT_BATCH,
	OPT_TEST_BATCH, OPT_DEPTHS, OPT_LR, OPT_VERSION
};

static const struct option reproduce_options[] = {
	{ "figure", required_argument, NULL, 'f' },
	{ "runs", required_argument, NULL, 'r' },
	{ "protocol", required_argument, NULL, OPT_PROTOCOL },
	{ "out", required_argument, NULL, 'o' },
	{ "quirks", no_argument, NULL, OPT_QUIRKS },
	{ "threads", required_argument, NULL, 'j' },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "quiet", no_argument, NULL, 'q' },
	{ "steps", required_argument, NULL, OPT_STEPS },
	{ "batch", required_argument, NULL, OPT_BATCH },
	{ "test-batch", required_argument, NULL, OPT_TEST_BATCH },
	{ "depths", required_argument, NULL, OPT_DEPTHS },
	{ "lr", required_argument, NULL, OPT_LR },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

/* An integer option in [lo, hi], or a message and -1. */
static int
reproduce_int(const char *opt, const char *arg, long lo, long hi, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || v < lo || v > hi) {
		cli_error("reproduce", "--%s: expected an integer from %ld to "
		    "%ld, got '%s'", opt, lo, hi, arg);
		return -1;
	}
	*out = (int)v;
	return 0;
}

/* memscope reproduce [options]: the paper's figures, tables and claims. */
int
cmd_reproduce(int argc, char **argv)
{
	struct reproduce_opts o;
	struct report_reproduce progress;
	char err[512];
	unsigned long long seed;
	char *end;
	bool quiet = false;
	int c, rc;

	reproduce_defaults(&o);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":f:r:o:j:qh", reproduce_options,
	    NULL)) != -1) {
		switch (c) {
		case 'f':
			if (reproduce_parse_figures(optarg, &o.figures, err,
			    sizeof err) != 0)
				return cli_error("reproduce", "%s", err);
			break;
		case 'r':
			if (reproduce_int("runs", optarg, 1, 1000, &o.runs) != 0)
				return CLI_EXIT_USAGE;
			break;
		case OPT_PROTOCOL:
			if (strcmp(optarg, "code") == 0)
				o.protocol = REPRODUCE_PROTOCOL_CODE;
			else if (strcmp(optarg, "text") == 0)
				o.protocol = REPRODUCE_PROTOCOL_TEXT;
			else
				return cli_error("reproduce", "--protocol: "
				    "expected code or text, got '%s'", optarg);
			break;
		case 'o':
			if (*optarg == '\0') {
				fprintf(stderr, "memscope reproduce: --out: "
				    "expected a directory name\n");
				return CLI_EXIT_USAGE;
			}
			o.outdir = optarg;
			break;
		case OPT_QUIRKS:
			o.quirks = true;
			break;
		case 'j':
			if (reproduce_int("threads", optarg, 1, 64,
			    &o.threads) != 0)
				return CLI_EXIT_USAGE;
			break;
		case OPT_SEED:
			errno = 0;
			seed = strtoull(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    optarg[0] < '0' || optarg[0] > '9' ||
			    seed > INT64_MAX)
				return cli_error("reproduce", "--seed: expected "
				    "an integer from 0 to %" PRId64 ", got '%s'",
				    INT64_MAX, optarg);
			o.seed = seed;
			break;
		case 'q':
			quiet = true;
			break;
		case OPT_STEPS:
			if (reproduce_int("steps", optarg, 1, 10000000,
			    &o.steps) != 0)
				return CLI_EXIT_USAGE;
			break;
		case OPT_BATCH:
			if (reproduce_int("batch", optarg, 1, 1000000,
			    &o.batch) != 0)
				return CLI_EXIT_USAGE;
			break;
		case OPT_TEST_BATCH:
			if (reproduce_int("test-batch", optarg, 1, 1000000,
			    &o.test_batch) != 0)
				return CLI_EXIT_USAGE;
			break;
		case OPT_LR:
			errno = 0;
			o.lr = strtod(optarg, &end);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    !isfinite(o.lr) || !(o.lr > 0))
				return cli_error("reproduce", "--lr: expected a "
				    "finite number > 0, got '%s'", optarg);
			break;
		case OPT_DEPTHS:
			if (reproduce_int("depths", optarg, 1, 6,
			    &o.depths) != 0)
				return CLI_EXIT_USAGE;
			break;
		case 'h':
			fputs(reproduce_usage, stdout);
			return CLI_EXIT_OK;
		case OPT_VERSION:
			cli_version(stdout);
			return CLI_EXIT_OK;
		case ':':
			return cli_error("reproduce", "%s needs a value (see "
			    "memscope reproduce --help)", argv[optind - 1]);
		default:
			return cli_error("reproduce", "unknown option '%s' (see "
			    "memscope reproduce --help)", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_error("reproduce", "unexpected argument '%s' (see "
		    "memscope reproduce --help)", argv[optind]);
	/* before the work: --out must be (or become) a writable directory */
	if (output_check_dir(o.outdir, err, sizeof err) != 0)
		return cli_error("reproduce", "--out: %s", err);
	if (!quiet) {
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
