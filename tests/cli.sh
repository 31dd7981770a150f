#!/bin/sh
# End-to-end tests of the memscope binary: help and version, bad input
# (exit 2, one line on stderr, nothing written), a tiny training run,
# byte-identical output for the same seed, CSV/JSON exports, checkpoints
# through eval, the baselines command and --config.
MEMSCOPE=${MEMSCOPE:-./memscope}
if [ ! -x "$MEMSCOPE" ]; then
	echo "cli.sh: $MEMSCOPE is not built" >&2
	exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/memscope-cli.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
failures=0

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

# run NAME EXPECTED-STATUS ARGS...: stdout to $tmp/out, stderr to $tmp/err
run() {
	name=$1 want=$2
	shift 2
	"$MEMSCOPE" "$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	[ "$got" -eq "$want" ] || fail "$name: exit status $got, expected $want"
}

# usage NAME ARGS...: must exit 2 with exactly one line on stderr, no stdout
usage() {
	name=$1
	shift
	run "$name" 2 "$@"
	[ -s "$tmp/out" ] && fail "$name: printed on stdout"
	[ "$(wc -l <"$tmp/err")" -eq 1 ] ||
		fail "$name: stderr is not one line: $(cat "$tmp/err")"
	grep -q '^memscope' "$tmp/err" || fail "$name: stderr: $(cat "$tmp/err")"
}

has_python() {
	command -v python3 >/dev/null 2>&1 &&
	    python3 -c 'import json, csv' >/dev/null 2>&1
}

tiny="--steps 5 --batch 50 --test-batch 50 --layers 2"

# help and version
run help 0 --help
grep -q '^Usage: memscope' "$tmp/out" || fail "--help: no usage line"
grep -q 'train' "$tmp/out" || fail "--help: train not listed"
run version 0 --version
grep -q '^memscope [0-9]' "$tmp/out" || fail "--version: $(cat "$tmp/out")"
for cmd in train eval baselines; do
	run "$cmd --help" 0 "$cmd" --help
	grep -q "^Usage: memscope $cmd" "$tmp/out" || fail "$cmd --help: usage"
	grep -q 'Examples:' "$tmp/out" || fail "$cmd --help: no examples"
	run "$cmd -V" 0 "$cmd" -V
done
run "help train" 0 help train
grep -q 'default: 1000' "$tmp/out" || fail "help train: no defaults"

# bad input: exit 2, one line, nothing written
cd "$tmp" || exit 99
usage "unknown command" frobnicate
grep -q 'train' "$tmp/err" || fail "unknown command: commands not listed"
usage "bad param" train --param foo --csv "$tmp/bad.csv"
grep -q -- '--param' "$tmp/err" || fail "bad param: option not named"
grep -q 'scalar, pre, gdpp, full' "$tmp/err" || fail "bad param: accepted"
usage "dim 0" train --dim 0 --json "$tmp/bad.json"
grep -q -- "--dim: expected an integer from 1 to 512, got '0'" "$tmp/err" ||
	fail "dim 0: $(cat "$tmp/err")"
usage "context 0" train --context 0 --save "$tmp/bad-ck.json"
usage "paper needs d 5" train --dim 3
usage "huge batch" train --batch 10000000 --context 100000 --dim 500 --data iso
grep -q 'GiB' "$tmp/err" || fail "huge batch: no size in $(cat "$tmp/err")"
usage "unknown option" train --frobnicate
usage "missing value" train --steps
usage "stray argument" train extra
usage "not for baselines" baselines --lr 0.1
usage "bad data" baselines --data kappa:0.5
usage "missing csv dir" train $tiny --csv "$tmp/no/such/dir/h.csv"
usage "eval without load" eval
usage "eval missing file" eval --load "$tmp/absent.json"
usage "eval shape option" eval --load "$tmp/absent.json" --layers 3
printf 'dim = 5\nlayerz = 2\n' >"$tmp/bad.ini"
usage "bad ini key" train --config "$tmp/bad.ini"
grep -q 'bad.ini:2' "$tmp/err" || fail "bad ini: no file:line"
for f in bad.csv bad.json bad-ck.json; do
	[ -e "$tmp/$f" ] && fail "a bad command wrote $f"
done
ls -a "$tmp" | grep -q '^\.memscope-' && fail "temporary file left behind"

# a tiny run prints a table with every method
run "tiny train" 0 train $tiny
for row in model gd gd-oracle momentum nesterov cg lsq; do
	grep -q "^$row " "$tmp/out" || fail "tiny train: no $row row"
done
grep -q 'k=1 .*k=2' "$tmp/out" || fail "tiny train: no layer columns"
cp "$tmp/out" "$tmp/first.txt"

# same seed, same output, byte for byte; another seed differs
run "tiny train again" 0 train $tiny
cmp -s "$tmp/first.txt" "$tmp/out" || fail "same seed: stdout differs"
run "other seed" 0 train $tiny --seed 2
cmp -s "$tmp/first.txt" "$tmp/out" && fail "another seed: same stdout"

