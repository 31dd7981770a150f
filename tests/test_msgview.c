/*
 * Messages: a new message (message_seq changed) is shown for 6 s, an error
 * for 10 s, then goes; the main loop's timeout wakes it at the end; the
 * frame draws it as a toast above the key hints, which never go away.
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
#include "memscope/msgview.h"
#include "memscope/screen.h"
#include "tui_fixture.h"

static void
test_expiry(void **state)
{
	struct snapshot s;
	struct msg_view v;

	(void)state;
	snapshot_init(&s);
	msg_view_init(&v);
	msg_view_sync(&v, &s, 100.0);
	assert_false(msg_view_shown(&v, 100.0));
	assert_int_equal(msg_view_timeout_ms(&v, 100.0), -1);

	strcpy(s.message, "saved run.json");
	s.message_seq = 1;
	msg_view_sync(&v, &s, 100.0);
	assert_true(msg_view_shown(&v, 100.0));
	assert_true(msg_view_shown(&v, 105.9));
	assert_false(msg_view_shown(&v, 106.0));
	assert_int_equal(msg_view_timeout_ms(&v, 100.0), 6000);
	assert_int_equal(msg_view_timeout_ms(&v, 105.5), 500);
	assert_int_equal(msg_view_timeout_ms(&v, 106.5), -1);
	/* the same message seen again later starts nothing */
	msg_view_sync(&v, &s, 200.0);
	assert_false(msg_view_shown(&v, 200.0));

	/* an error stays 10 s */
	strcpy(s.message, "cannot write run.json");
	s.message_error = true;
	s.message_seq = 2;
	msg_view_sync(&v, &s, 300.0);
	assert_true(msg_view_shown(&v, 309.9));
	assert_false(msg_view_shown(&v, 310.0));

	/* the same text again, a new seq: shown again */
	s.message_error = false;
	s.message_seq = 3;
	msg_view_sync(&v, &s, 400.0);
	assert_true(msg_view_shown(&v, 401.0));
	snapshot_free(&s);
}

/* Whether row y of c holds s (ASCII). */
static bool
row_holds(const struct canvas *c, int y, const char *s)
{
	char row[512];
	int x;

	for (x = 0; x < c->w && x < (int)sizeof row - 1; x++) {
		uint32_t ch = c->cells[y * c->w + x].ch;

		row[x] = ch >= 32 && ch < 127 ? (char)ch : '#';
	}
	row[x] = '\0';
	return strstr(row, s) != NULL;
}

/* The colour of the toast's text in row y (its second cell: the first is
 * the pad before the text), checking every cell of it has the same. */
static int
toast_colour(const struct canvas *c, int y)
{
	const struct cell *row = &c->cells[(size_t)y * c->w];
	int x;

	for (x = 2; x < c->w && row[x].ch != ' ' && row[x].ch != 0; x++)
		assert_int_equal(row[x].fg, row[1].fg);
	return row[1].fg;
}

/* The toast sits over the panels' bottom row while the message is fresh;
 * the hint line below keeps its hints either way. */
static void
test_toast(void **state)
{
	struct ms_config cfg;
	struct snapshot s;
	struct screen_state st = { 0, false, "dark", NULL, NULL, false, NULL, false };
	struct canvas c;

	(void)state;
	config_defaults(&cfg);
	snapshot_init(&s);
	fixture_snapshot(&s, &cfg);
	strcpy(s.message, "exported runs.csv");
	canvas_init(&c, 80, 24, &canvas_glyphs_ascii);
	for (int fresh = 0; fresh < 2; fresh++) {
		st.message = fresh;
		screen_draw(&c, &s, &st, NULL);
		assert_int_equal(row_holds(&c, 21, " exported runs.csv "),
		    fresh);
		assert_true(row_holds(&c, 22, "? help  q quit"));
	}
	/* the snapshot's message in the error colour if it is an error */
	st.message = true;
	for (int err = 0; err < 2; err++) {
		s.message_error = err;
		screen_draw(&c, &s, &st, NULL);
		assert_int_equal(toast_colour(&c, 21),
		    err ? COL_DIVERGED : COL_MESSAGE);
	}
	s.message_error = false;
	/* the UI's note shows until a key, message or not; an error's (a
	 * theme's, a failed export's) in the error colour, what was done
	 * (an export) in the message's */
	st.note = "theme: bad colour";
	st.note_error = true;
	st.message = false;
	screen_draw(&c, &s, &st, NULL);
	assert_true(row_holds(&c, 21, " theme: bad colour "));
	assert_true(row_holds(&c, 22, "? help  q quit"));
	assert_int_equal(toast_colour(&c, 21), COL_DIVERGED);
	st.note = "wrote memscope-screen.svg and the history";
	st.note_error = false;
	st.message = true;	/* over a message too */
	screen_draw(&c, &s, &st, NULL);
	assert_true(row_holds(&c, 21, " wrote memscope-screen.svg "));
	assert_int_equal(toast_colour(&c, 21), COL_MESSAGE);
	canvas_free(&c);
	snapshot_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expiry),
		cmocka_unit_test(test_toast),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
