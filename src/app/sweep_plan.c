/*
 * A sweep's jobs and its plan files (sweep.h; doc/formats.md "Sweeps").
 *
 * Job k of a sweep is the k-th combination of the axes' values in
 * row-major order (the last axis, the seed's if there is one, varies
 * fastest): its configuration is the sweep's base (defaults and constants)
 * with its axis values set through config_set, runs 1. Its id is FNV-1a 64
 * of a canonical text that lists every key that can change a result, as
 * config_get writes it, in config key order:
 *
 *     memscope-sweep-job 1\n  then  key=value\n  for each key
 *
 * threads and runs are left out, and so is a key config_key_optional()
 * names when it holds its default: a key added later never changes an old
 * job's id. The sweep id hashes "memscope-sweep 1\n" and each job id with
 * "\n", in job order.
 *
 * The plan: DIR/jobs.txt (one shell command per job), DIR/slurm.sbatch (a
 * job array running those lines), DIR/results/ and DIR/logs/, and last
 * DIR/sweep.json, so that a plan directory with a sweep.json is whole.
 * Every file goes through the one atomic writer. Before anything is
 * written, a directory holding another sweep's plan or results is refused.
 * Reading sweep.json back is sweep_plan_read.c.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "memscope/checkpoint.h"
#include "memscope/config.h"
#include "memscope/dir.h"
#include "memscope/input.h"
#include "memscope/json_out.h"
#include "memscope/sweep.h"
#include "memscope/xmalloc.h"

#define SWEEP_JOB_TEXT "memscope-sweep-job 1\n"
#define SWEEP_SID_TEXT "memscope-sweep 1\n"
#define SWEEP_ARRAY_MAX 1000	/* array tasks: Slurm's default MaxArraySize
				 * is 1001, so indices 1..1000 */

/* Whether key i belongs in a job's id text (and its jobs.txt line). */
static bool
sweep_id_key(const struct ms_config *cfg, const struct ms_config *def,
    int i)
{
	const char *key = config_key_name(i);

	if (strcmp(key, "threads") == 0 || strcmp(key, "runs") == 0)
		return false;
	return !config_key_optional(key) || !config_key_equal(cfg, def, key);
}

/* The job id of a configuration, into id. */
void
sweep_job_id(const struct ms_config *cfg, char id[SWEEP_ID_LEN + 1])
{
	struct ms_config def;
	char text[8192], value[SWEEP_VALUE_LEN];
	size_t n = 0;

	config_defaults(&def);
	n += (size_t)snprintf(text, sizeof text, "%s", SWEEP_JOB_TEXT);
	for (int i = 0; i < config_key_count(); i++) {
		if (!sweep_id_key(cfg, &def, i))
			continue;
		config_get(cfg, config_key_name(i), value, sizeof value);
		n += (size_t)snprintf(text + n, sizeof text - n, "%s=%s\n",
		    config_key_name(i), value);
	}
	snprintf(id, SWEEP_ID_LEN + 1, "%016" PRIx64,
	    checkpoint_fnv1a64(text, n));
}

/* Whether s is an id (sweep.h). */
bool
sweep_is_id(const char *s)
{
	return s != NULL && strlen(s) == SWEEP_ID_LEN &&
	    strspn(s, "0123456789abcdef") == SWEEP_ID_LEN;
}

/* A job's settings as "kappa=2 layers=4", for messages. */
static void
sweep_settings_text(const struct sweep *sw, const int *coord, char *buf,
    size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int a = 0; a < sw->naxes && n < len; a++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s=%s", a > 0 ?
		    " " : "", sw->axes[a].name,
		    sw->axes[a].values[coord[a]]);
}

/* Set value v of axis ax in cfg (kappa's K as data = kappa:K). */
int
sweep_axis_set(struct ms_config *cfg, const struct sweep_axis *ax, int v,
    char *err, size_t errlen)
{
	char text[SWEEP_VALUE_LEN + 8];

	snprintf(text, sizeof text, "%s%s", strcmp(ax->name, "kappa") == 0 ?
	    "kappa:" : "", ax->values[v]);
	return config_set(cfg, config_key_name(ax->key), text, err, errlen);
}

