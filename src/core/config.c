/*
 * The experiment configuration. One table lists every option key with its
 * kind, its place in struct ms_config and its accepted range; config_set,
 * config_get, config_copy_key and config_validate walk it, and the command
 * line, a --config file (src/io/config_ini.c) and a checkpoint all set keys
 * through config_set, so they accept exactly the same spellings and ranges.
 * Numbers are parsed strictly by the one integer and the one real parser
 * here: the whole text must be the number. The memory estimate is
 * config_memory.c, the one-line messages config_message.c.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "memscope/config.h"

enum config_kind {
	CONFIG_INT,		/* int in [min, max] */
	CONFIG_SEED,		/* uint64_t in [0, INT64_MAX] */
	CONFIG_REAL,		/* finite double, checked by `ok` */
	CONFIG_BOOL,
	CONFIG_PARAM,
	CONFIG_MEMORY,
	CONFIG_DATA,
	CONFIG_WSTAR,
	CONFIG_ROTATION,
	CONFIG_FREEZE
};

/* Which reals a key accepts. */
enum config_real {
	REAL_POSITIVE,		/* > 0 */
	REAL_NONNEGATIVE,	/* ≥ 0 */
	REAL_UNIT,		/* in [0, 1) */
	REAL_ANY		/* any finite number */
};

struct config_key {
	const char *name;
	enum config_kind kind;
	size_t offset;
	long min, max;			/* CONFIG_INT */
	enum config_real real;		/* CONFIG_REAL */
	const char *accepts;		/* CONFIG_REAL: what the message says */
};

#define CONFIG_AT(field) offsetof(struct ms_config, field)

static const struct config_key config_keys[] = {
	{ "dim", CONFIG_INT, CONFIG_AT(dim), 1, 512, 0, NULL },
	{ "context", CONFIG_INT, CONFIG_AT(context), 1, 100000, 0, NULL },
	{ "layers", CONFIG_INT, CONFIG_AT(layers), 1, 64, 0, NULL },
	{ "heads", CONFIG_INT, CONFIG_AT(heads), 1, 64, 0, NULL },
	{ "param", CONFIG_PARAM, CONFIG_AT(param), 0, 0, 0, NULL },
	{ "memory", CONFIG_MEMORY, CONFIG_AT(memory), 0, 0, 0, NULL },
	{ "data", CONFIG_DATA, CONFIG_AT(data), 0, 0, 0, NULL },
	{ "wstar", CONFIG_WSTAR, CONFIG_AT(wstar), 0, 0, 0, NULL },
	{ "batch", CONFIG_INT, CONFIG_AT(batch), 1, 10000000, 0, NULL },
	{ "test-batch", CONFIG_INT, CONFIG_AT(test_batch), 1, 10000000, 0,
	    NULL },
	{ "steps", CONFIG_INT, CONFIG_AT(steps), 0, 100000000, 0, NULL },
	{ "lr", CONFIG_REAL, CONFIG_AT(lr), 0, 0, REAL_POSITIVE,
	    "a finite number > 0" },
	{ "clip", CONFIG_REAL, CONFIG_AT(clip), 0, 0, REAL_NONNEGATIVE,
	    "a finite number >= 0 (0: no clipping)" },
	{ "resample", CONFIG_INT, CONFIG_AT(resample), 0, 100000000, 0, NULL },
	{ "seed", CONFIG_SEED, CONFIG_AT(seed), 0, 0, 0, NULL },
	{ "runs", CONFIG_INT, CONFIG_AT(runs), 1, 1000, 0, NULL },
	{ "threads", CONFIG_INT, CONFIG_AT(threads), 1, 256, 0, NULL },
	{ "quirks", CONFIG_BOOL, CONFIG_AT(quirks), 0, 0, 0, NULL },
	{ "gd-step", CONFIG_REAL, CONFIG_AT(gd_step), 0, 0, REAL_NONNEGATIVE,
	    "a finite number >= 0 (0: tuned on a separate batch)" },
	{ "mom-eta", CONFIG_REAL, CONFIG_AT(mom_eta), 0, 0, REAL_POSITIVE,
	    "a finite number > 0" },
	{ "mom-beta", CONFIG_REAL, CONFIG_AT(mom_beta), 0, 0, REAL_UNIT,
	    "a number from 0 up to but not including 1" },
	{ "nest-eta", CONFIG_REAL, CONFIG_AT(nest_eta), 0, 0, REAL_POSITIVE,
	    "a finite number > 0" },
	{ "nest-beta", CONFIG_REAL, CONFIG_AT(nest_beta), 0, 0, REAL_UNIT,
	    "a number from 0 up to but not including 1" },
	{ "rotation", CONFIG_ROTATION, CONFIG_AT(rotation), 0, 0, 0, NULL },
	{ "scale", CONFIG_REAL, CONFIG_AT(scale), 0, 0, REAL_POSITIVE,
	    "a finite number > 0 (the variance of the raw draws)" },
	{ "mean", CONFIG_REAL, CONFIG_AT(mean), 0, 0, REAL_ANY,
	    "a finite number" },
	{ "gates", CONFIG_BOOL, CONFIG_AT(gates), 0, 0, 0, NULL },
	{ "freeze", CONFIG_FREEZE, CONFIG_AT(freeze), 0, 0, 0, NULL },
	{ "adam-beta1", CONFIG_REAL, CONFIG_AT(adam_beta1), 0, 0, REAL_UNIT,
	    "a number from 0 up to but not including 1" },
	{ "adam-beta2", CONFIG_REAL, CONFIG_AT(adam_beta2), 0, 0, REAL_UNIT,
	    "a number from 0 up to but not including 1" },
	{ "weight-decay", CONFIG_REAL, CONFIG_AT(weight_decay), 0, 0,
	    REAL_NONNEGATIVE, "a finite number >= 0 (0: none)" },
};
#define CONFIG_NKEYS ((int)(sizeof config_keys / sizeof config_keys[0]))
_Static_assert(CONFIG_NKEYS <= 64, "config_load_ini's given is 64 bits");

