/*
 * Starting a run from saved parameters instead of the random init
 * (train --init, the visualizer's --init; doc/math.md §8.4): one checkpoint
 * gives every block of the same name, layer, head and shape; several
 * one-head checkpoints give head h's blocks from file h ("experts").
 */
#ifndef MEMSCOPE_WARMSTART_H
#define MEMSCOPE_WARMSTART_H

#include <stddef.h>

#include "memscope/model.h"
#include "memscope/trainer.h"

/* The most files an --init list may name (one per head). */
#define WARMSTART_MAX_FILES 64

/*
 * Copy into m's parameters the blocks of the checkpoints in `list`
 * (FILE[,FILE...]). One file: each of its blocks whose name, layer and
 * head m has (blocks m has and the file lacks keep their values). Several
 * files: m has one head per file, each file one head, and head h of every
 * layer comes from file h's head 0 (m's memory and gate blocks keep their
 * values). Refused, m unchanged, with a message saying why: an unreadable
 * or invalid file (checkpoint_read's checks), another d or L, a block of
 * another shape, nothing matched, a head count that does not fit. 0 or -1.
 */
int warmstart_apply(struct model *m, const char *list, char *err,
    size_t errlen);

/* The same from models already loaded (the files' own): srcs[0..n). */
int warmstart_from(struct model *m, const struct model *const *srcs, int n,
    char *err, size_t errlen);

#endif
