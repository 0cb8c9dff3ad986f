#!/usr/bin/env bash
# The stream of broadcasts over loopback TCP, rdc against the hand-written
# program, one after the other on the same workload: n processes, K
# broadcasts from node 0. For each it prints the wall time of the whole run,
# deliveries per second per node (K over that time), and for rdc the median
# latency from a broadcast's arrival to its deliveries, the most iterations
# live on a node, and the peak memory of the largest process (for rdc, of
# the largest node, and of the cluster that gathers and reports their
# outputs). The nodes' peaks are read from /proc while they run, in a run
# of their own before the timed ones: polling /proc slowed the nodes by a
# fifth.
#
#   bench/tcp_stream_bench.sh BUILD_DIR PEER_SOURCE [K] [N...]
#   bench/tcp_stream_bench.sh build ../shared/baselines/bracha_tcp.cpp 10000 4 7
#   BOUNDED=1 REPS=5 bench/tcp_stream_bench.sh build ../shared/baselines/bracha_tcp.cpp 10000 4 7
#
# rdc's stream arrives every SPACING µs (default 2, 500,000 a second:
# faster than the nodes go, and than the hand-written program, so that the
# time measured is theirs, not the stream's; each node keeps at most 512
# broadcasts live, the rest wait); the run includes the nodes' start,
# and may last until the last broadcast's arrival plus 30 s (--until).
# BOUNDED=1 runs the same workload written as a bounded box instead
# (examples/rb-bounded, `for: k in 0..K on demand`) with the default flags:
# `rdc-run MODEL -D n=N -D K=K --cluster PEERS`. REPS=R runs each side R
# times, alternately (the machine's speed drifts), and prints every pair.
set -euo pipefail
build=${1:?BUILD_DIR}; peer_source=${2:?PEER_SOURCE}; count=${3:-10000}; shift $(( $# < 3 ? $# : 3 ))
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(4)
spacing=${SPACING:-2}
reps=${REPS:-1}
cd "$(dirname "$0")/.."
run=$build/tools/rdc-run/rdc-run
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
g++ -O2 -std=c++20 -o "$work/peer" "$peer_source"

# Ports below Linux's ephemeral range (32768 on): a node's listening port
# must not be one that an outgoing connection holds (the hand-written
# program's ports are 11000-20015, rdc's 21000-31999).
peers() {  # peers N: a peers file for node[0..N-1] on free-looking ports, distinct (a peers file refuses two alike)
  local base=$((21000 + RANDOM % (11000 - $1)))
  echo "key: $(head -c32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  echo "nodes:"
  for ((i = 0; i < $1; i++)); do echo "  node[$i]: 127.0.0.1:$((base + i))"; done
}

seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }

# nodes_peak PID: while PID runs, the largest peak memory (VmHWM, KiB) of
# its grandchildren (/usr/bin/time's cluster's nodes), polled every tenth
# of a second.
nodes_peak() {
  local most=0 child line
  while kill -0 "$1" 2>/dev/null; do
    for child in $(cat /proc/"$(cat "/proc/$1/task/$1/children" 2>/dev/null | cut -d' ' -f1)"/task/*/children 2>/dev/null); do
      { while read -r line; do
        case $line in VmHWM:*) line=${line#VmHWM:}; line=${line% kB}; ((line > most)) && most=$line ;; esac
      done < "/proc/$child/status"; } 2>/dev/null || true  # (a node that just ended has none)
    done
    sleep 0.1
  done
  echo "$most"
}

rdc_model() {  # rdc_model N: the model and its flags, into the array `model`
  if [ -n "${BOUNDED:-}" ]; then
    model=(examples/rb-bounded/rb-bounded.rdc.yaml -D "n=$1" -D "K=$count" ${SPACING:+-D "spacing=$SPACING"})
  else
    model=(examples/rb-stream/rb-stream.rdc.yaml -D "n=$1" -D "spacing=$spacing" --iterations "$count"
           --max-live 100000 --until "$(( count * spacing / 1000 + 30000 ))ms")
  fi
}

for n in "${sizes[@]}"; do
rdc_model "$n"
peers "$n" > "$work/peers.yaml"
/usr/bin/time -o /dev/null "$run" "${model[@]}" --cluster "$work/peers.yaml" > /dev/null 2>&1 &
node_kib=$(nodes_peak "$!")
wait || true
for ((rep = 0; rep < reps; rep++)); do
  start=$(date +%s%N)
  /usr/bin/time -f "%M" -o "$work/peer.mem" "$work/peer" "$n" "$count" $((11000 + RANDOM % 9000)) > "$work/peer.out" 2>&1 || true
  end=$(date +%s%N)
  peer_s=$(seconds "$start" "$end")
  peers "$n" > "$work/peers.yaml"
  start=$(date +%s%N)
  /usr/bin/time -f "%M" -o "$work/rdc.mem" "$run" "${model[@]}" --cluster "$work/peers.yaml" > "$work/rdc.out" 2>&1 || true
  end=$(date +%s%N)
  rdc_s=$(seconds "$start" "$end")
  checks=$(grep -c ': pass' "$work/rdc.out" || true)
  live=$(sed -n 's/^iterations: [0-9]* (at most \([0-9]*\) live).*/\1/p' "$work/rdc.out")
  cut=$(sed -n 's/^iterations: [0-9]* (at most [0-9]* live), \([0-9]*\) cut off.*/\1/p' "$work/rdc.out")
  # Median of (delivery time - broadcast time) over every delivery, in ms.
  latency=$(sed -n 's/^\(bc\|dlvr\)\[\([0-9]*\)\]\(\[[0-9]*\]\)\{0,1\} = .* @ \(.*\)$/\1 \2 \4/p' "$work/rdc.out" | awk '
    function ms(t) { v = t + 0; if (t ~ /ns$/) return v / 1e6; if (t ~ /us$/) return v / 1e3; if (t ~ /ms$/) return v; return v * 1e3 }
    $1 == "bc" { bc[$2] = ms($3); next }
    { d[++c] = ms($3); k[c] = $2 }
    END { for (i = 1; i <= c; i++) print d[i] - bc[k[i]] }' | sort -g | awk '{ v[NR] = $1 } END { printf "%.2f", NR ? v[int((NR + 1) / 2)] : -1 }')
  printf 'n=%-3d K=%-7d peer %7.3f s %9.0f /s/node %7d KiB | rdc %7.3f s %9.0f /s/node, node %7d KiB, largest process %7d KiB, median latency %s ms, %s live at most, %s cut off, %s checks pass | wall ratio %.1fx\n' \
    "$n" "$count" "$peer_s" "$(awk -v k="$count" -v s="$peer_s" 'BEGIN { print k / s }')" "$(tail -n1 "$work/peer.mem")" \
    "$rdc_s" "$(awk -v k="$count" -v s="$rdc_s" 'BEGIN { print k / s }')" "$node_kib" "$(tail -n1 "$work/rdc.mem")" "$latency" "$live" "$cut" "$checks" \
    "$(awk -v a="$rdc_s" -v b="$peer_s" 'BEGIN { print a / b }')"
done
done
