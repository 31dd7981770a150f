/*
 * memscope sweep plan|run|merge|job: grids of trainings (sweep.h does the
 * work). plan writes the plan files, run runs every job on this machine
 * with a progress bar and merges, merge writes the tables and figures, job
 * is one line of jobs.txt. Options are in cli.c's table.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "memscope/cli.h"
#include "memscope/clock.h"
#include "memscope/config.h"
#include "memscope/output.h"
#include "memscope/report.h"
#include "memscope/runner.h"
#include "memscope/sweep.h"

/* The progress bar of sweep run, on stderr. */
struct sweep_bar {
	bool tty;		/* a bar rewritten in place */
	bool drawn;		/* it is on the screen */
	double drawn_at;	/* when it was last drawn */
	int last_decile;	/* not a tty: the last 10% mark printed */
	bool ended;		/* not a tty: the line of the end is out */
	struct sweep_progress last;	/* what the hook was told last */
};

/* What an interruption of sweep run writes (after a newline that closes
 * the bar, if it is up). */
static const char sweep_note[] = "\nmemscope sweep: interrupted (the "
    "results written so far are kept)\n";

/* What the bar says: "[####......]  34%  12/40 jobs (3 skipped) ...". */
static void
sweep_bar_line(char *line, size_t len, const struct sweep_progress *p)
{
	/* every job ended is all of it (the sum of the parts can fall short
	 * of the estimate by a rounding: "99%  8/8 jobs") */
	double f = p->done >= p->jobs || p->cost <= 0 ? 1 :
	    p->done_cost / p->cost;
	double eta = f > 0 && f < 1 ? p->elapsed * (1 - f) / f : NAN;
	char bar[21], el[32], left[32], failed[32] = "";

	f = f < 0 ? 0 : f > 1 ? 1 : f;
	report_bar(bar, f);
	report_duration(el, sizeof el, p->elapsed);
	if (isnan(eta))
		snprintf(left, sizeof left, f >= 1 ? "0:00" : "-");
	else
		report_duration(left, sizeof left, eta);
	if (p->failed > 0)
		snprintf(failed, sizeof failed, ", %ld failed", p->failed);
	snprintf(line, len, "[%s] %3d%%  %ld/%ld jobs (%ld skipped%s)  "
	    "%s elapsed  ETA %s", bar, (int)(100 * f), p->done, p->jobs,
	    p->skipped, failed, el, left);
}

/* sweep_run's progress hook: the bar about every 0.1 s on a terminal,
 * otherwise a line at every tenth of the work. */
static void
sweep_bar_show(void *ctx, const struct sweep_progress *p)
{
	struct sweep_bar *b = ctx;
	double now = clock_seconds();
	char line[200];

	b->last = *p;
	if (b->tty) {
		if (b->drawn && now - b->drawn_at < 0.1 && p->done < p->jobs)
			return;
		sweep_bar_line(line, sizeof line, p);
		report_live_line(line, sweep_note, &b->drawn);
		b->drawn_at = now;
	} else {
		int decile = p->cost > 0 ? (int)(10 * p->done_cost / p->cost) :
		    10;

		/* and the line of the end, once */
		if (decile <= b->last_decile && (p->done < p->jobs ||
		    b->ended))
			return;
		b->last_decile = decile;
		b->ended = p->done == p->jobs;
		sweep_bar_line(line, sizeof line, p);
		fprintf(stderr, "memscope sweep: %s\n", line);
	}
	fflush(stderr);
}

/* A failure of the work, not of the input: "memscope sweep: WHATerr" as
 * one line on stderr; CLI_EXIT_FAIL. */
static int
sweep_fail(const char *what, char *err)
{
	config_one_line(err);
	fprintf(stderr, "memscope sweep: %s%s\n", what, err);
	return CLI_EXIT_FAIL;
}

