/*
 * The sweep file (sweep.h; doc/formats.md "The sweep file"): an INI file
 * (any or no section) of config keys whose values are lists and ranges,
 * plus the sweep-only keys kappa and seeds.
 *
 * It is read once, through input_read, and its lines are first collected
 * (key, value, line); then each value is expanded into its items. Every
 * item, a listed one or one a range produced, goes through config_set, so
 * the file accepts exactly the command line's spellings, and is kept as
 * the text config_get gives back: its canonical text, so that 1e2 and 100
 * are one value and a job's id (sweep_plan.c) does not depend on how the
 * file spelled it. A key with one value is a constant of the base config;
 * with two or more it is an axis. The seed axis (seeds = N, or a list on
 * seed) goes last, so that it varies fastest.
 *
 * config.h does not tell a key's kind; what config_set accepts does: a key
 * taking 0.5 is real, one taking 1 and giving back "1" an integer, any
 * other (words, booleans) takes no range.
 */
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/config.h"
#include "memscope/config_ini.h"
#include "memscope/input.h"
#include "memscope/sweep.h"
#include "memscope/xmalloc.h"

#define SWEEP_SEEDS_MAX 100000	/* seeds = N: N at most this */
#define SWEEP_KAPPA (-2)	/* sweep_line.key of the sugar keys */
#define SWEEP_SEEDS (-3)
#define SWEEP_LOG_DIGITS 3	/* significant digits of a log range's values */
#define SWEEP_ITEM_LEN 256	/* a list item, with its NUL */

/* One key = value line of the file. */
struct sweep_line {
	char name[32];		/* the key, canonical ("test-batch") */
	int key;		/* config_key_index, or SWEEP_KAPPA/SEEDS */
	int line;
	char *value;
};

/* State of one read: the lines collected, the first error. */
struct sweep_read {
	struct input_ini ii;
	struct sweep_line *lines;
	int nlines;
	int err_line;
	char err[320];
};

/* What ranges a key takes. */
enum sweep_kind { SWEEP_WORDS, SWEEP_INT, SWEEP_REAL };

/* Where one key's values go while it is expanded. */
struct sweep_values {
	const char *path;
	const struct sweep_line *sl;
	const char *set_key;	/* what config_set is given: "data" for kappa */
	char (*v)[SWEEP_VALUE_LEN];
	int n, cap;
};

/* A key's kind, from what config_set takes. */
static enum sweep_kind
sweep_key_kind(const char *key)
{
	struct ms_config c;
	char text[64];

	config_defaults(&c);
	if (strcmp(key, "data") == 0)
		return SWEEP_WORDS;
	if (config_set(&c, key, "0.5", NULL, 0) == 0)
		return SWEEP_REAL;
	if (config_set(&c, key, "1", NULL, 0) == 0 &&
	    config_get(&c, key, text, sizeof text) == 0 &&
	    strcmp(text, "1") == 0)
		return SWEEP_INT;
	return SWEEP_WORDS;
}

/* inih's handler: collect one line; refuse unknown keys, keys given twice. */
static int
sweep_handler(void *user, const char *section, const char *name,
    const char *value)
{
	struct sweep_read *sr = user;
	struct sweep_line sl;
	const char *canon = config_key_canonical(name);
	char msg[320];

	(void)section;
	memset(&sl, 0, sizeof sl);
	sl.line = sr->ii.line;
	if (strcmp(name, "kappa") == 0 || strcmp(name, "seeds") == 0) {
		snprintf(sl.name, sizeof sl.name, "%s", name);
		sl.key = name[0] == 'k' ? SWEEP_KAPPA : SWEEP_SEEDS;
	} else if (canon != NULL) {
		snprintf(sl.name, sizeof sl.name, "%s", canon);
		sl.key = config_key_index(canon);
	} else {
		snprintf(msg, sizeof msg, "unknown key '%s' (accepted: the "
		    "config keys, as in a --config file, e.g. dim, layers, "
		    "data, lr, seed; and kappa, seeds)", name);
		goto fail;
	}
	for (int i = 0; i < sr->nlines; i++)
		if (strcmp(sr->lines[i].name, sl.name) == 0) {
			snprintf(msg, sizeof msg, "%s: given twice (first on "
			    "line %d); give it once, with all its values",
			    sl.name, sr->lines[i].line);
			goto fail;
		}
	sl.value = xstrdup(value);
	sr->lines = xrealloc(sr->lines, (size_t)(sr->nlines + 1) *
	    sizeof *sr->lines);
	sr->lines[sr->nlines++] = sl;
	return 1;
fail:
	if (sr->err_line == 0) {
		sr->err_line = sr->ii.line;
		snprintf(sr->err, sizeof sr->err, "%s", msg);
	}
	return 0;
}

