/* Canvas cells under a theme, in RGB (theme_cell.h). */
#include "memscope/colour.h"
#include "memscope/theme_cell.h"

#define THEME_CELL_LIGHT_FG 0xd0d0d0u
#define THEME_CELL_DARK_BG 0x1c1c1cu
#define THEME_CELL_DARK_FG 0x1c1c1cu
#define THEME_CELL_LIGHT_BG 0xffffffu

/* Cell cl under theme t. */
struct theme_cell
theme_cell_resolve(const struct theme *t, bool colour, const struct cell *cl)
{
	struct theme_cell out;
	int fg = cl->fg < COL_COUNT ? cl->fg : COL_DEFAULT;
	int bg = cl->bg < COL_COUNT ? cl->bg : COL_DEFAULT;

	out.fg = colour ? t->style[fg].fg : COLOUR_NONE;
	out.bg = colour ? t->style[bg].bg : COLOUR_NONE;
	out.attr = t->style[fg].attr | cl->attr;
	return out;
}

/* Whether rgb is a light colour (luma above the middle). */
static bool
theme_cell_light(uint32_t rgb)
{
	double r = (rgb >> 16) & 0xff, g = (rgb >> 8) & 0xff, b = rgb & 0xff;

	return 0.2126 * r + 0.7152 * g + 0.0722 * b > 127.5;
}

/* The colours standing for the terminal's under t. */
void
theme_cell_defaults(const struct theme *t, uint32_t *fg, uint32_t *bg)
{
	uint32_t tf = t->style[COL_TEXT].fg, tb = t->background;

	if (tf == COLOUR_NONE)
		tf = t->style[COL_DEFAULT].fg;
	if (tb == COLOUR_NONE)
		tb = t->style[COL_DEFAULT].bg;
	if (tb == COLOUR_NONE)
		tb = tf != COLOUR_NONE && !theme_cell_light(tf) ?
		    THEME_CELL_LIGHT_BG : THEME_CELL_DARK_BG;
	if (tf == COLOUR_NONE)
		tf = theme_cell_light(tb) ? THEME_CELL_DARK_FG :
		    THEME_CELL_LIGHT_FG;
	*fg = tf;
	*bg = tb;
}
