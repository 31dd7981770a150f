/*
 * The input reader (input.h) and what reads through it (issue 10, inputs):
 * a whole file once, to its end (a /proc file too); a directory, a NUL
 * byte, a file over its bound and a line over its bound refused with the
 * file and the true line; a FIFO with no writer, or with one that does not
 * finish, refused when the wait runs out, never blocking; INI lines handed
 * to inih whole (a long comment line never sets a key); a config from a
 * pipe applied and its keys marked given; a bad theme refused with the
 * themes there are; and what a checkpoint load restored, counted.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "dir_fixture.h"
#include "memscope/checkpoint.h"
#include "memscope/config.h"
#include "memscope/config_ini.h"
#include "memscope/input.h"
#include "memscope/theme.h"
#include "memscope/trainer.h"






static const char *
write_file(const char *name, const char *text, size_t len)
{
	const char *path = fixture_in_dir(name);
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return path;
}

static const struct input_limits text_limits = { "a test file", 1000, 20,
    300 };

/* Read path with lim; the result, and the message in err. */
static int
read_with(const char *path, const struct input_limits *lim, char *err,
    size_t errlen, size_t *len)
{
	char *data = NULL;
	int r;

	err[0] = '\0';
	r = input_read(path, lim, &data, len, err, errlen);
	if (r == 0) {
		assert_non_null(data);
		assert_int_equal(data[*len], '\0');
	} else
		assert_null(data);
	free(data);
	assert_null(strchr(err, '\n'));
	return r;
}

static void
assert_contains(const char *msg, const char *part)
{
	if (strstr(msg, part) == NULL)
		fail_msg("'%s' lacks '%s'", msg, part);
}

/* A regular file, an empty one, a /proc file (whose size says 0). */
static void
test_reads_whole_files(void **state)
{
	char err[512], *data;
	size_t len;

	(void)state;
	assert_int_equal(read_with(write_file("a", "one\ntwo\n", 8),
	    &text_limits, err, sizeof err, &len), 0);
	assert_int_equal(len, 8);
	assert_int_equal(read_with(write_file("e", "", 0), &text_limits, err,
	    sizeof err, &len), 0);
	assert_int_equal(len, 0);
	assert_int_equal(input_read("/proc/self/status", &(struct input_limits)
	    { "a file", 1 << 20, 0, 300 }, &data, &len, err, sizeof err), 0);
	assert_true(len > 0);
	assert_non_null(strstr(data, "Name:"));
	free(data);
}

/* Directories, NUL bytes, too many bytes, too long lines: refused with the
 * file and (where there is one) the true line. */
static void
test_refusals(void **state)
{
	char err[512], text[64];
	size_t len;
	struct input_limits small = text_limits;

	(void)state;
	assert_int_equal(read_with(fixture_dir, &text_limits, err, sizeof err,
	    &len), -1);
	assert_contains(err, "is a directory");
	assert_int_equal(read_with(write_file("nul", "a\nb\nc\0d\n", 8),
	    &text_limits, err, sizeof err, &len), -2);
	assert_contains(err, "nul:3: a NUL byte");
	assert_int_equal(read_with("/dev/zero", &text_limits, err, sizeof err,
	    &len), -2);
	assert_contains(err, "/dev/zero:1: a NUL byte");
	assert_int_equal(read_with(fixture_in_dir("absent"), &text_limits, err,
	    sizeof err, &len), -1);
	assert_contains(err, "absent: No such file or directory");
	/* size: exactly the bound, then one more */
	small.max_bytes = 10;
	assert_int_equal(read_with(write_file("ten", "123456789\n", 10), &small,
	    err, sizeof err, &len), 0);
	assert_int_equal(read_with(write_file("eleven", "1234567890\n", 11),
	    &small, err, sizeof err, &len), -1);
	assert_contains(err, "eleven: more than 10 bytes: too large for a "
	    "test file");
	/* lines: 20 bytes (with "\r\n" or "\n" or at the end) pass, 21 not */
	snprintf(text, sizeof text, "ok\r\n%s\r\n%s", "12345678901234567890",
	    "12345678901234567890");
	assert_int_equal(read_with(write_file("lines", text, strlen(text)),
	    &text_limits, err, sizeof err, &len), 0);
	snprintf(text, sizeof text, "ok\n\n%s\nok\n", "123456789012345678901");
	assert_int_equal(read_with(write_file("long", text, strlen(text)),
	    &text_limits, err, sizeof err, &len), -1);
	assert_contains(err, "long:3: the line is longer than 20 bytes");
}

/* A FIFO no one writes, and one whose writer never finishes: refused when
 * the wait runs out (the reader never blocks in open or read). */
