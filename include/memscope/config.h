/*
 * The experiment configuration: one struct holding every option of the command
 * line, of the INI --config file (config_ini.h) and of a checkpoint. Every key
 * given as text is set through config_set(), so the three sources accept
 * exactly the same spellings; a configuration overlays another by typed
 * values (config_copy_key).
 */
#ifndef MEMSCOPE_CONFIG_H
#define MEMSCOPE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ms_param { MS_PARAM_SCALAR, MS_PARAM_PRE, MS_PARAM_GDPP, MS_PARAM_FULL,
    MS_PARAM_DIRECT, MS_PARAM_DIRECT_PAIRS };
enum ms_memory { MS_MEMORY_NONE, MS_MEMORY_CGD, MS_MEMORY_LFOM, MS_MEMORY_REC };
enum ms_data { MS_DATA_ISO, MS_DATA_PAPER, MS_DATA_KAPPA };
enum ms_wstar { MS_WSTAR_INVSIGMA, MS_WSTAR_IDENTITY };
/* The law of the rotation U (doc/math.md §1). */
enum ms_rotation { MS_ROTATION_HAAR, MS_ROTATION_UNIFORM_SVD };
/* What training leaves alone: nothing, or the attention blocks. */
enum ms_freeze { MS_FREEZE_NONE, MS_FREEZE_ATTENTION };

struct ms_config {
	int dim;		/* d: feature dimension */
	int context;		/* n: context points per task */
	int layers;		/* L */
	int heads;		/* H, summed per layer */
	enum ms_param param;
	enum ms_memory memory;
	enum ms_data data;
	double kappa;		/* condition number for MS_DATA_KAPPA */
	enum ms_wstar wstar;	/* prior of w*: N(0, Σ⁻¹) or N(0, I) */
	int batch;		/* training prompts per step */
	int test_batch;		/* prompts in the test batch */
	int steps;		/* optimizer steps */
	double lr;		/* Adam learning rate */
	double clip;		/* per-block gradient Frobenius clip, 0 = off */
	int resample;		/* redraw the training batch every N steps, 0 = fixed */
	uint64_t seed;
	int runs;		/* seeds seed, seed+1, ... */
	int threads;		/* worker threads (batch split, or runs in parallel) */
	bool quirks;		/* baselines drop the last context point, as the authors' code */
	double gd_step;		/* fixed GD step; 0 = best of a grid per iteration count */
	double mom_eta, mom_beta;	/* heavy-ball momentum */
	double nest_eta, nest_beta;	/* Nesterov */
	enum ms_rotation rotation;	/* law of U: Haar, or the authors' SVD */
	double scale;		/* s: variance of the raw draws of x and w* */
	double mean;		/* mu: their mean, on every coordinate */
	bool gates;		/* one gate g_h per head, shared by the layers */
	enum ms_freeze freeze;	/* blocks Adam does not update */
	double adam_beta1, adam_beta2;	/* Adam's moment decays */
	double weight_decay;	/* AdamW's decoupled decay, 0 = off */
};

/* Fill in the defaults: the paper's d = 5, n = 20 experiment, authors' code protocol. */
void config_defaults(struct ms_config *cfg);

/*
 * Set one option by its long name (without dashes) from its text value.
 * Returns 0, or -1 with a one-line message in err naming the option and
 * what it accepts.
 */
int config_set(struct ms_config *cfg, const char *key, const char *value,
    char *err, size_t errlen);

/* The value of option `key` as text that config_set reads back exactly
 * (doubles in their shortest round-trip form); -1 for an unknown key. */
int config_get(const struct ms_config *cfg, const char *key, char *buf,
    size_t len);

/* The option keys, in struct order: count, i-th long name (NULL past the
 * end), and the canonical spelling of a key ('_' for '-'), or NULL. */
int config_key_count(void);
const char *config_key_name(int i);
const char *config_key_canonical(const char *key);
/* The index i of a key (config_key_name(i) is its canonical name), or -1. */
int config_key_index(const char *key);

/* Copy one key's value (data: with kappa) from src to dst, as typed
 * values; -1 for an unknown key. */
int config_copy_key(struct ms_config *dst, const struct ms_config *src,
    const char *key);
/* Whether a and b hold the same value of key (data: with kappa). */
bool config_key_equal(const struct ms_config *a, const struct ms_config *b,
    const char *key);

/* The one integer parser: the whole of s (no blank first, nothing after)
 * as an integer in [min, max]; 0, or -1. */
int config_parse_int(const char *s, int64_t min, int64_t max, int64_t *out);
/* The one real parser: the whole of s as a finite double; 0, or -1. */
int config_parse_real(const char *s, double *out);

/* Whether a checkpoint may lack key (one added after the format's first
 * version): it then keeps its default. */
bool config_key_optional(const char *key);

/* Check the whole configuration for consistency; 0 or -1 with a message. */
int config_validate(const struct ms_config *cfg, char *err, size_t errlen);

/* Bytes of memory a training run with this configuration needs (estimate). */
size_t config_memory_bytes(const struct ms_config *cfg);
/* Refuse a run (or the runs going at once) needing more memory than the
 * machine has: -1 with a message naming what to reduce, else 0. */
int config_memory_check(const struct ms_config *cfg, char *err,
    size_t errlen);

/* Names, as accepted by config_set. */
const char *config_param_name(enum ms_param p);
const char *config_memory_name(enum ms_memory m);
/* Whether p is a learned optimizer without attention (direct,
 * direct-pairs: doc/math.md §11). */
bool config_param_is_direct(enum ms_param p);
const char *config_rotation_name(enum ms_rotation r);
/* The data option as text ("iso", "paper", "kappa:100") into buf. */
const char *config_data_name(const struct ms_config *cfg, char *buf, size_t len);

/* Replace, by one '?' each, the control characters of msg, its invisible
 * and bidirectional formatting characters (U+200E, U+202A-U+202E,
 * U+2066-U+2069, ...) and any byte that is not well-formed UTF-8, so that
 * a message quoting input is one line that shows what it quotes. */
void config_one_line(char *msg);
/* Format a message into err (may be NULL), made one line; returns -1. */
int config_error(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Eigenvalue condition number of Σ for this configuration. */
double config_condition(const struct ms_config *cfg);

#endif
