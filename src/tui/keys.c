/* The key table and its actions. */
#include <stddef.h>

#include "memscope/keys.h"
#include "memscope/layout.h"

static int
keys_send(struct keys_ui *ui, enum engine_cmd cmd, int val)
{
	if (ui->send != NULL)
		ui->send(ui->send_arg, cmd, val);
	return KEYS_REDRAW;
}

static int
keys_pause(struct keys_ui *ui, int key)
{
	(void)key;
	return keys_send(ui, ENGINE_CMD_TOGGLE, 0);
}

static int
keys_step(struct keys_ui *ui, int key)
{
	(void)key;
	return keys_send(ui, ENGINE_CMD_STEP, 0);
}

static int
keys_speed(struct keys_ui *ui, int key)
{
	return keys_send(ui, ENGINE_CMD_SPEED, key == '<' ? -1 : 1);
}

static int
keys_heads(struct keys_ui *ui, int key)
{
	return keys_send(ui, ENGINE_CMD_HEADS, key == '[' ? -1 : 1);
}

static int
keys_layers(struct keys_ui *ui, int key)
{
	return keys_send(ui, ENGINE_CMD_LAYERS, key == 'l' ? -1 : 1);
}

static int
keys_memory(struct keys_ui *ui, int key)
{
	(void)key;
	return keys_send(ui, ENGINE_CMD_MEMORY, 0);
}

static int
keys_param(struct keys_ui *ui, int key)
{
	(void)key;
	return keys_send(ui, ENGINE_CMD_PARAM, 0);
}

static int
keys_data(struct keys_ui *ui, int key)
{
	(void)key;
	return keys_send(ui, ENGINE_CMD_DATA, 0);
}

static int
keys_restart(struct keys_ui *ui, int key)
{
	(void)key;
	return keys_send(ui, ENGINE_CMD_RESTART, 0);
}

static int
keys_save(struct keys_ui *ui, int key)
{
	(void)key;
	return keys_send(ui, ENGINE_CMD_SAVE, 0);
}

static int
keys_export(struct keys_ui *ui, int key)
{
	(void)key;
	return keys_send(ui, ENGINE_CMD_EXPORT, 0);
}

static int
keys_theme(struct keys_ui *ui, int key)
{
	(void)ui;
	(void)key;
	return KEYS_THEME | KEYS_REDRAW;
}

static int
keys_screen(struct keys_ui *ui, int key)
{
	if (key == '\t')
		ui->screen = (ui->screen + 1) % LAYOUT_SCREENS;
	else
		ui->screen = key - '1';
	return KEYS_LAYOUT | KEYS_REDRAW;
}

/* The step-through keys act on screen 4 only. */
static bool
keys_on_step(const struct keys_ui *ui)
{
	return ui->screen == LAYOUT_SCREEN_STEP && ui->step != NULL;
}

static int
keys_step_layer(struct keys_ui *ui, int key)
{
	if (!keys_on_step(ui))
		return 0;
	step_view_move_layer(ui->step, key == KEYS_LEFT ? -1 : 1);
	return KEYS_REDRAW;
}

static int
keys_step_task(struct keys_ui *ui, int key)
{
	if (!keys_on_step(ui))
		return 0;
	if (key == 'd')
		step_view_random_task(ui->step);
	else
		step_view_move_task(ui->step, key == KEYS_UP ? -1 : 1);
	return keys_send(ui, ENGINE_CMD_TRACE_TASK, ui->step->task);
}

static int
keys_step_follow(struct keys_ui *ui, int key)
{
	(void)key;
	if (!keys_on_step(ui))
		return 0;
	step_view_toggle_follow(ui->step);
	return keys_send(ui, ENGINE_CMD_TRACE_FOLLOW, ui->step->follow);
}

static int
keys_help(struct keys_ui *ui, int key)
{
	if (key == KEYS_ESC)
		ui->help = false;
	else
		ui->help = !ui->help;
	return KEYS_REDRAW;
}

static int
keys_quit(struct keys_ui *ui, int key)
{
	(void)ui;
	(void)key;
	return KEYS_QUIT;
}

static const struct key_action keys_actions[] = {
	{ { ' ' }, "space", NULL, "pause / resume (continue a finished run)",
	    keys_pause },
	{ { 'n' }, "n", NULL, "one optimizer step while paused", keys_step },
	{ { '<', '>' }, "< >", NULL,
	    "slower / faster: a steps/s cap, 1 to unlimited", keys_speed },
	{ { '[', ']' }, "[ ]", NULL, "heads - / + (new run)", keys_heads },
	{ { 'l', 'L' }, "l L", NULL, "layers - / + (new run)", keys_layers },
	{ { 'm' }, "m", NULL, "memory: none, cgd, lfom (new run)",
	    keys_memory },
	{ { 'p' }, "p", NULL,
	    "parametrization: scalar, pre, gdpp, full (new run)", keys_param },
	{ { 'c' }, "c", NULL, "data: iso, paper, kappa:10/100/1000 (continues)",
	    keys_data },
	{ { 'r' }, "r", NULL, "restart (the old curve stays, faded)",
	    keys_restart },
	{ { 's' }, "s", NULL, "save a checkpoint", keys_save },
	{ { 'e' }, "e", NULL, "export the loss history as CSV", keys_export },
	{ { 't' }, "t", NULL, "next theme", keys_theme },
	{ { '\t' }, "Tab", NULL, "next screen", keys_screen },
	{ { '1', '2', '3', '4' }, "1-4", NULL,
	    "dashboard, parameters, memory, step-through", keys_screen },
	{ { KEYS_LEFT, KEYS_RIGHT }, "Lt Rt", "← →",
	    "step-through: layer l - / +", keys_step_layer },
	{ { KEYS_UP, KEYS_DOWN, 'd' }, "Up Dn d", "↑ ↓ d",
	    "step-through: previous / next / random test task",
	    keys_step_task },
	{ { 'f' }, "f", NULL,
	    "step-through: follow training / freeze this model",
	    keys_step_follow },
	{ { '?', KEYS_ESC }, "? Esc", NULL, "this help / close it", keys_help },
	{ { 'q' }, "q", NULL, "quit", keys_quit },
};

/* Carry out the action bound to key; returns KEYS_* flags (0: unbound). */
int
keys_dispatch(struct keys_ui *ui, int key)
{
	size_t i, j;

	for (i = 0; i < sizeof keys_actions / sizeof keys_actions[0]; i++)
		for (j = 0; j < KEYS_PER_ACTION && keys_actions[i].key[j] != 0;
		    j++)
			if (keys_actions[i].key[j] == key)
				return keys_actions[i].fn(ui, key);
	return 0;
}

/* The action table (n entries). */
const struct key_action *
keys_table(int *n)
{
	*n = (int)(sizeof keys_actions / sizeof keys_actions[0]);
	return keys_actions;
}
