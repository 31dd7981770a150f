/*
 * Files written atomically: the text goes to a temporary file in the target's
 * directory, which is flushed, fsynced and renamed over the target, and the
 * directory fsynced. A failure at any point removes the temporary file and
 * leaves the target as it was, so a reader sees the old file or the new one,
 * never half of one.
 */
#ifndef MEMSCOPE_ATOMICFILE_H
#define MEMSCOPE_ATOMICFILE_H

#include <stddef.h>
#include <stdio.h>

struct atomicfile {
	char *path;		/* the target */
	char *tmp;		/* the temporary file beside it */
	FILE *fp;		/* write here */
};

/* Create the temporary file for path; 0, or -1 with a message. */
int atomicfile_open(struct atomicfile *af, const char *path, char *err,
    size_t errlen);
/* Flush, fsync, give the file the usual mode (0666 less the umask), rename
 * over the target and fsync the directory; 0, or -1 with a message and the
 * temporary removed. Frees af either way. */
int atomicfile_commit(struct atomicfile *af, char *err, size_t errlen);
/* Give up: remove the temporary, leave the target alone, free af. */
void atomicfile_abort(struct atomicfile *af);

#endif
