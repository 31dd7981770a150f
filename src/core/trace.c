/*
 * The step-through trace of one task.
 *
 * The task part (trace_set_task) is computed once per task: w*, the
 * eigendecomposition of H = Σ_{i<n} x_i x_iᵀ (LAPACK's dsyev, from OpenBLAS),
 * and the baselines through baseline_task. GD at ℓ iterations runs with the
 * step baselines_evaluate chose for ℓ iterations, so its column is what the
 * per-layer tables report, task by task; CG and Nesterov use one run.
 *
 * The model part (trace_set_model) is cheap and is redone for every new
 * set of parameters: model_trace_task gives the label rows and registers.
 * For scalar and pre the context residuals of layer ℓ are y_i − ⟨x_i, w_ℓ⟩
 * (Lemma 1, and with memory every update keeps that form, except lfom's
 * per-token Γ); w_ℓ is recovered as the minimum-norm least-squares solution
 * of ⟨x_i, w⟩ = y_i − r_i, i < n, through the eigendecomposition: exact
 * when n ≥ d and the residuals have that form, and the relative misfit of
 * the fit says how far they are from it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/analysis.h"
#include "memscope/baselines.h"
#include "memscope/linalg.h"
#include "memscope/trace.h"
#include "memscope/xmalloc.h"
#include "trace_internal.h"

#define TRACE_RANK_TOL 1e-12	/* eigenvalues below this × the largest: 0 */

static const char *trace_names[TRACE_POLYS] = {
	"model", "cg", "gd", "nesterov", "momentum"
};

/* Name of a method: "model", "cg", "gd", "nesterov". */
const char *
trace_method_name(enum trace_method m)
{
	if ((int)m < 0 || (int)m >= TRACE_POLYS)
		return "?";
	return trace_names[m];
}

/* An empty trace. */
void
trace_init(struct trace *tr)
{
	memset(tr, 0, sizeof *tr);
}

static void
trace_free_model(struct trace *tr)
{
	free(tr->misfit);
	free(tr->label);
	free(tr->reg);
	free(tr->coef);
	free(tr->contrib);
	free(tr->alpha);
	free(tr->gamma);
	free(tr->gamma_row);
	tr->misfit = tr->label = tr->reg = tr->coef = tr->contrib = NULL;
	tr->alpha = tr->gamma = tr->gamma_row = NULL;
	trace_teach_forget_model(tr);
	tr->have_model = false;
}

void
trace_free(struct trace *tr)
{
	trace_free_model(tr);
	trace_teach_free(tr);
	if (tr->task.X != NULL)
		task_batch_free(&tr->task);
	free(tr->eig);
	free(tr->gd_step);
	free(tr->cg_alpha);
	free(tr->cg_beta);
	free(tr->evec);
	free(tr->eval);
	for (int m = 0; m < TRACE_METHODS; m++) {
		struct trace_column *c = &tr->col[m];

		free(c->pred);
		free(c->err);
		free(c->resid);
		free(c->w);
		free(c->wdist);
	}
	memset(tr, 0, sizeof *tr);
}

/* n doubles of src into a fresh array, or NULL if src is NULL. */
static double *
trace_dup(const double *src, size_t n)
{
	double *dst;

	if (src == NULL)
		return NULL;
	dst = xdoubles(n);
	memcpy(dst, src, n * sizeof *dst);
	return dst;
}

