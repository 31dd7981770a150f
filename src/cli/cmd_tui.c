/*
 * memscope [tui]: the live visualizer. Takes the experiment options of
 * `memscope train`, --load FILE to continue from a checkpoint, --theme,
 * --ascii and --mono. Refuses to start without a terminal (TERM unset or
 * dumb, or stdin/stdout not a tty) and points to `memscope train`.
 *
 * With --load, the checkpoint records the run: its shape, data, batches
 * and seed. Options for those (on the command line or in --config) that
 * differ from the file are refused, all named in one line with the file's
 * values; the options of continued training (steps, lr, clip, threads and
 * the baselines' settings) are applied to the loaded run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/checkpoint.h"
#include "memscope/cli.h"
#include "memscope/cli_compare.h"
#include "memscope/cli_view.h"
#include "memscope/engine.h"
#include "memscope/history_follow.h"
#include "memscope/theme.h"
#include "memscope/tui.h"
#include "memscope/warmstart.h"
#include "memscope/xmalloc.h"

/* What a checkpoint records of the run: never changed by an option. */
static const char *tui_load_fixed[] = { "dim", "context", "layers", "heads",
    "param", "memory", "data", "wstar", "batch", "test-batch", "resample",
    "seed", "scale", "mean", "gates", "freeze" };
/* What continuing a loaded run may change. */
static const char *tui_load_applied[] = { "steps", "lr", "clip", "threads",
    "quirks", "gd-step", "mom-eta", "mom-beta", "nest-eta", "nest-beta" };

#define TUI_NELEMS(a) (sizeof (a) / sizeof (a)[0])

/* Refuse the options that contradict the loaded run t, apply the others;
 * 0 or an exit status (the message printed). */
static int
tui_load_options(const struct cli_opts *o, struct trainer *t)
{
	char given[512] = "", file[512] = "", mine[64], theirs[64], err[512];
	struct ms_config cfg = t->cfg;
	size_t i, n = 0;

	for (i = 0; i < TUI_NELEMS(tui_load_fixed); i++) {
		const char *key = tui_load_fixed[i];
		size_t lg = strlen(given), lf = strlen(file);

		if (!cli_given(o, key) || config_key_equal(&o->cfg, &t->cfg,
		    key))
			continue;
		/* as text only for the message */
		config_get(&o->cfg, key, mine, sizeof mine);
		config_get(&t->cfg, key, theirs, sizeof theirs);
		snprintf(given + lg, sizeof given - lg, "%s--%s %s",
		    n > 0 ? ", " : "", key, mine);
		snprintf(file + lf, sizeof file - lf, "%s%s %s",
		    n > 0 ? ", " : "", key, theirs);
		n++;
	}
	if (n > 0)
		return cli_error("tui", "--load %s: %s %s the checkpoint, which "
		    "has %s; a loaded run keeps its shape, data, batches and "
		    "seed (only --steps, --lr, --clip, --threads and the "
		    "baseline options apply to it)", o->load_path, given,
		    n > 1 ? "contradict" : "contradicts", file);
	for (i = 0; i < TUI_NELEMS(tui_load_applied); i++)
		if (cli_given(o, tui_load_applied[i]))
			config_copy_key(&cfg, &o->cfg, tui_load_applied[i]);
	if (config_validate(&cfg, err, sizeof err) != 0)
		return cli_error("tui", "--load %s: %s", o->load_path, err);
	t->adam.lr = cfg.lr;
	if (cfg.threads != t->cfg.threads) {
		pool_free(t->pool);
		t->pool = pool_create(cfg.threads);
	}
	t->cfg = cfg;
	return 0;
}

/* The reference runs --overlay files make, and the rows being read. */
struct tui_overlay {
	struct engine_ref refs[SNAPSHOT_MAX_RUNS];
	int nrefs;
	int first;		/* the current file's first ref */
	int file_run[SNAPSHOT_MAX_RUNS];	/* its run numbers */
	bool full;		/* a run found no room */
};

