#!/usr/bin/env bash
# A stream of K Bracha reliable broadcasts (one every 100 us, from node 0) in one
# run: rdc-run on examples/rb-stream against the hand-written peer beside this
# script (rb_stream_peer.cpp), same n, K, latency (uniform 1..10 ms) and seed.
# Prints for each the CPU seconds (user + sys), the peak KiB and the broadcasts
# per CPU second, then the CPU ratio rdc/peer.
#
#   bench/stream_bench.sh BUILD_DIR [K] [N]     # BUILD_DIR relative to the project root; K 100000, N 4
#
# Exits 2 if the peer does not compile or rdc-run fails (e.g. the model is missing),
# 1 if the peer reports an agreement/validity violation. Not run by the tests.
set -u
cd "$(dirname "$0")/.."
if (($# < 1)); then echo "usage: bench/stream_bench.sh BUILD_DIR [K] [N]" >&2; exit 2; fi
build=$1; K=${2:-100000}; N=${3:-4}
run=$build/tools/rdc-run/rdc-run
model=examples/rb-stream/rb-stream.rdc.yaml
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
g++ -O2 -std=c++20 -o "$work/rb_stream_peer" bench/rb_stream_peer.cpp || { echo "stream_bench: the peer does not compile" >&2; exit 2; }


# cpu NAME COMMAND...: runs it, output to $work/NAME.out/.err; sets rc, secs, kib.
cpu() {
  local name=$1; shift
  /usr/bin/time -f "%U %S %M" -o "$work/$name.t" "$@" >"$work/$name.out" 2>"$work/$name.err" </dev/null
  rc=$?
  read -r secs kib <<<"$(tail -n 1 "$work/$name.t" | awk '{ printf "%.3f %d", $1 + $2, $3 }')"
}
report() {  # report LABEL: one line from secs, kib
  printf '%-6s %8.3f s CPU %9d KiB peak %12s broadcasts/CPU s\n' "$1" "$secs" "$kib" \
    "$(awk -v k="$K" -v s="$secs" 'BEGIN { printf "%.0f", k / (s > 0.001 ? s : 0.001) }')"
}

echo "n=$N, K=$K broadcasts, every 100 us, latency uniform 1..10 ms, seed 1"
if [[ ! -x $run ]]; then echo "stream_bench: no rdc-run at $run (build it first)" >&2; exit 2; fi
cpu rdc "$run" "$model" -D "n=$N" --latency uniform:1ms..10ms --seed 1 --iterations "$K" --outputs summary
if ((rc != 0)); then
  echo "stream_bench: rdc-run failed (exit $rc); no rdc figures. Its last words:" >&2
  tail -n 5 "$work/rdc.err" >&2
  exit 2
fi
report rdc; a=$secs

cpu peer "$work/rb_stream_peer" "$N" "$K" 100 1000 10000 1
if ((rc != 0)); then echo "stream_bench: the peer failed (exit $rc): $(cat "$work/peer.err")" >&2; exit 1; fi
report peer; b=$secs
echo "peer:  $(cat "$work/peer.out")"
awk -v x="$a" -v y="$b" 'BEGIN { printf "cpu ratio rdc/peer %.2fx\n", x / (y > 0.001 ? y : 0.001) }'
