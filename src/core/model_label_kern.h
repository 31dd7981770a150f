/*
 * Label-path kernels (scalar, pre): a half-block of W tasks forward
 * through every layer and straight back (model_internal.h: lanes). A
 * template: model_lanes4.c and model_lanes8.c include it with vlane
 * (model_lanes.h) W doubles wide.
 *
 * P's top-left block is zero, so only the label row of Z ever changes
 * (doc/math.md §3). With s = Σ_{j<n} y_j x_j and A the sum of the layer's
 * heads, token i's attention output is r_i = −x_iᵀ A s, and the state of a
 * task is just its label row y (n+1) plus the registers' label rows. Per
 * task and layer: O(nd + d²). A block's activations stay in L1 (for small
 * d).
 */
#include "model_lanes.h"
#include "model_memory.h"


/*
 * acc[k] += sign · Σ_{j<rows} c_j x_jk, one running sum per k in ascending
 * j (larger d: d chains already), rows four at a time so each acc[k] is
 * loaded and stored once per four terms; called on consecutive row ranges
 * it continues the same chains.
 */
static inline __attribute__((always_inline)) void
label_axpy_acc(vlane *acc, const vlane *c, const vlane *x, int rows,
    const int d, int sign)
{
	int j = 0;

	for (; j + 4 <= rows; j += 4) {
		const vlane *x0 = x + (size_t)j * d;
		vlane c0 = sign > 0 ? c[j] : -c[j];
		vlane c1 = sign > 0 ? c[j + 1] : -c[j + 1];
		vlane c2 = sign > 0 ? c[j + 2] : -c[j + 2];
		vlane c3 = sign > 0 ? c[j + 3] : -c[j + 3];

		for (int k = 0; k < d; k++) {
			vlane a = acc[k];

			a = VFMA(c0, x0[k], a);
			a = VFMA(c1, x0[d + k], a);
			a = VFMA(c2, x0[2 * d + k], a);
			a = VFMA(c3, x0[3 * d + k], a);
			acc[k] = a;
		}
	}
	for (; j < rows; j++) {
		vlane c0 = sign > 0 ? c[j] : -c[j];

		for (int k = 0; k < d; k++)
			acc[k] = VFMA(c0, x[(size_t)j * d + k], acc[k]);
	}
}


/*
 * acc[k] = sign · Σ_{j<rows} c_j x_jk (sign ±1; c_j negated for −). For
 * d ≤ MODEL_SMALL_D as two running sums, even j and odd j, each fused
 * term by term in ascending j from zero, added at the end: 2d independent
 * chains in registers, enough to keep the FMA units busy (one chain of n
 * steps per k waits on each step's latency). For larger d one running sum
 * per k in ascending j (d chains already), rows four at a time so each
 * acc[k] is loaded and stored once per four terms.
 */
static inline __attribute__((always_inline)) void
label_axpy_rows(vlane *acc, const vlane *c, const vlane *x, int rows,
    const int d, int sign)
{
	const vlane zero = { 0 };
	int j = 0;

	if (d <= MODEL_SMALL_D) {
		vlane ev[MODEL_SMALL_D], od[MODEL_SMALL_D];

		for (int k = 0; k < d; k++)
			ev[k] = od[k] = zero;
		for (; j + 2 <= rows; j += 2) {
			const vlane *x0 = x + (size_t)j * d;
			vlane c0 = sign > 0 ? c[j] : -c[j];
			vlane c1 = sign > 0 ? c[j + 1] : -c[j + 1];

			for (int k = 0; k < d; k++) {
				ev[k] = VFMA(c0, x0[k], ev[k]);
				od[k] = VFMA(c1, x0[d + k], od[k]);
			}
		}
		if (j < rows) {
			vlane c0 = sign > 0 ? c[j] : -c[j];

			for (int k = 0; k < d; k++)
				ev[k] = VFMA(c0, x[(size_t)j * d + k], ev[k]);
		}
		for (int k = 0; k < d; k++)
			acc[k] = ev[k] + od[k];
		return;
	}
	for (int k = 0; k < d; k++)
		acc[k] = zero;
	label_axpy_acc(acc, c, x, rows, d, sign);
}

/*
 * The dot product of each row i < rows of x with v (summed over k in
 * ascending order from zero): out[i] = −dot when mode < 0, out[i] += dot
 * when mode == 0. Four rows at a time: four independent chains.
 */
