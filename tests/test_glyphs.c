/*
 * Every glyph the visualizer can put on the screen: every screen and the
 * help overlay, rendered from the fixed snapshot for each memory kind, each
 * parametrization, one and two heads (with a run labelled as the engine
 * labels a data comparison, and a hidden run), every engine state, every
 * layer of the step-through, several sizes (the "too small" notice too),
 * in colour and mono, with UTF-8 glyphs and with ASCII ones.
 *
 * ASCII frames must hold ASCII only (asserted here). The UTF-8 frames'
 * non-ASCII code points are printed, one per line ("U+2502 │"), and with
 * an argument written to that file, which tests/glyphs.sh checks against
 * braille, block elements, box drawing and DejaVu Sans Mono's character map.
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
#include "tui_fixture.h"

#define GLYPHS_MAX 0x110000

static const char *glyphs_out;	/* where the UTF-8 set goes, or NULL */

/* A set of code points, one bit each. */
struct glyph_set {
	uint8_t bit[GLYPHS_MAX / 8];
};

static void
glyph_set_add(struct glyph_set *g, uint32_t cp)
{
	if (cp < GLYPHS_MAX)
		g->bit[cp / 8] |= (uint8_t)(1u << (cp % 8));
}

static int
glyph_set_has(const struct glyph_set *g, uint32_t cp)
{
	return (g->bit[cp / 8] >> (cp % 8)) & 1;
}

static const int glyph_sizes[][2] = {
	{ 80, 24 }, { 120, 40 }, { 200, 60 }, { 60, 20 }, { 100, 30 },
	{ 30, 10 },		/* below the smallest layout: the notice */
};
#define NSIZES ((int)(sizeof glyph_sizes / sizeof glyph_sizes[0]))

static const enum engine_state glyph_states[] = {
	ENGINE_STARTING, ENGINE_RUNNING, ENGINE_PAUSED, ENGINE_FINISHED,
	ENGINE_DIVERGED,
};
#define NSTATES ((int)(sizeof glyph_states / sizeof glyph_states[0]))

/* Add every cell of c to g; with ascii_only, the first non-ASCII cell's
 * code point and place go to *bad_cp, *bad_x, *bad_y. */
static void
glyph_collect(const struct canvas *c, struct glyph_set *g, bool ascii_only,
    uint32_t *bad_cp, int *bad_x, int *bad_y)
{
	const struct cell *cl;
	int x, y;

	for (y = 0; y < c->h; y++)
		for (x = 0; x < c->w; x++) {
			cl = &c->cells[(size_t)y * c->w + x];
			if (cl->ch == 0)
				continue;
			glyph_set_add(g, cl->ch);
			if (ascii_only && cl->ch >= 0x80 && *bad_cp == 0) {
				*bad_cp = cl->ch;
				*bad_x = x;
				*bad_y = y;
			}
		}
}

static void
glyph_config(struct ms_config *cfg, enum ms_param p, enum ms_memory mem,
    int heads)
{
	config_defaults(cfg);
	cfg->dim = 5;
	cfg->context = 20;
	cfg->layers = 3;
	cfg->heads = heads;
	cfg->param = p;
	cfg->memory = mem;
	cfg->data = MS_DATA_PAPER;
	cfg->seed = 1;
}

/* Render every screen, help and state of snapshot s at every size into g,
 * with glyphs gl (mono or not); a non-ASCII cell in an ASCII frame fails
 * the test, naming the frame. */
static void
glyph_frames(struct snapshot *s, const struct glyphs *gl, bool mono,
    struct glyph_set *g, const char *label)
{
	struct step_view view;
	struct screen_state st = { 0, false, "dark", NULL, &view, false, NULL, false };
	struct canvas c;
	uint32_t bad = 0;
	int sz, sc, help, k, layer, bx = 0, by = 0;
	char *text;

