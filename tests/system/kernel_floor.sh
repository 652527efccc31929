#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Kernel floor (DESIGN.md §3.8): every program of every build/bpf/*.bpf.o
# passes the verifier of Linux 6.1, Debian 12's kernel, not only of the
# host's -- and so does the tracing load of an object with ovn_trace_on
# (reported as OBJ+trace), which ovnbpfctl trace uses.  Boots /boot/vmlinuz-6.1.* in QEMU (TCG: no KVM needed) with an
# initramfs holding busybox, a static libbpf loader
# (kernel_floor_loader.c) and the objects; no disk, no network.  The guest
# reports on its second serial port, one line per program; its console
# goes to a log shown when something goes wrong.
#
# Environment: FLOOR_KERNEL (a bzImage; default the newest
# /boot/vmlinuz-6.1.*), FLOOR_TIMEOUT (seconds, default 180),
# OVNBPF_BUILDDIR (where bpf/*.bpf.o are).
. "$(dirname "$0")/lib.sh"

timeout_s=${FLOOR_TIMEOUT:-180}
kernel=${FLOOR_KERNEL:-$(compgen -G '/boot/vmlinuz-6.1.*' | sort -V | tail -n 1)}

if [[ -z $kernel || ! -r $kernel ]]; then
    skip "6.1 guest" "no readable /boot/vmlinuz-6.1.* (make deps installs linux-image-amd64 on Debian 12)"
    exit 0
fi
for tool in qemu-system-x86_64 busybox cpio cc; do
    if ! command -v "$tool" >/dev/null; then
        skip "6.1 guest" "$tool is missing (make deps installs it)"
        exit 0
    fi
done
if [[ $(uname -m) != x86_64 ]]; then
    skip "6.1 guest" "the floor VM is x86_64 only"
    exit 0
fi

objs=()
for o in "$B"/bpf/*.bpf.o; do
    [[ -f $o && $o != *.tmp.bpf.o ]] && objs+=("$o")
done
if ((${#objs[@]} == 0)); then
    not_ok "BPF objects built in $B/bpf"
    exit 1
fi

# The kernel must carry BTF: our programs are CO-RE.
config=/boot/config-${kernel#*/vmlinuz-}
if [[ -r $config ]]; then
    check "$(basename "$kernel") is built with BTF" \
        grep -q '^CONFIG_DEBUG_INFO_BTF=y' "$config"
fi

# The loader, static so that the initramfs needs no shared libraries.
loader=$T_DIR/kernel_floor_loader
if ! cc -O2 -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -static \
        "$TOP/tests/system/kernel_floor_loader.c" -lbpf -lelf -lz \
        -o "$loader" 2>"$T_DIR/cc.log"; then
    sed 's/^/#   /' "$T_DIR/cc.log"
    not_ok "static loader builds (libbpf-dev, libelf-dev, zlib1g-dev)"
    exit 1
fi

# What the guest must report: every program of every object, as libbpf
# sees them on the host.
if ! "$loader" --list "${objs[@]}" >"$T_DIR/expected" 2>"$T_DIR/list.err"; then
    sed 's/^/#   /' "$T_DIR/expected" "$T_DIR/list.err"
    not_ok "libbpf opens every object"
fi

