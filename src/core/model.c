/*
 * Linear transformers and Memformers: forward and backward passes.
 *
 * Two computation paths share one parameter table.
 *
 * LABEL path (scalar, pre). P's top-left block is zero, so only the label row
 * of Z ever changes (doc/math.md §3). With s = Σ_{j<n} y_j x_j and A the sum of
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
 * Memory (doc/math.md §4), with register R_ℓ the layer's attention output:
 *   none: Z_{ℓ+1} = Z_ℓ + R_ℓ/n
 *   cgd:  R_ℓ = S_ℓ + γ_ℓ R_{ℓ−1},  Z_{ℓ+1} = Z_ℓ + (α_ℓ/n) R_ℓ
 *   lfom: Z_{ℓ+1} = Z_ℓ + U_ℓ,  U_ℓ = U_{ℓ−1} + (Γ_ℓ/n) ⊙ R_ℓ  (the running
 *         sum of (1/n) Σ_{j≤ℓ} Γ_j ⊙ R_j: O(L) per entry, not O(L²))
 *
 * Lanes. The per-task work is a chain of tiny (d = 5) dot products: on its
 * own it keeps a core's vector units idle. So tasks are processed in blocks
 * of MODEL_LANES, interleaved: the block's arrays hold one vector (type
 * vlane) per entry, lane t belonging to task b0 + t (x[(i*d + k)][t] is
 * token i, feature k of task b0 + t). Every lane runs exactly the scalar
 * operation sequence of its task, in the same order, so a task's values do
 * not depend on the batch size, its position in the batch, the thread count
 * or the instruction set: the kernels are built twice (target_clones: AVX2
 * and baseline x86-64) from the same source, without FMA contraction (the
 * C11 mode of -std=c11 keeps GCC at -ffp-contract=off; the AVX2 clone has
 * no FMA anyway), and the vector width is fixed by the type, not by the
 * machine. A partial last block is padded with zero tasks, whose
 * contributions are exact zeros. Both paths run in lanes for d ≤
 * MODEL_SMALL_D, with d a compile-time constant in each kernel instance
 * (the running sums then live in registers); above it the label path runs
 * the same kernels with d a variable, and the dense path runs one task at a
 * time with its products in OpenBLAS.
 *
 * Shards. The batch's blocks are cut into at most MODEL_SHARDS contiguous
 * shards (MODEL_SHARDS_TASK for the one-task-at-a-time kernel, whose slots
 * are large), a function of B and the shapes only. Pool workers take shards
 * from an atomic counter (a late-waking thread takes fewer); a shard's
 * gradient, loss and error sums are reduced over its lanes into the
 * shard's own slot, and the
 * slots are added in shard order. So the whole pass, gradients included,
 * is bit-identical for any number of threads, and work is balanced.
 *
 * A block's activations stay in L1 (for small d): each worker runs its block
 * forward through every layer and straight back.
 */
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cblas.h>

#include "memscope/model.h"
#include "memscope/xmalloc.h"

/* Tasks per block (the vector width of the kernels) and shards per pass:
 * enough that two threads end within a small shard of each other. */
#define MODEL_LANES 4
#define MODEL_SHARDS 32
#define MODEL_SHARDS_TASK 8
/* How long the caller spins for the other workers before it sleeps. */
#define MODEL_SPIN_NS 50000L
/* Feature dimensions up to this get kernels with d a compile-time constant. */
#define MODEL_SMALL_D 8

/* One entry of a block: lane t is task b0 + t. */
typedef double vlane __attribute__((vector_size(MODEL_LANES * sizeof(double))));

/* The lane kernels are built for AVX2 and for baseline x86-64, chosen at
 * load time; both give the same bits (no FMA, same operation order). */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && \
    defined(__linux__)
#define MODEL_CLONES __attribute__((target_clones("avx2", "default")))
#define MODEL_HAVE_CLONES 1
#else
#define MODEL_CLONES
#define MODEL_HAVE_CLONES 0
#endif

/* One worker's scratch: a block's activations and its gradient sums. */
struct model_worker {
	/* both lane kernels, one vlane per entry */
	vlane *x;		/* (n+1, d) the block's tokens */
	vlane *yt;		/* (n+1) true labels, query included */
	vlane *err;		/* (1) ŷ_L − y_q of each lane */
	vlane *sum;		/* (slot_len) the shard's sums, per lane */
	double *zero;		/* (n+1, d) zeros: the padding lanes' task */
	/* label path in lanes */
	vlane *lab;		/* (L+1, n+1) label row after each layer */
	vlane *reg;		/* (L, n+1) register label rows */
	vlane *s;		/* (L, d) Σ_{j<n} y_j x_j per layer */
	vlane *v;		/* (L, d) A s per layer */
	vlane *u;		/* (n+1) lfom: running Σ (Γ_j/n) ⊙ R_j */
	vlane *gy;		/* (n+1) dL/dZ_{ℓ+1}, then dL/dZ_ℓ */
	vlane *gr;		/* (n+1) dL/d(attention output of layer ℓ) */
	vlane *acc;		/* (n+1) carry: lfom Σ_{m≥ℓ} dL/dZ_{m+1} */
	vlane *gv, *gs;		/* (d) for d > MODEL_SMALL_D */
	/* dense path in lanes (small d): as below, one vlane per entry */
	vlane *Zv, *Rv, *Uv, *Cv, *Kv, *gKv, *gCv, *tmpv, *gZv, *gSv, *gaccv;
	/* dense path, one task at a time (large d: BLAS) */
	double *Z;		/* (L+1, n+1, d+1) token matrix after each layer */
	double *R;		/* (L, n+1, d+1) registers */
	double *U;		/* (n+1, d+1) lfom running sum */
	double *C;		/* (L, d+1, d+1) context second moments */
	double *K;		/* (L, d+1, d+1) Σ_h P_h C Q_hᵀ */
	double *gK, *gC, *tmp;	/* (d+1, d+1) */
	double *gZ, *gS, *gacc;	/* (n+1, d+1) */
};

/* How a pass runs: label path in lanes; dense path in lanes (d ≤
 * MODEL_SMALL_D) or one task at a time with BLAS for the products. */
enum model_kernel { KERNEL_LABEL, KERNEL_DENSE_LANES, KERNEL_DENSE_TASK };

/*
 * Scratch of a model: per-worker buffers, the pass-wide inputs derived from
 * the parameters, and one slot of sums per shard. A slot (slot_len doubles,
 * padded to a cache line) holds, in order: the attention gradient sums
 * (label: Σ_h A_h's, (L, d, d) or (L); dense: P then Q, (L, H, d+1, d+1)
 * each), the memory gradient sums (lfom: Γ, label (L, n+1) or dense
 * token-major (L, n+1, d+1); cgd: (L, 2) α, γ; both before the 1/n of α
 * and Γ), the squared error after each layer (L) and the loss sum (1).
 */
