/*
 * svg.c: the plot is well-formed XML (checked by a small tag-balance parser),
 * has one <path> per series whatever the values, escapes text, breaks lines
 * at non-finite points, and prints numbers in the C locale.
 */
#include <locale.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "memscope/svg.h"

/* The whole plot as a string (caller frees). */
static char *
render(const struct svg_plot *p)
{
	FILE *f = tmpfile();
	char *buf;
	long len;

	assert_non_null(f);
	assert_int_equal(svg_write_plot(f, p), 0);
	len = ftell(f);
	assert_true(len > 0);
	rewind(f);
	buf = malloc(len + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, len, f), (size_t)len);
	buf[len] = '\0';
	fclose(f);
	return buf;
}

/*
 * A small XML well-formedness check: one root element, every start tag
 * closed in order, attributes quoted, no raw '<' or '&' in text except
 * entities. Returns 0 if well formed; counts elements named `count_name`.
 */
static int
xml_check(const char *s, const char *count_name, int *count)
{
	char stack[64][32];
	int depth = 0, roots = 0;
	const char *p = s;

	*count = 0;
	if (strncmp(p, "<?xml", 5) == 0) {
		p = strstr(p, "?>");
		if (p == NULL)
			return -1;
		p += 2;
	}
	while (*p != '\0') {
		if (*p == '&') {
			const char *e = strchr(p, ';');
			static const char *ents[] = { "&amp;", "&lt;", "&gt;",
			    "&quot;", "&apos;" };
			int ok = 0;

			if (e == NULL)
				return -1;
			for (size_t i = 0; i < 5; i++)
				if ((size_t)(e - p + 1) == strlen(ents[i]) &&
				    strncmp(p, ents[i], strlen(ents[i])) == 0)
					ok = 1;
			if (!ok)
				return -1;
			p = e + 1;
			continue;
		}
		if (*p != '<') {
			if (depth == 0 && *p != '\n' && *p != ' ')
				return -1;	/* text outside the root */
			p++;
			continue;
		}
		if (p[1] == '/') {		/* end tag */
			size_t n = strcspn(p + 2, ">");

			if (depth == 0 || n != strlen(stack[depth - 1]) ||
			    strncmp(p + 2, stack[depth - 1], n) != 0)
				return -1;
			depth--;
			p += n + 3;
			continue;
		}
		/* start or empty tag: name, attributes name="value" */
		{
			char name[32];
			size_t n = strcspn(p + 1, " />\n");
			const char *q;

			if (n == 0 || n >= sizeof name)
				return -1;
			memcpy(name, p + 1, n);
			name[n] = '\0';
			if (strcmp(name, count_name) == 0)
				(*count)++;
			q = p + 1 + n;
			for (;;) {
				while (*q == ' ' || *q == '\n')
					q++;
				if (*q == '>' || (q[0] == '/' && q[1] == '>'))
					break;
				q += strcspn(q, "=> ");
				if (*q != '=' || q[1] != '"')
					return -1;
				q += 2;
				while (*q != '"') {
					if (*q == '\0' || *q == '<')
						return -1;
					q++;
				}
				q++;
			}
			if (*q == '>') {
				if (depth == 0 && ++roots > 1)
					return -1;
				if (depth == 64)
					return -1;
				strcpy(stack[depth++], name);
				p = q + 1;
			} else {
				if (depth == 0)
					return -1;
				p = q + 2;
			}
		}
	}
	return depth == 0 && roots == 1 ? 0 : -1;
}

static void
test_well_formed_one_path_per_series(void **state)
{
	double x[4] = { 1, 2, 3, 4 };
	double y1[4] = { 0.8, 0.5, 0.2, -0.1 };
	double b1[4] = { 0.01, 0.02, 0.03, 0.04 };
	double y2[4] = { 0.7, 0.2, -0.5, -1.5 };
	double y3[4] = { 0.1, -0.9, -1.6, -2.0 };
	struct svg_series se[3] = {
		{ "Memformer <pre & lfom>", 4, x, y1, b1, false, NULL, NULL, false },
		{ "CG \"19 points\"", 4, x, y2, NULL, true, NULL, NULL, false },
		{ "linear transformer 'pre'", 4, x, y3, b1, false, NULL, NULL, false },
	};
	struct svg_plot p = { .title = "Fig. 2a: A & B",
	    .subtitle = "sub <title>", .xlabel = "layers L",
	    .ylabel = "log test loss (mean \xc2\xb1 std)", .integer_x = true,
	    .note = "a & b\nsecond <line>", .nseries = 3, .series = se };
	char *s;
	int paths;

	(void)state;
	s = render(&p);
	assert_int_equal(xml_check(s, "path", &paths), 0);
	assert_int_equal(paths, 3);
	/* text escaped, never raw */
	assert_non_null(strstr(s, "Memformer &lt;pre &amp; lfom&gt;"));
	assert_non_null(strstr(s, "CG &quot;19 points&quot;"));
	assert_null(strstr(s, "<pre"));
	/* a title, axis labels, a legend, the note's lines */
	assert_non_null(strstr(s, ">a &amp; b</text>"));
	assert_non_null(strstr(s, ">second &lt;line&gt;</text>"));
	assert_non_null(strstr(s, "<title>Fig. 2a: A &amp; B</title>"));
	assert_non_null(strstr(s, ">layers L</text>"));
	assert_non_null(strstr(s, "class=\"legend\""));
	/* bands as polygons, only for series that have one */
	{
		int polys = 0;

		for (const char *q = s; (q = strstr(q, "<polygon")) != NULL; q++)
			polys++;
		assert_int_equal(polys, 2);
	}
	free(s);
}

