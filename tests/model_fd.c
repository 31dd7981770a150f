/* The model tests' finite-difference check and batches (tests/model_fd.h). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "memscope/xmalloc.h"

#include "model_fd.h"

struct ms_config
model_fd_config(enum ms_param p, enum ms_memory mem, int heads)
{
	struct ms_config c;

	config_defaults(&c);
	c.dim = 3;
	c.context = 4;
	c.layers = 2;
	c.heads = heads;
	c.param = p;
	c.memory = mem;
	c.data = MS_DATA_KAPPA;
	c.kappa = 4.0;
	return c;
}

double
model_fd_check(struct model *m, const struct task_batch *tb, const char *what)
{
	return model_fd_check_step(m, tb, what, 1e-6);
}

double
model_fd_check_step(struct model *m, const struct task_batch *tb,
    const char *what, double h)
{
	double worst = 0.0, norm = 0.0;
	double *g;

	model_loss_grad(m, tb, NULL);
	g = xdoubles(m->nparams);
	memcpy(g, m->grads, m->nparams * sizeof *g);
	for (size_t i = 0; i < m->nparams; i++) {
		double keep = m->params[i], lp, lm, fd, tol;

		m->params[i] = keep + h;
		lp = model_loss_grad(m, tb, NULL);
		m->params[i] = keep - h;
		lm = model_loss_grad(m, tb, NULL);
		m->params[i] = keep;
		fd = (lp - lm) / (2 * h);
		tol = 1e-6 * (1.0 + fabs(fd));
		if (fabs(fd - g[i]) > tol)
			print_error("%s entry %zu: analytic %.12g, finite "
			    "difference %.12g\n", what, i, g[i], fd);
		if (fabs(fd - g[i]) / (1.0 + fabs(fd)) > worst)
			worst = fabs(fd - g[i]) / (1.0 + fabs(fd));
		norm += g[i] * g[i];
	}
	/* the gradient is not trivially zero */
	assert_true(norm > 1e-8);
	/* and a pass owes nothing to the passes before it: the same bits
	 * again at the parameters, where m->grads is left */
	model_loss_grad(m, tb, NULL);
	assert_memory_equal(m->grads, g, m->nparams * sizeof *g);
	free(g);
	return worst;
}

void
model_fd_batch(struct task_batch *tb, struct task_dist *dist,
    const struct ms_config *c, uint64_t stream)
{
	struct rng r;
	char err[256];

	assert_int_equal(task_dist_init(dist, c, err, sizeof err), 0);
	task_batch_alloc(tb, c->batch, c->context, c->dim);
	rng_seed(&r, c->seed, stream);
	task_batch_sample(tb, dist, &r);
}

void
model_fd_params(struct model *m, uint64_t seed)
{
	struct rng r;

	rng_seed(&r, seed, 99);
	for (int k = 0; k < m->nblocks; k++) {
		const struct param_block *pb = &m->blocks[k];
		double *p = m->params + pb->offset;
		double base = strcmp(pb->name, "alpha") == 0 ? 1.0 : 0.0;
		double scale = strcmp(pb->name, "Gamma") == 0 ? 0.8 : 0.3;

		for (int i = 0; i < pb->rows * pb->cols; i++)
			p[i] = base + scale * rng_normal(&r);
	}
}