struct model_work {
	enum model_kernel kernel;
	int nworkers;
	struct model_worker *wk;	/* (nworkers) */
	size_t attn_len, mem_len, slot_len;
	int max_shards;		/* MODEL_SHARDS or MODEL_SHARDS_TASK */
	double *slots;		/* (max_shards, slot_len) */
	double *total;		/* (slot_len) slots added in shard order */
	vlane *Av;		/* label: (L, d, d) Σ_h A_h, or (L) a */
	vlane *Gv;		/* label lfom: (L, n+1) Γ_ℓ's label row / n */
	double *Gd;		/* dense lfom: (L, n+1, d+1) Γ_ℓ / n */
	double *Pd, *Qd;	/* dense: (L, H, d+1, d+1) */
	vlane *Pv, *Qv;		/* dense lanes: the same, lanes equal */
	vlane *Gdv;		/* dense lanes lfom: Gd, lanes equal */
	double *mem_a, *mem_g;	/* cgd: (L) α_ℓ/n and γ_ℓ */
};

/* The batch-wide inputs of one pass, shared by the workers. */
struct model_pass {
	struct model *m;
	const struct task_batch *tb;
	int backward;		/* compute gradients too */
	int want_layers;	/* squared error after every layer */
	double *pred;		/* (B) each task's prediction, or NULL */
	const atomic_int *cancel;	/* m->cancel: raised, workers stop */
	atomic_int stopped;	/* a worker stopped early: the pass is void */
	int nblocks, nshards;
	atomic_int next;	/* the next shard to take */
	atomic_int started;	/* workers that have entered the pass */
	atomic_int done;	/* workers that found no shard left */
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
	struct model_work *mw = m->work;

