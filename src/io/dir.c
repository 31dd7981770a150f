/*
 * Output directories (dir.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "memscope/dir.h"
#include "memscope/output.h"
#include "memscope/xmalloc.h"

/* Make dir and its parents (mkdir -p). */
int
dir_make(const char *dir, char *err, size_t errlen)
{
	char *p = xstrdup(dir), *s;

	for (s = p + 1; *s != '\0'; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) != 0 && errno != EEXIST)
			goto fail;
		*s = '/';
	}
	if (mkdir(p, 0777) != 0 && errno != EEXIST)
		goto fail;
	free(p);
	return 0;
fail:
	snprintf(err, errlen, "cannot create directory %s: %s", p,
	    strerror(errno));
	free(p);
	return -1;
}

/* Write dir/name with writer, through the one writer (output.h). */
int
dir_write(const char *dir, const char *name,
    int (*writer)(FILE *, const void *), const void *ctx, char *err,
    size_t errlen)
{
	size_t len = strlen(dir) + strlen(name) + 2;
	char *path = xmalloc(len);
	struct output af;
	int rc = -1;

	snprintf(path, len, "%s/%s", dir, name);
	if (output_open(&af, path, err, errlen) == 0) {
		if (writer(af.fp, ctx) != 0)
			output_fail_write(&af, err, errlen);
		else
			rc = output_commit(&af, err, errlen);
	}
	free(path);
	return rc;
}
