#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# scripts/deps.sh: install every Debian package the build, the tests and the
# demo need.  Idempotent and quick: apt-get runs only when something is
# missing.  Needs root when it has something to install.
set -euo pipefail

PKGS=(
    # build
    make gcc clang llvm libbpf-dev libelf-dev zlib1g-dev libjansson-dev
    bpftool pkg-config libclang-rt-14-dev
    # tests and demo: namespaces, traffic, a real OVN central
    iproute2 iputils-ping netcat-openbsd procps psmisc xz-utils python3 bc
    iperf3  # tests/bench/run.sh (make bench)
    ovn-central ovn-host openvswitch-common
    # kernel floor (tests/system/kernel_floor.sh): Debian 12's 6.1 kernel
    # booted under QEMU with a busybox initramfs
    qemu-system-x86 linux-image-amd64 busybox-static cpio
)

missing=()
for p in "${PKGS[@]}"; do
    st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [[ $st == installed ]] || missing+=("$p")
done
((${#missing[@]})) || exit 0

echo "deps: installing ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
    echo "deps: need root to install packages (run 'sudo make deps')" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
