/*
 * --freeze attention (doc/math.md §8.3): after Adam steps (AdamW's decay
 * too) the attention blocks and their moments are bit-identical, the
 * memory and gate blocks moved; a model with nothing else to train is
 * refused. And the mixture of experts (experts.h), which trains the
 * gates alone.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "memscope/experts.h"
#include "memscope/model.h"
#include "memscope/trainer.h"
#include "memscope/xmalloc.h"

static struct ms_config
freeze_config(enum ms_param p, enum ms_memory mem, bool gates)
{
	struct ms_config c;

	config_defaults(&c);
	c.layers = 2;
	c.heads = 2;
	c.param = p;
	c.memory = mem;
	c.gates = gates;
	c.batch = 50;
	c.test_batch = 50;
	c.steps = 5;
	c.freeze = MS_FREEZE_ATTENTION;
	return c;
}

/* Steps of cfg: each block unchanged (and its moments zero) iff it is
 * attention and frozen. */
static void
freeze_check(const struct ms_config *cfg)
{
	struct trainer t;
	char err[256];
	double *p0;
	int moved = 0;

	assert_int_equal(trainer_init(&t, cfg, err, sizeof err), 0);
	p0 = xdoubles(t.model.nparams);
	memcpy(p0, t.model.params, t.model.nparams * sizeof *p0);
	for (int s = 0; s < cfg->steps; s++)
		assert_int_equal(trainer_step(&t), 0);
	for (int k = 0; k < t.model.nblocks; k++) {
		const struct param_block *pb = &t.model.blocks[k];
		size_t len = (size_t)pb->rows * pb->cols;
		bool frozen = cfg->freeze == MS_FREEZE_ATTENTION &&
		    model_block_is_attention(pb);
		bool same = memcmp(p0 + pb->offset, t.model.params +
		    pb->offset, len * sizeof *p0) == 0;

		bool still = true;	/* its first moments are zero */
		bool skipped = false;	/* an entry with a gradient, no moment */

		for (size_t i = 0; i < len; i++) {
			size_t j = pb->offset + i;

			still = still && t.adam.m[j] == 0.0 &&
			    t.adam.v[j] == 0.0;
			skipped = skipped || (t.model.grads[j] != 0.0 &&
			    t.adam.v[j] == 0.0);
		}
		/* a free block moves unless its gradient is exactly zero
		 * (cgd's γ of layer 0 meets no register); an entry of it with
		 * a gradient in the last step has a second moment */
		if (frozen ? !(same && still) : (same && !still) || skipped)
			fail_msg("block %s layer %d head %d: %s", pb->name,
			    pb->layer, pb->head, frozen ? "moved although "
			    "frozen" : "did not move");
		moved += !same;
	}
	assert_true(moved > 0);
	free(p0);
	trainer_free(&t);
}

static void
test_freeze_attention_trains_the_rest(void **state)
{
	(void)state;
	for (int p = MS_PARAM_SCALAR; p <= MS_PARAM_FULL; p++) {
		struct ms_config c = freeze_config(p, MS_MEMORY_CGD, false);

		freeze_check(&c);
		c = freeze_config(p, MS_MEMORY_LFOM, true);
		freeze_check(&c);
		c = freeze_config(p, MS_MEMORY_NONE, true);
		freeze_check(&c);
		/* AdamW's decay is an update too: it skips frozen blocks */
		c = freeze_config(p, MS_MEMORY_REC, true);
		c.weight_decay = 0.5;
		freeze_check(&c);
		c = freeze_config(p, MS_MEMORY_NONE, true);
		c.freeze = MS_FREEZE_NONE;	/* control: everything moves */
		freeze_check(&c);
	}
}

