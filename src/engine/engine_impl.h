/*
 * The engine's private parts, shared by its files (not a public header):
 *   engine.c          the worker thread, its loop and the engine's life;
 *   engine_run.c      one run of the run list: its trainer, history,
 *                     tests, baselines, label; stepping the runs side by
 *                     side;
 *   engine_queue.c    the command queue: sending, merging, popping;
 *   engine_cmd.c      carrying a command out (runs, data, save, export);
 *   engine_publish.c  filling and swapping the snapshots, the analysis;
 *   engine_trace.c    the step-through trace of the task the UI asked for;
 *   engine_watch.c    the worker of an engine that follows a history file
 *                     (memscope watch) instead of training.
 * Everything below the queue and the slot is the worker's alone.
 */
#ifndef MEMSCOPE_ENGINE_IMPL_H
#define MEMSCOPE_ENGINE_IMPL_H

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <time.h>

#include "memscope/baselines.h"
#include "memscope/engine.h"
#include "memscope/history.h"
#include "memscope/model.h"
#include "memscope/pool.h"
#include "memscope/task.h"
#include "memscope/theory.h"
#include "memscope/trace.h"

struct engine_qitem {
	enum engine_cmd cmd;
	int arg;
	int count;		/* keys merged into this entry */
};

/* What the step-through trace is computed from: the run's state when it
 * was taken (engine_trace.c). */
struct engine_trace_src {
	bool have;
	int run;
	long step;
	struct ms_config cfg;
	size_t nparams;
	double *params;		/* (nparams) */
	bool have_gd;
	double *gd_step;	/* (L+1) GD's steps, if have_gd */
	struct rng test_from;	/* names the test batch it was taken with */
	bool own_test;		/* frozen: the tasks are `test`, a copy */
	struct task_batch test;
};

/* The step-through tracer: the UI's request, its source, its results. */
struct engine_tracer {
	bool active;		/* a trace was asked for */
	int want;		/* the task asked for (clamped when traced) */
	bool follow;
	struct engine_trace_src src;
	bool have_model;
	struct model model;	/* the source's parameters (the model part's) */
	bool task_valid;	/* tr's task part is that of the keys below */
	int task;
	struct ms_config task_cfg;
	bool task_gd;
	double *task_gd_step;	/* (L+1) the GD steps the task part used */
	struct trace tr;
	unsigned long gen;	/* bumped whenever tr changes */
};

/* The analysis published with each snapshot (analysis.h), and what it was
 * computed from. */
struct engine_analysis {
	bool valid;
	int run, L;
	struct ms_config cfg;
	size_t nparams;
	double *params;		/* (nparams) */
	double *cgd_coef;	/* (L, L), cgd only */
	double *sigma_cos;	/* (L) */
};

/*
 * One run of the run list. A trained run owns a trainer; a reference run
 * (a saved history overlaid) has only its curve. Its fields are the
 * worker's; during a burst each run is stepped by one pool worker, which
 * touches that run alone (engine_run.c).
 */
struct engine_run {
	int id;			/* 1, 2, ... in the order runs were started */
	int style;		/* colour and line-style slot (snapshot.h) */
	bool visible, reference;
	struct trainer *t;	/* NULL for a reference */
	struct ms_config ref_cfg;	/* a reference's (engine_run_cfg) */
	enum engine_state state;	/* RUNNING: steps when the engine runs;
					 * FINISHED, DIVERGED */
	long target;
	char label[24], label_ascii[24];
	char ref_label[24];	/* a reference's own label (its file) */

	struct history hist;
	int nmarks;
	struct snapshot_mark marks[SNAPSHOT_MAX_MARKS];
	struct snapshot_series coef;	/* memory coefficients (snapshot.h) */
	double *coef_buf;	/* (coef k) scratch for one point */

	double *layer_mse;	/* (L) */
	bool test_due;		/* a forced test evaluation is owed */
	long test_step;
	double last_test_end, test_dur;
	bool have_base;
	int base_L;
	double *base[BASELINE_COUNT];	/* (L+1) */
	double *base_step[BASELINE_COUNT];	/* (L+1) */
	struct theory_lines theory;	/* with the baselines (theory.h) */

	double step_sec;	/* a step's measured duration (running mean) */
	double rate_time, sps;
	long rate_step;
	/* Set by a burst, read by the engine after it: */
	int burst_rc;		/* 0, or 1: diverged (trainer_step) */
	long burst_steps;	/* steps made in it */
};

struct engine {
	pthread_t thread;
	bool started;

	/* The command queue. */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct engine_qitem *q;	/* (qcap) a ring */
	int qhead, qlen, qcap;
	atomic_int pending;	/* a command is queued: stop background work */
	atomic_int quitting;	/* quit with no save or export queued */

	/* The snapshot slot. */
	pthread_mutex_t slot_mu;
	struct snapshot snaps[3];
	struct snapshot *back, *mid, *front;
	bool fresh;
	int pipe[2];

