#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Load-balancer health checks (service monitors) with a real northd.
# Switch sw-lbh holds client c and backends b1, b2; router lr-lbh is the
# pods' gateway (the VIP is off-subnet):
#
#   lb-add lb-lbh 172.31.1.100:80  10.252.0.11:8080,10.252.0.12:8080 tcp
#   ip_port_mappings 10.252.0.1X = lp-lbh-bX:10.252.0.250, a health_check
#   on the VIP with interval 1, timeout 1.
#
# A second load balancer lb-lbh3 (172.31.1.101:80) has one backend b3 on a
# logical port bound nowhere: its Service_Monitor row is not ours.  A UDP
# one, lb-lbhu (172.31.1.102:53 -> b1:5353, b2:5353), is probed with
# datagrams: b1 has a socket on 5353 and stays silent -> online, b2 answers
# ICMP port unreachable -> offline.
#
# 1. b1 listens on 8080, b2 does not: ovnbpfd probes both (TCP SYN into
#    their netns), b1 answers SYN-ACK -> its Service_Monitor row becomes
#    online, b2 answers RST -> offline; b3's row (port not bound here) is
#    left alone.  northd drops b2 from the VIP's ct_lb_mark, and
#    every connection to the VIP succeeds.
# 2. b2's server starts: its row comes back online, northd puts it back,
#    and new connections reach it.
. "$(dirname "$0")/lib.sh"
need_root

CTL=("$B/ovnbpfctl" --state-dir="$T_DIR/state" --bpffs-dir="$T_PIN")
SW=sw-lbh
declare -A MAC=([c]=00:00:00:0d:05:0a [b1]=00:00:00:0d:05:0b [b2]=00:00:00:0d:05:0c)
declare -A IP=([c]=10.252.0.10 [b1]=10.252.0.11 [b2]=10.252.0.12 [b3]=10.252.0.13)
VIP=172.31.1.100
SRC=10.252.0.250

in_pod() { local x=$1; shift; ip netns exec "t-lbh-$x" "$@"; }

cat >"$T_DIR/cli.py" <<'EOF'
# cli.py VIP N: N connections to VIP:80, one after the other; prints the
# answer of each ("b1") or "bad WHY".
import socket, sys
vip, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    try:
        s = socket.create_connection((vip, 80), timeout=3)
        s.settimeout(3)
        a = s.makefile("rb").readline().strip().decode()
        print(a if a else "bad eof", flush=True)
        s.close()
    except Exception as e:
        print("bad", type(e).__name__, flush=True)
EOF

ovn_start || { not_ok "local OVN starts"; exit 1; }
ovn-nbctl ls-add $SW
for x in c b1 b2; do
    ovn-nbctl lsp-add $SW "lp-lbh-$x" -- lsp-set-addresses "lp-lbh-$x" "${MAC[$x]} ${IP[$x]}"
done
ovn-nbctl lsp-add $SW lp-lbh-b3 -- lsp-set-addresses lp-lbh-b3 "00:00:00:0d:05:0d ${IP[b3]}"
ovn-nbctl lr-add lr-lbh -- lrp-add lr-lbh lr-lbh-sw 00:00:00:0d:05:fe 10.252.0.254/24
ovn-nbctl lsp-add $SW sw-lbh-lr -- lsp-set-type sw-lbh-lr router \
    -- lsp-set-addresses sw-lbh-lr router -- lsp-set-options sw-lbh-lr router-port=lr-lbh-sw
ovn-nbctl lb-add lb-lbh $VIP:80 "${IP[b1]}:8080,${IP[b2]}:8080" tcp
ovn-nbctl set Load_Balancer lb-lbh \
    "ip_port_mappings:\"${IP[b1]}\"=\"lp-lbh-b1:$SRC\"" \
    "ip_port_mappings:\"${IP[b2]}\"=\"lp-lbh-b2:$SRC\""
