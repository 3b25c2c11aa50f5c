#!/usr/bin/env bash
# One BERT training step: ours vs plain PyTorch eager on the same libtorch, and vs TorchSharp 0.107 (its own
# libtorch 2.10), ratios from one run. Before the timings, TorchSharp's logits are checked against PyTorch's on
# the same weights. Thread trap: libtorch's OpenMP pool and OpenBLAS's own threads compete for the cores unless
# OpenBLAS is pinned to one thread; every side gets the same settings here.
# Usage: bash bench/train-step.sh [--sizes mini,base] [--seqs 32,128] [--no-torchsharp] [other TrainStepBench options]
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-2}"
export OPENBLAS_NUM_THREADS=1
args=()
torchsharp=1
for a in "$@"; do
  if [ "$a" = "--no-torchsharp" ]; then torchsharp=0; else args+=("$a"); fi
done
if [ "$torchsharp" = 1 ]; then
  folder="$(bash bench/torchsharp/prepare-native.sh)"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  /usr/bin/python3 bench/torchsharp/logits_reference.py mini "$work"
  echo "TorchSharp vs PyTorch logits, same weights (bert-mini, 4x48 tokens with padding, eval mode):" \
    "$(dotnet "$folder/TorchSharpBert.dll" logits mini "$work")"
  args+=(--torchsharp "$folder")
fi
# BENCH_NO_RESTORE=1 where NuGet cannot restore (deploy/images/test-libtorch2.sh: the suite's build already restored it).
dotnet run ${BENCH_NO_RESTORE:+--no-restore} --project bench/Orchestrator.Bench -c Release -- train-step "${args[@]}"
