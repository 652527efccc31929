#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# A switch load balancer (ct_lb_mark on ovnbpf's conntrack), with a real
# ovn-northd.  Switch sw-lb holds client c and backends b1, b2; router
# lr-lb (10.253.0.254, fd00:253::fe) is the pods' gateway, so packets to
# the VIPs (outside the subnet) go to the router's MAC, are balanced in
# ls_in_lb and routed back to the backend:
#
#   lb-add lb-lb 172.30.0.100:80     10.253.0.11:8080,10.253.0.12:8080 tcp
#   lb-add lb-lb 172.30.0.100:53     10.253.0.11:5353,10.253.0.12:5353 udp
#   lb-add lb-lb [fd00:30::100]:80   [fd00:253::11]:8080,[fd00:253::12]:8080 tcp
#
# Each backend answers with its name.  Many TCP connections from c spread
# over both backends, each connection stays on one, and the replies come
# from the VIP (un-DNATed in c's zone on the way out).
. "$(dirname "$0")/lib.sh"
need_root

CTL=("$B/ovnbpfctl" --state-dir="$T_DIR/state" --bpffs-dir="$T_PIN")
SW=sw-lb
declare -A MAC=([c]=00:00:00:0c:04:0a [b1]=00:00:00:0c:04:0b [b2]=00:00:00:0c:04:0c)
declare -A IP=([c]=10.253.0.10 [b1]=10.253.0.11 [b2]=10.253.0.12)
declare -A IP6=([c]=fd00:253::a [b1]=fd00:253::11 [b2]=fd00:253::12)
VIP=172.30.0.100
VIP6=fd00:30::100

pod_add() {
    local x=$1
    pod_netns_add lb "$x" "${MAC[$x]}" "${IP[$x]}/24" "${IP6[$x]}/64" || return 1
    ip -n "t-lb-$x" route add default via 10.253.0.254
    ip -n "t-lb-$x" -6 route add default via fd00:253::fe
}
lsp_add() {
    local x=$1
    ovn-nbctl lsp-add $SW "lp-lb-$x" \
        -- lsp-set-addresses "lp-lb-$x" "${MAC[$x]} ${IP[$x]} ${IP6[$x]}"
}
in_pod() { local x=$1; shift; ip netns exec "t-lb-$x" "$@"; }

cat >"$T_DIR/cli.py" <<'EOF'
# cli.py VIP N [6]: N TCP connections to VIP:80, 3 round trips each;
# prints "conn NAME" per connection whose answers all agree and whose peer
# is the VIP, "bad ..." otherwise.
import socket, sys
vip, n = sys.argv[1], int(sys.argv[2])
fam = socket.AF_INET6 if len(sys.argv) > 3 else socket.AF_INET
for i in range(n):
    try:
        s = socket.socket(fam, socket.SOCK_STREAM); s.settimeout(3)
        s.connect((vip, 80))
        f = s.makefile("rb")
        names = set()
        for _ in range(3):
            s.sendall(b"q\n")
            names.add(f.readline().strip().decode())
        peer = s.getpeername()[0]
        s.close()
        if len(names) == 1 and peer == vip:
            print("conn", names.pop(), flush=True)
        else:
            print("bad", names, peer, flush=True)
    except Exception as e:
        print("bad", e, flush=True)
EOF
cat >"$T_DIR/ucli.py" <<'EOF'
# ucli.py VIP N: one datagram to VIP:53 from N source ports; prints
# "udp NAME" per answer that came back from VIP:53.
import socket, sys
vip, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2)
    try:
        s.sendto(b"q", (vip, 53))
        d, peer = s.recvfrom(100)
        print("udp" if peer == (vip, 53) else "bad", d.decode(), peer, flush=True)
    except Exception as e:
        print("bad", e, flush=True)
    s.close()
EOF

ovn_start || { not_ok "local OVN starts"; exit 1; }
ovn-nbctl ls-add $SW
for x in c b1 b2; do lsp_add $x; done
ovn-nbctl lr-add lr-lb -- lrp-add lr-lb lr-lb-sw 00:00:00:0c:04:fe 10.253.0.254/24 fd00:253::fe/64
ovn-nbctl lsp-add $SW sw-lb-lr -- lsp-set-type sw-lb-lr router \
    -- lsp-set-addresses sw-lb-lr router -- lsp-set-options sw-lb-lr router-port=lr-lb-sw
