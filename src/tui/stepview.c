/* The step-through screen's selection: task, ℓ, follow or freeze. */
#include <string.h>

#include "memscope/stepview.h"

#define STEP_VIEW_SEED 0x5eed	/* the random task picker's (fixed) seed */

/* A view at task 0, ℓ = 0, following. */
void
step_view_init(struct step_view *v)
{
	memset(v, 0, sizeof *v);
	v->follow = true;
	rng_seed(&v->rng, STEP_VIEW_SEED, RNG_STREAM_USER);
}

/* Keep ℓ inside 0 .. L of the trace. */
static void
step_view_clamp(struct step_view *v)
{
	if (v->tasks > 0 && v->layer > v->layers)
		v->layer = v->layers;
	if (v->layer < 0)
		v->layer = 0;
}

/* Take the ranges of the trace in s and keep ℓ inside them. */
void
step_view_sync(struct step_view *v, const struct snapshot *s)
{
	if (s == NULL || !s->trace.have_src)
		return;
	v->tasks = s->trace.cfg.test_batch;
	v->layers = s->trace.cfg.layers;
	step_view_clamp(v);
}

/* The task shown: the one asked for, within the traced run's tasks. */
int
step_view_task(const struct step_view *v)
{
	if (v->tasks > 0 && v->task >= v->tasks)
		return v->tasks - 1;
	return v->task;
}

/* Next (+1) or previous (-1) test task, wrapping around. */
void
step_view_move_task(struct step_view *v, int delta)
{
	int B = v->tasks > 0 ? v->tasks : 1;

	v->task = ((step_view_task(v) + delta) % B + B) % B;
}

/* A test task drawn at random. */
void
step_view_random_task(struct step_view *v)
{
	int B = v->tasks > 0 ? v->tasks : 1, cur = step_view_task(v), k;

	if (B < 2)
		return;
	do		/* another task than this one */
		k = (int)(rng_next(&v->rng) % (uint64_t)B);
	while (k == cur);
	v->task = k;
}

/* ℓ − 1 or ℓ + 1, within 0 .. L. */
void
step_view_move_layer(struct step_view *v, int delta)
{
	v->layer += delta;
	step_view_clamp(v);
}

/* Follow the run, or freeze the parameters traced. */
void
step_view_toggle_follow(struct step_view *v)
{
	v->follow = !v->follow;
}