/* A message "FILE:LINE: KEY: ..." about sv's key; -1. */
static int
sweep_refuse(const struct sweep_values *sv, char *err, size_t errlen,
    const char *what, const char *item)
{
	return config_error(err, errlen, "%s:%d: %s: %s%s%s%s", sv->path,
	    sv->sl->line, sv->sl->name, what, item != NULL ? " (got '" : "",
	    item != NULL ? item : "", item != NULL ? "')" : "");
}

/* One value: through config_set, kept as config_get's text. */
static int
sweep_add(struct sweep_values *sv, const char *text, char *err,
    size_t errlen)
{
	struct ms_config c;
	char buf[SWEEP_VALUE_LEN + 8], msg[256];
	const char *canon = buf;

	config_defaults(&c);
	if (sv->sl->key == SWEEP_KAPPA) {
		snprintf(msg, sizeof msg, "kappa:%s", text);
		if (config_set(&c, "data", msg, NULL, 0) != 0)
			return sweep_refuse(sv, err, errlen, "expected a "
			    "condition number K from 1 to 1e12 (kappa = K is "
			    "data = kappa:K)", text);
	} else if (config_set(&c, sv->set_key, text, msg, sizeof msg) != 0)
		return config_error(err, errlen, "%s:%d: %s", sv->path,
		    sv->sl->line, msg);
	config_get(&c, sv->set_key, buf, sizeof buf);
	if (sv->sl->key == SWEEP_KAPPA)
		canon = buf + strlen("kappa:");
	if (sv->n >= SWEEP_MAX_JOBS)
		return sweep_refuse(sv, err, errlen, "more than 1000000 values",
		    NULL);
	if (sv->n == sv->cap) {
		sv->cap = sv->cap == 0 ? 8 : 2 * sv->cap;
		sv->v = xrealloc(sv->v, (size_t)sv->cap * sizeof *sv->v);
	}
	if (strlen(canon) >= SWEEP_VALUE_LEN)
		return sweep_refuse(sv, err, errlen, "a value longer than 63 "
		    "characters", text);
	memcpy(sv->v[sv->n++], canon, strlen(canon) + 1);
	return 0;
}

/* The text between s and e, blanks trimmed, into buf. */
static char *
sweep_trim(const char *s, const char *e, char *buf, size_t len)
{
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	snprintf(buf, len, "%.*s", (int)(e - s), s);
	return buf;
}

/* A log range's value i of n from a to b, rounded to 3 significant digits
 * (an integer key's then to an integer); the ends exactly as given. */
static double
sweep_log_value(double a, double b, long i, long n, bool integer)
{
	char text[32];
	double v;

	if (i == 0)
		return a;
	if (i == n - 1)
		return b;
	v = a * pow(b / a, (double)i / (double)(n - 1));
	snprintf(text, sizeof text, "%.*g", SWEEP_LOG_DIGITS, v);
	v = strtod(text, NULL);
	return integer ? (double)llround(v) : v;
}

/* Expand a range "A..B", "A..B step S" or "A..B log N" of a numeric key. */
static int
sweep_range(struct sweep_values *sv, const char *item, const char *dots,
    enum sweep_kind kind, char *err, size_t errlen)
{
	/* each part of item fits: none is longer than item */
	char a_txt[SWEEP_ITEM_LEN], b_txt[SWEEP_ITEM_LEN], word[16];
	char n_txt[SWEEP_ITEM_LEN], tail[SWEEP_ITEM_LEN], text[64];
	const char *rest = dots + 2, *p;
	bool integer = kind == SWEEP_INT;
	double a, b, s = 1, v, prev = 0, limit;
	int64_t ia, ib, is = 1, n = 0;
	bool log = false;

