/*
 * What to notice (lesson.h): every note is there, fits, and its ASCII
 * spelling is ASCII; the sentences say what the numbers say: CG exact at
 * ℓ = d, the model's error ahead of or behind CG's, a direction whose
 * error barely moves or grows, β named with the index of the β it prints,
 * the learned step beside GD's n·η.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "memscope/lesson.h"
#include "trace_fixture.h"

/* note contains the text of want (printf). */
static void
assert_note_has(const struct trace *tr, int l, enum trace_note k,
    const char *fmt, ...)
{
	char want[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(want, sizeof want, fmt, ap);
	va_end(ap);
	if (strstr(trace_note(tr, l, k, true), want) == NULL)
		fail_msg("note %s at l=%d is \"%s\", without \"%s\"",
		    trace_note_name(k), l, trace_note(tr, l, k, true), want);
}

/* a is the note u spelled in ASCII: printable ASCII, over 20 bytes, u's
 * ASCII bytes in order (a spelling only replaces the rest), u itself if
 * u is ASCII. */
static void
assert_spelled(const char *u, const char *a, int l, int k)
{
	const char *at = a;
	bool ascii = true;

	assert_true(strlen(a) > 20);
	for (const char *c = a; *c; c++)
		assert_true((unsigned char)*c >= ' ' && (unsigned char)*c <
		    0x7f);
	for (const char *c = u; *c; c++) {
		if ((unsigned char)*c >= 0x80) {
			ascii = false;
			continue;
		}
		if ((at = strchr(at, *c)) == NULL)
			fail_msg("note %d at l=%d: \"%s\" is not \"%s\" "
			    "spelled", k, l, a, u);
		at++;
	}
	if (ascii)
		assert_string_equal(a, u);
}

/* Every note, every layer, of several models: there, fitting, ASCII. */
static void
test_notes_complete_and_ascii(void **state)
{
	static const enum ms_param params[] = { MS_PARAM_SCALAR, MS_PARAM_PRE,
	    MS_PARAM_GDPP };
	static const enum ms_memory mems[] = { MS_MEMORY_NONE, MS_MEMORY_CGD,
	    MS_MEMORY_LFOM };
	struct teach_case tc;

	(void)state;
	for (int p = 0; p < 3; p++)
		for (int m = 0; m < 3; m++) {
			case_open(&tc, params[p], mems[m], 5, 4, p == 2);
			lesson_notes(&tc.tr);
			for (int l = 0; l <= 4; l++)
				for (int k = 0; k < TRACE_NOTES; k++) {
					const char *u = trace_note(&tc.tr, l, k,
					    true);
					const char *a = trace_note(&tc.tr, l, k,
					    false);

					assert_true(strlen(u) > 20);
					assert_true(strlen(u) < TRACE_NOTE_LEN);
					assert_spelled(u, a, l, k);
				}
			case_close(&tc);
		}
}

/* d = 2: CG is exact at ℓ = 2 = d, and the error and path notes say so
 * from then on, not before. */
static void
test_cg_exact_at_d(void **state)
{
	struct teach_case tc;

	(void)state;
	case_open(&tc, MS_PARAM_PRE, MS_MEMORY_NONE, 2, 3, false);
	lesson_notes(&tc.tr);
	assert_null(strstr(trace_note(&tc.tr, 1, TRACE_NOTE_ERROR, true),
	    "exact"));
	assert_note_has(&tc.tr, 2, TRACE_NOTE_ERROR, "CG is exact at l = 2 = d");
	assert_note_has(&tc.tr, 3, TRACE_NOTE_ERROR, "CG is exact at l = 2 = d");
	assert_note_has(&tc.tr, 2, TRACE_NOTE_PATH, "CG is at w* after 2 steps");
	assert_note_has(&tc.tr, 1, TRACE_NOTE_PATH, "Distance to w* at l = 1");
	assert_note_has(&tc.tr, 2, TRACE_NOTE_POLY, "CG's r_2 is 0 at every "
	    "eigenvalue");
	assert_note_has(&tc.tr, 1, TRACE_NOTE_POLY, "CG's r_1 is near 0 at 1 "
	    "of 2");
	/* a step that removed most of the error is not exact */
	tc.tr.col[TRACE_CG].wdist[1] = 1e-3 * tc.tr.col[TRACE_CG].wdist[0];
	lesson_notes(&tc.tr);
	assert_null(strstr(trace_note(&tc.tr, 1, TRACE_NOTE_ERROR, true),
	    "exact"));
	tc.tr.col[TRACE_CG].wdist[1] = 1e-9 * tc.tr.col[TRACE_CG].wdist[0];
	lesson_notes(&tc.tr);
	assert_note_has(&tc.tr, 1, TRACE_NOTE_ERROR, "CG is exact at l = 1 (");
	case_close(&tc);
}

/* The error note names the method ahead at ℓ. */
static void
test_error_note_follows_the_numbers(void **state)
{
	struct teach_case tc;
	double *e;

	(void)state;
	case_open(&tc, MS_PARAM_PRE, MS_MEMORY_NONE, 5, 3, false);
	e = tc.tr.col[TRACE_MODEL].err;
	e[1] = 0.5 * tc.tr.col[TRACE_CG].err[1];
	lesson_notes(&tc.tr);
	assert_note_has(&tc.tr, 1, TRACE_NOTE_ERROR, "the model (");
	assert_note_has(&tc.tr, 1, TRACE_NOTE_ERROR, ") beats CG (");
	e[1] = 2.0 * tc.tr.col[TRACE_CG].err[1];
	lesson_notes(&tc.tr);
	assert_note_has(&tc.tr, 1, TRACE_NOTE_ERROR, ") beats the model (");
	assert_note_has(&tc.tr, 0, TRACE_NOTE_ERROR, "all predict 0");
	case_close(&tc);
}

/* A direction the model keeps most of its error along is named. */
static void
test_direction_that_barely_moves(void **state)
{
	struct teach_case tc;
	double *e;
	char lam[32];
	int d = 5;

	(void)state;
	case_open(&tc, MS_PARAM_PRE, MS_MEMORY_NONE, d, 3, false);
	e = (double *)trace_dir_err(&tc.tr, TRACE_MODEL, 2);
	for (int k = 0; k < d; k++)
		e[k] = 0.1 * trace_dir_err(&tc.tr, TRACE_MODEL, 0)[k];
	e[3] = 0.9 * trace_dir_err(&tc.tr, TRACE_MODEL, 0)[3];
	lesson_notes(&tc.tr);
	snprintf(lam, sizeof lam, "%.2g", tc.tr.eig[3]);
	assert_note_has(&tc.tr, 2, TRACE_NOTE_DIRS, "along λ = %s barely moves: "
	    "90%% of it is left", lam);
	e[3] = 1.5 * trace_dir_err(&tc.tr, TRACE_MODEL, 0)[3];
	lesson_notes(&tc.tr);
	assert_note_has(&tc.tr, 2, TRACE_NOTE_DIRS, "has grown: 150%% of it");
	e[3] = 0.1 * trace_dir_err(&tc.tr, TRACE_MODEL, 0)[3];
	lesson_notes(&tc.tr);
	assert_note_has(&tc.tr, 2, TRACE_NOTE_DIRS, "the model 10%%");
	case_close(&tc);
}

/* cgd: γ_k beside CG's β_{k−1} (k = ℓ − 1, doc/math.md's 0-based layer),
 * each named with the index of the value printed. */
static void
test_cgd_beta_has_its_index(void **state)
{
	struct teach_case tc;
	char g[32], b[32];

	(void)state;
	case_open(&tc, MS_PARAM_SCALAR, MS_MEMORY_CGD, 5, 4, false);
	lesson_notes(&tc.tr);
	for (int l = 2; l <= 4; l++) {
		snprintf(g, sizeof g, "%.2g", tc.tr.gamma[l - 1]);
		snprintf(b, sizeof b, "%.2g", tc.tr.cg_beta[l - 2]);
		assert_note_has(&tc.tr, l, TRACE_NOTE_MEMORY, "γ_%d = %s", l - 1,
		    g);
		assert_note_has(&tc.tr, l, TRACE_NOTE_MEMORY, "β_%d = %s", l - 2,
		    b);
	}
	assert_note_has(&tc.tr, 1, TRACE_NOTE_MEMORY, "nothing to deflect");
	snprintf(g, sizeof g, "%.2g", tc.tr.alpha[0]);
	assert_note_has(&tc.tr, 1, TRACE_NOTE_MEMORY, "α_0 = %s", g);
	case_close(&tc);
}

/* A scalar model without memory: its step beside GD's n·η for ℓ steps. */
static void
test_scalar_step_beside_gd(void **state)
{
	struct teach_case tc;
	char s[32], g[32];

	(void)state;
	case_open(&tc, MS_PARAM_SCALAR, MS_MEMORY_NONE, 5, 3, false);
	lesson_notes(&tc.tr);
	snprintf(s, sizeof s, "%.2g", tc.tr.step_scalar[1]);
	snprintf(g, sizeof g, "%.2g", tc.tr.n * tc.tr.gd_step[2]);
	assert_note_has(&tc.tr, 2, TRACE_NOTE_METHOD, "Layer 2's learned step: "
	    "%s; GD's n·η for 2 steps: %s", s, g);
	assert_true(strstr(trace_note(&tc.tr, 2, TRACE_NOTE_METHOD, false),
	    "GD's n*eta") != NULL);
	case_close(&tc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_notes_complete_and_ascii),
		cmocka_unit_test(test_cg_exact_at_d),
		cmocka_unit_test(test_error_note_follows_the_numbers),
		cmocka_unit_test(test_direction_that_barely_moves),
		cmocka_unit_test(test_cgd_beta_has_its_index),
		cmocka_unit_test(test_scalar_step_beside_gd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