/* The follower's sink: a row of an --overlay file into its run's ref. */
static void
tui_overlay_row(void *ctx, const struct history_row *row)
{
	struct tui_overlay *ov = ctx;
	int i;

	for (i = ov->first; i < ov->nrefs && ov->file_run[i] != row->run; i++)
		;
	if (i == ov->nrefs) {
		if (ov->nrefs == SNAPSHOT_MAX_RUNS) {
			ov->full = true;
			return;
		}
		ov->file_run[i] = row->run;
		ov->nrefs++;
	}
	snapshot_curve_append(&ov->refs[i].curve, (double)row->step,
	    row->train, row->test);
}

static void
tui_overlay_free(struct tui_overlay *ov)
{
	for (int i = 0; i < ov->nrefs; i++)
		snapshot_curve_free(&ov->refs[i].curve);
}

/* Read the --overlay files of o into ov, leaving room for `trained` runs:
 * a reference run per run of each file, labelled by the file's name (and
 * the run's number when it holds several). 0, or the exit status after a
 * message. */
static int
tui_overlays(const struct cli_opts *o, int trained, struct tui_overlay *ov)
{
	struct history_follow_sink sink = { tui_overlay_row, NULL, ov };
	char err[512], name[24];

	memset(ov, 0, sizeof *ov);
	for (int f = 0; f < o->overlay.n; f++) {
		const char *path = o->overlay.v[f], *base = strrchr(path, '/');
		char *dot;

		ov->first = ov->nrefs;
		if (history_follow_read(path, &sink, err, sizeof err) < 0)
			return cli_error("tui", "--overlay: %s", err);
		if (ov->full || ov->nrefs + trained > SNAPSHOT_MAX_RUNS)
			return cli_error("tui", "--overlay %s: too many runs: "
			    "the run list holds %d, with %d trained", path,
			    SNAPSHOT_MAX_RUNS, trained);
		snprintf(name, sizeof name, "%s", base != NULL ? base + 1 :
		    path);
		if ((dot = strrchr(name, '.')) != NULL && dot != name)
			*dot = '\0';
		for (int i = ov->first; i < ov->nrefs; i++) {
			struct engine_ref *r = &ov->refs[i];

			config_defaults(&r->cfg);
			if (ov->nrefs - ov->first > 1)
				snprintf(r->label, sizeof r->label, "%.16s#%d",
				    name, ov->file_run[i]);
			else
				snprintf(r->label, sizeof r->label, "%s", name);
		}
	}
	return 0;
}

/* The engine for o's runs: --compare's, or the configuration, or the
 * loaded trainer; the overlays; the pace. NULL and the exit status. */
static struct engine *
tui_engine(const struct cli_opts *o, struct trainer *loaded,
    const struct snapshot_curve *loaded_hist, int *rc)
{
	struct ms_config cmp[CLI_COMPARE_MAX];
	struct tui_overlay ov;
	struct engine_opts eo;
	struct engine *e = NULL;
	char err[512];
	int n = 0;

	*rc = CLI_EXIT_USAGE;
	if (o->compare.n > 0 && loaded != NULL) {
		cli_error("tui", "--compare and --load: a loaded run keeps its "
		    "settings; compare runs from the start");
		goto refused;
	}
	if (o->compare.n > 0 && (n = cli_compare_expand(&o->cfg,
	    o->compare.v, o->compare.n, cmp, CLI_COMPARE_MAX, err,
	    sizeof err)) < 0) {
		cli_error("tui", "%s", err);
		goto refused;
	}
	if ((*rc = tui_overlays(o, n > 0 ? n : 1, &ov)) != 0) {
		tui_overlay_free(&ov);
		goto refused;
	}
	memset(&eo, 0, sizeof eo);
	eo.save_path = o->save_path;
	eo.csv_path = o->csv_path;
	eo.speed = o->speed == CLI_SPEED_DEFAULT ? ENGINE_SPEED_DEFAULT :
	    o->speed;
	eo.compare = n > 0 ? cmp : NULL;
	eo.ncompare = n;
	eo.refs = ov.refs;
	eo.nrefs = ov.nrefs;
	eo.loaded_hist = loaded_hist;
	/* several runs are stepped on --threads workers, else every CPU */
	eo.workers = cli_given(o, "threads") ? o->cfg.threads : 0;
	if ((e = engine_create(&o->cfg, loaded, &eo, err, sizeof err)) == NULL)
		*rc = cli_error("tui", "%s", err);
	tui_overlay_free(&ov);
	return e;
refused:
	if (loaded != NULL) {
		trainer_free(loaded);
		free(loaded);
	}
	return NULL;
}

