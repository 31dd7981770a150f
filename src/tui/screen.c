/* Frames: layout, panels, overlays. */
#include <stdio.h>

#include "memscope/keys.h"
#include "memscope/layout.h"
#include "memscope/panel.h"
#include "memscope/screen.h"

static const struct panel_class *screen_panels[LAYOUT_NSLOTS] = {
	[LAYOUT_LOSS] = &panel_loss,
	[LAYOUT_LAYERS] = &panel_layers,
	[LAYOUT_MATRICES] = &panel_matrices,
	[LAYOUT_MEMORY] = &panel_memory,
	[LAYOUT_STEP] = &panel_step,
	[LAYOUT_STEP_CHART] = &panel_step_chart,
	[LAYOUT_STEP_MEMORY] = &panel_step_memory,
	[LAYOUT_MESSAGE] = &panel_message,
	[LAYOUT_STATUS] = &panel_status,
};

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

/* The help overlay (from the key table) centred in the canvas. */
void
screen_help(struct canvas *c)
{
	const struct key_action *ka;
	struct rect box;
	int n, i, w = 64, h, y;

	ka = keys_table(&n);
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
		canvas_text(c, box.x + 2, y, 8, COL_KEY, c->g->utf8 &&
		    ka[i].name_utf8 != NULL ? ka[i].name_utf8 : ka[i].name);
		canvas_text(c, box.x + 10, y, box.w - 12, COL_HELP, ka[i].help);
	}
	y = box.y + box.h - 2;
	if (y > box.y)
		canvas_text(c, box.x + 2, y, box.w - 4, COL_HELP,
		    "? or Esc closes this help");
}

/* Draw the frame for snapshot s on the whole canvas. */
void
screen_draw(struct canvas *c, const struct snapshot *s,
    const struct screen_state *st, struct layout *out)
{
	struct panel_ctx ctx = { s, st->theme, st->screen, LAYOUT_SCREENS,
	    st->note, st->step };
	struct layout lo;
	int i;

	canvas_clear(c);
	layout_compute(&lo, c->w, c->h, st->screen);
	if (out != NULL)
		*out = lo;
	if (lo.too_small) {
		screen_too_small(c);
		return;
	}
	for (i = 0; i < lo.n; i++)
		screen_panels[lo.item[i].slot]->draw(&ctx, c, lo.item[i].r);
	if (st->help)
		screen_help(c);
}