/* Job `index` of the sweep: configuration, id, coordinates. */
int
sweep_job_at(const struct sweep *sw, long index, struct sweep_job *job,
    char *err, size_t errlen)
{
	char settings[512], msg[320];
	long rest = index;

	if (index < 0 || index >= sw->njobs)
		return config_error(err, errlen, "%s: no job %ld (the sweep "
		    "has %ld)", sw->path, index, sw->njobs);
	job->index = index;
	job->cfg = sw->base;
	/* row-major: the last axis varies fastest */
	for (int a = sw->naxes - 1; a >= 0; a--) {
		job->coord[a] = (int)(rest % sw->axes[a].nvalues);
		rest /= sw->axes[a].nvalues;
	}
	for (int a = 0; a < sw->naxes; a++)
		if (sweep_axis_set(&job->cfg, &sw->axes[a], job->coord[a], msg,
		    sizeof msg) != 0)
			return config_error(err, errlen, "%s:%d: %s", sw->path,
			    sw->axes[a].line, msg);
	job->cfg.runs = 1;
	if (config_validate(&job->cfg, msg, sizeof msg) != 0) {
		sweep_settings_text(sw, job->coord, settings, sizeof settings);
		return config_error(err, errlen, "%s: the job %s%s: %s",
		    sw->path, sw->naxes > 0 ? "with " : "of the constants",
		    settings, msg);
	}
	sweep_job_id(&job->cfg, job->id);
	return 0;
}

/* Free jobs from sweep_jobs. */
void
sweep_jobs_free(struct sweep_job *jobs, long njobs)
{
	if (jobs == NULL)
		return;
	for (long k = 0; k < njobs; k++)
		free(jobs[k].coord);
	free(jobs);
}

/* The sweep id over n job ids in job order. */
void
sweep_plan_id(const char (*ids)[SWEEP_ID_LEN + 1], long n,
    char sid[SWEEP_ID_LEN + 1])
{
	size_t len = strlen(SWEEP_SID_TEXT) + (size_t)n * (SWEEP_ID_LEN + 1);
	char *text = xmalloc(len + 1), *p = text;

	p += sprintf(p, "%s", SWEEP_SID_TEXT);
	for (long k = 0; k < n; k++)
		p += sprintf(p, "%s\n", ids[k]);
	snprintf(sid, SWEEP_ID_LEN + 1, "%016" PRIx64,
	    checkpoint_fnv1a64(text, len));
	free(text);
}

/* Every job of the sweep, and the sweep id. */
int
sweep_jobs(const struct sweep *sw, struct sweep_job **jobs,
    char sid[SWEEP_ID_LEN + 1], char *err, size_t errlen)
{
	struct sweep_job *j = xcalloc((size_t)sw->njobs, sizeof *j);
	char (*ids)[SWEEP_ID_LEN + 1];

	for (long k = 0; k < sw->njobs; k++) {
		j[k].coord = xcalloc((size_t)(sw->naxes > 0 ? sw->naxes : 1),
		    sizeof *j[k].coord);
		if (sweep_job_at(sw, k, &j[k], err, errlen) != 0) {
			sweep_jobs_free(j, k + 1);
			*jobs = NULL;
			return -1;
		}
	}
	ids = xmalloc((size_t)sw->njobs * sizeof *ids);
	for (long k = 0; k < sw->njobs; k++)
		memcpy(ids[k], j[k].id, sizeof ids[k]);
	sweep_plan_id((const char (*)[SWEEP_ID_LEN + 1])ids, sw->njobs, sid);
	free(ids);
	*jobs = j;
	return 0;
}

/* What the plan files' writers are given. */
struct sweep_plan_ctx {
	const struct sweep *sw;
	const struct sweep_job *jobs;
	const char *sid;
	const char *dir;	/* absolute */
	const struct sweep_plan_opts *o;
};

/* Write word for sh: as it is if it holds only [A-Za-z0-9_./:=+-], else
 * in single quotes (a quote as '\''). */
