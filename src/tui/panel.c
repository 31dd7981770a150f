/* Helpers shared by the panels. */
#include <math.h>
#include <stdio.h>

#include "memscope/panel.h"

/* Frame r with a title and return the inside. */
struct rect
panel_frame(struct canvas *c, struct rect r, const char *title)
{
	struct rect none = { r.x, r.y, 0, 0 };

	if (r.w < 3 || r.h < 3)
		return none;
	canvas_box(c, r, title);
	return canvas_inset(r, 1);
}

/* ln(v) as text, "-" for missing or non-positive v. */
const char *
panel_log(double v, char *buf, int len)
{
	if (!isfinite(v) || v <= 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.2f", log(v));
	return buf;
}

/* Draw a centred line of text in r's row y. */
void
panel_centre(struct canvas *c, struct rect r, int y, enum colour_role fg,
    const char *s)
{
	int w = canvas_text_width(s), x;

	if (r.w <= 0 || y < r.y || y >= r.y + r.h)
		return;
	x = r.x + (r.w - w) / 2;
	if (x < r.x)
		x = r.x;
	canvas_text(c, x, y, r.x + r.w - x, fg, s);
}
