/*
 * TEMPORARY: the teaching views' accessors of trace.h, until main's
 * src/core/trace_teach.c lands (the merge removes this file).
 */
#include <stddef.h>

#include "memscope/trace.h"

static double *
trace_stub_at(double *a, const struct trace *tr, int m, int l, int k)
{
	return a == NULL ? NULL : a + ((size_t)m * (tr->L + 1) + l) * k;
}

const double *
trace_poly(const struct trace *tr, int m, int l)
{
	return trace_stub_at(tr->poly, tr, m, l, TRACE_POLY_POINTS);
}

const double *
trace_poly_eig(const struct trace *tr, int m, int l)
{
	return trace_stub_at(tr->poly_eig, tr, m, l, tr->d);
}

const double *
trace_dir_err(const struct trace *tr, enum trace_method m, int l)
{
	return trace_stub_at(tr->dir_err, tr, m, l, tr->d);
}

const char *
trace_note(const struct trace *tr, int l, enum trace_note k, bool utf8)
{
	const char *notes = utf8 ? tr->notes : tr->notes_ascii;

	if (notes == NULL || l < 0 || l > tr->L || (int)k < 0 ||
	    k >= TRACE_NOTES)
		return "";
	return notes + ((size_t)l * TRACE_NOTES + k) * TRACE_NOTE_LEN;
}