static inline __attribute__((always_inline)) void
label_row_dots(vlane *out, const vlane *x, const vlane *v, int rows,
    const int d, int mode)
{
	const vlane zero = { 0 };
	int i = 0;

	for (; i + 4 <= rows; i += 4) {
		const vlane *x0 = x + (size_t)i * d;
		vlane a0 = zero, a1 = zero, a2 = zero, a3 = zero;

		for (int k = 0; k < d; k++) {
			a0 = VFMA(x0[k], v[k], a0);
			a1 = VFMA(x0[d + k], v[k], a1);
			a2 = VFMA(x0[2 * d + k], v[k], a2);
			a3 = VFMA(x0[3 * d + k], v[k], a3);
		}
		if (mode < 0) {
			out[i] = -a0;
			out[i + 1] = -a1;
			out[i + 2] = -a2;
			out[i + 3] = -a3;
		} else {
			out[i] += a0;
			out[i + 1] += a1;
			out[i + 2] += a2;
			out[i + 3] += a3;
		}
	}
	for (; i < rows; i++) {
		vlane a = zero;

		for (int k = 0; k < d; k++)
			a = VFMA(x[(size_t)i * d + k], v[k], a);
		if (mode < 0)
			out[i] = -a;
		else
			out[i] += a;
	}
}

/* What both label kernels read of the model, once per block: its work
 * (the parameters in lanes), shape, parametrization and memory. */
struct label_dims {
	const struct model_work *mw;
	int n, n1, L;		/* context points, tokens n + 1, layers */
	int scalar;		/* param scalar: A_ℓ is one number */
	enum ms_memory kind;
	double inv_n;		/* 1/n, the memory update's scale */
};

static inline __attribute__((always_inline)) struct label_dims
label_dims(const struct model *m)
{
	return (struct label_dims){
		.mw = m->work, .n = m->n, .n1 = m->n + 1, .L = m->L,
		.scalar = m->cfg.param == MS_PARAM_SCALAR,
		.kind = m->cfg.memory, .inv_n = 1.0 / m->n,
	};
}

/* The label row before layer 0 (the query's label hidden) and lfom's
 * running sum zero. */
static inline __attribute__((always_inline)) void
label_forward_start(const struct label_dims *dm, vlane *lab, vlane *u,
    const vlane *yt)
{
	const vlane zero = { 0 };

	for (int i = 0; i < dm->n; i++)
		lab[i] = yt[i];
	lab[dm->n] = zero;
	for (int e = 0; e < dm->n1; e++)
		u[e] = zero;
}

/* The squared error of the read-out after a layer, into *sse. */
static inline __attribute__((always_inline)) void
label_layer_error(const struct label_dims *dm, const vlane *yn,
    const vlane *yt, vlane *sse)
{
	vlane e = -yn[dm->n] - yt[dm->n];

	*sse += e * e;
}

/* ŷ_L − y_q of each lane into w->err, its square into sse[L]. */
static inline __attribute__((always_inline)) void
label_forward_end(const struct label_dims *dm, struct model_worker *w,
    const vlane *lab, const vlane *yt, vlane *sse)
{
	LV(w->err)[0] = -lab[(size_t)dm->L * dm->n1 + dm->n] - yt[dm->n];
	sse[dm->L] += LV(w->err)[0] * LV(w->err)[0];
}

/* The backward's start: dL/dZ_L is −2 err / B in the query label. */
static inline __attribute__((always_inline)) void
label_backward_start(const struct model_pass *ps,
    const struct label_dims *dm, const struct model_worker *w, vlane *gy,
    vlane *acc)
{
	const vlane zero = { 0 };

	for (int e = 0; e < dm->n1; e++)
		gy[e] = acc[e] = zero;
	gy[dm->n] = -2.0 * LV(w->err)[0] / (double)ps->tb->B;
}

/*
 * The first token the last layer needs: the query (n) unless the pass is
 * traced, else 0. The loss and the read-outs read only the query's label
 * after the last layer. Backward, dL/dZ_L lies in the query label, so
 * the top layer's dL/dS is 0 but for the query (each memory kind's gS is a
 * multiple of the carry and gZ, both 0 there), and the other tokens' terms
 * of gv = −Σ_i gr_i x_i and of the memory sums are ±0 products: leaving
 * them out leaves every non-zero sum as it was, the same bits.
 */
static inline __attribute__((always_inline)) int
label_top_first(const struct model_pass *ps, const struct label_dims *dm)
{
	return ps->trace ? 0 : dm->n;
}

