/*
 * memscope tour: the guided lesson (tour.h) in the visualizer, stage by
 * stage. Takes --stage N, --speed, --theme, --ascii, --mono and --record;
 * the experiments are the lesson's, so no experiment option applies and
 * no config file is read. Every stage's configuration is checked before
 * the terminal is, so a stage that cannot run is an error at once.
 */
#include <stdio.h>

#include "memscope/cli.h"
#include "memscope/cli_view.h"
#include "memscope/engine.h"
#include "memscope/theme.h"
#include "memscope/tour.h"
#include "memscope/tui.h"

/* The tour subcommand. */
int
cmd_tour(int argc, char **argv)
{
	struct ms_config cfg[TOUR_MAX_RUNS];
	struct cli_opts o;
	struct tui_opts to;
	struct theme theme;
	char err[512];
	int rc;

	if ((rc = cli_parse("tour", argc, argv, &o)) != CLI_CONTINUE)
		return rc;
	if ((rc = cli_view_theme("tour", &o, &theme)) != 0)
		return rc;
	for (int i = 0; i < tour_lesson.n; i++)
		if (tour_configs(&tour_lesson.stage[i], cfg, TOUR_MAX_RUNS, err,
		    sizeof err) < 0 || config_memory_check(&cfg[0], err,
		    sizeof err) != 0)
			return cli_error("tour", "%s", err);
	if (!cli_have_terminal()) {
		fprintf(stderr, "memscope tour: needs a terminal (stdin and "
		    "stdout a tty, TERM not dumb)\n");
		return CLI_EXIT_USAGE;
	}
	to = (struct tui_opts){ .theme = &theme, .ascii = o.ascii,
	    .mono = cli_mono(&o), .record = o.record_path,
	    .tour = &tour_lesson, .tour_stage = o.stage - 1,
	    .tour_speed = o.speed == CLI_SPEED_DEFAULT ? ENGINE_SPEED_DEFAULT :
	    o.speed };
	return tui_run(NULL, &to);
}
