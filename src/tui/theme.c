/*
 * Themes. Files are parsed with inih; each [colours] value is a list of
 * words: a foreground colour, optionally "on" and a background colour, and
 * attribute names. Roles a file does not set keep the default theme's style
 * (so a theme may set only a few), except that a theme's background replaces
 * the default's everywhere it is unset. The heatmap levels are interpolated
 * evenly through the stops, the middle level landing on the middle stop.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "memscope/colour.h"
#include "memscope/config.h"
#include "memscope/input.h"
#include "memscope/theme.h"
#include "memscope/xmalloc.h"

/* The built-in default: the text of themes/dark.theme (a test checks). */
static const char theme_default_text[] =
	"# memscope theme: dark (the default). Colours are #rrggbb (reduced to what\n"
	"# the terminal has), an ANSI name, or \"default\" for the terminal's own.\n"
	"[theme]\n"
	"name = dark\n"
	"background = default\n"
	"mono = false\n"
	"\n"
	"[colours]\n"
	"text = default\n"
	"dim = #808080\n"
	"title = #ffd75f bold\n"
	"border = #5f87af\n"
	"axis = #8a8a8a\n"
	"train = #5fafff\n"
	"test = #ffaf00\n"
	"previous = #585858\n"
	"ref-cg = #ff5f87\n"
	"ref-gd = #87d787\n"
	"ref-momentum = #af87ff\n"
	"ref-nesterov = #5fd7d7\n"
	"model = #ffaf00 bold\n"
	"mark = #d787d7\n"
	"status = #d0d0d0 on #303030\n"
	"running = #87d787 on #303030 bold\n"
	"paused = #ffd75f on #303030 bold\n"
	"finished = #5fafff on #303030 bold\n"
	"diverged = #ff5f5f on #303030 bold\n"
	"message = #afd7ff on #303030\n"
	"help = #d0d0d0 on #262626\n"
	"key = #ffd75f on #262626 bold\n"
	"run-1 = #5fafff\n"
	"run-2 = #ffaf00\n"
	"run-3 = #87d787\n"
	"run-4 = #ff5f87\n"
	"run-5 = #af87ff\n"
	"run-6 = #5fd7d7\n"
	"run-7 = #d7d75f\n"
	"run-8 = #d787af\n"
	"\n"
	"[heatmap]\n"
	"stops = #5fd7ff #0087af #303030 #d75f00 #ffaf5f\n"
;

static const char *theme_role_names[COL_COUNT] = {
	[COL_DEFAULT] = "default",
	[COL_TEXT] = "text",
	[COL_DIM] = "dim",
	[COL_TITLE] = "title",
	[COL_BORDER] = "border",
	[COL_AXIS] = "axis",
	[COL_TRAIN] = "train",
	[COL_TEST] = "test",
	[COL_PREV] = "previous",
	[COL_REF_CG] = "ref-cg",
	[COL_REF_GD] = "ref-gd",
	[COL_REF_MOMENTUM] = "ref-momentum",
	[COL_REF_NESTEROV] = "ref-nesterov",
	[COL_MODEL] = "model",
	[COL_MARK] = "mark",
	[COL_STATUS] = "status",
	[COL_RUNNING] = "running",
	[COL_PAUSED] = "paused",
	[COL_FINISHED] = "finished",
	[COL_DIVERGED] = "diverged",
	[COL_MESSAGE] = "message",
	[COL_HELP] = "help",
	[COL_KEY] = "key",
	[COL_RUN_0] = "run-1",
	[COL_RUN_1] = "run-2",
	[COL_RUN_2] = "run-3",
	[COL_RUN_3] = "run-4",
	[COL_RUN_4] = "run-5",
	[COL_RUN_5] = "run-6",
	[COL_RUN_6] = "run-7",
	[COL_RUN_7] = "run-8",
};

struct theme_parse {
	struct theme *t;
	bool set_bg[COL_COUNT];	/* the role's background was given */
	bool background;	/* [theme] background was given */
	char err[200];		/* the first error, without its line */
};

static int
theme_attr(const char *word)
{
	if (strcasecmp(word, "bold") == 0)
		return CATTR_BOLD;
	if (strcasecmp(word, "dim") == 0)
		return CATTR_DIM;
	if (strcasecmp(word, "reverse") == 0)
		return CATTR_REVERSE;
	if (strcasecmp(word, "underline") == 0)
		return CATTR_UNDERLINE;
	return 0;
}

