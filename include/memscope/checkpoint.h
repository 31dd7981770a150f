/*
 * Checkpoints: JSON with the format name and version, the full config, seed,
 * step, every parameter block by name, Adam's state and a checksum (64-bit
 * FNV-1a of every byte before the checksum member; checkpoint.c defines it).
 * Written atomically (temporary file, fsync, rename); validated completely
 * when loaded.
 */
#ifndef MEMSCOPE_CHECKPOINT_H
#define MEMSCOPE_CHECKPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "memscope/config.h"
#include "memscope/trainer.h"

#define CHECKPOINT_FORMAT "memscope-checkpoint"
#define CHECKPOINT_VERSION 4	/* versions 2 (no "streams") and 3 (no
				 * "history") still load */

/* The largest "step" a checkpoint may hold: far beyond any run, and low
 * enough that no counter going on from it can overflow (a long, or a
 * double's exact integers up to 2^53). */
#define CHECKPOINT_STEP_MAX 1000000000000000LL
/* The most work (multiply-adds and normals) a version-2 file's batch
 * replay may take: about a second. */
#define CHECKPOINT_REPLAY_BUDGET 1e9

/* checkpoint_read's flags. */
#define CHECKPOINT_REPLAY 1	/* a version-2 file: replay the training
				 * batch's redraws if that is cheap */
#define CHECKPOINT_HISTORY 2	/* read the loss history into info->hist */

/* The most points a checkpoint's loss history may hold: the visualizer's
 * decimated curve (history.h) has at most 2 × 2048 + 1. */
#define CHECKPOINT_HISTORY_MAX 8192

/* A run's loss history as a checkpoint keeps it: decimated points, NaN
 * where a point has no loss (a test loss is evaluated now and then). */
struct checkpoint_history {
	long n;
	double *step;		/* (n) increasing, 0 .. the file's step */
	double *train;		/* (n) */
	double *test;		/* (n) */
};

void checkpoint_history_free(struct checkpoint_history *h);

/* What a load restored. */
struct checkpoint_info {
	int version;		/* of the file */
	long replayed;		/* batch redraws replayed (version 2) */
	bool exact;		/* the batches and their streams are the saved
				 * run's, so training resumes bit for bit */
	char note[256];		/* one line when !exact: what was not restored */
	struct checkpoint_history hist;	/* with CHECKPOINT_HISTORY: the file's
					 * history (n = 0 if it has none);
					 * checkpoint_history_free it */
};

/* Write t to path atomically; 0, or -1 with a message (the target untouched). */
int checkpoint_save(const char *path, const struct trainer *t, char *err,
    size_t errlen);
/* The same with the run's loss history (NULL: none; at most
 * CHECKPOINT_HISTORY_MAX points, else refused). */
int checkpoint_save_history(const char *path, const struct trainer *t,
    const struct checkpoint_history *h, char *err, size_t errlen);

/* The "history" member for h, or NULL if h breaks the rules above. */
json_t *checkpoint_history_json(const struct checkpoint_history *h);
/* Read a "history" member (v) of a file at `step` into h; 0, or -1 with a
 * message (h then holds nothing). */
int checkpoint_history_read(json_t *v, long step,
    struct checkpoint_history *h, char *err, size_t errlen);

/*
 * Read path into a new trainer (trainer_init_deferred with the file's
 * config, then its parameters, Adam state, step and batches). The cost is
 * that of the file and of one draw of each batch, never of the training
 * the file records: a version-2 file's redraws are replayed only with
 * CHECKPOINT_REPLAY and within CHECKPOINT_REPLAY_BUDGET (info, if not
 * NULL, says what was restored). 0, or -1 with a message saying what is
 * wrong: truncated, corrupted, checksum mismatch, wrong version, wrong
 * shape, a bad value or count (t then holds nothing to free).
 */
int checkpoint_read(const char *path, struct trainer *t, unsigned flags,
    struct checkpoint_info *info, char *err, size_t errlen);
/* checkpoint_read(path, t, CHECKPOINT_REPLAY, NULL, ...): to train on. */
int checkpoint_load(const char *path, struct trainer *t, char *err,
    size_t errlen);

/* 64-bit FNV-1a of n bytes, the checksum's hash. */
uint64_t checkpoint_fnv1a64(const void *p, size_t n);
/* Offset of the last "checksum" (with its quotes) in buf: the checksum
 * covers the bytes before it. -1 if there is none. */
long checkpoint_checksum_offset(const char *buf, size_t len);

/* The configuration as a JSON object {option key: value}, values as JSON
 * numbers, booleans or strings (the checkpoint's "config"; also used by the
 * JSON summaries). */
json_t *checkpoint_config_json(const struct ms_config *cfg);
/* Read such an object back into cfg (defaults, then every key: each
 * present but the optional ones, known, valid; then config_validate); 0,
 * or -1 with a message "config: ...". */
int checkpoint_read_config(json_t *obj, struct ms_config *cfg, char *err,
    size_t errlen);
/* The same without checking the whole (a sweep's constants, which only
 * each job's values complete). */
int checkpoint_read_config_keys(json_t *obj, struct ms_config *cfg,
    char *err, size_t errlen);

#endif
