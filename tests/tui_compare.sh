#!/bin/sh
# End-to-end test of a comparison in the visualizer: in a 120x40 tmux pane,
# `memscope --compare memory=none,cgd,lfom` with --record, --svg and --csv;
# the three labels in the run list and the loss legend, the curves moving
# (the step count on the status line and each run's in the run list), the
# focus moved to each run with . (the status line, the ▶ in the run list,
# the memory panel's title), one run hidden with v (the run list says no,
# the legends drop it), the export key e (screen.svg well-formed XML with
# the screen's text, runs.csv in the history schema with the visible runs
# only), q (status 0, the terminal as it was), and the recording s.cast
# (an asciicast v2 header of 120x40, then [t, "o"|"r", text] lines with t
# never decreasing; `asciinema cat` reads it when asciinema is installed).
# Each check prints a FAIL line; the test fails if any did. Skipped (77)
# without tmux or python3. MEMSCOPE names the binary (make check sets it).
set -u
command -v python3 >/dev/null 2>&1 || { echo "python3 not found: skipped"; exit 77; }
LC_ALL=C.UTF-8
export LC_ALL
suite=tui_compare pane=cmp
. "${top_srcdir:-$(dirname "$0")/..}/tests/tmuxlib.sh"
case $MEMSCOPE in /*) ;; *) MEMSCOPE=$(pwd)/$MEMSCOPE ;; esac
wait_tenths=300			# polls wait up to 30 s: the machine may be busy

# finish: the verdict
finish() {
	if [ "$failures" -ne 0 ]; then
		echo "tui_compare.sh: $failures failure(s)"
		exit 1
	fi
	echo "tui_compare.sh: all passed"
	exit 0
}
# poll CMD...: until CMD succeeds, up to wait_tenths tenths of a second
poll() {
	i=0
	while [ $i -lt "$wait_tenths" ]; do
		"$@" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
status_step() { screen | tail -n 1 | sed -n 's/.* step \([0-9]*\)\/.*/\1/p'; }
# run_step LABEL: the step of run LABEL in the run list
run_step() {
	screen | sed -En "s/.* $1 +(yes|no) +[a-z]+ +([0-9]+)\/[0-9]+ .*/\2/p" |
	    head -n 1
}
# legend: the loss panel's first row (its legend of runs)
legend() { screen | sed -n 2p | sed 's/^│\([^│]*\)│.*/\1/'; }
in_legend() { legend | grep -qw -- "$1"; }
not_in_legend() { legend | grep -qw none && ! legend | grep -qw -- "$1"; }
# grows CMD A: CMD prints a number above A
grows() {
	v=$($1)
	[ -n "$v" ] && [ "$v" -gt "$2" ]
}
run_grows() {
	v=$(run_step "$1")
	[ -n "$v" ] && [ "$v" -gt "$2" ]
}
plot() { screen | sed -n '4,18p'; }
plot_moved() { [ "$(plot)" != "$1" ]; }
exists() { [ -s "$1" ]; }

cd "$dir" || exit 1
cat >run.sh <<EOF
stty -a >'$dir/before'
TERM=tmux-256color '$MEMSCOPE' --no-user-config \
    --compare memory=none,cgd,lfom --steps 6000 --batch 200 \
    --test-batch 200 --record s.cast --svg screen.svg --csv runs.csv
echo \$? >'$dir/status'
stty -a >'$dir/after'
clear
EOF
t -f /dev/null new-session -d -s cmp -x 120 -y 40 sh || {
	echo "tmux did not start"; exit 1; }
t send-keys -t cmp "sh '$dir/run.sh'" Enter
wait_for 'runs: 3 of 8' || { fail "the run list did not appear"; finish; }

# three labelled runs: in the run list and in the loss legend
for l in none cgd lfom; do
	wait_for "[1-3]── $l +yes +" || fail "run list: no shown row for $l"
	poll in_legend "$l" || fail "loss legend: no $l (legend: $(legend))"
done

# the curves move: the status line's step, each run's, the plot
a=$(status_step)
[ -n "$a" ] || { fail "no step on the status line"; a=0; }
poll grows status_step "$a" || fail "the status line's step stays at $a"
for l in none cgd lfom; do
	b=$(run_step "$l")
	[ -n "$b" ] || { fail "run list: no step for $l"; continue; }
	poll run_grows "$l" "$b" || fail "run list: $l stays at step $b"
done
p=$(plot)
poll plot_moved "$p" || fail "the loss plot did not change"

# the focus: none first, then . moves it to cgd, lfom and back to none
focus() {
	wait_for "run $1 \\($2 of 3\\)" ||
	    fail "focus $1: the status line says $(screen | tail -n 1)"
	wait_for "▶ $2── $1 " || fail "focus $1: no ▶ on its row in the run list"
	wait_for "memory: $1, run $1" ||
	    fail "focus $1: the memory panel does not show it"
}
focus none 1
t send-keys -t cmp '.'
focus cgd 2
t send-keys -t cmp '.'
focus lfom 3
t send-keys -t cmp '.'
focus none 1
t send-keys -t cmp '.'
focus cgd 2

# v hides the focused run: the run list says so, the legends drop it
t send-keys -t cmp 'v'
wait_for '▶ 2 +cgd +no ' || fail "v: the run list does not show cgd hidden"
poll not_in_legend cgd || fail "v: the loss legend still lists cgd: $(legend)"
screen | sed -n 2p | grep -q '2─cgd' &&
	fail "v: the per-layer legend still lists cgd"
screen | grep -Eq '[13]── (none|lfom) +yes ' ||
	fail "v: the other runs are no longer shown"

