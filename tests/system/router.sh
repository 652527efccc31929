#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Pods on two subnets of one logical router through ovnbpf, driven by a
# real ovn-northd: switch -> router -> switch in one pass on the node,
# IPv4 and IPv6.  Pods ping and talk TCP/UDP across the router, ping their
# gateway, get ARP/ND answers for it; a neighbour the router learns from
# an ARP reaches SB MAC_Binding.
. "$(dirname "$0")/lib.sh"
need_root

CTL=("$B/ovnbpfctl" --state-dir="$T_DIR/state" --bpffs-dir="$T_PIN")
LR=lr-rt
declare -A SW=([a]=sw-rt-a [b]=sw-rt-b)
declare -A NET=([a]=1 [b]=2)
declare -A MAC=([a]=00:00:00:0d:02:0a [b]=00:00:00:0d:02:0b [c]=00:00:00:0d:02:0c)
declare -A RMAC=([a]=00:00:00:0d:01:01 [b]=00:00:00:0d:01:02)
declare -A IP=([a]=10.254.1.10 [b]=10.254.2.10 [c]=10.254.2.12)
declare -A IP6=([a]=fd00:254:1::a [b]=fd00:254:2::b [c]=fd00:254:2::c)
declare -A GW=([a]=10.254.1.1 [b]=10.254.2.1 [c]=10.254.2.1)
declare -A GW6=([a]=fd00:254:1::1 [b]=fd00:254:2::1 [c]=fd00:254:2::1)

# pod X: netns t-rt-X, pod side eth0, host side trt-X bound to lp-rt-X.
pod_add() {
    local x=$1 ns=t-rt-$1
    ip netns del "$ns" 2>/dev/null; ip link del "trt-$x" 2>/dev/null
    ip netns add "$ns" || return 1
    on_exit ip netns del "$ns"
    on_exit ip link del "trt-$x"
    ip link add "trt-$x" type veth peer name eth0 netns "$ns" || return 1
    ip -n "$ns" link set eth0 address "${MAC[$x]}"
    ip -n "$ns" addr add "${IP[$x]}/24" dev eth0
    ip -n "$ns" addr add "${IP6[$x]}/64" dev eth0 nodad
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up
    ip -n "$ns" route add default via "${GW[$x]}"
    ip -n "$ns" -6 route add default via "${GW6[$x]}"
    ip link set "trt-$x" up
}
subnet_add() {
    local x=$1
    ovn-nbctl ls-add "${SW[$x]}" \
        -- lrp-add $LR "lrp-rt-$x" "${RMAC[$x]}" "${GW[$x]}/24" "${GW6[$x]}/64" \
        -- lsp-add "${SW[$x]}" "rp-rt-$x" \
        -- lsp-set-type "rp-rt-$x" router \
        -- lsp-set-addresses "rp-rt-$x" router \
        -- lsp-set-options "rp-rt-$x" router-port="lrp-rt-$x" \
        -- lsp-add "${SW[$x]}" "lp-rt-$x" \
        -- lsp-set-addresses "lp-rt-$x" "${MAC[$x]} ${IP[$x]} ${IP6[$x]}" \
        -- lsp-set-port-security "lp-rt-$x" "${MAC[$x]} ${IP[$x]} ${IP6[$x]}"
}
# MAC of the SB MAC_Binding row (logical_port, ip), empty if none.
sb_mac() {
    ovn-sbctl --bare --columns=mac find MAC_Binding logical_port="$1" ip="\"$2\"" 2>/dev/null
}
sb_mac_is() { [[ $(sb_mac "$1" "$2") == "$3" ]]; }
in_pod() { local x=$1; shift; ip netns exec "t-rt-$x" "$@"; }
ping4() { in_pod "$1" ping -c 1 -W 1 "$2" >/dev/null 2>&1; }
ping6() { in_pod "$1" ping -6 -c 1 -W 1 "$2" >/dev/null 2>&1; }
wait_hv() { ovn-nbctl --timeout=15 --wait=hv sync; }
ttl_of() { in_pod "$1" ping -c 1 -W 1 "$2" 2>/dev/null | sed -n 's/.*ttl=\([0-9]*\).*/\1/p'; }

