/*
 * The model's scratch, after llm.c: the shapes decide every buffer's size,
 * and each group of buffers is ONE allocation with named pointers into it:
 * the pass-wide buffers (struct model_work) one, and every worker (struct
 * model_worker) one of its own, so that workers never write to the same
 * cache line. A layout function lists a group's buffers once, each with
 * its size and shape: called without a base it only adds up the sizes,
 * with the allocation it points the pointers into it. A buffer the kernel
 * does not use has size 0 and stays NULL. Every buffer starts on a cache
 * line (64 bytes, which also aligns the lane vectors), and the allocation
 * is zeroed: a worker's sums must start zero. Lane buffers hold W doubles
 * an entry (the work's width, model_lanes.c).
 */
#include <stdlib.h>

#include "memscope/model.h"
#include "memscope/xmalloc.h"

#include "model_internal.h"

/* A group being laid out: with base NULL only its size is counted. */
struct scratch {
	double *base;
	size_t used;	/* doubles so far, each buffer a cache line on */
	size_t width;	/* doubles a lane entry */
};

/* The next n doubles of the group (NULL: n is 0, or only counting). */
static double *
scratch_doubles(struct scratch *s, size_t n)
{
	double *p = s->base != NULL && n > 0 ? s->base + s->used : NULL;

	s->used += (n + 7) & ~(size_t)7;
	return p;
}

/* The next n lane entries of the group. */
static double *
scratch_lanes(struct scratch *s, size_t n)
{
	return scratch_doubles(s, n * s->width);
}

/* How m's passes run: its path, and for the dense path its d. */
enum model_kernel
model_kernel_of(const struct model *m)
{
	return m->path == MODEL_PATH_LABEL ? KERNEL_LABEL :
	    m->d <= MODEL_SMALL_D ? KERNEL_DENSE_LANES : KERNEL_DENSE_TASK;
}

/* The kernel of m's path and the layout of a slot of sums. */
static void
scratch_shape(const struct model *m, struct model_work *mw)
{
	size_t d = m->d, n1 = m->n + 1, L = m->L, H = m->H, d1 = d + 1;
	enum ms_memory mem = m->cfg.memory;

	mw->kernel = model_kernel_of(m);
	if (mw->kernel == KERNEL_LABEL) {
		mw->attn_len = m->cfg.param == MS_PARAM_SCALAR ? L : L * d * d;
		mw->mem_len = mem == MS_MEMORY_LFOM ? L * n1 :
		    mem == MS_MEMORY_CGD ? 2 * L :
		    mem == MS_MEMORY_REC ? L * (1 + n1) : 0;
	} else {
		mw->attn_len = 2 * L * H * d1 * d1;
		mw->mem_len = mem == MS_MEMORY_LFOM ? L * n1 * d1 :
		    mem == MS_MEMORY_CGD ? 2 * L :
		    mem == MS_MEMORY_REC ? L * (1 + n1 * d1) : 0;
	}
	/* slots padded to a cache line: workers write different slots */
	mw->slot_len = (mw->attn_len + mw->mem_len + L + 1 + 7) & ~(size_t)7;
	mw->max_shards = mw->kernel == KERNEL_DENSE_TASK ? MODEL_SHARDS_TASK :
	    MODEL_SHARDS;
}

/* The pass-wide buffers of mw from base (NULL: only count); their size in
 * doubles. */
static size_t
scratch_work_layout(const struct model *m, struct model_work *mw,
    double *base)
{
	size_t d1 = m->d + 1, n1 = m->n + 1, L = m->L, H = m->H;
	size_t heads = L * H * d1 * d1, zl = n1 * d1;
	size_t lab = mw->kernel == KERNEL_LABEL;		/* 0 or 1 */
	size_t dense = !lab, lanes = mw->kernel == KERNEL_DENSE_LANES;
	size_t gated = dense && m->off_gate >= 0;
	struct scratch s = { base, 0, (size_t)mw->width };

	mw->slots = scratch_doubles(&s, (size_t)mw->max_shards *
	    mw->slot_len);				/* (shards, slot) */
	mw->total = scratch_doubles(&s, mw->slot_len);	/* (slot) */
	mw->Ad = scratch_doubles(&s, lab * mw->attn_len);	/* (L, d, d) | (L) */
	mw->Gv = scratch_doubles(&s, lab * L * n1);	/* (L, n+1) */
	mw->Pd = scratch_doubles(&s, dense * heads);	/* (L, H, d+1, d+1) */
	mw->Qd = scratch_doubles(&s, dense * heads);	/* (L, H, d+1, d+1) */
	mw->Qh = scratch_doubles(&s, gated * heads);	/* (L, H, d+1, d+1) */
	mw->gQ = scratch_doubles(&s, gated * heads);	/* (L, H, d+1, d+1) */
	mw->Gd = scratch_doubles(&s, dense * L * zl);	/* (L, n+1, d+1) */
	mw->Pv = scratch_lanes(&s, lanes * heads);	/* (L, H, d+1, d+1) */
	mw->Qv = scratch_lanes(&s, lanes * heads);	/* (L, H, d+1, d+1) */
	mw->mem_a = scratch_doubles(&s, L);		/* (L) */
	mw->mem_g = scratch_doubles(&s, L);		/* (L) */
	return s.used;
}

