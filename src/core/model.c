/*
 * Linear transformers and Memformers: forward and backward passes.
 *
 * Two computation paths share one parameter table.
 *
 * LABEL path (scalar, pre). P's top-left block is zero, so only the label row
 * of Z ever changes (MATH.md §3). With s = Σ_{j<n} y_j x_j and A the sum of
 * the layer's heads, token i's attention output is r_i = −x_iᵀ A s, and the
 * state of a task is just its label row y (n+1) plus the registers' label
 * rows. Per task and layer: O(nd + d²).
 *
 * DENSE path (any parametrization). With C = Σ_{j<n} z_j z_jᵀ, token i's
 * output is Σ_h P_h C Q_hᵀ z_i, so the layer is one (d+1)×(d+1) matrix
 * K = Σ_h P_h C Q_hᵀ applied to every token: O(nd² + d³) per task and layer.
 * scalar/pre/gdpp are expanded into P and Q, and their gradients contracted
 * back, so this path also cross-checks the label path in the tests.
 *
 * Work is split over tasks: each pool worker runs its tasks one at a time
 * through the forward pass and straight back through the backward pass,
 * keeping one task's activations (L1/L2-resident) and its own gradient sum.
 * The sums are added in worker order, so results depend only on the seed
 * and the number of workers.
 *
 * Memory (MATH.md §4), with register R_ℓ the layer's attention output:
 *   none: Z_{ℓ+1} = Z_ℓ + R_ℓ/n
 *   cgd:  R_ℓ = S_ℓ + γ_ℓ R_{ℓ−1},  Z_{ℓ+1} = Z_ℓ + (α_ℓ/n) R_ℓ
 *   lfom: Z_{ℓ+1} = Z_ℓ + (1/n) Σ_{j≤ℓ} Γ_j ⊙ R_j
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "memscope/model.h"
#include "memscope/xmalloc.h"

/* One worker's scratch space: a single task's activations and gradient sums. */
struct model_work {
	/* label path */
	double *lab;		/* (L+1, n+1) label row after each layer */
	double *reg;		/* (L, n+1) register label rows */
	double *s;		/* (L, d) Σ_{j<n} y_j x_j per layer */
	double *v;		/* (L, d) A s per layer */
	double *gAeff;		/* (L, d, d) or (L) for scalar: sum over tasks */
	/* dense path */
	double *Z;		/* (L+1, n+1, d+1) token matrix after each layer */
	double *R;		/* (L, n+1, d+1) registers */
	double *C;		/* (L, d+1, d+1) context second moments */
	double *K;		/* (L, d+1, d+1) Σ_h P_h C Q_hᵀ */
	double *gPd, *gQd;	/* (L, H, d+1, d+1) sums over tasks */
	double *gK, *gC, *tmp;	/* (d+1, d+1) */
	/* both paths: per-task backward carries */
	double *gy;		/* (n+1) or (n+1, d+1): dL/dZ_{ℓ+1} */
	double *gr;		/* dL/d(attention output of layer ℓ) */
	double *acc;		/* lfom: Σ_{m≥ℓ} dL/dZ_{m+1};  cgd: dL/dR_{ℓ+1} carry */
	double *gv, *gs;	/* (d) */
	double *grads;		/* (nparams) memory-block gradients, sum over tasks */
	double loss;		/* Σ over this worker's tasks of squared error at L */
	double *layer_sse;	/* (L) Σ squared error at each read-out */
};

/* The batch-wide, read-only inputs of one pass, shared by the workers. */
struct model_pass {
	struct model *m;
	const struct task_batch *tb;
	const double *Aeff;	/* label path: (L, d, d), or (L) for scalar */
	const double *Pd, *Qd;	/* dense path: (L, H, d+1, d+1) */
	int backward;		/* compute gradients too */
	int want_layers;	/* fill layer_sse */
};

/* ------------------------------------------------------------------------ */
/* Parameter table */

static void
model_add_block(struct model *m, int *cap, const char *name, int layer,
    int head, int rows, int cols)
{
	struct param_block *pb;

	if (m->nblocks == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		m->blocks = xrealloc(m->blocks, (size_t)*cap * sizeof *m->blocks);
	}
	pb = &m->blocks[m->nblocks++];
	memset(pb, 0, sizeof *pb);
	snprintf(pb->name, sizeof pb->name, "%s", name);
	pb->layer = layer;
	pb->head = head;
	pb->rows = rows;
	pb->cols = cols;
	pb->offset = m->nparams;
	m->nparams += (size_t)rows * cols;
}

