/*
 * memscope step: the step-through trace of one test task (trace.h) through
 * a saved model, as aligned text tables or as JSON.
 *
 * The task is task --task of the test batch the checkpoint's run used, or
 * of the batch --seed, --data and --wstar draw with the checkpoint's
 * rotation U (as for eval). GD runs with the step baselines_evaluate tunes
 * for each iteration count (on its separate batch, so the same steps as in
 * train's and eval's tables), unless --gd-step fixes it.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/baselines.h"
#include "memscope/checkpoint.h"
#include "memscope/cli.h"
#include "memscope/lesson.h"
#include "memscope/report.h"
#include "memscope/trace.h"
#include "memscope/trace_json.h"
#include "memscope/trainer.h"
#include "memscope/xmalloc.h"

#define STEP_CELL 32

/* A number for a table: %.*g, or "-" when it is not defined. */
static void
step_cell(char *buf, double v, int prec)
{
	if (isfinite(v))
		snprintf(buf, STEP_CELL, "%.*g", prec, v + 0.0);  /* no -0 */
	else
		snprintf(buf, STEP_CELL, "-");
}

/*
 * A table with a title line: rows labelled first, first + 1, ... under
 * `corner`, columns named cols, v[r * stride + c] printed with prec
 * significant digits, right-aligned, and a blank line after.
 */
static void
step_table(FILE *fp, const char *title, const char *corner, int nrows,
    int first, const char *const *cols, int ncols, const double *v,
    int stride, int prec)
{
	char *cells = xmalloc((size_t)nrows * ncols * STEP_CELL), lab[16];
	int *width = xcalloc((size_t)ncols, sizeof *width), w0;

	snprintf(lab, sizeof lab, "%d", first + nrows - 1);
	w0 = (int)strlen(corner) > (int)strlen(lab) ? (int)strlen(corner) :
	    (int)strlen(lab);
	for (int c = 0; c < ncols; c++)
		width[c] = (int)strlen(cols[c]);
	for (int r = 0; r < nrows; r++)
		for (int c = 0; c < ncols; c++) {
			char *cell = cells + ((size_t)r * ncols + c) *
			    STEP_CELL;

			step_cell(cell, v[(size_t)r * stride + c], prec);
			if ((int)strlen(cell) > width[c])
				width[c] = (int)strlen(cell);
		}
	fprintf(fp, "%s\n%-*s", title, w0, corner);
	for (int c = 0; c < ncols; c++)
		fprintf(fp, "  %*s", width[c], cols[c]);
	fputc('\n', fp);
	for (int r = 0; r < nrows; r++) {
		fprintf(fp, "%-*d", w0, first + r);
		for (int c = 0; c < ncols; c++)
			fprintf(fp, "  %*s", width[c], cells + ((size_t)r *
			    ncols + c) * STEP_CELL);
		fputc('\n', fp);
	}
	fputc('\n', fp);
	free(cells);
	free(width);
}

/* A header line "# name: v1 v2 ..." of n numbers. */
static void
step_vector(FILE *fp, const char *name, const double *v, int n)
{
	char cell[STEP_CELL];

	fprintf(fp, "# %s:", name);
	for (int i = 0; i < n; i++) {
		step_cell(cell, v[i], 6);
		fprintf(fp, " %s", cell);
	}
	fputc('\n', fp);
}

/* The quantities of a column that step_methods prints. */
enum step_quantity { STEP_PRED, STEP_ERR, STEP_RESID, STEP_WDIST };

static const double *
step_field(const struct trace_column *c, enum step_quantity q)
{
	switch (q) {
	case STEP_PRED:
		return c->pred;
	case STEP_ERR:
		return c->err;
	case STEP_RESID:
		return c->resid;
	case STEP_WDIST:
		break;
	}
	return c->wdist;
}

/* One quantity of every method: (L+1) rows, a column per method. */
static void
step_methods(FILE *fp, const struct trace *tr, const char *title,
    enum step_quantity q)
{
	const char *cols[TRACE_METHODS];
	double *v = xdoubles((size_t)(tr->L + 1) * TRACE_METHODS);