# The initramfs: busybox, the loader, the objects, and /init.
root=$T_DIR/root
mkdir -p "$root"/{bin,dev,proc,sys,tmp,objs}
cp "$(command -v busybox)" "$root/bin/busybox"
cp "$loader" "$root/bin/"
cp "${objs[@]}" "$root/objs/"
cat >"$root/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t bpf bpf /sys/fs/bpf
{
    echo "FLOOR kernel $(uname -r)"
    if [ -e /sys/kernel/btf/vmlinux ]; then echo "FLOOR btf yes"; else echo "FLOOR btf no"; fi
    /bin/kernel_floor_loader /objs/*.bpf.o
    echo "FLOOR done rc=$?"
} >/dev/ttyS1 2>&1
sync
poweroff -f
echo o >/proc/sysrq-trigger
EOF
chmod 755 "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet) >"$T_DIR/initramfs.cpio"

# Under TCG, SeaBIOS and decompressing the xz bzImage take 7 of the 12
# seconds a boot costs.  Debian's kernel has CONFIG_PVH, so QEMU boots the
# uncompressed ELF vmlinux directly: the same kernel, entered without
# BIOS or decompressor.  Falls back to the bzImage if extraction fails.
boot_image=$kernel
on_exit rm -f "$T_DIR/vmlinux" "$T_DIR/initramfs.cpio"   # 70 MB, even when kept
xz_off=$(grep -abo $'\xfd7zXZ\x00' "$kernel" 2>/dev/null | head -n 1 | cut -d: -f1)
if [[ -n $xz_off ]] && command -v xz >/dev/null &&
        tail -c +$((xz_off + 1)) "$kernel" | xz -dc 2>/dev/null >"$T_DIR/vmlinux";
        [[ -s $T_DIR/vmlinux ]] && readelf -n "$T_DIR/vmlinux" 2>/dev/null | grep -q Xen; then
    boot_image=$T_DIR/vmlinux
fi

start=$(date +%s%N)
timeout --kill-after=5 "$timeout_s" qemu-system-x86_64 \
    -machine pc -accel tcg,thread=multi -cpu max -m 1G -smp 2 \
    -nodefaults -display none -no-reboot \
    -kernel "$boot_image" -initrd "$T_DIR/initramfs.cpio" \
    -append "console=ttyS0 panic=-1 quiet mitigations=off" \
    -serial "file:$T_DIR/console.log" -serial "file:$T_DIR/floor.log" \
    </dev/null >"$T_DIR/qemu.out" 2>&1
rc=$?
((rc == 124 || rc == 137)) && rc="$rc: killed at FLOOR_TIMEOUT"
ms=$((($(date +%s%N) - start) / 1000000))
secs=$((ms / 1000)).$((ms % 1000 / 100))

console_tail() {
    sed 's/^/#   /' "$T_DIR/qemu.out"
    tail -n 40 "$T_DIR/console.log" 2>/dev/null | tr -d '\r' | sed 's/^/#   console: /'
}

tr -d '\r' <"$T_DIR/floor.log" >"$T_DIR/floor.txt" 2>/dev/null
kver=$(sed -n 's/^FLOOR kernel //p' "$T_DIR/floor.txt" | head -n 1)
if [[ -z $kver ]]; then
    console_tail
    not_ok "6.1 guest boots and runs the loader (qemu status $rc after ${secs}s)"
    exit 1
fi
check "guest kernel $kver has /sys/kernel/btf/vmlinux" grep -qx 'FLOOR btf yes' "$T_DIR/floor.txt"

logs=()
while read -r tag status obj rest; do
    [[ $tag == FLOOR ]] || continue
    case $status in
    log)
        logs+=("${rest#*: }") ;;
    ok)
        prog=${rest%% *}
        detail=${rest#"$prog"}
        ok "$obj/$prog loads on $kver (${detail# })"
        logs=() ;;
    fail)
        prog=${rest%%:*}
        what=$obj/$prog
        [[ $prog == - ]] && what="$obj (the object itself)"
        for l in "${logs[@]}"; do echo "#   $l"; done
        not_ok "$what loads on $kver: ${rest#*: }"
        logs=() ;;
    esac
done <"$T_DIR/floor.txt"

# Every program the host sees must have been reported by the guest.
while read -r obj prog; do
    obj_re=${obj//./\\.}
    obj_re=${obj_re//+/\\+}
    grep -qE "^FLOOR (ok|fail) $obj_re $prog( |:)" "$T_DIR/floor.txt" ||
        not_ok "$obj/$prog: no report from the guest"
done <"$T_DIR/expected"

if grep -q '^FLOOR done' "$T_DIR/floor.txt"; then
    ok "${#objs[@]} object(s) checked on $kver in ${secs}s (boot + load, TCG, $(basename "$boot_image"))"
else
    console_tail
    not_ok "guest loader ran to the end (qemu status $rc after ${secs}s)"
fi
exit "$T_FAILED"
