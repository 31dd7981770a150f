/*
 * Following a growing history CSV (history_follow.h).
 *
 * Each poll opens the file afresh (non-blocking, so a FIFO put in its place
 * cannot hold it: anything but a regular file is refused before a read),
 * compares its device and inode with the ones followed and its size with
 * the offset read so far (another file, or a shorter one: start over), and
 * reads from the offset to the end, at most HISTORY_FOLLOW_CHUNK bytes, so
 * a huge file is taken in pieces and memory stays bounded: the only buffer
 * kept between polls is the incomplete last line, at most
 * HISTORY_FOLLOW_LINE bytes. Opening each time means a file replaced by
 * rename (or deleted and made again) is noticed at the next poll.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "memscope/config.h"
#include "memscope/history_follow.h"
#include "memscope/xmalloc.h"

static const char follow_header[] = "run,step,train_mse,test_mse,seconds";
static const char follow_accepted[] = "run,step,train_mse,test_mse,seconds: "
    "run an integer 0 to 999, step an integer >= 0, the others numbers "
    "(nan, inf) or empty";

/* Start following path. */
void
history_follow_init(struct history_follow *f, const char *path)
{
	memset(f, 0, sizeof *f);
	f->path = xstrdup(path);
}

void
history_follow_free(struct history_follow *f)
{
	free(f->path);
	f->path = NULL;
}

/* A real cell: empty is NaN; 0 or -1. */
static int
follow_real(const char *s, double *out)
{
	char *end;

	if (*s == '\0') {
		*out = NAN;
		return 0;
	}
	errno = 0;
	*out = strtod(s, &end);
	return *end == '\0' && end != s && (errno != ERANGE ||
	    fabs(*out) <= 1.0 || isinf(*out)) ? 0 : -1;
}

/* Split line (NUL-terminated, changed) at its commas into 5 cells. */
static int
follow_cells(char *line, char **cell)
{
	int n = 0;

	cell[n++] = line;
	for (char *p = line; *p != '\0'; p++)
		if (*p == ',') {
			if (n == 5)
				return -1;
			*p = '\0';
			cell[n++] = p + 1;
		}
	return n == 5 ? 0 : -1;
}

/* One complete line (no newline; a '\r' before it dropped): the header or
 * a row for the sink. 0, or -1 with the message. */
static int
follow_line(struct history_follow *f, char *line, size_t len,
    const struct history_follow_sink *sink, long *rows, char *err,
    size_t errlen)
{
	struct history_row r;
	char *cell[5], copy[64];
	const char *what = "row";
	int64_t n;

	if (len > 0 && line[len - 1] == '\r')
		line[--len] = '\0';
	f->line++;
	snprintf(copy, sizeof copy, "%s", line);
	if (len > 40)
		snprintf(copy + 37, sizeof copy - 37, "...");
	if (memchr(line, '\0', len) != NULL)
		return config_error(err, errlen, "%s:%ld: a NUL byte: binary "
		    "data, not a history CSV", f->path, f->line);
	if (f->line == 1) {
		if (strcmp(line, follow_header) == 0)
			return 0;
		return config_error(err, errlen, "%s:1: expected the header "
		    "'%s' (a history CSV of memscope train --csv or --live), "
		    "got '%s'", f->path, follow_header, copy);
	}
	if (follow_cells(line, cell) != 0)
		goto bad;
	what = "run";
	if (config_parse_int(cell[0], 0, HISTORY_FOLLOW_RUNS - 1, &n) != 0)
		goto bad;
	r.run = (int)n;
	what = "step";
	if (config_parse_int(cell[1], 0, INT64_MAX / 2, &n) != 0)
		goto bad;
	r.step = (long)n;
	what = "train_mse";
	if (follow_real(cell[2], &r.train) != 0)
		goto bad;
	what = "test_mse";
	if (follow_real(cell[3], &r.test) != 0)
		goto bad;
	what = "seconds";
	if (follow_real(cell[4], &r.seconds) != 0)
		goto bad;
	sink->row(sink->ctx, &r);
	(*rows)++;
	return 0;
bad:
	return config_error(err, errlen, "%s:%ld: bad %s in '%s' (expected %s)",
	    f->path, f->line, what, copy, follow_accepted);
}

/* Feed len bytes read from the file: complete lines parsed, the rest kept
 * in f->part. 0, or -1 with the message. */
