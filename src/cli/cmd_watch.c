/*
 * memscope watch FILE: the visualizer on a history file that a headless
 * run writes (train --live FILE), read-only (engine_create_watch). Takes
 * --theme, --ascii, --mono and --no-user-config (the user config's theme
 * applies). A FILE that does not exist yet is waited for, if its directory
 * exists; anything else wrong with it is bad input, status 2.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "memscope/cli.h"
#include "memscope/cli_view.h"
#include "memscope/engine.h"
#include "memscope/theme.h"
#include "memscope/tui.h"

/* A FILE that is not there: fine if its directory is (0), else the exit
 * status after the message. */
static int
watch_check_dir(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	struct stat st;

	if (slash == NULL)
		snprintf(dir, sizeof dir, ".");
	else
		snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 :
		    (int)(slash - path), path);
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return cli_error("watch", "'%s': no such file, and its "
		    "directory '%s' is not there to wait in", path, dir);
	return 0;
}

/* The watch subcommand. */
int
cmd_watch(int argc, char **argv)
{
	struct cli_opts o;
	struct engine_opts eo;
	struct tui_opts to;
	struct theme theme;
	struct engine *e;
	struct stat st;
	char err[512];
	int rc;

	if ((rc = cli_parse("watch", argc, argv, &o)) != CLI_CONTINUE)
		return rc;
	if (o.file == NULL)
		return cli_error("watch", "which file? (usage: memscope watch "
		    "FILE, the history that memscope train --live FILE "
		    "writes)");
	if (stat(o.file, &st) != 0 && errno == ENOENT &&
	    (rc = watch_check_dir(o.file)) != 0)
		return rc;
	if ((rc = cli_view_theme("watch", &o, &theme)) != 0)
		return rc;
	memset(&eo, 0, sizeof eo);
	/* bad input first: a file that is not a history */
	if ((e = engine_create_watch(o.file, &eo, err, sizeof err)) == NULL)
		return cli_error("watch", "%s", err);
	if (!cli_have_terminal()) {
		engine_free(e);
		fprintf(stderr, "memscope watch: needs a terminal (stdin and "
		    "stdout a tty, TERM not dumb)\n");
		return CLI_EXIT_USAGE;
	}
	memset(&to, 0, sizeof to);
	to.theme = &theme;
	to.ascii = o.ascii;
	to.mono = cli_mono(&o);
	return tui_run(e, &to);
}
