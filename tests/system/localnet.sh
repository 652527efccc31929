#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Localnet ports through ovnbpf with a real ovn-northd.  Namespaces play
# two physical networks, each connected by a veth whose host end is mapped:
# --bridge-mappings=physln:tln-up,physgw:tln-gw.
#
#   t-ln-out eth0   192.168.77.100 fd77::100 (untagged), 192.168.76.2 (host link);
#                   VLAN hosts 20/21/40 played by tests/system/vlan_host.py
#                   (the kernel may lack 802.1Q devices)
#   host tln-up     192.168.76.1
#   t-ln-gwo eth0   192.168.79.100 (the gateway router's way out)
#
#   ls-ln-u  localnet ln-ln-u (physln, untagged): pod u1 192.168.77.10;
#            lp-ln-r 00:00:00:4c:01:63 bound nowhere (another chassis's port)
#   ls-ln-v  localnet ln-ln-v (physln, tag 20, later 21): pod v1 192.168.78.10
#   lr-ln-gr gateway router on this chassis: ls-ln-in 10.77.3.0/24 (g1, g2)
#            and ls-ln-ex 192.168.79.1/24 with localnet ln-ln-ex (physgw);
#            snat 192.168.79.200, dnat_and_snat 192.168.79.210 <-> g2
. "$(dirname "$0")/lib.sh"
need_root

CTL=("$B/ovnbpfctl" --state-dir="$T_DIR/state" --bpffs-dir="$T_PIN")
UP=tln-up
OUT=t-ln-out
UPGW=tln-gw
GWO=t-ln-gwo
MAPS=physln:$UP,physgw:$UPGW
declare -A SW=([u1]=ls-ln-u [v1]=ls-ln-v [g1]=ls-ln-in [g2]=ls-ln-in)
declare -A MAC=([u1]=00:00:00:4c:01:0a [v1]=00:00:00:4c:02:0a [g1]=00:00:00:4c:03:0a
                [g2]=00:00:00:4c:03:0b)
declare -A IP=([u1]=192.168.77.10 [v1]=192.168.78.10 [g1]=10.77.3.10 [g2]=10.77.3.11)
declare -A IP6=([u1]=fd77::10 [v1]=fd78::10 [g1]= [g2]=)
declare -A GW=([u1]= [v1]= [g1]=10.77.3.1 [g2]=10.77.3.1)
REMOTE_MAC=00:00:00:4c:01:63
GR_EX_MAC=00:00:00:4c:04:01
SNAT_IP=192.168.79.200
FIP=192.168.79.210

pod_add() {
    local x=$1 p=${IP6[$1]}
    pod_netns_add ln "$x" "${MAC[$x]}" "${IP[$x]}/24" ${p:+"$p/64"} || return 1
    [[ -z ${GW[$x]} ]] || ip -n "t-ln-$x" route add default via "${GW[$x]}"
    ovn-nbctl lsp-add "${SW[$x]}" "lp-ln-$x" \
        -- lsp-set-addresses "lp-ln-$x" "${MAC[$x]} ${IP[$x]}${p:+ $p}"
}
in_pod() { local x=$1; shift; ip netns exec "t-ln-$x" "$@"; }
out() { ip netns exec $OUT "$@"; }
ping4() { in_pod "$1" ping -c 1 -W 1 "$2" >/dev/null 2>&1; }
ping6() { in_pod "$1" ping -6 -c 1 -W 1 "$2" >/dev/null 2>&1; }
oping() { out ping -c 1 -W 1 "$@" >/dev/null 2>&1; }
drops() { "${CTL[@]}" drops 2>/dev/null | awk -v r="$1" '$2 == r { print $3 }'; }
neigh_mac() { out ip neigh show "$1" 2>/dev/null | awk '{ for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1) }'; }
neigh_is() { [[ $(neigh_mac "$1") == "$2" ]]; }
gping() { ip netns exec $GWO ping -c 1 -W 1 "$@" >/dev/null 2>&1; }
gneigh_is() {
    [[ $(ip -n $GWO neigh show "$1" | awk '{ for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1) }') == "$2" ]]
}

# VLAN hosts on the outside: this kernel may have no 802.1Q devices, so a
# user-space host (vlan_host.py) plays them on the trunk eth0.
VH=(python3 "$TOP/tests/system/vlan_host.py")
VMAC=02:00:00:4c:00:78
vserve() {  # vserve VLAN IP4 IP6 SECS: the outside's host on VLAN, in the background
    out "${VH[@]}" serve eth0 "$1" $VMAC "$2" "$3" "$4" &
    sleep 0.5
}
vping() { out "${VH[@]}" ping eth0 "$1" $VMAC "$2" "$3" "$4" 3; }

