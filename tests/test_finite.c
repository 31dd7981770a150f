/*
 * Reliability, non-finite results and divergence (issue 10): the one
 * definition of divergence (trainer.h) and the visualizer's status when a
 * run ends diverged, the up-front checks of every run's seed and of kappa's range (config.h), and
 * the sanitizer of messages quoting input (config_one_line), also for
 * theme files. The check before a command reports a result (report.h, in
 * the command layer) is tested end to end by tests/rel_finite.sh.
 */
#include <math.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "engine_fixture.h"
#include "memscope/canvas.h"
#include "memscope/config.h"
#include "memscope/config_ini.h"
#include "memscope/engine.h"
#include "memscope/panel.h"
#include "memscope/screen.h"
#include "memscope/theme.h"
#include "memscope/trainer.h"

static struct ms_config
small(void)
{
	struct ms_config c;

	config_defaults(&c);
	c.batch = 40;
	c.test_batch = 40;
	c.layers = 2;
	c.steps = 200;
	return c;
}

/* Train t for n steps, stopping at a non-finite loss. */
static void
train(struct trainer *t, int n)
{
	for (int s = 0; s < n; s++)
		if (trainer_step(t) != 0)
			break;
}

/* ---- divergence (trainer.h) ---- */

/* lr 100 on pre stays finite but ends ~1e20 times above its start. */
static void
test_runaway_loss_diverged(void **state)
{
	struct ms_config c = small();
	struct trainer t;
	char err[256], why[160];

	(void)state;
	c.lr = 100;
	assert_int_equal(trainer_init(&t, &c, err, sizeof err), 0);
	train(&t, c.steps);
	assert_false(t.diverged);		/* every loss was finite */
	assert_true(isfinite(t.train_loss));
	assert_true(trainer_diverged(&t, why, sizeof why));
	assert_non_null(strstr(why, "the training loss ended at"));
	assert_non_null(strstr(why, "more than 100 times"));
	trainer_free(&t);
}

/* A normal run, a run with no step yet and a fresh-prompt run of one
 * prompt per step (the noisiest training loss) are not flagged. */
static void
test_normal_runs_not_diverged(void **state)
{
	struct ms_config c = small();
	struct trainer t;
	char err[256], why[160] = "untouched";

	(void)state;
	assert_int_equal(trainer_init(&t, &c, err, sizeof err), 0);
	assert_false(trainer_diverged(&t, why, sizeof why));	/* no step */
	train(&t, c.steps);
	assert_false(trainer_diverged(&t, why, sizeof why));
	assert_string_equal(why, "untouched");
	trainer_free(&t);

	c.batch = 1;
	c.resample = 1;
	for (uint64_t seed = 1; seed <= 10; seed++) {
		c.seed = seed;
		assert_int_equal(trainer_init(&t, &c, err, sizeof err), 0);
		train(&t, c.steps);
		assert_false(trainer_diverged(&t, NULL, 0));
		trainer_free(&t);
	}
}

/* A non-finite loss is divergence too, with its own reason. */
static void
test_non_finite_loss_diverged(void **state)
{
	struct ms_config c = small();
	struct trainer t;
	char err[256], why[160];

	(void)state;
	c.param = MS_PARAM_GDPP;	/* each layer cubic in Z: it overflows */
	c.layers = 4;
	c.lr = 100;
	assert_int_equal(trainer_init(&t, &c, err, sizeof err), 0);
	train(&t, c.steps);
	assert_true(t.diverged);
	assert_true(trainer_diverged(&t, why, sizeof why));
	assert_non_null(strstr(why, "not finite at step"));
	trainer_free(&t);
}

/* The reference is max(first loss, E[y^2]): E[y^2] is d for the invsigma
 * prior and tr(Sigma) for the identity prior; the first loss is that of
 * the first step and starts again after a change of data. */
