/*
 * The step-through trace's teaching views (trace.h, doc/math.md §10): the
 * error of each method along the eigen-directions of H = XXᵀ/n, the
 * residual polynomials, and the methods written as linear first-order
 * methods. trace.c calls these once the columns they read are filled.
 *
 * Scales. The baselines minimise f(w) = ½‖Xᵀw − y‖², whose Hessian is
 * XXᵀ = nH: their steps η, α act on eigenvalues nλ. The model's steps act
 * on ∇R = ∇f / n, so on λ itself. With --quirks the baselines solve on the
 * first n − 1 points, a different quadratic from the one H describes: no
 * polynomial in H is then exact for them, and the factors are shown.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/xmalloc.h"
#include "trace_internal.h"

/* Row m, layer l of a (TRACE_POLYS or TRACE_METHODS, L+1, k) array;
 * NULL for an array not there (no task part). */
static double *
trace_at(double *a, const struct trace *tr, int m, int l, int k)
{
	return a != NULL ? a + ((size_t)m * (tr->L + 1) + l) * k : NULL;
}

const double *
trace_poly(const struct trace *tr, int m, int l)
{
	return trace_at(tr->poly, tr, m, l, TRACE_POLY_POINTS);
}

const double *
trace_poly_eig(const struct trace *tr, int m, int l)
{
	return trace_at(tr->poly_eig, tr, m, l, tr->d);
}

const double *
trace_dir_err(const struct trace *tr, enum trace_method m, int l)
{
	return trace_at(tr->dir_err, tr, m, l, tr->d);
}

static const char *const trace_note_names[TRACE_NOTES] = {
	"error", "memory", "directions", "polynomials", "path", "method"
};

const char *
trace_note_name(enum trace_note k)
{
	return (int)k >= 0 && k < TRACE_NOTES ? trace_note_names[k] : "?";
}

/* The note for panel k at ℓ ("" if none). */
const char *
trace_note(const struct trace *tr, int l, enum trace_note k, bool utf8)
{
	const char *notes = utf8 ? tr->notes : tr->notes_ascii;

	if (notes == NULL || l < 0 || l > tr->L || (int)k < 0 ||
	    k >= TRACE_NOTES)
		return "";
	return notes + ((size_t)l * TRACE_NOTES + k) * TRACE_NOTE_LEN;
}

/* n NaNs. */
static void
trace_nan(double *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		v[i] = NAN;
}

/* Method m's components along the basis, ℓ = 0..L, from its iterates. */
static void
trace_dirs(struct trace *tr, enum trace_method m)
{
	int d = tr->d;

	for (int l = 0; l <= tr->L; l++) {
		const double *w = tr->col[m].w + (size_t)l * d;
		double *e = trace_at(tr->dir_err, tr, m, l, d);

		for (int k = 0; k < d; k++) {
			const double *v = tr->basis + (size_t)k * d;
			double s = 0.0;

			for (int i = 0; i < d; i++)
				s += v[i] * (w[i] - tr->wstar[i]);
			e[k] = s;	/* NaN when w is */
		}
	}
}

/*
 * The residual polynomials of the baselines at one eigenvalue λ of H,
 * ℓ = 0..L, into r[m * (L+1) + ℓ] for m = CG, GD, Nesterov, momentum.
 */
static void
trace_baseline_polys(const struct trace *tr, double lambda, double *r)
{
	int L = tr->L, L1 = L + 1;
	double mu = tr->n * lambda;	/* the baselines' eigenvalue */
	double R, Q, W, V, WN, eta, beta;

	/* CG: e_{k+1} = e_k + α_k p_k, p_k = −nH Q_k(nH) e_0 */
	R = Q = 1.0;
	r[TRACE_CG * L1] = 1.0;
	for (int k = 0; k < L; k++) {
		R -= tr->cg_alpha[k] * mu * Q;
		Q = R + tr->cg_beta[k] * Q;
		r[TRACE_CG * L1 + k + 1] = R;
	}
	/* GD: ℓ iterations of the step chosen for ℓ */
	for (int l = 0; l <= L; l++)
		r[TRACE_GD * L1 + l] = l == 0 ? 1.0 :
		    pow(1.0 - tr->gd_step[l] * mu, l);
	/* Nesterov: w' = v − η∇f(v), v ← w' + β(w' − w), w ← w' */
	eta = tr->nest_eta;
	beta = tr->nest_beta;
	W = V = 1.0;
	r[TRACE_NESTEROV * L1] = 1.0;
	for (int k = 0; k < L; k++) {
		WN = (1.0 - eta * mu) * V;
		V = WN + beta * (WN - W);
		W = WN;
		r[TRACE_NESTEROV * L1 + k + 1] = W;
	}
	/* heavy ball: v ← βv − η∇f(w), w ← w + v */
	eta = tr->mom_eta;
	beta = tr->mom_beta;
	W = 1.0;
	V = 0.0;
	r[TRACE_POLY_MOMENTUM * L1] = 1.0;
	for (int k = 0; k < L; k++) {
		V = beta * V - eta * mu * W;
		W += V;
		r[TRACE_POLY_MOMENTUM * L1 + k + 1] = W;
	}
}