/* dst (initialised) becomes a copy of src. */
void
trace_copy(struct trace *dst, const struct trace *src)
{
	size_t d = (size_t)src->d, n1 = (size_t)src->n + 1;
	size_t L = (size_t)src->L;

	trace_free(dst);
	*dst = *src;
	if (src->task.X != NULL) {
		task_batch_alloc(&dst->task, 1, src->n, src->d);
		memcpy(dst->task.X, src->task.X, n1 * d * sizeof(double));
		memcpy(dst->task.y, src->task.y, n1 * sizeof(double));
		memcpy(dst->task.w, src->task.w, d * sizeof(double));
		dst->wstar = dst->task.w;
	}
	dst->eig = trace_dup(src->eig, d);
	dst->gd_step = trace_dup(src->gd_step, L + 1);
	dst->cg_alpha = trace_dup(src->cg_alpha, L);
	dst->cg_beta = trace_dup(src->cg_beta, L);
	for (int m = 0; m < TRACE_METHODS; m++) {
		const struct trace_column *s = &src->col[m];
		struct trace_column *c = &dst->col[m];

		c->pred = trace_dup(s->pred, L + 1);
		c->err = trace_dup(s->err, L + 1);
		c->resid = trace_dup(s->resid, L + 1);
		c->w = trace_dup(s->w, (L + 1) * d);
		c->wdist = trace_dup(s->wdist, L + 1);
	}
	dst->misfit = trace_dup(src->misfit, L + 1);
	dst->label = trace_dup(src->label, (L + 1) * n1);
	dst->reg = trace_dup(src->reg, L * n1);
	dst->coef = trace_dup(src->coef, L * L);
	dst->contrib = trace_dup(src->contrib, L * L);
	dst->alpha = trace_dup(src->alpha, L);
	dst->gamma = trace_dup(src->gamma, L);
	dst->gamma_row = trace_dup(src->gamma_row, L * n1);
	dst->evec = trace_dup(src->evec, d * d);
	dst->eval = trace_dup(src->eval, d);
	dst->basis = trace_dup(src->basis, d * d);
	dst->dir_err = trace_dup(src->dir_err, TRACE_METHODS * (L + 1) * d);
	dst->poly = trace_dup(src->poly, TRACE_POLYS * (L + 1) *
	    TRACE_POLY_POINTS);
	dst->poly_eig = trace_dup(src->poly_eig, TRACE_POLYS * (L + 1) * d);
	dst->cg_weight = trace_dup(src->cg_weight, L * L);
	dst->precond = trace_dup(src->precond, L * d * d);
	dst->step_scalar = trace_dup(src->step_scalar, L);
	if (src->notes != NULL) {
		size_t len = (L + 1) * TRACE_NOTES * TRACE_NOTE_LEN;

		dst->notes = xmalloc(len);
		dst->notes_ascii = xmalloc(len);
		memcpy(dst->notes, src->notes, len);
		memcpy(dst->notes_ascii, src->notes_ascii, len);
	}
}

/* The task's token i (i = n: the query). */
static const double *
trace_x(const struct trace *tr, int i)
{
	return tr->task.X + (size_t)i * tr->d;
}

/* Column c at ℓ from the iterate w (d), or NaN throughout if w is NULL. */
static void
trace_fill(struct trace *tr, struct trace_column *c, int l, const double *w)
{
	int d = tr->d, n = tr->n;
	double r, rr = 0.0, dd = 0.0;

	if (w == NULL) {
		c->pred[l] = c->err[l] = c->resid[l] = c->wdist[l] = NAN;
		for (int k = 0; k < d; k++)
			c->w[(size_t)l * d + k] = NAN;
		return;
	}
	memcpy(c->w + (size_t)l * d, w, sizeof *w * (size_t)d);
	c->pred[l] = baseline_dot(trace_x(tr, n), w, d);
	c->err[l] = (c->pred[l] - tr->yq) * (c->pred[l] - tr->yq);
	for (int i = 0; i < n; i++) {
		r = tr->task.y[i] - baseline_dot(trace_x(tr, i), w, d);
		rr += r * r;
	}
	c->resid[l] = sqrt(rr);
	for (int k = 0; k < d; k++)
		dd += (w[k] - tr->wstar[k]) * (w[k] - tr->wstar[k]);
	c->wdist[l] = sqrt(dd);
}

