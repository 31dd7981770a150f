/*
 * Optimizers learned directly, without a transformer (doc/math.md §11): the
 * model IS a linear first-order method on the context's least squares.
 *
 *   w_0 = 0,  g(w) = Σ_{j<m} x_j (x_jᵀ w − y_j)   (m = n; n − 1 under quirks)
 *   direct:        w_{k+1} = w_k − Σ_{i≤k} γ_i ⊙ g(w_i),   γ_i ∈ R^d
 *   direct-pairs:  w_{k+1} = w_k − Σ_{i≤k} Γ_i^k ⊙ g(w_i),  Γ_i^k ∈ R^d
 *
 * and the read-out after step k is x_qᵀ w_k (k = 1..K, K = --layers).
 * Blocks: direct has "g" (layer i, head -1, d × 1) for step i's γ_i; pairs
 * has "G" (layer k, head i, d × 1) for Γ_i^k, i ≤ k, in the order k = 0..K−1,
 * i = 0..k, so pair (k, i) sits at offset (k(k+1)/2 + i)·d.
 *
 * Backward (reverse mode through the recursion). With a_k = ∂L/∂w_k and
 * H = Σ_{j<m} x_j x_jᵀ: c_i = ∂L/∂g_i = −Σ_{k≥i} Γ_i^k ⊙ a_{k+1},
 * ∂L/∂Γ_i^k = −a_{k+1} ⊙ g_i and a_k = a_{k+1} + H c_k, from a_K = 2e x_q/B.
 * For direct Σ_{k≥i} a_{k+1} is a running sum, so a task costs O(K n d)
 * (pairs: O(K² d + K n d)). Tasks run one at a time, scalar code; the batch
 * is cut into at most DIRECT_SHARDS contiguous shards (a function of B
 * only) that the pool's workers take from a counter, each summing into its
 * own slot, and the slots are added in shard order: the same bits for any
 * thread count.
 */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/model.h"
#include "memscope/pool.h"
#include "memscope/xmalloc.h"

#include "model_internal.h"

#define DIRECT_SHARDS 32

/* One worker's buffers for one task. */
struct direct_worker {
	double *w;	/* (K+1, d) iterates w_0 .. w_K */
	double *g;	/* (K, d) gradients g(w_0) .. g(w_{K−1}) */
	double *a;	/* (K+1, d) ∂L/∂w_k */
	double *s;	/* (d) direct: running Σ γ_i ⊙ g_i; backward Σ a */
	double *c;	/* (d) ∂L/∂g_k */
	double *err;	/* (K) x_qᵀ w_k − y_q, k = 1..K */
};

struct model_direct_work {
	int nworkers;
	size_t slot_len;	/* nparams gradient sums, K squared errors */
	double *slots;		/* (DIRECT_SHARDS, slot_len) */
	double *total;		/* (slot_len) */
	struct direct_worker *wk;	/* (nworkers) */
	double *block;		/* the workers' buffers */
};

struct direct_pass {
	struct model *m;
	const struct task_batch *tb;
	int backward;
	double *pred;
	int nshards;
	atomic_int next;
	atomic_int stopped;
};

/* Whether m is one of the direct kinds. */
bool
model_direct_is(const struct model *m)
{
	return config_param_is_direct(m->cfg.param);
}

/* Context points the gradient g(w) sums over: n, or n − 1 under quirks
 * (the authors' notebook; the one place --quirks touches a model). */
int
model_direct_points(const struct model *m)
{
	return m->cfg.quirks ? m->n - 1 : m->n;
}

/* Γ_i^k of step k on gradient i: γ_i for direct. */
static const double *
direct_coef(const struct model *m, const double *p, int k, int i)
{
	if (m->cfg.param == MS_PARAM_DIRECT)
		return p + (size_t)i * m->d;
	return p + ((size_t)k * (k + 1) / 2 + i) * m->d;
}

/* out = Σ_{j<pts} x_j (x_jᵀ v − y_j) (y NULL: no − y_j term). */
static void
direct_hess(const double *X, const double *y, int pts, int d,
    const double *v, double *out)
{
	memset(out, 0, (size_t)d * sizeof *out);
	for (int j = 0; j < pts; j++) {
		const double *x = X + (size_t)j * d;
		double r = 0.0;

		for (int f = 0; f < d; f++)
			r += x[f] * v[f];
		if (y != NULL)
			r -= y[j];
		for (int f = 0; f < d; f++)
			out[f] += x[f] * r;
	}
}

/* Task X, y forward: w->w, w->g; the query errors x_qᵀ w_k − y_q into
 * err[k−1], k = 1..K; returns the prediction x_qᵀ w_K. */
