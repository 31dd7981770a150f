#!/bin/sh
# Settings that stay: the visualizer (and watch) read
# $XDG_CONFIG_HOME/memscope/config.ini, else ~/.config/memscope/config.ini,
# with --config's keys and its own (theme, speed, screen); the command line
# beats --config, which beats the user config. A bad user config is one
# line naming the file and line, status 2; MEMSCOPE_NO_USER_CONFIG=1 and
# --no-user-config skip it; headless commands never read it. The part that
# looks at the screen needs tmux (skipped without it).
set -u
suite=user_config pane=uc tmux_optional=1
. "${top_srcdir:-$(dirname "$0")/..}/tests/tmuxlib.sh"
unset MEMSCOPE_NO_USER_CONFIG
cd "$dir" || exit 1
mkdir -p xdg/memscope home/.config/memscope
export XDG_CONFIG_HOME="$dir/xdg" HOME="$dir/home"

# tui_err ARGS: the visualizer without a terminal; its status in rc, its
# stderr in err
tui_err() { "$MEMSCOPE" "$@" </dev/null >out 2>err; rc=$?; }

# a bad user config: refused, naming the file and the line
printf '# mine\nspeed = 0\n' > xdg/memscope/config.ini
tui_err
[ $rc -eq 2 ] || fail "bad speed in the user config: status $rc"
grep -q "xdg/memscope/config.ini:2: speed '0'" err ||
    fail "bad speed: message '$(cat err)'"
printf 'colour = red\n' > xdg/memscope/config.ini
tui_err
grep -q "config.ini:1: unknown key 'colour'" err ||
    fail "unknown key: message '$(cat err)'"
"$MEMSCOPE" watch f.csv </dev/null >out 2>err; rc=$?
[ $rc -eq 2 ] && grep -q "config.ini:1: unknown key" err ||
    fail "watch did not read the user config ($rc: $(cat err))"
# skipped: the next complaint is the missing terminal
MEMSCOPE_NO_USER_CONFIG=1 "$MEMSCOPE" </dev/null >out 2>err
grep -q 'needs a terminal' err ||
    fail "MEMSCOPE_NO_USER_CONFIG=1 did not skip it: $(cat err)"
tui_err --no-user-config
grep -q 'needs a terminal' err ||
    fail "--no-user-config did not skip it: $(cat err)"
# headless commands never read it
"$MEMSCOPE" train --steps 5 >out 2>err ||
    fail "train read the user config: $(cat err)"
# without XDG_CONFIG_HOME: ~/.config
printf 'screen = 7\n' > home/.config/memscope/config.ini
XDG_CONFIG_HOME= "$MEMSCOPE" </dev/null >out 2>err
grep -q "home/.config/memscope/config.ini:1: screen '7'" err ||
    fail "~/.config not read without XDG_CONFIG_HOME: $(cat err)"
# --config takes the visualizer's keys too, and checks them
printf 'speed = fast\n' > run.ini
tui_err --no-user-config --config run.ini
grep -q "run.ini:1: speed 'fast'" err || fail "--config speed: $(cat err)"
# an unreadable user config is an error, not skipped
if [ "$(id -u)" != 0 ]; then
	printf 'speed = 5\n' > xdg/memscope/config.ini
	chmod 000 xdg/memscope/config.ini
	tui_err
	[ $rc -eq 2 ] && grep -q 'config.ini: Permission denied' err ||
	    fail "an unreadable user config: $rc $(cat err)"
	chmod 644 xdg/memscope/config.ini
fi

if [ "$have_tmux" = 0 ]; then
	[ $failures -eq 0 ] || exit 1
	echo "user_config: ok without the tmux part (no tmux)"
	exit 0
fi
# the precedence, on the screen: user config < --config < command line
printf '[visualizer]\nheads = 2\nspeed = 7\nscreen = memory\n' \
    > xdg/memscope/config.ini
printf 'speed = 9\n' > run.ini
shows=0
show() {
	[ $shows -gt 0 ] && t send-keys -t "$pane" q
	shows=$((shows + 1))
	pane=uc$shows
	t -f /dev/null new-session -d -s "$pane" -x 120 -y 40 \
	    "LC_ALL=C.UTF-8 TERM=tmux-256color '$MEMSCOPE' $*; sleep 5" ||
	    fail "tmux did not start"
	wait_for 'running' || fail "$*: not running"
}
show
wait_for '\(cap 7\)' || fail "user config speed 7 not applied"
screen | grep -q ' H2 ' || fail "user config heads 2 not applied"
screen | grep -q '\[3/5\]' || fail "user config screen memory not applied"
show --config run.ini
wait_for '\(cap 9\)' || fail "--config speed 9 did not beat the user config"
screen | grep -q ' H2 ' || fail "--config dropped the user config's heads"
show --config run.ini --speed 11 --heads 3 --screen 2
wait_for '\(cap 11\)' || fail "--speed 11 did not beat --config"
screen | grep -q ' H3 ' || fail "--heads 3 did not beat the user config"
screen | grep -q '\[2/5\]' || fail "--screen 2 did not beat the user config"
show --no-user-config
screen | grep -q '\(cap 7\)' && fail "--no-user-config: speed 7 still applied"
screen | grep -q ' H1 ' || fail "--no-user-config: heads not the default"

[ $failures -eq 0 ] || exit 1
echo "user_config: ok"
