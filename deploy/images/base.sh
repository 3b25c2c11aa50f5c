#!/usr/bin/env bash
# Makes the Debian base image localhost/debian-base:SUITE (bookworm or trixie) once, from debootstrap,
# and keeps it in podman's storage: no container registry is needed. Idempotent (skips an existing image;
# --force rebuilds). Needs root, debootstrap and podman (.ci/install-system-packages installs them).
set -euo pipefail
suite=${1:?usage: base.sh bookworm|trixie [--force]}
force=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
export CONTAINERS_CONF=${CONTAINERS_CONF:-$here/containers.conf}
image=localhost/debian-base:$suite
if [ "$force" != "--force" ] && podman image exists "$image"; then
  echo "base.sh: $image exists"; exit 0
fi
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
rootfs=$(mktemp -d /var/tmp/debian-base-$suite.XXXXXX)
trap 'rm -rf "$rootfs"' EXIT
start=$(date +%s)
# minbase: essential packages and apt only. contrib is enabled because trixie's CUDA libtorch lives there.
debootstrap --variant=minbase --components=main,contrib "$suite" "$rootfs" "$mirror"
# Security and point-release updates, as a Debian machine has them.
cat > "$rootfs/etc/apt/sources.list" <<SOURCES
deb $mirror $suite main contrib
deb $mirror $suite-updates main contrib
deb http://deb.debian.org/debian-security $suite-security main contrib
SOURCES
# Keep images small: no docs, man pages or translations from later apt-get installs.
cat > "$rootfs/etc/dpkg/dpkg.cfg.d/01-nodoc" <<'NODOC'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
NODOC
echo 'Acquire::Languages "none";' > "$rootfs/etc/apt/apt.conf.d/01-nolang"
echo 'APT::Install-Recommends "false"; APT::Install-Suggests "false";' > "$rootfs/etc/apt/apt.conf.d/01-norecommends"
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb
tar -C "$rootfs" -c . | podman import --change 'CMD ["/bin/bash"]' - "$image"
echo "base.sh: $image built in $(( $(date +%s) - start )) s"
