/*
 * The UI thread's loop. It sleeps in poll() on the terminal, the engine's
 * notification pipe and the signal pipe, so a paused visualizer uses no
 * CPU: it wakes for a key, a new snapshot, a signal or, as a safety net,
 * once a second, or when a message's toast is due to go (msgview.h).
 * Frames are drawn only when a snapshot, a key or a toast's end changed
 * something, and at most 30 times a second: a change arriving sooner than
 * 33 ms after the last frame shortens the poll timeout instead of drawing
 * at once.
 *
 * Signals. SIGINT, SIGTERM, SIGHUP and SIGQUIT all go to one handler,
 * tui_on_signal, the only code that runs in a signal's context: it records
 * the signal and writes a byte to a pipe the loop polls (whichever thread
 * took the signal), and the loop then ends curses normally and exits with
 * 128 + the signal. The handler stays installed until the engine has
 * stopped, so no signal finds a write under way without it. Fatal errors
 * exit through xmalloc, whose exit runs the backend's atexit handler, so
 * the terminal is restored on every path.
 */
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "memscope/backend.h"
#include "memscope/cast.h"
#include "memscope/clock.h"
#include "memscope/config.h"
#include "memscope/keys.h"
#include "memscope/output.h"
#include "memscope/screen.h"
#include "memscope/screen_svg.h"
#include "memscope/theme.h"
#include "memscope/tour_view.h"
#include "memscope/tui.h"

#define TUI_FRAME_MS 33

/* The UI's note: a line shown until the next key (screen_state.note), and
 * whether it tells of an error (drawn in the error colour) or of what was
 * done. */
struct tui_note {
	char text[600];
	bool error;
};

/* Set the note to the printf of fmt; error: it tells of one. */
static void
tui_note_set(struct tui_note *n, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(n->text, sizeof n->text, fmt, ap);
	va_end(ap);
	n->error = error;
}

/* The signals that end the visualizer, each like q but with status
 * 128 + the signal. */
static const int tui_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
#define TUI_NSIGNALS ((int)(sizeof tui_signals / sizeof tui_signals[0]))

static volatile sig_atomic_t tui_signalled;
static int tui_sigpipe[2] = { -1, -1 };

/* The handler of every signal in tui_signals (async-signal-safe). */
static void
tui_on_signal(int sig)
{
	int saved = errno;
	char c = 1;

	/*
	 * The first signal ends the visualizer like q: the UI loop sees the
	 * pipe, stops the engine (which finishes a save or export under way,
	 * so no temporary is left) and restores the terminal. A second one
	 * while that has not happened (an output stuck writing into a FIFO
	 * nobody reads) ends the process at once: the temporaries of writes
	 * under way are removed first (output.h), the terminal is left as is.
	 */
	if (tui_signalled != 0) {
		output_signal_cleanup();
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	tui_signalled = sig;
	if (tui_sigpipe[1] >= 0 && write(tui_sigpipe[1], &c, 1) < 0)
		c = 0;	/* full: the loop will see the flag all the same */
	errno = saved;
}

/* Install tui_on_signal for tui_signals (old[] gets the previous
 * actions), with the pipe it writes to; -1 if the pipe cannot be made. */
static int
tui_signals_install(struct sigaction *old)
{
	struct sigaction sa;
	int i, fl;

	if (pipe(tui_sigpipe) != 0)
		return -1;
	for (i = 0; i < 2; i++) {
		fl = fcntl(tui_sigpipe[i], F_GETFL);
		fcntl(tui_sigpipe[i], F_SETFL, fl | O_NONBLOCK);
		fcntl(tui_sigpipe[i], F_SETFD, FD_CLOEXEC);
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = tui_on_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < TUI_NSIGNALS; i++)
		sigaddset(&sa.sa_mask, tui_signals[i]);
	for (i = 0; i < TUI_NSIGNALS; i++)
		sigaction(tui_signals[i], &sa, &old[i]);
	return 0;
}

/* Put back the actions tui_signals_install replaced, close its pipe. */
static void
tui_signals_restore(const struct sigaction *old)
{
	int i, fd[2] = { tui_sigpipe[0], tui_sigpipe[1] };

	for (i = 0; i < TUI_NSIGNALS; i++)
		sigaction(tui_signals[i], &old[i], NULL);
	tui_sigpipe[0] = tui_sigpipe[1] = -1;
	close(fd[0]);
	close(fd[1]);
}

/* Empty the signal pipe. */
static void
tui_signals_drain(void)
{
	char buf[16];

	while (read(tui_sigpipe[0], buf, sizeof buf) > 0)
		;
}

/* Commands sent to the engine: the snapshot's count of those carried out
 * reaches it when the worker has done them all. */
static unsigned long tui_sent;

static void
tui_send(void *arg, enum engine_cmd cmd, int val)
{
	tui_sent++;
	engine_send(arg, cmd, val);
}

/* Load the theme after `current` in the search path's list. */
static void
tui_next_theme(struct theme *t, struct tui_note *note)
{
	char **names, err[512];
	int n, i, next = 0;

	n = theme_list(&names);
	for (i = 0; i < n; i++)
		if (strcmp(names[i], t->name) == 0)
			next = (i + 1) % n;
	tui_note_set(note, false, "%s", "");
	if (theme_load(names[next], t, err, sizeof err) != 0)
		tui_note_set(note, true, "%s", err);
	theme_list_free(names, n);
}

/*
 * MEMSCOPE_TUI_STATS: what the benchmarks read (tests/bench/ui.sh): the
 * frames drawn, this (the UI) thread's CPU time, and the optimizer steps
 * every run of the last snapshot has made, over the session's seconds and,
 * if every run finished (done > 0 seconds in), over the time to that.
 */
static void
tui_stats(const struct snapshot *s, int frames, double secs, double done)
{
	struct timespec cpu;
	double ui = 0;
	long steps = 0;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu) == 0)
		ui = cpu.tv_sec + cpu.tv_nsec * 1e-9;
	for (int i = 0; i < s->nruns; i++)
		if (!s->runs[i].reference)
			steps += s->runs[i].step;
	fprintf(stderr, "memscope: %d frames in %.1f s (%.1f/s); UI thread "
	    "%.3f s CPU (%.2f%% of a core); %d runs, %ld steps (%.1f "
	    "steps/s)", frames, secs, frames / secs, ui, 100 * ui / secs,
	    s->nruns, steps, steps / secs);
	if (done > 0)
		fprintf(stderr, "; finished at %.3f s (%.1f steps/s)", done,
		    steps / done);
	fputc('\n', stderr);
}

