/* Themes: the shipped files, lookup order, broken files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "memscope/colour.h"
#include "memscope/theme.h"

static const char *shipped[] = { "dark", "light", "mono", "solarized",
    "amber" };

static char tmpdir[64];

static int
setup(void **state)
{
	char path[128];

	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/memscope-theme-XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	snprintf(path, sizeof path, "%s/memscope", tmpdir);
	mkdir(path, 0700);
	snprintf(path, sizeof path, "%s/memscope/themes", tmpdir);
	mkdir(path, 0700);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
test_shipped_themes_load(void **state)
{
	struct theme t;
	char err[512], path[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof shipped / sizeof shipped[0]; i++) {
		snprintf(path, sizeof path, "%s/themes/%s.theme",
		    MEMSCOPE_SRCDIR, shipped[i]);
		err[0] = '\0';
		assert_int_equal(theme_load_file(path, &t, err, sizeof err), 0);
		assert_string_equal(t.name, shipped[i]);
		assert_int_equal(t.nstops >= 2, 1);
	}
}

static void
test_default_is_dark_file(void **state)
{
	struct theme def, file;
	char err[512], path[512];

	(void)state;
	theme_default(&def);
	snprintf(path, sizeof path, "%s/themes/dark.theme", MEMSCOPE_SRCDIR);
	assert_int_equal(theme_load_file(path, &file, err, sizeof err), 0);
	assert_memory_equal(&def, &file, sizeof def);
	/* the heat scale is diverging: its ends differ, zero in the middle */
	assert_int_not_equal(def.style[COL_HEAT_0].fg,
	    def.style[COL_HEAT_10].fg);
	assert_int_equal(def.style[COL_HEAT_ZERO].fg, def.stops[2]);
}

static void
test_broken_theme(void **state)
{
	struct theme t, def;
	char err[512], path[256];

	(void)state;
	theme_default(&def);
	snprintf(path, sizeof path, "%s/broken.theme", tmpdir);
	write_file(path, "[theme]\nname = broken\n[colours]\ntitle = #zzzzzz\n");
	assert_int_equal(theme_load(path, &t, err, sizeof err), -1);
	assert_non_null(strstr(err, "broken.theme:4"));
	assert_non_null(strstr(err, "title"));
	assert_memory_equal(&t, &def, sizeof t);

	write_file(path, "[colours]\nno-such-role = red\n");
	assert_int_equal(theme_load(path, &t, err, sizeof err), -1);
	assert_non_null(strstr(err, "no-such-role"));

	write_file(path, "this is not ini\n");
	assert_int_equal(theme_load(path, &t, err, sizeof err), -1);
	assert_memory_equal(&t, &def, sizeof t);

	write_file(path, "[heatmap]\nstops = red\n");
	assert_int_equal(theme_load(path, &t, err, sizeof err), -1);
	assert_non_null(strstr(err, "two"));

	assert_int_equal(theme_load("no-such-theme", &t, err, sizeof err), -1);
	assert_non_null(strstr(err, "no-such-theme"));
	assert_int_equal(theme_load("/nonexistent/x.theme", &t, err,
	    sizeof err), -1);
}

static void
test_partial_theme_and_lookup(void **state)
{
	struct theme t, def;
	char err[512], path[256], found[512];
	char **names;
	int n, i, have_mine = 0, have_dark = 0;

	(void)state;
	theme_default(&def);
	snprintf(path, sizeof path, "%s/memscope/themes/mine.theme", tmpdir);
	write_file(path, "[theme]\nbackground = #ffffff\n[colours]\n"
	    "title = #000000 on #ff0000 bold underline\n");
	setenv("XDG_CONFIG_HOME", tmpdir, 1);
	assert_int_equal(theme_find("mine", found, sizeof found), 0);
	assert_string_equal(found, path);
	assert_int_equal(theme_load("mine", &t, err, sizeof err), 0);
	assert_string_equal(t.name, "mine");
	assert_int_equal(t.style[COL_TITLE].fg, 0x000000);
	assert_int_equal(t.style[COL_TITLE].bg, 0xff0000);
	assert_int_equal(t.style[COL_TITLE].attr, CATTR_BOLD | CATTR_UNDERLINE);
	/* unset roles keep the default's colours on the new background */
	assert_int_equal(t.style[COL_TRAIN].fg, def.style[COL_TRAIN].fg);
	assert_int_equal(t.style[COL_TRAIN].bg, 0xffffff);
	/* a user theme named like a shipped one wins */
	snprintf(path, sizeof path, "%s/memscope/themes/dark.theme", tmpdir);
	write_file(path, "[theme]\nname = dark\n");
	assert_int_equal(theme_find("dark", found, sizeof found), 0);
	assert_string_equal(found, path);

	n = theme_list(&names);
	for (i = 0; i < n; i++) {
		have_mine += strcmp(names[i], "mine") == 0;
		have_dark += strcmp(names[i], "dark") == 0;
		if (i > 0)
			assert_true(strcmp(names[i - 1], names[i]) < 0);
	}
	assert_int_equal(have_mine, 1);
	assert_int_equal(have_dark, 1);
	assert_true(n >= 6);
	theme_list_free(names, n);
	unlink(path);
	unsetenv("XDG_CONFIG_HOME");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_themes_load),
		cmocka_unit_test(test_default_is_dark_file),
		cmocka_unit_test(test_broken_theme),
		cmocka_unit_test(test_partial_theme_and_lookup),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
