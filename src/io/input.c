/*
 * The one reader of input files.
 *
 * Reading: the file is opened non-blocking, so that opening a FIFO does
 * not wait for a writer, and read to its end whatever stat says (a /proc
 * file reports size 0, a pipe no size at all), at most max_bytes + 1 bytes
 * so that a larger file is refused without holding more. A regular file is
 * read straight through. Anything else (a pipe, a FIFO, a terminal, a
 * device) is read as data arrives, poll() waiting for more, with one
 * deadline wait_ms after the open for the whole file: a writer that never
 * writes, or never closes, is an error when it passes. A FIFO whose first
 * read finds no writer (read returns 0 at once) waits, within the same
 * deadline, for one to open it: a FIFO nobody writes is an error, not an
 * empty file.
 *
 * Checking: every byte as it arrives for a NUL (binary data: inih and
 * jansson would stop at it or refuse it with a worse message), and at the
 * end every line against max_line, each reported with its true line
 * number.
 *
 * INI: inih reads through an fgets-style callback with a fixed buffer and
 * splits a longer line into pieces that each parse as a line of its own
 * (the tail of a long comment can set a key). input_ini_parse's callback
 * hands inih whole lines only, and stops the parse at a line that does not
 * fit the buffer inih offers, so the bound holds whatever size the library
 * was built with.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "memscope/clock.h"
#include "memscope/config.h"
#include "memscope/input.h"

/* Wait until fd is readable or the deadline passes; 1 readable (or hung
 * up), 0 timed out, -1 error. */
static int
input_wait(int fd, double deadline)
{
	struct pollfd pfd;
	double left;
	int r;

	for (;;) {
		left = deadline - clock_seconds();
		if (left <= 0)
			return 0;
		pfd.fd = fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		r = poll(&pfd, 1, (int)(left * 1000) + 1);
		if (r > 0)
			return 1;
		if (r == 0)
			continue;	/* the deadline is checked above */
		if (errno != EINTR)
			return -1;
	}
}

/* -2 with a message if the bytes from `from` on hold a NUL (so that an
 * endless device of them stops at once), naming its line. */
static int
input_check_nul(const char *path, const char *buf, size_t from, size_t len,
    char *err, size_t errlen)
{
	const char *nul = memchr(buf + from, '\0', len - from);
	int line = 1;

	if (nul == NULL)
		return 0;
	for (const char *p = buf; p < nul; p++)
		line += *p == '\n';
	config_error(err, errlen, "%s:%d: a NUL byte: binary data, not a text "
	    "file", path, line);
	return -2;
}

/* No line of the file's bytes is longer than max_line. */
static int
input_check_lines(const char *path, const char *buf, size_t len,
    const struct input_limits *lim, char *err, size_t errlen)
{
	size_t start = 0, n;
	int line = 1;

	if (lim->max_line == 0)
		return 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && buf[i] != '\n')
			continue;
		n = i - start;
		if (n > 0 && i < len && buf[i - 1] == '\r')
			n--;
		if (n > lim->max_line)
			return config_error(err, errlen, "%s:%d: the line is "
			    "longer than %zu bytes (the most a line may hold)",
			    path, line, lim->max_line);
		start = i + 1;
		line++;
	}
	return 0;
}

