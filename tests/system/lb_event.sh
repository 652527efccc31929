#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Controller events with a real ovn-northd: NB_Global
# options:controller_event=true and a load balancer whose VIP has no
# backends make northd emit trigger_event(event = "empty_lb_backends", ...)
# in ls_in_pre_lb.  Traffic from pod c to the VIP must produce exactly one
# SB Controller_Event row on our chassis with the VIP, protocol and load
# balancer in event_info; more packets no second row; the packet itself
# goes nowhere (the flow ends after the event).  The same for a VIP of a
# load balancer on the router (lr_in_dnat).  Once the CMS deletes the
# row, the next packet writes a new one (next seq_num).
. "$(dirname "$0")/lib.sh"
need_root

CTL=("$B/ovnbpfctl" --state-dir="$T_DIR/state" --bpffs-dir="$T_PIN")
SW=sw-cev
VIP=172.31.7.100
VIP_R=172.31.7.200

ovn_start || { not_ok "local OVN starts"; exit 1; }
ovn-nbctl set NB_Global . options:controller_event=true
ovn-nbctl ls-add $SW
ovn-nbctl lsp-add $SW lp-cev-c -- lsp-set-addresses lp-cev-c "00:00:00:0c:07:0a 10.253.7.10"
ovn-nbctl lr-add lr-cev -- lrp-add lr-cev lr-cev-sw 00:00:00:0c:07:fe 10.253.7.254/24
ovn-nbctl lsp-add $SW sw-cev-lr -- lsp-set-type sw-cev-lr router \
    -- lsp-set-addresses sw-cev-lr router -- lsp-set-options sw-cev-lr router-port=lr-cev-sw
# VIPs without backends: one TCP, one UDP (another load balancer).
LB=$(ovn-nbctl create load_balancer name=lb-cev protocol=tcp "vips:\"$VIP:80\"=\"\"")
LBU=$(ovn-nbctl create load_balancer name=lb-cev-u protocol=udp "vips:\"$VIP:53\"=\"\"")
ovn-nbctl ls-lb-add $SW lb-cev -- ls-lb-add $SW lb-cev-u
# And one on the router (northd puts its event in lr_in_dnat).
LBR=$(ovn-nbctl create load_balancer name=lb-cev-r protocol=tcp "vips:\"$VIP_R:8080\"=\"\"")
ovn-nbctl lr-lb-add lr-cev lb-cev-r
check "pod c created" pod_netns_add cev c 00:00:00:0c:07:0a 10.253.7.10/24
ip -n t-cev-c route add default via 10.253.7.254

check "ovnbpfd starts" daemon_start
check "bind c" "${CTL[@]}" bind tcev-c lp-cev-c
check "port up" wait_until 10 bash -c "[[ \$(ovn-nbctl lsp-get-up lp-cev-c) == up ]]"
check "--wait=hv sync" wait_hv
check "northd wrote the trigger_event flow" \
    bash -c "ovn-sbctl lflow-list $SW | grep -q 'trigger_event(event = \"empty_lb_backends\", vip = \"$VIP:80\"'"
ME=$(ovn-sbctl --bare --columns=_uuid find Chassis name="$T_NAME")
check "our chassis is registered" test -n "$ME"

cat >"$T_DIR/syn.py" <<'EOF'
# syn.py VIP PORT N: N TCP connects (0.5 s each); prints one verdict per try:
# "timeout" (the SYN went nowhere), "refused", "connected" or the error.
import socket, sys
for _ in range(int(sys.argv[3])):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM); s.settimeout(0.5)
    try:
        s.connect((sys.argv[1], int(sys.argv[2]))); print("connected")
    except socket.timeout:
        print("timeout")
    except ConnectionRefusedError:
        print("refused")
    except OSError as e:
        print("error", e)
    s.close()
