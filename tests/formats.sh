#!/bin/sh
# Every CSV and JSON memscope writes against doc/formats.md's schemas
# (tests/formats.py). The visualizer's export is made in a tmux terminal
# (the `e` key); without tmux that one file is skipped, visibly. Skips (77)
# without python3.
set -u
suite=formats pane=fmt tmux_optional=1
command -v python3 >/dev/null 2>&1 || { echo "python3 not found: skip"; exit 77; }
src=${top_srcdir:-$(dirname "$0")/..}
. "$src/tests/tmuxlib.sh"
case $MEMSCOPE in /*) ;; *) MEMSCOPE=$(pwd)/$MEMSCOPE ;; esac

viz=
if [ "$have_tmux" = 1 ]; then
	t -f /dev/null new-session -d -s fmt -x 100 -y 30 \
	    "cd '$dir' && LC_ALL=C.UTF-8 TERM=tmux-256color '$MEMSCOPE' --batch 20 --test-batch 20 --steps 40 --csv viz.csv; sleep 5" ||
	    fail "tmux did not start"
	wait_for 'finished' || fail "the visualizer did not finish its 40 steps"
	t send-keys -t fmt 'e'
	wait_for 'exported' || fail "e did not export"
	t send-keys -t fmt 'q'
	[ -s "$dir/viz.csv" ] && viz=$dir/viz.csv || fail "no viz.csv"
else
	echo "tmux not found: the visualizer's export is not checked"
fi
mkdir "$dir/work" || exit 1
python3 "$src/tests/formats.py" "$src/doc/formats.md" "$MEMSCOPE" \
    "$dir/work" $viz || failures=$((failures + 1))
[ "$failures" -eq 0 ] || exit 1
echo "formats.sh: ok"