/* Parse "FG [on BG] [attr...]" into st; 0 or -1 with a message. */
static int
theme_parse_style(const char *value, struct theme_style *st, bool *set_bg,
    char *err, size_t errlen)
{
	char buf[256], *word, *save = NULL;
	bool want_bg = false, have_fg = false;
	int a;

	if (strlen(value) >= sizeof buf) {
		snprintf(err, errlen, "value too long");
		return -1;
	}
	strcpy(buf, value);
	st->attr = 0;
	for (word = strtok_r(buf, " \t", &save); word != NULL;
	    word = strtok_r(NULL, " \t", &save)) {
		if (want_bg) {
			if (colour_parse(word, &st->bg) != 0) {
				snprintf(err, errlen, "'%s' is not a colour "
				    "(#rrggbb, a name or default)", word);
				return -1;
			}
			*set_bg = true;
			want_bg = false;
		} else if (strcasecmp(word, "on") == 0)
			want_bg = true;
		else if ((a = theme_attr(word)) != 0)
			st->attr |= a;
		else if (!have_fg && colour_parse(word, &st->fg) == 0)
			have_fg = true;
		else {
			snprintf(err, errlen, "'%s' is not a colour or an "
			    "attribute (bold, dim, underline, reverse)", word);
			return -1;
		}
	}
	if (want_bg) {
		snprintf(err, errlen, "'on' needs a background colour");
		return -1;
	}
	if (!have_fg) {
		snprintf(err, errlen, "no foreground colour");
		return -1;
	}
	return 0;
}

static int
theme_parse_stops(struct theme *t, const char *value, char *err,
    size_t errlen)
{
	char buf[512], *word, *save = NULL;
	int n = 0;

	if (strlen(value) >= sizeof buf) {
		snprintf(err, errlen, "value too long");
		return -1;
	}
	strcpy(buf, value);
	for (word = strtok_r(buf, " \t,", &save); word != NULL;
	    word = strtok_r(NULL, " \t,", &save)) {
		if (n == THEME_MAX_STOPS) {
			snprintf(err, errlen, "more than %d stops",
			    THEME_MAX_STOPS);
			return -1;
		}
		if (colour_parse(word, &t->stops[n]) != 0) {
			snprintf(err, errlen, "'%s' is not a colour", word);
			return -1;
		}
		n++;
	}
	if (n < 2) {
		snprintf(err, errlen, "stops needs at least two colours");
		return -1;
	}
	t->nstops = n;
	return 0;
}

static int
theme_bool(const char *v, bool *out)
{
	if (strcasecmp(v, "true") == 0 || strcasecmp(v, "yes") == 0 ||
	    strcmp(v, "1") == 0 || strcasecmp(v, "on") == 0)
		*out = true;
	else if (strcasecmp(v, "false") == 0 || strcasecmp(v, "no") == 0 ||
	    strcmp(v, "0") == 0 || strcasecmp(v, "off") == 0)
		*out = false;
	else
		return -1;
	return 0;
}

