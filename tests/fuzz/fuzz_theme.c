/*
 * libFuzzer target: the theme parser (theme_load_file) on arbitrary text.
 * A theme either loads, or is refused with a one-line message and leaves
 * the default theme; either way the heatmap has 2 to THEME_MAX_STOPS stops.
 * A theme that loads held no NUL byte and no line longer than the INI
 * reader takes (a longer one is refused, never split).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "memscope/input.h"
#include "memscope/theme.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct theme t;
	char err[512] = "";
	const char *path = fuzz_scratch(0, data, size);
	size_t line = 0;

	if (theme_load_file(path, &t, err, sizeof err) != 0) {
		fuzz_check(err[0] != '\0', "refused without a message", NULL);
		fuzz_check(strchr(err, '\n') == NULL, "message not one line",
		    err);
	} else {
		fuzz_check(memchr(data, '\0', size) == NULL, "a NUL byte was "
		    "accepted", path);
		for (size_t i = 0; i < size; i++) {
			line = data[i] == '\n' ? 0 : line + 1;
			fuzz_check(line <= INPUT_INI_LINE + 1, "a line longer "
			    "than the INI reader takes was accepted", path);
		}
	}
	fuzz_check(t.nstops >= 2 && t.nstops <= THEME_MAX_STOPS,
	    "stop count out of range", t.name);
	fuzz_check(memchr(t.name, '\0', sizeof t.name) != NULL,
	    "name not terminated", NULL);
	return 0;
}
