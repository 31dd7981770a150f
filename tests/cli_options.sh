#!/bin/sh
# One command line (cli.c's option table): the same bad value of an option
# gets the same message, after "memscope CMD: ", from every command whose
# --help lists the option, and "does not apply" from every other; every
# command's --help states --threads' range as 1 to 256; bench and
# reproduce print the generated help layout. tests/test_cli_options.c
# checks the table against the help pages.
suite=cli_options
. "${top_srcdir:-$(dirname "$0")/..}/tests/clilib.sh"

cmds="tui train eval baselines step reproduce bench"
cd "$tmp" || exit 99

# lists CMD OPT: whether CMD's --help has an option label for OPT
lists() {
	"$MEMSCOPE" "$1" --help | grep -Eq -- "^ +(-., )?$2( |\\[|\$)"
}

# same OPT ARGS...: one message (after "memscope CMD: ") from every command
# whose --help lists OPT, left in $first; "does not apply" from the others
same() {
	opt=$1 first="" firstcmd=""
	shift
	for cmd in $cmds; do
		usage "$cmd $*" "$cmd" "$@"
		msg=$(sed "s/^memscope $cmd: //" "$tmp/err")
		if ! lists "$cmd" "$opt"; then
			case $msg in
			"$opt does not apply to 'memscope $cmd'"*) ;;
			*) fail "$cmd $opt: not refused as not applying: $msg" ;;
			esac
			continue
		fi
		if [ -z "$firstcmd" ]; then
			first=$msg firstcmd=$cmd
		elif [ "$msg" != "$first" ]; then
			fail "$*: $firstcmd says '$first', $cmd '$msg'"
		fi
	done
	[ -n "$firstcmd" ] || fail "$opt: no command takes it"
}

thr="--threads: expected an integer from 1 to 256, got"
for v in 0 300 -1 x 2.5 ""; do
	same --threads --threads "$v"
	[ "$first" = "$thr '$v'" ] || fail "--threads $v: $first"
done
for cmd in train tui eval bench reproduce; do
	lists "$cmd" --threads || fail "$cmd --help: no --threads"
	"$MEMSCOPE" "$cmd" --help | grep -A1 -- '--threads N' |
	    grep -q '1 to 256' || fail "$cmd --help: --threads not 1 to 256"
done

same --seed --seed -1
same --seed --seed 9223372036854775808
same --runs --runs 1001
same --lr --lr 0
same --lr --lr nan
same --batch --batch 0
same --test-batch --test-batch 10000001
same --quirks --quirks=maybe
same --data --data kappa:0
same --dim --dim 513
same --layers --layers 0
same --config --config ""
same --runs --runs 0
[ "$first" = "--runs: expected an integer from 1 to 1000, got '0'" ] ||
	fail "--runs 0: $first"

# --steps: a config key of train and tui (0 to 100000000: zero steps
# evaluate the initial model); bench's timed steps and reproduce's steps
# per training start at 1, with one message
# (and -S is each command's own --steps)
for cmd in bench reproduce; do
	for s in --steps -S; do
		usage "$cmd $s 0" "$cmd" $s 0
		grep -qx "memscope $cmd: --steps: expected an integer from 1 to 100000000, got '0'" \
		    "$tmp/err" || fail "$cmd $s 0: $(cat "$tmp/err")"
	done
done
for s in --steps -S; do
	usage "train $s -1" train $s -1
	grep -qx "memscope train: --steps: expected an integer from 0 to 100000000, got '-1'" \
	    "$tmp/err" || fail "train $s -1: $(cat "$tmp/err")"
done

# eval and step lay the keys they take over the checkpoint's, as typed
# values (kappa with its data); other keys of --config are ignored
tiny="--steps 5 --batch 50 --test-batch 50 --layers 2"
run "train to save" 0 train $tiny --save "$tmp/m.json"
run "eval plain" 0 eval --load "$tmp/m.json"
cp "$tmp/out" "$tmp/plain.txt"
printf 'layers = 3\nsteps = 9\nlr = 5\nruns = 4\n' >"$tmp/other.ini"
for cmd in eval step; do
	run "$cmd plain" 0 $cmd --load "$tmp/m.json"
	cp "$tmp/out" "$tmp/plain.txt"
	run "$cmd other keys" 0 $cmd --load "$tmp/m.json" --config "$tmp/other.ini"
	cmp -s "$tmp/plain.txt" "$tmp/out" || fail "$cmd: --config keys it does not take changed the output"
	run "$cmd kappa" 0 $cmd --load "$tmp/m.json" --data kappa:10 --seed 3
	cp "$tmp/out" "$tmp/kappa.txt"
	grep -q 'kappa:10' "$tmp/kappa.txt" || fail "$cmd kappa: $(head -n 2 "$tmp/kappa.txt")"
	printf 'data = kappa:10\nseed = 3\n' >"$tmp/kappa.ini"
	run "$cmd kappa ini" 0 $cmd --load "$tmp/m.json" --config "$tmp/kappa.ini"
	cmp -s "$tmp/kappa.txt" "$tmp/out" || fail "$cmd: --config data = kappa:10 differs from --data kappa:10"
done

# the generated layout for bench and reproduce: sections, defaults, the
# exit status and examples
for cmd in bench reproduce; do
	run "$cmd --help" 0 "$cmd" --help
	for s in "Usage: memscope $cmd \[OPTIONS\]" '^Runs:$' '^General:$' \
	    '^Output:$' '^Exit status: 0 on success' '^Examples:$' \
	    '  -h, --help  '; do
		grep -q -- "$s" "$tmp/out" || fail "$cmd --help: no '$s'"
	done
	run "$cmd -V" 0 "$cmd" -V
	grep -q '^memscope [0-9]' "$tmp/out" || fail "$cmd -V: $(cat "$tmp/out")"
done
"$MEMSCOPE" bench --help | grep -q 'timed steps, 1 to 100000000 (default: 200)' ||
	fail "bench --help: --steps"
"$MEMSCOPE" reproduce --help | grep -q -- '-r, --runs N .*(default: 5)' ||
	fail "reproduce --help: --runs"

if [ "$failures" -ne 0 ]; then
	echo "cli_options.sh: $failures failure(s)" >&2
	exit 1
fi
echo "cli_options.sh: all passed"
