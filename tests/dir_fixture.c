/* A scratch directory for tests that write files (dir_fixture.h). */
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "dir_fixture.h"
#include "memscope/input.h"

char fixture_dir[64];

int
fixture_dir_setup(void **state)
{
	(void)state;
	snprintf(fixture_dir, sizeof fixture_dir, "/tmp/memscope-test.XXXXXX");
	return mkdtemp(fixture_dir) == NULL ? -1 : 0;
}

static int
fixture_remove_one(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return (flag == FTW_DP ? rmdir(path) : unlink(path)) == 0 ? 0 : -1;
}

int
fixture_remove(const char *dir)
{
	return nftw(dir, fixture_remove_one, 16, FTW_DEPTH | FTW_PHYS) == 0 ?
	    0 : -1;
}

int
fixture_dir_remove(void **state)
{
	(void)state;
	return fixture_remove(fixture_dir);
}

const char *
fixture_in_dir(const char *name)
{
	static char path[4][512];
	static int next;
	char *p = path[next++ % 4];

	snprintf(p, sizeof path[0], "%s/%s", fixture_dir, name);
	return p;
}

const char *
fixture_data_file(const char *name)
{
	static char path[1024];

	snprintf(path, sizeof path, "%s/tests/data/%s", MEMSCOPE_SRCDIR, name);
	return path;
}

char *
fixture_read(const char *path, size_t *len)
{
	static const struct input_limits lim = { "a test's file",
	    INPUT_CHECKPOINT_BYTES, 0, INPUT_WAIT_MS };
	char *data, err[512];
	size_t n;

	if (input_read(path, &lim, &data, &n, err, sizeof err) != 0)
		fail_msg("%s", err);
	if (len != NULL)
		*len = n;
	return data;
}

const char *
fixture_write(const char *name, const char *text)
{
	const char *path = fixture_in_dir(name);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	return path;
}