	for (int m = 0; m < TRACE_METHODS; m++) {
		const double *x = step_field(&tr->col[m], q);

		cols[m] = trace_method_name(m);
		for (int l = 0; l <= tr->L; l++)
			v[(size_t)l * TRACE_METHODS + m] = x[l];
	}
	step_table(fp, title, "l", tr->L + 1, 0, cols, TRACE_METHODS, v,
	    TRACE_METHODS, 6);
	free(v);
}

/* The memory tables. */
static void
step_memory(FILE *fp, const struct trace *tr)
{
	int L = tr->L, n = tr->n, n1 = n + 1;
	const char **js = report_numbered("R", 1, L);
	const char **toks = report_numbered("", 1, n1);
	char title[160];
	double *v;

	toks[n] = "q";
	snprintf(title, sizeof title, "memory (%s): the coefficient layer l "
	    "gives register R_j (attention output of layer j) at the query",
	    config_memory_name(tr->memory));
	step_table(fp, title, "l", L, 1, js, L, tr->coef, L, 6);
	step_table(fp, "its contribution to layer l's update of the query "
	    "label cell: coefficient * R_j[query] / n", "l", L, 1, js, L,
	    tr->contrib, L, 6);
	if (tr->memory == MS_MEMORY_CGD) {
		static const char *cols[] = { "alpha", "n*alpha_cg", "gamma",
		    "beta_cg(l-1)" };

		v = xdoubles((size_t)L * 4);
		for (int l = 0; l < L; l++) {
			v[l * 4] = tr->alpha[l];
			v[l * 4 + 1] = n * tr->cg_alpha[l];
			v[l * 4 + 2] = tr->gamma[l];
			v[l * 4 + 3] = l > 0 ? tr->cg_beta[l - 1] : 0.0;
		}
		step_table(fp, "cgd: the learned alpha_l, gamma_l beside CG's "
		    "on this task, on the same scale", "l", L, 1, cols, 4, v, 4,
		    6);
		free(v);
	}
	if (tr->memory == MS_MEMORY_REC) {
		static const char *cols[] = { "alpha", "Gamma[y,q]" };

		v = xdoubles((size_t)L * 2);
		for (int l = 0; l < L; l++) {
			v[l * 2] = tr->alpha[l];
			v[l * 2 + 1] = tr->gamma[l];
		}
		step_table(fp, "rec: the learned alpha_l and Gamma_l's entry at "
		    "the label row and the query (its carry there; Gamma_1 "
		    "meets R_0 = 0)", "l", L, 1, cols, 2, v, 2, 6);
		free(v);
	}
	if (tr->memory == MS_MEMORY_LFOM || tr->memory == MS_MEMORY_REC)
		step_table(fp, tr->memory == MS_MEMORY_LFOM ? "lfom: Gamma_j's "
		    "label row (tokens 1..n, the query q last)" : "rec: Gamma_j's "
		    "label row, the carry of R_(j-1) into R_j (tokens 1..n, "
		    "the query q last)", "j", L, 1, toks, n1, tr->gamma_row, n1,
		    4);
	step_table(fp, "registers: R_j's label row (tokens 1..n, the query q "
	    "last)", "j", L, 1, toks, n1, tr->reg, n1, 4);
	step_table(fp, "the label row of Z after layer l: context residuals, "
	    "minus the prediction at q", "l", L + 1, 0, toks, n1, tr->label,
	    n1, 4);
	free(js);
	free(toks);
}

/* The index of the first infinite of n values, or -1. */
static long
step_infinite(const double *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (isinf(v[i]))
			return (long)i;
	return -1;
}

/*
 * Every value that is defined must be a number before anything is printed:
 * 0, or CLI_EXIT_FAIL after naming the first that is not (report.h). NaN
 * is how a trace says "not defined" (GD at a count without a step, the
 * implied w_l of a model whose features move); those print as "-".
 */