	if (kind == SWEEP_WORDS)
		return sweep_refuse(sv, err, errlen, "a range needs a numeric "
		    "key; this one takes words: list them", item);
	sweep_trim(item, dots, a_txt, sizeof a_txt);
	for (p = rest; *p == ' ' || *p == '\t'; p++)
		;
	rest = p;
	while (*p != '\0' && *p != ' ' && *p != '\t')
		p++;
	sweep_trim(rest, p, b_txt, sizeof b_txt);
	word[0] = n_txt[0] = '\0';
	if (*p != '\0') {
		int end = 0;

		sweep_trim(p, p + strlen(p), tail, sizeof tail);
		if (sscanf(tail, "%15s %255s %n", word, n_txt, &end) != 2 ||
		    tail[end] != '\0' ||
		    (strcmp(word, "step") != 0 && strcmp(word, "log") != 0))
			return sweep_refuse(sv, err, errlen, "expected a range "
			    "A..B, A..B step S or A..B log N", item);
		log = word[0] == 'l';
	}
	if (config_parse_real(a_txt, &a) != 0 ||
	    config_parse_real(b_txt, &b) != 0)
		return sweep_refuse(sv, err, errlen, "a range's ends A and B "
		    "must be numbers", item);
	if (log) {
		if (config_parse_int(n_txt, 2, SWEEP_MAX_JOBS, &n) != 0 ||
		    !(a > 0 && a < b))
			return sweep_refuse(sv, err, errlen, "A..B log N needs "
			    "0 < A < B and an integer N from 2 to 1000000",
			    item);
		for (long i = 0; i < n; i++) {
			v = sweep_log_value(a, b, i, n, integer);
			if (i > 0 && v == prev)
				return sweep_refuse(sv, err, errlen, "the values "
				    "repeat after rounding to 3 significant "
				    "digits: give a smaller N", item);
			prev = v;
			snprintf(text, sizeof text, "%.17g", v);
			if (sweep_add(sv, i == 0 ? a_txt : i == n - 1 ? b_txt :
			    text, err, errlen) != 0)
				return -1;
		}
		return 0;
	}
	if (word[0] == '\0' && !integer)
		return sweep_refuse(sv, err, errlen, "A..B lists integers and "
		    "this key takes real numbers: give A..B step S or A..B "
		    "log N", item);
	if (integer) {
		if (config_parse_int(a_txt, INT64_MIN / 4, INT64_MAX / 4,
		    &ia) != 0 || config_parse_int(b_txt, INT64_MIN / 4,
		    INT64_MAX / 4, &ib) != 0 || (word[0] != '\0' &&
		    config_parse_int(n_txt, 1, INT64_MAX / 4, &is) != 0) ||
		    ia > ib)
			return sweep_refuse(sv, err, errlen, "on an integer key "
			    "A..B [step S] needs integers A <= B and S >= 1",
			    item);
		if ((ib - ia) / is >= SWEEP_MAX_JOBS)
			return sweep_refuse(sv, err, errlen, "the range gives "
			    "more than 1000000 values", item);
		for (int64_t x = ia; x <= ib; x += is) {
			snprintf(text, sizeof text, "%" PRId64, x);
			if (sweep_add(sv, text, err, errlen) != 0)
				return -1;
		}
		return 0;
	}
	if (config_parse_real(n_txt, &s) != 0 || !(s > 0) || a > b)
		return sweep_refuse(sv, err, errlen, "A..B step S needs A <= B "
		    "and a step S > 0", item);
	if ((b - a) / s >= SWEEP_MAX_JOBS)
		return sweep_refuse(sv, err, errlen, "the range gives more than "
		    "1000000 values", item);
	if (a + s == a || b + s == b)
		return sweep_refuse(sv, err, errlen, "the step S is below the "
		    "precision of numbers as large as A and B", item);
	/* A + i S, within 1e-9 of B relative but never half a step past
	 * it; 15 digits drop the binary noise (0.1 + 2 * 0.1 is
	 * 0.30000000000000004) */
	limit = b + fmin(1e-9 * fmax(fabs(a), fabs(b)), s / 2);
	for (long i = 0; (v = a + (double)i * s) <= limit; i++) {
		snprintf(text, sizeof text, "%.15g", v);
		if (sweep_add(sv, text, err, errlen) != 0)
			return -1;
	}
	return 0;
}

