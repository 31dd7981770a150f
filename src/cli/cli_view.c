/*
 * The visualizer's own settings (cli_view.h): one checker for each of
 * them, shared by the command line and the config files, so both accept
 * the same spellings.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/cli.h"
#include "memscope/cli_view.h"
#include "memscope/config.h"
#include "memscope/theme.h"

static const char *const view_screens[CLI_VIEW_SCREENS] = { "dashboard",
    "parameters", "memory", "step", "teach" };

/* speed: max, or 1 .. CLI_SPEED_MAX steps per second. */
static int
view_speed(struct cli_opts *o, const char *value, char *msg, size_t msglen)
{
	int64_t n;

	if (strcmp(value, "max") == 0) {
		o->speed = 0;
		return 1;
	}
	if (config_parse_int(value, 1, CLI_SPEED_MAX, &n) != 0) {
		config_error(msg, msglen, "speed '%s': expected steps per "
		    "second of each run, 1 to %d, or max (unlimited)", value,
		    CLI_SPEED_MAX);
		return -1;
	}
	o->speed = (int)n;
	return 1;
}

/* screen: 1 .. 5 or its name. */
static int
view_screen(struct cli_opts *o, const char *value, char *msg, size_t msglen)
{
	int64_t n;

	for (int i = 0; i < CLI_VIEW_SCREENS; i++)
		if (strcmp(value, view_screens[i]) == 0) {
			o->screen = i;
			return 1;
		}
	if (config_parse_int(value, 1, CLI_VIEW_SCREENS, &n) != 0) {
		config_error(msg, msglen, "screen '%s': expected 1 to %d or "
		    "dashboard, parameters, memory, step, teach", value,
		    CLI_VIEW_SCREENS);
		return -1;
	}
	o->screen = (int)n - 1;
	return 1;
}

/* theme: a name or path that theme_find resolves. */
static int
view_theme(struct cli_opts *o, const char *value, char *msg, size_t msglen)
{
	char file[4096];

	if (strlen(value) >= sizeof o->theme_buf ||
	    theme_find(value, file, sizeof file) != 0) {
		config_error(msg, msglen, "theme '%s': no such theme (a name "
		    "such as dark, light, mono, solarized, amber, or the path "
		    "of a .theme file)", value);
		return -1;
	}
	snprintf(o->theme_buf, sizeof o->theme_buf, "%s", value);
	o->theme = o->theme_buf;
	return 1;
}

/* The theme to draw with, loaded. */
int
cli_view_theme(const char *cmd, const struct cli_opts *o, struct theme *t)
{
	char err[512];

	if (theme_load(o->theme != NULL ? o->theme : THEME_DEFAULT, t, err,
	    sizeof err) != 0)
		return cli_error(cmd, "--theme: %s", err);
	return 0;
}

/* A visualizer key of a config file, or of the command line. */
int
cli_view_set(void *opts, const char *key, const char *value, char *msg,
    size_t msglen)
{
	struct cli_opts *o = opts;

	if (strcmp(key, "speed") == 0)
		return view_speed(o, value, msg, msglen);
	if (strcmp(key, "screen") == 0)
		return view_screen(o, value, msg, msglen);
	if (strcmp(key, "theme") == 0)
		return view_theme(o, value, msg, msglen);
	return 0;
}

/* The user config file's path. */
int
cli_view_user_config(char *buf, size_t len)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

	if (xdg != NULL && *xdg != '\0')
		snprintf(buf, len, "%s/memscope/config.ini", xdg);
	else if (home != NULL && *home != '\0')
		snprintf(buf, len, "%s/.config/memscope/config.ini", home);
	else
		return -1;
	return 0;
}

/* Whether MEMSCOPE_NO_USER_CONFIG is set to skip it. */
bool
cli_view_user_config_skipped(void)
{
	const char *s = getenv("MEMSCOPE_NO_USER_CONFIG");

	return s != NULL && *s != '\0' && strcmp(s, "0") != 0;
}
