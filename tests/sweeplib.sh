# Shared by the sweep engine tests (sourced after tests/clilib.sh): the
# small grid they all run and a clock for their timings.

# sweep_grid FILE: 2 kappas x 2 depths x 2 seeds, 8 jobs of about 0.3 s
# each on one thread (long enough that a run can be killed half-way)
sweep_grid() {
	cat >"$1" <<EOG
# issue 17's engine tests: kappa x L, 2 seeds
kappa = 2, 10
layers = 1, 2
seeds = 2
dim = 5
steps = ${sweep_steps:-2000}
EOG
}

# now: seconds since the epoch, with fractions; since T: seconds from T
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# sweep_results DIR: how many results (ID.json, not temporaries) DIR holds
sweep_results() {
	ls "$1/results" 2>/dev/null | grep -c '^[0-9a-f]\{16\}\.json$'
}
