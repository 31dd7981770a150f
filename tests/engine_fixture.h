/*
 * What the tests that drive the engine thread share: a small experiment,
 * and waiting for a snapshot that satisfies a predicate.
 */
#ifndef MEMSCOPE_TESTS_ENGINE_FIXTURE_H
#define MEMSCOPE_TESTS_ENGINE_FIXTURE_H

#include <stdbool.h>

#include "memscope/engine.h"

typedef bool (*fixture_pred)(const struct snapshot *s, long arg);

/* d 5, n 10, L 2, one head, pre + cgd, iso data, batches of 40, a million
 * steps (a run that goes on until stopped), one thread. */
void fixture_small_config(struct ms_config *cfg);
/* The monotonic clock in seconds. */
double fixture_now(void);
/* Take snapshots until pred(snapshot, arg) holds (true) or `limit` seconds
 * pass (false); *s is the last snapshot taken. */
bool fixture_wait(struct engine *e, struct snapshot **s, fixture_pred pred,
    long arg, double limit);

/* Predicates: the message line holds the string arg; the step is at least
 * arg; the state is arg; the run has stopped (finished or diverged). */
bool fixture_message_has(const struct snapshot *s, long arg);
bool fixture_step_at_least(const struct snapshot *s, long arg);
bool fixture_state_is(const struct snapshot *s, long arg);
bool fixture_stopped(const struct snapshot *s, long arg);

#endif
