/*
 * The recursive element-wise memory `rec` (doc/math.md §4):
 * R_ℓ = Γ_ℓ ⊙ R_{ℓ−1} + S_ℓ, Z_{ℓ+1} = Z_ℓ + (α_ℓ/n) R_ℓ. Its gradient
 * against finite differences on both paths and every parametrization, the
 * label path against the dense path, Γ = 0 as exactly the memory-free
 * model, a Γ whose label row is the constant γ as exactly cgd with γ, the
 * unrolled coefficients at the query, and the step-through's contributions
 * adding up to each layer's update.
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
#include "memscope/pool.h"
#include "memscope/task.h"
#include "memscope/trace.h"
#include "memscope/xmalloc.h"

#include "model_fd.h"

/* model_fd_config at d dim: L 3 (2 above d 3), five tasks. */
static struct ms_config
rec_config(enum ms_param p, enum ms_memory mem, int heads, int dim)
{
	struct ms_config c = model_fd_config(p, mem, heads);

	c.dim = dim;
	c.layers = dim > 3 ? 2 : 3;
	c.batch = 5;
	c.test_batch = 5;
	c.seed = 7;
	return c;
}

/* A model of c and a batch of its distribution. */
struct rec_case {
	struct ms_config c;
	struct task_dist dist;
	struct task_batch tb;
	struct model m;
};

static void
rec_open(struct rec_case *rc, const struct ms_config *c)
{
	rc->c = *c;
	model_fd_batch(&rc->tb, &rc->dist, c, 3);
	model_init(&rc->m, c);
}

static void
rec_close(struct rec_case *rc)
{
	model_free(&rc->m);
	task_batch_free(&rc->tb);
	task_dist_free(&rc->dist);
}

/* Parameters of order one (α near 1, Γ of scale 0.8): every term acts.
 * Deterministic in seed, and no two entries alike. */
static void
rec_random_params(struct model *m, uint64_t seed)
{
	for (int k = 0; k < m->nblocks; k++) {
		const struct param_block *pb = &m->blocks[k];
		bool alpha = strcmp(pb->name, "alpha") == 0;
		double scale = strcmp(pb->name, "Gamma") == 0 ? 0.8 : 0.3;

		for (size_t i = 0; i < (size_t)pb->rows * pb->cols; i++) {
			double u = sin(0.7 * (double)(pb->offset + i) +
			    1.3 * (double)seed + 0.4);

			m->params[pb->offset + i] = (alpha ? 1.0 : 0.0) +
			    scale * u;
		}
	}
}

/* Every gradient entry against a central difference (relative 1e-6). */
static void
check_fd(enum ms_param p, int heads, int dim, enum model_path path)
{
	struct ms_config c = rec_config(p, MS_MEMORY_REC, heads, dim);
	struct rec_case rc;
	struct model *m = &rc.m;
	/* full with two heads has losses near 1e4: a step of 1e-6 would
	 * leave only six digits of the difference */
	const double h = 1e-5;
	double gamma_norm = 0.0;
	char what[64];

	rec_open(&rc, &c);
	model_set_path(m, path);
	rec_random_params(m, 31 + (uint64_t)p * 5 + (uint64_t)heads);
	snprintf(what, sizeof what, "%s/rec/H%d d%d path %d",
	    config_param_name(p), heads, dim, (int)path);
	assert_true(model_fd_check_step(m, &rc.tb, what, h) < 1e-6);
	/* Γ of the layers above the first has a gradient that is not zero
	 * (m->grads: at the parameters after the check) */
	for (int l = 1; l < m->L; l++) {
		const struct param_block *pb = model_block(m, "Gamma", l, -1);

		for (int i = 0; i < pb->rows * pb->cols; i++)
			gamma_norm += m->grads[pb->offset + i] *
			    m->grads[pb->offset + i];
	}
	assert_true(gamma_norm > 1e-10);
	rec_close(&rc);
}

