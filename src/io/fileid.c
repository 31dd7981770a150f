/* File identity (fileid.h). */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "memscope/fileid.h"
#include "memscope/xmalloc.h"

/* The identity of path; "-" is standard output. */
void
fileid_of(const char *path, struct fileid *id)
{
	struct stat st;
	int rc;

	memset(id, 0, sizeof *id);
	rc = strcmp(path, "-") == 0 ? fstat(STDOUT_FILENO, &st) :
	    stat(path, &st);
	if (rc == 0) {
		id->exists = true;
		id->chardev = S_ISCHR(st.st_mode);
		id->dev = st.st_dev;
		id->ino = st.st_ino;
	} else {
		char *d = xstrdup(path), *b = xstrdup(path);
		char *dir = realpath(dirname(d), NULL);
		const char *base = basename(b);

		if (dir != NULL) {
			size_t len = strlen(dir) + strlen(base) + 2;

			id->canon = xmalloc(len);
			snprintf(id->canon, len, "%s/%s", dir, base);
			free(dir);
		}
		free(d);
		free(b);
	}
}

/* Whether a and b are the same file. */
bool
fileid_same(const struct fileid *a, const struct fileid *b)
{
	if (a->exists && b->exists)
		return a->dev == b->dev && a->ino == b->ino;
	if (!a->exists && !b->exists && a->canon != NULL && b->canon != NULL)
		return strcmp(a->canon, b->canon) == 0;
	return false;
}

void
fileid_free(struct fileid *id)
{
	free(id->canon);
	memset(id, 0, sizeof *id);
}
