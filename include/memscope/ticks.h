/*
 * Axis ticks on round values, the "nice numbers" method: steps of 1, 2 or
 * 5 times a power of ten, the finest that gives at most the count asked
 * for; on a log10 axis the decades (1, 10, 100, ...), with 2 and 5 between
 * when there are few of them. Labels print the tick values exactly, with as
 * many decimals as the step has ("0.5", "-1.5", "20k"), never "-0".
 */
#ifndef MEMSCOPE_TICKS_H
#define MEMSCOPE_TICKS_H

#define TICKS_MAX 32		/* the most ticks a function writes */

/* The multiples of a nice step inside [lo, hi], at most max of them (and
 * at most TICKS_MAX), into out in increasing order; *step gets the step.
 * Returns how many (0 if the range is empty or not finite, or max < 1). */
int ticks_linear(double lo, double hi, int max, double *out, double *step);

/* Ticks for an axis drawn in log10 units over [lo, hi] (so 10^lo to 10^hi
 * in data): the decades inside it, every k-th one if more than max; with
 * 2 and 5 times each decade too when that still gives at most max; linear
 * nice ticks of the data when fewer than two of those fall inside. Values
 * in data units (1, 2, 5, 10, ...) into out; returns how many. *step gets
 * the linear step, or 0 when every tick is m × 10^e (label each with
 * itself as its step). */
int ticks_log10(double lo, double hi, int max, double *out, double *step);

/* Tick value v of an axis with step `step` as text into buf: the decimals
 * the step needs, thousands as "k" and millions as "M" once the step is
 * that large (a log axis passes each value as its own step). */
const char *ticks_label(double v, double step, char *buf, int len);

#endif
