/*
 * Shifted data (doc/math.md §8.1): the raw draws are √s·g + μ of the same
 * normals, for both priors of w*; the loss of predicting 0 (the
 * divergence reference) against Monte Carlo; the normalised loss; and the
 * closed form of the one-layer optimum trained at s = 1, scored at
 * variance s with gate g, through model_evaluate.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "memscope/model.h"
#include "memscope/task.h"
#include "memscope/trainer.h"
#include "memscope/xmalloc.h"

#include "model_fd.h"

static struct ms_config
shift_config(double s, double mu, enum ms_wstar wstar)
{
	struct ms_config c;

	config_defaults(&c);
	c.layers = 1;
	c.memory = MS_MEMORY_NONE;
	c.wstar = wstar;
	c.scale = s;
	c.mean = mu;
	c.seed = 3;
	return c;
}

/* One batch of B tasks from (seed 3, the training stream) of c's law. */
static void
shift_batch(struct task_batch *tb, struct task_dist *dist,
    const struct ms_config *c, int B)
{
	struct ms_config cb = *c;

	cb.batch = B;
	model_fd_batch(tb, dist, &cb, RNG_STREAM_TRAIN);
}

/* out = U diag(D^p) 1: where the mean μ·1 of a raw draw goes. */
static void
shift_image(const struct task_dist *dist, double p, double *out)
{
	for (int i = 0; i < dist->d; i++) {
		out[i] = 0.0;
		for (int k = 0; k < dist->d; k++)
			out[i] += dist->U[i * dist->d + k] * pow(dist->D[k], p);
	}
}

/* x = √s x₀ + μ U D 1 and w* = √s w₀ + μ U D⁻¹ 1 (identity prior:
 * + μ 1) of the default batch x₀, w₀ drawn from the same state. */
static void
test_shift_is_affine_in_the_same_draws(void **state)
{
	static const double cases[][2] = { { 2.0, 0.0 }, { 0.5, 1.5 },
	    { 3.0, -0.7 }, { 1.0, 2.0 } };

	(void)state;
	for (int w = 0; w < 2; w++)
		for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
			double s = cases[k][0], mu = cases[k][1];
			struct ms_config c0 = shift_config(1, 0, w);
			struct ms_config c1 = shift_config(s, mu, w);
			struct task_dist d0, d1;
			struct task_batch b0, b1;
			double vx[5], vw[5];
			int d = 5, n1 = c0.context + 1, B = 7;

			shift_batch(&b0, &d0, &c0, B);
			shift_batch(&b1, &d1, &c1, B);
			shift_image(&d0, 1.0, vx);
			shift_image(&d0, -1.0, vw);
			for (int i = 0; i < d && w == MS_WSTAR_IDENTITY; i++)
				vw[i] = 1.0;
			for (int b = 0; b < B; b++)
				for (int i = 0; i < d; i++)
					assert_true(fabs(b1.w[b * d + i] -
					    (sqrt(s) * b0.w[b * d + i] +
					    mu * vw[i])) < 1e-12);
			for (int e = 0; e < B * n1; e++)
				for (int i = 0; i < d; i++)
					assert_true(fabs(b1.X[e * d + i] -
					    (sqrt(s) * b0.X[e * d + i] +
					    mu * vx[i])) < 1e-12);
			task_batch_free(&b0);
			task_batch_free(&b1);
			task_dist_free(&d0);
			task_dist_free(&d1);
		}
}

/* s = 1, μ = 0 set explicitly: the very bits of the default batch. */
static void
test_shift_default_is_bit_identical(void **state)
{
	struct ms_config c0 = shift_config(1, 0, MS_WSTAR_INVSIGMA), c1 = c0;
	struct task_dist d0, d1;
	struct task_batch b0, b1;

	(void)state;
	c0.scale = 0;	/* a field-by-field configuration: taken as 1 */
	shift_batch(&b0, &d0, &c0, 5);
	shift_batch(&b1, &d1, &c1, 5);
	assert_memory_equal(b0.X, b1.X, 5 * 21 * 5 * sizeof(double));
	assert_memory_equal(b0.w, b1.w, 5 * 5 * sizeof(double));
	task_batch_free(&b0);
	task_batch_free(&b1);
	task_dist_free(&d0);
	task_dist_free(&d1);
}

/* trainer_zero_loss is E[y_q²]: against the mean of y_q² over 40000
 * tasks, within 4 standard errors, both priors, several (s, μ). */
