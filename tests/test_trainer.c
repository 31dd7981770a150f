/* The training run: learning, divergence, resampling, determinism, data switch. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "memscope/optim.h"
#include "memscope/trainer.h"

static struct ms_config
small(void)
{
	struct ms_config c;

	config_defaults(&c);
	c.batch = 64;
	c.test_batch = 64;
	c.layers = 2;
	c.steps = 50;
	return c;
}

static void
test_training_lowers_the_loss(void **state)
{
	struct ms_config c = small();
	struct trainer t;
	char err[256];
	double before[2], after[2];

	(void)state;
	c.memory = MS_MEMORY_NONE;
	c.resample = 5;		/* fresh prompts, so the test loss falls too */
	assert_int_equal(trainer_init(&t, &c, err, sizeof err), 0);
	trainer_test(&t, before);
	for (int i = 0; i < 300; i++)
		assert_int_equal(trainer_step(&t), 0);
	trainer_test(&t, after);
	assert_int_equal(t.step, 300);
	/* two learned preconditioned steps beat predicting zero by far */
	assert_true(after[1] < 0.5 * before[1]);
	assert_true(after[1] < after[0]);
	trainer_free(&t);
}

/* gdpp at lr 100 overflows (each layer is cubic in Z): the run stops, says
 * so, and keeps the last parameters whose loss was finite. */
static void
test_divergence_keeps_last_finite_parameters(void **state)
{
	struct ms_config c = small();
	struct trainer t;
	char err[256];
	int rc = 0;

	(void)state;
	c.lr = 100;
	c.layers = 4;
	c.param = MS_PARAM_GDPP;
	assert_int_equal(trainer_init(&t, &c, err, sizeof err), 0);
	for (int i = 0; i < 2000 && rc == 0; i++)
		rc = trainer_step(&t);
	assert_int_equal(rc, 1);
	assert_true(t.diverged);
	for (size_t i = 0; i < t.model.nparams; i++)
		assert_true(isfinite(t.model.params[i]));
	assert_true(isfinite(t.train_loss));
	/* the kept parameters are ones whose loss is finite */
	assert_true(isfinite(model_loss_grad(&t.model, &t.train, NULL)));
	/* a diverged run does not step again */
	{
		long s = t.step;

		assert_int_equal(trainer_step(&t), 1);
		assert_int_equal(t.step, s);
	}
	trainer_free(&t);
}

/* An update that makes one parameter NaN, or one infinite, is undone and
 * ends the run: the step's parameters are those before it, bit for bit,
 * wherever in the vector the bad value lands. */
static void
test_nonfinite_update_is_undone(void **state)
{
	(void)state;
	for (int kind = 0; kind < 2; kind++)
		for (int where = 0; where < 3; where++) {
			struct ms_config c = small();
			struct trainer t;
			char err[256];
			double *before;
			size_t i;

			assert_int_equal(trainer_init(&t, &c, err, sizeof err),
			    0);
			assert_int_equal(trainer_step(&t), 0);
			i = where == 0 ? 0 : where == 1 ? t.model.nparams / 2 :
			    t.model.nparams - 1;
			/* a NaN second moment gives a NaN step; an infinite
			 * first moment an infinite one */
			if (kind == 0)
				t.adam.v[i] = NAN;
			else
				t.adam.m[i] = INFINITY;
			before = malloc(t.model.nparams * sizeof *before);
			memcpy(before, t.model.params,
			    t.model.nparams * sizeof *before);
			assert_int_equal(trainer_step(&t), 1);
			assert_true(t.diverged);
			assert_memory_equal(t.model.params, before,
			    t.model.nparams * sizeof *before);
			free(before);
			trainer_free(&t);
		}
}

static void
test_resample_redraws_the_batch_every_n_steps(void **state)
{
	struct ms_config c = small();
	struct trainer t;
	char err[256];
	double x0, x1;

	(void)state;
	c.resample = 3;
	assert_int_equal(trainer_init(&t, &c, err, sizeof err), 0);
	x0 = t.train.X[0];
	for (int i = 0; i < 3; i++)
		trainer_step(&t);
	assert_true(t.train.X[0] == x0);	/* steps 0, 1, 2 on one batch */
	trainer_step(&t);
	x1 = t.train.X[0];
	assert_true(x1 != x0);			/* step 3 on a fresh one */
	trainer_free(&t);

	c.resample = 0;
	assert_int_equal(trainer_init(&t, &c, err, sizeof err), 0);
	x0 = t.train.X[0];
	for (int i = 0; i < 10; i++)
		trainer_step(&t);
	assert_true(t.train.X[0] == x0);
	trainer_free(&t);
}

