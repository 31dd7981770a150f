/* The guided tour: the lesson's data (tour.h) and its view (tour_view.h):
 * stages that run, captions that fit and have ASCII forms, the tour's
 * keys, the scripted action, and the caption box drawn into a canvas. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "engine_fixture.h"
#include "memscope/canvas.h"
#include "memscope/config.h"
#include "memscope/engine.h"
#include "memscope/layout.h"
#include "memscope/screen.h"
#include "memscope/tour.h"
#include "memscope/tour_view.h"

/* The non-ASCII glyphs a caption may use: each checked to be in DejaVu
 * Sans Mono (tests/data/dejavu-sans-mono.txt), which ℓ is not. */
static const char tour_glyphs[] = "κΣ⁻¹²γβαηλ‖·−≈→←↑↓ᵀ≤≥×…—ŷ";

/* The cards: every stage, then the closing one. */
static const struct tour_stage *
card(int i)
{
	return i < tour_lesson.n ? &tour_lesson.stage[i] : tour_lesson.end;
}

/* The code point at *s (valid UTF-8), advancing *s. */
static uint32_t
next_cp(const char **s)
{
	const unsigned char *p = (const unsigned char *)*s;
	uint32_t c = p[0];
	int n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;

	if (n > 1)
		c &= 0x3f >> (n - 1);
	for (int i = 1; i < n; i++)
		c = c << 6 | (p[i] & 0x3f);
	*s += n;
	return c;
}

/* Whether every code point of s is ASCII or one of tour_glyphs. */
static bool
allowed_glyphs(const char *s)
{
	while (*s != '\0') {
		const char *g = tour_glyphs;
		uint32_t c = next_cp(&s);
		bool ok = c < 0x80;

		while (!ok && *g != '\0')
			ok = next_cp(&g) == c;
		if (!ok)
			return false;
	}
	return true;
}

/* Every run of non-ASCII glyphs in s has an ASCII spelling: none is
 * dropped in ASCII mode. */
static void
spelled(const char *s)
{
	char run[64], buf[TOUR_TEXT_LEN];
	const char *line = s;

	while (*s != '\0') {
		size_t n = 0;

		while (s[n] != '\0' && (unsigned char)s[n] >= 0x80)
			n++;
		if (n == 0) {
			s++;
			continue;
		}
		snprintf(run, sizeof run, "%.*s", (int)n, s);
		if (tour_text(run, false, buf, sizeof buf)[0] == '\0')
			fail_msg("'%s' has no ASCII spelling (in '%s')", run,
			    line);
		s += n;
	}
}

static bool
is_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

/* cfg holds each "key=value" of kv[0..max) (up to a NULL), as
 * config_get spells it. */
static void
assert_keys_set(const struct ms_config *cfg, const char *const *kv, int max)
{
	char key[64], got[128];

	for (int i = 0; i < max && kv[i] != NULL; i++) {
		const char *eq = strchr(kv[i], '=');

		assert_non_null(eq);
		snprintf(key, sizeof key, "%.*s", (int)(eq - kv[i]), kv[i]);
		assert_int_equal(config_get(cfg, key, got, sizeof got), 0);
		if (strcmp(got, eq + 1) != 0)
			fail_msg("'%s': the run has %s=%s", kv[i], key, got);
	}
}

static void
test_stage_count(void **state)
{
	(void)state;
	assert_true(tour_lesson.n >= 5 && tour_lesson.n <= 8);
	assert_int_equal(tour_lesson.n, TOUR_NSTAGES);
	assert_non_null(tour_lesson.end);
}

/* Every stage's runs are valid configurations that fit in memory, one
 * per entry of runs (or one), on a screen the visualizer has. */