void
model_init(struct model *m, const struct ms_config *cfg)
{
	int cap = 0, d, n, L, H;

	memset(m, 0, sizeof *m);
	m->cfg = *cfg;
	d = m->d = cfg->dim;
	n = m->n = cfg->context;
	L = m->L = cfg->layers;
	H = m->H = cfg->heads;
	m->path = (cfg->param == MS_PARAM_SCALAR || cfg->param == MS_PARAM_PRE) ?
	    MODEL_PATH_LABEL : MODEL_PATH_DENSE;
	m->off_attn0 = xmalloc((size_t)L * H * sizeof(long));
	m->off_attn1 = xmalloc((size_t)L * H * sizeof(long));
	m->off_mem0 = xmalloc((size_t)L * sizeof(long));
	m->off_mem1 = xmalloc((size_t)L * sizeof(long));

	/* Layer-major: each layer's heads, then its memory blocks. */
	for (int l = 0; l < L; l++) {
		for (int h = 0; h < H; h++) {
			long *o0 = &m->off_attn0[l * H + h];
			long *o1 = &m->off_attn1[l * H + h];

			*o0 = (long)m->nparams;
			*o1 = -1;
			switch (cfg->param) {
			case MS_PARAM_SCALAR:
				model_add_block(m, &cap, "a", l, h, 1, 1);
				break;
			case MS_PARAM_PRE:
				model_add_block(m, &cap, "A", l, h, d, d);
				break;
			case MS_PARAM_GDPP:
				model_add_block(m, &cap, "A", l, h, d, d);
				*o1 = (long)m->nparams;
				model_add_block(m, &cap, "B", l, h, d, d);
				break;
			case MS_PARAM_FULL:
				model_add_block(m, &cap, "P", l, h, d + 1, d + 1);
				*o1 = (long)m->nparams;
				model_add_block(m, &cap, "Q", l, h, d + 1, d + 1);
				break;
			}
		}
		m->off_mem0[l] = m->off_mem1[l] = -1;
		if (cfg->memory == MS_MEMORY_CGD) {
			m->off_mem0[l] = (long)m->nparams;
			model_add_block(m, &cap, "alpha", l, -1, 1, 1);
			m->off_mem1[l] = (long)m->nparams;
			model_add_block(m, &cap, "gamma", l, -1, 1, 1);
		} else if (cfg->memory == MS_MEMORY_LFOM) {
			m->off_mem0[l] = (long)m->nparams;
			model_add_block(m, &cap, "Gamma", l, -1, d + 1, n + 1);
		}
	}
	m->params = xdoubles(m->nparams);
	m->grads = xdoubles(m->nparams);
	/* The pool's threads do the parallelism; BLAS calls stay serial. */
	openblas_set_num_threads(1);
}

static void
model_work_free(struct model *m)
{
	for (int i = 0; i < m->nwork; i++) {
		struct model_work *w = &m->work[i];
		double *bufs[] = { w->lab, w->reg, w->s, w->v, w->gAeff, w->Z,
		    w->R, w->C, w->K, w->gPd, w->gQd, w->gK, w->gC, w->tmp,
		    w->gy, w->gr, w->acc, w->gv, w->gs, w->grads, w->layer_sse };

		for (size_t k = 0; k < sizeof bufs / sizeof bufs[0]; k++)
			free(bufs[k]);
	}
	free(m->work);
	m->work = NULL;
	m->nwork = 0;
}

void
model_free(struct model *m)
{
	model_work_free(m);
	free(m->blocks);
	free(m->params);
	free(m->grads);
	free(m->off_attn0);
	free(m->off_attn1);
	free(m->off_mem0);
	free(m->off_mem1);
	memset(m, 0, sizeof *m);
}

/* Make sure there is scratch space for n workers. */
static void
model_work_ensure(struct model *m, int nworkers)
{
	size_t d = m->d, n1 = m->n + 1, L = m->L, H = m->H, d1 = d + 1;

	if (m->nwork == nworkers)
		return;
	model_work_free(m);
	m->work = xcalloc((size_t)nworkers, sizeof *m->work);
	m->nwork = nworkers;
	for (int i = 0; i < nworkers; i++) {
		struct model_work *w = &m->work[i];

		w->grads = xdoubles(m->nparams);
		w->layer_sse = xdoubles(L);
		w->gv = xdoubles(d1);
		w->gs = xdoubles(d1);
		if (m->path == MODEL_PATH_LABEL) {
			w->lab = xdoubles((L + 1) * n1);
			w->reg = xdoubles(L * n1);
			w->s = xdoubles(L * d);
			w->v = xdoubles(L * d);
			w->gAeff = xdoubles(L * d * d);
			w->gy = xdoubles(n1);
			w->gr = xdoubles(n1);
			w->acc = xdoubles(n1);
		} else {
			w->Z = xdoubles((L + 1) * n1 * d1);
			w->R = xdoubles(L * n1 * d1);
			w->C = xdoubles(L * d1 * d1);
			w->K = xdoubles(L * d1 * d1);
			w->gPd = xdoubles(L * H * d1 * d1);
			w->gQd = xdoubles(L * H * d1 * d1);
			w->gK = xdoubles(d1 * d1);
			w->gC = xdoubles(d1 * d1);
			w->tmp = xdoubles(d1 * d1);
			w->gy = xdoubles(n1 * d1);
			w->gr = xdoubles(n1 * d1);
			w->acc = xdoubles(n1 * d1);
		}
	}
}