static void
test_nonfinite_points_break_the_line(void **state)
{
	double x[4] = { 1, 2, 3, 4 };
	double y[4] = { 0.5, NAN, -0.5, -1.0 };
	double none[4] = { NAN, NAN, NAN, NAN };
	struct svg_series se[2] = {
		{ "gappy", 4, x, y, NULL, false, NULL, NULL, false },
		{ "empty", 4, x, none, NULL, false, NULL, NULL, false },
	};
	struct svg_plot p = { .title = "t", .xlabel = "x", .ylabel = "y",
	    .integer_x = true, .nseries = 2, .series = se };
	char *s, *d;
	int paths;

	(void)state;
	s = render(&p);
	assert_int_equal(xml_check(s, "path", &paths), 0);
	assert_int_equal(paths, 2);		/* the empty series keeps its path */
	d = strstr(s, "<path");
	d = strstr(d, " d=\"");
	assert_non_null(d);
	/* M first point, M again after the gap, L to the last */
	assert_int_equal(d[4], 'M');
	assert_non_null(strstr(d, " M"));
	assert_null(strstr(s, "nan"));
	assert_null(strstr(s, "inf"));
	free(s);
}

static void
test_clip_and_wrap(void **state)
{
	double x[3] = { 1, 2, 3 };
	double y1[3] = { 0.5, 0.0, -0.5 };
	double y2[3] = { 0.4, -1.0, -60.0 };
	struct svg_series se[2] = {
		{ "model", 3, x, y1, NULL, false, NULL, NULL, false },
		{ "CG", 3, x, y2, NULL, true, NULL, NULL, false },
	};
	struct svg_plot p = { .title = "t", .xlabel = "x", .ylabel = "y",
	    .subtitle = "a long subtitle, long enough that it cannot fit on "
	    "one line of the plot and so has to be wrapped onto a second line "
	    "below the first", .integer_x = true, .clip_y = true,
	    .y_min = -2.0, .note = "below the axis:\nCG L=3: -60.00",
	    .nseries = 2, .series = se };
	char *s;
	int paths;

	(void)state;
	s = render(&p);
	assert_int_equal(xml_check(s, "path", &paths), 0);
	assert_int_equal(paths, 2);
	/* the axis stops at -2: no tick label below it */
	assert_non_null(strstr(s, ">\xe2\x88\x92" "2.0</text>"));
	assert_null(strstr(s, ">\xe2\x88\x92" "60"));
	assert_non_null(strstr(s, "clip-path=\"url(#plot-area)\""));
	assert_non_null(strstr(s, ">CG L=3: -60.00</text>"));
	/* wrapped at a space: both halves present, neither over 100 bytes */
	assert_non_null(strstr(s, ">a long subtitle, long enough"));
	assert_non_null(strstr(s, "second line below the first</text>"));
	free(s);
}

static void
test_c_locale_numbers(void **state)
{
	double x[2] = { 1, 2 };
	double y[2] = { 0.25, -1.75 };
	struct svg_series se = { "s", 2, x, y, NULL, false, NULL, NULL, false };
	struct svg_plot p = { .title = "t", .xlabel = "x", .ylabel = "y",
	    .integer_x = true, .nseries = 1, .series = &se };
	char *s;

	(void)state;
	if (setlocale(LC_NUMERIC, "de_DE.UTF-8") == NULL &&
	    setlocale(LC_NUMERIC, "fr_FR.UTF-8") == NULL) {
		/* no comma locale installed: the C locale case still holds */
		setlocale(LC_NUMERIC, "C");
	}
	s = render(&p);
	setlocale(LC_NUMERIC, "C");
	/* coordinates use '.' (the plot's left edge is at x = 78) */
	assert_non_null(strstr(s, "x=\"78.00\""));
	assert_null(strstr(s, "78,00"));
	free(s);
}

static void
test_tick_step(void **state)
{
	(void)state;
	assert_true(fabs(svg_tick_step(0, 10, 5) - 2.0) < 1e-12);
	assert_true(fabs(svg_tick_step(-2.1, 0.9, 6) - 0.5) < 1e-12);
	assert_true(fabs(svg_tick_step(0, 1, 4) - 0.25) < 1e-12);
	assert_true(fabs(svg_tick_step(0, 0.07, 7) - 0.01) < 1e-12);
	assert_true(fabs(svg_tick_step(3, 3, 5) - 1.0) < 1e-12);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_well_formed_one_path_per_series),
		cmocka_unit_test(test_nonfinite_points_break_the_line),
		cmocka_unit_test(test_clip_and_wrap),
		cmocka_unit_test(test_c_locale_numbers),
		cmocka_unit_test(test_tick_step),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
