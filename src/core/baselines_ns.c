/*
 * The Newton–Schulz baseline's matrix step and the methods' cost notes
 * (the iteration itself runs in baselines.c with the other methods;
 * doc/math.md §6).
 */
#include <string.h>

#include "memscope/baselines.h"

/* What one iteration of method b costs, for a table's note (NULL: O(d²)). */
const char *
baseline_cost(enum baseline b)
{
	if (b == BASELINE_NS)
		return "Newton-Schulz for H^-1: two dxd products, 4d^3 "
		    "flops a step (GD: 4nd)";
	return NULL;
}

/* out = row r of the product A B, for (d, d) A and B. */
static void
ns_product_row(const double *A, const double *B, int r, int d, double *out)
{
	for (int c = 0; c < d; c++) {
		double sum = 0.0;

		for (int j = 0; j < d; j++)
			sum += A[r * d + j] * B[j * d + c];
		out[c] = sum;
	}
}

/* One Newton–Schulz step M ← M(2I − S M), in place, row by row. */
void
baseline_ns_step(const double *S, double *M, double *T, double *row, int d)
{
	for (int r = 0; r < d; r++) {		/* T = 2I − S M */
		double *t = T + (size_t)r * d;

		ns_product_row(S, M, r, d, t);
		for (int c = 0; c < d; c++)
			t[c] = (r == c ? 2.0 : 0.0) - t[c];
	}
	for (int r = 0; r < d; r++) {		/* row r of M ← row r of M T */
		ns_product_row(M, T, r, d, row);
		memcpy(M + (size_t)r * d, row, sizeof *row * (size_t)d);
	}
}
