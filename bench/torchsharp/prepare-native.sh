#!/usr/bin/env bash
# Builds bench/TorchSharpBert and makes TorchSharp 0.107's native library load on Debian 12 (GLIBCXX 3.4.30),
# by patching the copy in the bench's own output folder (never the NuGet cache):
#  1. mark libLibTorchSharp.so's requirement of GLIBCXX_3.4.32 weak (weak_version.py: an ELF edit);
#  2. build libios_base_library_init.so, which defines the one symbol it needs from that version;
#  3. patchelf: make libLibTorchSharp.so depend on that library, found next to it (its RUNPATH has $ORIGIN).
# Prints the output folder. Idempotent: a rebuild copies the original library back, and it is patched again.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v patchelf >/dev/null || ! command -v cc >/dev/null; then
  echo "installing patchelf and a C compiler (apt)" >&2
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq patchelf gcc >&2
fi
dotnet build bench/TorchSharpBert -c Release -v quiet -nologo >&2
out="bench/TorchSharpBert/bin/Release/net10.0/linux-x64"
lib="$out/libLibTorchSharp.so"
[ -f "$lib" ] || { echo "no $lib after the build" >&2; exit 1; }
# (Captured first: `grep -q` in a pipeline under pipefail would fail the pipeline by closing it early.)
needs="$(objdump -T "$lib")"
has="$(strings -a "$(/sbin/ldconfig -p | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}')")"
if grep -q 'GLIBCXX_3\.4\.32' <<<"$needs" && ! grep -qx 'GLIBCXX_3\.4\.32' <<<"$has"; then
  cc -shared -fPIC -O2 -o "$out/libios_base_library_init.so" bench/torchsharp/ios_base_library_init.c
  needed="$(patchelf --print-needed "$lib")"
  if ! grep -qx libios_base_library_init.so <<<"$needed"; then
    python3 bench/torchsharp/weak_version.py "$lib" GLIBCXX_3.4.32 >&2
    patchelf --add-needed libios_base_library_init.so "$lib"
  fi
fi
echo "$out"
