#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# A distributed router with a gateway port, through ovnbpf with a real
# ovn-northd: lrp-gw-ex has this chassis as its gateway chassis, so the
# chassisredirect port cr-lrp-gw-ex is claimed here, is_chassis_resident()
# holds for it, and traffic the router sends to cr-lrp-gw-ex runs the
# router's egress on lrp-gw-ex here (NAT) before it reaches the "external"
# switch.  A pod on that switch plays the external host (no localnet).
#
#   sw-gw-in 10.253.1.0/24: in1 .10, in2 .11          (lr-gw .1)
#   sw-gw-ex 172.31.253.0/24: ext .50                 (lr-gw .1, gateway)
#   snat 172.31.253.100 for 10.253.1.0/24; dnat_and_snat 172.31.253.110 <-> in2
#
# Then a second (absent) chassis with a higher priority takes the gateway:
# the port is released here and what the router sends to it is dropped,
# counted as chassisredirect-remote; when it goes away again,
# the port comes back and so does the traffic.
. "$(dirname "$0")/lib.sh"
need_root

CTL=("$B/ovnbpfctl" --state-dir="$T_DIR/state" --bpffs-dir="$T_PIN")
LR=lr-gw
LRP_EX=lrp-gw-ex
SNAT_IP=172.31.253.100
FIP=172.31.253.110
declare -A SW=([in1]=sw-gw-in [in2]=sw-gw-in [ext]=sw-gw-ex)
declare -A MAC=([in1]=00:00:00:0e:01:0a [in2]=00:00:00:0e:01:0b [ext]=00:00:00:0e:ff:32)
declare -A IP=([in1]=10.253.1.10 [in2]=10.253.1.11 [ext]=172.31.253.50)
declare -A GW=([in1]=10.253.1.1 [in2]=10.253.1.1 [ext]=)
declare -A VETH=([in1]=tgw-in1 [in2]=tgw-in2 [ext]=tgw-ext)

# pod X: netns t-gw-X, pod side eth0, host side tgw-X bound to lp-gw-X.
pod_add() {
    local x=$1
    pod_netns_add gw "$x" "${MAC[$x]}" "${IP[$x]}/24" || return 1
    # The external host knows only its own subnet: replies go to the
    # SNAT / floating IPs, which the router answers ARP for.
    [[ -n ${GW[$x]} ]] && ip -n "t-gw-$x" route add default via "${GW[$x]}"
    ovn-nbctl lsp-add "${SW[$x]}" "lp-gw-$x" \
        -- lsp-set-addresses "lp-gw-$x" "${MAC[$x]} ${IP[$x]}"
}
in_pod() { local x=$1; shift; ip netns exec "t-gw-$x" "$@"; }
ping4() { in_pod "$1" ping -c 1 -W 1 "$2" >/dev/null 2>&1; }

# tcp_peer FROM TO ADDR PORT: connect FROM -> ADDR:PORT (a listener in pod
# TO); prints the source address the listener saw, empty on failure.
tcp_peer() {
    local from=$1 to=$2 addr=$3 port=$4
    rm -f "$T_DIR/peer.$to"
    in_pod "$to" timeout 5 python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1]))); s.listen(1)
c, a = s.accept(); c.sendall(b"pong\n"); c.close()
open(sys.argv[2], "w").write(a[0])' "$port" "$T_DIR/peer.$to" 2>/dev/null &
    local pid=$!
    sleep 0.3
    in_pod "$from" timeout 3 python3 -c '
import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2)
assert s.recv(16) == b"pong\n"' "$addr" "$port" 2>/dev/null
    wait $pid 2>/dev/null
    cat "$T_DIR/peer.$to" 2>/dev/null
}
peer_is() { [[ $(tcp_peer "$1" "$2" "$3" "$4") == "$5" ]]; }
cr_chassis() { ovn-sbctl --bare --columns=chassis find Port_Binding logical_port=cr-$LRP_EX; }
our_chassis() { ovn-sbctl --bare --columns=_uuid find Chassis name="$T_NAME"; }
cr_is_ours() { local c; c=$(cr_chassis); [[ -n $c && $c == "$(our_chassis)" ]]; }
cr_is_free() { [[ -z $(cr_chassis) ]]; }
drops_gw() {
    "${CTL[@]}" drops 2>/dev/null | awk '$2 == "chassisredirect-remote" { print $3 }'
}
resident_n() {
    "${CTL[@]}" engine-stats 2>/dev/null | awk '$1 == "gateway_ports_resident:" { print $2 }'
}

resident_is() { [[ $(resident_n) == "$1" ]]; }

