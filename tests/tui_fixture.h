/* A fixed snapshot for the visualizer's tests: no training, no randomness. */
#ifndef MEMSCOPE_TUI_FIXTURE_H
#define MEMSCOPE_TUI_FIXTURE_H

#include "memscope/snapshot.h"

/* Fill s (from snapshot_init) with a fixed loss history, parameters,
 * per-layer losses, memory coefficients of a model with cfg's shape, and
 * the step-through trace of test task 0 (fixture_trace). */
void fixture_snapshot(struct snapshot *s, const struct ms_config *cfg);
/* Replace s's step-through trace by that of test task k, computed from s
 * as the worker does (following, at s's step). */
void fixture_trace(struct snapshot *s, int k);

#endif
