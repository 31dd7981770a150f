/*
 * The AdamW-style options: β₁, β₂ and the decoupled weight decay against
 * the update written out by hand (torch.optim.AdamW's), and the trainer
 * taking them from the configuration, its defaults being plain Adam.
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
#include "memscope/config.h"
#include "memscope/optim.h"
#include "memscope/trainer.h"

/*
 * Four AdamW steps on three parameters: p ← p − lr·wd·p, then
 * m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², p ← p − lr·m̂/(√v̂ + ε).
 */
static void
check_adamw(double b1, double b2, double wd)
{
	struct adam a;
	double p[3] = { 1.0, -2.0, 0.5 }, q[3] = { 1.0, -2.0, 0.5 };
	double m[3] = { 0 }, v[3] = { 0 };
	const double grads[4][3] = { { 0.5, -1.0, 0.0 }, { 0.25, 3.0, 0.0 },
	    { -1.0, 0.0, 0.0 }, { 2.0, 0.5, 0.0 } };
	const double lr = 0.01;

	adam_init(&a, 3, lr);
	a.beta1 = b1;
	a.beta2 = b2;
	a.wd = wd;
	for (int t = 1; t <= 4; t++) {
		adam_step(&a, p, grads[t - 1]);
		for (int i = 0; i < 3; i++) {
			double g = grads[t - 1][i], mh, vh;

			q[i] -= lr * wd * q[i];
			m[i] = b1 * m[i] + (1 - b1) * g;
			v[i] = b2 * v[i] + (1 - b2) * g * g;
			mh = m[i] / (1 - pow(b1, t));
			vh = v[i] / (1 - pow(b2, t));
			q[i] -= lr * mh / (sqrt(vh) + 1e-8);
			if (!(fabs(p[i] - q[i]) <= 1e-14 * (1 + fabs(q[i]))))
				fail_msg("b1 %g b2 %g wd %g step %d p[%d]: "
				    "%.17g, textbook %.17g", b1, b2, wd, t, i,
				    p[i], q[i]);
		}
	}
	/* a parameter without gradient only decays: (1 − lr·wd)⁴ */
	assert_true(fabs(p[2] - 0.5 * pow(1 - lr * wd, 4)) < 1e-15);
	adam_free(&a);
}

static void
test_adamw_matches_textbook(void **state)
{
	(void)state;
	check_adamw(0.9, 0.999, 0.0);
	check_adamw(0.9, 0.999, 0.1);
	check_adamw(0.5, 0.9, 0.0);
	check_adamw(0.0, 0.99, 2.0);
	check_adamw(0.8, 0.0, 0.01);
}

/* The keys: defaults 0.9, 0.999, 0; read back; ranges and lr*wd >= 1
 * refused. */
static void
test_adamw_config_keys(void **state)
{
	struct ms_config c;
	char buf[64], err[256];

	(void)state;
	config_defaults(&c);
	assert_true(c.adam_beta1 == 0.9);
	assert_true(c.adam_beta2 == 0.999);
	assert_true(c.weight_decay == 0.0);
	assert_int_equal(config_set(&c, "adam-beta1", "0.5", err, sizeof err),
	    0);
	assert_int_equal(config_set(&c, "adam_beta2", "0.95", err, sizeof err),
	    0);
	assert_int_equal(config_set(&c, "weight-decay", "0.01", err,
	    sizeof err), 0);
	assert_int_equal(config_get(&c, "adam-beta2", buf, sizeof buf), 0);
	assert_string_equal(buf, "0.95");
	assert_true(c.weight_decay == 0.01);
	assert_int_equal(config_set(&c, "adam-beta1", "1", err, sizeof err),
	    -1);
	assert_int_equal(config_set(&c, "weight-decay", "-0.1", err,
	    sizeof err), -1);
	assert_int_equal(config_validate(&c, err, sizeof err), 0);
	/* lr·wd ≥ 1 would flip or zero every parameter each step */
	c.lr = 0.01;
	c.weight_decay = 99.0;
	assert_int_equal(config_validate(&c, err, sizeof err), 0);
	c.weight_decay = 100.0;
	assert_int_equal(config_validate(&c, err, sizeof err), -1);
	assert_non_null(strstr(err, "lr*wd below 1"));
}

/* A small model with memory (so that every block kind trains) on iso data. */
static void
small_config(struct ms_config *c, enum ms_memory mem)
{
	config_defaults(c);
	c->dim = 3;
	c->context = 6;
	c->layers = 2;
	c->data = MS_DATA_ISO;
	c->memory = mem;
	c->batch = 16;
	c->test_batch = 4;
	c->steps = 5;
}

