/*
 * The one writer of every file memscope produces (--csv, --json, --save,
 * reproduce's --out files, the visualizer's save and export keys).
 *
 * What a target gets, decided by what it is when the write starts:
 *
 *   "-", or the file standard output (or error) already is
 *       written straight through that descriptor, nothing renamed;
 *   a regular file, or a name that does not exist yet
 *       replaced atomically: a temporary ".memscope-" and 12 random
 *       characters beside the file (beside a symlink's final target, so
 *       the link stays a link) is
 *       written, flushed, fsynced, given the old file's mode and owner (a
 *       new file: 0666 less the umask) and renamed over it; a reader sees
 *       the old file or the new one, never half of one;
 *   a character device or a FIFO (/dev/null, /dev/full, a pipe)
 *       written straight through, never replaced; a FIFO nobody reads is
 *       an error, not a wait;
 *   a directory, a block device or a socket
 *       refused.
 *
 * A failed write removes the temporary and leaves the target as it was;
 * the message names the target and the reason (e.g. "No space left on
 * device"). Temporaries under way are removed by output_signal_cleanup(),
 * which every fatal-signal handler calls; only SIGKILL (or a power cut)
 * can leave one behind.
 */
#ifndef MEMSCOPE_OUTPUT_H
#define MEMSCOPE_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

struct output {
	char *name;		/* the target as given, for messages */
	char *target;		/* the file renamed over; NULL if written through */
	char *tmp;		/* the temporary beside it; NULL if written through */
	FILE *fp;		/* write here */
	int fd;			/* fp's descriptor */
	bool own_fd;		/* fd is ours to close */
	int errnum;		/* the first write error, 0 if none */
	int slot;		/* the temporary's place in the cleanup table, or -1 */
	bool keep;		/* replacing an existing file: keep its mode, owner */
	mode_t mode;		/* its mode bits */
	uid_t uid;		/* and owner */
	gid_t gid;
};

/* Start writing path (see above); 0, or -1 with a message. */
int output_open(struct output *out, const char *path, char *err,
    size_t errlen);
/* Finish: flush, check every write, sync and rename (or, written through,
 * flush); 0, or -1 with a message and the target untouched. Frees out. */
int output_commit(struct output *out, char *err, size_t errlen);
/* Give up: remove the temporary, leave the target alone, free out. */
void output_abort(struct output *out);
/* Give up after a write into out->fp failed: output_abort, and a message
 * naming the target and the reason; -1. */
int output_fail_write(struct output *out, char *err, size_t errlen);

/* Before the work: whether path can be written as output_open would (not
 * empty, a directory, a block device or a socket; its directory exists and
 * takes a new file; its name within NAME_MAX); 0, or -1 with a message. */
int output_check(const char *path, char *err, size_t errlen);
/* Before the work: whether dir is, or can be made, a directory that takes
 * new files (not an existing file); 0, or -1 with a message. */
int output_check_dir(const char *dir, char *err, size_t errlen);
/* Whether path names standard output ("-", or the very file descriptor 1
 * is open on). */
bool output_is_stdout(const char *path);

/* Remove every temporary of a write under way. Async-signal-safe: for
 * signal handlers, which then end the process. */
void output_signal_cleanup(void);
/* For headless commands: SIGINT, SIGTERM, SIGHUP, SIGQUIT and SIGPIPE
 * remove the temporaries, then end the process as the signal would. */
void output_signals_install(void);
/* What SIGINT or SIGTERM writes on stderr (with write(2)) before the
 * process ends, e.g. a progress display's "\nmemscope train: interrupted\n";
 * NULL: nothing. text must stay valid until replaced. */
void output_signal_note(const char *text);

/* Open /dev/null on any of descriptors 0, 1, 2 that is closed, so that no
 * file opened later lands on one; whether stdout was closed. Exits with
 * status 1 if /dev/null cannot take the place. */
bool output_std_fds_fill(void);

#endif
