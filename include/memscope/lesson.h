/*
 * What to notice: one sentence per teaching panel (trace.h's enum
 * trace_note) and layer ℓ, computed from a trace's numbers ("CG is exact at
 * l = 5 = d", "the model's error along λ = 0.03 barely moves"), in UTF-8
 * and in ASCII. The engine writes them with each trace it publishes;
 * `memscope step` prints them.
 */
#ifndef MEMSCOPE_LESSON_H
#define MEMSCOPE_LESSON_H

#include <stddef.h>

#include "memscope/trace.h"

/* Fill tr->notes and tr->notes_ascii (read them with trace_note) from its
 * task part and, if it has one, its model part; no task part: none. */
void lesson_notes(struct trace *tr);
/* dst (len bytes) = UTF-8 src spelled in ASCII ("κ" kappa, "−" -, "Σ⁻¹"
 * S^-1, "←" Left ...; a glyph the table lacks is dropped), cut at len. */
void lesson_ascii(char *dst, size_t len, const char *src);

#endif
