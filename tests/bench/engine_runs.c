/*
 * The training engine alone, with no visualizer: 8 runs of the default
 * experiment (learning rates 0.010 to 0.017, which cost the same) trained
 * side by side at full speed to STEPS steps each; prints the runs' steps
 * per second from the engine's creation to the snapshot in which every run
 * has reached its last step. tests/bench/ui.sh runs it beside `memscope
 * train --runs 8` and the visualizer, to tell the engine's cost from the
 * drawing's. Not a test: make bench-ui.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "memscope/engine.h"

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

static bool
all_done(const struct snapshot *s, long steps)
{
	if (s->nruns != 8)
		return false;
	for (int i = 0; i < s->nruns; i++)
		if (s->runs[i].step < steps)
			return false;
	return true;
}

int
main(int argc, char **argv)
{
	struct ms_config cfg, runs[8];
	struct engine_opts eo = { .compare = runs, .ncompare = 8 };
	struct timespec nap = { 0, 2000000 };
	struct engine *e;
	struct snapshot *s;
	long steps = argc > 1 ? atol(argv[1]) : 4000;
	char err[256];
	double t0;

	config_defaults(&cfg);
	cfg.steps = steps;
	for (int i = 0; i < 8; i++) {
		runs[i] = cfg;
		runs[i].lr = 0.010 + 0.001 * i;
	}
	t0 = now();
	if ((e = engine_create(&cfg, NULL, &eo, err, sizeof err)) == NULL) {
		fprintf(stderr, "engine_runs: %s\n", err);
		return 1;
	}
	s = engine_first_snapshot(e);
	/* as the visualizer does: the step-through's task is traced */
	if (getenv("ENGINE_RUNS_TRACE") != NULL)
		engine_send(e, ENGINE_CMD_TRACE_TASK, 0);
	if (engine_start(e) != 0)
		return 1;
	while (!all_done(s, steps)) {
		nanosleep(&nap, NULL);
		engine_take(e, &s);
	}
	printf("%.0f\n", 8.0 * steps / (now() - t0));
	engine_free(e);
	return 0;
}
