/*
 * Golden frames: panels and whole screens rendered from the fixed snapshot
 * at fixed sizes, compared as text with tests/golden/NAME.txt (and the
 * heatmaps' colour roles with NAME.roles). MEMSCOPE_GOLDEN_UPDATE=1 rewrites
 * the files instead; review the diff before committing them.
 */
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
#include "memscope/screen.h"
#include "tui_fixture.h"

#define GOLDEN_DIR MEMSCOPE_SRCDIR "/tests/golden"

static void
golden_config(struct ms_config *cfg, enum ms_param p, enum ms_memory mem)
{
	config_defaults(cfg);
	cfg->dim = 5;
	cfg->context = 20;
	cfg->layers = 3;
	cfg->heads = 1;
	cfg->param = p;
	cfg->memory = mem;
	cfg->data = MS_DATA_PAPER;
	cfg->seed = 1;
}

static char *
golden_read(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n + 1);
	if (buf == NULL || fread(buf, 1, n, f) != (size_t)n) {
		fclose(f);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void
golden_compare(const char *name, const char *ext, const char *got)
{
	char path[512], *want;
	FILE *f;

	snprintf(path, sizeof path, "%s/%s.%s", GOLDEN_DIR, name, ext);
	if (getenv("MEMSCOPE_GOLDEN_UPDATE") != NULL) {
		f = fopen(path, "wb");
		assert_non_null(f);
		fputs(got, f);
		fclose(f);
		return;
	}
	want = golden_read(path);
	if (want == NULL)
		fail_msg("missing golden file %s", path);
	if (strcmp(want, got) != 0) {
		fprintf(stderr, "--- %s (want)\n%s--- got\n%s", path, want, got);
		free(want);
		fail_msg("frame differs from %s", path);
	}
	free(want);
}

/* One letter per cell: the colour role of its foreground ('a' + role). */
static char *
golden_roles(const struct canvas *c)
{
	char *out = malloc((size_t)c->h * (c->w + 1) + 1);
	int x, y, at = 0;

	for (y = 0; y < c->h; y++) {
		for (x = 0; x < c->w; x++) {
			int r = c->cells[y * c->w + x].fg;

			out[at++] = r == COL_DEFAULT ? '.' : (char)('A' + r);
		}
		out[at++] = '\n';
	}
	out[at] = '\0';
	return out;
}

struct golden_case {
	const char *name;
	const struct panel_class *panel;	/* NULL: a whole screen */
	int screen;
	bool help;
	int w, h;
	bool ascii, mono, roles;
	enum ms_param param;
	enum ms_memory memory;
	int layer;		/* the step-through screen's ℓ */
	bool glossary;		/* the glossary overlay */
};

static const struct golden_case golden_cases[] = {
	{ "loss-60x16", &panel_loss, 0, false, 60, 16, false, false, false,
	    MS_PARAM_PRE, MS_MEMORY_CGD, 0 },
	{ "loss-60x16-ascii", &panel_loss, 0, false, 60, 16, true, true,
	    false, MS_PARAM_PRE, MS_MEMORY_CGD, 0 },
	{ "layers-40x8", &panel_layers, 0, false, 40, 8, false, false, false,
	    MS_PARAM_PRE, MS_MEMORY_CGD, 0 },
	{ "matrices-pre-60x12", &panel_matrices, 0, false, 60, 12, false,
	    false, true, MS_PARAM_PRE, MS_MEMORY_CGD, 0 },
	{ "matrices-gdpp-70x12-mono", &panel_matrices, 0, false, 70, 12,
	    false, true, false, MS_PARAM_GDPP, MS_MEMORY_NONE, 0 },
	{ "matrices-scalar-40x8", &panel_matrices, 0, false, 40, 8, true,
	    true, false, MS_PARAM_SCALAR, MS_MEMORY_NONE, 0 },
	{ "memory-cgd-36x10", &panel_memory, 0, false, 36, 10, false, false,
	    false, MS_PARAM_PRE, MS_MEMORY_CGD, 0 },
	{ "memory-lfom-50x10", &panel_memory, 0, false, 50, 10, false, false,
	    true, MS_PARAM_PRE, MS_MEMORY_LFOM, 0 },
	{ "memory-lfom-36x10-mono", &panel_memory, 0, false, 36, 10, true,
	    true, false, MS_PARAM_PRE, MS_MEMORY_LFOM, 0 },
	{ "dashboard-80x24", NULL, 0, false, 80, 24, false, false, true,
	    MS_PARAM_PRE, MS_MEMORY_CGD, 0 },
	{ "dashboard-120x40-ascii", NULL, 0, false, 120, 40, true, true,
	    false, MS_PARAM_PRE, MS_MEMORY_LFOM, 0 },
	{ "help-80x24", NULL, 0, true, 80, 24, false, false, false,
	    MS_PARAM_PRE, MS_MEMORY_CGD, 0 },
	{ "step-80x24", NULL, 3, false, 80, 24, false, false, true,
	    MS_PARAM_PRE, MS_MEMORY_CGD, 2 },
	{ "step-160x50", NULL, 3, false, 160, 50, false, false, true,
	    MS_PARAM_PRE, MS_MEMORY_LFOM, 3 },
	{ "step-100x30-ascii", NULL, 3, false, 100, 30, true, true, false,
	    MS_PARAM_FULL, MS_MEMORY_NONE, 1 },
	{ "step-80x24-layer0", NULL, 3, false, 80, 24, false, false, false,
	    MS_PARAM_SCALAR, MS_MEMORY_NONE, 0 },
	{ "small-60x20", NULL, 0, false, 60, 20, false, false, false,
	    MS_PARAM_PRE, MS_MEMORY_CGD, 0 },
	/* the screens at the three sizes, with colour and without */
	{ "dashboard-200x60", NULL, 0, false, 200, 60, false, false, true,
	    MS_PARAM_PRE, MS_MEMORY_CGD, 0 },
	{ "dashboard-200x60-mono", NULL, 0, false, 200, 60, false, true,
	    false, MS_PARAM_GDPP, MS_MEMORY_LFOM, 0 },
	{ "parameters-80x24", NULL, 1, false, 80, 24, false, false, true,
	    MS_PARAM_PRE, MS_MEMORY_CGD, 0 },
	{ "parameters-120x40-mono", NULL, 1, false, 120, 40, false, true,
	    false, MS_PARAM_GDPP, MS_MEMORY_CGD, 0 },
	{ "parameters-200x60", NULL, 1, false, 200, 60, false, false, true,
	    MS_PARAM_PRE, MS_MEMORY_CGD, 0 },
	{ "memory-80x24", NULL, 2, false, 80, 24, false, false, true,
	    MS_PARAM_PRE, MS_MEMORY_CGD, 0 },
	{ "memory-120x40-ascii", NULL, 2, false, 120, 40, true, true, false,
	    MS_PARAM_PRE, MS_MEMORY_LFOM, 0 },
	{ "memory-200x60", NULL, 2, false, 200, 60, false, false, true,
	    MS_PARAM_PRE, MS_MEMORY_LFOM, 0 },
	{ "memory-80x24-none", NULL, 2, false, 80, 24, false, false, false,
	    MS_PARAM_PRE, MS_MEMORY_NONE, 0 },
	{ "help-200x60", NULL, 0, true, 200, 60, false, false, false,
	    MS_PARAM_PRE, MS_MEMORY_CGD, 0 },
	/* the rest of every screen at 80x24, 120x40 and 200x60 with the three
	 * compared runs, in colour (the roles too) and mono (NO_COLOR) */
	{ "dashboard-80x24-mono", NULL, 0, false, 80, 24, false, true, false,
	    MS_PARAM_PRE, MS_MEMORY_LFOM, 0 },
	{ "dashboard-120x40", NULL, 0, false, 120, 40, false, false, true,
	    MS_PARAM_PRE, MS_MEMORY_CGD, 0 },
	{ "dashboard-120x40-mono", NULL, 0, false, 120, 40, false, true,
	    false, MS_PARAM_PRE, MS_MEMORY_CGD, 0 },
	{ "parameters-80x24-mono", NULL, 1, false, 80, 24, false, true,
	    false, MS_PARAM_PRE, MS_MEMORY_CGD, 0 },
	{ "parameters-120x40", NULL, 1, false, 120, 40, false, false, true,
	    MS_PARAM_PRE, MS_MEMORY_CGD, 0 },
	{ "parameters-200x60-mono", NULL, 1, false, 200, 60, false, true,
	    false, MS_PARAM_PRE, MS_MEMORY_LFOM, 0 },
	{ "memory-80x24-mono", NULL, 2, false, 80, 24, false, true, false,
	    MS_PARAM_PRE, MS_MEMORY_CGD, 0 },
	{ "memory-120x40", NULL, 2, false, 120, 40, false, false, true,
	    MS_PARAM_PRE, MS_MEMORY_CGD, 0 },
	{ "memory-120x40-mono", NULL, 2, false, 120, 40, false, true, false,
	    MS_PARAM_PRE, MS_MEMORY_LFOM, 0 },
	{ "memory-200x60-mono", NULL, 2, false, 200, 60, false, true, false,
	    MS_PARAM_PRE, MS_MEMORY_CGD, 0 },
	{ "step-80x24-mono", NULL, 3, false, 80, 24, false, true, false,
	    MS_PARAM_PRE, MS_MEMORY_CGD, 2 },
	{ "step-120x40", NULL, 3, false, 120, 40, false, false, true,
	    MS_PARAM_PRE, MS_MEMORY_CGD, 1 },
	{ "step-120x40-mono", NULL, 3, false, 120, 40, false, true, false,
	    MS_PARAM_PRE, MS_MEMORY_LFOM, 2 },
	{ "step-200x60", NULL, 3, false, 200, 60, false, false, true,
	    MS_PARAM_PRE, MS_MEMORY_LFOM, 3 },
	{ "step-200x60-mono", NULL, 3, false, 200, 60, false, true, false,
	    MS_PARAM_PRE, MS_MEMORY_CGD, 1 },
	/* the teaching screen and the glossary */
	{ "teach-80x24", NULL, 4, false, 80, 24, false, false, true,
	    MS_PARAM_PRE, MS_MEMORY_CGD, 2 },
	{ "teach-80x24-mono", NULL, 4, false, 80, 24, false, true, false,
	    MS_PARAM_PRE, MS_MEMORY_LFOM, 1 },
	{ "teach-160x50", NULL, 4, false, 160, 50, false, false, true,
	    MS_PARAM_SCALAR, MS_MEMORY_NONE, 3 },
	{ "teach-160x50-mono", NULL, 4, false, 160, 50, false, true, false,
	    MS_PARAM_PRE, MS_MEMORY_LFOM, 3 },
	{ "teach-100x30-ascii", NULL, 4, false, 100, 30, true, true, false,
	    MS_PARAM_SCALAR, MS_MEMORY_CGD, 2 },
	{ "glossary-80x24", NULL, 4, false, 80, 24, false, false, false,
	    MS_PARAM_PRE, MS_MEMORY_CGD, 0, true },
};

static void
test_golden(void **state)
{
	const struct golden_case *gc = *state;
	struct ms_config cfg;
	struct snapshot s;
	struct step_view view;
	struct screen_state st = { gc->screen, gc->help, "dark", NULL, &view,
	    false, NULL, gc->glossary };
	struct panel_ctx ctx = { .theme = "dark", .nscreens = 5 };
	struct canvas c;
	char *text;

	golden_config(&cfg, gc->param, gc->memory);
	snapshot_init(&s);
	fixture_snapshot(&s, &cfg);
	fixture_trace(&s, 7);
	step_view_init(&view);
	view.task = 7;
	view.layer = gc->layer;
	step_view_sync(&view, &s);
	ctx.s = &s;
	canvas_init(&c, gc->w, gc->h, gc->ascii ? &canvas_glyphs_ascii :
	    &canvas_glyphs_utf8);
	c.mono = gc->mono;
	if (gc->panel != NULL)
		gc->panel->draw(&ctx, &c, (struct rect){ 0, 0, gc->w, gc->h });
	else
		screen_draw(&c, &s, &st, NULL);
	text = canvas_to_text(&c);
	golden_compare(gc->name, "txt", text);
	free(text);
	if (gc->roles) {
		text = golden_roles(&c);
		golden_compare(gc->name, "roles", text);
		free(text);
	}
	canvas_free(&c);
	snapshot_free(&s);
}

int
main(void)
{
	struct CMUnitTest tests[sizeof golden_cases / sizeof golden_cases[0]];
	size_t i;

	for (i = 0; i < sizeof golden_cases / sizeof golden_cases[0]; i++) {
		memset(&tests[i], 0, sizeof tests[i]);
		tests[i].name = golden_cases[i].name;
		tests[i].test_func = test_golden;
		tests[i].initial_state = (void *)&golden_cases[i];
	}
	return _cmocka_run_group_tests("golden", tests, i, NULL, NULL);
}
