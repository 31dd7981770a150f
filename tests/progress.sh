#!/bin/sh
# The progress of train and reproduce on stderr: the line saying how many
# threads they use, train's runs on every CPU by default, --quiet, and an
# interruption (SIGTERM here; SIGINT, C-c on a terminal, in tmux) that ends
# the display with a line saying "interrupted". The terminal part skips,
# visibly, without tmux.
set -u
suite=progress pane=prog tmux_optional=1
. "${top_srcdir:-$(dirname "$0")/..}/tests/tmuxlib.sh"
case $MEMSCOPE in /*) ;; *) MEMSCOPE=$(pwd)/$MEMSCOPE ;; esac
cd "$dir" || exit 1
tiny="--steps 2 --batch 10 --test-batch 10 --layers 1"
forever="--steps 100000000 --batch 1 --test-batch 10 --layers 1 --dim 2 --context 3 --data iso"

# the threads line: several runs on min(CPUs, 64, runs) threads by default
cpus=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
[ "$cpus" -gt 64 ] && cpus=64
want=$cpus
[ "$want" -gt 3 ] && want=3
s=s; [ "$want" -eq 1 ] && s=
"$MEMSCOPE" train $tiny --runs 3 >/dev/null 2>err || fail "train --runs 3"
grep -qx "memscope train: 3 runs of 2 steps on $want thread$s" err ||
	fail "train --runs 3: $(head -1 err), not $want thread$s"
"$MEMSCOPE" train $tiny --runs 3 --threads 1 >/dev/null 2>err
grep -qx "memscope train: 3 runs of 2 steps on 1 thread" err ||
	fail "train --threads 1: $(head -1 err)"
"$MEMSCOPE" train $tiny --threads 2 >/dev/null 2>err
grep -qx "memscope train: 1 run of 2 steps on 2 threads" err ||
	fail "train one run: $(head -1 err)"
"$MEMSCOPE" reproduce --figure 1a --runs 1 --steps 2 --depths 1 --batch 10 \
    --test-batch 10 --threads 1 --out r >/dev/null 2>err ||
	fail "reproduce: exit $?"
grep -qx "memscope reproduce: 2 trainings on 1 thread" err ||
	fail "reproduce: no threads line: $(head -1 err)"

# --quiet: nothing on stderr, the same stdout
"$MEMSCOPE" train $tiny --runs 2 >out1 2>/dev/null
"$MEMSCOPE" train $tiny --runs 2 --quiet >out2 2>err || fail "train --quiet"
[ -s err ] && fail "train --quiet wrote on stderr: $(head -2 err)"
cmp -s out1 out2 || fail "train --quiet changed stdout"
"$MEMSCOPE" reproduce --figure 1a --runs 1 --steps 2 --depths 1 --batch 10 \
    --test-batch 10 -q --out r >/dev/null 2>err || fail "reproduce -q"
[ -s err ] && fail "reproduce -q wrote on stderr: $(head -2 err)"
"$MEMSCOPE" train --help | grep -q -- '--quiet' || fail "train --help: no --quiet"

# interrupted (no terminal): the last line says so, exit 128 + 15
# interrupted CMD ARGS...: start it, wait for its threads line, SIGTERM it
interrupted() {
	cmd=$1
	"$MEMSCOPE" "$@" >/dev/null 2>err &
	pid=$!
	wait_tenths=300 wait_for "^memscope $cmd: .* on [0-9]+ threads?$" err ||
		fail "$cmd: no threads line: $(cat err)"
	kill -TERM "$pid"
	wait "$pid"
	rc=$?
	[ "$rc" -eq 143 ] || fail "$cmd: exit $rc after SIGTERM, not 143"
	[ "$(tail -n 1 err)" = "memscope $cmd: interrupted" ] ||
		fail "$cmd: the last line is '$(tail -n 1 err)', not 'interrupted'"
}
interrupted train $forever
interrupted reproduce --figure 1a --runs 1 --steps 100000000 --depths 1 \
    --batch 1 --test-batch 10 --threads 1 --out r2

# interrupted on a terminal: C-c, and the bar's line is closed first
if [ "$have_tmux" = 1 ]; then
	# the pane stays when train ends (its shell dies of the C-c too)
	echo "set -g remain-on-exit on" >tmux.conf
	t -f tmux.conf new-session -d -s prog -x 120 -y 10 \
	    "'$MEMSCOPE' train $forever --batch 50" || fail "tmux did not start"
	wait_for '^\[[#.]+\] .*step [0-9]+/' || fail "no live bar"
	t send-keys -t prog C-c
	wait_for 'interrupted' || fail "C-c: no 'interrupted'"
	screen | grep -A1 '^\[[#.]*\] .*step ' |
	    grep -qx 'memscope train: interrupted' ||
	    fail "C-c: 'interrupted' is not on its own line under the bar"
else
	echo "tmux not found: the live bar's interruption is not checked"
fi
[ "$failures" -eq 0 ] || exit 1
echo "progress.sh: ok"
