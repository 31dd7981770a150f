/*
 * Dense-path kernels (any parametrization): the whole token matrix moves.
 *
 * With C = Σ_{j<n} z_j z_jᵀ, token i's output is Σ_h P_h C Q_hᵀ z_i, so
 * the layer is one (d+1)×(d+1) matrix K = Σ_h P_h C Q_hᵀ applied to every
 * token: O(nd² + d³) per task and layer. scalar/pre/gdpp are expanded into
 * P and Q (model_dense_expand), and their gradients contracted back
 * (model_dense_contract), so this path also cross-checks the label path in
 * the tests. For d ≤ MODEL_SMALL_D a block of tasks runs in lanes
 * (model_dense_kern.h); above, one task at a time (here) with the products
 * in OpenBLAS, the last layer in matrix-vector products (only the label
 * column of its output is read).
 */
#include <string.h>

#include <cblas.h>

#include "memscope/model.h"

#include "model_internal.h"
#include "model_memory.h"

/* ------------------------------------------------------------------------ */
/* Products */

/* Where mat_mul's products go (model_internal.h): every product to
 * OpenBLAS, in parts; the loops are the tests' reference. */
struct model_dense_gemm model_dense_gemm = {
	.loops_below = 1, .blas_part = 300000,
};

/*
 * C = alpha op(A) op(B) + beta C, row-major; op(X) = Xᵀ when tX. Products
 * of fewer than loops_below multiply-adds are plain loops; the others go to
 * OpenBLAS in parts of at most blas_part multiply-adds. On AVX-512,
 * OpenBLAS runs a product of m n k ≤ 100³ in its small-matrix kernel,
 * without packing: at d = 64, (257, 65, 65) runs at 78 GFLOP/s in four
 * parts and 58 in one, and even a 10³ product runs 7 times as fast as the
 * loops. A tall product is cut along its rows (each entry is still one
 * call's), a reduction (m < k) along k (the parts added in order). That
 * kernel refuses a row-major op(B) = Bᵀ of m n > 1200 (its column-major
 * TN), so the callers avoid that form.
 */
static void
mat_mul(int tA, int tB, int m, int n, int k, double alpha, const double *A,
    int lda, const double *B, int ldb, double beta, double *C, int ldc)
{
	long mnk = (long)m * n * k, len = m >= k ? m : k, parts = 1;

	if (mnk >= model_dense_gemm.loops_below) {
		while (parts < len && (len + parts - 1) / parts * (mnk / len) >
		    model_dense_gemm.blas_part)
			parts++;
		for (long p = 0; p < parts; p++) {
			int lo = (int)(len * p / parts);
			int hi = (int)(len * (p + 1) / parts);

			if (m >= k)	/* rows lo..hi of C */
				cblas_dgemm(CblasRowMajor,
				    tA ? CblasTrans : CblasNoTrans,
				    tB ? CblasTrans : CblasNoTrans, hi - lo, n,
				    k, alpha, A + (tA ? lo : (long)lo * lda),
				    lda, B, ldb, beta, C + (long)lo * ldc, ldc);
			else		/* terms lo..hi of the sums */
				cblas_dgemm(CblasRowMajor,
				    tA ? CblasTrans : CblasNoTrans,
				    tB ? CblasTrans : CblasNoTrans, m, n,
				    hi - lo, alpha,
				    A + (tA ? (long)lo * lda : lo), lda,
				    B + (tB ? lo : (long)lo * ldb), ldb,
				    p > 0 ? 1.0 : beta, C, ldc);
		}
		return;
	}
	for (int i = 0; i < m; i++) {
		for (int j = 0; j < n; j++) {
			double sum = 0.0;

			for (int p = 0; p < k; p++) {
				double a = tA ? A[p * lda + i] : A[i * lda + p];
				double b = tB ? B[j * ldb + p] : B[p * ldb + j];

				sum += a * b;
			}
			C[i * ldc + j] = alpha * sum +
			    (beta == 0.0 ? 0.0 : beta * C[i * ldc + j]);
		}
	}
}

/* ------------------------------------------------------------------------ */
/* Dense path: one task forward and backward */

/*
 * S = (Σ_h P_h C Q_hᵀ) applied to every token; C from the context tokens.
 * Every product is row-major NN, TN or TT (mat_mul's note): K as two TT
 * products, S = Z Kᵀ as NN with Kᵀ copied into tmp.
 */
