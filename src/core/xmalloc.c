/* Allocation failure is fatal here and nowhere else. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "memscope/xmalloc.h"

static void
xmalloc_fail(size_t size)
{
	fprintf(stderr, "memscope: out of memory (allocating %zu bytes)\n", size);
	exit(1);
}

void *
xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (p == NULL)
		xmalloc_fail(size);
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (p == NULL)
		xmalloc_fail(nmemb * size);
	return p;
}

void *
xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);

	if (p == NULL)
		xmalloc_fail(size);
	return p;
}

char *
xstrdup(const char *s)
{
	size_t len = strlen(s) + 1;

	return memcpy(xmalloc(len), s, len);
}

double *
xdoubles(size_t n)
{
	size_t bytes = (n ? n : 1) * sizeof(double);
	void *p = NULL;

	bytes = (bytes + 63) & ~(size_t)63;
	if (posix_memalign(&p, 64, bytes) != 0)
		xmalloc_fail(bytes);
	memset(p, 0, bytes);
	return p;
}

/*
 * n doubles (not zeroed) for a large array read over and over in order,
 * on 2 MB boundaries and offered to the kernel for transparent huge pages
 * (madvise; ignored where they are off): one TLB entry covers 512 of its
 * 4 KB pages. Below 2 MB as xdoubles, but not zeroed.
 */
double *
xdoubles_huge(size_t n)
{
	const size_t huge = (size_t)2 << 20;
	size_t bytes = (n ? n : 1) * sizeof(double);
	void *p = NULL;

	if (bytes < huge) {
		bytes = (bytes + 63) & ~(size_t)63;
		if (posix_memalign(&p, 64, bytes) != 0)
			xmalloc_fail(bytes);
		return p;
	}
	bytes = (bytes + huge - 1) & ~(huge - 1);
	if (posix_memalign(&p, huge, bytes) != 0)
		xmalloc_fail(bytes);
#ifdef MADV_HUGEPAGE
	(void)madvise(p, bytes, MADV_HUGEPAGE);
#endif
	return p;
}

/* nmemb zeroed objects of size bytes, starting on a cache line (64 bytes):
 * objects of a size that is a multiple of 64 then never share a line. */
void *
xcalloc_lines(size_t nmemb, size_t size)
{
	size_t bytes;
	void *p = NULL;

	if (size != 0 && nmemb > ((size_t)-1 - 63) / size)
		xmalloc_fail((size_t)-1);
	bytes = nmemb * size;
	bytes = ((bytes != 0 ? bytes : 1) + 63) & ~(size_t)63;
	if (posix_memalign(&p, 64, bytes) != 0)
		xmalloc_fail(bytes);
	memset(p, 0, bytes);
	return p;
}
