/*
 * The cost model (model_cost.c): model_flops_per_step against counts made
 * by hand from the update rules, operation by operation, for small shapes.
 * A multiply, an add, a divide and a square root count one each.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "memscope/config.h"
#include "memscope/model.h"

/*
 * Adam's update of one parameter (optim.c), with 1 − β₁, 1 − β₂, the step
 * lr/bc₁ and √bc₂ computed once a step:
 *   m ← β₁·m + (1−β₁)·g            2 multiplies, 1 add
 *   v ← β₂·v + (1−β₂)·g·g          3 multiplies, 1 add
 *   p ← p − step·m / (√v/√bc₂ + ε) 1 multiply, 1 root, 2 divides, 1 add,
 *                                  1 subtract
 */
static const int adam_ops[] = { 2, 1, 3, 1, 1, 1, 2, 1, 1 };

static double
adam_per_param(void)
{
	double n = 0;

	for (size_t i = 0; i < sizeof adam_ops / sizeof adam_ops[0]; i++)
		n += adam_ops[i];
	return n;
}

static void
cost_model(struct model *m, enum ms_param p, enum ms_memory mem, int d,
    int n, int L, int H)
{
	struct ms_config c;

	config_defaults(&c);
	c.param = p;
	c.memory = mem;
	c.dim = d;
	c.context = n;
	c.layers = L;
	c.heads = H;
	model_init(m, &c);
}

/* With no tasks a step is Adam alone: 13 operations a parameter a gradient
 * reaches, whatever the parametrization and memory (the parameters and
 * the reached ones counted here by hand). */
static void
test_adam_counts_13_per_parameter(void **state)
{
	struct model m;
	/* d = 5, n = 20, L = 4, H = 2 */
	struct {
		enum ms_param p;
		enum ms_memory mem;
		double nparams, reached;
	} cases[] = {
		{ MS_PARAM_SCALAR, MS_MEMORY_NONE, 4 * 2 * 1, 4 * 2 * 1 },
		{ MS_PARAM_PRE, MS_MEMORY_NONE, 4 * 2 * 25, 4 * 2 * 25 },
		{ MS_PARAM_GDPP, MS_MEMORY_CGD, 4 * (2 * 2 * 25 + 2),
		    4 * (2 * 2 * 25 + 2) },
		{ MS_PARAM_FULL, MS_MEMORY_LFOM, 4 * (2 * 2 * 36 + 6 * 21),
		    4 * (2 * 2 * 36 + 6 * 21) },
		/* the label path: of Γ (6 × 21) its label row only */
		{ MS_PARAM_PRE, MS_MEMORY_LFOM, 4 * (2 * 25 + 6 * 21),
		    4 * (2 * 25 + 21) },
	};

	(void)state;
	assert_true(adam_per_param() == 13);
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		cost_model(&m, cases[k].p, cases[k].mem, 5, 20, 4, 2);
		assert_true((double)m.nparams == cases[k].nparams);
		assert_true(model_flops_per_step(&m, 0) ==
		    adam_per_param() * cases[k].reached);
		model_free(&m);
	}
}

