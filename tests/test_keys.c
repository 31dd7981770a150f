/*
 * The key table: each key does what its row says (the engine command and
 * argument are the row's data), each row's name is the key it binds, the
 * words of a row agree with the direction it moves, and the help overlay is
 * generated from the same rows the dispatcher walks.
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
#include "memscope/keys.h"
#include "memscope/layout.h"
#include "memscope/screen.h"
#include "tui_fixture.h"

#define MAX_LINES 64

/* What a dispatch queued for the engine. */
struct sent {
	int n;
	enum engine_cmd cmd;
	int arg;
};

static void
record(void *arg, enum engine_cmd cmd, int val)
{
	struct sent *s = arg;

	s->n++;
	s->cmd = cmd;
	s->arg = val;
}

static struct keys_ui
ui_on(int screen, struct sent *s, struct step_view *v)
{
	static struct plot_view pv;	/* the dashboard's plot keys' */
	struct keys_ui ui = { screen, false, record, s, v, &pv, false };

	plot_view_init(&pv);
	memset(s, 0, sizeof *s);
	return ui;
}

/* The help line holding key, and the row (NULL if none). */
static const struct key_line *
line_of(int key, const struct key_row **row)
{
	const struct key_line *lines[MAX_LINES];
	int n = keys_help_lines(lines, MAX_LINES), i, j;

	assert_true(n <= MAX_LINES);
	for (i = 0; i < n; i++)
		for (j = 0; j < KEYS_PER_LINE && lines[i]->keys[j].key; j++)
			if (lines[i]->keys[j].key == key) {
				*row = &lines[i]->keys[j];
				return lines[i];
			}
	*row = NULL;
	return NULL;
}

/* The survivor: l and L swapped. l takes a layer away and L adds
 * one, as the help says, through the row's own data. */
static void
test_l_and_L(void **state)
{
	const struct key_row *k;
	const struct key_line *l;
	struct sent s;
	struct keys_ui ui;
	char buf[128];
	int sc;

	(void)state;
	for (sc = 0; sc < LAYOUT_SCREENS; sc++) {
		ui = ui_on(sc, &s, NULL);
		assert_int_equal(keys_dispatch(&ui, 'l'), KEYS_REDRAW);
		assert_int_equal(s.n, 1);
		assert_int_equal(s.cmd, ENGINE_CMD_LAYERS);
		assert_int_equal(s.arg, -1);
		assert_int_equal(keys_dispatch(&ui, 'L'), KEYS_REDRAW);
		assert_int_equal(s.n, 2);
		assert_int_equal(s.cmd, ENGINE_CMD_LAYERS);
		assert_int_equal(s.arg, +1);
	}
	l = line_of('l', &k);
	assert_non_null(l);
	assert_string_equal(keys_row_text(l, k, buf, sizeof buf),
	    "layers - (restarts)");
	assert_int_equal(k->arg, -1);
	l = line_of('L', &k);
	assert_string_equal(keys_row_text(l, k, buf, sizeof buf),
	    "layers + (restarts)");
	assert_int_equal(k->arg, +1);
	assert_string_equal(keys_line_name(l, false, buf, sizeof buf), "l L");
	assert_string_equal(keys_line_text(l, buf, sizeof buf),
	    "layers - / + (restarts)");
}

/* The cells of row y from column x to before column end as UTF-8,
 * trailing blanks dropped. */
static void
cells_utf8(const struct canvas *c, int x, int y, int end, char *out,
    size_t len)
{
	size_t at = 0;

	while (end > x && (c->cells[y * c->w + end - 1].ch == ' ' ||
	    c->cells[y * c->w + end - 1].ch == 0))
		end--;
	for (; x < end && at + 5 < len; x++) {
		uint32_t u = c->cells[y * c->w + x].ch;

		if (u == 0)
			u = ' ';
		if (u < 0x80)
			out[at++] = (char)u;
		else if (u < 0x800) {
			out[at++] = (char)(0xc0 | u >> 6);
			out[at++] = (char)(0x80 | (u & 0x3f));
		} else {
			out[at++] = (char)(0xe0 | u >> 12);
			out[at++] = (char)(0x80 | (u >> 6 & 0x3f));
			out[at++] = (char)(0x80 | (u & 0x3f));
		}
	}
	out[at] = '\0';
}

/* Where line i's name starts in the help box b (*x, *y), read back its
 * text from the text column (namew + 1 cells right), over as many rows as
 * it was wrapped to, into text. */