static void
test_fifo_without_a_writer(void **state)
{
	const char *fifo = fixture_in_dir("fifo");
	char err[512];
	size_t len;
	int fd;

	(void)state;
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(read_with(fifo, &text_limits, err, sizeof err, &len),
	    -1);
	assert_contains(err, "fifo: a FIFO with no writer: nothing to read "
	    "within 0.3 s");
	/* a writer (this process, O_RDWR: Linux) that writes a little and
	 * then nothing, never closing */
	fd = open(fifo, O_RDWR | O_NONBLOCK);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "dim = ", 6), 6);
	assert_int_equal(read_with(fifo, &text_limits, err, sizeof err, &len),
	    -1);
	assert_contains(err, "fifo: the writer did not deliver the whole file "
	    "within 0.3 s (6 bytes so far)");
	close(fd);
	unlink(fifo);
}

/* A writer that comes a little later is waited for, and read to its end. */
static void
test_fifo_writer_comes_later(void **state)
{
	const char *fifo = fixture_in_dir("later");
	struct input_limits lim = text_limits;
	char err[512], *data;
	size_t len;
	pid_t pid;
	int status, fd;

	(void)state;
	assert_int_equal(mkfifo(fifo, 0600), 0);
	if ((pid = fork()) == 0) {
		usleep(50000);
		fd = open(fifo, O_WRONLY);
		_exit(fd < 0 || write(fd, "dim = 4\n", 8) != 8);
	}
	lim.wait_ms = 20000;	/* a bound, not a time being measured */
	assert_int_equal(input_read(fifo, &lim, &data, &len, err, sizeof err),
	    0);
	assert_int_equal(len, 8);
	assert_string_equal(data, "dim = 4\n");
	free(data);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(status, 0);
	unlink(fifo);
}

/* A config from a pipe (as --config <(...) gives): read once, applied, and
 * the keys it set marked given. */
static void
test_config_from_a_pipe(void **state)
{
	struct ms_config c;
	uint64_t given = 0;
	char path[64], err[512];
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_true(write(p[1], "data = iso\n[x]\nlayers = 2\n", 26) == 26);
	close(p[1]);
	snprintf(path, sizeof path, "/dev/fd/%d", p[0]);
	config_defaults(&c);
	if (config_load_ini(&c, path, &given, err, sizeof err) != 0)
		fail_msg("%s", err);
	close(p[0]);
	assert_int_equal(c.data, MS_DATA_ISO);
	assert_int_equal(c.layers, 2);
	for (int i = 0; i < config_key_count(); i++) {
		const char *k = config_key_name(i);
		bool want = strcmp(k, "data") == 0 || strcmp(k, "layers") == 0;

		assert_int_equal((given >> i & 1) != 0, want);
	}
}

/* A comment line longer than inih's buffer used to be split, its tail
 * parsed as a line of its own: now the line is refused at its number, and
 * nothing is set. Configs and themes alike. */
