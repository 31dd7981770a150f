#!/bin/sh
# A real Slurm run of a sweep (issue 17): a single-node Slurm on this
# machine (tests/slurm_local.sh: munged, slurmctld, slurmd on localhost),
# `sweep plan` of a small grid, its slurm.sbatch submitted from another
# directory, every array task COMPLETED with exit code 0 and its own log
# file in DIR/logs, then `sweep merge`: results.csv byte for byte the one
# `sweep run` of the same file writes. Skips (77) only where a Slurm daemon
# cannot be started; any other failure prints the daemons' logs.
suite=sweep_slurm
srcdir=${top_srcdir:-$(dirname "$0")/..}
. "$srcdir/tests/clilib.sh"
. "$srcdir/tests/sweeplib.sh"
. "$srcdir/tests/slurm_local.sh"
trap 'slurm_stop; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

t0=$(now)
slurm_start "$tmp/slurm"
rc=$?
if [ "$rc" -eq 77 ]; then
	echo "$suite: skipped: $slurm_why" >&2
	exit 77
fi
[ "$rc" -eq 0 ] || { slurm_logs >&2; echo "FAIL: slurm_start" >&2; exit 1; }
echo "$suite: single-node Slurm up (node idle) in $(since "$t0") s"

sweep_grid "$tmp/grid.ini"
run "plan" 0 sweep plan "$tmp/grid.ini" --out "$tmp/s"
njobs=$(wc -l <"$tmp/s/jobs.txt")
[ "$njobs" -eq 8 ] || fail "plan: $njobs lines in jobs.txt, expected 8"
[ -f "$tmp/s/slurm.sbatch" ] || fail "plan: no slurm.sbatch"

# submitted from elsewhere (the script's paths must not depend on the
# directory sbatch runs in); polled until no task is pending or running
t1=$(now)
id=$(cd "$tmp" && sbatch --parsable "$tmp/s/slurm.sbatch" 2>"$tmp/err")
id=${id%%;*}
[ -n "$id" ] || fail "sbatch: $(cat "$tmp/err")"
n=1200
while [ -n "$id" ] && [ -n "$(squeue -h -j "$id" -o %i 2>/dev/null)" ]; do
	n=$((n - 1))
	if [ "$n" -le 0 ]; then
		fail "sbatch: job $id still queued or running after 240 s"
		scancel "$id" 2>/dev/null
		break
	fi
	sleep 0.2
done
echo "$suite: $njobs array tasks ran in $(since "$t1") s"
scontrol -o show job "$id" >"$tmp/tasks" 2>&1
ok=$(grep -c "JobState=COMPLETED .*ExitCode=0:0" "$tmp/tasks")
[ "$ok" -eq "$njobs" ] ||
	fail "sbatch: $ok of $njobs array tasks completed with exit code 0: $(
	    sed 's/.*\(ArrayTaskId=[^ ]*\).*\(JobState=[^ ]*\).*\(ExitCode=[^ ]*\).*/\1 \2 \3/' \
	    "$tmp/tasks")"
# each task's own log files, DIR/logs/JOBID_TASK.out (and .err)
ls "$tmp/s/logs" >"$tmp/logs" 2>&1
a=1
while [ "$a" -le "$njobs" ]; do
	grep -q "^${id}_$a\.out$" "$tmp/logs" ||
		fail "sbatch: no log DIR/logs/${id}_$a.out of array task $a"
	a=$((a + 1))
done

run "merge" 0 sweep merge "$tmp/s"
t2=$(now)
run "run" 0 sweep run "$tmp/grid.ini" --out "$tmp/r" --threads 2
echo "$suite: sweep run of the same grid in $(since "$t2") s"
cmp "$tmp/s/results.csv" "$tmp/r/results.csv" >&2 ||
	fail "results.csv of Slurm differs from sweep run's"

if [ "$failures" -gt 0 ]; then
	for f in "$tmp"/s/logs/*; do
		[ -s "$f" ] && { echo "---- $f"; tail -n 20 "$f"; }
	done >&2
	slurm_logs >&2
	exit 1
fi
exit 0
