#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# IP fragments through ovnbpf's conntrack, stateful ACLs, a load balancer
# and a router's SNAT (bpf/lib/frag.h), with a real ovn-northd and real traffic: the
# pods' MTU is 1500, so `ping -s 4000` and 3000-byte UDP datagrams leave
# the sender as three fragments each.  Switch sw-fr holds a, b and the
# backends b1, b2 (all in port group pg_fr); router lr-fr is their gateway
# (the VIPs are outside the subnet):
#
#   to-lport   1002 outport == @pg_fr && ip                       drop
#   to-lport   1003 outport == @pg_fr && ip4.src == A             allow-related
#   to-lport   1003 outport == @pg_fr && ip6.src == A6            allow-related
#   to-lport   1004 outport == @pg_fr && udp.dst == 7001          drop
#   from-lport 1001 inport == @pg_fr && ip                        allow-related
#   lb-add lb-fr 172.30.46.100:53   B1:5353,B2:5353 udp
#   lb-add lb-fr [fd00:46::100]:53  [B1_6]:5353,[B2_6]:5353 udp
#   lr-fr port lr-fr-ex 172.31.246.1/24 (gateway chassis: this one) to
#   sw-fr-ex with pod x .50; snat 172.31.246.100 for 10.246.0.0/24
#
# The servers answer each datagram with one as big, naming themselves and
# the size they received: an answer says the whole datagram reached one
# backend and the fragmented reply came back.
. "$(dirname "$0")/lib.sh"
need_root

CTL=("$B/ovnbpfctl" --state-dir="$T_DIR/state" --bpffs-dir="$T_PIN")
SW=sw-fr
declare -A MAC=([a]=00:00:00:0c:46:0a [b]=00:00:00:0c:46:0b [b1]=00:00:00:0c:46:11
                [b2]=00:00:00:0c:46:12)
declare -A IP=([a]=10.246.0.10 [b]=10.246.0.11 [b1]=10.246.0.21 [b2]=10.246.0.22)
declare -A IP6=([a]=fd00:246::a [b]=fd00:246::b [b1]=fd00:246::21 [b2]=fd00:246::22)
VIP=172.30.46.100
VIP6=fd00:46::100
PODS="a b b1 b2"
MAC[x]=00:00:00:0c:46:50
IP[x]=172.31.246.50
SNAT_IP=172.31.246.100

pod_add() {
    local x=$1
    pod_netns_add fr "$x" "${MAC[$x]}" "${IP[$x]}/24" "${IP6[$x]}/64" || return 1
    ip -n "t-fr-$x" route add default via 10.246.0.254
    ip -n "t-fr-$x" -6 route add default via fd00:246::fe
}
lsp_add() {
    local x=$1
    ovn-nbctl lsp-add $SW "lp-fr-$x" \
        -- lsp-set-addresses "lp-fr-$x" "${MAC[$x]} ${IP[$x]} ${IP6[$x]}"
}
in_pod() { local x=$1; shift; ip netns exec "t-fr-$x" "$@"; }

cat >"$T_DIR/srv.py" <<'EOF'
# srv.py NAME PORT...: on each UDP PORT (v4 and v6), answer every datagram
# with one of the same size: "NAME LEN PEER " padded with dots.
import socket, sys, threading
name = sys.argv[1]
def serve(fam, addr, port):
    s = socket.socket(fam, socket.SOCK_DGRAM)
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind((addr, port))
    while True:
        d, peer = s.recvfrom(65535)
        msg = ("%s %d %s " % (name, len(d), peer[0])).encode()
        s.sendto(msg + b"." * (len(d) - len(msg)), peer)
ts = []
for p in sys.argv[2:]:
    for fam, addr in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
        t = threading.Thread(target=serve, args=(fam, addr, int(p)), daemon=True)
        t.start(); ts.append(t)
for t in ts:
    t.join()
EOF
cat >"$T_DIR/cli.py" <<'EOF'
# cli.py DST PORT SIZE N: N datagrams of SIZE bytes to DST:PORT, each from
# a new socket (source port); per answer "ans NAME LEN" when it came from
# DST:PORT and is SIZE bytes long, "bad ..." otherwise.
import socket, sys
dst, port, size, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
fam = socket.AF_INET6 if ":" in dst else socket.AF_INET
for i in range(n):
    s = socket.socket(fam, socket.SOCK_DGRAM); s.settimeout(2)
    try:
        s.sendto(b"x" * size, (dst, port))
        d, peer = s.recvfrom(65535)
        w = d.split(b" ")
        ok = peer[0] == dst and peer[1] == port and len(d) == size
        print("ans" if ok else "bad", w[0].decode(), w[1].decode(), w[2].decode(), len(d),
              peer[0], flush=True)
    except Exception as e:
        print("bad", e, flush=True)
    s.close()
