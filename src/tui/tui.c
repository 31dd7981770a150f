/*
 * The UI thread's loop. It sleeps in poll() on the terminal and the
 * engine's notification pipe, so a paused visualizer uses no CPU: it wakes
 * for a key, a new snapshot, a signal (SIGWINCH, SIGINT, SIGTERM interrupt
 * poll) or, as a safety net, once a second. Frames are drawn only when a
 * snapshot or a key changed something, and at most 30 times a second: a
 * change arriving sooner than 33 ms after the last frame shortens the poll
 * timeout instead of drawing at once.
 *
 * SIGINT and SIGTERM only set a flag; the loop then ends curses normally.
 * Fatal errors exit through xmalloc, whose exit runs the backend's atexit
 * handler, so the terminal is restored on every path.
 */
#include <errno.h>
#include <langinfo.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "memscope/backend.h"
#include "memscope/keys.h"
#include "memscope/screen.h"
#include "memscope/theme.h"
#include "memscope/tui.h"

#define TUI_FRAME_MS 33

static volatile sig_atomic_t tui_signalled;

static void
tui_on_signal(int sig)
{
	tui_signalled = sig;
}

static double
tui_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void
tui_send(void *arg, enum engine_cmd cmd, int val)
{
	engine_send(arg, cmd, val);
}

/* Load the theme after `current` in the search path's list. */
static void
tui_next_theme(struct theme *t, char *note, size_t len)
{
	char **names, err[512];
	int n, i, next = 0;

	n = theme_list(&names);
	for (i = 0; i < n; i++)
		if (strcmp(names[i], t->name) == 0)
			next = (i + 1) % n;
	note[0] = '\0';
	if (theme_load(names[next], t, err, sizeof err) != 0)
		snprintf(note, len, "%s", err);
	theme_list_free(names, n);
}

/* Run the visualizer until q or a signal. */
int
tui_run(struct engine *e, const struct tui_opts *o)
{
	struct sigaction sa, old_int, old_term;
	struct snapshot *snap = engine_first_snapshot(e);
	struct step_view step;
	struct keys_ui ui = { 0, false, tui_send, e, &step };
	struct screen_state st;
	struct canvas c;
	struct theme theme;
	struct pollfd pfd[2];
	char err[512], note[600];
	double last_frame = 0, now, t0;
	bool dirty = true, utf8, colour, quit = false;
	int w, h, key, flags, timeout, frames = 0;

	snprintf(note, sizeof note, "%s", o->note != NULL ? o->note : "");
	if (o->theme != NULL)
		theme = *o->theme;	/* loaded (and checked) by the caller */
	else
		theme_default(&theme);
	utf8 = !o->ascii && strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	colour = !o->mono;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = tui_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);

	if (backend_init(colour, err, sizeof err) != 0) {
		fprintf(stderr, "memscope: %s\n", err);
		engine_free(e);
		return 1;
	}
	backend_set_theme(&theme);
	backend_size(&w, &h);
	canvas_init(&c, w, h, utf8 ? &canvas_glyphs_utf8 :
	    &canvas_glyphs_ascii);
	c.mono = o->mono || theme.mono || backend_colours() == 0;
	if (engine_start(e) != 0) {
		backend_end();
		fprintf(stderr, "memscope: cannot start the training thread: "
		    "%s\n", strerror(errno));
		engine_free(e);
		return 1;
	}
	t0 = tui_now();
	step_view_init(&step);

	while (!quit && !tui_signalled) {
		now = tui_now();
		if (dirty && now - last_frame >= TUI_FRAME_MS * 1e-3) {
			st.screen = ui.screen;
			st.help = ui.help;
			st.theme = theme.name;
			st.note = note;
			st.step = &step;
			screen_draw(&c, snap, &st, NULL);
			backend_blit(&c);
			last_frame = now;
			dirty = false;
			frames++;
		}
		if (dirty)
			timeout = (int)ceil((last_frame + TUI_FRAME_MS * 1e-3 -
			    now) * 1000);
		else
			timeout = 1000;
		if (timeout < 0)
			timeout = 0;
		pfd[0].fd = STDIN_FILENO;
		pfd[0].events = POLLIN;
		pfd[1].fd = engine_notify_fd(e);
		pfd[1].events = POLLIN;
		pfd[0].revents = pfd[1].revents = 0;
		if (poll(pfd, 2, timeout) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents & POLLIN) {
			engine_notify_drain(e);
			if (engine_take(e, &snap))
				dirty = true;
		}
		/* keys; a resize arrives as a key after SIGWINCH */
		while ((key = backend_key()) != -1) {
			if (key == BACKEND_KEY_RESIZE) {
				backend_size(&w, &h);
				canvas_resize(&c, w, h);
				dirty = true;
				continue;
			}
			flags = keys_dispatch(&ui, key);
			if (flags & KEYS_QUIT) {
				quit = true;
				break;
			}
			if (flags & KEYS_THEME) {
				tui_next_theme(&theme, note, sizeof note);
				backend_set_theme(&theme);
				c.mono = o->mono || theme.mono ||
				    backend_colours() == 0;
			} else if (flags != 0)
				note[0] = '\0';
			if (flags != 0)
				dirty = true;
		}
		if (engine_take(e, &snap))
			dirty = true;
	}
	now = tui_now();
	backend_end();
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	canvas_free(&c);
	engine_free(e);
	step_view_free(&step);
	if (getenv("MEMSCOPE_TUI_STATS") != NULL)
		fprintf(stderr, "memscope: %d frames in %.1f s (%.1f/s)\n",
		    frames, now - t0, frames / (now - t0));
	if (tui_signalled)
		return 128 + tui_signalled;
	return 0;
}