static int
theme_handler(void *user, const char *section, const char *key,
    const char *value)
{
	struct theme_parse *tp = user;
	struct theme *t = tp->t;
	char msg[160];
	int i;

	if (tp->err[0] != '\0')
		return 0;	/* report only the first error */
	msg[0] = '\0';
	if (strcasecmp(section, "theme") == 0) {
		if (strcasecmp(key, "name") == 0)
			snprintf(t->name, sizeof t->name, "%s", value);
		else if (strcasecmp(key, "description") == 0) {
			/* shown nowhere yet; accepted */
		} else if (strcasecmp(key, "background") == 0) {
			if (colour_parse(value, &t->background) != 0)
				snprintf(msg, sizeof msg, "'%s' is not a colour",
				    value);
			tp->background = true;
		} else if (strcasecmp(key, "mono") == 0) {
			if (theme_bool(value, &t->mono) != 0)
				snprintf(msg, sizeof msg, "mono must be true or "
				    "false, not '%s'", value);
		} else
			snprintf(msg, sizeof msg, "unknown key '%s' in [theme] "
			    "(name, description, background, mono)", key);
	} else if (strcasecmp(section, "colours") == 0 ||
	    strcasecmp(section, "colors") == 0) {
		for (i = 0; i < COL_COUNT; i++) {
			if (theme_role_names[i] != NULL &&
			    strcasecmp(key, theme_role_names[i]) == 0)
				break;
		}
		if (i == COL_COUNT)
			snprintf(msg, sizeof msg, "unknown colour role '%s'", key);
		else
			theme_parse_style(value, &t->style[i], &tp->set_bg[i],
			    msg, sizeof msg);
	} else if (strcasecmp(section, "heatmap") == 0) {
		if (strcasecmp(key, "stops") == 0)
			theme_parse_stops(t, value, msg, sizeof msg);
		else
			snprintf(msg, sizeof msg, "unknown key '%s' in [heatmap] "
			    "(stops)", key);
	} else
		snprintf(msg, sizeof msg, "unknown section [%s] (theme, "
		    "colours, heatmap)", section);
	if (msg[0] != '\0') {
		snprintf(tp->err, sizeof tp->err, "%s = %s: %s", key, value,
		    msg);
		return 0;
	}
	return 1;
}

/* Fill the heatmap levels from the stops and unset backgrounds. */
static void
theme_finish(struct theme_parse *tp)
{
	struct theme *t = tp->t;
	double pos, f;
	uint32_t c;
	int i, k;

	for (i = 0; i < COL_COUNT; i++) {
		if (i >= COL_HEAT_0 && i < COL_HEAT_0 + COL_HEAT_LEVELS)
			continue;
		if (!tp->set_bg[i] && (tp->background || i == COL_DEFAULT))
			t->style[i].bg = t->background;
	}
	for (i = 0; i < COL_HEAT_LEVELS; i++) {
		/* Level i sits at pos in [0, nstops-1]; the middle level
		 * lands exactly on the middle stop when nstops is odd. */
		pos = (double)i / (COL_HEAT_LEVELS - 1) * (t->nstops - 1);
		k = (int)pos;
		if (k >= t->nstops - 1)
			k = t->nstops - 2;
		f = pos - k;
		c = colour_mix(t->stops[k], t->stops[k + 1], f);
		t->style[COL_HEAT_0 + i].fg = c;
		t->style[COL_HEAT_0 + i].bg = c;
		t->style[COL_HEAT_0 + i].attr = 0;
	}
}

static void
theme_reset(struct theme *t)
{
	int i;

	memset(t, 0, sizeof *t);
	t->background = COLOUR_NONE;
	for (i = 0; i < COL_COUNT; i++) {
		t->style[i].fg = COLOUR_NONE;
		t->style[i].bg = COLOUR_NONE;
	}
	t->stops[0] = COLOUR_NONE;
	t->stops[1] = COLOUR_NONE;
	t->nstops = 2;
}

/* The built-in default theme (the same as themes/dark.theme). */
void
theme_default(struct theme *t)
{
	struct theme_parse tp;

	theme_reset(t);
	memset(&tp, 0, sizeof tp);
	tp.t = t;
	ini_parse_string(theme_default_text, theme_handler, &tp);
	theme_finish(&tp);
}

/* Parse theme text from path; 0 or -1 with a message naming file and line. */
int
theme_load_file(const char *path, struct theme *t, char *err, size_t errlen)
{
	static const struct input_limits lim = { "a theme file",
	    INPUT_INI_BYTES, INPUT_INI_LINE, INPUT_WAIT_MS };
	struct theme_parse tp;
	struct input_ini ii;
	const char *base;
	char *text, msg[512];
	size_t len;
	int rc;

	theme_default(t);
	if (input_read(path, &lim, &text, &len, msg, sizeof msg) != 0) {
		snprintf(err, errlen, "theme %s", msg);
		return -1;
	}
	memset(&tp, 0, sizeof tp);
	tp.t = t;
	base = strrchr(path, '/');
	base = base != NULL ? base + 1 : path;
	snprintf(t->name, sizeof t->name, "%.*s", (int)strcspn(base, "."), base);
	rc = input_ini_parse(&ii, text, theme_handler, &tp);
	free(text);
	if (rc > 0 && rc == ii.long_line) {
		snprintf(err, errlen, "theme %s:%d: the line is longer than the "
		    "INI reader's %d bytes", path, rc, ii.buffer - 3);
		theme_default(t);
		return -1;
	}
	if (rc < 0) {
		snprintf(err, errlen, "theme %s: out of memory", path);
		theme_default(t);
		return -1;
	}
	if (rc > 0 || tp.err[0] != '\0') {
		if (tp.err[0] != '\0')
			snprintf(err, errlen, "theme %s:%d: %s", path, rc, tp.err);
		else
			snprintf(err, errlen, "theme %s:%d: not an INI line",
			    path, rc);
		theme_default(t);
		return -1;
	}
	theme_finish(&tp);
	return 0;
}

