/*
 * A traced task for the teaching tests (test_trace_teach, test_lesson): a
 * d-dimensional run on κ = 20 data, two heads, parameters of order one,
 * traced on test task 1 with the model part set.
 */
#ifndef MEMSCOPE_TRACE_FIXTURE_H
#define MEMSCOPE_TRACE_FIXTURE_H

#include <stdbool.h>

#include "memscope/model.h"
#include "memscope/task.h"
#include "memscope/trace.h"

struct teach_case {
	struct ms_config c;
	struct task_dist dist;
	struct task_batch tb;
	struct model m;
	struct trace tr;
};

/* Open a case (param, memory, d, L, --quirks); close it. */
void case_open(struct teach_case *tc, enum ms_param p, enum ms_memory mem,
    int d, int L, bool quirks);
void case_close(struct teach_case *tc);

#endif
