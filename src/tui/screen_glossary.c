/*
 * The glossary overlay (key g): the terms the step-through and teaching
 * screens use, each with a short definition, laid out like the help
 * (screen_help.c's screen_overlay_list). UTF-8 and ASCII spellings.
 */
#include "memscope/screen.h"

struct glossary_term {
	const char *term, *term_ascii;	/* ASCII: NULL, the same */
	const char *text, *text_ascii;
};

static const struct glossary_term glossary_terms[] = {
	{ "task", NULL, "a regression problem y = Xᵀw* given in the prompt: "
	    "n examples (x_i, y_i) and a query x whose label is predicted",
	    "a regression problem y = X'w* given in the prompt: n examples "
	    "(x_i, y_i) and a query x whose label is predicted" },
	{ "l", NULL, "the layer (or iteration) shown, 0 .. L: the model after "
	    "l layers beside CG, GD, Nesterov after l steps (← → move it)",
	    "the layer (or iteration) shown, 0 .. L: the model after l "
	    "layers beside CG, GD, Nesterov after l steps (Lt Rt move it)" },
	{ "w_l, w*", NULL, "the iterate after l steps (the model's: the w "
	    "its predictions imply) and the task's solution; w_l − w* is the "
	    "error", "the iterate after l steps (the model's: the w its "
	    "predictions imply) and the task's solution; w_l - w* is the "
	    "error" },
	{ "H, λ_k, κ", "H, lambda_k, kappa", "H = XXᵀ/n, the Hessian of the "
	    "task's loss; λ_k its eigenvalues (largest first); κ = λ_max / "
	    "λ_min its condition number: large κ makes GD slow",
	    "H = XX'/n, the Hessian of the task's loss; lambda_k its "
	    "eigenvalues (largest first); kappa = max / min their ratio: "
	    "large kappa makes GD slow" },
	{ "eigen-direction", NULL, "v_k, the eigenvector of H for λ_k; the "
	    "error along it, ⟨v_k, w_l − w*⟩, evolves on its own for GD, CG "
	    "and momentum", "v_k, the eigenvector of H for lambda_k; the "
	    "error along it, <v_k, w_l - w*>, evolves on its own for GD, CG "
	    "and momentum" },
	{ "residual polynomial", NULL, "r_l with w_l − w* = r_l(H)(w_0 − w*) "
	    "and r_l(0) = 1: the error along v_k is multiplied by r_l(λ_k); "
	    "CG picks the r_l that is small at the eigenvalues",
	    "r_l with w_l - w* = r_l(H)(w_0 - w*) and r_l(0) = 1: the error "
	    "along v_k is multiplied by r_l(lambda_k); CG picks the r_l that "
	    "is small at the eigenvalues" },
	{ "GD, n·η", "GD, n*eta", "gradient descent w ← w − η∇f, its step "
	    "tuned for l steps; n·η is that step on the scale of the model's "
	    "learned step", "gradient descent w <- w - eta grad f, its step "
	    "tuned for l steps; n*eta is that step on the scale of the "
	    "model's learned step" },
	{ "CG", NULL, "conjugate gradient: exact in d steps on a d-dimensional "
	    "task (α_k its step, β_k its deflection)", "conjugate gradient: "
	    "exact in d steps on a d-dimensional task (alpha_k its step, "
	    "beta_k its deflection)" },
	{ "momentum, Nesterov", NULL, "GD with a share β of the previous step "
	    "added (heavy ball), or added before the gradient is taken",
	    "GD with a share beta of the previous step added (heavy ball), "
	    "or added before the gradient is taken" },
	{ "deflection β, γ", "deflection beta, gamma", "the share of the "
	    "previous direction a new one keeps: CG's β_{k−1} in p_k = r_k + "
	    "β_{k−1} p_{k−1}; cgd's learned γ plays it",
	    "the share of the previous direction a new one keeps: CG's "
	    "beta_{k-1} in p_k = r_k + beta_{k-1} p_{k-1}; cgd's learned "
	    "gamma plays it" },
	{ "register R_j", NULL, "layer j's attention output, a gradient "
	    "∇R(w_{j−1}) of the task's loss in the model's coordinates; the "
	    "memory keeps them for later layers", "layer j's attention "
	    "output, a gradient grad R(w_{j-1}) of the task's loss in the "
	    "model's coordinates; the memory keeps them for later layers" },
	{ "LFOM", NULL, "linear first-order method: w_{l+1} = w_l − Σ_j W_lj "
	    "P_j ∇R(w_j), each step a weighted sum of all past gradients; "
	    "GD, momentum, CG and the model are all LFOMs",
	    "linear first-order method: w_{l+1} = w_l - sum_j W_lj P_j "
	    "grad R(w_j), each step a weighted sum of all past gradients; "
	    "GD, momentum, CG and the model are all LFOMs" },
	{ "preconditioner", NULL, "the matrix P_j a step multiplies the "
	    "gradient by; the best one, H⁻¹, makes every eigen-direction "
	    "equally fast (scalar: P = a·I)", "the matrix P_j a step "
	    "multiplies the gradient by; the best one, inverse H, makes "
	    "every eigen-direction equally fast (scalar: P = a*I)" },
	{ "level set", NULL, "the ellipse where the loss f is constant; the "
	    "path panel draws several around w*", "the ellipse where the "
	    "loss f is constant; the path panel draws several around w*" },
};

#define GLOSSARY_N ((int)(sizeof glossary_terms / sizeof glossary_terms[0]))

/* The glossary overlay centred in the canvas. */
void
screen_glossary(struct canvas *c)
{
	const char *terms[GLOSSARY_N], *texts[GLOSSARY_N];

	for (int i = 0; i < GLOSSARY_N; i++) {
		const struct glossary_term *t = &glossary_terms[i];

		terms[i] = !c->g->utf8 && t->term_ascii != NULL ?
		    t->term_ascii : t->term;
		texts[i] = c->g->utf8 ? t->text : t->text_ascii;
	}
	screen_overlay_list(c, "glossary", terms, texts, GLOSSARY_N,
	    "g or Esc closes the glossary");
}