/* Nothing to train: refused, saying so; the key reads and writes. */
static void
test_freeze_nothing_to_train_is_refused(void **state)
{
	struct ms_config c = freeze_config(MS_PARAM_GDPP, MS_MEMORY_NONE, false);
	char err[256] = "", buf[32];

	(void)state;
	assert_int_equal(config_validate(&c, err, sizeof err), -1);
	assert_non_null(strstr(err, "nothing to train"));
	c.gates = true;
	assert_int_equal(config_validate(&c, err, sizeof err), 0);
	assert_int_equal(config_set(&c, "freeze", "none", err, sizeof err), 0);
	assert_int_equal(c.freeze, MS_FREEZE_NONE);
	assert_int_equal(config_set(&c, "freeze", "attention", err,
	    sizeof err), 0);
	assert_int_equal(config_get(&c, "freeze", buf, sizeof buf), 0);
	assert_string_equal(buf, "attention");
	assert_int_equal(config_set(&c, "freeze", "memory", err, sizeof err),
	    -1);
	assert_non_null(strstr(err, "none, attention"));
}

/* Two one-head experts (gdpp, trained at s = 1 and 2 on one seed) as a
 * gated model tuned at s = 1.5: the heads are the experts', bit for bit;
 * only the gates moved, and the tuned loss is below the untuned one. */
static void
test_experts_tune_only_the_gates(void **state)
{
	struct trainer ex[2], t, t0;
	const struct model *em[2];
	struct experts_opts eo;
	struct experts_result res, res0;
	char err[256];

	(void)state;
	for (int i = 0; i < 2; i++) {
		struct ms_config c = freeze_config(MS_PARAM_GDPP,
		    MS_MEMORY_NONE, false);

		c.heads = 1;
		c.freeze = MS_FREEZE_NONE;
		c.scale = 1.0 + i;
		c.steps = 30;
		assert_int_equal(trainer_init(&ex[i], &c, err, sizeof err), 0);
		for (int s = 0; s < c.steps; s++)
			assert_int_equal(trainer_step(&ex[i]), 0);
		em[i] = &ex[i].model;
	}
	experts_opts_defaults(&eo);
	eo.scale = 1.5;
	eo.steps = 40;
	eo.batch = eo.score_batch = 200;
	assert_int_equal(experts_tune(em, 2, &eo, &t, &res, err, sizeof err),
	    0);
	eo.steps = 0;
	assert_int_equal(experts_tune(em, 2, &eo, &t0, &res0, err,
	    sizeof err), 0);
	assert_true(res0.gates[0] == 0.0 && res0.gates[1] == 0.0);
	assert_true(res.gates[0] != 0.0 && res.gates[1] != 0.0);
	for (int l = 0; l < 2; l++)
		for (int h = 0; h < 2; h++) {
			assert_memory_equal(model_param(&t.model, "A", l, h),
			    model_param(&ex[h].model, "A", l, 0),
			    25 * sizeof(double));
			assert_memory_equal(model_param(&t.model, "B", l, h),
			    model_param(&ex[h].model, "B", l, 0),
			    25 * sizeof(double));
		}
	assert_true(res.tuned[1] < res0.tuned[1]);
	assert_true(res.fresh[1] < res0.fresh[1]);
	/* two batches, not one */
	assert_true(res.tuned[1] != res.fresh[1]);
	assert_true(fabs(res.fresh_norm[1] - (res.fresh[1] -
	    log(5 * 1.5 * 1.5))) < 1e-12);
	experts_result_free(&res0);
	trainer_free(&t0);
	/* experts on another seed have another rotation: refused */
	ex[1].model.cfg.seed++;
	assert_int_equal(experts_tune(em, 2, &eo, &t0, &res0, err,
	    sizeof err), -1);
	assert_non_null(strstr(err, "rotation"));
	experts_result_free(&res);
	trainer_free(&t);
	for (int i = 0; i < 2; i++)
		trainer_free(&ex[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_freeze_attention_trains_the_rest),
		cmocka_unit_test(test_freeze_nothing_to_train_is_refused),
		cmocka_unit_test(test_experts_tune_only_the_gates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