void
model_set_path(struct model *m, enum model_path path)
{
	if (path == MODEL_PATH_LABEL && m->cfg.param != MS_PARAM_SCALAR &&
	    m->cfg.param != MS_PARAM_PRE)
		return;		/* only scalar and pre keep P's top-left zero */
	if (m->path != path)
		model_work_free(m);
	m->path = path;
}

void
model_init_params(struct model *m, struct rng *r)
{
	for (int k = 0; k < m->nblocks; k++) {
		const struct param_block *pb = &m->blocks[k];
		double *p = m->params + pb->offset;
		size_t len = (size_t)pb->rows * pb->cols;

		for (size_t i = 0; i < len; i++) {
			if (strcmp(pb->name, "alpha") == 0)
				p[i] = 1.0;
			else if (strcmp(pb->name, "gamma") == 0 ||
			    strcmp(pb->name, "Gamma") == 0)
				p[i] = 0.0;
			else
				p[i] = 1e-4 * rng_normal(r);
		}
	}
}

const struct param_block *
model_block(const struct model *m, const char *name, int layer, int head)
{
	for (int k = 0; k < m->nblocks; k++) {
		const struct param_block *pb = &m->blocks[k];

		if (pb->layer == layer && pb->head == head &&
		    strcmp(pb->name, name) == 0)
			return pb;
	}
	return NULL;
}

double *
model_param(struct model *m, const char *name, int layer, int head)
{
	const struct param_block *pb = model_block(m, name, layer, head);

	return pb ? m->params + pb->offset : NULL;
}

void
model_cgd_coefficients(const struct model *m, double *coef)
{
	int L = m->L;

	for (int l = 0; l < L; l++) {
		for (int j = 0; j < L; j++) {
			double c = 0.0;

			if (j <= l && m->cfg.memory == MS_MEMORY_CGD) {
				c = m->params[m->off_mem0[l]];
				for (int k = j + 1; k <= l; k++)
					c *= m->params[m->off_mem1[k]];
			}
			coef[l * L + j] = c;
		}
	}
}

/* ------------------------------------------------------------------------ */
/* Small dense kernels */

/*
 * C = alpha op(A) op(B) + beta C, row-major; op(X) = Xᵀ when tX. Small
 * products are plain loops (a BLAS call costs more than the work); large
 * ones go to OpenBLAS.
 */
