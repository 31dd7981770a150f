/*
 * Nice ticks. The step for [lo, hi] and a count max is the smallest of
 * m × 10^e (m = 1, 2, 5) whose multiples inside the range number at most
 * max; the search starts one decade below (hi − lo) / max. A tick k × m ×
 * 10^e is computed as k × m divided (or multiplied) by an exact power of
 * ten, so it is the double nearest the decimal and prints exactly.
 */
#include <math.h>
#include <stdio.h>

#include "memscope/ticks.h"

static const int ticks_mantissa[3] = { 1, 2, 5 };

/* 10^e exactly for |e| <= 22 (the doubles that are exact powers of ten). */
static double
ticks_pow10(int e)
{
	double p = 1;
	int i;

	for (i = 0; i < (e < 0 ? -e : e); i++)
		p *= 10;
	return p;
}

/* k × m × 10^e, the double nearest the decimal. */
static double
ticks_value(long k, int m, int e)
{
	return e < 0 ? (double)(k * m) / ticks_pow10(e) :
	    (double)(k * m) * ticks_pow10(e);
}

/* The multiples of m × 10^e inside [lo, hi]: the first and last k. */
static void
ticks_span(double lo, double hi, int m, int e, long *k0, long *k1)
{
	double s = m * pow(10, e), eps = 1e-9;

	*k0 = (long)ceil(lo / s - eps);
	*k1 = (long)floor(hi / s + eps);
}

/* The multiples of a nice step inside [lo, hi], at most max of them. */
int
ticks_linear(double lo, double hi, int max, double *out, double *step)
{
	long k0, k1, k;
	int e, i, n = 0;

	*step = 0;
	if (!isfinite(lo) || !isfinite(hi) || !(hi > lo) || max < 1)
		return 0;
	if (max > TICKS_MAX)
		max = TICKS_MAX;
	e = (int)floor(log10((hi - lo) / max)) - 1;
	if (e < -22 || e > 21)
		return 0;
	for (;; e++) {
		for (i = 0; i < 3; i++) {
			ticks_span(lo, hi, ticks_mantissa[i], e, &k0, &k1);
			if (k1 - k0 + 1 <= max)
				goto found;
		}
	}
found:
	for (k = k0; k <= k1; k++)
		out[n++] = ticks_value(k, ticks_mantissa[i], e);
	*step = ticks_value(1, ticks_mantissa[i], e);
	return n;
}

/* Ticks for an axis in log10 units over [lo, hi], in data units. */
int
ticks_log10(double lo, double hi, int max, double *out, double *step)
{
	double v;
	int d0, d1, d, i, every, n = 0, ndec;

	*step = 0;
	if (!isfinite(lo) || !isfinite(hi) || !(hi > lo) || max < 1)
		return 0;
	if (max > TICKS_MAX)
		max = TICKS_MAX;
	if (lo < -22)
		lo = -22;
	if (hi > 22)
		hi = 22;
	d0 = (int)ceil(lo - 1e-9);
	d1 = (int)floor(hi + 1e-9);
	/* 1, 2, 5 of each decade touching the range: how many inside */
	for (d = d0 - 1; d <= d1; d++)
		for (i = 0; i < 3; i++) {
			v = log10(ticks_mantissa[i]) + d;
			if (v >= lo - 1e-9 && v <= hi + 1e-9)
				n++;
		}
	if (n >= 2 && n <= max) {
		n = 0;
		for (d = d0 - 1; d <= d1; d++)
			for (i = 0; i < 3; i++) {
				v = log10(ticks_mantissa[i]) + d;
				if (v >= lo - 1e-9 && v <= hi + 1e-9)
					out[n++] = ticks_value(1,
					    ticks_mantissa[i], d);
			}
		return n;
	}
	ndec = d1 - d0 + 1;
	if (ndec < 2)
		return ticks_linear(pow(10, lo), pow(10, hi), max, out, step);
	every = (ndec + max - 1) / max;
	n = 0;
	/* every k-th decade, on multiples of k so panning keeps them */
	for (d = d0; d <= d1; d++)
		if (((d % every) + every) % every == 0)
			out[n++] = ticks_value(1, 1, d);
	return n;
}

/* Tick value v of an axis with this step as text into buf. */
const char *
ticks_label(double v, double step, char *buf, int len)
{
	const char *unit = "";
	int dec = 0;

	step = fabs(step);
	if (!isfinite(v) || !isfinite(step) || step == 0) {
		snprintf(buf, len, "%g", v);
		return buf;
	}
	if (fabs(v) < step * 1e-6)
		v = 0;		/* no "-0" */
	if (step >= 1e6 - 0.5) {
		v /= 1e6;
		step /= 1e6;
		unit = "M";
	} else if (step >= 1e3 - 0.5) {
		v /= 1e3;
		step /= 1e3;
		unit = "k";
	}
	/* the step's decimals: 0.5 and 0.2 need one, 0.05 two */
	if (step < 1)
		dec = (int)ceil(-log10(step) - 1e-9);
	if (dec > 12)
		dec = 12;
	snprintf(buf, len, "%.*f%s", dec, v, unit);
	return buf;
}