	if (mw == NULL)
		return;
	for (int i = 0; i < mw->nworkers; i++) {
		struct model_worker *w = &mw->wk[i];
		void *bufs[] = { w->x, w->yt, w->lab, w->reg, w->s, w->v, w->u,
		    w->gy, w->gr, w->acc, w->gv, w->gs, w->err, w->sum, w->Z,
		    w->R, w->U, w->C, w->K, w->gK, w->gC, w->tmp, w->gZ, w->gS,
		    w->gacc, w->zero, w->Zv, w->Rv, w->Uv, w->Cv, w->Kv, w->gKv,
		    w->gCv, w->tmpv, w->gZv, w->gSv, w->gaccv };

		for (size_t k = 0; k < sizeof bufs / sizeof bufs[0]; k++)
			free(bufs[k]);
	}
	free(mw->wk);
	free(mw->slots);
	free(mw->total);
	free(mw->Av);
	free(mw->Gv);
	free(mw->Gd);
	free(mw->Pd);
	free(mw->Qd);
	free(mw->Pv);
	free(mw->Qv);
	free(mw->Gdv);
	free(mw->mem_a);
	free(mw->mem_g);
	free(mw);
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

/* An array of len lane vectors, zeroed and aligned. */
static vlane *
lanes_alloc(size_t len)
{
	return (vlane *)xdoubles(len * MODEL_LANES);
}

/* Make sure there is scratch space for at least n workers. */
static void
model_work_ensure(struct model *m, int nworkers)
{
	size_t d = m->d, n1 = m->n + 1, L = m->L, H = m->H, d1 = d + 1;
	size_t zlen = n1 * d1;
	struct model_work *mw;

	if (m->work != NULL && m->work->nworkers >= nworkers)
		return;
	model_work_free(m);
	mw = m->work = xcalloc(1, sizeof *mw);
	mw->nworkers = m->nwork = nworkers;
	mw->kernel = m->path == MODEL_PATH_LABEL ? KERNEL_LABEL :
	    d <= MODEL_SMALL_D ? KERNEL_DENSE_LANES : KERNEL_DENSE_TASK;
	if (mw->kernel == KERNEL_LABEL) {
		mw->attn_len = m->cfg.param == MS_PARAM_SCALAR ? L : L * d * d;
		mw->mem_len = m->cfg.memory == MS_MEMORY_LFOM ? L * n1 :
		    m->cfg.memory == MS_MEMORY_CGD ? 2 * L : 0;
		mw->Av = lanes_alloc(mw->attn_len);
		mw->Gv = lanes_alloc(L * n1);
	} else {
		mw->attn_len = 2 * L * H * d1 * d1;
		mw->mem_len = m->cfg.memory == MS_MEMORY_LFOM ? L * zlen :
		    m->cfg.memory == MS_MEMORY_CGD ? 2 * L : 0;
		mw->Pd = xdoubles(L * H * d1 * d1);
		mw->Qd = xdoubles(L * H * d1 * d1);
		mw->Gd = xdoubles(L * zlen);
		if (mw->kernel == KERNEL_DENSE_LANES) {
			mw->Pv = lanes_alloc(L * H * d1 * d1);
			mw->Qv = lanes_alloc(L * H * d1 * d1);
			mw->Gdv = lanes_alloc(L * zlen);
		}
	}
	mw->mem_a = xdoubles(L);
	mw->mem_g = xdoubles(L);
	/* slots padded to a cache line: workers write different slots */
	mw->slot_len = (mw->attn_len + mw->mem_len + L + 1 + 7) & ~(size_t)7;
	mw->max_shards = mw->kernel == KERNEL_DENSE_TASK ? MODEL_SHARDS_TASK :
	    MODEL_SHARDS;
	mw->slots = xdoubles((size_t)mw->max_shards * mw->slot_len);
	mw->total = xdoubles(mw->slot_len);
	mw->wk = xcalloc((size_t)nworkers, sizeof *mw->wk);
	for (int i = 0; i < nworkers; i++) {
		struct model_worker *w = &mw->wk[i];

		if (mw->kernel != KERNEL_DENSE_TASK) {
			w->x = lanes_alloc(n1 * d);
			w->yt = lanes_alloc(n1);
			w->err = lanes_alloc(1);
			w->sum = lanes_alloc(mw->slot_len);
			w->zero = xdoubles(n1 * d);
		}
		switch (mw->kernel) {
		case KERNEL_LABEL:
			w->lab = lanes_alloc((L + 1) * n1);
			w->reg = lanes_alloc(L * n1);
			w->s = lanes_alloc(L * d);
			w->v = lanes_alloc(L * d);
			w->u = lanes_alloc(n1);
			w->gy = lanes_alloc(n1);
			w->gr = lanes_alloc(n1);
			w->acc = lanes_alloc(n1);
			w->gv = lanes_alloc(d);
			w->gs = lanes_alloc(d);
			break;
		case KERNEL_DENSE_LANES:
			w->Zv = lanes_alloc((L + 1) * zlen);
			w->Rv = lanes_alloc(L * zlen);
			w->Uv = lanes_alloc(zlen);
			w->Cv = lanes_alloc(L * d1 * d1);
			w->Kv = lanes_alloc(L * d1 * d1);
			w->gKv = lanes_alloc(d1 * d1);
			w->gCv = lanes_alloc(d1 * d1);
			w->tmpv = lanes_alloc(d1 * d1);
			w->gZv = lanes_alloc(zlen);
			w->gSv = lanes_alloc(zlen);
			w->gaccv = lanes_alloc(zlen);
			break;
		case KERNEL_DENSE_TASK:
			w->Z = xdoubles((L + 1) * zlen);
			w->R = xdoubles(L * zlen);
			w->U = xdoubles(zlen);
			w->C = xdoubles(L * d1 * d1);
			w->K = xdoubles(L * d1 * d1);
			w->gK = xdoubles(d1 * d1);
			w->gC = xdoubles(d1 * d1);
			w->tmp = xdoubles(d1 * d1);
			w->gZ = xdoubles(zlen);
			w->gS = xdoubles(zlen);
			w->gacc = xdoubles(zlen);
			break;
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

/* ------------------------------------------------------------------------ */
/* Blocks of MODEL_LANES tasks: loading, memory */

/* Tasks b0 .. b0+nreal-1 into the block's lanes; the others: zero tasks. */
static void MODEL_CLONES
block_load(const struct model_pass *ps, struct model_worker *w, int b0,
    int nreal)
{
	int n1 = ps->m->n + 1, d = ps->m->d;
	size_t xlen = (size_t)n1 * d;
	const double *x[MODEL_LANES], *y[MODEL_LANES];

	for (int t = 0; t < MODEL_LANES; t++) {
		/* seek to task b0 + t: tokens (n+1, d), labels (n+1) */
		size_t b = (size_t)(b0 + t);

		x[t] = t < nreal ? ps->tb->X + b * xlen : w->zero;
		y[t] = t < nreal ? ps->tb->y + b * n1 : w->zero;
	}
	for (size_t e = 0; e < xlen; e++) {
		vlane v;

		for (int t = 0; t < MODEL_LANES; t++)
			v[t] = x[t][e];
		w->x[e] = v;
	}
	for (int i = 0; i < n1; i++) {
		vlane v;

		for (int t = 0; t < MODEL_LANES; t++)
			v[t] = y[t][i];
		w->yt[i] = v;
	}
}

/*
 * Memory update of layer l on len entries per lane (the label row, or the
 * token matrix): Zn from Z and the register R = R_ℓ (R − len is R_{ℓ−1};
 * for cgd R_ℓ gets its carry here), U the lfom running sum, G = Γ_ℓ/n.
 */
static inline __attribute__((always_inline)) void
lane_memory_forward(const struct model_work *mw, enum ms_memory kind, int l,
    int len, vlane *Zn, const vlane *Z, vlane *R, vlane *U, const vlane *G,
    double inv_n)
{
	switch (kind) {
	case MS_MEMORY_NONE:
		for (int e = 0; e < len; e++)
			Zn[e] = Z[e] + inv_n * R[e];
		break;
	case MS_MEMORY_CGD:
		if (l > 0)
			for (int e = 0; e < len; e++)
				R[e] += mw->mem_g[l] * R[e - len];
		for (int e = 0; e < len; e++)
			Zn[e] = Z[e] + mw->mem_a[l] * R[e];
		break;
	case MS_MEMORY_LFOM:
		for (int e = 0; e < len; e++) {
			U[e] += G[e] * R[e];
			Zn[e] = Z[e] + U[e];
		}
		break;
	}
}

/*
 * Backward of lane_memory_forward. gZ is dL/dZ_{ℓ+1} (it stays the identity
 * part of dL/dZ_ℓ); writes dL/dS_ℓ into gS, carries acc between layers
 * (lfom: Σ_{m≥ℓ} dL/dZ_{m+1}; cgd: γ_{ℓ+1} dL/dR_{ℓ+1}) and adds the
 * memory gradient sums into gm (cgd: (L, 2); lfom: (L, len); α and Γ
 * before their 1/n).
 */
static inline __attribute__((always_inline)) void
lane_memory_backward(const struct model_work *mw, enum ms_memory kind, int l,
    int len, vlane *gS, vlane *acc, vlane *gm, const vlane *gZ,
    const vlane *R, const vlane *G, double inv_n)
{
	const vlane zero = { 0 };

	switch (kind) {
	case MS_MEMORY_NONE:
		for (int e = 0; e < len; e++)
			gS[e] = inv_n * gZ[e];
		break;
	case MS_MEMORY_CGD: {
		vlane ga = zero, gg = zero;

		/* gR = carry + (α/n) gZ; dα = (1/n) gZ·R_ℓ; dγ = gR·R_{ℓ−1} */
		for (int e = 0; e < len; e++) {
			vlane g = acc[e] + mw->mem_a[l] * gZ[e];

			ga += gZ[e] * R[e];
			if (l > 0)
				gg += g * R[e - len];
			gS[e] = g;
			acc[e] = mw->mem_g[l] * g;
		}
		gm[2 * l] += ga;
		gm[2 * l + 1] += gg;
		break;
	}
	case MS_MEMORY_LFOM: {
		vlane *gG = gm + (size_t)l * len;

		/* dΓ_ℓ = (1/n) acc ⊙ R_ℓ */
		for (int e = 0; e < len; e++) {
			acc[e] += gZ[e];
			gG[e] += acc[e] * R[e];
			gS[e] = G[e] * acc[e];
		}
		break;
	}
	}
}

/*
 * out[g] = the sum of sum[g]'s lanes, in lane order; sum is left zero, ready
 * for the next shard (a worker's sums start zero when allocated).
 */
static void
lanes_reduce(vlane *sum, double *out, size_t len)
{
	const vlane zero = { 0 };

	for (size_t g = 0; g < len; g++) {
		double t = sum[g][0];

		for (int k = 1; k < MODEL_LANES; k++)
			t += sum[g][k];
		out[g] = t;
		sum[g] = zero;
	}
}

/* ------------------------------------------------------------------------ */
/* Label path: a block of MODEL_LANES tasks, forward and backward */

/*
 * acc[k] += sign · Σ_j c_j x_jk over rows j < rows (sign ±1: acc += or −=
 * each term, in ascending j). Rows are taken four at a time, so each
 * acc[k] is loaded and stored once per four terms; the order is the same.
 */
static inline __attribute__((always_inline)) void
label_axpy_rows(vlane *acc, const vlane *c, const vlane *x, int rows,
    const int d, int sign)
{
	int j = 0;

	for (; j + 4 <= rows; j += 4) {
		const vlane *x0 = x + (size_t)j * d;

		for (int k = 0; k < d; k++) {
			vlane a = acc[k];

			if (sign > 0) {
				a += c[j] * x0[k];
				a += c[j + 1] * x0[d + k];
				a += c[j + 2] * x0[2 * d + k];
				a += c[j + 3] * x0[3 * d + k];
			} else {
				a -= c[j] * x0[k];
				a -= c[j + 1] * x0[d + k];
				a -= c[j + 2] * x0[2 * d + k];
				a -= c[j + 3] * x0[3 * d + k];
			}
			acc[k] = a;
		}
	}
	for (; j < rows; j++)
		for (int k = 0; k < d; k++) {
			if (sign > 0)
				acc[k] += c[j] * x[(size_t)j * d + k];
			else
				acc[k] -= c[j] * x[(size_t)j * d + k];
		}
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
			a0 += x0[k] * v[k];
			a1 += x0[d + k] * v[k];
			a2 += x0[2 * d + k] * v[k];
			a3 += x0[3 * d + k] * v[k];
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
			a += x[(size_t)i * d + k] * v[k];
		if (mode < 0)
			out[i] = -a;
		else
			out[i] += a;
	}
}

/*
 * Forward through every layer: s = Σ_{j<n} y_j x_j, v = A s, r_i = −x_i·v,
 * then the memory update of the label row. Leaves each lane's ŷ_L − y_q in
 * w->err and adds the squared errors into w->sum.
 *
 * Every sum runs over its index in ascending order from zero. Loops over
 * the short feature index k are innermost, so the d running sums of one
 * reduction are independent chains; when d is a small constant (see
 * label_block_forward) they live in registers, otherwise in L1.
 */
static inline __attribute__((always_inline)) void
label_forward_d(const struct model_pass *ps, struct model_worker *w,
    const int d)
{
	const struct model *m = ps->m;
	const struct model_work *mw = m->work;
	int n = m->n, n1 = n + 1, L = m->L;
	int scalar = m->cfg.param == MS_PARAM_SCALAR;
	enum ms_memory kind = m->cfg.memory;
	const double inv_n = 1.0 / n;
	const vlane *x = w->x, *yt = w->yt;
	vlane *lab = w->lab, *u = w->u;
	vlane *sse = w->sum + mw->attn_len + mw->mem_len;	/* (L), loss */
	vlane small[MODEL_SMALL_D];
	const vlane zero = { 0 };

	for (int i = 0; i < n; i++)
		lab[i] = yt[i];
	lab[n] = zero;		/* the query's label is hidden */
	for (int e = 0; e < n1; e++)
		u[e] = zero;
	for (int l = 0; l < L; l++) {
		const vlane *y = lab + (size_t)l * n1;
		vlane *yn = lab + (size_t)(l + 1) * n1;
		vlane *r = w->reg + (size_t)l * n1;
		vlane *s = d <= MODEL_SMALL_D ? small : w->s + (size_t)l * d;
		vlane *v = w->v + (size_t)l * d;

		for (int k = 0; k < d; k++)
			s[k] = zero;
		label_axpy_rows(s, y, x, n, d, 1);
		if (d <= MODEL_SMALL_D)
			for (int k = 0; k < d; k++)
				w->s[(size_t)l * d + k] = s[k];
		if (scalar) {
			for (int k = 0; k < d; k++)
				v[k] = mw->Av[l] * s[k];
		} else {
			const vlane *A = mw->Av + (size_t)l * d * d;

			for (int k = 0; k < d; k++) {
				vlane a = zero;

				for (int c = 0; c < d; c++)
					a += A[k * d + c] * s[c];
				v[k] = a;
			}
		}
		label_row_dots(r, x, v, n1, d, -1);
		lane_memory_forward(mw, kind, l, n1, yn, y, r, u,
		    mw->Gv + (size_t)l * n1, inv_n);
		if (ps->want_layers) {
			vlane e = -yn[n] - yt[n];

			sse[l] += e * e;
		}
	}
	w->err[0] = -lab[(size_t)L * n1 + n] - yt[n];
	sse[L] += w->err[0] * w->err[0];
}

/*
 * Backward of label_forward_d from loss = (1/B) Σ_b (ŷ − y_q)²: adds the
 * gradient sums (attention, memory) into w->sum, per lane.
 */
static inline __attribute__((always_inline)) void
label_backward_d(const struct model_pass *ps, struct model_worker *w,
    const int d)
{
	const struct model *m = ps->m;
	const struct model_work *mw = m->work;
	int n = m->n, n1 = n + 1, L = m->L;
	int scalar = m->cfg.param == MS_PARAM_SCALAR;
	enum ms_memory kind = m->cfg.memory;
	const double inv_n = 1.0 / n;
	const vlane *x = w->x;
	vlane *gy = w->gy, *gr = w->gr, *acc = w->acc;
	vlane *gA = w->sum, *gm = w->sum + mw->attn_len;
	vlane small_v[MODEL_SMALL_D], small_s[MODEL_SMALL_D];
	vlane *gv = d <= MODEL_SMALL_D ? small_v : w->gv;
	vlane *gs = d <= MODEL_SMALL_D ? small_s : w->gs;
	const vlane zero = { 0 };

	for (int e = 0; e < n1; e++)
		gy[e] = acc[e] = zero;
	gy[n] = -2.0 * w->err[0] / (double)ps->tb->B;
	for (int l = L - 1; l >= 0; l--) {
		const vlane *R = w->reg + (size_t)l * n1;
		const vlane *s = w->s + (size_t)l * d;

		/* memory: gr = dL/dS_ℓ; gy stays dL/dZ_{ℓ+1} */
		lane_memory_backward(mw, kind, l, n1, gr, acc, gm, gy, R,
		    mw->Gv + (size_t)l * n1, inv_n);
		/* attention: r_i = −x_i·v ⇒ gv = −Σ_i gr_i x_i */
		for (int k = 0; k < d; k++)
			gv[k] = zero;
		label_axpy_rows(gv, gr, x, n1, d, -1);
		if (scalar) {
			vlane a = zero;

			for (int k = 0; k < d; k++)
				a += gv[k] * s[k];
			gA[l] += a;
		} else {
			vlane *g = gA + (size_t)l * d * d;

			/* v = A s: gA += gv sᵀ */
			for (int k = 0; k < d; k++)
				for (int c = 0; c < d; c++)
					g[k * d + c] += gv[k] * s[c];
		}
		if (l == 0)
			break;	/* dL/dZ_0 is not needed: Z_0 is the input */
		if (scalar) {
			for (int c = 0; c < d; c++)
				gs[c] = mw->Av[l] * gv[c];
		} else {
			const vlane *A = mw->Av + (size_t)l * d * d;

			/* gs = Aᵀ gv */
			for (int c = 0; c < d; c++)
				gs[c] = zero;
			for (int k = 0; k < d; k++)
				for (int c = 0; c < d; c++)
					gs[c] += A[k * d + c] * gv[k];
		}
		/* s = Σ_{j<n} y_j x_j: gy_j += x_j·gs */
		label_row_dots(gy, x, gs, n, d, 0);
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
		if (gZ == NULL)
			continue;
		mat_mul(1, 0, d1, d1, d1, 1.0, P, d1, gK, d1, 0.0, tmp, d1);
		mat_mul(0, 0, d1, d1, d1, 1.0, tmp, d1, Q, d1, 1.0, gC, d1);
	}
	if (gZ == NULL)
		return;
	/* C = Σ_{j<n} z_j z_jᵀ: gz_j += (gC + gCᵀ) z_j */
	for (int a = 0; a < d1; a++)
		for (int c = 0; c < d1; c++)
			tmp[a * d1 + c] = gC[a * d1 + c] + gC[c * d1 + a];
	mat_mul(0, 1, n, d1, d1, 1.0, Z, d1, tmp, d1, 1.0, gZ, d1);
}

/*
 * Memory update of one layer on the token matrix (len entries, token-major):
 * Z_next from Z and the layer's register reg_ℓ (reg holds R_0..R_ℓ with
 * stride len; for cgd R_ℓ gets its carry here). U: the lfom running sum.
 */
static void
dense_memory_forward(const struct model *m, int l, size_t len, double *Zn,
    const double *Z, double *reg, double *U)
{
	const struct model_work *mw = m->work;
	double *R = reg + (size_t)l * len, inv_n = 1.0 / m->n;

	switch (m->cfg.memory) {
	case MS_MEMORY_NONE:
		for (size_t e = 0; e < len; e++)
			Zn[e] = Z[e] + inv_n * R[e];
		break;
	case MS_MEMORY_CGD:
		if (l > 0)
			for (size_t e = 0; e < len; e++)
				R[e] += mw->mem_g[l] * R[e - len];
		for (size_t e = 0; e < len; e++)
			Zn[e] = Z[e] + mw->mem_a[l] * R[e];
		break;
	case MS_MEMORY_LFOM: {
		const double *G = mw->Gd + (size_t)l * len;

		for (size_t e = 0; e < len; e++) {
			U[e] += G[e] * R[e];
			Zn[e] = Z[e] + U[e];
		}
		break;
	}
	}
}

/*
 * Backward of dense_memory_forward. gZ is dL/dZ_{ℓ+1}; writes dL/dS_ℓ into
 * gS, carries acc between layers and adds the memory gradient sums into gm
 * (cgd: (L, 2); lfom: (L, len), both before the 1/n of α and Γ).
 */
static void
dense_memory_backward(const struct model *m, int l, size_t len, double *gS,
    double *acc, double *gm, const double *gZ, const double *reg)
{
	const struct model_work *mw = m->work;
	const double *R = reg + (size_t)l * len;
	double inv_n = 1.0 / m->n;

	switch (m->cfg.memory) {
	case MS_MEMORY_NONE:
		for (size_t e = 0; e < len; e++)
			gS[e] = inv_n * gZ[e];
		break;
	case MS_MEMORY_CGD: {
		double ga = 0.0, gg = 0.0;

		for (size_t e = 0; e < len; e++) {
			double g = acc[e] + mw->mem_a[l] * gZ[e];

			ga += gZ[e] * R[e];
			if (l > 0)
				gg += g * R[e - len];
			gS[e] = g;
			acc[e] = mw->mem_g[l] * g;
		}
		gm[2 * l] += ga;
		gm[2 * l + 1] += gg;
		break;
	}
	case MS_MEMORY_LFOM: {
		const double *G = mw->Gd + (size_t)l * len;
		double *gG = gm + (size_t)l * len;

		for (size_t e = 0; e < len; e++) {
			acc[e] += gZ[e];
			gG[e] += acc[e] * R[e];
			gS[e] = G[e] * acc[e];
		}
		break;
	}
	}
}

/* Forward one task; returns ŷ_L − y_q, adds squared errors into sse (L). */
static double
dense_task_forward(const struct model_pass *ps, struct model_worker *w,
    double *sse, int b)
{
	const struct model *m = ps->m;
	const struct model_work *mw = m->work;
	int n = m->n, d = m->d, n1 = n + 1, d1 = d + 1, H = m->H;
	size_t zlen = (size_t)n1 * d1, hl = (size_t)H * d1 * d1;
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

		dense_attn_forward(w->R + (size_t)l * zlen,
		    w->C + (size_t)l * d1 * d1, w->K + (size_t)l * d1 * d1,
		    w->tmp, Z, mw->Pd + l * hl, mw->Qd + l * hl, H, n, d1);
		dense_memory_forward(m, l, zlen, Z + zlen, Z, w->R, w->U);
		if (ps->want_layers) {
			double e = -Z[zlen + (size_t)n * d1 + d] - yq;

			sse[l] += e * e;
		}
	}
	return -w->Z[(size_t)m->L * zlen + (size_t)n * d1 + d] - yq;
}

/* Backward of dense_task_forward; adds gradient sums into the slot. */
static void
dense_task_backward(const struct model_pass *ps, struct model_worker *w,
    double *slot, double err)
{
	const struct model *m = ps->m;
	const struct model_work *mw = m->work;
	int n = m->n, d = m->d, n1 = n + 1, d1 = d + 1, H = m->H, L = m->L;
	size_t zlen = (size_t)n1 * d1, hl = (size_t)H * d1 * d1;
	double *gP = slot, *gQ = slot + L * hl, *gm = slot + mw->attn_len;

	memset(w->gZ, 0, zlen * sizeof(double));
	memset(w->gacc, 0, zlen * sizeof(double));
	w->gZ[(size_t)n * d1 + d] = -2.0 * err / ps->tb->B;
	for (int l = L - 1; l >= 0; l--) {
		dense_memory_backward(m, l, zlen, w->gS, w->gacc, gm, w->gZ,
		    w->R);
		/* dL/dZ_0 is not needed: Z_0 is the input */
		dense_attn_backward(l > 0 ? w->gZ : NULL, gP + l * hl,
		    gQ + l * hl, w->gS, w->Z + (size_t)l * zlen,
		    w->C + (size_t)l * d1 * d1, w->K + (size_t)l * d1 * d1,
		    mw->Pd + l * hl, mw->Qd + l * hl, w->gK, w->gC, w->tmp, H,
		    n, d1);
	}
}

/* Whether the pass is to stop (m->cancel raised); checked before each task
 * or block, so a pass stops within one task's work per worker. */
static bool
model_pass_stop(const struct model_pass *ps)
{
	struct model_pass *mp = (struct model_pass *)ps;

	if (ps->cancel == NULL ||
	    !atomic_load_explicit(ps->cancel, memory_order_relaxed))
		return false;
	atomic_store_explicit(&mp->stopped, 1, memory_order_relaxed);
	return true;
}

/* Run tasks [lo, hi) one at a time, summing straight into slot. */
static void
dense_shard(const struct model_pass *ps, struct model_worker *w, int lo,
    int hi, double *slot)
{
	const struct model *m = ps->m;
	const struct model_work *mw = m->work;
	double *sse = slot + mw->attn_len + mw->mem_len;
	size_t zlen = (size_t)(m->n + 1) * (m->d + 1);
	size_t top = (size_t)m->n * (m->d + 1) + m->d;	/* query label */

	memset(slot, 0, mw->slot_len * sizeof *slot);
	for (int b = lo; b < hi; b++) {
		double err;

		if (model_pass_stop(ps))
			return;
		err = dense_task_forward(ps, w, sse, b);

		sse[m->L] += err * err;
		if (ps->pred != NULL)
			ps->pred[b] = -w->Z[(size_t)m->L * zlen + top];
		if (ps->backward)
			dense_task_backward(ps, w, slot, err);
	}
}


/* ------------------------------------------------------------------------ */
/* Dense path in lanes: a block of MODEL_LANES tasks (small d) */

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
				acc[j] += a * B[p * sbp + j * sbj];
		}
		for (int j = 0; j < nj; j++)
			C[i * nj + j] = add ? C[i * nj + j] + acc[j] : acc[j];
	}
}