static bool
help_find(const struct canvas *c, struct rect b, const char *name, int namew,
    int *fx, int *fy, char *text, size_t len)
{
	char row[512], want[80];
	int x, y, k, nw = canvas_text_width(name);

	/* the name, blanks to the text column, then the text */
	snprintf(want, sizeof want, "%s%*s", name, namew + 1 - nw, "");
	for (y = b.y + 1; y < b.y + b.h - 1; y++) {
		for (x = b.x + 1; x + nw < b.x + b.w - 1; x++) {
			cells_utf8(c, x, y, b.x + b.w - 1, row, sizeof row);
			if (strncmp(row, want, strlen(want)) != 0 ||
			    row[strlen(want)] == ' ' ||
			    c->cells[y * c->w + x - 1].ch != ' ')
				continue;
			/* the text: this row's, then the rows below whose
			 * name column is blank */
			text[0] = '\0';
			for (k = y; k < b.y + b.h - 1; k++) {
				if (k > y) {
					cells_utf8(c, x, k, b.x + b.w - 1, row,
					    sizeof row);
					if (row[0] != ' ' || strspn(row, " ") <
					    (size_t)namew + 1 || strlen(row) == 0)
						break;
				}
				cells_utf8(c, x + namew + 1, k, b.x + b.w - 1,
				    row, sizeof row);
				if (row[0] == ' ' || row[0] == '\0')
					break;
				/* the column ends before the next one */
				for (char *e = strstr(row, "   "); e != NULL;
				    e = NULL)
					*e = '\0';
				if (strlen(text) > 0)
					strncat(text, " ", len - strlen(text) -
					    1);
				strncat(text, row, len - strlen(text) - 1);
			}
			*fx = x;
			*fy = y;
			return true;
		}
	}
	return false;
}

/* Whether key line l is one of screen sc's own. */
static bool
screen_own(const struct key_line *l, int sc)
{
	const struct screen_module *m = screen_module(sc);

	return l >= m->keys && l < m->keys + m->nkeys;
}

/* The help overlay is the key lines, name then text (wrapped to its
 * column), in order down each column and on to the next, all of them at
 * every size from 80x24 on, in a box inside the terminal; a line whose
 * row says something else reads differently. */
static void
test_help_from_rows(void **state)
{
	static const int sizes[][2] = { { 80, 24 }, { 80, 30 }, { 120, 40 },
	    { 200, 60 }, { 100, 24 } };
	const struct key_line *lines[MAX_LINES];
	const struct key_row *k;
	struct key_line copy;
	struct canvas c;
	struct rect b;
	char got[512], name[64], text[192];
	int n, i, sz, namew, x = 0, y = 0, px, py;
	const struct key_line *step_line = screen_step.keys;
	bool all;

	(void)state;
	n = keys_help_lines(lines, MAX_LINES);
	assert_true(n > 10 && n <= MAX_LINES);
	for (sz = 0; sz < (int)(sizeof sizes / sizeof sizes[0]); sz++)
	for (int utf8 = 0; utf8 < 2; utf8++) {
		canvas_init(&c, sizes[sz][0], sizes[sz][1], utf8 ?
		    &canvas_glyphs_utf8 : &canvas_glyphs_ascii);
		screen_help(&c, 0, NULL, 0);
		b = screen_help_box(&c, 0, NULL, 0);
		assert_true(b.x >= 0 && b.y >= 0 && b.x + b.w <= c.w &&
		    b.y + b.h <= c.h);
		/* every screen's lines, unless they do not fit: then the
		 * step-through's own (screen 4) are left out, never more */
		{
			char *screen = canvas_to_text(&c);

			all = strstr(screen, step_line->prefix) != NULL;
			free(screen);
		}
		if (c.w >= 120)
			assert_true(all);
		for (namew = 0, i = 0; i < n; i++) {
			if (!all && screen_own(lines[i], 3))
				continue;
			keys_line_name(lines[i], utf8, name, sizeof name);
			if (canvas_text_width(name) > namew)
				namew = canvas_text_width(name);
		}
		px = py = -1;
		for (i = 0; i < n; i++) {
			if (!all && screen_own(lines[i], 3))
				continue;
			keys_line_name(lines[i], utf8, name, sizeof name);
			keys_line_text(lines[i], text, sizeof text);
			assert_true(help_find(&c, b, name, namew, &x, &y, got,
			    sizeof got));
			assert_string_equal(got, text);
			/* after the line before: below it, or a column on */
			assert_true(x > px || (x == px && y > py));
			px = x;
			py = y;
		}
		cells_utf8(&c, b.x + 2, b.y + b.h - 2, b.x + b.w - 1, got,
		    sizeof got);
		assert_string_equal(got, "? or Esc closes this help");
		/* wide enough: one column */
		if (c.h >= n + 4)
			assert_int_equal(x, b.x + 2);
		canvas_free(&c);
	}
	/* one row's words changed: its line's text changes with it */
	copy = *line_of('L', &k);
	copy.keys[1].what = "more";
	assert_string_equal(keys_line_text(&copy, text, sizeof text),
	    "layers - / more (restarts)");
	copy.keys[0].name = "x";
	assert_string_equal(keys_line_name(&copy, false, name, sizeof name),
	    "x L");
	/* the lines the help shows in order: training, screens, screen 4's,
	 * help and quit */
	assert_string_equal(keys_line_name(lines[0], false, name, sizeof name),
	    "space");
	assert_string_equal(keys_line_name(lines[n - 1], false, name,
	    sizeof name), "q");
	assert_string_equal(keys_line_text(lines[n - 2], text, sizeof text),
	    "this help / close it");
	assert_string_equal(keys_line_name(lines[17], false, name,
	    sizeof name), "1-5");
	assert_string_equal(keys_line_text(lines[17], text, sizeof text),
	    "dashboard, parameters, memory, step-through, teach");
	assert_string_equal(keys_line_name(lines[18], true, name, sizeof name),
	    "← → o");
	assert_string_equal(keys_line_name(lines[18], false, name,
	    sizeof name), "Lt Rt o");
}