static void
test_divergence_reference(void **state)
{
	struct ms_config c = small(), next;
	struct trainer t;
	char err[256];
	double tr = 0;

	(void)state;
	c.data = MS_DATA_KAPPA;
	c.kappa = 100;
	assert_int_equal(trainer_init(&t, &c, err, sizeof err), 0);
	assert_true(trainer_zero_loss(&t) == 5.0);
	assert_true(isnan(t.first_loss));
	train(&t, 1);
	assert_true(t.first_loss == t.train_loss);
	train(&t, 10);
	assert_true(t.first_loss != t.train_loss);
	next = c;
	next.wstar = MS_WSTAR_IDENTITY;
	assert_int_equal(trainer_set_data(&t, &next, err, sizeof err), 0);
	assert_true(isnan(t.first_loss));
	for (int k = 0; k < c.dim; k++)
		tr += t.dist.D[k] * t.dist.D[k];
	assert_true(fabs(trainer_zero_loss(&t) - tr) < 1e-12);
	/* geometric from 1 to 1/100 over 5 eigenvalues */
	assert_true(fabs(tr - (1 + pow(100, -0.25) + pow(100, -0.5) +
	    pow(100, -0.75) + 0.01)) < 1e-9);
	/* a final loss just above 100 times the reference is divergence */
	train(&t, 1);
	t.train_loss = 100.5 * (t.first_loss > tr ? t.first_loss : tr);
	assert_true(trainer_diverged(&t, NULL, 0));
	t.train_loss = 99.5 * (t.first_loss > tr ? t.first_loss : tr);
	assert_false(trainer_diverged(&t, NULL, 0));
	trainer_free(&t);
}



/* The frame of snapshot s (its status line and message toast), as text. */
static char *
status_text(const struct snapshot *s)
{
	/* the whole frame, the message fresh: its toast shows */
	struct screen_state st = { 0, false, "dark", NULL, NULL, true, NULL, false };
	struct canvas c;
	char *text;

	canvas_init(&c, 160, 24, &canvas_glyphs_ascii);
	screen_draw(&c, s, &st, NULL);
	text = canvas_to_text(&c);
	canvas_free(&c);
	return text;
}

/* Run cfg in the engine to its end; its last snapshot's status text. */
static char *
engine_end(const struct ms_config *cfg, enum engine_state *st)
{
	struct engine_opts eo = { .publish_ms = 10 };
	struct engine *e;
	struct snapshot *s;
	char err[256], *text;

	e = engine_create(cfg, NULL, &eo, err, sizeof err);
	assert_non_null(e);
	s = engine_first_snapshot(e);
	assert_int_equal(engine_start(e), 0);
	assert_true(fixture_wait(e, &s, fixture_stopped, 0, 20));
	*st = s->state;
	text = status_text(s);
	engine_free(e);
	return text;
}

/* A run whose loss runs away ends "diverged" with the reason; a normal
 * run ends "finished". */
static void
test_status_shows_divergence(void **state)
{
	struct ms_config c = small();
	enum engine_state st;
	char *text;

	(void)state;
	c.lr = 100;
	text = engine_end(&c, &st);
	assert_int_equal(st, ENGINE_DIVERGED);
	assert_non_null(strstr(text, "X diverged"));
	assert_non_null(strstr(text, "training diverged: the training loss "
	    "ended at"));
	free(text);

	c.lr = 0.01;
	text = engine_end(&c, &st);
	assert_int_equal(st, ENGINE_FINISHED);
	assert_null(strstr(text, "diverged"));
	free(text);
}

/* ---- up-front checks (config.h) ---- */

static void
test_every_seed_checked(void **state)
{
	struct ms_config c;
	char err[256];

	(void)state;
	config_defaults(&c);
	c.seed = INT64_MAX;
	c.runs = 1;
	assert_int_equal(config_validate(&c, err, sizeof err), 0);
	c.runs = 2;
	assert_int_equal(config_validate(&c, err, sizeof err), -1);
	assert_non_null(strstr(err, "--seed"));
	assert_non_null(strstr(err, "9223372036854775806"));
	assert_null(strchr(err, '\n'));
	c.seed = INT64_MAX - 1;
	assert_int_equal(config_validate(&c, err, sizeof err), 0);
	c.runs = 1000;
	c.seed = (uint64_t)INT64_MAX - 999;
	assert_int_equal(config_validate(&c, err, sizeof err), 0);
	c.seed++;
	assert_int_equal(config_validate(&c, err, sizeof err), -1);
}

static void
test_kappa_range(void **state)
{
	struct ms_config c;
	char err[256];

	(void)state;
	config_defaults(&c);
	assert_int_equal(config_set(&c, "data", "kappa:1e12", err,
	    sizeof err), 0);
	assert_true(c.kappa == 1e12);
	assert_int_equal(config_set(&c, "data", "kappa:1.000001e12", err,
	    sizeof err), -1);
	assert_non_null(strstr(err, "from 1 to 1e12"));
	assert_int_equal(config_set(&c, "data", "kappa:1e300", err,
	    sizeof err), -1);
	/* a struct filled some other way (a checkpoint) is held to it too */
	config_defaults(&c);
	c.data = MS_DATA_KAPPA;
	c.kappa = 1e300;
	assert_int_equal(config_validate(&c, err, sizeof err), -1);
	assert_non_null(strstr(err, "1e12"));
}