	step_view_init(&view);
	step_view_sync(&view, s);
	for (sz = 0; sz < NSIZES; sz++) {
		canvas_init(&c, glyph_sizes[sz][0], glyph_sizes[sz][1], gl);
		c.mono = mono;
		for (k = 0; k < NSTATES; k++) {
			s->state = glyph_states[k];
			/* a message, a set-up under way and a UI note */
			snprintf(s->message, sizeof s->message, "%s",
			    k % 2 ? "saved memscope.ckpt" : "");
			snprintf(s->busy, sizeof s->busy, "%s",
			    k == 0 ? "drawing the batches" : "");
			st.note = k == 3 ? "theme: no such theme" : NULL;
			for (sc = 0; sc < LAYOUT_SCREENS; sc++)
				for (help = 0; help < 2; help++)
					for (layer = 0; layer <= s->cfg.layers;
					    layer++) {
						/* layers: step-through only */
						if (layer > 0 && sc != 3)
							break;
						view.layer = layer;
						st.screen = sc;
						st.help = help;
						screen_draw(&c, s, &st, NULL);
						glyph_collect(&c, g, !gl->utf8,
						    &bad, &bx, &by);
						if (bad == 0)
							continue;
						text = canvas_to_text(&c);
						fprintf(stderr, "%s", text);
						free(text);
						fail_msg("%s %dx%d screen %d%s "
						    "state %d: U+%04X at "
						    "(%d, %d) in ASCII mode",
						    label, c.w, c.h, sc + 1,
						    help ? " help" : "", k,
						    (unsigned)bad, bx, by);
					}
		}
		canvas_free(&c);
	}
}

/* Every configuration's frames, UTF-8 or ASCII, colour and mono. */
static void
glyph_all(const struct glyphs *gl, struct glyph_set *g)
{
	static const enum ms_param params[] = { MS_PARAM_SCALAR,
		MS_PARAM_PRE, MS_PARAM_GDPP, MS_PARAM_FULL };
	static const enum ms_memory mems[] = { MS_MEMORY_NONE,
		MS_MEMORY_CGD, MS_MEMORY_LFOM };
	struct ms_config cfg;
	struct snapshot s;
	char label[96];
	int p, m, heads, mono;

	for (p = 0; p < 4; p++)
		for (m = 0; m < 3; m++)
			for (heads = 1; heads <= 2; heads++) {
				glyph_config(&cfg, params[p], mems[m], heads);
				snapshot_init(&s);
				fixture_snapshot(&s, &cfg);
				/* the engine's labels of a data comparison
				 * (engine_run.c), and a hidden run */
				if (heads == 2) {
					snprintf(s.runs[1].label,
					    sizeof s.runs[1].label, "κ100");
					snprintf(s.runs[1].label_ascii,
					    sizeof s.runs[1].label_ascii, "k100");
					s.runs[2].visible = false;
				}
				for (mono = 0; mono < 2; mono++) {
					snprintf(label, sizeof label,
					    "%s %s H%d%s",
					    config_param_name(params[p]),
					    config_memory_name(mems[m]),
					    heads, mono ? " mono" : "");
					glyph_frames(&s, gl, mono, g, label);
				}
				snapshot_free(&s);
			}
}

/* ASCII mode (--ascii, or a locale that is not UTF-8): ASCII only. */
static void
test_glyphs_ascii(void **state)
{
	struct glyph_set *g = calloc(1, sizeof *g);
	int cp, n = 0;

	(void)state;
	assert_non_null(g);
	glyph_all(&canvas_glyphs_ascii, g);
	for (cp = 0x20; cp < 0x7f; cp++)
		n += glyph_set_has(g, cp);
	/* something was drawn: letters, digits and box corners at least */
	assert_true(n > 40);
	free(g);
}

/* UTF-8 mode: the non-ASCII glyphs used, listed (and written out); braille
 * cells are many, so they are summarised in one line. */
static void
test_glyphs_utf8(void **state)
{
	struct glyph_set *g = calloc(1, sizeof *g);
	FILE *f = NULL;
	char u[5];
	uint32_t cp;
	int n = 0, braille = 0;

	(void)state;
	assert_non_null(g);
	glyph_all(&canvas_glyphs_utf8, g);
	if (glyphs_out != NULL) {
		f = fopen(glyphs_out, "w");
		assert_non_null(f);
	}
	for (cp = 0x80; cp < GLYPHS_MAX; cp++) {
		if (!glyph_set_has(g, cp))
			continue;
		n++;
		canvas_utf8_encode(cp, u);
		if (f != NULL)
			fprintf(f, "U+%04X %s\n", (unsigned)cp, u);
		if (cp >= 0x2800 && cp <= 0x28ff)
			braille++;
		else
			printf("U+%04X %s\n", (unsigned)cp, u);
	}
	printf("and %d braille cells: %d non-ASCII glyphs in all\n",
	    braille, n);
	if (f != NULL)
		assert_int_equal(fclose(f), 0);
	/* the plots' braille and the boxes' lines were drawn */
	assert_true(glyph_set_has(g, 0x2502) && braille > 0);
	free(g);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_glyphs_ascii),
		cmocka_unit_test(test_glyphs_utf8),
	};

	if (argc > 1)
		glyphs_out = argv[1];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
