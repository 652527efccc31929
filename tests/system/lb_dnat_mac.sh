#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Kube-OVN ls_dnat_mod_dl_dst (loader/lb_dnat_mac.c) with a real upstream
# ovn-northd.  Underlay-style switch sw-dm, no router port: client c and
# backend b, the subnet's gateway 10.251.0.254 being a physical router
# (not a logical port; c has a static neighbour entry for it).
#
#   lb-add lb-dm 172.29.0.100:80 10.251.0.11:8080 udp
#
# c sends to the VIP: the frame goes to the gateway's MAC.  With
# NB_Global options:ls_dnat_mod_dl_dst=true, after ct_lb_mark the packet is
# delivered straight to b with eth.dst = b's MAC (asserted on the frame b
# receives, AF_PACKET capture in b's namespace).  Option off: upstream's
# behaviour, the frame follows its eth.dst (no such port: not delivered).
. "$(dirname "$0")/lib.sh"
need_root

CTL=("$B/ovnbpfctl" --state-dir="$T_DIR/state" --bpffs-dir="$T_PIN")
SW=sw-dm
declare -A MAC=([c]=00:00:00:0d:06:0a [b]=00:00:00:0d:06:0b)
declare -A IP=([c]=10.251.0.10 [b]=10.251.0.11)
GW=10.251.0.254
GW_MAC=00:00:00:0d:06:fe
VIP=172.29.0.100

pod_add() {
    local ns=t-dm-$1
    pod_netns_add dm "$1" "${MAC[$1]}" "${IP[$1]}/24" || return 1
    ip -n "$ns" route add default via $GW
    ip -n "$ns" neigh replace $GW lladdr $GW_MAC dev eth0
}
in_pod() { local x=$1; shift; ip netns exec "t-dm-$x" "$@"; }

cat >"$T_DIR/cap.py" <<'EOF'
# cap.py SECONDS: print "dst MAC" of each IPv4 UDP frame to port 8080
# received on eth0 within SECONDS.
import socket, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
s.bind(("eth0", 0))
end = time.time() + float(sys.argv[1])
while time.time() < end:
    s.settimeout(max(0.05, end - time.time()))
    try:
        f, addr = s.recvfrom(2048)
    except socket.timeout:
        break
    if addr[2] == socket.PACKET_OUTGOING or len(f) < 38 or f[23] != 17:
        continue
    ihl = (f[14] & 15) * 4
    if int.from_bytes(f[14 + ihl + 2:14 + ihl + 4], "big") == 8080:
        print("dst", ":".join("%02x" % b for b in f[0:6]), flush=True)
EOF

# send_and_capture OUT: capture in b while c sends 3 datagrams to VIP:80.
send_and_capture() {
    in_pod b timeout 10 python3 "$T_DIR/cap.py" 3 >"$1" 2>&1 &
    local cap=$!
    sleep 0.5
    for i in 1 2 3; do
        in_pod c python3 -c "import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'x', ('$VIP', 80))"
        sleep 0.2
    done
    wait $cap
}

ovn_start || { not_ok "local OVN starts"; exit 1; }
ovn-nbctl ls-add $SW
for x in c b; do
    ovn-nbctl lsp-add $SW "lp-dm-$x" -- lsp-set-addresses "lp-dm-$x" "${MAC[$x]} ${IP[$x]}"
done
ovn-nbctl lb-add lb-dm $VIP:80 "${IP[b]}:8080" udp
ovn-nbctl ls-lb-add $SW lb-dm
for x in c b; do check "pod $x created" pod_add $x; done

check "ovnbpfd starts" daemon_start
for x in c b; do check "bind $x" "${CTL[@]}" bind "tdm-$x" "lp-dm-$x"; done
check "ports up" wait_until 10 bash -c "for p in c b; do [[ \$(ovn-nbctl lsp-get-up lp-dm-\$p) == up ]] || exit 1; done"
check "--wait=hv sync" ovn-nbctl --timeout=15 --wait=hv sync

# Option off: upstream.
send_and_capture "$T_DIR/off.out"
check "option off: the backend gets nothing (the frame follows the gateway's MAC)" \
    test "$(grep -c '^dst' "$T_DIR/off.out")" -eq 0

ovn-nbctl set NB_Global . options:ls_dnat_mod_dl_dst=true
check "northd copied the option to SB_Global" \
    wait_until 10 bash -c "ovn-sbctl get SB_Global . options:ls_dnat_mod_dl_dst | grep -q true"
check "upstream northd wrote no priority-55 l2_lkup flow" \
    bash -c "! ovn-sbctl lflow-list $SW | grep 'ls_in_l2_lkup' | grep -q 'priority=55 '"
check "--wait=hv sync" ovn-nbctl --timeout=15 --wait=hv sync
check "ovnbpfd added the flows" \
    wait_until 10 bash -c "'$B/ovnbpfctl' --state-dir='$T_DIR/state' --bpffs-dir='$T_PIN' engine-stats 2>/dev/null | grep -q 'dnat_mac_flows: *[1-9]'"
send_and_capture "$T_DIR/on.out"
check "option on: the backend receives the datagrams ($(grep -c '^dst' "$T_DIR/on.out"))" \
    test "$(grep -c '^dst' "$T_DIR/on.out")" -ge 3
check "with eth.dst = the backend's MAC" \
    bash -c "grep '^dst' '$T_DIR/on.out' | grep -qv 'dst ${MAC[b]}\$' && exit 1 || grep -q '^dst ${MAC[b]}\$' '$T_DIR/on.out'"

if [[ $T_FAILED -ne 0 ]]; then
    cat "$T_DIR/off.out" "$T_DIR/on.out" >&2 2>/dev/null
    "${CTL[@]}" engine-stats >&2 || true
    ovn-sbctl list SB_Global >&2
    "${CTL[@]}" drops >&2 || true
    tail -30 "$T_DIR/ovnbpfd.log" >&2
fi