static void
test_stages_configure(void **state)
{
	struct ms_config cfg[TOUR_MAX_RUNS];
	char err[512];

	(void)state;
	for (int i = 0; i < tour_lesson.n; i++) {
		const struct tour_stage *st = &tour_lesson.stage[i];
		int n = tour_configs(st, cfg, TOUR_MAX_RUNS, err, sizeof err);
		int want = 0;

		while (want < TOUR_MAX_RUNS && st->runs[want] != NULL)
			want++;
		if (n < 0)
			fail_msg("stage %d: %s", i + 1, err);
		assert_int_equal(n, want > 0 ? want : 1);
		for (int r = 0; r < n; r++) {
			assert_int_equal(config_validate(&cfg[r], err,
			    sizeof err), 0);
			assert_int_equal(config_memory_check(&cfg[r], err,
			    sizeof err), 0);
			/* short enough to watch: at most 10 s at 100 steps/s */
			assert_true(cfg[r].steps > 0 && cfg[r].steps <= 1000);
		}
		assert_true(st->speed > 0);
		assert_true(st->screen <= TOUR_SCREEN_TEACH);
		assert_true((int)st->screen < LAYOUT_SCREENS ||
		    st->screen == TOUR_SCREEN_TEACH);
		if (st->layer >= 0)
			assert_true(st->layer <= cfg[0].layers);
		/* each run has the stage's keys, then its own */
		for (int r = 0; r < n; r++) {
			assert_keys_set(&cfg[r], st->set, TOUR_MAX_SET);
			if (want > 0)
				assert_keys_set(&cfg[r], &st->runs[r], 1);
		}
	}
}

/* A key that is not one refuses the stage, naming it. */
static void
test_bad_stage_refused(void **state)
{
	struct tour_stage st = { "bad", { "x", NULL },
	    { "layers=3", "data=kappa:0.5", NULL }, { NULL },
	    TOUR_SCREEN_DASHBOARD, -1, 100, TOUR_ACTION_NONE, 0 };
	struct ms_config cfg[TOUR_MAX_RUNS];
	char err[512];

	(void)state;
	assert_int_equal(tour_configs(&st, cfg, TOUR_MAX_RUNS, err,
	    sizeof err), -1);
	assert_non_null(strstr(err, "stage 'bad'"));
	assert_non_null(strstr(err, "data"));
	st.set[1] = "nokey";
	assert_int_equal(tour_configs(&st, cfg, TOUR_MAX_RUNS, err,
	    sizeof err), -1);
	assert_non_null(strstr(err, "nokey"));
}

/* Captions: 1 .. TOUR_CAPTION_LINES lines of at most TOUR_CAPTION_W cells
 * (inside the box on 80 columns), UTF-8 and spelled in ASCII alike; the
 * titles fit the box's top edge with "stage k of N: ". */
static void
test_captions_fit(void **state)
{
	char buf[TOUR_TEXT_LEN];

	(void)state;
	for (int i = 0; i <= tour_lesson.n; i++) {
		const struct tour_stage *st = card(i);

		/* at most TOUR_CAPTION_LINES lines, and the list ended */
		assert_null(st->caption[TOUR_CAPTION_LINES]);
		for (int u = 0; u < 2; u++) {
			int n = 0;
			const char *l;

			while ((l = tour_caption_line(st, n, u, buf,
			    sizeof buf)) != NULL) {
				if (canvas_text_width(l) > TOUR_CAPTION_W)
					fail_msg("card %d line %d is %d cells: "
					    "%s", i + 1, n + 1,
					    canvas_text_width(l), l);
				n++;
			}
			assert_true(n >= 1 && n <= TOUR_CAPTION_LINES);
			assert_true(canvas_text_width(tour_text(st->title, u,
			    buf, sizeof buf)) + 16 <= TOUR_CAPTION_W);
		}
	}
}

/* In ASCII mode only ASCII, every glyph spelled (none dropped); in UTF-8
 * only glyphs the font has. */
static void
test_ascii_fallbacks(void **state)
{
	char buf[TOUR_TEXT_LEN];

	(void)state;
	for (int i = 0; i <= tour_lesson.n; i++) {
		const struct tour_stage *st = card(i);
		const char *l;

		assert_true(is_ascii(tour_text(st->title, false, buf,
		    sizeof buf)));
		assert_true(allowed_glyphs(st->title));
		spelled(st->title);
		for (int n = 0; (l = tour_caption_line(st, n, false, buf,
		    sizeof buf)) != NULL; n++) {
			if (!is_ascii(l))
				fail_msg("card %d line %d is not ASCII: %s",
				    i + 1, n + 1, l);
			spelled(st->caption[n]);
		}
		for (int n = 0; (l = tour_caption_line(st, n, true, buf,
		    sizeof buf)) != NULL; n++)
			if (!allowed_glyphs(l))
				fail_msg("card %d line %d has a glyph outside "
				    "the font: %s", i + 1, n + 1, l);
	}
}

