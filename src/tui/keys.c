/*
 * The key lines every screen has, the dispatcher and the help's text. A
 * row's action gets the row itself, so the command and the argument it
 * queues are the row's data: l and L are one action with -1 and +1.
 */
#include <stdio.h>
#include <string.h>

#include "memscope/keys.h"
#include "memscope/layout.h"
#include "memscope/screen.h"

/* Queue k->cmd with k->arg. */
static int
keys_engine(struct keys_ui *ui, const struct key_row *k)
{
	if (ui->send != NULL)
		ui->send(ui->send_arg, k->cmd, k->arg);
	return KEYS_REDRAW;
}

/* The export key: the engine writes the history, the main loop the
 * screen. */
static int
keys_export(struct keys_ui *ui, const struct key_row *k)
{
	return keys_engine(ui, k) | KEYS_EXPORT;
}

static int
keys_theme(struct keys_ui *ui, const struct key_row *k)
{
	(void)ui;
	(void)k;
	return KEYS_THEME | KEYS_REDRAW;
}

static int
keys_screen_next(struct keys_ui *ui, const struct key_row *k)
{
	(void)k;
	ui->screen = (ui->screen + 1) % LAYOUT_SCREENS;
	return KEYS_LAYOUT | KEYS_REDRAW;
}

/* Screen k->arg (0-based). */
static int
keys_screen_go(struct keys_ui *ui, const struct key_row *k)
{
	ui->screen = k->arg;
	return KEYS_LAYOUT | KEYS_REDRAW;
}

static int
keys_help_toggle(struct keys_ui *ui, const struct key_row *k)
{
	(void)k;
	ui->help = !ui->help;
	ui->glossary = false;
	return KEYS_REDRAW;
}

static int
keys_help_close(struct keys_ui *ui, const struct key_row *k)
{
	(void)k;
	ui->help = ui->glossary = false;
	return KEYS_REDRAW;
}

static int
keys_glossary_toggle(struct keys_ui *ui, const struct key_row *k)
{
	(void)k;
	ui->glossary = !ui->glossary;
	ui->help = false;
	return KEYS_REDRAW;
}

static int
keys_quit(struct keys_ui *ui, const struct key_row *k)
{
	(void)ui;
	(void)k;
	return KEYS_QUIT;
}

/* Rows: key, name, name with arrows, what it does, action, the engine
 * command it queues, argument. The help lists these lines first ... */
static const struct key_line keys_common[] = {
	{ .keys = { { ' ', "space", NULL,
	    "pause / resume (continue a finished run)", keys_engine,
	    ENGINE_CMD_TOGGLE, 0 } } },
	{ .keys = { { 'n', "n", NULL, "one step of every run (paused)",
	    keys_engine, ENGINE_CMD_STEP, 0 } } },
	{ .suffix = ": steps/s cap", .keys = {
	    { '<', "<", NULL, "slower", keys_engine, ENGINE_CMD_SPEED, -1 },
	    { '>', ">", NULL, "faster", keys_engine, ENGINE_CMD_SPEED, +1 } } },
	{ .prefix = "heads ", .suffix = " (restarts)", .keys = {
	    { '[', "[", NULL, "-", keys_engine, ENGINE_CMD_HEADS, -1 },
	    { ']', "]", NULL, "+", keys_engine, ENGINE_CMD_HEADS, +1 } } },
	{ .prefix = "layers ", .suffix = " (restarts)", .keys = {
	    { 'l', "l", NULL, "-", keys_engine, ENGINE_CMD_LAYERS, -1 },
	    { 'L', "L", NULL, "+", keys_engine, ENGINE_CMD_LAYERS, +1 } } },
	{ .keys = { { 'm', "m", NULL, "memory: none, cgd, lfom (restarts)",
	    keys_engine, ENGINE_CMD_MEMORY, 0 } } },
	{ .keys = { { 'p', "p", NULL,
	    "param: scalar, pre, gdpp, full (restarts)", keys_engine,
	    ENGINE_CMD_PARAM, 0 } } },
	{ .keys = { { 'c', "c", NULL,
	    "data: iso, paper, kappa:10/100/1000 (continues)", keys_engine,
	    ENGINE_CMD_DATA, 0 } } },
	{ .keys = { { 'r', "r", NULL, "restart the focused run",
	    keys_engine, ENGINE_CMD_RESTART, 0 } } },
	{ .keys = { { 'a', "a", NULL, "add a run like the focused one",
	    keys_engine, ENGINE_CMD_RUN_ADD, 0 } } },
	{ .keys = { { 'x', "x", NULL, "remove the focused run", keys_engine,
	    ENGINE_CMD_RUN_REMOVE, 0 } } },
	{ .prefix = "focus the ", .suffix = " run", .keys = {
	    { ',', ",", NULL, "previous", keys_engine, ENGINE_CMD_RUN_FOCUS,
		-1 },
	    { '.', ".", NULL, "next", keys_engine, ENGINE_CMD_RUN_FOCUS,
		+1 } } },
	{ .keys = { { 'v', "v", NULL, "show / hide the focused run",
	    keys_engine, ENGINE_CMD_RUN_VISIBLE, 0 } } },
	{ .keys = { { 's', "s", NULL, "save a checkpoint", keys_engine,
	    ENGINE_CMD_SAVE, 0 } } },
	{ .keys = { { 'e', "e", NULL,
	    "export the screen (SVG), the runs (CSV)", keys_export,
	    ENGINE_CMD_EXPORT, 0 } } },
	{ .keys = { { 't', "t", NULL, "next theme", keys_theme, 0, 0 } } },
	{ .keys = { { '\t', "Tab", NULL, "next screen", keys_screen_next, 0,
	    0 } } },
	{ .name = "1-5", .sep = ", ", .keys = {
	    { '1', "1", NULL, "dashboard", keys_screen_go, 0, 0 },
	    { '2', "2", NULL, "parameters", keys_screen_go, 0, 1 },
	    { '3', "3", NULL, "memory", keys_screen_go, 0, 2 },
	    { '4', "4", NULL, "step-through", keys_screen_go, 0, 3 },
	    { '5', "5", NULL, "teach", keys_screen_go, 0, 4 } } },
};

