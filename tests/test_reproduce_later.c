/*
 * reproduce's figures of the later experiments (doc/math.md §8, §11): the
 * theory lines print what src/core/theory*.c compute, a line's own setup
 * (steps, learning rate, points) reaches its training, and the claims are
 * checked. Tiny sizes: the numbers are not the paper's.
 */
#include <math.h>
#include <stdbool.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "memscope/experts.h"
#include "memscope/reproduce.h"
#include "memscope/theory.h"
#include "memscope/trainer.h"

/* Remove the temp dir. */
static void
rmtree(const char *dir)
{
	char cmd[600];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* The lines the last run_tiny's trainings were named by in its
 * progress, each followed by a newline. */
static char tiny_trained[4096];

/* run_tiny's progress hook: collect the trainings' names. */
static void
tiny_progress(void *ctx, const struct reproduce_progress *p)
{
	size_t used = strlen(tiny_trained);

	(void)ctx;
	if (p->event == REPRODUCE_JOB_DONE && p->training)
		snprintf(tiny_trained + used, sizeof tiny_trained - used,
		    "%s\n", p->line);
}

/* Run figures figs at tiny sizes (one run, depths 1..depths); stdout as a
 * string (caller frees), the files in dir (caller removes). */
static char *
run_tiny(const char *figs, int depths, bool quirks, char *dir)
{
	struct reproduce_opts o;
	char err[256], *buf = NULL;
	size_t len = 0;
	FILE *out;
	int rc;

	reproduce_defaults(&o);
	assert_int_equal(reproduce_parse_figures(figs, &o.figures, err,
	    sizeof err), 0);
	o.runs = 1;
	o.depths = depths;
	o.threads = 2;
	o.steps = 15;
	o.batch = 40;
	o.test_batch = 40;
	o.quirks = quirks;
	o.progress = tiny_progress;
	tiny_trained[0] = '\0';
	strcpy(dir, "/tmp/memscope-test-later-XXXXXX");
	assert_non_null(mkdtemp(dir));
	o.outdir = dir;
	out = open_memstream(&buf, &len);
	assert_non_null(out);
	rc = reproduce_run(&o, out, err, sizeof err);
	fclose(out);
	if (rc != 0)
		fail_msg("reproduce_run: %s", err);
	return buf;
}

/* The row of line `name` at depth L in a table: the text after the name
 * (L = 1) or after the L-th row's start; NULL if absent. */
static const char *
row(const char *out, const char *name, int L)
{
	const char *p = strstr(out, name);

	for (int k = 1; p != NULL && k < L; k++) {
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return p;
}

/* Figure direct: the ceiling and per-step GD rows hold the exact values
 * for 19 points, at each K; the claim is checked. */
static void
test_direct_theory_rows(void **state)
{
	static const double ones[5] = { 1, 1, 1, 1, 1 };
	char dir[64], want[32], *out;
	double a[3], mse;

	(void)state;
	out = run_tiny("direct", 3, false, dir);
	for (int K = 1; K <= 3; K++) {
		const char *p = row(out, "shared-form ceiling", K);

		assert_non_null(p);
		snprintf(want, sizeof want, "%+.3f",
		    log(theory_shared_lfom(5, 19, K, NULL)));
		assert_non_null(strstr(p, want));
		assert_true(strstr(p, want) < strchr(p, '\n'));
		assert_int_equal(theory_schedule(5, 19, K, ones,
		    MS_WSTAR_INVSIGMA, a, &mse), 0);
		snprintf(want, sizeof want, "%+.3f", log(mse));
		p = row(out, "best per-step GD", K);
		assert_non_null(p);
		assert_true(strstr(p, want) != NULL &&
		    strstr(p, want) < strchr(p, '\n'));
	}
	assert_non_null(strstr(out, "is at its form's ceiling"));
	assert_non_null(strstr(out, "reference: the authors' learned LFOM"));
	free(out);
	rmtree(dir);
}

/* Figure 2b's schedule row is the n = 20 schedule, not the 19-point one,
 * even under --quirks (which only the baselines take). */
static void
test_schedule_row_points(void **state)
{
	static const double ones[5] = { 1, 1, 1, 1, 1 };
	char dir[64], want[32], *out;
	double a[2], mse;
	const char *p;

	(void)state;
	out = run_tiny("2b", 2, true, dir);
	assert_int_equal(theory_schedule(5, 20, 2, ones, MS_WSTAR_INVSIGMA, a,
	    &mse), 0);
	snprintf(want, sizeof want, "%+.3f", log(mse));
	p = row(out, "best a_l*inv(Sigma) schedule", 2);
	assert_non_null(p);
	assert_true(strstr(p, want) != NULL && strstr(p, want) <
	    strchr(p, '\n'));
	free(out);
	rmtree(dir);
}

/* Figure direct-cg's claim is checked, on the training prompts. */
static void
test_direct_cg_claim(void **state)
{
	char dir[64], *out;

	(void)state;
	out = run_tiny("direct-cg", 3, false, dir);
	assert_non_null(strstr(out, "On 10 prompts the learned LFOM"));
	assert_non_null(strstr(out, "direct LFOM B=100"));
	assert_null(strstr(out, "not checked:"));
	free(out);
	rmtree(dir);
	/* at K = 1, 2 its first part is not checked, and it does not claim
	 * to hold */
	out = run_tiny("direct-cg", 2, false, dir);
	assert_non_null(strstr(out, "not checked: K = 3 and on"));
	assert_null(strstr(out, "[holds] On 10 prompts"));
	free(out);
	rmtree(dir);
}

/* Figure 3a alone does not check the recursive memory's claim on fresh
 * isotropic prompts (figure 3b's): the verdict says so. */
static void
test_rec_claim_part(void **state)
{
	char dir[64], *out;

	(void)state;
	out = run_tiny("3a", 2, false, dir);
	assert_non_null(strstr(out, "The recursive memory lowers"));
	assert_null(strstr(out, "[holds] The recursive memory"));
	assert_non_null(strstr(out, "not checked: fresh isotropic prompts"));
	free(out);
	rmtree(dir);
}

/* The value in a figure's CSV of line `name` at depth k, run 0. */
static double
csv_value(const char *dir, const char *fig, const char *name, int k)
{
	char path[128], line[512], want[256];
	FILE *f;
	double v = NAN;

	snprintf(path, sizeof path, "%s/fig%s.csv", dir, fig);
	f = fopen(path, "r");
	assert_non_null(f);
	/* a name with a comma is quoted (csv_text) */
	snprintf(want, sizeof want, strchr(name, ',') != NULL ?
	    "%s,\"%s\",%d,0," : "%s,%s,%d,0,", fig, name, k);
	while (fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, want, strlen(want)) == 0)
			v = strtod(line + strlen(want), NULL);
	fclose(f);
	return v;
}

/* Figure 3a: the memory-off rows are the phase-1 model, scored as phase 2
 * starts: its fresh value is what training that model alone gives (the
 * parents' parameters reached the child), and phase 2 then moves it. */
static void
test_fig3_phase_one_carried(void **state)
{
	struct ms_config cfg;
	struct trainer t;
	char dir[64], err[256], *out;
	double mse[1], off, on;

	(void)state;
	out = run_tiny("3a", 1, false, dir);
	config_defaults(&cfg);
	cfg.data = MS_DATA_PAPER;
	cfg.layers = 1;
	cfg.param = MS_PARAM_GDPP;
	cfg.memory = MS_MEMORY_NONE;
	cfg.steps = 15;
	cfg.batch = 40;
	cfg.test_batch = 40;
	cfg.clip = 0.01;
	cfg.resample = 100;
	cfg.seed = 1;
	cfg.rotation = MS_ROTATION_UNIFORM_SVD;
	cfg.adam_beta1 = 0.99;
	cfg.adam_beta2 = 0.9;
	assert_int_equal(trainer_init(&t, &cfg, err, sizeof err), 0);
	for (int s = 0; s < cfg.steps; s++)
		assert_int_equal(trainer_step(&t), 0);
	assert_int_equal(trainer_test(&t, mse), 0);
	off = csv_value(dir, "3a", "memory off, fresh", 1);
	on = csv_value(dir, "3a", "rec memory, fresh", 1);
	assert_true(fabs(off - log(mse[0])) < 1e-12);
	assert_true(off != on);
	/* phase 2's batch: the draw after phase 1's last (here its first
	 * and only one: 15 steps, redrawn every 100), one it never saw */
	trainer_redraw(&t, 1);
	model_evaluate(&t.model, &t.train, NULL, mse);
	off = csv_value(dir, "3a", "memory off, its batch", 1);
	assert_true(fabs(off - log(mse[0])) < 1e-12);
	/* the progress names phase 2's training by a line it trains for */
	assert_string_equal(tiny_trained, "GD++ memory off\n"
	    "rec memory, its batch\n");
	trainer_free(&t);
	free(out);
	rmtree(dir);
}

/* Figure shift's values are experts_tune's, on experts trained as its
 * lines say (s = 1, 2, 3, one head), tuned at the line's s: fresh and
 * on the tuning batch. */
static void
test_shift_experts_tuned(void **state)
{
	static const char *s_name[] = { "0.5", "2.5" };
	static const double s_val[] = { 0.5, 2.5 };
	struct trainer ex[3], t;
	const struct model *em[3];
	struct experts_opts eo;
	struct experts_result res;
	char dir[64], err[256], name[64], *out;

	(void)state;
	out = run_tiny("shift", 1, false, dir);
	for (int i = 0; i < 3; i++) {
		struct ms_config c;

		config_defaults(&c);
		c.data = MS_DATA_PAPER;
		c.layers = 1;
		c.param = MS_PARAM_GDPP;
		c.memory = MS_MEMORY_NONE;
		c.steps = 15;
		c.batch = 40;
		c.test_batch = 40;
		c.seed = 1;
		c.rotation = MS_ROTATION_UNIFORM_SVD;
		c.scale = 1.0 + i;
		assert_int_equal(trainer_init(&ex[i], &c, err, sizeof err), 0);
		for (int k = 0; k < c.steps; k++)
			assert_int_equal(trainer_step(&ex[i]), 0);
		em[i] = &ex[i].model;
	}
	for (int i = 0; i < 2; i++) {
		experts_opts_defaults(&eo);
		eo.scale = s_val[i];
		eo.steps = 15;
		eo.batch = eo.score_batch = 40;
		assert_int_equal(experts_tune(em, 3, &eo, &t, &res, err,
		    sizeof err), 0);
		snprintf(name, sizeof name, "gated s=%s fresh", s_name[i]);
		assert_true(fabs(csv_value(dir, "shift", name, 1) -
		    res.fresh[0]) < 1e-12);
		snprintf(name, sizeof name, "gated s=%s tuned on", s_name[i]);
		assert_true(fabs(csv_value(dir, "shift", name, 1) -
		    res.tuned[0]) < 1e-12);
		experts_result_free(&res);
		trainer_free(&t);
	}
	for (int i = 0; i < 3; i++)
		trainer_free(&ex[i]);
	free(out);
	rmtree(dir);
}

/* Figure shift-norm is figure shift less ln(d s^2), line by line. */
static void
test_shift_normalised(void **state)
{
	static const char *lines[] = { "gated s=0.5 fresh",
	    "gated s=1.5 tuned on", "gated s=2.5 fresh" };
	static const double s2[] = { 0.25, 2.25, 6.25 };
	char dir[64], *out;
	const char *hdr;

	(void)state;
	out = run_tiny("shift,shift-norm", 2, false, dir);
	for (int i = 0; i < 3; i++)
		for (int k = 1; k <= 2; k++) {
			double raw = csv_value(dir, "shift", lines[i], k);
			double norm = csv_value(dir, "shift-norm", lines[i], k);

			assert_true(isfinite(raw));
			assert_true(fabs(norm - (raw - log(5 * s2[i]))) < 1e-12);
		}
	assert_non_null(strstr(out, "1-layer optimum (any s)"));
	/* its header says what its values are, and that it has no paper
	 * values (not the original paper's section) */
	hdr = strstr(out, "Figure shift-norm:");
	assert_non_null(hdr);
	hdr = strchr(hdr, '\n') + 1;
	assert_true(strncmp(hdr, "  natural log of the mean squared query "
	    "error over the labels' scale d s^2;", 75) == 0);
	assert_non_null(strstr(hdr, "; no reference values\n"));
	assert_true(strstr(hdr, "; no reference values\n") <
	    strchr(hdr, '\n'));
	free(out);
	rmtree(dir);
}

/* A job that fails stops the run before the jobs that start from it:
 * the mixture's experts cannot be set up (too many test numbers), and
 * the gated models are not built from parameters that were never
 * trained; the experts' message is the run's. */
static void
test_failed_parent_stops(void **state)
{
	struct reproduce_opts o;
	char dir[64], err[256], *buf = NULL;
	size_t len = 0;
	FILE *out;

	(void)state;
	reproduce_defaults(&o);
	assert_int_equal(reproduce_parse_figures("shift", &o.figures, err,
	    sizeof err), 0);
	o.runs = 1;
	o.depths = 1;
	o.threads = 1;
	o.steps = 2;
	o.batch = 10;
	o.test_batch = 30000000;
	strcpy(dir, "/tmp/memscope-test-later-XXXXXX");
	assert_non_null(mkdtemp(dir));
	o.outdir = dir;
	out = open_memstream(&buf, &len);
	assert_non_null(out);
	assert_int_equal(reproduce_run(&o, out, err, sizeof err), -1);
	fclose(out);
	assert_non_null(strstr(err, "--test-batch"));
	free(buf);
	rmtree(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_direct_theory_rows),
		cmocka_unit_test(test_schedule_row_points),
		cmocka_unit_test(test_direct_cg_claim),
		cmocka_unit_test(test_rec_claim_part),
		cmocka_unit_test(test_fig3_phase_one_carried),
		cmocka_unit_test(test_shift_experts_tuned),
		cmocka_unit_test(test_shift_normalised),
		cmocka_unit_test(test_failed_parent_stops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
