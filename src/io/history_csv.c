/*
 * The training history as CSV (history_csv.h): train --csv and the
 * visualizer's export write their rows here, so the two cannot differ.
 */
#include <math.h>
#include <stdio.h>

#include "memscope/csv.h"
#include "memscope/history_csv.h"

/* The header line. */
void
history_csv_header(FILE *f)
{
	fputs("run,step,train_mse,test_mse,seconds\n", f);
}

/* One step's row; NaN cells empty. */
void
history_csv_row(FILE *f, int run, long step, double train_mse,
    double test_mse, double seconds)
{
	fprintf(f, "%d,%ld,", run, step);
	csv_real(f, train_mse, 17, "");
	fputc(',', f);
	csv_real(f, test_mse, 17, "");
	fputc(',', f);
	if (!isnan(seconds))
		fprintf(f, "%.6f", seconds);
	fputc('\n', f);
}
