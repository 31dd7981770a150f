/*
 * Following a history CSV (history_csv.h's schema) as it grows: each poll
 * reads what was appended since the last one and hands every complete row
 * to a callback. `memscope watch` follows `train --live`'s file with it,
 * and --overlay reads a saved history through it in one go.
 */
#ifndef MEMSCOPE_HISTORY_FOLLOW_H
#define MEMSCOPE_HISTORY_FOLLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define HISTORY_FOLLOW_LINE 1024	/* the longest row accepted, bytes */
#define HISTORY_FOLLOW_CHUNK ((size_t)1 << 20)	/* read per poll, at most */
#define HISTORY_FOLLOW_RUNS 1000	/* run ids 0 .. this - 1 */

/* One row of the file; NaN where a cell is empty. */
struct history_row {
	int run;
	long step;
	double train, test, seconds;
};

/* What the follower tells its user. */
struct history_follow_sink {
	void (*row)(void *ctx, const struct history_row *r);
	void (*reset)(void *ctx);	/* the file was truncated or replaced:
					 * forget the rows so far (may be
					 * NULL) */
	void *ctx;
};

struct history_follow {
	char *path;
	bool present;		/* the file was there at the last poll */
	bool seen;		/* dev, ino are the file's being followed */
	dev_t dev;
	ino_t ino;
	off_t offset;		/* bytes of the file read so far */
	long line;		/* complete lines read so far */
	bool more;		/* the last poll stopped at its chunk bound:
				 * more is there to read now */
	char part[HISTORY_FOLLOW_LINE + 2];	/* a line not yet complete */
	size_t npart;
	long restarts;		/* truncations or replacements seen */
};

/* Start following path (nothing is read yet). */
void history_follow_init(struct history_follow *f, const char *path);
void history_follow_free(struct history_follow *f);

/*
 * Read what was appended to the file since the last poll (at most
 * HISTORY_FOLLOW_CHUNK bytes; f->more says when more is waiting) and hand
 * each complete row to the sink; a last line without its newline is kept
 * until it is complete. A file that shrank or was replaced (another inode)
 * is read again from its start, after sink->reset. A file that is not
 * there (yet, or any more) is no error: f->present is false. Never blocks
 * (a FIFO or device is refused, not read). Returns the rows handed over,
 * or -1 with one line naming the file, the line and what is accepted: a
 * header that is not the schema's, a bad row, a line too long, a file that
 * is not a regular file or cannot be read.
 */
long history_follow_poll(struct history_follow *f,
    const struct history_follow_sink *sink, char *err, size_t errlen);

/* Read the whole of a saved history (a complete file: a last line without
 * its newline counts) into the sink; rows, or -1 and a message (a missing
 * file is one). */
long history_follow_read(const char *path,
    const struct history_follow_sink *sink, char *err, size_t errlen);

#endif
