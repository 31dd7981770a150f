/*
 * --init (warmstart.h, doc/math.md §8.4): one checkpoint's blocks of the
 * same name, layer, head and shape, the others keeping their init (a
 * memory-off gdpp file starting a memory-on model: α = 1, γ = 0, Γ = 0);
 * several one-head files as the heads ("experts"); refusals of another d,
 * another L, another block shape, nothing matched, a bad file, a head
 * count that does not fit, each leaving the model as it was.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "memscope/checkpoint.h"
#include "memscope/trainer.h"
#include "memscope/warmstart.h"
#include "memscope/xmalloc.h"

static char init_dir[] = "/tmp/memscope-test-init-XXXXXX";

static struct ms_config
init_config(enum ms_param p, enum ms_memory mem, int heads)
{
	struct ms_config c;

	config_defaults(&c);
	c.layers = 2;
	c.heads = heads;
	c.param = p;
	c.memory = mem;
	c.batch = 20;
	c.test_batch = 20;
	c.steps = 3;
	return c;
}

/* A checkpoint of cfg after its steps, at dir/name; its path. */
static char *
init_save(const struct ms_config *cfg, const char *name, struct trainer *t)
{
	char err[256], *path = xmalloc(256);

	snprintf(path, 256, "%s/%s", init_dir, name);
	assert_int_equal(trainer_init(t, cfg, err, sizeof err), 0);
	for (int s = 0; s < cfg->steps; s++)
		assert_int_equal(trainer_step(t), 0);
	assert_int_equal(checkpoint_save(path, t, err, sizeof err), 0);
	return path;
}

/* Every block of `to` equals the block of `from` named so, or, absent
 * there, `init`'s; with ht >= 0 only head ht's blocks (from `from`'s
 * head hf) and the per-layer ones (from `init`). */
static void
init_expect(const struct model *to, const struct model *from, int hf,
    int ht, const struct model *init)
{
	for (int k = 0; k < to->nblocks; k++) {
		const struct param_block *pb = &to->blocks[k];
		int head = ht >= 0 && pb->head == ht ? hf : pb->head;

		if (ht >= 0 && pb->head >= 0 && pb->head != ht)
			continue;	/* another expert's head */
		const struct param_block *q = ht >= 0 && pb->head != ht ?
		    NULL : model_block(from, pb->name, pb->layer, head);
		const struct model *src = q != NULL ? from : init;

		if (q == NULL)
			q = model_block(init, pb->name, pb->layer, pb->head);
		assert_memory_equal(to->params + pb->offset, src->params +
		    q->offset, (size_t)pb->rows * pb->cols * sizeof(double));
	}
}

/* A memory-off gdpp file starts a memory-on (cgd, lfom) gdpp model: its
 * attention is the file's, its memory the init's (α = 1, γ = 0, Γ = 0). */
static void
test_init_one_file(void **state)
{
	struct ms_config cf = init_config(MS_PARAM_GDPP, MS_MEMORY_NONE, 1);
	struct trainer src, t, ref;
	char err[256], *path = init_save(&cf, "gdpp.json", &src);

	(void)state;
	for (int mem = MS_MEMORY_CGD; mem <= MS_MEMORY_LFOM; mem++) {
		struct ms_config c = init_config(MS_PARAM_GDPP, mem, 1);

		c.seed = 9;
		assert_int_equal(trainer_init(&t, &c, err, sizeof err), 0);
		assert_int_equal(trainer_init(&ref, &c, err, sizeof err), 0);
		assert_int_equal(warmstart_apply(&t.model, path, err,
		    sizeof err), 0);
		init_expect(&t.model, &src.model, -1, -1, &ref.model);
		for (int l = 0; l < 2; l++) {
			if (mem == MS_MEMORY_CGD) {
				assert_true(model_param(&t.model, "alpha", l,
				    -1)[0] == 1.0);
				assert_true(model_param(&t.model, "gamma", l,
				    -1)[0] == 0.0);
			} else
				assert_true(model_param(&t.model, "Gamma", l,
				    -1)[7] == 0.0);
			/* and the attention did move away from the init */
			assert_true(memcmp(model_param(&t.model, "A", l, 0),
			    model_param(&ref.model, "A", l, 0),
			    25 * sizeof(double)) != 0);
		}
		trainer_free(&t);
		trainer_free(&ref);
	}
	trainer_free(&src);
	free(path);
}

