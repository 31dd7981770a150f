# Shared by the tests that drive the visualizer in tmux (sourced, not run):
# the binary, a scratch directory with the tmux server's socket, and the
# screen checks. Before sourcing set `suite` (the script's name) and `pane`
# (the tmux session whose screen fail, screen and wait_for read); set
# tmux_optional=1 when part of the test needs no terminal (then have_tmux
# says whether tmux is there; otherwise its absence skips the test, 77).
# wait_for waits up to wait_tenths tenths of a second (default 100).
MEMSCOPE=${MEMSCOPE:-./memscope}
have_tmux=1
command -v tmux >/dev/null 2>&1 || have_tmux=0
if [ "$have_tmux" = 0 ] && [ "${tmux_optional:-0}" != 1 ]; then
	echo "tmux not found: skipped"
	exit 77
fi
[ -x "$MEMSCOPE" ] || { echo "no binary at $MEMSCOPE"; exit 1; }

dir=$(mktemp -d "/tmp/memscope-$suite.XXXXXX")
sock="$dir/tmux.sock"
t() { tmux -S "$sock" "$@"; }
cleanup() { t kill-server >/dev/null 2>&1; rm -rf "$dir"; }
trap cleanup EXIT INT TERM
failures=0

# fail MESSAGE: count a failure, show the end of the screen
fail() {
	echo "FAIL: $*"
	t capture-pane -p -t "$pane" 2>/dev/null | grep -v '^$' | tail -5
	failures=$((failures + 1))
}
screen() { t capture-pane -p -t "$pane"; }
# wait_for PATTERN [FILE]: until the screen (or FILE) matches (grep -E)
wait_for() {
	i=0
	while [ $i -lt "${wait_tenths:-100}" ]; do
		if [ $# -gt 1 ]; then
			grep -Eq -- "$1" "$2" 2>/dev/null && return 0
		else
			screen | grep -Eq -- "$1" && return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# exited_clean NAME STATUS: after a run that wrote $dir/status, $dir/before
# and $dir/after (stty -a before and after it), memscope exited with STATUS
# and left the terminal as it found it: the same modes, the normal screen,
# the cursor shown, the keypad off
exited_clean() {
	wait_for '.' "$dir/after" || { fail "$1: memscope did not exit"; return; }
	[ "$(cat "$dir/status")" = "$2" ] ||
		fail "$1: exit status $(cat "$dir/status"), expected $2"
	cmp -s "$dir/before" "$dir/after" ||
		fail "$1: terminal modes changed: $(diff "$dir/before" "$dir/after")"
	flags=$(t display -p -t "$pane" '#{alternate_on} #{cursor_flag} #{keypad_flag}')
	[ "$flags" = "0 1 0" ] ||
		fail "$1: alternate screen, cursor, keypad: $flags (want 0 1 0)"
}
