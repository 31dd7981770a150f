/* The one writer (output.h) and file identity (fileid.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "dir_fixture.h"
#include "memscope/engine.h"
#include "memscope/fileid.h"
#include "memscope/output.h"





/* The number of ".memscope-" temporaries in fixture_dir. */
static int
temporaries(void)
{
	char cmd[128], line[64];
	FILE *p;
	int n = -1;

	snprintf(cmd, sizeof cmd, "ls -a '%s' | grep -c '^\\.memscope-'",
	    fixture_dir);
	if ((p = popen(cmd, "r")) != NULL) {
		if (fgets(line, sizeof line, p) != NULL)
			n = atoi(line);
		pclose(p);
	}
	return n;
}

static void
write_text(const char *path, const char *text)
{
	struct output out;
	char err[512];

	assert_int_equal(output_open(&out, path, err, sizeof err), 0);
	fputs(text, out.fp);
	assert_int_equal(output_commit(&out, err, sizeof err), 0);
}

static void
assert_file_text(const char *path, const char *text)
{
	char buf[256] = "";
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	assert_true(fread(buf, 1, sizeof buf - 1, f) <= sizeof buf - 1);
	fclose(f);
	assert_string_equal(buf, text);
}

/* A new file gets 0666 less the umask, whatever mkstemp gave it. */
static void
test_new_file_mode(void **state)
{
	const char *p = fixture_in_dir("new.csv");
	mode_t old = umask(027);
	struct stat st;

	(void)state;
	write_text(p, "a\n");
	umask(old);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_file_text(p, "a\n");
	assert_int_equal(temporaries(), 0);
}

/* Replacing a file keeps its mode bits (and, as root, its owner). */
static void
test_keeps_mode_and_owner(void **state)
{
	const char *p = fixture_in_dir("kept.csv");
	struct stat st;

	(void)state;
	write_text(p, "old\n");
	assert_int_equal(chmod(p, 0604), 0);
	if (geteuid() == 0)
		assert_int_equal(chown(p, 4321, 4322), 0);
	write_text(p, "new\n");
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0604);
	if (geteuid() == 0) {
		assert_int_equal(st.st_uid, 4321);
		assert_int_equal(st.st_gid, 4322);
	}
	assert_file_text(p, "new\n");
}

/* A symlink to a file stays a link; its target is replaced. */
static void
test_symlink_stays(void **state)
{
	const char *target = fixture_in_dir("target.csv");
	const char *link = fixture_in_dir("link.csv");
	struct stat st;

	(void)state;
	write_text(target, "old\n");
	assert_int_equal(symlink(target, link), 0);
	write_text(link, "new\n");
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_file_text(target, "new\n");
}

/* A FIFO is written through (never replaced); without a reader, an error
 * at once rather than a wait. */
