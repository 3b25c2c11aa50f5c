#!/bin/sh
# collect-libs.sh BASE_LIST DEST FILE...: copies the shared libraries FILE... need (ldd's closure) into
# DEST, under their real paths plus the soname links ldd resolved, leaving out every path listed in
# BASE_LIST (what the base image already has). Runs inside the image build: Debian's libtorch1.13
# package pulls in OpenCV, FFmpeg, Qt and GDAL for Caffe2 parts we never load, but the runtime image
# needs only the libraries the loader actually maps for our shim.
set -eu
base_list=$1; dest=$2; shift 2
ldd "$@" | awk '/=> \// {print $3}' | sort -u | while read -r lib; do
  dir=$(readlink -f "$(dirname "$lib")")            # /lib -> /usr/lib on merged-/usr Debian
  link="$dir/$(basename "$lib")"
  real=$(readlink -f "$lib")
  grep -qxF "$link" "$base_list" && continue
  mkdir -p "$dest$(dirname "$real")"
  cp -p "$real" "$dest$real"
  # The name the loader looks for, pointing at the file (absolute: alternatives such as libblas.so.3
  # resolve into another folder, /usr/lib/x86_64-linux-gnu/openblas-pthread).
  [ "$link" = "$real" ] || { mkdir -p "$dest$(dirname "$link")"; ln -sf "$real" "$dest$link"; }
done