ovn-nbctl --id=@hc create Load_Balancer_Health_Check vip="\"$VIP:80\"" \
    options:interval=1 options:timeout=1 options:success_count=1 options:failure_count=1 \
    -- add Load_Balancer lb-lbh health_check @hc >/dev/null
ovn-nbctl lb-add lb-lbh3 172.31.1.101:80 "${IP[b3]}:8080" tcp
ovn-nbctl set Load_Balancer lb-lbh3 "ip_port_mappings:\"${IP[b3]}\"=\"lp-lbh-b3:$SRC\""
ovn-nbctl --id=@hc create Load_Balancer_Health_Check vip="\"172.31.1.101:80\"" \
    options:interval=1 options:timeout=1 -- add Load_Balancer lb-lbh3 health_check @hc >/dev/null
ovn-nbctl lb-add lb-lbhu 172.31.1.102:53 "${IP[b1]}:5353,${IP[b2]}:5353" udp
ovn-nbctl set Load_Balancer lb-lbhu \
    "ip_port_mappings:\"${IP[b1]}\"=\"lp-lbh-b1:$SRC\"" \
    "ip_port_mappings:\"${IP[b2]}\"=\"lp-lbh-b2:$SRC\""
ovn-nbctl --id=@hc create Load_Balancer_Health_Check vip="\"172.31.1.102:53\"" \
    options:interval=1 options:timeout=1 -- add Load_Balancer lb-lbhu health_check @hc >/dev/null
ovn-nbctl ls-lb-add $SW lb-lbh -- ls-lb-add $SW lb-lbh3 -- ls-lb-add $SW lb-lbhu
for x in c b1 b2; do
    check "pod $x created" pod_netns_add lbh $x "${MAC[$x]}" "${IP[$x]}/24"
    ip -n "t-lbh-$x" route add default via 10.252.0.254
done

# status IP: the Service_Monitor status of backend IP ("" while unset).
status() {
    ovn-sbctl --bare --columns=status find Service_Monitor ip="$1" port=8080 2>/dev/null
}
# vip_flow: the VIP's ct_lb_mark flow in ls_in_lb.
vip_flow() {
    ovn-sbctl lflow-list $SW 2>/dev/null | grep 'ls_in_lb ' | grep "ip4.dst == $VIP" | grep ct_lb_mark
}
check "northd wrote 5 Service_Monitor rows" \
    wait_until 10 bash -c "[[ \$(ovn-sbctl --bare --columns=_uuid find Service_Monitor | grep -c .) -eq 5 ]]"
smac=$(ovn-sbctl --bare --columns=src_mac find Service_Monitor ip="${IP[b1]}" port=8080)
check "rows carry src_mac ($smac) and src_ip" test -n "$smac" -a \
    "$(ovn-sbctl --bare --columns=src_ip find Service_Monitor ip="${IP[b1]}" port=8080)" == $SRC

in_pod b1 timeout 120 python3 "$TOP/tests/system/name_srv.py" --per-conn b1 >/dev/null 2>&1 &
on_exit kill $!
in_pod b1 timeout 120 python3 -c 'import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("0.0.0.0", 5353))
while True: s.recv(100)' >/dev/null 2>&1 &
on_exit kill $!

check "ovnbpfd starts" daemon_start
for x in c b1 b2; do check "bind $x" "${CTL[@]}" bind "tlbh-$x" "lp-lbh-$x"; done
check "ports up" wait_until 10 bash -c "for p in c b1 b2; do [[ \$(ovn-nbctl lsp-get-up lp-lbh-\$p) == up ]] || exit 1; done"
check "--wait=hv sync" wait_hv

