#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Virtual ports (loader/vport.h), with a real northd and real traffic: a
# switch with pods a and b (the virtual parents) and c (a client), and a
# virtual port V (virtual-ip VIP, MAC VMAC).  The pod holding the VIP
# carries it on eth0 and has a macvlan with VMAC (keepalived's use_vmac),
# and announces it with a gratuitous ARP:
#
#  - a's GARP: bind_vport punted, SB Port_Binding(V) chassis = us,
#    virtual_parent = a, up; `ovnbpfctl trace` shows bind_vport;
#  - c pings the VIP through ARP (a answers with its MAC) and through
#    VMAC (l2 lookup outport = V: delivered to a's interface);
#  - failover: a drops the VIP, b takes it and sends a GARP:
#    virtual_parent = b, c's pings to VMAC reach b;
#  - another chassis claims V (its own parent d): we leave it alone and V
#    turns remote (c's pings to VMAC stop); b's next GARP claims it back;
#  - a restarted daemon keeps V where it is;
#  - b unbound: V released (chassis and virtual_parent cleared).
. "$(dirname "$0")/lib.sh"
need_root

CTL=("$B/ovnbpfctl" --state-dir="$T_DIR/state" --bpffs-dir="$T_PIN")
SW=sw-vp
V=lp-vp-v
VIP=10.247.0.100
VMAC=00:00:5e:00:01:64
declare -A MAC=([a]=00:00:00:0f:07:0a [b]=00:00:00:0f:07:0b [c]=00:00:00:0f:07:0c)
declare -A IP=([a]=10.247.0.10 [b]=10.247.0.11 [c]=10.247.0.12)

in_pod() { local x=$1; shift; ip netns exec "t-vp-$x" "$@"; }
pb() { ovn-sbctl --bare --columns="$2" find Port_Binding logical_port="$1"; }
vport_is() { [[ $(pb $V chassis) == "$1" && $(pb $V virtual_parent) == "$2" ]]; }
ping_vip() { in_pod c ping -c 1 -W 1 $VIP >/dev/null 2>&1; }
no_ping() { ! ping_vip; }
# Punts of ours that found no handler (engine-stats punt_unhandled).
unhandled() { "${CTL[@]}" engine-stats | awk '$1 == "punt_unhandled:" { print $2 }'; }
neigh_of_vip() { in_pod c ip neigh show $VIP dev eth0 | awk '{ print $3 }'; }

# take_vip X: X holds the VIP (on eth0, VMAC on a macvlan) and announces it.
take_vip() {
    local x=$1
    in_pod "$x" ip addr add $VIP/32 dev eth0 || return 1
    in_pod "$x" ip link add vip0 link eth0 address $VMAC type macvlan mode bridge || return 1
    in_pod "$x" ip link set vip0 up
    in_pod "$x" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.vip0.rp_filter=0
    garp "$x"
}
garp() { in_pod "$1" python3 "$TOP/tests/system/send_garp.py" eth0 "${MAC[$1]}" $VIP; }
drop_vip() {
    in_pod "$1" ip link del vip0 2>/dev/null
    in_pod "$1" ip addr del $VIP/32 dev eth0 2>/dev/null
    return 0
}

ovn_start || { not_ok "local OVN starts"; exit 1; }
ovn-nbctl ls-add $SW
for x in a b c; do
    ps="${MAC[$x]} ${IP[$x]}"
    [[ $x == c ]] || ps="$ps $VIP"
    ovn-nbctl lsp-add $SW lp-vp-$x -- lsp-set-addresses lp-vp-$x "${MAC[$x]} ${IP[$x]}" \
        -- lsp-set-port-security lp-vp-$x "$ps"
done
# d: a parent that lives on another chassis.
ovn-nbctl lsp-add $SW lp-vp-d -- lsp-set-addresses lp-vp-d "00:00:00:0f:07:0d 10.247.0.13"
ovn-nbctl lsp-add $SW $V -- lsp-set-addresses $V "$VMAC $VIP" \
    -- lsp-set-port-security $V "$VMAC $VIP" -- lsp-set-type $V virtual \
    -- set logical_switch_port $V options:virtual-ip=$VIP \
       options:virtual-parents=lp-vp-a,lp-vp-b,lp-vp-d
for x in a b c; do
    check "pod $x created" pod_netns_add vp $x "${MAC[$x]}" "${IP[$x]}/24"
done

check "ovnbpfd starts" daemon_start
for x in a b c; do check "bind $x" "${CTL[@]}" bind tvp-$x lp-vp-$x; done
check "ports up" wait_until 15 bash -c "for x in a b c; do [[ \$(ovn-nbctl lsp-get-up lp-vp-\$x) == up ]] || exit 1; done"
check "--wait=hv sync" wait_hv
ME=$(ovn-sbctl --bare --columns=_uuid find Chassis name="$T_NAME")
check "our chassis is registered" test -n "$ME"
check "northd emits bind_vport for each parent" \
    test "$(ovn-sbctl lflow-list $SW | grep -c 'bind_vport("lp-vp-v", inport)')" = 3
