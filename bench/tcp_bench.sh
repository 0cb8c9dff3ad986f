#!/usr/bin/env bash
# Runs over TCP, measured: wall time of a whole cluster (start to merged
# report, including 0.3 s of start-up), and from the nodes' own counts the
# frames, deliveries and bytes they sent (deliveries per frame is the
# batching). Usage: bench/tcp_bench.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
run=${1:-build}/tools/rdc-run/rdc-run
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

peers() {  # peers N: a peers file for node[0..N-1] on free-looking ports
  echo "key: $(head -c32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  echo "nodes:"
  for ((i = 0; i < $1; i++)); do echo "  node[$i]: 127.0.0.1:$((21000 + RANDOM % 20000))"; done
}

measure() {  # measure NAME N MODEL ARGS...
  local name=$1 n=$2 model=$3
  shift 3
  peers "$n" > "$work/peers.yaml"
  rm -rf "$work/run.trace" "$work/run.trace.nodes"
  local start end
  start=$(date +%s%N)
  "$run" "$model" --cluster "$work/peers.yaml" --trace "$work/run.trace" "$@" > "$work/out.txt" || true
  end=$(date +%s%N)
  local checks
  checks=$(grep -c ': pass' "$work/out.txt" || true)
  cat "$work"/run.trace.nodes/*.log | awk -v name="$name" -v ms=$(( (end - start) / 1000000 )) -v checks="$checks" '
    /^tcp / { frames += $5; deliveries += $7; bytes += $9 }
    END { printf "%-30s %6d ms  %6d frames  %7d deliveries  %4.1f per frame  %8d bytes  %s checks pass\n",
          name, ms, frames, deliveries, deliveries / (frames ? frames : 1), bytes, checks }'
}

measure "bracha n=4" 4 examples/bracha/bracha.rdc.yaml
measure "bracha n=7" 7 examples/bracha/bracha.rdc.yaml -D n=7
measure "bracha n=16" 16 examples/bracha/bracha.rdc.yaml -D n=16
measure "tendermint n=4, 10 heights" 4 examples/tendermint/tendermint.rdc.yaml -D heights=10
measure "tendermint n=7, 3 heights" 7 examples/tendermint/tendermint.rdc.yaml -D n=7
