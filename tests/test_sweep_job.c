/*
 * A sweep's jobs (sweep_job.c): a job writes its result once and skips it
 * after, --force and a corrupt result train again, a failure leaves its
 * message in ID.err (removed by a later success), and sweep_run gives the
 * same bits on one thread and on two, skipping what is there.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "dir_fixture.h"
#include "memscope/sweep.h"

/* A sweep file of 4 jobs (kappa 2, 10 x 2 seeds) of a quick training. */
static const char sweep_text[] =
    "dim = 3\ncontext = 8\nlayers = 2\nbatch = 40\ntest-batch = 60\n"
    "steps = 25\nkappa = 2, 10\nseeds = 2\n";

/* Load the sweep file into sw and plan it into dir. */
static void
plan(struct sweep *sw, const char *dir)
{
	const char *path = fixture_in_dir("grid.ini");
	struct sweep_plan_opts po = { .memscope = "memscope",
	    .array_limit = 4 };
	char err[512];
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(sweep_text, f);
	fclose(f);
	if (sweep_load(sw, path, err, sizeof err) != 0)
		fail_msg("%s", err);
	if (sweep_plan_write(sw, dir, &po, err, sizeof err) != 0)
		fail_msg("%s", err);
}

/* The inode of dir/results/id.json, 0 if there is none. */
static ino_t
result_inode(const char *dir, const char *id)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof path, "%s/results/%s.json", dir, id);
	return stat(path, &st) == 0 ? st.st_ino : 0;
}

/* The jobs of sw (free with sweep_jobs_free), its id in sid. */
static struct sweep_job *
jobs_of(const struct sweep *sw, char sid[SWEEP_ID_LEN + 1])
{
	struct sweep_job *jobs;
	char err[512];

	if (sweep_jobs(sw, &jobs, sid, err, sizeof err) != 0)
		fail_msg("%s", err);
	return jobs;
}

static void
test_job_skips_its_result(void **state)
{
	const char *dir = fixture_in_dir("skip");
	struct sweep sw;
	struct sweep_job *jobs;
	char sid[SWEEP_ID_LEN + 1], err[512];
	ino_t first;

	(void)state;
	plan(&sw, dir);
	jobs = jobs_of(&sw, sid);
	assert_int_equal(sweep_job_run(dir, sid, &jobs[0].cfg, false, err,
	    sizeof err), SWEEP_JOB_RAN);
	first = result_inode(dir, jobs[0].id);
	assert_true(first != 0);
	/* the result is there: nothing is trained or written */
	assert_int_equal(sweep_job_run(dir, sid, &jobs[0].cfg, false, err,
	    sizeof err), SWEEP_JOB_SKIPPED);
	assert_true(result_inode(dir, jobs[0].id) == first);
	/* --force: trained again, the file replaced */
	assert_int_equal(sweep_job_run(dir, sid, &jobs[0].cfg, true, err,
	    sizeof err), SWEEP_JOB_RAN);
	assert_true(result_inode(dir, jobs[0].id) != first);
	sweep_jobs_free(jobs, sw.njobs);
	sweep_free(&sw);
}

static void
test_job_reruns_a_corrupt_result(void **state)
{
	const char *dir = fixture_in_dir("corrupt");
	struct sweep sw;
	struct sweep_job *jobs;
	struct sweep_result r;
	char sid[SWEEP_ID_LEN + 1], err[512], path[512];

	(void)state;
	plan(&sw, dir);
	jobs = jobs_of(&sw, sid);
	assert_int_equal(sweep_job_run(dir, sid, &jobs[1].cfg, false, err,
	    sizeof err), SWEEP_JOB_RAN);
	snprintf(path, sizeof path, "%s/results/%s.json", dir, jobs[1].id);
	assert_int_equal(truncate(path, 100), 0);	/* half a file */
	assert_int_equal(sweep_job_run(dir, sid, &jobs[1].cfg, false, err,
	    sizeof err), SWEEP_JOB_RAN);
	assert_int_equal(sweep_result_read(&r, dir, jobs[1].id, err,
	    sizeof err), 0);
	assert_int_equal(r.layers, 2);
	sweep_result_free(&r);
	sweep_jobs_free(jobs, sw.njobs);
	sweep_free(&sw);
}

static void
test_job_failure_leaves_its_message(void **state)
{
	const char *dir = fixture_in_dir("fail");
	struct sweep sw;
	struct sweep_job *jobs;
	char sid[SWEEP_ID_LEN + 1], err[512], path[512], epath[512];
	char *text;

	(void)state;
	plan(&sw, dir);
	jobs = jobs_of(&sw, sid);
	/* the result's name taken by a directory: the write fails */
	snprintf(path, sizeof path, "%s/results/%s.json", dir, jobs[2].id);
	snprintf(epath, sizeof epath, "%s/results/%s.err", dir, jobs[2].id);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(sweep_job_run(dir, sid, &jobs[2].cfg, false, err,
	    sizeof err), SWEEP_JOB_FAILED);
	assert_non_null(strstr(err, jobs[2].id));
	text = fixture_read(epath, NULL);
	assert_non_null(strstr(text, jobs[2].id));
	assert_non_null(strstr(text, path));
	free(text);
	/* a later success removes the message */
	assert_int_equal(rmdir(path), 0);
	assert_int_equal(sweep_job_run(dir, sid, &jobs[2].cfg, false, err,
	    sizeof err), SWEEP_JOB_RAN);
	assert_int_not_equal(access(epath, F_OK), 0);
	sweep_jobs_free(jobs, sw.njobs);
	sweep_free(&sw);
}

