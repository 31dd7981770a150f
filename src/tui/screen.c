/*
 * Frames: the screen modules' table, the panels in their rectangles, the
 * overlays (help, "too small").
 */
#include <stdio.h>

#include "memscope/clock.h"
#include "memscope/keys.h"
#include "memscope/layout.h"
#include "memscope/panel.h"
#include "memscope/screen.h"

static const struct screen_module *const screen_modules[LAYOUT_SCREENS] = {
	&screen_dashboard,
	&screen_parameters,
	&screen_memory,
	&screen_step,
	&screen_teach,
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
	if (v->msg != NULL)
		msg_view_sync(v->msg, s, clock_seconds());
}

/*
 * The toast: the UI's note (until a key), else the snapshot's message while
 * it is fresh, in the error colour if it tells of an error, over the left
 * of the panels' bottom row, so the key hints below it stay and no row is
 * given up for messages that come now and then.
 */
static void
screen_toast(struct canvas *c, const struct snapshot *s,
    const struct screen_state *st)
{
	const char *text = NULL;
	enum colour_role col = COL_MESSAGE;
	char buf[300];
	struct rect r;

	if (st->note != NULL && st->note[0] != '\0') {
		text = st->note;
		col = st->note_error ? COL_DIVERGED : COL_MESSAGE;
	} else if (st->message && s->message[0] != '\0') {
		text = s->message;
		col = s->message_error ? COL_DIVERGED : COL_MESSAGE;
	}
	if (text == NULL || c->h < 3 || c->w < 4)
		return;
	snprintf(buf, sizeof buf, " %s ", text);
	r.x = 1;
	r.y = c->h - 3;
	r.w = canvas_text_width(buf);
	if (r.w > c->w - 2)
		r.w = c->w - 2;
	r.h = 1;
	canvas_fill(c, r, COL_DEFAULT);
	canvas_text(c, r.x, r.y, r.w, col, buf);
	canvas_attr(c, r, CATTR_BOLD | CATTR_REVERSE);
}

/* Draw the frame for snapshot s on the whole canvas. */
void
screen_draw(struct canvas *c, const struct snapshot *s,
    const struct screen_state *st, struct layout *out)
{
	const struct screen_module *m = screen_module(st->screen);
	struct panel_ctx ctx = { .s = s, .theme = st->theme,
	    .screen = st->screen, .nscreens = LAYOUT_SCREENS, .step = st->step,
	    .hints = st->hints != NULL ? st->hints : m->hints,
	    .nhints = st->hints != NULL ? st->nhints : m->nhints,
	    .plot = st->plot };
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
	screen_toast(c, s, st);
	if (st->glossary)
		screen_glossary(c);
	else if (st->help)
		screen_help(c, st->screen, st->keys, st->nkeys);
}