/* The export key's half: the screen as shown, as SVG. The note says what
 * was written; until the worker has written the history too (*wait: the
 * commands it will then have carried out, 0: none awaited) it names the
 * CSV, then tui_export_done puts the worker's own word in. */
static void
tui_export(const struct canvas *c, const struct theme *t,
    const struct tui_opts *o, struct tui_note *note, unsigned long *wait)
{
	const char *svg = o->svg != NULL ? o->svg : TUI_SVG;
	char err[512];

	*wait = 0;
	if (screen_svg_write(svg, c, t, backend_colours() != 0, err,
	    sizeof err) != 0) {
		tui_note_set(note, true, "%s", err);
		return;
	}
	tui_note_set(note, false, "wrote %s and %s", svg, o->csv != NULL ?
	    o->csv : "the history");
	*wait = tui_sent;
}

/* Once snapshot s has the history's export done: the note says how it
 * went, in the worker's words ("exported 40 rows to ..."). */
static void
tui_export_done(const struct snapshot *s, const struct tui_opts *o,
    struct tui_note *note, unsigned long *wait)
{
	const char *svg = o->svg != NULL ? o->svg : TUI_SVG;

	if (*wait == 0 || s->commands < *wait)
		return;
	tui_note_set(note, s->message_error, "wrote %s %s %s", svg,
	    s->message_error ? "but" : "and", s->message);
	*wait = 0;
}

/* Finish the recording k (if any) after the session; status rc, or 1 if
 * the file could not be finished (a line on stderr says why). */
static int
tui_record_close(struct cast *k, const char *path, int rc)
{
	char err[512];

	if (k == NULL || cast_close(k, err, sizeof err) == 0)
		return rc;
	fprintf(stderr, "memscope tui: --record %s: %s\n", path, err);
	return rc != 0 ? rc : 1;
}

/* The tour's stage shown: its screen and its step-through layer. */
static void
tui_tour_show(const struct tour_view *tv, struct keys_ui *ui)
{
	const struct tour_stage *st = tour_view_stage(tv);

	if (st == NULL)
		return;
	ui->screen = (int)st->screen;
	ui->step->layer = st->layer > 0 ? st->layer : 0;
}

/* The tour's stage change: the shown stage's engine, started, in place of
 * *e (freed), with the views that follow a run made afresh. If it cannot
 * be made, *e runs on, its stage is shown again and the note says why. */
