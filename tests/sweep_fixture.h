/*
 * What the sweep merge tests share: a plan built in memory (struct
 * sweep_plan filled by hand, each job's configuration and id) in a scratch
 * directory, and job results written there with jansson as
 * doc/formats.md has them.
 */
#ifndef MEMSCOPE_TESTS_SWEEP_FIXTURE_H
#define MEMSCOPE_TESTS_SWEEP_FIXTURE_H

#include <jansson.h>

#include "memscope/config.h"
#include "memscope/sweep.h"

#define SFX_JOBS 16		/* the most jobs of a fixture */

/* A plan in memory and the directory its results go to. */
struct sweep_fixture {
	char dir[64];
	struct sweep_plan p;
	struct sweep_axis axes[3];
	char values[3][3][SWEEP_VALUE_LEN];
	char ids[SFX_JOBS][SWEEP_ID_LEN + 1];
	int coord[SFX_JOBS * 3];
	struct ms_config cfg[SFX_JOBS];
};

/* Axis a of the fixture: name, the key it sets, its values. */
void sfx_axis(struct sweep_fixture *fx, int a, const char *name,
    const char *key, int n, const char *const *values);

/* The plan over the axes set: every job's config, id and coordinates. */
void sfx_plan(struct sweep_fixture *fx, int naxes);

/* Make the fixture's scratch directory and its results/. */
void sfx_dir(struct sweep_fixture *fx);

/* The main fixture: kappa 10, 2 (file order; figures sort them) ×
 * layers 1, 2 × seeds 1, 2, 3. */
struct sweep_fixture *sfx_grid(void);

/* Remove the directory with all it holds, and free fx. */
void sfx_free(struct sweep_fixture *fx);

/* Write text as DIR/results/<id><ext>. */
void sfx_put_file(const struct sweep_fixture *fx, const char *id,
    const char *ext, const char *text);

/*
 * A valid result of job j as a JSON object: metric m at read-out k is
 * base + 0.5 m (1 + c) + (seed − 2) − k, with c the job's combination
 * (j / 3), so that the seed term averages to 0 over three seeds and
 * metric m − model is 0.5 m (1 + c) exactly.
 */
json_t *sfx_result(const struct sweep_fixture *fx, long j,
    const char *status);

/* Write root as job j's result (and free it). */
void sfx_put_json(const struct sweep_fixture *fx, long j, json_t *root);

/*
 * The main grid's results. Jobs (kappa, layers, seed) in job order 0..11:
 *   (10,1,*) 0-2: all ok
 *   (10,2,*) 3-5: 5 failed (ID.err)
 *   (2,1,*)  6-8: 7 corrupt (not JSON)
 *   (2,2,*)  9-11: 9 diverged (with losses that must not count),
 *                  10 missing, 11 failed (ID.err)
 */
void sfx_grid_results(const struct sweep_fixture *fx);

/* The whole of a file (caller frees). */
char *sfx_slurp(const char *dir, const char *name);

#endif
