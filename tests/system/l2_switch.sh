#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Pod to pod on one logical switch through ovnbpf, driven by a real
# ovn-northd: pods are namespaces on veth pairs whose host ends are bound
# to logical ports.  ARP/ping/TCP/UDP pass both ways; a spoofed source is
# dropped by port security; a deleted port stops; a new port works
# without restarting anything.
. "$(dirname "$0")/lib.sh"
need_root

CTL=("$B/ovnbpfctl" --state-dir="$T_DIR/state" --bpffs-dir="$T_PIN")
SW=sw-l2
declare -A MAC=([a]=00:00:00:0c:02:0a [b]=00:00:00:0c:02:0b [c]=00:00:00:0c:02:0c)
declare -A IP=([a]=10.253.0.10 [b]=10.253.0.11 [c]=10.253.0.12)
declare -A IP6=([a]=fd00:253::a [b]=fd00:253::b [c]=fd00:253::c)

# pod X: netns t-l2-X, pod side eth0, host side tl2-X bound to lp-l2-X.
pod_add() {
    local x=$1
    pod_netns_add l2 "$x" "${MAC[$x]}" "${IP[$x]}/24" "${IP6[$x]}/64" || return 1
}
lsp_add() {
    local x=$1
    ovn-nbctl lsp-add $SW "lp-l2-$x" \
        -- lsp-set-addresses "lp-l2-$x" "${MAC[$x]} ${IP[$x]} ${IP6[$x]}" \
        -- lsp-set-port-security "lp-l2-$x" "${MAC[$x]} ${IP[$x]} ${IP6[$x]}"
}
in_pod() { local x=$1; shift; ip netns exec "t-l2-$x" "$@"; }
ping4() { in_pod "$1" ping -c 1 -W 1 "${IP[$2]}" >/dev/null 2>&1; }
ping6() { in_pod "$1" ping -6 -c 1 -W 1 "${IP6[$2]}" >/dev/null 2>&1; }
port_up() { [[ $(ovn-nbctl lsp-get-up "lp-l2-$1" 2>/dev/null) == up ]]; }

tcp_ok() {
    local from=$1 to=$2 port=$3 out
    in_pod "$to" timeout 5 nc -l -p "$port" >"$T_DIR/tcp.$to" 2>/dev/null &
    local pid=$!
    sleep 0.3
    in_pod "$from" timeout 3 bash -c "echo hello-$from >/dev/tcp/${IP[$to]}/$port" 2>/dev/null
    wait $pid 2>/dev/null
    out=$(cat "$T_DIR/tcp.$to" 2>/dev/null)
    [[ $out == "hello-$from" ]]
}
udp_ok() {
    local from=$1 to=$2 port=$3 out
    in_pod "$to" timeout 3 nc -u -l -p "$port" >"$T_DIR/udp.$to" 2>/dev/null &
    local pid=$!
    sleep 0.3
    in_pod "$from" bash -c "echo dgram-$from >/dev/udp/${IP[$to]}/$port" 2>/dev/null
    sleep 0.5
    kill $pid 2>/dev/null; wait $pid 2>/dev/null
    out=$(cat "$T_DIR/udp.$to" 2>/dev/null)
    [[ $out == "dgram-$from" ]]
}
# Packets dropped by the port-security stages (ovnbpfctl drops, by stage).
ps_drops() {
    "${CTL[@]}" drops 2>/dev/null | awk '$1 ~ /^ls_(in|out)_apply_port_sec$/ { s += $2 + $3 } END { print s + 0 }'
}

ovn_start || { not_ok "local OVN starts"; exit 1; }
ovn-nbctl ls-add $SW
lsp_add a
lsp_add b
check "pod a created" pod_add a
check "pod b created" pod_add b

check "ovnbpfd starts" daemon_start
check "bind a" "${CTL[@]}" bind tl2-a lp-l2-a
check "bind b" "${CTL[@]}" bind tl2-b lp-l2-b
check "ports up" wait_until 10 bash -c "[[ \$(ovn-nbctl lsp-get-up lp-l2-a) == up && \$(ovn-nbctl lsp-get-up lp-l2-b) == up ]]"
check "--wait=hv sync" wait_hv

check "ping a -> b" wait_until 5 ping4 a b
check "ping b -> a" ping4 b a
check "ping6 a -> b" wait_until 5 ping6 a b
check "ping6 b -> a" ping6 b a
check "TCP a -> b" tcp_ok a b 5001
check "TCP b -> a" tcp_ok b a 5002
check "UDP a -> b" udp_ok a b 5003
check "UDP b -> a" udp_ok b a 5004

# Spoofing: a pod sending from a MAC or IP that is not its own.
before=$(ps_drops)
in_pod a ip link set eth0 address 00:00:00:0c:02:99
check "spoofed source MAC reaches nobody" bash -c "! ip netns exec t-l2-a ping -c 1 -W 1 ${IP[b]} >/dev/null 2>&1"
in_pod a ip link set eth0 address "${MAC[a]}"
in_pod a ip addr add 10.253.0.99/24 dev eth0
in_pod a ip neigh replace "${IP[b]}" lladdr "${MAC[b]}" dev eth0
check "spoofed source IP reaches nobody" \
    bash -c "! ip netns exec t-l2-a ping -c 1 -W 1 -I 10.253.0.99 ${IP[b]} >/dev/null 2>&1"
in_pod a ip addr del 10.253.0.99/24 dev eth0
after=$(ps_drops)
check "port-security drops counted ($before -> $after)" test "$after" -gt "$before"
check "ping a -> b again after spoofing" wait_until 5 ping4 a b

# A new port and pod, nothing restarted.
lsp_add c
check "pod c created" pod_add c
check "bind c" "${CTL[@]}" bind tl2-c lp-l2-c
check "port c up" wait_until 10 port_up c
check "--wait=hv sync after adding c" wait_hv
check "ping c -> a" wait_until 5 ping4 c a
check "ping b -> c" ping4 b c

# Deleting a port stops its traffic.
ovn-nbctl --wait=hv lsp-del lp-l2-b
check "after lsp-del b: ping a -> b fails" bash -c "! ip netns exec t-l2-a ping -c 1 -W 1 ${IP[b]} >/dev/null 2>&1"
check "after lsp-del b: ping b -> c fails" bash -c "! ip netns exec t-l2-b ping -c 1 -W 1 ${IP[c]} >/dev/null 2>&1"
check "a <-> c still pass" ping4 a c

if [[ $T_FAILED -ne 0 ]]; then
    "${CTL[@]}" drops >&2 || true
    tail -30 "$T_DIR/ovnbpfd.log" >&2
fi