/* Compare two values' texts (qsort). */
static int
sweep_cmp_value(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Expand line sl's value into sv: its items, comma-separated. */
static int
sweep_expand(struct sweep_values *sv, char *err, size_t errlen)
{
	const char *s = sv->sl->value, *e;
	enum sweep_kind kind = sv->sl->key == SWEEP_KAPPA ? SWEEP_REAL :
	    sweep_key_kind(sv->set_key);
	char item[SWEEP_ITEM_LEN];
	char **sorted;
	int rc = 0;

	if (*s == '\0')
		return sweep_refuse(sv, err, errlen, "empty grid (give a value, "
		    "a list such as 1, 2, 4, or a range A..B, A..B step S, "
		    "A..B log N)", NULL);
	for (;; s = e + 1) {
		const char *dots;

		e = strchr(s, ',');
		if (e == NULL)
			e = s + strlen(s);
		if (e - s >= SWEEP_ITEM_LEN)
			return sweep_refuse(sv, err, errlen, "an item longer "
			    "than 255 characters", NULL);
		sweep_trim(s, e, item, sizeof item);
		if (item[0] == '\0')
			return sweep_refuse(sv, err, errlen, "an empty item in "
			    "the list (items are separated by single commas)",
			    sv->sl->value);
		dots = strstr(item, "..");
		if ((dots != NULL ? sweep_range(sv, item, dots, kind, err,
		    errlen) : sweep_add(sv, item, err, errlen)) != 0)
			return -1;
		if (*e == '\0')
			break;
	}
	/* a value listed twice: sorted, neighbours are equal */
	sorted = xmalloc((size_t)sv->n * sizeof *sorted);
	for (int i = 0; i < sv->n; i++)
		sorted[i] = sv->v[i];
	qsort(sorted, (size_t)sv->n, sizeof *sorted, sweep_cmp_value);
	for (int i = 1; i < sv->n && rc == 0; i++)
		if (strcmp(sorted[i - 1], sorted[i]) == 0)
			rc = sweep_refuse(sv, err, errlen, "a value is listed "
			    "twice (as its canonical text; 1e2 and 100 are one "
			    "value)", sorted[i]);
	free(sorted);
	return rc;
}

/* Add an axis of sv's values to sw (taking them). */
static void
sweep_axis_add(struct sweep *sw, struct sweep_values *sv, const char *name,
    int key)
{
	struct sweep_axis *ax;

	sw->axes = xrealloc(sw->axes, (size_t)(sw->naxes + 1) *
	    sizeof *sw->axes);
	ax = &sw->axes[sw->naxes++];
	memset(ax, 0, sizeof *ax);
	snprintf(ax->name, sizeof ax->name, "%s", name);
	ax->key = key;
	ax->nvalues = sv->n;
	ax->values = sv->v;
	ax->line = sv->sl->line;
	sv->v = NULL;
	sv->n = sv->cap = 0;
}

/* One line's key: a constant into sw->base, or an axis. */
static int
sweep_apply_line(struct sweep *sw, const struct sweep_line *sl, char *err,
    size_t errlen)
{
	struct sweep_values sv = { sw->path, sl, sl->name, NULL, 0, 0 };
	char text[SWEEP_VALUE_LEN + 8];
	int rc;

	if (strcmp(sl->name, "runs") == 0)
		return sweep_refuse(&sv, err, errlen, "a sweep job is one "
		    "training; for more seeds give seeds = N", NULL);
	if (sl->key == SWEEP_KAPPA)
		sv.set_key = "data";
	if (sweep_expand(&sv, err, errlen) != 0) {
		free(sv.v);
		return -1;
	}
	if (strcmp(sl->name, "threads") == 0 && sv.n > 1)
		rc = sweep_refuse(&sv, err, errlen, "one value only (the "
		    "threads of each job: not an axis, it cannot change a "
		    "result)", sl->value);
	else if (sv.n > 1) {
		sweep_axis_add(sw, &sv, sl->name, config_key_index(sv.set_key));
		return 0;
	} else {
		snprintf(text, sizeof text, "%s%s", sl->key == SWEEP_KAPPA ?
		    "kappa:" : "", sv.v[0]);
		rc = config_set(&sw->base, sv.set_key, text, err, errlen);
		sw->threads_given |= strcmp(sl->name, "threads") == 0;
	}
	free(sv.v);
	return rc;
}

/* seeds = N: the seed axis seed, seed + 1, ..., seed + N - 1. */
static int
sweep_apply_seeds(struct sweep *sw, const struct sweep_line *sl,
    char *err, size_t errlen)
{
	struct sweep_values sv = { sw->path, sl, "seed", NULL, 0, 0 };
	char text[32];
	int64_t n;
	int rc = 0;

	for (int a = 0; a < sw->naxes; a++)
		if (strcmp(sw->axes[a].name, "seed") == 0)
			return config_error(err, errlen, "%s:%d: seeds: not "
			    "with a list of seed values (line %d): give seed = "
			    "S and seeds = N, or the list alone", sw->path,
			    sl->line, sw->axes[a].line);
	if (config_parse_int(sl->value, 1, SWEEP_SEEDS_MAX, &n) != 0)
		return sweep_refuse(&sv, err, errlen, "expected an integer from "
		    "1 to 100000 (the number of seeds)", sl->value);
	for (int64_t i = 0; i < n && rc == 0; i++) {
		snprintf(text, sizeof text, "%" PRIu64, sw->base.seed +
		    (uint64_t)i);
		rc = sweep_add(&sv, text, err, errlen);
	}
	if (rc == 0 && n > 1)
		sweep_axis_add(sw, &sv, "seed", config_key_index("seed"));
	free(sv.v);
	return rc;
}

/* Everything the lines say, into sw; the seed axis last. */
static int
sweep_apply(struct sweep *sw, const struct sweep_read *sr, char *err,
    size_t errlen)
{
	const struct sweep_line *kappa = NULL, *data = NULL, *seeds = NULL;

	for (int i = 0; i < sr->nlines; i++) {
		const struct sweep_line *sl = &sr->lines[i];

		if (sl->key == SWEEP_KAPPA)
			kappa = sl;
		else if (strcmp(sl->name, "data") == 0)
			data = sl;
		if (kappa != NULL && data != NULL)
			return config_error(err, errlen, "%s:%d: kappa and data "
			    "(line %d) both given: kappa = K is data = kappa:K; "
			    "give one of them", sw->path, kappa->line,
			    data->line);
		if (sl->key == SWEEP_SEEDS)
			seeds = sl;
		else if (sweep_apply_line(sw, sl, err, errlen) != 0)
			return -1;
	}
	for (int a = 0; a < sw->naxes - 1; a++)
		if (strcmp(sw->axes[a].name, "seed") == 0) {
			struct sweep_axis seed = sw->axes[a];

			memmove(&sw->axes[a], &sw->axes[a + 1],
			    (size_t)(sw->naxes - 1 - a) * sizeof *sw->axes);
			sw->axes[sw->naxes - 1] = seed;
			break;
		}
	if (seeds != NULL && sweep_apply_seeds(sw, seeds, err, errlen) != 0)
		return -1;
	sw->njobs = 1;
	for (int a = 0; a < sw->naxes; a++) {
		sw->njobs *= sw->axes[a].nvalues;
		if (sw->njobs > SWEEP_MAX_JOBS)
			return config_error(err, errlen, "%s:%d: %s: the grid "
			    "grows past %d jobs, more than a sweep may have",
			    sw->path, sw->axes[a].line, sw->axes[a].name,
			    SWEEP_MAX_JOBS);
	}
	return 0;
}

/* Read a sweep file; 0, or -1 with a one-line "FILE:LINE: ..." message. */
int
sweep_load(struct sweep *sw, const char *path, char *err, size_t errlen)
{
	static const struct input_limits lim = { "a sweep file",
	    INPUT_INI_BYTES, INPUT_INI_LINE, INPUT_WAIT_MS };
	struct sweep_read sr;
	char *text;
	size_t len;
	int r;

	memset(sw, 0, sizeof *sw);
	memset(&sr, 0, sizeof sr);
	sw->path = xstrdup(path);
	config_defaults(&sw->base);
	if (input_read(path, &lim, &text, &len, err, errlen) != 0) {
		sweep_free(sw);
		return -1;
	}
	r = input_ini_parse(&sr.ii, text, sweep_handler, &sr);
	free(text);
	r = config_ini_result(path, r, &sr.ii, sr.err_line, sr.err, err,
	    errlen);
	if (r == 0)
		r = sweep_apply(sw, &sr, err, errlen);
	for (int i = 0; i < sr.nlines; i++)
		free(sr.lines[i].value);
	free(sr.lines);
	if (r != 0) {
		sweep_free(sw);
		return -1;
	}
	sw->base.runs = 1;
	return 0;
}

/* Free what sweep_load allocated. */
void
sweep_free(struct sweep *sw)
{
	for (int a = 0; a < sw->naxes; a++)
		free(sw->axes[a].values);
	free(sw->axes);
	free(sw->path);
	memset(sw, 0, sizeof *sw);
}