/* Two one-head files: head h from file h, memory kept. */
static void
test_init_experts(void **state)
{
	struct ms_config c1 = init_config(MS_PARAM_GDPP, MS_MEMORY_NONE, 1);
	struct ms_config c2 = init_config(MS_PARAM_GDPP, MS_MEMORY_CGD, 2);
	struct trainer e0, e1, t, ref;
	char err[256], list[600], *p0, *p1;

	(void)state;
	p0 = init_save(&c1, "e0.json", &e0);
	c1.scale = 2.0;
	p1 = init_save(&c1, "e1.json", &e1);
	snprintf(list, sizeof list, "%s,%s", p0, p1);
	assert_int_equal(trainer_init(&t, &c2, err, sizeof err), 0);
	assert_int_equal(trainer_init(&ref, &c2, err, sizeof err), 0);
	assert_int_equal(warmstart_apply(&t.model, list, err, sizeof err), 0);
	init_expect(&t.model, &e0.model, 0, 0, &ref.model);
	init_expect(&t.model, &e1.model, 0, 1, &ref.model);
	/* three files for two heads: refused, nothing written */
	snprintf(list, sizeof list, "%s,%s,%s", p0, p1, p0);
	assert_int_equal(warmstart_apply(&ref.model, list, err, sizeof err),
	    -1);
	assert_non_null(strstr(err, "--heads 3"));
	trainer_free(&t);
	assert_int_equal(trainer_init(&t, &c2, err, sizeof err), 0);
	assert_memory_equal(t.model.params, ref.model.params,
	    t.model.nparams * sizeof(double));
	trainer_free(&t);
	trainer_free(&ref);
	trainer_free(&e0);
	trainer_free(&e1);
	free(p0);
	free(p1);
}

/* cfg refused with a message holding `why`; the model unchanged. */
static void
init_refused(const struct ms_config *cfg, const char *list, const char *why)
{
	struct trainer t;
	char err[512];
	double *p0;

	assert_int_equal(trainer_init(&t, cfg, err, sizeof err), 0);
	p0 = xdoubles(t.model.nparams);
	memcpy(p0, t.model.params, t.model.nparams * sizeof *p0);
	assert_int_equal(warmstart_apply(&t.model, list, err, sizeof err), -1);
	if (strstr(err, why) == NULL)
		fail_msg("'%s' does not say '%s'", err, why);
	assert_memory_equal(p0, t.model.params, t.model.nparams * sizeof *p0);
	free(p0);
	trainer_free(&t);
}

static void
test_init_refusals(void **state)
{
	struct ms_config cf = init_config(MS_PARAM_PRE, MS_MEMORY_LFOM, 1);
	struct ms_config c = cf;
	struct trainer src;
	char *path = init_save(&cf, "pre.json", &src), bad[300];
	FILE *fp;

	(void)state;
	c.dim = 4;
	c.data = MS_DATA_ISO;
	init_refused(&c, path, "d = 5");
	c = cf;
	c.layers = 3;
	init_refused(&c, path, "L = 2");
	c = cf;
	c.context = 10;		/* Γ is (d+1) x (n+1) */
	init_refused(&c, path, "6x21 there, 6x11");
	c = cf;
	c.param = MS_PARAM_FULL;
	c.memory = MS_MEMORY_NONE;
	init_refused(&c, path, "none of its blocks");
	c = cf;
	c.heads = 2;
	init_refused(&c, "", "no file");
	snprintf(bad, sizeof bad, "%s/bad.json", init_dir);
	fp = fopen(bad, "w");
	assert_non_null(fp);
	fputs("{\"format\": \"memscope-checkpoint\"", fp);
	fclose(fp);
	init_refused(&c, bad, "bad.json");
	unlink(bad);
	trainer_free(&src);
	free(path);
}

static int
init_setup(void **state)
{
	(void)state;
	return mkdtemp(init_dir) == NULL ? -1 : 0;
}

static int
init_teardown(void **state)
{
	static const char *files[] = { "gdpp.json", "e0.json", "e1.json",
	    "pre.json" };
	char path[300];

	(void)state;
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", init_dir, files[i]);
		unlink(path);
	}
	return rmdir(init_dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_one_file),
		cmocka_unit_test(test_init_experts),
		cmocka_unit_test(test_init_refusals),
	};

	return cmocka_run_group_tests(tests, init_setup, init_teardown);
}
