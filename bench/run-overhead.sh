#!/usr/bin/env bash
# Whole-run throughput (`orchestrator train` from start to finish: data, tokenization, evaluation,
# checkpoints, logs) against the bare training steps over the same batches, in one process.
# Usage: bash bench/run-overhead.sh [epochs=2] [workers=1]
set -euo pipefail
cd "$(dirname "$0")/.."
export OPENBLAS_NUM_THREADS=1
dotnet build bench/Orchestrator.Bench -c Release -v quiet -nologo >/dev/null
dotnet bench/Orchestrator.Bench/bin/Release/net10.0/Orchestrator.Bench.dll run-overhead "${1:-2}" "${2:-1}"