static void
test_same_seed_same_run(void **state)
{
	struct ms_config c = small();
	struct trainer a, b;
	char err[256];

	(void)state;
	c.threads = 2;
	assert_int_equal(trainer_init(&a, &c, err, sizeof err), 0);
	assert_int_equal(trainer_init(&b, &c, err, sizeof err), 0);
	for (int i = 0; i < 20; i++) {
		trainer_step(&a);
		trainer_step(&b);
	}
	assert_memory_equal(a.model.params, b.model.params,
	    a.model.nparams * sizeof(double));
	trainer_free(&a);
	trainer_free(&b);

	/* another seed: other tasks */
	assert_int_equal(trainer_init(&a, &c, err, sizeof err), 0);
	c.seed++;
	assert_int_equal(trainer_init(&b, &c, err, sizeof err), 0);
	assert_true(a.test.X[0] != b.test.X[0]);
	trainer_free(&a);
	trainer_free(&b);
}

/* Changing the conditioning keeps U and the model, redraws the batches. */
static void
test_set_data_keeps_rotation_and_model(void **state)
{
	struct ms_config c = small(), next;
	struct trainer t;
	char err[256];
	double U0, p0;

	(void)state;
	assert_int_equal(trainer_init(&t, &c, err, sizeof err), 0);
	for (int i = 0; i < 5; i++)
		trainer_step(&t);
	U0 = t.dist.U[1];
	p0 = t.model.params[0];
	next = c;
	assert_int_equal(config_set(&next, "data", "kappa:100", err,
	    sizeof err), 0);
	assert_int_equal(trainer_set_data(&t, &next, err, sizeof err), 0);
	assert_true(t.dist.U[1] == U0);
	assert_true(t.model.params[0] == p0);
	assert_int_equal(t.cfg.data, MS_DATA_KAPPA);
	assert_true(fabs(t.dist.D[0] * t.dist.D[0] /
	    (t.dist.D[c.dim - 1] * t.dist.D[c.dim - 1]) - 100.0) < 1e-9);
	assert_int_equal(trainer_step(&t), 0);
	trainer_free(&t);
}

/* With --clip the step is Adam's on the clipped gradient: the trainer's
 * first steps equal the same steps made by hand (gradient, clip_blocks,
 * adam_step) on a twin of the run, and differ from the unclipped ones. */
static void
test_clip_clips_each_step(void **state)
{
	struct ms_config c = small();
	struct trainer t, ref;
	struct adam a;
	char err[256];
	size_t n;

	(void)state;
	c.clip = 1e-9;		/* far below the gradients' norms: Adam's ε shows */
	assert_int_equal(trainer_init(&t, &c, err, sizeof err), 0);
	c.clip = 0;
	assert_int_equal(trainer_init(&ref, &c, err, sizeof err), 0);
	n = ref.model.nparams;
	assert_memory_equal(t.model.params, ref.model.params, n * sizeof(double));
	adam_init(&a, n, c.lr);
	for (int k = 0; k < 3; k++) {
		assert_int_equal(trainer_step(&t), 0);
		model_loss_grad(&ref.model, &ref.train, NULL);
		clip_blocks(&ref.model, 1e-9);
		adam_step(&a, ref.model.params, ref.model.grads);
		for (size_t i = 0; i < n; i++)
			assert_true(fabs(t.model.params[i] -
			    ref.model.params[i]) <= 1e-12 *
			    (1 + fabs(ref.model.params[i])));
	}
	/* and the unclipped run is elsewhere */
	trainer_free(&ref);
	assert_int_equal(trainer_init(&ref, &c, err, sizeof err), 0);
	for (int k = 0; k < 3; k++)
		assert_int_equal(trainer_step(&ref), 0);
	assert_memory_not_equal(t.model.params, ref.model.params,
	    n * sizeof(double));
	adam_free(&a);
	trainer_free(&t);
	trainer_free(&ref);
}

static void
test_init_rejects_bad_config(void **state)
{
	struct ms_config c = small();
	struct trainer t;
	char err[256] = "";

	(void)state;
	c.dim = 7;	/* paper data needs d = 5 */
	assert_int_equal(trainer_init(&t, &c, err, sizeof err), -1);
	assert_non_null(strstr(err, "paper"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_training_lowers_the_loss),
		cmocka_unit_test(test_divergence_keeps_last_finite_parameters),
		cmocka_unit_test(test_nonfinite_update_is_undone),
		cmocka_unit_test(test_resample_redraws_the_batch_every_n_steps),
		cmocka_unit_test(test_same_seed_same_run),
		cmocka_unit_test(test_set_data_keeps_rotation_and_model),
		cmocka_unit_test(test_clip_clips_each_step),
		cmocka_unit_test(test_init_rejects_bad_config),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
