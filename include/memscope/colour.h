/*
 * Terminal colours: parsing theme colour text and reducing 24-bit RGB to what
 * a terminal has (the 256-colour cube and grey ramp, 16 or 8 colours).
 */
#ifndef MEMSCOPE_COLOUR_H
#define MEMSCOPE_COLOUR_H

#include <stdint.h>

/* A colour: 0xRRGGBB, or COLOUR_NONE for the terminal's default. */
#define COLOUR_NONE 0xff000000u

/* Parse "#rrggbb", "#rgb", "default"/"none" or one of the 16 ANSI names
 * ("red", "brightblue", ...). 0, or -1 if s is not a colour. */
int colour_parse(const char *s, uint32_t *rgb);

/* The nearest of a terminal's ncolours colours (256, 16 or 8) to rgb, as a
 * curses colour number; -1 for COLOUR_NONE. */
int colour_reduce(uint32_t rgb, int ncolours);

/* RGB of terminal colour n of the xterm 256-colour palette. */
uint32_t colour_to_rgb(int n);

/* Linear blend of a and b: t = 0 gives a, t = 1 gives b. */
uint32_t colour_mix(uint32_t a, uint32_t b, double t);

#endif
