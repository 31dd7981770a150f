/* The teaching tests' traced task (trace_fixture.h). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "trace_fixture.h"

/* A d-dimensional run on κ = 20 data with L layers, parameters of order
 * one (the memory's α near 1), traced on test task 1. */
void
case_open(struct teach_case *tc, enum ms_param p, enum ms_memory mem, int d,
    int L, bool quirks)
{
	struct rng r;
	char err[256];

	config_defaults(&tc->c);
	tc->c.dim = d;
	tc->c.context = 12;
	tc->c.layers = L;
	tc->c.heads = 2;
	tc->c.param = p;
	tc->c.memory = mem;
	tc->c.data = MS_DATA_KAPPA;
	tc->c.kappa = 20.0;
	tc->c.test_batch = 3;
	tc->c.seed = 5;
	tc->c.gd_step = 0.01;
	tc->c.quirks = quirks;
	assert_int_equal(task_dist_init(&tc->dist, &tc->c, err, sizeof err),
	    0);
	task_batch_alloc(&tc->tb, tc->c.test_batch, tc->c.context, d);
	rng_seed(&r, tc->c.seed, RNG_STREAM_TEST);
	task_batch_sample(&tc->tb, &tc->dist, &r);
	model_init(&tc->m, &tc->c);
	for (size_t i = 0; i < tc->m.nparams; i++)
		tc->m.params[i] = 0.2 * sin(1.0 + 0.9 * (double)i);
	for (int l = 0; l < L; l++) {
		double *a = model_param(&tc->m, "alpha", l, -1);

		if (a != NULL)
			*a = 1.0 + 0.1 * l;
	}
	trace_init(&tc->tr);
	trace_set_task(&tc->tr, &tc->c, &tc->tb, 1, NULL);
	assert_int_equal(trace_set_model(&tc->tr, &tc->m), 0);
}

void
case_close(struct teach_case *tc)
{
	trace_free(&tc->tr);
	model_free(&tc->m);
	task_batch_free(&tc->tb);
	task_dist_free(&tc->dist);
}

