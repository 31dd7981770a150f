/*
 * The step-through trace as JSON (trace_json.h). Every real goes through
 * trace_json_real: a NaN or an infinity becomes null, and −0 is written as 0.
 */
#include <math.h>
#include <stdlib.h>

#include "memscope/config.h"
#include "memscope/trace_json.h"
#include "memscope/xmalloc.h"

static json_t *
trace_json_real(double x)
{
	return isfinite(x) ? json_real(x + 0.0) : json_null();	/* no −0 */
}

static json_t *
trace_json_reals(const double *x, int n)
{
	json_t *a = json_array();

	for (int i = 0; i < n; i++)
		json_array_append_new(a, trace_json_real(x[i]));
	return a;
}

/* rows × cols row-major as an array of arrays. */
static json_t *
trace_json_matrix(const double *x, int rows, int cols)
{
	json_t *a = json_array();

	for (int r = 0; r < rows; r++)
		json_array_append_new(a, trace_json_reals(x + (size_t)r * cols,
		    cols));
	return a;
}

static json_t *
trace_json_column(const struct trace *tr, enum trace_method m)
{
	const struct trace_column *c = &tr->col[m];
	json_t *o = json_object();
	bool has_w = m != TRACE_MODEL || tr->model_has_w;

	json_object_set_new(o, "prediction", trace_json_reals(c->pred,
	    tr->L + 1));
	json_object_set_new(o, "squared_error", trace_json_reals(c->err,
	    tr->L + 1));
	json_object_set_new(o, "residual_norm", trace_json_reals(c->resid,
	    tr->L + 1));
	json_object_set_new(o, "w", has_w ? trace_json_matrix(c->w, tr->L + 1,
	    tr->d) : json_null());
	json_object_set_new(o, "w_distance", has_w ? trace_json_reals(c->wdist,
	    tr->L + 1) : json_null());
	return o;
}

/* The teaching views: basis, directions, polynomials, LFOM weights and
 * notes (trace.h). */
static json_t *
trace_json_teach(const struct trace *tr)
{
	json_t *o = json_object(), *dirs = json_object(), *polys = json_object();
	json_t *grid = json_array(), *notes = json_object();
	int L = tr->L, L1 = L + 1, d = tr->d;

	json_object_set_new(o, "basis", trace_json_matrix(tr->basis, d, d));
	for (int m = 0; m < TRACE_METHODS; m++)
		json_object_set_new(dirs, trace_method_name(m),
		    trace_json_matrix(trace_dir_err(tr, m, 0), L1, d));
	json_object_set_new(o, "directions", dirs);
	for (int i = 0; i < TRACE_POLY_POINTS; i++)
		json_array_append_new(grid, trace_json_real(tr->poly_hi * i /
		    (TRACE_POLY_POINTS - 1)));
	json_object_set_new(o, "polynomial_grid", grid);
	for (int m = 0; m < TRACE_POLYS; m++) {
		json_t *p = json_object();

		json_object_set_new(p, "has_polynomial",
		    json_boolean(tr->has_poly[m]));
		json_object_set_new(p, "on_grid", tr->has_poly[m] ?
		    trace_json_matrix(trace_poly(tr, m, 0), L1,
		    TRACE_POLY_POINTS) : json_null());
		json_object_set_new(p, "at_eigenvalues",
		    trace_json_matrix(trace_poly_eig(tr, m, 0), L1, d));
		json_object_set_new(polys, trace_method_name(m), p);
	}
	json_object_set_new(o, "polynomials", polys);
	json_object_set_new(o, "cg_weights", trace_json_matrix(tr->cg_weight,
	    L, L));
	if (tr->have_model) {
		json_t *pre = tr->precond != NULL ? json_array() :
		    json_null();

		for (int j = 0; j < L && tr->precond != NULL; j++)
			json_array_append_new(pre, trace_json_matrix(
			    tr->precond + (size_t)j * d * d, d, d));
		json_object_set_new(o, "model_preconditioners", pre);
		json_object_set_new(o, "model_steps",
		    trace_json_reals(tr->step_scalar, L));
	}
	for (int k = 0; k < TRACE_NOTES && tr->notes != NULL; k++) {
		json_t *a = json_array();

		for (int l = 0; l <= L; l++)
			json_array_append_new(a, json_string(trace_note(tr, l,
			    k, true)));
		json_object_set_new(notes, trace_note_name(k), a);
	}
	json_object_set_new(o, "notes", notes);
	return o;
}

