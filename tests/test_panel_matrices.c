/*
 * The parameters panel for an optimizer learned directly: titled by its
 * kind (it has no heads), one row of weights per step, none of the
 * attention panel's heatmaps or cosines.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "memscope/config.h"
#include "memscope/panel.h"
#include "tui_fixture.h"

/* Row y of c as ASCII ('#' for anything else). */
static void
row_text(const struct canvas *c, int y, char *out)
{
	int x;

	for (x = 0; x < c->w; x++) {
		uint32_t ch = c->cells[y * c->w + x].ch;

		out[x] = ch == 0 ? ' ' : ch < 127 ? (char)ch : '#';
	}
	out[x] = '\0';
}

static void
test_direct_title_and_rows(void **state)
{
	struct ms_config cfg;
	struct snapshot s;
	struct panel_ctx ctx = { .theme = "dark", .nscreens = 4 };
	struct canvas c;
	char row[128];

	(void)state;
	config_defaults(&cfg);
	cfg.param = MS_PARAM_DIRECT;
	cfg.memory = MS_MEMORY_NONE;
	cfg.heads = 1;
	snapshot_init(&s);
	fixture_snapshot(&s, &cfg);
	ctx.s = &s;
	canvas_init(&c, 90, 10, &canvas_glyphs_ascii);
	panel_matrices.draw(&ctx, &c, (struct rect){ 0, 0, 90, 10 });
	row_text(&c, 0, row);
	assert_non_null(strstr(row, "parameters (direct)"));
	assert_null(strstr(row, "head"));
	assert_null(strstr(row, "cos"));
	/* one row per step, g1 .. g4, with each of its d weights in order */
	for (int k = 1; k <= cfg.layers; k++) {
		const double *g = snapshot_block(&s, "g", k - 1, -1, NULL);
		const char *at;
		char want[16];

		snprintf(want, sizeof want, "g%d", k);
		row_text(&c, k, row);
		assert_non_null(strstr(row, want));
		assert_non_null(g);
		at = row;
		for (int f = 0; f < cfg.dim; f++) {
			snprintf(want, sizeof want, "%+.3f", g[f]);
			at = strstr(at, want);
			if (at == NULL)
				fail_msg("row %d lacks weight %d, %s", k, f,
				    want);
			at += strlen(want);
		}
	}
	canvas_free(&c);
	snapshot_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_direct_title_and_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
