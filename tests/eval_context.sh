#!/bin/sh
# End-to-end tests of eval --context M and step --context M: the same
# parameters at another n (the table, CSV and JSON say which n), the
# default the checkpoint's n, and the refusal of a model with per-token
# parameters (lfom's Gamma): status 2, one line naming the reason, no file.
suite=eval_context
. "${top_srcdir:-$(dirname "$0")/..}/tests/clilib.sh"

command -v python3 >/dev/null 2>&1 &&
    python3 -c 'import json, csv' >/dev/null 2>&1 ||
	{ echo "eval_context.sh: python3 (json, csv) not found: skipped" >&2
	  exit 77; }

tiny="--steps 20 --batch 50 --test-batch 200 --layers 2"
run "train pre" 0 train $tiny --memory none --save "$tmp/pre.json" --quiet
run "train lfom" 0 train $tiny --memory lfom --save "$tmp/lfom.json" --quiet

# the default is the checkpoint's n, and --context 20 is the same
run "eval default" 0 eval --load "$tmp/pre.json"
cp "$tmp/out" "$tmp/default.txt"
run "eval n" 0 eval --load "$tmp/pre.json" --context 20
cmp -s "$tmp/default.txt" "$tmp/out" || fail "--context 20 differs from n"
grep -q 'tested at' "$tmp/out" && fail "--context 20 says 'tested at'"

# another n: said on stdout, in the CSV and the JSON; the numbers move
run "eval 40" 0 eval --load "$tmp/pre.json" --context 40 --csv "$tmp/e.csv" \
    --json "$tmp/e.json"
grep -q '^# memscope eval: d=5 n=40 ' "$tmp/out" || fail "eval 40: no n=40"
grep -q '^# tested at n=40 (trained at n=20)' "$tmp/out" ||
	fail "eval 40: no 'tested at' line"
for row in model cg schulz; do
	a=$(grep "^$row " "$tmp/default.txt")
	b=$(grep "^$row " "$tmp/out")
	[ -n "$b" ] && [ "$a" != "$b" ] || fail "eval 40: $row row unchanged"
done
python3 - "$tmp" <<'PY' || fail "eval 40: exports"
import csv, json, sys
d = sys.argv[1]
rows = list(csv.DictReader(open(d + "/e.csv")))
assert rows and all(r["context"] == "40" for r in rows), rows[:2]
assert [r["method"] for r in rows][-1] == "schulz"
e = json.load(open(d + "/e.json"))
assert e["context"] == 40 and e["trained_context"] == 20, e
assert e["config"]["context"] == 40 and e["trained_config"]["context"] == 20
PY

# step too
run "step 7" 0 step --load "$tmp/pre.json" --context 7 --task 1
grep -q '^# memscope step: d=5 n=7 ' "$tmp/out" || fail "step 7: no n=7"

# lfom: refused with the reason, nothing written; its own n is fine
usage "eval lfom" eval --load "$tmp/lfom.json" --context 10 \
    --csv "$tmp/l.csv" --json "$tmp/l.json"
grep -q 'context.*Gamma.*one entry per token' "$tmp/err" ||
	fail "eval lfom: reason: $(cat "$tmp/err")"
for f in l.csv l.json; do
	[ -e "$tmp/$f" ] && fail "eval lfom wrote $f"
done
usage "step lfom" step --load "$tmp/lfom.json" --context 10
run "eval lfom own n" 0 eval --load "$tmp/lfom.json" --context 20

# out of range
usage "context 0" eval --load "$tmp/pre.json" --context 0
exit $((failures > 0))
