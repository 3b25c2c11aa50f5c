#!/usr/bin/env bash
# deploy/images/test-libtorch2.sh [--bench] [-- dotnet test arguments]: the whole test suite against
# libtorch 2.6, in a Debian 13 container (localhost/orchestrator-dev:libtorch2, made by build.sh
# libtorch2). Debian 13's libtorch needs glibc 2.38, so it cannot be used on the Debian 12 host.
#
# The working tree is copied to a scratch folder (its bin/, obj/ and the shim's build stay there between
# runs, so the 2.6 shim builds incrementally and never mixes with the host's 1.13 build). NuGet works on
# the host only: packages are restored here, and the container gets the host's .NET SDK and NuGet cache
# read-only, at the same paths. --bench then runs bench/train-step.sh in the container too.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
export CONTAINERS_CONF=${CONTAINERS_CONF:-$here/containers.conf}
image=localhost/orchestrator-dev:libtorch2
scratch=${LIBTORCH2_SCRATCH:-/var/tmp/orchestrator-libtorch2}
bench=no
if [ "${1:-}" = --bench ]; then bench=yes; shift; fi
[ "${1:-}" = -- ] && shift

podman image exists "$image" || "$here/build.sh" libtorch2
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
nuget=${NUGET_PACKAGES:-$HOME/.nuget/packages}

mkdir -p "$scratch/src"
# Everything but build outputs (node_modules of the parity tests included: prepare-test-tools made them).
# Only .NET's bin/ and obj/: node_modules keeps its own bin/ folders (onnxruntime's native binding lives in one).
tar -C "$repo" --exclude=./.git --exclude='*/bin/Release' --exclude='*/bin/Debug' --exclude='*/obj' --exclude=./src/Torch/native/build \
    --exclude=./runs --exclude='*/TestResults' -cf - . | tar -C "$scratch/src" -xf -
dotnet restore "$scratch/src/Orchestrator.sln" --nologo -v quiet

# kubectl for tests/Deploy.Tests: the pinned static binary .ci/prepare-test-tools fetches, else the machine's.
kubectl="$repo/tests/Deploy.Tests/tools/bin/kubectl"
[ -x "$kubectl" ] || kubectl=$(command -v kubectl)
run() {
  podman run --rm --pull=never --network none --shm-size 1g -v "$(readlink -f "$kubectl"):/usr/local/bin/kubectl:ro" \
    -v "$dotnet_root:$dotnet_root:ro" -v "$nuget:$nuget:ro" -e NUGET_PACKAGES="$nuget" \
    -e DOTNET_ROOT="$dotnet_root" -e PATH="$dotnet_root:/usr/local/bin:/usr/bin:/bin" \
    -v "$scratch/src:$scratch/src" -w "$scratch/src" "$image" "$@"
}
run sh -c 'python3 -c "import torch; print(\"PyTorch\", torch.__version__)"; dotnet --version'
run dotnet test Orchestrator.sln -c Release --no-restore "$@"
if [ "$bench" = yes ]; then
  # Ours against PyTorch 2.6 on the same libtorch; TorchSharp (its own libtorch, patched with patchelf) is the host bench's peer.
  run env BENCH_NO_RESTORE=1 bash bench/train-step.sh --no-torchsharp --sizes mini,base --seqs 32,128
fi