/* v = A_ℓ s (scalar: a_ℓ s), each v[k] summed over c ascending. */
static inline __attribute__((always_inline)) void
label_apply_A(const struct label_dims *dm, int l, const int d,
    const vlane *s, vlane *v)
{
	const vlane zero = { 0 };

	if (dm->scalar) {
		for (int k = 0; k < d; k++)
			v[k] = VSPLAT(dm->mw->Ad[l]) * s[k];
		return;
	}
	const double *A = dm->mw->Ad + (size_t)l * d * d;
	int k = 0;

	/* four rows of A at a time: four chains in flight (one chain of d
	 * steps waits on each step's latency) */
	for (; k + 4 <= d; k += 4) {
		const double *A0 = A + (size_t)k * d;
		vlane a0 = zero, a1 = zero, a2 = zero, a3 = zero;

		for (int c = 0; c < d; c++) {
			a0 = VFMA(VSPLAT(A0[c]), s[c], a0);
			a1 = VFMA(VSPLAT(A0[d + c]), s[c], a1);
			a2 = VFMA(VSPLAT(A0[2 * d + c]), s[c], a2);
			a3 = VFMA(VSPLAT(A0[3 * d + c]), s[c], a3);
		}
		v[k] = a0;
		v[k + 1] = a1;
		v[k + 2] = a2;
		v[k + 3] = a3;
	}
	for (; k < d; k++) {
		vlane a = zero;

		for (int c = 0; c < d; c++)
			a = VFMA(VSPLAT(A[k * d + c]), s[c], a);
		v[k] = a;
	}
}

/* Backward of v = A_ℓ s for A: gA += gv sᵀ (scalar: da += gv·s). */
static inline __attribute__((always_inline)) void
label_grad_A(const struct label_dims *dm, int l, const int d,
    const vlane *gv, const vlane *s, vlane *gA)
{
	const vlane zero = { 0 };

	if (dm->scalar) {
		vlane a = zero;

		for (int k = 0; k < d; k++)
			a = VFMA(gv[k], s[k], a);
		gA[l] += a;
		return;
	}
	for (int k = 0; k < d; k++) {
		vlane *g = gA + (size_t)l * d * d;

		for (int c = 0; c < d; c++)
			g[k * d + c] = VFMA(gv[k], s[c], g[k * d + c]);
	}
}

/* Backward of v = A_ℓ s for s: gs = A_ℓᵀ gv (scalar: a_ℓ gv). */
static inline __attribute__((always_inline)) void
label_grad_s(const struct label_dims *dm, int l, const int d,
    const vlane *gv, vlane *gs)
{
	const double *A = dm->mw->Ad + (size_t)l * d * d;
	const vlane zero = { 0 };

	if (dm->scalar) {
		for (int c = 0; c < d; c++)
			gs[c] = VSPLAT(dm->mw->Ad[l]) * gv[c];
		return;
	}
	for (int c = 0; c < d; c++)
		gs[c] = zero;
	for (int k = 0; k < d; k++)
		for (int c = 0; c < d; c++)
			gs[c] = VFMA(VSPLAT(A[k * d + c]), gv[k], gs[c]);
}

/*
 * Forward through every layer: s = Σ_{j<n} y_j x_j, v = A s, r_i = −x_i·v,
 * then the memory update of the label row. Leaves each lane's ŷ_L − y_q in
 * w->err and adds the squared errors into w->sum.
 *
 * Every sum runs over its index in ascending order from zero. Loops over
 * the short feature index k are innermost, so the d running sums of one
 * reduction are independent chains; when d is a small constant (see
 * model_label_forward) they live in registers, otherwise in L1.
 */
