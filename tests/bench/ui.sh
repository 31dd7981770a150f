#!/bin/sh
# The visualizer's budget (issue 12) with 8 runs of the default experiment
# trained side by side at full speed, in alternating rounds in one run:
#   - the UI thread's share of one core (MEMSCOPE_TUI_STATS, from the
#     thread's CPU clock) at its frame rate, in a 200x60 tmux pane;
#   - the runs' total training throughput against `memscope train --runs 8`
#     of the same experiment (8 runs of equal cost; train's runs differ by
#     seed, the visualizer's by learning rate, which costs nothing);
# each round times both from start to their last step (the visualizer's own
# clock, MEMSCOPE_TUI_STATS's "finished at": polling the pane often would
# itself take CPU from the runs); and, with ENGINE_RUNS
# (tests/bench/engine_runs), the engine alone with no visualizer, to tell
# the engine's cost from the drawing's. The frame times are
# tests/bench/frame_time (make bench-ui builds and runs all three). Not
# part of make check. Environment: MEMSCOPE (the binary), ENGINE_RUNS,
# STEPS per run (default 4000), ROUNDS (default 3).
set -u
MEMSCOPE=${MEMSCOPE:-./memscope}
STEPS=${STEPS:-4000}
ROUNDS=${ROUNDS:-3}
command -v tmux >/dev/null 2>&1 || { echo "tmux not found"; exit 77; }
[ -x "$MEMSCOPE" ] || { echo "no binary at $MEMSCOPE"; exit 1; }
case $MEMSCOPE in /*) ;; *) MEMSCOPE=$(pwd)/$MEMSCOPE ;; esac

dir=$(mktemp -d /tmp/memscope-ui.XXXXXX)
sock="$dir/tmux.sock"
t() { tmux -S "$sock" "$@"; }
trap 't kill-server >/dev/null 2>&1; rm -rf "$dir"' EXIT INT TERM
now() { date +%s.%N; }
cd "$dir" || exit 1
t -f /dev/null new-session -d -s ui -x 200 -y 60 sh || exit 1
lrs=lr=0.01,0.011,0.012,0.013,0.014,0.015,0.016,0.017

for r in $(seq 1 "$ROUNDS"); do
	# headless: 8 runs on every CPU
	t0=$(now)
	"$MEMSCOPE" train --runs 8 --steps "$STEPS" -q >/dev/null || exit 1
	t1=$(now)
	train_sps=$(echo "8 * $STEPS / ($t1 - $t0)" | bc -l)
	engine=""
	if [ -n "${ENGINE_RUNS:-}" ]; then
		e_sps=$("$ENGINE_RUNS" "$STEPS") || exit 1
		engine=$(printf ', engine alone %.0f (ratio %.3f)' "$e_sps" \
		    "$(echo "$e_sps / $train_sps" | bc -l)")
	fi

	# the visualizer: the same number of runs and steps, at full speed
	rm -f stats.txt
	t send-keys -t ui "clear; MEMSCOPE_TUI_STATS=1 TERM=tmux-256color \
LC_ALL=C.UTF-8 '$MEMSCOPE' --no-user-config --compare $lrs --speed max \
--steps $STEPS 2>stats.txt; echo done-status=\$?" Enter
	t0=$(now)
	while ! t capture-pane -p -t ui | grep -q 'finished'; do
		sleep 0.5
		[ "$(echo "$(now) - $t0 > 600" | bc)" -eq 1 ] && {
			echo "not finished within 600 s"; exit 1; }
	done
	t1=$(now)
	t send-keys -t ui q
	while ! t capture-pane -p -t ui | grep -q 'done-status='; do
		sleep 0.05
	done
	stats=$(cat stats.txt)
	ui_sps=$(echo "$stats" | sed -n 's/.*finished at [0-9.]* s (\([0-9.]*\) steps\/s).*/\1/p')
	[ -n "$ui_sps" ] || { echo "no 'finished at' in: $stats"; exit 1; }
	ui_cpu=$(echo "$stats" | sed -n 's/.*(\([0-9.]*\)% of a core).*/\1/p')
	fps=$(echo "$stats" | sed -n 's/.* s (\([0-9.]*\)\/s);.*/\1/p')
	printf 'round %d: train %.0f steps/s, visualizer %.0f steps/s ' \
	    "$r" "$train_sps" "$ui_sps"
	printf '(ratio %.3f)%s; UI thread %s%% of a core at %s frames/s\n' \
	    "$(echo "$ui_sps / $train_sps" | bc -l)" "$engine" "$ui_cpu" "$fps"
done
