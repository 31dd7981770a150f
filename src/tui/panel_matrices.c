/*
 * The parameter panel: every layer's and head's learned matrix as a heatmap
 * (A for pre, A and B for gdpp, P and Q for full; the scalars a of `scalar`
 * as a table of swatches and values), one block per layer with a tile per
 * (matrix, head), and for pre and gdpp a last tile of Σ⁻¹ (the target a
 * good preconditioner approaches, on its own scale), the blocks flowing
 * left to right and wrapping; a legend and range per matrix name at the
 * bottom. Entries wide enough (6 cells) show their values.
 * Each name has its own symmetric scale: max |entry| over all its layers
 * and heads. For pre and gdpp the line under each layer's tiles gives
 * cos(Σ_h A_ℓh, Σ⁻¹), which the theory says approaches 1.
 *
 * The scale (pixels per entry) is the largest at which the whole grid fits;
 * if even scale 1 does not, the rows and columns that fit are drawn and a
 * note says how many are left out.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "memscope/heatmap.h"
#include "memscope/panel.h"
#include "memscope/plot.h"
#include "memscope/xmalloc.h"

#define MAT_MAXNAMES 5
#define MAT_VALUE_W 6		/* cells an entry needs to show its value */
#define MAT_LEFT 3		/* "l1 " */

struct mat_names {
	int n;
	int sig;		/* 1: the last name is Σ⁻¹, one tile per layer */
	char name[MAT_MAXNAMES][8];
	int rows[MAT_MAXNAMES], cols[MAT_MAXNAMES];
	double range[MAT_MAXNAMES];
};

/* The per-head matrix names of the snapshot, in table order. */
static void
mat_collect(const struct snapshot *s, struct mat_names *mn)
{
	int i, j;

	memset(mn, 0, sizeof *mn);
	for (i = 0; i < s->nblocks; i++) {
		const struct param_block *b = &s->blocks[i];
		double r;

		if (b->head < 0)
			continue;
		for (j = 0; j < mn->n; j++)
			if (strcmp(mn->name[j], b->name) == 0)
				break;
		if (j == mn->n) {
			if (mn->n == MAT_MAXNAMES)
				continue;
			snprintf(mn->name[j], sizeof mn->name[j], "%s", b->name);
			mn->rows[j] = b->rows;
			mn->cols[j] = b->cols;
			mn->n++;
		}
		r = heatmap_range(s->params + b->offset, b->rows * b->cols);
		if (r > mn->range[j])
			mn->range[j] = r;
	}
}

static void
mat_legends(struct canvas *c, struct rect in, const struct mat_names *mn,
    int y, bool compact)
{
	char buf[16];
	int i, x;

	for (i = 0; i < mn->n; i++, y++) {
		x = in.x + canvas_text(c, in.x, y, in.w, COL_TEXT, mn->name[i]);
		x++;
		if (mn->range[i] == 0) {
			canvas_text(c, x, y, in.x + in.w - x, COL_DIM,
			    "all zero");
			continue;
		}
		if (heatmap_legend(c, x, y, in.x + in.w - x, mn->range[i],
		    compact) == 0)
			canvas_printf(c, x, y, in.x + in.w - x, COL_AXIS,
			    "+-%s", plot_label(mn->range[i], buf, sizeof buf));
	}
}

/* The scalar parametrization: a table of a_ℓh, a swatch before each. */
static void
mat_scalars(const struct snapshot *s, struct canvas *c, struct rect in,
    const struct mat_names *mn)
{
	int l, h, x, y, L = s->cfg.layers, H = s->cfg.heads, colw = 9;
	const double *p;

	for (h = 0; h < H && MAT_LEFT + (h + 1) * colw <= in.w; h++)
		canvas_printf(c, in.x + MAT_LEFT + h * colw, in.y, colw,
		    COL_DIM, "a h%d", h + 1);
	for (l = 0; l < L && l + 1 < in.h - mn->n; l++) {
		y = in.y + 1 + l;
		canvas_printf(c, in.x, y, MAT_LEFT, COL_DIM, "l%d", l + 1);
		for (h = 0; h < H && MAT_LEFT + (h + 1) * colw <= in.w; h++) {
			if ((p = snapshot_block(s, "a", l, h, NULL)) == NULL)
				continue;
			x = in.x + MAT_LEFT + h * colw;
			heatmap_draw(c, x, y, p, 1, 1, mn->range[0], 1, false);
			canvas_printf(c, x + 2 + (c->mono ? 1 : 0), y,
			    colw - 3, COL_TEXT, "%+.3f", *p);
		}
	}
}

