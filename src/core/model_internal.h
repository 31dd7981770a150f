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
 * of MODEL_BLOCK (8), interleaved: lane t of a block belongs to task
 * b0 + t. A kernel runs a block at its instruction set's natural width W
 * (model_lanes.c): AVX-512 all 8 lanes in one vector (W = 8), AVX2 and
 * baseline x86-64 as two halves of W = 4 lanes, one after the other. The
 * block's arrays hold one vector (type vlane, W doubles) per entry:
 * x[(i*d + k)][t] is token i, feature k of task b0 + h*W + t in half h.
 * Every lane runs exactly the scalar operation sequence of its task, in
 * the same order, and the sums of a shard are kept per lane of the block
 * (a half's lanes in their own buffer) and added in lane order 0..7, so a
 * task's values, and every sum over tasks, do not depend on the batch size,
 * its position in the batch, the thread count or the instruction set. No
 * clone contracts a*b + c into an FMA (C11 mode keeps GCC at
 * -ffp-contract=off, and the AVX2 and baseline targets have none): the
 * baseline has no FMA instruction, and a correctly rounded software fma
 * there would cost more than it saves elsewhere. A partial last block is
 * padded with zero tasks, whose contributions are exact zeros. Both paths
 * run in lanes for d ≤ MODEL_SMALL_D, with d a compile-time constant in
 * each kernel instance (the running sums then live in registers); above it
 * the label path runs the same kernels with d a variable, and the dense
 * path runs one task at a time with its products in OpenBLAS.
 *
 * A batch's lane layout (its tokens and labels, interleaved as above) is
 * built once per batch contents (task_batch's generation) and kept in the
 * work, so the training step on a fixed batch reads it as it is.
 */
#ifndef MEMSCOPE_MODEL_INTERNAL_H
#define MEMSCOPE_MODEL_INTERNAL_H

#include <stdatomic.h>
#include <stddef.h>

#include "memscope/model.h"
#include "memscope/pool.h"
#include "memscope/task.h"

#include "clones.h"

/* Tasks per block (the widest vector) and shards per pass: enough that
 * two threads end within a small shard of each other. */
#define MODEL_BLOCK 8
#define MODEL_SHARDS 12
#define MODEL_SHARDS_TASK 8
/* Feature dimensions up to this get kernels with d a compile-time constant. */
#define MODEL_SMALL_D 8
/* Half-blocks whose attention gradient the large-d pre kernel collects
 * before adding them into the sums (model_label_kern.h). */
#define MODEL_DEFER 4
/* Lane layouts of a batch up to this many bytes are kept (model_lanes.c);
 * a larger batch is interleaved block by block in each pass. */
#define MODEL_LANE_CACHE_BYTES ((size_t)256 << 20)

struct model_pass;
struct model_worker;
/* A lane kernel: one half-block (W tasks at w->x, w->yt) forward through
 * every layer and, in a pass with gradients, straight back; sums added into
 * w->sum. */
typedef void (*model_block_fn)(const struct model_pass *ps,
    struct model_worker *w);

/* Lane sums into out: out[g] = the sum over the block's lanes 0..7, in
 * that order, of entry g of sums ((MODEL_BLOCK / W, len) entries of W
 * doubles, half h's lane t being lane h*W + t); sums are left zero. len is
 * a multiple of 8. */
typedef void (*model_reduce_fn)(double *sums, double *out, size_t len);

/* How a pass runs: label path in lanes; dense path in lanes (d ≤
 * MODEL_SMALL_D) or one task at a time with BLAS for the products. */
enum model_kernel { KERNEL_LABEL, KERNEL_DENSE_LANES, KERNEL_DENSE_TASK };

/*
 * One worker's scratch: a block's activations and its gradient sums, all
 * pointers into the one allocation `block` (model_scratch.c); a buffer the
 * kernel does not use is NULL. Lane buffers hold W doubles an entry (the
 * work's width), lane t of an entry at [entry * W + t].
 */
struct model_worker {
	/* on cache lines of its own (the array is xcalloc_lines'): the
	 * pointers below are written every half-block */
	_Alignas(64) double *block;	/* the allocation; everything below
					 * points in */
	/* both lane kernels */
	const double *x;	/* (n+1, d) the half-block's tokens: into the
				 * work's lane layout or xbuf */
	const double *yt;	/* (n+1) true labels, query included */
	double *xbuf, *ybuf;	/* the same, interleaved here when the batch's
				 * layout is not kept */
	double *err;		/* (1) ŷ_L − y_q of each lane */
	double *sums;		/* (MODEL_BLOCK / W, slot_len) the shard's
				 * sums, per lane, one buffer per half */
	double *sum;		/* the half running now: into sums */
	int folded;		/* the shards whose slots this worker has
				 * added into its range of the total, in
				 * shard order (model_shard.c) */
	double *zero;		/* (n+1, d) zeros: the padding lanes' task */
	/* label path in lanes */
	double *lab;		/* (L+1, n+1) label row after each layer */
	double *reg;		/* (L, n+1) register label rows */
	double *s;		/* (L, d) Σ_{j<n} y_j x_j per layer */
	double *v;		/* (L, d) A s per layer */
	double *u;		/* (n+1) lfom: running Σ (Γ_j/n) ⊙ R_j */
	double *gy;		/* (n+1) dL/dZ_{ℓ+1}, then dL/dZ_ℓ */
	double *gr;		/* (n+1) dL/d(attention output of layer ℓ) */
	double *acc;		/* (n+1) carry: lfom Σ_{m≥ℓ} dL/dZ_{m+1} */
	double *gv, *gs;	/* (2, d) and (d), for d > MODEL_SMALL_D:
				 * gv of a layer and of the one below */
	double *defer;		/* (MODEL_DEFER, L, 2, d) large-d pre: each
				 * collected half-block's gv and s per layer */
	double *defer_sum[MODEL_DEFER];	/* the sums each belongs to */
	int ndefer;		/* half-blocks collected */
	/* dense path: in lanes (d ≤ MODEL_SMALL_D, W doubles an entry) or
	 * for one task at a time (larger d, the products in BLAS) */
	double *Z;		/* (L+1, n+1, d+1) token matrix after each
				 * layer */
	double *R;		/* (L, n+1, d+1) registers */
	double *U;		/* (n+1, d+1) lfom running sum */
	double *C;		/* (L, d+1, d+1) context second moments */
	double *K;		/* (L, d+1, d+1) Σ_h P_h C Q_hᵀ */
	double *gK;		/* (d+1, d+1) */
	double *gC;		/* (d+1, d+1) */
	double *tmp;		/* (d+1, d+1) */
	double *gZ;		/* (n+1, d+1) */
	double *gS;		/* (n+1, d+1) */
	double *gacc;		/* (n+1, d+1) */
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
	double *Ad;		/* label: (L, d, d) Σ_h A_h, or (L) a (the
				 * kernels broadcast each entry to the lanes) */
	double *Gv;		/* label lfom: (L, n+1) Γ_ℓ's label row / n
				 * (rec: without the 1/n); the kernels
				 * broadcast each entry to the lanes */
	double *Gd;		/* dense lfom: (L, n+1, d+1) Γ_ℓ / n (rec:
				 * Γ_ℓ) */
	double *Pd, *Qd;	/* dense: (L, H, d+1, d+1) (Q gated) */
	double *Qh, *gQ;	/* dense with gates: (L, H, d+1, d+1) the
				 * heads' own Q; dL/dQ of the heads' blocks */
	double *Pv, *Qv;	/* dense lanes: the same, lanes equal */
	double *mem_a, *mem_g;	/* cgd: (L) α_ℓ/n and γ_ℓ; rec: α_ℓ/n */
	/* the lane kernels */
	enum model_isa isa;	/* the instruction set they run with */
	int width;		/* W: lanes a vector (8 or 4) */
	model_block_fn run_block;	/* the kernel of a half-block */
	model_reduce_fn reduce;		/* a worker's sums into a slot */
	model_block_fn flush;		/* large-d pre: the collected
					 * gradients into the sums (else
					 * NULL) */
	/* the lane layout of the last batch, (nblocks, 8 / W, n+1, d) tokens
	 * and (nblocks, 8 / W, n+1) labels, W doubles an entry (NULL: not
	 * kept); valid while the key matches the batch; seen: the last
	 * batch not kept, kept if its next pass comes before another's */
	double *xl, *yl;
	struct lane_key { unsigned long gen; const double *X, *y; int B; } key,
	    seen;
};

/* The batch-wide inputs of one pass, shared by the workers. */
struct model_pass {
	struct model *m;
	const struct task_batch *tb;
	int backward;		/* compute gradients too */
	int want_layers;	/* squared error after every layer */
	int trace;		/* every token through the last layer (the
				 * trace reads them all); otherwise the label
				 * path runs its last layer on the query only:
				 * nothing else reads the others */
	double *pred;		/* (B) each task's prediction, or NULL */
	const atomic_int *cancel;	/* m->cancel: raised, workers stop */
	int nblocks, nshards;
	const double *xl, *yl;	/* the batch's kept lane layout, or NULL */
	/* the counters the workers write, each on a cache line of its own:
	 * the fields above are read all through the pass */
	/* each shard's worker (shard_owners): the same every pass, so a
	 * worker finds its shards' tokens in its own cache */
	short owner[MODEL_SHARDS > MODEL_SHARDS_TASK ? MODEL_SHARDS :
	    MODEL_SHARDS_TASK];
	_Alignas(64) atomic_uint taken;	/* bit sh: shard sh claimed */
	_Alignas(64) atomic_uint finished;	/* bit sh: shard sh's slot
						 * written */
	atomic_int stopped;	/* a worker stopped early: the pass is void */
};

/* model_scratch.c: how m's passes run (its path; the dense path in lanes
 * up to MODEL_SMALL_D, one task at a time above). */
enum model_kernel model_kernel_of(const struct model *m);
/* model_scratch.c: scratch for at least nworkers workers (kept if it is). */
void model_scratch_ensure(struct model *m, int nworkers);
/* model_scratch.c: free the scratch (the next pass allocates it again). */
void model_scratch_free(struct model *m);

/* model_lanes.c: the instruction set, width and kernels of mw's lane
 * kernels (mw->kernel set), for the instruction set in force; defer: the
 * large-d pre kernel (it collects its attention gradients, mw->flush). */
void model_lanes_choose(struct model_work *mw, bool defer);
/* model_lanes.c: before a pass's shards, the batch's lane layout kept in
 * the work (built if the batch changed, or dropped if too large). */
void model_lanes_prepare(struct model_pass *ps);
/* model_lanes.c: w->x, w->yt at half-block hb (tasks hb*W ..), from the
 * kept layout or interleaved into the worker's buffers. */
void model_lanes_load(const struct model_pass *ps, struct model_worker *w,
    int hb);
/* model_lanes.c: free the kept layout. */
void model_lanes_free(struct model_work *mw);
/* model_lanes4.c, model_lanes8.c: the kernels (model_block_fn) of the label
 * path (scalar, pre) and the dense path in lanes (d ≤ MODEL_SMALL_D), for
 * each instruction set: ŷ_L − y_q in w->err, squared errors and, if
 * ps->backward, the gradient sums added into w->sum. */
void model_label_block_base(const struct model_pass *ps,
    struct model_worker *w);
void model_label_flush_base(const struct model_pass *ps,
    struct model_worker *w);
void model_dense_block_base(const struct model_pass *ps,
    struct model_worker *w);
void model_lanes_reduce_base(double *sums, double *out, size_t len);
#if CORE_HAVE_CLONES
void model_lanes_reduce_avx2(double *sums, double *out, size_t len);
void model_lanes_reduce_avx512(double *sums, double *out, size_t len);
void model_label_block_avx2(const struct model_pass *ps,
    struct model_worker *w);
void model_label_flush_avx2(const struct model_pass *ps,
    struct model_worker *w);
void model_dense_block_avx2(const struct model_pass *ps,
    struct model_worker *w);
void model_label_block_avx512(const struct model_pass *ps,
    struct model_worker *w);
void model_label_flush_avx512(const struct model_pass *ps,
    struct model_worker *w);
void model_dense_block_avx512(const struct model_pass *ps,
    struct model_worker *w);
#endif
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
