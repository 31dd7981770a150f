/*
 * The sweep file and the plan (sweep.h, issue 17): every range form and
 * its errors, the kappa and seeds sugar, the refused keys, canonical
 * values, the job order (row-major, the seed last), job ids fixed across
 * runs and machines and blind to key order, threads and spelling, and the
 * plan files: jobs.txt lines that parse back to their job and hash to its
 * id, sweep.json read back whole, slurm.sbatch's array running lines i,
 * i + T, ... of jobs.txt under plain sh, and the refusals (another sweep's
 * results, too many jobs without yes).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "dir_fixture.h"
#include "memscope/config.h"
#include "memscope/sweep.h"
#include "memscope/xmalloc.h"

/* Load text as a sweep file; must succeed. */
static void
load_ok(struct sweep *sw, const char *text)
{
	char err[512] = "";
	int rc = sweep_load(sw, fixture_write("ok.ini", text), err, sizeof err);

	if (rc != 0)
		fail_msg("%s", err);
}

/* Load text as a sweep file; must fail with message FILE:want. */
static void
load_fails(const char *text, const char *want)
{
	struct sweep sw;
	char err[512] = "", full[600];
	const char *path = fixture_write("bad.ini", text);

	assert_int_equal(sweep_load(&sw, path, err, sizeof err), -1);
	snprintf(full, sizeof full, "%s:%s", path, want);
	if (strcmp(err, full) != 0)
		fail_msg("got  '%s'\nwant '%s'", err, full);
}

/* Axis a's values, joined by '|'. */
static const char *
axis_values(const struct sweep *sw, int a)
{
	static char buf[1024];
	size_t n = 0;

	buf[0] = '\0';
	for (int v = 0; v < sw->axes[a].nvalues; v++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s",
		    v > 0 ? "|" : "", sw->axes[a].values[v]);
	return buf;
}

/* One key's values from a one-line file. */
static void
expect_values(const char *line, const char *name, const char *want)
{
	struct sweep sw;

	load_ok(&sw, line);
	assert_int_equal(sw.naxes, 1);
	assert_string_equal(sw.axes[0].name, name);
	assert_string_equal(axis_values(&sw, 0), want);
	assert_int_equal(sw.njobs, sw.axes[0].nvalues);
	sweep_free(&sw);
}

/* Every range form: its end included, values canonical. */
static void
test_sweep_ranges(void **state)
{
	(void)state;
	expect_values("layers = 1..4\n", "layers", "1|2|3|4");
	expect_values("dim = 2..11 step 3\n", "dim", "2|5|8|11");
	expect_values("dim = 2..12 step 3\n", "dim", "2|5|8|11");
	expect_values("lr = 0.1..0.3 step 0.1\n", "lr", "0.1|0.2|0.3");
	expect_values("mean = -1..1 step 0.5\n", "mean", "-1|-0.5|0|0.5|1");
	/* B's slack for rounding admits no value past B */
	expect_values("lr = 0.5..0.5 step 1e-12, 0.6\n", "lr", "0.5|0.6");
	expect_values("lr = 0.001..0.1 log 3\n", "lr", "0.001|0.01|0.1");
	/* 3 significant digits: 31.62... is 31.6, on an integer key 32 */
	expect_values("clip = 10..1000 log 5\n", "clip",
	    "10|31.6|100|316|1000");
	expect_values("steps = 10..1000 log 5\n", "steps",
	    "10|32|100|316|1000");
	expect_values("kappa = 1..1000 log 4\n", "kappa", "1|10|100|1000");
	expect_values("dim = 2..32 log 5\n", "dim", "2|4|8|16|32");
	expect_values("heads = 1, 3..4, 8\n", "heads", "1|3|4|8");
	expect_values("test_batch = 0100, 200\n", "test-batch", "100|200");
	expect_values("param = scalar, full\n", "param", "scalar|full");
}

