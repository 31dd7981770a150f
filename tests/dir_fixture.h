/*
 * What the tests that write files share: a scratch directory made before
 * the group and removed, with all it holds, after it; names in it; and the
 * fixture files of tests/data.
 */
#ifndef MEMSCOPE_TESTS_DIR_FIXTURE_H
#define MEMSCOPE_TESTS_DIR_FIXTURE_H

#include <stddef.h>

/* The scratch directory, once fixture_dir_setup has made it. */
extern char fixture_dir[64];

/* cmocka group setup and teardown: make the directory; remove it. */
int fixture_dir_setup(void **state);
int fixture_dir_remove(void **state);
/* Remove dir with all it holds (not following symbolic links); 0 or -1. */
int fixture_remove(const char *dir);
/* fixture_dir/name (one of four rotating buffers: four may be in use). */
const char *fixture_in_dir(const char *name);
/* The source tree's tests/data/name. */
const char *fixture_data_file(const char *name);
/* The whole of the file at path (NUL-terminated; free()), through the
 * program's own reader (input_read); *len its size if len is not NULL.
 * Fails the test if it cannot be read. */
char *fixture_read(const char *path, size_t *len);
/* Write text as fixture_dir/name; its path (fixture_in_dir's). Fails the
 * test if it cannot be written. */
const char *fixture_write(const char *name, const char *text);

#endif