static void
test_rec_gradients_match_finite_differences(void **state)
{
	(void)state;
	for (int p = MS_PARAM_SCALAR; p <= MS_PARAM_FULL; p++)
		for (int heads = 1; heads <= 2; heads++) {
			if (p <= MS_PARAM_PRE)	/* gdpp, full: dense only */
				check_fd(p, heads, 3, MODEL_PATH_LABEL);
			check_fd(p, heads, 3, MODEL_PATH_DENSE);
		}
}

/* Above MODEL_SMALL_D: the generic label kernel and the BLAS dense one. */
static void
test_rec_gradients_match_finite_differences_large_d(void **state)
{
	(void)state;
	check_fd(MS_PARAM_PRE, 1, 9, MODEL_PATH_LABEL);
	check_fd(MS_PARAM_PRE, 1, 9, MODEL_PATH_DENSE);
	check_fd(MS_PARAM_GDPP, 2, 9, MODEL_PATH_DENSE);
}

/* Loss, per-layer errors and gradient of m's current path. */
struct rec_pass {
	double loss, mse[3], *grad, *pred;
};

static void
rec_run(struct rec_case *rc, struct rec_pass *out)
{
	struct model *m = &rc->m;

	out->loss = model_loss_grad(m, &rc->tb, NULL);
	out->grad = xdoubles(m->nparams);
	memcpy(out->grad, m->grads, m->nparams * sizeof *out->grad);
	model_evaluate(m, &rc->tb, NULL, out->mse);
	out->pred = xdoubles((size_t)rc->tb.B);
	model_predict(m, &rc->tb, NULL, out->pred);
}

static void
rec_pass_free(struct rec_pass *p)
{
	free(p->grad);
	free(p->pred);
}

/* scalar and pre: the label path and the dense path agree. */
static void
test_rec_label_path_matches_dense_path(void **state)
{
	(void)state;
	for (int p = MS_PARAM_SCALAR; p <= MS_PARAM_PRE; p++) {
		struct ms_config c = rec_config(p, MS_MEMORY_REC, 2, 3);
		struct rec_case rc;
		struct rec_pass a, b;

		rec_open(&rc, &c);
		assert_int_equal(rc.m.path, MODEL_PATH_LABEL);
		rec_random_params(&rc.m, 5);
		rec_run(&rc, &a);
		model_set_path(&rc.m, MODEL_PATH_DENSE);
		rec_run(&rc, &b);
		assert_true(fabs(a.loss - b.loss) <= 1e-12 * (1 + a.loss));
		for (int l = 0; l < c.layers; l++)
			assert_true(fabs(a.mse[l] - b.mse[l]) <=
			    1e-12 * (1 + a.mse[l]));
		for (size_t i = 0; i < rc.m.nparams; i++)
			assert_true(fabs(a.grad[i] - b.grad[i]) <=
			    1e-10 * (1 + fabs(a.grad[i])));
		rec_pass_free(&a);
		rec_pass_free(&b);
		rec_close(&rc);
	}
}

/* Copy every attention block of src into dst (same layers and heads). */
static void
copy_attention(struct model *dst, const struct model *src)
{
	for (int k = 0; k < src->nblocks; k++) {
		const struct param_block *pb = &src->blocks[k];
		double *to;

		if (!model_block_is_attention(pb))
			continue;
		to = model_param(dst, pb->name, pb->layer, pb->head);
		assert_non_null(to);
		memcpy(to, src->params + pb->offset, (size_t)pb->rows *
		    pb->cols * sizeof *to);
	}
}

/* The attention gradients of a and b are the same bits. */
static void
assert_same_attention_grads(const struct model *a, const double *ga,
    const struct model *b, const double *gb)
{
	for (int k = 0; k < a->nblocks; k++) {
		const struct param_block *pa = &a->blocks[k], *pb;

		if (!model_block_is_attention(pa))
			continue;
		pb = model_block(b, pa->name, pa->layer, pa->head);
		assert_non_null(pb);
		assert_memory_equal(ga + pa->offset, gb + pb->offset,
		    (size_t)pa->rows * pa->cols * sizeof(double));
	}
}

