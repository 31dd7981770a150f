/*
 * CSV fields (csv.h).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

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

/* s as a CSV field: as it is, or quoted (its quotes doubled) if it holds a
 * comma, a quote or a line break. */
void
csv_text(FILE *f, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}
