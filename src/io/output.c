/*
 * The one writer (output.h). Design notes:
 *
 * - What a target is decides how it is written, once, when the write starts
 *   (stat follows symlinks): a regular file or a new name is replaced by a
 *   renamed temporary; anything else that can be written (a character
 *   device, a FIFO, standard output) is written straight through, because
 *   renaming a file over /dev/null or a pipe destroys it.
 * - The stream is a glibc cookie stream over the descriptor, so the first
 *   failing write(2)'s errno is kept and the message can say "No space left
 *   on device" instead of stdio's bare error flag (which a later fflush
 *   may even clear).
 * - Temporaries under way are listed in a fixed table that a signal handler
 *   may read, in whichever thread the signal lands: a temporary's name is
 *   made and listed (path filled, then the flag set with release order)
 *   before the file is created with O_EXCL, and unlisted only after it is
 *   renamed or removed, so no signal finds a temporary that the table does
 *   not list. A listed name with no file (yet, or any more) costs the
 *   handler an unlink that fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "memscope/output.h"
#include "memscope/xmalloc.h"

#define OUTPUT_SLOTS 32
#define OUTPUT_TMP_PREFIX ".memscope-"
#define OUTPUT_TMP_RANDOM 12	/* characters after the prefix */

static struct {
	atomic_int used;	/* lock-free, so a handler may read it */
	char path[PATH_MAX];
} output_slots[OUTPUT_SLOTS];
static pthread_mutex_t output_slots_lock = PTHREAD_MUTEX_INITIALIZER;

static const int output_fatal_signals[] = {
	SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE
};
#define OUTPUT_NSIGNALS \
	((int)(sizeof output_fatal_signals / sizeof output_fatal_signals[0]))

/* The process's umask. umask() can only be read by setting it, which races
 * with another thread creating a file, so it is read from /proc (Linux 4.7
 * and later); where that fails, once with umask() at the first write. */
static mode_t output_umask_value;
static pthread_once_t output_umask_once = PTHREAD_ONCE_INIT;

static void
output_umask_read(void)
{
	output_umask_value = umask(022);
	umask(output_umask_value);
}

static mode_t
output_umask(void)
{
	char line[128];
	unsigned mask;
	FILE *f = fopen("/proc/self/status", "re");

	if (f != NULL) {
		while (fgets(line, sizeof line, f) != NULL)
			if (sscanf(line, "Umask: %o", &mask) == 1) {
				fclose(f);
				return (mode_t)mask & 0777;
			}
		fclose(f);
	}
	pthread_once(&output_umask_once, output_umask_read);
	return output_umask_value;
}

/* List tmp for the signal handlers; its slot, or -1 if the table is full
 * or the path too long (then a signal can leave it behind). */
static int
output_register(const char *tmp)
{
	int slot = -1;

	if (strlen(tmp) >= PATH_MAX)
		return -1;
	pthread_mutex_lock(&output_slots_lock);
	for (int i = 0; i < OUTPUT_SLOTS; i++)
		if (!atomic_load_explicit(&output_slots[i].used,
		    memory_order_relaxed)) {
			strcpy(output_slots[i].path, tmp);
			atomic_store_explicit(&output_slots[i].used, 1,
			    memory_order_release);
			slot = i;
			break;
		}
	pthread_mutex_unlock(&output_slots_lock);
	return slot;
}

static void
output_unregister(int slot)
{
	if (slot < 0)
		return;
	pthread_mutex_lock(&output_slots_lock);
	atomic_store_explicit(&output_slots[slot].used, 0,
	    memory_order_release);
	pthread_mutex_unlock(&output_slots_lock);
}

/* Create a new temporary in dir, listed before it exists; its descriptor
 * (*tmp and *slot set), or -1 with errno set. */