/* Everything in the trace as JSON (NaN as null). */
json_t *
trace_json(const struct trace *tr)
{
	json_t *root = json_object(), *methods = json_object(), *o, *mem;
	int L = tr->L, n = tr->n, n1 = n + 1;
	double *scaled, *update;

	json_object_set_new(root, "d", json_integer(tr->d));
	json_object_set_new(root, "n", json_integer(n));
	json_object_set_new(root, "layers", json_integer(L));
	if (!tr->have_task)
		return root;
	json_object_set_new(root, "query_label", trace_json_real(tr->yq));
	json_object_set_new(root, "w_star", trace_json_reals(tr->wstar, tr->d));
	json_object_set_new(root, "eigenvalues", trace_json_reals(tr->eig,
	    tr->d));
	for (int m = 0; m < TRACE_METHODS; m++)
		json_object_set_new(methods, trace_method_name(m),
		    trace_json_column(tr, m));
	o = json_object_get(methods, "model");
	json_object_set_new(o, "w_misfit", tr->have_model && tr->model_has_w ?
	    trace_json_reals(tr->misfit, L + 1) : json_null());
	o = json_object_get(methods, "cg");
	json_object_set_new(o, "alpha", trace_json_reals(tr->cg_alpha, L));
	json_object_set_new(o, "beta", trace_json_reals(tr->cg_beta, L));
	o = json_object_get(methods, "gd");
	json_object_set_new(o, "step", trace_json_reals(tr->gd_step, L + 1));
	o = json_object_get(methods, "nesterov");
	json_object_set_new(o, "eta", trace_json_real(tr->nest_eta));
	json_object_set_new(o, "beta", trace_json_real(tr->nest_beta));
	json_object_set_new(root, "methods", methods);
	json_object_set_new(root, "teach", trace_json_teach(tr));
	if (!tr->have_model)
		return root;

	mem = json_object();
	json_object_set_new(mem, "kind",
	    json_string(config_memory_name(tr->memory)));
	json_object_set_new(mem, "label_rows", trace_json_matrix(tr->label,
	    L + 1, n1));
	json_object_set_new(mem, "registers", trace_json_matrix(tr->reg, L,
	    n1));
	json_object_set_new(mem, "coefficients", trace_json_matrix(tr->coef, L,
	    L));
	json_object_set_new(mem, "contributions",
	    trace_json_matrix(tr->contrib, L, L));
	update = xdoubles((size_t)L);
	for (int l = 0; l < L; l++)
		update[l] = tr->label[(size_t)(l + 1) * n1 + n] -
		    tr->label[(size_t)l * n1 + n];
	json_object_set_new(mem, "query_update", trace_json_reals(update, L));
	free(update);
	if (tr->memory == MS_MEMORY_CGD) {
		scaled = xdoubles((size_t)L * 2);
		for (int l = 0; l < L; l++) {
			scaled[l] = n * tr->cg_alpha[l];
			scaled[L + l] = l > 0 ? tr->cg_beta[l - 1] : 0.0;
		}
		json_object_set_new(mem, "alpha", trace_json_reals(tr->alpha,
		    L));
		json_object_set_new(mem, "gamma", trace_json_reals(tr->gamma,
		    L));
		json_object_set_new(mem, "cg_alpha_times_n",
		    trace_json_reals(scaled, L));
		json_object_set_new(mem, "cg_beta_previous",
		    trace_json_reals(scaled + L, L));
		free(scaled);
	}
	if (tr->memory == MS_MEMORY_REC) {
		json_object_set_new(mem, "alpha", trace_json_reals(tr->alpha,
		    L));
		json_object_set_new(mem, "gamma_query", trace_json_reals(
		    tr->gamma, L));
	}
	if (tr->memory == MS_MEMORY_LFOM || tr->memory == MS_MEMORY_REC)
		json_object_set_new(mem, "gamma_label_rows",
		    trace_json_matrix(tr->gamma_row, L, n1));
	json_object_set_new(root, "memory", mem);
	return root;
}
