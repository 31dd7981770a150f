/*
 * The engine's command queue (engine.h's engine_send), shared by the UI
 * thread, which appends under e->mu and signals e->cv, and the worker,
 * which pops (engine_main).
 *
 * The queue grows as needed, so no key is ever dropped. A key repeated
 * while the worker is busy is merged into the queue's last entry when
 * carrying it out once per press gives the same result as carrying the
 * merged entry out once: heads, layers, memory, parametrization and
 * restart (the presses are walked through config_validate, so refused ones
 * are refused alike, and one run is built, for the final configuration),
 * speed (clamped per press), pause, resume, save and export (idempotent).
 * Space, n and c are not merged (they do not commute with a count), nor
 * are the step-through's trace commands (the last one counts, and each is
 * cheap). The status line says "N keys merged into 1".
 */
#include <limits.h>
#include <stdlib.h>

#include "engine_impl.h"
#include "memscope/xmalloc.h"

#define ENGINE_QUEUE 64		/* initial queue capacity; it grows */

/* Whether count presses of cmd (with arg) do what one entry carrying a
 * count does (see the top of the file). */
static bool
engine_mergeable(enum engine_cmd cmd)
{
	switch (cmd) {
	case ENGINE_CMD_PAUSE:
	case ENGINE_CMD_RESUME:
	case ENGINE_CMD_SPEED:
	case ENGINE_CMD_HEADS:
	case ENGINE_CMD_LAYERS:
	case ENGINE_CMD_MEMORY:
	case ENGINE_CMD_PARAM:
	case ENGINE_CMD_RESTART:
	case ENGINE_CMD_SAVE:
	case ENGINE_CMD_EXPORT:
	case ENGINE_CMD_RUN_FOCUS:
	case ENGINE_CMD_RUN_VISIBLE:
		return true;
	case ENGINE_CMD_RUN_ADD:
	case ENGINE_CMD_RUN_REMOVE:
	case ENGINE_CMD_TOGGLE:
	case ENGINE_CMD_STEP:
	case ENGINE_CMD_DATA:
	case ENGINE_CMD_TRACE_TASK:
	case ENGINE_CMD_TRACE_FOLLOW:
	case ENGINE_CMD_QUIT:
		break;
	}
	return false;
}

/* Double the queue's capacity (called with e->mu held). */
static void
engine_queue_grow(struct engine *e)
{
	int cap = e->qcap > 0 ? 2 * e->qcap : ENGINE_QUEUE, i;
	struct engine_qitem *q = xcalloc((size_t)cap, sizeof *q);

	for (i = 0; i < e->qlen; i++)
		q[i] = e->q[(e->qhead + i) % e->qcap];
	free(e->q);
	e->q = q;
	e->qcap = cap;
	e->qhead = 0;
}

/* Queue a command for the worker (never blocks on training, never drops
 * it: a repeated key may be merged into the last entry). */
void
engine_send(struct engine *e, enum engine_cmd cmd, int arg)
{
	struct engine_qitem *last;
	int i;
	bool keep = false;

	pthread_mutex_lock(&e->mu);
	last = e->qlen > 0 ? &e->q[(e->qhead + e->qlen - 1) % e->qcap] : NULL;
	if (last != NULL && last->cmd == cmd && engine_mergeable(cmd) &&
	    (last->arg < 0) == (arg < 0) && last->count < INT_MAX)
		last->count++;
	else {
		if (e->qlen == e->qcap)
			engine_queue_grow(e);
		last = &e->q[(e->qhead + e->qlen) % e->qcap];
		last->cmd = cmd;
		last->arg = arg;
		last->count = 1;
		e->qlen++;
	}
	atomic_store(&e->pending, 1);
	if (cmd == ENGINE_CMD_QUIT) {
		/* a save or export still queued is carried out first, with
		 * all that precedes it; otherwise the worker drops its work */
		for (i = 0; i < e->qlen; i++) {
			enum engine_cmd c = e->q[(e->qhead + i) % e->qcap].cmd;

			keep |= c == ENGINE_CMD_SAVE || c == ENGINE_CMD_EXPORT;
		}
		if (!keep)
			atomic_store(&e->quitting, 1);
	}
	pthread_cond_signal(&e->cv);
	pthread_mutex_unlock(&e->mu);
}

/* Pop the oldest entry into *it (called with e->mu held); false if the
 * queue is empty. */
bool
engine_queue_pop(struct engine *e, struct engine_qitem *it)
{
	if (e->qlen == 0)
		return false;
	*it = e->q[e->qhead];
	e->qhead = (e->qhead + 1) % e->qcap;
	e->qlen--;
	atomic_store(&e->pending, e->qlen > 0);
	return true;
}

void
engine_queue_free(struct engine *e)
{
	free(e->q);
	e->q = NULL;
	e->qhead = e->qlen = e->qcap = 0;
}
