/*
 * The expansion of --compare (cli_compare.h): a pure function of the base
 * configuration and the specs' text.
 */
#include <stdio.h>
#include <string.h>

#include "memscope/cli_compare.h"
#include "memscope/config.h"

/* Keys that change the model or its training, never the tasks' shape
 * (the runs of a comparison train on the same tasks); data changes their
 * spectrum only. */
static const char *const compare_keys[] = { "memory", "heads", "layers",
    "param", "data", "lr", "clip", "wstar" };
#define COMPARE_NKEYS ((int)(sizeof compare_keys / sizeof compare_keys[0]))

const char cli_compare_keys[] = "memory, heads, layers, param, data, lr, "
    "clip or wstar";

/* One spec taken apart: its key and values (pointers into text). */
struct compare_spec {
	const char *key;
	char text[256];
	const char *value[CLI_COMPARE_MAX + 1];
	int n;
};

/* Parse spec into sp; 0 or -1 with the message. */
static int
compare_parse(const char *spec, struct compare_spec *sp, int max, char *err,
    size_t errlen)
{
	char *eq, *p;
	const char *canon;

	memset(sp, 0, sizeof *sp);
	if (strlen(spec) >= sizeof sp->text)
		return config_error(err, errlen, "--compare '%.40s...': too "
		    "long (expected KEY=V1,V2,... with KEY %s)", spec,
		    cli_compare_keys);
	snprintf(sp->text, sizeof sp->text, "%s", spec);
	if ((eq = strchr(sp->text, '=')) == NULL)
		return config_error(err, errlen, "--compare '%s': expected "
		    "KEY=V1,V2,... with KEY %s", spec, cli_compare_keys);
	*eq = '\0';
	canon = config_key_canonical(sp->text);
	for (int i = 0; canon != NULL && i < COMPARE_NKEYS; i++)
		if (strcmp(canon, compare_keys[i]) == 0)
			sp->key = compare_keys[i];
	if (sp->key == NULL)
		return config_error(err, errlen, "--compare '%s': unknown key "
		    "'%s' (accepted: %s)", spec, sp->text, cli_compare_keys);
	p = eq + 1;
	for (;;) {
		char *comma = strchr(p, ',');

		if (comma != NULL)
			*comma = '\0';
		if (*p == '\0')
			return config_error(err, errlen, "--compare '%s': an "
			    "empty value (expected %s=V1,V2,...)", spec,
			    sp->key);
		for (int i = 0; i < sp->n; i++)
			if (strcmp(sp->value[i], p) == 0)
				return config_error(err, errlen, "--compare "
				    "'%s': %s given twice", spec, p);
		if (sp->n == max || sp->n == CLI_COMPARE_MAX)
			return config_error(err, errlen, "--compare '%s': more "
			    "than %d values (at most %d runs in all)", spec,
			    max < CLI_COMPARE_MAX ? max : CLI_COMPARE_MAX, max);
		sp->value[sp->n++] = p;
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	return 0;
}

/* Set key = value in cfg as the option would; 0 or -1 with the message. */
static int
compare_set(struct ms_config *cfg, const char *spec, const char *key,
    const char *value, char *err, size_t errlen)
{
	char msg[384];

	if (config_set(cfg, key, value, msg, sizeof msg) != 0)
		return config_error(err, errlen, "--compare %s: %s", spec, msg);
	return 0;
}

/* The configurations of the specs, the first one's values slowest. */
int
cli_compare_expand(const struct ms_config *base, const char *const *specs,
    int nspecs, struct ms_config *out, int max, char *err, size_t errlen)
{
	struct compare_spec sp[2];
	int n0, n1, n = 0;
	char msg[384];

	if (nspecs < 1 || nspecs > 2)
		return config_error(err, errlen, "--compare: given %d times "
		    "(once, or twice for the cross product of two keys)",
		    nspecs);
	for (int s = 0; s < nspecs; s++)
		if (compare_parse(specs[s], &sp[s], max, err, errlen) != 0)
			return -1;
	if (nspecs == 2 && strcmp(sp[0].key, sp[1].key) == 0)
		return config_error(err, errlen, "--compare: %s given twice "
		    "(two --compare take two different keys)", sp[0].key);
	n0 = sp[0].n;
	n1 = nspecs == 2 ? sp[1].n : 1;
	if (n0 * n1 > max)
		return config_error(err, errlen, "--compare: %d x %d = %d runs, "
		    "more than the %d a comparison holds", n0, n1, n0 * n1,
		    max);
	for (int i = 0; i < n0; i++)
		for (int j = 0; j < n1; j++, n++) {
			out[n] = *base;
			if (compare_set(&out[n], specs[0], sp[0].key,
			    sp[0].value[i], err, errlen) != 0)
				return -1;
			if (nspecs == 2 && compare_set(&out[n], specs[1],
			    sp[1].key, sp[1].value[j], err, errlen) != 0)
				return -1;
			if (config_validate(&out[n], msg, sizeof msg) != 0) {
				if (nspecs == 2)
					return config_error(err, errlen,
					    "--compare: the run %s=%s %s=%s: "
					    "%s", sp[0].key, sp[0].value[i],
					    sp[1].key, sp[1].value[j], msg);
				return config_error(err, errlen, "--compare: "
				    "the run %s=%s: %s", sp[0].key,
				    sp[0].value[i], msg);
			}
		}
	return n;
}
