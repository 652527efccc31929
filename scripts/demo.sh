#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# scripts/demo.sh start|stop: the local ovnbpf demo (`make demo`).
#
# start: a private OVN central (NB, SB, ovn-northd) under $DEMO_DIR
#        (default /tmp/ovnbpf-demo), a logical switch "demo-ls" with two
#        ports, two network namespaces as pods (demo-pod1, demo-pod2) on veth
#        pairs, and ovnbpfd as this node's chassis, its maps pinned under
#        /sys/fs/bpf/ovnbpf-demo.
# stop:  removes all of it (only what start created).
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
TOP=$PWD
D=${DEMO_DIR:-/tmp/ovnbpf-demo}
PIN=/sys/fs/bpf/ovnbpf-demo
B=${OVNBPF_BUILDDIR:-$TOP/build}

stop() {
    if [[ -s $D/ovnbpfd.pid ]] && kill -0 "$(<"$D/ovnbpfd.pid")" 2>/dev/null; then
        kill "$(<"$D/ovnbpfd.pid")" 2>/dev/null || true
        sleep 0.5
    fi
    for p in demo-pod1 demo-pod2; do
        ip netns del "$p" 2>/dev/null || true
        ip link del "veth-${p#demo-}" 2>/dev/null || true
    done
    [[ -d $D ]] && "$TOP/scripts/ovn-local.sh" stop "$D/ovn"
    rm -rf "$PIN"
    echo "demo stopped"
}

start() {
    [[ $(id -u) -eq 0 ]] || { echo "the demo needs root (namespaces, BPF)" >&2; exit 1; }
    stop >/dev/null 2>&1 || true
    rm -rf "$D"; mkdir -p "$D"
    "$TOP/scripts/ovn-local.sh" start "$D/ovn"
    # shellcheck disable=SC1091
    . "$D/ovn/env.sh"
    ovn-nbctl ls-add demo-ls
    i=0
    for p in demo-pod1 demo-pod2; do
        i=$((i + 1))
        mac=00:00:00:00:0d:0$i ip=10.0.0.1$i
        ovn-nbctl lsp-add demo-ls "$p" -- lsp-set-addresses "$p" "$mac $ip" \
            -- lsp-set-port-security "$p" "$mac $ip"
        ip netns add "$p"
        ip link add "veth-${p#demo-}" type veth peer name eth0 netns "$p"
        ip -n "$p" link set eth0 address "$mac"
        ip -n "$p" addr add "$ip/24" dev eth0
        ip -n "$p" link set eth0 up
        ip -n "$p" link set lo up
        ip link set "veth-${p#demo-}" up
    done
    "$B/ovnbpfd" --ovnsb-db="$OVN_SB_DB" --chassis-name=demo-chassis \
        --encap-ip=127.0.0.1 --bpffs-dir="$PIN" --state-dir="$D/state" \
        --log-file="$D/ovnbpfd.log" --pidfile="$D/ovnbpfd.pid" --detach
    for _ in $(seq 50); do [[ -s $D/ovnbpfd.pid ]] && break; sleep 0.1; done
    CTL=("$B/ovnbpfctl" --state-dir="$D/state" --bpffs-dir="$PIN")
    for p in demo-pod1 demo-pod2; do
        "${CTL[@]}" bind "veth-${p#demo-}" "$p"
    done
    # --wait=hv returns once ovnbpfd has acknowledged the NB configuration.
    ovn-nbctl --timeout=20 --wait=hv sync
    echo
    echo "== ovn-sbctl show (ovnbpfd is the chassis)"
    ovn-sbctl show
    echo "== logical ports up (claimed by ovnbpfd)"
    for p in demo-pod1 demo-pod2; do echo "  $p: $(ovn-nbctl lsp-get-up "$p")"; done
    echo "== ovnbpfctl show"
    "${CTL[@]}" show
    echo "== demo-pod1 pings demo-pod2 through ovnbpf"
    ip netns exec demo-pod1 ping -c 1 -W 2 10.0.0.12 ||
        echo "   (no reply: see '${CTL[*]} drops' and $D/ovnbpfd.log)"
    cat <<MSG

ovnbpf demo is running.
  OVN central:  NB $OVN_NB_DB, SB $OVN_SB_DB (logs in $D/ovn)
  topology:     logical switch demo-ls, ports demo-pod1 (10.0.0.11) and
                demo-pod2 (10.0.0.12); pods are network namespaces
  ovnbpfd:      pid $(cat "$D/ovnbpfd.pid"), log $D/ovnbpfd.log, maps in $PIN

Look around:
  ovn-nbctl --db=$OVN_NB_DB show
  $B/ovnbpfctl --state-dir=$D/state status
  $B/ovnbpfctl --bpffs-dir=$PIN drops
  ip netns exec demo-pod1 ping 10.0.0.12

ovnbpfd registers the chassis, claims the pods' ports, attaches the
pipeline program to their veths and compiles ovn-northd's logical flows for
demo-ls into its maps: the pods talk to each other through ovnbpf (ARP,
IPv4/IPv6, TCP, UDP), with OVN's port security applied.  Changes in the NB
(ovn-nbctl lsp-add/lsp-del ...) reach the datapath incrementally.
Stop it all:   make demo-stop
MSG
}

case ${1:-} in
start) start ;;
stop) stop ;;
*) sed -n '4,12p' "$0"; exit 2 ;;
esac