static void
sweep_quote(FILE *fp, const char *word)
{
	static const char plain[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:=+-";

	if (*word != '\0' && word[strspn(word, plain)] == '\0') {
		fputs(word, fp);
		return;
	}
	fputc('\'', fp);
	for (const char *p = word; *p != '\0'; p++)
		if (*p == '\'')
			fputs("'\\''", fp);
		else
			fputc(*p, fp);
	fputc('\'', fp);
}

/* DIR/jobs.txt: one self-contained command per job. */
static int
sweep_write_jobs(FILE *fp, const void *arg)
{
	const struct sweep_plan_ctx *c = arg;
	struct ms_config def;
	char kv[SWEEP_VALUE_LEN + 40];

	config_defaults(&def);
	for (long k = 0; k < c->sw->njobs; k++) {
		const struct ms_config *cfg = &c->jobs[k].cfg;

		sweep_quote(fp, c->o->memscope != NULL ? c->o->memscope :
		    "memscope");
		fputs(" sweep job ", fp);
		sweep_quote(fp, c->dir);
		fprintf(fp, " %s", c->jobs[k].id);
		for (int i = 0; i < config_key_count(); i++) {
			int n;

			if (!sweep_id_key(cfg, &def, i))
				continue;
			n = snprintf(kv, sizeof kv, "%s=", config_key_name(i));
			config_get(cfg, config_key_name(i), kv + n,
			    sizeof kv - (size_t)n);
			fputc(' ', fp);
			sweep_quote(fp, kv);
		}
		if (c->sw->threads_given)
			fprintf(fp, " threads=%d", cfg->threads);
		fputc('\n', fp);
	}
	return ferror(fp) ? -1 : 0;
}

/* The array tasks: njobs, at most SWEEP_ARRAY_MAX. */
static long
sweep_array_tasks(const struct sweep *sw)
{
	return sw->njobs < SWEEP_ARRAY_MAX ? sw->njobs : SWEEP_ARRAY_MAX;
}

/* DIR/slurm.sbatch: a job array over jobs.txt, for plain sh. */
static int
sweep_write_sbatch(FILE *fp, const void *arg)
{
	const struct sweep_plan_ctx *c = arg;
	long tasks = sweep_array_tasks(c->sw);

	fputs("#!/bin/sh\n", fp);
	fprintf(fp, "# memscope sweep %s: %ld jobs planned from %s, as a "
	    "Slurm job array.\n", c->sid, c->sw->njobs, c->sw->path);
	fprintf(fp, "# Submit it with:  sbatch %s/slurm.sbatch\n", c->dir);
	fprintf(fp, "# Options given to sbatch on its command line override "
	    "the #SBATCH lines\n# below, e.g.  sbatch --partition=short "
	    "--time=2:00:00 %s/slurm.sbatch\n", c->dir);
	fprintf(fp, "# Array task i runs lines i, i+%ld, i+%ld, ... of "
	    "jobs.txt, one after another;\n# a job whose result exists is "
	    "skipped, so submitting again resumes the sweep.\n"
	    "# Logs: logs/JOBID_TASK.out and .err. Then: memscope sweep merge "
	    "%s\n", tasks, 2 * tasks, c->dir);
	fprintf(fp, "#SBATCH --job-name=memscope-%.8s\n", c->sid);
	fprintf(fp, "#SBATCH --array=1-%ld", tasks);
	if (c->o->array_limit > 0)
		fprintf(fp, "%%%d", c->o->array_limit);
	fputc('\n', fp);
	fputs("#SBATCH --ntasks=1\n", fp);
	fprintf(fp, "#SBATCH --cpus-per-task=%d\n", c->sw->base.threads);
	fputs("#SBATCH --output=", fp);
	sweep_quote(fp, c->dir);
	fputs("/logs/%A_%a.out\n#SBATCH --error=", fp);
	sweep_quote(fp, c->dir);
	fputs("/logs/%A_%a.err\n\n", fp);
	fputs("jobs=", fp);
	sweep_quote(fp, c->dir);
	fprintf(fp, "/jobs.txt\ntasks=%ld\n", tasks);
	/* memscope's BLAS calls are serial: OpenBLAS's own threads would
	 * only spin beside the job at each start (10% of 40 short jobs) */
	fputs("export OPENBLAS_NUM_THREADS=\"${OPENBLAS_NUM_THREADS:-1}\"\n",
	    fp);
	fputs("[ -r \"$jobs\" ] || { echo \"cannot read $jobs\" >&2; exit 2; }\n",
	    fp);
	fputs("task=${SLURM_ARRAY_TASK_ID:?this is a Slurm job array: submit "
	    "it with sbatch}\n"
	    "case $task in ''|*[!0-9]*) echo \"bad SLURM_ARRAY_TASK_ID "
	    "'$task'\" >&2; exit 2;; esac\n"
	    "# lines task, task + tasks, ...: awk picks them, sh runs each\n"
	    "awk -v t=\"$task\" -v n=\"$tasks\" "
	    "'NR >= t && (NR - t) % n == 0' \"$jobs\" | {\n"
	    "\tfailed=0\n"
	    "\twhile IFS= read -r line; do\n"
	    "\t\tsh -c \"$line\" </dev/null || {\n"
	    "\t\t\techo \"memscope sweep: failed: $line\" >&2\n"
	    "\t\t\tfailed=$((failed + 1))\n"
	    "\t\t}\n"
	    "\tdone\n"
	    "\t[ \"$failed\" -eq 0 ]\n"
	    "}\n", fp);
	return ferror(fp) ? -1 : 0;
}

/* The "jobs" member of sweep.json. */
static json_t *
sweep_plan_jobs_json(const struct sweep *sw, const struct sweep_job *jobs)
{
	json_t *arr = json_array();

	for (long k = 0; k < sw->njobs; k++) {
		json_t *job = json_object(), *set = json_object();

		json_object_set_new(job, "id", json_string(jobs[k].id));
		for (int a = 0; a < sw->naxes; a++)
			json_object_set_new(set, sw->axes[a].name,
			    json_string(sw->axes[a].values[jobs[k].coord[a]]));
		json_object_set_new(job, "settings", set);
		json_array_append_new(arr, job);
	}
	return arr;
}

/* DIR/sweep.json. */
static int
sweep_write_json(FILE *fp, const void *arg)
{
	const struct sweep_plan_ctx *c = arg;
	const struct sweep *sw = c->sw;
	json_t *root = json_out_root("memscope-sweep"), *axes = json_array();
	struct ms_config base = sw->base;
	int rc;

	json_object_set_new(root, "id", json_string(c->sid));
	json_object_set_new(root, "file", json_string(sw->path));
	for (int a = 0; a < sw->naxes; a++) {
		json_t *ax = json_object(), *vals = json_array();

		json_object_set_new(ax, "name", json_string(sw->axes[a].name));
		json_object_set_new(ax, "key",
		    json_string(config_key_name(sw->axes[a].key)));
		for (int v = 0; v < sw->axes[a].nvalues; v++)
			json_array_append_new(vals,
			    json_string(sw->axes[a].values[v]));
		json_object_set_new(ax, "values", vals);
		json_array_append_new(axes, ax);
	}
	json_object_set_new(root, "axes", axes);
	base.runs = 1;
	json_object_set_new(root, "base", checkpoint_config_json(&base));
	json_object_set_new(root, "jobs", sweep_plan_jobs_json(sw, c->jobs));
	rc = json_dumpf(root, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (rc == 0)
		fputc('\n', fp);
	return rc != 0 || ferror(fp) ? -1 : 0;
}

/* Compare two ids (qsort, bsearch). */
static int
sweep_cmp_id(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The "sweep" member of a result file, into sid ("?" if there is none). */
static void
sweep_result_sweep(const char *path, char sid[SWEEP_ID_LEN + 1])
{
	static const struct input_limits lim = { "a sweep result",
	    INPUT_INI_BYTES * 16, 0, INPUT_WAIT_MS };
	char *text, msg[256];
	size_t len;
	json_t *root, *s;

	snprintf(sid, SWEEP_ID_LEN + 1, "?");
	if (input_read(path, &lim, &text, &len, msg, sizeof msg) != 0)
		return;
	root = json_loadb(text, len, 0, NULL);
	free(text);
	s = json_object_get(root, "sweep");
	if (json_is_string(s))
		snprintf(sid, SWEEP_ID_LEN + 1, "%s", json_string_value(s));
	json_decref(root);
}

/* Refuse (-2) a DIR holding another sweep's plan or results. */
static int
sweep_plan_foreign(const char *dir, const char *sid,
    const struct sweep_job *jobs, long njobs, char *err, size_t errlen)
{
	struct sweep_plan old;
	char (*ids)[SWEEP_ID_LEN + 1], other[SWEEP_ID_LEN + 1], msg[320];
	size_t len = strlen(dir) + 40;
	char *path = xmalloc(len);
	struct dirent *de;
	DIR *d;
	int rc = sweep_plan_read(&old, dir, msg, sizeof msg);

	if (rc == -1) {
		free(path);
		return config_error(err, errlen, "%s holds a sweep.json that "
		    "is not a sweep plan (%s); give a new --out or remove it",
		    dir, msg) - 1;
	}
	if (rc == 0 && strcmp(old.id, sid) != 0) {
		config_error(err, errlen, "%s holds another sweep's results "
		    "(sweep %s from %s); give a new --out or remove it", dir,
		    old.id, old.file);
		sweep_plan_free(&old);
		free(path);
		return -2;
	}
	if (rc == 0)
		sweep_plan_free(&old);
	snprintf(path, len, "%s/results", dir);
	if ((d = opendir(path)) == NULL) {
		free(path);
		return 0;
	}
	ids = xmalloc((size_t)njobs * sizeof *ids);
	for (long k = 0; k < njobs; k++)
		memcpy(ids[k], jobs[k].id, sizeof ids[k]);
	qsort(ids, (size_t)njobs, sizeof *ids, sweep_cmp_id);
	rc = 0;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		char id[SWEEP_ID_LEN + 1];

		snprintf(id, sizeof id, "%.16s", de->d_name);
		if (!sweep_is_id(id) || strcmp(de->d_name + strlen(id),
		    ".json") != 0)
			continue;
		if (bsearch(id, ids, (size_t)njobs, sizeof *ids,
		    sweep_cmp_id) != NULL)
			continue;
		snprintf(path, len, "%s/results/%s", dir, de->d_name);
		sweep_result_sweep(path, other);
		rc = config_error(err, errlen, "%s holds another sweep's "
		    "results (sweep %s, results/%s); give a new --out or "
		    "remove it", dir, other, de->d_name) - 1;
	}
	closedir(d);
	free(ids);
	free(path);
	return rc;
}

/* Make dir/sub. */
static int
sweep_make_sub(const char *dir, const char *sub, char *err, size_t errlen)
{
	size_t len = strlen(dir) + strlen(sub) + 2;
	char *path = xmalloc(len);
	int rc;

	snprintf(path, len, "%s/%s", dir, sub);
	rc = dir_make(path, err, errlen);
	free(path);
	return rc;
}

/* slurm.sbatch executable where it is readable (chmod +x), as sbatch
 * does not need but a reader running it by hand expects. */
static void
sweep_make_executable(const char *dir, const char *name)
{
	size_t len = strlen(dir) + strlen(name) + 2;
	char *path = xmalloc(len);
	struct stat st;

	snprintf(path, len, "%s/%s", dir, name);
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
		(void)chmod(path, (st.st_mode & 07777) |
		    ((st.st_mode & 0444) >> 2));
	free(path);
}

/* Whether s holds a control character (a newline would split a line of
 * jobs.txt or end a comment of slurm.sbatch). */
static bool
sweep_has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* Write the plan files into dir. */
static int
sweep_plan_files(const struct sweep *sw, const char *dir,
    const struct sweep_plan_opts *o, const struct sweep_job *jobs,
    const char *sid, char *err, size_t errlen)
{
	struct sweep_plan_ctx c = { sw, jobs, sid, NULL, o };
	char *abs;
	int rc = -1;

	if (dir_make(dir, err, errlen) != 0)
		return -1;
	if ((abs = realpath(dir, NULL)) == NULL)
		return config_error(err, errlen, "cannot resolve %s: %s", dir,
		    strerror(errno));
	c.dir = abs;
	if (sweep_has_control(abs)) {
		config_error(err, errlen, "%s: its absolute name %s holds a "
		    "control character", dir, abs);
		free(abs);
		return -2;
	}
	if (sweep_make_sub(abs, "results", err, errlen) == 0 &&
	    sweep_make_sub(abs, "logs", err, errlen) == 0 &&
	    dir_write(abs, "jobs.txt", sweep_write_jobs, &c, err, errlen) == 0 &&
	    dir_write(abs, "slurm.sbatch", sweep_write_sbatch, &c, err,
	    errlen) == 0) {
		sweep_make_executable(abs, "slurm.sbatch");
		rc = dir_write(abs, "sweep.json", sweep_write_json, &c, err,
		    errlen);
	}
	free(abs);
	return rc;
}

/* Write the plan into dir; -2 for a refusal, -1 for a write error. */
int
sweep_plan_write(const struct sweep *sw, const char *dir,
    const struct sweep_plan_opts *o, char *err, size_t errlen)
{
	struct sweep_job *jobs;
	char sid[SWEEP_ID_LEN + 1];
	int rc;

	if (sw->njobs > SWEEP_CONFIRM_JOBS && !o->yes)
		return config_error(err, errlen, "%s: the grid has %ld jobs, "
		    "more than %d: give --yes to plan them all", sw->path,
		    sw->njobs, SWEEP_CONFIRM_JOBS) - 1;
	if (sweep_has_control(dir) || sweep_has_control(sw->path) ||
	    (o->memscope != NULL && sweep_has_control(o->memscope)))
		return config_error(err, errlen, "%s: the sweep file's, the "
		    "directory's or the memscope command's name holds a control "
		    "character (a newline would split the lines of jobs.txt)",
		    dir) - 1;
	if (sweep_jobs(sw, &jobs, sid, err, errlen) != 0)
		return -2;
	rc = sweep_plan_foreign(dir, sid, jobs, sw->njobs, err, errlen);
	if (rc == 0)
		rc = sweep_plan_files(sw, dir, o, jobs, sid, err, errlen);
	sweep_jobs_free(jobs, sw->njobs);
	return rc;
}