/* The directory of the running executable (from /proc/self/exe, with
 * symbolic links resolved) into buf; 0, or -1 if it is unknown. */
static int
theme_exe_dir(char *buf, size_t len)
{
	ssize_t n;
	char *slash;

	n = readlink("/proc/self/exe", buf, len);
	if (n <= 0 || (size_t)n >= len)
		return -1;
	buf[n] = '\0';
	if ((slash = strrchr(buf, '/')) == NULL)
		return -1;
	*slash = '\0';
	return 0;
}

#if defined MEMSCOPE_SRCDIR && defined MEMSCOPE_BUILDDIR
/* Whether exe_dir is the build tree the binary was compiled in (its top,
 * where memscope is, or tests/ or tests/fuzz/ below it, where the test
 * programs are): only such an uninstalled binary looks in the source tree.
 * An installed or copied binary does not, even while the build tree is
 * still there; once the build tree is gone nothing matches. */
static bool
theme_uninstalled(const char *exe_dir)
{
	static const char *const subdirs[] = { "", "/tests", "/tests/fuzz" };
	char top[PATH_MAX], want[PATH_MAX];
	size_t i;

	if (realpath(MEMSCOPE_BUILDDIR, top) == NULL)
		return false;
	for (i = 0; i < sizeof subdirs / sizeof subdirs[0]; i++) {
		snprintf(want, sizeof want, "%s%s", top, subdirs[i]);
		if (strcmp(exe_dir, want) == 0)
			return true;
	}
	return false;
}
#endif

/* Call fn on each theme directory in lookup order: the user's
 * ($XDG_CONFIG_HOME or ~/.config, then $XDG_DATA_DIRS), the installed data
 * directory, <the executable's directory>/../share/memscope/themes (an
 * install moved to another prefix), and the source tree for a binary run
 * from its build tree. Stop when fn returns 1. */
static int
theme_dirs(int (*fn)(const char *dir, void *arg), void *arg)
{
	char dir[PATH_MAX], exe[PATH_MAX], *dirs, *p, *save = NULL;
	const char *env, *home;
	int n;

	if ((env = getenv("XDG_CONFIG_HOME")) != NULL && *env != '\0')
		snprintf(dir, sizeof dir, "%s/memscope/themes", env);
	else if ((home = getenv("HOME")) != NULL && *home != '\0')
		snprintf(dir, sizeof dir, "%s/.config/memscope/themes", home);
	else
		dir[0] = '\0';
	if (dir[0] != '\0' && fn(dir, arg))
		return 1;
	env = getenv("XDG_DATA_DIRS");
	dirs = xstrdup(env != NULL && *env != '\0' ? env :
	    "/usr/local/share:/usr/share");
	for (p = strtok_r(dirs, ":", &save); p != NULL;
	    p = strtok_r(NULL, ":", &save)) {
		snprintf(dir, sizeof dir, "%s/memscope/themes", p);
		if (fn(dir, arg)) {
			free(dirs);
			return 1;
		}
	}
	free(dirs);
#ifdef MEMSCOPE_THEMEDIR
	if (fn(MEMSCOPE_THEMEDIR, arg))
		return 1;
#endif
	if (theme_exe_dir(exe, sizeof exe) != 0)
		return 0;
	/* a relocated install: <prefix>/bin/memscope finds
	 * <prefix>/share/memscope/themes */
	n = snprintf(dir, sizeof dir, "%s/../share/memscope/themes", exe);
	if (n > 0 && (size_t)n < sizeof dir && fn(dir, arg))
		return 1;
#if defined MEMSCOPE_SRCDIR && defined MEMSCOPE_BUILDDIR
	if (theme_uninstalled(exe) && fn(MEMSCOPE_SRCDIR "/themes", arg))
		return 1;
#endif
	return 0;
}

