/*
 * Small dense linear algebra shared by the core modules.
 *
 * Cyclic Jacobi (linalg_jacobi_eigen). Each sweep visits every pair p < q
 * once and zeroes A_pq by the plane rotation J of angle θ with
 * t = tan θ = sign(τ) / (|τ| + √(τ² + 1)), τ = (A_qq − A_pp) / (2 A_pq),
 * the smaller of the two roots (|θ| ≤ π/4), which keeps the rotation close
 * to the identity and the method stable. The sweeps stop once the squared
 * off-diagonal mass is below 1e−2 ε² times the squared diagonal. V, the
 * product of the rotations, is orthogonal to working precision whatever
 * the conditioning of A.
 *
 * The SVD (linalg_svd) goes through the eigenvectors of M Mᵀ rather than a
 * one-sided Jacobi on M: for the uses here (a random rotation, d small)
 * only U matters, U is then orthogonal to working precision, and
 * U diag(σ) Vᵀ = U Uᵀ M reproduces M to round-off by construction.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "memscope/linalg.h"
#include "memscope/xmalloc.h"

#define LINALG_JACOBI_SWEEPS 60

/* Diagonalise symmetric A in place by Jacobi rotations, eigenvectors into V. */
void
linalg_jacobi_eigen(double *A, double *V, int d, int sweeps)
{
	for (int i = 0; i < d * d; i++)
		V[i] = 0.0;
	for (int i = 0; i < d; i++)
		V[i * d + i] = 1.0;

	for (int sweep = 0; sweep < sweeps; sweep++) {
		double off = 0.0, diag = 0.0;

		for (int i = 0; i < d; i++) {
			diag += A[i * d + i] * A[i * d + i];
			for (int j = i + 1; j < d; j++)
				off += A[i * d + j] * A[i * d + j];
		}
		if (off <= DBL_EPSILON * DBL_EPSILON * diag * 1e-2)
			break;
		for (int p = 0; p < d; p++) {
			for (int q = p + 1; q < d; q++) {
				double apq = A[p * d + q], theta, t, c, s;

				if (apq == 0.0)
					continue;
				theta = (A[q * d + q] - A[p * d + p]) /
				    (2.0 * apq);
				t = (theta >= 0.0 ? 1.0 : -1.0) /
				    (fabs(theta) + sqrt(theta * theta + 1.0));
				c = 1.0 / sqrt(t * t + 1.0);
				s = t * c;
				for (int k = 0; k < d; k++) {	/* A ← A J */
					double akp = A[k * d + p];
					double akq = A[k * d + q];

					A[k * d + p] = c * akp - s * akq;
					A[k * d + q] = s * akp + c * akq;
				}
				for (int k = 0; k < d; k++) {	/* A ← Jᵀ A */
					double apk = A[p * d + k];
					double aqk = A[q * d + k];

					A[p * d + k] = c * apk - s * aqk;
					A[q * d + k] = s * apk + c * aqk;
				}
				for (int k = 0; k < d; k++) {	/* V ← V J */
					double vkp = V[k * d + p];
					double vkq = V[k * d + q];

					V[k * d + p] = c * vkp - s * vkq;
					V[k * d + q] = s * vkp + c * vkq;
				}
			}
		}
	}
}

/* M = U diag(sigma) Vᵀ, sigma decreasing; -1 if M is singular. */
int
linalg_svd(const double *M, int d, double *U, double *sigma, double *V)
{
	double *S = xdoubles((size_t)d * d);	/* (d, d) M Mᵀ, then diag */
	double *E = xdoubles((size_t)d * d);	/* (d, d) its eigenvectors */
	double *norm = xdoubles((size_t)d);	/* (d) ‖Mᵀ e‖ per column e of E */
	int *order = xmalloc(sizeof *order * (size_t)d);
	int rc = 0;

	for (int i = 0; i < d; i++)
		for (int j = 0; j < d; j++) {
			double sum = 0.0;

			for (int k = 0; k < d; k++)
				sum += M[i * d + k] * M[j * d + k];
			S[i * d + j] = sum;
		}
	linalg_jacobi_eigen(S, E, d, LINALG_JACOBI_SWEEPS);
	/* σ_e = ‖Mᵀ e‖ for each eigenvector e (column of E) */
	for (int e = 0; e < d; e++) {
		double sum = 0.0;

		for (int j = 0; j < d; j++) {
			double t = 0.0;

			for (int i = 0; i < d; i++)
				t += M[i * d + j] * E[i * d + e];
			sum += t * t;
		}
		norm[e] = sqrt(sum);
	}
	/* insertion sort of the columns by decreasing σ */
	for (int e = 0; e < d; e++) {
		int k = e;

		while (k > 0 && norm[order[k - 1]] < norm[e]) {
			order[k] = order[k - 1];
			k--;
		}
		order[k] = e;
	}
	for (int c = 0; c < d; c++) {
		int e = order[c];

		sigma[c] = norm[e];
		for (int i = 0; i < d; i++)
			U[i * d + c] = E[i * d + e];
		if (!(sigma[c] > 0.0))
			rc = -1;
	}
	for (int c = 0; V != NULL && rc == 0 && c < d; c++)
		for (int j = 0; j < d; j++) {
			double t = 0.0;

			for (int i = 0; i < d; i++)
				t += M[i * d + j] * U[i * d + c];
			V[j * d + c] = t / sigma[c];
		}
	free(S);
	free(E);
	free(norm);
	free(order);
	return rc;
}