static inline __attribute__((always_inline)) void
label_forward_d(const struct model_pass *ps, struct model_worker *w,
    const int d)
{
	const struct label_dims dm = label_dims(ps->m);
	const vlane *x = CLV(w->x), *yt = CLV(w->yt);
	vlane *lab = LV(w->lab), *u = LV(w->u);
	vlane *sse = LV(w->sum) + dm.mw->attn_len + dm.mw->mem_len;	/* (L), loss */
	vlane small[MODEL_SMALL_D];
	int i0;

	label_forward_start(&dm, lab, u, yt);
	for (int l = 0; l < dm.L; l++) {
		const vlane *y = lab + (size_t)l * dm.n1;
		vlane *yn = lab + (size_t)(l + 1) * dm.n1;
		vlane *r = LV(w->reg) + (size_t)l * dm.n1;
		vlane *s = d <= MODEL_SMALL_D ? small : LV(w->s) + (size_t)l * d;
		vlane *v = LV(w->v) + (size_t)l * d;

		label_axpy_rows(s, y, x, dm.n, d, 1);
		if (d <= MODEL_SMALL_D)
			for (int k = 0; k < d; k++)
				LV(w->s)[(size_t)l * d + k] = s[k];
		label_apply_A(&dm, l, d, s, v);
		/* the last layer on the query only, unless traced */
		i0 = l == dm.L - 1 ? label_top_first(ps, &dm) : 0;
		label_row_dots(r + i0, x + (size_t)i0 * d, v, dm.n1 - i0, d,
		    -1);
		model_memory_forward_rows(dm.mw, dm.kind, l, (size_t)i0,
		    (size_t)(dm.n1 - i0), (size_t)dm.n1, yn, y, r, u,
		    dm.mw->Gv + (size_t)l * dm.n1, dm.inv_n);
		if (ps->want_layers)
			label_layer_error(&dm, yn, yt, sse + l);
	}
	label_forward_end(&dm, w, lab, yt, sse);
}

/*
 * Backward of label_forward_d from loss = (1/B) Σ_b (ŷ − y_q)²: adds the
 * gradient sums (attention, memory) into w->sum, per lane.
 */
static inline __attribute__((always_inline)) void
label_backward_d(const struct model_pass *ps, struct model_worker *w,
    const int d)
{
	const struct label_dims dm = label_dims(ps->m);
	const vlane *x = CLV(w->x);
	vlane *gy = LV(w->gy), *gr = LV(w->gr), *acc = LV(w->acc);
	vlane *gA = LV(w->sum), *gm = LV(w->sum) + dm.mw->attn_len;
	vlane small_v[MODEL_SMALL_D], small_s[MODEL_SMALL_D];
	vlane *gv = d <= MODEL_SMALL_D ? small_v : LV(w->gv);
	vlane *gs = d <= MODEL_SMALL_D ? small_s : LV(w->gs);
	const vlane zero = { 0 };

	label_backward_start(ps, &dm, w, gy, acc);
	for (int l = dm.L - 1; l >= 0; l--) {
		const vlane *R = LV(w->reg) + (size_t)l * dm.n1;
		const vlane *s = LV(w->s) + (size_t)l * d;

		/* the top layer on the query only (label_top_first) */
		int i0 = l == dm.L - 1 ? label_top_first(ps, &dm) : 0;
		vlane ga = zero, gg = zero;

		/* memory: gr = dL/dS_ℓ; gy stays dL/dZ_{ℓ+1} */
		model_memory_backward_rows(dm.mw, dm.kind, l, (size_t)i0,
		    (size_t)(dm.n1 - i0), (size_t)dm.n1, gr, acc, gm, gy, R,
		    dm.mw->Gv + (size_t)l * dm.n1, dm.inv_n, &ga, &gg);
		model_memory_backward_sums(dm.kind, l, (size_t)dm.n1, gm, ga,
		    gg);
		/* attention: r_i = −x_i·v ⇒ gv = −Σ_i gr_i x_i */
		label_axpy_rows(gv, gr + i0, x + (size_t)i0 * d, dm.n1 - i0, d,
		    -1);
		label_grad_A(&dm, l, d, gv, s, gA);
		if (l == 0)
			break;	/* dL/dZ_0 is not needed: Z_0 is the input */
		label_grad_s(&dm, l, d, gv, gs);
		/* s = Σ_{j<n} y_j x_j: gy_j += x_j·gs */
		label_row_dots(gy, x, gs, dm.n, d, 0);
	}
}

/* Rows a large-d kernel takes at a time: their tokens (8 · d vlanes) stay
 * in L1 between the two uses. */
#define LABEL_CHUNK 8

/*
 * label_forward_d for d > MODEL_SMALL_D, in one pass over the tokens per
 * layer (x is too large for L1 then, and reading it is what costs): a
 * chunk of rows gets r_i = −x_i·v, its memory update, and its terms of the
 * next layer's s = Σ_{j<n} y_j x_j while it is in L1. Every sum runs in the
 * order label_forward_d's does, so the bits are the same.
 */