# several runs: mean and std; the thread count does not change the numbers
run "runs threads 1" 0 train $tiny --runs 3 --threads 1
cp "$tmp/out" "$tmp/runs1.txt"
grep -q -e '±' -e '+-' "$tmp/out" || fail "runs: no std"
run "runs threads 2" 0 train $tiny --runs 3 --threads 2
cmp -s "$tmp/runs1.txt" "$tmp/out" || fail "runs: --threads changed stdout"

# --config is applied first, the command line wins whatever the order
printf '[experiment]\nlayers = 3\nsteps = 5\nbatch = 50\ntest_batch = 50\n' \
    >"$tmp/exp.ini"
run "config" 0 train --config "$tmp/exp.ini"
grep -q 'k=3' "$tmp/out" || fail "config: layers = 3 not applied"
run "config override" 0 train --layers 2 --config "$tmp/exp.ini"
cmp -s "$tmp/first.txt" "$tmp/out" || fail "config: command line did not win"

# exports, and a checkpoint through eval
run "exports" 0 train $tiny --csv "$tmp/h.csv" --json "$tmp/s.json" \
    --save "$tmp/m.json"
cmp -s "$tmp/first.txt" "$tmp/out" || fail "exports changed stdout"
for f in h.csv s.json m.json; do
	[ -s "$tmp/$f" ] || fail "exports: $f not written"
done
[ "$(head -n 1 "$tmp/h.csv")" = "run,step,train_loss,test_loss,seconds" ] ||
	fail "csv header: $(head -n 1 "$tmp/h.csv")"
[ "$(wc -l <"$tmp/h.csv")" -eq 6 ] || fail "csv: expected 5 rows"
if has_python; then
	python3 - "$tmp" <<'PY' || fail "exports do not parse"
import csv, json, math, sys
d = sys.argv[1]
rows = list(csv.DictReader(open(d + "/h.csv")))
assert len(rows) == 5 and rows[-1]["step"] == "5", rows
assert all(math.isfinite(float(r["train_loss"])) for r in rows)
assert rows[-1]["test_loss"] != ""
s = json.load(open(d + "/s.json"))
assert s["config"]["layers"] == 2 and len(s["mean"]["model"]) == 2
assert set(s["mean"]) == {"model", "gd", "gd-oracle", "momentum",
                          "nesterov", "cg", "lsq"}
m = json.load(open(d + "/m.json"))
assert m["format"] == "memscope-checkpoint" and m["version"] == 2
assert m["checksum"].startswith("fnv1a64:")
assert m["step"] == 5 and m["config"]["steps"] == 5
PY
else
	echo "cli.sh: python3 missing, export parsing skipped" >&2
fi

run "eval" 0 eval --load "$tmp/m.json"
grep '^model ' "$tmp/first.txt" >"$tmp/a.txt"
grep '^model ' "$tmp/out" >"$tmp/b.txt"
cmp -s "$tmp/a.txt" "$tmp/b.txt" || fail "eval: the model row differs from train's"
run "eval iso" 0 eval --load "$tmp/m.json" --data iso --seed 9 \
    --test-batch 40 --csv "$tmp/e.csv" --json "$tmp/e.json"
grep -q 'data=iso' "$tmp/out" || fail "eval iso: data not changed"
[ "$(head -n 1 "$tmp/e.csv")" = "method,k,mse,log_mse" ] || fail "eval csv"
if has_python; then
	python3 -c 'import json, sys; json.load(open(sys.argv[1]))' \
	    "$tmp/e.json" || fail "eval json does not parse"
fi
usage "eval bad data" eval --load "$tmp/m.json" --data kappa:abc
sed 's/"memscope-checkpoint"/"something-else"/' "$tmp/m.json" >"$tmp/c1.json"
usage "eval wrong format" eval --load "$tmp/c1.json"
grep -q 'not a memscope checkpoint' "$tmp/err" || fail "wrong format: msg"
head -c 300 "$tmp/m.json" >"$tmp/c2.json"
usage "eval truncated" eval --load "$tmp/c2.json"
grep -q 'not valid JSON' "$tmp/err" || fail "truncated: $(cat "$tmp/err")"

# divergence: exit 1 and a message
run "diverge" 1 train $tiny --lr 1e300
grep -q 'diverged' "$tmp/err" || fail "diverge: no message"
[ -s "$tmp/out" ] && fail "diverge: printed a table"

# the baselines command
run "baselines" 0 baselines --iters 3 --test-batch 50 --csv "$tmp/b.csv" \
    --json "$tmp/b.json"
grep -q 'gd-oracle' "$tmp/out" || fail "baselines: no table"
[ "$(grep -c '^[0-3] ' "$tmp/out")" -eq 4 ] || fail "baselines: k rows"
[ "$(head -n 1 "$tmp/b.csv")" = "run,seed,method,k,mse,log_mse,step" ] ||
	fail "baselines csv header"
if has_python; then
	python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert len(d["mean"]["cg"]) == 4' \
	    "$tmp/b.json" || fail "baselines json"
fi

if [ "$failures" -ne 0 ]; then
	echo "cli.sh: $failures failure(s)" >&2
	exit 1
fi
echo "cli.sh: all passed"
