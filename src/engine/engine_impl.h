/*
 * The engine's private parts, shared by its files (not a public header):
 *   engine.c          the worker thread, its loop and the engine's life;
 *   engine_queue.c    the command queue: sending, merging, popping;
 *   engine_cmd.c      carrying a command out (runs, data, save, export);
 *   engine_publish.c  filling and swapping the snapshots, the analysis;
 *   engine_trace.c    the step-through trace of the task the UI asked for.
 * Everything below the queue and the slot is the worker's alone.
 */
#ifndef MEMSCOPE_ENGINE_IMPL_H
#define MEMSCOPE_ENGINE_IMPL_H

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "memscope/baselines.h"
#include "memscope/engine.h"
#include "memscope/history.h"
#include "memscope/model.h"
#include "memscope/task.h"
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
	struct trainer *t;
	enum engine_state state;
	long target;
	int speed;		/* index into the speed caps */
	int run;
	unsigned long seq;
	char message[256];
	bool message_error;
	char busy[48];		/* the set-up piece under way, or "" */
	unsigned long commands;	/* keys carried out */

	struct history hist;	/* this run */
	struct snapshot_curve prev;
	char prev_label[64];
	int nmarks;
	struct snapshot_mark marks[SNAPSHOT_MAX_MARKS];

	double *layer_mse;	/* (L) */
	bool test_due;		/* a forced test evaluation is owed */
	long test_step;
	double last_test_end, test_dur;
	bool have_base;
	int base_L;
	double *base[BASELINE_COUNT];	/* (L+1) */
	double *base_step[BASELINE_COUNT];	/* (L+1) */

	struct engine_analysis an;
	struct engine_tracer tracer;

	double last_publish, last_step_time;
	double rate_time, sps;
	long rate_step;
};

/* engine.c */
void engine_message(struct engine *e, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void engine_test(struct engine *e, bool force);

/* engine_queue.c: pop the oldest entry into *it (called with e->mu held);
 * false if the queue is empty. */
bool engine_queue_pop(struct engine *e, struct engine_qitem *it);
void engine_queue_free(struct engine *e);

/* engine_cmd.c */
bool engine_do(struct engine *e, const struct engine_qitem *it);
void engine_begin_run(struct engine *e, const struct ms_config *old);

/* engine_publish.c */
void engine_publish(struct engine *e);
void engine_analysis_free(struct engine_analysis *an);

/* engine_trace.c */
void engine_trace_init(struct engine_tracer *tc);
void engine_trace_free(struct engine_tracer *tc);
/* Carry out a trace command (ENGINE_CMD_TRACE_TASK, _FOLLOW). */
void engine_trace_command(struct engine *e, enum engine_cmd cmd, int arg);
/* Bring the trace up to date with the run and copy it into s. */
void engine_trace_publish(struct engine *e, struct snapshot *s);

#endif