static const char *config_param_names[] = { "scalar", "pre", "gdpp", "full",
    "direct", "direct-pairs" };
static const char *config_memory_names[] = { "none", "cgd", "lfom",
    "rec" };
static const char *config_wstar_names[] = { "invsigma", "identity" };
static const char *config_rotation_names[] = { "haar", "uniform-svd" };
/* Keys a checkpoint written before they existed does not have. */
static const char *config_optional_keys[] = { "rotation", "scale", "mean",
    "gates", "freeze", "adam-beta1", "adam-beta2", "weight-decay" };
static const char *config_freeze_names[] = { "none", "attention" };

/*
 * The largest condition number kappa:K takes. Beyond it the smallest
 * eigenvalue 1/K is too small for double precision: the normal equations
 * keep fewer than four of their sixteen digits (eps K > 1e-4), the
 * least-squares floor measured at K = 1e14 is no better than predicting 0,
 * and from about 1e100 the errors themselves overflow (inf, NaN).
 */
#define CONFIG_KAPPA_MAX 1e12
#define CONFIG_LABELS_MAX 1e150	/* config_shift_check */
#define CONFIG_LABELS_MIN 1e-150

/* The defaults: the paper's d = 5, n = 20 experiment, authors' protocol. */
void
config_defaults(struct ms_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->dim = 5;
	cfg->context = 20;
	cfg->layers = 4;
	cfg->heads = 1;
	cfg->param = MS_PARAM_PRE;
	cfg->memory = MS_MEMORY_LFOM;
	cfg->data = MS_DATA_PAPER;
	cfg->kappa = 0;
	cfg->wstar = MS_WSTAR_INVSIGMA;
	cfg->batch = 1000;
	cfg->test_batch = 1000;
	cfg->steps = 1000;
	cfg->lr = 0.01;
	cfg->clip = 0;
	cfg->resample = 0;
	cfg->seed = 1;
	cfg->runs = 1;
	cfg->threads = 1;
	cfg->quirks = false;
	cfg->gd_step = 0;
	cfg->mom_eta = 0.005;
	cfg->mom_beta = 0.9;
	cfg->nest_eta = 0.03;
	cfg->nest_beta = 0.9;
	cfg->rotation = MS_ROTATION_HAAR;
	cfg->scale = 1.0;
	cfg->mean = 0.0;
	cfg->gates = false;
	cfg->freeze = MS_FREEZE_NONE;
	cfg->adam_beta1 = 0.9;
	cfg->adam_beta2 = 0.999;
	cfg->weight_decay = 0;
}

