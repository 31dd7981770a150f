#!/bin/sh
# Glyphs every terminal has: the non-ASCII glyphs the visualizer draws
# (tests/test_glyphs renders every screen in every configuration and lists
# them) are braille, block elements, box drawing or in DejaVu Sans Mono,
# Debian's default monospace font. The font's character map is read from
# the installed font (fonts-dejavu-core) when there is one, else from the
# list made from it, tests/data/dejavu-sans-mono.txt (its first lines say
# how to make it again). Skips (77) without python3.
set -u
command -v python3 >/dev/null 2>&1 || { echo "python3 not found: skip"; exit 77; }
src=${top_srcdir:-$(dirname "$0")/..}
build=${top_builddir:-.}
prog=$build/tests/test_glyphs
[ -x "$prog" ] || { echo "glyphs.sh: $prog is not built" >&2; exit 77; }
font=${MEMSCOPE_GLYPH_FONT:-/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf}
list=$src/tests/data/dejavu-sans-mono.txt
[ -r "$font" ] || { echo "glyphs.sh: no $font, using $list"; font=$list; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/memscope-glyphs.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM

"$prog" "$tmp/used.txt" >"$tmp/out" 2>&1 ||
	{ cat "$tmp/out"; echo "FAIL: tests/test_glyphs" >&2; exit 1; }
grep -v '^\[' "$tmp/out"
python3 "$src/tests/glyphs_cmap.py" --check "$tmp/used.txt" "$font" ||
	{ echo "FAIL: glyphs outside the set every terminal has" >&2; exit 1; }
# the committed list is what the installed font has (else regenerate it)
if [ "$font" != "$list" ]; then
	python3 "$src/tests/glyphs_cmap.py" "$font" | grep -v '^#' >"$tmp/font"
	grep -v '^#' "$list" | cmp -s - "$tmp/font" ||
		echo "note: $list differs from $font (see its first lines)"
fi
echo "glyphs.sh: ok (checked against $font)"