static inline __attribute__((always_inline)) void
label_forward_big(const struct model_pass *ps, struct model_worker *w,
    const int d)
{
	const struct label_dims dm = label_dims(ps->m);
	const vlane *x = CLV(w->x), *yt = CLV(w->yt);
	vlane *lab = LV(w->lab), *u = LV(w->u);
	vlane *sse = LV(w->sum) + dm.mw->attn_len + dm.mw->mem_len;	/* (L), loss */
	const vlane zero = { 0 };

	label_forward_start(&dm, lab, u, yt);
	label_axpy_rows(LV(w->s), lab, x, dm.n, d, 1);
	for (int l = 0; l < dm.L; l++) {
		const vlane *y = lab + (size_t)l * dm.n1;
		vlane *yn = lab + (size_t)(l + 1) * dm.n1;
		vlane *r = LV(w->reg) + (size_t)l * dm.n1;
		vlane *v = LV(w->v) + (size_t)l * d;
		vlane *next = l + 1 < dm.L ? LV(w->s) + (size_t)(l + 1) * d :
		    NULL;
		const double *G = dm.mw->Gv + (size_t)l * dm.n1;

		label_apply_A(&dm, l, d, LV(w->s) + (size_t)l * d, v);
		for (int k = 0; next != NULL && k < d; k++)
			next[k] = zero;
		/* the last layer on the query only, unless traced */
		for (int i0 = next != NULL ? 0 : label_top_first(ps, &dm);
		    i0 < dm.n1; i0 += LABEL_CHUNK) {
			int cnt = dm.n1 - i0 < LABEL_CHUNK ? dm.n1 - i0 :
			    LABEL_CHUNK;
			int ctx = dm.n - i0 < cnt ? dm.n - i0 : cnt;

			label_row_dots(r + i0, x + (size_t)i0 * d, v, cnt, d,
			    -1);
			model_memory_forward_rows(dm.mw, dm.kind, l,
			    (size_t)i0, (size_t)cnt, (size_t)dm.n1, yn, y, r,
			    u, G, dm.inv_n);
			if (next != NULL && ctx > 0)
				label_axpy_acc(next, yn + i0,
				    x + (size_t)i0 * d, ctx, d, 1);
		}
		if (ps->want_layers)
			label_layer_error(&dm, yn, yt, sse + l);
	}
	label_forward_end(&dm, w, lab, yt, sse);
}

/*
 * The collected half-blocks' attention gradients into their sums: for each
 * entry, gA[k][c] = fma(gv[k], s[c], gA[k][c]) over the half-blocks in the
 * order they ran, as label_grad_A would have added them one by one; so the
 * bits are the same, but each entry of the (L, d, d) sums is read and
 * written once per MODEL_DEFER half-blocks.
 */
static inline __attribute__((always_inline)) void
label_flush(const struct model_pass *ps, struct model_worker *w)
{
	int d = ps->m->d, L = ps->m->L, nd = w->ndefer;

	for (int h = 0; h < nd; h++) {
		double *sum = w->defer_sum[h];
		int first = 1;

		/* one pass per sum buffer (a block's halves have their own) */
		for (int e = 0; e < h; e++)
			first &= w->defer_sum[e] != sum;
		if (!first)
			continue;
		for (int l = 0; l < L; l++) {
			vlane *g = LV(sum) + (size_t)l * d * d;

			for (int k = 0; k < d; k++) {
				for (int c = 0; c < d; c++) {
					vlane a = g[k * d + c];

					for (int e = h; e < nd; e++) {
						const vlane *keep =
						    LV(w->defer) + ((size_t)e *
						    L + l) * 2 * d;

						if (w->defer_sum[e] == sum)
							a = VFMA(keep[k],
							    keep[d + c], a);
					}
					g[k * d + c] = a;
				}
			}
		}
	}
	w->ndefer = 0;
}

/*
 * label_backward_d for d > MODEL_SMALL_D, in one pass over the tokens per
 * layer: a chunk of rows gets its gy_j += x_j·gs of layer ℓ, then layer
 * ℓ−1's memory backward and its terms of gv = −Σ_i gr_i x_i while it is in
 * L1. The same sums in the same order as label_backward_d.
 */
