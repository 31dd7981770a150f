/*
 * Dense-path kernels in lanes (d ≤ MODEL_SMALL_D, any parametrization): a
 * half-block of W tasks, the whole token matrix, through every layer and
 * straight back, as model_dense_task_forward and _backward (model_dense.c)
 * do for one task. A template: model_lanes4.c and model_lanes8.c include
 * it with vlane (model_lanes.h) W doubles wide.
 */
#include "model_lanes.h"
#include "model_memory.h"

/*
 * C (m, nj) = Σ_p A(i, p) B(p, j), or C += that when add; A(i, p) is
 * A[i*sai + p*sap], B(p, j) is B[p*sbp + j*sbj], C has nj columns. The nj
 * running sums of a row are independent chains, in registers when nj is a
 * constant; each runs over p in ascending order from zero.
 */
static inline __attribute__((always_inline)) void
lane_mm(int m, const int nj, int k, const vlane *A, int sai, int sap,
    const vlane *B, int sbp, int sbj, int add, vlane *C)
{
	vlane acc[MODEL_SMALL_D + 1];
	const vlane zero = { 0 };

	for (int i = 0; i < m; i++) {
		for (int j = 0; j < nj; j++)
			acc[j] = zero;
		for (int p = 0; p < k; p++) {
			vlane a = A[i * sai + p * sap];

			for (int j = 0; j < nj; j++)
				acc[j] = VFMA(a, B[p * sbp + j * sbj], acc[j]);
		}
		for (int j = 0; j < nj; j++)
			C[i * nj + j] = add ? C[i * nj + j] + acc[j] : acc[j];
	}
}

/* What both lane kernels read of the model, once per block: its work
 * (the parameters in lanes), shape and memory; d1 = d + 1 columns. */
struct dense_dims {
	const struct model_work *mw;
	int n, n1, d, L, H;	/* context points, tokens, features, layers,
				 * heads */
	int zlen, dd;		/* one layer's Z (n1, d1) and a (d1, d1) */
	enum ms_memory kind;
	double inv_n;		/* 1/n, the memory update's scale */
};

static inline __attribute__((always_inline)) struct dense_dims
dense_dims(const struct model *m, const int d1)
{
	return (struct dense_dims){
		.mw = m->work, .n = m->n, .n1 = m->n + 1, .d = d1 - 1,
		.L = m->L, .H = m->H, .zlen = (m->n + 1) * d1, .dd = d1 * d1,
		.kind = m->cfg.memory, .inv_n = 1.0 / m->n,
	};
}

/*
 * Forward of a block through every layer, as model_dense_task_forward
 * for one task: C = Σ_{j<n} z_j z_jᵀ, K = Σ_h P_h C Q_hᵀ, S = Z Kᵀ, then
 * memory.
 */
static inline __attribute__((always_inline)) void
dense_lane_forward_d(const struct model_pass *ps, struct model_worker *w,
    const int d1)
{
	const struct dense_dims dm = dense_dims(ps->m, d1);
	vlane *sse = LV(w->sum) + dm.mw->attn_len + dm.mw->mem_len;	/* (L), loss */
	vlane *Zv = LV(w->Z);
	const vlane zero = { 0 };

	for (int i = 0; i < dm.n1; i++) {
		for (int f = 0; f < dm.d; f++)
			Zv[i * d1 + f] = CLV(w->x)[i * dm.d + f];
		Zv[i * d1 + dm.d] = i < dm.n ? CLV(w->yt)[i] : zero;
	}
	for (int e = 0; e < dm.zlen; e++)
		LV(w->U)[e] = zero;
	for (int l = 0; l < dm.L; l++) {
		vlane *Z = Zv + (size_t)l * dm.zlen, *C = LV(w->C) + l * dm.dd;
		vlane *K = LV(w->K) + l * dm.dd, *R = LV(w->R) + (size_t)l * dm.zlen;

		/* C = Z_ctxᵀ Z_ctx */
		lane_mm(d1, d1, dm.n, Z, 1, d1, Z, d1, 1, 0, C);
		for (int e = 0; e < dm.dd; e++)
			K[e] = zero;
		for (int h = 0; h < dm.H; h++) {
			const vlane *P = CLV(dm.mw->Pv) +
			    (size_t)(l * dm.H + h) * dm.dd;
			const vlane *Q = CLV(dm.mw->Qv) +
			    (size_t)(l * dm.H + h) * dm.dd;

			lane_mm(d1, d1, d1, P, d1, 1, C, d1, 1, 0, LV(w->tmp));
			lane_mm(d1, d1, d1, LV(w->tmp), d1, 1, Q, 1, d1, 1, K);
		}
		/* token-major: S[i,:] = K z_i, i.e. S = Z Kᵀ */
		lane_mm(dm.n1, d1, d1, Z, d1, 1, K, 1, d1, 0, R);
		model_memory_forward(dm.mw, dm.kind, l, (size_t)dm.zlen,
		    Z + dm.zlen, Z, R, LV(w->U),
		    dm.mw->Gd + (size_t)l * dm.zlen, dm.inv_n);
		if (ps->want_layers) {
			vlane e = -Z[dm.zlen + dm.n * d1 + dm.d] - CLV(w->yt)[dm.n];

			sse[l] += e * e;
		}
	}
	LV(w->err)[0] = -Zv[(size_t)dm.L * dm.zlen + dm.n * d1 + dm.d] -
	    CLV(w->yt)[dm.n];
	sse[dm.L] += LV(w->err)[0] * LV(w->err)[0];
}

