#!/usr/bin/env bash
# The mutation check: apply each deliberate bug of tests/mutations.list, one at
# a time, to a scratch copy of the source tree, rebuild, run `make check`, and
# report whether the suite caught it. A mutation the suite does not catch has
# SURVIVED: the behaviour it breaks is not tested. Not part of `make check`
# (it runs the whole suite once per mutation); run it with `make mutate`.
#
# The list's records are blocks of lines:
#
#   name: sigma-cosine-sign          what the bug is, one word
#   file: src/core/analysis.c        the file it changes
#   from: return dot / norm;         exact text that must occur exactly once
#   to:   return -dot / norm;        what it becomes
#   tests: tests/test_analysis       optional: tests to run first, so that a
#                                    kill is quick; else the whole suite runs
#
# with "from:" and "to:" repeatable as "from+:" / "to+:" for further lines of
# the same text. Blank lines and lines starting with # separate records.
#
# Exit status: 0 if every mutation was killed; 1 if any survived, no longer
# applies (its text is not found exactly once: the list is stale) or does not
# compile (a mutation must be a bug, not a syntax error); 2 on bad usage.
set -uo pipefail

usage() {
	cat <<'EOF'
Usage: tests/mutate.sh [--list] [--only NAME[,NAME...]] [--keep] [--jobs N]

Apply each mutation of tests/mutations.list to a scratch copy of the tree,
rebuild, run make check, and report which mutations the suite killed.

  --list        print the mutations' names and files, and exit
  --only NAMES  run only these mutations (comma-separated)
  --keep        keep the scratch directory (its path is printed)
  --jobs N      make -j N (default: the number of CPUs)
  -h, --help    this help

Exit status: 0 if every mutation was killed; 1 if any survived, is stale
(its text no longer occurs exactly once) or does not compile; 2 on bad
usage.
EOF
}

src=$(cd "$(dirname "$0")/.." && pwd)
list=$src/tests/mutations.list
only="" keep=false jobs=$(nproc 2>/dev/null || echo 2) listonly=false
while [ $# -gt 0 ]; do
	case $1 in
	--list) listonly=true ;;
	--only) [ $# -ge 2 ] || { echo "mutate.sh: --only needs a name" >&2; exit 2; }
		only=$2; shift ;;
	--keep) keep=true ;;
	--jobs) [ $# -ge 2 ] && [[ $2 =~ ^[1-9][0-9]*$ ]] ||
		{ echo "mutate.sh: --jobs needs a positive integer" >&2; exit 2; }
		jobs=$2; shift ;;
	-h|--help) usage; exit 0 ;;
	*) echo "mutate.sh: unknown argument '$1'; see --help" >&2; exit 2 ;;
	esac
	shift
done
[ -r "$list" ] || { echo "mutate.sh: cannot read $list" >&2; exit 2; }

