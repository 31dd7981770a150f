#!/bin/sh
# End-to-end test of `memscope reproduce` on a tiny experiment: the SVG is
# well-formed XML (parsed by python3's xml.etree) with one <path> per model,
# the CSV parses and its mean/std rows are those of its run rows, the output
# is the same twice, and bad options exit 2 with one line on stderr.
# Skips (77) without python3.
set -u
: "${MEMSCOPE:=./memscope}"
command -v python3 >/dev/null 2>&1 || { echo "python3 not found: skip"; exit 77; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/memscope-reproduce.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() { echo "FAIL: $*"; exit 1; }

tiny="--runs 2 --steps 15 --batch 40 --test-batch 40 --depths 2 --threads 2 -q"
"$MEMSCOPE" reproduce --figure 1a,4 $tiny --out "$tmp/a" >"$tmp/a.out" 2>"$tmp/a.err" ||
	fail "reproduce exited $? ($(cat "$tmp/a.err"))"
"$MEMSCOPE" reproduce --figure 1a,4 $tiny --out "$tmp/b" >"$tmp/b.out" 2>/dev/null ||
	fail "second reproduce failed"
for f in fig1a.csv fig1a.svg fig4.csv fig4.svg; do
	test -s "$tmp/a/$f" || fail "$f missing"
	cmp -s "$tmp/a/$f" "$tmp/b/$f" || fail "$f differs between two runs"
done
cmp -s "$tmp/a.out" "$tmp/b.out" || fail "stdout differs between two runs"
grep -q "^Figure 1a" "$tmp/a.out" || fail "no table for figure 1a"
grep -q "With B = 1 or 10" "$tmp/a.out" || fail "Fig. 4's claim not checked"
ls -A "$tmp/a" | grep -q '^\.' && fail "temporary file left behind"

python3 - "$tmp/a" <<'EOF' || fail "python3 checks"
import csv, math, sys, xml.etree.ElementTree as ET
d = sys.argv[1]
ns = "{http://www.w3.org/2000/svg}"
for fig, models in (("1a", 3), ("4", 4)):
    root = ET.parse(f"{d}/fig{fig}.svg").getroot()
    assert root.tag == ns + "svg", root.tag
    paths = root.findall(f".//{ns}path")
    assert len(paths) == models, (fig, len(paths))
    texts = "".join(t.text or "" for t in root.iter(ns + "text"))
    assert "layers L" in texts and "log" in texts, "axis labels"
    rows = list(csv.DictReader(open(f"{d}/fig{fig}.csv")))
    assert rows and list(rows[0].keys()) == ["figure", "method", "k", "run", "ln_mse"]
    runs = {}
    for r in rows:
        runs.setdefault((r["method"], r["k"]), []).append(float(r["ln_mse"]))
    assert len(runs) == models * 2, len(runs)
    summary = list(csv.DictReader(open(f"{d}/fig{fig}_summary.csv")))
    assert len(summary) == models * 2, len(summary)
    for r in summary:
        key = (r["method"], r["k"])
        x = runs[key]
        assert len(x) == 2 and int(r["runs"]) == 2, key
        m = sum(x) / len(x)
        s = math.sqrt(sum((v - m) ** 2 for v in x) / (len(x) - 1))
        mean, std = float(r["mean_ln_mse"]), float(r["std_ln_mse"])
        assert abs(mean - m) <= 1e-7 * (1 + abs(m)), (key, mean, m)
        assert abs(std - s) <= 1e-7 * (1 + s), (key, std, s)
EOF

# bad input: exit 2, one line naming the option, nothing written
for args in "--figure 9" "--runs 0" "--protocol paper" "--threads x" "--bogus"; do
	"$MEMSCOPE" reproduce $args --out "$tmp/bad" >/dev/null 2>"$tmp/err"
	rc=$?
	test $rc -eq 2 || fail "'$args' exited $rc, not 2"
	test "$(wc -l <"$tmp/err")" -eq 1 || fail "'$args': not one line on stderr"
	test ! -e "$tmp/bad" || fail "'$args' wrote output"
done
"$MEMSCOPE" reproduce --help | grep -q -- "--figure" || fail "--help"
echo "reproduce.sh: ok"
