/*
 * One-line messages (config.h): what a message that quotes input may carry
 * to a terminal, and the formatter every config error goes through.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "memscope/config.h"

/*
 * Characters a message must not carry although they are valid UTF-8: they
 * are invisible, or reorder or break the line on a terminal. The C1
 * controls (0x9b is a CSI to some terminals), the bidirectional embeddings,
 * overrides, isolates and marks, the line and paragraph separators, and
 * Unicode's other default-ignorable code points (zero-width spaces and
 * joiners, the soft hyphen, fillers, variation selectors, tags).
 */
static bool
config_hidden(uint32_t c)
{
	static const uint32_t ranges[][2] = {
		{ 0x0080, 0x009f }, { 0x00ad, 0x00ad }, { 0x034f, 0x034f },
		{ 0x061c, 0x061c }, { 0x115f, 0x1160 }, { 0x17b4, 0x17b5 },
		{ 0x180b, 0x180f }, { 0x200b, 0x200f }, { 0x2028, 0x202e },
		{ 0x2060, 0x206f }, { 0x3164, 0x3164 }, { 0xfe00, 0xfe0f },
		{ 0xfeff, 0xfeff }, { 0xffa0, 0xffa0 }, { 0xfff0, 0xfffb },
		{ 0x1bca0, 0x1bca3 }, { 0x1d173, 0x1d17a },
		{ 0xe0000, 0xe0fff },
	};

	for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++)
		if (c >= ranges[i][0] && c <= ranges[i][1])
			return true;
	return false;
}

/* The length of the well-formed UTF-8 character at p (2 to 4 bytes) and
 * its code point, or 0 if the bytes there are not one. */
static size_t
config_utf8(const unsigned char *p, uint32_t *cp)
{
	size_t len;
	uint32_t c, min;

	if (*p >= 0xc2 && *p <= 0xdf) {
		len = 2;
		c = *p & 0x1f;
		min = 0x80;
	} else if (*p >= 0xe0 && *p <= 0xef) {
		len = 3;
		c = *p & 0x0f;
		min = 0x800;
	} else if (*p >= 0xf0 && *p <= 0xf4) {
		len = 4;
		c = *p & 0x07;
		min = 0x10000;
	} else
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)	/* also stops at the NUL */
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;	/* overlong, too large, or a surrogate */
	*cp = c;
	return len;
}

/* Replace in msg, by one '?' each, the control characters, the invisible
 * and bidirectional formatting characters (config_hidden) and every byte
 * that is not part of well-formed UTF-8, so that a message quoting input
 * (a value, a key, a file's text) is one line that reads as it is stored. */
void
config_one_line(char *msg)
{
	unsigned char *r = (unsigned char *)msg, *w = r;
	uint32_t cp;
	size_t len;

	while (*r != '\0') {
		if (*r < 0x80) {
			*w++ = *r < 0x20 || *r == 0x7f ? '?' : *r;
			r++;
		} else if ((len = config_utf8(r, &cp)) == 0) {
			*w++ = '?';
			r++;
		} else if (config_hidden(cp)) {
			*w++ = '?';
			r += len;
		} else
			for (size_t i = 0; i < len; i++)
				*w++ = *r++;
	}
	*w = '\0';
}

/* Format a one-line message into err (which may be NULL); returns -1. */
int
config_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
		config_one_line(err);
	}
	return -1;
}