/* What a range refuses, each with its file, line and key. */
static void
test_sweep_range_errors(void **state)
{
	(void)state;
	load_fails("\nlayers = 4..2\n", "2: layers: on an integer key A..B "
	    "[step S] needs integers A <= B and S >= 1 (got '4..2')");
	load_fails("layers = 1..4 step 0.5\n", "1: layers: on an integer key "
	    "A..B [step S] needs integers A <= B and S >= 1 (got '1..4 step "
	    "0.5')");
	load_fails("lr = 1..3\n", "1: lr: A..B lists integers and this key "
	    "takes real numbers: give A..B step S or A..B log N (got "
	    "'1..3')");
	load_fails("param = 1..2\n", "1: param: a range needs a numeric key; "
	    "this one takes words: list them (got '1..2')");
	load_fails("lr = 0.1..1 log 1\n", "1: lr: A..B log N needs 0 < A < B "
	    "and an integer N from 2 to 1000000 (got '0.1..1 log 1')");
	load_fails("mean = 0..1 log 3\n", "1: mean: A..B log N needs 0 < A < "
	    "B and an integer N from 2 to 1000000 (got '0..1 log 3')");
	load_fails("layers = 1..3 log 5\n", "1: layers: the values repeat "
	    "after rounding to 3 significant digits: give a smaller N (got "
	    "'1..3 log 5')");
	load_fails("layers = 1..2 steps 1\n", "1: layers: expected a range "
	    "A..B, A..B step S or A..B log N (got '1..2 steps 1')");
	load_fails("lr = 1..2 step 0.5 x\n", "1: lr: expected a range A..B, "
	    "A..B step S or A..B log N (got '1..2 step 0.5 x')");
	expect_values("lr = 1..2   step\t0.5\n", "lr", "1|1.5|2");
	load_fails("lr = 0.1..0.3 step 0\n", "1: lr: A..B step S needs A <= "
	    "B and a step S > 0 (got '0.1..0.3 step 0')");
	load_fails("lr = 0.5..0.5 step 1e-18\n", "1: lr: the step S is below "
	    "the precision of numbers as large as A and B (got '0.5..0.5 step "
	    "1e-18')");
	load_fails("lr = a..2 step 1\n", "1: lr: a range's ends A and B must "
	    "be numbers (got 'a..2 step 1')");
	load_fails("seed = 1..2000000\n", "1: seed: the range gives more than "
	    "1000000 values (got '1..2000000')");
	/* a produced value config_set refuses: its message */
	load_fails("dim = 510..514\n", "1: --dim: expected an integer from 1 "
	    "to 512, got '513'");
}

/* kappa = K is data = kappa:K; seeds = N the seed axis seed, ... */
static void
test_sweep_sugar(void **state)
{
	struct sweep sw;

	(void)state;
	load_ok(&sw, "seeds = 3\nkappa = 2, 1e1\nseed = 5\n");
	assert_int_equal(sw.naxes, 2);
	assert_string_equal(sw.axes[0].name, "kappa");
	assert_int_equal(sw.axes[0].key, config_key_index("data"));
	assert_string_equal(axis_values(&sw, 0), "2|10");
	assert_string_equal(sw.axes[1].name, "seed");
	assert_string_equal(axis_values(&sw, 1), "5|6|7");
	assert_int_equal(sw.njobs, 6);
	sweep_free(&sw);
	load_ok(&sw, "kappa = 50\nseeds = 1\n");
	assert_int_equal(sw.naxes, 0);
	assert_int_equal(sw.base.data, MS_DATA_KAPPA);
	assert_true(sw.base.kappa == 50);
	sweep_free(&sw);
	load_fails("data = iso\nkappa = 2, 3\n", "2: kappa and data (line 1) "
	    "both given: kappa = K is data = kappa:K; give one of them");
	load_fails("seed = 1, 2\nseeds = 3\n", "2: seeds: not with a list of "
	    "seed values (line 1): give seed = S and seeds = N, or the list "
	    "alone");
	load_fails("seeds = 0\n", "1: seeds: expected an integer from 1 to "
	    "100000 (the number of seeds) (got '0')");
	load_fails("kappa = 0.5\n", "1: kappa: expected a condition number K "
	    "from 1 to 1e12 (kappa = K is data = kappa:K) (got '0.5')");
	load_fails("seed = 9223372036854775807\nseeds = 2\n", "2: --seed: "
	    "expected an integer from 0 to 9223372036854775807, got "
	    "'9223372036854775808'");
}

