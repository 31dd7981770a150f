/*
 * Frames: the screen modules' table, the panels in their rectangles, the
 * overlays (help, "too small").
 */
#include <stdio.h>

#include "memscope/keys.h"
#include "memscope/layout.h"
#include "memscope/panel.h"
#include "memscope/screen.h"

#define SCREEN_HELP_LINES 32	/* more than the key lines there are */

static const struct screen_module *const screen_modules[LAYOUT_SCREENS] = {
	&screen_dashboard,
	&screen_parameters,
	&screen_memory,
	&screen_step,
};

/* Screen i (0-based); the dashboard if out of range. */
const struct screen_module *
screen_module(int i)
{
	if (i < 0 || i >= LAYOUT_SCREENS)
		i = 0;
	return screen_modules[i];
}

static void
screen_too_small(struct canvas *c)
{
	struct rect all = { 0, 0, c->w, c->h };
	char buf[96];
	int y = c->h / 2 - 1;

	if (y < 0)
		y = 0;
	snprintf(buf, sizeof buf, "memscope needs %dx%d", LAYOUT_MIN_W,
	    LAYOUT_MIN_H);
	panel_centre(c, all, y, COL_TITLE, buf);
	snprintf(buf, sizeof buf, "this terminal is %dx%d", c->w, c->h);
	panel_centre(c, all, y + 1, COL_TEXT, buf);
	panel_centre(c, all, y + 2, COL_DIM, "q quits");
}

/* The help's lines for screen sc in a canvas of rows rows. */
int
screen_help_lines(int sc, int rows, const struct key_line **out, int max)
{
	const struct key_line *all[SCREEN_HELP_LINES];
	const struct screen_module *m;
	int n = keys_help_lines(all, SCREEN_HELP_LINES), i, o, k = 0;
	bool other;

	if (n > SCREEN_HELP_LINES)
		n = SCREEN_HELP_LINES;
	for (i = 0; i < n; i++) {
		/* too many for the rows: leave out other screens' own keys */
		for (other = false, o = 0; n + 4 > rows && o < LAYOUT_SCREENS;
		    o++) {
			m = screen_module(o);
			other |= o != sc && m->nkeys > 0 && all[i] >= m->keys &&
			    all[i] < m->keys + m->nkeys;
		}
		if (other)
			continue;
		if (k < max)
			out[k] = all[i];
		k++;
	}
	return k;
}

/* The help overlay (from the key lines) centred in the canvas. */
void
screen_help(struct canvas *c, int sc)
{
	const struct key_line *lines[SCREEN_HELP_LINES];
	char name[64], text[256];
	struct rect box;
	int n, i, w = 64, h, y;

	n = screen_help_lines(sc, c->h, lines, SCREEN_HELP_LINES);
	if (n > SCREEN_HELP_LINES)
		n = SCREEN_HELP_LINES;
	h = n + 4;
	if (w > c->w)
		w = c->w;
	if (h > c->h)
		h = c->h;
	box.x = (c->w - w) / 2;
	box.y = (c->h - h) / 2;
	box.w = w;
	box.h = h;
	canvas_fill(c, box, COL_HELP);
	canvas_box(c, box, "keys");
	for (i = 0; i < n; i++) {
		y = box.y + 1 + i;
		if (y >= box.y + box.h - 2)
			break;
		canvas_text(c, box.x + 2, y, 8, COL_KEY,
		    keys_line_name(lines[i], c->g->utf8, name, sizeof name));
		canvas_text(c, box.x + 10, y, box.w - 12, COL_HELP,
		    keys_line_text(lines[i], text, sizeof text));
	}
	y = box.y + box.h - 2;
	if (y > box.y)
		canvas_text(c, box.x + 2, y, box.w - 4, COL_HELP,
		    "? or Esc closes this help");
}

/* Each panel of lo in its rectangle, or the line saying what it needs. */
void
screen_draw_panels(const struct panel_ctx *ctx, struct canvas *c,
    const struct layout *lo)
{
	const struct panel_class *pc;
	char buf[96];
	int i;

	for (i = 0; i < lo->n; i++) {
		struct rect r = lo->item[i].r;

		pc = layout_panel(lo->item[i].slot);
		if (lo->item[i].fits) {
			pc->draw(ctx, c, r);
			continue;
		}
		snprintf(buf, sizeof buf, "%s needs %dx%d", pc->name,
		    pc->min_w, pc->min_h);
		panel_centre(c, r, r.y + (r.h - 1) / 2, COL_DIM, buf);
	}
}

/* Every screen's sync, with snapshot s. */
void
screen_sync(struct screen_views *v, const struct snapshot *s)
{
	for (int i = 0; i < LAYOUT_SCREENS; i++)
		if (screen_modules[i]->sync != NULL)
			screen_modules[i]->sync(v, s);
}

/* Draw the frame for snapshot s on the whole canvas. */
void
screen_draw(struct canvas *c, const struct snapshot *s,
    const struct screen_state *st, struct layout *out)
{
	const struct screen_module *m = screen_module(st->screen);
	struct panel_ctx ctx = { s, st->theme, st->screen, LAYOUT_SCREENS,
	    st->note, st->step, m->hints, m->nhints, st->plot };
	struct layout lo;

	canvas_clear(c);
	layout_compute(&lo, c->w, c->h, st->screen);
	if (out != NULL)
		*out = lo;
	if (lo.too_small) {
		screen_too_small(c);
		return;
	}
	m->draw(&ctx, c, &lo);
	if (st->help)
		screen_help(c, st->screen);
}