/* Eigendecomposition of H = Σ_{i<n} x_i x_iᵀ into tr->eval, tr->evec. */
static void
trace_spectrum(struct trace *tr)
{
	int d = tr->d, n = tr->n, lwork = -1, info = 0;
	double query, *work;

	for (int r = 0; r < d; r++)
		for (int c = 0; c < d; c++) {
			double s = 0.0;

			for (int i = 0; i < n; i++)
				s += trace_x(tr, i)[r] * trace_x(tr, i)[c];
			tr->evec[(size_t)c * d + r] = s;
		}
	dsyev_("V", "U", &d, tr->evec, &d, tr->eval, &query, &lwork, &info,
	    1, 1);
	lwork = info == 0 && query >= 3 * d ? (int)query : 3 * d;
	work = xdoubles((size_t)lwork);
	dsyev_("V", "U", &d, tr->evec, &d, tr->eval, work, &lwork, &info, 1,
	    1);
	free(work);
	if (info != 0) {	/* no convergence: no spectrum, no implied w */
		for (int k = 0; k < d; k++)
			tr->eval[k] = NAN;
	}
	for (int k = 0; k < d; k++)
		tr->eig[k] = tr->eval[d - 1 - k] / n;
}

/* Minimum-norm solution of H w = rhs from the eigendecomposition. */
static void
trace_solve(const struct trace *tr, const double *rhs, double *w)
{
	int d = tr->d;
	double top = tr->eval[d - 1];

	for (int k = 0; k < d; k++)
		w[k] = 0.0;
	for (int e = 0; e < d; e++) {
		const double *v = tr->evec + (size_t)e * d;
		double lambda = tr->eval[e], coef;

		if (!isfinite(lambda)) {
			for (int k = 0; k < d; k++)
				w[k] = NAN;
			return;
		}
		if (!(lambda > TRACE_RANK_TOL * top))
			continue;
		coef = baseline_dot(v, rhs, d) / lambda;
		for (int k = 0; k < d; k++)
			w[k] += coef * v[k];
	}
}

/* Take task b of tb; compute w*, the spectrum and the baselines. */
void
trace_set_task(struct trace *tr, const struct ms_config *cfg,
    const struct task_batch *tb, int b, const double *gd_step)
{
	int d = tb->d, n = tb->n, L = cfg->layers, n1 = n + 1;
	struct baseline_params p = { 0 };
	double *err, *w;

	trace_free(tr);
	tr->d = d;
	tr->n = n;
	tr->L = L;
	tr->memory = cfg->memory;
	task_batch_alloc(&tr->task, 1, n, d);
	/* seek to task b: tokens (n+1, d), labels (n+1), w* (d) */
	memcpy(tr->task.X, tb->X + (size_t)b * n1 * d,
	    sizeof *tb->X * (size_t)n1 * d);
	memcpy(tr->task.y, tb->y + (size_t)b * n1, sizeof *tb->y * (size_t)n1);
	memcpy(tr->task.w, tb->w + (size_t)b * d, sizeof *tb->w * (size_t)d);
	tr->yq = tr->task.y[n];
	tr->wstar = tr->task.w;
	tr->eig = xdoubles((size_t)d);
	tr->evec = xdoubles((size_t)d * d);
	tr->eval = xdoubles((size_t)d);
	tr->gd_step = xdoubles((size_t)L + 1);
	tr->cg_alpha = xdoubles((size_t)L);
	tr->cg_beta = xdoubles((size_t)L);
	for (int m = 0; m < TRACE_METHODS; m++) {
		struct trace_column *c = &tr->col[m];

		c->pred = xdoubles((size_t)L + 1);
		c->err = xdoubles((size_t)L + 1);
		c->resid = xdoubles((size_t)L + 1);
		c->w = xdoubles((size_t)(L + 1) * d);
		c->wdist = xdoubles((size_t)L + 1);
	}
	trace_spectrum(tr);

	err = xdoubles((size_t)L + 1);
	w = xdoubles((size_t)(L + 1) * d);
	p.points = cfg->quirks && n > 1 ? n - 1 : n;

	baseline_task(BASELINE_CG, &p, tr->task.X, tr->task.y, n, d, L, err, w,
	    tr->cg_alpha, tr->cg_beta);
	for (int l = 0; l <= L; l++)
		trace_fill(tr, &tr->col[TRACE_CG], l, w + (size_t)l * d);

	tr->nest_eta = p.eta = cfg->nest_eta;
	tr->nest_beta = p.beta = cfg->nest_beta;
	baseline_task(BASELINE_NESTEROV, &p, tr->task.X, tr->task.y, n, d, L,
	    err, w, NULL, NULL);
	for (int l = 0; l <= L; l++)
		trace_fill(tr, &tr->col[TRACE_NESTEROV], l, w + (size_t)l * d);

	/* GD: a run of ℓ iterations with the step chosen for ℓ */
	p.beta = 0.0;
	for (int l = 0; l <= L; l++) {
		double eta = gd_step != NULL ? gd_step[l] : cfg->gd_step;

		tr->gd_step[l] = l == 0 ? 0.0 : eta;
		if (l > 0 && !(eta > 0.0 && isfinite(eta))) {
			tr->gd_step[l] = NAN;
			trace_fill(tr, &tr->col[TRACE_GD], l, NULL);
			continue;
		}
		p.eta = tr->gd_step[l];
		baseline_task(BASELINE_GD, &p, tr->task.X, tr->task.y, n, d, l,
		    err, w, NULL, NULL);
		trace_fill(tr, &tr->col[TRACE_GD], l, w + (size_t)l * d);
	}
	free(err);
	free(w);
	for (int l = 0; l <= L; l++)
		trace_fill(tr, &tr->col[TRACE_MODEL], l, NULL);
	trace_teach_task(tr, cfg);
	tr->have_task = true;
}

