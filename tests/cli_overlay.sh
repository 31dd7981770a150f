#!/bin/sh
# The options eval and step lay over a checkpoint's config (cli_parse.c's
# cli_checkpoint_load) reach the test tasks: eval's baseline rows with
# --wstar or --data are the rows `memscope baselines` prints for the
# same distribution and seed (the same test tasks), not the checkpoint's;
# step's task is then drawn from that distribution too.
suite=cli_overlay
. "${top_srcdir:-$(dirname "$0")/..}/tests/clilib.sh"
cd "$tmp" || exit 99

run "train" 0 train --steps 20 --layers 3 --save m.json
[ -s m.json ] || fail "train: no checkpoint"

# rows ROW FILE: eval's row ROW, the numbers after its name, one per line
eval_row() { awk -v r="$1" '$1 == r { for (i = 2; i <= NF; i++) print $i }' "$2"; }
# baselines' column COL for k = 1..3, one per line
base_col() {
	awk -v c="$1" '/^k / { for (i = 1; i <= NF; i++) if ($i == c) col = i; next }
	    col && $1 >= 1 && $1 <= 3 { print $col }' "$2"
}

# (eval keeps the checkpoint's rotation U, drawn from its training seed;
# baselines draws U from its --seed: so the seed stays 1 where U matters)
for opts in "--wstar identity" "--data iso" "--data kappa:50" \
    "--wstar identity --data iso"; do
	# shellcheck disable=SC2086
	run "eval $opts" 0 eval --load m.json $opts
	cp out eval.txt
	# shellcheck disable=SC2086
	run "baselines $opts" 0 baselines --iters 3 $opts
	cp out base.txt
	for m in gd cg nesterov; do
		[ "$(eval_row "$m" eval.txt)" = "$(base_col "$m" base.txt)" ] ||
			fail "eval $opts: its $m row is not baselines' on the same tasks"
	done
done
# and without them, eval's tasks are not those of --wstar identity
run "eval" 0 eval --load m.json
cp out plain.txt
run "baselines identity" 0 baselines --iters 3 --wstar identity
[ "$(eval_row cg plain.txt)" = "$(base_col cg out)" ] &&
	fail "eval: the checkpoint's prior gives the same tasks as identity's"

# step's task comes from the overlaid distribution: its query label differs
run "step" 0 step --load m.json --json
cp out s0.json
run "step identity" 0 step --load m.json --wstar identity --json
cmp -s s0.json out && fail "step --wstar identity: the same trace as without"

[ "$failures" -eq 0 ]
