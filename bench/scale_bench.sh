#!/usr/bin/env bash
# The scale figures: Bracha seed sweeps with checks (n = 4, 16, 64), one
# n = 256 run, and `rdc-lint -D n=256`; CPU seconds (user + system) and peak
# MiB of each. Given a hand-written simulation of the same workload (a
# program taking `N SEEDS LO_US HI_US`), each rdc figure is paired with it:
# the two alternate PAIRS times and the median CPU ratio is printed, which
# holds on a machine whose speed drifts.
# Usage: bench/scale_bench.sh [BUILD_DIR] [PEER_PROGRAM] [PAIRS]   (not run by the tests)
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
peer=${2:-}
pairs=${3:-3}
run=$build/tools/rdc-run/rdc-run
lint=$build/tools/rdc-lint/rdc-lint
model=examples/bracha/bracha.rdc.yaml
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cpu() {  # cpu COMMAND...: "SECONDS MIB" of one run
  /usr/bin/time -f "%U %S %M" -o "$work/t" "$@" > /dev/null 2>&1 < /dev/null
  awk '{ printf "%.3f %.1f", $1 + $2, $3 / 1024 }' "$work/t"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

compare() {  # compare LABEL "PEER ARGS" RDC COMMAND...
  local label=$1 peerArgs=$2 a am b bm ratios=()
  shift 2
  for ((k = 0; k < pairs; k++)); do
    read -r a am <<< "$(cpu "$@")"
    if [[ -n $peer && -n $peerArgs ]]; then
      read -r b bm <<< "$(cpu "$peer" $peerArgs)"
      ratios+=("$(awk -v x="$a" -v y="$b" 'BEGIN { printf "%.2f", x / (y > 0.001 ? y : 0.001) }')")
    fi
  done
  printf '%-26s rdc %7.3f s %7.1f MiB' "$label" "$a" "$am"
  if ((${#ratios[@]})); then
    printf ' | peer %7.3f s %6.1f MiB | ratio %sx (%s)' "$b" "$bm" "$(printf '%s\n' "${ratios[@]}" | median)" "${ratios[*]}"
  fi
  printf '\n'
}

lat=(--latency uniform:1ms..10ms)
compare "n=4, 20000 seeds" "4 20000 1000 10000" "$run" "$model" "${lat[@]}" --seeds 0..19999
compare "n=16, 2000 seeds" "16 2000 1000 10000" "$run" "$model" -D n=16 "${lat[@]}" --seeds 0..1999
compare "n=64, 100 seeds" "64 100 1000 10000" "$run" "$model" -D n=64 "${lat[@]}" --seeds 0..99
compare "n=256, one run" "256 1 1000 10000" "$run" "$model" -D n=256 "${lat[@]}" --seed 1
compare "rdc-lint -D n=256" "" "$lint" "$model" -D n=256 -o /dev/null
