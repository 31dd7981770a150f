/*
 * Statistics over runs: the one definition of mean and standard deviation
 * that every command prints ("mean ± std over runs"). The std is the sample
 * standard deviation, sqrt(sum (x - mean)^2 / (n - 1)): the spread of the
 * runs as an estimate of the spread of the seeds they were drawn from.
 */
#ifndef MEMSCOPE_STATS_H
#define MEMSCOPE_STATS_H

/*
 * Mean and sample std of x[i * stride], i < n. With fewer than two values
 * there is no spread: the std is NaN. A mean that is not finite (a value of
 * -inf: the log of an exact fit) gives std 0.
 */
void stats_mean_std(const double *x, int n, int stride, double *mean,
    double *std);
/* The same over the finite values of x[i * stride], i < n, only; returns
 * how many there are (none: mean and std NaN). */
int stats_mean_std_finite(const double *x, int n, int stride, double *mean,
    double *std);
/* stats_mean_std of each of ncells cells over nruns runs, values laid out
 * (run, cell): mean (ncells), std (ncells). */
void stats_runs(int nruns, int ncells, const double *values, double *mean,
    double *std);

#endif
