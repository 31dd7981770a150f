/*
 * The session as an asciicast v2 recording (--record FILE.cast), the format
 * `asciinema play` replays: a JSON header line, then one [time, "o", data]
 * line per frame holding the terminal output that turns the previous frame
 * into this one. The output is generated here from the canvas frames the
 * visualizer blits, not captured from curses: cursor moves, SGR attributes
 * and 24-bit colours from the theme (theme_cell.h), UTF-8 glyphs. The first
 * frame clears the screen; a frame of another size writes a resize event
 * [time, "r", "WxH"] and redraws everything, as does a new theme. The file
 * goes through the atomic writer (output.h): it appears, complete, when the
 * recording is closed, never half-written. doc/formats.md has the details.
 */
#ifndef MEMSCOPE_CAST_H
#define MEMSCOPE_CAST_H

#include <stdbool.h>
#include <stddef.h>

#include "memscope/canvas.h"
#include "memscope/theme.h"

struct cast;

/* Start recording into path (nothing appears there until cast_close);
 * NULL with a message naming the file if it cannot be written. */
struct cast *cast_open(const char *path, char *err, size_t errlen);

/* Colour the following frames with theme t (colour false: the terminal's
 * default colours only, as on a mono terminal); the next frame redraws
 * every cell. Before the first frame: the default theme, in colour. */
void cast_theme(struct cast *k, const struct theme *t, bool colour);

/* Record canvas c as shown at t seconds since the recording started (an
 * earlier t than the last frame's counts as the last frame's). */
void cast_frame(struct cast *k, const struct canvas *c, double t);

/* Finish: the file appears complete (a session with no frame is a header
 * only, 80x24); 0, or -1 with a message naming the file and the target
 * untouched. Frees k. */
int cast_close(struct cast *k, char *err, size_t errlen);
/* Give up: no file appears (the target stays as it was). Frees k. */
void cast_abort(struct cast *k);

#endif
