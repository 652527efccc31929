#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The BPF executor on entries compiled from an SB that a real ovn-northd
# wrote: a logical switch with three ports (two with addresses + port
# security, the third with addresses + "unknown"), made with ovn-nbctl; its SB database file is fed
# to build/test_progs -t executor_northd (tests/bpf/executor_northd.c),
# which checks unicast IPv4/IPv6, ARP flooding and the ARP responder,
# port-security drops and unknown-MAC delivery through BPF_PROG_TEST_RUN.
. "$(dirname "$0")/lib.sh"
need_root

SW=sw-xn
declare -A MAC=([a]=00:00:00:0e:0e:0a [b]=00:00:00:0e:0e:0b [c]=00:00:00:0e:0e:0c)
declare -A IP=([a]=10.251.0.10 [b]=10.251.0.11 [c]=10.251.0.12)
declare -A IP6=([a]=fd00:251::a [b]=fd00:251::b [c]=fd00:251::c)

ovn_start || { not_ok "local OVN starts"; exit 1; }
ovn-nbctl ls-add $SW
# a, b: addresses + port security; c: addresses + "unknown" and no port
# security (egress port security would refuse unknown destinations).
for x in a b c; do
    addr="${MAC[$x]} ${IP[$x]} ${IP6[$x]}"
    if [[ $x == c ]]; then
        ovn-nbctl lsp-add $SW "lp-xn-$x" -- lsp-set-addresses "lp-xn-$x" "$addr" unknown
    else
        ovn-nbctl lsp-add $SW "lp-xn-$x" -- lsp-set-addresses "lp-xn-$x" "$addr" \
            -- lsp-set-port-security "lp-xn-$x" "$addr"
    fi
done
check "northd wrote the SB" ovn-nbctl --timeout=15 --wait=sb sync

# The SB as northd wrote it: a copy (so that the server's own compactions
# cannot race the reader), compacted into one snapshot record -- the live
# file logs set changes as diffs ("_is_diff"), which the test's OVSDB file
# reader (tests/unit/sb_corpus.c) does not apply.
cp "$T_DIR/ovn/sb.db" "$T_DIR/sb-snapshot.db" &&
    check "SB snapshot compacted" ovsdb-tool compact "$T_DIR/sb-snapshot.db"
check "SB has logical flows for the switch" \
    bash -c "ovn-sbctl --columns=_uuid find Logical_Flow | grep -q ."

# B and C: real (host-side) interfaces, so that the redirects and the
# multicast clones of BPF_PROG_TEST_RUN go somewhere harmless.
for x in b c; do
    ip link del "txn-$x" 2>/dev/null
    ip link add "txn-$x" type veth peer name "txn-${x}p" && ip link set "txn-$x" up &&
        ip link set "txn-${x}p" up || { not_ok "veth txn-$x"; exit 1; }
    on_exit ip link del "txn-$x"
done

OVNBPF_EXEC_IFX_B=$(cat /sys/class/net/txn-b/ifindex) \
    OVNBPF_EXEC_IFX_C=$(cat /sys/class/net/txn-c/ifindex) \
    OVNBPF_EXEC_SB="$T_DIR/sb-snapshot.db" \
    OVNBPF_EXEC_A="lp-xn-a ${MAC[a]} ${IP[a]} ${IP6[a]}" \
    OVNBPF_EXEC_B="lp-xn-b ${MAC[b]} ${IP[b]} ${IP6[b]}" \
    OVNBPF_EXEC_C="lp-xn-c ${MAC[c]} ${IP[c]} ${IP6[c]}" \
    "$B/test_progs" -t executor_northd -v > "$T_DIR/test.out" 2>&1
rc=$?
grep -E '^#executor_northd|FAIL' "$T_DIR/test.out" | sed 's/^/# /'
if [[ $rc -eq 0 ]] && grep -q '^#executor_northd .*OK' "$T_DIR/test.out" &&
    ! grep -q SKIP "$T_DIR/test.out"; then
    ok "executor on northd's entries (test_progs -t executor_northd)"
else
    not_ok "executor on northd's entries (test_progs -t executor_northd; log $T_DIR/test.out)"
    cat "$T_DIR/test.out" >&2
fi
