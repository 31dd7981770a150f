/*
 * The training history written as it goes (`memscope train --live FILE`):
 * the schema of history_csv.h, in a file made afresh at the start and
 * appended to while training runs, flushed about every HISTORY_LIVE_FLUSH
 * seconds and at the end, so that `memscope watch FILE` can follow it.
 * Unlike --csv (written once, atomically, at the end) the file grows.
 */
#ifndef MEMSCOPE_HISTORY_LIVE_H
#define MEMSCOPE_HISTORY_LIVE_H

#include <stddef.h>

#define HISTORY_LIVE_FLUSH 0.5	/* seconds between flushes, at most */

struct history_live;

/* Start a live history at path: a regular file there is removed and a new
 * one made (a follower sees another inode), a FIFO or device is written
 * through, "-" is standard output; the header is written and flushed.
 * NULL and a message if it cannot be made. */
struct history_live *history_live_open(const char *path, char *err,
    size_t errlen);
/* Append one row (history_csv_row's values); safe to call from several
 * threads at once; flushes when HISTORY_LIVE_FLUSH has passed since the
 * last flush. */
void history_live_row(struct history_live *l, int run, long step,
    double train_mse, double test_mse, double seconds);
/* Flush, close and free; 0, or -1 with a message naming the file if any
 * write failed. */
int history_live_close(struct history_live *l, char *err, size_t errlen);

#endif