/*
 * Steps counted by hand, per task (Adam as above on top).
 *
 * Label path, pre, d = 2, n = 3 (n + 1 = 4 tokens), L = 1, no memory; the
 * last layer runs the query token only (the loss reads nothing else):
 *   loss: the error, its square, its gradient                     4
 *   s = Σ_{j<n} y_j x_j: n·d multiplies and adds                 12
 *   v = A s: d² multiplies and adds                               8
 *   r_q = −x_q·v: d multiplies and adds                           4
 *   memory Z + R/n, the query: a multiply and an add              2
 *   backward memory gS = gZ/n, the query                          1
 *   gv = −gr_q x_q                                                4
 *   dA += gv sᵀ: d² multiplies and adds                           8
 *   43 per task; the 4 parameters of A.
 *
 * The same with L = 2 and cgd (R_ℓ = S_ℓ + γ_ℓ R_{ℓ−1}, Z + (α_ℓ/n) R_ℓ,
 * with α_ℓ/n once a pass):
 *   loss                                                          4
 *   layer 0 forward: s 12, v 8, r 16, memory Z + (α/n)R 2 × 4     44
 *   layer 0 backward: memory 5 × 4 (gR = carry + (α/n)gZ 2,
 *     dα += gZ·R 2, carry γ·gR 1), gv 16, dA 8                   44
 *   layer 1 forward: s 12, v 8, r_q 4, memory 4 (the carry
 *     R += γ R_{ℓ−1} 2 more), the query only                     28
 *   layer 1 backward: memory 7 (dγ += gR·R_{ℓ−1} 2 more),
 *     gv 4, dA 8, the query only                                 19
 *   layer 1 to layer 0: gs = Aᵀ gv 8, gy_j += x_j·gs n·d·2 + n   23
 *   162 per task; parameters 2 × (4 + 2) = 12.
 *
 * Dense path, full, d = 1 (d + 1 = 2), n = 2 (3 tokens), L = 1, H = 1:
 *   loss                                                          4
 *   C = Σ_{j<n} z_j z_jᵀ: 4 entries of n multiplies and adds     16
 *   K = P C Qᵀ: two 2×2 products (16 each) and K += 4            36
 *   S = Z Kᵀ: 3 × 2 entries of 2 multiplies and adds             24
 *   memory Z + R/n: 6 entries × 2                                12
 *   backward memory: 6                                            6
 *   gK = gSᵀ Z: 4 entries of 3 multiplies and adds               24
 *   gP, gQ: four 2×2 products (16 each) and 8 adds into them     72
 *   194 per task; parameters P, Q: 8.
 *
 * Dense path one task at a time (d > 8), full, d = 9 (d + 1 = 10), n = 2
 * (3 tokens), L = 1, H = 1, no memory: the only layer is the last, run in
 * matrix-vector products (model_dense.c):
 *   loss                                                          4
 *   t = Z_ctx p 40, v = Z_ctxᵀ t 40, k = Q v 200                280
 *   S's label column Z k: 3 × 10 multiplies and adds             60
 *   memory Z + R/n in the label column: 3 entries × 2             6
 *   backward memory gS = gZ/n, the label column                   3
 *   r = Zᵀ g                                                     60
 *   a = Qᵀ r 200, t2 = Z_ctx a 40, gP's row d += Z_ctxᵀ t2 40,
 *   gQ += r vᵀ 200                                              480
 *   893 per task; parameters P, Q: 200.
 */
static void
test_steps_counted_by_hand(void **state)
{
	struct {
		enum ms_param p;
		enum ms_memory mem;
		int d, n, L, H, batch;
		double per_task, nparams;
	} cases[] = {
		{ MS_PARAM_PRE, MS_MEMORY_NONE, 2, 3, 1, 1, 1, 43, 4 },
		{ MS_PARAM_PRE, MS_MEMORY_NONE, 2, 3, 1, 1, 10, 43, 4 },
		{ MS_PARAM_PRE, MS_MEMORY_CGD, 2, 3, 2, 1, 3, 162, 12 },
		{ MS_PARAM_FULL, MS_MEMORY_NONE, 1, 2, 1, 1, 2, 194, 8 },
		{ MS_PARAM_FULL, MS_MEMORY_NONE, 9, 2, 1, 1, 3, 893, 200 },
	};

	(void)state;
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		struct model m;

		cost_model(&m, cases[k].p, cases[k].mem, cases[k].d,
		    cases[k].n, cases[k].L, cases[k].H);
		assert_true((double)m.nparams == cases[k].nparams);
		assert_true(model_flops_per_step(&m, cases[k].batch) ==
		    cases[k].batch * cases[k].per_task +
		    adam_per_param() * cases[k].nparams);
		model_free(&m);
	}
}

/* The kernels' instruction set is one of the three names. */
static void
test_kernel_isa_named(void **state)
{
	const char *isa = model_kernel_isa();

	(void)state;
	assert_true(strcmp(isa, "avx512") == 0 ||
	    strcmp(isa, "avx2") == 0 || strcmp(isa, "x86-64") == 0 ||
	    strcmp(isa, "generic") == 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_adam_counts_13_per_parameter),
		cmocka_unit_test(test_steps_counted_by_hand),
		cmocka_unit_test(test_kernel_isa_named),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
