/*
 * memscope [tui]: the live visualizer. Takes the experiment options of
 * `memscope train`, --load FILE to continue from a checkpoint, --theme,
 * --ascii and --mono. Refuses to start without a terminal (TERM unset or
 * dumb, or stdin/stdout not a tty) and points to `memscope train`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "memscope/checkpoint.h"
#include "memscope/cli.h"
#include "memscope/engine.h"
#include "memscope/theme.h"
#include "memscope/tui.h"
#include "memscope/xmalloc.h"

/* The visualizer subcommand. */
int
cmd_tui(int argc, char **argv)
{
	struct cli_opts o;
	struct engine_opts eo;
	struct tui_opts to;
	struct trainer *loaded = NULL;
	struct checkpoint_info info;
	struct theme theme;
	struct engine *e;
	const char *term = getenv("TERM"), *nc = getenv("NO_COLOR");
	char err[512];
	int rc;

	if ((rc = cli_parse("tui", argc, argv, &o)) != CLI_CONTINUE)
		return rc;
	/* read once, here: a bad theme is bad input, refused */
	if (theme_load(o.theme != NULL ? o.theme : THEME_DEFAULT, &theme, err,
	    sizeof err) != 0)
		return cli_error("tui", "--theme: %s", err);
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO) || term == NULL ||
	    *term == '\0' || strcmp(term, "dumb") == 0) {
		fprintf(stderr, "memscope: the visualizer needs a terminal "
		    "(stdin and stdout a tty, TERM not dumb); for headless "
		    "training use `memscope train`\n");
		return CLI_EXIT_USAGE;
	}
	if (o.load_path != NULL) {
		loaded = xcalloc(1, sizeof *loaded);
		if (checkpoint_read(o.load_path, loaded, CHECKPOINT_REPLAY,
		    &info, err, sizeof err) != 0) {
			free(loaded);
			return cli_error("tui", "--load: %s", err);
		}
	}
	memset(&eo, 0, sizeof eo);
	eo.save_path = o.save_path;
	eo.csv_path = o.csv_path;
	if ((e = engine_create(&o.cfg, loaded, &eo, err, sizeof err)) == NULL)
		return cli_error("tui", "%s", err);
	memset(&to, 0, sizeof to);
	to.theme = &theme;
	to.note = loaded != NULL && !info.exact ? info.note : NULL;
	to.ascii = o.ascii;
	to.mono = o.mono || (nc != NULL && *nc != '\0');
	return tui_run(e, &to);
}
