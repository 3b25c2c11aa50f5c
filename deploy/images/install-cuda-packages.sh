#!/bin/sh
# install-cuda-packages.sh PACKAGE...: apt-get install from Debian 13 main, contrib and non-free (CUDA's
# own libraries are in non-free; contrib's libtorch-cuda depends on them). cuDNN is not a Debian package:
# contrib's nvidia-cudnn downloads it from NVIDIA while it installs. CUDNN=download (the default) does
# that; CUDNN=stub (for machines that reach only Debian's mirror, like our CI) installs an empty
# placeholder instead, so the shim still compiles and links, but the image then lacks libcudnn.so.9 and
# cannot run on a GPU node.
set -eu
sed -i 's/ main contrib$/ main contrib non-free non-free-firmware/' /etc/apt/sources.list
apt-get update
if [ "${CUDNN:-download}" = stub ]; then
  mkdir -p /tmp/cudnn-stub/DEBIAN
  cat > /tmp/cudnn-stub/DEBIAN/control <<CONTROL
Package: nvidia-cudnn
Version: 9.0.0.312+stub
Architecture: amd64
Maintainer: Orchestrator <dev@orchestrator.local>
Description: placeholder for cuDNN, which could not be downloaded when this image was built
CONTROL
  dpkg-deb -b /tmp/cudnn-stub /tmp/nvidia-cudnn-stub.deb >/dev/null
  dpkg -i /tmp/nvidia-cudnn-stub.deb
  apt-mark hold nvidia-cudnn
  rm -rf /tmp/cudnn-stub /tmp/nvidia-cudnn-stub.deb
fi
apt-get install -y --no-install-recommends "$@"