static int
follow_feed(struct history_follow *f, const char *buf, size_t len,
    const struct history_follow_sink *sink, long *rows, char *err,
    size_t errlen)
{
	while (len > 0) {
		const char *nl = memchr(buf, '\n', len);
		size_t take = nl != NULL ? (size_t)(nl - buf) : len;

		if (f->npart + take > HISTORY_FOLLOW_LINE)
			return config_error(err, errlen, "%s:%ld: the line is "
			    "longer than %d bytes: not a history CSV row "
			    "(expected %s)", f->path, f->line + 1,
			    HISTORY_FOLLOW_LINE, follow_accepted);
		memcpy(f->part + f->npart, buf, take);
		f->npart += take;
		f->offset += (off_t)take;
		if (nl == NULL)
			break;
		f->part[f->npart] = '\0';
		f->offset++;	/* the newline */
		if (follow_line(f, f->part, f->npart, sink, rows, err,
		    errlen) != 0)
			return -1;
		f->npart = 0;
		buf += take + 1;
		len -= take + 1;
	}
	return 0;
}

/* What a file that is not a regular file is, for the message. */
static const char *
follow_kind(mode_t m)
{
	return S_ISDIR(m) ? "a directory" : S_ISFIFO(m) ? "a FIFO" :
	    S_ISSOCK(m) ? "a socket" : "a device";
}

/* Read what was appended since the last poll into the sink. */
long
history_follow_poll(struct history_follow *f,
    const struct history_follow_sink *sink, char *err, size_t errlen)
{
	struct stat st;
	char *buf;
	size_t total = 0;
	ssize_t got;
	long rows = 0;
	int fd;

	f->more = false;
	fd = open(f->path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT) {
			f->present = false;
			return 0;
		}
		return config_error(err, errlen, "%s: %s", f->path,
		    strerror(errno));
	}
	if (fstat(fd, &st) != 0) {
		int e = errno;

		close(fd);
		return config_error(err, errlen, "%s: %s", f->path,
		    strerror(e));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return config_error(err, errlen, "%s: %s, not a regular file "
		    "(accepted: a history CSV that memscope train --live or "
		    "--csv writes)", f->path, follow_kind(st.st_mode));
	}
	f->present = true;
	if (f->seen && (st.st_dev != f->dev || st.st_ino != f->ino ||
	    st.st_size < f->offset)) {
		/* truncated or replaced: start over */
		f->offset = 0;
		f->line = 0;
		f->npart = 0;
		f->restarts++;
		if (sink->reset != NULL)
			sink->reset(sink->ctx);
	}
	f->seen = true;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	buf = xmalloc(64 * 1024);
	while (total < HISTORY_FOLLOW_CHUNK) {
		got = pread(fd, buf, 64 * 1024, f->offset);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			config_error(err, errlen, "%s: %s", f->path,
			    strerror(errno));
			rows = -1;
			break;
		}
		if (got == 0)
			break;
		total += (size_t)got;
		if (follow_feed(f, buf, (size_t)got, sink, &rows, err,
		    errlen) != 0) {
			rows = -1;
			break;
		}
	}
	f->more = rows >= 0 && total >= HISTORY_FOLLOW_CHUNK;
	free(buf);
	close(fd);
	return rows;
}

/* Read the whole of a saved history into the sink. */
long
history_follow_read(const char *path, const struct history_follow_sink *sink,
    char *err, size_t errlen)
{
	struct history_follow f;
	long rows = 0, r;

	history_follow_init(&f, path);
	do {
		if ((r = history_follow_poll(&f, sink, err, errlen)) < 0) {
			rows = -1;
			goto out;
		}
		rows += r;
	} while (f.more);
	if (!f.present) {
		rows = config_error(err, errlen, "%s: %s", path,
		    strerror(ENOENT));
		goto out;
	}
	if (f.npart > 0) {
		/* the last line, without its newline */
		f.part[f.npart] = '\0';
		r = 0;
		if (follow_line(&f, f.part, f.npart, sink, &r, err,
		    errlen) != 0) {
			rows = -1;
			goto out;
		}
		rows += r;
	}
	if (f.line == 0)
		rows = config_error(err, errlen, "%s: empty: expected the "
		    "header '%s' (a history CSV of memscope train --csv or "
		    "--live)", path, follow_header);
out:
	history_follow_free(&f);
	return rows;
}
