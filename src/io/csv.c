/*
 * CSV fields (csv.h).
 */
#include <math.h>
#include <stdio.h>

#include "memscope/csv.h"

/* x with `digits` significant digits; NaN as nan_text. */
void
csv_real(FILE *f, double x, int digits, const char *nan_text)
{
	if (isnan(x))
		fputs(nan_text, f);
	else if (isinf(x))
		fputs(x > 0 ? "inf" : "-inf", f);
	else
		fprintf(f, "%.*g", digits, x);
}