static void
mat_mul(int tA, int tB, int m, int n, int k, double alpha, const double *A,
    int lda, const double *B, int ldb, double beta, double *C, int ldc)
{
	if ((long)m * n * k >= 32768) {
		cblas_dgemm(CblasRowMajor, tA ? CblasTrans : CblasNoTrans,
		    tB ? CblasTrans : CblasNoTrans, m, n, k, alpha, A, lda, B,
		    ldb, beta, C, ldc);
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

static inline double
dot(const double *a, const double *b, int len)
{
	double sum = 0.0;

	for (int i = 0; i < len; i++)
		sum += a[i] * b[i];
	return sum;
}

/* ------------------------------------------------------------------------ */
/* Label path ops: each a forward/backward pair, same argument order. */

/*
 * Attention on the label row. x (n+1, d) tokens, y (n+1) labels, A (d, d)
 * or a scalar (A == NULL: *a). s = Σ_{j<n} y_j x_j, v = A s, r_i = −x_i·v.
 */
static void
label_attn_forward(double *r, double *s, double *v, const double *x,
    const double *y, const double *A, double a, int n, int d)
{
	for (int k = 0; k < d; k++)
		s[k] = 0.0;
	for (int j = 0; j < n; j++) {
		const double *xj = x + (size_t)j * d;
		double yj = y[j];

		for (int k = 0; k < d; k++)
			s[k] += yj * xj[k];
	}
	if (A != NULL) {
		for (int k = 0; k < d; k++)
			v[k] = dot(A + (size_t)k * d, s, d);
	} else {
		for (int k = 0; k < d; k++)
			v[k] = a * s[k];
	}
	for (int i = 0; i <= n; i++)
		r[i] = -dot(x + (size_t)i * d, v, d);
}

/*
 * Backward of label_attn_forward: from gr (n+1) adds into gy (n+1, only the
 * context entries j < n) and into gA (d, d) or *ga; gv, gs are scratch (d).
 */
static void
label_attn_backward(double *gy, double *gA, double *ga, const double *gr,
    const double *x, const double *s, const double *v, const double *A,
    double a, double *gv, double *gs, int n, int d)
{
	(void)v;
	for (int k = 0; k < d; k++)
		gv[k] = 0.0;
	for (int i = 0; i <= n; i++) {
		const double *xi = x + (size_t)i * d;
		double g = gr[i];

		for (int k = 0; k < d; k++)
			gv[k] -= g * xi[k];
	}
	if (A != NULL) {
		/* v = A s: gA += gv sᵀ, gs = Aᵀ gv */
		for (int k = 0; k < d; k++) {
			double *gAk = gA + (size_t)k * d;

			for (int c = 0; c < d; c++)
				gAk[c] += gv[k] * s[c];
		}
		for (int c = 0; c < d; c++)
			gs[c] = 0.0;
		for (int k = 0; k < d; k++) {
			const double *Ak = A + (size_t)k * d;

			for (int c = 0; c < d; c++)
				gs[c] += Ak[c] * gv[k];
		}
	} else {
		*ga += dot(gv, s, d);
		for (int c = 0; c < d; c++)
			gs[c] = a * gv[c];
	}
	for (int j = 0; j < n; j++)
		gy[j] += dot(x + (size_t)j * d, gs, d);
}

/*
 * Memory update of one layer, on vectors of `len` entries (the label row, or
 * the whole token matrix). Z_next from Z and this layer's register; reg
 * holds R_0..R_ℓ with stride len (R_ℓ is filled in for cgd from S = reg_ℓ as
 * given). gam (len per layer, stride gstride) is Γ for lfom.
 */
struct memory_args {
	enum ms_memory kind;
	int l, len;
	double inv_n;
	double alpha, gamma;	/* cgd, this layer */
	const double *Gamma;	/* lfom: Γ_0, with layer stride gstride */
	size_t gstride;
	const size_t *gidx;	/* lfom: index into Γ_j of entry e, or NULL = e */
};

static void
memory_forward(double *Z_next, const double *Z, double *reg,
    const struct memory_args *ma)
{
	int len = ma->len;
	double *R = reg + (size_t)ma->l * len;

	switch (ma->kind) {
	case MS_MEMORY_NONE:
		for (int e = 0; e < len; e++)
			Z_next[e] = Z[e] + ma->inv_n * R[e];
		break;
	case MS_MEMORY_CGD:
		if (ma->l > 0) {
			const double *Rp = R - len;

			for (int e = 0; e < len; e++)
				R[e] += ma->gamma * Rp[e];
		}
		for (int e = 0; e < len; e++)
			Z_next[e] = Z[e] + ma->alpha * ma->inv_n * R[e];
		break;
	case MS_MEMORY_LFOM:
		for (int e = 0; e < len; e++)
			Z_next[e] = Z[e];
		for (int j = 0; j <= ma->l; j++) {
			const double *Rj = reg + (size_t)j * len;
			const double *Gj = ma->Gamma + (size_t)j * ma->gstride;

			for (int e = 0; e < len; e++) {
				size_t gi = ma->gidx ? ma->gidx[e] : (size_t)e;

				Z_next[e] += ma->inv_n * Gj[gi] * Rj[e];
			}
		}
		break;
	}
}

/*
 * Backward of memory_forward. gZ (len) is dL/dZ_{ℓ+1} on entry and stays the
 * identity part of dL/dZ_ℓ (the caller adds the attention part). Writes
 * dL/dS_ℓ into gS; acc carries between layers (cgd: dL/dR_{ℓ+1}·γ_{ℓ+1};
 * lfom: Σ_{m>ℓ} dL/dZ_{m+1}); adds parameter gradients into g0 (α | Γ_ℓ)
 * and g1 (γ).
 */
static void
memory_backward(double *gS, double *acc, double *g0, double *g1,
    const double *gZ, const double *reg, const struct memory_args *ma)
{
	int len = ma->len;
	const double *R = reg + (size_t)ma->l * len;

	switch (ma->kind) {
	case MS_MEMORY_NONE:
		for (int e = 0; e < len; e++)
			gS[e] = ma->inv_n * gZ[e];
		break;
	case MS_MEMORY_CGD: {
		double ga = 0.0, gg = 0.0;

		/* gR = carry + (α/n) gZ;  dα = (1/n) gZ·R_ℓ; dγ = gR·R_{ℓ−1} */
		for (int e = 0; e < len; e++) {
			double gR = acc[e] + ma->alpha * ma->inv_n * gZ[e];

			ga += gZ[e] * R[e];
			if (ma->l > 0)
				gg += gR * R[e - len];
			gS[e] = gR;
			acc[e] = ma->gamma * gR;
		}
		*g0 += ma->inv_n * ga;
		*g1 += gg;
		break;
	}
	case MS_MEMORY_LFOM: {
		const double *G = ma->Gamma + (size_t)ma->l * ma->gstride;

		for (int e = 0; e < len; e++) {
			size_t gi = ma->gidx ? ma->gidx[e] : (size_t)e;

			acc[e] += gZ[e];
			g0[gi] += ma->inv_n * acc[e] * R[e];
			gS[e] = ma->inv_n * G[gi] * acc[e];
		}
		break;
	}
	}
}

static void
memory_args_layer(struct memory_args *ma, const struct model *m, int l,
    int len)
{
	const double *p = m->params;

	memset(ma, 0, sizeof *ma);
	ma->kind = m->cfg.memory;
	ma->l = l;
	ma->len = len;
	ma->inv_n = 1.0 / m->n;
	if (ma->kind == MS_MEMORY_CGD) {
		ma->alpha = p[m->off_mem0[l]];
		ma->gamma = p[m->off_mem1[l]];
	} else if (ma->kind == MS_MEMORY_LFOM) {
		/* Γ_j blocks are evenly spaced in the table: stride between layers. */
		ma->Gamma = p + m->off_mem0[0];
		ma->gstride = m->L > 1 ?
		    (size_t)(m->off_mem0[1] - m->off_mem0[0]) : 0;
	}
}

/* ------------------------------------------------------------------------ */
/* Label path: one task forward and backward */

/* Label-row Γ entries: Γ_j[d, i] is at d*(n+1) + i. */
static size_t *
label_gamma_index(int n, int d)
{
	size_t *idx = xmalloc((size_t)(n + 1) * sizeof *idx);

	for (int i = 0; i <= n; i++)
		idx[i] = (size_t)d * (n + 1) + i;
	return idx;
}

/* Forward one task; returns the final layer's error ŷ_L − y_q and fills sse. */
static double
label_task_forward(const struct model_pass *ps, struct model_work *w,
    const struct memory_args *mem, int b)
{
	const struct model *m = ps->m;
	int n = m->n, d = m->d, n1 = n + 1;
	const double *x = ps->tb->X + (size_t)b * n1 * d;
	const double *ytrue = ps->tb->y + (size_t)b * n1;
	double yq = ytrue[n];
	int scalar = m->cfg.param == MS_PARAM_SCALAR;

	memcpy(w->lab, ytrue, (size_t)n * sizeof(double));
	w->lab[n] = 0.0;	/* the query's label is hidden */
	for (int l = 0; l < m->L; l++) {
		double *y = w->lab + (size_t)l * n1;
		const double *A = scalar ? NULL : ps->Aeff + (size_t)l * d * d;
		double a = scalar ? ps->Aeff[l] : 0.0;

		label_attn_forward(w->reg + (size_t)l * n1, w->s + (size_t)l * d,
		    w->v + (size_t)l * d, x, y, A, a, n, d);
		memory_forward(y + n1, y, w->reg, &mem[l]);
		if (ps->want_layers) {
			double e = -y[n1 + n] - yq;

			w->layer_sse[l] += e * e;
		}
	}
	return -w->lab[(size_t)m->L * n1 + n] - yq;
}

static void
label_task_backward(const struct model_pass *ps, struct model_work *w,
    const struct memory_args *mem, int b, double err)
{
	const struct model *m = ps->m;
	int n = m->n, d = m->d, n1 = n + 1, L = m->L;
	const double *x = ps->tb->X + (size_t)b * n1 * d;
	int scalar = m->cfg.param == MS_PARAM_SCALAR;

	/* loss = (1/B) Σ_b (ŷ − y_q)², ŷ = −y_L[n] */
	memset(w->gy, 0, (size_t)n1 * sizeof(double));
	memset(w->acc, 0, (size_t)n1 * sizeof(double));
	w->gy[n] = -2.0 * err / ps->tb->B;
	for (int l = L - 1; l >= 0; l--) {
		const double *A = scalar ? NULL : ps->Aeff + (size_t)l * d * d;
		double a = scalar ? ps->Aeff[l] : 0.0;
		double *g0 = NULL, *g1 = NULL;

		if (m->off_mem0[l] >= 0)
			g0 = w->grads + m->off_mem0[l];	/* α_ℓ or Γ_ℓ */
		if (m->off_mem1[l] >= 0)
			g1 = w->grads + m->off_mem1[l];	/* γ_ℓ */
		memory_backward(w->gr, w->acc, g0, g1, w->gy, w->reg, &mem[l]);
		label_attn_backward(w->gy, scalar ? NULL : w->gAeff +
		    (size_t)l * d * d, scalar ? w->gAeff + l : NULL, w->gr, x,
		    w->s + (size_t)l * d, w->v + (size_t)l * d, A, a, w->gv,
		    w->gs, n, d);
	}
}

/* ------------------------------------------------------------------------ */
/* Dense path: one task forward and backward */

/* S = (Σ_h P_h C Q_hᵀ) applied to every token; C from the context tokens. */
static void
dense_attn_forward(double *S, double *C, double *K, double *tmp,
    const double *Z, const double *Pd, const double *Qd, int H, int n, int d1)
{
	/* C = Σ_{j<n} z_j z_jᵀ: (d1, d1) = Z_ctxᵀ Z_ctx */
	mat_mul(1, 0, d1, d1, n, 1.0, Z, d1, Z, d1, 0.0, C, d1);
	memset(K, 0, (size_t)d1 * d1 * sizeof(double));
	for (int h = 0; h < H; h++) {
		const double *P = Pd + (size_t)h * d1 * d1;
		const double *Q = Qd + (size_t)h * d1 * d1;

		mat_mul(0, 0, d1, d1, d1, 1.0, P, d1, C, d1, 0.0, tmp, d1);
		mat_mul(0, 1, d1, d1, d1, 1.0, tmp, d1, Q, d1, 1.0, K, d1);
	}
	/* token-major: S[i,:] = K z_i, i.e. S = Z Kᵀ */
	mat_mul(0, 1, n + 1, d1, d1, 1.0, Z, d1, K, d1, 0.0, S, d1);
}

/*
 * Backward of dense_attn_forward: from gS adds into gZ (all tokens) and into
 * the per-head gP, gQ sums.
 */
static void
dense_attn_backward(double *gZ, double *gPd, double *gQd, const double *gS,
    const double *Z, const double *C, const double *K, const double *Pd,
    const double *Qd, double *gK, double *gC, double *tmp, int H, int n,
    int d1)
{
	/* S = Z Kᵀ: gZ += gS K, gK = gSᵀ Z */
	mat_mul(0, 0, n + 1, d1, d1, 1.0, gS, d1, K, d1, 1.0, gZ, d1);
	mat_mul(1, 0, d1, d1, n + 1, 1.0, gS, d1, Z, d1, 0.0, gK, d1);
	memset(gC, 0, (size_t)d1 * d1 * sizeof(double));
	for (int h = 0; h < H; h++) {
		const double *P = Pd + (size_t)h * d1 * d1;
		const double *Q = Qd + (size_t)h * d1 * d1;
		double *gP = gPd + (size_t)h * d1 * d1;
		double *gQ = gQd + (size_t)h * d1 * d1;

		/* K = P C Qᵀ: gP += gK Q C;  gQ += gKᵀ P C;  gC += Pᵀ gK Q */
		mat_mul(0, 0, d1, d1, d1, 1.0, gK, d1, Q, d1, 0.0, tmp, d1);
		mat_mul(0, 0, d1, d1, d1, 1.0, tmp, d1, C, d1, 1.0, gP, d1);
		mat_mul(1, 0, d1, d1, d1, 1.0, gK, d1, P, d1, 0.0, tmp, d1);
		mat_mul(0, 0, d1, d1, d1, 1.0, tmp, d1, C, d1, 1.0, gQ, d1);
		mat_mul(1, 0, d1, d1, d1, 1.0, P, d1, gK, d1, 0.0, tmp, d1);
		mat_mul(0, 0, d1, d1, d1, 1.0, tmp, d1, Q, d1, 1.0, gC, d1);
	}
	/* C = Σ_{j<n} z_j z_jᵀ: gz_j += (gC + gCᵀ) z_j */
	for (int a = 0; a < d1; a++)
		for (int c = 0; c < d1; c++)
			tmp[a * d1 + c] = gC[a * d1 + c] + gC[c * d1 + a];
	mat_mul(0, 1, n, d1, d1, 1.0, Z, d1, tmp, d1, 1.0, gZ, d1);
}

/* Γ_j is stored feature-major (d+1, n+1); token-major entry e = i*(d+1)+f. */
static size_t *
dense_gamma_index(int n, int d)
{
	int d1 = d + 1, n1 = n + 1;
	size_t *idx = xmalloc((size_t)n1 * d1 * sizeof *idx);

	for (int i = 0; i < n1; i++)
		for (int f = 0; f < d1; f++)
			idx[i * d1 + f] = (size_t)f * n1 + i;
	return idx;
}

static double
dense_task_forward(const struct model_pass *ps, struct model_work *w,
    const struct memory_args *mem, int b)
{
	const struct model *m = ps->m;
	int n = m->n, d = m->d, n1 = n + 1, d1 = d + 1, H = m->H;
	size_t zlen = (size_t)n1 * d1;
	const double *x = ps->tb->X + (size_t)b * n1 * d;
	const double *ytrue = ps->tb->y + (size_t)b * n1;
	double yq = ytrue[n];

	for (int i = 0; i < n1; i++) {
		memcpy(w->Z + (size_t)i * d1, x + (size_t)i * d,
		    (size_t)d * sizeof(double));
		w->Z[(size_t)i * d1 + d] = i < n ? ytrue[i] : 0.0;
	}
	for (int l = 0; l < m->L; l++) {
		double *Z = w->Z + (size_t)l * zlen;

		dense_attn_forward(w->R + (size_t)l * zlen,
		    w->C + (size_t)l * d1 * d1, w->K + (size_t)l * d1 * d1,
		    w->tmp, Z, ps->Pd + (size_t)l * H * d1 * d1,
		    ps->Qd + (size_t)l * H * d1 * d1, H, n, d1);
		memory_forward(Z + zlen, Z, w->R, &mem[l]);
		if (ps->want_layers) {
			double e = -Z[zlen + (size_t)n * d1 + d] - yq;

			w->layer_sse[l] += e * e;
		}
	}
	return -w->Z[(size_t)m->L * zlen + (size_t)n * d1 + d] - yq;
}

static void
dense_task_backward(const struct model_pass *ps, struct model_work *w,
    const struct memory_args *mem, int b, double err)
{
	const struct model *m = ps->m;
	int n = m->n, d = m->d, n1 = n + 1, d1 = d + 1, H = m->H, L = m->L;
	size_t zlen = (size_t)n1 * d1, hl = (size_t)H * d1 * d1;

	(void)b;
	memset(w->gy, 0, zlen * sizeof(double));
	memset(w->acc, 0, zlen * sizeof(double));
	w->gy[(size_t)n * d1 + d] = -2.0 * err / ps->tb->B;
	for (int l = L - 1; l >= 0; l--) {
		double *g0 = NULL, *g1 = NULL;

		if (m->off_mem0[l] >= 0)
			g0 = w->grads + m->off_mem0[l];	/* α_ℓ or Γ_ℓ */
		if (m->off_mem1[l] >= 0)
			g1 = w->grads + m->off_mem1[l];	/* γ_ℓ */
		memory_backward(w->gr, w->acc, g0, g1, w->gy, w->R, &mem[l]);
		dense_attn_backward(w->gy, w->gPd + l * hl, w->gQd + l * hl,
		    w->gr, w->Z + (size_t)l * zlen, w->C + (size_t)l * d1 * d1,
		    w->K + (size_t)l * d1 * d1, ps->Pd + l * hl, ps->Qd + l * hl,
		    w->gK, w->gC, w->tmp, H, n, d1);
	}
}

/* ------------------------------------------------------------------------ */
/* Batch passes */

/* Expand each layer's heads into dense P and Q (dense path). */
static void
model_expand_pq(const struct model *m, double *Pd, double *Qd)
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

/* Contract dense gP, gQ sums back onto the parametrization's blocks. */
static void
model_contract_pq(struct model *m, const double *gPd, const double *gQd)
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

static void
model_pass_worker(void *ctx, int worker, int nworkers)
{
	const struct model_pass *ps = ctx;
	struct model *m = ps->m;
	struct model_work *w = &m->work[worker];
	int lo, hi, L = m->L, d = m->d, n = m->n;
	int label = m->path == MODEL_PATH_LABEL;
	struct memory_args *mem = xmalloc((size_t)L * sizeof *mem);
	size_t *gidx = label ? label_gamma_index(n, d) : dense_gamma_index(n, d);
	int len = label ? n + 1 : (n + 1) * (d + 1);

	for (int l = 0; l < L; l++) {
		memory_args_layer(&mem[l], m, l, len);
		mem[l].gidx = gidx;
	}
	w->loss = 0.0;
	memset(w->layer_sse, 0, (size_t)L * sizeof(double));
	if (ps->backward) {
		memset(w->grads, 0, m->nparams * sizeof(double));
		if (label)
			memset(w->gAeff, 0, (size_t)L * d * d * sizeof(double));
		else {
			size_t g = (size_t)L * m->H * (d + 1) * (d + 1);

			memset(w->gPd, 0, g * sizeof(double));
			memset(w->gQd, 0, g * sizeof(double));
		}
	}
	pool_split(ps->tb->B, worker, nworkers, &lo, &hi);
	for (int b = lo; b < hi; b++) {
		double err = label ? label_task_forward(ps, w, mem, b) :
		    dense_task_forward(ps, w, mem, b);

		w->loss += err * err;
		if (!ps->backward)
			continue;
		if (label)
			label_task_backward(ps, w, mem, b, err);
		else
			dense_task_backward(ps, w, mem, b, err);
	}
	free(gidx);
	free(mem);
}

/* Run a pass over the batch; returns the mean squared error at layer L. */
static double
model_pass(struct model *m, const struct task_batch *tb, struct pool *pool,
    int backward, double *layer_mse)
{
	struct model_pass ps = { .m = m, .tb = tb, .backward = backward,
	    .want_layers = layer_mse != NULL };
	int nw = pool_size(pool), L = m->L, H = m->H, d = m->d, d1 = d + 1;
	double *Aeff = NULL, *Pd = NULL, *Qd = NULL, loss = 0.0;

	model_work_ensure(m, nw);
	if (m->path == MODEL_PATH_LABEL) {
		int scalar = m->cfg.param == MS_PARAM_SCALAR;
		size_t sz = scalar ? 1 : (size_t)d * d;

		/* heads are summed: only Σ_h A_h matters on the label row */
		Aeff = xdoubles((size_t)L * sz);
		for (int l = 0; l < L; l++)
			for (int h = 0; h < H; h++) {
				const double *p = m->params + m->off_attn0[l * H + h];

				for (size_t e = 0; e < sz; e++)
					Aeff[l * sz + e] += p[e];
			}
		ps.Aeff = Aeff;
	} else {
		Pd = xdoubles((size_t)L * H * d1 * d1);
		Qd = xdoubles((size_t)L * H * d1 * d1);
		model_expand_pq(m, Pd, Qd);
		ps.Pd = Pd;
		ps.Qd = Qd;
	}
	pool_run(pool, model_pass_worker, &ps);

	/* reduce in worker order: deterministic for a thread count */
	if (backward)
		memset(m->grads, 0, m->nparams * sizeof(double));
	if (layer_mse)
		memset(layer_mse, 0, (size_t)L * sizeof(double));
	for (int i = 0; i < nw; i++) {
		struct model_work *w = &m->work[i];

		loss += w->loss;
		if (layer_mse)
			for (int l = 0; l < L; l++)
				layer_mse[l] += w->layer_sse[l];
		if (!backward)
			continue;
		for (size_t k = 0; k < m->nparams; k++)
			m->grads[k] += w->grads[k];
		if (m->path == MODEL_PATH_LABEL) {
			int scalar = m->cfg.param == MS_PARAM_SCALAR;
			size_t sz = scalar ? 1 : (size_t)d * d;

			for (int l = 0; l < L; l++)
				for (int h = 0; h < H; h++) {
					double *g = m->grads +
					    m->off_attn0[l * H + h];

					for (size_t e = 0; e < sz; e++)
						g[e] += w->gAeff[l * sz + e];
				}
		} else
			model_contract_pq(m, w->gPd, w->gQd);
	}
	if (layer_mse)
		for (int l = 0; l < L; l++)
			layer_mse[l] /= tb->B;
	free(Aeff);
	free(Pd);
	free(Qd);
	return loss / tb->B;
}

double
model_loss_grad(struct model *m, const struct task_batch *tb,
    struct pool *pool)
{
	return model_pass(m, tb, pool, 1, NULL);
}

void
model_evaluate(struct model *m, const struct task_batch *tb,
    struct pool *pool, double *layer_mse)
{
	model_pass(m, tb, pool, 0, layer_mse);
}

void
model_trace_task(struct model *m, const struct task_batch *tb, int b,
    double *label, double *reg)
{
	struct task_batch one = *tb;
	int n1 = m->n + 1, d1 = m->d + 1;

	/* a batch of one task: seek to task b */
	one.B = 1;
	one.X = tb->X + (size_t)b * n1 * m->d;
	one.y = tb->y + (size_t)b * n1;
	one.w = tb->w ? tb->w + (size_t)b * m->d : NULL;
	model_pass(m, &one, NULL, 0, NULL);
	for (int l = 0; l <= m->L; l++) {
		for (int i = 0; i < n1; i++) {
			struct model_work *w = &m->work[0];
			double lv, rv = 0.0;

			if (m->path == MODEL_PATH_LABEL) {
				lv = w->lab[(size_t)l * n1 + i];
				if (l < m->L)
					rv = w->reg[(size_t)l * n1 + i];
			} else {
				size_t zl = (size_t)n1 * d1;

				lv = w->Z[l * zl + (size_t)i * d1 + m->d];
				if (l < m->L)
					rv = w->R[l * zl + (size_t)i * d1 + m->d];
			}
			label[(size_t)l * n1 + i] = lv;
			if (reg && l < m->L)
				reg[(size_t)l * n1 + i] = rv;
		}
	}
}
