#!/usr/bin/env bash
# Tensor-engine benchmarks against plain PyTorch on the same libtorch, in one run:
#   (a) per-op overhead: 100k additions of two 16-element tensors;
#   (b) one AdamW step over bert-base-sized parameters (flat buffers vs torch.optim.AdamW, foreach=False).
# Both sides get the same thread settings. Each side runs `repeats` times, alternating, and the best
# time counts (the machine may be shared). Prints seconds and the ratio C# / PyTorch (< 1 = C# faster).
# usage: bench/run-engine.sh [threads (default: nproc)] [repeats (default: 3)]
set -euo pipefail
cd "$(dirname "$0")/.."
threads="${1:-$(nproc)}"
repeats="${2:-3}"
export OMP_NUM_THREADS="$threads" MKL_NUM_THREADS="$threads" OPENBLAS_NUM_THREADS="$threads"

dotnet build bench/Orchestrator.Bench -c Release -v quiet -nologo >/dev/null
bench_dll="bench/Orchestrator.Bench/bin/Release/net10.0/Orchestrator.Bench.dll"

report() {
  local name="$1" csharp="$2" python="$3"
  /usr/bin/python3 - "$name" "$csharp" "$python" <<'PY'
import json, sys
name = sys.argv[1]
cs = min(json.loads(line)["seconds"] for line in sys.argv[2].split())
py = min(json.loads(line)["seconds"] for line in sys.argv[3].split())
print(f"{name:<12} C# {cs:.4f} s   PyTorch {py:.4f} s   ratio C#/PyTorch {cs / py:.3f}")
PY
}

echo "threads: $threads, OMP_WAIT_POLICY: ${OMP_WAIT_POLICY:-default}, best of $repeats"
for bench in op-overhead adamw; do
  csharp="" python=""
  for _ in $(seq "$repeats"); do
    csharp+="$(dotnet "$bench_dll" engine "$bench" | tr -d ' ') "
    python+="$(/usr/bin/python3 bench/engine_reference.py "$bench" | tr -d ' ') "
  done
  report "$bench" "$csharp" "$python"
done