/* A few trainer steps of cfg; the parameters after them (caller frees). */
static double *
train_params(const struct ms_config *cfg, size_t *n)
{
	struct trainer t;
	char err[256];
	double *p;

	assert_int_equal(trainer_init(&t, cfg, err, sizeof err), 0);
	for (int s = 0; s < cfg->steps; s++)
		assert_int_equal(trainer_step(&t), 0);
	*n = t.model.nparams;
	p = malloc(*n * sizeof *p);
	memcpy(p, t.model.params, *n * sizeof *p);
	trainer_free(&t);
	return p;
}

/* The trainer's Adam takes β₁, β₂ and the decay from the configuration:
 * the defaults give the plain Adam bits, other values other numbers. */
static void
test_trainer_takes_adamw_options(void **state)
{
	struct ms_config c;
	double *base, *same, *b1, *b2, *wd;
	size_t n;

	(void)state;
	small_config(&c, MS_MEMORY_CGD);
	base = train_params(&c, &n);
	c.adam_beta1 = 0.9;
	c.adam_beta2 = 0.999;
	c.weight_decay = 0;
	same = train_params(&c, &n);
	assert_memory_equal(base, same, n * sizeof *base);
	c.adam_beta1 = 0.5;
	b1 = train_params(&c, &n);
	c.adam_beta1 = 0.9;
	c.adam_beta2 = 0.5;
	b2 = train_params(&c, &n);
	c.adam_beta2 = 0.999;
	c.weight_decay = 0.5;
	wd = train_params(&c, &n);
	assert_memory_not_equal(base, b1, n * sizeof *base);
	assert_memory_not_equal(base, b2, n * sizeof *base);
	assert_memory_not_equal(base, wd, n * sizeof *base);
	free(base);
	free(same);
	free(b1);
	free(b2);
	free(wd);
}

/* Cut the member "key": ... (and the comma before it) out of text. */
static void
cut_member(char *text, const char *key)
{
	char quoted[64], *at, *end;

	snprintf(quoted, sizeof quoted, "\"%s\"", key);
	at = strstr(text, quoted);
	assert_non_null(at);
	end = strpbrk(at, ",\n}");
	while (at > text && at[-1] != ',')
		at--;
	at--;			/* the comma that led to it */
	memmove(at, end, strlen(end) + 1);
}

/* A checkpoint written before the AdamW keys existed (the same file
 * without them, its checksum made right) loads, with their defaults. */
static void
test_old_checkpoint_loads_with_defaults(void **state)
{
	struct ms_config c;
	struct trainer t;
	char path[] = "/tmp/memscope-adamw-XXXXXX", err[256], *text, *sum;
	long size, off;
	FILE *fp;
	int fd;

	(void)state;
	small_config(&c, MS_MEMORY_REC);
	c.weight_decay = 0.25;	/* not the default: the load must not keep it */
	assert_int_equal(trainer_init(&t, &c, err, sizeof err), 0);
	assert_true((fd = mkstemp(path)) >= 0);
	close(fd);
	assert_int_equal(checkpoint_save(path, &t, err, sizeof err), 0);
	trainer_free(&t);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	size = ftell(fp);
	rewind(fp);
	text = calloc((size_t)size + 1, 1);
	assert_int_equal(fread(text, 1, (size_t)size, fp), (size_t)size);
	fclose(fp);
	cut_member(text, "adam-beta1");
	cut_member(text, "adam-beta2");
	cut_member(text, "weight-decay");
	off = checkpoint_checksum_offset(text, strlen(text));
	assert_true(off > 0);
	sum = strstr(text + off, "fnv1a64:");
	assert_non_null(sum);
	snprintf(sum + 8, 17, "%016llx", (unsigned long long)
	    checkpoint_fnv1a64(text, (size_t)off));
	sum[24] = '"';
	fp = fopen(path, "wb");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	if (checkpoint_load(path, &t, err, sizeof err) != 0)
		fail_msg("%s", err);
	assert_true(t.cfg.adam_beta1 == 0.9);
	assert_true(t.cfg.adam_beta2 == 0.999);
	assert_true(t.cfg.weight_decay == 0.0);
	assert_true(t.adam.wd == 0.0);
	trainer_free(&t);
	unlink(path);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_adamw_matches_textbook),
		cmocka_unit_test(test_adamw_config_keys),
		cmocka_unit_test(test_trainer_takes_adamw_options),
		cmocka_unit_test(test_old_checkpoint_loads_with_defaults),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
