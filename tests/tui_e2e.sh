#!/bin/sh
# End-to-end test of the visualizer: the real binary in a tmux terminal,
# driven by keys, checked through the screen's text. Skipped (77) without
# tmux. MEMSCOPE names the binary (make check sets it).
set -u
suite=tui_e2e pane=e2e
. "${top_srcdir:-$(dirname "$0")/..}/tests/tmuxlib.sh"

# here the first failure ends the test, with the whole screen
fail() {
	echo "FAIL: $*"
	echo "--- screen:"
	t capture-pane -p -t "$pane" 2>/dev/null
	exit 1
}
status() { screen | tail -n 1; }
step() { status | sed -n 's/.*step \([0-9]*\)\/.*/\1/p'; }

cd "$dir" || exit 1
t -f /dev/null new-session -d -s e2e -x 120 -y 40 \
    "LC_ALL=C.UTF-8 TERM=tmux-256color '$MEMSCOPE' --batch 100 --test-batch 100 --steps 100000000 --data paper; echo EXIT=\$? > '$dir/exit'; sleep 5" ||
    fail "tmux did not start"

wait_for 'running' || fail "no running status"
for p in 'loss: ln MSE' 'after layer' 'parameters \(pre' 'memory: '; do
	screen | grep -Eq -- "$p" || fail "panel '$p' missing"
done

t send-keys -t e2e ' '
wait_for 'paused' || fail "space did not pause"
sleep 0.3
a=$(step)
sleep 1
b=$(step)
[ -n "$a" ] && [ "$a" = "$b" ] || fail "step moved while paused ($a -> $b)"
[ "$a" -gt 0 ] || fail "no steps were taken before the pause"

t send-keys -t e2e ']'
wait_for ' H2 ' || fail "] did not give two heads"
wait_for 'parameters \(pre, 2 heads' || fail "heatmaps not redrawn for 2 heads"

before=$(status | sed -n 's/.*\(data [^ ]*\).*/\1/p')
t send-keys -t e2e 'c'
wait_for 'data kappa' || fail "c did not change the data line (was '$before')"

t send-keys -t e2e '?'
wait_for 'pause / resume' || fail "? did not open the help"
t send-keys -t e2e Escape
sleep 0.3
screen | grep -q 'pause / resume' && fail "Esc did not close the help"

t send-keys -t e2e '4'
wait_for 'l = 0 of 4' || fail "4 did not open the step-through screen"
screen | grep -q 'memory: lfom' || fail "step-through: no memory view"
t send-keys -t e2e Right
wait_for 'l = 1 of 4' || fail "Right did not move to layer 1"
wait_for 'memory at layer 1' || fail "memory view not at layer 1"
t send-keys -t e2e Down
wait_for 'task 1 of 100' || fail "Down did not pick the next task"
t send-keys -t e2e 'f'
wait_for 'frozen' || fail "f did not freeze the step-through view"
t send-keys -t e2e '1'

t resize-window -t e2e -x 60 -y 20 2>/dev/null
wait_for 'needs 80x24' || fail "no small-terminal notice at 60x20"
t send-keys -t e2e 'q'
i=0
while [ ! -s "$dir/exit" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$dir/exit" ] || fail "q did not quit"
grep -q 'EXIT=0' "$dir/exit" || fail "exit status $(cat "$dir/exit")"

# no terminal: refused with a pointer to memscope train, status 2
"$MEMSCOPE" --batch 100 </dev/null >"$dir/out" 2>"$dir/err"
rc=$?
[ $rc -eq 2 ] || fail "without a tty: exit $rc, want 2"
grep -q 'memscope train' "$dir/err" || fail "without a tty: no pointer to memscope train"
echo "ok"
exit 0
