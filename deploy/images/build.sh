#!/usr/bin/env bash
# deploy/images/build.sh cpu|cuda|libtorch2 [TAG]: builds an Orchestrator image with podman, offline from
# a debootstrap base (base.sh makes it once: localhost/debian-base:bookworm or :trixie). NuGet does not
# work inside an image build (the host's CA bundle is not there), so the .NET side is published here on
# the host and copied in.
#   cpu        localhost/orchestrator:cpu        Debian 12, libtorch 1.13 (CPU), Gloo
#   cuda       localhost/orchestrator:cuda       Debian 13, contrib's CUDA libtorch 2.6, NCCL (large: ~6.5 GB of CUDA;
#              CUDNN=stub where NVIDIA's cuDNN download is unreachable: links, cannot run on a GPU)
#   libtorch2  localhost/orchestrator-dev:libtorch2  Debian 13 toolchain + libtorch 2.6 (CPU) for test-libtorch2.sh
set -euo pipefail
flavour=${1:?usage: build.sh cpu|cuda|libtorch2 [TAG]}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
export CONTAINERS_CONF=${CONTAINERS_CONF:-$here/containers.conf}
case "$flavour" in
  cpu)       suite=bookworm; file=cpu.Containerfile;       tag=${2:-localhost/orchestrator:cpu} ;;
  cuda)      suite=trixie;   file=cuda.Containerfile;      tag=${2:-localhost/orchestrator:cuda} ;;
  libtorch2) suite=trixie;   file=libtorch2.Containerfile; tag=${2:-localhost/orchestrator-dev:libtorch2} ;;
  *) echo "build.sh: unknown flavour '$flavour' (cpu, cuda or libtorch2)" >&2; exit 2 ;;
esac
start=$(date +%s)
"$here/base.sh" "$suite"

ctx=$(mktemp -d /var/tmp/orchestrator-image.XXXXXX)
trap 'rm -rf "$ctx"' EXIT
cp "$here/collect-libs.sh" "$here/install-cuda-packages.sh" "$ctx/"
if [ "$flavour" != libtorch2 ]; then
  # Framework-dependent publish (the runtime is copied below once, shared by nothing else in the image), for
  # linux-x64 only: a portable publish carries every platform's native libraries under runtimes/ (161 MB of the
  # app's 176 MB; this one is 27 MB). For cuda the shim is rebuilt inside the image against the CUDA libtorch:
  # its sources go in too.
  dotnet publish "$repo/src/Coordinator/Orchestrator.Coordinator.csproj" -c Release -r linux-x64 --self-contained false \
    -o "$ctx/app" --nologo -v quiet
  # The .NET runtime the app runs on (the host's: same version the tests ran on), without the SDK.
  dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
  mkdir -p "$ctx/dotnet/shared" "$ctx/dotnet/host"
  cp -a "$dotnet_root/dotnet" "$dotnet_root/LICENSE.txt" "$dotnet_root/ThirdPartyNotices.txt" "$ctx/dotnet/" 2>/dev/null || cp -a "$dotnet_root/dotnet" "$ctx/dotnet/"
  cp -a "$dotnet_root/host/fxr" "$ctx/dotnet/host/"
  for fw in Microsoft.NETCore.App Microsoft.AspNetCore.App; do
    version=$(ls "$dotnet_root/shared/$fw" | grep '^10\.' | sort -V | tail -1)
    mkdir -p "$ctx/dotnet/shared/$fw"
    cp -a "$dotnet_root/shared/$fw/$version" "$ctx/dotnet/shared/$fw/"
  done
  if [ "$flavour" = cuda ]; then cp -a "$repo/src/Torch/native" "$ctx/native"; rm -rf "$ctx/native/build"; fi
fi
build_args=()
if [ "$flavour" = cuda ]; then
  # Both stages install the same ~3 GB of CUDA .debs: download them once into a cache shared by the stages
  # and by later builds. CUDNN=stub where NVIDIA's download server is unreachable (install-cuda-packages.sh).
  mkdir -p /var/cache/orchestrator-apt/trixie/partial
  build_args=(-v /var/cache/orchestrator-apt/trixie:/var/cache/apt/archives --build-arg "CUDNN=${CUDNN:-download}")
fi
podman build --pull=never --layers "${build_args[@]}" -f "$here/$file" -t "$tag" "$ctx"
echo "build.sh: $tag built in $(( $(date +%s) - start )) s; $(podman image inspect "$tag" --format '{{.Size}}' | awk '{printf "%.0f MB", $1/1e6}')"