static void
tui_tour_swap(struct engine **e, struct snapshot **snap,
    struct tour_view *tv, const struct tui_opts *o, struct keys_ui *ui,
    const struct screen_views *views, struct tui_note *note)
{
	struct engine *next;
	char err[512];

	if ((next = tour_view_engine(tv, o->tour_speed, err, sizeof err)) ==
	    NULL || engine_start(next) != 0) {
		if (next != NULL)
			engine_free(next);
		tui_note_set(note, true, "%s", next != NULL ? "cannot start "
		    "the training thread" : err);
		if (tv->running >= 0)
			tv->stage = tv->running;
		return;
	}
	engine_free(*e);
	*e = next;
	*snap = engine_first_snapshot(next);
	ui->send_arg = next;
	tui_sent = 0;
	step_view_init(views->step);
	msg_view_init(views->msg);
	plot_view_init(views->plot);
	tui_send(next, ENGINE_CMD_TRACE_TASK, views->step->task);
	tui_tour_show(tv, ui);
}

/* Run the visualizer until q or a signal. */
int
tui_run(struct engine *e, const struct tui_opts *o)
{
	struct sigaction old_sig[TUI_NSIGNALS];
	struct snapshot *snap;
	struct step_view step;
	struct msg_view msg;
	struct plot_view plot;
	struct keys_ui ui = { 0, false, tui_send, NULL, &step, &plot, false };
	struct screen_views views = { &step, &msg, &plot };
	struct tour_view tour;
	struct screen_state st;
	struct canvas c;
	struct theme theme;
	struct cast *rec = NULL;
	unsigned long export_wait = 0;
	struct pollfd pfd[3];
	struct tui_note note;
	char err[512];
	double last_frame = 0, now, t0, done_at = 0;
	bool dirty = true, utf8, colour, quit = false, toast = false;
	int w, h, key, flags, timeout, frames = 0, rc, mt, dock;
	enum tour_view_key tk;

	if (o->tour != NULL) {
		tour_view_init(&tour, o->tour, o->tour_stage);
		if ((e = tour_view_engine(&tour, o->tour_speed, err,
		    sizeof err)) == NULL) {
			fprintf(stderr, "memscope tour: %s\n", err);
			return 2;
		}
	}
	snap = engine_first_snapshot(e);
	ui.send_arg = e;
	/* what a checkpoint did not restore: a warning, in the error colour */
	tui_note_set(&note, true, "%s", o->note != NULL ? o->note : "");
	ui.screen = o->screen >= 0 && o->screen < LAYOUT_SCREENS ? o->screen :
	    0;
	if (o->theme != NULL)
		theme = *o->theme;	/* loaded (and checked) by the caller */
	else
		theme_default(&theme);
	utf8 = !o->ascii && strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	colour = !o->mono;

	if (tui_signals_install(old_sig) != 0) {
		fprintf(stderr, "memscope: pipe: %s\n", strerror(errno));
		engine_free(e);
		return 1;
	}
	/* a recording that cannot be written is bad input: status 2 */
	if (o->record != NULL && (rec = cast_open(o->record, err,
	    sizeof err)) == NULL) {
		fprintf(stderr, "memscope tui: --record: %s\n", err);
		engine_free(e);
		tui_signals_restore(old_sig);
		return 2;
	}
	if (backend_init(colour, err, sizeof err) != 0) {
		/* an unusable terminal is bad input: status 2 */
		config_one_line(err);
		fprintf(stderr, "memscope tui: %s\n", err);
		if (rec != NULL)
			cast_abort(rec);
		engine_free(e);
		tui_signals_restore(old_sig);
		return 2;
	}
	backend_set_theme(&theme);
	if (rec != NULL)
		cast_theme(rec, &theme, backend_colours() != 0);
	backend_size(&w, &h);
	canvas_init(&c, w, h, utf8 ? &canvas_glyphs_utf8 :
	    &canvas_glyphs_ascii);
	c.mono = o->mono || theme.mono || backend_colours() == 0;
	if (engine_start(e) != 0) {
		backend_end();
		fprintf(stderr, "memscope: cannot start the training thread: "
		    "%s\n", strerror(errno));
		if (rec != NULL)
			cast_abort(rec);
		engine_free(e);
		tui_signals_restore(old_sig);
		return 1;
	}
	t0 = clock_seconds();
	step_view_init(&step);
	msg_view_init(&msg);
	plot_view_init(&plot);
	/* the worker traces the step-through's task from now on */
	tui_send(e, ENGINE_CMD_TRACE_TASK, step.task);
	if (o->tour != NULL)
		tui_tour_show(&tour, &ui);

	while (!quit && !tui_signalled) {
		now = clock_seconds();
		if (dirty && now - last_frame >= TUI_FRAME_MS * 1e-3) {
			st.screen = ui.screen;
			st.help = ui.help;
			st.glossary = ui.glossary;
			st.theme = theme.name;
			st.note = note.text;
			st.note_error = note.error;
			st.step = &step;
			st.message = toast = msg_view_shown(&msg, now);
			st.plot = &plot;
			st.hints = o->tour != NULL ? tour_view_hints : NULL;
			st.nhints = tour_view_nhints;
			st.keys = o->tour != NULL ? tour_view_key_lines : NULL;
			st.nkeys = tour_view_nkey_lines;
			/* in the tour space is the next stage: not the
			 * finished run's "space continues" */
			if (o->tour != NULL && snap->state == ENGINE_FINISHED)
				st.message = false;
			/* the tour's caption under the screen where there is
			 * room, else over its bottom; none over the help or
			 * the notice that the terminal is too small */
			dock = o->tour != NULL && !ui.help ?
			    tour_view_dock_rows(&c, &tour, LAYOUT_MIN_H) : 0;
			c.h -= dock;
			screen_draw(&c, snap, &st, NULL);
			c.h += dock;
			if (o->tour != NULL && !ui.help && c.w >= LAYOUT_MIN_W &&
			    c.h >= LAYOUT_MIN_H)
				tour_view_draw(&c, &tour, dock > 0);
			backend_blit(&c);
			if (rec != NULL)
				cast_frame(rec, &c, now - t0);
			last_frame = now;
			dirty = false;
			frames++;
		}
		if (dirty)
			timeout = (int)ceil((last_frame + TUI_FRAME_MS * 1e-3 -
			    now) * 1000);
		else
			timeout = 1000;
		/* wake when the message's toast is due to go */
		mt = msg_view_timeout_ms(&msg, now);
		if (mt >= 0 && mt < timeout)
			timeout = mt;
		if (timeout < 0)
			timeout = 0;
		pfd[0].fd = STDIN_FILENO;
		pfd[0].events = POLLIN;
		pfd[1].fd = engine_notify_fd(e);
		pfd[1].events = POLLIN;
		pfd[2].fd = tui_sigpipe[0];
		pfd[2].events = POLLIN;
		pfd[0].revents = pfd[1].revents = pfd[2].revents = 0;
		if (poll(pfd, 3, timeout) < 0 && errno != EINTR)
			break;
		if (pfd[2].revents & POLLIN)
			tui_signals_drain();
		if (tui_signalled)
			break;
		if (pfd[1].revents & POLLIN) {
			engine_notify_drain(e);
			if (engine_take(e, &snap)) {
				screen_sync(&views, snap);
				tui_export_done(snap, o, &note, &export_wait);
				dirty = true;
			}
		}
		/* keys; a resize arrives as a key after SIGWINCH */
		while ((key = backend_key()) != -1) {
			if (key == BACKEND_KEY_RESIZE) {
				backend_size(&w, &h);
				canvas_resize(&c, w, h);
				dirty = true;
				continue;
			}
			if (o->tour != NULL && (tk = tour_view_key(&tour, key)) !=
			    TOUR_VIEW_NONE) {
				if (tk == TOUR_VIEW_QUIT) {
					quit = true;
					break;
				}
				if (tk == TOUR_VIEW_PAUSE)
					tui_send(e, ENGINE_CMD_TOGGLE, 0);
				if (tk == TOUR_VIEW_RESTART ||
				    tour_view_needs_engine(&tour)) {
					tui_tour_swap(&e, &snap, &tour, o, &ui,
					    &views, &note);
					export_wait = 0;
					done_at = 0;
				}
				dirty = true;
				continue;
			}
			flags = keys_dispatch(&ui, key);
			if (flags & KEYS_QUIT) {
				quit = true;
				break;
			}
			if (flags & KEYS_THEME) {
				tui_next_theme(&theme, &note);
				backend_set_theme(&theme);
				c.mono = o->mono || theme.mono ||
				    backend_colours() == 0;
				if (rec != NULL)
					cast_theme(rec, &theme,
					    backend_colours() != 0);
			} else if (flags & KEYS_EXPORT)
				tui_export(&c, &theme, o, &note,
				    &export_wait);
			else if (flags != 0) {
				note.text[0] = '\0';
				export_wait = 0;
			}
			if (flags != 0)
				dirty = true;
		}
		if (engine_take(e, &snap)) {
			screen_sync(&views, snap);
			tui_export_done(snap, o, &note, &export_wait);
			dirty = true;
		}
		if (msg_view_shown(&msg, clock_seconds()) != toast)
			dirty = true;
		if (done_at == 0 && snap->state == ENGINE_FINISHED)
			done_at = clock_seconds() - t0;
	}
	now = clock_seconds();
	backend_end();
	canvas_free(&c);
	if (getenv("MEMSCOPE_TUI_STATS") != NULL)
		tui_stats(snap, frames, now - t0, done_at);
	engine_free(e);
	/* with the handler still on: a second signal removes the temporary */
	rc = tui_record_close(rec, o->record, tui_signalled ? 128 +
	    tui_signalled : 0);
	tui_signals_restore(old_sig);
	return rc;
}
