/* Adam and per-block gradient clipping (doc/math.md §5). */
#ifndef MEMSCOPE_OPTIM_H
#define MEMSCOPE_OPTIM_H

#include <stddef.h>

#include "memscope/model.h"

struct adam {
	double lr, beta1, beta2, eps;
	double wd;		/* AdamW's decoupled weight decay, 0: Adam */
	long t;			/* steps taken */
	size_t n;
	double *m;		/* (n) first moment */
	double *v;		/* (n) second moment */
	/* where the gradients can be non-zero (adam_set_reach): ranges
	 * [reach[2k], reach[2k + 1]), nreach of them (0: everywhere) */
	size_t *reach;
	int nreach;
};

/* Adam with β₁ 0.9, β₂ 0.999, ε 1e-8, no weight decay over n parameters,
 * moments zero (set beta1, beta2, wd after it for other choices). */
void adam_init(struct adam *a, size_t n, double lr);
void adam_free(struct adam *a);
/* One bias-corrected Adam update of params from grads; with wd > 0 each
 * parameter is first scaled by 1 − lr·wd (AdamW). */
void adam_step(struct adam *a, double *params, const double *grads);
/* The same for the parameters i with train[i] (train NULL: all); the
 * others, and their moments, are left as they are. */
void adam_step_masked(struct adam *a, double *params, const double *grads,
    const unsigned char *train);

/* Tell Adam the n ranges [r[2k], r[2k + 1]) (increasing) outside which the
 * gradients are 0 (model_grad_reach). A hint only: the plain update skips
 * what lies outside only while the gradients and both moments there are
 * all +0, where an update changes nothing, so the bits are those of the
 * update of every parameter in any case. */
void adam_set_reach(struct adam *a, const size_t *r, int n);

/* Scale each block's gradient down to Frobenius norm at most clip (clip > 0). */
void clip_blocks(struct model *m, double clip);

#endif
