#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Kube-OVN conntrack skip (loader/ct_skip.c) with real traffic and a real
# ovn-northd, asserted by conntrack entry counts.  Switch sw-cs holds
# client a and backends b1, b2; router lr-cs (10.248.0.254) is the
# switch's one router port, so with ls_ct_skip_dst_lport_ips=true the
# router's network 10.248.0.0/24 skips ingress conntrack; the VIP
# 172.28.0.100:80 -> b1/b2:8080 does not.
#
# Zones: a request a -> b is CT'd in ingress in a's zone (committed there
# by northd's default "ip && !ct.est" commit, which every switch with an
# LB VIP has) and in egress in b's zone.  "Ingress entry" below is an
# entry in a's zone whose original direction is a -> dst.  Each phase
# flushes conntrack, changes the NB_Global options (northd copies them to
# SB_Global), waits for --wait=hv and makes fresh connections:
#
#   0. no options: a -> b1 creates an ingress entry
#   1. ls_ct_skip_dst_lport_ips=true: a -> b1 none (egress entry in b1's
#      zone still), a -> VIP still one (DNAT'd, load balanced)
#   2. skip_conntrack_dst_cidrs=10.248.0.8/29 only: b1 (.11) skipped,
#      b2 (.20) not
#   3. ls_ct_skip_dst_lport_ips=true + an allow-related ACL: stateful-ACL
#      conntrack is unchanged (ingress entry again); with node_local_dns_ip
#      = b2, a -> b2 skips ACL conntrack too
#   4. options removed: the ingress entry is back (flows removed)
. "$(dirname "$0")/lib.sh"
need_root

CTL=("$B/ovnbpfctl" --state-dir="$T_DIR/state" --bpffs-dir="$T_PIN")
SW=sw-cs
declare -A MAC=([a]=00:00:00:0c:05:0a [b1]=00:00:00:0c:05:0b [b2]=00:00:00:0c:05:0c)
declare -A IP=([a]=10.248.0.10 [b1]=10.248.0.11 [b2]=10.248.0.20)
VIP=172.28.0.100

pod_add() {
    pod_netns_add cs "$1" "${MAC[$1]}" "${IP[$1]}/24" || return 1
    ip -n "t-cs-$1" route add default via 10.248.0.254
}
in_pod() { local x=$1; shift; ip netns exec "t-cs-$x" "$@"; }
zone_of() { awk -v u="lp-cs-$1" '$2 == u { print $1 }' "$T_DIR/state/ct-zones"; }

cat >"$T_DIR/cli.py" <<'EOF'
# cli.py DST PORT N: N TCP connections, one round trip each; prints the
# answers, one per line ("bad ..." on failure).
import socket, sys
dst, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(n):
    try:
        s = socket.create_connection((dst, port), timeout=3)
        s.sendall(b"q\n")
        print(s.makefile("rb").readline().strip().decode(), flush=True)
        s.close()
    except Exception as e:
        print("bad", e, flush=True)
EOF

ovn_start || { not_ok "local OVN starts"; exit 1; }
# Kube-OVN always sets use_ct_inv_match=false: with ingress conntrack
# skipped, the first packet a pod's zone sees of a connection is the
# reply (a SYN-ACK, in egress), which conntrack calls invalid.
ovn-nbctl set NB_Global . options:use_ct_inv_match=false
ovn-nbctl ls-add $SW
for x in a b1 b2; do
    ovn-nbctl lsp-add $SW "lp-cs-$x" -- lsp-set-addresses "lp-cs-$x" "${MAC[$x]} ${IP[$x]}"
done
ovn-nbctl lr-add lr-cs -- lrp-add lr-cs lr-cs-sw 00:00:00:0c:05:fe 10.248.0.254/24
ovn-nbctl lsp-add $SW sw-cs-lr -- lsp-set-type sw-cs-lr router \
    -- lsp-set-addresses sw-cs-lr router -- lsp-set-options sw-cs-lr router-port=lr-cs-sw
ovn-nbctl lb-add lb-cs $VIP:80 "${IP[b1]}:8080,${IP[b2]}:8080" tcp
ovn-nbctl ls-lb-add $SW lb-cs
for x in a b1 b2; do check "pod $x created" pod_add $x; done

check "ovnbpfd starts" daemon_start
for x in a b1 b2; do check "bind $x" "${CTL[@]}" bind "tcs-$x" "lp-cs-$x"; done
check "ports up" wait_until 10 bash -c "for p in a b1 b2; do [[ \$(ovn-nbctl lsp-get-up lp-cs-\$p) == up ]] || exit 1; done"
check "--wait=hv sync" wait_hv
for x in b1 b2; do
    in_pod $x timeout 120 python3 "$TOP/tests/system/name_srv.py" $x >/dev/null 2>&1 &
    on_exit kill $!
done
ZA=$(zone_of a); ZB1=$(zone_of b1); ZB2=$(zone_of b2)
check "every pod has its own zone (a=$ZA b1=$ZB1 b2=$ZB2)" \
    test -n "$ZA" -a -n "$ZB1" -a -n "$ZB2" -a "$ZA" != "$ZB1" -a "$ZA" != "$ZB2"