/* The screen whose own keys line l is, or -1 (every screen's). */
static int
line_screen(const struct key_line *l)
{
	for (int sc = 0; sc < LAYOUT_SCREENS; sc++) {
		const struct screen_module *m = screen_module(sc);

		if (m->nkeys > 0 && l >= m->keys && l < m->keys + m->nkeys)
			return sc;
	}
	return -1;
}

/* Each row is named by the key it binds, and no key is bound twice on a
 * screen (two screens' own keys may share one: the arrows). */
static void
test_names_are_keys(void **state)
{
	static const struct {
		const char *name;
		int key;
	} named[] = { { "space", ' ' }, { "Tab", '\t' }, { "Esc", KEYS_ESC },
	    { "Lt", KEYS_LEFT }, { "Rt", KEYS_RIGHT }, { "Up", KEYS_UP },
	    { "Dn", KEYS_DOWN } };
	const struct key_line *lines[MAX_LINES];
	int keys[MAX_LINES * KEYS_PER_LINE], screen_of[MAX_LINES *
	    KEYS_PER_LINE], nk = 0, n, i, j, m, a;

	(void)state;
	n = keys_help_lines(lines, MAX_LINES);
	for (i = 0; i < n; i++) {
		for (j = 0; j < KEYS_PER_LINE && lines[i]->keys[j].key; j++) {
			const struct key_row *k = &lines[i]->keys[j];
			int want = -1;

			if (strlen(k->name) == 1)
				want = (unsigned char)k->name[0];
			for (m = 0; m < (int)(sizeof named / sizeof named[0]);
			    m++)
				if (strcmp(named[m].name, k->name) == 0)
					want = named[m].key;
			assert_int_equal(k->key, want);
			assert_non_null(k->act);
			assert_non_null(k->what);
			for (a = 0; a < nk; a++)
				if (line_screen(lines[i]) < 0 ||
				    line_screen(lines[i]) == screen_of[a] ||
				    screen_of[a] < 0)
					assert_int_not_equal(keys[a], k->key);
			screen_of[nk] = line_screen(lines[i]);
			keys[nk++] = k->key;
		}
	}
}

