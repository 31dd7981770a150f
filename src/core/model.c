/*
 * Linear transformers and Memformers: the parameter table and the passes.
 *
 * Two computation paths share one parameter table: the LABEL path (scalar,
 * pre), where only the label row of Z moves (model_label.c), and the DENSE
 * path (any parametrization), where the whole token matrix does
 * (model_dense.c). Memory (doc/math.md §4): model_memory.h. A pass derives
 * the pass-wide inputs from the parameters (model_prepare), runs the batch
 * in shards on the compute pool (model_shard.c), and stores the gradient
 * from the shards' sums (model_store_grads). The files and the lanes:
 * model_internal.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "memscope/model.h"
#include "memscope/xmalloc.h"

#include "model_internal.h"

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

/* The direct kinds' blocks (model_direct.c): "g" per step, or "G" per
 * pair (step k, gradient i ≤ k); no attention, no memory. */
static void
model_init_direct(struct model *m, int *cap)
{
	for (int k = 0; k < m->L; k++) {
		m->off_attn0[k] = m->off_attn1[k] = -1;
		m->off_mem0[k] = m->off_mem1[k] = -1;
		if (m->cfg.param == MS_PARAM_DIRECT)
			model_add_block(m, cap, "g", k, -1, m->d, 1);
		else
			for (int i = 0; i <= k; i++)
				model_add_block(m, cap, "G", k, i, m->d, 1);
	}
}

/* The transformer's blocks, layer-major: each layer's heads, then its
 * memory blocks. */
static void
model_init_layers(struct model *m, int *cap)
{
	const struct ms_config *cfg = &m->cfg;
	int d = m->d, n = m->n, L = m->L, H = m->H;

	for (int l = 0; l < L; l++) {
		for (int h = 0; h < H; h++) {
			long *o0 = &m->off_attn0[l * H + h];
			long *o1 = &m->off_attn1[l * H + h];

			*o0 = (long)m->nparams;
			*o1 = -1;
			switch (cfg->param) {
			case MS_PARAM_SCALAR:
				model_add_block(m, cap, "a", l, h, 1, 1);
				break;
			case MS_PARAM_PRE:
				model_add_block(m, cap, "A", l, h, d, d);
				break;
			case MS_PARAM_GDPP:
				model_add_block(m, cap, "A", l, h, d, d);
				*o1 = (long)m->nparams;
				model_add_block(m, cap, "B", l, h, d, d);
				break;
			case MS_PARAM_FULL:
				model_add_block(m, cap, "P", l, h, d + 1, d + 1);
				*o1 = (long)m->nparams;
				model_add_block(m, cap, "Q", l, h, d + 1, d + 1);
				break;
			case MS_PARAM_DIRECT:
			case MS_PARAM_DIRECT_PAIRS:
				break;	/* model_init_direct */
			}
		}
		m->off_mem0[l] = m->off_mem1[l] = -1;
		if (cfg->memory == MS_MEMORY_CGD) {
			m->off_mem0[l] = (long)m->nparams;
			model_add_block(m, cap, "alpha", l, -1, 1, 1);
			m->off_mem1[l] = (long)m->nparams;
			model_add_block(m, cap, "gamma", l, -1, 1, 1);
		} else if (cfg->memory == MS_MEMORY_LFOM) {
			m->off_mem0[l] = (long)m->nparams;
			model_add_block(m, cap, "Gamma", l, -1, d + 1, n + 1);
		} else if (cfg->memory == MS_MEMORY_REC) {
			m->off_mem0[l] = (long)m->nparams;
			model_add_block(m, cap, "alpha", l, -1, 1, 1);
			m->off_mem1[l] = (long)m->nparams;
			model_add_block(m, cap, "Gamma", l, -1, d + 1, n + 1);
		}
	}
}

