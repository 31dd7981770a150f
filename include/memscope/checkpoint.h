/*
 * Checkpoints: JSON with the format name and version, the full config, seed,
 * step, every parameter block by name and Adam's state. Written atomically
 * (temporary file, fsync, rename); validated completely when loaded.
 */
#ifndef MEMSCOPE_CHECKPOINT_H
#define MEMSCOPE_CHECKPOINT_H

#include <stddef.h>

#include <jansson.h>

#include "memscope/config.h"
#include "memscope/trainer.h"

#define CHECKPOINT_FORMAT "memscope-checkpoint"
#define CHECKPOINT_VERSION 1

/* Write t to path atomically; 0, or -1 with a message (the target untouched). */
int checkpoint_save(const char *path, const struct trainer *t, char *err,
    size_t errlen);

/* Read path into a new trainer (trainer_init with the file's config, then its
 * parameters, Adam state and step). 0, or -1 with a message saying what is wrong
 * (t then holds nothing to free). */
int checkpoint_load(const char *path, struct trainer *t, char *err,
    size_t errlen);

/* The configuration as a JSON object {option key: value}, values as JSON
 * numbers, booleans or strings (the checkpoint's "config"; also used by the
 * JSON summaries). */
json_t *checkpoint_config_json(const struct ms_config *cfg);

#endif
