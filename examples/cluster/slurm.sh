#!/usr/bin/env bash
# temper over a fleet on Slurm: an array of 8 tasks, each mining its shard
# (SLURM_ARRAY_TASK_ID, 0 to 7) into node-local scratch, then copying its dataset to shared
# storage with rclone (or cp to a shared file system).
#   sbatch examples/cluster/slurm.sh fleet.toml
# Then, once every task is done:
#   temper report $(for d in "$SHARED"/shard-*; do printf -- '--dataset %s ' "$d"; done) --out "$SHARED/report"
#SBATCH --job-name=temper-fleet
#SBATCH --array=0-7
#SBATCH --cpus-per-task=2
#SBATCH --mem=4G
#SBATCH --time=04:00:00
set -euo pipefail
fleet=${1:?usage: sbatch slurm.sh FLEET.toml}
shared=${SHARED:-$HOME/temper-shared}
scratch=${SCRATCH:-/tmp}/temper-$USER
# The store stays on the node between monthly runs when scratch is persistent: runs are then
# incremental.
temper run "$fleet" --shards 8 --store "$scratch/store" --out "$scratch/reports" --quiet
rm -rf "$scratch/dataset"
temper dataset --store "$scratch/store" --out "$scratch/dataset"
mkdir -p "$shared"
if command -v rclone >/dev/null && [ -n "${RCLONE_REMOTE:-}" ]; then
  rclone sync "$scratch/dataset" "$RCLONE_REMOTE/shard-$SLURM_ARRAY_TASK_ID"
else
  rm -rf "$shared/shard-$SLURM_ARRAY_TASK_ID.tmp"
  cp -r "$scratch/dataset" "$shared/shard-$SLURM_ARRAY_TASK_ID.tmp"
  rm -rf "$shared/shard-$SLURM_ARRAY_TASK_ID"
  mv "$shared/shard-$SLURM_ARRAY_TASK_ID.tmp" "$shared/shard-$SLURM_ARRAY_TASK_ID"
fi