# entries ZONE SRC DST: connections in ZONE whose original direction is
# SRC -> DST.
entries() {
    "${CTL[@]}" conntrack list --zone "$1" | grep -c "orig=(src=$2,dst=$3,"
}
# conns DST PORT N EXPECT: N connections from a, all answered by EXPECT
# (a regexp).
conns() {
    local out
    out=$(in_pod a timeout 30 python3 "$T_DIR/cli.py" "$1" "$2" "$3")
    [[ $(grep -cE "^($4)\$" <<<"$out") -eq $3 ]] || { echo "$out" >&2; return 1; }
}
ping_b1() { in_pod a ping -c 1 -W 1 "${IP[b1]}" >/dev/null 2>&1; }
# phase OPTIONS...: flush, set the NB_Global options given (removing the
# three), wait until the datapath has them.
phase() {
    ovn-nbctl remove NB_Global . options ls_ct_skip_dst_lport_ips \
        -- remove NB_Global . options skip_conntrack_dst_cidrs \
        -- remove NB_Global . options node_local_dns_ip
    [[ $# -gt 0 ]] && ovn-nbctl set NB_Global . "$@"
    wait_hv && "${CTL[@]}" conntrack flush >/dev/null
}
check "backend reachable directly" wait_until 5 ping_b1
# The servers start in the background: wait until both listen.
listening() { in_pod "$1" bash -c "exec 3<>/dev/tcp/127.0.0.1/8080" 2>/dev/null; }
check "servers listening in b1 and b2" wait_until 10 bash -c "$(declare -f listening in_pod); listening b1 && listening b2"

# ---- 0. no options ----
phase
check "options off: 5 connections a -> b1" conns "${IP[b1]}" 8080 5 b1
n=$(entries "$ZA" "${IP[a]}" "${IP[b1]}")
check "options off: pod -> pod creates ingress entries in a's zone ($n of 5)" test "$n" -eq 5
n=$(entries "$ZB1" "${IP[a]}" "${IP[b1]}")
check "options off: and egress entries in b1's zone ($n of 5)" test "$n" -eq 5

# ---- 1. ls_ct_skip_dst_lport_ips=true ----
phase options:ls_ct_skip_dst_lport_ips=true
sb_opt=$(ovn-sbctl get SB_Global . options:ls_ct_skip_dst_lport_ips 2>/dev/null)
check "northd copied the option to SB_Global ($sb_opt)" test "$sb_opt" = '"true"'
check "lport skip: 5 connections a -> b1" conns "${IP[b1]}" 8080 5 b1
n=$(entries "$ZA" "${IP[a]}" "${IP[b1]}")
check "lport skip: pod -> pod creates no ingress entry ($n)" test "$n" -eq 0
n=$(entries "$ZB1" "${IP[a]}" "${IP[b1]}")
check "lport skip: egress conntrack unchanged, entries in b1's zone ($n of 5)" test "$n" -eq 5
check "lport skip: 10 connections a -> VIP, load balanced" conns $VIP 80 10 "b1|b2"
n=$(entries "$ZA" "${IP[a]}" $VIP)
check "lport skip: service traffic still creates ingress entries ($n of 10)" test "$n" -eq 10
"${CTL[@]}" conntrack list --zone "$ZA" >"$T_DIR/ct-vip.txt"
check "lport skip: the VIP entries carry the DNAT to a backend" \
    grep -qE "orig=\(src=${IP[a]},dst=$VIP,.*reply=\(src=(${IP[b1]}|${IP[b2]}),dst=${IP[a]}," "$T_DIR/ct-vip.txt"

# ---- 2. skip_conntrack_dst_cidrs ----
phase options:skip_conntrack_dst_cidrs=10.248.0.8/29
check "cidr skip: connections a -> b1 and a -> b2" \
    bash -c "$(declare -f conns in_pod); T_DIR=$T_DIR; conns ${IP[b1]} 8080 3 b1 && conns ${IP[b2]} 8080 3 b2"
n=$(entries "$ZA" "${IP[a]}" "${IP[b1]}")
check "cidr skip: b1 inside 10.248.0.8/29: no ingress entry ($n)" test "$n" -eq 0
n=$(entries "$ZA" "${IP[a]}" "${IP[b2]}")
check "cidr skip: b2 outside: ingress entries ($n of 3)" test "$n" -eq 3

# ---- 3. stateful ACL; node_local_dns_ip ----
ovn-nbctl acl-add $SW from-lport 1001 "ip4 && tcp.dst == 8080" allow-related
phase options:ls_ct_skip_dst_lport_ips=true
check "lport skip + allow-related ACL: connections a -> b1" conns "${IP[b1]}" 8080 3 b1
n=$(entries "$ZA" "${IP[a]}" "${IP[b1]}")
check "lport skip + allow-related ACL: ACL conntrack unchanged, ingress entries ($n of 3)" test "$n" -eq 3
phase options:ls_ct_skip_dst_lport_ips=true options:node_local_dns_ip="${IP[b2]}"
check "node-local DNS + ACL: connections a -> b1 and a -> b2" \
    bash -c "$(declare -f conns in_pod); T_DIR=$T_DIR; conns ${IP[b1]} 8080 3 b1 && conns ${IP[b2]} 8080 3 b2"
n=$(entries "$ZA" "${IP[a]}" "${IP[b2]}")
check "node-local DNS + ACL: a -> DNS IP skips ACL conntrack too, no ingress entry ($n)" test "$n" -eq 0
n=$(entries "$ZA" "${IP[a]}" "${IP[b1]}")
check "node-local DNS + ACL: a -> b1 still has ingress entries ($n of 3)" test "$n" -eq 3
ovn-nbctl acl-del $SW

# ---- 4. options removed again ----
phase
check "options removed: connections a -> b1" conns "${IP[b1]}" 8080 3 b1
n=$(entries "$ZA" "${IP[a]}" "${IP[b1]}")
check "options removed: ingress entries are back ($n of 3)" test "$n" -eq 3
"${CTL[@]}" conntrack stats >"$T_DIR/ct-stats.txt"
check "conntrack stats: no LRU eviction" grep -q "lru evictions (created - deleted - entries): 0" "$T_DIR/ct-stats.txt"