EOF

ovn_start || { not_ok "local OVN starts"; exit 1; }
ovn-nbctl ls-add $SW
for x in $PODS; do lsp_add $x; done
ovn-nbctl lr-add lr-fr -- lrp-add lr-fr lr-fr-sw 00:00:00:0c:46:fe 10.246.0.254/24 fd00:246::fe/64
ovn-nbctl lsp-add $SW sw-fr-lr -- lsp-set-type sw-fr-lr router \
    -- lsp-set-addresses sw-fr-lr router -- lsp-set-options sw-fr-lr router-port=lr-fr-sw
ovn-nbctl pg-add pg_fr lp-fr-a lp-fr-b lp-fr-b1 lp-fr-b2
ovn-nbctl acl-add pg_fr to-lport 1002 'outport == @pg_fr && ip' drop
ovn-nbctl acl-add pg_fr to-lport 1003 "outport == @pg_fr && ip4.src == ${IP[a]}" allow-related
ovn-nbctl acl-add pg_fr to-lport 1003 "outport == @pg_fr && ip6.src == ${IP6[a]}" allow-related
ovn-nbctl acl-add pg_fr to-lport 1004 'outport == @pg_fr && udp.dst == 7001' drop
ovn-nbctl acl-add pg_fr from-lport 1001 'inport == @pg_fr && ip' allow-related
ovn-nbctl lb-add lb-fr $VIP:53 "${IP[b1]}:5353,${IP[b2]}:5353" udp
ovn-nbctl lb-add lb-fr "[$VIP6]:53" "[${IP6[b1]}]:5353,[${IP6[b2]}]:5353" udp
ovn-nbctl ls-lb-add $SW lb-fr
ovn-nbctl ls-add sw-fr-ex -- lsp-add sw-fr-ex lp-fr-x -- lsp-set-addresses lp-fr-x "${MAC[x]} ${IP[x]}"
ovn-nbctl lrp-add lr-fr lr-fr-ex 00:00:00:0c:46:fd 172.31.246.1/24
ovn-nbctl lsp-add sw-fr-ex sw-fr-ex-lr -- lsp-set-type sw-fr-ex-lr router \
    -- lsp-set-addresses sw-fr-ex-lr router -- lsp-set-options sw-fr-ex-lr router-port=lr-fr-ex
ovn-nbctl lrp-set-gateway-chassis lr-fr-ex "$T_NAME" 10
ovn-nbctl lr-nat-add lr-fr snat $SNAT_IP 10.246.0.0/24
for x in $PODS; do check "pod $x created" pod_add $x; done
check "pod x created" pod_netns_add fr x "${MAC[x]}" "${IP[x]}/24"

check "ovnbpfd starts" daemon_start --ct-gc-interval=1
for x in $PODS x; do check "bind $x" "${CTL[@]}" bind "tfr-$x" "lp-fr-$x"; done
check "ports up" wait_until 10 bash -c "for p in $PODS x; do [[ \$(ovn-nbctl lsp-get-up lp-fr-\$p) == up ]] || exit 1; done"
check "--wait=hv sync" wait_hv

in_pod b timeout 90 python3 "$T_DIR/srv.py" b 7000 7001 >/dev/null 2>&1 &
on_exit kill $!
in_pod x timeout 90 python3 "$T_DIR/srv.py" x 7000 >/dev/null 2>&1 &
on_exit kill $!
for x in b1 b2; do
    in_pod $x timeout 90 python3 "$T_DIR/srv.py" $x 5353 >/dev/null 2>&1 &
    on_exit kill $!
done
sleep 0.5

drops_of() { "${CTL[@]}" drops 2>/dev/null | awk -v r="$1" '$2 == r { print $3 }'; }
ping_big() { in_pod a ping "$@" -c 2 -i 0.3 -W 2 -s 4000 "${IP[b]}" >/dev/null 2>&1; }
ping_small() { in_pod a ping -c 1 -W 1 "${IP[b]}" >/dev/null 2>&1; }
check "small ping a -> b" wait_until 5 ping_small
check "ping -s 4000 a -> b (fragments, stateful ACL)" ping_big
check "ping6 -s 4000 a -> b" \
    bash -c "ip netns exec t-fr-a ping -6 -c 2 -i 0.3 -W 2 -s 4000 ${IP6[b]} >/dev/null 2>&1"
