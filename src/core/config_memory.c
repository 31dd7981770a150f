/*
 * How much memory a training run needs, estimated from its configuration
 * in doubles (which cannot overflow), and the refusal of a run larger than
 * the machine's physical memory, naming the options behind its largest part.
 */
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "memscope/config.h"

#define CONFIG_GIB (1024.0 * 1024.0 * 1024.0)

/* Parameters of a model with this configuration (model.c's block table). */
static double
config_nparams(const struct ms_config *cfg)
{
	double d = cfg->dim, n1 = cfg->context + 1.0, d1 = d + 1;
	double per_head = 0, per_layer = 0;

	switch (cfg->param) {
	case MS_PARAM_SCALAR:
		per_head = 1;
		break;
	case MS_PARAM_PRE:
		per_head = d * d;
		break;
	case MS_PARAM_GDPP:
		per_head = 2 * d * d;
		break;
	case MS_PARAM_FULL:
		per_head = 2 * d1 * d1;
		break;
	case MS_PARAM_DIRECT:		/* γ_k per step */
		return cfg->layers * d;
	case MS_PARAM_DIRECT_PAIRS:	/* Γ_i^k per pair i ≤ k */
		return cfg->layers * (cfg->layers + 1.0) / 2 * d;
	}
	if (cfg->memory == MS_MEMORY_CGD)
		per_layer = 2;
	else if (cfg->memory == MS_MEMORY_LFOM)
		per_layer = d1 * n1;
	else if (cfg->memory == MS_MEMORY_REC)
		per_layer = 1 + d1 * n1;
	return cfg->layers * (cfg->heads * per_head + per_layer);
}

/* What one run holds, in doubles (as doubles, which cannot overflow). */
struct config_memory {
	double batches;		/* tasks and the baselines' quadratics */
	double model;		/* parameters, gradients, Adam, the backup */
	double scratch;		/* per compute worker, all workers */
};

static void
config_memory_parts(const struct ms_config *cfg, struct config_memory *mem)
{
	double d = cfg->dim, n1 = cfg->context + 1.0, d1 = d + 1;
	double L = cfg->layers, H = cfg->heads;
	double task = n1 * d + n1 + d;	/* X, y, w of one task */
	double quad = d * d + 2 * d + 1;	/* a baseline's H, b, x_q, y_q */
	double np = config_nparams(cfg), act;

	if (cfg->param == MS_PARAM_SCALAR || cfg->param == MS_PARAM_PRE)
		act = (L + 1) * n1 + L * n1 + 2 * L * d + L * d * d + 3 * n1;
	else
		act = (2 * L + 1) * n1 * d1 + 2 * L * d1 * d1 +
		    2 * L * H * d1 * d1 + 3 * d1 * d1 + 3 * n1 * d1;
	/* training and test batches, the baselines' tuning batch, and the
	 * baselines' per-task quadratics, test and tuning */
	mem->batches = (cfg->batch + 2.0 * cfg->test_batch) * task +
	    2.0 * cfg->test_batch * quad;
	/* parameters, gradients, Adam's two moments, the backup */
	mem->model = 5 * np;
	/* per compute worker: a gradient sum and one task's activations */
	mem->scratch = cfg->threads * (np + act + cfg->layers + 2 * d1);
}

/* config_memory_bytes as a double, which cannot overflow. */
static double
config_memory_doubles(const struct ms_config *cfg)
{
	struct config_memory mem;

	config_memory_parts(cfg, &mem);
	return mem.batches + mem.model + mem.scratch;
}

/* Estimated bytes one run needs: batches, parameters, per-worker scratch. */
size_t
config_memory_bytes(const struct ms_config *cfg)
{
	double bytes = config_memory_doubles(cfg) * sizeof(double);

	if (bytes >= (double)SIZE_MAX)
		return SIZE_MAX;
	return (size_t)bytes;
}

/* Physical memory of this machine in bytes, or 0 if unknown. */
static double
config_physical_bytes(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);

	if (pages <= 0 || size <= 0)
		return 0;
	return (double)pages * (double)size;
}

/* Refuse (-1, a one-line message) a run needing more memory than the
 * machine has; several runs go in parallel, one compute thread each. */
int
config_memory_check(const struct ms_config *cfg, char *err, size_t errlen)
{
	struct ms_config one = *cfg;
	struct config_memory mem;
	double need, have, runs_at_once = 1;

	if (cfg->runs > 1 && cfg->threads > 1) {
		runs_at_once = cfg->runs < cfg->threads ? cfg->runs :
		    cfg->threads;
		one.threads = 1;
	}
	config_memory_parts(&one, &mem);
	need = runs_at_once * (mem.batches + mem.model + mem.scratch) *
	    sizeof(double);
	have = config_physical_bytes();
	if (have > 0 && need > have) {
		/* name the options behind the largest part */
		const char *what = "--batch, --test-batch or --context";

		if (mem.model >= mem.batches && mem.model >= mem.scratch)
			what = "--dim, --layers, --heads, or --param/--memory "
			    "for a smaller model";
		else if (mem.scratch >= mem.batches)
			what = "--threads, --dim or --context";
		return config_error(err, errlen, "this run needs about %.1f GiB of "
			    "memory (batches %.1f, model and Adam %.1f, "
			    "per-thread scratch %.1f GiB%s) but the machine "
			    "has %.1f GiB: reduce %s%s", need / CONFIG_GIB,
			    runs_at_once * mem.batches * sizeof(double) /
			    CONFIG_GIB, runs_at_once * mem.model *
			    sizeof(double) / CONFIG_GIB, runs_at_once *
			    mem.scratch * sizeof(double) / CONFIG_GIB,
			    runs_at_once > 1 ? ", for the runs going at once" :
			    "", have / CONFIG_GIB, what, runs_at_once > 1 ?
			    " (or --threads, which runs that many seeds at "
			    "once)" : "");
	}
	return 0;
}
