/*
 * What the model's files share, private to src/core/model*.c (the API is
 * include/memscope/model.h):
 *
 *   model.c          parameter table; the passes (loss and gradient,
 *                    evaluation, prediction, one task's trace)
 *   model_scratch.c  the scratch: size tables, one allocation per worker
 *   model_memory.h   the memory update of every kernel (doc/math.md §4)
 *   model_label.c    label-path kernels (scalar, pre), in lanes
 *   model_dense.c    dense-path kernels (any parametrization): in lanes for
 *                    small d, one task at a time with OpenBLAS above; the
 *                    expansion into P, Q and the contraction back
 *   model_shard.c    blocks and shards of the batch across the compute pool
 *   model_cost.c     FLOPs of a step; the instruction set of the kernels
 *   model_direct.c   the direct kinds (an LFOM learned without attention):
 *                    their passes, trace and cost, one task at a time
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
 */
#ifndef MEMSCOPE_MODEL_INTERNAL_H
#define MEMSCOPE_MODEL_INTERNAL_H

#include <stdatomic.h>
#include <stddef.h>

#include "memscope/model.h"
#include "memscope/pool.h"
#include "memscope/task.h"

/* Tasks per block (the vector width of the kernels) and shards per pass:
 * enough that two threads end within a small shard of each other. */
#define MODEL_LANES 4
#define MODEL_SHARDS 32
#define MODEL_SHARDS_TASK 8
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
/* model_dense.c: where the one-task-at-a-time kernel's products go: plain
 * loops below loops_below multiply-adds, else OpenBLAS calls of at most
 * blas_part each (a product cut into parts); tests change them to compare
 * the ways. */
struct model_dense_gemm {
	long loops_below, blas_part;
};
extern struct model_dense_gemm model_dense_gemm;

#endif

/* How a pass runs: label path in lanes; dense path in lanes (d ≤
 * MODEL_SMALL_D) or one task at a time with BLAS for the products. */
enum model_kernel { KERNEL_LABEL, KERNEL_DENSE_LANES, KERNEL_DENSE_TASK };

/*
 * One worker's scratch: a block's activations and its gradient sums, all
 * pointers into the one allocation `block` (model_scratch.c); a buffer the
 * kernel does not use is NULL.
 */
struct model_worker {
	double *block;		/* the allocation; everything below points in */
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
	/* dense path: the same buffers in lanes (d ≤ MODEL_SMALL_D, one vlane
	 * an entry: the names ending in v) or for one task at a time (larger
	 * d, the products in BLAS) */
	union { vlane *Zv; double *Z; };	/* (L+1, n+1, d+1) token matrix
						 * after each layer */
	union { vlane *Rv; double *R; };	/* (L, n+1, d+1) registers */
	union { vlane *Uv; double *U; };	/* (n+1, d+1) lfom running
						 * sum */
	union { vlane *Cv; double *C; };	/* (L, d+1, d+1) context second
						 * moments */
	union { vlane *Kv; double *K; };	/* (L, d+1, d+1)
						 * Σ_h P_h C Q_hᵀ */
	union { vlane *gKv; double *gK; };	/* (d+1, d+1) */
	union { vlane *gCv; double *gC; };	/* (d+1, d+1) */
	union { vlane *tmpv; double *tmp; };	/* (d+1, d+1) */
	union { vlane *gZv; double *gZ; };	/* (n+1, d+1) */
	union { vlane *gSv; double *gS; };	/* (n+1, d+1) */
	union { vlane *gaccv; double *gacc; };	/* (n+1, d+1) */
	/* one task at a time, the last layer (model_dense.c) */
	double *klast;		/* (d+1) row d of its K */
	double *vlast;		/* (H, d+1) C P_hᵀ's column d */
	double *tlast;		/* (2(n+1) + 2(d+1)) vectors */
};

/*
 * Scratch of a model: per-worker buffers, the pass-wide inputs derived from
 * the parameters, and one slot of sums per shard. A slot (slot_len doubles,
 * padded to a cache line) holds, in order: the attention gradient sums
 * (label: Σ_h A_h's, (L, d, d) or (L); dense: P then Q, (L, H, d+1, d+1)
 * each), the memory gradient sums (lfom: Γ, label (L, n+1) or dense
 * token-major (L, n+1, d+1); cgd: (L, 2) α, γ; rec: (L, 1 + Γ's) α then
 * Γ_ℓ, label or dense token-major; before the 1/n of α and lfom's Γ),
 * the squared error after each layer (L) and the loss sum (1).
 * The pass-wide buffers are pointers into the one allocation `block`.
 */