/* A row's words agree with the direction it sends the engine. */
static void
test_directions(void **state)
{
	static const char *minus[] = { "-", "slower", "previous" };
	static const char *plus[] = { "+", "faster", "next" };
	const struct key_line *lines[MAX_LINES];
	struct sent s;
	struct keys_ui ui;
	int n, i, j, w, sign, flags, checked = 0;

	(void)state;
	n = keys_help_lines(lines, MAX_LINES);
	for (i = 0; i < n; i++) {
		for (j = 0; j < KEYS_PER_LINE && lines[i]->keys[j].key; j++) {
			const struct key_row *k = &lines[i]->keys[j];

			ui = ui_on(0, &s, NULL);
			flags = keys_dispatch(&ui, k->key);
			if (s.n == 0)
				continue;
			assert_int_equal(s.n, 1);
			/* e also has the main loop write the screen */
			assert_int_equal(flags, k->key == 'e' ? KEYS_EXPORT |
			    KEYS_REDRAW : KEYS_REDRAW);
			assert_int_equal(s.cmd, k->cmd);
			assert_int_equal(s.arg, k->arg);
			sign = 0;
			for (w = 0; w < 3; w++) {
				if (strcmp(k->what, minus[w]) == 0)
					sign = -1;
				if (strcmp(k->what, plus[w]) == 0)
					sign = +1;
			}
			assert_int_equal(s.arg, sign);
			checked++;
		}
	}
	/* space n < > [ ] l L m p c r a x , . v s e */
	assert_int_equal(checked, 19);
	ui = ui_on(0, &s, NULL);
	keys_dispatch(&ui, '<');
	assert_int_equal(s.cmd, ENGINE_CMD_SPEED);
	assert_int_equal(s.arg, -1);
	keys_dispatch(&ui, ']');
	assert_int_equal(s.cmd, ENGINE_CMD_HEADS);
	assert_int_equal(s.arg, +1);
	keys_dispatch(&ui, ' ');
	assert_int_equal(s.cmd, ENGINE_CMD_TOGGLE);
	keys_dispatch(&ui, 'c');
	assert_int_equal(s.cmd, ENGINE_CMD_DATA);
}

/* Screens, help, theme and quit act on the UI and say how to react. */
static void
test_ui_keys(void **state)
{
	struct sent s;
	struct keys_ui ui = ui_on(0, &s, NULL);
	int i;

	(void)state;
	for (i = 0; i < LAYOUT_SCREENS; i++) {
		assert_int_equal(keys_dispatch(&ui, '1' + i),
		    KEYS_LAYOUT | KEYS_REDRAW);
		assert_int_equal(ui.screen, i);
	}
	assert_int_equal(keys_dispatch(&ui, '\t'), KEYS_LAYOUT | KEYS_REDRAW);
	assert_int_equal(ui.screen, 0);
	keys_dispatch(&ui, '\t');
	assert_int_equal(ui.screen, 1);
	assert_int_equal(keys_dispatch(&ui, '?'), KEYS_REDRAW);
	assert_true(ui.help);
	keys_dispatch(&ui, '?');
	assert_false(ui.help);
	keys_dispatch(&ui, '?');
	assert_int_equal(keys_dispatch(&ui, KEYS_ESC), KEYS_REDRAW);
	assert_false(ui.help);
	keys_dispatch(&ui, KEYS_ESC);
	assert_false(ui.help);
	assert_int_equal(keys_dispatch(&ui, 't'), KEYS_THEME | KEYS_REDRAW);
	assert_int_equal(keys_dispatch(&ui, 'q'), KEYS_QUIT);
	assert_int_equal(keys_dispatch(&ui, 'y'), 0);
	assert_int_equal(s.n, 0);
}

/* The step-through screen's own keys: taken there only, moving the view
 * the way their words say. */