/* Read the whole of path into *data (NUL-terminated, *len bytes). */
int
input_read(const char *path, const struct input_limits *lim, char **data,
    size_t *len, char *err, size_t errlen)
{
	struct stat st;
	double deadline;
	size_t n = 0, cap, most = lim->max_bytes + 1;	/* one more: too big */
	bool regular, waited = false;
	char *buf = NULL, *grown;
	ssize_t got;
	int fd, r;

	*data = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return config_error(err, errlen, "%s: %s", path,
		    strerror(errno));
	deadline = clock_seconds() + lim->wait_ms * 1e-3;
	if (fstat(fd, &st) != 0) {
		config_error(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		config_error(err, errlen, "%s: is a directory, not a file",
		    path);
		goto fail;
	}
	regular = S_ISREG(st.st_mode);
	if (regular && (uintmax_t)st.st_size > lim->max_bytes)
		goto too_big;
	/* a regular file's size is a hint (a /proc file says 0) */
	cap = regular && st.st_size > 0 ? (size_t)st.st_size + 2 : 4096;
	if (cap > most + 1)
		cap = most + 1;
	for (;;) {
		if (n + 1 >= cap) {
			if (n >= most)
				goto too_big;
			cap = cap > most / 2 ? most + 1 : 2 * cap;
			if ((grown = realloc(buf, cap)) == NULL)
				goto no_memory;
			buf = grown;
		} else if (buf == NULL && (buf = malloc(cap)) == NULL)
			goto no_memory;
		got = read(fd, buf + n, cap - 1 - n);
		if (got > 0) {
			n += (size_t)got;
			if ((r = input_check_nul(path, buf, n - (size_t)got, n,
			    err, errlen)) != 0) {
				free(buf);
				close(fd);
				return r;
			}
			if (n > lim->max_bytes)
				goto too_big;
			continue;
		}
		if (got == 0) {
			/* a FIFO no one has opened for writing reads as the
			 * end at once: give a writer until the deadline */
			if (S_ISFIFO(st.st_mode) && n == 0 && !waited) {
				waited = true;
				if ((r = input_wait(fd, deadline)) > 0)
					continue;
				/* a writer that came but wrote nothing
				 * leaves the FIFO unreadable too */
				if (r == 0 && read(fd, buf, 1) == 0) {
					config_error(err, errlen, "%s: a FIFO "
					    "with no writer: nothing to read "
					    "within %g s", path,
					    lim->wait_ms / 1000.0);
					goto fail;
				}
				if (r == 0)
					goto too_slow;
				config_error(err, errlen, "%s: %s", path,
				    strerror(errno));
				goto fail;
			}
			break;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			config_error(err, errlen, "%s: %s", path,
			    strerror(errno));
			goto fail;
		}
		waited = true;	/* a writer is there */
		if ((r = input_wait(fd, deadline)) > 0)
			continue;
		if (r == 0)
			goto too_slow;
		config_error(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	close(fd);
	buf[n] = '\0';
	if (input_check_lines(path, buf, n, lim, err, errlen) != 0) {
		free(buf);
		return -1;
	}
	*data = buf;
	*len = n;
	return 0;

too_slow:
	config_error(err, errlen, "%s: the writer did not deliver the whole "
	    "file within %g s (%zu bytes so far)", path,
	    lim->wait_ms / 1000.0, n);
	goto fail;
too_big:
	config_error(err, errlen, "%s: more than %zu bytes: too large for %s",
	    path, lim->max_bytes, lim->what);
	goto fail;
no_memory:
	config_error(err, errlen, "%s: out of memory after %zu bytes", path,
	    n);
fail:
	free(buf);
	close(fd);
	return -1;
}

/* inih's reader: the next whole line, or NULL at the end or before a line
 * that does not fit the buffer inih offers (num bytes, '\0' included). */
static char *
input_ini_reader(char *str, int num, void *stream)
{
	struct input_ini *ii = stream;
	const char *p = ii->next, *nl;
	size_t n;

	if (*p == '\0' || ii->long_line != 0)
		return NULL;
	nl = strchr(p, '\n');
	n = nl != NULL ? (size_t)(nl - p) + 1 : strlen(p);
	ii->buffer = num;
	if (num < 2 || n > (size_t)num - 1) {
		ii->long_line = ii->line + 1;
		return NULL;
	}
	memcpy(str, p, n);
	str[n] = '\0';
	ii->next = p + n;
	ii->line++;
	return str;
}

/* Parse INI text a whole line at a time (see input.h). */
int
input_ini_parse(struct input_ini *ii, const char *text, ini_handler fn,
    void *user)
{
	int r;

	ii->line = 0;
	ii->long_line = 0;
	ii->buffer = 0;
	ii->next = text;
	r = ini_parse_stream(input_ini_reader, ii, fn, user);
	if (ii->long_line != 0 && (r <= 0 || r > ii->long_line))
		return ii->long_line;
	return r;
}
