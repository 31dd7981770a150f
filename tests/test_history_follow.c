/*
 * The history follower (history_follow.h): a file written in pieces is read
 * in pieces, a row split between two polls is read once whole, a truncated
 * or replaced file starts over, a wrong header or a bad cell is refused
 * naming the file and line, and a FIFO in the file's place is refused at
 * once instead of blocking.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "dir_fixture.h"
#include "memscope/history_follow.h"

#define HEADER "run,step,train_mse,test_mse,seconds\n"

/* What the sink was handed. */
struct got {
	int n, resets;
	struct history_row r[16];
};

static void
got_row(void *ctx, const struct history_row *r)
{
	struct got *g = ctx;

	if (g->n < 16)
		g->r[g->n] = *r;
	g->n++;
}

static void
got_reset(void *ctx)
{
	struct got *g = ctx;

	g->resets++;
	g->n = 0;
}

/* Append text to path (made if missing). */
static void
append(const char *path, const char *text)
{
	FILE *f = fopen(path, "ab");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
}

/* Replace path's contents in place (same inode, truncated first). */
static void
rewrite(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* A follower of a file in the test directory, what it handed over, and
 * its last message. */
struct follow {
	const char *path;
	struct history_follow f;
	struct got g;
	char err[512];
};

/* Start following name (in the test directory). */
static void
follow_open(struct follow *x, const char *name)
{
	memset(x, 0, sizeof *x);
	x->path = fixture_in_dir(name);
	history_follow_init(&x->f, x->path);
}

/* One poll: rows handed over, or -1 with x->err. */
static long
follow_poll(struct follow *x)
{
	struct history_follow_sink sink = { got_row, got_reset, &x->g };

	x->err[0] = '\0';
	return history_follow_poll(&x->f, &sink, x->err, sizeof x->err);
}

static void
follow_close(struct follow *x)
{
	history_follow_free(&x->f);
}

/* A fresh follower of x's file, now holding text, refuses it at its first
 * poll with a message that has want. */
static void
follow_refused(struct follow *x, const char *text, const char *want)
{
	rewrite(x->path, text);
	follow_close(x);
	history_follow_init(&x->f, x->path);
	assert_int_equal(follow_poll(x), -1);
	if (strstr(x->err, want) == NULL)
		fail_msg("'%s' lacks '%s'", x->err, want);
}

static void
test_growing_file(void **state)
{
	struct follow x;

	(void)state;
	follow_open(&x, "grow.csv");
	/* not there yet: no error */
	assert_int_equal(follow_poll(&x), 0);
	assert_false(x.f.present);
	append(x.path, "");
	assert_int_equal(follow_poll(&x), 0);
	assert_true(x.f.present);
	append(x.path, HEADER "0,1,0.5,,0.001\n1,1,0.75,0.25,0.002\n");
	assert_int_equal(follow_poll(&x), 2);
	assert_int_equal(x.g.n, 2);
	assert_int_equal(x.g.r[0].run, 0);
	assert_int_equal(x.g.r[0].step, 1);
	assert_true(x.g.r[0].train == 0.5);
	assert_true(isnan(x.g.r[0].test));
	assert_int_equal(x.g.r[1].run, 1);
	assert_true(x.g.r[1].test == 0.25);
	/* nothing new: nothing handed over again */
	assert_int_equal(follow_poll(&x), 0);
	append(x.path, "0,2,0.125,0.0625,0.003\n");
	assert_int_equal(follow_poll(&x), 1);
	assert_int_equal(x.g.n, 3);
	assert_int_equal(x.g.r[2].step, 2);
	assert_true(x.g.r[2].seconds == 0.003);
	assert_int_equal(x.g.resets, 0);
	follow_close(&x);
}

static void
test_split_line(void **state)
{
	struct follow x;

	(void)state;
	follow_open(&x, "split.csv");
	append(x.path, "run,step,train");
	assert_int_equal(follow_poll(&x), 0);
	append(x.path, "_mse,test_mse,seconds\n3,7,0.");
	assert_int_equal(follow_poll(&x), 0);
	assert_int_equal(x.g.n, 0);
	append(x.path, "5,inf,\n");
	assert_int_equal(follow_poll(&x), 1);
	assert_int_equal(x.g.r[0].run, 3);
	assert_int_equal(x.g.r[0].step, 7);
	assert_true(x.g.r[0].train == 0.5);
	assert_true(isinf(x.g.r[0].test));
	assert_true(isnan(x.g.r[0].seconds));
	follow_close(&x);
}

static void
test_truncation(void **state)
{
	struct follow x;

	(void)state;
	follow_open(&x, "trunc.csv");
	append(x.path, HEADER "0,1,1,,\n0,2,2,,\n0,3,3,,\n");
	assert_int_equal(follow_poll(&x), 3);
	/* a new run writes the file again from its start */
	rewrite(x.path, HEADER "0,1,9,,\n");
	assert_int_equal(follow_poll(&x), 1);
	assert_int_equal(x.g.resets, 1);
	assert_int_equal(x.g.n, 1);
	assert_true(x.g.r[0].train == 9);
	assert_int_equal(x.f.restarts, 1);
	follow_close(&x);
}

static void
test_replacement(void **state)
{
	const char *tmp = fixture_in_dir("repl.tmp");
	struct follow x;

	(void)state;
	follow_open(&x, "repl.csv");
	append(x.path, HEADER "0,1,1,,\n");
	assert_int_equal(follow_poll(&x), 1);
	/* another file, longer than the first, renamed into its place */
	append(tmp, HEADER "0,1,5,,\n0,2,6,,\n0,3,7,,\n");
	assert_int_equal(rename(tmp, x.path), 0);
	assert_int_equal(follow_poll(&x), 3);
	assert_int_equal(x.g.resets, 1);
	assert_int_equal(x.g.n, 3);
	assert_true(x.g.r[0].train == 5);
	assert_true(x.g.r[2].train == 7);
	follow_close(&x);
}

static void
test_bad_header(void **state)
{
	struct follow x;

	(void)state;
	follow_open(&x, "header.csv");
	append(x.path, "method,k,mse,ln_mse\nmodel,1,0.5,-0.69\n");
	assert_int_equal(follow_poll(&x), -1);
	assert_int_equal(x.g.n, 0);
	assert_non_null(strstr(x.err, "header.csv:1:"));
	assert_non_null(strstr(x.err, "run,step,train_mse,test_mse,seconds"));
	assert_non_null(strstr(x.err, "method,k,mse"));
	follow_close(&x);
}

static void
test_bad_number(void **state)
{
	struct follow x;

	(void)state;
	follow_open(&x, "number.csv");
	append(x.path, HEADER "0,1,0.5,,\n0,2,0.4x,,\n");
	assert_int_equal(follow_poll(&x), -1);
	assert_int_equal(x.g.n, 1);
	assert_non_null(strstr(x.err, "number.csv:3: bad train_mse"));
	assert_non_null(strstr(x.err, "0.4x"));
	/* a negative run, and a row of four cells */
	follow_refused(&x, HEADER "-1,1,0.5,,\n", "number.csv:2: bad run");
	follow_refused(&x, HEADER "0,1,0.5,\n", "number.csv:2: bad row");
	follow_close(&x);
}

static void
test_fifo(void **state)
{
	struct follow x;
	struct history_follow_sink sink = { got_row, got_reset, NULL };

	(void)state;
	follow_open(&x, "fifo.csv");
	sink.ctx = &x.g;
	assert_int_equal(mkfifo(x.path, 0600), 0);
	/* no writer: refused at once, not waited on */
	assert_int_equal(follow_poll(&x), -1);
	assert_non_null(strstr(x.err, "a FIFO, not a regular file"));
	follow_close(&x);
	assert_int_equal(history_follow_read(x.path, &sink, x.err,
	    sizeof x.err), -1);
	assert_non_null(strstr(x.err, "fifo.csv: a FIFO"));
}

static void
test_read_whole(void **state)
{
	const char *path = fixture_in_dir("whole.csv");
	struct history_follow_sink sink = { got_row, got_reset, NULL };
	struct got g = { 0 };
	char err[512];

	(void)state;
	sink.ctx = &g;
	assert_int_equal(history_follow_read(fixture_in_dir("none.csv"),
	    &sink, err, sizeof err), -1);
	assert_non_null(strstr(err, "none.csv: No such file"));
	/* a saved file's last line counts without its newline */
	append(path, HEADER "0,1,0.5,,\n0,2,0.25,,");
	assert_int_equal(history_follow_read(path, &sink, err, sizeof err), 2);
	assert_int_equal(g.r[1].step, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_growing_file),
		cmocka_unit_test(test_split_line),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_replacement),
		cmocka_unit_test(test_bad_header),
		cmocka_unit_test(test_bad_number),
		cmocka_unit_test(test_fifo),
		cmocka_unit_test(test_read_whole),
	};

	return cmocka_run_group_tests(tests, fixture_dir_setup,
	    fixture_dir_remove);
}
