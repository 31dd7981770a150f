/*
 * The live training history (history_live.h). Rows from the runs' threads
 * go through one mutex into one stdio stream with a buffer large enough
 * that only the timed flushes (and the last one) write to the file, so a
 * follower mostly sees whole rows; it copes with a partial one anyway.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "memscope/clock.h"
#include "memscope/config.h"
#include "memscope/history_csv.h"
#include "memscope/history_live.h"
#include "memscope/output.h"
#include "memscope/xmalloc.h"

#define LIVE_BUFFER ((size_t)1 << 20)

struct history_live {
	pthread_mutex_t lock;
	FILE *fp;
	char *name;
	char *buf;		/* fp's buffer */
	double flushed;		/* when fp was last flushed (clock_seconds) */
	int errnum;		/* the first write error, 0 if none */
};

/* Flush fp, keeping the first error; the lock is held. */
static void
live_flush(struct history_live *l)
{
	if (fflush(l->fp) != 0 && l->errnum == 0)
		l->errnum = errno != 0 ? errno : EIO;
	l->flushed = clock_seconds();
}

/* Start a live history at path. */
struct history_live *
history_live_open(const char *path, char *err, size_t errlen)
{
	struct history_live *l;
	struct stat st;
	int fd;

	if (output_is_stdout(path))
		fd = dup(STDOUT_FILENO);
	else {
		/* a fresh file: a follower of the old one sees the change */
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode))
			(void)unlink(path);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOCTTY |
		    O_CLOEXEC | O_NONBLOCK, 0666);
		/* written through from here on, blocking (a FIFO's reader
		 * is there, or open failed with ENXIO) */
		if (fd >= 0)
			(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) &
			    ~O_NONBLOCK);
	}
	if (fd < 0) {
		config_error(err, errlen, "%s: %s", path, errno == ENXIO ?
		    "a FIFO nobody reads" : strerror(errno));
		return NULL;
	}
	l = xcalloc(1, sizeof *l);
	if ((l->fp = fdopen(fd, "w")) == NULL) {
		config_error(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		free(l);
		return NULL;
	}
	l->buf = xmalloc(LIVE_BUFFER);
	setvbuf(l->fp, l->buf, _IOFBF, LIVE_BUFFER);
	l->name = xstrdup(path);
	pthread_mutex_init(&l->lock, NULL);
	history_csv_header(l->fp);
	live_flush(l);
	return l;
}

/* Append one row; flush when it is time. */
void
history_live_row(struct history_live *l, int run, long step,
    double train_mse, double test_mse, double seconds)
{
	pthread_mutex_lock(&l->lock);
	history_csv_row(l->fp, run, step, train_mse, test_mse, seconds);
	if (clock_seconds() - l->flushed >= HISTORY_LIVE_FLUSH)
		live_flush(l);
	pthread_mutex_unlock(&l->lock);
}

/* Flush, close and free. */
int
history_live_close(struct history_live *l, char *err, size_t errlen)
{
	int r = 0;

	live_flush(l);
	if (ferror(l->fp) && l->errnum == 0)
		l->errnum = EIO;
	if (fclose(l->fp) != 0 && l->errnum == 0)
		l->errnum = errno;
	if (l->errnum != 0)
		r = config_error(err, errlen, "%s: %s", l->name,
		    strerror(l->errnum));
	pthread_mutex_destroy(&l->lock);
	free(l->buf);
	free(l->name);
	free(l);
	return r;
}