/* Worker w's buffers from base (NULL: only count); their size in doubles. */
static size_t
scratch_worker_layout(const struct model *m, const struct model_work *mw,
    struct model_worker *w, double *base)
{
	size_t d = m->d, n1 = m->n + 1, L = m->L, d1 = d + 1;
	size_t zl = n1 * d1, dd = d1 * d1;
	size_t lab = mw->kernel == KERNEL_LABEL;		/* 0 or 1 */
	size_t ln = mw->kernel != KERNEL_DENSE_TASK;		/* in lanes */
	size_t dw = mw->kernel == KERNEL_DENSE_LANES ? (size_t)mw->width :
	    mw->kernel == KERNEL_DENSE_TASK ? 1 : 0;
	size_t task = mw->kernel == KERNEL_DENSE_TASK;		/* 0 or 1 */
	struct scratch s = { base, 0, (size_t)mw->width };

	/* both lane kernels */
	w->xbuf = scratch_lanes(&s, ln * n1 * d);		/* (n+1, d) */
	w->ybuf = scratch_lanes(&s, ln * n1);			/* (n+1) */
	w->err = scratch_lanes(&s, ln * 1);			/* (1) */
	w->sums = scratch_doubles(&s, ln * MODEL_BLOCK * mw->slot_len);
							/* (halves, slot) */
	w->zero = scratch_doubles(&s, ln * n1 * d);		/* (n+1, d) */
	/* label path */
	w->lab = scratch_lanes(&s, lab * (L + 1) * n1);		/* (L+1, n+1) */
	w->reg = scratch_lanes(&s, lab * L * n1);		/* (L, n+1) */
	w->s = scratch_lanes(&s, lab * L * d);			/* (L, d) */
	w->v = scratch_lanes(&s, lab * L * d);			/* (L, d) */
	w->u = scratch_lanes(&s, lab * n1);			/* (n+1) */
	w->gy = scratch_lanes(&s, lab * n1);			/* (n+1) */
	w->gr = scratch_lanes(&s, lab * n1);			/* (n+1) */
	w->acc = scratch_lanes(&s, lab * n1);			/* (n+1) */
	w->gv = scratch_lanes(&s, lab * 2 * d);		/* (2, d) */
	w->gs = scratch_lanes(&s, lab * d);			/* (d) */
	w->defer = scratch_lanes(&s, (mw->flush != NULL) * MODEL_DEFER * L *
	    2 * d);					/* (defer, L, 2, d) */
	/* dense path, dw doubles an entry (W in lanes, 1 a task) */
	w->Z = scratch_doubles(&s, dw * (L + 1) * zl);	/* (L+1, n+1, d+1) */
	w->R = scratch_doubles(&s, dw * L * zl);	/* (L, n+1, d+1) */
	w->U = scratch_doubles(&s, dw * zl);		/* (n+1, d+1) */
	w->C = scratch_doubles(&s, dw * L * dd);	/* (L, d+1, d+1) */
	w->K = scratch_doubles(&s, dw * L * dd);	/* (L, d+1, d+1) */
	w->gK = scratch_doubles(&s, dw * dd);		/* (d+1, d+1) */
	w->gC = scratch_doubles(&s, dw * dd);		/* (d+1, d+1) */
	w->tmp = scratch_doubles(&s, dw * dd);		/* (d+1, d+1) */
	w->gZ = scratch_doubles(&s, dw * zl);		/* (n+1, d+1) */
	w->gS = scratch_doubles(&s, dw * zl);		/* (n+1, d+1) */
	w->gacc = scratch_doubles(&s, dw * zl);		/* (n+1, d+1) */
	/* one task at a time: the last layer's vectors */
	w->klast = scratch_doubles(&s, task * d1);		/* (d+1) */
	w->vlast = scratch_doubles(&s, task * m->H * d1);	/* (H, d+1) */
	w->tlast = scratch_doubles(&s, task * 2 * (n1 + d1));
	return s.used;
}

/* Free the scratch; the next pass allocates it again. */
void
model_scratch_free(struct model *m)
{
	struct model_work *mw = m->work;

	if (mw == NULL)
		return;
	model_lanes_free(mw);
	for (int i = 0; i < mw->nworkers; i++)
		free(mw->wk[i].block);
	free(mw->wk);
	free(mw->block);
	free(mw);
	m->work = NULL;
	m->nwork = 0;
}

/* Make sure there is scratch space for at least nworkers workers. */
void
model_scratch_ensure(struct model *m, int nworkers)
{
	struct model_work *mw;

	if (m->work != NULL && m->work->nworkers >= nworkers &&
	    m->work->isa == model_isa_current())
		return;
	model_scratch_free(m);
	mw = m->work = xcalloc(1, sizeof *mw);
	mw->nworkers = m->nwork = nworkers;
	scratch_shape(m, mw);
	model_lanes_choose(mw, m->path == MODEL_PATH_LABEL &&
	    m->d > MODEL_SMALL_D && m->cfg.param != MS_PARAM_SCALAR);
	mw->block = xdoubles(scratch_work_layout(m, mw, NULL));
	scratch_work_layout(m, mw, mw->block);
	mw->wk = xcalloc_lines((size_t)nworkers, sizeof *mw->wk);
	for (int i = 0; i < nworkers; i++) {
		struct model_worker *w = &mw->wk[i];

		w->block = xdoubles(scratch_worker_layout(m, mw, w, NULL));
		scratch_worker_layout(m, mw, w, w->block);
	}
}
