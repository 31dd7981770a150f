#!/bin/sh
# Issue 14's options against hostile input: each bad value is one line on
# stderr, status 2, nothing on stdout and no file written; and shifted
# data (--scale, --mean) that the methods can still solve gives a table
# whose tuned GD is tuned (never worse than not moving).
suite=cli14
. "${top_srcdir:-$(dirname "$0")/..}/tests/clilib.sh"

tiny="--steps 5 --batch 40 --test-batch 40 --layers 2 --quiet"
run "train" 0 train $tiny --save "$tmp/m.json"
mkdir "$tmp/dir"

# usage NAME ARGS... and then no file but m.json and dir in $tmp
nofile() {
	usage "$@"
	left=$(cd "$tmp" && ls | grep -v -e '^m.json$' -e '^dir$' -e '^out$' \
	    -e '^err$')
	[ -z "$left" ] || fail "$1: left $left"
	for f in $left; do rm -rf "$tmp/$f"; done
}
nofile "init empty entry" train $tiny --init "$tmp/m.json," \
    --save "$tmp/s.json"
nofile "init empty middle" train $tiny --heads 2 \
    --init "$tmp/m.json,,$tmp/m.json" --save "$tmp/s.json"
nofile "init directory" train $tiny --init "$tmp/dir" --save "$tmp/s.json"
# an output over an --init file (--live made it afresh before a run read it)
cp "$tmp/m.json" "$tmp/dir/keep.json"
nofile "init live over it" train $tiny --init "$tmp/m.json" --live "$tmp/m.json"
grep -q "would overwrite the --init file" "$tmp/err" ||
	fail "init live over it: $(cat "$tmp/err")"
nofile "init csv over the second" train $tiny --heads 2 \
    --init "$tmp/dir/keep.json,$tmp/m.json" --csv "$tmp/m.json"
cmp -s "$tmp/m.json" "$tmp/dir/keep.json" || fail "--init file m.json changed"
nofile "scale overflow" train $tiny --scale 1e308 --save "$tmp/s.json"
nofile "mean overflow" train $tiny --mean 1e200 --save "$tmp/s.json"
nofile "baselines scale overflow" baselines --scale 1e160 --csv "$tmp/b.csv"
nofile "scale underflow" train $tiny --scale 1e-160 --save "$tmp/s.json"
nofile "baselines scale underflow" baselines --scale 1e-80 --csv "$tmp/b.csv"
grep -q "below 1e-150" "$tmp/err" || fail "scale underflow: $(cat "$tmp/err")"
nofile "eval scale overflow" eval --load "$tmp/m.json" --scale 1e308 \
    --csv "$tmp/e.csv"
nofile "context 0" eval --load "$tmp/m.json" --context 0 --csv "$tmp/e.csv"
nofile "figure empty" reproduce --figure direct,,3a --out "$tmp/r"

# tuned GD on shifted data: its grid follows the data's scale, so some
# step of it decreases the error (k=1..4 below k=0)
for shift in "--scale 1e6" "--mean 50"; do
	run "baselines $shift" 0 baselines $shift --iters 4
	awk -v s="$shift" '$1 == "k" { for (i = 2; i <= NF; i++)
	    if ($i == "gd" || $i == "gd-oracle") c[i] = $i; next }
	    $1 == "0" { for (i in c) z[i] = $i; next }
	    $1 ~ /^[1-4]$/ { for (i in c) if ($i + 0 >= z[i] + 0) {
	        print s ": " c[i] " at k=" $1 " is " $i ", k=0 " z[i]; bad = 1 } }
	    END { exit bad }' "$tmp/out" >&2 ||
		fail "baselines $shift: tuned GD above its start"
done

# the lane kernels' instruction set: a bad name (--isa, or MEMSCOPE_ISA for
# every command) is one line naming every set and those this CPU runs; the
# baseline always runs, and gives the bits auto gives
# (the baseline is named x86-64 only there)
if [ "$(uname -m)" = x86_64 ]; then
	usage "isa unknown" bench --isa bogus --steps 1
	grep -q "^memscope bench: --isa: unknown instruction set 'bogus' (accepted: auto, avx512, avx2, x86-64; this CPU runs .*x86-64)$" \
	    "$tmp/err" || fail "isa unknown: $(cat "$tmp/err")"
	MEMSCOPE_ISA=bogus; export MEMSCOPE_ISA
	usage "MEMSCOPE_ISA unknown" baselines --iters 1
	grep -q "^memscope: MEMSCOPE_ISA: unknown instruction set 'bogus'" \
	    "$tmp/err" || fail "MEMSCOPE_ISA unknown: $(cat "$tmp/err")"
	unset MEMSCOPE_ISA
	run "train auto" 0 train $tiny
	cp "$tmp/out" "$tmp/auto.out"
	MEMSCOPE_ISA=x86-64; export MEMSCOPE_ISA
	run "train x86-64" 0 train $tiny
	unset MEMSCOPE_ISA
	cmp -s "$tmp/out" "$tmp/auto.out" || fail "train: x86-64 and auto differ"
fi

exit $((failures > 0))