/* The direct kinds: a row per coefficient vector (direct: γ_i, step i's
 * weight for all later steps; pairs: Γ_i^k), a swatch and value per entry,
 * as many entries and rows as fit. */
static void
mat_direct(const struct snapshot *s, struct canvas *c, struct rect in)
{
	bool pairs = s->cfg.param == MS_PARAM_DIRECT_PAIRS;
	/* a swatch (two cells without colour), a space, "%+.3f", a space */
	int sw = c->mono ? 2 : 1, colw = sw + 8, labw = pairs ? 7 : 4;
	int d = s->cfg.dim, K = s->cfg.layers, y = in.y;
	int fit = (in.w - labw) / colw, shown = 0, total = 0;
	double range = 0.0;
	const double *p;
	char note[128];

	for (int i = 0; i < s->nblocks; i++)
		range = fmax(range, heatmap_range(s->params +
		    s->blocks[i].offset, s->blocks[i].rows));
	if (fit > d)
		fit = d;
	for (int k = 0; k < K; k++)
		for (int i = 0; i <= (pairs ? k : 0); i++, total++) {
			p = pairs ? snapshot_block(s, "G", k, i, NULL) :
			    snapshot_block(s, "g", k, -1, NULL);
			if (p == NULL || y >= in.y + in.h - 1)
				continue;
			canvas_printf(c, in.x, y, labw, COL_DIM, pairs ?
			    "k%d g%d" : "g%d", k + 1, i + 1);
			for (int f = 0; f < fit; f++) {
				int x = in.x + labw + f * colw;

				heatmap_draw(c, x, y, p + f, 1, 1, range, 1,
				    false);
				canvas_printf(c, x + sw + 1, y, colw - sw - 2,
				    COL_TEXT, "%+.3f", p[f]);
			}
			y++;
			shown++;
		}
	/* the counts say what is cut: the shorter key when both do not fit */
	for (int v = 0; v < 2; v++) {
		snprintf(note, sizeof note, "%s%s; %d/%d rows, %d/%d dims",
		    pairs ? (v == 0 ? "k gi: step k's weight on gradient i" :
		    "k gi: step k, grad i") : v == 0 ?
		    "gi: gradient i's weight in all later steps" :
		    "gi: gradient i's weight", range == 0 ? " (all zero)" : "",
		    shown, total, fit, d);
		if (canvas_text_width(note) <= in.w)
			break;
	}
	canvas_text(c, in.x, in.y + in.h - 1, in.w, COL_DIM, note);
}

/* The grid at one scale: a block per layer (a tile per matrix and head,
 * then the cosine), blocks flowing left to right and wrapping. */
struct mat_grid {
	int sc;
	bool compact;
	int colw, rowh;		/* a tile, with its gap */
	int blockw, perrow, blockrows, h;
};

static void
mat_grid(const struct canvas *c, const struct mat_names *mn, int H, int L,
    int cosw, int width, int sc, bool compact, struct mat_grid *g)
{
	int ntiles = (mn->n - mn->sig) * H + mn->sig;

	int i, hw, hh;

	g->sc = sc;
	g->compact = compact;
	g->colw = g->rowh = 0;
	for (i = 0; i < mn->n; i++) {
		heatmap_size(c, mn->rows[i], mn->cols[i], sc, compact, &hw, &hh);
		if (hw + 1 > g->colw)
			g->colw = hw + 1;
		if (hh + 1 > g->rowh)
			g->rowh = hh + 1;
	}
	hw = H > 1 ? 5 : 2;	/* "A h1 " or "A " */
	if (g->colw < hw)
		g->colw = hw;
	g->blockw = MAT_LEFT + ntiles * g->colw;
	if (g->blockw < cosw)
		g->blockw = cosw;
	g->perrow = width / g->blockw;
	if (g->perrow < 1)
		g->perrow = 1;
	g->blockrows = (L + g->perrow - 1) / g->perrow;
	/* the gap under the last row holds the cosines, if any */
	g->h = 1 + g->blockrows * g->rowh - (cosw > 0 ? 0 : 1);
}

/* The largest scale at which every layer fits in w x h cells (into g),
 * else compact; else false and g the smallest compact grid. */
static bool
mat_search(const struct canvas *c, const struct mat_names *mn, int H, int L,
    int cosw, int w, int h, struct mat_grid *g)
{
	int pass, sc;

	for (pass = 0; pass < 2; pass++)
		for (sc = 12; sc >= 1; sc--) {
			mat_grid(c, mn, H, L, cosw, w, sc, pass == 1, g);
			if (g->blockw <= w && g->h <= h)
				return true;
		}
	mat_grid(c, mn, H, L, cosw, w, 1, true, g);
	return false;
}

