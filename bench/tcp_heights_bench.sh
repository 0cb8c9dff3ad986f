#!/usr/bin/env bash
# Tendermint with unbounded heights (examples/tendermint-heights) over
# loopback TCP: n processes decide H heights one after the other; prints the
# wall time of the whole run (from start to report), heights decided per
# second and whether the checks pass. The timeouts are real milliseconds:
# the example's defaults (3/2/2 ms) are for the simulator, so the script
# gives each round PROPOSE/VOTE ms (default 20/10) growing by DELTA (5).
#
#   bench/tcp_heights_bench.sh BUILD_DIR [H] [N...]
#   bench/tcp_heights_bench.sh build 200 4 7
set -euo pipefail
build=${1:?BUILD_DIR}; heights=${2:-200}; shift $(( $# < 2 ? $# : 2 ))
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(4)
propose=${PROPOSE:-20}; vote=${VOTE:-10}; delta=${DELTA:-5}
cd "$(dirname "$0")/.."
run=$build/tools/rdc-run/rdc-run
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for n in "${sizes[@]}"; do
  {
    echo "key: $(head -c32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    echo "nodes:"
    for ((i = 0; i < n; i++)); do echo "  node[$i]: 127.0.0.1:$((21000 + RANDOM % 20000))"; done
  } > "$work/peers.yaml"
  start=$(date +%s%N)
  /usr/bin/time -f "%M" -o "$work/rdc.mem" "$run" examples/tendermint-heights/tendermint-heights.rdc.yaml -D "n=$n" \
    -D "timeoutPropose=$propose" -D "timeoutPrevote=$vote" -D "timeoutPrecommit=$vote" -D "timeoutDelta=$delta" \
    --cluster "$work/peers.yaml" --iterations "$heights" --outputs summary --until 600s > "$work/rdc.out" 2>&1 || true
  end=$(date +%s%N)
  seconds=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
  printf 'n=%-3d heights=%-6d wall %7.3f s, %7.1f heights/s, %s cut off, %s checks pass, %d KiB peak\n' "$n" "$heights" \
    "$seconds" "$(awk -v h="$heights" -v s="$seconds" 'BEGIN { print h / s }')" \
    "$(sed -n 's/^iterations: [0-9]* (at most [0-9]* live), \([0-9]*\) cut off.*/\1/p' "$work/rdc.out")" \
    "$(grep -c ': pass' "$work/rdc.out" || true)" "$(tail -n1 "$work/rdc.mem")"
done