/* model_init_params' rec (Γ = 0, α = 1) is exactly the memory-free model:
 * loss, errors, predictions and the attention gradients bit for bit, on
 * both paths. */
static void
test_rec_gamma_zero_is_none(void **state)
{
	(void)state;
	for (int p = MS_PARAM_SCALAR; p <= MS_PARAM_FULL; p++) {
		for (int path = MODEL_PATH_LABEL; path <= MODEL_PATH_DENSE;
		    path++) {
			struct ms_config cr = rec_config(p, MS_MEMORY_REC, 1, 3);
			struct ms_config cn = rec_config(p, MS_MEMORY_NONE, 1,
			    3);
			struct rec_case rec, none;
			struct rec_pass a, b;
			struct rng r;

			rec_open(&rec, &cr);
			rec_open(&none, &cn);
			model_set_path(&rec.m, (enum model_path)path);
			model_set_path(&none.m, (enum model_path)path);
			rng_seed(&r, 3, 1);
			model_init_params(&rec.m, &r);
			rec_random_params(&none.m, 8);
			copy_attention(&rec.m, &none.m);
			rec_run(&rec, &a);
			rec_run(&none, &b);
			assert_true(a.loss == b.loss);
			assert_memory_equal(a.mse, b.mse, sizeof a.mse);
			assert_memory_equal(a.pred, b.pred,
			    (size_t)cr.batch * sizeof *a.pred);
			assert_same_attention_grads(&rec.m, a.grad, &none.m,
			    b.grad);
			rec_pass_free(&a);
			rec_pass_free(&b);
			rec_close(&rec);
			rec_close(&none);
		}
	}
}

/*
 * A Γ_ℓ whose label row is the constant γ_ℓ (its other rows anything:
 * scalar and pre move only the label row) is cgd with γ_ℓ and the same
 * α_ℓ; for gdpp and full, whose features move too, the whole Γ_ℓ = γ_ℓ.
 * The same operations in the same order: the same bits.
 */
static void
check_rec_is_cgd(enum ms_param p, enum model_path path)
{
	struct ms_config cr = rec_config(p, MS_MEMORY_REC, 1, 3);
	struct ms_config cc = rec_config(p, MS_MEMORY_CGD, 1, 3);
	bool label_only = p == MS_PARAM_SCALAR || p == MS_PARAM_PRE;
	struct rec_case rec, cgd;
	struct rec_pass a, b;

	rec_open(&rec, &cr);
	rec_open(&cgd, &cc);
	model_set_path(&rec.m, path);
	model_set_path(&cgd.m, path);
	rec_random_params(&rec.m, 12);
	rec_random_params(&cgd.m, 13);
	copy_attention(&rec.m, &cgd.m);
	for (int l = 0; l < cr.layers; l++) {
		const struct param_block *pb = model_block(&rec.m, "Gamma", l,
		    -1);
		double *G = rec.m.params + pb->offset;
		double gamma = *model_param(&cgd.m, "gamma", l, -1);

		*model_param(&rec.m, "alpha", l, -1) =
		    *model_param(&cgd.m, "alpha", l, -1);
		for (int f = 0; f < pb->rows; f++)
			for (int i = 0; i < pb->cols; i++)
				if (f == pb->rows - 1 || !label_only)
					G[f * pb->cols + i] = gamma;
	}
	rec_run(&rec, &a);
	rec_run(&cgd, &b);
	assert_true(a.loss == b.loss);
	assert_memory_equal(a.mse, b.mse, sizeof a.mse);
	assert_memory_equal(a.pred, b.pred, (size_t)cr.batch * sizeof *a.pred);
	assert_same_attention_grads(&rec.m, a.grad, &cgd.m, b.grad);
	/* α's gradient too; and γ's is the sum of Γ's over its entries */
	for (int l = 0; l < cr.layers; l++) {
		const struct param_block *pb = model_block(&rec.m, "Gamma", l,
		    -1);
		double sum = 0.0, want;

		assert_true(a.grad[model_block(&rec.m, "alpha", l, -1)->offset]
		    == b.grad[model_block(&cgd.m, "alpha", l, -1)->offset]);
		for (int i = 0; i < pb->rows * pb->cols; i++)
			sum += a.grad[pb->offset + i];
		want = b.grad[model_block(&cgd.m, "gamma", l, -1)->offset];
		assert_true(fabs(sum - want) <= 1e-12 * (1 + fabs(want)));
	}
	rec_pass_free(&a);
	rec_pass_free(&b);
	rec_close(&rec);
	rec_close(&cgd);
}

