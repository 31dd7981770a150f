/*
 * The step-through screen (screen 4) as a module: the task and the methods
 * at ℓ top-left, the error chart top-right (35% of the width, 28 to 80
 * cells), the memory view below across the width; the top row 45% of the
 * height (at least 10, leaving the memory view at least 10). Its keys move
 * the step view (stepview.h) and tell the worker which task to trace and
 * whether to follow; its sync brings the view up to date with each
 * snapshot; its panels, panel_step.c's, draw the trace the worker published.
 *
 * The teaching screen (screen 5) follows the same step view with the same
 * keys: four panels in a 2 × 2 grid (the right column half the width, the
 * top row half the height), the error along each eigen-direction and the
 * residual polynomials above (panel_teach.c), the path (panel_path.c) and
 * the learned method as a method (panel_lfom.c) below.
 */
#include <stddef.h>

#include "memscope/keys.h"
#include "memscope/layout.h"
#include "memscope/screen.h"
#include "memscope/stepview.h"

static const struct layout_grid screen_step_grid = {
	35, 28, 80,	/* right column: 35% of the width, 28 to 80 cells */
	45, 10, 10,	/* top row: 45% of the height, >= 10, leaving >= 10 */
	LAYOUT_STEP, LAYOUT_STEP_CHART, LAYOUT_STEP_MEMORY, LAYOUT_NSLOTS
};

/* After each snapshot: the step view's ranges and the published trace. */
static void
screen_step_sync(struct screen_views *v, const struct snapshot *s)
{
	if (v->step != NULL)
		step_view_sync(v->step, s);
}

/* The row's function of the step view, with the row's argument; then the
 * row's engine command, with the argument the function returned (none if
 * it returned -1): the worker traces what the view selects. */
static int
screen_step_key(struct keys_ui *ui, const struct key_row *k)
{
	int val;

	if (ui->step == NULL)
		return 0;
	val = k->view(ui->step, k->arg);
	if (val >= 0 && ui->send != NULL)
		ui->send(ui->send_arg, k->cmd, val);
	return KEYS_REDRAW;
}

/* The layer is the UI's alone: the trace holds every layer. */
static int
screen_step_layer(struct step_view *v, int delta)
{
	step_view_move_layer(v, delta);
	return -1;
}

static int
screen_step_task(struct step_view *v, int delta)
{
	step_view_move_task(v, delta);
	return v->task;
}

static int
screen_step_random(struct step_view *v, int arg)
{
	(void)arg;
	step_view_random_task(v);
	return v->task;
}

static int
screen_step_follow(struct step_view *v, int arg)
{
	(void)arg;
	step_view_toggle_follow(v);
	return v->follow;
}

/* Rows: key, name, name with arrows, what it does, the action, the engine
 * command, the argument, the step view's function. */
static const struct key_line screen_step_keys[] = {
	{ .prefix = "step-through: layer l ", .keys = {
	    { KEYS_LEFT, "Lt", "←", "-", screen_step_key, 0, -1,
		screen_step_layer },
	    { KEYS_RIGHT, "Rt", "→", "+", screen_step_key, 0, +1,
		screen_step_layer } } },
	{ .prefix = "step-through: ", .suffix = " test task", .keys = {
	    { KEYS_UP, "Up", "↑", "previous", screen_step_key,
		ENGINE_CMD_TRACE_TASK, -1, screen_step_task },
	    { KEYS_DOWN, "Dn", "↓", "next", screen_step_key,
		ENGINE_CMD_TRACE_TASK, +1, screen_step_task },
	    { 'd', "d", NULL, "random", screen_step_key,
		ENGINE_CMD_TRACE_TASK, 0, screen_step_random } } },
	{ .keys = {
	    { 'f', "f", NULL, "step-through: follow training / freeze this "
	    "model", screen_step_key, ENGINE_CMD_TRACE_FOLLOW, 0,
	    screen_step_follow } } },
};

/* The message line's hints: this screen's keys first (UTF-8, ASCII). */
static const struct panel_hint screen_step_hints[] = {
	{ "← → layer", "Lt Rt layer" }, { "↑ ↓ task", "Up Dn task" },
	{ "d random task", NULL }, { "f follow/freeze", NULL },
	{ "g glossary", NULL }, { "? help", NULL }, { "q quit", NULL }, { "space pause", NULL },
	{ "Tab screen", NULL },
};

const struct screen_module screen_step = {
	.grid = &screen_step_grid,
	.keys = screen_step_keys,
	.nkeys = (int)(sizeof screen_step_keys / sizeof screen_step_keys[0]),
	.hints = screen_step_hints,
	.nhints = (int)(sizeof screen_step_hints /
	    sizeof screen_step_hints[0]),
	.sync = screen_step_sync,
	.draw = screen_draw_panels,
};

static const struct layout_grid screen_teach_grid = {
	50, 40, 1000,	/* right column: half the width */
	50, 10, 10,	/* top row: half the height, >= 10, leaving >= 10 */
	LAYOUT_TEACH_DIRS, LAYOUT_TEACH_POLY, LAYOUT_TEACH_PATH,
	LAYOUT_TEACH_METHOD
};

/* The teaching screen: the step-through's keys and hints; the step view
 * is synced once, by the step-through screen's module. */
const struct screen_module screen_teach = {
	.grid = &screen_teach_grid,
	.keys = screen_step_keys,
	.nkeys = (int)(sizeof screen_step_keys / sizeof screen_step_keys[0]),
	.hints = screen_step_hints,
	.nhints = (int)(sizeof screen_step_hints /
	    sizeof screen_step_hints[0]),
	.draw = screen_draw_panels,
};
