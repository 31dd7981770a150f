/*
 * CSV fields. Every CSV memscope writes (train --csv, baselines --csv,
 * reproduce's figX.csv) is plain comma-separated text with a header line,
 * numbers in the C locale, readable by pandas or numpy without help.
 */
#ifndef MEMSCOPE_CSV_H
#define MEMSCOPE_CSV_H

#include <stdio.h>

/*
 * x as a CSV field with `digits` significant digits (17 reads back as the
 * same double); infinities as inf and -inf; NaN as nan_text ("" where a
 * value was not measured, "nan" where it was and is not a number).
 */
void csv_real(FILE *f, double x, int digits, const char *nan_text);

/* s as a CSV field, quoted as RFC 4180 has it when it holds a comma, a
 * quote or a line break (a figure's line names: "memory off, fresh"). */
void csv_text(FILE *f, const char *s);

#endif