static void
test_rec_constant_gamma_is_cgd(void **state)
{
	(void)state;
	check_rec_is_cgd(MS_PARAM_SCALAR, MODEL_PATH_LABEL);
	check_rec_is_cgd(MS_PARAM_PRE, MODEL_PATH_LABEL);
	check_rec_is_cgd(MS_PARAM_PRE, MODEL_PATH_DENSE);
	check_rec_is_cgd(MS_PARAM_GDPP, MODEL_PATH_DENSE);
	check_rec_is_cgd(MS_PARAM_FULL, MODEL_PATH_DENSE);
}

/* The blocks: α (1×1) and Γ ((d+1)×(n+1)) per layer, both head -1, and
 * every attention block a head's; α = 1 and Γ = 0 at initialisation. */
static void
test_rec_blocks(void **state)
{
	struct ms_config c = rec_config(MS_PARAM_GDPP, MS_MEMORY_REC, 2, 3);
	struct model m;
	struct rng r;
	int memory = 0;

	(void)state;
	model_init(&m, &c);
	rng_seed(&r, 1, 1);
	model_init_params(&m, &r);
	for (int k = 0; k < m.nblocks; k++) {
		const struct param_block *pb = &m.blocks[k];
		bool mem = strcmp(pb->name, "alpha") == 0 ||
		    strcmp(pb->name, "Gamma") == 0;

		assert_int_equal(!model_block_is_attention(pb), mem);
		memory += mem;
	}
	assert_int_equal(memory, 2 * c.layers);
	for (int l = 0; l < c.layers; l++) {
		const struct param_block *g = model_block(&m, "Gamma", l, -1);

		assert_true(*model_param(&m, "alpha", l, -1) == 1.0);
		assert_int_equal(g->rows, c.dim + 1);
		assert_int_equal(g->cols, c.context + 1);
		for (int i = 0; i < g->rows * g->cols; i++)
			assert_true(m.params[g->offset + i] == 0.0);
	}
	assert_int_equal(m.nparams, (size_t)c.layers * (2 * 2 * 9 + 1 +
	    4 * 5));
	model_free(&m);
}

/*
 * The step-through of a rec model: the coefficients at the query are
 * α_ℓ Π_{k=j+1..ℓ} [Γ_k]_{label, q} (analysis_cgd_coefficients), and,
 * with the carry taken out of the registers, the contributions add up to
 * each layer's change of the query label cell.
 */