static double
direct_forward(const struct model *m, struct direct_worker *w,
    const double *X, const double *y, double *err)
{
	int d = m->d, K = m->L, n = m->n, pts = model_direct_points(m);
	const double *xq = X + (size_t)n * d;
	double p = 0.0;

	memset(w->w, 0, (size_t)d * sizeof *w->w);
	memset(w->s, 0, (size_t)d * sizeof *w->s);
	for (int k = 0; k < K; k++) {
		const double *wk = w->w + (size_t)k * d;
		double *gk = w->g + (size_t)k * d;
		double *next = w->w + (size_t)(k + 1) * d;

		direct_hess(X, y, pts, d, wk, gk);
		if (m->cfg.param == MS_PARAM_DIRECT) {
			const double *gam = direct_coef(m, m->params, k, k);

			for (int f = 0; f < d; f++) {
				w->s[f] += gam[f] * gk[f];
				next[f] = wk[f] - w->s[f];
			}
		} else {
			memcpy(next, wk, (size_t)d * sizeof *next);
			for (int i = 0; i <= k; i++) {
				const double *G = direct_coef(m, m->params, k, i);
				const double *gi = w->g + (size_t)i * d;

				for (int f = 0; f < d; f++)
					next[f] -= G[f] * gi[f];
			}
		}
		p = 0.0;
		for (int f = 0; f < d; f++)
			p += xq[f] * next[f];
		err[k] = p - y[n];
	}
	return p;
}

/* Backward of direct_forward from the last error; gradient sums into gp. */
static void
direct_backward(const struct model *m, struct direct_worker *w,
    const double *X, double e, double scale, double *gp)
{
	int d = m->d, K = m->L, n = m->n, pts = model_direct_points(m);
	const double *xq = X + (size_t)n * d;
	int direct = m->cfg.param == MS_PARAM_DIRECT;

	for (int f = 0; f < d; f++) {
		w->a[(size_t)K * d + f] = 2.0 * e * scale * xq[f];
		w->s[f] = 0.0;
	}
	for (int k = K - 1; k >= 0; k--) {
		const double *gk = w->g + (size_t)k * d;
		const double *ak1 = w->a + (size_t)(k + 1) * d;

		if (direct) {
			const double *gam = direct_coef(m, m->params, k, k);
			double *dg = gp + (size_t)k * d;

			for (int f = 0; f < d; f++) {
				w->s[f] += ak1[f];	/* Σ_{k'≥k} a_{k'+1} */
				dg[f] -= w->s[f] * gk[f];
				w->c[f] = -gam[f] * w->s[f];
			}
		} else {
			memset(w->c, 0, (size_t)d * sizeof *w->c);
			for (int kk = k; kk < K; kk++) {
				const double *G = direct_coef(m, m->params, kk, k);
				const double *a = w->a + (size_t)(kk + 1) * d;
				double *dG = (double *)direct_coef(m, gp, kk, k);

				for (int f = 0; f < d; f++) {
					dG[f] -= a[f] * gk[f];
					w->c[f] -= G[f] * a[f];
				}
			}
		}
		if (k == 0)
			break;
		/* a_k = a_{k+1} + H c_k */
		direct_hess(X, NULL, pts, d, w->c, w->a + (size_t)k * d);
		for (int f = 0; f < d; f++)
			w->a[(size_t)k * d + f] += ak1[f];
	}
}

/* Task b's tokens and labels in the batch. */
static void
direct_task(const struct task_batch *tb, int b, const double **X,
    const double **y)
{
	int n1 = tb->n + 1;

	*X = tb->X + (size_t)b * n1 * tb->d;
	*y = tb->y + (size_t)b * n1;
}

/* One worker: shards from the counter until none is left. */
static void
direct_worker_run(void *ctx, int worker, int nworkers)
{
	struct direct_pass *ps = ctx;
	struct model *m = ps->m;
	struct model_direct_work *dw = m->direct;
	struct direct_worker *w = &dw->wk[worker];
	double *err = w->err;
	int K = m->L;

	(void)nworkers;
	for (;;) {
		int sh = atomic_fetch_add(&ps->next, 1), lo, hi;
		double *slot, *sse;

		if (sh >= ps->nshards)
			break;
		/* only now: past the last shard the slot would lie outside */
		slot = dw->slots + (size_t)sh * dw->slot_len;
		sse = slot + m->nparams;
		memset(slot, 0, dw->slot_len * sizeof *slot);
		pool_split(ps->tb->B, sh, ps->nshards, &lo, &hi);
		for (int b = lo; b < hi; b++) {
			const double *X, *y;
			double p;

			if (m->cancel != NULL && atomic_load(m->cancel)) {
				atomic_store(&ps->stopped, 1);
				break;
			}
			direct_task(ps->tb, b, &X, &y);
			p = direct_forward(m, w, X, y, err);
			for (int k = 0; k < K; k++)
				sse[k] += err[k] * err[k];
			if (ps->pred != NULL)
				ps->pred[b] = p;
			if (ps->backward)
				direct_backward(m, w, X, err[K - 1],
				    1.0 / ps->tb->B, slot);
		}
	}
}

