#!/bin/sh
# An installed memscope finds its themes without the build tree (issue 15):
# make install prefix=SCRATCH from the build tree, then the installed binary
# resolves --theme light from SCRATCH/share/memscope/themes, and still does
# after the prefix is moved elsewhere (a relocated install); with the
# installed light.theme removed it is not found, so it never came from the
# source tree. A copy of the build's binary outside the build tree finds no
# shipped theme at all, while the build tree's own binary finds them in the
# source tree. A theme name is resolved before the visualizer needs a
# terminal, so no terminal is needed: found, memscope says it needs one;
# not found, it lists the themes it found. make check sets MEMSCOPE, MAKE,
# top_builddir and memscope_themedir (the configured data directory).
suite=install
. "${top_srcdir:-$(dirname "$0")/..}/tests/clilib.sh"

if [ -z "${MAKE:-}" ] || [ -z "${top_builddir:-}" ] ||
    [ -z "${memscope_themedir:-}" ]; then
	echo "install.sh: run it by make check (MAKE, top_builddir unset): skipped"
	exit 77
fi
if [ -d "$memscope_themedir" ]; then
	echo "install.sh: themes are installed in $memscope_themedir, which" \
	    "every binary of this build searches: skipped"
	exit 77
fi

# a user with no themes of their own and no system-wide ones
mkdir -p "$tmp/home" "$tmp/nodata"
HOME=$tmp/home XDG_CONFIG_HOME=$tmp/home/.config XDG_DATA_DIRS=$tmp/nodata
export HOME XDG_CONFIG_HOME XDG_DATA_DIRS
shipped="amber, dark, light, mono, solarized"

# theme NAME BINARY THEME: the BINARY resolves THEME (status 2 and "needs a
# terminal": tui stops there without one)
theme() {
	"$2" tui --theme "$3" </dev/null >"$tmp/out" 2>"$tmp/err"
	got=$?
	[ "$got" -eq 2 ] && grep -q "needs a terminal" "$tmp/err" ||
		fail "$1: --theme $3 not resolved (status $got): $(cat "$tmp/err")"
}
# themes NAME BINARY LIST: an unknown theme's message lists exactly LIST
themes() {
	"$2" tui --theme no-such-theme </dev/null >"$tmp/out" 2>"$tmp/err"
	got=$?
	[ "$got" -eq 2 ] && grep -q "(available: $3; or a path" "$tmp/err" ||
		fail "$1: want available: $3; got (status $got) $(cat "$tmp/err")"
}

# make install from the build tree (a fresh make: not the jobserver of the
# make check that runs this)
(unset MAKEFLAGS MFLAGS MAKELEVEL
 cd "$top_builddir" && $MAKE install prefix="$tmp/p") >"$tmp/log" 2>&1 ||
	{ cat "$tmp/log"; echo "install.sh: make install failed"; exit 1; }
bin=$tmp/p/bin/memscope
[ -x "$bin" ] || { echo "install.sh: no $bin after make install"; exit 1; }
[ -f "$tmp/p/share/memscope/themes/light.theme" ] ||
	fail "make install: no share/memscope/themes/light.theme"

theme installed "$bin" light
themes installed "$bin" "$shipped"

# moved to another prefix: found beside the executable
mv "$tmp/p" "$tmp/q"
bin=$tmp/q/bin/memscope
theme relocated "$bin" light
themes relocated "$bin" "$shipped"
# without the installed light.theme it is not found: the installed binary
# does not look in the source tree, which is still there
rm "$tmp/q/share/memscope/themes/light.theme"
themes "relocated, light.theme removed" "$bin" "amber, dark, mono, solarized"

# the build tree's binary finds the shipped themes in the source tree...
case $MEMSCOPE in
"$top_builddir"/memscope | "$top_builddir"/memscope.exe)
	theme uninstalled "$MEMSCOPE" light
	themes uninstalled "$MEMSCOPE" "$shipped" ;;
esac
# ...and a copy of it elsewhere does not: only the built-in default is left
mkdir "$tmp/copy"
cp "$MEMSCOPE" "$tmp/copy/memscope"
themes "copied" "$tmp/copy/memscope" dark
theme "copied" "$tmp/copy/memscope" dark

if [ "$failures" -ne 0 ]; then
	echo "install.sh: $failures failure(s)" >&2
	exit 1
fi
echo "install.sh: all passed"
