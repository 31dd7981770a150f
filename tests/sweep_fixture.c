/*
 * The sweep merge tests' fixture (sweep_fixture.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <jansson.h>

#include "memscope/checkpoint.h"
#include "memscope/config.h"
#include "memscope/sweep.h"
#include "dir_fixture.h"
#include "sweep_fixture.h"

/* Axis a of the fixture: name, the key it sets, its values. */
void
sfx_axis(struct sweep_fixture *fx, int a, const char *name,
    const char *key, int n, const char *const *values)
{
	struct sweep_axis *ax = &fx->axes[a];

	snprintf(ax->name, sizeof ax->name, "%s", name);
	ax->key = config_key_index(key);
	ax->nvalues = n;
	ax->values = fx->values[a];
	for (int v = 0; v < n; v++)
		snprintf(fx->values[a][v], SWEEP_VALUE_LEN, "%s", values[v]);
}

/* The plan over the axes set: every job's config, id and coordinates. */
void
sfx_plan(struct sweep_fixture *fx, int naxes)
{
	char msg[256];
	long n = 1;

	for (int a = 0; a < naxes; a++)
		n *= fx->axes[a].nvalues;
	assert_true(n <= SFX_JOBS);
	for (long j = 0; j < n; j++) {
		long rest = j;

		config_defaults(&fx->cfg[j]);
		fx->cfg[j].steps = 10;
		for (int a = naxes - 1; a >= 0; a--) {
			const struct sweep_axis *ax = &fx->axes[a];
			int v = (int)(rest % ax->nvalues);

			rest /= ax->nvalues;
			fx->coord[j * naxes + a] = v;
			assert_int_equal(sweep_axis_set(&fx->cfg[j], ax, v, msg,
			    sizeof msg), 0);
		}
		sweep_job_id(&fx->cfg[j], fx->ids[j]);
	}
	memset(&fx->p, 0, sizeof fx->p);
	snprintf(fx->p.id, sizeof fx->p.id, "00112233445566ff");
	fx->p.file = "grid.ini";
	fx->p.naxes = naxes;
	fx->p.axes = fx->axes;
	fx->p.njobs = n;
	fx->p.ids = fx->ids;
	fx->p.coord = fx->coord;
}

/* Make the fixture's scratch directory and its results/. */
void
sfx_dir(struct sweep_fixture *fx)
{
	char path[128];

	snprintf(fx->dir, sizeof fx->dir, "/tmp/ms-merge-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	snprintf(path, sizeof path, "%s/results", fx->dir);
	assert_int_equal(mkdir(path, 0777), 0);
}

/* The main fixture: kappa 10, 2 (file order; figures sort them) ×
 * layers 1, 2 × seeds 1, 2, 3. */
struct sweep_fixture *
sfx_grid(void)
{
	static const char *const kappa[] = { "10", "2" }, *const layers[] = {
	    "1", "2" }, *const seeds[] = { "1", "2", "3" };
	struct sweep_fixture *fx = calloc(1, sizeof *fx);

	assert_non_null(fx);
	sfx_dir(fx);
	sfx_axis(fx, 0, "kappa", "data", 2, kappa);
	sfx_axis(fx, 1, "layers", "layers", 2, layers);
	sfx_axis(fx, 2, "seed", "seed", 3, seeds);
	sfx_plan(fx, 3);
	return fx;
}

/* Remove the directory with all it holds, and free fx. */
void
sfx_free(struct sweep_fixture *fx)
{
	assert_int_equal(fixture_remove(fx->dir), 0);
	free(fx);
}

/* Write text as DIR/results/<id><ext>. */
void
sfx_put_file(const struct sweep_fixture *fx, const char *id,
    const char *ext, const char *text)
{
	char path[160];
	FILE *f;

	snprintf(path, sizeof path, "%s/results/%s%s", fx->dir, id, ext);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/*
 * A valid result of job j as a JSON object: metric m at read-out k is
 * base + 0.5 m (1 + c) + (seed − 2) − k, with c the job's combination
 * (j / 3), so that the seed term averages to 0 over three seeds and
 * metric m − model is 0.5 m (1 + c) exactly.
 */
json_t *
sfx_result(const struct sweep_fixture *fx, long j, const char *status)
{
	const struct ms_config *cfg = &fx->cfg[j];
	json_t *root = json_object(), *logs = json_object(), *t = json_object();
	long c = j / 3;

	json_object_set_new(root, "format", json_string("memscope-sweep-result"));
	json_object_set_new(root, "version", json_integer(1));
	json_object_set_new(root, "memscope_version",
	    json_string("0.1.0"));
	json_object_set_new(root, "id", json_string(fx->ids[j]));
	json_object_set_new(root, "sweep", json_string(fx->p.id));
	json_object_set_new(root, "config", checkpoint_config_json(cfg));
	json_object_set_new(root, "status", json_string(status));
	if (strcmp(status, "diverged") == 0)
		json_object_set_new(root, "why", json_string("loss is nan"));
	json_object_set_new(root, "steps", json_integer(cfg->steps));
	json_object_set_new(root, "train_loss", json_real(0.5));
	for (int m = 0; m < SWEEP_METRICS; m++) {
		json_t *a = json_array();

		for (int k = 1; k <= cfg->layers; k++)
			json_array_append_new(a, json_real(0.5 * m * (1 + c) +
			    ((double)cfg->seed - 2) - k));
		json_object_set_new(logs, sweep_metric_name(m), a);
	}
	json_object_set_new(root, "log_test_loss", logs);
	json_object_set_new(t, "train_seconds", json_real(1.0));
	json_object_set_new(t, "evaluate_seconds", json_real(0.25));
	json_object_set_new(t, "total_seconds", json_real(1.25));
	json_object_set_new(root, "timings", t);
	json_object_set_new(root, "host", json_string("localhost"));
	json_object_set_new(root, "threads", json_integer(1));
	json_object_set_new(root, "kernels", json_string("generic"));
	return root;
}

/* Write root as job j's result (and free it). */
void
sfx_put_json(const struct sweep_fixture *fx, long j, json_t *root)
{
	char *text = json_dumps(root, JSON_INDENT(1) | JSON_REAL_PRECISION(17));

	sfx_put_file(fx, fx->ids[j], ".json", text);
	free(text);
	json_decref(root);
}

/*
 * The main grid's results. Jobs (kappa, layers, seed) in job order 0..11:
 *   (10,1,*) 0-2: all ok
 *   (10,2,*) 3-5: 5 failed (ID.err)
 *   (2,1,*)  6-8: 7 corrupt (not JSON)
 *   (2,2,*)  9-11: 9 diverged (with losses that must not count),
 *                  10 missing, 11 failed (ID.err)
 */
void
sfx_grid_results(const struct sweep_fixture *fx)
{
	for (long j = 0; j < 12; j++) {
		if (j == 5 || j == 11)
			sfx_put_file(fx, fx->ids[j], ".err", j == 5 ? "out of "
			    "memory\nsecond line\n" : "killed\n");
		else if (j == 7)
			sfx_put_file(fx, fx->ids[j], ".json", "{\"format\": ");
		else if (j == 9)
			sfx_put_json(fx, j, sfx_result(fx, j, "diverged"));
		else if (j != 10)
			sfx_put_json(fx, j, sfx_result(fx, j, "ok"));
	}
}

/* The whole of a file (caller frees). */
char *
sfx_slurp(const char *dir, const char *name)
{
	char path[256];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	return fixture_read(path, NULL);
}