static void
dense_attn_forward(double *S, double *C, double *K, double *tmp,
    const double *Z, const double *Pd, const double *Qd, int H, int n, int d1)
{
	/* C = Σ_{j<n} z_j z_jᵀ: (d1, d1) = Z_ctxᵀ Z_ctx */
	mat_mul(1, 0, d1, d1, n, 1.0, Z, d1, Z, d1, 0.0, C, d1);
	for (int h = 0; h < H; h++) {
		const double *P = Pd + (size_t)h * d1 * d1;
		const double *Q = Qd + (size_t)h * d1 * d1;

		/* tmp = Cᵀ Pᵀ = (P C)ᵀ;  K (+)= tmpᵀ Qᵀ = P C Qᵀ */
		mat_mul(1, 1, d1, d1, d1, 1.0, C, d1, P, d1, 0.0, tmp, d1);
		mat_mul(1, 1, d1, d1, d1, 1.0, tmp, d1, Q, d1,
		    h > 0 ? 1.0 : 0.0, K, d1);
	}
	/* token-major: S[i,:] = K z_i, i.e. S = Z Kᵀ, with Kᵀ in tmp */
	for (int a = 0; a < d1; a++)
		for (int c = 0; c < d1; c++)
			tmp[c * d1 + a] = K[a * d1 + c];
	mat_mul(0, 0, n + 1, d1, d1, 1.0, Z, d1, tmp, d1, 0.0, S, d1);
}

/*
 * Backward of dense_attn_forward: from gS adds into the per-head gP, gQ sums
 * and, if gZ is not NULL, into gZ (all tokens).
 */
static void
dense_attn_backward(double *gZ, double *gPd, double *gQd, const double *gS,
    const double *Z, const double *C, const double *K, const double *Pd,
    const double *Qd, double *gK, double *gC, double *tmp, int H, int n,
    int d1)
{
	/* S = Z Kᵀ: gZ += gS K, gK = gSᵀ Z */
	if (gZ != NULL)
		mat_mul(0, 0, n + 1, d1, d1, 1.0, gS, d1, K, d1, 1.0, gZ, d1);
	mat_mul(1, 0, d1, d1, n + 1, 1.0, gS, d1, Z, d1, 0.0, gK, d1);
	for (int h = 0; h < H; h++) {
		const double *P = Pd + (size_t)h * d1 * d1;
		const double *Q = Qd + (size_t)h * d1 * d1;
		double *gP = gPd + (size_t)h * d1 * d1;
		double *gQ = gQd + (size_t)h * d1 * d1;

		/* K = P C Qᵀ: gP += (gK Q) C;  gC (+)= Pᵀ (gK Q);
		 * gQ += (gKᵀ P) C */
		mat_mul(0, 0, d1, d1, d1, 1.0, gK, d1, Q, d1, 0.0, tmp, d1);
		mat_mul(0, 0, d1, d1, d1, 1.0, tmp, d1, C, d1, 1.0, gP, d1);
		if (gZ != NULL)
			mat_mul(1, 0, d1, d1, d1, 1.0, P, d1, tmp, d1,
			    h > 0 ? 1.0 : 0.0, gC, d1);
		mat_mul(1, 0, d1, d1, d1, 1.0, gK, d1, P, d1, 0.0, tmp, d1);
		mat_mul(0, 0, d1, d1, d1, 1.0, tmp, d1, C, d1, 1.0, gQ, d1);
	}
	if (gZ == NULL)
		return;
	/* C = Σ_{j<n} z_j z_jᵀ: gz_j += (gC + gCᵀ) z_j */
	for (int a = 0; a < d1; a++)
		for (int c = 0; c < d1; c++)
			tmp[a * d1 + c] = gC[a * d1 + c] + gC[c * d1 + a];
	mat_mul(0, 0, n, d1, d1, 1.0, Z, d1, tmp, d1, 1.0, gZ, d1);
}


