/*
 * The papers' claims (reproduce_report.h, doc/math.md §7, §8), each checked
 * on the means of the figures it rests on, when they were run.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "memscope/reproduce_report.h"

/* The figures run, for the claims. */
struct rr_figs {
	const struct reproduce_result *res;
	int n;
	bool quirks;
};

/* The figure run with this name, or NULL. */
static const struct reproduce_result *
rr_find_fig(const struct rr_figs *pl, const char *id)
{
	for (int i = 0; i < pl->n; i++)
		if (strcmp(pl->res[i].fig->id, id) == 0)
			return &pl->res[i];
	return NULL;
}

static int
rr_find_line(const struct reproduce_result *r, const char *name)
{
	return figures_line(r->fig, name);
}

static double
rr_mean(const struct reproduce_result *r, int line, int L)
{
	return r->mean[line * r->D + L - 1];
}

static double
rr_sd(const struct reproduce_result *r, int line, int L)
{
	return r->std[line * r->D + L - 1];
}

static void
rr_verdict(FILE *out, bool holds, const char *claim)
{
	fprintf(out, "\n[%s] %s\n", holds ? "holds" : "does not hold", claim);
}

/* The same for a claim of which a part may not have been checked (the
 * figure or the depths it needs were not run; none: no part was): it
 * holds only as far as it was, and says which part was not. */
static void
rr_verdict_part(FILE *out, bool holds, bool none, const char *unchecked,
    const char *claim)
{
	if (unchecked == NULL)
		rr_verdict(out, holds, claim);
	else
		fprintf(out, "\n[%s] %s\n  not checked: %s\n", none ?
		    "not checked" : holds ? "holds as far as checked" :
		    "does not hold", claim, unchecked);
}

/* "on non-isotropic data the learned pre Memformers beat CG at every L" */
static void
rr_claim_beat_cg(FILE *out, const struct rr_figs *pl)
{
	static const char *figs[] = { "1b", "2a" };
	static const char *mems[] = { "pre+cgd Memformer", "pre+lfom Memformer" };
	bool holds = true;
	int checked = 0;

	for (int i = 0; i < 2; i++) {
		const struct reproduce_result *r = rr_find_fig(pl, figs[i]);

		if (r == NULL)
			continue;
		for (int L = 1; L <= r->D; L++)
			if (!(rr_mean(r, rr_find_line(r, mems[i]), L) <
			    rr_mean(r, rr_find_line(r, "CG"), L)))
				holds = false;
		checked++;
	}
	if (checked == 0)
		return;
	rr_verdict(out, holds, "On non-isotropic data the learned pre "
	    "Memformers beat CG at every L (Fig. 1b, 2a).");
	for (int i = 0; i < 2; i++) {
		const struct reproduce_result *r = rr_find_fig(pl, figs[i]);
		int a, c;

		if (r == NULL) {
			fprintf(out, "  Fig. %s not run\n", figs[i]);
			continue;
		}
		a = rr_find_line(r, mems[i]);
		c = rr_find_line(r, "CG");
		fprintf(out, "  Fig. %s, %s vs CG:", figs[i], mems[i]);
		for (int L = 1; L <= r->D; L++)
			fprintf(out, "  L=%d %.2f %s %.2f", L, rr_mean(r, a, L),
			    rr_mean(r, a, L) < rr_mean(r, c, L) ? "<" : ">=",
			    rr_mean(r, c, L));
		fputc('\n', out);
	}
	if (pl->quirks)
		fprintf(out, "  (CG on the first n - 1 context points, as the "
		    "authors' code)\n");
	else
		fprintf(out, "  (CG on all n context points; the authors' code "
		    "dropped the last: --quirks)\n");
}

#define RR_FAR 1.0		/* "by far": more than one nat (a factor e) */
#define RR_LITTLE 0.3		/* "adds little": within 0.3 nats at every L */

