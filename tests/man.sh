#!/bin/sh
# The man page, doc/memscope.1: its generated parts (SYNOPSIS, OPTIONS,
# KEYS, the config keys) are what doc/gen_man makes from the option, config
# and key tables today, and the page names every option row, command, config
# key and key line (doc/gen_man --check; make man regenerates); THEME FILES
# names every key of the default theme; and groff and man render it without
# a warning (that part skipped, saying so, where they are not installed).
suite=man
. "${top_srcdir:-$(dirname "$0")/..}/tests/clilib.sh"

page=${top_srcdir:-.}/doc/memscope.1
gen=${MEMSCOPE%/*}/doc/gen_man
if [ ! -x "$gen" ]; then
	echo "$suite: $gen is not built" >&2
	exit 77
fi

"$gen" --check "$page" || fail "doc/gen_man --check $page"
# and the check itself: a copy whose generated keys part has one line more,
# or whose COMMANDS lacks a command, is refused
sed '/^\.\\" BEGIN GENERATED keys$/a\
x' "$page" >"$tmp/stale.1"
cmp -s "$page" "$tmp/stale.1" && fail "could not make a stale copy"
"$gen" --check "$tmp/stale.1" 2>"$tmp/stale.err" &&
	fail "doc/gen_man --check took a stale page"
grep -q "stale" "$tmp/stale.err" || fail "stale page: $(cat "$tmp/stale.err")"
sed '/^\.SH COMMANDS$/,/^\.SH /{/^\.B step$/d;}' "$page" >"$tmp/nostep.1"
"$gen" --check "$tmp/nostep.1" 2>"$tmp/nostep.err" &&
	fail "doc/gen_man --check took a page without the step command"
grep -q "COMMANDS lacks '.B step'" "$tmp/nostep.err" ||
	fail "page without step: $(cat "$tmp/nostep.err")"

# every key of themes/dark.theme (the built-in default: every role) is a
# bold word (.B, .BR) of THEME FILES, as roff writes it
awk '/^\.SH THEME FILES/ { f = 1; next } /^\.SH / { f = 0 }
	f && /^\.BR? / { sub(/^\.BR? /, ""); print }' "$page" |
	tr ' ",()' '\n\n\n\n\n' >"$tmp/words"
sed -n 's/^\([a-z-]*\) =.*/\1/p' "${top_srcdir:-.}/themes/dark.theme" |
	sed 's/-/\\-/g' >"$tmp/theme-keys"
[ -s "$tmp/theme-keys" ] || fail "no keys read from themes/dark.theme"
while read -r key; do
	grep -Fxq -- "$key" "$tmp/words" ||
		fail "THEME FILES does not name the theme key $key"
done <"$tmp/theme-keys"

if command -v groff >/dev/null 2>&1; then
	groff -man -Tutf8 -ww -z "$page" >"$tmp/groff" 2>&1 ||
		fail "groff -man failed: $(cat "$tmp/groff")"
	[ -s "$tmp/groff" ] && fail "groff -man -ww warns: $(cat "$tmp/groff")"
else
	echo "$suite: groff is not installed: the page's rendering is" \
	    "not checked" >&2
fi
if command -v man >/dev/null 2>&1; then
	MANWIDTH=80 man -l "$page" >"$tmp/man" 2>"$tmp/man-err" ||
		fail "man -l failed: $(cat "$tmp/man-err")"
	[ -s "$tmp/man-err" ] && fail "man -l warns: $(cat "$tmp/man-err")"
	grep -q "^KEYS" "$tmp/man" || fail "man -l rendered no KEYS section"
else
	echo "$suite: man is not installed: man -l is not checked" >&2
fi
[ "$failures" -eq 0 ]
