/*
 * Gated heads (doc/math.md §8.2): the gradients of the heads and of the
 * gates against finite differences for every parametrization, memory
 * none, cgd and rec, on the label and the dense path; a gated model at
 * g = 1 is its ungated twin bit for bit; a gate g_h is the same as
 * scaling head h's attention by g_h.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "memscope/analysis.h"
#include "memscope/model.h"
#include "memscope/task.h"

#include "model_fd.h"

static struct ms_config
gates_config(enum ms_param p, enum ms_memory mem, int heads)
{
	struct ms_config c = model_fd_config(p, mem, heads);

	c.batch = 3;
	c.seed = 5;
	c.gates = true;
	return c;
}

/* Order-one parameters; gates away from 1 and of both signs. */
static void
gates_params(struct model *m, uint64_t seed)
{
	double *g;

	model_fd_params(m, seed);
	if ((g = model_param(m, "gate", -1, -1)) != NULL)
		for (int i = 0; i < m->H; i++)
			g[i] = i % 2 ? -0.6 - 0.2 * i : 1.4 + 0.1 * i;
}

static void
gates_fd(enum ms_param p, enum ms_memory mem, int heads,
    enum model_path path)
{
	struct ms_config c = gates_config(p, mem, heads);
	struct task_dist dist;
	struct task_batch tb;
	struct model m;
	char what[64];

	model_fd_batch(&tb, &dist, &c, 3);
	model_init(&m, &c);
	model_set_path(&m, path);
	assert_int_equal(m.path, path);
	gates_params(&m, 17 + (uint64_t)p * 5 + (uint64_t)mem + heads);
	snprintf(what, sizeof what, "gates %s/%s/H%d/%s", config_param_name(p),
	    config_memory_name(mem), heads, path == MODEL_PATH_LABEL ?
	    "label" : "dense");
	assert_true(model_fd_check(&m, &tb, what) < 1e-6);
	/* the gates' own gradient (at the parameters after the check) is
	 * not zero */
	{
		const struct param_block *pb = model_block(&m, "gate", -1, -1);
		double norm = 0.0;

		assert_non_null(pb);
		assert_int_equal(pb->rows, heads);
		for (int h = 0; h < heads; h++)
			norm += fabs(m.grads[pb->offset + h]);
		assert_true(norm > 1e-6);
	}
	model_free(&m);
	task_batch_free(&tb);
	task_dist_free(&dist);
}

static void
test_gate_gradients_match_finite_differences(void **state)
{
	static const enum ms_memory mems[] = { MS_MEMORY_NONE, MS_MEMORY_CGD,
	    MS_MEMORY_REC };

	(void)state;
	for (int p = MS_PARAM_SCALAR; p <= MS_PARAM_FULL; p++)
		for (int k = 0; k < 3; k++)
			for (int heads = 1; heads <= 2; heads++) {
				if (p <= MS_PARAM_PRE)
					gates_fd(p, mems[k], heads,
					    MODEL_PATH_LABEL);
				gates_fd(p, mems[k], heads, MODEL_PATH_DENSE);
			}
}

/* g = 1 (the initial gates): the loss and the heads' gradients are the
 * ungated model's, bit for bit, on both paths. */