# tcp_peer FROM_CMD TO_CMD ADDR PORT: connect to ADDR:PORT from FROM_CMD's
# namespace (a listener in TO_CMD's); prints the source address the
# listener saw, empty on failure.
tcp_peer() {
    local from=$1 to=$2 addr=$3 port=$4
    rm -f "$T_DIR/peer"
    $to timeout 5 python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1]))); s.listen(1)
c, a = s.accept(); c.sendall(b"pong\n"); c.close()
open(sys.argv[2], "w").write(a[0])' "$port" "$T_DIR/peer" 2>/dev/null &
    local pid=$!
    sleep 0.3
    $from timeout 3 python3 -c '
import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2)
assert s.recv(16) == b"pong\n"' "$addr" "$port" 2>/dev/null
    wait $pid 2>/dev/null
    cat "$T_DIR/peer" 2>/dev/null
}

# Raw frames: "send IFACE DST SRC" sends one IPv4/UDP frame; "count IFACE
# SECS DST" counts frames to DST received (not sent) on IFACE.
cat >"$T_DIR/frames.py" <<'EOF'
import socket, struct, sys, time
mac = lambda s: bytes(int(b, 16) for b in s.split(":"))
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff); s += s >> 16
    return ~s & 0xffff
if sys.argv[1] == "send":
    _, _, ifc, dst, src = sys.argv
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 28, 1, 0, 64, 17, 0,
                     socket.inet_aton("192.168.77.100"), socket.inet_aton("192.168.77.99"))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    f = mac(dst) + mac(src) + b"\x08\x00" + ip + struct.pack("!HHHH", 9, 9, 8, 0)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((ifc, 0)); s.send(f + b"\0" * (60 - len(f)))
else:
    _, _, ifc, secs, dst = sys.argv
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    s.bind((ifc, 0)); s.settimeout(0.2)
    n, end = 0, time.time() + float(secs)
    while time.time() < end:
        try:
            f, a = s.recvfrom(2048)
        except socket.timeout:
            continue
        if a[2] != socket.PACKET_OUTGOING and f[:6] == mac(dst):
            n += 1
    print(n)
EOF
# echo_count DST: frames to DST that come back to the outside within 2 s
# of the outside sending one.
echo_count() {
    out python3 "$T_DIR/frames.py" count eth0 2 "$1" >"$T_DIR/echo" &
    local pid=$!
    sleep 0.5
    out python3 "$T_DIR/frames.py" send eth0 "$1" 02:00:00:4c:00:64
    wait $pid
    cat "$T_DIR/echo"
}
# from_pod_count X DST: frames to DST the outside sees after pod X sends one.
from_pod_count() {
    out python3 "$T_DIR/frames.py" count eth0 2 "$2" >"$T_DIR/seen" &
    local pid=$!
    sleep 0.5
    in_pod "$1" python3 "$T_DIR/frames.py" send eth0 "$2" "${MAC[$1]}"
    wait $pid
    cat "$T_DIR/seen"
}

ovn_start || { not_ok "local OVN starts"; exit 1; }

# The outside and the mapped veth.
ip netns del $OUT 2>/dev/null; ip link del $UP 2>/dev/null
ip netns add $OUT && on_exit ip netns del $OUT
ip link add $UP type veth peer name eth0 netns $OUT && on_exit ip link del $UP
ip link set $UP address 02:00:00:4c:00:01
ip addr add 192.168.76.1/24 dev $UP
ip link set $UP up
out ip link set eth0 address 02:00:00:4c:00:64
out ip link set lo up
out ip link set eth0 up
out ip addr add 192.168.77.100/24 dev eth0
out ip addr add fd77::100/64 dev eth0 nodad
out ip addr add 192.168.76.2/24 dev eth0
# The gateway router's physical network: a second mapping.
ip netns del $GWO 2>/dev/null; ip link del $UPGW 2>/dev/null
ip netns add $GWO && on_exit ip netns del $GWO
ip link add $UPGW type veth peer name eth0 netns $GWO && on_exit ip link del $UPGW
ip link set $UPGW up
ip -n $GWO link set lo up
ip -n $GWO link set eth0 up
ip -n $GWO addr add 192.168.79.100/24 dev eth0

ovn-nbctl ls-add ls-ln-u -- ls-add ls-ln-v -- ls-add ls-ln-in -- ls-add ls-ln-ex \
    -- lsp-add ls-ln-u ln-ln-u -- lsp-set-type ln-ln-u localnet \
    -- lsp-set-addresses ln-ln-u unknown -- lsp-set-options ln-ln-u network_name=physln \
    -- lsp-add ls-ln-v ln-ln-v -- lsp-set-type ln-ln-v localnet \
    -- lsp-set-addresses ln-ln-v unknown -- lsp-set-options ln-ln-v network_name=physln \
    -- set Logical_Switch_Port ln-ln-v tag_request=20 \
    -- lsp-add ls-ln-ex ln-ln-ex -- lsp-set-type ln-ln-ex localnet \
    -- lsp-set-addresses ln-ln-ex unknown -- lsp-set-options ln-ln-ex network_name=physgw \
    -- lsp-add ls-ln-u lp-ln-r -- lsp-set-addresses lp-ln-r "$REMOTE_MAC 192.168.77.99"