tcp_ok() {
    local from=$1 to=$2 addr=$3 port=$4 out fam=-4
    [[ $addr == *:* ]] && fam=-6
    in_pod "$to" timeout 5 nc $fam -l -p "$port" >"$T_DIR/tcp.$to" 2>/dev/null &
    local pid=$!
    sleep 0.3
    in_pod "$from" timeout 3 bash -c "echo hello-$from >/dev/tcp/$addr/$port" 2>/dev/null
    wait $pid 2>/dev/null
    out=$(cat "$T_DIR/tcp.$to" 2>/dev/null)
    [[ $out == "hello-$from" ]]
}
udp_ok() {
    local from=$1 to=$2 addr=$3 port=$4 out fam=-4
    [[ $addr == *:* ]] && fam=-6
    in_pod "$to" timeout 3 nc $fam -u -l -p "$port" >"$T_DIR/udp.$to" 2>/dev/null &
    local pid=$!
    sleep 0.3
    in_pod "$from" bash -c "echo dgram-$from >/dev/udp/$addr/$port" 2>/dev/null
    sleep 0.5
    kill $pid 2>/dev/null; wait $pid 2>/dev/null
    out=$(cat "$T_DIR/udp.$to" 2>/dev/null)
    [[ $out == "dgram-$from" ]]
}
gw_arp_ok() {
    local x=$1
    in_pod "$x" ip neigh flush dev eth0
    in_pod "$x" arping -c 1 -w 2 -I eth0 "${GW[$x]}" >/dev/null 2>&1 || ping4 "$x" "${GW[$x]}"
    in_pod "$x" ip neigh show "${GW[$x]}" dev eth0 | grep -qi "${RMAC[$x]}"
}
gw_nd_ok() {
    local x=$1
    ping6 "$x" "${GW6[$x]}"
    in_pod "$x" ip -6 neigh show "${GW6[$x]}" dev eth0 | grep -qi "${RMAC[$x]}"
}

ovn_start || { not_ok "local OVN starts"; exit 1; }
ovn-nbctl lr-add $LR
subnet_add a
subnet_add b
check "pod a created" pod_add a
check "pod b created" pod_add b

check "ovnbpfd starts" daemon_start
check "bind a" "${CTL[@]}" bind trt-a lp-rt-a
check "bind b" "${CTL[@]}" bind trt-b lp-rt-b
check "ports up" wait_until 10 bash -c "[[ \$(ovn-nbctl lsp-get-up lp-rt-a) == up && \$(ovn-nbctl lsp-get-up lp-rt-b) == up ]]"
check "--wait=hv sync" wait_hv

check "pod a pings its gateway" wait_until 5 ping4 a "${GW[a]}"
check "pod b pings its gateway" wait_until 5 ping4 b "${GW[b]}"
check "ARP for the gateway answered with the router port MAC" gw_arp_ok a
check "ping a -> b across the router" wait_until 5 ping4 a "${IP[b]}"
check "ping b -> a across the router" ping4 b "${IP[a]}"
ttl=$(ttl_of a "${IP[b]}")
check "TTL decremented once by the router (ttl=$ttl)" test "$ttl" = 63
check "pod a pings the far gateway" ping4 a "${GW[b]}"
check "TCP a -> b" tcp_ok a b "${IP[b]}" 5101
check "TCP b -> a" tcp_ok b a "${IP[a]}" 5102
check "UDP a -> b" udp_ok a b "${IP[b]}" 5103
check "UDP b -> a" udp_ok b a "${IP[a]}" 5104

check "pod a pings6 its gateway" wait_until 5 ping6 a "${GW6[a]}"
check "ND for the gateway answered with the router port MAC" gw_nd_ok a
check "ping6 a -> b across the router" wait_until 5 ping6 a "${IP6[b]}"
check "ping6 b -> a across the router" ping6 b "${IP6[a]}"
check "TCP6 a -> b" tcp_ok a b "${IP6[b]}" 5105
check "UDP6 b -> a" udp_ok b a "${IP6[a]}" 5106

# Pod c has no IP in its logical port: northd knows no MAC for it, so the
# router resolves it with an ARP request and learns it from the reply.
ovn-nbctl lsp-add "${SW[b]}" lp-rt-c -- lsp-set-addresses lp-rt-c "${MAC[c]}"
check "pod c created" pod_add c
check "bind c" "${CTL[@]}" bind trt-c lp-rt-c
check "port c up" wait_until 10 bash -c "[[ \$(ovn-nbctl lsp-get-up lp-rt-c) == up ]]"
wait_hv
check "ping a -> c: the router resolves c by ARP" wait_until 10 ping4 a "${IP[c]}"
check "c learnt from its ARP reply" sb_mac_is lrp-rt-b "${IP[c]}" "${MAC[c]}"
ts=$(ovn-sbctl --bare --columns=timestamp find MAC_Binding logical_port=lrp-rt-b ip="\"${IP[c]}\"")
check "MAC_Binding has a timestamp ($ts)" test "${ts:-0}" -gt 0
# IPv6: c announces itself (unsolicited NA); lr_in_learn_neighbor put_nd.
# (The router resolving c by NS itself needs nd_ns {}: not here yet.)
in_pod c python3 "$(dirname "$0")/send_na.py" eth0 "${MAC[c]}" "${IP6[c]}"
check "c learnt from its NA (IPv6 MAC_Binding)" wait_until 5 sb_mac_is lrp-rt-b "${IP6[c]}" "${MAC[c]}"
check "ping6 a -> c through the learnt binding" wait_until 10 ping6 a "${IP6[c]}"
n=$(ovn-sbctl --bare --columns=_uuid find MAC_Binding logical_port=lrp-rt-b ip="\"${IP[c]}\"" | grep -c .)
check "one MAC_Binding row per neighbour ($n)" test "$n" = 1

if [[ $T_FAILED -ne 0 ]]; then
    "${CTL[@]}" drops >&2 || true
    tail -30 "$T_DIR/ovnbpfd.log" >&2
fi
