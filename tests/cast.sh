#!/bin/sh
# The asciicast recording replays in asciinema: tests/test_cast records a
# session of frames (after a resize and a new theme: the step-through at
# step 700, then the memory screen; finished)
# and `asciinema cat` must read it (exit 0) and print the screen's text.
# asciinema cat wants a terminal: script(1) gives it one. Skips (77)
# without asciinema (Debian: apt install asciinema) or script.
set -u
command -v asciinema >/dev/null 2>&1 || { echo "asciinema not found: skip"; exit 77; }
command -v script >/dev/null 2>&1 || { echo "script not found: skip"; exit 77; }
build=${top_builddir:-.}
prog=$build/tests/test_cast
[ -x "$prog" ] || { echo "cast.sh: $prog is not built" >&2; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/memscope-cast.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM

"$prog" "$tmp/session.cast" >"$tmp/log" 2>&1 ||
	{ cat "$tmp/log"; echo "FAIL: tests/test_cast" >&2; exit 1; }
script -q -e -c "asciinema cat '$tmp/session.cast'" /dev/null \
    </dev/null >"$tmp/out" 2>&1
rc=$?
[ "$rc" -eq 0 ] || { cat "$tmp/out"; echo "FAIL: asciinema cat: status $rc" >&2; exit 1; }
for text in 'finished' 'step 700/1000' 'memory: lfom'; do
	grep -q "$text" "$tmp/out" ||
		{ echo "FAIL: asciinema cat does not show '$text'" >&2; exit 1; }
done
echo "cast.sh: ok"
