/*
 * The guided tour in the visualizer (tour_view.h): the stage shown, the
 * tour's keys, the engine of a stage (with its scripted action) and its
 * caption box. The box spans the terminal's width at the bottom, over the
 * panels' last rows and the message line (whose key hints the tour's key
 * line replaces), and leaves the status line (state, step, data) in view.
 * Its title and key line are in its top and bottom edges, as a panel's
 * are, so that it takes two rows more than its caption: on 80x24 a
 * three-line caption leaves the cosine under a one-layer A in view.
 */
#include <stdio.h>
#include <string.h>

#include "memscope/layout.h"
#include "memscope/tour_view.h"

/* The tour names screens by layout.h's numbers. */
_Static_assert(TOUR_SCREEN_STEP == LAYOUT_SCREEN_STEP,
    "tour.h's screens are layout.h's");
_Static_assert(TOUR_SCREEN_TEACH == LAYOUT_SCREEN_TEACH,
    "tour.h's screens are layout.h's");

static const char tour_view_keys_utf8[] =
    "space next · b back · h hide · p pause · r restart stage · q quit";
static const char tour_view_keys_ascii[] =
    "space next | b back | h hide | p pause | r restart stage | q quit";
static const char tour_view_end_utf8[] = "space or q ends the tour · b back";
static const char tour_view_end_ascii[] = "space or q ends the tour | b back";

/* The message line's hints in the tour: the tour's keys, then the
 * screens' own that keep their meaning. */
const struct panel_hint tour_view_hints[] = {
	{ "space next stage", NULL }, { "b back", NULL },
	{ "h hide caption", NULL }, { "p pause", NULL },
	{ "r restart stage", NULL }, { "← → layer", "Lt Rt layer" },
	{ "Tab screen", NULL }, { "g glossary", NULL }, { "q quit", NULL },
};
const int tour_view_nhints = (int)(sizeof tour_view_hints /
    sizeof tour_view_hints[0]);

/* The help's lines of the tour's keys (tour_view_key carries them out),
 * in place of the visualizer's space, p, r and q. */
const struct key_line tour_view_key_lines[] = {
	{ .suffix = " stage", .keys = {
	    { TOUR_VIEW_KEY_NEXT, "space", NULL, "next", NULL, 0, 0 },
	    { TOUR_VIEW_KEY_BACK, "b", NULL, "previous", NULL, 0, 0 } } },
	{ .keys = { { TOUR_VIEW_KEY_HIDE, "h", NULL, "hide / show the caption",
	    NULL, 0, 0 } } },
	{ .keys = { { TOUR_VIEW_KEY_PAUSE, "p", NULL, "pause / resume", NULL,
	    0, 0 } } },
	{ .keys = { { TOUR_VIEW_KEY_RESTART, "r", NULL, "restart the stage",
	    NULL, 0, 0 } } },
	{ .keys = { { TOUR_VIEW_KEY_QUIT, "q", NULL, "end the tour", NULL, 0,
	    0 } } },
};
const int tour_view_nkey_lines = (int)(sizeof tour_view_key_lines /
    sizeof tour_view_key_lines[0]);

/* A view of t at stage `stage`. */
void
tour_view_init(struct tour_view *v, const struct tour *t, int stage)
{
	memset(v, 0, sizeof *v);
	v->tour = t;
	v->stage = stage < 0 ? 0 : stage >= t->n ? t->n - 1 : stage;
	v->running = -1;
}

/* The stage shown; NULL on the closing card. */
const struct tour_stage *
tour_view_stage(const struct tour_view *v)
{
	return v->stage < v->tour->n ? &v->tour->stage[v->stage] : NULL;
}

/* Space, b, p, r, q in the tour. */
enum tour_view_key
tour_view_key(struct tour_view *v, int key)
{
	switch (key) {
	case TOUR_VIEW_KEY_NEXT:
		if (v->stage >= v->tour->n)
			return TOUR_VIEW_QUIT;
		v->stage++;
		v->hidden = false;
		return TOUR_VIEW_STAGE;
	case TOUR_VIEW_KEY_BACK:
		if (v->stage == 0)
			return TOUR_VIEW_STAY;
		v->stage--;
		v->hidden = false;
		return TOUR_VIEW_STAGE;
	case TOUR_VIEW_KEY_PAUSE:
		return TOUR_VIEW_PAUSE;
	case TOUR_VIEW_KEY_RESTART:
		/* on the closing card: nothing runs to restart */
		return v->stage < v->tour->n ? TOUR_VIEW_RESTART : TOUR_VIEW_STAY;
	case TOUR_VIEW_KEY_HIDE:
		v->hidden = !v->hidden;
		return TOUR_VIEW_STAY;
	case TOUR_VIEW_KEY_QUIT:
		return TOUR_VIEW_QUIT;
	default:
		return TOUR_VIEW_NONE;
	}
}

