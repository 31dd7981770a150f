/*
 * Screen 4's slot: the step-through view of the learned algorithm, layer by
 * layer beside CG, is a separate piece of work (issue 4). Until it lands
 * this panel says so plainly and draws nothing that looks like data.
 */
#include "memscope/panel.h"

static void
step_draw(const struct panel_ctx *ctx, struct canvas *c, struct rect r)
{
	struct rect in = panel_frame(c, r, "step-through");

	(void)ctx;
	if (in.h < 1)
		return;
	panel_centre(c, in, in.y + in.h / 2, COL_DIM,
	    "This is the step-through screen's slot (issue 4): not built yet.");
	panel_centre(c, in, in.y + in.h / 2 + 1, COL_DIM,
	    "Tab or 1-3 switch to the other screens.");
}

const struct panel_class panel_step = {
	.name = "step-through",
	.min_w = 1,
	.min_h = 1,
	.draw = step_draw,
};
