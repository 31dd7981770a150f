/*
 * asciicast recordings (cast.h): a session of frames drawn from the fixed
 * snapshot (a status change, other screens, the help, a resize, a new
 * theme) is recorded, then read back: every line is JSON (jansson), the
 * header is asciicast v2's, the times never decrease, and replaying the
 * output through a tiny terminal (cursor positioning, SGR, UTF-8 text, the
 * resize event) gives the last frame's text and colours. Each prefix of the
 * session is recorded on its own, so every frame's difference is checked.
 * With an argument the whole session is also left in that file, for
 * tests/cast.sh (asciinema cat).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <jansson.h>

#include "memscope/cast.h"
#include "memscope/colour.h"
#include "memscope/config.h"
#include "memscope/screen.h"
#include "memscope/theme_cell.h"
#include "dir_fixture.h"
#include "tui_fixture.h"

#define NFRAMES 8

static const char *keep_path;	/* argv[1], or NULL */

/* The session's frame i: its size, screen, help, state, theme, time. */
struct cast_frame_def {
	int w, h, screen;
	bool help;
	enum engine_state state;
	const char *theme;
	double t;
};

static const struct cast_frame_def cast_frames[NFRAMES] = {
	{ 80, 24, 0, false, ENGINE_PAUSED, "dark", 0.0 },
	{ 80, 24, 0, false, ENGINE_RUNNING, "dark", 0.5 },
	{ 80, 24, 0, false, ENGINE_RUNNING, "dark", 0.25 },	/* earlier */
	{ 80, 24, 1, false, ENGINE_RUNNING, "dark", 1.0 },
	{ 80, 24, 1, true, ENGINE_RUNNING, "dark", 1.5 },
	{ 100, 30, 0, false, ENGINE_FINISHED, "dark", 2.0 },	/* resize */
	{ 100, 30, 3, false, ENGINE_FINISHED, "light", 2.5 },	/* theme */
	{ 100, 30, 2, false, ENGINE_FINISHED, "light", 3.0 },
};

/* Draw frame i into c (canvas_init'ed here); t gets its theme. */
static void
cast_draw(int i, struct canvas *c, struct theme *t)
{
	const struct cast_frame_def *fd = &cast_frames[i];
	struct ms_config cfg;
	struct snapshot s;
	struct step_view view;
	struct screen_state st = { fd->screen, fd->help, fd->theme, NULL,
	    &view, false, NULL, false };
	char err[256];

	config_defaults(&cfg);
	cfg.dim = 5;
	cfg.context = 20;
	cfg.layers = 3;
	cfg.memory = MS_MEMORY_LFOM;
	snapshot_init(&s);
	fixture_snapshot(&s, &cfg);
	s.state = fd->state;
	s.step = 640 + 10 * i;
	step_view_init(&view);
	step_view_sync(&view, &s);
	assert_int_equal(theme_load(fd->theme, t, err, sizeof err), 0);
	canvas_init(c, fd->w, fd->h, &canvas_glyphs_utf8);
	screen_draw(c, &s, &st, NULL);
	snapshot_free(&s);
}

/* Record frames 0 .. n - 1 into path; the last one is left in *last. */
static void
cast_record(const char *path, int n, struct canvas *last,
    struct theme *last_theme)
{
	struct cast *k;
	struct canvas c;
	struct theme t;
	char err[512], prev_theme[64] = "";
	int i;

	k = cast_open(path, err, sizeof err);
	assert_non_null(k);
	for (i = 0; i < n; i++) {
		cast_draw(i, &c, &t);
		if (strcmp(prev_theme, t.name) != 0) {
			cast_theme(k, &t, true);
			snprintf(prev_theme, sizeof prev_theme, "%s", t.name);
		}
		cast_frame(k, &c, cast_frames[i].t);
		if (i < n - 1)
			canvas_free(&c);
	}
	assert_int_equal(cast_close(k, err, sizeof err), 0);
	*last = c;
	*last_theme = t;
}

