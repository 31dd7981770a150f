#!/bin/sh
# The visualizer and its terminal (issue 10). In a tmux pane:
#  - SIGHUP and SIGQUIT give the terminal back as SIGINT and SIGTERM do
#    (tui_signals.sh): the same stty modes before and after, the normal
#    screen, the cursor shown, keypad mode off, exit status 128 + signal;
#    sent to memscope's own pid, and while a large model sets up (the
#    worker busy drawing its batches) as well as while a small one trains;
#  - a terminal memscope cannot draw on gets memscope's one-line message
#    and status 2, not ncurses' "Error opening terminal" and status 1:
#    TERM=nonexistent, COLUMNS=99999, LINES=99999; the pane is left as it
#    was (never switched to the alternate screen).
# Skipped (77) without tmux. MEMSCOPE names the binary (make check sets it).
set -u
suite=rel_viz_signals pane=rv wait_tenths=200
. "${top_srcdir:-$(dirname "$0")/..}/tests/tmuxlib.sh"

# each case in a pane of its own, so that one left in raw mode by a
# failure does not spoil the next (session "keep" keeps the server up)
t -f /dev/null new-session -d -s keep -x 20 -y 5 "sh" || {
	echo "tmux did not start"; exit 1; }
fresh() {
	t kill-session -t rv >/dev/null 2>&1
	t -f /dev/null new-session -d -s rv -x 100 -y 30 "sh" || {
		echo "tmux did not start"; exit 1; }
}
cd "$dir" || exit 1
env="TERM=tmux-256color LC_ALL=C.UTF-8"
small="--batch 100 --test-batch 100 --steps 100000000"
large="--dim 128 --context 512 --data iso --param full --memory none"

# signal NAME STATUS WAIT ARGS: start memscope (recording its pid), wait
# until the screen matches WAIT, send the signal to that pid
signal() {
	fresh
	rm -f "$dir/before" "$dir/after" "$dir/status" "$dir/pid"
	t send-keys -t rv "stty -a >'$dir/before'; $env sh -c 'echo \$\$ >\"$dir/pid\"; exec \"$MEMSCOPE\" $4'; echo \$? >'$dir/status'; stty -a >'$dir/after'; clear" Enter
	wait_for "$3" || { fail "$1: memscope did not start"; return; }
	wait_for '[0-9]' "$dir/pid" || { fail "$1: no pid"; return; }
	kill -"$1" "$(cat "$dir/pid")" || fail "$1: no process to signal"
	exited_clean "$1" "$2"
}
signal HUP 129 'running' "$small"
signal QUIT 131 'running' "$small"
# the worker is still drawing the large model's batches (seconds)
signal HUP 129 'd128' "$large"
signal QUIT 131 'd128' "$large"

# unusable terminals: memscope's message, status 2, the pane untouched
# refused NAME PATTERN ENV...: run memscope with ENV, expect PATTERN
refused() {
	name=$1 pattern=$2
	shift 2
	fresh
	rm -f "$dir/err" "$dir/status"
	t send-keys -t rv "clear; env $* '$MEMSCOPE' --steps 1 2>'$dir/err'; echo \$? >'$dir/status'" Enter
	wait_for '.' "$dir/status" || { fail "$name: no exit"; return; }
	[ "$(cat "$dir/status")" = 2 ] ||
		fail "$name: exit status $(cat "$dir/status"), expected 2"
	[ "$(wc -l <"$dir/err")" -eq 1 ] ||
		fail "$name: not one line on stderr: $(cat "$dir/err")"
	grep -q '^memscope tui: ' "$dir/err" ||
		fail "$name: not memscope's message: $(cat "$dir/err")"
	grep -Eq -- "$pattern" "$dir/err" ||
		fail "$name: message does not say '$pattern': $(cat "$dir/err")"
	grep -q 'Error opening terminal' "$dir/err" &&
		fail "$name: ncurses' own message: $(cat "$dir/err")"
	flags=$(t display -p -t rv '#{alternate_on} #{cursor_flag}')
	[ "$flags" = "0 1" ] || fail "$name: the pane was changed: $flags"
}
refused TERM=nonexistent 'TERM=nonexistent: no such terminal type' \
    TERM=nonexistent
refused COLUMNS=99999 'terminal is 99999x30.*2000x1000' \
    TERM=tmux-256color COLUMNS=99999
refused LINES=99999 '100x99999.*2000x1000' TERM=tmux-256color LINES=99999

if [ "$failures" -ne 0 ]; then
	echo "rel_viz_signals.sh: $failures failure(s)"
	exit 1
fi
echo "rel_viz_signals.sh: all passed"