/*
 * Forward of a block through every layer, as dense_task_forward for one
 * task: C = Σ_{j<n} z_j z_jᵀ, K = Σ_h P_h C Q_hᵀ, S = Z Kᵀ, then memory.
 */
static inline __attribute__((always_inline)) void
dense_lane_forward_d(const struct model_pass *ps, struct model_worker *w,
    const int d1)
{
	const struct model *m = ps->m;
	const struct model_work *mw = m->work;
	int n = m->n, n1 = n + 1, d = d1 - 1, L = m->L, H = m->H;
	int zlen = n1 * d1, dd = d1 * d1;
	const double inv_n = 1.0 / n;
	vlane *sse = w->sum + mw->attn_len + mw->mem_len;	/* (L), loss */
	const vlane zero = { 0 };

	for (int i = 0; i < n1; i++) {
		for (int f = 0; f < d; f++)
			w->Zv[i * d1 + f] = w->x[i * d + f];
		w->Zv[i * d1 + d] = i < n ? w->yt[i] : zero;
	}
	for (int e = 0; e < zlen; e++)
		w->Uv[e] = zero;
	for (int l = 0; l < L; l++) {
		vlane *Z = w->Zv + (size_t)l * zlen, *C = w->Cv + l * dd;
		vlane *K = w->Kv + l * dd, *R = w->Rv + (size_t)l * zlen;

		/* C = Z_ctxᵀ Z_ctx */
		lane_mm(d1, d1, n, Z, 1, d1, Z, d1, 1, 0, C);
		for (int e = 0; e < dd; e++)
			K[e] = zero;
		for (int h = 0; h < H; h++) {
			const vlane *P = mw->Pv + (size_t)(l * H + h) * dd;
			const vlane *Q = mw->Qv + (size_t)(l * H + h) * dd;

			lane_mm(d1, d1, d1, P, d1, 1, C, d1, 1, 0, w->tmpv);
			lane_mm(d1, d1, d1, w->tmpv, d1, 1, Q, 1, d1, 1, K);
		}
		/* token-major: S[i,:] = K z_i, i.e. S = Z Kᵀ */
		lane_mm(n1, d1, d1, Z, d1, 1, K, 1, d1, 0, R);
		lane_memory_forward(mw, m->cfg.memory, l, zlen, Z + zlen, Z, R,
		    w->Uv, mw->Gdv + (size_t)l * zlen, inv_n);
		if (ps->want_layers) {
			vlane e = -Z[zlen + n * d1 + d] - w->yt[n];

			sse[l] += e * e;
		}
	}
	w->err[0] = -w->Zv[(size_t)L * zlen + n * d1 + d] - w->yt[n];
	sse[L] += w->err[0] * w->err[0];
}