/* The table entry for a key; '_' is accepted for '-' ("test_batch"). */
static const struct config_key *
config_find(const char *key)
{
	char norm[32];
	size_t i;

	for (i = 0; key[i] != '\0' && i < sizeof norm - 1; i++)
		norm[i] = key[i] == '_' ? '-' : key[i];
	if (key[i] != '\0')
		return NULL;
	norm[i] = '\0';
	for (int k = 0; k < CONFIG_NKEYS; k++)
		if (strcmp(config_keys[k].name, norm) == 0)
			return &config_keys[k];
	return NULL;
}

/* Number of option keys. */
int
config_key_count(void)
{
	return CONFIG_NKEYS;
}

/* The i-th option key's long name, or NULL past the end. */
const char *
config_key_name(int i)
{
	if (i < 0 || i >= CONFIG_NKEYS)
		return NULL;
	return config_keys[i].name;
}

/* A key's canonical spelling ("test_batch" -> "test-batch"), or NULL. */
const char *
config_key_canonical(const char *key)
{
	const struct config_key *k = config_find(key);

	return k == NULL ? NULL : k->name;
}

/* The index of a key in the table (config_key_name), or -1. */
int
config_key_index(const char *key)
{
	const struct config_key *k = config_find(key);

	return k == NULL ? -1 : (int)(k - config_keys);
}

/* The bytes of struct ms_config that hold key k's value. */
static size_t
config_field_size(const struct config_key *k)
{
	switch (k->kind) {
	case CONFIG_INT:
		return sizeof(int);
	case CONFIG_SEED:
		return sizeof(uint64_t);
	case CONFIG_REAL:
		return sizeof(double);
	case CONFIG_BOOL:
		return sizeof(bool);
	case CONFIG_PARAM:
		return sizeof(enum ms_param);
	case CONFIG_MEMORY:
		return sizeof(enum ms_memory);
	case CONFIG_DATA:
		return sizeof(enum ms_data);
	case CONFIG_WSTAR:
		return sizeof(enum ms_wstar);
	case CONFIG_ROTATION:
		return sizeof(enum ms_rotation);
	case CONFIG_FREEZE:
		return sizeof(enum ms_freeze);
	}
	return 0;
}

/* Copy key's value (for data also kappa) from src to dst; -1 if unknown. */
int
config_copy_key(struct ms_config *dst, const struct ms_config *src,
    const char *key)
{
	const struct config_key *k = config_find(key);

	if (k == NULL)
		return -1;
	memcpy((char *)dst + k->offset, (const char *)src + k->offset,
	    config_field_size(k));
	if (k->kind == CONFIG_DATA)
		dst->kappa = src->kappa;
	return 0;
}

/* Whether a and b hold the same value of key (data: and kappa). */
bool
config_key_equal(const struct ms_config *a, const struct ms_config *b,
    const char *key)
{
	const struct config_key *k = config_find(key);

	if (k == NULL)
		return false;
	if (k->kind == CONFIG_DATA && a->data == MS_DATA_KAPPA &&
	    a->kappa != b->kappa)
		return false;
	if (k->kind == CONFIG_REAL)
		return *(const double *)((const char *)a + k->offset) ==
		    *(const double *)((const char *)b + k->offset);
	return memcmp((const char *)a + k->offset, (const char *)b + k->offset,
	    config_field_size(k)) == 0;
}

/* The whole of s as an integer in [min, max]: 0, or -1 (empty, a leading
 * blank, trailing text, out of range). */
int
config_parse_int(const char *s, int64_t min, int64_t max, int64_t *out)
{
	char *end;
	long long v;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = (int64_t)v;
	return 0;
}

/* The whole of s as a finite double: 0, or -1. */
int
config_parse_real(const char *s, double *out)
{
	char *end;
	double v;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno == ERANGE && fabs(v) > 1.0)
		return -1;
	if (*end != '\0' || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

static int
config_real_ok(enum config_real kind, double v)
{
	if (!isfinite(v))
		return 0;
	switch (kind) {
	case REAL_POSITIVE:
		return v > 0;
	case REAL_NONNEGATIVE:
		return v >= 0;
	case REAL_UNIT:
		return v >= 0 && v < 1;
	case REAL_ANY:
		return 1;
	}
	return 0;
}

/* Index of value in names[0..n), or -1. */
static int
config_lookup(const char *const *names, int n, const char *value)
{
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], value) == 0)
			return i;
	return -1;
}