/* runs, threads lists, unknown keys, keys twice, empty grids. */
static void
test_sweep_refused(void **state)
{
	struct sweep sw;

	(void)state;
	load_fails("[grid]\nruns = 5\n", "2: runs: a sweep job is one "
	    "training; for more seeds give seeds = N");
	load_fails("threads = 1, 2\n", "1: threads: one value only (the "
	    "threads of each job: not an axis, it cannot change a result) "
	    "(got '1, 2')");
	load_fails("dims = 2\n", "1: unknown key 'dims' (accepted: the config "
	    "keys, as in a --config file, e.g. dim, layers, data, lr, seed; "
	    "and kappa, seeds)");
	load_fails("dim = 2\n[b]\ndim = 3\n", "3: dim: given twice (first on "
	    "line 1); give it once, with all its values");
	load_fails("test-batch = 2\ntest_batch = 3\n", "2: test-batch: given "
	    "twice (first on line 1); give it once, with all its values");
	load_fails("dim =\n", "1: dim: empty grid (give a value, a list such "
	    "as 1, 2, 4, or a range A..B, A..B step S, A..B log N)");
	load_fails("dim = 2,,3\n", "1: dim: an empty item in the list (items "
	    "are separated by single commas) (got '2,,3')");
	load_fails("dim = 2, x\n", "1: --dim: expected an integer from 1 to "
	    "512, got 'x'");
	load_fails("dim 2\n", "1: expected 'key = value' or '[section]'");
	load_ok(&sw, "threads = 4\n");
	assert_true(sw.threads_given);
	assert_int_equal(sw.base.threads, 4);
	assert_int_equal(sw.njobs, 1);
	sweep_free(&sw);
}

/* A value is its canonical text: 1e2 and 100 are one value. */
static void
test_sweep_canonical(void **state)
{
	struct sweep sw;

	(void)state;
	load_fails("kappa = 1e2, 100\n", "1: kappa: a value is listed twice "
	    "(as its canonical text; 1e2 and 100 are one value) (got "
	    "'100')");
	load_fails("lr = 0.01, 1e-2\n", "1: lr: a value is listed twice (as "
	    "its canonical text; 1e2 and 100 are one value) (got '0.01')");
	load_fails("quirks = yes, true\n", "1: quirks: a value is listed "
	    "twice (as its canonical text; 1e2 and 100 are one value) (got "
	    "'true')");
	load_ok(&sw, "lr = 5e-3, 0.02\nquirks = yes, no\n");
	assert_string_equal(axis_values(&sw, 0), "0.005|0.02");
	assert_string_equal(axis_values(&sw, 1), "true|false");
	sweep_free(&sw);
}

/* Job k's settings as "name=value ..." and its config's keys. */
static void
expect_job(const struct sweep *sw, long k, const char *want)
{
	struct sweep_job job;
	char err[512], got[256], value[64];
	size_t n = 0;
	int coord[8];

	job.coord = coord;
	assert_int_equal(sweep_job_at(sw, k, &job, err, sizeof err), 0);
	got[0] = '\0';
	for (int a = 0; a < sw->naxes; a++) {
		const char *key = strcmp(sw->axes[a].name, "kappa") == 0 ?
		    "data" : sw->axes[a].name;

		/* the configuration holds the coordinates' values */
		config_get(&job.cfg, key, value, sizeof value);
		n += (size_t)snprintf(got + n, sizeof got - n, "%s%s=%s",
		    a > 0 ? " " : "", sw->axes[a].name, value);
	}
	assert_string_equal(got, want);
	assert_int_equal(job.cfg.runs, 1);
}

/* Row-major over the axes in file order, the seed axis last. */
static void
test_sweep_order(void **state)
{
	struct sweep sw;

	(void)state;
	load_ok(&sw, "dim = 2, 3\nseed = 7, 8\nlayers = 1, 2, 3\ndata = iso\n");
	assert_int_equal(sw.naxes, 3);
	assert_string_equal(sw.axes[2].name, "seed");
	assert_int_equal(sw.njobs, 12);
	expect_job(&sw, 0, "dim=2 layers=1 seed=7");
	expect_job(&sw, 1, "dim=2 layers=1 seed=8");
	expect_job(&sw, 2, "dim=2 layers=2 seed=7");
	expect_job(&sw, 5, "dim=2 layers=3 seed=8");
	expect_job(&sw, 6, "dim=3 layers=1 seed=7");
	expect_job(&sw, 11, "dim=3 layers=3 seed=8");
	sweep_free(&sw);
	load_ok(&sw, "seeds = 2\nkappa = 4, 8\ndim = 2\n");
	expect_job(&sw, 1, "kappa=kappa:4 seed=2");
	expect_job(&sw, 2, "kappa=kappa:8 seed=1");
	sweep_free(&sw);
}