check "virtual port unbound at first" vport_is "" ""

# ovnbpfctl trace: a's GARP reaches bind_vport and goes on (flood).
GARP_A="inport == \"lp-vp-a\" && eth.src == ${MAC[a]} && eth.dst == ff:ff:ff:ff:ff:ff && arp.op == 1 && arp.sha == ${MAC[a]} && arp.spa == $VIP && arp.tha == 00:00:00:00:00:00 && arp.tpa == $VIP"
check "ovn-trace: a's GARP runs bind_vport" \
    bash -c "ovn-trace --detailed $SW '$GARP_A' | grep -q 'bind_vport(\"$V\", inport)'"
out=$("$B/ovnbpfctl" trace --ovnsb-db="$OVN_SB_DB" --timeout=20 $SW "$GARP_A" 2>&1)
check "trace: GARP runs bind_vport, the pipeline goes on" \
    grep -q 'bind_vport: sent to ovnbpfd (a copy; the pipeline goes on)' <<<"$out"
check "trace: GARP still flooded to c" grep -q 'output to "lp-vp-c"' <<<"$out"
[[ $T_FAILED == 0 ]] || echo "$out" | sed 's/^/# /'

# a takes the VIP.
check "a takes the VIP (GARP)" take_vip a
check "SB: V bound here, virtual_parent a" wait_until 10 vport_is "$ME" lp-vp-a
check "NB: V up" wait_until 10 bash -c "[[ \$(ovn-nbctl lsp-get-up $V) == up ]]"
check "--wait=hv sync" wait_hv
check "c pings the VIP (ARP)" wait_until 5 ping_vip
check "... and a answered it" test "$(neigh_of_vip)" = "${MAC[a]}"
in_pod c ip neigh replace $VIP lladdr $VMAC dev eth0 nud permanent
check "c pings the VIP at VMAC (outport V -> a's interface)" wait_until 5 ping_vip
check "a's own traffic is still a's (ingress of the parent)" \
    bash -c "ip netns exec t-vp-a ping -c 1 -W 1 ${IP[c]} >/dev/null"

# Failover to b.
drop_vip a
check "a without the VIP: pings to VMAC fail" no_ping
check "b takes the VIP (GARP)" take_vip b
check "SB: virtual_parent b" wait_until 10 vport_is "$ME" lp-vp-b
check "--wait=hv sync" wait_hv
check "c's pings to VMAC reach b" wait_until 5 ping_vip
in_pod c ip neigh del $VIP dev eth0
check "c pings the VIP (ARP) after failover" wait_until 5 ping_vip
check "... and b answered it" test "$(neigh_of_vip)" = "${MAC[b]}"
in_pod c ip neigh replace $VIP lladdr $VMAC dev eth0 nud permanent

# Another chassis claims V through its own parent d.
ovn-sbctl chassis-add vp-other geneve 127.0.0.2 >/dev/null
on_exit ovn-sbctl chassis-del vp-other
OTHER=$(ovn-sbctl --bare --columns=_uuid find Chassis name=vp-other)
ovn-sbctl set Port_Binding "$(pb lp-vp-d _uuid)" chassis="$OTHER"
ovn-sbctl set Port_Binding "$(pb $V _uuid)" chassis="$OTHER" virtual_parent=lp-vp-d
check "--wait=hv sync" wait_hv
sleep 1
check "V claimed elsewhere is left alone" vport_is "$OTHER" lp-vp-d
check "V remote: c's pings to VMAC no longer reach b" no_ping
check "b's next GARP claims V back" garp b
check "SB: bound here again, virtual_parent b" wait_until 10 vport_is "$ME" lp-vp-b
check "--wait=hv sync" wait_hv
check "c's pings to VMAC reach b again" wait_until 5 ping_vip

# `ovnbpfctl services`: the daemon's side of it, counted.
vs=$("${CTL[@]}" services | awk '$1 == "virtual_port"'); echo "# $vs"
vcount() { tr ' ' '\n' <<<"$vs" | awk -F= -v k="$1" '$1 == k { print $2 }'; }
check "services: bindings written ($(vcount bound))" test "$(vcount bound)" -ge 3
check "services: no malformed punt" test "$(vcount malformed)" = 0

# A restarted daemon finds V bound here and delivers to b at once.
daemon_stop
check "ovnbpfd restarts" daemon_start
check "--wait=hv sync" wait_hv
check "after the restart: V still bound here to b" vport_is "$ME" lp-vp-b
check "after the restart: c's pings to VMAC reach b" wait_until 5 ping_vip

# The parent goes away.
check "unbind b" "${CTL[@]}" unbind tvp-b
check "SB: V released (no chassis, no virtual_parent)" wait_until 10 vport_is "" ""
check "--wait=hv sync" wait_hv
check "V released: c's pings to VMAC fail" no_ping
check "no punt left unhandled" test "$(unhandled)" = 0
vs=$("${CTL[@]}" services | awk '$1 == "virtual_port"'); echo "# $vs"
check "services: a release counted ($(vcount released))" test "$(vcount released)" -ge 1