static void
test_unit_gates_are_the_ungated_twin(void **state)
{
	(void)state;
	for (int p = MS_PARAM_SCALAR; p <= MS_PARAM_FULL; p++) {
		struct ms_config cg = gates_config(p, MS_MEMORY_CGD, 2);
		struct ms_config c0 = cg;
		struct task_dist dist;
		struct task_batch tb;
		struct model mg, m0;
		struct rng r;
		double lg, l0;

		c0.gates = false;
		model_fd_batch(&tb, &dist, &cg, 3);
		model_init(&mg, &cg);
		model_init(&m0, &c0);
		rng_seed(&r, 3, 4);
		model_init_params(&mg, &r);
		assert_true(model_param(&mg, "gate", -1, -1)[0] == 1.0);
		assert_true(model_param(&mg, "gate", -1, -1)[1] == 1.0);
		rng_seed(&r, 3, 4);
		model_init_params(&m0, &r);
		/* the gate draws nothing: the other blocks are the twin's */
		assert_memory_equal(mg.params, m0.params,
		    m0.nparams * sizeof(double));
		gates_params(&m0, 23);
		assert_int_equal(model_copy_blocks(&mg, &m0, -1, -1),
		    m0.nblocks);
		lg = model_loss_grad(&mg, &tb, NULL);
		l0 = model_loss_grad(&m0, &tb, NULL);
		assert_memory_equal(&lg, &l0, sizeof lg);
		assert_memory_equal(mg.grads, m0.grads,
		    m0.nparams * sizeof(double));
		model_free(&mg);
		model_free(&m0);
		task_batch_free(&tb);
		task_dist_free(&dist);
	}
}

/* A gate g_h is head h's attention scaled by g_h: through the A of pre
 * and gdpp (B is left alone), through Q of full, a of scalar. */
static void
test_gate_scales_its_head(void **state)
{
	(void)state;
	for (int p = MS_PARAM_SCALAR; p <= MS_PARAM_FULL; p++) {
		struct ms_config cg = gates_config(p, MS_MEMORY_NONE, 2);
		struct ms_config c0 = cg;
		const char *name = p == MS_PARAM_SCALAR ? "a" :
		    p == MS_PARAM_FULL ? "Q" : "A";
		struct task_dist dist;
		struct task_batch tb;
		struct model mg, m0;
		double lg, l0, *g;

		c0.gates = false;
		model_fd_batch(&tb, &dist, &cg, 3);
		model_init(&mg, &cg);
		model_init(&m0, &c0);
		gates_params(&mg, 29);
		assert_int_equal(model_copy_blocks(&m0, &mg, -1, -1),
		    m0.nblocks);
		g = model_param(&mg, "gate", -1, -1);
		for (int l = 0; l < cg.layers; l++)
			for (int h = 0; h < 2; h++) {
				const struct param_block *pb =
				    model_block(&m0, name, l, h);
				double *a = m0.params + pb->offset;

				for (int e = 0; e < pb->rows * pb->cols; e++)
					a[e] *= g[h];
			}
		lg = model_loss_grad(&mg, &tb, NULL);
		l0 = model_loss_grad(&m0, &tb, NULL);
		assert_true(fabs(lg - l0) <= 1e-12 * (1.0 + l0));
		model_free(&mg);
		model_free(&m0);
		task_batch_free(&tb);
		task_dist_free(&dist);
	}
}

/* The Σ⁻¹ cosine of the matrices panel reads Σ_h g_h A_h: two heads
 * A = Σ⁻¹ with gates 1 and −3 sum to −2 Σ⁻¹, cosine −1. */
static void
test_gated_sigma_cosine(void **state)
{
	struct ms_config c = gates_config(MS_PARAM_PRE, MS_MEMORY_NONE, 2);
	struct task_dist dist;
	struct model m;
	char err[256];
	double cos[2];

	(void)state;
	assert_int_equal(task_dist_init(&dist, &c, err, sizeof err), 0);
	model_init(&m, &c);
	for (int l = 0; l < c.layers; l++)
		for (int h = 0; h < 2; h++)
			task_dist_sigma_inv(&dist, model_param(&m, "A", l, h));
	model_param(&m, "gate", -1, -1)[0] = 1.0;
	model_param(&m, "gate", -1, -1)[1] = -3.0;
	assert_true(model_gate(&m, 1) == -3.0);
	analysis_sigma_cos(&m, &dist, cos);
	for (int l = 0; l < c.layers; l++)
		assert_true(fabs(cos[l] + 1.0) < 1e-12);
	model_free(&m);
	task_dist_free(&dist);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gate_gradients_match_finite_differences),
		cmocka_unit_test(test_unit_gates_are_the_ungated_twin),
		cmocka_unit_test(test_gate_scales_its_head),
		cmocka_unit_test(test_gated_sigma_cosine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