/* The colour of a value's text on heat level bg: the terminal's text
 * colour, but on the scale's two outermost levels each side the middle
 * level's colour, for a diverging scale's ends contrast with its middle
 * (dark theme: light ends, a dark middle, light text) where the terminal's
 * text may be as light (or dark) as the ends: white on the dark theme's
 * #ffaf5f could not be read. */
static enum colour_role
mat_value_colour(enum colour_role bg)
{
	int k = (int)bg - COL_HEAT_ZERO;

	return k >= COL_HEAT_LEVELS / 2 - 1 || k <= -(COL_HEAT_LEVELS / 2 - 1) ?
	    COL_HEAT_ZERO : COL_TEXT;
}

/* Each entry's value over its heatmap (drawn at (x, y), scale sc) when an
 * entry is at least MAT_VALUE_W cells wide: "+0.12" in its middle row, on
 * its own heat colour (mat_value_colour). */
static void
mat_values(struct canvas *c, int x, int y, const double *m, int rows,
    int cols, double range, int sc, bool compact)
{
	bool halves = c->g->utf8 && !c->mono;
	int ew = halves ? sc : (compact ? 1 : 2) * sc, i, j, k, cx, cy, n;
	enum colour_role bg;
	char buf[16];

	if (ew < MAT_VALUE_W)
		return;
	for (i = 0; i < rows; i++)
		for (j = 0; j < cols; j++) {
			double v = m[i * cols + j];

			snprintf(buf, sizeof buf, "%+.*f", ew >= 7 ? 3 : 2, v);
			n = (int)strlen(buf);
			if (n > ew - 1)
				n = ew - 1;
			cx = x + j * ew + (ew - n) / 2;
			cy = halves ? y + (i * sc + sc / 2) / 2 :
			    y + i * sc + sc / 2;
			/* mono: the entry's row is its sign and shade glyphs,
			 * which the value replaces whole */
			for (k = 0; c->mono && k < ew; k++)
				canvas_set(c, x + j * ew + k, cy, ' ', COL_TEXT,
				    COL_DEFAULT, 0);
			bg = c->mono ? COL_DEFAULT : heatmap_level(v, range);
			for (k = 0; k < n; k++)
				canvas_set(c, cx + k, cy, (uint32_t)buf[k],
				    c->mono ? COL_TEXT : mat_value_colour(bg), bg,
				    CATTR_BOLD);
		}
}

/* A tile: m drawn at (x, y) as the grid says, values in the cells when
 * they are wide enough. */
static void
mat_tile(struct canvas *c, int x, int y, const double *m, int rows,
    int cols, double range, const struct mat_grid *g)
{
	heatmap_draw(c, x, y, m, rows, cols, range, g->sc, g->compact);
	mat_values(c, x, y, m, rows, cols, range, g->sc, g->compact);
}

