/*
 * The one reader of input files (--config, themes, checkpoints): a whole text
 * file into memory, read once, to its end, with a bound on its size and its
 * lines, and a bound on how long a pipe, FIFO or device may keep it waiting.
 * INI text is then handed to inih a whole line at a time.
 */
#ifndef MEMSCOPE_INPUT_H
#define MEMSCOPE_INPUT_H

#include <stddef.h>

#include <ini.h>

/* Sizes memscope's readers accept. */
#define INPUT_INI_BYTES ((size_t)1 << 20)		/* a config or theme */
#define INPUT_CHECKPOINT_BYTES ((size_t)1 << 30)	/* a checkpoint */
/* inih's line buffer less '\r', '\n' and '\0' (ini.h: INI_MAX_LINE). */
#define INPUT_INI_LINE (INI_MAX_LINE - 3)
/* How long a pipe, FIFO or device may take to deliver a whole file. */
#define INPUT_WAIT_MS 10000

struct input_limits {
	const char *what;	/* "a config file": for the size message */
	size_t max_bytes;	/* the file holds at most this many bytes */
	size_t max_line;	/* and lines of at most this many (without
				 * "\n" or "\r\n"); 0: any length */
	int wait_ms;		/* a non-regular file: the whole of it within
				 * this time from the open */
};

/*
 * Read the whole of path into *data (NUL-terminated, *len bytes; free()).
 * Refused with a one-line message naming the file (and the line where it
 * applies): a directory, more than max_bytes, a NUL byte, a line longer than
 * max_line, and a pipe, FIFO or device with no writer or that has not
 * delivered the whole file within wait_ms. Never blocks longer than that.
 * 0, or -1 with the message (and *data NULL); -2 if what was refused is a
 * NUL byte (binary data: the caller may say what the file is not).
 */
int input_read(const char *path, const struct input_limits *lim, char **data,
    size_t *len, char *err, size_t errlen);

/* INI parsing of text already read, one whole line at a time. */
struct input_ini {
	int line;		/* lines handed to inih so far: the line the
				 * handler is called for */
	int long_line;		/* a line too long for inih's buffer, 0 if
				 * none; parsing stopped before it */
	int buffer;		/* the size of inih's line buffer */
	const char *next;	/* the text not yet handed over */
};

/*
 * ini_parse_string for NUL-terminated text, except that lines are counted
 * in ii (the handler may read ii->line) and a line that does not fit inih's
 * buffer stops the parse, with ii->long_line set, instead of being split.
 * Returns what inih returns: 0, or the first line in error; a too-long line
 * returns its number.
 */
int input_ini_parse(struct input_ini *ii, const char *text, ini_handler fn,
    void *user);

#endif
