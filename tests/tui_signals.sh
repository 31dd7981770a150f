#!/bin/sh
# The visualizer gives the terminal back on SIGINT (C-c) and SIGTERM: in a
# tmux pane, a shell records `stty -a`, runs memscope, and records it again
# after the signal; the modes must be the same, the pane back on the normal
# screen with the cursor shown and keypad mode off, and the exit status
# 128 + the signal. Also: TERM=dumb on a real terminal is refused (status 2,
# pointing at memscope train), and a diverging run shows "diverged".
# Skipped (77) without tmux. MEMSCOPE names the binary (make check sets it).
set -u
suite=tui_signals pane=sig
. "${top_srcdir:-$(dirname "$0")/..}/tests/tmuxlib.sh"

t -f /dev/null new-session -d -s sig -x 100 -y 30 "sh" || {
	echo "tmux did not start"; exit 1; }
cd "$dir" || exit 1
# the process records its pid and becomes memscope (exec), so the signal
# goes to it without pkill (procps may be absent)
run="sh -c 'echo \$\$ >\"$dir/pid\"; exec env TERM=tmux-256color LC_ALL=C.UTF-8 \"$MEMSCOPE\" --batch 100 --test-batch 100 --steps 100000000'"

# signal NAME STATUS: start memscope, wait until it runs, send the signal
signal() {
	rm -f "$dir/before" "$dir/after" "$dir/status" "$dir/pid"
	t send-keys -t sig "stty -a >'$dir/before'; $run; echo \$? >'$dir/status'; stty -a >'$dir/after'; clear" Enter
	wait_for 'running' || { fail "$1: memscope did not start"; return; }
	if [ "$1" = C-c ]; then
		t send-keys -t sig C-c
	else
		kill -"$1" "$(cat "$dir/pid")" ||
		    fail "$1: no process to signal"
	fi
	exited_clean "$1" "$2"
}
signal C-c 130
signal TERM 143
signal INT 130

# TERM=dumb on a terminal: refused, pointing at the headless command
t send-keys -t sig "TERM=dumb '$MEMSCOPE' --steps 1; echo status=\$?" Enter
wait_for 'status=[0-9]' || fail "TERM=dumb: no exit"
screen | grep -q 'status=2' || fail "TERM=dumb: not status 2"
screen | grep -q 'memscope train' || fail "TERM=dumb: no pointer to memscope train"
t send-keys -t sig clear Enter

# a learning rate that overflows: the status line says so, q still quits
t send-keys -t sig "TERM=tmux-256color LC_ALL=C.UTF-8 '$MEMSCOPE' --param gdpp --lr 100 --batch 100 --test-batch 100; echo status=\$?" Enter
wait_for 'diverged at step [0-9]+; the last finite parameters are kept' ||
	fail "lr 100: no divergence message"
screen | grep -q 'diverged  step' || fail "lr 100: status not diverged"
t send-keys -t sig q
wait_for 'status=0' || fail "lr 100: q did not quit"

if [ "$failures" -ne 0 ]; then
	echo "tui_signals.sh: $failures failure(s)"
	exit 1
fi
echo "tui_signals.sh: all passed"
