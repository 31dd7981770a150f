/*
 * The Newton–Schulz baseline's matrix work (doc/math.md §6); the iteration
 * runs in baselines.c with the other methods, and this file also holds
 * the methods' cost notes.
 *
 * M_0 = αS with α = 1/λ_max(S)², λ_max from LAPACK's dsyev (eigenvalues
 * only: a tridiagonal reduction, (4/3)d³ flops, where Jacobi sweeps would
 * cost some 30d³). Each step M ← M(2I − SM) is two d×d products: plain
 * loops when small, OpenBLAS's dgemm from d³ ≥ 32768 (d ≥ 32), as
 * model_dense.c does. I − M_{k+1}S = (I − M_kS)² for any M_k, so from
 * M_0 the residual is (I − αS²)^(2^k): each eigenvalue 1 − αλ² ∈ [0, 1) of
 * it squares every step. α = 2/λ_max² exactly would leave the top one at
 * −1, then 1, forever.
 */
#include <cblas.h>
#include <string.h>

#include "memscope/baselines.h"
#include "memscope/linalg.h"

#define NS_BLAS_MIN 32768	/* d³ from which dgemm beats the loops */

/* What one iteration of method b costs, for a table's note (NULL: O(d²)). */
const char *
baseline_cost(enum baseline b)
{
	if (b == BASELINE_NS)
		return "Newton-Schulz for H^-1: two dxd products, 4d^3 "
		    "flops a step (GD: 4nd)";
	return NULL;
}

/* M_0 = S / λ_max(S)² (0 if S has no positive eigenvalue). */
void
baseline_ns_start(const double *S, int d, double *M, double *A, double *eig,
    double *work)
{
	int lwork = 3 * d, info = 0;
	double lmax = 0.0, alpha;

	memcpy(A, S, sizeof *A * (size_t)d * d);
	dsyev_("N", "U", &d, A, &d, eig, work, &lwork, &info, 1, 1);
	if (info == 0 && d > 0)
		lmax = eig[d - 1];
	alpha = lmax > 0.0 ? 1.0 / (lmax * lmax) : 0.0;
	for (int i = 0; i < d * d; i++)
		M[i] = alpha * S[i];
}

/* C = sign · A B (+ C if add), (d, d) row-major. */
static void
ns_product(const double *A, const double *B, double sign, int add, int d,
    double *C)
{
	if ((long)d * d * d >= NS_BLAS_MIN) {
		cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, d, d, d,
		    sign, A, d, B, d, add ? 1.0 : 0.0, C, d);
		return;
	}
	for (int r = 0; r < d; r++)
		for (int c = 0; c < d; c++) {
			double sum = 0.0;

			for (int j = 0; j < d; j++)
				sum += A[r * d + j] * B[j * d + c];
			C[r * d + c] = (add ? C[r * d + c] : 0.0) + sign * sum;
		}
}

/* One Newton–Schulz step M ← M(2I − S M), in place. */
void
baseline_ns_step(const double *S, double *M, double *T, double *W, int d)
{
	for (int i = 0; i < d * d; i++)		/* T = 2I − S M */
		T[i] = i % (d + 1) == 0 ? 2.0 : 0.0;
	ns_product(S, M, -1.0, 1, d, T);
	ns_product(M, T, 1.0, 0, d, W);
	memcpy(M, W, sizeof *W * (size_t)d * d);
}