struct theme_find_arg {
	const char *name;
	char *buf;
	size_t len;
};

static int
theme_find_in(const char *dir, void *arg)
{
	struct theme_find_arg *fa = arg;
	struct stat sb;
	int n;

	n = snprintf(fa->buf, fa->len, "%s/%s.theme", dir, fa->name);
	if (n < 0 || (size_t)n >= fa->len)
		return 0;
	return stat(fa->buf, &sb) == 0 && S_ISREG(sb.st_mode);
}

static bool
theme_is_path(const char *name)
{
	size_t len = strlen(name);

	return strchr(name, '/') != NULL ||
	    (len > 6 && strcmp(name + len - 6, ".theme") == 0);
}

/* The file a theme name resolves to, into buf; 0, or -1 if none exists. */
int
theme_find(const char *name, char *buf, size_t len)
{
	struct theme_find_arg fa = { name, buf, len };
	struct stat sb;

	if (theme_is_path(name)) {
		snprintf(buf, len, "%s", name);
		return stat(buf, &sb) == 0 ? 0 : -1;
	}
	if (*name == '\0' || strchr(name, '.') != NULL)
		return -1;
	return theme_dirs(theme_find_in, &fa) ? 0 : -1;
}

/* "available: a, b, c" (the themes found) into buf. */
static void
theme_available(char *buf, size_t len)
{
	char **names;
	size_t used;
	int n;

	n = theme_list(&names);
	snprintf(buf, len, "available:");
	for (int i = 0; i < n; i++) {
		used = strlen(buf);
		snprintf(buf + used, len - used, "%s %s", i > 0 ? "," : "",
		    names[i]);
	}
	theme_list_free(names, n);
}

/* Load a theme by name or path; on error t is the default theme and the
 * message lists the themes there are. */
int
theme_load(const char *name, struct theme *t, char *err, size_t errlen)
{
	char path[PATH_MAX], msg[768], avail[512];

	if (theme_find(name, path, sizeof path) != 0) {
		if (!theme_is_path(name) && strcmp(name, THEME_DEFAULT) == 0) {
			theme_default(t);
			return 0;
		}
		snprintf(msg, sizeof msg, "theme '%s' not found", name);
	} else if (theme_load_file(path, t, msg, sizeof msg) == 0)
		return 0;
	theme_available(avail, sizeof avail);
	snprintf(err, errlen, "%s (%s; or a path to a .theme file)", msg,
	    avail);
	config_one_line(err);	/* a path may hold anything */
	theme_default(t);
	return -1;
}

struct theme_list_arg {
	char **names;
	int n, cap;
};

static int
theme_list_in(const char *dir, void *arg)
{
	struct theme_list_arg *la = arg;
	struct dirent *de;
	size_t len;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len <= 6 || strcmp(de->d_name + len - 6, ".theme") != 0 ||
		    de->d_name[0] == '.')
			continue;
		if (la->n == la->cap) {
			la->cap = la->cap ? la->cap * 2 : 16;
			la->names = xrealloc(la->names,
			    la->cap * sizeof *la->names);
		}
		la->names[la->n] = xstrdup(de->d_name);
		la->names[la->n][len - 6] = '\0';
		la->n++;
	}
	closedir(d);
	return 0;
}

static int
theme_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names of every theme found, sorted, without duplicates. */
int
theme_list(char ***names)
{
	struct theme_list_arg la = { NULL, 0, 0 };
	int i, j;

	theme_dirs(theme_list_in, &la);
	if (la.n == 0) {
		la.names = xmalloc(sizeof *la.names);
		la.names[la.n++] = xstrdup(THEME_DEFAULT);
	}
	qsort(la.names, la.n, sizeof *la.names, theme_cmp);
	for (i = 1, j = 1; i < la.n; i++) {
		if (strcmp(la.names[i], la.names[j - 1]) == 0)
			free(la.names[i]);
		else
			la.names[j++] = la.names[i];
	}
	*names = la.names;
	return j;
}

void
theme_list_free(char **names, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}
