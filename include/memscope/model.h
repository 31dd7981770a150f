/*
 * Linear transformers and Memformers (doc/math.md §2–§4): the parameter table,
 * the loss and its gradient, evaluation and the per-task trace.
 *
 * Memory layout after llm.c: one table of named blocks {name, layer, head,
 * rows, cols, offset} and one allocation each for parameters and gradients.
 * The optimizer, the checkpoint writer and the heatmaps walk the same table.
 *
 * Attention convention: token i's update is Σ_{j≤n} (z_iᵀ Q z_j) P z_j, the
 * paper's P Z M (Zᵀ Q Z) with the score matrix transposed; with Q = −[[A,0],[0,0]]
 * it gives exactly w ← w − A ∇R(w) (Lemma 1) for any, not only symmetric, A.
 */
#ifndef MEMSCOPE_MODEL_H
#define MEMSCOPE_MODEL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "memscope/config.h"
#include "memscope/pool.h"
#include "memscope/rng.h"
#include "memscope/task.h"

/* Block names: "a" (scalar), "A", "B" (pre, gdpp), "P", "Q" (full), per layer
 * and head; "alpha", "gamma" (cgd), "Gamma" (lfom) and "alpha", "Gamma"
 * (rec) per layer, head -1: the memory blocks (not
 * model_block_is_attention);
 * "g" (direct: step i's γ_i, layer i, head -1, d×1) and "G" (direct-pairs:
 * Γ_i^k, layer k, head i ≤ k, d×1);
 * "gate" (cfg.gates: H×1, layer -1, head -1), the last block. */
struct param_block {
	char name[8];
	int layer;		/* 0-based */
	int head;		/* 0-based, or -1 for per-layer memory blocks */
	int rows, cols;		/* row-major */
	size_t offset;		/* into params / grads */
};

/* How the forward/backward pass is computed. LABEL: only the label row
 * moves (scalar, pre), O(nd + d²) per task and layer. DENSE: the whole token
 * matrix moves (any parametrization), O(nd² + d³). */
enum model_path { MODEL_PATH_LABEL, MODEL_PATH_DENSE };

struct model_work;
struct model_direct_work;

struct model {
	struct ms_config cfg;
	int d, n, L, H;
	enum model_path path;
	int nblocks;
	struct param_block *blocks;
	size_t nparams;
	double *params;		/* (nparams) */
	double *grads;		/* (nparams) */
	/* Offsets of each layer's blocks, filled by model_init (-1: absent). */
	long *off_attn0;	/* (L, H) a | A | A | P */
	long *off_attn1;	/* (L, H) - | - | B | Q */
	long *off_mem0;		/* (L) alpha | Gamma | alpha (cgd, lfom, rec) */
	long *off_mem1;		/* (L) gamma | - | Gamma */
	long off_gate;		/* "gate" (H): cfg.gates, else -1 */
	int nwork;		/* pool workers the scratch is sized for */
	struct model_work *work;	/* scratch: activations, sums */
	struct model_direct_work *direct;	/* scratch of direct kinds */
	/* Raised by another thread: a pass stops within a task per worker
	 * and sets `interrupted` (NULL: never). */
	const atomic_int *cancel;
	bool interrupted;	/* the last pass stopped early: its loss,
				 * gradients, errors or predictions are void */
};

/* Build the parameter table for cfg and allocate; parameters are zero. */
void model_init(struct model *m, const struct ms_config *cfg);
void model_free(struct model *m);
/* Initialise as doc/math.md §5: A, B, P, Q, a ~ N(0, 1e-8); α = 1, γ = 0, Γ = 0;
 * the direct kinds' g, G = 0;
 * gates 1 (drawing nothing, so the other blocks are the ungated model's). */
void model_init_params(struct model *m, struct rng *r);
/* Force a computation path (tests compare the two); DENSE works for all. */
void model_set_path(struct model *m, enum model_path path);

/*
 * The parameters a gradient can reach: ranges [r[2k], r[2k + 1]) in
 * increasing order, adjacent ones merged; returns how many (at most
 * m->nblocks: r has room for 2·nblocks). Outside them model_loss_grad's
 * gradient is always 0: on the label path that is Γ_ℓ's rows but its
 * label row (only the label row meets a non-zero register).
 */