static void
mat_draw(const struct panel_ctx *ctx, struct canvas *c, struct rect r)
{
	const struct snapshot *s = ctx->s;
	struct mat_names mn;
	struct mat_grid g, fit;
	struct rect in;
	bool cosines, found;
	char title[96], buf[32];
	int L = s->cfg.layers, H = s->cfg.heads, i, l, k, cosw;
	int x0, y0, x, y, avail_h, shown = 0, nh, ntiles;
	const double *p;

	snprintf(title, sizeof title, "parameters (%s, %d head%s)%s",
	    config_param_name(s->cfg.param), H, H == 1 ? "" : "s",
	    s->cfg.param == MS_PARAM_PRE || s->cfg.param == MS_PARAM_GDPP ?
	    (c->g->utf8 ? ", cos: Σ_h A vs Σ⁻¹" : ", cos: sum_h A vs S^-1") :
	    "");
	/* an optimizer learned directly has no heads */
	if (config_param_is_direct(s->cfg.param))
		snprintf(title, sizeof title, "parameters (%s)",
		    config_param_name(s->cfg.param));
	else if (r.w <= canvas_text_width(title) + 4)
		snprintf(title, sizeof title, "parameters (%s, %d head%s)",
		    config_param_name(s->cfg.param), H, H == 1 ? "" : "s");
	in = panel_frame(c, r, r.w > canvas_text_width(title) + 4 ? title :
	    "parameters");
	if (in.w < 8 || in.h < 2)
		return;
	if (config_param_is_direct(s->cfg.param)) {
		mat_direct(s, c, in);
		return;
	}
	mat_collect(s, &mn);
	cosines = s->cfg.param == MS_PARAM_PRE ||
	    s->cfg.param == MS_PARAM_GDPP;
	if (cosines && mn.n > 0 && mn.n < MAT_MAXNAMES &&
	    s->cap_d >= s->cfg.dim && s->sigma_inv != NULL) {
		/* Σ⁻¹ beside each layer's A: what a good A approaches */
		snprintf(mn.name[mn.n], sizeof mn.name[0], "%s", c->g->utf8 ?
		    "Σ⁻¹" : "S^-1");
		mn.rows[mn.n] = mn.cols[mn.n] = s->cfg.dim;
		mn.range[mn.n] = heatmap_range(s->sigma_inv,
		    s->cfg.dim * s->cfg.dim);
		mn.sig = 1;
		mn.n++;
	}
	if (mn.n == 0) {
		panel_centre(c, in, in.y + in.h / 2, COL_DIM,
		    "no parameters yet");
		return;
	}
	avail_h = in.h - mn.n;		/* legend rows at the bottom */
	if (avail_h < 2)
		avail_h = in.h;
	if (mn.rows[0] * mn.cols[0] == 1) {
		if (avail_h < in.h)
			mat_legends(c, in, &mn, in.y + avail_h, false);
		mat_scalars(s, c, in, &mn);
		return;
	}

	cosw = cosines ? 10 : 0;	/* "cos +0.93 " */
	found = mat_search(c, &mn, H, L, cosw, in.w, avail_h, &g);
	if (!found && mn.sig) {
		/* not every layer fits with Σ⁻¹ beside it: the layers first */
		mn.n--;
		mn.sig = 0;
		avail_h++;
		found = mat_search(c, &mn, H, L, cosw, in.w, avail_h, &g);
	}
	nh = mn.n - mn.sig;	/* the per-head names */
	ntiles = nh * H + mn.sig;
	fit = g;
	if (avail_h < in.h)
		mat_legends(c, in, &mn, in.y + avail_h, fit.compact);

	for (l = 0; l < L; l++) {
		x0 = in.x + (l % fit.perrow) * fit.blockw;
		y0 = in.y + 1 + (l / fit.perrow) * fit.rowh;
		if (y0 + fit.rowh - 1 > in.y + avail_h ||
		    (!found && y0 + fit.rowh > in.y + avail_h - 1))
			break;
		if (l < fit.perrow) {
			/* column headers above the first row of blocks */
			for (i = 0; i < ntiles; i++) {
				x = x0 + MAT_LEFT + i * fit.colw;
				if (H > 1 && i < nh * H)
					canvas_printf(c, x, in.y, fit.colw - 1,
					    COL_DIM, "%s h%d", mn.name[i / H],
					    i % H + 1);
				else
					canvas_text(c, x, in.y, fit.colw - 1,
					    COL_DIM, mn.name[i < nh * H ?
					    i / H : nh]);
			}
		}
		canvas_printf(c, x0, y0, MAT_LEFT, COL_DIM, "l%d", l + 1);
		for (i = 0; i < ntiles; i++) {
			k = i < nh * H ? i / H : nh;
			p = k < nh ? snapshot_block(s, mn.name[k], l, i % H,
			    NULL) : s->sigma_inv;
			x = x0 + MAT_LEFT + i * fit.colw;
			if (p != NULL && x + fit.colw - 1 <= in.x + in.w)
				mat_tile(c, x, y0, p, mn.rows[k], mn.cols[k],
				    mn.range[k], &fit);
		}
		if (cosw > 0) {
			y = y0 + fit.rowh - 1;
			if (isfinite(s->sigma_cos[l]))
				snprintf(buf, sizeof buf, "%+.2f",
				    s->sigma_cos[l]);
			else
				snprintf(buf, sizeof buf, "-");
			x = x0 + canvas_text(c, x0, y, 4, COL_DIM, "cos ");
			canvas_text(c, x, y, fit.blockw - 5, COL_MODEL, buf);
		}
		shown++;
	}
	if (shown < L || fit.blockw > in.w) {
		y = in.y + avail_h - 1;
		canvas_fill(c, (struct rect){ in.x, y, in.w, 1 }, COL_DEFAULT);
		canvas_printf(c, in.x, y, in.w, COL_DIM,
		    "%d of %d layers shown: enlarge, or screen 2", shown, L);
	}
}

const struct panel_class panel_matrices = {
	.name = "matrices",
	.min_w = 12,
	.min_h = 4,
	.draw = mat_draw,
};
