/*
 * Colour reduction, after tmux's colour.c. For 256 colours each RGB channel
 * is rounded to the nearest level of the 6×6×6 cube (0, 95, 135, 175, 215,
 * 255) and the grey ramp (8, 18, ..., 238) is tried too; the closer of the
 * two wins. For 16 and 8 colours the nearest ANSI colour (xterm's default
 * palette) by squared RGB distance is taken.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "memscope/colour.h"

static const uint32_t colour_ansi[16] = {
	0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd, 0x00cdcd,
	0xe5e5e5, 0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00, 0x5c5cff, 0xff00ff,
	0x00ffff, 0xffffff
};

static const char *colour_names[16] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
	"brightblack", "brightred", "brightgreen", "brightyellow", "brightblue",
	"brightmagenta", "brightcyan", "brightwhite"
};

static const int colour_cube_level[6] = { 0x00, 0x5f, 0x87, 0xaf, 0xd7,
    0xff };

static int
colour_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Parse "#rrggbb", "#rgb", "default"/"none" or one of the 16 ANSI names. */
int
colour_parse(const char *s, uint32_t *rgb)
{
	size_t len = strlen(s), i;
	uint32_t v = 0;
	int h;

	if (strcasecmp(s, "default") == 0 || strcasecmp(s, "none") == 0) {
		*rgb = COLOUR_NONE;
		return 0;
	}
	for (i = 0; i < 16; i++) {
		if (strcasecmp(s, colour_names[i]) == 0) {
			*rgb = colour_ansi[i];
			return 0;
		}
	}
	if (s[0] != '#' || (len != 7 && len != 4))
		return -1;
	for (i = 1; i < len; i++) {
		if ((h = colour_hex((unsigned char)s[i])) < 0)
			return -1;
		v = (v << 4) | (uint32_t)h;
		if (len == 4)
			v = (v << 4) | (uint32_t)h;
	}
	*rgb = v;
	return 0;
}

static int
colour_dist(uint32_t a, uint32_t b)
{
	int dr = (int)((a >> 16) & 0xff) - (int)((b >> 16) & 0xff);
	int dg = (int)((a >> 8) & 0xff) - (int)((b >> 8) & 0xff);
	int db = (int)(a & 0xff) - (int)(b & 0xff);

	return dr * dr + dg * dg + db * db;
}

static int
colour_cube_index(int v)
{
	if (v < 48)
		return 0;
	if (v < 115)
		return 1;
	return (v - 35) / 40;
}

/* RGB of terminal colour n of the xterm 256-colour palette. */
uint32_t
colour_to_rgb(int n)
{
	int r, g, b, v;

	if (n < 0)
		return COLOUR_NONE;
	if (n < 16)
		return colour_ansi[n];
	if (n < 232) {
		n -= 16;
		r = colour_cube_level[n / 36];
		g = colour_cube_level[(n / 6) % 6];
		b = colour_cube_level[n % 6];
		return (uint32_t)(r << 16 | g << 8 | b);
	}
	if (n < 256) {
		v = 8 + (n - 232) * 10;
		return (uint32_t)(v << 16 | v << 8 | v);
	}
	return COLOUR_NONE;
}

/* The nearest of a terminal's ncolours colours (256, 16 or 8) to rgb. */
int
colour_reduce(uint32_t rgb, int ncolours)
{
	int r, g, b, qr, qg, qb, cube, grey, gi, best, i, d, bd;
	uint32_t crgb, grgb;

	if (rgb == COLOUR_NONE)
		return -1;
	if (ncolours >= 256) {
		r = (rgb >> 16) & 0xff;
		g = (rgb >> 8) & 0xff;
		b = rgb & 0xff;
		qr = colour_cube_index(r);
		qg = colour_cube_index(g);
		qb = colour_cube_index(b);
		cube = 16 + 36 * qr + 6 * qg + qb;
		crgb = colour_to_rgb(cube);
		if (crgb == rgb)
			return cube;
		grey = (r + g + b) / 3;
		gi = grey > 238 ? 23 : grey < 8 ? 0 : (grey - 3) / 10;
		if (gi > 23)
			gi = 23;
		grgb = colour_to_rgb(232 + gi);
		if (colour_dist(grgb, rgb) < colour_dist(crgb, rgb))
			return 232 + gi;
		return cube;
	}
	if (ncolours < 8)
		ncolours = 8;
	if (ncolours > 16)
		ncolours = 16;
	best = 0;
	bd = colour_dist(colour_ansi[0], rgb);
	for (i = 1; i < ncolours; i++) {
		d = colour_dist(colour_ansi[i], rgb);
		if (d < bd) {
			bd = d;
			best = i;
		}
	}
	return best;
}

/* Linear blend of a and b: t = 0 gives a, t = 1 gives b. */
uint32_t
colour_mix(uint32_t a, uint32_t b, double t)
{
	uint32_t out = 0;
	int shift, ca, cb, c;

	if (a == COLOUR_NONE || b == COLOUR_NONE)
		return t < 0.5 ? a : b;
	if (t < 0)
		t = 0;
	if (t > 1)
		t = 1;
	for (shift = 16; shift >= 0; shift -= 8) {
		ca = (a >> shift) & 0xff;
		cb = (b >> shift) & 0xff;
		c = (int)(ca + (cb - ca) * t + 0.5);
		out |= (uint32_t)c << shift;
	}
	return out;
}
