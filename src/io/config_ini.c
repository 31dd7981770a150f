/*
 * The --config file: an INI file of key = value lines whose keys are the
 * long option names of config.h (any or no section). It is read once,
 * through input_read (so a pipe works), and every value goes through
 * config_set, so a file accepts exactly the command line's spellings.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/config.h"
#include "memscope/config_ini.h"
#include "memscope/input.h"

/* State of one INI read: the parse, the keys set, the first error. */
struct config_ini {
	struct ms_config *cfg;
	struct input_ini ii;	/* ii.line: the line being parsed */
	uint64_t given;		/* bit i: config key i was set */
	config_ini_extra extra;	/* keys that are not config keys, or NULL */
	void *extra_user;
	int err_line;		/* line of the first handler error, 0 if none */
	char err[256];
};

/* inih's handler: one key = value line through config_set. */
static int
config_ini_handler(void *user, const char *section, const char *name,
    const char *value)
{
	struct config_ini *ci = user;
	int bit = config_key_index(name);
	char msg[256];

	(void)section;
	if (bit >= 0) {
		if (config_set(ci->cfg, name, value, msg, sizeof msg) == 0) {
			ci->given |= (uint64_t)1 << bit;
			return 1;
		}
	} else if (ci->extra != NULL && (bit = ci->extra(ci->extra_user,
	    name, value, msg, sizeof msg)) != 0) {
		if (bit > 0)
			return 1;
	} else
		snprintf(msg, sizeof msg, "unknown key '%s' (accepted: the long "
		    "option names, e.g. dim, context, layers, param, data%s)",
		    name, ci->extra != NULL ? "; and the visualizer's theme, "
		    "speed and screen" : "");
	if (ci->err_line == 0) {
		ci->err_line = ci->ii.line;
		snprintf(ci->err, sizeof ci->err, "%s", msg);
	}
	return 0;
}

/* What input_ini_parse's return r on path's text means (input.h): 0 for
 * 0, else -1 with the message; err_line and msg: the handler's first
 * refusal. */
int
config_ini_result(const char *path, int r, const struct input_ini *ii,
    int err_line, const char *msg, char *err, size_t errlen)
{
	if (r > 0 && r == ii->long_line)
		return config_error(err, errlen, "%s:%d: the line is longer "
		    "than the INI reader's %d bytes", path, r, ii->buffer - 3);
	if (r == -2)
		return config_error(err, errlen, "%s: out of memory", path);
	if (r > 0 && r == err_line)
		return config_error(err, errlen, "%s:%d: %s", path, r, msg);
	if (r != 0)
		return config_error(err, errlen, "%s:%d: expected 'key = value' "
		    "or '[section]'", path, r);
	return 0;
}

/* Apply an INI file's keys (any or no section), read once; cfg and *given
 * are unchanged on error. */
int
config_load_ini(struct ms_config *cfg, const char *path, uint64_t *given,
    char *err, size_t errlen)
{
	return config_load_ini_extra(cfg, path, given, NULL, NULL, err,
	    errlen);
}

/* config_load_ini, with the keys that are not config keys handed to
 * extra. */
int
config_load_ini_extra(struct ms_config *cfg, const char *path,
    uint64_t *given, config_ini_extra extra, void *user, char *err,
    size_t errlen)
{
	static const struct input_limits lim = { "a config file",
	    INPUT_INI_BYTES, INPUT_INI_LINE, INPUT_WAIT_MS };
	struct config_ini ci;
	struct ms_config work = *cfg;
	char *text;
	size_t len;
	int r;

	memset(&ci, 0, sizeof ci);
	ci.cfg = &work;
	ci.extra = extra;
	ci.extra_user = user;
	if (input_read(path, &lim, &text, &len, err, errlen) != 0)
		return -1;
	r = input_ini_parse(&ci.ii, text, config_ini_handler, &ci);
	free(text);
	if (config_ini_result(path, r, &ci.ii, ci.err_line, ci.err, err,
	    errlen) != 0)
		return -1;
	*cfg = work;
	if (given != NULL)
		*given |= ci.given;
	return 0;
}
