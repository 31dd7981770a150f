#!/bin/sh
# Reliability (issue 10): non-finite results, divergence, seeds, and the
# smaller ones. No command prints or writes inf/NaN as a success: an
# overflow exits 1 naming the value, with nothing on stdout and no file;
# an input that can only overflow (kappa) is refused up front. A training
# whose loss ends far above where it began says it diverged and exits 1
# (train, reproduce); a normal one does not. Every run's seed is checked
# before any work. Messages quoting input carry no bidirectional or
# invisible formatting characters. bench refuses --dgemm with --no-dgemm,
# help refuses extra arguments, reproduce --runs 1 prints no "± 0.000".
suite=rel_finite
. "${top_srcdir:-$(dirname "$0")/..}/tests/clilib.sh"

tiny="--steps 5 --batch 50 --test-batch 50 --layers 2"
cd "$tmp" || exit 99

# no_files NAME FILE...: the command wrote none of them
no_files() {
	name=$1
	shift
	for f in "$@"; do
		[ -e "$f" ] && fail "$name: wrote $f"
	done
	rm -f "$@"
}

# overflow NAME WHAT ARGS...: exit 1, one line naming WHAT and "inf" or
# "nan", nothing on stdout
overflow() {
	name=$1 what=$2
	shift 2
	run "$name" 1 "$@"
	[ -s "$tmp/out" ] && fail "$name: printed on stdout: $(head -3 "$tmp/out")"
	grep -v -e '^memscope train: .*%' \
	    -e '^memscope train: .* on [0-9]* threads*$' "$tmp/err" >"$tmp/err1"
	[ "$(wc -l <"$tmp/err1")" -eq 1 ] ||
		fail "$name: stderr is not one line: $(cat "$tmp/err")"
	grep -q "$what.* is \(inf\|nan\), not a finite number" "$tmp/err1" ||
		fail "$name: $(cat "$tmp/err1")"
}

# ---- inputs that can only overflow: refused up front, with the range
usage "kappa 1e300" baselines --data kappa:1e300 --csv b.csv --json b.json
grep -q "from 1 to 1e12" "$tmp/err" || fail "kappa 1e300: $(cat "$tmp/err")"
no_files "kappa 1e300" b.csv b.json
usage "train kappa" train --data kappa:1e13 $tiny --csv h.csv
no_files "train kappa" h.csv
run "kappa 1e12" 0 baselines --data kappa:1e12 --test-batch 50
grep -q -- '--data kappa:K' "$tmp/err" && fail "kappa 1e12 refused"
"$MEMSCOPE" train --help | grep -q '1 <= K <= 1e12' ||
	fail "train --help does not give kappa's range"

# ---- overflow at run time: exit 1, the value named, nothing written
overflow "baselines gd" "gd's log error after k=[0-9]* iterations" \
    baselines --gd-step 1e200 --iters 3 --csv b.csv --json b.json
grep -q -- '--gd-step' "$tmp/err" || fail "baselines gd: no hint"
no_files "baselines gd" b.csv b.json
overflow "baselines momentum" "momentum's log error" \
    baselines --mom-eta 1e3 --iters 300 --runs 2 --test-batch 50
overflow "baselines nesterov" "nesterov's log error" \
    baselines --nest-eta 50 --iters 300 --test-batch 50
overflow "train gd" "gd's log test error at k=1" \
    train $tiny --gd-step 1e200 --csv h.csv --json s.json --save m.json
no_files "train gd" h.csv s.json m.json
run "checkpoint" 0 train $tiny --save m.json
overflow "eval gd" "gd's log error at k=1" \
    eval --load m.json --gd-step 1e200 --csv e.csv --json e.json
no_files "eval gd" e.csv e.json
overflow "step gd" "gd's squared error at l=1" \
    step --load m.json --gd-step 1e200
overflow "step gd json" "gd's squared error at l=1" \
    step --load m.json --gd-step 1e200 --json
# an error that is exactly 0 is a result: its log -inf is printed
run "exact" 0 baselines --dim 1 --context 1 --data iso --test-batch 1
grep -q -- '-inf' "$tmp/out" || fail "exact: no -inf: $(cat "$tmp/out")"
run "step" 0 step --load m.json
grep -q 'squared error' "$tmp/out" || fail "step: no table"

# ---- divergence: the message, exit 1, no table, only --csv
run "lr 100" 1 train --steps 300 --batch 50 --test-batch 50 --lr 100 \
    --csv d.csv --json d.json --save d-ck.json
grep -q '^memscope train: run 0 (seed 1) diverged: the training loss ended at [0-9.e+]*, more than 100 times' \
    "$tmp/err" || fail "lr 100: $(cat "$tmp/err")"
[ -s "$tmp/out" ] && fail "lr 100: printed a table"
[ -s d.csv ] || fail "lr 100: no --csv history"
no_files "lr 100" d.json d-ck.json
run "lr 100 runs" 1 train --steps 300 --batch 50 --test-batch 50 --lr 100 \
    --runs 2 --threads 2
[ "$(grep -c 'diverged' "$tmp/err")" -eq 2 ] ||
	fail "lr 100 runs: not both runs: $(cat "$tmp/err")"
