#!/usr/bin/env bash
# One BERT training step, ours vs plain PyTorch eager on the same libtorch, ratios from one run.
# Thread trap: libtorch's OpenMP pool and OpenBLAS's own threads compete for the cores unless OpenBLAS is
# pinned to one thread; both sides get the same settings here.
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-2}"
export OPENBLAS_NUM_THREADS=1
dotnet run --project bench/Orchestrator.Bench -c Release -- train-step "$@"
