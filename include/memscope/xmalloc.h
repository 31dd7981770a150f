/* Allocation that cannot fail: on exhaustion it prints one line and exits. */
#ifndef MEMSCOPE_XMALLOC_H
#define MEMSCOPE_XMALLOC_H

#include <stddef.h>

/* malloc that exits with a message instead of returning NULL. */
void *xmalloc(size_t size);
/* calloc that exits with a message instead of returning NULL. */
void *xcalloc(size_t nmemb, size_t size);
/* realloc that exits with a message instead of returning NULL. */
void *xrealloc(void *ptr, size_t size);
/* strdup that exits with a message instead of returning NULL. */
char *xstrdup(const char *s);
/* 64-byte aligned, zeroed allocation of n doubles; free with free(). */
double *xdoubles(size_t n);
/* n doubles, not zeroed, on 2 MB boundaries with transparent huge pages
 * asked for (madvise) when there are 2 MB or more; free with free(). */
double *xdoubles_huge(size_t n);
/* nmemb zeroed objects of size bytes on a cache-line boundary; exits on
 * failure like xmalloc. Free with free. */
void *xcalloc_lines(size_t nmemb, size_t size);

#endif
