/*
 * The bottom lines: the hint line (the screen's keys, always there: the
 * messages are a toast above it, screen.c) and the status line (state,
 * step, speed and the key that changes it, the focused run, the experiment,
 * the theme). Segments of the status line and hints are dropped from the right
 * when the terminal is narrow.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "memscope/panel.h"

static const char *
status_glyph(const struct canvas *c, enum engine_state st)
{
	bool u = c->g->utf8;

	switch (st) {
	case ENGINE_RUNNING:
		return u ? "▶" : ">";
	case ENGINE_PAUSED:
		return u ? "‖" : "=";
	case ENGINE_FINISHED:
		return u ? "■" : "#";
	case ENGINE_DIVERGED:
		return u ? "✗" : "X";
	case ENGINE_STARTING:
		break;
	}
	return u ? "…" : ".";
}

static void
status_draw(const struct panel_ctx *ctx, struct canvas *c, struct rect r)
{
	const struct snapshot *s = ctx->s;
	const struct snapshot_run *fr = snapshot_focus(s);
	enum colour_role col = panel_state_colour(s->state);
	char buf[160], data[32], speed[32];
	int x = r.x, end = r.x + r.w, y = r.y;
	bool u = c->g->utf8;

	if (r.w <= 0 || r.h <= 0)
		return;
	canvas_fill(c, r, COL_STATUS);
	snprintf(buf, sizeof buf, " %s %s ", status_glyph(c, s->state),
	    snapshot_state_name(s->state));
	x = panel_segment(c, x, y, end, col, buf);
	{
		struct rect b = { r.x, y, x - r.x, 1 };

		canvas_attr(c, b, CATTR_BOLD);
	}
	if (s->busy[0] != '\0') {
		snprintf(buf, sizeof buf, " %s%s ", s->busy, u ? "…" : "...");
		x = panel_segment(c, x, y, end, COL_STATUS, buf);
	}
	snprintf(buf, sizeof buf, " step %ld/%ld", s->step, s->target);
	x = panel_segment(c, x, y, end, COL_STATUS, buf);
	/* the pace, and the key that changes it */
	if (s->speed_cap > 0)
		snprintf(speed, sizeof speed, "(cap %d) > faster",
		    s->speed_cap);
	else
		snprintf(speed, sizeof speed, "(no cap) < slower");
	snprintf(buf, sizeof buf, "  %.0f steps/s %s", s->steps_per_sec,
	    speed);
	x = panel_segment(c, x, y, end, COL_STATUS, buf);
	if (fr != NULL) {
		snprintf(buf, sizeof buf, "  run %s (%d of %d)", u ?
		    fr->label : fr->label_ascii, s->focus + 1, s->nruns);
		x = panel_segment(c, x, y, end, COL_STATUS, buf);
	}
	snprintf(buf, sizeof buf, "  [%d/%d]", ctx->screen + 1,
	    ctx->nscreens);
	x = panel_segment(c, x, y, end, COL_STATUS, buf);
	if (s->read_only) {
		/* a watched file carries no configuration: name the file */
		snprintf(buf, sizeof buf, "  watching %s (read-only)",
		    s->source);
		x = panel_segment(c, x, y, end, COL_STATUS, buf);
		snprintf(buf, sizeof buf, "  theme %s", ctx->theme != NULL ?
		    ctx->theme : "?");
		panel_segment(c, x, y, end, COL_STATUS, buf);
		return;
	}
	config_data_name(&s->cfg, data, sizeof data);
	snprintf(buf, sizeof buf, "  d%d n%d L%d H%d %s %s", s->cfg.dim,
	    s->cfg.context, s->cfg.layers, s->cfg.heads,
	    config_param_name(s->cfg.param), config_memory_name(s->cfg.memory));
	x = panel_segment(c, x, y, end, COL_STATUS, buf);
	snprintf(buf, sizeof buf, "  data %s %s%.3g", data, u ? "κ" : "kappa ",
	    s->kappa);
	x = panel_segment(c, x, y, end, COL_STATUS, buf);
	snprintf(buf, sizeof buf, "  seed %llu",
	    (unsigned long long)s->cfg.seed);
	x = panel_segment(c, x, y, end, COL_STATUS, buf);
	snprintf(buf, sizeof buf, "  theme %s", ctx->theme != NULL ?
	    ctx->theme : "?");
	panel_segment(c, x, y, end, COL_STATUS, buf);
}

static void
message_draw(const struct panel_ctx *ctx, struct canvas *c, struct rect r)
{
	const char *h;
	int x, i, w;

	if (r.w <= 0 || r.h <= 0)
		return;
	x = r.x + 1;
	for (i = 0; i < ctx->nhints; i++) {
		h = c->g->utf8 || ctx->hints[i].ascii == NULL ?
		    ctx->hints[i].text : ctx->hints[i].ascii;
		w = canvas_text_width(h);
		if (x + w > r.x + r.w - 1)
			break;
		canvas_text(c, x, r.y, r.x + r.w - x, COL_DIM, h);
		x += w + 2;
	}
}

const struct panel_class panel_status = {
	.name = "status",
	.min_w = 1,
	.min_h = 1,
	.draw = status_draw,
};

const struct panel_class panel_message = {
	.name = "message",
	.min_w = 1,
	.min_h = 1,
	.draw = message_draw,
};