void
model_init(struct model *m, const struct ms_config *cfg)
{
	int cap = 0, L, H;

	memset(m, 0, sizeof *m);
	m->cfg = *cfg;
	m->d = cfg->dim;
	m->n = cfg->context;
	L = m->L = cfg->layers;
	H = m->H = cfg->heads;
	m->path = (cfg->param == MS_PARAM_SCALAR || cfg->param == MS_PARAM_PRE) ?
	    MODEL_PATH_LABEL : MODEL_PATH_DENSE;
	m->off_attn0 = xmalloc((size_t)L * H * sizeof(long));
	m->off_attn1 = xmalloc((size_t)L * H * sizeof(long));
	m->off_mem0 = xmalloc((size_t)L * sizeof(long));
	m->off_mem1 = xmalloc((size_t)L * sizeof(long));

	if (config_param_is_direct(cfg->param))
		model_init_direct(m, &cap);
	else
		model_init_layers(m, &cap);
	m->off_gate = -1;
	if (cfg->gates) {
		m->off_gate = (long)m->nparams;
		model_add_block(m, &cap, "gate", -1, -1, H, 1);
	}
	m->params = xdoubles(m->nparams);
	m->grads = xdoubles(m->nparams);
	/* The pool's threads do the parallelism; BLAS calls stay serial. */
	openblas_set_num_threads(1);
}

void
model_free(struct model *m)
{
	model_scratch_free(m);
	model_direct_free(m);
	free(m->blocks);
	free(m->params);
	free(m->grads);
	free(m->off_attn0);
	free(m->off_attn1);
	free(m->off_mem0);
	free(m->off_mem1);
	memset(m, 0, sizeof *m);
}

int
model_grad_reach(const struct model *m, size_t *r)
{
	int n = 0;

	for (int k = 0; k < m->nblocks; k++) {
		const struct param_block *pb = &m->blocks[k];
		size_t lo = pb->offset, hi = lo + (size_t)pb->rows * pb->cols;

		/* Γ_ℓ is feature-major: its label row is its last */
		if (m->path == MODEL_PATH_LABEL &&
		    strcmp(pb->name, "Gamma") == 0)
			lo = hi - (size_t)pb->cols;
		if (n > 0 && r[2 * n - 1] == lo) {
			r[2 * n - 1] = hi;
			continue;
		}
		r[2 * n] = lo;
		r[2 * n + 1] = hi;
		n++;
	}
	return n;
}

