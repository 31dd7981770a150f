/* A run's loss history: in full, and decimated for the screens. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/history.h"
#include "memscope/xmalloc.h"

/* An empty history (no allocation yet). */
void
history_init(struct history *h)
{
	memset(h, 0, sizeof *h);
	h->stride = 1;
}

void
history_free(struct history *h)
{
	free(h->step);
	free(h->train);
	free(h->test);
	snapshot_curve_free(&h->c);
	history_init(h);
}

/* Forget everything: a new run begins. */
void
history_reset(struct history *h)
{
	struct snapshot_curve *c = &h->c;

	if (c->cap == 0) {
		c->cap = HISTORY_POINTS;
		c->step = xmalloc(c->cap * sizeof(double));
		c->train = xmalloc(c->cap * sizeof(double));
		c->test = xmalloc(c->cap * sizeof(double));
	}
	h->n = 0;
	c->n = 0;
	h->stride = 1;
	h->count = 0;
	h->ltr = h->lte = 0;
	h->ntr = h->nte = 0;
}

static double
history_log(double v)
{
	return isfinite(v) && v > 0 ? log(v) : NAN;
}

/* The geometric mean of a and b, or the one of them that is defined. */
static double
history_merge(double a, double b)
{
	double la = history_log(a), lb = history_log(b);

	return isnan(la) ? exp(lb) : isnan(lb) ? exp(la) : exp((la + lb) / 2);
}

/* The open bucket's mean of n logs summing to sum. */
static double
history_mean(double sum, int n)
{
	return n > 0 ? exp(sum / n) : NAN;
}

/* Close the open bucket into a point. */
static void
history_flush(struct history *h)
{
	struct snapshot_curve *c = &h->c;
	int i, j;

	if (h->count == 0)
		return;
	if (c->n == c->cap) {
		/* full: merge neighbours, halving the resolution */
		for (i = 0, j = 0; i + 1 < c->n; i += 2, j++) {
			c->step[j] = c->step[i + 1];
			c->train[j] = history_merge(c->train[i], c->train[i + 1]);
			c->test[j] = history_merge(c->test[i], c->test[i + 1]);
		}
		c->n = j;
		h->stride *= 2;
	}
	c->step[c->n] = h->last_step;
	c->train[c->n] = history_mean(h->ltr, h->ntr);
	c->test[c->n] = history_mean(h->lte, h->nte);
	c->n++;
	h->count = 0;
	h->ltr = h->lte = 0;
	h->ntr = h->nte = 0;
}

/* Append a step's training loss. */
void
history_record(struct history *h, double step, double train)
{
	double l = history_log(train);

	if (h->c.cap == 0)
		history_reset(h);
	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 4096;
		h->step = xrealloc(h->step, h->cap * sizeof(double));
		h->train = xrealloc(h->train, h->cap * sizeof(double));
		h->test = xrealloc(h->test, h->cap * sizeof(double));
	}
	h->step[h->n] = step;
	h->train[h->n] = train;
	h->test[h->n] = NAN;
	h->n++;
	if (h->count >= h->stride)
		history_flush(h);
	h->last_step = step;
	h->count++;
	if (!isnan(l)) {
		h->ltr += l;
		h->ntr++;
	}
}

/* Attach a test loss to the newest point. */
void
history_record_test(struct history *h, double step, double test)
{
	double l = history_log(test);

	if (h->n == 0)
		history_record(h, step, NAN);
	h->test[h->n - 1] = test;
	if (!isnan(l)) {
		h->lte += l;
		h->nte++;
	}
}

/* Append a point: its training loss, and its test loss if finite. */
void
history_record_point(struct history *h, double step, double train,
    double test)
{
	history_record(h, step, train);
	if (isfinite(test))
		history_record_test(h, step, test);
}

/* Append every point of c. */
void
history_replay(struct history *h, const struct snapshot_curve *c)
{
	for (int i = 0; i < c->n; i++)
		history_record_point(h, c->step[i], c->train[i], c->test[i]);
}

/* The curve to draw: the flushed points and the open bucket. */
void
history_curve(const struct history *h, struct snapshot_curve *out)
{
	snapshot_curve_copy(out, &h->c);
	if (h->count > 0)
		snapshot_curve_append(out, h->last_step,
		    history_mean(h->ltr, h->ntr), history_mean(h->lte, h->nte));
}

/* The curve as a checkpoint keeps it, into out. */
void
history_checkpoint(const struct history *h, struct checkpoint_history *out)
{
	struct snapshot_curve c;
	size_t bytes;

	memset(&c, 0, sizeof c);
	history_curve(h, &c);
	bytes = (size_t)(c.n + 1) * sizeof(double);
	out->n = c.n;
	out->step = xmalloc(bytes);
	out->train = xmalloc(bytes);
	out->test = xmalloc(bytes);
	if (c.n > 0) {
		memcpy(out->step, c.step, c.n * sizeof(double));
		memcpy(out->train, c.train, c.n * sizeof(double));
		memcpy(out->test, c.test, c.n * sizeof(double));
	}
	snapshot_curve_free(&c);
}