ovn-nbctl lr-add lr-ln-gr -- set Logical_Router lr-ln-gr options:chassis="$T_NAME" \
    -- lrp-add lr-ln-gr lrp-ln-gin 00:00:00:4c:03:01 10.77.3.1/24 \
    -- lrp-add lr-ln-gr lrp-ln-gex $GR_EX_MAC 192.168.79.1/24 \
    -- lsp-add ls-ln-in rp-ln-gin -- lsp-set-type rp-ln-gin router \
    -- lsp-set-addresses rp-ln-gin router -- lsp-set-options rp-ln-gin router-port=lrp-ln-gin \
    -- lsp-add ls-ln-ex rp-ln-gex -- lsp-set-type rp-ln-gex router \
    -- lsp-set-addresses rp-ln-gex router -- lsp-set-options rp-ln-gex router-port=lrp-ln-gex
ovn-nbctl lr-nat-add lr-ln-gr snat $SNAT_IP 10.77.3.0/24
ovn-nbctl lr-nat-add lr-ln-gr dnat_and_snat $FIP "${IP[g2]}"
for x in u1 v1 g1 g2; do check "pod $x created" pod_add $x; done

check "ovnbpfd --bridge-mappings=$MAPS starts" daemon_start --bridge-mappings="$MAPS"
for x in u1 v1 g1 g2; do check "bind $x" "${CTL[@]}" bind "tln-$x" "lp-ln-$x"; done
check "ports up" wait_until 10 bash -c "for p in lp-ln-u1 lp-ln-v1 lp-ln-g1 lp-ln-g2; do \
    [[ \$(ovn-nbctl lsp-get-up \$p) == up ]] || exit 1; done"
check "--wait=hv sync" wait_hv
check "Chassis other_config:ovn-bridge-mappings=$MAPS" \
    test "$(ovn-sbctl get Chassis "$T_NAME" other_config:ovn-bridge-mappings)" = "\"$MAPS\""
for d in $UP $UPGW; do
    check "from-physical program attached at $d ingress" \
        bash -c "tc filter show dev $d ingress | grep -q ovnbpf_from_ph"
done

[[ -n ${LN_PAUSE:-} ]] && { touch $T_DIR/paused; sleep $LN_PAUSE; }
# (a) underlay switches.
check "untagged: u1 pings the outside host" wait_until 10 ping4 u1 192.168.77.100
check "untagged: the outside learnt u1's MAC by ARP" neigh_is "${IP[u1]}" "${MAC[u1]}"
check "untagged: the outside pings u1" oping "${IP[u1]}"
check "untagged: u1 pings the outside host over IPv6" wait_until 10 ping6 u1 fd77::100
check "untagged: the outside pings u1 over IPv6" wait_until 5 oping fd77::10
vserve 20 192.168.78.100 fd78::100 12
check "VLAN 20: v1 pings the outside's VLAN 20 host" wait_until 10 ping4 v1 192.168.78.100
check "VLAN 20: v1 pings the outside's VLAN 20 host over IPv6" wait_until 10 ping6 v1 fd78::100
wait
check "VLAN 20: the outside's VLAN 20 host pings v1" vping 20 192.168.78.100 fd78::100 "${IP[v1]}"
check "VLAN 20: ... and over IPv6" vping 20 192.168.78.100 fd78::100 "${IP6[v1]}"
check "VLAN 20: v1 is not reachable from VLAN 21" \
    bash -c "! ip netns exec $OUT ${VH[*]} ping eth0 21 $VMAC 192.168.78.101 fd78::101 ${IP[v1]} 2"
check "VLAN 20: v1 is not reachable untagged (no neighbour on eth0)" \
    bash -c "! ip netns exec $OUT ping -c 1 -W 1 ${IP[v1]} >/dev/null 2>&1"

# (b) the gateway router.
check "gateway router: g1 pings the outside (SNAT)" wait_until 10 ping4 g1 192.168.79.100
check "gateway router: TCP g1 -> outside seen from the SNAT address $SNAT_IP" \
    test "$(tcp_peer "ip netns exec t-ln-g1" "ip netns exec $GWO" 192.168.79.100 5301)" = $SNAT_IP