/*
 * The last layer: the loss reads only Z_L's query label and the trace
 * only Z_L's label column, so S = Z Kᵀ is needed in its label column only,
 * S[:, d] = Z k with k = K's row d = Σ_h Q_h C p_h (p_h = P_h's row d, C p_h
 * = Z_ctxᵀ (Z_ctx p_h)): matrix-vector products, O(nd) instead of O(nd²).
 * The other columns of S are not written, and the memory update runs in
 * the label column only (dense_memory_last): R_L and Z_L are right in
 * their label column only. k goes to kl (d+1), each C p_h to vl (H, d+1)
 * for the backward; t is (n) scratch.
 */
static void
dense_attn_forward_last(double *S, double *kl, double *vl, double *t,
    const double *Z, const double *Pd, const double *Qd, int H, int n, int d1)
{
	int d = d1 - 1;

	for (int h = 0; h < H; h++) {
		const double *p = Pd + (size_t)h * d1 * d1 + (size_t)d * d1;
		const double *Q = Qd + (size_t)h * d1 * d1;
		double *v = vl + (size_t)h * d1;

		/* t = Z_ctx p;  v = Z_ctxᵀ t = C p;  k (+)= Q v */
		mat_mul(0, 0, n, 1, d1, 1.0, Z, d1, p, 1, 0.0, t, 1);
		mat_mul(1, 0, d1, 1, n, 1.0, Z, d1, t, 1, 0.0, v, 1);
		mat_mul(0, 0, d1, 1, d1, 1.0, Q, d1, v, 1, h > 0 ? 1.0 : 0.0,
		    kl, 1);
	}
	mat_mul(0, 0, n + 1, 1, d1, 1.0, Z, d1, kl, 1, 0.0, S + d, d1);
}

/*
 * Backward of dense_attn_forward_last. dL/dZ_L lies in the query label, so
 * gS = g e_dᵀ (g its label column): gZ += g kᵀ, gK = e_d rᵀ with r = Zᵀ g;
 * per head, with a = Qᵀ r: gP's row d += (C a)ᵀ, gQ += r (C p)ᵀ, and
 * gC = p aᵀ, whose gZ_ctx += Z_ctx (gC + gCᵀ) is (Z_ctx p) aᵀ + (Z_ctx a) pᵀ.
 * t is (2(n+1) + 2(d+1)) scratch.
 */
static void
dense_attn_backward_last(double *gZ, double *gPd, double *gQd,
    const double *gS, const double *Z, const double *kl, const double *vl,
    double *t, const double *Pd, const double *Qd, int H, int n, int d1)
{
	int d = d1 - 1;
	double *t1 = t, *t2 = t + n + 1, *r = t2 + n + 1, *a = r + d1;

	if (gZ != NULL)
		mat_mul(0, 0, n + 1, d1, 1, 1.0, gS + d, d1, kl, d1, 1.0, gZ,
		    d1);
	mat_mul(1, 0, d1, 1, n + 1, 1.0, Z, d1, gS + d, d1, 0.0, r, 1);
	for (int h = 0; h < H; h++) {
		const double *p = Pd + (size_t)h * d1 * d1 + (size_t)d * d1;
		const double *Q = Qd + (size_t)h * d1 * d1;
		double *gP = gPd + (size_t)h * d1 * d1;

		mat_mul(1, 0, d1, 1, d1, 1.0, Q, d1, r, 1, 0.0, a, 1);
		mat_mul(0, 0, n, 1, d1, 1.0, Z, d1, a, 1, 0.0, t2, 1);
		mat_mul(1, 0, d1, 1, n, 1.0, Z, d1, t2, 1, 1.0,
		    gP + (size_t)d * d1, 1);
		mat_mul(0, 0, d1, d1, 1, 1.0, r, 1, vl + (size_t)h * d1, d1,
		    1.0, gQd + (size_t)h * d1 * d1, d1);
		if (gZ == NULL)
			continue;
		mat_mul(0, 0, n, 1, d1, 1.0, Z, d1, p, 1, 0.0, t1, 1);
		mat_mul(0, 0, n, d1, 1, 1.0, t1, 1, a, d1, 1.0, gZ, d1);
		mat_mul(0, 0, n, d1, 1, 1.0, t2, 1, p, d1, 1.0, gZ, d1);
	}
}


/*
 * The last layer's memory update, forward (back = 0) or backward, in the
 * label column only: the loss, the read-outs and the trace read only Z_L's
 * label column, and dL/dZ_L lies in the query label. Backward, the other
 * columns' terms would all be zero: acc stays 0 there (gZ is 0), so they
 * would add +0 to the Γ sums and leave gS (read in its label column only)
 * and the carry as they are; skipping them gives the same bits.
 */
