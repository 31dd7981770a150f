/*
 * The training engine: a worker thread that owns a trainer and steps it,
 * a command queue the UI writes to, and a snapshot slot the UI reads from.
 * Nothing else is shared between the two threads. Everything the screens
 * draw is computed here and arrives in the snapshot, the step-through trace
 * of the task the UI selected included (ENGINE_CMD_TRACE_*).
 */
#ifndef MEMSCOPE_ENGINE_H
#define MEMSCOPE_ENGINE_H

#include <stdbool.h>
#include <stddef.h>

#include "memscope/config.h"
#include "memscope/snapshot.h"
#include "memscope/trainer.h"

enum engine_cmd {
	ENGINE_CMD_TOGGLE,	/* pause / resume; continue a finished run */
	ENGINE_CMD_PAUSE,
	ENGINE_CMD_RESUME,
	ENGINE_CMD_STEP,	/* one optimizer step while paused */
	ENGINE_CMD_SPEED,	/* arg ±1: next slower / faster speed cap */
	ENGINE_CMD_HEADS,	/* arg ±1: new run */
	ENGINE_CMD_LAYERS,	/* arg ±1: new run */
	ENGINE_CMD_MEMORY,	/* next memory kind: new run */
	ENGINE_CMD_PARAM,	/* next parametrization: new run */
	ENGINE_CMD_DATA,	/* next data conditioning: training continues */
	ENGINE_CMD_RESTART,	/* a new run with the same settings */
	ENGINE_CMD_SAVE,	/* checkpoint_save to the save path */
	ENGINE_CMD_EXPORT,	/* the history as CSV to the export path */
	ENGINE_CMD_TRACE_TASK,	/* arg ≥ 0: trace test task arg (snapshot.h's
				 * trace; clamped to the run's tasks) */
	ENGINE_CMD_TRACE_FOLLOW,	/* arg 1: trace the newest parameters;
					 * 0: freeze the ones traced */
	ENGINE_CMD_QUIT
};

struct engine_opts {
	const char *save_path;	/* NULL: memscope-checkpoint.json */
	const char *csv_path;	/* NULL: memscope-history.csv */
	int publish_ms;		/* snapshot interval, 0: 30 ms */
	bool start_paused;
};

struct engine;

/*
 * An engine for cfg, or for the trainer `loaded` (taken over, e.g. from a
 * checkpoint) if not NULL; a loaded trainer that has reached its step
 * target starts paused. The first run is checked and built here, so a bad
 * configuration is reported before any thread starts: NULL and a message;
 * the long part of its set-up (drawing the batches, the baselines) is the
 * worker's, so this returns at once whatever the model's size.
 */
struct engine *engine_create(const struct ms_config *cfg,
    struct trainer *loaded, const struct engine_opts *opts, char *err,
    size_t errlen);
/* Start the worker thread; 0, or -1 with errno set. */
int engine_start(struct engine *e);
/* Queue a command for the worker (never blocks on training, never drops
 * one; the same key repeated may be merged into one entry, with the same
 * effect, and the status message says so). May be called before
 * engine_start. */
void engine_send(struct engine *e, enum engine_cmd cmd, int arg);
/* If a newer snapshot was published, swap it into *snap and return true.
 * *snap must come from engine_create's snapshots (engine_first_snapshot). */
bool engine_take(struct engine *e, struct snapshot **snap);
/* The snapshot the UI starts with (owned by the engine). */
struct snapshot *engine_first_snapshot(struct engine *e);
/* A descriptor that becomes readable when a snapshot is published. */
int engine_notify_fd(const struct engine *e);
/* Empty the notification descriptor. */
void engine_notify_drain(struct engine *e);
/* Stop the worker (if running) and free everything. */
void engine_free(struct engine *e);

/* The speed caps, slowest first; 0 is unlimited. */
int engine_speed_cap(int level);
int engine_speed_levels(void);

/* The data conditioning after cfg's in the cycle iso → paper → kappa:10 →
 * kappa:100 → kappa:1000 (paper only when d = 5), written into next. */
void engine_next_data(const struct ms_config *cfg, struct ms_config *next);

#endif
