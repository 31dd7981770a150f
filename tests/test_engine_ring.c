/*
 * The engine's command queue as a data structure (engine_queue.c), on a
 * bare struct engine with no worker: the ring keeps the order of the keys
 * when it grows with its head anywhere, and exactly the keys whose repeats
 * do what one entry with a count does are merged.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../src/engine/engine_impl.h"

static struct engine *
bare_engine(void)
{
	struct engine *e = calloc(1, sizeof *e);

	assert_non_null(e);
	pthread_mutex_init(&e->mu, NULL);
	pthread_cond_init(&e->cv, NULL);
	return e;
}

static void
bare_free(struct engine *e)
{
	engine_queue_free(e);
	pthread_mutex_destroy(&e->mu);
	pthread_cond_destroy(&e->cv);
	free(e);
}

/* Pop one entry and check it. */
static void
pop_is(struct engine *e, enum engine_cmd cmd, int arg, int count)
{
	struct engine_qitem it;

	assert_true(engine_queue_pop(e, &it));
	assert_int_equal(it.cmd, cmd);
	assert_int_equal(it.arg, arg);
	assert_int_equal(it.count, count);
}

/* 40 keys in, 30 out, 100 more in: the ring grows (twice) while its head
 * is not at the start; every key comes out once, in the order sent. */
static void
test_growth_keeps_order(void **state)
{
	struct engine *e = bare_engine();
	struct engine_qitem it;
	int i;

	(void)state;
	for (i = 0; i < 40; i++)
		engine_send(e, ENGINE_CMD_TRACE_TASK, i);
	for (i = 0; i < 30; i++)
		pop_is(e, ENGINE_CMD_TRACE_TASK, i, 1);
	for (i = 40; i < 140; i++)
		engine_send(e, ENGINE_CMD_TRACE_TASK, i);
	assert_true(e->qcap >= 110);
	for (i = 30; i < 140; i++)
		pop_is(e, ENGINE_CMD_TRACE_TASK, i, 1);
	assert_false(engine_queue_pop(e, &it));
	assert_int_equal(atomic_load(&e->pending), 0);
	bare_free(e);
}

/* A toggle, a step, a change of data and the trace's keys each do
 * something different the second time: never merged. A run of the same
 * new-run key in one direction is one entry with a count; the other
 * direction, or another key between, starts a new entry. */
static void
test_what_merges(void **state)
{
	static const enum engine_cmd single[] = {
		ENGINE_CMD_TOGGLE, ENGINE_CMD_STEP, ENGINE_CMD_DATA,
		ENGINE_CMD_TRACE_TASK, ENGINE_CMD_TRACE_FOLLOW,
	};
	struct engine *e = bare_engine();
	struct engine_qitem it;

	(void)state;
	for (size_t k = 0; k < sizeof single / sizeof single[0]; k++) {
		engine_send(e, single[k], 1);
		engine_send(e, single[k], 1);
		pop_is(e, single[k], 1, 1);
		pop_is(e, single[k], 1, 1);
	}
	for (int i = 0; i < 3; i++)
		engine_send(e, ENGINE_CMD_HEADS, +1);
	engine_send(e, ENGINE_CMD_HEADS, -1);
	engine_send(e, ENGINE_CMD_SAVE, 0);
	engine_send(e, ENGINE_CMD_HEADS, -1);
	engine_send(e, ENGINE_CMD_HEADS, -1);
	pop_is(e, ENGINE_CMD_HEADS, +1, 3);
	pop_is(e, ENGINE_CMD_HEADS, -1, 1);
	pop_is(e, ENGINE_CMD_SAVE, 0, 1);
	pop_is(e, ENGINE_CMD_HEADS, -1, 2);
	assert_false(engine_queue_pop(e, &it));
	bare_free(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_growth_keeps_order),
		cmocka_unit_test(test_what_merges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