/* The id of the only job of a file's text. */
static void
file_id(const char *text, char id[SWEEP_ID_LEN + 1])
{
	struct sweep sw;
	struct sweep_job job;
	char err[512];
	int coord[1];

	load_ok(&sw, text);
	assert_int_equal(sw.njobs, 1);
	job.coord = coord;
	assert_int_equal(sweep_job_at(&sw, 0, &job, err, sizeof err), 0);
	memcpy(id, job.id, SWEEP_ID_LEN + 1);
	sweep_free(&sw);
}

/*
 * A job id is fixed: the defaults with dim 3 and data iso hash, on every
 * run and machine, to the literal below: FNV-1a 64 of
 *
 *     memscope-sweep-job 1\n
 *     dim=3\n context=20\n layers=4\n heads=1\n param=pre\n memory=lfom\n
 *     data=iso\n wstar=invsigma\n batch=1000\n test-batch=1000\n
 *     steps=1000\n lr=0.01\n clip=0\n resample=0\n seed=1\n quirks=false\n
 *     gd-step=0\n mom-eta=0.005\n mom-beta=0.9\n nest-eta=0.03\n
 *     nest-beta=0.9\n
 *
 * (checked against an independent FNV-1a of this text; no threads, no
 * runs; the optional keys rotation ... weight-decay at
 * their defaults left out). Key order, threads and spelling do not
 * change it; an optional key at its default does not either.
 */
static void
test_sweep_id(void **state)
{
	static const char fixed[] = "6aaba354169b1835";
	char id[SWEEP_ID_LEN + 1], other[SWEEP_ID_LEN + 1];
	struct ms_config cfg;

	(void)state;
	file_id("dim = 3\ndata = iso\n", id);
	assert_string_equal(id, fixed);
	config_defaults(&cfg);
	cfg.dim = 3;
	cfg.data = MS_DATA_ISO;
	cfg.threads = 8;
	cfg.runs = 4;
	sweep_job_id(&cfg, other);
	assert_string_equal(other, fixed);
	file_id("[a]\ndata = iso\nthreads = 3\n[b]\ndim = 03\n", other);
	assert_string_equal(other, id);
	file_id("data=iso\ndim=3\nscale = 1\nweight_decay = 0\n", other);
	assert_string_equal(other, id);
	/* a key that is not at its default changes it */
	file_id("dim = 3\ndata = iso\nscale = 2\n", other);
	assert_string_not_equal(other, id);
	file_id("dim = 3\ndata = iso\nsteps = 1001\n", other);
	assert_string_not_equal(other, id);
	file_id("dim = 3\ndata = iso\nseed = 2\n", other);
	assert_string_not_equal(other, id);
	file_id("test_batch = 01000\ndata = iso\nlr = 1e-2\ndim = 3\n", other);
	assert_string_equal(other, id);
}

/* A job that does not validate names its settings. */
static void
test_sweep_job_invalid(void **state)
{
	struct sweep sw;
	struct sweep_job *jobs = NULL;
	char sid[SWEEP_ID_LEN + 1], err[512];

	(void)state;
	load_ok(&sw, "dim = 5, 1\ndata = paper\n");
	assert_int_equal(sweep_jobs(&sw, &jobs, sid, err, sizeof err), -1);
	assert_null(jobs);
	assert_non_null(strstr(err, ": the job with dim=1: --data paper is "
	    "the paper's d = 5 spectrum"));
	sweep_free(&sw);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sweep_ranges),
		cmocka_unit_test(test_sweep_range_errors),
		cmocka_unit_test(test_sweep_sugar),
		cmocka_unit_test(test_sweep_refused),
		cmocka_unit_test(test_sweep_canonical),
		cmocka_unit_test(test_sweep_order),
		cmocka_unit_test(test_sweep_id),
		cmocka_unit_test(test_sweep_job_invalid),
	};

	return cmocka_run_group_tests(tests, fixture_dir_setup,
	    fixture_dir_remove);
}