/* "on isotropic data CG wins by far and memory adds little" */
static void
rr_claim_iso(FILE *out, const struct rr_figs *pl)
{
	const struct reproduce_result *r = rr_find_fig(pl, "2b");
	const struct reproduce_result *a = rr_find_fig(pl, "2a");
	int mem, lt, cg, D;
	bool wins = true, little = true;
	double gap_deep, maxdiff = 0;

	if (r == NULL)
		return;
	mem = rr_find_line(r, "pre+lfom Memformer");
	lt = rr_find_line(r, "pre linear transformer");
	cg = rr_find_line(r, "CG");
	D = r->D;
	for (int L = 1; L <= D; L++) {
		double best = fmin(rr_mean(r, mem, L), rr_mean(r, lt, L));
		double diff = fabs(rr_mean(r, mem, L) - rr_mean(r, lt, L));

		if (!(rr_mean(r, cg, L) < best))
			wins = false;
		if (!(diff <= RR_LITTLE))
			little = false;
		maxdiff = isfinite(diff) ? fmax(maxdiff, diff) : INFINITY;
	}
	gap_deep = fmin(rr_mean(r, mem, D), rr_mean(r, lt, D)) -
	    rr_mean(r, cg, D);
	if (!(gap_deep > RR_FAR))
		wins = false;
	rr_verdict(out, wins && little, "On isotropic data CG wins by far and "
	    "memory adds little (Fig. 2b).");
	fprintf(out, "  CG below both models at every L and by more than %.1f "
	    "at L=%d: %s", RR_FAR, D, wins ? "yes" : "no");
	fprintf(out, " (L=%d: CG %.2f, Memformer %.2f, linear transformer "
	    "%.2f; gap %.2f)\n", D, rr_mean(r, cg, D), rr_mean(r, mem, D),
	    rr_mean(r, lt, D), gap_deep);
	fprintf(out, "  |Memformer - linear transformer| <= %.1f at every L: "
	    "%s (largest %.2f;", RR_LITTLE, little ? "yes" : "no", maxdiff);
	for (int L = 1; L <= D; L++)
		fprintf(out, " L=%d %+.2f", L, rr_mean(r, mem, L) -
		    rr_mean(r, lt, L));
	fputc(')', out);
	if (a != NULL) {
		int am = rr_find_line(a, "pre+lfom Memformer");
		int al = rr_find_line(a, "pre linear transformer");

		fprintf(out, "\n  for comparison, memory's effect on "
		    "non-isotropic data (Fig. 2a) at L=%d: %+.2f", a->D,
		    rr_mean(a, am, a->D) - rr_mean(a, al, a->D));
	}
	fputc('\n', out);
}

/* "more heads help on test data" */
static void
rr_claim_heads(FILE *out, const struct rr_figs *pl)
{
	const struct reproduce_result *r = rr_find_fig(pl, "5");
	static const char *names[] = { "pre+lfom H=1 test", "pre+lfom H=2 test",
	    "pre+lfom H=3 test" };
	int ln[3];
	bool holds = true, beyond = true, spread = true;

	if (r == NULL)
		return;
	for (int h = 0; h < 3; h++)
		ln[h] = rr_find_line(r, names[h]);
	for (int L = 1; L <= r->D; L++)
		for (int h = 1; h < 3; h++) {
			double gain = rr_mean(r, ln[0], L) - rr_mean(r, ln[h], L);

			if (!(gain > 0))
				holds = false;
			if (isnan(rr_sd(r, ln[0], L)) || isnan(rr_sd(r, ln[h], L)))
				spread = false;
			if (!(gain > rr_sd(r, ln[0], L) + rr_sd(r, ln[h], L)))
				beyond = false;
		}
	rr_verdict(out, holds, "More heads help on test data (Fig. 5): 2 and "
	    "3 heads below 1 head at every L.");
	for (int h = 0; h < 3; h++) {
		fprintf(out, "  H=%d test:", h + 1);
		for (int L = 1; L <= r->D; L++)
			if (isnan(rr_sd(r, ln[h], L)))
				fprintf(out, "  L=%d %.3f", L,
				    rr_mean(r, ln[h], L));
			else
				fprintf(out, "  L=%d %.3f \xc2\xb1 %.3f", L,
				    rr_mean(r, ln[h], L), rr_sd(r, ln[h], L));
		fputc('\n', out);
	}
	if (!spread)
		fprintf(out, "  every gap larger than the two runs' std added: "
		    "not checkable (one run gives no spread; --runs 2 or "
		    "more)\n");
	else
		fprintf(out, "  every gap larger than the two runs' std added: "
		    "%s\n", beyond ? "yes" : "no");
}