ovn-nbctl lb-add lb-lb $VIP:80 "${IP[b1]}:8080,${IP[b2]}:8080" tcp
ovn-nbctl lb-add lb-lbu $VIP:53 "${IP[b1]}:5353,${IP[b2]}:5353" udp
ovn-nbctl lb-add lb-lb "[$VIP6]:80" "[${IP6[b1]}]:8080,[${IP6[b2]}]:8080" tcp
ovn-nbctl ls-lb-add $SW lb-lb
ovn-nbctl ls-lb-add $SW lb-lbu
for x in c b1 b2; do check "pod $x created" pod_add $x; done

check "ovnbpfd starts" daemon_start --ct-gc-interval=1
for x in c b1 b2; do check "bind $x" "${CTL[@]}" bind "tlb-$x" "lp-lb-$x"; done
check "ports up" wait_until 10 bash -c "for p in c b1 b2; do [[ \$(ovn-nbctl lsp-get-up lp-lb-\$p) == up ]] || exit 1; done"
check "--wait=hv sync" wait_hv

for x in b1 b2; do
    in_pod $x timeout 60 python3 "$TOP/tests/system/name_srv.py" --udp 5353 $x >/dev/null 2>&1 &
    on_exit kill $!
done
sleep 0.5
ping_b1() { in_pod c ping -c 1 -W 1 "${IP[b1]}" >/dev/null 2>&1; }
check "backend reachable directly" wait_until 5 ping_b1

in_pod c timeout 40 python3 "$T_DIR/cli.py" $VIP 40 >"$T_DIR/tcp.out" 2>&1
n1=$(grep -c "^conn b1$" "$T_DIR/tcp.out"); n2=$(grep -c "^conn b2$" "$T_DIR/tcp.out")
check "40 TCP connections to the VIP, each on one backend, replies from the VIP ($n1 + $n2)" \
    test $((n1 + n2)) -eq 40
check "connections spread over both backends (b1 $n1, b2 $n2)" test "$n1" -ge 5 -a "$n2" -ge 5
check "conntrack shows a NAT'd connection (reply from a backend)" \
    bash -c "${CTL[*]} conntrack list | grep -q 'tcp,orig=(src=${IP[c]},dst=$VIP,sport=[0-9]*,dport=80),reply=(src=10.253.0.1[12],dst=${IP[c]},sport=8080,'"
check "ct_mark.natted on the LB connection" \
    bash -c "${CTL[*]} conntrack list | grep 'dst=$VIP,' | grep -q 'mark=2,'"

in_pod c timeout 40 python3 "$T_DIR/ucli.py" $VIP 24 >"$T_DIR/udp.out" 2>&1
u1=$(grep -c "^udp b1" "$T_DIR/udp.out"); u2=$(grep -c "^udp b2" "$T_DIR/udp.out")
check "UDP VIP: 24 answers from VIP:53 ($u1 + $u2)" test $((u1 + u2)) -eq 24
check "UDP spread over both backends (b1 $u1, b2 $u2)" test "$u1" -ge 2 -a "$u2" -ge 2

in_pod c timeout 40 python3 "$T_DIR/cli.py" $VIP6 16 6 >"$T_DIR/tcp6.out" 2>&1
m1=$(grep -c "^conn b1$" "$T_DIR/tcp6.out"); m2=$(grep -c "^conn b2$" "$T_DIR/tcp6.out")
check "IPv6 VIP: 16 TCP connections, replies from the VIP ($m1 + $m2)" test $((m1 + m2)) -eq 16
check "IPv6 connections spread (b1 $m1, b2 $m2)" test "$m1" -ge 1 -a "$m2" -ge 1

if [[ $T_FAILED -ne 0 ]]; then
    cat "$T_DIR/tcp.out" "$T_DIR/udp.out" "$T_DIR/tcp6.out" >&2 2>/dev/null | sort | uniq -c >&2
    "${CTL[@]}" drops >&2 || true
    "${CTL[@]}" conntrack list >&2 | head -20 || true
    tail -30 "$T_DIR/ovnbpfd.log" >&2
fi
