#!/bin/sh
# End-to-end tests of memscope step: the trace of a saved model's test task
# as tables and as JSON, the same bytes twice, the task that eval's batch
# holds, and bad input (exit 2, one line on stderr, nothing on stdout).
suite=step
usage_prefix='memscope step'
. "${top_srcdir:-$(dirname "$0")/..}/tests/clilib.sh"
# the JSON trace is checked with python3: without it the test is skipped
# (77), not passed with those checks left out
command -v python3 >/dev/null 2>&1 ||
	{ echo "step.sh: python3 not found: skipped" >&2; exit 77; }

run "step --help" 0 step --help
grep -q '^Usage: memscope step' "$tmp/out" || fail "step --help: usage"
grep -q -- '--task K' "$tmp/out" || fail "step --help: no --task"
run "memscope --help" 0 --help
grep -q '^  step ' "$tmp/out" || fail "--help: step not listed"

for mem in cgd lfom; do
	run "train $mem" 0 train --steps 20 --batch 50 --test-batch 30 \
	    --layers 3 --memory $mem --save "$tmp/$mem.json"
done

usage "no --load" step
usage "task past the batch" step --load "$tmp/cgd.json" --task 30
usage "negative task" step --load "$tmp/cgd.json" --task -1
usage "--json takes no value" step --load "$tmp/cgd.json" --json=x
usage "--iters is not step's" step --load "$tmp/cgd.json" --iters 2
usage "missing checkpoint" step --load "$tmp/none.json"

run "step cgd" 0 step --load "$tmp/cgd.json" --task 29
cp "$tmp/out" "$tmp/a.txt"
grep -q '^# query label y = ' "$tmp/a.txt" || fail "step: no query label"
grep -q "^# eigenvalues of XX'/n:" "$tmp/a.txt" || fail "step: no spectrum"
grep -q '^prediction of the query label' "$tmp/a.txt" ||
	fail "step: no prediction table"
grep -q '^l  *model  *cg  *gd  *nesterov$' "$tmp/a.txt" ||
	fail "step: no method columns"
grep -q '^0  *0  *0  *0  *0$' "$tmp/a.txt" ||
	fail "step: every method must predict 0 at l = 0"
grep -q '^cgd: the learned alpha_l' "$tmp/a.txt" || fail "step: no cgd table"
# four rows l = 0..3 in the prediction table
rows=$(sed -n '/^prediction of the query label/,/^$/p' "$tmp/a.txt" |
    grep -c '^[0-9]')
[ "$rows" -eq 4 ] || fail "step: $rows rows in the prediction table, want 4"
run "step again" 0 step --load "$tmp/cgd.json" --task 29
cmp -s "$tmp/out" "$tmp/a.txt" || fail "step: not the same bytes twice"

run "step lfom" 0 step --load "$tmp/lfom.json"
grep -q '^lfom: Gamma_j' "$tmp/out" || fail "step lfom: no Gamma rows"

run "step --json" 0 step --load "$tmp/cgd.json" --task 4 --json
python3 - "$tmp/out" <<'EOF' || fail "step --json: see above"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["format"] == "memscope-step" and d["task"] == 4, d["format"]
L, n, dim = d["layers"], d["n"], d["d"]
for m in ("model", "cg", "gd", "nesterov"):
    c = d["methods"][m]
    for k in ("prediction", "squared_error", "residual_norm", "w_distance"):
        assert len(c[k]) == L + 1, (m, k)
    assert len(c["w"]) == L + 1 and len(c["w"][0]) == dim, m
    assert c["prediction"][0] == 0, m
    for l in range(L + 1):
        e = (c["prediction"][l] - d["query_label"]) ** 2
        assert abs(e - c["squared_error"][l]) <= 1e-12 * (1 + e), (m, l)
mem = d["memory"]
assert mem["kind"] == "cgd"
assert len(mem["registers"]) == L and len(mem["registers"][0]) == n + 1
for l in range(L):
    s = sum(mem["contributions"][l])
    assert abs(s - mem["query_update"][l]) <= 1e-9 * (1 + abs(s)), l
assert len(mem["cg_alpha_times_n"]) == L
assert d["config"]["seed"] == d["test_seed"]
EOF
# --seed draws another batch with the checkpoint's rotation
run "step --seed" 0 step --load "$tmp/cgd.json" --task 4 --seed 9 --json
python3 - "$tmp/out" <<'EOF' || fail "step --seed: see above"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["test_seed"] == 9 and d["trained_config"]["seed"] != 9
EOF

if [ "$failures" -ne 0 ]; then
	echo "step.sh: $failures failure(s)" >&2
	exit 1
fi
echo "step.sh: ok"
exit 0