/*
 * config_set's message for key k refusing the value `text`: the option,
 * what it accepts, and the value. config_validate words a field out of
 * range with it too, from the field as text (config_get).
 */
static int
config_refuse(const struct config_key *k, const char *text, char *err,
    size_t errlen)
{
	switch (k->kind) {
	case CONFIG_INT:
		return config_error(err, errlen, "--%s: expected an integer "
		    "from %ld to %ld, got '%s'", k->name, k->min, k->max, text);
	case CONFIG_SEED:
		return config_error(err, errlen, "--%s: expected an integer "
		    "from 0 to %" PRId64 ", got '%s'", k->name, INT64_MAX, text);
	case CONFIG_REAL:
		return config_error(err, errlen, "--%s: expected %s, got '%s'",
		    k->name, k->accepts, text);
	case CONFIG_BOOL:
		return config_error(err, errlen, "--%s: expected true or false "
		    "(also yes/no, 1/0), got '%s'", k->name, text);
	case CONFIG_PARAM:
		return config_error(err, errlen, "--param: unknown "
		    "parametrization '%s' (accepted: scalar, pre, gdpp, full, "
		    "direct, direct-pairs)",
		    text);
	case CONFIG_MEMORY:
		return config_error(err, errlen, "--memory: unknown memory '%s' "
		    "(accepted: none, cgd, lfom, rec)", text);
	case CONFIG_DATA:
		if (strncmp(text, "kappa:", 6) == 0)
			return config_error(err, errlen, "--data: expected "
			    "kappa:K with K a number from 1 to 1e12, got '%s'",
			    text);
		return config_error(err, errlen, "--data: unknown distribution "
		    "'%s' (accepted: iso, paper, kappa:K with K from 1 to "
		    "1e12)", text);
	case CONFIG_WSTAR:
		return config_error(err, errlen, "--wstar: unknown prior '%s' "
		    "(accepted: invsigma, identity)", text);
	case CONFIG_ROTATION:
		return config_error(err, errlen, "--rotation: unknown law '%s' "
		    "(accepted: haar, uniform-svd)", text);
	case CONFIG_FREEZE:
		return config_error(err, errlen, "--freeze: unknown kind '%s' "
		    "(accepted: none, attention)", text);
	}
	return config_error(err, errlen, "--%s: value out of range", k->name);
}

/* The --data value as data and kappa; -1 if it is not one. */
static int
config_parse_data(const char *value, enum ms_data *data, double *kappa)
{
	*kappa = 0;
	if (strcmp(value, "iso") == 0)
		*data = MS_DATA_ISO;
	else if (strcmp(value, "paper") == 0)
		*data = MS_DATA_PAPER;
	else if (strncmp(value, "kappa:", 6) == 0 &&
	    config_parse_real(value + 6, kappa) == 0 && *kappa >= 1 &&
	    *kappa <= CONFIG_KAPPA_MAX)
		*data = MS_DATA_KAPPA;
	else
		return -1;
	return 0;
}

