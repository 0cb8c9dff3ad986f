#!/usr/bin/env bash
# The cost of signatures' proofs over loopback TCP: a stream of K broadcasts
# from node 0, each value signed by node 0 (`sign(x)`), broadcast, echoed by
# every node to every node and taken by a quorum, then accepted only if node
# 0 signed it; against the same model without signatures (the value itself,
# accepted as it is). Signed, every broadcast costs one Ed25519 signature
# and, on each node but node 0 (which knows its own proofs), one
# verification (the other copies of the same signed value are remembered),
# and each of its n + n² deliveries carries a 64-byte proof. Prints the wall time of each whole --cluster run (the
# nodes' start included) and the ratio, over R runs each, side by side.
#
#   bench/tcp_signed_bench.sh BUILD_DIR [K] [N] [R]
#   bench/tcp_signed_bench.sh build 5000 4 3
set -euo pipefail
build=${1:?BUILD_DIR}; count=${2:-5000}; n=${3:-4}; runs=${4:-3}
spacing=${SPACING:-20}
run=$(cd "$build" && pwd)/tools/rdc-run/rdc-run
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

model() {  # model SIGN WHEN PAYLOAD
  cat <<EOF
rdc: 1
model: signed-stream
params:
  n: 4
  f: (n - 1) / 3
  spacing: 100    # microseconds between broadcasts
domains:
  node: n
use: [std]
system:
  body:
    - for: k in 0..
      body:
        - Fn seal[k] @ node[0]:
            expr: "$1"
            x: input bc[k] as Int = k at k * spacing * 1us @ node[0] -> drop
            r: choose -> sealed[k]
        - WB<n> send[k] @ node[0]:
            bc: sealed[k] -> drop
            dlvr[j]: choose -> got[k][j]
        - for: j in 0..n
          body:
            - WB<n> echo[k][j] @ node[j]:
                bc: got[k][j] -> drop
                dlvr[i]: choose -> echoes[k][j][i]
        - for: i in 0..n
          body:
            - StrongQuorum<n, f> quorum[k][i] @ node[i]:
                votes: echoes[k][*][i] -> drop
                value: choose -> agreed[k][i]
            - Filter accept[k][i] @ node[i]:
                when: "$2"
                expr: "$3"
                s: agreed[k][i] -> drop
                r: choose -> output dlvr[k][i]
EOF
}
model "sign(x)" "signedBy(s, 0)" "payload(s)" > "$work/signed.rdc.yaml"
model "x" "true" "s" > "$work/plain.rdc.yaml"

peers() {  # a peers file for node[0..n-1] on free-looking ports
  echo "key: $(head -c32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  echo "nodes:"
  for ((i = 0; i < n; i++)); do echo "  node[$i]: 127.0.0.1:$((21000 + RANDOM % 20000))"; done
}

one() {  # one VARIANT: the wall time of one cluster run, in s
  peers > "$work/peers.yaml"
  local start end
  start=$(date +%s%N)
  "$run" "$work/$1.rdc.yaml" -D "n=$n" -D "spacing=$spacing" --cluster "$work/peers.yaml" --iterations "$count" \
    --max-live 100000 --outputs summary --until "$((count * spacing / 1000 + 30000))ms" > "$work/$1.out" 2>&1 || {
    cat "$work/$1.out" >&2
    exit 1
  }
  end=$(date +%s%N)
  grep -q " 0 cut off" "$work/$1.out" || { echo "$1: iterations cut off" >&2; cat "$work/$1.out" >&2; exit 1; }
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'
}

for ((r = 1; r <= runs; r++)); do
  plain=$(one plain)
  signed=$(one signed)
  printf 'n=%d K=%d run %d: unsigned %7.3f s | signed %7.3f s | ratio %.2fx\n' "$n" "$count" "$r" "$plain" "$signed" \
    "$(awk -v a="$signed" -v b="$plain" 'BEGIN { print a / b }')"
done
