/* The model tests' finite-difference check of model_loss_grad. */
#ifndef MEMSCOPE_TEST_MODEL_FD_H
#define MEMSCOPE_TEST_MODEL_FD_H

#include <stdint.h>

#include "memscope/model.h"
#include "memscope/task.h"

/* config_defaults but small enough for finite differences on every
 * entry: d 3, n 4, L 2, `heads` heads of p, memory mem, κ = 4 data. */
struct ms_config model_fd_config(enum ms_param p, enum ms_memory mem,
    int heads);
/* Every parameter's gradient at m's parameters against a central finite
 * difference (step 1e-6) on tb, each mismatch beyond 1e-6 (1 + |fd|)
 * printed with `what`; returns the worst relative error, and asserts the
 * gradient is not trivially zero and that a last pass at the parameters
 * (m->grads is left there) gives it again, bit for bit. */
double model_fd_check(struct model *m, const struct task_batch *tb,
    const char *what);
/* The same with a difference step h. */
double model_fd_check_step(struct model *m, const struct task_batch *tb,
    const char *what, double h);
/* c->batch tasks of c's distribution (dist initialised here) from stream
 * `stream` of c->seed. */
void model_fd_batch(struct task_batch *tb, struct task_dist *dist,
    const struct ms_config *c, uint64_t stream);
/* Parameters of order one (α about 1, Γ at scale 0.8, the others 0.3)
 * from stream 99 of seed, so every term of the gradient is exercised. */
void model_fd_params(struct model *m, uint64_t seed);

#endif