/* Scratch for nworkers workers (kept if it is large enough). */
static void
direct_ensure(struct model *m, int nworkers)
{
	struct model_direct_work *dw = m->direct;
	size_t d = m->d, K = m->L, per;

	if (dw != NULL && dw->nworkers >= nworkers)
		return;
	model_direct_free(m);
	dw = m->direct = xcalloc(1, sizeof *dw);
	dw->nworkers = nworkers;
	dw->slot_len = m->nparams + K;
	dw->slots = xdoubles(DIRECT_SHARDS * dw->slot_len);
	dw->total = xdoubles(dw->slot_len);
	per = (K + 1) * d + K * d + (K + 1) * d + 2 * d + K;
	dw->block = xdoubles((size_t)nworkers * per);
	dw->wk = xcalloc((size_t)nworkers, sizeof *dw->wk);
	for (int i = 0; i < nworkers; i++) {
		struct direct_worker *w = &dw->wk[i];
		double *p = dw->block + (size_t)i * per;

		w->w = p;
		w->g = w->w + (K + 1) * d;
		w->a = w->g + K * d;
		w->s = w->a + (K + 1) * d;
		w->c = w->s + d;
		w->err = w->c + d;
	}
}

/* Free the direct kinds' scratch. */
void
model_direct_free(struct model *m)
{
	struct model_direct_work *dw = m->direct;

	if (dw == NULL)
		return;
	free(dw->slots);
	free(dw->total);
	free(dw->block);
	free(dw->wk);
	free(dw);
	m->direct = NULL;
}

/* A pass of a direct kind: model_pass's contract (loss, m->grads if
 * backward, per-step errors, predictions). */
double
model_direct_pass(struct model *m, const struct task_batch *tb,
    struct pool *pool, int backward, double *layer_mse, double *pred)
{
	struct direct_pass ps = { .m = m, .tb = tb, .backward = backward,
	    .pred = pred };
	struct model_direct_work *dw;
	int K = m->L;

	direct_ensure(m, pool_size(pool));
	dw = m->direct;
	ps.nshards = tb->B < DIRECT_SHARDS ? tb->B : DIRECT_SHARDS;
	atomic_init(&ps.next, 0);
	atomic_init(&ps.stopped, 0);
	m->interrupted = false;
	pool_run(pool, direct_worker_run, &ps);
	if (atomic_load(&ps.stopped)) {
		m->interrupted = true;
		return NAN;
	}
	/* the slots in shard order: the same for any thread count */
	memcpy(dw->total, dw->slots, dw->slot_len * sizeof(double));
	for (int sh = 1; sh < ps.nshards; sh++)
		for (size_t g = 0; g < dw->slot_len; g++)
			dw->total[g] += dw->slots[(size_t)sh * dw->slot_len + g];
	if (backward)
		memcpy(m->grads, dw->total, m->nparams * sizeof(double));
	if (layer_mse != NULL)
		for (int k = 0; k < K; k++)
			layer_mse[k] = dw->total[m->nparams + k] / tb->B;
	return dw->total[m->nparams + K - 1] / tb->B;
}

/*
 * Task b's trace in the transformer's terms: label[k(n+1) + i] = y_i −
 * x_iᵀ w_k (the query's: −x_qᵀ w_k), k = 0..K, and reg[k(n+1) + i] = n
 * times the change of that cell in step k, as a memoryless layer's
 * register (Z_{k+1} = Z_k + R_k/n).
 */
void
model_direct_trace(struct model *m, const struct task_batch *tb, int b,
    double *label, double *reg)
{
	int d = m->d, n = m->n, n1 = n + 1, K = m->L;
	const double *X, *y;
	struct direct_worker *w;

	direct_ensure(m, 1);
	w = &m->direct->wk[0];
	direct_task(tb, b, &X, &y);
	direct_forward(m, w, X, y, w->err);
	for (int k = 0; k <= K; k++)
		for (int i = 0; i < n1; i++) {
			const double *x = X + (size_t)i * d;
			double p = 0.0;

			for (int f = 0; f < d; f++)
				p += x[f] * w->w[(size_t)k * d + f];
			label[(size_t)k * n1 + i] = (i < n ? y[i] : 0.0) - p;
		}
	for (int k = 0; reg != NULL && k < K; k++)
		for (int i = 0; i < n1; i++)
			reg[(size_t)k * n1 + i] = n * (label[(size_t)(k + 1) *
			    n1 + i] - label[(size_t)k * n1 + i]);
}

/* FLOPs of a training step of a direct kind on `batch` tasks. */
double
model_direct_flops(const struct model *m, int batch)
{
	double d = m->d, K = m->L, pts = model_direct_points(m), task = 0;

	/* forward: g_k (4 pts d), the update, the read-out (2d) */
	task += K * (4 * pts * d + 2 * d);
	if (m->cfg.param == MS_PARAM_DIRECT)
		task += K * 3 * d;		/* s += γ g; w − s */
	else
		task += K * (K + 1) / 2 * 2 * d;	/* Σ_i Γ g_i */
	/* backward: H c_k (4 pts d + d) above step 0, the coefficients */
	task += (K - 1) * (4 * pts * d + d);
	task += m->cfg.param == MS_PARAM_DIRECT ? K * 5 * d :
	    K * (K + 1) / 2 * 4 * d;
	return (task + 4) * batch + 13.0 * (double)m->nparams;
}
