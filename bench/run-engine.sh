#!/usr/bin/env bash
# Tensor-engine benchmarks against plain PyTorch on the same libtorch, in one run:
#   (a) per-op overhead: 100k additions of two 16-element tensors;
#   (b) one AdamW step over bert-base-sized parameters (flat buffers vs torch.optim.AdamW, foreach=False).
# Both sides get the same thread settings. Prints seconds and the ratio C# / PyTorch (< 1 = C# faster).
# usage: bench/run-engine.sh [threads (default: nproc)]
set -euo pipefail
cd "$(dirname "$0")/.."
threads="${1:-$(nproc)}"
export OMP_NUM_THREADS="$threads" MKL_NUM_THREADS="$threads" OPENBLAS_NUM_THREADS="$threads"

dotnet build bench/Orchestrator.Bench -c Release -v quiet -nologo >/dev/null
bench_dll="bench/Orchestrator.Bench/bin/Release/net10.0/Orchestrator.Bench.dll"

report() {
  local name="$1" csharp="$2" python="$3"
  /usr/bin/python3 - "$name" "$csharp" "$python" <<'PY'
import json, sys
name, cs, py = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
print(f"{name:<12} C# {cs['seconds']:.4f} s   PyTorch {py['seconds']:.4f} s   ratio C#/PyTorch {cs['seconds'] / py['seconds']:.3f}")
PY
}

echo "threads: $threads"
for bench in op-overhead adamw; do
  csharp="$(dotnet "$bench_dll" engine "$bench")"
  python="$(/usr/bin/python3 bench/engine_reference.py "$bench")"
  report "$bench" "$csharp" "$python"
done
