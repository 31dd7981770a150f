/*
 * The visualizer's own settings, beside the experiment's: theme, speed
 * and screen, as options (--theme, --speed, --screen) and as keys of
 * --config and of the user config file, which the visualizer (and watch)
 * read at start: $XDG_CONFIG_HOME/memscope/config.ini, or
 * ~/.config/memscope/config.ini when XDG_CONFIG_HOME is unset or empty.
 * Headless commands never read the user config, so their results depend
 * only on their command line (and --config).
 */
#ifndef MEMSCOPE_CLI_VIEW_H
#define MEMSCOPE_CLI_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "memscope/cli.h"
#include "memscope/theme.h"

#define CLI_SPEED_MAX 100000	/* steps per second, the highest cap */
#define CLI_VIEW_SCREENS 5

/* A key of a config file that is not a config key (config_ini_extra, user
 * = the struct cli_opts): theme, speed or screen, checked and set in it;
 * 1 taken, 0 not one of them, -1 a bad value (msg names it and what is
 * accepted). */
int cli_view_set(void *opts, const char *key, const char *value, char *msg,
    size_t msglen);

/* The theme o names (--theme, a config's theme key) or the default,
 * loaded into t; 0, or CLI_EXIT_USAGE after "memscope CMD: --theme: ..."
 * (one that cannot be read is bad input). */
int cli_view_theme(const char *cmd, const struct cli_opts *o,
    struct theme *t);

/* The user config file's path into buf; -1 if there is none (no
 * XDG_CONFIG_HOME and no HOME). */
int cli_view_user_config(char *buf, size_t len);
/* Whether MEMSCOPE_NO_USER_CONFIG asks to skip it (set, not "" or "0"). */
bool cli_view_user_config_skipped(void);

#endif
