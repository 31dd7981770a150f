/*
 * The training engine: a worker thread that owns the run list (up to
 * SNAPSHOT_MAX_RUNS runs trained side by side on the same tasks, one in
 * focus) and steps it,
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
	ENGINE_CMD_STEP,	/* one optimizer step of every run, paused */
	ENGINE_CMD_SPEED,	/* arg ±1: next slower / faster speed cap */
	/* These change the focused run: */
	ENGINE_CMD_HEADS,	/* arg ±1: it starts again */
	ENGINE_CMD_LAYERS,	/* arg ±1: it starts again */
	ENGINE_CMD_MEMORY,	/* next memory kind: it starts again */
	ENGINE_CMD_PARAM,	/* next parametrization: it starts again */
	ENGINE_CMD_DATA,	/* next data conditioning: training continues */
	ENGINE_CMD_RESTART,	/* it starts again with the same settings */
	ENGINE_CMD_SAVE,	/* checkpoint_save to the save path */
	ENGINE_CMD_EXPORT,	/* the visible runs' histories as CSV to the
				 * export path */
	/* The run list: */
	ENGINE_CMD_RUN_ADD,	/* a new run with the focused run's settings,
				 * in focus (the setting keys then change it) */
	ENGINE_CMD_RUN_REMOVE,	/* take the focused run out of the list */
	ENGINE_CMD_RUN_FOCUS,	/* arg ±1: the next / previous run in focus */
	ENGINE_CMD_RUN_VISIBLE,	/* show / hide the focused run */
	ENGINE_CMD_TRACE_TASK,	/* arg ≥ 0: trace test task arg (snapshot.h's
				 * trace; clamped to the run's tasks) */
	ENGINE_CMD_TRACE_FOLLOW,	/* arg 1: trace the newest parameters;
					 * 0: freeze the ones traced */
	ENGINE_CMD_QUIT
};

/* The visualizer's default pace: each run's steps per second, so that the
 * default experiment (1000 steps) is live for about 10 seconds. */
#define ENGINE_SPEED_WATCHABLE 100
/* engine_opts.speed: ENGINE_SPEED_WATCHABLE. */
#define ENGINE_SPEED_DEFAULT (-1)

/* A saved loss history shown as a run (reference = true), not trained. */
struct engine_ref {
	char label[24];		/* what the run list calls it */
	struct ms_config cfg;	/* what it was trained with, as far as known */
	struct snapshot_curve curve;	/* its points (the engine copies) */
};

struct engine_opts {
	const char *save_path;	/* NULL: memscope-checkpoint.json */
	const char *csv_path;	/* NULL: memscope-history.csv */
	int publish_ms;		/* snapshot interval, 0: 30 ms */
	bool start_paused;
	int speed;		/* steps/s cap of each run, 0: unlimited,
				 * ENGINE_SPEED_DEFAULT; memset 0 is
				 * unlimited (the tests' engines) */
	/* The runs to start with, in order (NULL or ncompare 0: cfg alone;
	 * at most SNAPSHOT_MAX_RUNS with the references). */
	const struct ms_config *compare;
	int ncompare;
	int workers;		/* runs stepped at once when there are several
				 * (each then on one compute thread, as train
				 * --runs does); 0: the CPUs online */
	const struct engine_ref *refs;	/* overlaid histories (nrefs) */
	int nrefs;
	/* The loaded trainer's history (a checkpoint's), or NULL. */
	const struct snapshot_curve *loaded_hist;
	/* A trained run that reaches step data_at switches to its next data
	 * conditioning there, as ENGINE_CMD_DATA does (the tour's scripted
	 * switch, exact at any pace); 0: never. */
	long data_at;
};

struct engine;

/*
 * An engine for cfg (or the runs opts->compare lists), or for the trainer
 * `loaded` (taken over, e.g. from a checkpoint) if not NULL; a loaded
 * trainer that has reached its step target starts paused. The runs are
 * checked and built here, so a bad configuration is reported before any
 * thread starts: NULL and a message;
 * the long part of its set-up (drawing the batches, the baselines) is the
 * worker's, so this returns at once whatever the model's size.
 */
struct engine *engine_create(const struct ms_config *cfg,
    struct trainer *loaded, const struct engine_opts *opts, char *err,
    size_t errlen);
/*
 * An engine that follows the history CSV at path (memscope watch) instead
 * of training: its worker polls the file (history_follow.h) and publishes
 * a read-only snapshot with a run per run of the file. The file is read
 * once here: one that is there but is not a history CSV is refused (NULL
 * and a message); one that does not exist yet is waited for. opts: only
 * publish_ms is used.
 */
struct engine *engine_create_watch(const char *path,
    const struct engine_opts *opts, char *err, size_t errlen);
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

/* The speed cap one press of < (dir -1) or > (+1) makes of cap (0 is
 * unlimited, the fastest): 1, 2, 5, 10, 20, ... 1000, unlimited. */
int engine_speed_next(int cap, int dir);

/* The data conditioning after cfg's in the cycle iso → paper → kappa:10 →
 * kappa:100 → kappa:1000 (paper only when d = 5), written into next. */
void engine_next_data(const struct ms_config *cfg, struct ms_config *next);

#endif
