#!/bin/bash
# A seed sweep as a Slurm job array: each array task runs one shard of the
# seeds and writes its JSON summary to a shared directory; merge them once
# every task is done (docs/tools.md, "Many seeds").
#
#   sbatch examples/sweeps/slurm-sweep.sh
#   sbatch --dependency=afterany:JOBID --wrap 'rdc-run --merge results/shard-*.json > results/summary.txt'
#
#SBATCH --job-name=rdc-sweep
#SBATCH --array=0-63
#SBATCH --cpus-per-task=4
#SBATCH --time=01:00:00
#SBATCH --output=results/slurm-%A_%a.log
set -uo pipefail

# The model and scenario under test; every task must run the same command.
model=examples/tendermint/tendermint.rdc.yaml
scenario=examples/tendermint/scenarios/lost-lock.yaml

mkdir -p results
rdc-run "$model" -D lockRule=0 --faults "$scenario" \
  --seeds 0..999999 --shard "$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT" \
  --jobs "${SLURM_CPUS_PER_TASK:-1}" --json > "results/shard-$SLURM_ARRAY_TASK_ID.json"
status=$?
# 0: every seed passed, 1: some failed (both leave a summary to merge), 2: bad input.
[ "$status" -le 1 ] || exit "$status"