ovn_start || { not_ok "local OVN starts"; exit 1; }
ovn-nbctl lr-add $LR \
    -- lrp-add $LR lrp-gw-in 00:00:00:0e:01:01 10.253.1.1/24 \
    -- lrp-add $LR $LRP_EX 00:00:00:0e:ff:01 172.31.253.1/24 \
    -- ls-add sw-gw-in -- ls-add sw-gw-ex \
    -- lsp-add sw-gw-in rp-gw-in -- lsp-set-type rp-gw-in router \
    -- lsp-set-addresses rp-gw-in router -- lsp-set-options rp-gw-in router-port=lrp-gw-in \
    -- lsp-add sw-gw-ex rp-gw-ex -- lsp-set-type rp-gw-ex router \
    -- lsp-set-addresses rp-gw-ex router -- lsp-set-options rp-gw-ex router-port=$LRP_EX
ovn-nbctl lrp-set-gateway-chassis $LRP_EX "$T_NAME" 10
ovn-nbctl lr-nat-add $LR snat $SNAT_IP 10.253.1.0/24
ovn-nbctl lr-nat-add $LR dnat_and_snat $FIP "${IP[in2]}"
for x in in1 in2 ext; do check "pod $x created" pod_add $x; done

check "ovnbpfd starts" daemon_start
for x in in1 in2 ext; do check "bind $x" "${CTL[@]}" bind "${VETH[$x]}" "lp-gw-$x"; done
check "ports up" wait_until 10 bash -c "for p in lp-gw-in1 lp-gw-in2 lp-gw-ext; do \
    [[ \$(ovn-nbctl lsp-get-up \$p) == up ]] || exit 1; done"
check "cr-$LRP_EX claimed by this chassis (highest priority gateway chassis)" \
    wait_until 10 cr_is_ours
check "--wait=hv sync" wait_hv
check "engine: one gateway port resident here" wait_until 5 resident_is 1

check "in1 pings its gateway" wait_until 5 ping4 in1 "${GW[in1]}"
check "ext pings the gateway port's IP" wait_until 5 ping4 ext 172.31.253.1
check "in1 pings the external host (SNAT)" wait_until 5 ping4 in1 "${IP[ext]}"
check "TCP in1 -> ext: the external host sees the SNAT IP $SNAT_IP" \
    peer_is in1 ext "${IP[ext]}" 5201 $SNAT_IP
check "TCP in2 -> ext: the external host sees the floating IP $FIP" \
    peer_is in2 ext "${IP[ext]}" 5202 $FIP
check "ext pings the floating IP" wait_until 5 ping4 ext $FIP
check "TCP ext -> $FIP reaches in2, which sees the external address" \
    peer_is ext in2 $FIP 5203 "${IP[ext]}"
check "nothing dropped as gateway-elsewhere while the gateway is here" \
    test "$(drops_gw)" = 0

# Another chassis (never running) takes the gateway with a higher priority.
ovn-sbctl chassis-add gw-other-rgw geneve 127.0.0.2
on_exit ovn-sbctl chassis-del gw-other-rgw
ovn-nbctl lrp-set-gateway-chassis $LRP_EX gw-other-rgw 20
check "cr-$LRP_EX released when another chassis has the higher priority" \
    wait_until 10 cr_is_free
wait_hv
check "engine: no gateway port resident here" wait_until 5 resident_is 0
# The packet is tunnelled to gw-other-rgw (127.0.0.2: our own Geneve
# socket, whose from-tunnel program finds cr-P not resident here), or, on
# a kernel without Geneve, dropped for want of a device.
tun_drops() {
    "${CTL[@]}" drops 2>/dev/null | awk '$2 == "tunnel-no-geneve-device" || $2 == "from-tunnel-outport-not-local" { s += $3 } END { print s + 0 }'
}
before=$(tun_drops)
check "in1 -> external host fails with the gateway elsewhere (a chassis that never answers)" \
    bash -c "! ip netns exec t-gw-in1 ping -c 2 -W 1 ${IP[ext]} >/dev/null 2>&1"
after=$(tun_drops)
check "sent toward the gateway chassis by tunnel ($before -> $after)" \
    test "${after:-0}" -gt "${before:-0}"

ovn-nbctl lrp-del-gateway-chassis $LRP_EX gw-other-rgw
check "cr-$LRP_EX claimed again once the other chassis is gone" wait_until 10 cr_is_ours
wait_hv
check "TCP in1 -> ext through the returning gateway: SNAT IP again" \
    wait_until 5 peer_is in1 ext "${IP[ext]}" 5204 $SNAT_IP

if [[ $T_FAILED -ne 0 ]]; then
    "${CTL[@]}" drops >&2 || true
    "${CTL[@]}" engine-stats >&2 || true
    tail -40 "$T_DIR/ovnbpfd.log" >&2
fi
