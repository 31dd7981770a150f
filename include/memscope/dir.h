/*
 * Output directories: made with their parents (mkdir -p), and files written
 * into them by name through the one writer (output.h).
 */
#ifndef MEMSCOPE_DIR_H
#define MEMSCOPE_DIR_H

#include <stddef.h>
#include <stdio.h>

/* Make dir and its parents, as mkdir -p; 0, or -1 with a message
 * ("cannot create directory D: reason"). */
int dir_make(const char *dir, char *err, size_t errlen);

/* Write dir/name atomically (output.h) with writer(fp, ctx), which returns
 * 0 or -1 on a write error; 0, or -1 with a message naming the file. */
int dir_write(const char *dir, const char *name,
    int (*writer)(FILE *, const void *), const void *ctx, char *err,
    size_t errlen);

#endif
