/*
 * Small dense linear algebra shared by the core modules: the symmetric
 * eigendecomposition by cyclic Jacobi rotations (baselines' pseudo-inverse,
 * the tasks' uniform-svd rotation), and LAPACK's dsyev as the trace and
 * the Newton–Schulz baseline call it.
 */
#ifndef MEMSCOPE_LINALG_H
#define MEMSCOPE_LINALG_H

#include <stddef.h>

/* LAPACK (OpenBLAS): eigenvalues (ascending) and, with jobz "V", the
 * eigenvectors of a symmetric matrix; the trailing lengths are the Fortran
 * ABI's for the character arguments. */
extern void dsyev_(const char *jobz, const char *uplo, const int *n,
    double *a, const int *lda, double *w, double *work, const int *lwork,
    int *info, size_t jobz_len, size_t uplo_len);

/*
 * Diagonalise the symmetric A (d, d) row-major in place by cyclic Jacobi
 * rotations, A ← Jᵀ A J, until its off-diagonal part is round-off (or after
 * `sweeps` sweeps); V (d, d) receives the product of the J, so that the
 * input equals V diag(A) Vᵀ, the eigenvalues on A's diagonal in no
 * particular order, V orthogonal to working precision.
 */
void linalg_jacobi_eigen(double *A, double *V, int d, int sweeps);

/*
 * The singular value decomposition M = U diag(sigma) Vᵀ of a square M (d, d)
 * row-major, as numpy's svd orders it: sigma decreasing, U's and V's
 * columns in that order. U is the eigenvectors of M Mᵀ (Jacobi), orthogonal
 * to working precision; sigma_k = ‖Mᵀ u_k‖ and v_k = Mᵀ u_k / sigma_k, so
 * U diag(sigma) Vᵀ = U Uᵀ M = M to round-off. V may be NULL. Column signs
 * are whatever the rotations give. Returns -1 if a singular value is 0
 * (M singular: V is then not defined).
 */
int linalg_svd(const double *M, int d, double *U, double *sigma, double *V);

#endif
