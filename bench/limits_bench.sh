#!/usr/bin/env bash
# Time to refuse and peak memory (maximum resident set, from /usr/bin/time -v)
# of the inputs that once ran the tools out of memory or time: absurd
# parameters, huge flat models, nested loops, quadratic checks. Each line:
# case, exit status, seconds, peak MiB, and the first diagnostic.
# Usage: bench/limits_bench.sh [BUILD_DIR]   (not run by the tests)
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
lint=$build/tools/rdc-lint/rdc-lint
run=$build/tools/rdc-run/rdc-run
bracha=examples/bracha/bracha.rdc.yaml
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

flat() {  # flat N: a model of N Sum instances side by side, none nested
  python3 - "$1" <<'EOF'
import sys
n = int(sys.argv[1])
out = ["rdc: 1", "model: flat", "system:", "  body:"]
for i in range(n):
    out.append(f"    - Sum s{i}: {{x: input a{i} -> output a{i}, y: input b{i} -> output c{i}}}")
print("\n".join(out))
EOF
}

measure() {  # measure NAME TOOL ARGS...
  local name=$1
  shift
  /usr/bin/time -v -o "$work/time.txt" "$@" > /dev/null 2> "$work/err.txt"
  local status=$?
  local secs mib
  secs=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$work/time.txt")
  mib=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$work/time.txt")
  printf '%-44s exit %s  %7.2f s  %6s MiB  %s\n' "$name" "$status" "$secs" "$mib" \
    "$(grep -m1 -v '^Command' "$work/err.txt" | cut -c1-150)"
}

flat 1200000 > "$work/flat-1200k.rdc.yaml"
flat 300000 > "$work/flat-300k.rdc.yaml"
cat > "$work/nested.rdc.yaml" <<'EOF'
rdc: 1
model: nested
system:
  body:
    - for: i in 0..100000
      body:
        - for: j in 0..100000
          body:
            - for: k in 0..100000
              body:
                - Sum s[i][j][k]:
                    x: const 1 -> drop
                    y: const 2 -> drop
EOF
cat > "$work/quadratic-check.rdc.yaml" <<'EOF'
rdc: 1
model: quadratic
system:
  body:
    - Sum add:
        x: input a as Int -> output a
        y: input b as Int -> output total
checks:
  quadratic: "forall i in 0..100000: forall j in 0..100000: i + j >= 0 || total == 0"
EOF
sed 's/forall i in 0..100000: forall j in 0..100000:/forall i in 0..a: forall j in 0..a:/' \
  "$work/quadratic-check.rdc.yaml" > "$work/run-quadratic-check.rdc.yaml"

echo "$(du -h "$work/flat-1200k.rdc.yaml" | cut -f1) and $(du -h "$work/flat-300k.rdc.yaml" | cut -f1) flat models"
measure "bracha -D n=3000 --max-lines 1e9" "$lint" $bracha -D n=3000 --max-lines 1000000000 --stats
measure "bracha -D n=100000" "$lint" $bracha -D n=100000 --stats
measure "three nested for 0..100000" "$lint" "$work/nested.rdc.yaml" --stats
measure "flat 1,200,000 instances" "$lint" "$work/flat-1200k.rdc.yaml" --stats
measure "flat 300,000 instances" "$lint" "$work/flat-300k.rdc.yaml" --stats
measure "flat 300,000 instances, --max-memory 512M" "$lint" "$work/flat-300k.rdc.yaml" --stats --max-memory 512M
measure "check forall 0..100000 x 0..100000 (lint)" "$lint" "$work/quadratic-check.rdc.yaml" --stats
measure "check forall 0..a x 0..a, a=100000 (run)" "$run" "$work/run-quadratic-check.rdc.yaml" \
  --input a=100000 --input b=1
