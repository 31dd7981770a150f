/* Adam against its update rule written out by hand; per-block clipping. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "memscope/optim.h"

/* Three steps of Adam on two parameters, against the textbook formulas. */
static void
test_adam_matches_textbook(void **state)
{
	struct adam a;
	double p[2] = { 1.0, -2.0 }, q[2] = { 1.0, -2.0 };
	double m[2] = { 0 }, v[2] = { 0 };
	const double grads[3][2] = { { 0.5, -1.0 }, { 0.25, 3.0 }, { -1.0, 0.0 } };

	(void)state;
	adam_init(&a, 2, 0.01);
	for (int t = 1; t <= 3; t++) {
		adam_step(&a, p, grads[t - 1]);
		for (int i = 0; i < 2; i++) {
			double g = grads[t - 1][i], mh, vh;

			m[i] = 0.9 * m[i] + 0.1 * g;
			v[i] = 0.999 * v[i] + 0.001 * g * g;
			mh = m[i] / (1 - pow(0.9, t));
			vh = v[i] / (1 - pow(0.999, t));
			q[i] -= 0.01 * mh / (sqrt(vh) + 1e-8);
			assert_true(fabs(p[i] - q[i]) < 1e-15);
		}
	}
	/* the first step moves each parameter by about lr against its gradient */
	assert_int_equal(a.t, 3);
	adam_free(&a);
}

/*
 * The reach hint changes no bit: three steps with it and without it are
 * the same, when everything outside the reach is +0 (skipped there), and
 * when a moment or a gradient outside is not (then nothing is skipped).
 */
static void
test_adam_reach_changes_no_bit(void **state)
{
	enum { N = 20 };
	const size_t reach[] = { 2, 5, 9, 12 };

	(void)state;
	for (int kase = 0; kase < 4; kase++) {
		struct adam a, b;
		double p[N], q[N], g[N] = { 0 };

		for (int i = 0; i < N; i++)
			p[i] = q[i] = 0.1 * i - 0.7;
		for (int i = 2; i < 5; i++)
			g[i] = 0.3 * i - 1.0;
		for (int i = 9; i < 12; i++)
			g[i] = 0.2 - 0.05 * i;
		adam_init(&a, N, 0.01);
		adam_init(&b, N, 0.01);
		adam_set_reach(&b, reach, 2);
		if (kase == 1)
			a.m[15] = b.m[15] = 1e-3;	/* a moment outside */
		if (kase == 2)
			a.v[0] = b.v[0] = 1e-4;
		if (kase == 3)
			g[19] = 0.5;			/* a gradient outside */
		for (int t = 0; t < 3; t++) {
			adam_step(&a, p, g);
			adam_step(&b, q, g);
		}
		assert_memory_equal(p, q, sizeof p);
		assert_memory_equal(a.m, b.m, sizeof p);
		assert_memory_equal(a.v, b.v, sizeof p);
		/* the updates outside the reach did happen where they change
		 * something */
		if (kase == 1)
			assert_true(p[15] != 0.1 * 15 - 0.7);
		adam_free(&a);
		adam_free(&b);
	}
}

static void
test_clip_blocks_limits_each_block(void **state)
{
	struct ms_config c;
	struct model m;
	double n0 = 0, n1 = 0, n2 = 0;
	const struct param_block *b0, *b1, *b2;

	(void)state;
	memset(&c, 0, sizeof c);
	c.dim = 2;
	c.context = 3;
	c.layers = 3;
	c.heads = 1;
	c.param = MS_PARAM_PRE;
	c.memory = MS_MEMORY_NONE;
	model_init(&m, &c);
	b0 = model_block(&m, "A", 0, 0);
	b1 = model_block(&m, "A", 1, 0);
	b2 = model_block(&m, "A", 2, 0);
	for (int i = 0; i < 4; i++) {
		m.grads[b0->offset + i] = 3.0;		/* norm 6: clipped */
		m.grads[b1->offset + i] = 0.001;	/* norm 0.002: kept */
		m.grads[b2->offset + i] = 0.0075;	/* norm 0.015: clipped */
	}
	clip_blocks(&m, 0.01);
	for (int i = 0; i < 4; i++) {
		n0 += m.grads[b0->offset + i] * m.grads[b0->offset + i];
		n1 += m.grads[b1->offset + i] * m.grads[b1->offset + i];
		n2 += m.grads[b2->offset + i] * m.grads[b2->offset + i];
		/* direction kept */
		assert_true(fabs(m.grads[b0->offset + i] - 0.005) < 1e-15);
	}
	assert_true(fabs(sqrt(n0) - 0.01) < 1e-15);
	assert_true(fabs(sqrt(n1) - 0.002) < 1e-15);
	assert_true(fabs(sqrt(n2) - 0.01) < 1e-15);	/* just over: clipped too */
	model_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_adam_matches_textbook),
		cmocka_unit_test(test_adam_reach_changes_no_bit),
		cmocka_unit_test(test_clip_blocks_limits_each_block),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