struct model_work {
	enum model_kernel kernel;
	int nworkers;
	struct model_worker *wk;	/* (nworkers) */
	size_t attn_len, mem_len, slot_len;
	int max_shards;		/* MODEL_SHARDS or MODEL_SHARDS_TASK */
	double *block;		/* the allocation of the buffers below */
	double *slots;		/* (max_shards, slot_len) */
	double *total;		/* (slot_len) slots added in shard order */
	vlane *Av;		/* label: (L, d, d) Σ_h A_h, or (L) a */
	vlane *Gv;		/* label lfom: (L, n+1) Γ_ℓ's label row / n
				 * (rec: without the 1/n) */
	double *Gd;		/* dense lfom: (L, n+1, d+1) Γ_ℓ / n (rec:
				 * Γ_ℓ) */
	double *Pd, *Qd;	/* dense: (L, H, d+1, d+1) (Q gated) */
	double *Qh, *gQ;	/* dense with gates: (L, H, d+1, d+1) the
				 * heads' own Q; dL/dQ of the heads' blocks */
	vlane *Pv, *Qv;		/* dense lanes: the same, lanes equal */
	vlane *Gdv;		/* dense lanes lfom: Gd, lanes equal */
	double *mem_a, *mem_g;	/* cgd: (L) α_ℓ/n and γ_ℓ; rec: α_ℓ/n */
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

/* model_scratch.c: scratch for at least nworkers workers (kept if it is). */
void model_scratch_ensure(struct model *m, int nworkers);
/* model_scratch.c: free the scratch (the next pass allocates it again). */
void model_scratch_free(struct model *m);

/* model_label.c: a block through every layer (ŷ − y_q in w->err, squared
 * errors added into w->sum) and, if ps->backward, straight back from the
 * loss (gradient sums added into w->sum). */
void model_label_block(const struct model_pass *ps, struct model_worker *w);
/* model_dense.c: the same on the whole token matrix of a block in lanes
 * (d ≤ MODEL_SMALL_D). */
void model_dense_lanes_block(const struct model_pass *ps,
    struct model_worker *w);
/* model_dense.c: task b forward, one at a time; returns ŷ_L − y_q and adds
 * the squared error after every layer into sse (L). */
double model_dense_task_forward(const struct model_pass *ps,
    struct model_worker *w, double *sse, int b);
/* model_dense.c: backward of model_dense_task_forward; sums into slot. */
void model_dense_task_backward(const struct model_pass *ps,
    struct model_worker *w, double *slot, double err);
/* model_dense.c: each layer's heads expanded into dense P and Q. */
void model_dense_expand(const struct model *m, double *Pd, double *Qd);
/* model_dense.c: dense gP, gQ sums contracted onto the blocks' gradients. */
void model_dense_contract(struct model *m, const double *gPd,
    const double *gQd);

/* model_shard.c: run the pass's shards on the pool and leave their sums,
 * added in shard order, in m->work->total; false if it was cancelled. */
bool model_shard_run(struct model_pass *ps, struct pool *pool);

/* model_direct.c: whether m is a direct kind (direct, direct-pairs). */
bool model_direct_is(const struct model *m);
/* model_direct.c: the context points g(w) sums over (n; n − 1 quirks). */
int model_direct_points(const struct model *m);
/* model_direct.c: a direct kind's pass (model_pass's contract). */
double model_direct_pass(struct model *m, const struct task_batch *tb,
    struct pool *pool, int backward, double *layer_mse, double *pred);
/* model_direct.c: task b's label rows and registers (model_trace_task). */
void model_direct_trace(struct model *m, const struct task_batch *tb, int b,
    double *label, double *reg);
/* model_direct.c: FLOPs of a training step on `batch` tasks. */
double model_direct_flops(const struct model *m, int batch);
/* model_direct.c: free the direct kinds' scratch. */
void model_direct_free(struct model *m);
/* model_gate.c (cfg.gates): each head's dense Q multiplied by its gate. */
void model_gate_scale(const struct model *m, double *Qd);
/* model_gate.c: label-path head and gate gradients from the sums (L, sz). */
void model_gate_label_grads(struct model *m, const double *total, size_t sz);
/* model_gate.c: dense gate gradients; gQout = gQd times each head's gate. */
void model_gate_dense_grads(struct model *m, const double *gQd,
    double *gQout);

/* model_dense.c: where the one-task-at-a-time kernel's products go: plain
 * loops below loops_below multiply-adds, else OpenBLAS calls of at most
 * blas_part each (a product cut into parts); tests change them to compare
 * the ways. */
struct model_dense_gemm {
	long loops_below, blas_part;
};
extern struct model_dense_gemm model_dense_gemm;

#endif