void
model_set_path(struct model *m, enum model_path path)
{
	if (path == MODEL_PATH_LABEL && m->cfg.param != MS_PARAM_SCALAR &&
	    m->cfg.param != MS_PARAM_PRE)
		return;		/* only scalar and pre keep P's top-left zero */
	if (m->path != path)
		model_scratch_free(m);
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
			if (strcmp(pb->name, "alpha") == 0 ||
			    strcmp(pb->name, "gate") == 0)
				p[i] = 1.0;
			else if (strcmp(pb->name, "gamma") == 0 ||
			    strcmp(pb->name, "Gamma") == 0 ||
			    strcmp(pb->name, "g") == 0 ||
			    strcmp(pb->name, "G") == 0)
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

/* Copy src's blocks into dst's: with src_head < 0 every block of dst that
 * src has too (same name, layer, head and shape); otherwise the blocks of
 * src's head src_head into dst's head dst_head. The number copied. */
int
model_copy_blocks(struct model *dst, const struct model *src, int src_head,
    int dst_head)
{
	int copied = 0;

	for (int k = 0; k < dst->nblocks; k++) {
		const struct param_block *db = &dst->blocks[k], *sb;

		if (src_head >= 0 && db->head != dst_head)
			continue;
		sb = model_block(src, db->name, db->layer, src_head >= 0 ?
		    src_head : db->head);
		if (sb == NULL || sb->rows != db->rows || sb->cols != db->cols)
			continue;
		memcpy(dst->params + db->offset, src->params + sb->offset,
		    (size_t)db->rows * db->cols * sizeof(double));
		copied++;
	}
	return copied;
}

/* The first block of a whose shape differs in b (the tables are built the
 * same way, so block k is the same block), or NULL. */
static const struct param_block *
model_block_moved(const struct model *a, const struct model *b)
{
	for (int k = 0; k < a->nblocks; k++) {
		const struct param_block *pa = &a->blocks[k];
		const struct param_block *pb = k < b->nblocks ? &b->blocks[k] :
		    NULL;

		if (pb == NULL || pa->rows != pb->rows || pa->cols != pb->cols)
			return pa;
	}
	return NULL;
}

/* Rebuild m for `context` points with the same parameter values; -1 (m
 * unchanged, the reason in err) if a block's shape depends on n. */
int
model_set_context(struct model *m, int context, char *err, size_t errlen)
{
	struct ms_config cfg = m->cfg;
	struct model nm;
	const struct param_block *pb;

	cfg.context = context;
	model_init(&nm, &cfg);
	if ((pb = model_block_moved(m, &nm)) != NULL ||
	    nm.nblocks != m->nblocks) {
		if (pb != NULL)
			snprintf(err, errlen, "the model's block %s of layer "
			    "%d has one entry per token (%dx%d at n = %d), so "
			    "it cannot be tested at n = %d", pb->name,
			    pb->layer + 1, pb->rows, pb->cols, m->n, context);
		else
			snprintf(err, errlen, "the model has more blocks at "
			    "n = %d than at n = %d", context, m->n);
		model_free(&nm);
		return -1;
	}
	memcpy(nm.params, m->params, m->nparams * sizeof *m->params);
	model_set_path(&nm, m->path);
	nm.cancel = m->cancel;
	model_free(m);
	*m = nm;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Passes */

/* The pass-wide inputs from the parameters: Σ_h A_h or P, Q; Γ/n (rec:
 * Γ); α/n, γ. */
static void
model_prepare(struct model *m)
{
	struct model_work *mw = m->work;
	const double *p = m->params;
	int L = m->L, H = m->H, d = m->d, n = m->n, n1 = n + 1, d1 = d + 1;
	int W = mw->width;
	double inv_n = 1.0 / n, gscale = inv_n;
	const long *goff = m->off_mem0;		/* Γ's offsets: lfom, rec */
	bool has_gamma = m->cfg.memory == MS_MEMORY_LFOM ||
	    m->cfg.memory == MS_MEMORY_REC;

	if (m->cfg.memory == MS_MEMORY_CGD) {
		for (int l = 0; l < L; l++) {
			mw->mem_a[l] = p[m->off_mem0[l]] * inv_n;
			mw->mem_g[l] = p[m->off_mem1[l]];
		}
	}
	if (m->cfg.memory == MS_MEMORY_REC) {
		/* rec's Γ_ℓ multiplies the register as it is: no 1/n */
		for (int l = 0; l < L; l++)
			mw->mem_a[l] = p[m->off_mem0[l]] * inv_n;
		goff = m->off_mem1;
		gscale = 1.0;
	}
	if (mw->kernel == KERNEL_LABEL) {
		size_t sz = m->cfg.param == MS_PARAM_SCALAR ? 1 : (size_t)d * d;

		/* heads are summed: only Σ_h A_h matters on the label row */
		for (int l = 0; l < L; l++) {
			for (size_t e = 0; e < sz; e++) {
				double a = 0.0;

				for (int h = 0; h < H; h++)
					a += m->off_gate < 0 ?
					    p[m->off_attn0[l * H + h] + e] :
					    p[m->off_gate + h] *
					    p[m->off_attn0[l * H + h] + e];
				mw->Ad[l * sz + e] = a;
			}
		}
		if (!has_gamma)
			return;
		/* only Γ_ℓ's label row (row d) meets a non-zero register */
		for (int l = 0; l < L; l++)
			for (int i = 0; i < n1; i++)
				mw->Gv[(size_t)l * n1 + i] = gscale *
				    p[goff[l] + (long)d * n1 + i];
		return;
	}
	model_dense_expand(m, mw->Pd, mw->Qd);
	if (m->off_gate >= 0) {
		/* the ungated Q for the gates' gradients (model_store_grads) */
		memcpy(mw->Qh, mw->Qd, mw->attn_len / 2 * sizeof *mw->Qh);
		model_gate_scale(m, mw->Qd);
	}
	if (has_gamma) {
		/* Γ_ℓ is stored feature-major (d+1, n+1); Z is token-major */
		for (int l = 0; l < L; l++)
			for (int i = 0; i < n1; i++)
				for (int f = 0; f < d1; f++)
					mw->Gd[((size_t)l * n1 + i) * d1 + f] =
					    gscale * p[goff[l] +
					    (long)f * n1 + i];
	}
	if (mw->kernel != KERNEL_DENSE_LANES)
		return;
	for (size_t e = 0; e < (size_t)L * H * d1 * d1; e++)
		for (int t = 0; t < W; t++) {
			mw->Pv[e * W + t] = mw->Pd[e];
			mw->Qv[e * W + t] = mw->Qd[e];
		}
}

/* rec's layer l from the memory sums gm ((L, 1 + Γ's): α before its 1/n,
 * then Γ_ℓ's label row or token-major Γ_ℓ). */
static void
model_store_rec(struct model *m, int l, const double *gm)
{
	int d = m->d, n1 = m->n + 1, d1 = d + 1;
	size_t len = m->path == MODEL_PATH_LABEL ? (size_t)n1 :
	    (size_t)n1 * d1;
	const double *gl = gm + (size_t)l * (1 + len);
	double *gG = m->grads + m->off_mem1[l];

	m->grads[m->off_mem0[l]] = (1.0 / m->n) * gl[0];	/* as cgd's */
	for (int i = 0; i < n1; i++) {
		if (m->path == MODEL_PATH_LABEL) {
			gG[(size_t)d * n1 + i] = gl[1 + i];
			continue;
		}
		for (int f = 0; f < d1; f++)
			gG[(size_t)f * n1 + i] = gl[1 + (size_t)i * d1 + f];
	}
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

		for (int l = 0; l < L && m->off_gate < 0; l++)
			for (int h = 0; h < H; h++)
				memcpy(m->grads + m->off_attn0[l * H + h],
				    total + l * sz, sz * sizeof(double));
		if (m->off_gate >= 0)
			model_gate_label_grads(m, total, sz);
	} else if (m->off_gate < 0)
		model_dense_contract(m, total, total + mw->attn_len / 2);
	else {
		model_gate_dense_grads(m, total + mw->attn_len / 2, mw->gQ);
		model_dense_contract(m, total, mw->gQ);
	}
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
		case MS_MEMORY_REC:
			model_store_rec(m, l, gm);
			break;
		}
	}
}

