#!/bin/sh
# Outputs (issue 10): what every --csv/--json/--save/--out target gets.
# Non-regular targets are written through, never replaced; the same file is
# refused by device and inode; modes and owners are kept; no temporary is
# left by a fatal signal; standard output's failures are errors; files are
# written before the table; names and --out are checked before the work.
suite=rel_outputs
. "${top_srcdir:-.}/tests/clilib.sh"

Q="--data iso --dim 2 --context 4 --layers 1 --batch 8 --test-batch 8 --steps 5"
cd "$tmp" || exit 99

# -- non-regular targets --------------------------------------------------
# As root, a writer that renames over a device would destroy it: the test
# uses its own device nodes then, never the machine's /dev/null and /dev/full.
if [ "$(id -u)" -eq 0 ] && mknod null c 1 3 && mknod full c 1 7 &&
    echo probe >null 2>/dev/null; then
	null=$tmp/null full=$tmp/full
	run devnull 0 train $Q --csv "$null"
	[ -c "$null" ] || fail "devnull: $null is no longer a device"
else
	null=/dev/null full=/dev/full
fi
run devfull 1 train $Q --csv "$full"
grep -q "cannot write '$full': No space left on device" "$tmp/err" ||
	fail "devfull: message: $(cat "$tmp/err")"
[ -c "$full" ] || fail "devfull: $full is no longer a device"
run save-full 1 train $Q --save "$full"
grep -q "save: cannot write '$full': No space left on device" "$tmp/err" ||
	fail "save-full: message: $(cat "$tmp/err")"
ln -s /proc/self/fd/1 stdout-link
"$MEMSCOPE" train $Q --csv stdout-link >csv-stdout.txt 2>/dev/null ||
	fail "dev-stdout: exit status $?"
head -n 1 csv-stdout.txt | grep -q '^run,step,' ||
	fail "dev-stdout: the CSV did not reach stdout"
[ "$(wc -l <csv-stdout.txt)" -eq 6 ] ||
	fail "dev-stdout: stdout holds more than the CSV (the table too?)"
"$MEMSCOPE" train $Q --csv - 2>/dev/null | head -n 1 | grep -q '^run,step,' ||
	fail "dash: --csv - did not write the CSV to stdout"
ln -s /proc/self/fd/1 fd1link
"$MEMSCOPE" train $Q --csv fd1link 2>/dev/null | grep -q '^run,step,' ||
	fail "fd-link: the CSV did not go through the link to stdout"
[ -L fd1link ] || fail "fd-link: the symlink was replaced"
mkfifo fifo
run fifo-no-reader 1 train $Q --csv fifo
grep -q "no process is reading" "$tmp/err" ||
	fail "fifo-no-reader: message: $(cat "$tmp/err")"
cat fifo >fifo.out &
reader=$!
# the reader must be inside its open of the FIFO before the writer looks for
# one (the kernel's wchan says so; at most 10 s, then go on regardless)
i=0
while [ "$(cat /proc/$reader/wchan 2>/dev/null)" != wait_for_partner ] &&
    [ $i -lt 200 ]; do
	sleep 0.05
	i=$((i + 1))
done
run fifo 0 train $Q --csv fifo
# a writer that never opened the FIFO leaves the reader waiting: end it
(sleep 10 && kill $reader 2>/dev/null) &
watchdog=$!
wait $reader
kill $watchdog 2>/dev/null
[ -p fifo ] || fail "fifo: the FIFO was replaced by a file"
[ "$(wc -l <fifo.out)" -eq 6 ] || fail "fifo: the reader got $(wc -l <fifo.out) lines"
echo keep >real.csv
ln -s real.csv link.csv
run symlink 0 train $Q --csv link.csv
[ -L link.csv ] || fail "symlink: the link became a file"
head -n 1 real.csv | grep -q '^run,step,' || fail "symlink: the target was not written"
mkdir adir
usage directory train $Q --csv adir

# -- the same file, by device and inode -----------------------------------
# same NAME ARGS...: refused up front as the same file
same() {
	usage "$@"
	grep -q "would overwrite\|are the same file" "$tmp/err" ||
		fail "$1: not refused as the same file: $(cat "$tmp/err")"
}
run save 0 train $Q --save v.json
cp v.json v.orig
same same-load eval --load v.json --csv ./v.json
cmp -s v.json v.orig || fail "same-load: the checkpoint changed"
echo "data = iso" >c.ini
same same-config train --config c.ini --json c.ini
[ "$(cat c.ini)" = "data = iso" ] || fail "same-config: c.ini changed"
same same-outputs train $Q --csv ./h.csv --json h.csv
[ -e h.csv ] && fail "same-outputs: h.csv was written"
ln v.json hard.json
same hard-link eval --load v.json --json hard.json
mkdir -p sub
same dotdot train $Q --csv sub/../x.csv --json x.csv
[ -e x.csv ] && fail "dotdot: x.csv was written"
cp "${top_srcdir:-.}/themes/light.theme" my.theme
same same-theme tui --theme ./my.theme --csv my.theme
same two-stdout train $Q --csv - --json -

