#!/bin/sh
# Shifted data, gates, freezing and --init from the command line: train
# and eval at another scale print and write the normalised loss; eval
# --scale keeps the checkpoint's rotation; --init starts from a
# checkpoint (0 steps from it evaluate as the file itself), also several
# as heads; --freeze attention with nothing else to train and bad
# --init files are refused with status 2.
suite=shift_cli
. "${top_srcdir:-$(dirname "$0")/..}/tests/clilib.sh"

tiny="--steps 5 --batch 40 --test-batch 40 --layers 2 --quiet"
run "train" 0 train $tiny --param gdpp --memory none --save "$tmp/m.json"
grep -q normalised "$tmp/out" && fail "train s=1: a normalised line"
run "train scale" 0 train $tiny --scale 2 --mean 0.5 --json "$tmp/t.json"
run "train scale table" 0 train $tiny --scale 2 --mean 0.5
grep -q '^# memscope train:.* scale=2 mean=0.5$' "$tmp/out" ||
	fail "train scale: config line: $(head -1 "$tmp/out")"
grep -q '^# normalised by .*d s^2 = 20$' "$tmp/out" ||
	fail "train scale: no normalised line"
raw=$(awk '$1 == "model" { print $3; exit }' "$tmp/out")
norm=$(awk '$1 == "normalised" { getline; print $3 }' "$tmp/out")
awk -v r="$raw" -v n="$norm" 'BEGIN { d = r - log(20) - n;
    exit !(d < 0.0015 && d > -0.0015) }' ||
	fail "train scale: normalised $norm is not $raw - ln 20"

run "eval scale" 0 eval --load "$tmp/m.json" --scale 3 --json "$tmp/e.json"
run "eval scale table" 0 eval --load "$tmp/m.json" --scale 3
grep -q 'd s^2 = 45$' "$tmp/out" || fail "eval --scale 3: $(cat "$tmp/out")"
if command -v python3 >/dev/null 2>&1; then
	python3 - "$tmp" <<'PY' || fail "json: normalised members"
import json, math, sys
d = sys.argv[1]
t = json.load(open(d + "/t.json"))
e = json.load(open(d + "/e.json"))
assert t["config"]["scale"] == 2 and t["config"]["mean"] == 0.5
for r, n in ((t["mean"], t["mean_normalised"]),
             (t["runs"][0]["log_test_loss"],
              t["runs"][0]["log_test_loss_normalised"]),
             (e["log_test_loss"], e["log_test_loss_normalised"])):
    s2 = 20 if n is not e["log_test_loss_normalised"] else 45
    for a, b in zip(r["model"], n["model"]):
        assert abs(a - math.log(s2) - b) < 1e-12, (a, b)
assert e["config"]["scale"] == 3 and e["trained_config"]["scale"] == 1
PY
fi

# --init: 0 steps from the file are the file's model
run "eval m" 0 eval --load "$tmp/m.json"
grep '^model ' "$tmp/out" >"$tmp/a.txt"
run "init 0 steps" 0 train $tiny --steps 0 --param gdpp --memory none \
    --init "$tmp/m.json" --save "$tmp/m0.json"
run "eval m0" 0 eval --load "$tmp/m0.json"
grep '^model ' "$tmp/out" >"$tmp/b.txt"
cmp -s "$tmp/a.txt" "$tmp/b.txt" || fail "init: 0 steps from m.json differ"
run "init" 0 train $tiny --param gdpp --memory cgd --init "$tmp/m.json" \
    --seed 4 --csv "$tmp/h.csv"
run "init experts" 0 train $tiny --param gdpp --memory none --heads 2 \
    --gates --freeze attention --init "$tmp/m.json,$tmp/m.json"
usage "init d" train $tiny --dim 4 --data iso --init "$tmp/m.json"
grep -q 'd = 5, the model d = 4' "$tmp/err" || fail "init d: $(cat "$tmp/err")"
usage "init heads" train $tiny --param gdpp --init "$tmp/m.json,$tmp/m.json"
grep -q 'needs --heads 2' "$tmp/err" || fail "init heads: $(cat "$tmp/err")"
usage "init missing" train $tiny --init "$tmp/none.json"
usage "freeze" train $tiny --memory none --freeze attention
grep -q 'nothing to train' "$tmp/err" || fail "freeze: $(cat "$tmp/err")"
usage "freeze kind" train $tiny --freeze memory
# the visualizer's --init: checked before the terminal is
usage "tui init missing" tui --no-user-config --init "$tmp/none.json"
grep -q 'init.*none.json' "$tmp/err" || fail "tui init: $(cat "$tmp/err")"
usage "tui init load" tui --no-user-config --init "$tmp/m.json" \
    --load "$tmp/m.json"
run "tui init" 2 tui --no-user-config --param gdpp --memory none --layers 2 \
    --init "$tmp/m.json"
grep -q 'needs a terminal' "$tmp/err" || fail "tui init: $(cat "$tmp/err")"
run "gates" 0 train $tiny --gates --heads 2 --save "$tmp/g.json"
grep -q '"name": "gate"' "$tmp/g.json" || fail "gates: no gate block saved"
run "gates eval" 0 eval --load "$tmp/g.json"

if [ "$failures" -ne 0 ]; then
	echo "shift_cli.sh: $failures failure(s)" >&2
	exit 1
fi
echo "shift_cli.sh: all passed"