	/* Worker-only state below. */
	struct engine_opts opts;
	char save_path[PATH_MAX];
	char csv_path[PATH_MAX];
	int publish_ms;
	struct engine_run *runs[SNAPSHOT_MAX_RUNS];	/* the run list */
	int nruns;
	int focus;		/* runs[focus] is in focus */
	int model_run;		/* the focused trained run (the model shown):
				 * focus, or the last trained run focused */
	int next_id;		/* runs started so far */
	struct pool *pool;	/* steps runs side by side (nruns > 1) */
	atomic_int burst_claimed[SNAPSHOT_MAX_RUNS];	/* a worker has the run
							 * in this burst */
	double burst_deadline;	/* a burst's steps end by then */
	long burst_k;		/* steps per run in this burst */
	bool paused;
	int speed;		/* steps/s cap for each run, 0 = unlimited */
	unsigned long seq;
	char message[256];
	bool message_error;
	unsigned long message_seq;
	char busy[48];		/* the set-up piece under way, or "" */
	unsigned long commands;	/* keys carried out */

	struct engine_analysis an;
	struct engine_tracer tracer;

	double last_publish;
	double step_due;	/* under a speed cap: when the next tick is due */

	/* An engine that watches a file: its worker and state (else NULL). */
	void *(*worker)(void *);
	struct engine_watch *watch;
};

/* The run whose model the screens show (never NULL once created). */
static inline struct engine_run *
engine_model(const struct engine *e)
{
	return e->runs[e->model_run];
}

/* Run r's configuration: its trainer's, or a reference's own. */
static inline const struct ms_config *
engine_run_cfg(const struct engine_run *r)
{
	return r->t != NULL ? &r->t->cfg : &r->ref_cfg;
}

/* engine_run.c */
/* A trained run for cfg (validated; NULL and a message if refused), or
 * for the trainer t (taken over) if not NULL; not yet in the list. */
struct engine_run *engine_run_new(struct engine *e,
    const struct ms_config *cfg, struct trainer *t, char *err,
    size_t errlen);
/* A reference run: a saved history. */
struct engine_run *engine_run_reference(struct engine *e,
    const struct engine_ref *ref);
void engine_run_free(struct engine_run *r);
/* Put r in the list at its end; false if the list is full. */
bool engine_run_add(struct engine *e, struct engine_run *r);
/* Take runs[i] out of the list and free it. */
void engine_run_remove(struct engine *e, int i);
/* Give every run its label: the settings that tell the runs apart. */
void engine_run_labels(struct engine *e);
/* Whether some run steps when the engine runs. */
bool engine_runs_active(const struct engine *e);
/* A test evaluation of r now (force), or if cheap enough by now. */
void engine_run_test(struct engine *e, struct engine_run *r, bool force);
/* r's baselines on its test batch; false if a command interrupted them. */
bool engine_run_baselines(struct engine *e, struct engine_run *r);
/* Record a step r made (its history and memory coefficients). */
void engine_run_record(struct engine_run *r);
/* Make the pool that steps runs side by side, if there is none. */
void engine_pool(struct engine *e);
/* Step every active run side by side, k steps each (up to the deadline
 * and the pending flag); then the runs' burst_* say what happened. */
void engine_runs_step(struct engine *e, long k);
/* What r is (message text: "lfom H1 L5 iso") into buf. */
void engine_run_describe(const struct ms_config *cfg, char *buf,
    size_t len);

/* engine.c */
/* An engine with its queue, slot and pipe, and nothing to run yet; NULL
 * and a message if the pipe cannot be made. */
struct engine *engine_alloc(char *err, size_t errlen);
/* The time at_mono (clock_seconds) for pthread_cond_timedwait on e->cv. */
void engine_abstime(struct timespec *ts, double at_mono);
void engine_message(struct engine *e, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* engine_queue.c: pop the oldest entry into *it (called with e->mu held);
 * false if the queue is empty. */
bool engine_queue_pop(struct engine *e, struct engine_qitem *it);
void engine_queue_free(struct engine *e);

/* engine_cmd.c */
bool engine_do(struct engine *e, const struct engine_qitem *it);
/* Run r's next data conditioning, marked on its curve; training
 * continues (ENGINE_CMD_DATA on the focused run, and opts.data_at). */
void engine_run_next_data(struct engine *e, struct engine_run *r);

/* engine_publish.c */
void engine_publish(struct engine *e);
/* Swap the back snapshot, filled, into the slot and tell the UI. */
void engine_publish_swap(struct engine *e);
void engine_analysis_free(struct engine_analysis *an);

/* engine_watch.c */
void engine_watch_free(struct engine_watch *w);

/* engine_trace.c */
void engine_trace_init(struct engine_tracer *tc);
void engine_trace_free(struct engine_tracer *tc);
/* Carry out a trace command (ENGINE_CMD_TRACE_TASK, _FOLLOW). */
void engine_trace_command(struct engine *e, enum engine_cmd cmd, int arg);
/* Bring the trace up to date with the run and copy it into s. */
void engine_trace_publish(struct engine *e, struct snapshot *s);

#endif