# 1. b1 online, b2 offline, b3 untouched.
check "b1 (listening) becomes online" wait_until 15 bash -c "[[ \$(ovn-sbctl --bare --columns=status find Service_Monitor ip=${IP[b1]} port=8080) == online ]]"
check "b2 (not listening) becomes offline" wait_until 15 bash -c "[[ \$(ovn-sbctl --bare --columns=status find Service_Monitor ip=${IP[b2]} port=8080) == offline ]]"
check "b3 (bound nowhere) is skipped: no probe, no status ('$(status "${IP[b3]}")')" test -z "$(status "${IP[b3]}")"
udp_status() { ovn-sbctl --bare --columns=status find Service_Monitor ip="$1" port=5353 protocol=udp; }
check "udp: b1 (socket open, silent) becomes online" wait_until 15 bash -c "[[ \$($(declare -f udp_status); udp_status ${IP[b1]}) == online ]]"
check "udp: b2 (ICMP port unreachable) becomes offline" wait_until 15 bash -c "[[ \$($(declare -f udp_status); udp_status ${IP[b2]}) == offline ]]"
check "b3 not probed" bash -c "! grep -q 'probing.*lp-lbh-b3' '$T_DIR/ovnbpfd.log'"
check "the daemon probed (log)" grep -q "probing tcp port 8080 (${IP[b2]}) on lp-lbh-b2" "$T_DIR/ovnbpfd.log"
check "VIP's flow keeps b1, drops b2" wait_until 10 bash -c \
    "f=\$(ovn-sbctl lflow-list $SW | grep 'ls_in_lb ' | grep 'ip4.dst == $VIP' | grep ct_lb_mark); [[ \$f == *${IP[b1]}:8080* && \$f != *${IP[b2]}:8080* ]]"
check "--wait=hv sync after the change" wait_hv
in_pod c timeout 90 python3 "$T_DIR/cli.py" $VIP 20 >"$T_DIR/cli1.out" 2>&1
n1=$(grep -c '^b1$' "$T_DIR/cli1.out")
check "20 connections to the VIP all succeed, on b1 ($n1)" test "$n1" -eq 20
check "b1 stays online while probed (no flapping)" bash -c "sleep 3; [[ \$(ovn-sbctl --bare --columns=status find Service_Monitor ip=${IP[b1]} port=8080) == online ]]"

# 2. b2's server starts.
in_pod b2 timeout 120 python3 "$TOP/tests/system/name_srv.py" --per-conn b2 >/dev/null 2>&1 &
on_exit kill $!
check "b2 comes back online" wait_until 15 bash -c "[[ \$(ovn-sbctl --bare --columns=status find Service_Monitor ip=${IP[b2]} port=8080) == online ]]"
check "VIP's flow has b1 and b2 again" wait_until 10 bash -c \
    "f=\$(ovn-sbctl lflow-list $SW | grep 'ls_in_lb ' | grep 'ip4.dst == $VIP' | grep ct_lb_mark); [[ \$f == *${IP[b1]}:8080* && \$f == *${IP[b2]}:8080* ]]"
check "--wait=hv sync after the change" wait_hv
in_pod c timeout 90 python3 "$T_DIR/cli.py" $VIP 30 >"$T_DIR/cli2.out" 2>&1
k1=$(grep -c '^b1$' "$T_DIR/cli2.out"); k2=$(grep -c '^b2$' "$T_DIR/cli2.out")
check "30 connections succeed ($k1 on b1 + $k2 on b2)" test $((k1 + k2)) -eq 30
check "new connections reach b2 again ($k2)" test "$k2" -ge 1
check "no malformed handle_svc_check punts logged" bash -c "! grep -q 'malformed handle_svc_check' '$T_DIR/ovnbpfd.log'"
# `ovnbpfctl services`: the monitors probed and their answers came back.
sm=$("${CTL[@]}" services | awk '$1 == "service_monitor"'); echo "# $sm"
sm_get() { echo "$sm" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k { print $2 }'; }
check "services: monitors probing (probes $(sm_get probes), replies $(sm_get replies))" \
    test "$(sm_get monitors)" -ge 2 -a "$(sm_get probes)" -ge 2 -a "$(sm_get replies)" -ge 1
check "services: status changes written ($(sm_get status_writes))" test "$(sm_get status_writes)" -ge 2

[[ $T_FAILED -eq 0 ]] || { echo "# log: $T_DIR/ovnbpfd.log"; vip_flow | sed 's/^/# /'; }
exit $T_FAILED