/* A stage is shown whose engine is not the one running. */
bool
tour_view_needs_engine(const struct tour_view *v)
{
	return v->stage < v->tour->n && v->stage != v->running;
}

/* The shown stage's engine, not started. */
struct engine *
tour_view_engine(struct tour_view *v, int speed, char *err, size_t errlen)
{
	const struct tour_stage *st = tour_view_stage(v);
	struct ms_config cfg[TOUR_MAX_RUNS];
	struct engine_opts eo;
	struct engine *e;
	int n;

	if (st == NULL)
		return NULL;
	if ((n = tour_configs(st, cfg, TOUR_MAX_RUNS, err, errlen)) < 0)
		return NULL;
	memset(&eo, 0, sizeof eo);
	eo.speed = speed == ENGINE_SPEED_DEFAULT ? st->speed : speed;
	eo.compare = n > 1 ? cfg : NULL;
	eo.ncompare = n > 1 ? n : 0;
	/* the worker switches the data at the step itself, at any pace */
	eo.data_at = st->action == TOUR_ACTION_DATA ? st->action_step : 0;
	if ((e = engine_create(&cfg[0], NULL, &eo, err, errlen)) == NULL)
		return NULL;
	v->running = v->stage;
	return e;
}

/* The stage or card shown, and its caption's lines. */
static const struct tour_stage *
tour_view_card(const struct tour_view *v, int *lines)
{
	const struct tour_stage *st = tour_view_stage(v);

	if (st == NULL)
		st = v->tour->end;
	for (*lines = 0; *lines < TOUR_CAPTION_LINES &&
	    st->caption[*lines] != NULL; (*lines)++)
		;
	return st;
}

/* Full width; the caption between the two edges; its bottom edge on the
 * message line (the row above the status line), or docked: on the last
 * row, below the screen. */
struct rect
tour_view_box(const struct canvas *c, const struct tour_view *v, bool docked)
{
	struct rect r;
	int lines;

	tour_view_card(v, &lines);
	r.x = 0;
	r.w = c->w;
	r.h = lines + 2;
	if (r.h > c->h)
		r.h = c->h;
	r.y = c->h - (docked ? 0 : 1) - r.h;
	if (r.y < 0)
		r.y = 0;
	return r;
}

/* Rows the screen can keep below its minimum height with the caption
 * docked under it: the box's, if the terminal has them, else 0 (the box
 * is drawn over the screen's bottom). 0 too while the caption is hidden. */
int
tour_view_dock_rows(const struct canvas *c, const struct tour_view *v,
    int min_h)
{
	struct rect r;

	if (v->hidden)
		return 0;
	r = tour_view_box(c, v, true);
	return c->h - r.h >= min_h ? r.h : 0;
}

/* The caption box of the shown stage or the closing card. */
void
tour_view_draw(struct canvas *c, const struct tour_view *v, bool docked)
{
	bool utf8 = c->g->utf8;
	struct rect r = tour_view_box(c, v, docked);
	const struct tour_stage *st;
	const char *keys;
	char title[TOUR_TEXT_LEN + 32], buf[TOUR_TEXT_LEN];
	int lines, i, inner = r.w - 4;

	if (v->hidden)
		return;
	st = tour_view_card(v, &lines);
	if (v->stage < v->tour->n)
		snprintf(title, sizeof title, "stage %d of %d: %s", v->stage + 1,
		    v->tour->n, tour_text(st->title, utf8, buf, sizeof buf));
	else
		snprintf(title, sizeof title, "%s", tour_text(st->title, utf8,
		    buf, sizeof buf));
	canvas_fill(c, r, COL_HELP);
	canvas_box(c, r, title);
	for (i = 0; i < lines && 1 + i < r.h - 1; i++)
		canvas_text(c, r.x + 2, r.y + 1 + i, inner, COL_HELP,
		    tour_caption_line(st, i, utf8, buf, sizeof buf));
	if (r.h < 2 || inner < 1)
		return;
	/* the key line in the bottom edge, set off by a blank each side */
	keys = v->stage < v->tour->n ? (utf8 ? tour_view_keys_utf8 :
	    tour_view_keys_ascii) : (utf8 ? tour_view_end_utf8 :
	    tour_view_end_ascii);
	canvas_put(c, r.x + 1, r.y + r.h - 1, ' ', COL_BORDER);
	i = canvas_text(c, r.x + 2, r.y + r.h - 1, inner, COL_KEY, keys);
	canvas_put(c, r.x + 2 + i, r.y + r.h - 1, ' ', COL_BORDER);
}