/* The sweep file operand of plan and run (args[1]), loaded. */
static int
sweep_file(const struct cli_opts *o, struct sweep *sw)
{
	char err[512];

	if (o->nargs < 2)
		return cli_error("sweep", "%s: expected the sweep FILE (usage: "
		    "memscope sweep %s FILE --out DIR)", o->args[0],
		    o->args[0]);
	if (o->nargs > 2)
		return cli_error("sweep", "%s: unexpected argument '%s' (usage: "
		    "memscope sweep %s FILE --out DIR)", o->args[0],
		    o->args[2], o->args[0]);
	if (o->outdir == NULL || *o->outdir == '\0')
		return cli_error("sweep", "%s: --out DIR is required (the "
		    "sweep's directory)", o->args[0]);
	if (output_check_dir(o->outdir, err, sizeof err) != 0)
		return cli_error("sweep", "--out: %s", err);
	if (sweep_load(sw, o->args[1], err, sizeof err) != 0)
		return cli_error("sweep", "%s", err);
	return 0;
}

/* Write the plan of sw into --out; 0 or an exit status. */
static int
sweep_plan_files(const struct cli_opts *o, const struct sweep *sw)
{
	struct sweep_plan_opts po = { .memscope = o->memscope_cmd,
	    .array_limit = o->array_limit, .yes = o->yes };
	char err[512], self[PATH_MAX];
	ssize_t n;
	int rc;

	if (po.memscope == NULL) {
		n = readlink("/proc/self/exe", self, sizeof self - 1);
		if (n <= 0)
			return cli_error("sweep", "cannot find this program's "
			    "path (give --memscope CMD)");
		self[n] = '\0';
		po.memscope = self;
	}
	rc = sweep_plan_write(sw, o->outdir, &po, err, sizeof err);
	if (rc == -2)
		return cli_error("sweep", "%s", err);
	if (rc != 0)
		return sweep_fail("", err);
	return 0;
}

/* "kappa 4 x layers 8 x seed 5" into buf. */
static void
sweep_shape(char *buf, size_t len, const struct sweep *sw)
{
	buf[0] = '\0';
	for (int a = 0; a < sw->naxes; a++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s %d",
		    a ? " x " : "", sw->axes[a].name, sw->axes[a].nvalues);
	if (sw->naxes == 0)
		snprintf(buf, len, "one point");
}

/* memscope sweep plan FILE --out DIR. */
static int
sweep_cmd_plan(const struct cli_opts *o)
{
	struct sweep sw;
	char shape[256];
	int rc;

	if ((rc = sweep_file(o, &sw)) != 0)
		return rc;
	if ((rc = sweep_plan_files(o, &sw)) == 0) {
		sweep_shape(shape, sizeof shape, &sw);
		printf("planned %ld job%s (%s) in %s/\n"
		    "  on this machine: memscope sweep run %s --out %s\n"
		    "  GNU parallel:    OPENBLAS_NUM_THREADS=1 parallel --jobs %d "
		    "< %s/jobs.txt\n"
		    "  Slurm:           sbatch %s/slurm.sbatch\n"
		    "  then:            memscope sweep merge %s\n",
		    sw.njobs, sw.njobs == 1 ? "" : "s", shape, o->outdir,
		    o->args[1], o->outdir, runner_cpus(), o->outdir,
		    o->outdir, o->outdir);
	}
	sweep_free(&sw);
	return rc;
}

/* The merge options of the command line; 0 or an exit status. */
static int
sweep_merge_options(const struct cli_opts *o, struct sweep_merge_opts *mo)
{
	int64_t k;

	memset(mo, 0, sizeof *mo);
	mo->heatmap = o->heatmap;
	mo->lines = o->lines;
	mo->x = o->axis_x;
	mo->y = o->axis_y;
	mo->by = o->axis_by;
	mo->svg = o->svg_path;
	mo->complete = o->complete;
	mo->nwhere = o->where.n;
	for (int i = 0; i < o->where.n; i++)
		mo->where[i] = o->where.v[i];
	if (o->layer != NULL && strcmp(o->layer, "last") != 0) {
		if (config_parse_int(o->layer, 1, 64, &k) != 0)
			return cli_error("sweep", "--layer: expected a read-out "
			    "1 to 64 or last, got '%s'", o->layer);
		mo->layer = (int)k;
	}
	return 0;
}

