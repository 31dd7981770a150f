/* A fixed snapshot for the visualizer's tests: no training, no randomness. */
#ifndef MEMSCOPE_TUI_FIXTURE_H
#define MEMSCOPE_TUI_FIXTURE_H

#include "memscope/snapshot.h"

/* Fill s (from snapshot_init) with a fixed loss history, parameters,
 * per-layer losses and memory coefficients of a model with cfg's shape. */
void fixture_snapshot(struct snapshot *s, const struct ms_config *cfg);

#endif
