#!/usr/bin/env bash
# Seeds per second of a sweep with --jobs 2 against --jobs 1: the two
# alternate PAIRS times on the same sweep (wall clock, so that a machine
# whose speed drifts moves both), and the median speed-up is printed. The
# outputs of the two are compared too: they must be byte-identical.
# Usage: bench/sweep_jobs_bench.sh [BUILD_DIR] [SEEDS] [PAIRS]   (not run by the tests)
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
seeds=${2:-2000}
pairs=${3:-5}
run=$build/tools/rdc-run/rdc-run
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

wall() {  # wall OUT COMMAND...: seconds of one run, its stdout to OUT
  local out=$1 t0 t1
  shift
  t0=$(date +%s.%N)
  "$@" > "$out" 2> /dev/null < /dev/null
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
}

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

sweep() {  # sweep LABEL COMMAND...: the --jobs 1 and --jobs 2 figures of one sweep
  local label=$1 one two speedups=()
  shift
  for ((k = 0; k < pairs; k++)); do
    one=$(wall "$work/one" "$@" --seeds "0..$((seeds - 1))" --jobs 1)
    two=$(wall "$work/two" "$@" --seeds "0..$((seeds - 1))" --jobs 2)
    cmp -s "$work/one" "$work/two" || { echo "$label: --jobs 2 printed something else than --jobs 1" >&2; exit 1; }
    speedups+=("$(awk -v x="$one" -v y="$two" 'BEGIN { printf "%.2f", x / y }')")
  done
  printf '%-28s --jobs 1 %7.0f seeds/s  --jobs 2 %7.0f seeds/s  speed-up %sx (%s)\n' "$label" \
    "$(awk -v s="$seeds" -v t="$one" 'BEGIN { print s / t }')" "$(awk -v s="$seeds" -v t="$two" 'BEGIN { print s / t }')" \
    "$(printf '%s\n' "${speedups[@]}" | median)" "${speedups[*]}"
}

sweep "bracha n=4" "$run" examples/bracha/bracha.rdc.yaml --latency uniform:1ms..10ms
sweep "bracha n=16" "$run" examples/bracha/bracha.rdc.yaml -D n=16 --latency uniform:1ms..10ms
sweep "tendermint lockRule=0" "$run" examples/tendermint/tendermint.rdc.yaml -D lockRule=0 \
  --faults examples/tendermint/scenarios/lost-lock.yaml
sweep "bracha n=16 pct:3" "$run" examples/bracha/bracha.rdc.yaml -D n=16 --latency uniform:1ms..10ms --strategy pct:3
sweep "bracha n=4 --invariant" "$run" examples/bracha/bracha.rdc.yaml --latency uniform:1ms..10ms --invariant agreement
