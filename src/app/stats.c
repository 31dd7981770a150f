/*
 * Mean and sample standard deviation over runs (stats.h).
 */
#include <math.h>
#include <stdlib.h>

#include "memscope/stats.h"
#include "memscope/xmalloc.h"

/* Mean and sample std of x[i * stride], i < n (stats.h). */
void
stats_mean_std(const double *x, int n, int stride, double *mean,
    double *std)
{
	double s = 0, ss = 0, m;

	if (n < 1) {
		*mean = *std = NAN;
		return;
	}
	for (int i = 0; i < n; i++)
		s += x[(size_t)i * stride];
	m = s / n;
	for (int i = 0; i < n; i++) {
		double e = x[(size_t)i * stride] - m;

		ss += e * e;
	}
	*mean = m;
	if (n < 2)
		*std = NAN;		/* one run: no spread */
	else
		*std = isfinite(m) ? sqrt(ss / (n - 1)) : 0.0;
}

/* stats_mean_std over the finite values only; how many there are. */
int
stats_mean_std_finite(const double *x, int n, int stride, double *mean,
    double *std)
{
	double *v = xdoubles(n > 0 ? (size_t)n : 1);
	int k = 0;

	for (int i = 0; i < n; i++)
		if (isfinite(x[(size_t)i * stride]))
			v[k++] = x[(size_t)i * stride];
	stats_mean_std(v, k, 1, mean, std);
	free(v);
	return k;
}

/* stats_mean_std of each cell over the runs, values laid out (run, cell). */
void
stats_runs(int nruns, int ncells, const double *values, double *mean,
    double *std)
{
	for (int i = 0; i < ncells; i++)
		stats_mean_std(values + i, nruns, ncells, &mean[i], &std[i]);
}