/* "with B = 1 or 10 the Memformer fits its training prompts far below CG" */
static void
rr_claim_fit(FILE *out, const struct rr_figs *pl)
{
	const struct reproduce_result *r = rr_find_fig(pl, "4");
	static const char *mems[] = { "pre+lfom Memformer B=1",
	    "pre+lfom Memformer B=10" };
	static const char *cgs[] = { "CG B=1", "CG B=10" };
	bool holds = true;

	if (r == NULL)
		return;
	for (int b = 0; b < 2; b++)
		for (int L = 1; L <= r->D; L++)
			if (!(rr_mean(r, rr_find_line(r, mems[b]), L) <
			    rr_mean(r, rr_find_line(r, cgs[b]), L) - RR_FAR))
				holds = false;
	rr_verdict(out, holds, "With B = 1 or 10 the Memformer fits its "
	    "training prompts far below CG (Fig. 4).");
	fprintf(out, "  far below: more than %.1f lower at every L\n", RR_FAR);
	for (int b = 0; b < 2; b++) {
		int m = rr_find_line(r, mems[b]), c = rr_find_line(r, cgs[b]);

		fprintf(out, "  %s vs CG:", b == 0 ? "B=1" : "B=10");
		for (int L = 1; L <= r->D; L++)
			fprintf(out, "  L=%d %.2f vs %.2f", L, rr_mean(r, m, L),
			    rr_mean(r, c, L));
		fputc('\n', out);
	}
}

#define RR_CEILING 0.15	/* "at its ceiling": within this of it */
#define RR_FORM 0.5		/* the form's gap: per-step GD this far below */

/*
 * The later paper's learned LFOM (figure direct): trained, it ends at the
 * ceiling of its shared form, and GD with the best step at each iteration
 * is far below that ceiling from K = 2 on, so what keeps it from GD is the
 * form, not the training.
 */
static void
rr_claim_direct(FILE *out, const struct rr_figs *pl)
{
	const struct reproduce_result *r = rr_find_fig(pl, "direct");
	int m, c, g;
	bool holds = true;

	if (r == NULL)
		return;
	m = rr_find_line(r, "direct LFOM (shared)");
	c = rr_find_line(r, "shared-form ceiling");
	g = rr_find_line(r, "best per-step GD");
	for (int L = 1; L <= r->D; L++) {
		if (!(fabs(rr_mean(r, m, L) - rr_mean(r, c, L)) <= RR_CEILING))
			holds = false;
		if (L >= 2 && !(rr_mean(r, g, L) < rr_mean(r, c, L) - RR_FORM))
			holds = false;
	}
	rr_verdict(out, holds, "The learned LFOM (the authors' shared form) "
	    "is at its form's ceiling, and per-step GD is far below it: the "
	    "gap is the form's (figure direct).");
	fprintf(out, "  at the ceiling: within %.2f at every K; far below: "
	    "more than %.1f from K = 2\n", RR_CEILING, RR_FORM);
	fprintf(out, "  learned / ceiling / per-step GD:");
	for (int L = 1; L <= r->D; L++)
		fprintf(out, "  K=%d %.2f / %.2f / %.2f", L, rr_mean(r, m, L),
		    rr_mean(r, c, L), rr_mean(r, g, L));
	fputc('\n', out);
}