/* ... then every screen's own, then these. */
static const struct key_line keys_last[] = {
	{ .keys = { { 'g', "g", NULL, "glossary of the teaching terms",
	    keys_glossary_toggle, 0, 0 } } },
	{ .keys = {
	    { '?', "?", NULL, "this help", keys_help_toggle, 0, 0 },
	    { KEYS_ESC, "Esc", NULL, "close it", keys_help_close, 0, 0 } } },
	{ .keys = { { 'q', "q", NULL, "quit", keys_quit, 0, 0 } } },
};

#define KEYS_NCOMMON ((int)(sizeof keys_common / sizeof keys_common[0]))
#define KEYS_NLAST ((int)(sizeof keys_last / sizeof keys_last[0]))

/* The row for key among n lines, or NULL. */
static const struct key_row *
keys_find(const struct key_line *lines, int n, int key)
{
	int i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < KEYS_PER_LINE && lines[i].keys[j].key != 0;
		    j++)
			if (lines[i].keys[j].key == key)
				return &lines[i].keys[j];
	return NULL;
}

/* Carry out the row bound to key; returns KEYS_* flags (0: unbound). */
int
keys_dispatch(struct keys_ui *ui, int key)
{
	const struct screen_module *m = screen_module(ui->screen);
	const struct key_row *k;

	k = keys_find(m->keys, m->nkeys, key);
	if (k == NULL)
		k = keys_find(keys_common, KEYS_NCOMMON, key);
	if (k == NULL)
		k = keys_find(keys_last, KEYS_NLAST, key);
	return k != NULL ? k->act(ui, k) : 0;
}

/* The help's lines in order; returns how many there are. */
int
keys_help_lines(const struct key_line **out, int max)
{
	const struct screen_module *m;
	int n = 0, i, sc;

	for (i = 0; i < KEYS_NCOMMON; i++, n++)
		if (n < max)
			out[n] = &keys_common[i];
	for (sc = 0; sc < LAYOUT_SCREENS; sc++) {
		m = screen_module(sc);
		if (sc > 0 && m->keys == screen_module(sc - 1)->keys)
			continue;	/* shared with the screen before */
		for (i = 0; i < m->nkeys; i++, n++)
			if (n < max)
				out[n] = &m->keys[i];
	}
	for (i = 0; i < KEYS_NLAST; i++, n++)
		if (n < max)
			out[n] = &keys_last[i];
	return n;
}

/* Append s to buf (of len bytes, holding *at), truncating. */
static void
keys_append(char *buf, size_t len, size_t *at, const char *s)
{
	size_t n = strlen(s);

	if (*at + 1 >= len)
		return;
	if (n > len - 1 - *at)
		n = len - 1 - *at;
	memcpy(buf + *at, s, n);
	*at += n;
	buf[*at] = '\0';
}

/* Line l's key names into buf. */
const char *
keys_line_name(const struct key_line *l, bool utf8, char *buf, size_t len)
{
	const struct key_row *k;
	size_t at = 0;
	int j;

	buf[0] = '\0';
	if (l->name != NULL) {
		keys_append(buf, len, &at, l->name);
		return buf;
	}
	for (j = 0; j < KEYS_PER_LINE && l->keys[j].key != 0; j++) {
		k = &l->keys[j];
		if (j > 0)
			keys_append(buf, len, &at, " ");
		keys_append(buf, len, &at, utf8 && k->name_utf8 != NULL ?
		    k->name_utf8 : k->name);
	}
	return buf;
}

/* Line l's text (one row's, if only is not NULL) into buf. */
static const char *
keys_text(const struct key_line *l, const struct key_row *only, char *buf,
    size_t len)
{
	size_t at = 0;
	int j, n = 0;

	buf[0] = '\0';
	if (l->prefix != NULL)
		keys_append(buf, len, &at, l->prefix);
	for (j = 0; j < KEYS_PER_LINE && l->keys[j].key != 0; j++) {
		if (only != NULL && only != &l->keys[j])
			continue;
		if (n++ > 0)
			keys_append(buf, len, &at, l->sep != NULL ? l->sep :
			    " / ");
		keys_append(buf, len, &at, l->keys[j].what);
	}
	if (l->suffix != NULL)
		keys_append(buf, len, &at, l->suffix);
	return buf;
}

/* Line l's text into buf. */
const char *
keys_line_text(const struct key_line *l, char *buf, size_t len)
{
	return keys_text(l, NULL, buf, len);
}

/* What row k of line l does on its own into buf. */
const char *
keys_row_text(const struct key_line *l, const struct key_row *k, char *buf,
    size_t len)
{
	return keys_text(l, k, buf, len);
}