/* The model's residual polynomial at λ: r_{ℓ+1} = r_ℓ − λ Σ_{j≤ℓ}
 * coef[ℓ][j] s_j r_j, into r (L+1). */
static void
trace_model_poly(const struct trace *tr, double lambda, double *r)
{
	int L = tr->L;

	r[0] = 1.0;
	for (int l = 0; l < L; l++) {
		double s = 0.0;

		for (int j = 0; j <= l; j++)
			s += tr->coef[l * L + j] * tr->step_scalar[j] * r[j];
		r[l + 1] = r[l] - lambda * s;
	}
}

/* Where method m has no polynomial: its per-direction factors from
 * dir_err (NaN where ⟨v_k, w*⟩ = 0 or w is not defined). */
static void
trace_factors(struct trace *tr, enum trace_method m)
{
	int d = tr->d;
	const double *e0 = trace_dir_err(tr, m, 0);

	for (int l = 0; l <= tr->L; l++) {
		const double *e = trace_dir_err(tr, m, l);
		double *f = trace_at(tr->poly_eig, tr, m, l, d);

		for (int k = 0; k < d; k++)
			f[k] = e0[k] != 0.0 ? e[k] / e0[k] : NAN;
	}
}

/* The grid and the eigenvalues, for the polynomial methods of mask
 * (1 << m); poly_at(tr, λ, r) writes r[m * (L+1) + ℓ]. */
static void
trace_eval_polys(struct trace *tr, unsigned mask,
    void (*poly_at)(const struct trace *, double, double *))
{
	int L1 = tr->L + 1, d = tr->d;
	double *r = xdoubles((size_t)TRACE_POLYS * L1);

	for (int i = 0; i < TRACE_POLY_POINTS + d; i++) {
		bool grid = i < TRACE_POLY_POINTS;
		double lambda = grid ? tr->poly_hi * i /
		    (TRACE_POLY_POINTS - 1) : tr->eig[i - TRACE_POLY_POINTS];

		poly_at(tr, lambda, r);
		for (int m = 0; m < TRACE_POLYS; m++) {
			if (!(mask & 1u << m))
				continue;
			for (int l = 0; l < L1; l++) {
				if (grid)
					trace_at(tr->poly, tr, m, l,
					    TRACE_POLY_POINTS)[i] =
					    r[m * L1 + l];
				else
					trace_at(tr->poly_eig, tr, m, l,
					    d)[i - TRACE_POLY_POINTS] =
					    r[m * L1 + l];
			}
		}
	}
	free(r);
}

/* The model's polynomial, for trace_eval_polys. */
static void
trace_model_poly_at(const struct trace *tr, double lambda, double *r)
{
	trace_model_poly(tr, lambda, r + TRACE_MODEL * (tr->L + 1));
}

/* The basis from the private eigendecomposition (ascending, column-major):
 * largest first, each vector's largest-magnitude entry positive. */
static void
trace_basis(struct trace *tr)
{
	int d = tr->d;

	for (int k = 0; k < d; k++) {
		const double *v = tr->evec + (size_t)(d - 1 - k) * d;
		double *b = tr->basis + (size_t)k * d, big = 0.0;

		for (int i = 0; i < d; i++)
			if (fabs(v[i]) > fabs(big))
				big = v[i];
		for (int i = 0; i < d; i++)
			b[i] = big < 0 ? -v[i] : v[i];
	}
}

/* The task part: basis, the baselines' directions, polynomials and CG's
 * weights; the model's rows NaN. */
