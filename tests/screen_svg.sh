#!/bin/sh
# The SVG screen export: tests/test_screen_svg writes every screen (and the
# help, ASCII, mono, a light theme) as SVG beside the canvas's text;
# tests/screen_svg.py checks each is well-formed and draws exactly the
# canvas's glyphs at their cells. Skips (77) without python3.
set -u
command -v python3 >/dev/null 2>&1 || { echo "python3 not found: skip"; exit 77; }
src=${top_srcdir:-$(dirname "$0")/..}
build=${top_builddir:-.}
prog=$build/tests/test_screen_svg
[ -x "$prog" ] || { echo "screen_svg.sh: $prog is not built" >&2; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/memscope-svg.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM

"$prog" "$tmp" >"$tmp/log" 2>&1 ||
	{ cat "$tmp/log"; echo "FAIL: tests/test_screen_svg" >&2; exit 1; }
python3 "$src/tests/screen_svg.py" "$tmp" ||
	{ echo "FAIL: the SVG does not draw the canvas" >&2; exit 1; }
echo "screen_svg.sh: ok"