/* Space forward to the closing card and out, b back (not before the
 * first), p, r, q; other keys are the visualizer's. */
static void
test_keys(void **state)
{
	struct tour_view v;

	(void)state;
	tour_view_init(&v, &tour_lesson, 0);
	assert_true(tour_view_needs_engine(&v));
	v.running = 0;
	assert_false(tour_view_needs_engine(&v));
	assert_int_equal(tour_view_key(&v, 'b'), TOUR_VIEW_STAY);
	assert_int_equal(v.stage, 0);
	for (int i = 1; i < tour_lesson.n; i++) {
		assert_int_equal(tour_view_key(&v, ' '), TOUR_VIEW_STAGE);
		assert_int_equal(v.stage, i);
		assert_ptr_equal(tour_view_stage(&v), &tour_lesson.stage[i]);
		assert_true(tour_view_needs_engine(&v));
	}
	assert_int_equal(tour_view_key(&v, 'b'), TOUR_VIEW_STAGE);
	assert_int_equal(v.stage, tour_lesson.n - 2);
	assert_int_equal(tour_view_key(&v, ' '), TOUR_VIEW_STAGE);
	/* the last stage's space: the closing card, nothing to train */
	assert_int_equal(tour_view_key(&v, ' '), TOUR_VIEW_STAGE);
	assert_null(tour_view_stage(&v));
	assert_false(tour_view_needs_engine(&v));
	assert_int_equal(tour_view_key(&v, 'r'), TOUR_VIEW_STAY);
	assert_int_equal(tour_view_key(&v, ' '), TOUR_VIEW_QUIT);
	assert_int_equal(tour_view_key(&v, 'p'), TOUR_VIEW_PAUSE);
	assert_int_equal(tour_view_key(&v, 'q'), TOUR_VIEW_QUIT);
	assert_int_equal(tour_view_key(&v, '\t'), TOUR_VIEW_NONE);
	assert_int_equal(tour_view_key(&v, 'c'), TOUR_VIEW_NONE);
	tour_view_init(&v, &tour_lesson, 2);
	assert_int_equal(tour_view_key(&v, 'r'), TOUR_VIEW_RESTART);
	/* --stage beyond the lesson: its last stage */
	tour_view_init(&v, &tour_lesson, 99);
	assert_int_equal(v.stage, tour_lesson.n - 1);
}

/* The scripted data switch: one stage has it, before its last step, to
 * the data the caption names (the c key's next conditioning). */
static void
test_action(void **state)
{
	struct ms_config cfg[TOUR_MAX_RUNS], next;
	char err[512], name[32], want[48];
	int found = 0;

	(void)state;
	for (int i = 0; i < tour_lesson.n; i++) {
		const struct tour_stage *st = &tour_lesson.stage[i];

		if (st->action == TOUR_ACTION_NONE)
			continue;
		found++;
		assert_true(st->action_step > 0);
		assert_int_equal(tour_configs(st, cfg, TOUR_MAX_RUNS, err,
		    sizeof err), 1);
		assert_true(st->action_step < cfg[0].steps);
		engine_next_data(&cfg[0], &next);
		config_data_name(&next, name, sizeof name);
		/* "kappa:100" is said "κ = 100" */
		assert_non_null(strstr(name, "kappa:"));
		snprintf(want, sizeof want, "κ = %s", name + 6);
		assert_non_null(strstr(st->caption[0], want));
	}
	assert_int_equal(found, 1);
}

/* The switch is the worker's, at the stage's step exactly even at full
 * speed (a UI that saw the step go by would switch later): the run's one
 * mark is there, its data the next conditioning. */