run "lr 0.01" 0 train --steps 300 --batch 50 --test-batch 50
grep -q diverged "$tmp/err" && fail "lr 0.01: flagged: $(cat "$tmp/err")"
grep -q '^model' "$tmp/out" || fail "lr 0.01: no table"
# the noisiest training loss: one fresh prompt per step
run "batch 1" 0 train --steps 300 --batch 1 --resample 1 --test-batch 50 \
    --runs 20 --threads 2
grep -q diverged "$tmp/err" && fail "batch 1: flagged: $(cat "$tmp/err")"
"$MEMSCOPE" train --help | grep -q 'more than 100 times' ||
	fail "train --help does not define divergence"
rq="--figure 2b --runs 2 --steps 200 --batch 40 --test-batch 40 --depths 2 -q"
run "reproduce lr 100" 1 reproduce $rq --lr 100 --out rp
grep -q '^memscope reproduce: [0-9]* of 8 trainings diverged, e.g. fig 2b' \
    "$tmp/err" || fail "reproduce lr 100: $(cat "$tmp/err")"
grep -q 'trainings diverged)' "$tmp/out" ||
	fail "reproduce lr 100: the table does not mark them"
[ -s rp/fig2b.csv ] || fail "reproduce lr 100: no CSV"
run "reproduce" 0 reproduce $rq --out rp2
grep -q 'diverged' "$tmp/out" "$tmp/err" && fail "reproduce: flagged"

# ---- every run's seed, before any work: exit 2, one line
usage "train seeds" train --seed 9223372036854775807 --runs 2 $tiny --csv h.csv
grep -q 'at most 9223372036854775806' "$tmp/err" ||
	fail "train seeds: $(cat "$tmp/err")"
no_files "train seeds" h.csv
usage "baselines seeds" baselines --seed 9223372036854775800 --runs 9 \
    --json b.json
no_files "baselines seeds" b.json
run "last seed" 0 baselines --seed 9223372036854775806 --runs 2 \
    --test-batch 10 --json b.json
grep -q '"seed": -' b.json && fail "last seed: a negative seed in JSON"
rm -f b.json
printf 'seed = 9223372036854775807\nruns = 3\n' >s.ini
usage "config seeds" baselines --config s.ini
usage "reproduce seeds" reproduce --seed 9223372036854775807 --runs 2 --out rs
[ -e rs ] && fail "reproduce seeds: made its --out"
usage "reproduce seed" reproduce --seed 9223372036854775808 --out rs
usage "reproduce lr" reproduce --lr 0 --out rs
[ -e rs ] && fail "reproduce seed: made its --out"

# ---- messages quoting input: no bidi or invisible characters
rlo=$(printf '\342\200\256') lri=$(printf '\342\201\246')
lrm=$(printf '\342\200\216') alm=$(printf '\330\234')
csi=$(printf '\302\233')
usage "bidi arg" train --param "pre${rlo}lluf${lri}x${lrm}${alm}${csi}"
for c in "$rlo" "$lri" "$lrm" "$alm" "$csi"; do
	grep -qF "$c" "$tmp/err" && fail "bidi arg: passed through: $(od -c "$tmp/err")"
done
grep -qF "'pre?lluf?x???'" "$tmp/err" || fail "bidi arg: $(cat "$tmp/err")"
printf 'data = kappa:1%s0\n' "$rlo" >bidi.ini
usage "bidi file" baselines --config bidi.ini
grep -qF "$rlo" "$tmp/err" && fail "bidi file: passed through"
grep -qF "kappa:1?0" "$tmp/err" || fail "bidi file: $(cat "$tmp/err")"
usage "bidi reproduce" reproduce --figure "1a${rlo}"
grep -qF "$rlo" "$tmp/err" && fail "bidi reproduce: passed through"

# ---- conflicting and extra arguments
usage "dgemm both" bench --dgemm --no-dgemm
grep -q -- '--dgemm and --no-dgemm' "$tmp/err" || fail "dgemm both: $(cat "$tmp/err")"
usage "dgemm both reversed" bench --no-dgemm --steps 1 --dgemm
usage "help extra" help train extra
grep -q "'extra'" "$tmp/err" || fail "help extra: $(cat "$tmp/err")"
run "help train" 0 help train
grep -q '^Usage: memscope train' "$tmp/out" || fail "help train: no usage"

# ---- reproduce --runs 1: no spread, so no ± and nothing that needs one
run "reproduce 1 run" 0 reproduce --figure 2b,5 --runs 1 --steps 20 \
    --batch 40 --test-batch 40 --depths 2 -q --out r1
pm=$(printf '\302\261')
grep -qF " $pm " "$tmp/out" &&
	fail "reproduce 1 run: a spread printed: $(grep -F " $pm " "$tmp/out")"
grep -q '!$' "$tmp/out" && fail "reproduce 1 run: flagged against the paper"
grep -q 'not checked against the paper' "$tmp/out" ||
	fail "reproduce 1 run: does not say what was not checked"
grep -q "std added: not checkable" "$tmp/out" ||
	fail "reproduce 1 run: the heads claim's gaps: $(grep 'std added' "$tmp/out")"
grep -q ',$' r1/fig2b_summary.csv ||
	fail "reproduce 1 run: std not empty in the summary"
grep -q ',0$' r1/fig2b_summary.csv &&
	fail "reproduce 1 run: a zero std in the summary CSV"

if [ "$failures" -gt 0 ]; then
	echo "$suite: $failures failure(s)" >&2
	exit 1
fi
echo "$suite: all passed"
