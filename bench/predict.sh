#!/usr/bin/env bash
# orchestrator predict's pipelines vs the PyTorch reference pipelines (tests/parity/pipeline_reference.py):
# texts/s on the same model, texts and threads, ratios from one run. Options pass through, e.g.
#   bash bench/predict.sh --size mini --texts 256 --batches 1,32 --kind token --strategy simple
# Thread trap: libtorch's OpenMP pool and OpenBLAS's own threads compete for the cores unless OpenBLAS is
# pinned to one thread; both sides get the same settings here.
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-2}"
export OPENBLAS_NUM_THREADS=1
dotnet run --project bench/Orchestrator.Bench -c Release -- predict "$@"