static void
test_action_at_step(void **state)
{
	static const struct tour_stage st = { "switch", { "x", NULL },
	    { "memory=none", "layers=1", "batch=40", "test-batch=40",
	    "data=kappa:10", "steps=60", NULL }, { NULL },
	    TOUR_SCREEN_DASHBOARD, -1, 100, TOUR_ACTION_DATA, 17 };
	const struct tour t = { &st, 1, &st };
	const struct snapshot_run *r;
	struct snapshot *s;
	struct tour_view v;
	struct engine *e;
	char err[512];

	(void)state;
	tour_view_init(&v, &t, 0);
	e = tour_view_engine(&v, 0, err, sizeof err);
	if (e == NULL)
		fail_msg("%s", err);
	assert_int_equal(engine_start(e), 0);
	s = engine_first_snapshot(e);
	assert_true(fixture_wait(e, &s, fixture_state_is, ENGINE_FINISHED,
	    30));
	r = snapshot_focus(s);
	assert_non_null(r);
	assert_int_equal(s->step, 60);
	assert_int_equal(r->nmarks, 1);
	assert_int_equal(r->marks[0].step, 17);
	assert_string_equal(r->marks[0].label, "kappa:100");
	engine_free(e);
}

/* Each stage's engine can be made (not started). */
static void
test_engines(void **state)
{
	struct tour_view v;
	char err[512];

	(void)state;
	for (int i = 0; i < tour_lesson.n; i++) {
		struct engine *e;

		tour_view_init(&v, &tour_lesson, i);
		e = tour_view_engine(&v, ENGINE_SPEED_DEFAULT, err,
		    sizeof err);
		if (e == NULL)
			fail_msg("stage %d: %s", i + 1, err);
		assert_int_equal(v.running, i);
		assert_false(tour_view_needs_engine(&v));
		engine_free(e);
	}
}

/* The box of every card at w x h with glyphs g: the title, each caption
 * line and the key line in it, above the status line, within the canvas. */
static void
check_box(int w, int h, const struct glyphs *g)
{
	struct tour_view v;
	struct canvas c;
	char title[TOUR_TEXT_LEN + 32], buf[TOUR_TEXT_LEN], *text;
	const char *keys = g->utf8 ?
	    "space next · b back · h hide · p pause · r restart stage · q quit" :
	    "space next | b back | h hide | p pause | r restart stage | q quit";

	canvas_init(&c, w, h, g);
	tour_view_init(&v, &tour_lesson, 0);
	for (int i = 0; i <= tour_lesson.n; i++) {
		const struct tour_stage *st = card(i);
		struct rect r;
		const char *l, *last;

		v.stage = i;
		canvas_clear(&c);
		/* the status line's row, which the box leaves alone */
		canvas_text(&c, 0, h - 1, w, COL_TEXT, "STATUS");
		tour_view_draw(&c, &v, false);
		r = tour_view_box(&c, &v, false);
		assert_true(r.x == 0 && r.w == w && r.y >= 0);
		assert_int_equal(r.y + r.h, h - 1);
		text = canvas_to_text(&c);
		if (i < tour_lesson.n)
			snprintf(title, sizeof title, "stage %d of %d: %s",
			    i + 1, tour_lesson.n, tour_text(st->title,
			    g->utf8, buf, sizeof buf));
		else
			snprintf(title, sizeof title, "%s", st->title);
		if (strstr(text, title) == NULL)
			fail_msg("%dx%d: no '%s' in\n%s", w, h, title, text);
		for (int n = 0; (l = tour_caption_line(st, n, g->utf8, buf,
		    sizeof buf)) != NULL; n++)
			assert_non_null(strstr(text, l));
		last = i < tour_lesson.n ? keys : g->utf8 ?
		    "space or q ends the tour · b back" :
		    "space or q ends the tour | b back";
		assert_non_null(strstr(text, last));
		assert_non_null(strstr(text, "STATUS"));
		if (!g->utf8)
			assert_true(is_ascii(text));
		free(text);
	}
	canvas_free(&c);
}

static void
test_box_80x24(void **state)
{
	(void)state;
	check_box(80, 24, &canvas_glyphs_utf8);
	check_box(80, 24, &canvas_glyphs_ascii);
}

static void
test_box_200x60(void **state)
{
	(void)state;
	check_box(200, 60, &canvas_glyphs_utf8);
	check_box(200, 60, &canvas_glyphs_ascii);
}

