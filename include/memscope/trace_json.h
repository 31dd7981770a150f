/*
 * The step-through trace (trace.h) as JSON, for `memscope step --json`:
 * the I/O layer's side of the trace, so that the core header needs no
 * JSON library.
 */
#ifndef MEMSCOPE_TRACE_JSON_H
#define MEMSCOPE_TRACE_JSON_H

#include <jansson.h>

#include "memscope/trace.h"

/* Everything in the trace as JSON (NaN as null). */
json_t *trace_json(const struct trace *tr);

#endif