/* The tiny terminal the recording is replayed on. */
struct vt {
	int w, h, x, y;
	uint32_t *ch, *fg;	/* (h, w) */
	uint32_t cur_fg;	/* COLOUR_NONE: the default */
};

static void
vt_resize(struct vt *v, int w, int h)
{
	free(v->ch);
	free(v->fg);
	v->w = w;
	v->h = h;
	v->ch = calloc((size_t)w * h, sizeof *v->ch);
	v->fg = calloc((size_t)w * h, sizeof *v->fg);
	assert_true(v->ch != NULL && v->fg != NULL);
	v->x = v->y = 0;
}

static void
vt_clear(struct vt *v)
{
	for (int i = 0; i < v->w * v->h; i++) {
		v->ch[i] = ' ';
		v->fg[i] = COLOUR_NONE;
	}
}

/* SGR parameters p[0 .. n - 1]. */
static void
vt_sgr(struct vt *v, const int *p, int n)
{
	for (int i = 0; i < n; i++) {
		if (p[i] == 0)
			v->cur_fg = COLOUR_NONE;
		else if ((p[i] == 38 || p[i] == 48) && i + 4 < n &&
		    p[i + 1] == 2) {
			if (p[i] == 38)
				v->cur_fg = (uint32_t)(p[i + 2] << 16 |
				    p[i + 3] << 8 | p[i + 4]);
			i += 4;
		} else
			assert_true(p[i] == 1 || p[i] == 2 || p[i] == 4 ||
			    p[i] == 7);
	}
}

/* One escape sequence from s (at ESC); returns the bytes it took. */
static size_t
vt_escape(struct vt *v, const unsigned char *s)
{
	int p[32] = { 0 }, n = 0;
	size_t i = 2;
	bool priv = false;

	assert_int_equal(s[1], '[');
	if (s[i] == '?') {
		priv = true;
		i++;
	}
	for (; (s[i] >= '0' && s[i] <= '9') || s[i] == ';'; i++) {
		if (s[i] == ';')
			n++;
		else
			p[n] = p[n] * 10 + (s[i] - '0');
		assert_true(n < 32);
	}
	n++;
	switch (s[i]) {
	case 'H':
		v->y = (p[0] > 0 ? p[0] : 1) - 1;
		v->x = (n > 1 && p[1] > 0 ? p[1] : 1) - 1;
		assert_true(v->x < v->w && v->y < v->h);
		break;
	case 'J':
		assert_int_equal(p[0], 2);
		vt_clear(v);
		break;
	case 'm':
		vt_sgr(v, p, n);
		break;
	case 'l':
	case 'h':
		assert_true(priv && p[0] == 25);	/* the cursor shown */
		break;
	default:
		fail_msg("unknown escape sequence ending in '%c'", s[i]);
	}
	return i + 1;
}

/* Write output s (UTF-8 and escape sequences) on v. */
static void
vt_write(struct vt *v, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t cp;
	int n;

	while (*s != '\0') {
		if (*s == 0x1b) {
			s += vt_escape(v, s);
			continue;
		}
		assert_true(*s >= 0x20);
		n = *s < 0x80 ? 0 : *s < 0xe0 ? 1 : *s < 0xf0 ? 2 : 3;
		cp = n == 0 ? *s : *s & (0x3f >> n);
		for (int i = 1; i <= n; i++)
			cp = cp << 6 | (s[i] & 0x3f);
		s += n + 1;
		/* a pending wrap: the recording moves the cursor first */
		assert_true(v->x < v->w && v->y < v->h);
		v->ch[v->y * v->w + v->x] = cp;
		v->fg[v->y * v->w + v->x] = v->cur_fg;
		v->x++;
	}
}