static double
model_pass(struct model *m, const struct task_batch *tb, struct pool *pool,
    int backward, double *layer_mse, double *pred, int trace)
{
	struct model_pass ps = { .m = m, .tb = tb, .backward = backward,
	    .want_layers = layer_mse != NULL, .pred = pred, .trace = trace,
	    .cancel = m->cancel };
	struct model_work *mw;
	const double *sse;
	int L = m->L;

	if (model_direct_is(m))
		return model_direct_pass(m, tb, pool, backward, layer_mse,
		    pred);
	model_scratch_ensure(m, pool_size(pool));
	mw = m->work;
	model_prepare(m);
	m->interrupted = false;
	if (!model_shard_run(&ps, pool)) {
		/* some tasks were left out: nothing of this pass is used */
		m->interrupted = true;
		return NAN;
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
	return model_pass(m, tb, pool, 1, NULL, NULL, 0);
}

void
model_evaluate(struct model *m, const struct task_batch *tb,
    struct pool *pool, double *layer_mse)
{
	model_pass(m, tb, pool, 0, layer_mse, NULL, 0);
}

void
model_predict(struct model *m, const struct task_batch *tb,
    struct pool *pool, double *pred)
{
	model_pass(m, tb, pool, 0, NULL, pred, 0);
}

/*
 * One task's label rows and registers: the task runs alone (lane 0 of
 * worker 0), and they are read out of the kernel's activations.
 */
void
model_trace_task(struct model *m, const struct task_batch *tb, int b,
    double *label, double *reg)
{
	struct task_batch one = *tb;
	int n1 = m->n + 1, d1 = m->d + 1;
	size_t zl = (size_t)n1 * d1;
	const struct model_worker *w;
	enum model_kernel kernel;
	size_t W;

	if (model_direct_is(m)) {
		model_direct_trace(m, tb, b, label, reg);
		return;
	}
	/* a batch of one task: seek to task b; it runs in lane 0 of worker 0 */
	one.B = 1;
	one.X = tb->X + (size_t)b * n1 * m->d;
	one.y = tb->y + (size_t)b * n1;
	one.w = tb->w ? tb->w + (size_t)b * m->d : NULL;
	one.gen = 0;	/* not kept: the batch's own layout stays */
	model_pass(m, &one, NULL, 0, NULL, NULL, 1);
	w = &m->work->wk[0];
	kernel = m->work->kernel;
	W = m->work->width;
	for (int l = 0; l <= m->L; l++) {
		for (int i = 0; i < n1; i++) {
			size_t e = (size_t)l * n1 + i;
			size_t ez = l * zl + (size_t)i * d1 + m->d;
			int more = reg != NULL && l < m->L;

			switch (kernel) {
			case KERNEL_LABEL:
				label[e] = w->lab[e * W];
				if (more)
					reg[e] = w->reg[e * W];
				break;
			case KERNEL_DENSE_LANES:
				label[e] = w->Z[ez * W];
				if (more)
					reg[e] = w->R[ez * W];
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
