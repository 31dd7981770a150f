/*
 * Checkpoints: JSON with the format name and version, the full config, seed,
 * step, every parameter block by name, Adam's state and a checksum (64-bit
 * FNV-1a of every byte before the checksum member; checkpoint.c defines it).
 * Written atomically (temporary file, fsync, rename); validated completely
 * when loaded.
 */
#ifndef MEMSCOPE_CHECKPOINT_H
#define MEMSCOPE_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "memscope/config.h"
#include "memscope/trainer.h"

#define CHECKPOINT_FORMAT "memscope-checkpoint"
#define CHECKPOINT_VERSION 2

/* Write t to path atomically; 0, or -1 with a message (the target untouched). */
int checkpoint_save(const char *path, const struct trainer *t, char *err,
    size_t errlen);

/* Read path into a new trainer (trainer_init with the file's config, then its
 * parameters, Adam state and step). 0, or -1 with a message saying what is
 * wrong: truncated, corrupted, checksum mismatch, wrong version, wrong shape,
 * a bad value (t then holds nothing to free). */
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

#endif