/* Set one option by its long name from its text value; -1 with a message. */
int
config_set(struct ms_config *cfg, const char *key, const char *value,
    char *err, size_t errlen)
{
	const struct config_key *k = config_find(key);
	char *field;
	int64_t l;
	double r;
	int i = -1;

	if (k == NULL)
		return config_error(err, errlen, "unknown option '--%s'", key);
	field = (char *)cfg + k->offset;
	switch (k->kind) {
	case CONFIG_INT:
		if (config_parse_int(value, k->min, k->max, &l) != 0)
			break;
		*(int *)field = (int)l;
		return 0;
	case CONFIG_SEED:
		if (config_parse_int(value, 0, INT64_MAX, &l) != 0)
			break;
		*(uint64_t *)field = (uint64_t)l;
		return 0;
	case CONFIG_REAL:
		if (config_parse_real(value, &r) != 0 ||
		    !config_real_ok(k->real, r))
			break;
		*(double *)field = r;
		return 0;
	case CONFIG_BOOL:
		if (strcasecmp(value, "true") == 0 ||
		    strcasecmp(value, "yes") == 0 || strcmp(value, "1") == 0)
			*(bool *)field = true;
		else if (strcasecmp(value, "false") == 0 ||
		    strcasecmp(value, "no") == 0 || strcmp(value, "0") == 0)
			*(bool *)field = false;
		else
			break;
		return 0;
	case CONFIG_PARAM:
		if ((i = config_lookup(config_param_names, 6, value)) >= 0)
			cfg->param = (enum ms_param)i;
		break;
	case CONFIG_MEMORY:
		if ((i = config_lookup(config_memory_names, 4, value)) >= 0)
			cfg->memory = (enum ms_memory)i;
		break;
	case CONFIG_DATA: {
		enum ms_data data;

		if (config_parse_data(value, &data, &r) != 0)
			break;
		cfg->data = data;
		cfg->kappa = r;
		return 0;
	}
	case CONFIG_WSTAR:
		if ((i = config_lookup(config_wstar_names, 2, value)) >= 0)
			cfg->wstar = (enum ms_wstar)i;
		break;
	case CONFIG_ROTATION:
		if ((i = config_lookup(config_rotation_names, 2, value)) >= 0)
			cfg->rotation = (enum ms_rotation)i;
		break;
	case CONFIG_FREEZE:
		if ((i = config_lookup(config_freeze_names, 2, value)) >= 0)
			cfg->freeze = (enum ms_freeze)i;
		break;
	}
	return i >= 0 ? 0 : config_refuse(k, value, err, errlen);
}

/* The shortest text that reads back as exactly v: integers as such
 * ("10", not "1e+01"), others by the shortest %g. */
