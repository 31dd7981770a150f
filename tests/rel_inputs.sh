#!/bin/sh
# End-to-end tests of the inputs (issue 10): a --config from a pipe is read
# once and applied by eval and step too; a long INI line is an error at its
# line; a directory, a /proc file, /dev/zero and FIFOs with no writer or a
# silent one get a clear message and exit 2, never a hang; a bad --theme
# lists the themes; a checkpoint recording 10^12 steps loads at once; and
# version-2 checkpoints (written by memscope 30f844f) evaluate exactly as
# that version did. `timeout` only guards against a hang (the old
# behaviour); no time is measured.
suite=rel_inputs
. "${top_srcdir:-$(dirname "$0")/..}/tests/clilib.sh"
data="${top_srcdir:-$(dirname "$0")/..}/tests/data"

guard() {
	if command -v timeout >/dev/null 2>&1; then
		timeout 60 "$@"
	else
		"$@"
	fi
}

tiny="--steps 5 --batch 40 --test-batch 40 --layers 2"
run "train" 0 train $tiny --save "$tmp/m.json"

# --config from a pipe: read once, so eval and step see its keys
run "eval data iso" 0 eval --load "$tmp/m.json" --data iso
cp "$tmp/out" "$tmp/want-eval"
printf 'data = iso\n' | "$MEMSCOPE" eval --load "$tmp/m.json" \
    --config /dev/stdin >"$tmp/out" 2>"$tmp/err" ||
	fail "eval --config pipe: exit $?: $(cat "$tmp/err")"
cmp -s "$tmp/want-eval" "$tmp/out" ||
	fail "eval --config pipe: data = iso not applied: $(head -1 "$tmp/out")"
run "step data iso" 0 step --load "$tmp/m.json" --data iso --task 3
cp "$tmp/out" "$tmp/want-step"
printf '[test]\ndata = iso\n' | "$MEMSCOPE" step --load "$tmp/m.json" \
    --task 3 --config /dev/stdin >"$tmp/out" 2>"$tmp/err" ||
	fail "step --config pipe: exit $?: $(cat "$tmp/err")"
cmp -s "$tmp/want-step" "$tmp/out" ||
	fail "step --config pipe: data = iso not applied"
printf 'layers = 3\n' | "$MEMSCOPE" train --steps 2 --batch 20 \
    --test-batch 20 --config /dev/stdin >"$tmp/out" 2>"$tmp/err" ||
	fail "train --config pipe: exit $?"
grep -q 'L=3' "$tmp/out" || fail "train --config pipe: layers not applied"

# a comment line longer than inih's 200-byte buffer: its tail used to be
# read as a line of its own, setting layers = 3; now line 2 is an error
pad=$(printf '%0198d' 0)
printf 'steps = 2\n#%slayers = 3\n' "$pad" >"$tmp/long.ini"
usage "long ini line" train --config "$tmp/long.ini" --batch 20 --test-batch 20
grep -q 'long.ini:2: the line is longer than 197 bytes' "$tmp/err" ||
	fail "long ini line: $(cat "$tmp/err")"

# a directory, a /proc file, binary data
usage "config dir" train --config "$tmp"
grep -q "is a directory" "$tmp/err" || fail "config dir: $(cat "$tmp/err")"
usage "load proc" eval --load /proc/self/status
grep -q "not a memscope checkpoint" "$tmp/err" ||
	fail "load proc: $(cat "$tmp/err")"
usage "load zero" eval --load /dev/zero
grep -q "not a memscope checkpoint" "$tmp/err" ||
	fail "load zero: $(cat "$tmp/err")"

# a bad --theme is refused (before the terminal is needed), listing themes
for bad in /dev/zero "$tmp" "$tmp/absent.theme" no-such-theme; do
	usage "theme $bad" --theme "$bad" </dev/null
	grep -q -- "--theme: .*available: .*dark" "$tmp/err" ||
		fail "theme $bad: $(cat "$tmp/err")"
done
grep -q "not found" "$tmp/err" || fail "theme name: $(cat "$tmp/err")"
run "theme ok" 2 --theme light </dev/null
grep -q "needs a terminal" "$tmp/err" || fail "theme ok: $(cat "$tmp/err")"

# FIFOs: one with no writer, one whose writer never writes; both refused
# when the wait (10 s) runs out, side by side
mkfifo "$tmp/nowriter" "$tmp/silent" || exit 99
guard "$MEMSCOPE" train --steps 1 --config "$tmp/nowriter" \
    >"$tmp/out1" 2>"$tmp/err1" &
p1=$!
sleep 60 >"$tmp/silent" &
writer=$!
guard "$MEMSCOPE" eval --load "$tmp/silent" >"$tmp/out2" 2>"$tmp/err2" &
p2=$!
wait $p1
s1=$?
wait $p2
s2=$?
kill $writer 2>/dev/null
[ $s1 -eq 2 ] || fail "fifo with no writer: exit $s1: $(cat "$tmp/err1")"
grep -q "a FIFO with no writer" "$tmp/err1" ||
	fail "fifo with no writer: $(cat "$tmp/err1")"
[ $s2 -eq 2 ] || fail "silent writer: exit $s2: $(cat "$tmp/err2")"
grep -q "did not deliver the whole file within 10 s" "$tmp/err2" ||
	fail "silent writer: $(cat "$tmp/err2")"

# a checkpoint recording 10^12 steps, redrawn every step (version 2, with
# a correct checksum): eval and step load it without replaying them
guard "$MEMSCOPE" eval --load "$data/ckpt-v2-huge-step.json" \
    >"$tmp/out" 2>"$tmp/err"
s=$?
[ $s -eq 0 ] || fail "huge step eval: exit $s: $(cat "$tmp/err")"
grep -q 'trained 1000000000000 steps' "$tmp/out" || fail "huge step eval"
guard "$MEMSCOPE" step --load "$data/ckpt-v2-huge-step.json" >"$tmp/out" \
    2>"$tmp/err"
s=$?
[ $s -eq 0 ] || fail "huge step step: exit $s: $(cat "$tmp/err")"

# version 2 still loads, and evaluates and traces as memscope 30f844f did
# (its output saved beside it)
cd "$data" || exit 99
run "v2 eval" 0 eval --load ckpt-v2-resample.json
# (then the theory lines, which came later: their own block at the end)
n=$(wc -l <ckpt-v2-resample.eval)
head -n "$n" "$tmp/out" | cmp -s - ckpt-v2-resample.eval ||
	fail "v2 eval differs"
sed -n "$((n + 1))p" "$tmp/out" | grep -q '^# theory' ||
	fail "v2 eval: no theory block after the table"
run "v2 step" 0 step --load ckpt-v2-resample.json --task 3
# (later versions add the teaching tables after what that memscope printed)
head -c "$(wc -c <ckpt-v2-resample.step)" "$tmp/out" >"$tmp/head"
cmp -s "$tmp/head" ckpt-v2-resample.step || fail "v2 step differs"

[ "$failures" -eq 0 ] || { echo "$suite: $failures failure(s)" >&2; exit 1; }
exit 0