/* Backward of dense_lane_forward_d; adds the gradient sums into w->sum. */
static inline __attribute__((always_inline)) void
dense_lane_backward_d(const struct model_pass *ps, struct model_worker *w,
    const int d1)
{
	const struct model *m = ps->m;
	const struct model_work *mw = m->work;
	int n = m->n, n1 = n + 1, d = d1 - 1, L = m->L, H = m->H;
	int zlen = n1 * d1, dd = d1 * d1;
	const double inv_n = 1.0 / n;
	vlane *gZ = w->gZv, *gS = w->gSv, *gK = w->gKv, *gC = w->gCv;
	vlane *tmp = w->tmpv, *gm = w->sum + mw->attn_len;
	const vlane zero = { 0 };

	for (int e = 0; e < zlen; e++)
		gZ[e] = w->gaccv[e] = zero;
	gZ[n * d1 + d] = -2.0 * w->err[0] / (double)ps->tb->B;
	for (int l = L - 1; l >= 0; l--) {
		const vlane *Z = w->Zv + (size_t)l * zlen, *C = w->Cv + l * dd;
		const vlane *K = w->Kv + l * dd;

		lane_memory_backward(mw, m->cfg.memory, l, zlen, gS, w->gaccv,
		    gm, gZ, w->Rv + (size_t)l * zlen,
		    mw->Gdv + (size_t)l * zlen, inv_n);
		/* S = Z Kᵀ: gZ += gS K (not needed for Z_0), gK = gSᵀ Z */
		if (l > 0)
			lane_mm(n1, d1, d1, gS, d1, 1, K, d1, 1, 1, gZ);
		lane_mm(d1, d1, n1, gS, 1, d1, Z, d1, 1, 0, gK);
		for (int e = 0; e < dd; e++)
			gC[e] = zero;
		for (int h = 0; h < H; h++) {
			size_t lh = (size_t)(l * H + h) * dd;
			const vlane *P = mw->Pv + lh, *Q = mw->Qv + lh;
			vlane *gP = w->sum + lh;
			vlane *gQ = w->sum + (size_t)L * H * dd + lh;

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
		lane_mm(n, d1, d1, Z, d1, 1, tmp, 1, d1, 1, gZ);
	}
}

/* ------------------------------------------------------------------------ */
/* Blocks of MODEL_LANES tasks: running them */

/*
 * The kernel instances, forward and backward: one for each d ≤
 * MODEL_SMALL_D, and for the label path one for larger d (the dense path
 * runs those a task at a time). The label and dense kernels are kept in
 * separate functions: together in one, the label kernels ran 10% slower.
 */
static void MODEL_CLONES
label_block_forward(const struct model_pass *ps, struct model_worker *w)
{
	switch (ps->m->d) {
	case 1: label_forward_d(ps, w, 1); break;
	case 2: label_forward_d(ps, w, 2); break;
	case 3: label_forward_d(ps, w, 3); break;
	case 4: label_forward_d(ps, w, 4); break;
	case 5: label_forward_d(ps, w, 5); break;
	case 6: label_forward_d(ps, w, 6); break;
	case 7: label_forward_d(ps, w, 7); break;
	case 8: label_forward_d(ps, w, 8); break;
	default: label_forward_d(ps, w, ps->m->d); break;
	}
}

static void MODEL_CLONES
label_block_backward(const struct model_pass *ps, struct model_worker *w)
{
	switch (ps->m->d) {
	case 1: label_backward_d(ps, w, 1); break;
	case 2: label_backward_d(ps, w, 2); break;
	case 3: label_backward_d(ps, w, 3); break;
	case 4: label_backward_d(ps, w, 4); break;
	case 5: label_backward_d(ps, w, 5); break;
	case 6: label_backward_d(ps, w, 6); break;
	case 7: label_backward_d(ps, w, 7); break;
	case 8: label_backward_d(ps, w, 8); break;
	default: label_backward_d(ps, w, ps->m->d); break;
	}
}

static void MODEL_CLONES
dense_block_forward(const struct model_pass *ps, struct model_worker *w)
{
	switch (ps->m->d) {
	case 1: dense_lane_forward_d(ps, w, 2); break;
	case 2: dense_lane_forward_d(ps, w, 3); break;
	case 3: dense_lane_forward_d(ps, w, 4); break;
	case 4: dense_lane_forward_d(ps, w, 5); break;
	case 5: dense_lane_forward_d(ps, w, 6); break;
	case 6: dense_lane_forward_d(ps, w, 7); break;
	case 7: dense_lane_forward_d(ps, w, 8); break;
	default: dense_lane_forward_d(ps, w, MODEL_SMALL_D + 1); break;
	}
}

static void MODEL_CLONES
dense_block_backward(const struct model_pass *ps, struct model_worker *w)
{
	switch (ps->m->d) {
	case 1: dense_lane_backward_d(ps, w, 2); break;
	case 2: dense_lane_backward_d(ps, w, 3); break;
	case 3: dense_lane_backward_d(ps, w, 4); break;
	case 4: dense_lane_backward_d(ps, w, 5); break;
	case 5: dense_lane_backward_d(ps, w, 6); break;
	case 6: dense_lane_backward_d(ps, w, 7); break;
	case 7: dense_lane_backward_d(ps, w, 8); break;
	default: dense_lane_backward_d(ps, w, MODEL_SMALL_D + 1); break;
	}
}

/* Run blocks [lo, hi) and leave their sums, added over lanes, in slot. */
static void
lane_shard(const struct model_pass *ps, struct model_worker *w, int lo,
    int hi, double *slot)
{
	const struct model *m = ps->m;
	size_t d1 = m->d + 1, top = (size_t)m->L * (m->n + 1) + m->n;
	int label = m->work->kernel == KERNEL_LABEL;

	for (int blk = lo; blk < hi; blk++) {
		int b0 = blk * MODEL_LANES, nreal = ps->tb->B - b0;

		if (nreal > MODEL_LANES)
			nreal = MODEL_LANES;
		if (model_pass_stop(ps))
			break;	/* still reduce: it leaves w->sum zero */
		block_load(ps, w, b0, nreal);
		if (label)
			label_block_forward(ps, w);
		else
			dense_block_forward(ps, w);
		/* the prediction: minus the query's label cell after layer L */
		for (int t = 0; ps->pred != NULL && t < nreal; t++)
			ps->pred[b0 + t] = label ? -w->lab[top][t] :
			    -w->Zv[top * d1 + m->d][t];
		if (!ps->backward)
			continue;
		if (label)
			label_block_backward(ps, w);
		else
			dense_block_backward(ps, w);
	}
	lanes_reduce(w->sum, slot, m->work->slot_len);
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


/* The pass-wide inputs from the parameters: Σ_h A_h or P, Q; Γ/n; α/n, γ. */
static void
model_prepare(struct model *m)
{
	struct model_work *mw = m->work;
	const double *p = m->params;
	int L = m->L, H = m->H, d = m->d, n = m->n, n1 = n + 1, d1 = d + 1;
	double inv_n = 1.0 / n;

	if (m->cfg.memory == MS_MEMORY_CGD) {
		for (int l = 0; l < L; l++) {
			mw->mem_a[l] = p[m->off_mem0[l]] * inv_n;
			mw->mem_g[l] = p[m->off_mem1[l]];
		}
	}
	if (mw->kernel == KERNEL_LABEL) {
		size_t sz = m->cfg.param == MS_PARAM_SCALAR ? 1 : (size_t)d * d;

		/* heads are summed: only Σ_h A_h matters on the label row */
		for (int l = 0; l < L; l++) {
			for (size_t e = 0; e < sz; e++) {
				double a = 0.0;

				for (int h = 0; h < H; h++)
					a += p[m->off_attn0[l * H + h] + e];
				for (int t = 0; t < MODEL_LANES; t++)
					mw->Av[l * sz + e][t] = a;
			}
		}
		if (m->cfg.memory != MS_MEMORY_LFOM)
			return;
		/* only Γ_ℓ's label row (row d) meets a non-zero register */
		for (int l = 0; l < L; l++) {
			for (int i = 0; i < n1; i++) {
				double g = inv_n * p[m->off_mem0[l] +
				    (long)d * n1 + i];

				for (int t = 0; t < MODEL_LANES; t++)
					mw->Gv[(size_t)l * n1 + i][t] = g;
			}
		}
		return;
	}
	model_expand_pq(m, mw->Pd, mw->Qd);
	if (m->cfg.memory == MS_MEMORY_LFOM) {
		/* Γ_ℓ is stored feature-major (d+1, n+1); Z is token-major */
		for (int l = 0; l < L; l++)
			for (int i = 0; i < n1; i++)
				for (int f = 0; f < d1; f++)
					mw->Gd[((size_t)l * n1 + i) * d1 + f] =
					    inv_n * p[m->off_mem0[l] +
					    (long)f * n1 + i];
	}
	if (mw->kernel != KERNEL_DENSE_LANES)
		return;
	for (size_t e = 0; e < (size_t)L * H * d1 * d1; e++)
		for (int t = 0; t < MODEL_LANES; t++) {
			mw->Pv[e][t] = mw->Pd[e];
			mw->Qv[e][t] = mw->Qd[e];
		}
	if (m->cfg.memory == MS_MEMORY_LFOM)
		for (size_t e = 0; e < (size_t)L * n1 * d1; e++)
			for (int t = 0; t < MODEL_LANES; t++)
				mw->Gdv[e][t] = mw->Gd[e];
}

/* Gradients from the summed slot: heads, 1/n of α and Γ, Γ's layout. */
static void
model_store_grads(struct model *m, const double *total)
{
	const struct model_work *mw = m->work;
	const double *gm = total + mw->attn_len;
	int L = m->L, H = m->H, d = m->d, n1 = m->n + 1, d1 = d + 1;
	double inv_n = 1.0 / m->n;
	int label = m->path == MODEL_PATH_LABEL;

	memset(m->grads, 0, m->nparams * sizeof(double));
	if (label) {
		size_t sz = m->cfg.param == MS_PARAM_SCALAR ? 1 : (size_t)d * d;

		for (int l = 0; l < L; l++)
			for (int h = 0; h < H; h++)
				memcpy(m->grads + m->off_attn0[l * H + h],
				    total + l * sz, sz * sizeof(double));
	} else
		model_contract_pq(m, total, total + mw->attn_len / 2);
	for (int l = 0; l < L; l++) {
		double *g0 = m->grads + m->off_mem0[l];

		switch (m->cfg.memory) {
		case MS_MEMORY_NONE:
			break;
		case MS_MEMORY_CGD:
			g0[0] = inv_n * gm[2 * l];
			m->grads[m->off_mem1[l]] = gm[2 * l + 1];
			break;
		case MS_MEMORY_LFOM:
			if (label) {
				for (int i = 0; i < n1; i++)
					g0[(size_t)d * n1 + i] = inv_n *
					    gm[(size_t)l * n1 + i];
				break;
			}
			for (int i = 0; i < n1; i++)
				for (int f = 0; f < d1; f++)
					g0[(size_t)f * n1 + i] = inv_n *
					    gm[((size_t)l * n1 + i) * d1 + f];
			break;
		}
	}
}

/*
 * The caller (worker 0) waits for the other workers here, spinning, rather
 * than asleep in pool_run: waking a sleeping thread costs tens of
 * microseconds (more in a virtual machine), a large part of a default step
 * on two threads. It spins only while every worker is running (a worker
 * that has not started may be waiting for this very core) and for at most
 * MODEL_SPIN_NS; then pool_run's sleep takes over.
 */
static void
model_wait_workers(struct model_pass *ps, int nworkers)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned i = 1; atomic_load_explicit(&ps->done,
	    memory_order_acquire) < nworkers; i++) {
		if (atomic_load_explicit(&ps->started,
		    memory_order_relaxed) < nworkers)
			return;
		if (i % 64 != 0) {
#if defined(__x86_64__) || defined(__i386__)
			__builtin_ia32_pause();
#endif
			continue;
		}
		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((t.tv_sec - t0.tv_sec) * 1000000000L + t.tv_nsec -
		    t0.tv_nsec > MODEL_SPIN_NS)
			return;
	}
}

