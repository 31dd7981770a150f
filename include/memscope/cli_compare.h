/*
 * --compare KEY=V1,V2,... (given once or twice): the runs a comparison
 * starts with, one configuration per value, or per pair of values (the
 * cross product) when two keys are given.
 */
#ifndef MEMSCOPE_CLI_COMPARE_H
#define MEMSCOPE_CLI_COMPARE_H

#include <stddef.h>

#include "memscope/config.h"

#define CLI_COMPARE_MAX 8	/* runs a comparison starts with, at most */

/* The keys --compare takes, as one line of text for messages. */
extern const char cli_compare_keys[];

/*
 * The configurations of nspecs (1 or 2) specs "KEY=V1,V2,...": base with
 * KEY set to each value in turn through config_set (so each value is
 * checked as the option itself checks it), the first spec's values varying
 * slowest; each result validated (config_validate). At most max results
 * into out. Returns how many, or -1 with a one-line message naming the
 * spec and what is accepted (an unknown key, a key given twice, a bad,
 * empty or repeated value, too many runs, a combination that is not a
 * valid configuration).
 */
int cli_compare_expand(const struct ms_config *base, const char *const *specs,
    int nspecs, struct ms_config *out, int max, char *err, size_t errlen);

#endif