static void
test_step_keys(void **state)
{
	struct ms_config cfg;
	struct snapshot snap;
	struct step_view v;
	struct sent s;
	struct keys_ui ui;
	int sc;

	(void)state;
	config_defaults(&cfg);
	cfg.layers = 3;
	cfg.test_batch = 10;
	snapshot_init(&snap);
	fixture_snapshot(&snap, &cfg);
	step_view_init(&v);
	step_view_sync(&v, &snap);
	for (sc = 0; sc < LAYOUT_SCREENS; sc++) {
		if (sc == LAYOUT_SCREEN_STEP || sc == LAYOUT_SCREEN_TEACH)
			continue;	/* the two share the step view's keys */
		ui = ui_on(sc, &s, &v);
		/* the dashboard's arrows move the loss plot's cursor */
		assert_int_equal(keys_dispatch(&ui, KEYS_RIGHT), sc == 0 ?
		    KEYS_REDRAW : 0);
		assert_int_equal(keys_dispatch(&ui, KEYS_DOWN), 0);
		assert_int_equal(keys_dispatch(&ui, 'f'), 0);
		assert_int_equal(keys_dispatch(&ui, 'd'), 0);
	}
	assert_int_equal(v.layer, 0);
	assert_int_equal(v.task, 0);
	/* the layer is the UI's: nothing is sent */
	ui = ui_on(LAYOUT_SCREEN_STEP, &s, &v);
	assert_int_equal(keys_dispatch(&ui, KEYS_RIGHT), KEYS_REDRAW);
	keys_dispatch(&ui, KEYS_RIGHT);
	assert_int_equal(v.layer, 2);
	keys_dispatch(&ui, KEYS_LEFT);
	assert_int_equal(v.layer, 1);
	assert_int_equal(s.n, 0);
	/* the task and follow go to the worker, which traces them */
	assert_int_equal(keys_dispatch(&ui, KEYS_DOWN), KEYS_REDRAW);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.cmd, ENGINE_CMD_TRACE_TASK);
	assert_int_equal(s.arg, 1);
	keys_dispatch(&ui, KEYS_DOWN);
	assert_int_equal(v.task, 2);
	assert_int_equal(s.arg, 2);
	keys_dispatch(&ui, KEYS_UP);
	assert_int_equal(v.task, 1);
	assert_int_equal(s.arg, 1);
	assert_true(v.follow);
	assert_int_equal(keys_dispatch(&ui, 'f'), KEYS_REDRAW);
	assert_false(v.follow);
	assert_int_equal(s.cmd, ENGINE_CMD_TRACE_FOLLOW);
	assert_int_equal(s.arg, 0);
	keys_dispatch(&ui, 'f');
	assert_int_equal(s.arg, 1);
	assert_int_equal(keys_dispatch(&ui, 'd'), KEYS_REDRAW);
	assert_true(v.task >= 0 && v.task < cfg.test_batch);
	assert_int_equal(s.cmd, ENGINE_CMD_TRACE_TASK);
	assert_int_equal(s.arg, v.task);
	assert_int_equal(s.n, 6);
	/* without a step view the keys are not taken */
	ui = ui_on(LAYOUT_SCREEN_STEP, &s, NULL);
	assert_int_equal(keys_dispatch(&ui, KEYS_RIGHT), 0);
	snapshot_free(&snap);
}

/* The key a row name stands for on any line, or 0. */
static int
key_named(const char *name)
{
	const struct key_line *lines[MAX_LINES];
	int n = keys_help_lines(lines, MAX_LINES), i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < KEYS_PER_LINE && lines[i]->keys[j].key; j++) {
			const struct key_row *k = &lines[i]->keys[j];

			if (strcmp(k->name, name) == 0 || (k->name_utf8 != NULL &&
			    strcmp(k->name_utf8, name) == 0))
				return k->key;
		}
	return 0;
}

/* Every screen's message-line hints begin with keys that the screen takes
 * ("l L layers", "← → layer"), in both spellings. */
static void
test_hints_name_keys(void **state)
{
	struct ms_config cfg;
	struct snapshot snap;
	struct step_view v;
	struct sent s;
	struct keys_ui ui;
	char word[64];
	int sc, i, sp, keys, key;

	(void)state;
	config_defaults(&cfg);
	snapshot_init(&snap);
	fixture_snapshot(&snap, &cfg);
	step_view_init(&v);
	step_view_sync(&v, &snap);
	for (sc = 0; sc < LAYOUT_SCREENS; sc++) {
		const struct screen_module *m = screen_module(sc);

		assert_true(m->nhints > 4);
		for (i = 0; i < 2 * m->nhints; i++) {
			const struct panel_hint *h = &m->hints[i / 2];
			const char *p = i % 2 && h->ascii != NULL ? h->ascii :
			    h->text;

			for (keys = 0;; keys++) {
				sp = (int)strcspn(p, " ");
				snprintf(word, sizeof word, "%.*s", sp, p);
				if ((key = key_named(word)) == 0)
					break;
				ui = ui_on(sc, &s, &v);
				assert_int_not_equal(keys_dispatch(&ui, key), 0);
				p += sp + (p[sp] == ' ');
			}
			assert_true(keys > 0);
			assert_true(*p != '\0');
		}
	}
	snapshot_free(&snap);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_l_and_L),
		cmocka_unit_test(test_help_from_rows),
		cmocka_unit_test(test_names_are_keys),
		cmocka_unit_test(test_directions),
		cmocka_unit_test(test_ui_keys),
		cmocka_unit_test(test_step_keys),
		cmocka_unit_test(test_hints_name_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