/* The model's column from its label rows. */
static void
trace_model_column(struct trace *tr, bool has_w)
{
	struct trace_column *c = &tr->col[TRACE_MODEL];
	int d = tr->d, n = tr->n, n1 = n + 1;
	double *rhs = xdoubles((size_t)d), *fit = xdoubles((size_t)n);

	for (int l = 0; l <= tr->L; l++) {
		const double *lab = tr->label + (size_t)l * n1;	/* layer ℓ */
		double rr = 0.0, miss = 0.0, norm = 0.0, dd = 0.0;
		double *w = c->w + (size_t)l * d;

		c->pred[l] = -lab[n] + 0.0;	/* + 0.0: no −0 at ℓ = 0 */
		c->err[l] = (c->pred[l] - tr->yq) * (c->pred[l] - tr->yq);
		for (int i = 0; i < n; i++)
			rr += lab[i] * lab[i];
		c->resid[l] = sqrt(rr);
		if (!has_w) {
			for (int k = 0; k < d; k++)
				w[k] = NAN;
			c->wdist[l] = tr->misfit[l] = NAN;
			continue;
		}
		/* X(y − r): what Hw must equal for residuals r */
		for (int k = 0; k < d; k++)
			rhs[k] = 0.0;
		for (int i = 0; i < n; i++) {
			fit[i] = tr->task.y[i] - lab[i];
			for (int k = 0; k < d; k++)
				rhs[k] += trace_x(tr, i)[k] * fit[i];
		}
		trace_solve(tr, rhs, w);
		for (int i = 0; i < n; i++) {
			double e = fit[i] - baseline_dot(trace_x(tr, i), w, d);

			miss += e * e;
			norm += fit[i] * fit[i];
		}
		tr->misfit[l] = norm > 0.0 ? sqrt(miss / norm) : 0.0;
		for (int k = 0; k < d; k++)
			dd += (w[k] - tr->wstar[k]) * (w[k] - tr->wstar[k]);
		c->wdist[l] = sqrt(dd);
	}
	free(rhs);
	free(fit);
}

/*
 * rec: α_ℓ, the label rows of Γ_ℓ (gamma_row) and the query's carry
 * [Γ_ℓ]_{label, q} (gamma); the registers with the carry Γ_j ⊙ R_{j−1}
 * taken out, last first (as cgd's), and the coefficients at the query.
 */
