#!/bin/sh
# End-to-end tests of the memscope binary: help and version, bad input
# (exit 2, one line on stderr, nothing written), a tiny training run,
# byte-identical output for the same seed, CSV/JSON exports, checkpoints
# through eval, the baselines command and --config.
suite=cli
. "${top_srcdir:-$(dirname "$0")/..}/tests/clilib.sh"

has_python() {
	command -v python3 >/dev/null 2>&1 &&
	    python3 -c 'import json, csv' >/dev/null 2>&1
}
# the exports are checked with python3's json and csv: without them the
# test is skipped (77), not passed with those checks left out
has_python ||
	{ echo "cli.sh: python3 (json, csv) not found: skipped" >&2; exit 77; }

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
for row in model gd gd-oracle momentum nesterov cg lsq schulz; do
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
[ "$(head -n 1 "$tmp/h.csv")" = "run,step,train_mse,test_mse,seconds" ] ||
	fail "csv header: $(head -n 1 "$tmp/h.csv")"
[ "$(wc -l <"$tmp/h.csv")" -eq 6 ] || fail "csv: expected 5 rows"
python3 - "$tmp" <<'PY' || fail "exports do not parse"
import csv, json, math, sys
d = sys.argv[1]
rows = list(csv.DictReader(open(d + "/h.csv")))
assert len(rows) == 5 and rows[-1]["step"] == "5", rows
assert all(math.isfinite(float(r["train_mse"])) for r in rows)
assert rows[-1]["test_mse"] != ""
s = json.load(open(d + "/s.json"))
assert s["config"]["layers"] == 2 and len(s["mean"]["model"]) == 2
assert set(s["mean"]) == {"model", "gd", "gd-oracle", "momentum",
                          "nesterov", "cg", "lsq", "schulz"}
m = json.load(open(d + "/m.json"))
assert m["format"] == "memscope-checkpoint" and m["version"] == 4
# the history, decimated as the visualizer keeps it: every step here
assert m["history"]["step"] == [1, 2, 3, 4, 5], m["history"]
assert all(math.isclose(float(r["train_mse"]), h, rel_tol=1e-12)
           for r, h in zip(rows, m["history"]["train"]))
assert m["checksum"].startswith("fnv1a64:")
assert m["step"] == 5 and m["config"]["steps"] == 5
PY

run "eval" 0 eval --load "$tmp/m.json"
grep '^model ' "$tmp/first.txt" >"$tmp/a.txt"
grep '^model ' "$tmp/out" >"$tmp/b.txt"
cmp -s "$tmp/a.txt" "$tmp/b.txt" || fail "eval: the model row differs from train's"
run "eval iso" 0 eval --load "$tmp/m.json" --data iso --seed 9 \
    --test-batch 40 --csv "$tmp/e.csv" --json "$tmp/e.json"
grep -q 'data=iso' "$tmp/out" || fail "eval iso: data not changed"
[ "$(head -n 1 "$tmp/e.csv")" = "method,k,mse,ln_mse,context" ] || fail "eval csv"
python3 -c 'import json, sys; json.load(open(sys.argv[1]))' \
    "$tmp/e.json" || fail "eval json does not parse"
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
[ "$(head -n 1 "$tmp/b.csv")" = "run,seed,method,k,mse,ln_mse,step_size" ] ||
	fail "baselines csv header"
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert len(d["mean"]["cg"]) == 4' \
    "$tmp/b.json" || fail "baselines json"

# Reliability (README.md): bad input found by fuzzing, memory refusals,
# divergence at --lr 100, damaged checkpoints, no terminal.

# fuzzing found a heap overflow: a bundle of short flags ("-hhh...") gave
# more options than arguments
hs=$(printf 'h%.0s' $(seq 1 300))
run "bundled -h" 0 train "-$hs"
grep -q '^Usage: memscope train' "$tmp/out" || fail "bundled -h: no help"
run "bundled -V" 0 baselines "-$(printf 'V%.0s' $(seq 1 300))"
grep -q '^memscope [0-9]' "$tmp/out" || fail "bundled -V: no version"
usage "bundled unknown" train "-${hs}x"
# and a checkpoint key with a newline gave a two-line message: whatever an
# argument or a file holds, the message is one line
usage "newline in a value" train --param "$(printf 'pre\nfull')"
grep -q "parametrization 'pre?full'" "$tmp/err" || fail "newline: $(cat "$tmp/err")"
usage "newline in an option" train "$(printf -- '--la\nyers')" 2

# more memory than the machine has: refused before allocating, with sizes
usage "huge test batch" train --test-batch 10000000 --context 100000 --data iso
grep -q 'GiB of memory (batches' "$tmp/err" || fail "huge test batch: $(cat "$tmp/err")"
grep -q -- '--test-batch' "$tmp/err" || fail "huge test batch: option"
usage "huge context" baselines --context 100000 --dim 512 --data iso
grep -q 'GiB of memory' "$tmp/err" || fail "huge context: $(cat "$tmp/err")"
usage "huge model" train --dim 512 --layers 64 --heads 64 --param full --data iso
grep -q -- '--dim, --layers, --heads' "$tmp/err" || fail "huge model: $(cat "$tmp/err")"
usage "huge threads" train --threads 256 --dim 512 --context 100000 \
    --batch 1 --test-batch 1 --param full --data iso