check "gateway router: the outside pings the floating IP $FIP" wait_until 5 gping $FIP
check "gateway router: TCP outside -> $FIP reaches g2, which sees the outside address" \
    test "$(tcp_peer "ip netns exec $GWO" "ip netns exec t-ln-g2" $FIP 5302)" = 192.168.79.100
check "gateway router: ARP for the SNAT address answered with the router MAC" \
    gneigh_is $SNAT_IP $GR_EX_MAC
check "gateway router: ARP for the floating IP answered with the router MAC" \
    gneigh_is $FIP $GR_EX_MAC
check "gateway router: the outside pings the router port" gping 192.168.79.1
check "gateway router: ARP for the router port answered" gneigh_is 192.168.79.1 $GR_EX_MAC

# (c) the host keeps its connectivity on the mapped device.
h0=$(drops localnet-no-port-to-host)
check "host: the outside pings the host's address on $UP (untagged, shared with ln-ln-u)" \
    wait_until 5 oping 192.168.76.1
h1=$(drops localnet-no-port-to-host)
vping 40 192.168.80.2 fd80::2 192.168.80.1 >/dev/null 2>&1
h2=$(drops localnet-no-port-to-host)
check "host: VLAN 40 frames (no localnet port) handed to the host ($h1 -> $h2)" \
    test "${h2:-0}" -gt "${h1:-0}"
check "host: frames to the host's MAC handed to the host, counted ($h0 -> $h1)" test "${h1:-0}" -gt "${h0:-0}"

# (d) never back out to the localnet.
check "a frame from u1 to a port of another chassis leaves through the localnet" \
    test "$(from_pod_count u1 $REMOTE_MAC)" -ge 1
l0=$(drops localnet-back-to-localnet)
check "a frame from the outside to that port is not sent back out" \
    test "$(echo_count $REMOTE_MAC)" -eq 0
l1=$(drops localnet-back-to-localnet)
check "... dropped as localnet-back-to-localnet ($l0 -> $l1)" test "${l1:-0}" -gt "${l0:-0}"
check "a frame from the outside to an unknown MAC is not flooded back out" \
    test "$(echo_count 00:00:00:4c:09:99)" -eq 0

# Trace: ovn-trace's words for an output to a localnet port.
FLOW="inport == \"lp-ln-u1\" && eth.src == ${MAC[u1]} && eth.dst == 02:00:00:4c:00:64 && \
ip4.src == ${IP[u1]} && ip4.dst == 192.168.77.100 && ip.ttl == 64"
"$B/ovnbpfctl" trace --ovnsb-db="$OVN_SB_DB" --detailed ls-ln-u "$FLOW" >"$T_DIR/ours.trace" 2>&1
ovn-trace --db="$OVN_SB_DB" --detailed ls-ln-u "$FLOW" >"$T_DIR/ovn.trace" 2>&1
check "trace: ovn-trace says output to \"ln-ln-u\", type \"localnet\"" \
    grep -q 'output to "ln-ln-u", type "localnet"' "$T_DIR/ovn.trace"
check "trace: ovnbpfctl trace says the same" \
    grep -q 'output to "ln-ln-u", type "localnet"' "$T_DIR/ours.trace"

# Updates: the tag changes.
ovn-nbctl set Logical_Switch_Port ln-ln-v tag_request=21
wait_hv
check "tag 20 -> 21: the outside's VLAN 21 host pings v1" \
    wait_until 10 vping 21 192.168.78.101 fd78::101 "${IP[v1]}"
check "tag 20 -> 21: nothing on VLAN 20 any more" \
    bash -c "! ip netns exec $OUT ${VH[*]} ping eth0 20 02:00:00:4c:00:79 192.168.78.100 fd78::100 ${IP[v1]} 2"

# Restart: the datapath stays while the daemon is away and is adopted.
daemon_stop
check "daemon stopped: the outside still reaches u1" wait_until 5 oping "${IP[u1]}"
check "ovnbpfd restarts" daemon_start --bridge-mappings="$MAPS"
check "--wait=hv sync after restart" wait_hv
check "after restart: the outside reaches u1" wait_until 5 oping "${IP[u1]}"
check "after restart: the outside's VLAN 21 host reaches v1" \
    vping 21 192.168.78.101 fd78::101 "${IP[v1]}"
check "after restart: g1 reaches the outside through the gateway router" \
    wait_until 5 ping4 g1 192.168.79.100
n=$(bpftool -j map dump pinned "$T_PIN/ovn_localnet" 2>/dev/null | python3 -c \
    'import json, sys; print(len(json.load(sys.stdin)))')
check "ovn_localnet holds the three localnet ports ($n)" test "$n" = 3

if [[ $T_FAILED -ne 0 ]]; then
    "${CTL[@]}" drops >&2 || true
    tail -40 "$T_DIR/ovnbpfd.log" >&2
fi
