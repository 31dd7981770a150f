/*
 * The frame budget: the dashboard at 200x60 drawn from the test fixture
 * widened to 8 runs of 4096 noisy points each (a curve's most), with EMA
 * smoothing and the cursor on, then plain; the loss panel alone; then
 * every other screen (the teaching screen too) and the help overlay at
 * 200x60. Prints milliseconds per frame. Not a test (timings depend on the
 * machine): make bench-frame.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "memscope/screen.h"
#include "tui_fixture.h"

#define FRAMES 200

static double
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* Runs 3..7 copies of the fixture's three with their own slots; every
 * run 4096 points of a noisy decay, a test every 10 steps. */
static void
bench_runs(struct snapshot *s)
{
	int i, j;

	for (i = 3; i < SNAPSHOT_MAX_RUNS; i++) {
		s->runs[i] = s->runs[i % 3];
		memset(&s->runs[i].hist, 0, sizeof s->runs[i].hist);
		memset(&s->runs[i].coef, 0, sizeof s->runs[i].coef);
		s->runs[i].layer_mse = NULL;
		s->runs[i].cap_L = 0;
		snapshot_run_set_layers(&s->runs[i], s->L);
		s->runs[i].style = i;
		s->runs[i].id = i + 1;
	}
	s->nruns = SNAPSHOT_MAX_RUNS;
	for (i = 0; i < s->nruns; i++) {
		s->runs[i].hist.n = 0;
		for (j = 0; j < 4096; j++) {
			double tr = (5 - i * 0.3) * exp(-j / (600.0 + 50 * i)) +
			    0.3 + 0.05 * sin(j * (i + 1));

			snapshot_curve_append(&s->runs[i].hist, j + 1, tr,
			    j % 10 == 0 ? tr * 1.1 : NAN);
		}
		s->runs[i].target = 4096;
	}
}

int
main(void)
{
	struct ms_config cfg;
	struct snapshot s;
	struct plot_view pv;
	struct step_view sv;
	struct screen_state st = { .theme = "dark", .step = &sv, .plot = &pv };
	struct panel_ctx ctx = { .s = &s, .theme = "dark",
	    .nscreens = LAYOUT_SCREENS, .plot = &pv };
	struct canvas c;
	double t0;
	int k, pass;

	config_defaults(&cfg);
	cfg.layers = 3;
	cfg.memory = MS_MEMORY_CGD;
	snapshot_init(&s);
	fixture_snapshot(&s, &cfg);
	bench_runs(&s);
	plot_view_init(&pv);
	plot_view_sync(&pv, &s);
	step_view_init(&sv);
	step_view_sync(&sv, &s);
	canvas_init(&c, 200, 60, &canvas_glyphs_utf8);
	for (pass = 0; pass < 2; pass++) {
		pv.cursor_on = pass == 0;
		pv.cursor = 2000;
		pv.smooth = pass == 0 ? 2 : 0;
		t0 = now_ms();
		for (k = 0; k < FRAMES; k++)
			screen_draw(&c, &s, &st, NULL);
		printf("dashboard 200x60, 8 runs x 4096 points%s: %.2f ms "
		    "a frame\n", pass == 0 ? ", EMA 0.9, cursor" : "",
		    (now_ms() - t0) / FRAMES);
		t0 = now_ms();
		for (k = 0; k < FRAMES; k++) {
			canvas_clear(&c);
			panel_loss.draw(&ctx, &c, (struct rect){ 0, 0, 120, 33 });
		}
		printf("  the loss panel alone (120x33): %.2f ms\n",
		    (now_ms() - t0) / FRAMES);
	}
	/* every other screen, and the help over the dashboard */
	for (st.screen = 1; st.screen <= LAYOUT_SCREENS; st.screen++) {
		static const char *const name[] = { "", "parameters",
		    "memory", "step-through", "teach", "help" };

		st.help = st.screen == LAYOUT_SCREENS;
		if (st.help)
			st.screen = 0;
		t0 = now_ms();
		for (k = 0; k < FRAMES; k++)
			screen_draw(&c, &s, &st, NULL);
		printf("%s 200x60: %.2f ms a frame\n", name[st.help ?
		    LAYOUT_SCREENS : st.screen], (now_ms() - t0) / FRAMES);
		if (st.help)
			break;
	}
	canvas_free(&c);
	snapshot_free(&s);
	return 0;
}
