#!/usr/bin/env bash
# T5 with the t5-small shape, ours vs plain PyTorch eager on the same libtorch, ratios from one run:
#   bash bench/t5.sh train-step [--batch 8 --source 128 --target 32 --steps 3 --rounds 2]
#   bash bench/t5.sh generate   [--batch 8 --source 128 --new-tokens 32 --beams 1,4 --repeats 2 --rounds 2]
# Both sides get the same threads (see train-step.sh for the OpenMP/OpenBLAS thread trap).
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-2}"
export OPENBLAS_NUM_THREADS=1
verb="${1:?usage: bash bench/t5.sh train-step|generate [options]}"
shift
dotnet run --project bench/Orchestrator.Bench -c Release -- "t5-$verb" "$@"
