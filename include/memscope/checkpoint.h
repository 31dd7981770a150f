/*
 * Checkpoints: JSON with the format name and version, the full config, seed,
 * step, every parameter block by name and Adam's state. Written atomically
 * (temporary file, fsync, rename); validated completely when loaded.
 */
#ifndef MEMSCOPE_CHECKPOINT_H
#define MEMSCOPE_CHECKPOINT_H

#include <stddef.h>

#include "memscope/trainer.h"

#define CHECKPOINT_FORMAT "memscope-checkpoint"
#define CHECKPOINT_VERSION 1

/* Write t to path atomically; 0, or -1 with a message (the target untouched). */
int checkpoint_save(const char *path, const struct trainer *t, char *err,
    size_t errlen);

/* Read path into a new trainer (trainer_init with the file's config, then its
 * parameters, Adam state and step). 0, or -1 with a message saying what is wrong. */
int checkpoint_load(const char *path, struct trainer *t, char *err,
    size_t errlen);

#endif
