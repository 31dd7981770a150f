#!/bin/sh
# End-to-end tests of the theory reference lines (doc/math.md §8): after
# train's and eval's tables (whose numbers are still --json's) a table of
# their own, the "1-layer optimum" row (k=1 only) and the "best
# a_l*inv(Sigma) schedule" row; --json holds them in "theory"; baselines
# prints them under its table, for n - 1 points with --quirks.
suite=theory
. "${top_srcdir:-$(dirname "$0")/..}/tests/clilib.sh"
command -v python3 >/dev/null 2>&1 ||
	{ echo "theory.sh: python3 not found: skipped" >&2; exit 77; }

# row NAME FILE: the cells of table row NAME (the words after the name)
row() {
	grep "^$1  " "$2" | sed "s/^$1 *//"
}

run "train" 0 train --steps 20 --batch 50 --test-batch 200 --layers 4 \
    --param pre --memory none --save "$tmp/m.json" --json "$tmp/t.json"
cp "$tmp/out" "$tmp/train.txt"
[ "$(row '1-layer optimum' "$tmp/train.txt" | tr -s ' ')" = "0.143 - - -" ] ||
	fail "train: 1-layer optimum row: $(row '1-layer optimum' "$tmp/train.txt")"
[ "$(row 'best a_l\*inv(Sigma) schedule' "$tmp/train.txt" | tr -s ' ')" = \
    "0.143 -1.018 -2.013 -2.901" ] ||
	fail "train: schedule row: $(grep schedule "$tmp/train.txt")"
python3 - "$tmp/t.json" "$tmp/train.txt" <<'PY' || fail "train --json: theory"
import json, sys
root = json.load(open(sys.argv[1]))
j = root["theory"]
assert j["one_layer_optimum"][1:] == [None] * 3, j
assert abs(j["one_layer_optimum"][0] - 0.1431008436) < 1e-9, j
want = [0.1431, -1.0182, -2.0128, -2.9013]
assert all(abs(a - b) < 1e-4 for a, b in zip(j["best_schedule"], want)), j
# the methods' rows still print --json's numbers, in their order
rows = [l.split() for l in open(sys.argv[2]) if not l.startswith("#")]
names = [r[0] for r in rows[1:9]]
assert names == list(root["mean"].keys()), names
for r in rows[1:9]:
    assert [float(x) for x in r[1:]] == \
        [round(v, 3) for v in root["mean"][r[0]]], r
PY

# eval on identity-prior tasks: the closed form in Σ's eigenvalues
run "eval identity" 0 eval --load "$tmp/m.json" --wstar identity \
    --test-batch 200 --json "$tmp/e.json"
[ "$(row '1-layer optimum' "$tmp/out" | awk '{print $1}')" = "-0.383" ] ||
	fail "eval: identity-prior optimum: $(grep optimum "$tmp/out")"
python3 - "$tmp/e.json" <<'PY' || fail "eval --json: theory"
import json, sys
j = json.load(open(sys.argv[1]))["theory"]
assert abs(j["one_layer_optimum"][0] - (-0.3831)) < 1e-3, j
PY

run "baselines --quirks" 0 baselines --quirks --iters 4 --test-batch 100
grep -q '^# best a_l\*inv(Sigma) schedule (k=1..): 0.182 -0.937 -1.892 -2.743$' \
    "$tmp/out" || fail "baselines --quirks: schedule for 19 points: $(cat "$tmp/out")"

# with a mean the lines are not defined: "-", as in train's and eval's tables
run "baselines --mean" 0 baselines --mean 0.5 --iters 2 --test-batch 100
grep -q '^# 1-layer optimum (k=1..): -$' "$tmp/out" &&
    grep -q '^# best a_l\*inv(Sigma) schedule (k=1..): -$' "$tmp/out" ||
	fail "baselines --mean: theory lines: $(grep 'k=1' "$tmp/out")"

if [ "$failures" -gt 0 ]; then
	echo "theory.sh: $failures failure(s)" >&2
	exit 1
fi
echo "theory.sh: ok"
exit 0