static void
config_format_real(double v, char *buf, size_t len)
{
	if (buf == NULL || len == 0)
		return;
	if (v == floor(v) && fabs(v) < 1e15) {
		snprintf(buf, len, "%.0f", v);
		return;
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, len, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
}

/* One option's value as text that config_set reads back exactly. */
int
config_get(const struct ms_config *cfg, const char *key, char *buf,
    size_t len)
{
	const struct config_key *k = config_find(key);
	const char *field;

	if (k == NULL || len == 0)
		return -1;
	field = (const char *)cfg + k->offset;
	switch (k->kind) {
	case CONFIG_INT:
		snprintf(buf, len, "%d", *(const int *)field);
		break;
	case CONFIG_SEED:
		snprintf(buf, len, "%" PRIu64, *(const uint64_t *)field);
		break;
	case CONFIG_REAL:
		config_format_real(*(const double *)field, buf, len);
		break;
	case CONFIG_BOOL:
		snprintf(buf, len, "%s", *(const bool *)field ? "true" : "false");
		break;
	case CONFIG_PARAM:
		snprintf(buf, len, "%s", config_param_name(cfg->param));
		break;
	case CONFIG_MEMORY:
		snprintf(buf, len, "%s", config_memory_name(cfg->memory));
		break;
	case CONFIG_DATA:
		config_data_name(cfg, buf, len);
		break;
	case CONFIG_WSTAR:
		snprintf(buf, len, "%s", (unsigned)cfg->wstar < 2 ?
		    config_wstar_names[cfg->wstar] : "?");
		break;
	case CONFIG_ROTATION:
		snprintf(buf, len, "%s", config_rotation_name(cfg->rotation));
		break;
	case CONFIG_FREEZE:
		snprintf(buf, len, "%s", (unsigned)cfg->freeze < 2 ?
		    config_freeze_names[cfg->freeze] : "?");
		break;
	}
	return 0;
}

/* Each field within its key's range, with config_set's message if not. */
static int
config_check_ranges(const struct ms_config *cfg, char *err, size_t errlen)
{
	char text[64];

	for (int i = 0; i < CONFIG_NKEYS; i++) {
		const struct config_key *k = &config_keys[i];
		const char *field = (const char *)cfg + k->offset;
		bool bad = false;

		switch (k->kind) {
		case CONFIG_INT:
			bad = *(const int *)field < k->min ||
			    *(const int *)field > k->max;
			break;
		case CONFIG_SEED:
			bad = *(const uint64_t *)field > INT64_MAX;
			break;
		case CONFIG_REAL:
			bad = !config_real_ok(k->real, *(const double *)field);
			break;
		case CONFIG_BOOL:
			break;
		case CONFIG_PARAM:
			bad = (unsigned)cfg->param > MS_PARAM_DIRECT_PAIRS;
			break;
		case CONFIG_MEMORY:
			bad = (unsigned)cfg->memory > MS_MEMORY_REC;
			break;
		case CONFIG_DATA:
			bad = (unsigned)cfg->data > MS_DATA_KAPPA ||
			    (cfg->data == MS_DATA_KAPPA &&
			    !(cfg->kappa >= 1 && cfg->kappa <= CONFIG_KAPPA_MAX));
			break;
		case CONFIG_WSTAR:
			bad = (unsigned)cfg->wstar > MS_WSTAR_IDENTITY;
			break;
		case CONFIG_ROTATION:
			bad = (unsigned)cfg->rotation > MS_ROTATION_UNIFORM_SVD;
			break;
		case CONFIG_FREEZE:
			bad = (unsigned)cfg->freeze > MS_FREEZE_ATTENTION;
			break;
		}
		if (!bad)
			continue;
		/* config_set's words, quoting the field as text */
		config_get(cfg, k->name, text, sizeof text);
		return config_refuse(k, text, err, errlen);
	}
	return 0;
}

/* The labels' mean square at --scale s, --mean mu (zero-mean invsigma
 * data's, doc/math.md section 8.1) must leave room for the squared errors
 * and Adam's squared gradients: at most CONFIG_LABELS_MAX, and at least
 * CONFIG_LABELS_MIN (below, they underflow to subnormals and 0, NaN). */
static int
config_shift_check(const struct ms_config *cfg, char *err, size_t errlen)
{
	double d = cfg->dim, s = cfg->scale, mu2 = cfg->mean * cfg->mean;
	double y2 = d * (s + mu2) * (s + mu2) + d * (d - 1.0) * mu2 * mu2;

	if (y2 < CONFIG_LABELS_MIN)
		return config_error(err, errlen, "--scale %g and --mean %g: "
		    "the labels' mean square d (s + mean^2)^2 + d (d - 1) "
		    "mean^4 is %g, below %g (the squared errors would "
		    "underflow); give a larger --scale or --mean", s,
		    cfg->mean, y2, CONFIG_LABELS_MIN);
	if (y2 <= CONFIG_LABELS_MAX)
		return 0;
	return config_error(err, errlen, "--scale %g and --mean %g: the "
	    "labels' mean square d (s + mean^2)^2 + d (d - 1) mean^4 is %g, "
	    "past %g (the squared errors would overflow); give a smaller "
	    "--scale or --mean", s, cfg->mean, y2, CONFIG_LABELS_MAX);
}

/* Ranges, cross-field rules and the memory limit; -1 with a message. */
int
config_validate(const struct ms_config *cfg, char *err, size_t errlen)
{
	if (config_check_ranges(cfg, err, errlen) != 0)
		return -1;
	/* run i has seed + i: every run's seed is checked before any work */
	if (cfg->seed > (uint64_t)INT64_MAX - (uint64_t)(cfg->runs - 1))
		return config_error(err, errlen, "--seed: with --runs %d the "
		    "last run's seed would be %" PRIu64 ", past %" PRId64
		    "; give --seed at most %" PRIu64, cfg->runs, cfg->seed +
		    (uint64_t)(cfg->runs - 1), INT64_MAX, (uint64_t)INT64_MAX -
		    (uint64_t)(cfg->runs - 1));
	if (cfg->data == MS_DATA_PAPER && cfg->dim != 5)
		return config_error(err, errlen, "--data paper is the paper's "
		    "d = 5 spectrum and needs --dim 5 (got --dim %d); for "
		    "other dimensions use --data iso or --data kappa:K",
		    cfg->dim);
	if (cfg->data == MS_DATA_KAPPA && cfg->dim < 2)
		return config_error(err, errlen, "--data kappa:K needs --dim 2 "
		    "or more (got --dim %d); use --data iso for --dim 1",
		    cfg->dim);
	if (cfg->quirks && cfg->context < 2)
		return config_error(err, errlen, "--quirks drops the last "
		    "context point and needs --context 2 or more");
	if (config_param_is_direct(cfg->param) &&
	    (cfg->heads != 1 || cfg->memory != MS_MEMORY_NONE))
		return config_error(err, errlen, "--param %s is an optimizer "
		    "without attention: it needs --heads 1 and --memory none "
		    "(got --heads %d, --memory %s)", config_param_name(cfg->param),
		    cfg->heads, config_memory_name(cfg->memory));
	if (config_param_is_direct(cfg->param) && (cfg->gates ||
	    cfg->freeze != MS_FREEZE_NONE))
		return config_error(err, errlen, "--param %s has no heads to "
		    "gate and no attention to freeze: it takes neither --gates "
		    "nor --freeze attention", config_param_name(cfg->param));
	if (cfg->freeze == MS_FREEZE_ATTENTION && cfg->memory ==
	    MS_MEMORY_NONE && !cfg->gates)
		return config_error(err, errlen, "--freeze attention leaves "
		    "nothing to train: this model has no memory and no gates "
		    "(give --memory cgd, lfom or rec, or --gates)");
	if (cfg->lr * cfg->weight_decay >= 1)
		return config_error(err, errlen, "--weight-decay %g with --lr %g "
		    "would scale every parameter by 1 - lr*wd = %g each step; "
		    "give lr*wd below 1", cfg->weight_decay, cfg->lr,
		    1 - cfg->lr * cfg->weight_decay);
	if (config_memory_check(cfg, err, errlen) != 0)
		return -1;
	if (config_shift_check(cfg, err, errlen) != 0)
		return -1;
	if ((double)cfg->batch * (cfg->context + 1.0) * (cfg->dim + 1.0) >
	    INT_MAX || (double)cfg->test_batch * (cfg->context + 1.0) *
	    (cfg->dim + 1.0) > INT_MAX)
		return config_error(err, errlen, "--batch or --test-batch times "
		    "(--context + 1) times (--dim + 1) exceeds %d numbers: "
		    "reduce --batch, --test-batch or --context", INT_MAX);
	return 0;
}

/* The parametrization's name as config_set accepts it. */
const char *
config_param_name(enum ms_param p)
{
	if ((unsigned)p > MS_PARAM_DIRECT_PAIRS)
		return "?";
	return config_param_names[p];
}

/* Whether p is a learned optimizer without attention. */
bool
config_param_is_direct(enum ms_param p)
{
	return p == MS_PARAM_DIRECT || p == MS_PARAM_DIRECT_PAIRS;
}

/* The memory kind's name as config_set accepts it. */
const char *
config_memory_name(enum ms_memory m)
{
	if ((unsigned)m > MS_MEMORY_REC)
		return "?";
	return config_memory_names[m];
}

/* The rotation law's name as config_set accepts it. */
const char *
config_rotation_name(enum ms_rotation r)
{
	if ((unsigned)r > MS_ROTATION_UNIFORM_SVD)
		return "?";
	return config_rotation_names[r];
}

/* Whether a checkpoint may lack key: then it keeps its default. */
bool
config_key_optional(const char *key)
{
	const char *canon = config_key_canonical(key);
	int n = (int)(sizeof config_optional_keys /
	    sizeof config_optional_keys[0]);

	for (int i = 0; canon != NULL && i < n; i++)
		if (strcmp(config_optional_keys[i], canon) == 0)
			return true;
	return false;
}

/* The data option as text ("iso", "paper", "kappa:100") into buf. */
const char *
config_data_name(const struct ms_config *cfg, char *buf, size_t len)
{
	char k[32];

	switch (cfg->data) {
	case MS_DATA_ISO:
		snprintf(buf, len, "iso");
		break;
	case MS_DATA_PAPER:
		snprintf(buf, len, "paper");
		break;
	case MS_DATA_KAPPA:
		config_format_real(cfg->kappa, k, sizeof k);
		snprintf(buf, len, "kappa:%s", k);
		break;
	default:
		snprintf(buf, len, "?");
		break;
	}
	return buf;
}

/* Eigenvalue condition number of Σ for this configuration. */
double
config_condition(const struct ms_config *cfg)
{
	switch (cfg->data) {
	case MS_DATA_ISO:
		return 1.0;
	case MS_DATA_PAPER:
		return 16.0;	/* eig(Σ) = {1, 1, 1/4, 1/16, 1} */
	case MS_DATA_KAPPA:
		return cfg->kappa;
	}
	return 1.0;
}