/* Read the recording at path back, replaying it on v. */
static void
cast_replay(const char *path, struct vt *v)
{
	char *text = fixture_read(path, NULL), *line, *save = NULL;
	json_t *j;
	json_error_t je;
	double last = 0, t;
	const char *type, *data;
	int w, h, events = 0;

	line = strtok_r(text, "\n", &save);
	assert_non_null(line);
	j = json_loads(line, 0, &je);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "version")), 2);
	w = (int)json_integer_value(json_object_get(j, "width"));
	h = (int)json_integer_value(json_object_get(j, "height"));
	assert_true(w == cast_frames[0].w && h == cast_frames[0].h);
	assert_true(json_is_integer(json_object_get(j, "timestamp")));
	assert_true(json_is_string(json_object_get(json_object_get(j, "env"),
	    "TERM")));
	assert_true(json_is_string(json_object_get(json_object_get(j, "env"),
	    "SHELL")));
	assert_string_equal(json_string_value(json_object_get(j, "title")),
	    "memscope");
	json_decref(j);
	vt_resize(v, w, h);
	vt_clear(v);
	while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
		j = json_loads(line, 0, &je);
		if (j == NULL)
			fail_msg("not JSON: %s (%s)", line, je.text);
		assert_true(json_is_array(j) && json_array_size(j) == 3);
		t = json_number_value(json_array_get(j, 0));
		assert_true(json_is_number(json_array_get(j, 0)) && t >= last);
		last = t;
		type = json_string_value(json_array_get(j, 1));
		data = json_string_value(json_array_get(j, 2));
		assert_true(type != NULL && data != NULL);
		if (strcmp(type, "r") == 0) {
			assert_int_equal(sscanf(data, "%dx%d", &w, &h), 2);
			vt_resize(v, w, h);
			vt_clear(v);
		} else {
			assert_string_equal(type, "o");
			vt_write(v, data);
		}
		events++;
		json_decref(j);
	}
	assert_true(events > 0);
	free(text);
}

/* The replayed screen is the canvas: text and foreground colours. */
static void
cast_compare(const struct vt *v, const struct canvas *c,
    const struct theme *t)
{
	char *want = canvas_to_text(c), *got;
	struct theme_cell tc;
	size_t at = 0;
	int x, y;

	assert_true(v->w == c->w && v->h == c->h);
	got = malloc((size_t)c->w * c->h * 4 + c->h + 1);
	assert_non_null(got);
	for (y = 0; y < v->h; y++) {
		for (x = 0; x < v->w; x++) {
			at += (size_t)canvas_utf8_encode(v->ch[y * v->w + x],
			    got + at);
			tc = theme_cell_resolve(t, true,
			    &c->cells[(size_t)y * c->w + x]);
			if (v->fg[y * v->w + x] != tc.fg)
				fail_msg("cell (%d, %d): colour %06x, the "
				    "canvas's %06x", x, y,
				    (unsigned)v->fg[y * v->w + x],
				    (unsigned)tc.fg);
		}
		got[at++] = '\n';
	}
	got[at] = '\0';
	if (strcmp(want, got) != 0) {
		fprintf(stderr, "--- the canvas\n%s--- replayed\n%s", want, got);
		fail_msg("the replayed recording is not the last frame");
	}
	free(want);
	free(got);
}

/* Every prefix of the session replays to its last frame. */
static void
test_cast_replay(void **state)
{
	struct canvas c;
	struct theme t;
	struct vt v = { 0 };
	const char *path = fixture_in_dir("session.cast");

	(void)state;
	for (int n = 1; n <= NFRAMES; n++) {
		cast_record(path, n, &c, &t);
		cast_replay(path, &v);
		cast_compare(&v, &c, &t);
		canvas_free(&c);
	}
	if (keep_path != NULL) {
		cast_record(keep_path, NFRAMES, &c, &t);
		canvas_free(&c);
	}
	free(v.ch);
	free(v.fg);
}

/* Changes on the diagonal: each needs its own cursor move (the cursor
 * after a cell is at the next column of the same row only). */