# Split the list into one directory entry per mutation: NAME/{file,from,to}.
recs=$(mktemp -d "${TMPDIR:-/tmp}/memscope-mutations.XXXXXX")
trap 'rm -rf "$recs"' EXIT
perl -e '
	my ($dir) = @ARGV; my (%r, @names, %seen);
	sub flush {
		return unless %r;
		for my $k (qw(name file from to)) {
			die "mutations.list: record ending at line $.: no $k:\n"
			    unless defined $r{$k};
		}
		die "mutations.list: duplicate name $r{name}\n" if $seen{$r{name}}++;
		die "mutations.list: $r{name}: from and to are the same\n"
		    if $r{from} eq $r{to};
		mkdir "$dir/$r{name}" or die "$!";
		for my $k (grep { defined $r{$_} } qw(file from to tests)) {
			open my $f, ">", "$dir/$r{name}/$k" or die "$!";
			print $f $r{$k}; close $f;
		}
		push @names, $r{name}; %r = ();
	}
	while (<STDIN>) {
		chomp;
		if (/^\s*(#|$)/) { flush(); next; }
		if (/^(name|file):\s*(\S+)\s*$/) { flush() if $1 eq "name"; $r{$1} = $2; next; }
		if (/^tests:\s*(.*\S)\s*$/) { $r{tests} = $1; next; }
		if (/^(from|to):\s?(.*)$/) { $r{$1} = $2; next; }
		if (/^(from|to)\+:\s?(.*)$/) {
			die "mutations.list line $.: $1+ before $1\n" unless defined $r{$1};
			$r{$1} .= "\n$2"; next;
		}
		die "mutations.list line $.: not name:, file:, from:, to: or a comment\n";
	}
	flush();
	open my $o, ">", "$dir/ORDER" or die "$!"; print $o "$_\n" for @names;
' "$recs" < "$list" || exit 2

mapfile -t names < "$recs/ORDER"
if [ -n "$only" ]; then
	IFS=, read -ra want <<< "$only"
	for w in "${want[@]}"; do
		[ -d "$recs/$w" ] || { echo "mutate.sh: no mutation named '$w' (see --list)" >&2; exit 2; }
	done
	names=("${want[@]}")
fi
if $listonly; then
	for n in "${names[@]}"; do printf '%-32s %s\n' "$n" "$(cat "$recs/$n/file")"; done
	exit 0
fi

# A scratch copy of the committed tree plus any uncommitted changes to it.
work=$(mktemp -d "${TMPDIR:-/tmp}/memscope-mutate.XXXXXX")
$keep && echo "mutate.sh: scratch tree $work" >&2
cleanup() { rm -rf "$recs"; $keep || rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$src" && git ls-files -z --cached --others --exclude-standard |
	    tar --null -T - -cf -) | tar -xf - -C "$work" || exit 1
else	# an unpacked release tarball: copy it and forget any build in it
	cp -a "$src/." "$work" || exit 1
	[ -f "$work/Makefile" ] && (cd "$work" && make distclean) >/dev/null 2>&1
fi

log=$work/mutate.log
echo "mutate.sh: building the unmutated tree once ($work)" >&2
if ! (cd "$work" && ./autogen.sh && ./configure -q && make -j"$jobs") >"$log" 2>&1; then
	tail -n 30 "$log" >&2; echo "mutate.sh: the unmutated tree does not build" >&2; exit 1
fi
if ! (cd "$work" && make check -j"$jobs") >>"$log" 2>&1; then
	echo "mutate.sh: make check fails on the unmutated tree; nothing to measure" >&2; exit 1
fi

killed=0 bad=0 total=${#names[@]} i=0
printf '%-32s %-10s %s\n' mutation result "failing tests"
for n in "${names[@]}"; do
	i=$((i + 1))
	f=$(cat "$recs/$n/file")
	echo "mutate.sh: [$i/$total] $n ($f)" >&2
	if [ ! -f "$work/$f" ]; then
		printf '%-32s %-10s %s\n' "$n" STALE "no file $f"; bad=$((bad + 1)); continue
	fi
	cp -p "$work/$f" "$work/$f.orig"
	FROM="$recs/$n/from" TO="$recs/$n/to" perl -0777 -i -pe '
		BEGIN { local $/; open F, "<", $ENV{FROM}; $from = <F>; open T, "<", $ENV{TO}; $to = <T>; }
		$c = () = /\Q$from\E/g;
		if ($c != 1) { $ENV{COUNT} = $c; print STDERR "count $c\n"; exit 3 }
		s/\Q$from\E/$to/;
	' "$work/$f" 2>"$work/count.txt"
	rc=$?
	if [ $rc -ne 0 ]; then
		mv "$work/$f.orig" "$work/$f"
		printf '%-32s %-10s %s\n' "$n" STALE "text found $(sed -n 's/count //p' "$work/count.txt") times in $f"
		bad=$((bad + 1)); continue
	fi
	if ! (cd "$work" && make -j"$jobs") >>"$log" 2>&1; then
		result=NOBUILD detail="the mutated tree does not compile"
		bad=$((bad + 1))
	else
		# the record's tests: first (a quick kill), then the whole suite
		hint=""
		[ -f "$recs/$n/tests" ] && hint=$(cat "$recs/$n/tests")
		rm -f "$work"/tests/*.trs "$work"/tests/*.log
		if { [ -n "$hint" ] && ! (cd "$work" && make check -j"$jobs" TESTS="$hint") >>"$log" 2>&1; } ||
		    ! (cd "$work" && make check -j"$jobs") >>"$log" 2>&1; then
			result=killed
			detail=$(cd "$work" && grep -l '^:test-result: \(FAIL\|ERROR\)' tests/*.trs 2>/dev/null |
			    sed 's/\.trs$//' | tr '\n' ' ')
			killed=$((killed + 1))
		else
			result=SURVIVED detail="make check passed"
			bad=$((bad + 1))
		fi
	fi
	printf '%-32s %-10s %s\n' "$n" "$result" "$detail"
	# restore, with a fresh timestamp so make rebuilds what the mutation built
	mv "$work/$f.orig" "$work/$f"
	touch "$work/$f"
done
echo "$killed of $total mutations killed"
[ "$bad" -eq 0 ]