check "ping -s 4000 b -> a dropped (new into the group, every fragment)" \
    bash -c "! ip netns exec t-fr-b ping -c 2 -i 0.3 -W 1 -s 4000 ${IP[a]} >/dev/null 2>&1"
check "conntrack: one ICMP echo exchange a -> b" \
    bash -c "${CTL[*]} conntrack list | grep -q 'icmp,orig=(src=${IP[a]},dst=${IP[b]},'"

udp_big() {
    local dst=$1 port=$2 n=$3 out=$4
    in_pod a timeout 30 python3 "$T_DIR/cli.py" "$dst" "$port" 3000 "$n" >"$out" 2>&1
    [[ $(grep -c "^ans" "$out") -eq $n ]]
}
check "UDP 3000 bytes a -> b:7000, whole answer back" udp_big "${IP[b]}" 7000 4 "$T_DIR/u4.out"
check "... b got all 3000 bytes from a" grep -q "^ans b 3000 ${IP[a]} " "$T_DIR/u4.out"
check "UDP6 3000 bytes a -> b:7000" udp_big "${IP6[b]}" 7000 4 "$T_DIR/u6.out"
no_udp_7001() {
    in_pod a timeout 10 python3 "$T_DIR/cli.py" "${IP[b]}" 7001 3000 2 >"$T_DIR/u7001.out" 2>&1
    ! grep -q "^ans" "$T_DIR/u7001.out"
}
d0=$(drops_of stage-drop-action)
check "UDP 3000 bytes to b:7001 (ACL drop) gets no answer" no_udp_7001
d1=$(drops_of stage-drop-action)
check "... all 3 fragments of both datagrams dropped by the ACL ($d0 -> $d1)" \
    test $((d1 - d0)) -ge 6

check "UDP 3000 bytes to the VIP: 16 whole answers from VIP:53" \
    udp_big $VIP 53 16 "$T_DIR/lb4.out"
l1=$(grep -c "^ans b1 3000" "$T_DIR/lb4.out"); l2=$(grep -c "^ans b2 3000" "$T_DIR/lb4.out")
check "each datagram whole at one backend, both used (b1 $l1, b2 $l2)" \
    test $((l1 + l2)) -eq 16 -a "$l1" -ge 1 -a "$l2" -ge 1
check "UDP6 3000 bytes to the IPv6 VIP: 8 whole answers" \
    udp_big $VIP6 53 8 "$T_DIR/lb6.out"
m1=$(grep -c "^ans b1 3000" "$T_DIR/lb6.out"); m2=$(grep -c "^ans b2 3000" "$T_DIR/lb6.out")
check "IPv6: each datagram whole at one backend (b1 $m1, b2 $m2)" test $((m1 + m2)) -eq 8
check "conntrack: a NAT'd UDP connection to the VIP" \
    bash -c "${CTL[*]} conntrack list | grep -q 'udp,orig=(src=${IP[a]},dst=$VIP,sport=[0-9]*,dport=53),reply=(src=10.246.0.2[12],'"

check "ping -s 4000 a -> x across the router (SNAT)" \
    bash -c "ip netns exec t-fr-a ping -c 2 -i 0.3 -W 2 -s 4000 ${IP[x]} >/dev/null 2>&1"
check "UDP 3000 bytes a -> x:7000 across the router, whole answer back" \
    udp_big "${IP[x]}" 7000 4 "$T_DIR/snat.out"
check "... x saw every datagram whole, from the SNAT address" \
    test "$(grep -c "^ans x 3000 $SNAT_IP " "$T_DIR/snat.out")" -eq 4

nf=$(drops_of frag-first-fragment-not-seen)
check "no fragment dropped as unknown (in-order veth traffic: ${nf:-?})" test "${nf:-x}" = 0

if [[ $T_FAILED -ne 0 ]]; then
    cat "$T_DIR"/*.out >&2 2>/dev/null
    "${CTL[@]}" drops >&2 || true
    "${CTL[@]}" conntrack list >&2 | head -30 || true
    tail -30 "$T_DIR/ovnbpfd.log" >&2
fi
