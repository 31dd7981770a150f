/*
 * memscope tour's lesson (tour.h). Every number a caption quotes was
 * measured with the stage's own settings (seed 1, the defaults otherwise)
 * by memscope train, baselines and step --load; the commit that changes a
 * stage says how, and the figures change with it.
 */
#include <stdio.h>
#include <string.h>

#include "memscope/lesson.h"
#include "memscope/tour.h"

static const struct tour_stage tour_stages[] = {
	{ "isotropic against ill-conditioned data",
	  { "Two 3-layer linear transformers learn side by side on the same tasks:",
	    "run 1 with isotropic x (iso), run 2 with x of condition number κ = 100.",
	    "Run 1's test loss ends near ln MSE −1.4, run 2's near +0.5. Top right,",
	    "by layer: each layer helps run 2 far less. Ill-conditioning is hard.",
	    NULL },
	  { "memory=none", "layers=3", "steps=600", NULL },
	  { "data=iso", "data=kappa:100", NULL },
	  TOUR_SCREEN_DASHBOARD, -1, 100, TOUR_ACTION_NONE, 0 },

	/* three lines: a taller box would hide the cosine under A */
	{ "the learned preconditioner approaches Σ⁻¹",
	  { "One layer on κ = 10 data is one step of GD preconditioned by a learned",
	    "matrix A, drawn here beside Σ⁻¹. Their cosine (under the matrices) is",
	    "0.1 at the start, 0.85 by step 300, 0.99 by step 800: A takes Σ⁻¹'s shape.",
	    NULL },
	  { "memory=none", "layers=1", "data=kappa:10", "steps=800", NULL },
	  { NULL },
	  TOUR_SCREEN_PARAMETERS, -1, 100, TOUR_ACTION_NONE, 0 },

	{ "CG is exact in d steps",
	  { "The step-through follows test task 0 layer by layer; here l = 5 = d.",
	    "CG's ‖w − w*‖ is about 1e-11: conjugate gradient solves a d-dimensional",
	    "quadratic exactly in d steps. GD and Nesterov are still about 7 away,",
	    "the trained model about 5. ← → move l and show CG closing in.",
	    NULL },
	  { "memory=none", "layers=5", "data=kappa:100", "steps=600", NULL },
	  { NULL },
	  TOUR_SCREEN_STEP, 5, 100, TOUR_ACTION_NONE, 0 },

	{ "two dimensions: CG in two steps",
	  { "d = 2: the plane is the whole space. Task 0's XXᵀ/n has eigenvalues",
	    "0.97 and 0.05 (κ = 20). The path, bottom left: CG reaches w* at l = 2;",
	    "GD, whose step must suit λ = 0.97, is still 0.21 away, the model 0.1.",
	    "Top right: CG's r_2 is 0 at both eigenvalues, GD's is 0.9 at λ = 0.05.",
	    "← shows l = 1: CG clears the λ = 0.97 direction first." },
	  { "dim=2", "data=kappa:20", "memory=none", "layers=3", "steps=600",
	    NULL },
	  { NULL },
	  TOUR_SCREEN_TEACH, 2, 100, TOUR_ACTION_NONE, 0 },

	{ "memory as CG's deflection",
	  { "The cgd memory keeps R_l = S_l + γ_l R_(l−1), as CG keeps its direction",
	    "p_l = r_l + β p_(l−1): γ plays CG's deflection β. γ2..γ5",
	    "rise from 0 to 0.4-0.75 by step 150, then settle at 0.2-0.4; the table",
	    "is what layer l adds of each older update. One γ per layer serves all",
	    "tasks; CG picks β per task (0 to 2.4 here). 4 then → shows both." },
	  { "memory=cgd", "layers=5", "data=kappa:10", "steps=800", NULL },
	  { NULL },
	  TOUR_SCREEN_MEMORY, -1, 100, TOUR_ACTION_NONE, 0 },

	{ "data the model was not trained on",
	  { "Trained on κ = 10 data; at step 500 the data switches to κ = 100",
	    "(the mark on the loss plot). The test loss jumps from ln MSE −0.45 to",
	    "about +0.8: what the layers learned fits the old Σ. Training goes on",
	    "and the loss falls again (about +0.2 by step 1000). CG needs no",
	    "training: its coefficients come from each task." },
	  { "memory=none", "layers=3", "data=kappa:10", "steps=1000", NULL },
	  { NULL },
	  TOUR_SCREEN_DASHBOARD, -1, 100, TOUR_ACTION_DATA, 500 },
};

static const struct tour_stage tour_end = {
	"the end of the tour",
	{ "You saw ill-conditioned data slow the learned steps, a learned A take",
	  "the shape of Σ⁻¹, CG exact in d steps (two in the plane), the cgd memory",
	  "in CG's role, and a model on data it was not trained on. To go on, try",
	  "  memscope --compare memory=none,cgd,lfom --data kappa:100", NULL },
	{ NULL }, { NULL }, TOUR_SCREEN_DASHBOARD, -1, 0, TOUR_ACTION_NONE, 0
};

_Static_assert(sizeof tour_stages / sizeof tour_stages[0] == TOUR_NSTAGES,
    "TOUR_NSTAGES is the lesson's length");

const struct tour tour_lesson = {
	tour_stages, (int)(sizeof tour_stages / sizeof tour_stages[0]),
	&tour_end
};

/* Lay "key=value" over cfg; 0 or -1 with the message. */
static int
tour_set(struct ms_config *cfg, const char *kv, char *err, size_t errlen)
{
	char key[64];
	const char *eq = strchr(kv, '=');

	if (eq == NULL || (size_t)(eq - kv) >= sizeof key)
		return config_error(err, errlen, "'%s' is not key=value", kv);
	snprintf(key, sizeof key, "%.*s", (int)(eq - kv), kv);
	return config_set(cfg, key, eq + 1, err, errlen);
}

/* The stage's configurations: its keys, then one run per entry of runs. */
int
tour_configs(const struct tour_stage *st, struct ms_config *out, int max,
    char *err, size_t errlen)
{
	struct ms_config base;
	char msg[384];
	int n = 0, bad = 0;

	config_defaults(&base);
	for (int i = 0; i < TOUR_MAX_SET && st->set[i] != NULL && !bad; i++)
		bad = tour_set(&base, st->set[i], msg, sizeof msg);
	do {
		if (bad)
			break;
		if (n == max)
			return config_error(err, errlen, "stage '%s': more than "
			    "%d runs", st->title, max);
		out[n] = base;
		if (st->runs[n] != NULL)
			bad = tour_set(&out[n], st->runs[n], msg, sizeof msg);
		if (!bad)
			bad = config_validate(&out[n], msg, sizeof msg);
		n++;
	} while (n < TOUR_MAX_RUNS && st->runs[n] != NULL);
	if (bad)
		return config_error(err, errlen, "stage '%s': %s", st->title,
		    msg);
	return n;
}

/* s, or its ASCII spelling in buf. */
const char *
tour_text(const char *s, bool utf8, char *buf, size_t len)
{
	if (utf8)
		return s;
	lesson_ascii(buf, len, s);
	return buf;
}

/* Line i of st's caption, UTF-8 or ASCII; NULL past the end. */
const char *
tour_caption_line(const struct tour_stage *st, int i, bool utf8, char *buf,
    size_t len)
{
	if (i < 0 || i >= TOUR_CAPTION_LINES || st->caption[i] == NULL)
		return NULL;
	return tour_text(st->caption[i], utf8, buf, len);
}
