#!/bin/sh
# A sweep on other engines than `sweep run` (issue 17): jobs.txt run by GNU
# parallel and by xargs -P (a PATH-relative plan, --memscope memscope),
# then `sweep merge`, gives results.csv byte for byte as `sweep run` does;
# a `sweep run` killed (SIGKILL) half-way and run again keeps the results
# it had (same inode, same bytes), says it skipped them, ignores a
# temporary left behind, and ends with the uninterrupted run's results.csv;
# a job line run again skips; planning the same grid in another directory,
# from another copy of the file, gives the same job lines and sweep id.
# Skips (77) only without GNU parallel.
suite=sweep_parallel
srcdir=${top_srcdir:-$(dirname "$0")/..}
. "$srcdir/tests/clilib.sh"
. "$srcdir/tests/sweeplib.sh"

if ! command -v parallel >/dev/null 2>&1; then
	echo "$suite: no parallel (apt-get install parallel)" >&2
	exit 77
fi
if ! parallel --version 2>/dev/null | head -n 1 | grep -q '^GNU parallel'; then
	echo "$suite: parallel is not GNU parallel (moreutils'?)" >&2
	exit 77
fi
sweep_grid "$tmp/grid.ini"

# the reference: the embedded engine, uninterrupted
t0=$(now)
run "run" 0 sweep run "$tmp/grid.ini" --out "$tmp/r" --threads 2
echo "$suite: sweep run --threads 2 of 8 jobs in $(since "$t0") s"
[ "$(sweep_results "$tmp/r")" -eq 8 ] ||
	fail "run: $(sweep_results "$tmp/r") results of 8"

# same: DIR's results.csv is the reference's, byte for byte
same() {
	cmp "$1/results.csv" "$tmp/r/results.csv" >&2 ||
		fail "$2: results.csv differs from sweep run's"
}

# GNU parallel: each line of jobs.txt is a command
run "plan" 0 sweep plan "$tmp/grid.ini" --out "$tmp/p"
t0=$(now)
parallel --will-cite --jobs 2 <"$tmp/p/jobs.txt" >"$tmp/out" 2>"$tmp/err" ||
	fail "parallel: exit status $?: $(tail -n 5 "$tmp/err")"
echo "$suite: parallel --jobs 2 of 8 jobs in $(since "$t0") s"
run "merge parallel" 0 sweep merge "$tmp/p"
same "$tmp/p" "parallel"

# xargs -P (a line a command, no quote processing: -d; not -I, whose
# replacement is limited to 255 bytes) on a plan whose lines call
# `memscope` from PATH, as on other machines
run "plan memscope" 0 sweep plan "$tmp/grid.ini" --out "$tmp/x" \
    --memscope memscope
grep -v "^memscope sweep job " "$tmp/x/jobs.txt" >&2 &&
	fail "plan --memscope memscope: lines do not start with memscope"
PATH=$(cd "$(dirname "$MEMSCOPE")" && pwd):$PATH \
    xargs -d '\n' -n 1 -P 2 sh -c <"$tmp/x/jobs.txt" >"$tmp/out" 2>"$tmp/err" ||
	fail "xargs: exit status $?: $(tail -n 5 "$tmp/err")"
run "merge xargs" 0 sweep merge "$tmp/x"
same "$tmp/x" "xargs"

# stable ids: another directory, another copy of the file, another working
# directory: the same job lines but for the directory, the same sweep id
mkdir "$tmp/elsewhere"
cp "$tmp/grid.ini" "$tmp/elsewhere/grid.ini"
(cd "$tmp/elsewhere" && "$MEMSCOPE" sweep plan grid.ini --out ../q \
    >"$tmp/out" 2>"$tmp/err") || fail "plan elsewhere: $(cat "$tmp/err")"
sed "s|$tmp/p|DIR|" "$tmp/p/jobs.txt" >"$tmp/p.txt"
sed "s|$tmp/q|DIR|" "$tmp/q/jobs.txt" >"$tmp/q.txt"
cmp "$tmp/p.txt" "$tmp/q.txt" >&2 ||
	fail "ids: jobs.txt of two plans of the same grid differ"
