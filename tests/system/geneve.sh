#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Two chassis joined by Geneve: node namespaces t-gnv-na / t-gnv-nb with
# an underlay veth between them (192.0.2.1 / 192.0.2.2), each running its
# own ovnbpfd (own chassis name, encap IP, pins, state) against one private
# NB/SB/northd; pods are namespaces hung off the node namespaces.
#
# Asserted: pod <-> pod across nodes on one switch (ping, ping6, TCP),
# ARP for a port with "unknown" addresses flooded to the other chassis,
# routed traffic across a distributed router with switches on both nodes,
# a stateful to-lport ACL enforced by the receiving chassis (its egress
# pipeline and conntrack), a port moved from node B to node A, and the
# Geneve bytes on the underlay as ovn-controller writes them (VNI =
# datapath tunnel key, option class 0x0102 type 0x80 length 4 with
# inport << 16 | outport).
. "$(dirname "$0")/lib.sh"
need_root
command -v nsenter >/dev/null || { skip "all" "no nsenter"; exit 0; }

NA=t-gnv-na
NB=t-gnv-nb
declare -A NODE_IP=([a]=192.0.2.1 [b]=192.0.2.2)
declare -A MAC=([a1]=00:00:00:77:01:0a [b1]=00:00:00:77:01:0b [u1]=00:00:00:77:01:0c
                [b2]=00:00:00:77:02:0b)
declare -A IP=([a1]=10.77.1.10 [b1]=10.77.1.11 [u1]=10.77.1.12 [b2]=10.77.2.11)
declare -A IP6=([a1]=fd77:1::a [b1]=fd77:1::b [u1]=fd77:1::c [b2]=fd77:2::b)
declare -A SW=([a1]=sw-gnv1 [b1]=sw-gnv1 [u1]=sw-gnv1 [b2]=sw-gnv2)
declare -A GW=([sw-gnv1]=10.77.1.1 [sw-gnv2]=10.77.2.1)
declare -A GW6=([sw-gnv1]=fd77:1::1 [sw-gnv2]=fd77:2::1)

in_node() { local n=$1; shift; nsenter --net=/run/netns/t-gnv-n"$n" "$@"; }
ctl() { local n=$1; shift; in_node "$n" "$B/ovnbpfctl" --state-dir="$T_DIR/$n/state" \
        --bpffs-dir="$T_PIN-$n" "$@"; }
in_pod() { local x=$1; shift; ip netns exec "t-gnv-$x" "$@"; }
ping4() { in_pod "$1" ping -c 1 -W 1 "$2" >/dev/null 2>&1; }
ping6() { in_pod "$1" ping -6 -c 1 -W 1 "$2" >/dev/null 2>&1; }
port_up() { [[ $(ovn-nbctl lsp-get-up "lp-gnv-$1" 2>/dev/null) == up ]]; }
pb_key() { ovn-sbctl --bare --columns=tunnel_key find Port_Binding logical_port="$1"; }
dp_key() { ovn-sbctl --bare --columns=tunnel_key find Datapath_Binding external_ids:name="$1"; }

node_add() {
    ip netns del $NA 2>/dev/null; ip netns del $NB 2>/dev/null
    ip netns add $NA && on_exit ip netns del $NA
    ip netns add $NB && on_exit ip netns del $NB
    ip link add gnvu-a netns $NA type veth peer name gnvu-b netns $NB || return 1
    # Room for the 58 bytes of Geneve over IPv4 around 1500-byte frames.
    ip -n $NA link set gnvu-a mtu 1600 up
    ip -n $NB link set gnvu-b mtu 1600 up
    ip -n $NA addr add 192.0.2.1/24 dev gnvu-a
    ip -n $NB addr add 192.0.2.2/24 dev gnvu-b
    ip -n $NA link set lo up
    ip -n $NB link set lo up
}

# pod X on node N: netns t-gnv-X, eth0 inside, host side tgnv-X in the node.
pod_add() {
    local x=$1 n=$2 sw=${SW[$1]}
    ip netns del "t-gnv-$x" 2>/dev/null
    ip netns add "t-gnv-$x" || return 1
    on_exit ip netns del "t-gnv-$x"
    ip link add "tgnv-$x" netns "t-gnv-n$n" type veth peer name eth0 netns "t-gnv-$x" || return 1
    in_pod "$x" ip link set eth0 address "${MAC[$x]}"
    in_pod "$x" ip addr add "${IP[$x]}/24" dev eth0
    in_pod "$x" ip addr add "${IP6[$x]}/64" dev eth0 nodad
    in_pod "$x" ip link set eth0 up
    in_pod "$x" ip link set lo up
    in_pod "$x" ip route add default via "${GW[$sw]}"
    in_pod "$x" ip -6 route add default via "${GW6[$sw]}"
    in_node "$n" ip link set "tgnv-$x" up
}