static void
test_long_ini_line(void **state)
{
	struct ms_config c, before;
	struct theme t;
	char text[1024], err[1024];
	int pad = INI_MAX_LINE - 2;	/* inih took 199 bytes, then the rest */

	(void)state;
	snprintf(text, sizeof text, "dim = 4\n\n#%.*sdim = 9\nlayers = 3\n",
	    pad, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
	config_defaults(&c);
	before = c;
	assert_int_equal(config_load_ini(&c, write_file("long.ini", text,
	    strlen(text)), NULL, err, sizeof err), -1);
	assert_contains(err, "long.ini:3: the line is longer than");
	assert_memory_equal(&c, &before, sizeof c);
	/* the longest line allowed is read whole */
	snprintf(text, sizeof text, "#%0*d\ndim = 7\n", INPUT_INI_LINE - 1, 0);
	assert_int_equal(config_load_ini(&c, write_file("max.ini", text,
	    strlen(text)), NULL, err, sizeof err), 0);
	assert_int_equal(c.dim, 7);
	snprintf(text, sizeof text, "[theme]\nname = x\n#%0*d title = #ff0000\n",
	    INI_MAX_LINE, 0);
	assert_int_equal(theme_load_file(write_file("long.theme", text,
	    strlen(text)), &t, err, sizeof err), -1);
	assert_contains(err, "long.theme:3: the line is longer than");
}

static int handled;

static int
count_handler(void *user, const char *section, const char *name,
    const char *value)
{
	(void)user;
	(void)section;
	(void)name;
	(void)value;
	handled++;
	return 1;
}

/* input_ini_parse itself (text not checked by input_read): a line too long
 * for the buffer inih offers stops the parse there, never split. */
static void
test_ini_parse_whole_lines(void **state)
{
	struct input_ini ii;
	char text[1024];

	(void)state;
	snprintf(text, sizeof text, "a = 1\nb = 2\n;%0*d c = 3\nd = 4\n", 400, 0);
	handled = 0;
	assert_int_equal(input_ini_parse(&ii, text, count_handler, NULL), 3);
	assert_int_equal(ii.long_line, 3);
	assert_int_equal(handled, 2);
	assert_true(ii.buffer >= 2);
	handled = 0;
	assert_int_equal(input_ini_parse(&ii, "a = 1\r\nb = 2", count_handler,
	    NULL), 0);
	assert_int_equal(ii.long_line, 0);
	assert_int_equal(ii.line, 2);
	assert_int_equal(handled, 2);
}

/* A theme that cannot be read is refused with the themes there are. */
static void
test_theme_refusal_lists_themes(void **state)
{
	struct theme t;
	char err[1024];

	(void)state;
	assert_int_equal(theme_load(fixture_dir, &t, err, sizeof err), -1);
	assert_contains(err, "is a directory");
	assert_contains(err, "available: ");
	assert_contains(err, "dark");
	assert_int_equal(theme_load("/dev/zero", &t, err, sizeof err), -1);
	assert_contains(err, "a NUL byte");
	assert_contains(err, "available: ");
	assert_int_equal(theme_load("no-such", &t, err, sizeof err), -1);
	assert_contains(err, "not found (available: ");
}

/* What checkpoint_read restored, counted: the current version exactly and
 * without replay; version 2 replayed only when asked and cheap. */
static void
test_checkpoint_info(void **state)
{
	struct ms_config c;
	struct trainer t;
	struct checkpoint_info info;
	char err[512];
	const char *path = fixture_in_dir("v3.json");

	(void)state;
	config_defaults(&c);
	c.dim = 3;
	c.context = 4;
	c.layers = 2;
	c.data = MS_DATA_ISO;
	c.batch = 8;
	c.test_batch = 8;
	c.resample = 1;
	assert_int_equal(trainer_init(&t, &c, err, sizeof err), 0);
	for (int s = 0; s < 5; s++)
		assert_int_equal(trainer_step(&t), 0);
	assert_int_equal(checkpoint_save(path, &t, err, sizeof err), 0);
	trainer_free(&t);
	if (checkpoint_read(path, &t, CHECKPOINT_REPLAY, &info, err,
	    sizeof err) != 0)
		fail_msg("%s", err);
	assert_int_equal(info.version, CHECKPOINT_VERSION);
	assert_true(info.exact);
	assert_int_equal(info.replayed, 0);
	trainer_free(&t);

	/* version 2, 12 steps redrawn every 2: 5 redraws, cheap */
	path = fixture_data_file("ckpt-v2-resample.json");
	if (checkpoint_read(path, &t, CHECKPOINT_REPLAY, &info, err,
	    sizeof err) != 0)
		fail_msg("%s", err);
	assert_int_equal(info.version, 2);
	assert_int_equal(info.replayed, 5);
	assert_true(info.exact);
	trainer_free(&t);
	/* eval and step train nothing: no replay */
	if (checkpoint_read(path, &t, 0, &info, err, sizeof err) != 0)
		fail_msg("%s", err);
	assert_int_equal(info.replayed, 0);
	assert_false(info.exact);
	trainer_free(&t);

	/* version 2 at step 10^12, redrawn every step: too dear, not done */
	path = fixture_data_file("ckpt-v2-huge-step.json");
	if (checkpoint_read(path, &t, CHECKPOINT_REPLAY, &info, err,
	    sizeof err) != 0)
		fail_msg("%s", err);
	assert_int_equal(info.replayed, 0);
	assert_false(info.exact);
	assert_contains(info.note, "not restored");
	assert_contains(info.note, "999999999999 redraws");
	trainer_free(&t);

	/* what is not a checkpoint says so */
	assert_int_equal(checkpoint_read("/proc/self/status", &t, 0, &info,
	    err, sizeof err), -1);
	assert_contains(err, "not a memscope checkpoint");
	assert_int_equal(checkpoint_read("/dev/zero", &t, 0, &info, err,
	    sizeof err), -1);
	assert_contains(err, "not a memscope checkpoint");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reads_whole_files),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_fifo_without_a_writer),
		cmocka_unit_test(test_fifo_writer_comes_later),
		cmocka_unit_test(test_config_from_a_pipe),
		cmocka_unit_test(test_long_ini_line),
		cmocka_unit_test(test_ini_parse_whole_lines),
		cmocka_unit_test(test_theme_refusal_lists_themes),
		cmocka_unit_test(test_checkpoint_info),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, fixture_dir_setup,
	    fixture_dir_remove);
}