# (the sweep's "id" comes before the jobs' ones)
sid() { grep -o '"id": *"[0-9a-f]\{16\}"' "$1/sweep.json" | head -n 1; }
[ -n "$(sid "$tmp/p")" ] || fail "ids: no sweep id in sweep.json"
[ "$(sid "$tmp/p")" = "$(sid "$tmp/q")" ] ||
	fail "ids: sweep id $(sid "$tmp/p") here, $(sid "$tmp/q") there"

# a job line run again: skipped, its result untouched
line=$(head -n 1 "$tmp/p/jobs.txt")
before=$(stat -c '%i %.9Y' "$tmp/p/results/"*.json)
sh -c "$line" >"$tmp/out" 2>"$tmp/err" || fail "job again: exit status $?"
grep -qi "skipped" "$tmp/err" || fail "job again: stderr: $(cat "$tmp/err")"
[ "$(stat -c '%i %.9Y' "$tmp/p/results/"*.json)" = "$before" ] ||
	fail "job again: a result was rewritten"

# `sweep run` into $tmp/$1 in the background (pid), stdout and stderr in
# $tmp/$1.out and .err, until its first result is there
run_until_a_result() {
	rm -rf "${tmp:?}/$1"
	"$MEMSCOPE" sweep run "$tmp/grid.ini" --out "$tmp/$1" --threads 1 \
	    >"$tmp/$1.out" 2>"$tmp/$1.err" &
	pid=$!
	n=600
	while [ "$(sweep_results "$tmp/$1")" -eq 0 ] && [ "$n" -gt 0 ]; do
		n=$((n - 1))
		sleep 0.05
	done
}

# interrupted (SIGTERM, stderr not a terminal) once a result is there:
# exit 128 + 15, and the last line of stderr says so
run_until_a_result t
kill -TERM "$pid" 2>/dev/null
st=0
wait "$pid" 2>/dev/null || st=$?
[ "$st" -eq 143 ] || fail "interrupted: exit status $st, not 143"
[ "$(tail -n 1 "$tmp/t.err")" = "memscope sweep: interrupted (the results \
written so far are kept)" ] ||
	fail "interrupted: the last line is '$(tail -n 1 "$tmp/t.err")'"

# killed half-way: SIGKILL once a result (not all) is there
run_until_a_result k
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
k=$(sweep_results "$tmp/k")
if [ "$k" -eq 0 ] || [ "$k" -ge 8 ]; then
	fail "resume: $k of 8 results when killed (raise sweep_steps)"
fi
mkdir "$tmp/kept"
cp "$tmp/k/results/"*.json "$tmp/kept/"
names=$(cd "$tmp/kept" && ls)
kept=$(cd "$tmp/k/results" && stat -c '%n %i %.9Y' $names)
# what a kill during a write leaves: a temporary, never a result
echo '{"id": "trunc' >"$tmp/k/results/.memscope-killed"
t0=$(now)
run "resume" 0 sweep run "$tmp/grid.ini" --out "$tmp/k" --threads 2
echo "$suite: resumed after $k of 8 in $(since "$t0") s"
grep -Eqi "(^|[^0-9])$k [^0-9]*skip|skip[^0-9]*$k([^0-9]|$)" "$tmp/err" ||
	fail "resume: stderr does not say $k skipped: $(tail -n 3 "$tmp/err")"
grep -Eq "$((8 - k)) jobs? trained, $k skipped," "$tmp/err" ||
	fail "resume: not $((8 - k)) trained and $k skipped: $(tail -n 1 "$tmp/err")"
grep -q "100%  8/8 jobs" "$tmp/err" ||
	fail "resume: the progress does not end at 100%: $(tail -n 3 "$tmp/err")"
for f in "$tmp/kept/"*.json; do
	cmp -s "$f" "$tmp/k/results/${f##*/}" ||
		fail "resume: ${f##*/} was rewritten"
done
[ "$(cd "$tmp/k/results" && stat -c '%n %i %.9Y' $names)" = "$kept" ] ||
	fail "resume: a kept result has another inode or mtime"
[ "$(sweep_results "$tmp/k")" -eq 8 ] ||
	fail "resume: $(sweep_results "$tmp/k") results of 8"
same "$tmp/k" "resume"

[ "$failures" -eq 0 ]