static int
step_check(const struct trace *tr)
{
	static const char *what[] = { "prediction", "squared error",
	    "residual norm" };
	int L = tr->L, n1 = tr->n + 1;
	long i;

	if (!isfinite(tr->yq))
		return report_not_finite("step", tr->yq, "the task overflowed",
		    "the query label");
	for (int m = 0; m < TRACE_METHODS; m++) {
		const struct trace_column *c = &tr->col[m];
		const double *v[] = { c->pred, c->err, c->resid };
		const char *name = trace_method_name(m);

		for (int l = 0; l <= L; l++)
			for (int q = 0; q < 3; q++) {
				if (m == TRACE_GD && isnan(tr->gd_step[l]))
					continue;	/* no step: not defined */
				if (!isfinite(v[q][l]))
					return report_not_finite("step",
					    v[q][l], report_overflow_hint(name),
					    "%s's %s at l=%d", name, what[q], l);
			}
	}
	/* the rest may be NaN where not defined, but never infinite */
	for (int m = 0; m < TRACE_METHODS; m++) {
		const struct trace_column *c = &tr->col[m];
		const char *name = trace_method_name(m);

		if ((i = step_infinite(c->w, (size_t)(L + 1) * tr->d)) >= 0)
			return report_not_finite("step", c->w[i],
			    report_overflow_hint(name), "%s's iterate w_%ld",
			    name, i / tr->d);
		if ((i = step_infinite(c->wdist, (size_t)L + 1)) >= 0)
			return report_not_finite("step", c->wdist[i],
			    report_overflow_hint(name), "%s's distance to w* "
			    "at l=%ld", name, i);
	}
	{
		const double *v[] = { tr->wstar, tr->eig, tr->gd_step,
		    tr->cg_alpha, tr->cg_beta, tr->misfit, tr->coef, tr->alpha,
		    tr->gamma, tr->gamma_row };
		const size_t len[] = { (size_t)tr->d, (size_t)tr->d,
		    (size_t)L + 1, (size_t)L, (size_t)L, (size_t)L + 1,
		    (size_t)L * L, (size_t)L, (size_t)L, (size_t)L * n1 };
		static const char *names[] = { "w*", "an eigenvalue of XX'/n",
		    "a GD step", "CG's alpha", "CG's beta", "the model's "
		    "misfit", "a memory coefficient", "the learned alpha",
		    "the learned gamma", "a Gamma label row" };

		for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
			if (v[k] != NULL && (i = step_infinite(v[k], len[k])) >= 0)
				return report_not_finite("step", v[k][i],
				    "the computation overflowed", "%s",
				    names[k]);
	}
	if (!tr->have_model)
		return 0;
	if ((i = report_first_bad(tr->label, (size_t)(L + 1) * n1,
	    false)) >= 0)
		return report_not_finite("step", tr->label[i],
		    report_overflow_hint("model"), "the label row of Z after "
		    "layer %ld", i / n1);
	if ((i = report_first_bad(tr->reg, (size_t)L * n1, false)) >= 0)
		return report_not_finite("step", tr->reg[i],
		    report_overflow_hint("model"), "register R_%ld", i / n1 + 1);
	if ((i = report_first_bad(tr->contrib, (size_t)L * L, false)) >= 0)
		return report_not_finite("step", tr->contrib[i],
		    report_overflow_hint("model"), "layer %ld's contribution "
		    "from R_%ld", i / L + 1, i % L + 1);
	return 0;
}

/* The teaching views (trace.h): directions, polynomials, the methods as
 * LFOMs, and what to notice. */
