#!/bin/sh
# End-to-end: a `rec` model trained and saved, then traced by memscope step.
# Its tables show alpha_l, Gamma_l's entry at the label row and the query,
# and Gamma_j's label rows; its JSON carries them, and its coefficients are
# alpha_l times the product of those entries (doc/math.md §4.4), its
# contributions adding up to each layer's change of the query cell. The
# AdamW options train and are saved as config keys.
suite=step_rec
usage_prefix='memscope'
. "${top_srcdir:-$(dirname "$0")/..}/tests/clilib.sh"
command -v python3 >/dev/null 2>&1 ||
	{ echo "step_rec.sh: python3 not found: skipped" >&2; exit 77; }

run "train rec" 0 train --steps 30 --batch 50 --test-batch 20 --layers 3 \
    --param gdpp --memory rec --adam-beta1 0.8 --adam-beta2 0.99 \
    --weight-decay 0.01 --save "$tmp/rec.json"
grep -q '^model ' "$tmp/out" || fail "train rec: no model row"
usage "bad beta" train --adam-beta1 1
usage "bad decay" train --weight-decay -1
usage "bad memory" train --memory recc

run "step rec" 0 step --load "$tmp/rec.json" --task 3
grep -q '^memory (rec): ' "$tmp/out" || fail "step rec: no memory tables"
grep -q '^rec: the learned alpha_l and Gamma_l' "$tmp/out" ||
	fail "step rec: no alpha/Gamma table"
grep -q "^rec: Gamma_j's label row" "$tmp/out" ||
	fail "step rec: no Gamma label rows"

run "step rec --json" 0 step --load "$tmp/rec.json" --task 3 --json
python3 - "$tmp/out" <<'EOF' || fail "step rec --json: see above"
import json, sys
d = json.load(open(sys.argv[1]))
m, L = d["memory"], d["layers"]
assert m["kind"] == "rec"
c = d["trained_config"]
assert c["adam-beta1"] == 0.8 and c["adam-beta2"] == 0.99
assert c["weight-decay"] == 0.01
a, g = m["alpha"], m["gamma_query"]
assert len(a) == L and len(g) == L and len(m["gamma_label_rows"]) == L
assert all(r[-1] == g[j] for j, r in enumerate(m["gamma_label_rows"]))
for l in range(L):
    for j in range(L):
        want = 0.0
        if j <= l:
            want = a[l]
            for k in range(j + 1, l + 1):
                want *= g[k]
        got = m["coefficients"][l][j]
        assert abs(got - want) <= 1e-12 * (1 + abs(want)), (l, j, got, want)
    s = sum(m["contributions"][l])
    assert abs(s - m["query_update"][l]) <= 1e-9 * (1 + abs(s)), (l, s)
# trained: the carry at the query moved off its initial 0 above layer 1
assert g[0] == 0.0 and any(x != 0.0 for x in g[1:]), g
EOF

if [ "$failures" -ne 0 ]; then
	echo "step_rec.sh: $failures failure(s)" >&2
	exit 1
fi
echo "step_rec.sh: ok"
exit 0