/* Docked under the screen where the terminal has room for both (the box
 * then ends on the last row), over its bottom where not; h hides the
 * caption until the stage changes. */
static void
test_box_docked_and_hidden(void **state)
{
	struct tour_view v;
	struct canvas c;
	struct rect r;
	char *text;
	int rows;

	(void)state;
	tour_view_init(&v, &tour_lesson, 1);
	canvas_init(&c, 200, 60, &canvas_glyphs_utf8);
	rows = tour_view_dock_rows(&c, &v, 24);
	r = tour_view_box(&c, &v, true);
	assert_int_equal(rows, r.h);
	assert_int_equal(r.y + r.h, 60);
	canvas_free(&c);
	canvas_init(&c, 80, 24, &canvas_glyphs_utf8);
	assert_int_equal(tour_view_dock_rows(&c, &v, 24), 0);

	assert_int_equal(tour_view_key(&v, 'h'), TOUR_VIEW_STAY);
	assert_true(v.hidden);
	canvas_clear(&c);
	tour_view_draw(&c, &v, false);
	text = canvas_to_text(&c);
	assert_null(strstr(text, "stage 2 of"));
	free(text);
	canvas_free(&c);
	canvas_init(&c, 200, 60, &canvas_glyphs_utf8);
	assert_int_equal(tour_view_dock_rows(&c, &v, 24), 0);
	assert_int_equal(tour_view_key(&v, 'h'), TOUR_VIEW_STAY);
	assert_false(v.hidden);
	tour_view_key(&v, 'h');
	assert_int_equal(tour_view_key(&v, ' '), TOUR_VIEW_STAGE);
	assert_false(v.hidden);	/* a new stage shows its caption */
	canvas_free(&c);
}

/* Whether the help of canvas c on screen sc (with the tour's lines) has
 * each of n phrases (has) or none of them. */
static void
help_check(struct canvas *c, int sc, const char *const *phrases, size_t n,
    bool has)
{
	char *text;

	canvas_clear(c);
	screen_help(c, sc, tour_view_key_lines, tour_view_nkey_lines);
	text = canvas_to_text(c);
	for (size_t i = 0; i < n; i++)
		if ((strstr(text, phrases[i]) != NULL) != has)
			fail_msg("%dx%d, screen %d: '%s' %s the tour's help\n%s",
			    c->w, c->h, sc + 1, phrases[i], has ? "not in" :
			    "in", text);
	free(text);
}

/* The help in the tour names the tour's keys, not what space, p, r and q
 * do elsewhere, and keeps the others' (Tab, the theme); whole, on every
 * screen, in either glyph set, on 80x24 and 200x60. */
static void
test_help(void **state)
{
	static const char *const says[] = { "next / previous stage",
	    "hide / show the caption", "pause / resume", "restart the stage",
	    "end the tour", "next screen", "next theme" };
	static const char *const elsewhere[] = { "continue a finished run",
	    "param: scalar", "restart the focused run", "quit", "more lines" };
	static const int sizes[][2] = { { 80, 24 }, { 200, 60 } };
	struct canvas c;

	(void)state;
	for (int z = 0; z < 2; z++)
	for (int u = 0; u < 2; u++) {
		canvas_init(&c, sizes[z][0], sizes[z][1], u ?
		    &canvas_glyphs_utf8 : &canvas_glyphs_ascii);
		for (int sc = 0; sc < LAYOUT_SCREENS; sc++) {
			help_check(&c, sc, says, sizeof says / sizeof says[0],
			    true);
			help_check(&c, sc, elsewhere, sizeof elsewhere /
			    sizeof elsewhere[0], false);
		}
		canvas_free(&c);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stage_count),
		cmocka_unit_test(test_stages_configure),
		cmocka_unit_test(test_bad_stage_refused),
		cmocka_unit_test(test_captions_fit),
		cmocka_unit_test(test_ascii_fallbacks),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_action),
		cmocka_unit_test(test_action_at_step),
		cmocka_unit_test(test_engines),
		cmocka_unit_test(test_box_80x24),
		cmocka_unit_test(test_box_200x60),
		cmocka_unit_test(test_box_docked_and_hidden),
		cmocka_unit_test(test_help),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
