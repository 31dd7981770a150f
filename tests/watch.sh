#!/bin/sh
# memscope watch: a headless train --live writes its history as it goes,
# and watch, started first in a tmux terminal, waits for the file, then
# follows it: the step count on screen grows, training keys say the view
# is read-only, q quits with status 0. Also: the live file holds the same
# rows as --csv, and watch refuses a file that is not a history (status 2)
# without a terminal. Skipped (77) without tmux.
set -u
suite=watch pane=watch
. "${top_srcdir:-$(dirname "$0")/..}/tests/tmuxlib.sh"
export MEMSCOPE_NO_USER_CONFIG=1

status() { screen | grep -E 'step [0-9]+' | tail -n 1; }
step() { status | sed -n 's/.*step \([0-9]*\)\/.*/\1/p'; }

cd "$dir" || exit 1

# bad input, before any terminal is needed
printf 'method,k,mse,ln_mse\nmodel,1,0.5,-0.7\n' > eval.csv
"$MEMSCOPE" watch eval.csv </dev/null >out 2>err; rc=$?
[ $rc -eq 2 ] || fail "a wrong header: status $rc, not 2"
grep -q 'eval.csv:1: expected the header' err ||
    fail "a wrong header: message '$(cat err)'"
"$MEMSCOPE" watch nodir/f.csv </dev/null >out 2>err; rc=$?
[ $rc -eq 2 ] || fail "a missing directory: status $rc, not 2"
"$MEMSCOPE" watch </dev/null >out 2>err; rc=$?
[ $rc -eq 2 ] && grep -q 'which file' err || fail "no FILE: status $rc"

t -f /dev/null new-session -d -s watch -x 120 -y 40 \
    "LC_ALL=C.UTF-8 TERM=tmux-256color '$MEMSCOPE' watch f.csv; echo EXIT=\$? > '$dir/exit'; sleep 5" ||
    fail "tmux did not start"
wait_for 'waiting for f.csv' || fail "watch does not say it waits for f.csv"

"$MEMSCOPE" train --live f.csv --csv whole.csv --steps 3000 --batch 5000 -q \
    >train.out 2>train.err &
train=$!
# (a batch of 5000: a few seconds of training, so the file is seen growing)
wait_for 'run 0' || fail "no run 0 drawn"
a=$(step)
i=0 b=$a
while [ $i -lt 100 ] && [ "$b" = "$a" ]; do
	sleep 0.1
	b=$(step)
	i=$((i + 1))
done
[ -n "$a" ] && [ -n "$b" ] && [ "$b" -gt "$a" ] ||
    fail "the step on screen did not grow ('$a' -> '$b')"
wait $train || fail "train --live failed: $(cat train.err)"
wait_for 'step 3000/' || fail "watch did not reach step 3000"
# the status line names the file, not a configuration it does not have
screen | grep -q 'watching f.csv (read-only)' ||
    fail "the status line does not say it watches f.csv"

t send-keys -t watch ']'
wait_for 'read-only: watching f.csv' || fail "] did not say read-only"

t send-keys -t watch q
wait_for 'EXIT=' "$dir/exit" || fail "q did not quit"
grep -q 'EXIT=0' "$dir/exit" || fail "watch exited with $(cat "$dir/exit")"

# the live file: --csv's rows, as it grew
cmp -s f.csv whole.csv || fail "the live file differs from --csv's"

[ $failures -eq 0 ] || exit 1
echo "watch: ok"