daemon_node() {
    local n=$1
    mkdir -p "$T_DIR/$n"
    in_node "$n" "$B/ovnbpfd" --ovnsb-db="$OVN_SB_DB" --chassis-name="gnv-ch-$n" \
        --encap-ip="${NODE_IP[$n]}" --bpffs-dir="$T_PIN-$n" --state-dir="$T_DIR/$n/state" \
        --log-file="$T_DIR/$n/ovnbpfd.log" --pidfile="$T_DIR/$n/ovnbpfd.pid" --detach \
        || return 1
    on_exit "rm -rf $T_PIN-$n"
    on_exit "kill \$(cat $T_DIR/$n/ovnbpfd.pid)"
    wait_until 30 test -s "$T_DIR/$n/ovnbpfd.pid"
}

tcp_ok() {
    local from=$1 to=$2 port=$3 out
    in_pod "$to" timeout 5 nc -l -p "$port" >"$T_DIR/tcp.$to.$port" 2>/dev/null &
    local pid=$!
    sleep 0.3
    in_pod "$from" timeout 3 bash -c "echo hello-$from >/dev/tcp/$4/$port" 2>/dev/null
    wait $pid 2>/dev/null
    out=$(cat "$T_DIR/tcp.$to.$port" 2>/dev/null)
    [[ $out == "hello-$from" ]]
}

# Captured Geneve lines matching VNI, the option word and the inner src.
cap_has() {
    local vni=$1 data=$2 src=$3
    grep -q "^vni=$vni optlen=8 crit=[01] opts=0102/80/1:$data inner_src=$src" "$T_DIR/cap.txt"
}
hex8() { printf '%08x' "$1"; }

# Does this kernel have Geneve?  (Some VM kernels are built without it:
# then only the control plane and the counted drop can be checked.)
HAVE_GENEVE=1
ip netns add t-gnv-probe 2>/dev/null
ip -n t-gnv-probe link add gnvprobe type geneve external dstport 6081 2>/dev/null || HAVE_GENEVE=0
ip netns del t-gnv-probe 2>/dev/null

ovn_start || { not_ok "local OVN starts"; exit 1; }
check "node namespaces and underlay" node_add
ovn-nbctl ls-add sw-gnv1 -- ls-add sw-gnv2 -- lr-add lr-gnv \
    -- lrp-add lr-gnv lrp-gnv1 00:00:00:77:01:01 10.77.1.1/24 fd77:1::1/64 \
    -- lrp-add lr-gnv lrp-gnv2 00:00:00:77:02:01 10.77.2.1/24 fd77:2::1/64 \
    -- lsp-add sw-gnv1 lsp-gnv-r1 -- lsp-set-type lsp-gnv-r1 router \
    -- lsp-set-addresses lsp-gnv-r1 router -- lsp-set-options lsp-gnv-r1 router-port=lrp-gnv1 \
    -- lsp-add sw-gnv2 lsp-gnv-r2 -- lsp-set-type lsp-gnv-r2 router \
    -- lsp-set-addresses lsp-gnv-r2 router -- lsp-set-options lsp-gnv-r2 router-port=lrp-gnv2
for x in a1 b1 b2; do
    ovn-nbctl lsp-add "${SW[$x]}" "lp-gnv-$x" \
        -- lsp-set-addresses "lp-gnv-$x" "${MAC[$x]} ${IP[$x]} ${IP6[$x]}"
done
# Addresses unknown to OVN: ARP for it is flooded, not answered.
ovn-nbctl lsp-add sw-gnv1 lp-gnv-u1 -- lsp-set-addresses lp-gnv-u1 unknown

check "pod a1 on node a" pod_add a1 a
for x in b1 u1 b2; do check "pod $x on node b" pod_add "$x" b; done
check "ovnbpfd on node a" daemon_node a
check "ovnbpfd on node b" daemon_node b
if (( HAVE_GENEVE )); then
    check "geneve device in external mode on node a" \
        bash -c "nsenter --net=/run/netns/$NA ip -d link show ovnbpf-gnv0 | grep -qw external"
    check "geneve device in external mode on node b" \
        bash -c "nsenter --net=/run/netns/$NB ip -d link show ovnbpf-gnv0 | grep -qw external"
