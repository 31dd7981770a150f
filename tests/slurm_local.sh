# A single-node Slurm on this machine for the tests (sourced, not run):
# munged, slurmctld and slurmd of Debian's slurm-wlm and munge, run in the
# foreground (-D / -F) in the background of the test, every file of theirs
# (key, sockets, state, spool, pid files, logs, slurm.conf) in one scratch
# directory, no systemd, cgroups or accounting. The clients (sinfo, sbatch,
# squeue) find it by SLURM_CONF, which slurm_start exports.
#
#   slurm_start DIR   start it, wait until the node is idle; 0, or 77 with
#                     one line in $slurm_why when a daemon cannot be started
#   slurm_stop        stop the daemons this started (every exit path: call
#                     it from the script's EXIT trap); idempotent
#   slurm_logs        print the daemons' logs (after a failure)

slurm_pids=""
slurm_dir=""
slurm_why=""

# slurm_skip REASON: say why no Slurm could be had, stop what started
slurm_skip() {
	slurm_why=$1
	slurm_stop
	return 77
}

# slurm_port: a TCP port on 127.0.0.1 that nothing listens on now
slurm_port() {
	if command -v python3 >/dev/null 2>&1; then
		python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
	else
		echo $((20000 + ($$ * 7 + ${1:-0}) % 20000))
	fi
}

# slurm_wait_file FILE SECONDS PID: FILE exists before SECONDS pass and
# while PID lives
slurm_wait_file() {
	n=$(($2 * 10))
	while [ ! -e "$1" ]; do
		kill -0 "$3" 2>/dev/null || return 1
		n=$((n - 1))
		[ "$n" -gt 0 ] || return 1
		sleep 0.1
	done
}

slurm_start() {
	slurm_dir=$1
	for c in munged slurmctld slurmd sinfo sbatch squeue scontrol; do
		command -v "$c" >/dev/null 2>&1 ||
			PATH=$PATH:/usr/sbin:/sbin command -v "$c" >/dev/null 2>&1 ||
			{ slurm_skip "no $c (apt-get install slurm-wlm munge)"; return; }
	done
	PATH=$PATH:/usr/sbin:/sbin
	[ "$(id -u)" -eq 0 ] ||
		{ slurm_skip "not root: cannot run slurmd and munged here"; return; }
	mkdir -p "$slurm_dir/munge" "$slurm_dir/state" "$slurm_dir/spool" \
	    "$slurm_dir/log" || return 1
	chmod 755 "$slurm_dir/munge"

	# munge: its own key, socket, pid, seed and log files
	m=$slurm_dir/munge
	if command -v mungekey >/dev/null 2>&1; then
		mungekey -c -k "$m/munge.key" 2>"$slurm_dir/log/mungekey.log"
	fi
	[ -s "$m/munge.key" ] ||
		dd if=/dev/urandom of="$m/munge.key" bs=1024 count=1 2>/dev/null
	chmod 400 "$m/munge.key"
	munged -F -f --key-file="$m/munge.key" --socket="$m/munge.socket" \
	    --pid-file="$m/munged.pid" --seed-file="$m/munged.seed" \
	    --log-file="$slurm_dir/log/munged.log" \
	    >>"$slurm_dir/log/munged.log" 2>&1 &
	slurm_pids="$slurm_pids $!"
	slurm_wait_file "$m/munge.socket" 10 $! ||
		{ slurm_skip "munged did not start: $(tail -n 1 \
		    "$slurm_dir/log/munged.log")"; return; }

	host=$(hostname -s 2>/dev/null || uname -n)
	cpus=$(nproc)
	# memory: 3/4 of this machine's, so that slurmd never finds less
	mem=$(awk '/^MemTotal:/ { m = int($2 / 1024 * 3 / 4) }
	    END { print (m > 100 ? m : 100) }' /proc/meminfo 2>/dev/null)
	ctld_port=$(slurm_port 1)
	slurmd_port=$(slurm_port 2)
	while [ "$slurmd_port" = "$ctld_port" ]; do
		slurmd_port=$(slurm_port 3)
	done
	export SLURM_CONF="$slurm_dir/slurm.conf"
	cat >"$SLURM_CONF" <<EOF
ClusterName=memscope-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$m/munge.socket
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
SchedulerParameters=batch_sched_delay=0
ReturnToService=2
MailProg=/bin/true
StateSaveLocation=$slurm_dir/state
SlurmdSpoolDir=$slurm_dir/spool
SlurmctldPidFile=$slurm_dir/slurmctld.pid
SlurmdPidFile=$slurm_dir/slurmd.pid
SlurmctldLogFile=$slurm_dir/log/slurmctld.log
SlurmdLogFile=$slurm_dir/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=${mem:-100} State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
	slurmctld -D -c -f "$SLURM_CONF" >>"$slurm_dir/log/slurmctld.out" 2>&1 &
	slurm_pids="$slurm_pids $!"
	slurmd -D -f "$SLURM_CONF" -N "$host" \
	    >>"$slurm_dir/log/slurmd.out" 2>&1 &
	slurm_pids="$slurm_pids $!"

	# the node idle within 60 s
	n=600
	while :; do
		state=$(sinfo -h -N -n "$host" -o %t 2>/dev/null)
		case $state in idle) break ;; esac
		n=$((n - 1))
		if [ "$n" -le 0 ]; then
			slurm_logs >&2
			slurm_skip "the node never became idle (sinfo: ${state:-no answer})"
			return
		fi
		sleep 0.1
	done
	return 0
}

slurm_stop() {
	[ -n "$slurm_pids" ] || return 0
	for p in $slurm_pids; do
		kill "$p" 2>/dev/null
	done
	# slurmctld saves its state and slurmd ends its steps: 10 s at most
	n=100
	for p in $slurm_pids; do
		while kill -0 "$p" 2>/dev/null && [ "$n" -gt 0 ]; do
			n=$((n - 1))
			sleep 0.1
		done
		kill -9 "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	slurm_pids=""
}

# (a daemon's .out holds what it said before its log file was open)
slurm_logs() {
	for f in "$slurm_dir"/log/*; do
		[ -s "$f" ] || continue
		case $f in *.out) [ -s "${f%.out}.log" ] && continue ;; esac
		echo "---- $f (last 40 lines)"
		tail -n 40 "$f"
	done
}
