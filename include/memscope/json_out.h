/*
 * The JSON files memscope writes (train, eval, baselines and bench --json,
 * step's trace, sweeps): a root object naming its format, version and the
 * memscope version; reals with 17 significant digits, null where not
 * finite; written atomically through output.h.
 */
#ifndef MEMSCOPE_JSON_OUT_H
#define MEMSCOPE_JSON_OUT_H

#include <stddef.h>

#include <jansson.h>

/* A new JSON output's root: format, version 1, memscope_version. */
json_t *json_out_root(const char *format);
/* A real, or null if not finite. */
json_t *json_out_real(double x);
/* A JSON array of n reals; non-finite values become null. */
json_t *json_out_reals(const double *x, int n);
/* Write root to path atomically (indented), then release root; 0 or -1
 * with a message. */
int json_out_write(const char *path, json_t *root, char *err, size_t errlen);

#endif
