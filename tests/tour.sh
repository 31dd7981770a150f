#!/bin/sh
# memscope tour in a tmux terminal: stage 1's title is on screen, p pauses,
# space walks every stage (each stage's title, as --help lists them, shows
# in the caption box, over the screen the stage names; at 120x40 the box
# docks under the screen, and h hides it; ? lists the tour's keys), b goes
# back one, and space after the last stage shows the closing card, then
# ends the tour with status 0. A second run, the last stage at full speed, shows
# the scripted data switch (the kappa:100 mark on the loss plot) and quits
# with q. Also: a bad --stage and a missing terminal are refused with
# status 2. Skipped (77) without tmux.
set -u
suite=tour pane=tour
. "${top_srcdir:-$(dirname "$0")/..}/tests/tmuxlib.sh"

cd "$dir" || exit 1

# bad input, before any terminal is needed
"$MEMSCOPE" tour --stage 99 </dev/null >out 2>err; rc=$?
[ $rc -eq 2 ] && [ "$(wc -l <err)" -eq 1 ] && grep -q -- '--stage' err ||
    fail "--stage 99: status $rc, '$(cat err)'"
"$MEMSCOPE" tour </dev/null >out 2>err; rc=$?
[ $rc -eq 2 ] && grep -q 'needs a terminal' err ||
    fail "no terminal: status $rc, '$(cat err)'"

# the stages' titles, from --help ("  N  title")
"$MEMSCOPE" tour --help | sed -n 's/^  \([0-9]\)  \(.*\)$/\2/p' >titles
n=$(wc -l <titles)
[ "$n" -ge 5 ] && [ "$n" -le 8 ] || fail "--help lists $n stages"
# title K: stage K's title as a grep -E pattern (S^-1 is no anchor)
title() { sed -n "${1}p" titles | sed 's/[][\\.*^$+?(){}|]/\\&/g'; }
# on_stage K: the caption box's title of stage K is on screen
on_stage() { wait_for "stage $1 of $n: $(title "$1")"; }

t -f /dev/null new-session -d -s tour -x 120 -y 40 \
    "LC_ALL=C.UTF-8 TERM=tmux-256color '$MEMSCOPE' tour --ascii --speed 20; echo EXIT=\$? > '$dir/exit'; sleep 5" ||
    fail "tmux did not start"
on_stage 1 || fail "stage 1's title is not shown"
screen | grep -q 'space next | b back | h hide | p pause' || fail "no key line"

t send-keys -t tour p
wait_for 'paused' || fail "p did not pause"

# the help names the tour's keys, not the visualizer's space and r
t send-keys -t tour ?
wait_for 'restart the stage' || fail "the help does not name the tour's r"
screen | grep -q 'restart the focused run' &&
	fail "the help names r's other meaning"
t send-keys -t tour ?
on_stage 1 || fail "? did not close the help"

# at 120x40 the caption docks under the screen: the whole dashboard is
# above it, status line included; h hides the caption and shows it again
screen | grep -q 'loss: ln MSE' || fail "the dashboard is not above the caption"
[ "$(screen | tail -n 1 | grep -c 'space next')" -eq 1 ] ||
	fail "the docked caption does not end on the last row"
t send-keys -t tour h
i=0
while screen | grep -q "stage 1 of $n"; do
	i=$((i + 1))
	[ $i -lt 50 ] || { fail "h did not hide the caption"; break; }
	sleep 0.1
done
t send-keys -t tour h
on_stage 1 || fail "a second h did not show the caption"

# shows K: what the screen of stage K has (tour.c's screens)
shows() {
	case $1 in
	1|6) echo 'loss: ln MSE' ;;
	2) echo 'parameters \(pre' ;;
	3) echo 'task 0 of 1000' ;;
	4) echo 'the path to w\*' ;;
	5) echo 'memory: cgd' ;;
	# a stage added without its screen here is not waited for as ''
	*) echo "tour.sh knows no screen of stage $1" ;;
	esac
}
wait_for "$(shows 1)" || fail "stage 1 is not on the dashboard"
k=1
while [ $k -lt "$n" ]; do
	k=$((k + 1))
	t send-keys -t tour Space
	on_stage $k || fail "space did not show stage $k"
	wait_for "$(shows $k)" || fail "stage $k: no '$(shows $k)' on screen"
done
t send-keys -t tour b
on_stage $((n - 1)) || fail "b did not go back to stage $((n - 1))"
t send-keys -t tour Space
on_stage "$n" || fail "space did not show stage $n again"
t send-keys -t tour Space
wait_for 'the end of the tour' || fail "no closing card after stage $n"
t send-keys -t tour Space
wait_for 'EXIT=' "$dir/exit" || fail "space on the closing card did not end the tour"
grep -q 'EXIT=0' "$dir/exit" || fail "the tour exited with $(cat "$dir/exit")"

# the last stage's scripted action: the data switches at its step
# (a second session, started before the first goes: a server whose last
# session was killed may still be exiting when the next one asks for it)
rm -f "$dir/exit"
t new-session -d -s tour2 -x 120 -y 40 \
    "LC_ALL=C.UTF-8 TERM=tmux-256color '$MEMSCOPE' tour --stage $n --speed max; echo EXIT=\$? > '$dir/exit'; sleep 5" ||
    fail "tmux did not start again"
t kill-session -t tour 2>/dev/null
pane=tour2
wait_for 'kappa:100' || fail "stage $n did not switch the data to kappa:100"
t send-keys -t tour2 q
wait_for 'EXIT=' "$dir/exit" || fail "q did not quit"
grep -q 'EXIT=0' "$dir/exit" || fail "q: the tour exited with $(cat "$dir/exit")"

[ $failures -eq 0 ] || exit 1
echo "tour: ok"