/*
 * The learned LFOM on few prompts (figure direct-cg): on 10 prompts it
 * fits them far better than CG once it has more coefficients than they
 * have equations (K ≥ 3: 5K numbers for 10 prompts); on 100 it does not.
 */
static void
rr_claim_direct_few(FILE *out, const struct rr_figs *pl)
{
	const struct reproduce_result *r = rr_find_fig(pl, "direct-cg");
	int m10, c10, m100, c100;
	bool fits = true, not100 = true;

	if (r == NULL)
		return;
	m10 = rr_find_line(r, "direct LFOM B=10");
	c10 = rr_find_line(r, "CG (19 points) B=10");
	m100 = rr_find_line(r, "direct LFOM B=100");
	c100 = rr_find_line(r, "CG (19 points) B=100");
	for (int L = 3; L <= r->D; L++)
		if (!(rr_mean(r, m10, L) < rr_mean(r, c10, L) - RR_FAR))
			fits = false;
	for (int L = 2; L <= r->D; L++)
		if (!(rr_mean(r, m100, L) > rr_mean(r, c100, L)))
			not100 = false;
	rr_verdict_part(out, fits && not100, r->D < 2, r->D < 2 ? "K = 2 "
	    "and on, not run (--depths)" : r->D < 3 ? "K = 3 and on, not "
	    "run (--depths)" : NULL, "On 10 prompts the learned LFOM "
	    "fits them far below CG from K = 3 on; on 100 prompts CG is "
	    "below it from K = 2 (figure direct-cg).");
	for (int b = 0; b < 2; b++) {
		int mm = b == 0 ? m10 : m100, cc = b == 0 ? c10 : c100;

		fprintf(out, "  B=%d LFOM vs CG:", b == 0 ? 10 : 100);
		for (int L = 1; L <= r->D; L++)
			fprintf(out, "  K=%d %.2f vs %.2f", L, rr_mean(r, mm, L),
			    rr_mean(r, cc, L));
		fputc('\n', out);
	}
}

/*
 * The recursive memory (figures 3a, 3b): trained on one batch on top of a
 * frozen GD++, it lowers the loss on that batch at every L >= 2, but on
 * fresh isotropic prompts it does not help from L = 3 on.
 */
static void
rr_claim_rec(FILE *out, const struct rr_figs *pl)
{
	static const char *ids[] = { "3a", "3b" };
	bool fits = true, fresh = true, any = false;
	bool fit_checked = false, fresh_checked = false;

	for (int f = 0; f < 2; f++) {
		const struct reproduce_result *r = rr_find_fig(pl, ids[f]);
		int offt, ont, off, on;

		if (r == NULL)
			continue;
		any = true;
		offt = rr_find_line(r, "memory off, its batch");
		ont = rr_find_line(r, "rec memory, its batch");
		off = rr_find_line(r, "memory off, fresh");
		on = rr_find_line(r, "rec memory, fresh");
		for (int L = 2; L <= r->D; L++) {
			fit_checked = true;
			if (!(rr_mean(r, ont, L) < rr_mean(r, offt, L)))
				fits = false;
		}
		for (int L = 3; f == 1 && L <= r->D; L++) {
			fresh_checked = true;
			if (!(rr_mean(r, on, L) >= rr_mean(r, off, L)))
				fresh = false;
		}
	}
	if (!any)
		return;
	rr_verdict_part(out, fits && fresh, !fit_checked, !fit_checked ?
	    "L >= 2, not run (--depths)" : !fresh_checked ? "fresh isotropic "
	    "prompts from L = 3: figure 3b at L >= 3 was not run" : NULL, "The "
	    "recursive memory lowers the loss on the batch it was trained on "
	    "at every L >= 2, and on fresh isotropic prompts it does not help "
	    "from L = 3 (figures 3a, 3b).");
	for (int f = 0; f < 2; f++) {
		const struct reproduce_result *r = rr_find_fig(pl, ids[f]);

		if (r == NULL)
			continue;
		for (int b = 0; b < 2; b++) {
			int off = rr_find_line(r, b == 0 ?
			    "memory off, its batch" :
			    "memory off, fresh");
			int on = rr_find_line(r, b == 0 ?
			    "rec memory, its batch" :
			    "rec memory, fresh");

			fprintf(out, "  %s %s, off vs on:", ids[f], b == 0 ?
			    "its batch" : "fresh");
			for (int L = 1; L <= r->D; L++)
				fprintf(out, "  L=%d %.2f vs %.2f", L,
				    rr_mean(r, off, L), rr_mean(r, on, L));
			fputc('\n', out);
		}
	}
}

