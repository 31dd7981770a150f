#!/bin/sh
# End-to-end tests of memscope step's teaching views, checked in Python
# against the trace's own columns: the per-direction errors recompose
# |w_l - w*|; each baseline's polynomial at the eigenvalues, applied to the
# first error, gives its iterates; GD's is (1 - n eta lambda)^l on the grid;
# in d = 2 CG is at w* after two steps and the notes say so; the text
# output holds the same tables in ASCII.
suite=step_teach
usage_prefix='memscope step'
. "${top_srcdir:-$(dirname "$0")/..}/tests/clilib.sh"
command -v python3 >/dev/null 2>&1 ||
	{ echo "step_teach.sh: python3 not found: skipped" >&2; exit 77; }

run "train d=2" 0 train --steps 30 --batch 50 --test-batch 10 --dim 2 \
    --data kappa:20 --layers 3 --param scalar --memory cgd \
    --save "$tmp/d2.json"
run "train d=5" 0 train --steps 30 --batch 50 --test-batch 10 \
    --layers 4 --memory lfom --save "$tmp/d5.json"

for f in d2 d5; do
	run "step $f --json" 0 step --load "$tmp/$f.json" --task 2 --json
	cp "$tmp/out" "$tmp/$f.step.json"
	python3 - "$tmp/$f.step.json" <<'PY' || fail "step $f --json: see above"
import json, sys
d = json.load(open(sys.argv[1]))
L, n, dim, t = d["layers"], d["n"], d["d"], d["teach"]
V, lam = t["basis"], d["eigenvalues"]
for a in range(dim):                      # orthonormal
    for b in range(dim):
        s = sum(V[a][i] * V[b][i] for i in range(dim))
        assert abs(s - (a == b)) < 1e-10, ("basis", a, b, s)
wstar = d["w_star"]
for m in ("model", "cg", "gd", "nesterov"):
    c, e = d["methods"][m], t["directions"][m]
    if c["w"] is None:
        continue
    for l in range(L + 1):
        # the components are the error's coordinates in the basis
        for k in range(dim):
            ek = sum(V[k][i] * (c["w"][l][i] - wstar[i]) for i in range(dim))
            assert abs(ek - e[l][k]) < 1e-9, (m, l, k)
        r = sum(x * x for x in e[l]) ** 0.5
        assert abs(r - c["w_distance"][l]) <= 1e-9 * (1 + r), (m, l)
for m in ("cg", "gd", "nesterov"):
    p = t["polynomials"][m]
    assert p["has_polynomial"], m
    e = t["directions"][m]
    for l in range(L + 1):
        for k in range(dim):
            assert abs(p["at_eigenvalues"][l][k] * e[0][k] - e[l][k]) < 1e-8, \
                (m, l, k)
gd = t["polynomials"]["gd"]
for l in range(1, L + 1):
    c = n * d["methods"]["gd"]["step"][l]
    for i, x in enumerate(t["polynomial_grid"]):
        assert abs(gd["on_grid"][l][i] - (1 - c * x) ** l) < 1e-12, (l, i)
for name in ("error", "memory", "directions", "polynomials", "path",
             "method"):
    notes = t["notes"][name]
    assert len(notes) == L + 1 and all(notes), name
if dim == 2:
    e = t["directions"]["cg"]
    assert max(abs(x) for x in e[2]) < 1e-9 * (1 + abs(e[0][0])), e[2]
    assert "CG is at w* after 2 steps" in t["notes"]["path"][2], \
        t["notes"]["path"][2]
    assert "CG is exact at l = 2 = d" in t["notes"]["error"][3], \
        t["notes"]["error"][3]
    assert t["polynomials"]["model"]["has_polynomial"]
else:
    assert not t["polynomials"]["model"]["has_polynomial"]
    assert t["model_steps"][0] is None
PY
done

run "step d=2 text" 0 step --load "$tmp/d2.json" --task 2
for title in "cg: error w_l - w\* along each eigen-direction" \
    "cg: residual polynomial r_l at the eigenvalues" \
    "momentum: residual polynomial" \
    "cg as a linear first-order method" \
    "the learned step of layer l beside GD's n\*eta" \
    "what to notice"; do
	grep -q "^$title" "$tmp/out" || fail "step text: no '$title'"
done
grep -q '^l=2 path  *CG is at w\* after 2 steps' "$tmp/out" ||
	fail "step text: the d = 2 path note"
LC_ALL=C grep -q '[^ -~]' "$tmp/out" && fail "step text: not ASCII"

if [ "$failures" -ne 0 ]; then
	echo "step_teach.sh: $failures failure(s)" >&2
	exit 1
fi
echo "step_teach.sh: ok"
exit 0