static void
model_pass_worker(void *ctx, int worker, int nworkers)
{
	struct model_pass *ps = ctx;
	struct model_work *mw = ps->m->work;
	struct model_worker *w = &mw->wk[worker];

	atomic_fetch_add_explicit(&ps->started, 1, memory_order_relaxed);
	for (;;) {
		int sh = atomic_fetch_add_explicit(&ps->next, 1,
		    memory_order_relaxed);
		double *slot = mw->slots + (size_t)sh * mw->slot_len;
		int lo, hi;

		if (sh >= ps->nshards)
			break;
		pool_split(ps->nblocks, sh, ps->nshards, &lo, &hi);
		switch (mw->kernel) {
		case KERNEL_LABEL:
		case KERNEL_DENSE_LANES:
			lane_shard(ps, w, lo, hi, slot);
			break;
		case KERNEL_DENSE_TASK:
			dense_shard(ps, w, lo, hi, slot);
			break;
		}
	}
	atomic_fetch_add_explicit(&ps->done, 1, memory_order_release);
	if (worker == 0)
		model_wait_workers(ps, nworkers);
}

/* Run a pass over the batch; returns the mean squared error at layer L. */
static double
model_pass(struct model *m, const struct task_batch *tb, struct pool *pool,
    int backward, double *layer_mse, double *pred)
{
	struct model_pass ps = { .m = m, .tb = tb, .backward = backward,
	    .want_layers = layer_mse != NULL, .pred = pred,
	    .cancel = m->cancel };
	struct model_work *mw;
	const double *sse;
	int L = m->L;

	model_work_ensure(m, pool_size(pool));
	mw = m->work;
	model_prepare(m);
	ps.nblocks = mw->kernel == KERNEL_DENSE_TASK ? tb->B :
	    (tb->B + MODEL_LANES - 1) / MODEL_LANES;
	ps.nshards = ps.nblocks < mw->max_shards ? ps.nblocks :
	    mw->max_shards;
	atomic_init(&ps.next, 0);
	atomic_init(&ps.started, 0);
	atomic_init(&ps.done, 0);
	atomic_init(&ps.stopped, 0);
	m->interrupted = false;
	pool_run(pool, model_pass_worker, &ps);
	if (atomic_load(&ps.stopped)) {
		/* some tasks were left out: nothing of this pass is used */
		m->interrupted = true;
		return NAN;
	}

	/* add the slots in shard order: the same for any thread count */
	memcpy(mw->total, mw->slots, mw->slot_len * sizeof(double));
	for (int sh = 1; sh < ps.nshards; sh++) {
		const double *slot = mw->slots + (size_t)sh * mw->slot_len;

		for (size_t g = 0; g < mw->slot_len; g++)
			mw->total[g] += slot[g];
	}
	if (backward)
		model_store_grads(m, mw->total);
	sse = mw->total + mw->attn_len + mw->mem_len;
	if (layer_mse)
		for (int l = 0; l < L; l++)
			layer_mse[l] = sse[l] / tb->B;
	return sse[L] / tb->B;
}

