/* Scratch files and checks for the libFuzzer targets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

static char fuzz_paths[2][64];
static int fuzz_registered;

static void
fuzz_cleanup(void)
{
	for (int i = 0; i < 2; i++)
		if (fuzz_paths[i][0] != '\0')
			unlink(fuzz_paths[i]);
}

/* Write the input to scratch file `which` and return its path. */
const char *
fuzz_scratch(int which, const uint8_t *data, size_t size)
{
	char *path = fuzz_paths[which & 1];
	FILE *f;

	if (path[0] == '\0') {
		snprintf(path, sizeof fuzz_paths[0], "%s/memscope-fuzz-%ld-%d",
		    access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp",
		    (long)getpid(), which & 1);
		if (!fuzz_registered)
			atexit(fuzz_cleanup);
		fuzz_registered = 1;
	}
	if ((f = fopen(path, "wb")) == NULL ||
	    fwrite(data, 1, size, f) != size || fclose(f) != 0) {
		perror(path);
		abort();
	}
	return path;
}

/* Abort with a message if cond is false. */
void
fuzz_check(int cond, const char *what, const char *detail)
{
	if (cond)
		return;
	fprintf(stderr, "fuzz check failed: %s: %s\n", what,
	    detail != NULL ? detail : "");
	abort();
}
