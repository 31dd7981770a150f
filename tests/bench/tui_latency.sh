#!/bin/sh
# The visualizer's latency on a large model (issue 10): how long from the
# command to the first frame, and from q to the shell prompt, measured in a
# tmux pane (120x40) whose screen is captured every 20 ms. Two quits: one
# pressed QUIT_AFTER seconds after the first frame (the worker is then
# still setting up: drawing the batches, evaluating the baselines), one
# pressed while the worker is inside a training step (after the status
# line shows step 1, QUIT_AFTER more seconds). Not part of make check (a
# minute or more of CPU): sh tests/bench/tui_latency.sh.
#
# Environment: MEMSCOPE (the binary), ARGS (the model; default the issue's
# --dim 128 --context 512 --data iso --param full --memory none), QUIT_AFTER
# (default 2), RUNS (default 1), STEP_QUIT=0 to skip the second quit (it
# waits for the first step, which takes the whole set-up).
set -u
MEMSCOPE=${MEMSCOPE:-./memscope}
ARGS=${ARGS:---dim 128 --context 512 --data iso --param full --memory none}
QUIT_AFTER=${QUIT_AFTER:-2}
RUNS=${RUNS:-1}
STEP_QUIT=${STEP_QUIT:-1}
command -v tmux >/dev/null 2>&1 || { echo "tmux not found"; exit 77; }
[ -x "$MEMSCOPE" ] || { echo "no binary at $MEMSCOPE"; exit 1; }

dir=$(mktemp -d /tmp/memscope-lat.XXXXXX)
sock="$dir/tmux.sock"
t() { tmux -S "$sock" "$@"; }
trap 't kill-server >/dev/null 2>&1; rm -rf "$dir"' EXIT INT TERM
now() { date +%s.%N; }
# until PATTERN TIMEOUT: poll the pane until it shows PATTERN; prints the
# time it was seen, or fails after TIMEOUT seconds
until_screen() {
	end=$(echo "$(now) + $2" | bc)
	while :; do
		if t capture-pane -p -t lat | grep -Eq -- "$1"; then
			now
			return 0
		fi
		[ "$(echo "$(now) > $end" | bc)" -eq 1 ] && return 1
		sleep 0.02
	done
}

t -f /dev/null new-session -d -s lat -x 120 -y 40 sh || exit 1
cd "$dir" || exit 1
# one run; $1: "setup" (quit during set-up) or "step" (during a step)
run() {
	t send-keys -t lat "clear; TERM=tmux-256color LC_ALL=C.UTF-8 '$MEMSCOPE' $ARGS; echo quit-status=\$?" Enter
	t0=$(now)
	t1=$(until_screen 'd128|step [0-9]+/' 120) || {
		echo "no first frame within 120 s"; return 1; }
	if [ "$1" = step ]; then
		until_screen 'step [1-9][0-9]*/' 600 >/dev/null || {
			echo "no step within 600 s"; return 1; }
	fi
	sleep "$QUIT_AFTER"
	t2=$(now)
	t send-keys -t lat q
	t3=$(until_screen 'quit-status=' 120) || {
		echo "did not quit within 120 s"; return 1; }
	printf 'first frame %.2f s; quit (%s) %.2f s\n' \
	    "$(echo "$t1 - $t0" | bc)" "$1" "$(echo "$t3 - $t2" | bc)"
}
i=0
while [ $i -lt "$RUNS" ]; do
	run setup
	[ "$STEP_QUIT" = 1 ] && run step
	i=$((i + 1))
done
