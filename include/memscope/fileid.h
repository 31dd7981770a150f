/*
 * File identity, for refusing a command whose output would overwrite one of
 * its inputs or another of its outputs. Two paths are the same file when
 * they resolve to the same device and inode (hard links, symlinks, "./x"
 * and "x" alike); a path that does not exist yet is compared by its
 * canonical name (the real path of its directory, then its name); "-" is
 * standard output.
 */
#ifndef MEMSCOPE_FILEID_H
#define MEMSCOPE_FILEID_H

#include <stdbool.h>
#include <sys/types.h>

struct fileid {
	bool exists;		/* dev and ino are valid */
	bool chardev;		/* a character device (/dev/null may be shared) */
	dev_t dev;
	ino_t ino;
	char *canon;		/* for one that does not exist: its canonical
				 * path, or NULL if its directory is missing */
};

/* The identity of path ("-": standard output's); never fails (a path that
 * cannot be resolved gets canon NULL and is the same as nothing). */
void fileid_of(const char *path, struct fileid *id);
/* Whether a and b are the same file. */
bool fileid_same(const struct fileid *a, const struct fileid *b);
void fileid_free(struct fileid *id);

#endif
