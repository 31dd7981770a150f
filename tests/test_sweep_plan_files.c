/*
 * The plan files of a sweep (sweep.h, issue 17): jobs.txt lines that parse
 * back, with config_set, to their job's configuration and hash to its id;
 * sweep.json read back whole by sweep_plan_read (and a damaged one
 * refused); slurm.sbatch's #SBATCH lines, and its body run under plain sh
 * with a fake SLURM_ARRAY_TASK_ID and a fake jobs.txt: task i runs lines
 * i, i + T, i + 2T, ..., long ones too, and fails when one of them fails;
 * and the refusals: another sweep's plan or a stray result in the
 * directory, a control character in a name that jobs.txt quotes, and
 * more than SWEEP_CONFIRM_JOBS jobs without yes.
 */
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

#define MEMSCOPE_CMD "/opt/my memscope/it's/memscope"

/* Load a sweep file of text (named name). */
static void
load(struct sweep *sw, const char *name, const char *text)
{
	char err[512];

	if (sweep_load(sw, fixture_write(name, text), err, sizeof err) != 0)
		fail_msg("%s", err);
}

/* Plan sw into the scratch directory's dir; what sweep_plan_write says. */
static int
plan(const struct sweep *sw, const char *dir, bool yes, char *err,
    size_t errlen)
{
	struct sweep_plan_opts o = { MEMSCOPE_CMD, 7, yes };

	return sweep_plan_write(sw, fixture_in_dir(dir), &o, err, errlen);
}

/* Split a shell line of plain and single-quoted words ('\'' a quote). */
static int
shell_words(const char *line, char words[][256], int max)
{
	int n = 0;
	size_t k = 0;
	bool in = false;

	for (const char *p = line; ; p++) {
		if (*p == '\'') {
			const char *q = strchr(p + 1, '\'');

			assert_non_null(q);
			memcpy(words[n] + k, p + 1, (size_t)(q - p - 1));
			k += (size_t)(q - p - 1);
			p = q;
			in = true;
			continue;
		}
		if (*p == '\\' && p[1] != '\0') {
			words[n][k++] = *++p;
			in = true;
			continue;
		}
		if (*p == ' ' || *p == '\0' || *p == '\n') {
			if (in) {
				words[n][k] = '\0';
				n++;
				assert_true(n < max);
			}
			k = 0;
			in = false;
			if (*p != ' ')
				return n;
			continue;
		}
		words[n][k++] = *p;
		in = true;
	}
}