static void
trace_rec_model(struct trace *tr, struct model *m)
{
	int L = tr->L, n = tr->n, n1 = n + 1, d = tr->d;

	tr->alpha = xdoubles((size_t)L);
	tr->gamma = xdoubles((size_t)L);
	tr->gamma_row = xdoubles((size_t)L * n1);
	for (int j = 0; j < L; j++) {
		const double *G = model_param(m, "Gamma", j, -1) +
		    (size_t)d * n1;

		tr->alpha[j] = *model_param(m, "alpha", j, -1);
		tr->gamma[j] = G[n];
		memcpy(tr->gamma_row + (size_t)j * n1, G, sizeof *G * (size_t)n1);
	}
	for (int j = L - 1; j > 0; j--)
		for (int i = 0; i < n1; i++)
			tr->reg[(size_t)j * n1 + i] -= tr->gamma_row[(size_t)j *
			    n1 + i] * tr->reg[(size_t)(j - 1) * n1 + i];
	analysis_cgd_coefficients(m, tr->coef);
}

/* Run the model on the task: its column and the memory view. */
int
trace_set_model(struct trace *tr, struct model *m)
{
	int L = tr->L, n = tr->n, n1 = n + 1, d = tr->d;

	trace_free_model(tr);
	if (!tr->have_task || m->d != d || m->n != n || m->L != L)
		return -1;
	tr->memory = m->cfg.memory;
	tr->misfit = xdoubles((size_t)L + 1);
	tr->label = xdoubles((size_t)(L + 1) * n1);
	tr->reg = xdoubles((size_t)L * n1);
	tr->coef = xdoubles((size_t)L * L);
	tr->contrib = xdoubles((size_t)L * L);
	model_trace_task(m, &tr->task, 0, tr->label, tr->reg);
	tr->model_direct = config_param_is_direct(m->cfg.param);
	tr->model_has_w = m->cfg.param == MS_PARAM_SCALAR ||
	    m->cfg.param == MS_PARAM_PRE || tr->model_direct;
	trace_model_column(tr, tr->model_has_w);

	switch (m->cfg.memory) {
	case MS_MEMORY_NONE:
		for (int l = 0; l < L; l++)
			tr->coef[l * L + l] = 1.0;
		break;
	case MS_MEMORY_CGD:
		tr->alpha = xdoubles((size_t)L);
		tr->gamma = xdoubles((size_t)L);
		for (int l = 0; l < L; l++) {
			tr->alpha[l] = *model_param(m, "alpha", l, -1);
			tr->gamma[l] = *model_param(m, "gamma", l, -1);
		}
		/* the model's register carries γ_j R_{j−1}: take it out,
		 * last first, so that R_{j−1} is still the carried one */
		for (int j = L - 1; j > 0; j--)
			for (int i = 0; i < n1; i++)
				tr->reg[(size_t)j * n1 + i] -= tr->gamma[j] *
				    tr->reg[(size_t)(j - 1) * n1 + i];
		analysis_cgd_coefficients(m, tr->coef);
		break;
	case MS_MEMORY_LFOM:
		tr->gamma_row = xdoubles((size_t)L * n1);
		for (int j = 0; j < L; j++) {
			/* Γ_j is (d+1, n+1): its label row is row d */
			const double *G = model_param(m, "Gamma", j, -1) +
			    (size_t)d * n1;

			memcpy(tr->gamma_row + (size_t)j * n1, G,
			    sizeof *G * (size_t)n1);
			for (int l = j; l < L; l++)
				tr->coef[l * L + j] = G[n];
		}
		break;
	case MS_MEMORY_REC:
		trace_rec_model(tr, m);
		break;
	}
	for (int l = 0; l < L; l++)
		for (int j = 0; j < L; j++)
			tr->contrib[l * L + j] = tr->coef[l * L + j] *
			    tr->reg[(size_t)j * n1 + n] / n;
	trace_teach_model(tr, m);
	tr->have_model = true;
	return 0;
}