/* ---- messages quoting input (config_one_line) ---- */

/* Every invisible or reordering character becomes one '?'. */
static void
test_one_line_hidden_characters(void **state)
{
	static const char *hidden[] = {
		"\xe2\x80\xaa", "\xe2\x80\xab", "\xe2\x80\xac", "\xe2\x80\xad",
		"\xe2\x80\xae",				/* U+202A-U+202E */
		"\xe2\x81\xa6", "\xe2\x81\xa7", "\xe2\x81\xa8", "\xe2\x81\xa9",
		"\xe2\x80\x8e", "\xe2\x80\x8f",		/* LRM, RLM */
		"\xd8\x9c",				/* U+061C */
		"\xe2\x80\x8b", "\xe2\x80\x8d",		/* ZWSP, ZWJ */
		"\xe2\x80\xa8", "\xe2\x80\xa9",		/* line, paragraph */
		"\xef\xbb\xbf",				/* BOM */
		"\xc2\x9b", "\xc2\x85",			/* C1: CSI, NEL */
		"\xc2\xad",				/* soft hyphen */
		"\xf3\xa0\x80\x81",			/* a tag */
		"\n", "\r", "\x1b", "\x7f",		/* C0 and DEL */
		"\xff", "\xc0\x8a", "\xed\xa0\x80",	/* malformed */
		"\xe2\x80",				/* cut short */
	};
	char buf[64];

	(void)state;
	for (size_t i = 0; i < sizeof hidden / sizeof hidden[0]; i++) {
		snprintf(buf, sizeof buf, "a'%s'b", hidden[i]);
		config_one_line(buf);
		if (strcmp(hidden[i], "\xc0\x8a") == 0 ||
		    strcmp(hidden[i], "\xed\xa0\x80") == 0 ||
		    strcmp(hidden[i], "\xe2\x80") == 0)
			/* not UTF-8: each byte is replaced */
			for (char *p = buf + 2; *p != '\'' && *p != '\0'; p++)
				assert_int_equal(*p, '?');
		else
			assert_string_equal(buf, "a'?'b");
	}
}

/* Ordinary text, ASCII or not, is left as it is. */
static void
test_one_line_keeps_text(void **state)
{
	char buf[128];

	(void)state;
	snprintf(buf, sizeof buf, "%s", "caf\xc3\xa9 \xce\xba=10 \xc2\xb1" "1 "
	    "\xe2\x86\x92 \xf0\x9f\x99\x82 'pre' [x]");
	config_one_line(buf);
	assert_string_equal(buf, "caf\xc3\xa9 \xce\xba=10 \xc2\xb1" "1 "
	    "\xe2\x86\x92 \xf0\x9f\x99\x82 'pre' [x]");
}

/* A file's text reaches messages through config and theme errors. */
static void
test_messages_from_files(void **state)
{
	char dir[] = "/tmp/memscope-finite.XXXXXX", path[64], err[512];
	struct ms_config c;
	struct theme th;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/c.ini", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("param = pre\xe2\x80\xae" "lluf\n", f);
	fclose(f);
	config_defaults(&c);
	assert_int_equal(config_load_ini(&c, path, NULL, err, sizeof err), -1);
	assert_non_null(strstr(err, "'pre?lluf'"));
	assert_null(strstr(err, "\xe2\x80\xae"));
	remove(path);

	snprintf(path, sizeof path, "%s/t.theme", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("[colours]\ntrain = \xe2\x81\xa6red\xe2\x81\xa9\n", f);
	fclose(f);
	assert_int_equal(theme_load(path, &th, err, sizeof err), -1);
	assert_null(strstr(err, "\xe2\x81\xa6"));
	assert_null(strstr(err, "\xe2\x81\xa9"));
	assert_non_null(strstr(err, "?red?"));
	remove(path);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runaway_loss_diverged),
		cmocka_unit_test(test_normal_runs_not_diverged),
		cmocka_unit_test(test_non_finite_loss_diverged),
		cmocka_unit_test(test_divergence_reference),
		cmocka_unit_test(test_status_shows_divergence),
		cmocka_unit_test(test_every_seed_checked),
		cmocka_unit_test(test_kappa_range),
		cmocka_unit_test(test_one_line_hidden_characters),
		cmocka_unit_test(test_one_line_keeps_text),
		cmocka_unit_test(test_messages_from_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
