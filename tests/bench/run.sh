#!/bin/sh
# memscope's training step against the PyTorch peer (../shared/peer/
# torch_step.py: --impl naive and --impl structured), on the same
# experiments, single thread each, double precision, one fixed batch of
# the same size. Each round runs every program once per experiment, in
# turn, so a change in the machine's load hits all of them alike; the
# tables give medians over the rounds and the ratios of the medians.
# Then memscope alone: time per step against B and L, and 2 threads
# against 1. Not part of make check (several minutes): make bench.
#
# Environment: MEMSCOPE (the binary), PEER (torch_step.py), PYTHON (an
# interpreter with torch; default /usr/bin/python3, Debian's python3-torch),
# ROUNDS (default 5; a round takes about three minutes), NAIVE_BIG=1 to
# run the naive peer on d 64, n 256 too (its (n+1)x(n+1) attention per
# task needs gigabytes and minutes a step; skipped by default), BASE (a
# memscope binary to compare with, e.g. a build of an older main: it runs
# in the same rounds, in turn with the others, and the table gains its
# column and the ratio).
set -eu

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
MEMSCOPE=${MEMSCOPE:-./memscope}
PEER=${PEER:-$top_srcdir/../shared/peer/torch_step.py}
PYTHON=${PYTHON:-/usr/bin/python3}
ROUNDS=${ROUNDS:-5}
NAIVE_BIG=${NAIVE_BIG:-0}
BASE=${BASE:-}
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1

tmp=$(mktemp -d "${TMPDIR:-/tmp}/memscope-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

if [ ! -x "$MEMSCOPE" ]; then
	echo "run.sh: no memscope binary at $MEMSCOPE (set MEMSCOPE)" >&2
	exit 1
fi
have_peer=1
if [ ! -f "$PEER" ] || ! "$PYTHON" -c 'import torch' 2>/dev/null; then
	echo "run.sh: no PyTorch peer ($PEER with $PYTHON and torch):" \
	    "memscope's figures only" >&2
	have_peer=0
fi

# The median of the numbers in file $1 (one a line).
median() {
	sort -g "$1" | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "nan"; exit }
		if (NR % 2) print v[(NR + 1) / 2];
		else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ms/step of the memscope binary $1's bench with the arguments after it
# (the mean over its steps): $MEMSCOPE's, or $BASE's.
ms_bench() {
	bin=$1
	shift
	"$bin" bench --no-dgemm "$@" | awk '$1 == "ms/step" { print $2 }'
}

# The fastest tenth of memscope bench's steps with arguments "$@": the
# least disturbed by other work on the machine.
best_memscope() {
	"$MEMSCOPE" bench --no-dgemm "$@" |
	    awk '$1 == "ms/step" { gsub(/[()]/, ""); print $7 }'
}

# ms/step of the peer with arguments "$@".
ms_peer() {
	"$PYTHON" "$PEER" --threads 1 "$@" |
	    sed -n 's/.*ms_per_step=\([0-9.eE+-]*\).*/\1/p'
}

cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1)
echo "# memscope bench: $("$MEMSCOPE" --version)," \
    "kernels $("$MEMSCOPE" bench --steps 1 --warmup 0 --batch 4 |
    sed -n 's/.*(\(.*\) kernels).*/\1/p')"
echo "# machine: ${cpu:-unknown CPU}, $(getconf _NPROCESSORS_ONLN) CPUs;" \
    "$(date -u +%Y-%m-%d)"
if [ "$have_peer" = 1 ]; then
	echo "# peer: $PEER, torch $("$PYTHON" -c \
	    'import torch; print(torch.__version__)')"
fi
if [ -n "$BASE" ]; then
	echo "# base: $BASE, $("$BASE" --version), kernels $("$BASE" bench \
	    --steps 1 --warmup 0 --batch 4 | sed -n 's/.*(\(.*\) kernels).*/\1/p')"
fi
echo "# $ROUNDS rounds, each program once per round in turn; medians"
echo

# name | memscope options | peer options | memscope steps | peer steps
# (structured) | peer steps (naive). The peer draws d = 5 tasks from the
# paper spectrum and other d from the isotropic one; so does memscope here.
experiments() {
	cat <<'EOF'
default-lfom||--memory lfom|2000|60|20
default-none|--memory none|--memory none|2000|60|20
default-cgd|--memory cgd|--memory cgd|2000|60|20
heads-5|--heads 5|--heads 5|2000|40|10
layers-8|--layers 8|--layers 8|1000|30|10
d20-n80|--dim 20 --context 80 --data iso|--dim 20 --context 80|200|5|3
d64-n256|--dim 64 --context 256 --data iso|--dim 64 --context 256|10|2|1
EOF
}

