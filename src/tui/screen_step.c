/*
 * The step-through screen (screen 4) as a module: the task and the methods
 * at ℓ top-left, the error chart top-right (35% of the width, 28 to 80
 * cells), the memory view below across the width; the top row 45% of the
 * height (at least 10, leaving the memory view at least 10). Its keys move
 * the step view (stepview.h) and its sync brings that view up to date with
 * the snapshot; its panels are panel_step.c's.
 */
#include <stddef.h>

#include "memscope/keys.h"
#include "memscope/layout.h"
#include "memscope/screen.h"
#include "memscope/stepview.h"

static void
screen_step_layout(struct layout *lo, int w, int h)
{
	int rw = layout_clamp(w * 7 / 20, 28, 80);
	int th = layout_clamp(h * 45 / 100, 10, h - 10);

	layout_place(lo, LAYOUT_STEP, 0, 0, w - rw, th);
	layout_place(lo, LAYOUT_STEP_CHART, w - rw, 0, rw, th);
	layout_place(lo, LAYOUT_STEP_MEMORY, 0, th, w, h - th);
}

static void
screen_step_sync(const struct screen_state *st, const struct snapshot *s)
{
	if (st->step != NULL)
		step_view_sync(st->step, s);
}

/* ℓ − 1 or ℓ + 1 (k->arg). */
static int
screen_step_layer(struct keys_ui *ui, const struct key_row *k)
{
	if (ui->step == NULL)
		return 0;
	step_view_move_layer(ui->step, k->arg);
	return KEYS_REDRAW;
}

/* The previous or next test task (k->arg). */
static int
screen_step_task(struct keys_ui *ui, const struct key_row *k)
{
	if (ui->step == NULL)
		return 0;
	step_view_move_task(ui->step, k->arg);
	return KEYS_REDRAW;
}

static int
screen_step_random(struct keys_ui *ui, const struct key_row *k)
{
	(void)k;
	if (ui->step == NULL)
		return 0;
	step_view_random_task(ui->step);
	return KEYS_REDRAW;
}

static int
screen_step_follow(struct keys_ui *ui, const struct key_row *k)
{
	(void)k;
	if (ui->step == NULL)
		return 0;
	step_view_toggle_follow(ui->step);
	return KEYS_REDRAW;
}

static const struct key_line screen_step_keys[] = {
	{ .prefix = "step-through: layer l ", .keys = {
	    { KEYS_LEFT, "Lt", "←", "-", screen_step_layer, 0, -1 },
	    { KEYS_RIGHT, "Rt", "→", "+", screen_step_layer, 0, +1 } } },
	{ .prefix = "step-through: ", .suffix = " test task", .keys = {
	    { KEYS_UP, "Up", "↑", "previous", screen_step_task, 0, -1 },
	    { KEYS_DOWN, "Dn", "↓", "next", screen_step_task, 0, +1 },
	    { 'd', "d", NULL, "random", screen_step_random, 0, 0 } } },
	{ .keys = {
	    { 'f', "f", NULL, "step-through: follow training / freeze this "
	    "model", screen_step_follow, 0, 0 } } },
};

const struct screen_module screen_step = {
	.layout = screen_step_layout,
	.keys = screen_step_keys,
	.nkeys = (int)(sizeof screen_step_keys / sizeof screen_step_keys[0]),
	.sync = screen_step_sync,
	.draw = screen_draw_panels,
};