/* The plan's files: jobs.txt, slurm.sbatch, sweep.json, the directories. */
static void
test_plan_files(void **state)
{
	static char words[64][256];
	struct sweep sw;
	struct sweep_job *jobs;
	struct sweep_plan p;
	char sid[SWEEP_ID_LEN + 1], err[512], want[512], *abs, *text, *line;
	struct stat st;
	long k = 0;

	(void)state;
	load(&sw, "files.ini", "[grid]\nkappa = 2, 10\nlayers = 2\nsteps = 3\n"
	    "threads = 2\nseeds = 2\nscale = 2\n");
	assert_int_equal(plan(&sw, "plan", false, err, sizeof err), 0);
	assert_int_equal(sweep_jobs(&sw, &jobs, sid, err, sizeof err), 0);
	abs = realpath(fixture_in_dir("plan"), NULL);
	assert_non_null(abs);

	/* jobs.txt: each line parses back to its job and hashes to its id */
	text = fixture_read(fixture_in_dir("plan/jobs.txt"), NULL);
	for (line = text; *line != '\0'; line = strchr(line, '\n') + 1, k++) {
		int n = shell_words(line, words, 64);
		struct ms_config cfg;
		char id[SWEEP_ID_LEN + 1];

		assert_true(k < sw.njobs);
		assert_true(n > 5);
		assert_string_equal(words[0], MEMSCOPE_CMD);
		assert_string_equal(words[1], "sweep");
		assert_string_equal(words[2], "job");
		assert_string_equal(words[3], abs);
		assert_string_equal(words[4], jobs[k].id);
		assert_string_equal(words[n - 1], "threads=2");
		config_defaults(&cfg);
		for (int w = 5; w < n; w++) {
			char *eq = strchr(words[w], '=');

			assert_non_null(eq);
			*eq = '\0';
			assert_int_equal(config_set(&cfg, words[w], eq + 1, err,
			    sizeof err), 0);
		}
		cfg.threads = jobs[k].cfg.threads;
		for (int i = 0; i < config_key_count(); i++)
			assert_true(config_key_equal(&cfg, &jobs[k].cfg,
			    config_key_name(i)));
		sweep_job_id(&cfg, id);
		assert_string_equal(id, jobs[k].id);
	}
	assert_int_equal(k, 4);
	assert_non_null(strstr(text, "'/opt/my memscope/it'\\''s/memscope' "
	    "sweep job "));
	assert_non_null(strstr(text, " data=kappa:10 "));
	assert_non_null(strstr(text, " scale=2 "));
	assert_null(strstr(text, " runs="));
	assert_null(strstr(text, " rotation="));
	free(text);

	/* slurm.sbatch: the array, its limit, the logs; executable */
	text = fixture_read(fixture_in_dir("plan/slurm.sbatch"), NULL);
	assert_true(strncmp(text, "#!/bin/sh\n", 10) == 0);
	assert_non_null(strstr(text, "\n#SBATCH --array=1-4%7\n"));
	snprintf(want, sizeof want, "\n#SBATCH --job-name=memscope-%.8s\n",
	    sid);
	assert_non_null(strstr(text, want));
	assert_non_null(strstr(text, "\n#SBATCH --cpus-per-task=2\n"));
	snprintf(want, sizeof want, "\n#SBATCH --output=%s/logs/%%A_%%a.out\n"
	    "#SBATCH --error=%s/logs/%%A_%%a.err\n", abs, abs);
	assert_non_null(strstr(text, want));
	snprintf(want, sizeof want, "sbatch %s/slurm.sbatch", abs);
	assert_non_null(strstr(text, want));
	/* the jobs' BLAS is serial unless the submitter says otherwise */
	assert_non_null(strstr(text, "\nexport OPENBLAS_NUM_THREADS="
	    "\"${OPENBLAS_NUM_THREADS:-1}\"\n"));
	free(text);
	assert_int_equal(stat(fixture_in_dir("plan/slurm.sbatch"), &st), 0);
	assert_true(st.st_mode & S_IXUSR);
	assert_int_equal(stat(fixture_in_dir("plan/results"), &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(stat(fixture_in_dir("plan/logs"), &st), 0);
	assert_true(S_ISDIR(st.st_mode));

	/* sweep.json, read back */
	assert_int_equal(sweep_plan_read(&p, fixture_in_dir("plan"), err,
	    sizeof err), 0);
	assert_string_equal(p.id, sid);
	assert_string_equal(p.file, sw.path);
	assert_int_equal(p.naxes, 2);
	assert_string_equal(p.axes[0].name, "kappa");
	assert_int_equal(p.axes[0].key, config_key_index("data"));
	assert_string_equal(p.axes[0].values[1], "10");
	assert_string_equal(p.axes[1].name, "seed");
	assert_string_equal(p.axes[1].values[1], "2");
	assert_int_equal(p.njobs, 4);
	for (k = 0; k < 4; k++) {
		assert_string_equal(p.ids[k], jobs[k].id);
		assert_memory_equal(p.coord + 2 * k, jobs[k].coord,
		    2 * sizeof(int));
		assert_int_equal(sweep_plan_find(&p, jobs[k].id), k);
	}
	assert_int_equal(sweep_plan_find(&p, "0123456789abcdef"), -1);
	sweep_plan_free(&p);
	text = fixture_read(fixture_in_dir("plan/sweep.json"), NULL);
	assert_non_null(strstr(text, "\"format\": \"memscope-sweep\""));
	assert_non_null(strstr(text, "\"base\": {"));
	assert_non_null(strstr(text, "\"layers\": 2"));
	free(text);

	/* planned again: the same files, a result kept */
	snprintf(want, sizeof want, "plan/results/%s.json", jobs[1].id);
	fixture_write(want, "{}");
	assert_int_equal(plan(&sw, "plan", false, err, sizeof err), 0);
	assert_int_equal(stat(fixture_in_dir(want), &st), 0);
	sweep_jobs_free(jobs, sw.njobs);
	sweep_free(&sw);
	free(abs);
}

/* A damaged or missing sweep.json is refused with what is wrong. */
static void
test_plan_read_bad(void **state)
{
	struct sweep sw;
	struct sweep_plan p;
	char err[512], *text, *at;
	const char *path;

	(void)state;
	assert_int_equal(sweep_plan_read(&p, fixture_in_dir("none"), err,
	    sizeof err), -2);
	load(&sw, "bad.ini", "layers = 1, 2\n");
	assert_int_equal(plan(&sw, "bad", false, err, sizeof err), 0);
	sweep_free(&sw);
	path = fixture_in_dir("bad/sweep.json");
	text = fixture_read(path, NULL);
	/* another job id than the one the sweep id hashes */
	at = strstr(text, "\"jobs\"");
	at = strstr(at, "\"id\": \"") + 7;
	*at = *at == '0' ? '1' : '0';
	fixture_write("bad/sweep.json", text);
	assert_int_equal(sweep_plan_read(&p, fixture_in_dir("bad"), err,
	    sizeof err), -1);
	assert_non_null(strstr(err, "sweep.json: its id is not the hash of "
	    "its job ids"));
	*at = *at == '0' ? '1' : '0';
	/* a job's settings not those of its place in job order */
	at = strstr(strstr(text, "\"jobs\""), "\"layers\": \"1\"");
	at[strlen("\"layers\": \"")] = '2';
	fixture_write("bad/sweep.json", text);
	assert_int_equal(sweep_plan_read(&p, fixture_in_dir("bad"), err,
	    sizeof err), -1);
	assert_non_null(strstr(err, "sweep.json: a job whose settings are "
	    "not the next in job order"));
	*at = '\0';
	fixture_write("bad/sweep.json", text);
	assert_int_equal(sweep_plan_read(&p, fixture_in_dir("bad"), err,
	    sizeof err), -1);
	assert_non_null(strstr(err, "sweep.json: not JSON (line "));
	free(text);
	fixture_write("bad/sweep.json", "{\"format\": \"memscope-sweep\", "
	    "\"version\": 2}");
	assert_int_equal(sweep_plan_read(&p, fixture_in_dir("bad"), err,
	    sizeof err), -1);
	assert_non_null(strstr(err, "sweep.json: a version other than 1"));
	/* nor is a damaged plan planned over */
	load(&sw, "bad.ini", "layers = 1, 2\n");
	assert_int_equal(plan(&sw, "bad", false, err, sizeof err), -2);
	assert_non_null(strstr(err, "holds a sweep.json that is not a sweep "
	    "plan ("));
	sweep_free(&sw);
}

/* Another sweep's plan, or a result not of this plan: refused. */
static void
test_plan_foreign(void **state)
{
	struct sweep a, b;
	struct sweep_plan p;
	char err[512], want[512];

	(void)state;
	load(&a, "a.ini", "layers = 1, 2\n");
	load(&b, "b.ini", "layers = 1, 3\n");
	assert_int_equal(plan(&a, "foreign", false, err, sizeof err), 0);
	assert_int_equal(sweep_plan_read(&p, fixture_in_dir("foreign"), err,
	    sizeof err), 0);
	assert_int_equal(plan(&b, "foreign", false, err, sizeof err), -2);
	snprintf(want, sizeof want, "%s holds another sweep's results (sweep "
	    "%s from %s); give a new --out or remove it",
	    fixture_in_dir("foreign"), p.id, a.path);
	assert_string_equal(err, want);
	sweep_plan_free(&p);
	/* a stray result in a directory without a plan */
	assert_int_equal(mkdir(fixture_in_dir("stray"), 0777), 0);
	assert_int_equal(mkdir(fixture_in_dir("stray/results"), 0777), 0);
	fixture_write("stray/results/0123456789abcdef.json",
	    "{\"sweep\": \"feedfacefeedface\"}");
	assert_int_equal(plan(&a, "stray", false, err, sizeof err), -2);
	snprintf(want, sizeof want, "%s holds another sweep's results (sweep "
	    "feedfacefeedface, results/0123456789abcdef.json); give a new "
	    "--out or remove it", fixture_in_dir("stray"));
	assert_string_equal(err, want);
	/* other names are not results; without the stray it plans */
	fixture_write("stray/results/notes.json", "x");
	fixture_write("stray/results/0123456789abcdef.err", "x");
	assert_int_equal(unlink(fixture_in_dir(
	    "stray/results/0123456789abcdef.json")), 0);
	if (plan(&a, "stray", false, err, sizeof err) != 0)
		fail_msg("%s", err);
	/* a newline in the directory would split the lines of jobs.txt */
	assert_int_equal(plan(&a, "new\nline", false, err, sizeof err), -2);
	assert_non_null(strstr(err, "holds a control character"));
	sweep_free(&a);
	sweep_free(&b);
}

/* More than SWEEP_CONFIRM_JOBS jobs need yes; nothing is written. */
static void
test_plan_too_many(void **state)
{
	struct sweep sw;
	struct stat st;
	char err[512], want[512];

	(void)state;
	load(&sw, "many.ini", "seeds = 1001\nsteps = 1\n");
	assert_int_equal(sw.njobs, 1001);
	assert_int_equal(plan(&sw, "many", false, err, sizeof err), -2);
	snprintf(want, sizeof want, "%s: the grid has 1001 jobs, more than "
	    "1000: give --yes to plan them all", sw.path);
	assert_string_equal(err, want);
	assert_int_equal(stat(fixture_in_dir("many"), &st), -1);
	sweep_free(&sw);
	load(&sw, "many.ini", "seeds = 1000\nsteps = 1\n");
	assert_int_equal(plan(&sw, "many", false, err, sizeof err), 0);
	sweep_free(&sw);
}

/* Run slurm.sbatch of dir as array task `task` under shell sh; its exit
 * status, and lines whose jobs ran appended to ran.txt. */
static int
run_task(const char *sh, const char *dir, int task)
{
	char cmd[1024];
	int st;

	unlink(fixture_in_dir("ran.txt"));
	snprintf(cmd, sizeof cmd, "SLURM_ARRAY_TASK_ID=%d %s %s/slurm.sbatch "
	    "2>/dev/null", task, sh, fixture_in_dir(dir));
	st = system(cmd);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

/*
 * The job array's body: with 1001 jobs T is 1000 tasks, and task i runs
 * lines i, i + 1000, i + 2000 of a fake jobs.txt of 2500 lines that
 * append their number to ran.txt (line 2 a long one); task 500, whose
 * line 1500 fails, runs its others and fails.
 */
static void
test_plan_sbatch_body(void **state)
{
	static const char *shells[] = { "/bin/sh", "/bin/dash" };
	struct sweep sw;
	char err[512], *text, *jobs;
	size_t n = 0, cap = 2500 * 64 + 40000;
	FILE *f;

	(void)state;
	load(&sw, "array.ini", "seeds = 1001\nsteps = 1\n");
	assert_int_equal(plan(&sw, "array", true, err, sizeof err), 0);
	sweep_free(&sw);
	text = fixture_read(fixture_in_dir("array/slurm.sbatch"), NULL);
	assert_non_null(strstr(text, "\n#SBATCH --array=1-1000%7\n"));
	free(text);
	jobs = xmalloc(cap);
	for (int l = 1; l <= 2500; l++) {
		n += (size_t)snprintf(jobs + n, cap - n, "%secho %d >>'%s'",
		    l == 1500 ? "false && " : "", l, fixture_in_dir("ran.txt"));
		if (l == 1500)
			n += (size_t)snprintf(jobs + n, cap - n, "; exit 3");
		if (l == 2) {
			n += (size_t)snprintf(jobs + n, cap - n, " #");
			for (int c = 0; c < 30000; c++)
				jobs[n++] = 'x';
		}
		jobs[n++] = '\n';
	}
	jobs[n] = '\0';
	f = fopen(fixture_in_dir("array/jobs.txt"), "w");
	assert_non_null(f);
	fputs(jobs, f);
	assert_int_equal(fclose(f), 0);
	free(jobs);
	for (size_t s = 0; s < sizeof shells / sizeof shells[0]; s++) {
		if (access(shells[s], X_OK) != 0)
			continue;
		assert_int_equal(run_task(shells[s], "array", 2), 0);
		text = fixture_read(fixture_in_dir("ran.txt"), NULL);
		assert_string_equal(text, "2\n1002\n2002\n");
		free(text);
		assert_int_equal(run_task(shells[s], "array", 1000), 0);
		text = fixture_read(fixture_in_dir("ran.txt"), NULL);
		assert_string_equal(text, "1000\n2000\n");
		free(text);
		assert_int_not_equal(run_task(shells[s], "array", 500), 0);
		text = fixture_read(fixture_in_dir("ran.txt"), NULL);
		assert_string_equal(text, "500\n2500\n");
		free(text);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_files),
		cmocka_unit_test(test_plan_read_bad),
		cmocka_unit_test(test_plan_foreign),
		cmocka_unit_test(test_plan_too_many),
		cmocka_unit_test(test_plan_sbatch_body),
	};

	return cmocka_run_group_tests(tests, fixture_dir_setup,
	    fixture_dir_remove);
}
