/*
 * What a model's parameters say, computed from them alone (core, no
 * threads): the alignment of a learned preconditioner with Σ⁻¹ and the
 * memory's unrolled coefficients. The engine recomputes them when the
 * parameters or the data change and publishes them in the snapshot.
 */
#ifndef MEMSCOPE_ANALYSIS_H
#define MEMSCOPE_ANALYSIS_H

#include "memscope/model.h"
#include "memscope/task.h"

/* Cosine similarity ⟨A_ℓ, Σ⁻¹⟩_F / (‖A_ℓ‖_F ‖Σ⁻¹‖_F) of A_ℓ = Σ_h A_ℓh with
 * dist's Σ⁻¹, for each layer ℓ into cos (L); NaN for a parametrization
 * without A (only pre and gdpp have one) or a zero A_ℓ. */
void analysis_sigma_cos(const struct model *m, const struct task_dist *dist,
    double *cos);

/* For cgd: the effective LFOM coefficient of register j at layer ℓ,
 * coef[ℓ*L + j] = α_ℓ Π_{k=j+1..ℓ} γ_k for j ≤ ℓ, 0 above (doc/math.md §4);
 * for rec the same with [Γ_k]_{label, query} for γ_k (the coefficient at
 * the query cell); all 0 for the other memories. coef is (L, L). */
void analysis_cgd_coefficients(const struct model *m, double *coef);

#endif
