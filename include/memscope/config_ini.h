/*
 * The --config file: an INI file of key = value lines with the long option
 * names of config.h as keys, applied to a struct ms_config.
 */
#ifndef MEMSCOPE_CONFIG_INI_H
#define MEMSCOPE_CONFIG_INI_H

#include <stddef.h>
#include <stdint.h>

#include "memscope/config.h"

struct input_ini;

/* Read an INI file of key = value lines (same keys as the long options),
 * once, through input_read (so a pipe works); bit i of *given (if not
 * NULL) is set for each config key i (config_key_name) the file sets.
 * 0, or -1 with a message naming the file and line; cfg is then unchanged. */
int config_load_ini(struct ms_config *cfg, const char *path, uint64_t *given,
    char *err, size_t errlen);

/* A key of the file that is not a config key: 1 taken, 0 unknown, -1 a
 * bad value (msg says why, naming the key and what it accepts). */
typedef int (*config_ini_extra)(void *user, const char *key,
    const char *value, char *msg, size_t msglen);
/* config_load_ini, with the keys that are not config keys handed to extra
 * (the visualizer's own settings); extra's effects are not undone on an
 * error. */
int config_load_ini_extra(struct ms_config *cfg, const char *path,
    uint64_t *given, config_ini_extra extra, void *user, char *err,
    size_t errlen);

/* What input_ini_parse's return r on path's text means (input.h): 0 for
 * 0, else -1 with a "PATH:LINE: ..." message: msg, the handler's first
 * refusal, if it was on line err_line; a line too long; out of memory; a
 * line that is neither key = value nor [section]. */
int config_ini_result(const char *path, int r, const struct input_ini *ii,
    int err_line, const char *msg, char *err, size_t errlen);

#endif