static void
test_rec_trace_contributions_add_up(void **state)
{
	(void)state;
	for (int p = MS_PARAM_SCALAR; p <= MS_PARAM_FULL; p++) {
		struct ms_config c = rec_config(p, MS_MEMORY_REC, 1, 3);
		struct rec_case rc;
		struct trace tr;
		int L, n, n1, d;
		double *coef;

		c.layers = 4;
		c.gd_step = 0.02;
		rec_open(&rc, &c);
		rec_random_params(&rc.m, 40 + (uint64_t)p);
		L = c.layers;
		n = c.context;
		n1 = n + 1;
		d = c.dim;
		trace_init(&tr);
		trace_set_task(&tr, &c, &rc.tb, 1, NULL);
		assert_int_equal(trace_set_model(&tr, &rc.m), 0);
		coef = xdoubles((size_t)L * L);
		analysis_cgd_coefficients(&rc.m, coef);
		for (int l = 0; l < L; l++) {
			double sum = 0.0, upd, want, a;

			a = *model_param(&rc.m, "alpha", l, -1);
			assert_true(tr.alpha[l] == a);
			assert_true(tr.gamma[l] == model_param(&rc.m, "Gamma",
			    l, -1)[d * n1 + n]);
			for (int j = 0; j < L; j++) {
				want = 0.0;
				if (j <= l) {
					want = a;
					for (int k = j + 1; k <= l; k++)
						want *= tr.gamma[k];
				}
				assert_true(fabs(tr.coef[l * L + j] - want) <=
				    1e-14 * (1 + fabs(want)));
				assert_true(coef[l * L + j] ==
				    tr.coef[l * L + j]);
				sum += tr.contrib[l * L + j];
			}
			upd = tr.label[(l + 1) * n1 + n] - tr.label[l * n1 + n];
			assert_true(fabs(sum - upd) <= 1e-10 * (1 + fabs(upd)));
		}
		free(coef);
		trace_free(&tr);
		rec_close(&rc);
	}
}

/*
 * Determinism: loss and gradient are the same bits on one thread and on
 * three, for a batch that is not a multiple of the lane count, on the
 * label path, the dense lanes and the dense path one task at a time; and
 * a task's prediction does not depend on the batch it is in.
 */
static void
check_threads(enum ms_param p, enum model_path path, int dim)
{
	struct ms_config c = rec_config(p, MS_MEMORY_REC, 2, dim);
	struct pool *three = pool_create(3);
	struct rec_case rc;
	struct task_batch one;
	double l1, l3, *g1, pred[11], alone;

	c.batch = 11;
	rec_open(&rc, &c);
	model_set_path(&rc.m, path);
	rec_random_params(&rc.m, 77);
	l1 = model_loss_grad(&rc.m, &rc.tb, NULL);
	g1 = xdoubles(rc.m.nparams);
	memcpy(g1, rc.m.grads, rc.m.nparams * sizeof *g1);
	l3 = model_loss_grad(&rc.m, &rc.tb, three);
	assert_true(l1 == l3);
	assert_memory_equal(g1, rc.m.grads, rc.m.nparams * sizeof *g1);
	model_predict(&rc.m, &rc.tb, three, pred);
	one = rc.tb;
	one.B = 1;
	one.X = rc.tb.X + (size_t)6 * (c.context + 1) * c.dim;
	one.y = rc.tb.y + (size_t)6 * (c.context + 1);
	one.w = rc.tb.w + (size_t)6 * c.dim;
	model_predict(&rc.m, &one, NULL, &alone);
	assert_true(alone == pred[6]);
	free(g1);
	pool_free(three);
	rec_close(&rc);
}

static void
test_rec_deterministic_across_threads(void **state)
{
	(void)state;
	check_threads(MS_PARAM_PRE, MODEL_PATH_LABEL, 3);
	check_threads(MS_PARAM_GDPP, MODEL_PATH_DENSE, 3);
	check_threads(MS_PARAM_FULL, MODEL_PATH_DENSE, 9);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rec_gradients_match_finite_differences),
		cmocka_unit_test(
		    test_rec_gradients_match_finite_differences_large_d),
		cmocka_unit_test(test_rec_label_path_matches_dense_path),
		cmocka_unit_test(test_rec_gamma_zero_is_none),
		cmocka_unit_test(test_rec_constant_gamma_is_cgd),
		cmocka_unit_test(test_rec_blocks),
		cmocka_unit_test(test_rec_trace_contributions_add_up),
		cmocka_unit_test(test_rec_deterministic_across_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