# -- permissions ----------------------------------------------------------
echo old >mode.csv
chmod 640 mode.csv
run keep-mode 0 train $Q --csv mode.csv
[ "$(stat -c %a mode.csv)" = 640 ] ||
	fail "keep-mode: mode.csv is $(stat -c %a mode.csv), was 640"
if [ "$(id -u)" -eq 0 ]; then
	echo old >owner.csv
	chown 4321:4321 owner.csv
	run keep-owner 0 train $Q --csv owner.csv
	[ "$(stat -c %u:%g owner.csv)" = 4321:4321 ] ||
		fail "keep-owner: owner.csv is $(stat -c %u:%g owner.csv)"
fi
(umask 027 && "$MEMSCOPE" train $Q --csv new.csv --json new.json \
    --save new-save.json >/dev/null 2>&1) || fail "new-mode: train failed"
for f in new.csv new.json new-save.json; do
	[ "$(stat -c %a $f)" = 640 ] ||
		fail "new-mode: $f is $(stat -c %a $f), expected 640 (umask 027)"
done

# -- no temporary left by a fatal signal during a write -------------------
# a 3-million-row --csv takes about a second to write; the signal is sent
# once its temporary holds data (env --default-signal undoes the shell's
# ignoring of SIGINT in background jobs)
BIG="--data iso --dim 1 --context 1 --batch 1 --test-batch 1 --layers 1 --steps 3000000"
mkdir sig
for s in INT TERM HUP PIPE QUIT; do
	rm -f sig/big.csv
	env --default-signal="$s" "$MEMSCOPE" train $BIG --csv sig/big.csv \
	    >/dev/null 2>&1 &
	pid=$!
	n=0
	# a temporary with data in it: the CSV's own (not the up-front
	# probe's, which is empty and gone at once)
	while [ -z "$(find sig -name '.memscope-*' -size +0 2>/dev/null)" ] &&
	    [ $n -lt 4000 ]; do
		sleep 0.005
		n=$((n + 1))
	done
	[ $n -lt 4000 ] || fail "signal $s: the write never started"
	kill -s "$s" $pid
	wait $pid 2>/dev/null
	left=$(ls -a sig | grep -c '^\.memscope-')
	[ "$left" -eq 0 ] && [ ! -e sig/big.csv ] ||
		fail "signal $s: left $left temporaries (big.csv: $(ls sig))"
done

# -- standard output ------------------------------------------------------
rm -f piped.json
"$MEMSCOPE" train $Q --save piped.json 2>/dev/null | true
[ -s piped.json ] || fail "pipe-closed: --save was not written"
"$MEMSCOPE" train $Q >"$full" 2>err.txt
[ $? -eq 1 ] || fail "dev-full-stdout: exit status not 1"
grep -q "cannot write standard output: No space left on device" err.txt ||
	fail "dev-full-stdout: message: $(cat err.txt)"
"$MEMSCOPE" step --load v.json >"$full" 2>err.txt
[ $? -eq 1 ] || fail "step-full-stdout: exit status not 1"
grep -q "step: cannot write standard output: No space left on device" \
    err.txt || fail "step-full-stdout: message: $(cat err.txt)"
"$MEMSCOPE" train $Q >&- 2>err.txt
[ $? -eq 1 ] || fail "closed-stdout: exit status not 1"
grep -q "cannot write standard output" err.txt ||
	fail "closed-stdout: message: $(cat err.txt)"

# -- checked before the work ----------------------------------------------
long=$(printf '%0300d' 0)
usage name-max train $Q --csv "$long.csv"
usage missing-dir train $Q --csv no/such/dir/x.csv
touch afile
usage out-is-file reproduce --figure 1a --steps 1 --out afile
if [ "$(id -u)" -ne 0 ]; then
	mkdir ro && chmod 555 ro
	usage out-unwritable reproduce --figure 1a --steps 1 --out ro/x
fi
usage out-under-file reproduce --figure 1a --steps 1 --out afile/x

[ "$failures" -eq 0 ] || exit 1
echo "$suite: all checks passed"
