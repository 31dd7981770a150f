/*
 * Themes: INI files giving each colour role (enum colour_role) a foreground,
 * background and attributes, and the heatmap's diverging colour stops.
 *
 *     [theme]
 *     name = dark
 *     background = #1c1c1c      ; every role's background unless it gives one
 *     mono = false              ; true: draw heatmaps by glyph intensity
 *     [colours]
 *     title = #ffd75f bold      ; FG [on BG] [bold|dim|underline|reverse]...
 *     status = #d0d0d0 on #303030
 *     [heatmap]
 *     stops = #2166ac #f7f7f7 #b2182b   ; most negative .. zero .. most positive
 *
 * Lookup by name: $XDG_CONFIG_HOME/memscope/themes, each $XDG_DATA_DIRS entry's
 * memscope/themes, the installed themes, the source tree's themes; or a path.
 */
#ifndef MEMSCOPE_THEME_H
#define MEMSCOPE_THEME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "memscope/canvas.h"

#define THEME_MAX_STOPS 16
#define THEME_DEFAULT "dark"

struct theme_style {
	uint32_t fg, bg;	/* 0xRRGGBB or COLOUR_NONE */
	int attr;		/* CATTR_* */
};

struct theme {
	char name[64];
	bool mono;		/* heatmaps by glyph intensity */
	uint32_t background;
	struct theme_style style[COL_COUNT];
	uint32_t stops[THEME_MAX_STOPS];
	int nstops;
};

/* The built-in default theme (the same as themes/dark.theme). */
void theme_default(struct theme *t);

/*
 * Load a theme by name (searched as above) or by path (anything containing
 * '/' or ending in ".theme"). 0, or -1 with a message in err: t is then the
 * default theme, so the caller can always go on.
 */
int theme_load(const char *name, struct theme *t, char *err, size_t errlen);

/* Parse theme text (the format above) from path; 0 or -1 with a message
 * naming the file and line. */
int theme_load_file(const char *path, struct theme *t, char *err,
    size_t errlen);

/* The file a theme name resolves to, into buf; 0, or -1 if none exists. */
int theme_find(const char *name, char *buf, size_t len);

/* Names of every theme found in the search path, sorted, without duplicates;
 * returns the count and sets *names (free with theme_list_free). */
int theme_list(char ***names);
void theme_list_free(char **names, int n);

#endif