# pause (a still screen; a finished run is still too), then export
still() { screen | tail -n 1 | grep -Eq '(paused|finished)  step'; }
k=0
while ! still && [ $k -lt 3 ]; do
	t send-keys -t cmp ' '	# (space resumes a run just finished)
	wait_tenths=50 poll still
	k=$((k + 1))
done
still || fail "space did not pause"
sleep 0.3
t send-keys -t cmp 'e'
poll exists screen.svg || fail "e: no screen.svg"
poll exists runs.csv || fail "e: no runs.csv"
wait_for 'exported [0-9]+ rows' || fail "e: no note of the export"
# in the message colour (#afd7ff: 153 of 256), not the error colour
# (#ff5f5f: 203): the export went well
note=$(t capture-pane -e -p -t cmp | grep 'exported [0-9]* rows')
case $note in
*'38;5;203m'*|'') fail "e: the export's note is in the error colour" ;;
*'38;5;153m'*) ;;
*) fail "e: the export's note is not in the message colour: $note" ;;
esac
screen >pane.txt
python3 - <<'PY' || fail "the exports are not as expected (above)"
import csv, sys
import xml.etree.ElementTree as ET

bad = 0
def fail(msg):
    global bad
    print("FAIL: " + msg)
    bad += 1

try:
    root = ET.parse("screen.svg").getroot()
except ET.ParseError as e:
    fail("screen.svg is not well-formed XML: %s" % e)
    sys.exit(1)
ns = "{http://www.w3.org/2000/svg}"
if root.tag != ns + "svg":
    fail("screen.svg: the root is %s, not svg" % root.tag)
w, h = int(root.get("width")), int(root.get("height"))
# the text back on the grid: a row per y, a column per x (9 x 17 cells)
rows = {}
for e in root.iter(ns + "text"):
    s = "".join(e.itertext())
    xs = [float(v) for v in e.get("x").split()]
    y = int(round((float(e.get("y")) - 14) / 17))
    if len(xs) == 1 and len(s) > 1:
        xs = [xs[0] + 9 * k for k in range(len(s))]
    for ch, x in zip(s, xs):
        rows.setdefault(y, {})[int(round(x / 9))] = ch
text = [("".join(rows.get(y, {}).get(x, " ") for x in range(w // 9))).rstrip()
        for y in range(h // 17)]
if (w // 9, h // 17) != (120, 40):
    fail("screen.svg: %d x %d cells, not 120 x 40" % (w // 9, h // 17))
for label in ("none", "cgd", "lfom"):
    if not any(label in r for r in text):
        fail("screen.svg: no text %r" % label)
pane = [r.rstrip() for r in open("pane.txt", encoding="utf-8").read().split("\n")]
# the panels, still while paused, as the terminal shows them (the rows
# below change with the export's note)
for y in range(37):
    if y >= len(pane) or text[y] != pane[y]:
        fail("screen.svg row %d differs from the screen:\n  svg:  %s\n  pane: %s"
             % (y, text[y], pane[y] if y < len(pane) else ""))
        break

with open("runs.csv", newline="") as f:
    r = list(csv.reader(f))
if not r or r[0] != ["run", "step", "train_mse", "test_mse", "seconds"]:
    fail("runs.csv: header %s" % (r[0] if r else "missing"))
runs = sorted({row[0] for row in r[1:]})
if runs != ["0", "1"]:
    fail("runs.csv: runs %s, want the two visible ones, 0 and 1" % runs)
for row in r[1:]:
    if len(row) != 5 or int(row[1]) < 0:
        fail("runs.csv: bad row %s" % row)
        break
if len(r) < 10:
    fail("runs.csv: only %d rows" % (len(r) - 1))
sys.exit(1 if bad else 0)
PY

# q: status 0 and the terminal given back
t send-keys -t cmp 'q'
exited_clean q 0

# the recording
poll exists s.cast || fail "no s.cast after the session"
python3 - <<'PY' || fail "s.cast is not an asciicast v2 recording (above)"
import json, sys

lines = open("s.cast", encoding="utf-8").read().split("\n")
if lines and lines[-1] == "":
    lines.pop()
head = json.loads(lines[0])
ok = True
if not isinstance(head, dict) or head.get("version") != 2 or \
        head.get("width") != 120 or head.get("height") != 40:
    print("FAIL: s.cast header %s" % lines[0][:200])
    ok = False
last = 0.0
for n, line in enumerate(lines[1:], 2):
    ev = json.loads(line)
    if not (isinstance(ev, list) and len(ev) == 3 and
            isinstance(ev[0], (int, float)) and ev[1] in ("o", "r") and
            isinstance(ev[2], str)):
        print("FAIL: s.cast line %d: %s" % (n, line[:200]))
        ok = False
        break
    if ev[0] < last:
        print("FAIL: s.cast line %d: time %s after %s" % (n, ev[0], last))
        ok = False
        break
    last = ev[0]
if len(lines) < 10:
    print("FAIL: s.cast has %d lines" % len(lines))
    ok = False
sys.exit(0 if ok else 1)
PY
if command -v asciinema >/dev/null 2>&1 && command -v script >/dev/null 2>&1; then
	script -q -e -c "asciinema cat s.cast" /dev/null </dev/null \
	    >cat.out 2>&1 || fail "asciinema cat s.cast: status $?"
	for text in 'runs: ' 'ln MSE' none cgd lfom; do
		grep -q "$text" cat.out ||
			fail "asciinema cat s.cast does not show '$text'"
	done
else
	echo "asciinema (or script) not found: the replay is not checked"
fi
finish