static void
step_teach(FILE *fp, const struct trace *tr)
{
	int L = tr->L, d = tr->d, n = tr->n;
	const char **vs = report_numbered("v", 1, d);
	const char **js = report_numbered("grad", 0, L);
	const char **xs = report_numbered("x", 1, d);
	char title[200];
	double *v = xdoubles((size_t)L * L + 2 * (size_t)L + 1);	/* W, steps */

	step_vector(fp, "eigenvalues of XX'/n, v_1 .. v_d in this order",
	    tr->eig, d);
	step_table(fp, "eigenvectors v_k of XX'/n (row k; its largest entry "
	    "positive)", "k", d, 1, xs, d, tr->basis, d, 6);
	for (int m = 0; m < TRACE_METHODS; m++) {
		if (m == TRACE_MODEL && !tr->model_has_w)
			continue;
		snprintf(title, sizeof title, "%s: error w_l - w* along each "
		    "eigen-direction, <v_k, w_l - w*>", trace_method_name(m));
		step_table(fp, title, "l", L + 1, 0, vs, d, trace_dir_err(tr, m,
		    0), d, 6);
	}
	for (int m = 0; m < TRACE_POLYS; m++) {
		/* a polynomial, or factors where the method has an iterate */
		if (!tr->has_poly[m] && (m >= TRACE_METHODS ||
		    isnan(trace_dir_err(tr, m, 0)[0])))
			continue;
		snprintf(title, sizeof title, tr->has_poly[m] ? "%s: residual "
		    "polynomial r_l at the eigenvalues (w_l - w* = r_l(H) "
		    "(w_0 - w*))" : "%s: per-direction factors <v_k, w_l - w*> "
		    "/ <v_k, w_0 - w*> (no polynomial in H)",
		    trace_method_name(m));
		step_table(fp, title, "l", L + 1, 0, vs, d, trace_poly_eig(tr,
		    m, 0), d, 6);
	}
	step_table(fp, "cg as a linear first-order method: w_{l} = w_{l-1} - "
	    "sum_j W[l][j] grad R(w_j), weights W", "l", L, 1, js, L,
	    tr->cg_weight, L, 6);
	if (tr->have_model && tr->precond != NULL) {
		bool scalar = isfinite(tr->step_scalar[0]);

		for (int l = 0; l < L; l++)
			for (int j = 0; j < L; j++)
				v[l * L + j] = tr->coef[l * L + j] * (scalar ?
				    tr->step_scalar[j] : 1.0);
		step_table(fp, scalar ? "model as a linear first-order method: "
		    "weights W (coefficient x learned step)" : "model as a "
		    "linear first-order method: weights W, each times its "
		    "layer's A_j (lfom: at the query)", "l", L, 1, js, L, v, L,
		    6);
		for (int l = 0; l < L; l++) {
			v[l * 2] = tr->step_scalar[l];
			v[l * 2 + 1] = n * tr->gd_step[l + 1];
		}
		if (scalar)
			step_table(fp, "the learned step of layer l beside GD's "
			    "n*eta for l steps", "l", L, 1, (const char *const
			    []){ "learned", "gd_n_eta" }, 2, v, 2, 6);
	}
	if (tr->notes_ascii != NULL) {
		fprintf(fp, "what to notice\n");
		for (int l = 0; l <= L; l++)
			for (int k = 0; k < TRACE_NOTES; k++)
				if (trace_note(tr, l, k, false)[0] != '\0')
					fprintf(fp, "l=%d %-11s %s\n", l,
					    trace_note_name(k), trace_note(tr,
					    l, k, false));
		fputc('\n', fp);
	}
	free(v);
	free(vs);
	free(js);
	free(xs);
}

/* The whole trace as text tables. */
static void
step_print(FILE *fp, const struct cli_opts *o, const struct trainer *t,
    const struct ms_config *scfg, const struct trace *tr)
{
	const char **ws = report_numbered("w", 1, tr->d);
	char data[48], cell[STEP_CELL];

	report_config_line(fp, "step", scfg, true);
	fprintf(fp, "# model: %s, trained %ld steps on data=%s (seed %llu); "
	    "task %d of %d test prompts, seed %llu\n", o->load_path, t->step,
	    config_data_name(&t->cfg, data, sizeof data),
	    (unsigned long long)t->cfg.seed, o->task, scfg->test_batch,
	    (unsigned long long)scfg->seed);
	step_cell(cell, tr->yq, 6);
	fprintf(fp, "# query label y = %s\n", cell);
	step_vector(fp, "w*", tr->wstar, tr->d);
	step_vector(fp, "eigenvalues of XX'/n", tr->eig, tr->d);
	step_vector(fp, "GD step at l = 0..L iterations", tr->gd_step,
	    tr->L + 1);
	fprintf(fp, "# Nesterov eta %g, beta %g; CG exact line search%s\n",
	    tr->nest_eta, tr->nest_beta, scfg->quirks ?
	    "; baselines on the first n - 1 points (--quirks)" : "");
	fprintf(fp, "# l: after l layers (model) or l iterations (methods)\n"
	    "\n");
	step_methods(fp, tr, "prediction of the query label", STEP_PRED);
	step_methods(fp, tr, "squared error (prediction - y)^2", STEP_ERR);
	step_methods(fp, tr, "norm of the context residuals", STEP_RESID);
	step_methods(fp, tr, tr->model_has_w ? "distance of w_l to w* (model: "
	    "the w_l its residuals imply)" : "distance of w_l to w* (the "
	    "model's features move: no implied w_l)", STEP_WDIST);
	for (int m = 0; m < TRACE_METHODS; m++) {
		char title[96];

		if (m == TRACE_MODEL && !tr->model_has_w)
			continue;
		snprintf(title, sizeof title, "%s: iterate w_l%s",
		    trace_method_name(m), m == TRACE_MODEL ?
		    " implied by the residuals" : "");
		step_table(fp, title, "l", tr->L + 1, 0, ws, tr->d,
		    tr->col[m].w, tr->d, 6);
	}
	if (tr->model_has_w)
		step_table(fp, "model: relative misfit of the implied w_l (0: "
		    "the residuals are exactly w_l's)", "l", tr->L + 1, 0,
		    (const char *const[]){ "misfit" }, 1, tr->misfit, 1, 3);
	step_memory(fp, tr);
	step_teach(fp, tr);
	free(ws);
}