/* Merge dir; 0 or an exit status. */
static int
sweep_merge_dir(const struct cli_opts *o, const char *dir)
{
	struct sweep_merge_opts mo;
	char err[512];
	int rc;

	if ((rc = sweep_merge_options(o, &mo)) != 0)
		return rc;
	rc = sweep_merge(dir, &mo, stdout, err, sizeof err);
	if (rc == -2)
		return cli_error("sweep", "merge: %s", err);
	if (rc == -1)
		return sweep_fail("merge: ", err);
	return rc == 1 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

/* memscope sweep run FILE --out DIR: plan, every job here, merge. */
static int
sweep_cmd_run(const struct cli_opts *o)
{
	struct sweep sw;
	struct sweep_merge_opts mo;
	struct sweep_bar bar = { .tty = isatty(STDERR_FILENO) == 1 };
	char err[512], shape[256], took[32];
	double t0 = clock_seconds();
	int rc, ran, merged, threads;

	if ((rc = sweep_file(o, &sw)) != 0)
		return rc;
	if ((rc = sweep_plan_files(o, &sw)) != 0) {
		sweep_free(&sw);
		return rc;
	}
	/* the merge's options, before the jobs rather than after them */
	if ((rc = sweep_merge_options(o, &mo)) != 0 ||
	    sweep_merge_check(o->outdir, &mo, err, sizeof err) != 0) {
		sweep_free(&sw);
		return rc != 0 ? rc : cli_error("sweep", "merge: %s (nothing "
		    "was trained)", err);
	}
	threads = cli_given(o, "threads") ? o->cfg.threads : runner_cpus();
	if (!o->quiet) {
		sweep_shape(shape, sizeof shape, &sw);
		fprintf(stderr, "memscope sweep: %ld job%s (%s) on %d "
		    "thread%s into %s/\n", sw.njobs, sw.njobs == 1 ? "" : "s",
		    shape, threads, threads == 1 ? "" : "s", o->outdir);
	}
	if (!o->quiet)	/* no bar yet: no newline to close it */
		output_signal_note(sweep_note + 1);
	ran = sweep_run(&sw, o->outdir, threads, o->quiet ? NULL :
	    sweep_bar_show, &bar, err, sizeof err);
	output_signal_note(NULL);
	if (bar.drawn)
		fprintf(stderr, "\r\033[K");
	report_duration(took, sizeof took, clock_seconds() - t0);
	if (ran != 0)
		(void)sweep_fail("", err);	/* the status: below */
	else if (!o->quiet)
		fprintf(stderr, "memscope sweep: %ld job%s trained, %ld "
		    "skipped, in %s; results in %s/results/\n",
		    bar.last.done - bar.last.skipped, bar.last.done -
		    bar.last.skipped == 1 ? "" : "s", bar.last.skipped, took,
		    o->outdir);
	sweep_free(&sw);
	if (ran < 0)
		return CLI_EXIT_FAIL;
	merged = sweep_merge_dir(o, o->outdir);
	return merged != CLI_EXIT_OK ? merged : ran > 0 ? CLI_EXIT_FAIL :
	    CLI_EXIT_OK;
}

/* memscope sweep merge DIR. */
static int
sweep_cmd_merge(const struct cli_opts *o)
{
	if (o->nargs != 2)
		return cli_error("sweep", "merge: expected one DIR (usage: "
		    "memscope sweep merge DIR [OPTIONS])");
	return sweep_merge_dir(o, o->args[1]);
}

/* The configuration of a job line's KEY=VALUE operands (from args[3]):
 * the defaults, one run, one compute thread unless threads= says. */
static int
sweep_job_config(const struct cli_opts *o, struct ms_config *cfg)
{
	char err[512], key[64];

	config_defaults(cfg);
	cfg->threads = 1;
	for (int i = 3; i < o->nargs; i++) {
		const char *kv = o->args[i], *eq = strchr(kv, '=');

		if (eq == NULL || eq == kv || (size_t)(eq - kv) >= sizeof key)
			return cli_error("sweep", "job: expected KEY=VALUE, got "
			    "'%s'", kv);
		memcpy(key, kv, (size_t)(eq - kv));
		key[eq - kv] = '\0';
		if (strcmp(key, "runs") == 0)
			return cli_error("sweep", "job: runs: a job is one "
			    "training");
		if (config_set(cfg, key, eq + 1, err, sizeof err) != 0)
			return cli_error("sweep", "job: %s", err);
	}
	if (config_validate(cfg, err, sizeof err) != 0)
		return cli_error("sweep", "job: %s", err);
	return 0;
}

/* The job's configuration: from its KEY=VALUE operands (a line of
 * jobs.txt), which must hash to its id, or without them from the plan (a
 * job rerun by id). 0 or an exit status. */
static int
sweep_job_settings(const struct cli_opts *o, const struct sweep_plan *plan,
    const char *want, struct ms_config *cfg)
{
	char id[SWEEP_ID_LEN + 1], err[512];
	long j = sweep_plan_find(plan, want);
	int rc;

	if (o->nargs == 3) {
		if (j < 0)
			return cli_error("sweep", "job: %s is not a job of the "
			    "sweep in %s/ (its ids are in %s/jobs.txt)", want,
			    o->args[1], o->args[1]);
		if (sweep_plan_job(plan, j, cfg, err, sizeof err) != 0)
			return cli_error("sweep", "job: %s", err);
		return 0;
	}
	if ((rc = sweep_job_config(o, cfg)) != 0)
		return rc;
	sweep_job_id(cfg, id);
	if (strcmp(id, want) != 0)
		return cli_error("sweep", "job: the settings hash to %s, not to "
		    "%s (the line was changed: plan again)", id, want);
	if (j < 0)	/* a line of another sweep's jobs.txt */
		return cli_error("sweep", "job: %s is not a job of the sweep in "
		    "%s/ (plan again)", id, o->args[1]);
	return 0;
}

/* memscope sweep job DIR ID [KEY=VALUE...]: one line of jobs.txt, or a
 * job of the plan by its id. */
static int
sweep_cmd_job(const struct cli_opts *o)
{
	struct ms_config cfg;
	struct sweep_plan plan;
	char err[512];
	const char *dir;
	double t0 = clock_seconds();
	enum sweep_job_status st;
	int rc;

	if (o->nargs < 3)
		return cli_error("sweep", "job: expected DIR ID [KEY=VALUE...] "
		    "(a line of DIR/jobs.txt, or a job's id alone)");
	dir = o->args[1];
	if ((rc = sweep_plan_read(&plan, dir, err, sizeof err)) != 0)
		return cli_error("sweep", "job: %s", err);
	if ((rc = sweep_job_settings(o, &plan, o->args[2], &cfg)) == 0) {
		st = sweep_job_run(dir, plan.id, &cfg, o->force, err,
		    sizeof err);
		if (st == SWEEP_JOB_FAILED)
			rc = sweep_fail("", err);
		else if (!o->quiet)
			fprintf(stderr, st == SWEEP_JOB_SKIPPED ?
			    "memscope sweep: job %s: skipped (its result is "
			    "there; --force trains it again)\n" :
			    "memscope sweep: job %s: done in %.1f s\n",
			    o->args[2], clock_seconds() - t0);
	}
	sweep_plan_free(&plan);
	return rc;
}

/* memscope sweep ACTION ...: pick the action. */
int
cmd_sweep(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(const struct cli_opts *);
	} actions[] = {
		{ "plan", sweep_cmd_plan }, { "run", sweep_cmd_run },
		{ "merge", sweep_cmd_merge }, { "job", sweep_cmd_job },
	};
	struct cli_opts o;
	int rc;

	if ((rc = cli_parse("sweep", argc, argv, &o)) != CLI_CONTINUE)
		return rc;
	if (o.nargs < 1)
		return cli_error("sweep", "expected an action: plan, run, merge "
		    "or job (see memscope sweep --help)");
	for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
		if (strcmp(o.args[0], actions[i].name) == 0)
			return actions[i].run(&o);
	return cli_error("sweep", "unknown action '%s' (accepted: plan, run, "
	    "merge, job)", o.args[0]);
}