static int
output_create_temp(const char *dir, char **tmp, int *slot)
{
	static const char alphabet[] =
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	size_t len = strlen(dir) + sizeof OUTPUT_TMP_PREFIX +
	    OUTPUT_TMP_RANDOM + 2;
	char *path = xmalloc(len);

	for (int attempt = 0; attempt < 100; attempt++) {
		unsigned char r[OUTPUT_TMP_RANDOM];
		char name[OUTPUT_TMP_RANDOM + 1];
		int fd, saved;

		if (getrandom(r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r) {
			/* no entropy yet: time and address suffice here,
			 * O_EXCL guarantees the file is new */
			unsigned long x = (unsigned long)time(NULL) ^
			    (unsigned long)(uintptr_t)&r ^
			    (unsigned long)attempt * 2654435761UL ^
			    (unsigned long)getpid() << 16;

			for (size_t i = 0; i < sizeof r; i++, x >>= 5)
				r[i] = (unsigned char)(x * (i + 7));
		}
		for (size_t i = 0; i < sizeof r; i++)
			name[i] = alphabet[r[i] % (sizeof alphabet - 1)];
		name[OUTPUT_TMP_RANDOM] = '\0';
		snprintf(path, len, "%s/%s%s", dir, OUTPUT_TMP_PREFIX, name);
		*slot = output_register(path);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOCTTY |
		    O_CLOEXEC, 0600);
		if (fd >= 0) {
			*tmp = path;
			return fd;
		}
		saved = errno;
		output_unregister(*slot);
		*slot = -1;
		if (saved != EEXIST) {
			free(path);
			errno = saved;
			return -1;
		}
	}
	free(path);
	errno = EEXIST;
	return -1;
}

/* Remove every temporary of a write under way (async-signal-safe). */
void
output_signal_cleanup(void)
{
	for (int i = 0; i < OUTPUT_SLOTS; i++)
		if (atomic_load_explicit(&output_slots[i].used,
		    memory_order_acquire))
			unlink(output_slots[i].path);
}

/* What SIGINT and SIGTERM write on stderr before the end (NULL: nothing). */
static _Atomic(const char *) output_note;

/* Set what SIGINT and SIGTERM write on stderr before the end. */
void
output_signal_note(const char *text)
{
	atomic_store(&output_note, text);
}

static void
output_on_signal(int sig)
{
	const char *note = atomic_load(&output_note);

	if (note != NULL && (sig == SIGINT || sig == SIGTERM)) {
		size_t n = 0;

		while (note[n] != '\0')	/* strlen, signal-safe by hand */
			n++;
		if (write(STDERR_FILENO, note, n) < 0) {
			/* nothing to do: the process ends anyway */
		}
	}
	output_signal_cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Headless commands: the fatal signals remove the temporaries first. */
void
output_signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = output_on_signal;
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < OUTPUT_NSIGNALS; i++)
		sigaddset(&sa.sa_mask, output_fatal_signals[i]);
	for (int i = 0; i < OUTPUT_NSIGNALS; i++) {
		struct sigaction old;

		/* a signal ignored by whoever started us stays ignored */
		if (sigaction(output_fatal_signals[i], NULL, &old) == 0 &&
		    old.sa_handler == SIG_IGN)
			continue;
		sigaction(output_fatal_signals[i], &sa, NULL);
	}
}

/* The cookie stream's write. The first failing write(2)'s errno is kept
 * and later writes are dropped, but the stream is told every write went
 * through: glibc's fwrite reads past its buffer when a cookie write fails
 * in the middle of a large fwrite (seen with glibc 2.36), and stdio would
 * lose the errno anyway. output_commit checks errnum. */
