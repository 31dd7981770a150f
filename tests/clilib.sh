# Shared by the end-to-end shell tests (sourced, not run): the binary, a
# scratch directory, and the run/usage/fail checks. Before sourcing set
# `suite` (the script's name) and optionally `usage_prefix` (what a usage
# error's line starts with; default "memscope").
MEMSCOPE=${MEMSCOPE:-./memscope}
if [ ! -x "$MEMSCOPE" ]; then
	echo "$suite: $MEMSCOPE is not built" >&2
	exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/memscope-$suite.XXXXXX") || exit 99
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
	grep -q "^${usage_prefix:-memscope}" "$tmp/err" ||
		fail "$name: stderr: $(cat "$tmp/err")"
}