static inline __attribute__((always_inline)) void
dense_memory_last(const struct model_pass *ps, struct model_worker *w,
    int back, double *slot)
{
	const struct model *m = ps->m;
	const struct model_work *mw = m->work;
	int n1 = m->n + 1, d = m->d, d1 = d + 1, l = m->L - 1;
	size_t zlen = (size_t)n1 * d1;
	double inv_n = 1.0 / m->n, ga = 0.0, gg = 0.0;
	double *Z = w->Z + (size_t)l * zlen, *R = w->R + (size_t)l * zlen;
	const double *G = mw->Gd + (size_t)l * zlen;

	for (int i = 0; i < n1; i++) {
		size_t e = (size_t)i * d1 + d;

		if (!back)
			model_memory_forward_rows(mw, m->cfg.memory, l, e, 1,
			    zlen, Z + zlen, Z, R, w->U, G, inv_n);
		else
			model_memory_backward_rows(mw, m->cfg.memory, l, e, 1,
			    zlen, w->gS, w->gacc, slot + mw->attn_len, w->gZ,
			    R, G, inv_n, &ga, &gg);
	}
	if (back)
		model_memory_backward_sums(m->cfg.memory, l, zlen,
		    slot + mw->attn_len, ga, gg);
}

/* ------------------------------------------------------------------------ */
/* One task at a time (large d) */

/* Task b forward (model_internal.h); cloned like the lane kernels for the
 * memory update's loops (elementwise, no FMA: the same bits in each). */
double CORE_CLONES
model_dense_task_forward(const struct model_pass *ps,
    struct model_worker *w, double *sse, int b)
{
	const struct model *m = ps->m;
	const struct model_work *mw = m->work;
	int n = m->n, d = m->d, n1 = n + 1, d1 = d + 1, H = m->H;
	size_t zlen = (size_t)n1 * d1, hl = (size_t)H * d1 * d1;
	double inv_n = 1.0 / n;
	const double *x = ps->tb->X + (size_t)b * n1 * d;
	const double *ytrue = ps->tb->y + (size_t)b * n1;
	double yq = ytrue[n];

	for (int i = 0; i < n1; i++) {
		memcpy(w->Z + (size_t)i * d1, x + (size_t)i * d,
		    (size_t)d * sizeof(double));
		w->Z[(size_t)i * d1 + d] = i < n ? ytrue[i] : 0.0;
	}
	memset(w->U, 0, zlen * sizeof(double));
	for (int l = 0; l < m->L; l++) {
		double *Z = w->Z + (size_t)l * zlen;

		if (l < m->L - 1) {
			dense_attn_forward(w->R + (size_t)l * zlen,
			    w->C + (size_t)l * d1 * d1,
			    w->K + (size_t)l * d1 * d1, w->tmp, Z,
			    mw->Pd + l * hl, mw->Qd + l * hl, H, n, d1);
			model_memory_forward(mw, m->cfg.memory, l, zlen,
			    Z + zlen, Z, w->R + (size_t)l * zlen, w->U,
			    mw->Gd + (size_t)l * zlen, inv_n);
		} else {
			dense_attn_forward_last(w->R + (size_t)l * zlen,
			    w->klast, w->vlast, w->tlast, Z, mw->Pd + l * hl,
			    mw->Qd + l * hl, H, n, d1);
			dense_memory_last(ps, w, 0, NULL);
		}
		if (ps->want_layers) {
			double e = -Z[zlen + (size_t)n * d1 + d] - yq;

			sse[l] += e * e;
		}
	}
	return -w->Z[(size_t)m->L * zlen + (size_t)n * d1 + d] - yq;
}

/* Task b backward (model_internal.h), cloned the same way. */
void CORE_CLONES
model_dense_task_backward(const struct model_pass *ps,
    struct model_worker *w, double *slot, double err)
{
	const struct model *m = ps->m;
	const struct model_work *mw = m->work;
	int n = m->n, d = m->d, n1 = n + 1, d1 = d + 1, H = m->H, L = m->L;
	size_t zlen = (size_t)n1 * d1, hl = (size_t)H * d1 * d1;
	double inv_n = 1.0 / n;
	double *gP = slot, *gQ = slot + L * hl, *gm = slot + mw->attn_len;