static const char *rr_shift_s[] = { "0.5", "1.5", "2.5" };

/* Figure shift's lines at variance rr_shift_s[i]: tuned-on and fresh. */
static void
rr_shift_lines(const struct reproduce_result *r, int i, int *tuned,
    int *fresh)
{
	char name[64];

	snprintf(name, sizeof name, "gated s=%s tuned on", rr_shift_s[i]);
	*tuned = rr_find_line(r, name);
	snprintf(name, sizeof name, "gated s=%s fresh", rr_shift_s[i]);
	*fresh = rr_find_line(r, name);
}

/*
 * The mixture of experts (figure shift): scored on the batch its gates
 * were tuned on, as the authors scored it, it looks better than on a
 * fresh batch, at every variance and depth.
 */
static void
rr_claim_shift(FILE *out, const struct rr_figs *pl)
{
	const struct reproduce_result *r = rr_find_fig(pl, "shift");
	bool holds = true;

	if (r == NULL)
		return;
	for (int i = 0; i < 3; i++) {
		int t, f;

		rr_shift_lines(r, i, &t, &f);
		for (int L = 1; L <= r->D; L++)
			if (!(rr_mean(r, t, L) < rr_mean(r, f, L)))
				holds = false;
	}
	rr_verdict(out, holds, "Scoring the mixture of experts on the batch "
	    "its gates were tuned on flatters it: below a fresh batch at "
	    "every s and L (figure shift).");
	for (int i = 0; i < 3; i++) {
		int t, f;

		rr_shift_lines(r, i, &t, &f);
		fprintf(out, "  s=%s tuned on vs fresh:", rr_shift_s[i]);
		for (int L = 1; L <= r->D; L++)
			fprintf(out, "  L=%d %.2f vs %.2f", L, rr_mean(r, t, L),
			    rr_mean(r, f, L));
		fputc('\n', out);
	}
}

/* The paper's claims, checked on the means of the figures run. */
void
reproduce_report_claims(FILE *out, const struct reproduce_opts *o,
    const struct reproduce_result *res, int n)
{
	struct rr_figs figs = { res, n, o->quirks };

	fprintf(out, "\nClaims of the papers (doc/math.md \xc2\xa7" "7, "
	    "\xc2\xa7" "8, \xc2\xa7" "11), checked on the means above\n");
	rr_claim_beat_cg(out, &figs);
	rr_claim_iso(out, &figs);
	rr_claim_heads(out, &figs);
	rr_claim_fit(out, &figs);
	rr_claim_direct(out, &figs);
	rr_claim_direct_few(out, &figs);
	rr_claim_rec(out, &figs);
	rr_claim_shift(out, &figs);
	if (!rr_find_fig(&figs, "1b") && !rr_find_fig(&figs, "2a") &&
	    !rr_find_fig(&figs, "2b") && !rr_find_fig(&figs, "4") &&
	    !rr_find_fig(&figs, "5") && !rr_find_fig(&figs, "direct") &&
	    !rr_find_fig(&figs, "direct-cg") && !rr_find_fig(&figs, "3a") &&
	    !rr_find_fig(&figs, "3b") && !rr_find_fig(&figs, "shift"))
		fprintf(out, "  (none of the figures the claims rest on "
		    "was run)\n");
}