static void
test_cast_diagonal(void **state)
{
	const char *path = fixture_in_dir("diagonal.cast");
	struct cast *k;
	struct canvas c;
	struct theme t;
	struct vt v = { 0 };
	char err[512];

	(void)state;
	theme_default(&t);
	k = cast_open(path, err, sizeof err);
	assert_non_null(k);
	canvas_init(&c, cast_frames[0].w, cast_frames[0].h,
	    &canvas_glyphs_utf8);
	cast_frame(k, &c, 0);
	canvas_put(&c, 3, 0, 'x', COL_TEXT);
	canvas_put(&c, 4, 1, 'y', COL_TEXT);
	canvas_put(&c, 5, 3, 'z', COL_TEXT);
	canvas_put(&c, c.w - 1, 4, 'w', COL_TEXT);
	canvas_put(&c, 0, 5, 'v', COL_TEXT);
	cast_frame(k, &c, 1);
	assert_int_equal(cast_close(k, err, sizeof err), 0);
	cast_replay(path, &v);
	cast_compare(&v, &c, &t);
	canvas_free(&c);
	free(v.ch);
	free(v.fg);
}

/* A frame that changes nothing writes nothing; a resize writes "r". */
static void
test_cast_events(void **state)
{
	const char *path = fixture_in_dir("events.cast");
	struct cast *k;
	struct canvas c;
	char err[512], *text;

	(void)state;
	k = cast_open(path, err, sizeof err);
	assert_non_null(k);
	canvas_init(&c, 10, 2, &canvas_glyphs_utf8);
	canvas_text(&c, 0, 0, 10, COL_TEXT, "\"a\\b\"");
	cast_frame(k, &c, 0);
	cast_frame(k, &c, 1);
	canvas_resize(&c, 12, 3);
	cast_frame(k, &c, 2);
	assert_int_equal(cast_close(k, err, sizeof err), 0);
	text = fixture_read(path, NULL);
	/* the header, the first frame, the resize, its redraw, the end */
	assert_non_null(strstr(text, "\\\"a\\\\b\\\""));
	assert_non_null(strstr(text, "\n[2.000000, \"r\", \"12x3\"]\n"
	    "[2.000000, \"o\", \"\\u001b[0m\\u001b[?25l\\u001b[2J"));
	assert_null(strstr(text, "[1.000000"));
	free(text);
	canvas_free(&c);
}

/* Nothing appears before the close; an abort leaves the target as it
 * was; a path that cannot be written is refused, naming it. */
static void
test_cast_atomic(void **state)
{
	const char *path = fixture_in_dir("atomic.cast");
	struct cast *k;
	struct canvas c;
	struct stat st;
	char err[512] = "", *text;
	FILE *f;

	(void)state;
	k = cast_open(path, err, sizeof err);
	assert_non_null(k);
	canvas_init(&c, 10, 2, &canvas_glyphs_utf8);
	cast_frame(k, &c, 0);
	assert_int_equal(stat(path, &st), -1);
	cast_abort(k);
	assert_int_equal(stat(path, &st), -1);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("old\n", f);
	fclose(f);
	k = cast_open(path, err, sizeof err);
	cast_frame(k, &c, 0);
	cast_abort(k);
	text = fixture_read(path, NULL);
	assert_string_equal(text, "old\n");
	free(text);
	canvas_free(&c);
	assert_null(cast_open("/nonexistent-dir/x.cast", err, sizeof err));
	assert_non_null(strstr(err, "/nonexistent-dir/x.cast"));
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cast_replay),
		cmocka_unit_test(test_cast_diagonal),
		cmocka_unit_test(test_cast_events),
		cmocka_unit_test(test_cast_atomic),
	};

	if (argc > 1)
		keep_path = argv[1];
	return cmocka_run_group_tests(tests, fixture_dir_setup,
	    fixture_dir_remove);
}