static void
test_shift_zero_loss_monte_carlo(void **state)
{
	static const double cases[][2] = { { 1.0, 0.0 }, { 2.5, 0.0 },
	    { 0.5, 0.8 }, { 2.0, -1.2 } };

	(void)state;
	for (int w = 0; w < 2; w++)
		for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
			struct ms_config c = shift_config(cases[k][0],
			    cases[k][1], w);
			struct trainer t;
			struct task_batch tb;
			char err[256];
			int B = 40000, n1 = c.context + 1;
			double sum = 0.0, sq = 0.0, mean, se, want;

			c.batch = c.test_batch = 1;
			assert_int_equal(trainer_init(&t, &c, err, sizeof err),
			    0);
			task_batch_alloc(&tb, B, c.context, c.dim);
			task_batch_sample(&tb, &t.dist, &t.rng_train);
			for (int b = 0; b < B; b++) {
				double y2 = tb.y[b * n1 + c.context] *
				    tb.y[b * n1 + c.context];

				sum += y2;
				sq += y2 * y2;
			}
			mean = sum / B;
			se = sqrt((sq / B - mean * mean) / B);
			want = trainer_zero_loss(&t);
			if (fabs(mean - want) > 4 * se)
				fail_msg("wstar %d s %g mu %g: E[y^2] %g, Monte "
				    "Carlo %g +- %g", w, cases[k][0],
				    cases[k][1], want, mean, se);
			task_batch_free(&tb);
			trainer_free(&t);
		}
}

/* The normalised loss is ln MSE less ln(d s^2). */
static void
test_shift_normalised_log(void **state)
{
	struct ms_config c = shift_config(2.5, 1.0, MS_WSTAR_INVSIGMA);
	struct task_dist dist;
	char err[256];

	(void)state;
	assert_int_equal(task_dist_init(&dist, &c, err, sizeof err), 0);
	assert_true(fabs(trainer_normalised_log(&dist, 31.25) -
	    log(31.25 / (5 * 2.5 * 2.5))) < 1e-14);
	task_dist_free(&dist);
}

/*
 * At L = 1, A = c Σ⁻¹ with c = n/(n+d+1) (the optimum at s = 1) scored on
 * zero-mean data of variance s with gate g has expected squared error
 * s² d (g² s² c − 2 g s c + 1): the model's own evaluation on 40000
 * tasks, within 4 standard errors (from the per-task errors).
 */
static void
test_shift_one_layer_closed_form(void **state)
{
	static const double cases[][2] = { { 1.0, 1.0 }, { 0.5, 1.0 },
	    { 2.0, 1.0 }, { 2.0, 0.5 }, { 1.5, 0.8 }, { 3.0, 1.0 / 3.0 } };

	(void)state;
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		double s = cases[k][0], g = cases[k][1];
		struct ms_config c = shift_config(s, 0, MS_WSTAR_INVSIGMA);
		struct task_dist dist;
		struct task_batch tb;
		struct model m;
		int B = 40000, d = c.dim, n = c.context;
		double cc = (double)n / (n + d + 1), mse, sq = 0.0, se, want;
		double *pred = xdoubles((size_t)B);

		c.param = MS_PARAM_PRE;
		c.gates = true;
		shift_batch(&tb, &dist, &c, B);
		model_init(&m, &c);
		task_dist_sigma_inv(&dist, model_param(&m, "A", 0, 0));
		for (int e = 0; e < d * d; e++)
			model_param(&m, "A", 0, 0)[e] *= cc;
		model_param(&m, "gate", -1, -1)[0] = g;
		model_evaluate(&m, &tb, NULL, &mse);
		model_predict(&m, &tb, NULL, pred);
		for (int b = 0; b < B; b++) {
			double e = pred[b] - tb.y[b * (n + 1) + n];

			sq += e * e * e * e;
		}
		se = sqrt((sq / B - mse * mse) / B);
		want = s * s * d * (g * g * s * s * cc - 2 * g * s * cc + 1);
		if (fabs(mse - want) > 4 * se)
			fail_msg("s %g g %g: closed form %g, model_evaluate %g "
			    "+- %g", s, g, want, mse, se);
		if (s == 1.0 && g == 1.0)
			assert_true(fabs(log(want) - 0.143) < 5e-4);
		free(pred);
		model_free(&m);
		task_batch_free(&tb);
		task_dist_free(&dist);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shift_is_affine_in_the_same_draws),
		cmocka_unit_test(test_shift_default_is_bit_identical),
		cmocka_unit_test(test_shift_zero_loss_monte_carlo),
		cmocka_unit_test(test_shift_normalised_log),
		cmocka_unit_test(test_shift_one_layer_closed_form),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