grep -q 'reduce --threads' "$tmp/err" || fail "huge threads: $(cat "$tmp/err")"
usage "runs x threads" train --runs 1000 --threads 256 --batch 1000000 \
    --context 1000 --data iso
grep -q 'runs going at once' "$tmp/err" || fail "runs x threads: $(cat "$tmp/err")"
usage "csv history" train --steps 100000000 --runs 100 --csv "$tmp/h2.csv"
grep -q 'history' "$tmp/err" || fail "csv history: $(cat "$tmp/err")"
usage "tui huge batch" tui --batch 10000000 --context 100000
grep -q 'GiB of memory' "$tmp/err" || fail "tui huge batch: $(cat "$tmp/err")"
[ -e "$tmp/h2.csv" ] && fail "a refused run wrote its csv"

# --lr 100: gdpp overflows within a few steps (exit 1, nothing on stdout,
# no checkpoint); pre stays finite because Adam moves each parameter by
# about lr per step, but its loss ends far above where it began: diverged
# too (tests/rel_finite.sh has the rest)
run "lr 100 gdpp" 1 train --steps 50 --batch 50 --test-batch 50 \
    --param gdpp --lr 100 --save "$tmp/d.json"
grep -q 'diverged: the training loss is not finite at step [0-9]' \
    "$tmp/err" || fail "lr 100 gdpp: $(cat "$tmp/err")"
[ -s "$tmp/out" ] && fail "lr 100 gdpp: printed a table"
[ -e "$tmp/d.json" ] && fail "lr 100 gdpp: saved a checkpoint"
run "lr 100 pre" 1 train --steps 50 --batch 50 --test-batch 50 --layers 2 \
    --lr 100
grep -q 'diverged: the training loss ended at' "$tmp/err" ||
	fail "lr 100 pre: $(cat "$tmp/err")"

# damaged checkpoints: each says what is wrong, exit 2
sed 's/"step": 5,/"step": 6,/' "$tmp/m.json" >"$tmp/c3.json"
usage "edited checkpoint" eval --load "$tmp/c3.json"
grep -q 'checksum mismatch' "$tmp/err" || fail "edited: $(cat "$tmp/err")"
sed 's/"version": 4,/"version": 1,/' "$tmp/m.json" >"$tmp/c4.json"
usage "old version" eval --load "$tmp/c4.json"
grep -q 'wrong version: checkpoint version 1' "$tmp/err" ||
	fail "old version: $(cat "$tmp/err")"
: >"$tmp/c5.json"
usage "empty checkpoint" eval --load "$tmp/c5.json"
grep -q 'empty' "$tmp/err" || fail "empty: $(cat "$tmp/err")"
usage "directory checkpoint" eval --load "$tmp"
grep -q 'is a directory' "$tmp/err" || fail "directory: $(cat "$tmp/err")"
usage "truncated checkpoint" eval --load "$tmp/c2.json"
grep -q 'truncated' "$tmp/err" || fail "truncated: $(cat "$tmp/err")"
# the checksum as README.md defines it, computed outside memscope:
# a block of the wrong shape then gets past it to the shape check
python3 - "$tmp/m.json" "$tmp/c6.json" <<'PY' || fail "checksum by hand"
import json, sys
raw = open(sys.argv[1], "rb").read()
def fnv(b):
    h = 0xcbf29ce484222325
    for c in b:
        h = ((h ^ c) * 0x100000001b3) & 0xffffffffffffffff
    return h
at = raw.rindex(b'"checksum"')
assert json.loads(raw)["checksum"] == "fnv1a64:%016x" % fnv(raw[:at])
m = json.loads(raw)
del m["checksum"]
m["params"][0]["rows"] += 1
text = json.dumps(m, indent=1)
body = text[:-2] + ',\n '
out = body + '"checksum": "fnv1a64:%016x"\n}\n' % fnv(body.encode())
open(sys.argv[2], "w").write(out)
PY
usage "wrong shape" eval --load "$tmp/c6.json"
grep -q 'wrong shape: params\[0\]' "$tmp/err" ||
	fail "wrong shape: $(cat "$tmp/err")"

# bad config files
usage "config missing" train --config "$tmp/absent.ini"
printf 'lr = 1e999\n' >"$tmp/inf.ini"
usage "config overflow" train --config "$tmp/inf.ini"
grep -q 'inf.ini:1: --lr' "$tmp/err" || fail "config overflow: $(cat "$tmp/err")"
head -c 300 "$MEMSCOPE" >"$tmp/binary.ini"
usage "config binary" train --config "$tmp/binary.ini"

# no terminal, or TERM=dumb on one: refused, pointing at memscope train
run "tui no tty" 2 --steps 1 </dev/null
grep -q 'memscope train' "$tmp/err" || fail "tui no tty: $(cat "$tmp/err")"
if command -v script >/dev/null 2>&1; then
	TERM=dumb script -qec "'$MEMSCOPE' --steps 1" /dev/null \
	    </dev/null >"$tmp/out" 2>&1
	got=$?
	[ "$got" -eq 2 ] || fail "TERM=dumb: exit status $got"
	grep -q 'TERM not dumb.*memscope train' "$tmp/out" ||
		fail "TERM=dumb: $(cat "$tmp/out")"
fi

if [ "$failures" -ne 0 ]; then
	echo "cli.sh: $failures failure(s)" >&2
	exit 1
fi
echo "cli.sh: all passed"
