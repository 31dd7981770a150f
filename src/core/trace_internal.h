/*
 * What trace.c and trace_teach.c share, private to src/core/trace*.c (the
 * API is include/memscope/trace.h).
 */
#ifndef MEMSCOPE_TRACE_INTERNAL_H
#define MEMSCOPE_TRACE_INTERNAL_H

#include "memscope/trace.h"

/* The task part of the teaching views, once the baselines' columns, the
 * spectrum and CG's α, β are filled; the model's rows NaN. */
void trace_teach_task(struct trace *tr, const struct ms_config *cfg);
/* The model part, once the model's column and coefficients are filled. */
void trace_teach_model(struct trace *tr, struct model *m);
/* Drop the model part (its rows NaN again, its arrays and the notes
 * freed). */
void trace_teach_forget_model(struct trace *tr);
/* Free the task part's arrays (after trace_teach_forget_model). */
void trace_teach_free(struct trace *tr);

#endif