void
trace_teach_task(struct trace *tr, const struct ms_config *cfg)
{
	int d = tr->d, L = tr->L, L1 = L + 1, n = tr->n;
	unsigned mask = 1u << TRACE_CG | 1u << TRACE_GD |
	    1u << TRACE_NESTEROV | 1u << TRACE_POLY_MOMENTUM;

	tr->mom_eta = cfg->mom_eta;
	tr->mom_beta = cfg->mom_beta;
	tr->basis = xdoubles((size_t)d * d);
	tr->dir_err = xdoubles((size_t)TRACE_METHODS * L1 * d);
	tr->poly = xdoubles((size_t)TRACE_POLYS * L1 * TRACE_POLY_POINTS);
	tr->poly_eig = xdoubles((size_t)TRACE_POLYS * L1 * d);
	tr->cg_weight = xcalloc((size_t)L * L, sizeof *tr->cg_weight);
	trace_nan(tr->dir_err, (size_t)TRACE_METHODS * L1 * d);
	trace_nan(tr->poly, (size_t)TRACE_POLYS * L1 * TRACE_POLY_POINTS);
	trace_nan(tr->poly_eig, (size_t)TRACE_POLYS * L1 * d);
	trace_basis(tr);
	for (int m = TRACE_CG; m < TRACE_METHODS; m++)
		trace_dirs(tr, m);

	tr->poly_hi = isfinite(tr->eig[0]) && tr->eig[0] > 0 ?
	    1.1 * tr->eig[0] : 1.0;
	for (int m = 0; m < TRACE_POLYS; m++)
		tr->has_poly[m] = m != TRACE_MODEL && !cfg->quirks;
	if (cfg->quirks) {
		for (int m = TRACE_CG; m < TRACE_METHODS; m++)
			trace_factors(tr, m);
	} else
		trace_eval_polys(tr, mask, trace_baseline_polys);

	/* CG as an LFOM: n α_ℓ Π_{i=j}^{ℓ−1} β_i on ∇R(w_j) */
	for (int l = 0; l < L; l++)
		for (int j = l; j >= 0; j--)
			tr->cg_weight[l * L + j] = j == l ?
			    n * tr->cg_alpha[l] : tr->cg_weight[l * L + j + 1] *
			    tr->cg_beta[j];
}

/* The model part, once trace.c has its column and coefficients. */
void
trace_teach_model(struct trace *tr, struct model *m)
{
	int d = tr->d, L = tr->L, H = m->cfg.heads;
	bool scalar = m->cfg.param == MS_PARAM_SCALAR;

	tr->step_scalar = xdoubles((size_t)L);
	trace_nan(tr->step_scalar, (size_t)L);
	if (scalar || m->cfg.param == MS_PARAM_PRE)
		tr->precond = xcalloc((size_t)L * d * d, sizeof *tr->precond);
	for (int j = 0; j < L && tr->precond != NULL; j++) {
		double *P = tr->precond + (size_t)j * d * d, s = 0.0;

		for (int h = 0; h < H; h++) {
			const double *A = model_param(m, scalar ? "a" : "A", j,
			    h);
			double g = model_gate(m, h);	/* 1: no gates */

			if (scalar)
				s += g * A[0];
			else	/* Lemma 1: w ← w − A ∇R(w) */
				for (int r = 0; r < d * d; r++)
					P[r] += g * A[r];
		}
		if (scalar) {
			tr->step_scalar[j] = s;
			for (int r = 0; r < d; r++)
				P[r * d + r] = s;
		}
	}
	if (tr->model_has_w)
		trace_dirs(tr, TRACE_MODEL);
	tr->has_poly[TRACE_MODEL] = scalar &&
	    m->cfg.memory != MS_MEMORY_LFOM && m->cfg.memory != MS_MEMORY_REC;
	if (tr->has_poly[TRACE_MODEL])
		trace_eval_polys(tr, 1u << TRACE_MODEL, trace_model_poly_at);
	else if (tr->model_has_w)
		trace_factors(tr, TRACE_MODEL);
}

/* Back to the task part alone: the model's rows NaN, its arrays freed. */
void
trace_teach_forget_model(struct trace *tr)
{
	int L1 = tr->L + 1, d = tr->d;

	free(tr->precond);
	free(tr->step_scalar);
	free(tr->notes);
	free(tr->notes_ascii);
	tr->precond = tr->step_scalar = NULL;
	tr->notes = tr->notes_ascii = NULL;
	tr->has_poly[TRACE_MODEL] = false;
	if (tr->dir_err != NULL)
		trace_nan(trace_at(tr->dir_err, tr, TRACE_MODEL, 0, d),
		    (size_t)L1 * d);
	if (tr->poly != NULL)
		trace_nan(trace_at(tr->poly, tr, TRACE_MODEL, 0,
		    TRACE_POLY_POINTS), (size_t)L1 * TRACE_POLY_POINTS);
	if (tr->poly_eig != NULL)
		trace_nan(trace_at(tr->poly_eig, tr, TRACE_MODEL, 0, d),
		    (size_t)L1 * d);
}

/* The task part's arrays freed (after trace_teach_forget_model). */
void
trace_teach_free(struct trace *tr)
{
	free(tr->basis);
	free(tr->dir_err);
	free(tr->poly);
	free(tr->poly_eig);
	free(tr->cg_weight);
	tr->basis = tr->dir_err = tr->poly = tr->poly_eig = NULL;
	tr->cg_weight = NULL;
}