/* What the progress hook saw. */
struct seen {
	int calls;
	long jobs, done, skipped, failed;
	double cost, done_cost, last_done_cost;
	bool monotone;
};

static void
progress(void *ctx, const struct sweep_progress *p)
{
	struct seen *s = ctx;

	if (p->done_cost < s->last_done_cost)
		s->monotone = false;
	s->last_done_cost = p->done_cost;
	s->calls++;
	s->jobs = p->jobs;
	s->done = p->done;
	s->skipped = p->skipped;
	s->failed = p->failed;
	s->cost = p->cost;
	s->done_cost = p->done_cost;
}

/* Every result of a and b holds the same numbers, bit for bit. */
static void
same_results(const char *a, const char *b, const struct sweep_job *jobs,
    long n)
{
	struct sweep_result ra, rb;
	char err[512];

	for (long i = 0; i < n; i++) {
		assert_int_equal(sweep_result_read(&ra, a, jobs[i].id, err,
		    sizeof err), 0);
		assert_int_equal(sweep_result_read(&rb, b, jobs[i].id, err,
		    sizeof err), 0);
		assert_int_equal(ra.layers, rb.layers);
		assert_memory_equal(ra.log_loss, rb.log_loss,
		    sizeof(double) * SWEEP_METRICS * ra.layers);
		assert_memory_equal(&ra.train_loss, &rb.train_loss,
		    sizeof ra.train_loss);
		sweep_result_free(&ra);
		sweep_result_free(&rb);
	}
}

static void
test_run_same_bits_on_any_threads(void **state)
{
	const char *one = fixture_in_dir("one"), *two = fixture_in_dir("two");
	struct sweep sw;
	struct sweep_job *jobs;
	struct seen s = { .monotone = true };
	char sid[SWEEP_ID_LEN + 1], err[512];

	(void)state;
	plan(&sw, one);
	sweep_free(&sw);
	plan(&sw, two);
	assert_int_equal(sweep_run(&sw, one, 1, NULL, NULL, err, sizeof err),
	    0);
	assert_int_equal(sweep_run(&sw, two, 2, progress, &s, err,
	    sizeof err), 0);
	jobs = jobs_of(&sw, sid);
	same_results(one, two, jobs, sw.njobs);
	/* the hook: every job done, the whole cost, never going back */
	assert_true(s.calls > (int)sw.njobs);
	assert_int_equal(s.jobs, 4);
	assert_int_equal(s.done, 4);
	assert_int_equal(s.skipped, 0);
	assert_int_equal(s.failed, 0);
	assert_true(s.monotone);
	assert_true(s.done_cost > 0.999999 * s.cost &&
	    s.done_cost < 1.000001 * s.cost);
	sweep_jobs_free(jobs, sw.njobs);
	sweep_free(&sw);
}

static void
test_run_skips_what_is_there(void **state)
{
	const char *dir = fixture_in_dir("resume"), *ref = fixture_in_dir("ref");
	struct sweep sw;
	struct sweep_job *jobs;
	struct seen s = { .monotone = true };
	char sid[SWEEP_ID_LEN + 1], err[512], path[512];
	ino_t kept[4];

	(void)state;
	plan(&sw, ref);
	sweep_free(&sw);
	plan(&sw, dir);
	jobs = jobs_of(&sw, sid);
	assert_int_equal(sweep_run(&sw, ref, 2, NULL, NULL, err, sizeof err),
	    0);
	/* three of four done, as a run stopped half-way leaves them */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(sweep_job_run(dir, sid, &jobs[i].cfg, false,
		    err, sizeof err), SWEEP_JOB_RAN);
		kept[i] = result_inode(dir, jobs[i].id);
	}
	assert_int_equal(sweep_run(&sw, dir, 2, progress, &s, err,
	    sizeof err), 0);
	assert_int_equal(s.skipped, 3);
	assert_int_equal(s.done, 4);
	for (int i = 0; i < 3; i++)
		assert_true(result_inode(dir, jobs[i].id) == kept[i]);
	snprintf(path, sizeof path, "%s/results/%s.json", dir, jobs[3].id);
	assert_int_equal(access(path, F_OK), 0);
	same_results(dir, ref, jobs, sw.njobs);
	sweep_jobs_free(jobs, sw.njobs);
	sweep_free(&sw);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_job_skips_its_result),
		cmocka_unit_test(test_job_reruns_a_corrupt_result),
		cmocka_unit_test(test_job_failure_leaves_its_message),
		cmocka_unit_test(test_run_same_bits_on_any_threads),
		cmocka_unit_test(test_run_skips_what_is_there),
	};

	return cmocka_run_group_tests(tests, fixture_dir_setup,
	    fixture_dir_remove);
}
