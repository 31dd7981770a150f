/*
 * The training history as CSV: the one schema of `memscope train --csv`
 * and of the visualizer's export (the `e` key), documented in
 * doc/formats.md:
 *
 *     run,step,train_mse,test_mse,seconds
 *
 * one row per optimizer step; train_mse and test_mse are mean squared
 * errors (not their logs); a cell not measured is empty.
 */
#ifndef MEMSCOPE_HISTORY_CSV_H
#define MEMSCOPE_HISTORY_CSV_H

#include <stdio.h>

/* The header line. */
void history_csv_header(FILE *f);
/* One step's row: run index, step (1 for the first), the training batch's
 * MSE, the test batch's MSE at the last read-out, seconds since the run
 * began; NaN where a value was not measured (written as an empty cell). */
void history_csv_row(FILE *f, int run, long step, double train_mse,
    double test_mse, double seconds);

#endif