else
    check "no geneve in this kernel: the daemon says so and runs on" \
        grep -q "no Geneve device" "$T_DIR/a/ovnbpfd.log"
fi
check "both chassis registered with their encap IPs" wait_until 10 bash -c \
    "ovn-sbctl --bare --columns=ip list Encap | grep -qx 192.0.2.1 && ovn-sbctl --bare --columns=ip list Encap | grep -qx 192.0.2.2"
check "bind a1 on node a" ctl a bind tgnv-a1 lp-gnv-a1
for x in b1 u1 b2; do check "bind $x on node b" ctl b bind "tgnv-$x" "lp-gnv-$x"; done
check "ports up" wait_until 15 bash -c \
    "for x in a1 b1 u1 b2; do [[ \$(ovn-nbctl lsp-get-up lp-gnv-\$x) == up ]] || exit 1; done"
check "--wait=hv sync" wait_hv 30

K_SW1=$(dp_key sw-gnv1); K_SW2=$(dp_key sw-gnv2)
K_A1=$(pb_key lp-gnv-a1); K_B1=$(pb_key lp-gnv-b1); K_B2=$(pb_key lp-gnv-b2)
K_R2=$(pb_key lsp-gnv-r2)

# Node a's view of node b: lp-gnv-b1 (remote) carries a chassis id whose
# ovn_chassis entry is node b's endpoint.
chassis_of_b1() {
    bpftool -j map lookup pinned "$T_PIN-a/ovn_ports" key hex \
        $(printf '%02x %02x %02x %02x ' $((K_SW1 & 255)) $((K_SW1 >> 8 & 255)) 0 0 \
          $((K_B1 & 255)) $((K_B1 >> 8 & 255)) 0 0) 2>/dev/null \
        | python3 -c 'import json,sys; v=json.load(sys.stdin)["value"]; b=bytes(int(x,16) for x in v); print(b[4], int.from_bytes(b[20:24],"little"))'
}
endpoint_of() {
    bpftool -j map lookup pinned "$T_PIN-a/ovn_chassis" key $(( $1 & 255 )) $(( $1 >> 8 & 255 )) 0 0 2>/dev/null \
        | python3 -c 'import json,sys; v=json.load(sys.stdin)["value"]; b=bytes(int(x,16) for x in v); print(b[4], ".".join(str(x) for x in b[8:12]), b[44:108].split(b"\0")[0].decode())'
}
read -r B1_TYPE B1_CH <<<"$(chassis_of_b1)"
check "node a: lp-gnv-b1 is a remote port (type 2) with a chassis id" \
    test "${B1_TYPE:-x}" = 2 -a "${B1_CH:-0}" -gt 0
check "node a: that chassis id is gnv-ch-b at 192.0.2.2" \
    test "$(endpoint_of "${B1_CH:-0}")" = "4 192.0.2.2 gnv-ch-b"

if (( ! HAVE_GENEVE )); then
    ping4 a1 "${IP[b1]}"
    check "no geneve: a1 -> b1 dropped as tunnel-no-geneve-device on node a" \
        bash -c "$(declare -f ctl in_node); B=$B T_DIR=$T_DIR T_PIN=$T_PIN; ctl a drops | awk '\$2 == \"tunnel-no-geneve-device\" && \$3 > 0 { f = 1 } END { exit !f }'"
    skip "traffic across the tunnel (ping, TCP, flood, routing, ACL, port move, underlay bytes)" \
        "this kernel has no geneve device type (ip link add type geneve: Unknown device type)"
    exit 0
fi

in_node a python3 "$TOP/tests/system/geneve_capture.py" gnvu-a 40 >"$T_DIR/cap.txt" 2>&1 &
CAP=$!
on_exit kill $CAP
sleep 0.5

check "ping a1 -> b1 (node a -> node b)" wait_until 10 ping4 a1 "${IP[b1]}"
check "ping b1 -> a1" ping4 b1 "${IP[a1]}"
check "ping6 a1 -> b1" wait_until 5 ping6 a1 "${IP6[b1]}"
check "TCP a1 -> b1" tcp_ok a1 b1 5001 "${IP[b1]}"
check "TCP b1 -> a1" tcp_ok b1 a1 5002 "${IP[a1]}"
check "ARP flooded to node b reaches u1 (unknown addresses): ping a1 -> u1" \
    wait_until 5 ping4 a1 "${IP[u1]}"