static void
test_fifo_through(void **state)
{
	const char *p = fixture_in_dir("fifo");
	struct output out;
	struct stat st;
	char err[512], buf[16] = "";
	int rfd;

	(void)state;
	assert_int_equal(mkfifo(p, 0600), 0);
	assert_int_equal(output_open(&out, p, err, sizeof err), -1);
	assert_non_null(strstr(err, "no process is reading"));
	rfd = open(p, O_RDONLY | O_NONBLOCK);
	assert_true(rfd >= 0);
	assert_int_equal(output_open(&out, p, err, sizeof err), 0);
	fputs("through\n", out.fp);
	assert_int_equal(output_commit(&out, err, sizeof err), 0);
	assert_int_equal(read(rfd, buf, sizeof buf - 1), 8);
	assert_string_equal(buf, "through\n");
	close(rfd);
	assert_int_equal(stat(p, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_int_equal(temporaries(), 0);
}

/* A failed write names the reason and leaves the target as it was. */
static void
test_failure_says_why(void **state)
{
	struct output out;
	char err[512], big[8192];

	(void)state;
	if (access("/dev/full", W_OK) != 0)
		skip();
	assert_int_equal(output_open(&out, "/dev/full", err, sizeof err), 0);
	memset(big, 'x', sizeof big);
	fwrite(big, 1, sizeof big, out.fp);
	assert_int_equal(output_commit(&out, err, sizeof err), -1);
	assert_non_null(strstr(err, "No space left on device"));
}

/* Directories, block devices and an empty name are refused, up front
 * (output_check) and at the write. */
static void
test_refused(void **state)
{
	struct output out;
	char err[512];

	(void)state;
	assert_int_equal(output_check(fixture_dir, err, sizeof err), -1);
	assert_non_null(strstr(err, "directory"));
	assert_int_equal(output_open(&out, fixture_dir, err, sizeof err), -1);
	assert_int_equal(output_check("", err, sizeof err), -1);
	assert_int_equal(output_check(fixture_in_dir("no/such/x.csv"), err,
	    sizeof err), -1);
	assert_int_equal(output_check(fixture_in_dir("ok.csv"), err,
	    sizeof err), 0);
	assert_int_equal(temporaries(), 0);
	assert_int_equal(output_check_dir(fixture_in_dir("new/sub"), err,
	    sizeof err), 0);
	write_text(fixture_in_dir("plain"), "x\n");
	assert_int_equal(output_check_dir(fixture_in_dir("plain"), err,
	    sizeof err), -1);
	assert_int_equal(output_check_dir(fixture_in_dir("plain/sub"), err,
	    sizeof err), -1);
}

/* output_signal_cleanup removes the temporary of a write under way, and
 * abort leaves the old file. */
static void
test_signal_cleanup(void **state)
{
	const char *p = fixture_in_dir("partial.csv");
	struct output out;
	char err[512];

	(void)state;
	write_text(p, "old\n");
	assert_int_equal(output_open(&out, p, err, sizeof err), 0);
	fputs("half", out.fp);
	fflush(out.fp);
	assert_int_equal(temporaries(), 1);
	output_signal_cleanup();
	assert_int_equal(temporaries(), 0);
	output_abort(&out);
	assert_file_text(p, "old\n");
}

/* Same file by device and inode, or by canonical name before it exists. */
static void
test_fileid(void **state)
{
	struct fileid a, b;
	char dotted[300];

	(void)state;
	write_text(fixture_in_dir("id.csv"), "x\n");
	assert_int_equal(link(fixture_in_dir("id.csv"),
	    fixture_in_dir("hard.csv")), 0);
	fileid_of(fixture_in_dir("id.csv"), &a);
	fileid_of(fixture_in_dir("hard.csv"), &b);
	assert_true(fileid_same(&a, &b));
	fileid_free(&a);
	fileid_free(&b);
	snprintf(dotted, sizeof dotted, "%s/./sub/../none.csv", fixture_dir);
	assert_int_equal(mkdir(fixture_in_dir("sub"), 0700), 0);
	fileid_of(dotted, &a);
	fileid_of(fixture_in_dir("none.csv"), &b);
	assert_true(fileid_same(&a, &b));
	fileid_free(&b);
	fileid_of(fixture_in_dir("other.csv"), &b);
	assert_false(fileid_same(&a, &b));
	fileid_free(&a);
	fileid_free(&b);
}

/* The visualizer's export goes through the same writer: a new file gets
 * 0666 less the umask (it was 0600 with its own writer). */
static void
test_engine_export_mode(void **state)
{
	struct ms_config cfg;
	struct engine_opts eo = { .publish_ms = 10 };
	struct engine *e;
	struct snapshot *s;
	const char *p = fixture_in_dir("export.csv");
	char err[256];
	struct stat st;
	mode_t old = umask(022);
	time_t end = time(NULL) + 20;
	bool exported = false, sent = false;

	(void)state;
	config_defaults(&cfg);
	cfg.dim = 2;
	cfg.context = 4;
	cfg.layers = 1;
	cfg.batch = 8;
	cfg.test_batch = 8;
	cfg.steps = 5;
	cfg.data = MS_DATA_ISO;
	cfg.threads = 1;
	eo.csv_path = p;
	e = engine_create(&cfg, NULL, &eo, err, sizeof err);
	assert_non_null(e);
	s = engine_first_snapshot(e);
	assert_int_equal(engine_start(e), 0);
	while (!exported && time(NULL) < end) {
		struct pollfd pfd = { engine_notify_fd(e), POLLIN, 0 };

		poll(&pfd, 1, 50);
		engine_notify_drain(e);
		engine_take(e, &s);
		if (s->seq > 0 && s->state == ENGINE_FINISHED && !sent) {
			engine_send(e, ENGINE_CMD_EXPORT, 0);
			sent = true;
		}
		exported = strstr(s->message, "exported") != NULL;
	}
	engine_free(e);
	umask(old);
	assert_true(exported);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_file_mode),
		cmocka_unit_test(test_keeps_mode_and_owner),
		cmocka_unit_test(test_symlink_stays),
		cmocka_unit_test(test_fifo_through),
		cmocka_unit_test(test_failure_says_why),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_signal_cleanup),
		cmocka_unit_test(test_fileid),
		cmocka_unit_test(test_engine_export_mode),
	};

	return cmocka_run_group_tests(tests, fixture_dir_setup,
	    fixture_dir_remove);
}