double
model_loss_grad(struct model *m, const struct task_batch *tb,
    struct pool *pool)
{
	return model_pass(m, tb, pool, 1, NULL, NULL);
}

void
model_evaluate(struct model *m, const struct task_batch *tb,
    struct pool *pool, double *layer_mse)
{
	model_pass(m, tb, pool, 0, layer_mse, NULL);
}

void
model_predict(struct model *m, const struct task_batch *tb,
    struct pool *pool, double *pred)
{
	model_pass(m, tb, pool, 0, NULL, pred);
}

const char *
model_kernel_isa(void)
{
#if MODEL_HAVE_CLONES
	__builtin_cpu_init();
	return __builtin_cpu_supports("avx2") ? "avx2" : "x86-64";
#else
	return "generic";
#endif
}

/* Memory update flops per entry of one layer: forward, backward. */
static void
model_memory_flops(enum ms_memory kind, int l, double *fwd, double *bwd)
{
	switch (kind) {
	case MS_MEMORY_NONE:
		*fwd = 2;		/* Z + R/n */
		*bwd = 1;
		break;
	case MS_MEMORY_CGD:
		*fwd = l > 0 ? 4 : 2;	/* R += γ R_{ℓ−1}; Z + (α/n) R */
		*bwd = l > 0 ? 7 : 5;	/* gR, dα, dγ, carry */
		break;
	case MS_MEMORY_LFOM:
		*fwd = 3;		/* U += (Γ/n) R; Z + U */
		*bwd = 4;		/* carry, dΓ, gS */
		break;
	}
}