: >"$tmp/names"
for r in $(seq 1 "$ROUNDS"); do
	echo "round $r of $ROUNDS ..." >&2
	experiments | while IFS='|' read -r name mopt popt msteps ssteps nsteps
	do
		[ "$r" = 1 ] && echo "$name" >>"$tmp/names"
		# shellcheck disable=SC2086
		ms_bench "$MEMSCOPE" $mopt --steps "$msteps" \
		    >>"$tmp/$name.memscope"
		if [ -n "$BASE" ]; then
			# shellcheck disable=SC2086
			ms_bench "$BASE" $mopt --steps "$msteps" >>"$tmp/$name.base"
		fi
		[ "$have_peer" = 1 ] || continue
		# shellcheck disable=SC2086
		ms_peer --impl structured $popt --steps "$ssteps" \
		    >>"$tmp/$name.structured"
		if [ "$name" = d64-n256 ] && [ "$NAIVE_BIG" = 0 ]; then
			continue
		fi
		# shellcheck disable=SC2086
		ms_peer --impl naive $popt --steps "$nsteps" \
		    >>"$tmp/$name.naive"
	done
done

echo "Training step, ms (single thread; B 1000; default: d 5, n 20, L 4," \
    "H 1, pre)"
printf '%-14s %10s %10s %8s %12s %10s %14s %10s\n' experiment memscope \
    base "x base" structured naive "x structured" "x naive"
while read -r name; do
	m=$(median "$tmp/$name.memscope")
	b=nan s=nan n=nan
	[ -s "$tmp/$name.base" ] && b=$(median "$tmp/$name.base")
	[ -s "$tmp/$name.structured" ] && s=$(median "$tmp/$name.structured")
	[ -s "$tmp/$name.naive" ] && n=$(median "$tmp/$name.naive")
	awk -v name="$name" -v m="$m" -v b="$b" -v s="$s" -v n="$n" 'BEGIN {
		rb = (b == "nan") ? "-" : sprintf("%.2f", b / m);
		rs = (s == "nan") ? "-" : sprintf("%.0f", s / m);
		rn = (n == "nan") ? "-" : sprintf("%.0f", n / m);
		printf "%-14s %10.4f %10s %8s %12s %10s %14s %10s\n", name, m,
		    (b == "nan") ? "-" : sprintf("%.4f", b), rb,
		    (s == "nan") ? "-" : sprintf("%.2f", s),
		    (n == "nan") ? "-" : sprintf("%.2f", n), rs, rn }'
done <"$tmp/names"
echo

# d 64, n 256 against this machine's DGEMM (memscope alone).
"$MEMSCOPE" bench --dim 64 --context 256 --data iso --steps 10 |
    sed -n 's/^DGEMM  */d64-n256 pre: DGEMM /p'
"$MEMSCOPE" bench --dim 64 --context 256 --data iso --param full \
    --steps 2 --warmup 1 | sed -n 's/^DGEMM  */d64-n256 full: DGEMM /p'
echo

# Linear in B and L: memscope alone, rounds interleaved over the sizes.
sizes="B=250 B=500 B=1000 B=2000 B=4000 L=1 L=2 L=4 L=8 L=16"
for r in $(seq 1 "$ROUNDS"); do
	for sz in $sizes; do
		case $sz in
		B=*) b=${sz#B=}; l=4 ;;
		L=*) b=1000; l=${sz#L=} ;;
		esac
		steps=$((2000000 / (b * l)))
		best_memscope --batch "$b" --layers "$l" --steps "$steps" \
		    >>"$tmp/lin.$sz"
	done
done
echo "Time per step against B (L 4) and L (B 1000), default experiment:"
echo "the fastest tenth of the steps of a run; median and best of the rounds"
printf '%-8s %12s %12s %20s\n' size "median ms" "best ms" \
    "best us/task-layer"
for sz in $sizes; do
	case $sz in
	B=*) b=${sz#B=}; l=4 ;;
	L=*) b=1000; l=${sz#L=} ;;
	esac
	m=$(median "$tmp/lin.$sz")
	lo=$(sort -g "$tmp/lin.$sz" | head -n 1)
	awk -v sz="$sz" -v m="$m" -v lo="$lo" -v b="$b" -v l="$l" 'BEGIN {
		printf "%-8s %12.4f %12.4f %20.5f\n", sz, m, lo,
		    1000 * lo / (b * l) }'
done
echo

# Two threads against one on the default experiment, inside one process
# (memscope bench --speedup: the two trainers alternate in chunks of steps,
# so other work on the machine hits both alike), once per round.
for r in $(seq 1 "$ROUNDS"); do
	"$MEMSCOPE" bench --threads 2 --speedup --steps 4000 |
	    awk '$1 == "speed-up" { print $2 }' | tr -d x >>"$tmp/thr"
done
echo "Threads, default experiment: 2 threads against 1:" \
    "$(median "$tmp/thr")x (medians of chunk ratios; median of $ROUNDS runs)"

# The default step on each instruction set this CPU runs (the same bits on
# all: tests/test_isa), rounds interleaved over them.
isas=$("$MEMSCOPE" bench --isa none 2>&1 | sed -n 's/.*this CPU runs \([^)]*\)).*/\1/p' |
    tr -d ,)
for r in $(seq 1 "$ROUNDS"); do
	for isa in $isas; do
		steps=2000
		[ "$isa" = x86-64 ] && steps=100
		ms_bench "$MEMSCOPE" --isa "$isa" --steps "$steps" \
		    >>"$tmp/isa.$isa"
	done
done
echo "Instruction sets, default experiment: ms/step (median of $ROUNDS runs)"
for isa in $isas; do
	printf '%-8s %10.4f\n' "$isa" "$(median "$tmp/isa.$isa")"
done