/* --json: the trace, the checkpoint, the task and the configuration. */
static void
step_json(const struct cli_opts *o, const struct trainer *t,
    const struct ms_config *scfg, const struct trace *tr)
{
	json_t *root = trace_json(tr);

	json_object_set_new(root, "format", json_string("memscope-step"));
	json_object_set_new(root, "version", json_integer(1));
	json_object_set_new(root, "memscope_version",
	    json_string(PACKAGE_VERSION));
	json_object_set_new(root, "checkpoint", json_string(o->load_path));
	json_object_set_new(root, "step", json_integer(t->step));
	json_object_set_new(root, "task", json_integer(o->task));
	json_object_set_new(root, "test_seed", json_integer(
	    (json_int_t)scfg->seed));
	json_object_set_new(root, "test_batch",
	    json_integer(scfg->test_batch));
	json_object_set_new(root, "trained_config",
	    checkpoint_config_json(&t->cfg));
	json_object_set_new(root, "config", checkpoint_config_json(scfg));
	json_dumpf(root, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
	fputc('\n', stdout);
	json_decref(root);
}

/* memscope step: the per-layer trace of one test task. */
int
cmd_step(int argc, char **argv)
{
	struct cli_opts o;
	struct trainer t;
	struct ms_config scfg;
	struct task_batch test;
	struct baseline_table bt;
	struct trace tr;
	int rc;

	if ((rc = cli_parse("step", argc, argv, &o)) != CLI_CONTINUE)
		return rc;
	if ((rc = cli_checkpoint_load("step", &o, &t, &scfg)) != 0)
		return rc;
	if (o.task >= scfg.test_batch) {
		trainer_free(&t);
		return cli_error("step", "--task: %d is past the test batch "
		    "(%d prompts: 0 to %d)", o.task, scfg.test_batch,
		    scfg.test_batch - 1);
	}

	task_test_batch(&test, &t.dist, &scfg);
	memset(&bt, 0, sizeof bt);
	/* GD's tuned steps (tuned on their own batch: the test batch given
	 * does not change them) */
	if (scfg.gd_step == 0.0)
		baselines_evaluate(&scfg, &t.dist, &test, scfg.layers, &bt);
	trace_init(&tr);
	trace_set_task(&tr, &scfg, &test, o.task, bt.step[BASELINE_GD]);
	trace_set_model(&tr, &t.model);
	lesson_notes(&tr);
	/* a failed write to stdout is main's to report, with its reason */
	rc = step_check(&tr);
	if (rc == CLI_EXIT_OK && o.json_stdout)
		step_json(&o, &t, &scfg, &tr);
	else if (rc == CLI_EXIT_OK)
		step_print(stdout, &o, &t, &scfg, &tr);
	trace_free(&tr);
	baseline_table_free(&bt);
	task_batch_free(&test);
	trainer_free(&t);
	return rc;
}
