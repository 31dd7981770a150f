#!/bin/sh
# memscope sweep on the command line: a job's result holds the numbers
# `memscope train` prints for the same settings; a job line that was
# changed, or that is not of the directory's sweep, is refused; a second
# run of a job is skipped; and every bad input is one line on stderr,
# status 2, with nothing written.
suite=sweep_cli
. "${top_srcdir:-$(dirname "$0")/..}/tests/clilib.sh"

cat >"$tmp/grid.ini" <<'EOF'
# a tiny grid: 2 x 2 jobs
dim = 3
context = 8
layers = 2
batch = 40
test-batch = 60
steps = 20
kappa = 2, 10
seeds = 2
EOF

: >"$tmp/out"; : >"$tmp/err"
# nothing made: usage NAME ARGS..., and $tmp holds only what it held
nothing() {
	before=$(ls "$tmp")
	usage "$@"
	after=$(ls "$tmp")
	[ "$before" = "$after" ] || fail "$1: made $(echo "$after" |
	    grep -v -x -F "$before")"
}
nothing "no action" sweep
nothing "unknown action" sweep frob
grep -q "accepted: plan, run, merge, job" "$tmp/err" || fail "unknown action: $(cat "$tmp/err")"
nothing "plan without a file" sweep plan --out "$tmp/d"
nothing "plan without --out" sweep plan "$tmp/grid.ini"
grep -q -- "--out DIR is required" "$tmp/err" || fail "plan without --out: $(cat "$tmp/err")"
nothing "plan, two files" sweep plan "$tmp/grid.ini" "$tmp/grid.ini" --out "$tmp/d"
printf 'dim = 3\nlayrs = 1, 2\n' >"$tmp/bad.ini"
nothing "run, unknown key" sweep run "$tmp/bad.ini" --out "$tmp/d"
grep -q "bad.ini:2" "$tmp/err" || fail "unknown key: no line number: $(cat "$tmp/err")"
nothing "merge, no plan" sweep merge "$tmp"
nothing "merge, bad layer" sweep merge "$tmp" --layer 0
nothing "job, no id" sweep job "$tmp/d"
grep -q "expected DIR ID" "$tmp/err" || fail "job, no id: $(cat "$tmp/err")"
rm -f "$tmp/bad.ini"

# over 1000 jobs: only with --yes
printf 'steps = 1\nseed = 1..1001\n' >"$tmp/big.ini"
nothing "1001 jobs" sweep plan "$tmp/big.ini" --out "$tmp/big"
grep -q -- "--yes" "$tmp/err" || fail "1001 jobs: $(cat "$tmp/err")"
run "1001 jobs with --yes" 0 sweep plan "$tmp/big.ini" --out "$tmp/big" --yes
[ "$(wc -l <"$tmp/big/jobs.txt")" -eq 1001 ] || fail "1001 jobs: jobs.txt"
rm -rf "$tmp/big" "$tmp/big.ini"

run "plan" 0 sweep plan "$tmp/grid.ini" --out "$tmp/d" --memscope "$MEMSCOPE"
grep -q "planned 4 jobs (kappa 2 x seed 2)" "$tmp/out" || fail "plan: $(cat "$tmp/out")"
[ "$(wc -l <"$tmp/d/jobs.txt")" -eq 4 ] || fail "plan: jobs.txt has not 4 lines"

# a job line as the plan wrote it, run twice: done, then skipped
line=$(sed -n 1p "$tmp/d/jobs.txt")
sh -c "$line" >"$tmp/out" 2>"$tmp/err" || fail "job: $(cat "$tmp/err")"
grep -q ": done in" "$tmp/err" || fail "job: $(cat "$tmp/err")"
id=$(echo "$line" | awk '{print $5}' | tr -d "'")
[ -s "$tmp/d/results/$id.json" ] || fail "job: no results/$id.json"
sh -c "$line" >"$tmp/out" 2>"$tmp/err" || fail "job again: $(cat "$tmp/err")"
grep -q "skipped" "$tmp/err" || fail "job again: $(cat "$tmp/err")"

# a job rerun by its id alone (settings from the plan): the same numbers
grep -v '_seconds' "$tmp/d/results/$id.json" >"$tmp/before.json"
run "job by id" 0 sweep job "$tmp/d" "$id"
grep -q "skipped" "$tmp/err" || fail "job by id: $(cat "$tmp/err")"
run "job by id, forced" 0 sweep job "$tmp/d" "$id" --force
grep -q "done in" "$tmp/err" || fail "job by id, forced: $(cat "$tmp/err")"
grep -v '_seconds' "$tmp/d/results/$id.json" | cmp -s - "$tmp/before.json" ||
	fail "job by id, forced: other numbers than its line's"
nothing "job by an unknown id" sweep job "$tmp/d" 0123456789abcdef
grep -q "not a job of the sweep" "$tmp/err" || fail "unknown id: $(cat "$tmp/err")"
nothing "job with runs" sweep job "$tmp/d" "$id" runs=2
grep -q "a job is one training" "$tmp/err" || fail "job with runs: $(cat "$tmp/err")"

