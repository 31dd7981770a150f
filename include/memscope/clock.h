/* The one monotonic clock every layer reads (progress, timeouts, speed). */
#ifndef MEMSCOPE_CLOCK_H
#define MEMSCOPE_CLOCK_H

/* CLOCK_MONOTONIC in seconds, from an arbitrary origin. */
double clock_seconds(void);

#endif