EOF
udp() { ip netns exec t-cev-c python3 -c "
import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range($1): s.sendto(b'q', ('$VIP', 53))"; }
n_rows() { ovn-sbctl --bare --columns=_uuid list Controller_Event | grep -c .; }
# row VIP: the row's "event_type|event_info|chassis|seq_num" for event_info vip=VIP.
row() {
    ovn-sbctl --format=csv --data=bare --no-headings \
        --columns=event_type,event_info,chassis,seq_num find Controller_Event "event_info:vip=\"$1\"" |
        tr ',' '|'
}

ip netns exec t-cev-c python3 "$T_DIR/syn.py" $VIP 80 2 >"$T_DIR/syn1.out"
check "one Controller_Event row appears" wait_until 10 bash -c "[[ \$(ovn-sbctl --bare --columns=_uuid list Controller_Event | grep -c .) -eq 1 ]]"
r=$(row "$VIP:80")
check "its type, info, chassis and seq_num ($r)" \
    test "$r" = "empty_lb_backends|load_balancer=$LB protocol=tcp vip=$VIP:80|$ME|1"
check "the SYNs went nowhere ($(sort "$T_DIR/syn1.out" | uniq -c | xargs))" \
    test "$(sort -u "$T_DIR/syn1.out")" = timeout

# More packets of the same VIP: no second row.
ip netns exec t-cev-c python3 "$T_DIR/syn.py" $VIP 80 6 >"$T_DIR/syn2.out"
sleep 1
check "more packets write no duplicate ($(n_rows) rows)" test "$(n_rows)" -eq 1
check "... and still go nowhere" test "$(sort -u "$T_DIR/syn2.out")" = timeout
check "the daemon wrote one row only" \
    bash -c "[[ \$(grep -c 'controller_event|INFO|empty_lb_backends' '$T_DIR/ovnbpfd.log') -eq 1 ]]"

# Another VIP (UDP, another load balancer): its own row.
udp 3
check "the UDP VIP gets its own row" wait_until 10 bash -c "[[ \$(ovn-sbctl --bare --columns=_uuid list Controller_Event | grep -c .) -eq 2 ]]"
r=$(row "$VIP:53")
check "UDP row ($r)" test "$r" = "empty_lb_backends|load_balancer=$LBU protocol=udp vip=$VIP:53|$ME|2"

# The router's VIP: its own row, from lr_in_dnat.
check "northd wrote the router's trigger_event flow" \
    bash -c "ovn-sbctl lflow-list lr-cev | grep -q 'lr_in_dnat.*trigger_event(event = \"empty_lb_backends\", vip = \"$VIP_R:8080\"'"
ip netns exec t-cev-c python3 "$T_DIR/syn.py" $VIP_R 8080 3 >"$T_DIR/syn3.out"
check "the router VIP gets its own row" wait_until 10 bash -c "[[ \$(ovn-sbctl --bare --columns=_uuid list Controller_Event | grep -c .) -eq 3 ]]"
r=$(row "$VIP_R:8080")
check "router row ($r)" test "$r" = "empty_lb_backends|load_balancer=$LBR protocol=tcp vip=$VIP_R:8080|$ME|3"
check "... and its SYNs went nowhere" test "$(sort -u "$T_DIR/syn3.out")" = timeout

# The CMS handled the event and deleted the row: the next packet
# reports the VIP again.
ovn-sbctl destroy Controller_Event "$(ovn-sbctl --bare --columns=_uuid find Controller_Event "event_info:vip=\"$VIP:80\"")"
check "row deleted" test "$(n_rows)" -eq 2
ip netns exec t-cev-c python3 "$T_DIR/syn.py" $VIP 80 1 >/dev/null
check "reported again after the deletion" wait_until 10 bash -c "[[ -n \$(ovn-sbctl --bare --columns=_uuid find Controller_Event 'event_info:vip=\"$VIP:80\"') ]]"
r=$(row "$VIP:80")
check "with the next seq_num ($r)" \
    test "$r" = "empty_lb_backends|load_balancer=$LB protocol=tcp vip=$VIP:80|$ME|4"

# With a backend, northd drops the event flow: traffic writes nothing more.
ovn-nbctl set load_balancer lb-cev-u "vips:\"$VIP:53\"=\"10.253.7.50:53\""
check "--wait=hv sync after the UDP VIP got a backend" wait_hv
check "its trigger_event flow is gone" \
    bash -c "! ovn-sbctl lflow-list $SW | grep -q 'trigger_event(.*vip = \"$VIP:53\"'"
ovn-sbctl destroy Controller_Event "$(ovn-sbctl --bare --columns=_uuid find Controller_Event "event_info:vip=\"$VIP:53\"")"
udp 3
sleep 1
check "no event once the flow is gone ($(n_rows) rows)" test "$(n_rows)" -eq 2
# `ovnbpfctl services`: the rows written are counted.
ce=$("${CTL[@]}" services | awk '$1 == "controller_event"'); echo "# $ce"
ce_ins=$(echo "$ce" | tr ' ' '\n' | awk -F= '$1 == "inserted" { print $2 }')
check "services: controller_event rows inserted counted ($ce_ins)" test "${ce_ins:-0}" -ge 2

if [[ $T_FAILED -ne 0 ]]; then
    ovn-sbctl list Controller_Event >&2
    "${CTL[@]}" drops >&2 || true
    tail -30 "$T_DIR/ovnbpfd.log" >&2
fi