# the same settings in memscope train: the same numbers, bit for bit
if command -v python3 >/dev/null 2>&1; then
	seed=$(echo "$line" | tr ' ' '\n' | sed -n "s/^'\{0,1\}seed=\([0-9]*\).*/\1/p")
	run "train" 0 train --dim 3 --context 8 --layers 2 --batch 40 \
	    --test-batch 60 --steps 20 --data kappa:2 --seed "$seed" --quiet \
	    --json "$tmp/train.json"
	python3 - "$tmp/d/results/$id.json" "$tmp/train.json" <<'EOF' ||
import json, sys
job = json.load(open(sys.argv[1]))
train = json.load(open(sys.argv[2]))["runs"][0]
a, b = job["log_test_loss"], train["log_test_loss"]
assert sorted(a) == sorted(b), (sorted(a), sorted(b))
for k in a:
    assert a[k] == b[k], (k, a[k], b[k])
assert job["train_loss"] == train["train_loss"]
assert job["steps"] == train["steps"] == 20
EOF
	fail "the job's numbers are not train's"
else
	echo "python3 not found: the comparison with train is not made"
fi

# a changed line, and a job of another sweep, are refused
bad=$(echo "$line" | sed "s/'\{0,1\}steps=20'\{0,1\}/steps=21/")
[ "$bad" != "$line" ] || fail "could not change the line"
sh -c "$bad" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] || fail "changed line: not status 2"
grep -q "hash to" "$tmp/err" || fail "changed line: $(cat "$tmp/err")"
printf 'steps = 5\nseeds = 2\n' >"$tmp/other.ini"
run "plan other" 0 sweep plan "$tmp/other.ini" --out "$tmp/o" --memscope "$MEMSCOPE"
other=$(sed -n 1p "$tmp/o/jobs.txt" | sed "s|$tmp/o |$tmp/d |")
sh -c "$other" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] || fail "job of another sweep: not status 2"
grep -q "not a job of the sweep" "$tmp/err" || fail "job of another sweep: $(cat "$tmp/err")"
# nor may another sweep be planned over this one's results
nothing "plan over another sweep" sweep plan "$tmp/other.ini" --out "$tmp/d"
grep -q "another sweep" "$tmp/err" || fail "plan over another sweep: $(cat "$tmp/err")"
[ -s "$tmp/d/results/$id.json" ] || fail "plan over another sweep: the result went"

# 25 jobs not run: all listed as missing in results.csv, 20 on stdout
printf 'steps = 1\nseeds = 25\n' >"$tmp/many.ini"
run "plan many" 0 sweep plan "$tmp/many.ini" --out "$tmp/m"
run "merge many" 0 sweep merge "$tmp/m"
grep -q "^missing: 25 of 25 jobs" "$tmp/out" || fail "merge many: $(head -3 "$tmp/out")"
[ "$(grep -c '^  [0-9a-f]\{16\}  seed=' "$tmp/out")" -eq 20 ] ||
	fail "merge many: not 20 jobs listed"
grep -q "and 5 more" "$tmp/out" || fail "merge many: no '5 more'"
# (a row per job and read-out: the plan's L = 4, known without results)
[ "$(grep -c ',missing,' "$tmp/m/results.csv")" -eq 100 ] ||
	fail "merge many: results.csv has not 25 x 4 missing rows"
# --complete: the same listing, and exit 1 while a job is missing
run "merge many, --complete" 1 sweep merge "$tmp/m" --complete
grep -q "^missing: 25 of 25 jobs" "$tmp/out" ||
	fail "merge many, --complete: $(head -3 "$tmp/out")"

# a merge option that does not suit the plan: refused before any training
run "run, bad figure" 2 sweep run "$tmp/grid.ini" --out "$tmp/bf" --lines model \
    --x nosuch
grep -q "unknown axis 'nosuch'.*nothing was trained" "$tmp/err" ||
	fail "run, bad figure: $(cat "$tmp/err")"
[ -z "$(ls "$tmp/bf/results")" ] || fail "run, bad figure: it trained"
run "run, layer past the plan's" 2 sweep run "$tmp/grid.ini" --out "$tmp/bf" \
    --layer 3 --lines model --x kappa
grep -q "a read-out from 1 to 2" "$tmp/err" ||
	fail "run, layer past the plan's: $(cat "$tmp/err")"

# a job that fails (its result's name taken by a directory): the others
# trained, the merge made, exit 1
run "plan to fail" 0 sweep plan "$tmp/grid.ini" --out "$tmp/f"
fid=$(sed -n 1p "$tmp/f/jobs.txt" | awk '{print $5}' | tr -d "'")
mkdir "$tmp/f/results/$fid.json"
run "run, a job fails" 1 sweep run "$tmp/grid.ini" --out "$tmp/f" --quiet
grep -q "1 of 4 jobs failed" "$tmp/err" || fail "run, a job fails: $(cat "$tmp/err")"
grep -q "^failed: 1 of 4 jobs" "$tmp/out" || fail "run, a job fails: $(cat "$tmp/out")"
[ "$(find "$tmp/f/results" -type f -name "*.json" | wc -l)" -eq 3 ] || fail "run, a job fails: not 3 results"

run "help" 0 sweep --help
for w in plan run merge job jobs.txt slurm.sbatch --heatmap --where; do
	grep -q -- "$w" "$tmp/out" || fail "help: no $w"
done

[ "$failures" -eq 0 ] || exit 1
echo "$suite: ok"
