#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# FDB learning with a real ovn-northd: ports u and c have "unknown"
# addresses, b a normal one.  u's first packets punt put_fdb; ovnbpfd
# writes the SB FDB row (mac, dp_key, port_key); the row comes back as the
# get_fdb/lookup_fdb helper flows, and traffic to u's MAC is then unicast
# (c, the other member of _MC_unknown, no longer gets copies).  Deleting
# the FDB row brings the flooding back.
. "$(dirname "$0")/lib.sh"
need_root

CTL=("$B/ovnbpfctl" --state-dir="$T_DIR/state" --bpffs-dir="$T_PIN")
SW=sw-fdb
declare -A MAC=([u]=00:00:00:0f:db:0a [b]=00:00:00:0f:db:0b [c]=00:00:00:0f:db:0c)
declare -A IP=([u]=10.252.0.10 [b]=10.252.0.11 [c]=10.252.0.12)

pod_add() {
    local x=$1 ns=t-fdb-$1
    ip netns del "$ns" 2>/dev/null; ip link del "tfdb-$x" 2>/dev/null
    ip netns add "$ns" || return 1
    on_exit ip netns del "$ns"
    on_exit ip link del "tfdb-$x"
    # No IPv6: the pods must stay quiet until the test makes them talk.
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    ip link add "tfdb-$x" type veth peer name eth0 netns "$ns" || return 1
    ip -n "$ns" link set eth0 address "${MAC[$x]}"
    ip -n "$ns" addr add "${IP[$x]}/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up
    ip link set "tfdb-$x" up
}
in_pod() { local x=$1; shift; ip netns exec "t-fdb-$x" "$@"; }
rx() { in_pod "$1" cat /sys/class/net/eth0/statistics/rx_packets; }
wait_hv() { ovn-nbctl --timeout=15 --wait=hv sync; }
fdb_port_key() { ovn-sbctl --bare --columns=port_key find FDB "mac=\"${MAC[u]}\"" 2>/dev/null; }
fdb_uuids() { ovn-sbctl --bare --columns=_uuid find FDB "mac=\"${MAC[u]}\"" 2>/dev/null; }
# COUNT UDP packets b -> u's MAC (b knows it statically), to an IP u does
# not have: u drops them silently, so nothing it sends back teaches its MAC.
SINK=10.252.0.99
blast() { in_pod b bash -c "for i in \$(seq $1); do echo x >/dev/udp/$SINK/7777; done" 2>/dev/null; }

ovn_start || { not_ok "local OVN starts"; exit 1; }
ovn-nbctl ls-add $SW
ovn-nbctl lsp-add $SW lp-fdb-u -- lsp-set-addresses lp-fdb-u unknown
ovn-nbctl lsp-add $SW lp-fdb-c -- lsp-set-addresses lp-fdb-c unknown
ovn-nbctl lsp-add $SW lp-fdb-b -- lsp-set-addresses lp-fdb-b "${MAC[b]} ${IP[b]}"
for x in u b c; do check "pod $x created" pod_add $x; done
in_pod b ip neigh replace "$SINK" lladdr "${MAC[u]}" dev eth0

check "ovnbpfd starts" daemon_start
for x in u b c; do check "bind $x" "${CTL[@]}" bind "tfdb-$x" "lp-fdb-$x"; done
check "ports up" wait_until 10 bash -c "for p in u b c; do [[ \$(ovn-nbctl lsp-get-up lp-fdb-\$p) == up ]] || exit 1; done"
check "--wait=hv sync" wait_hv
u_key=$(ovn-sbctl --bare --columns=tunnel_key find Port_Binding logical_port=lp-fdb-u)

check "no FDB row for u yet" test -z "$(fdb_port_key)"
# Before learning, b -> u is flooded to _MC_unknown: c gets copies.
c0=$(rx c); blast 20; sleep 0.3; c1=$(rx c)
check "before learning: c gets b's packets to u ($c0 -> $c1)" test $((c1 - c0)) -ge 20

check "ping u -> b" wait_until 5 bash -c "ip netns exec t-fdb-u ping -c 1 -W 1 ${IP[b]} >/dev/null 2>&1"
check "SB FDB row for u's MAC with u's port key ($u_key)" \
    wait_until 5 bash -c "[[ \$(ovn-sbctl --bare --columns=port_key find FDB 'mac=\"${MAC[u]}\"') == $u_key ]]"
check "one row, not duplicated" test "$(fdb_uuids | grep -c .)" -eq 1
check "--wait=hv sync after learning" wait_hv

# c's interface counter also counts what the kernels send on their own
# (b's ARP probes for u, ...): count only the blast's datagrams at c.
rm -f "$T_DIR/c.ready"
in_pod c python3 "$(dirname "$0")/count_frames.py" eth0 2 --udp-dport 7777 \
    --ready "$T_DIR/c.ready" --dump >"$T_DIR/c.count" 2>"$T_DIR/c.frames" &
sniffer=$!
wait_until 5 test -e "$T_DIR/c.ready"
u0=$(rx u); blast 20; sleep 0.3; u1=$(rx u)
wait "$sniffer"
check "after learning: u gets b's packets ($u0 -> $u1)" test $((u1 - u0)) -ge 20
check "after learning: unicast, c gets none of them ($(cat "$T_DIR/c.count"))" \
    test "$(cat "$T_DIR/c.count")" = 0
[[ -s $T_DIR/c.frames ]] && sed 's/^/# c got: /' "$T_DIR/c.frames" >&2
check "ping b -> u" bash -c "ip netns exec t-fdb-b ping -c 1 -W 1 ${IP[u]} >/dev/null 2>&1"

# SB FDB delete: the helper flows go, b -> u floods again (u is quiet,
# so nothing relearns it meanwhile).
ovn-sbctl destroy FDB "$(fdb_uuids)"
check "FDB row deleted" test -z "$(fdb_port_key)"
sleep 0.5
c0=$(rx c); blast 20; sleep 0.3; c1=$(rx c)
check "after FDB delete: flooded again ($c0 -> $c1)" test $((c1 - c0)) -ge 20
check "u relearnt after it sends" \
    bash -c "ip netns exec t-fdb-u ping -c 1 -W 1 ${IP[b]} >/dev/null 2>&1; sleep 1; [[ \$(ovn-sbctl --bare --columns=port_key find FDB 'mac=\"${MAC[u]}\"') == $u_key ]]"

if [[ $T_FAILED -ne 0 ]]; then
    "${CTL[@]}" drops >&2 || true
    ovn-sbctl list FDB >&2
    tail -30 "$T_DIR/ovnbpfd.log" >&2
fi
