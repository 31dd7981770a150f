/*
 * Atomic file replacement (mkstemp beside the target, write, fsync, rename,
 * fsync the directory), as htop's settings writer and most editors do it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "memscope/atomicfile.h"
#include "memscope/xmalloc.h"

/* The directory part of path ("." if none), newly allocated. */
static char *
atomicfile_dir(const char *path)
{
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');

	if (slash == NULL) {
		free(dir);
		return xstrdup(".");
	}
	if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	return dir;
}

static void
atomicfile_free(struct atomicfile *af)
{
	free(af->path);
	free(af->tmp);
	memset(af, 0, sizeof *af);
}

/* Create the temporary file for path; 0, or -1 with a message. */
int
atomicfile_open(struct atomicfile *af, const char *path, char *err,
    size_t errlen)
{
	char *dir = atomicfile_dir(path);
	size_t len = strlen(dir) + 32;
	int fd;

	memset(af, 0, sizeof *af);
	af->path = xstrdup(path);
	af->tmp = xmalloc(len);
	snprintf(af->tmp, len, "%s/.memscope-XXXXXX", dir);
	free(dir);
	if ((fd = mkstemp(af->tmp)) < 0) {
		snprintf(err, errlen, "cannot write '%s': %s", path,
		    strerror(errno));
		atomicfile_free(af);
		return -1;
	}
	if ((af->fp = fdopen(fd, "w")) == NULL) {
		snprintf(err, errlen, "cannot write '%s': %s", path,
		    strerror(errno));
		close(fd);
		unlink(af->tmp);
		atomicfile_free(af);
		return -1;
	}
	return 0;
}

/* Flush, fsync and rename over the target; -1 with the temporary removed. */
int
atomicfile_commit(struct atomicfile *af, char *err, size_t errlen)
{
	mode_t mask;
	char *dir;
	int fd, saved;

	mask = umask(0);
	umask(mask);
	if (ferror(af->fp) || fflush(af->fp) != 0 ||
	    fchmod(fileno(af->fp), 0666 & ~mask) != 0 ||
	    fsync(fileno(af->fp)) != 0) {
		saved = errno;
		fclose(af->fp);
		unlink(af->tmp);
		snprintf(err, errlen, "cannot write '%s': %s", af->path,
		    strerror(saved != 0 ? saved : EIO));
		atomicfile_free(af);
		return -1;
	}
	if (fclose(af->fp) != 0 || rename(af->tmp, af->path) != 0) {
		saved = errno;
		unlink(af->tmp);
		snprintf(err, errlen, "cannot write '%s': %s", af->path,
		    strerror(saved));
		atomicfile_free(af);
		return -1;
	}
	/* make the rename itself durable */
	dir = atomicfile_dir(af->path);
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY)) >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
	atomicfile_free(af);
	return 0;
}

/* Remove the temporary and leave the target alone. */
void
atomicfile_abort(struct atomicfile *af)
{
	if (af->fp != NULL)
		fclose(af->fp);
	if (af->tmp != NULL)
		unlink(af->tmp);
	atomicfile_free(af);
}
