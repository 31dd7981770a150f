/*
 * Helpers shared by the libFuzzer targets (make fuzz; see README.md's
 * Reliability section). Parsers that read a path are fed through a scratch
 * file of their own process.
 */
#ifndef MEMSCOPE_FUZZ_H
#define MEMSCOPE_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* Write the input to this process's scratch file number `which` (0 or 1)
 * and return its path; aborts if it cannot. */
const char *fuzz_scratch(int which, const uint8_t *data, size_t size);

/* Abort (a crash for libFuzzer) with a message if cond is false. */
void fuzz_check(int cond, const char *what, const char *detail);

#endif