static ssize_t
output_cookie_write(void *cookie, const char *buf, size_t size)
{
	struct output *out = cookie;
	size_t done = 0;

	while (done < size && out->errnum == 0) {
		ssize_t n = write(out->fd, buf + done, size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			out->errnum = n < 0 ? errno : EIO;
		else
			done += (size_t)n;
	}
	return (ssize_t)size;
}

static void
output_free(struct output *out)
{
	free(out->name);
	free(out->target);
	free(out->tmp);
	memset(out, 0, sizeof *out);
	out->fd = -1;
	out->slot = -1;
}

static int
output_fail(struct output *out, char *err, size_t errlen, const char *what,
    int errnum)
{
	snprintf(err, errlen, "cannot write '%s': %s", out->name,
	    what != NULL ? what : strerror(errnum));
	output_free(out);
	return -1;
}

/* The stream over out->fd. */
static int
output_stream(struct output *out)
{
	cookie_io_functions_t io = { NULL, output_cookie_write, NULL, NULL };

	out->fp = fopencookie(out, "w", io);
	return out->fp != NULL ? 0 : -1;
}

/* Whether st is the file one of our standard descriptors is open on; that
 * descriptor, or -1. */
static int
output_std_fd(const struct stat *st)
{
	struct stat fs;

	for (int fd = STDOUT_FILENO; fd <= STDERR_FILENO; fd++)
		if (fstat(fd, &fs) == 0 && fs.st_dev == st->st_dev &&
		    fs.st_ino == st->st_ino)
			return fd;
	return -1;
}

/* Whether path names standard output. */
bool
output_is_stdout(const char *path)
{
	struct stat st;

	if (strcmp(path, "-") == 0)
		return true;
	return stat(path, &st) == 0 && output_std_fd(&st) == STDOUT_FILENO;
}

/* The name of a file type that is never written, or NULL. */
static const char *
output_refused_type(mode_t mode)
{
	if (S_ISDIR(mode))
		return "it is a directory";
	if (S_ISBLK(mode))
		return "it is a block device (memscope writes regular files, "
		    "character devices, FIFOs and standard output)";
	if (S_ISSOCK(mode))
		return "it is a socket";
	return NULL;
}

/* Write straight through an existing non-regular file (a device, a FIFO). */
static int
output_open_through(struct output *out, char *err, size_t errlen)
{
	int fd, flags;

	/* O_NONBLOCK: a FIFO without a reader fails at once (ENXIO) */
	fd = open(out->name, O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return output_fail(out, err, errlen, errno == ENXIO ?
		    "no process is reading from it" : NULL, errno);
	if ((flags = fcntl(fd, F_GETFL)) >= 0)
		fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
	out->fd = fd;
	out->own_fd = true;
	return 0;
}

/* The directory part of path ("." if none), newly allocated. */
static char *
output_dirname(const char *path)
{
	char *copy = xstrdup(path), *dir = xstrdup(dirname(copy));

	free(copy);
	return dir;
}

/* The last component of path, newly allocated. */
static char *
output_basename(const char *path)
{
	char *copy = xstrdup(path), *base = xstrdup(basename(copy));

	free(copy);
	return base;
}

/* Whether name fits the directory's NAME_MAX. */
static int
output_name_fits(const char *dir, const char *name)
{
	long max = pathconf(dir, _PC_NAME_MAX);

	if (max < 0)
		max = NAME_MAX;
	return strlen(name) <= (size_t)max;
}

/* Replace a regular file, or create a new one, through a temporary. */
static int
output_open_atomic(struct output *out, const struct stat *st, char *err,
    size_t errlen)
{
	char *dir, *base;
	int fd, saved;

	/* a symlink stays a link: the temporary goes beside its target */
	out->target = st != NULL ? realpath(out->name, NULL) :
	    xstrdup(out->name);
	if (out->target == NULL)
		return output_fail(out, err, errlen, NULL, errno);
	dir = output_dirname(out->target);
	base = output_basename(out->target);
	if (!output_name_fits(dir, base)) {
		free(dir);
		free(base);
		return output_fail(out, err, errlen, "the file name is longer "
		    "than the file system allows (NAME_MAX)", 0);
	}
	free(base);
	fd = output_create_temp(dir, &out->tmp, &out->slot);
	saved = errno;
	free(dir);
	if (fd < 0)
		return output_fail(out, err, errlen, NULL, saved);
	out->fd = fd;
	out->own_fd = true;
	if (st != NULL) {
		out->keep = true;
		out->mode = st->st_mode & 07777;
		out->uid = st->st_uid;
		out->gid = st->st_gid;
	}
	return 0;
}

/* Start writing path; 0, or -1 with a message. */
int
output_open(struct output *out, const char *path, char *err, size_t errlen)
{
	struct stat st;
	const char *refused;
	int rc, fd;

	memset(out, 0, sizeof *out);
	out->fd = -1;
	out->slot = -1;
	out->name = xstrdup(strcmp(path, "-") == 0 ? "standard output" : path);
	if (*path == '\0')
		return output_fail(out, err, errlen, "the file name is empty",
		    0);
	if (strcmp(path, "-") == 0) {
		fflush(stdout);
		out->fd = STDOUT_FILENO;
		rc = 0;
	} else if (stat(path, &st) != 0) {
		if (errno != ENOENT)
			return output_fail(out, err, errlen, NULL, errno);
		if (lstat(path, &st) == 0)
			return output_fail(out, err, errlen, "it is a symbolic "
			    "link to a file that does not exist", 0);
		rc = output_open_atomic(out, NULL, err, errlen);
	} else if ((refused = output_refused_type(st.st_mode)) != NULL) {
		return output_fail(out, err, errlen, refused, 0);
	} else if ((fd = output_std_fd(&st)) >= 0) {
		/* e.g. /dev/stdout with stdout redirected to a file */
		fflush(fd == STDOUT_FILENO ? stdout : stderr);
		out->fd = fd;
		rc = 0;
	} else if (S_ISREG(st.st_mode)) {
		rc = output_open_atomic(out, &st, err, errlen);
	} else {
		rc = output_open_through(out, err, errlen);
	}
	if (rc != 0)
		return rc;
	if (output_stream(out) != 0) {
		int saved = errno;

		output_abort(out);
		snprintf(err, errlen, "cannot write '%s': %s", path,
		    strerror(saved));
		return -1;
	}
	return 0;
}

/* Remove the temporary, then unlist it. */
static void
output_remove_tmp(struct output *out)
{
	if (out->tmp == NULL)
		return;
	unlink(out->tmp);
	output_unregister(out->slot);
	out->slot = -1;
}

/* Give up after a failed write, saying why; -1. */
int
output_fail_write(struct output *out, char *err, size_t errlen)
{
	int saved;

	fflush(out->fp);
	saved = out->errnum != 0 ? out->errnum : EIO;
	snprintf(err, errlen, "cannot write '%s': %s", out->name,
	    strerror(saved));
	output_abort(out);
	return -1;
}

/* Give the temporary the target's mode and owner, or the usual new mode. */
static int
output_set_mode(struct output *out)
{
	if (!out->keep)
		return fchmod(out->fd, 0666 & ~output_umask());
	/* the owner where we may set it (root), else the group, else ours;
	 * fchown clears set-id bits, so the mode comes after it */
	if (fchown(out->fd, out->uid, out->gid) != 0)
		(void)!fchown(out->fd, (uid_t)-1, out->gid);
	return fchmod(out->fd, out->mode);
}

/* Finish writing; 0, or -1 with a message and the target untouched. */
int
output_commit(struct output *out, char *err, size_t errlen)
{
	char *dir;
	int fd, rc, saved;

	rc = fflush(out->fp);
	if (rc != 0 || ferror(out->fp) || out->errnum != 0)
		return output_fail_write(out, err, errlen);
	fclose(out->fp);
	out->fp = NULL;
	if (out->tmp == NULL) {
		/* written through: a device or a pipe has nothing to sync */
		if (out->own_fd && close(out->fd) != 0 && errno != EINTR)
			return output_fail(out, err, errlen, NULL, errno);
		output_free(out);
		return 0;
	}
	if (output_set_mode(out) != 0 || fsync(out->fd) != 0) {
		saved = errno;
		snprintf(err, errlen, "cannot write '%s': %s", out->name,
		    strerror(saved));
		output_abort(out);
		return -1;
	}
	close(out->fd);
	out->fd = -1;
	rc = rename(out->tmp, out->target);
	saved = errno;
	if (rc != 0)
		unlink(out->tmp);
	output_unregister(out->slot);	/* only now: see the top */
	out->slot = -1;
	if (rc != 0)
		return output_fail(out, err, errlen, NULL, saved);
	/* make the rename itself durable */
	dir = output_dirname(out->target);
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
	output_free(out);
	return 0;
}

/* Remove the temporary and leave the target alone. */
void
output_abort(struct output *out)
{
	if (out->fp != NULL)
		fclose(out->fp);
	if (out->own_fd && out->fd >= 0)
		close(out->fd);
	output_remove_tmp(out);
	output_free(out);
}

/* Whether path can be written as output_open would; 0 or -1. */
int
output_check(const char *path, char *err, size_t errlen)
{
	struct stat st;
	const char *refused;
	char *dir, *base, *tmp = NULL, *real = NULL;
	int fd, slot;

	if (*path == '\0') {
		snprintf(err, errlen, "the file name is empty");
		return -1;
	}
	if (strcmp(path, "-") == 0)
		return 0;
	if (stat(path, &st) == 0) {
		/* a symlink's temporary goes beside its final target */
		real = realpath(path, NULL);
		if ((refused = output_refused_type(st.st_mode)) != NULL) {
			snprintf(err, errlen, "cannot write '%s': %s", path,
			    refused);
			free(real);
			return -1;
		}
		if (!S_ISREG(st.st_mode) || output_std_fd(&st) >= 0) {
			/* written through: it must take our writes */
			int rc = access(path, W_OK);

			if (rc != 0)
				snprintf(err, errlen, "cannot write '%s': %s",
				    path, strerror(errno));
			free(real);
			return rc != 0 ? -1 : 0;
		}
	} else if (errno != ENOENT) {
		snprintf(err, errlen, "cannot write '%s': %s", path,
		    strerror(errno));
		return -1;
	} else if (lstat(path, &st) == 0) {
		snprintf(err, errlen, "cannot write '%s': it is a symbolic "
		    "link to a file that does not exist", path);
		return -1;
	}
	dir = output_dirname(real != NULL ? real : path);
	base = output_basename(real != NULL ? real : path);
	free(real);
	if (!output_name_fits(dir, base)) {
		snprintf(err, errlen, "cannot write '%s': the file name is "
		    "longer than the file system allows (NAME_MAX)", path);
		free(dir);
		free(base);
		return -1;
	}
	free(base);
	/* the very temporary the write would make, made and removed */
	fd = output_create_temp(dir, &tmp, &slot);
	if (fd < 0)
		snprintf(err, errlen, "cannot write '%s': %s", path,
		    strerror(errno));
	else {
		close(fd);
		unlink(tmp);
		output_unregister(slot);
	}
	if (fd >= 0)
		free(tmp);
	free(dir);
	return fd < 0 ? -1 : 0;
}

/* Whether dir is, or can be made, a directory that takes new files. */
int
output_check_dir(const char *dir, char *err, size_t errlen)
{
	struct stat st;
	char *copy, *p;

	if (*dir == '\0') {
		snprintf(err, errlen, "the directory name is empty");
		return -1;
	}
	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode)) {
			snprintf(err, errlen, "'%s' exists and is not a "
			    "directory", dir);
			return -1;
		}
		if (access(dir, W_OK | X_OK) != 0) {
			snprintf(err, errlen, "cannot write in '%s': %s", dir,
			    strerror(errno));
			return -1;
		}
		return 0;
	}
	if (errno != ENOENT) {
		snprintf(err, errlen, "cannot use '%s': %s", dir,
		    strerror(errno));
		return -1;
	}
	/* the nearest existing ancestor must be a writable directory */
	copy = xstrdup(dir);
	for (;;) {
		p = output_dirname(copy);
		free(copy);
		copy = p;
		if (stat(copy, &st) == 0 || errno != ENOENT ||
		    strcmp(copy, ".") == 0 || strcmp(copy, "/") == 0)
			break;
	}
	if (stat(copy, &st) != 0 || !S_ISDIR(st.st_mode) ||
	    access(copy, W_OK | X_OK) != 0) {
		int saved = errno;

		snprintf(err, errlen, "cannot create '%s': %s", dir,
		    stat(copy, &st) == 0 && !S_ISDIR(st.st_mode) ?
		    "a part of the path is not a directory" : strerror(saved));
		free(copy);
		return -1;
	}
	free(copy);
	return 0;
}

/* Open /dev/null on any of descriptors 0, 1, 2 that is closed, so that no
 * file memscope opens lands on one (a closed stderr would otherwise send
 * messages into an output file); whether stdout was closed. */
bool
output_std_fds_fill(void)
{
	bool stdout_closed = false;

	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		if (fd == STDOUT_FILENO)
			stdout_closed = true;
		if (open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd)
			_exit(1);
	}
	return stdout_closed;
}