static inline __attribute__((always_inline)) void
label_backward_big(const struct model_pass *ps, struct model_worker *w,
    const int d)
{
	const struct label_dims dm = label_dims(ps->m);
	const vlane *x = CLV(w->x);
	vlane *gy = LV(w->gy), *gr = LV(w->gr), *acc = LV(w->acc);
	vlane *gA = LV(w->sum), *gm = LV(w->sum) + dm.mw->attn_len;
	vlane *gv = LV(w->gv), *gvn = LV(w->gv) + d, *gs = LV(w->gs);
	const vlane zero = { 0 };
	vlane ga = zero, gg = zero;
	int top = dm.L - 1;

	int i0 = label_top_first(ps, &dm);

	label_backward_start(ps, &dm, w, gy, acc);
	/* the top layer on the query only (label_top_first) */
	model_memory_backward_rows(dm.mw, dm.kind, top, (size_t)i0,
	    (size_t)(dm.n1 - i0), (size_t)dm.n1, gr, acc, gm, gy,
	    LV(w->reg) + (size_t)top * dm.n1,
	    dm.mw->Gv + (size_t)top * dm.n1, dm.inv_n, &ga, &gg);
	model_memory_backward_sums(dm.kind, top, (size_t)dm.n1, gm, ga, gg);
	label_axpy_rows(gv, gr + i0, x + (size_t)i0 * d, dm.n1 - i0, d, -1);
	for (int l = top; l >= 0; l--) {
		const vlane *R = LV(w->reg) + (size_t)(l - 1) * dm.n1;
		const double *G = dm.mw->Gv + (size_t)(l - 1) * dm.n1;
		vlane *t;

		if (dm.scalar) {
			label_grad_A(&dm, l, d, gv, LV(w->s) + (size_t)l * d,
			    gA);
		} else {
			/* gA += gv sᵀ later, a few half-blocks at a time
			 * (label_flush): the d² sums stay out of the cache
			 * the tokens need */
			vlane *keep = LV(w->defer) +
			    ((size_t)w->ndefer * dm.L + l) * 2 * d;

			for (int k = 0; k < d; k++) {
				keep[k] = gv[k];
				keep[d + k] = LV(w->s)[(size_t)l * d + k];
			}
		}
		if (l == 0)
			break;	/* dL/dZ_0 is not needed: Z_0 is the input */
		label_grad_s(&dm, l, d, gv, gs);
		ga = gg = zero;
		for (int k = 0; k < d; k++)
			gvn[k] = zero;
		for (int i0 = 0; i0 < dm.n1; i0 += LABEL_CHUNK) {
			int cnt = dm.n1 - i0 < LABEL_CHUNK ? dm.n1 - i0 :
			    LABEL_CHUNK;
			int ctx = dm.n - i0 < cnt ? dm.n - i0 : cnt;

			if (ctx > 0)
				label_row_dots(gy + i0, x + (size_t)i0 * d, gs,
				    ctx, d, 0);
			model_memory_backward_rows(dm.mw, dm.kind, l - 1,
			    (size_t)i0, (size_t)cnt, (size_t)dm.n1, gr, acc,
			    gm, gy, R, G, dm.inv_n, &ga, &gg);
			label_axpy_acc(gvn, gr + i0, x + (size_t)i0 * d, cnt,
			    d, -1);
		}
		model_memory_backward_sums(dm.kind, l - 1, (size_t)dm.n1, gm,
		    ga, gg);
		t = gv;
		gv = gvn;
		gvn = t;
	}
	if (!dm.scalar) {
		w->defer_sum[w->ndefer++] = w->sum;
		if (w->ndefer == MODEL_DEFER)
			label_flush(ps, w);
	}
}

/* A block forward and, in a pass with gradients, straight back. */
static inline __attribute__((always_inline)) void
label_block_d(const struct model_pass *ps, struct model_worker *w,
    const int d)
{
	if (d > MODEL_SMALL_D) {
		label_forward_big(ps, w, d);
		if (ps->backward)
			label_backward_big(ps, w, d);
		return;
	}
	label_forward_d(ps, w, d);
	if (ps->backward)
		label_backward_d(ps, w, d);
}

/*
 * A half-block through the model: the kernel instances, one for each d ≤
 * MODEL_SMALL_D and one for larger d. The label and dense kernels are kept
 * in separate functions: together in one, the label kernels ran 10%
 * slower.
 */
static inline __attribute__((always_inline)) void
label_block(const struct model_pass *ps, struct model_worker *w)
{
	switch (ps->m->d) {
	case 1: label_block_d(ps, w, 1); break;
	case 2: label_block_d(ps, w, 2); break;
	case 3: label_block_d(ps, w, 3); break;
	case 4: label_block_d(ps, w, 4); break;
	case 5: label_block_d(ps, w, 5); break;
	case 6: label_block_d(ps, w, 6); break;
	case 7: label_block_d(ps, w, 7); break;
	case 8: label_block_d(ps, w, 8); break;
	default: label_block_d(ps, w, ps->m->d); break;
	}
}