	memset(w->gZ, 0, zlen * sizeof(double));
	memset(w->gacc, 0, zlen * sizeof(double));
	w->gZ[(size_t)n * d1 + d] = -2.0 * err / ps->tb->B;
	for (int l = L - 1; l >= 0; l--) {
		if (l < L - 1)
			model_memory_backward(mw, m->cfg.memory, l, zlen,
			    w->gS, w->gacc, gm, w->gZ, w->R + (size_t)l * zlen,
			    mw->Gd + (size_t)l * zlen, inv_n);
		else
			dense_memory_last(ps, w, 1, slot);
		/* dL/dZ_0 is not needed: Z_0 is the input */
		if (l < L - 1)
			dense_attn_backward(l > 0 ? w->gZ : NULL, gP + l * hl,
			    gQ + l * hl, w->gS, w->Z + (size_t)l * zlen,
			    w->C + (size_t)l * d1 * d1,
			    w->K + (size_t)l * d1 * d1, mw->Pd + l * hl,
			    mw->Qd + l * hl, w->gK, w->gC, w->tmp, H, n, d1);
		else
			dense_attn_backward_last(l > 0 ? w->gZ : NULL,
			    gP + l * hl, gQ + l * hl, w->gS,
			    w->Z + (size_t)l * zlen, w->klast, w->vlast,
			    w->tlast, mw->Pd + l * hl, mw->Qd + l * hl, H, n,
			    d1);
	}
}


/* ------------------------------------------------------------------------ */
/* The parametrization in P and Q */

/* Each layer's heads expanded into dense P and Q. */
void
model_dense_expand(const struct model *m, double *Pd, double *Qd)
{
	int d = m->d, d1 = d + 1;

	for (int lh = 0; lh < m->L * m->H; lh++) {
		double *P = Pd + (size_t)lh * d1 * d1;
		double *Q = Qd + (size_t)lh * d1 * d1;
		const double *w0 = m->params + m->off_attn0[lh];
		const double *w1 = m->off_attn1[lh] >= 0 ?
		    m->params + m->off_attn1[lh] : NULL;

		if (m->cfg.param == MS_PARAM_FULL) {
			memcpy(P, w0, (size_t)d1 * d1 * sizeof(double));
			memcpy(Q, w1, (size_t)d1 * d1 * sizeof(double));
			continue;
		}
		memset(P, 0, (size_t)d1 * d1 * sizeof(double));
		memset(Q, 0, (size_t)d1 * d1 * sizeof(double));
		P[d * d1 + d] = 1.0;
		for (int r = 0; r < d; r++) {
			for (int c = 0; c < d; c++) {
				if (m->cfg.param == MS_PARAM_SCALAR)
					Q[r * d1 + c] = r == c ? -w0[0] : 0.0;
				else
					Q[r * d1 + c] = -w0[r * d + c];
				if (m->cfg.param == MS_PARAM_GDPP)
					P[r * d1 + c] = w1[r * d + c];
			}
		}
	}
}

/* Dense gP, gQ sums contracted back onto the parametrization's blocks. */
void
model_dense_contract(struct model *m, const double *gPd, const double *gQd)
{
	int d = m->d, d1 = d + 1;

	for (int lh = 0; lh < m->L * m->H; lh++) {
		const double *gP = gPd + (size_t)lh * d1 * d1;
		const double *gQ = gQd + (size_t)lh * d1 * d1;
		double *g0 = m->grads + m->off_attn0[lh];
		double *g1 = m->off_attn1[lh] >= 0 ?
		    m->grads + m->off_attn1[lh] : NULL;

		if (m->cfg.param == MS_PARAM_FULL) {
			for (int e = 0; e < d1 * d1; e++) {
				g0[e] += gP[e];
				g1[e] += gQ[e];
			}
			continue;
		}
		for (int r = 0; r < d; r++) {
			for (int c = 0; c < d; c++) {
				if (m->cfg.param == MS_PARAM_SCALAR) {
					if (r == c)
						g0[0] -= gQ[r * d1 + c];
				} else
					g0[r * d + c] -= gQ[r * d1 + c];
				if (m->cfg.param == MS_PARAM_GDPP)
					g1[r * d + c] += gP[r * d1 + c];
			}
		}
	}
}