/* --init FILE[,FILE...] (without --load or --compare): the run of o's
 * configuration, its parameters from the files (warmstart.h), into
 * *loaded; 0 or the exit status. */
static int
tui_init_run(const struct cli_opts *o, struct trainer **loaded)
{
	char err[512];

	*loaded = xcalloc(1, sizeof **loaded);
	if (trainer_init_deferred(*loaded, &o->cfg, err, sizeof err) == 0 &&
	    warmstart_apply(&(*loaded)->model, o->init_path, err,
	    sizeof err) == 0)
		return 0;
	if ((*loaded)->model.params != NULL)
		trainer_free(*loaded);
	free(*loaded);
	*loaded = NULL;
	return cli_error("tui", "%s", err);
}

/* The visualizer subcommand. */
int
cmd_tui(int argc, char **argv)
{
	struct cli_opts o;
	struct tui_opts to;
	struct trainer *loaded = NULL;
	struct checkpoint_info info;
	struct theme theme;
	struct engine *e;
	struct snapshot_curve loaded_hist = { 0 };
	char err[512];
	int rc;

	if ((rc = cli_parse("tui", argc, argv, &o)) != CLI_CONTINUE)
		return rc;
	/* read once, here: a bad theme is bad input, refused */
	if ((rc = cli_view_theme("tui", &o, &theme)) != 0)
		return rc;
	/* bad input first: --init with what it cannot go with (before
	 * anything is read), a --load that the options contradict */
	if (o.init_path != NULL && (o.load_path != NULL || o.compare.n > 0))
		return cli_error("tui", "--init starts one new run: not with "
		    "--%s", o.load_path != NULL ? "load" : "compare");
	if (o.load_path != NULL) {
		loaded = xcalloc(1, sizeof *loaded);
		if (checkpoint_read(o.load_path, loaded, CHECKPOINT_REPLAY |
		    CHECKPOINT_HISTORY, &info, err, sizeof err) != 0) {
			free(loaded);
			return cli_error("tui", "--load: %s", err);
		}
		if ((rc = tui_load_options(&o, loaded)) != 0) {
			trainer_free(loaded);
			free(loaded);
			checkpoint_history_free(&info.hist);
			return rc;
		}
		/* the curves it was saved with */
		for (long i = 0; i < info.hist.n; i++)
			snapshot_curve_append(&loaded_hist, info.hist.step[i],
			    info.hist.train[i], info.hist.test[i]);
		checkpoint_history_free(&info.hist);
	}
	if (o.init_path != NULL && (rc = tui_init_run(&o, &loaded)) != 0)
		return rc;
	/* bad input first: --compare, --overlay (the engine takes loaded) */
	e = tui_engine(&o, loaded, &loaded_hist, &rc);
	snapshot_curve_free(&loaded_hist);	/* the engine made its copy */
	if (e == NULL)
		return rc;
	if (!cli_have_terminal()) {
		fprintf(stderr, "memscope: the visualizer needs a terminal "
		    "(stdin and stdout a tty, TERM not dumb); for headless "
		    "training use `memscope train`\n");
		engine_free(e);
		return CLI_EXIT_USAGE;
	}
	memset(&to, 0, sizeof to);
	to.theme = &theme;
	to.note = loaded != NULL && !info.exact ? info.note : NULL;
	to.ascii = o.ascii;
	to.svg = o.svg_path;
	/* the engine's default export path (engine.c) */
	to.csv = o.csv_path != NULL ? o.csv_path : "memscope-history.csv";
	to.record = o.record_path;
	to.screen = o.screen;
	to.mono = cli_mono(&o);
	return tui_run(e, &to);
}