double
model_flops_per_step(const struct model *m, int batch)
{
	double d = m->d, n = m->n, n1 = n + 1, d1 = d + 1, H = m->H;
	double task = 4;	/* the error, its square, its gradient */
	int scalar = m->cfg.param == MS_PARAM_SCALAR;

	for (int l = 0; l < m->L; l++) {
		double mf = 0, mb = 0;

		model_memory_flops(m->cfg.memory, l, &mf, &mb);
		if (m->path == MODEL_PATH_LABEL) {
			/* s = Σ y_j x_j, v = A s, r_i = −x_i·v, memory */
			task += 2 * n * d + (scalar ? d : 2 * d * d) +
			    2 * n1 * d + mf * n1;
			/* memory, gv = −Σ gr_i x_i, dA; above layer 0 also
			 * gs = Aᵀ gv and gy_j += x_j·gs */
			task += mb * n1 + 2 * n1 * d +
			    (scalar ? 2 * d : 2 * d * d);
			if (l > 0)
				task += (scalar ? d : 2 * d * d) +
				    2 * n * d + n;
			continue;
		}
		/* C = Σ z_j z_jᵀ, K = Σ_h P_h C Q_hᵀ, S = Z Kᵀ, memory */
		task += 2 * n * d1 * d1 + H * (4 * d1 * d1 * d1 + d1 * d1) +
		    2 * n1 * d1 * d1 + mf * n1 * d1;
		/* memory, gK = gSᵀ Z, four products a head (gP, gQ); above
		 * layer 0 also gZ += gS K, two more a head (gC) and
		 * gZ += Z (gC + gCᵀ) */
		task += mb * n1 * d1 + 2 * n1 * d1 * d1 +
		    H * (8 * d1 * d1 * d1 + 2 * d1 * d1);
		if (l > 0)
			task += (2 * n1 * d1 * d1 + n1 * d1) +
			    H * (4 * d1 * d1 * d1 + d1 * d1) + d1 * d1 +
			    2 * n * d1 * d1 + n * d1;
	}
	/* Adam: 13 per parameter */
	return task * batch + 13.0 * (double)m->nparams;
}

void
model_trace_task(struct model *m, const struct task_batch *tb, int b,
    double *label, double *reg)
{
	struct task_batch one = *tb;
	int n1 = m->n + 1, d1 = m->d + 1;
	size_t zl = (size_t)n1 * d1;
	const struct model_worker *w;
	enum model_kernel kernel;

	/* a batch of one task: seek to task b; it runs in lane 0 of worker 0 */
	one.B = 1;
	one.X = tb->X + (size_t)b * n1 * m->d;
	one.y = tb->y + (size_t)b * n1;
	one.w = tb->w ? tb->w + (size_t)b * m->d : NULL;
	model_pass(m, &one, NULL, 0, NULL, NULL);
	w = &m->work->wk[0];
	kernel = m->work->kernel;
	for (int l = 0; l <= m->L; l++) {
		for (int i = 0; i < n1; i++) {
			size_t e = (size_t)l * n1 + i;
			size_t ez = l * zl + (size_t)i * d1 + m->d;
			int more = reg != NULL && l < m->L;

			switch (kernel) {
			case KERNEL_LABEL:
				label[e] = w->lab[e][0];
				if (more)
					reg[e] = w->reg[e][0];
				break;
			case KERNEL_DENSE_LANES:
				label[e] = w->Zv[ez][0];
				if (more)
					reg[e] = w->Rv[ez][0];
				break;
			case KERNEL_DENSE_TASK:
				label[e] = w->Z[ez];
				if (more)
					reg[e] = w->R[ez];
				break;
			}
		}
	}
}
