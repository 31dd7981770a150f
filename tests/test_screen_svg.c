/*
 * The screen as SVG (screen_svg.h): every screen, the help overlay, ASCII,
 * mono and a light theme, written through the atomic writer. Here: the
 * document's frame, its font, its colours, the escaping, a refused path.
 * With a directory argument each case also leaves NAME.svg and NAME.txt
 * (canvas_to_text) there, for tests/screen_svg.sh, which parses the SVG
 * and decodes its text back into the grid.
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
#include "memscope/screen.h"
#include "memscope/screen_svg.h"
#include "dir_fixture.h"
#include "tui_fixture.h"

static const char *keep_dir;	/* argv[1], or NULL */

struct svg_case {
	const char *name;
	int screen;		/* 0-based */
	bool help, ascii, mono;
	const char *theme;
	int w, h;
};

static const struct svg_case svg_cases[] = {
	{ "dashboard-120x40", 0, false, false, false, "dark", 120, 40 },
	{ "parameters-80x24", 1, false, false, false, "dark", 80, 24 },
	{ "memory-100x30-mono", 2, false, false, true, "dark", 100, 30 },
	{ "step-120x40", 3, false, false, false, "dark", 120, 40 },
	{ "help-80x24", 0, true, false, false, "dark", 80, 24 },
	{ "dashboard-80x24-ascii", 0, false, true, false, "dark", 80, 24 },
	{ "dashboard-100x30-light", 0, false, false, false, "light", 100, 30 },
};

/* Where case file name goes. */
static const char *
svg_path(const char *name, const char *ext, char *buf, size_t len)
{
	char file[128];

	snprintf(file, sizeof file, "%s.%s", name, ext);
	if (keep_dir != NULL)
		snprintf(buf, len, "%s/%s", keep_dir, file);
	else
		snprintf(buf, len, "%s", fixture_in_dir(file));
	return buf;
}

/* Render case sc into c (canvas_init'ed here). */
static void
svg_render(const struct svg_case *sc, struct canvas *c)
{
	struct ms_config cfg;
	struct snapshot s;
	struct step_view view;
	struct screen_state st = { sc->screen, sc->help, sc->theme, NULL,
	    &view, false, NULL, false };

	config_defaults(&cfg);
	cfg.dim = 5;
	cfg.context = 20;
	cfg.layers = 3;
	cfg.memory = MS_MEMORY_CGD;
	cfg.data = MS_DATA_PAPER;
	snapshot_init(&s);
	fixture_snapshot(&s, &cfg);
	step_view_init(&view);
	step_view_sync(&view, &s);
	canvas_init(c, sc->w, sc->h, sc->ascii ? &canvas_glyphs_ascii :
	    &canvas_glyphs_utf8);
	c->mono = sc->mono;
	screen_draw(c, &s, &st, NULL);
	snapshot_free(&s);
}

static void
test_svg_case(void **state)
{
	const struct svg_case *sc = *state;
	struct canvas c;
	struct theme t;
	char path[600], err[512], *svg, *text, fill[32];
	size_t n;
	FILE *f;

	assert_int_equal(theme_load(sc->theme, &t, err, sizeof err), 0);
	svg_render(sc, &c);
	assert_int_equal(screen_svg_write(svg_path(sc->name, "svg", path,
	    sizeof path), &c, &t, !sc->mono, err, sizeof err), 0);
	svg = fixture_read(path, &n);
	/* a whole document, in DejaVu Sans Mono first, cells of fixed size */
	assert_true(strncmp(svg, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\"", 77) == 0);
	assert_non_null(strstr(svg, "font-family=\"'DejaVu Sans Mono', "));
	assert_true(n > 7 && strcmp(svg + n - 7, "</svg>\n") == 0);
	snprintf(fill, sizeof fill, "width=\"%d\" height=\"%d\"",
	    sc->w * SCREEN_SVG_CELL_W, sc->h * SCREEN_SVG_CELL_H);
	assert_non_null(strstr(svg, fill));
	/* the status line's background is the theme's (a mono screen has
	 * only the default background) */
	snprintf(fill, sizeof fill, "fill=\"#%06x\"",
	    (unsigned)t.style[COL_STATUS].bg);
	if (sc->mono)
		assert_null(strstr(svg, "<rect x="));
	else
		assert_non_null(strstr(svg, fill));
	/* bold titles, in their own colour (not their border's) */
	assert_non_null(strstr(svg, "font-weight=\"bold\""));
	snprintf(fill, sizeof fill, "fill=\"#%06x\" font-weight",
	    (unsigned)t.style[COL_TITLE].fg);
	if (!sc->mono)
		assert_non_null(strstr(svg, fill));
	free(svg);
	text = canvas_to_text(&c);
	f = fopen(svg_path(sc->name, "txt", path, sizeof path), "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	free(text);
	canvas_free(&c);
}

/* The five XML specials are escaped; a cell XML cannot hold is a '?'. */
static void
test_svg_escape(void **state)
{
	struct canvas c;
	struct theme t;
	char err[512], *svg;

	(void)state;
	theme_default(&t);
	canvas_init(&c, 12, 2, &canvas_glyphs_utf8);
	canvas_text(&c, 0, 0, 12, COL_TEXT, "<a & 'b\"> ");
	canvas_put(&c, 11, 0, 0x1b, COL_TEXT);
	canvas_text(&c, 0, 1, 12, COL_TITLE, "x  y");
	assert_int_equal(screen_svg_write(fixture_in_dir("escape.svg"), &c,
	    &t, true, err, sizeof err), 0);
	svg = fixture_read(fixture_in_dir("escape.svg"), NULL);
	assert_non_null(strstr(svg, ">&lt;a &amp; &apos;b&quot;&gt;  ?</text>"));
	/* one run over the inner blanks, a position per cell */
	assert_non_null(strstr(svg, "x=\"0 9 18 27\">x  y</text>"));
	assert_null(strchr(svg, 0x1b));
	free(svg);
	canvas_free(&c);
}

/* A path the writer refuses: -1 and a message naming it, no file. */
static void
test_svg_refused(void **state)
{
	struct canvas c;
	struct theme t;
	char err[512] = "";

	(void)state;
	theme_default(&t);
	canvas_init(&c, 10, 3, &canvas_glyphs_utf8);
	assert_int_equal(screen_svg_write("/nonexistent-dir/s.svg", &c, &t,
	    true, err, sizeof err), -1);
	assert_non_null(strstr(err, "/nonexistent-dir/s.svg"));
	canvas_free(&c);
}

int
main(int argc, char **argv)
{
	struct CMUnitTest tests[sizeof svg_cases / sizeof svg_cases[0] + 2];
	size_t i, n = sizeof svg_cases / sizeof svg_cases[0];

	if (argc > 1)
		keep_dir = argv[1];
	memset(tests, 0, sizeof tests);
	for (i = 0; i < n; i++) {
		tests[i].name = svg_cases[i].name;
		tests[i].test_func = test_svg_case;
		tests[i].initial_state = (void *)&svg_cases[i];
	}
	tests[n].name = "escape";
	tests[n].test_func = test_svg_escape;
	tests[n + 1].name = "refused";
	tests[n + 1].test_func = test_svg_refused;
	return _cmocka_run_group_tests("screen_svg", tests, n + 2,
	    fixture_dir_setup, fixture_dir_remove);
}
