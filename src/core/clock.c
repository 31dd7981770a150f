/*
 * clock: the monotonic clock in seconds, written once for the command
 * line's progress, the visualizer's frame timing, the worker's speed caps,
 * reproduce's elapsed times and the input readers' deadlines.
 */
#include <time.h>

#include "memscope/clock.h"

/* CLOCK_MONOTONIC in seconds, from an arbitrary origin. */
double
clock_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}