/* Backward of dense_lane_forward_d; adds the gradient sums into w->sum. */
static inline __attribute__((always_inline)) void
dense_lane_backward_d(const struct model_pass *ps, struct model_worker *w,
    const int d1)
{
	const struct dense_dims dm = dense_dims(ps->m, d1);
	vlane *gZ = LV(w->gZ), *gS = LV(w->gS), *gK = LV(w->gK);
	vlane *gC = LV(w->gC), *gacc = LV(w->gacc), *tmp = LV(w->tmp);
	vlane *gm = LV(w->sum) + dm.mw->attn_len;
	const vlane zero = { 0 };

	for (int e = 0; e < dm.zlen; e++)
		gZ[e] = gacc[e] = zero;
	gZ[dm.n * d1 + dm.d] = -2.0 * LV(w->err)[0] / (double)ps->tb->B;
	for (int l = dm.L - 1; l >= 0; l--) {
		const vlane *Z = LV(w->Z) + (size_t)l * dm.zlen;
		const vlane *C = LV(w->C) + l * dm.dd, *K = LV(w->K) + l * dm.dd;

		model_memory_backward(dm.mw, dm.kind, l, (size_t)dm.zlen, gS,
		    gacc, gm, gZ, CLV(w->R) + (size_t)l * dm.zlen,
		    dm.mw->Gd + (size_t)l * dm.zlen, dm.inv_n);
		/* S = Z Kᵀ: gZ += gS K (not needed for Z_0), gK = gSᵀ Z */
		if (l > 0)
			lane_mm(dm.n1, d1, d1, gS, d1, 1, K, d1, 1, 1, gZ);
		lane_mm(d1, d1, dm.n1, gS, 1, d1, Z, d1, 1, 0, gK);
		for (int e = 0; e < dm.dd; e++)
			gC[e] = zero;
		for (int h = 0; h < dm.H; h++) {
			size_t lh = (size_t)(l * dm.H + h) * dm.dd;
			const vlane *P = CLV(dm.mw->Pv) + lh, *Q = CLV(dm.mw->Qv) + lh;
			vlane *gP = LV(w->sum) + lh;
			vlane *gQ = LV(w->sum) + (size_t)dm.L * dm.H * dm.dd + lh;

			/* K = P C Qᵀ: gP += gK Q C, gQ += gKᵀ P C,
			 * gC += Pᵀ gK Q */
			lane_mm(d1, d1, d1, gK, d1, 1, Q, d1, 1, 0, tmp);
			lane_mm(d1, d1, d1, tmp, d1, 1, C, d1, 1, 1, gP);
			lane_mm(d1, d1, d1, gK, 1, d1, P, d1, 1, 0, tmp);
			lane_mm(d1, d1, d1, tmp, d1, 1, C, d1, 1, 1, gQ);
			if (l == 0)
				continue;
			lane_mm(d1, d1, d1, P, 1, d1, gK, d1, 1, 0, tmp);
			lane_mm(d1, d1, d1, tmp, d1, 1, Q, d1, 1, 1, gC);
		}
		if (l == 0)
			break;
		/* C = Σ_{j<n} z_j z_jᵀ: gz_j += (gC + gCᵀ) z_j */
		for (int a = 0; a < d1; a++)
			for (int c = 0; c < d1; c++)
				tmp[a * d1 + c] = gC[a * d1 + c] +
				    gC[c * d1 + a];
		lane_mm(dm.n, d1, d1, Z, d1, 1, tmp, 1, d1, 1, gZ);
	}
}

/* A block forward and, in a pass with gradients, straight back. */
static inline __attribute__((always_inline)) void
dense_lane_block_d(const struct model_pass *ps, struct model_worker *w,
    const int d1)
{
	dense_lane_forward_d(ps, w, d1);
	if (ps->backward)
		dense_lane_backward_d(ps, w, d1);
}

/* A half-block through the model in lanes: the kernel instances, one for
 * each d ≤ MODEL_SMALL_D (d + 1 columns). */
static inline __attribute__((always_inline)) void
dense_lane_block(const struct model_pass *ps, struct model_worker *w)
{
	switch (ps->m->d) {
	case 1: dense_lane_block_d(ps, w, 2); break;
	case 2: dense_lane_block_d(ps, w, 3); break;
	case 3: dense_lane_block_d(ps, w, 4); break;
	case 4: dense_lane_block_d(ps, w, 5); break;
	case 5: dense_lane_block_d(ps, w, 6); break;
	case 6: dense_lane_block_d(ps, w, 7); break;
	case 7: dense_lane_block_d(ps, w, 8); break;
	default: dense_lane_block_d(ps, w, MODEL_SMALL_D + 1); break;
	}
}