int model_grad_reach(const struct model *m, size_t *r);

/* The block with this name, layer and head, or NULL. */
const struct param_block *model_block(const struct model *m, const char *name,
    int layer, int head);
/* Pointer to that block's parameters, or NULL. */
double *model_param(struct model *m, const char *name, int layer, int head);
/* Copy src's blocks into dst's: with src_head < 0 every block of dst that
 * src has too (same name, layer, head and shape); otherwise the blocks of
 * src's head src_head into dst's head dst_head. Returns how many. */
int model_copy_blocks(struct model *dst, const struct model *src,
    int src_head, int dst_head);
/*
 * Rebuild m for `context` points (the attention then averages over them)
 * with the same parameter values: 0; or -1, m unchanged and the reason in
 * err, if the model has a block whose shape depends on n (lfom's Γ, one
 * column per token).
 */
int model_set_context(struct model *m, int context, char *err,
    size_t errlen);

/*
 * Mean over the batch of (ŷ_L − y_query)²; fills m->grads with its gradient.
 * The batch is split over the pool's workers (pool may be NULL: one worker).
 * If m->cancel is raised during a pass (this or the two below), the pass
 * stops early, sets m->interrupted and leaves m->grads (and the outputs)
 * untouched or undefined; model_loss_grad then returns NAN.
 */
double model_loss_grad(struct model *m, const struct task_batch *tb,
    struct pool *pool);

/* Mean squared query error after every layer's read-out: layer_mse[ℓ-1], ℓ = 1..L. */
void model_evaluate(struct model *m, const struct task_batch *tb,
    struct pool *pool, double *layer_mse);

/* Each task's prediction ŷ_L of its query label: pred[b], b < B. A task's
 * prediction is the same bits whatever the batch, its place in it and the
 * number of threads. */
void model_predict(struct model *m, const struct task_batch *tb,
    struct pool *pool, double *pred);

/*
 * One task's path through the model. label[ℓ*(n+1) + i] is token i's label
 * cell after layer ℓ (ℓ = 0..L; the query's is minus the prediction), and
 * reg[ℓ*(n+1) + i] the label row of register R_ℓ (ℓ = 0..L-1; may be NULL).
 */
void model_trace_task(struct model *m, const struct task_batch *tb, int b,
    double *label, double *reg);

/* Floating-point operations of one training step on `batch` tasks (the
 * forward and backward pass of the current path, and Adam), counted from
 * the shapes; a multiply and an add count one each. */
double model_flops_per_step(const struct model *m, int batch);

/* The instruction sets the lane kernels are built for, from the baseline
 * up; every one gives the same bits (src/core/model_internal.h). */
enum model_isa {
	MODEL_ISA_BASE,		/* "x86-64" (SSE2), or "generic" off x86-64 */
	MODEL_ISA_AVX2,		/* "avx2": 4 lanes a vector */
	MODEL_ISA_AVX512,	/* "avx512": 8 lanes a vector (AVX-512F) */
	MODEL_ISA_COUNT
};

/* The name of an instruction set, as --isa and MEMSCOPE_ISA take it. */
const char *model_isa_name(enum model_isa isa);
/* The instruction set called name, or -1 if there is none by that name. */
int model_isa_parse(const char *name);
/* Whether this build has kernels for isa and this CPU can run them. */
bool model_isa_supported(enum model_isa isa);
/* Run the kernels of models set up from now on with isa (it must be
 * supported), or, with MODEL_ISA_COUNT, with the best this CPU runs. */
void model_isa_force(enum model_isa isa);
/* The instruction set models set up now run their kernels with. */
enum model_isa model_isa_current(void);
/* model_isa_name(model_isa_current()). */
const char *model_kernel_isa(void);
/* The instruction set m's kernels run with (set when its scratch was set
 * up by a pass; before any pass, model_isa_current()). */
enum model_isa model_isa_of(const struct model *m);

/* Whether block pb is attention (a, A, B, P, Q: what --freeze attention
 * keeps), not memory or gate. */
bool model_block_is_attention(const struct param_block *pb);
/* Head h's gate g_h (cfg.gates), or 1 without gates. */
double model_gate(const struct model *m, int h);

#endif