check "routed a1 -> b2 across lr-gnv (sw-gnv1 on a, sw-gnv2 on b)" wait_until 5 ping4 a1 "${IP[b2]}"
check "routed ping6 a1 -> b2" wait_until 5 ping6 a1 "${IP6[b2]}"
check "routed b2 -> a1" ping4 b2 "${IP[a1]}"

# Stateful to-lport ACL on sw-gnv2: only the receiving chassis (b) runs
# that egress pipeline.
ovn-nbctl acl-add sw-gnv2 to-lport 1000 'outport == "lp-gnv-b2" && tcp && tcp.dst == 5010' allow-related \
    -- acl-add sw-gnv2 to-lport 900 'outport == "lp-gnv-b2" && tcp' drop
wait_hv 30
# Stage section of `drops`: stage, no-match, drop-action.
acl_drops() { ctl b drops 2>/dev/null | awk '$1 ~ /^ls_out_acl/ { s += $2 + $3 } END { print s + 0 }'; }
D0=$(acl_drops)
check "ACL: TCP a1 -> b2:5010 allowed (reply through conntrack on b)" tcp_ok a1 b2 5010 "${IP[b2]}"
check "ACL: TCP a1 -> b2:5011 dropped" bash -c "! $(declare -f tcp_ok in_pod); T_DIR=$T_DIR tcp_ok a1 b2 5011 ${IP[b2]}"
check "ACL drop counted by node b's egress ACL stage" bash -c "(( \$($(declare -f acl_drops ctl in_node); B=$B T_DIR=$T_DIR T_PIN=$T_PIN acl_drops) > $D0 ))"

kill $CAP 2>/dev/null; wait $CAP 2>/dev/null
check "underlay: a1 -> b1 as VNI sw-gnv1, option 0102/80 inport a1 outport b1" \
    cap_has "$K_SW1" "$(hex8 $(( (K_A1 << 16) | K_B1 )))" "${MAC[a1]}"
check "underlay: b1 -> a1 as VNI sw-gnv1, option inport b1 outport a1" \
    cap_has "$K_SW1" "$(hex8 $(( (K_B1 << 16) | K_A1 )))" "${MAC[b1]}"
check "underlay: routed a1 -> b2 as VNI sw-gnv2, inport = sw-gnv2's router port, outport b2" \
    cap_has "$K_SW2" "$(hex8 $(( (K_R2 << 16) | K_B2 )))" 00:00:00:77:02:01
check "underlay: broadcast from a1 sent once per chassis with a multicast group as outport" \
    bash -c "grep \"^vni=$K_SW1 .*opts=0102/80/1:$(printf '%04x' "$K_A1")[89a-f][0-9a-f]\{3\} inner_src=${MAC[a1]} inner_dst=ff:ff:ff:ff:ff:ff\" '$T_DIR/cap.txt' | grep -q ."
check "underlay: only OVN's option, 8 bytes of options" \
    bash -c "[[ -s '$T_DIR/cap.txt' ]] && ! grep -v '^vni=[0-9]* optlen=8 crit=[01] opts=0102/80/1:' '$T_DIR/cap.txt' | grep -q ."

# b1 moves from node b to node a.
check "unbind b1 on node b" ctl b unbind tgnv-b1
ip netns del t-gnv-b1
check "pod b1 again, on node a" pod_add b1 a
check "bind b1 on node a" ctl a bind tgnv-b1 lp-gnv-b1
check "b1 claimed by node a" wait_until 15 bash -c \
    "[[ \$(ovn-sbctl --bare --columns=chassis find Port_Binding logical_port=lp-gnv-b1) == \$(ovn-sbctl --bare --columns=_uuid find Chassis name=gnv-ch-a) ]]"
wait_hv 30
check "moved: ping a1 -> b1 (now both on node a)" wait_until 10 ping4 a1 "${IP[b1]}"
check "moved: ping u1 -> b1 (node b -> node a)" wait_until 10 ping4 u1 "${IP[b1]}"
check "moved: routed b2 -> b1 (node b -> node a)" wait_until 10 ping4 b2 "${IP[b1]}"

if (( T_FAILED )); then
    for n in a b; do echo "# --- node $n drops"; ctl $n drops 2>&1 | sed 's/^/# /' | head -40; done
    sed 's/^/# cap: /' "$T_DIR/cap.txt" | head -20
fi
exit 0
