#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Load-balancer hairpin (chk_lb_hairpin, chk_lb_hairpin_reply,
# ct_snat_to_vip) with a real ovn-northd: pod a reaches VIPs whose only
# backend is a itself.  Switch sw-lbh holds a and b; router lr-lbh
# (10.252.0.254, fd00:252::fe) is the gateway towards the VIPs:
#
#   lbh-t  172.31.0.100:80    -> 10.252.0.10:8080   tcp
#   lbh-u  172.31.0.100:53    -> 10.252.0.10:5353   udp
#   lbh-6  [fd00:31::100]:80  -> [fd00:252::a]:8080 tcp
#   lbh-s  172.31.0.101:80    -> 10.252.0.10:8080   tcp, hairpin_snat_ip
#                                                    169.254.169.5
#   lbh-i  172.31.0.100:54    -> 10.252.0.11:5454   udp (b: nobody listens)
#
# a's server answers with the peer address it sees: the VIP for a plain
# hairpin, the hairpin_snat_ip when set; a's client must see the answers
# come from the VIP.  The last VIP checks the translation of an ICMP
# error: b's port unreachable reaches a as coming from the VIP, quoting
# the VIP, so a's connected UDP socket gets ECONNREFUSED.
. "$(dirname "$0")/lib.sh"
need_root

CTL=("$B/ovnbpfctl" --state-dir="$T_DIR/state" --bpffs-dir="$T_PIN")
SW=sw-lbh
declare -A MAC=([a]=00:00:00:0c:05:0a [b]=00:00:00:0c:05:0b)
declare -A IP=([a]=10.252.0.10 [b]=10.252.0.11)
declare -A IP6=([a]=fd00:252::a [b]=fd00:252::b)
VIP=172.31.0.100
VIPS=172.31.0.101
SNAT=169.254.169.5
VIP6=fd00:31::100

pod_add() {
    local x=$1
    pod_netns_add lbh "$x" "${MAC[$x]}" "${IP[$x]}/24" "${IP6[$x]}/64" || return 1
    ip -n "t-lbh-$x" route add default via 10.252.0.254
    ip -n "t-lbh-$x" -6 route add default via fd00:252::fe
}
in_pod() { local x=$1; shift; ip netns exec "t-lbh-$x" "$@"; }

cat >"$T_DIR/cli.py" <<'EOF'
# cli.py tcp|tcp6|udp|icmp VIP PORT N: N exchanges; prints one line each:
# "ok SEEN" (answer from VIP:PORT; SEEN = the peer the server saw),
# "refused" (ECONNREFUSED), or "bad ...".
import socket, sys
mode, vip, port, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
for i in range(n):
    try:
        if mode.startswith("tcp"):
            fam = socket.AF_INET6 if mode == "tcp6" else socket.AF_INET
            s = socket.socket(fam, socket.SOCK_STREAM); s.settimeout(3)
            s.connect((vip, port))
            f = s.makefile("rb")
            seen = set()
            for _ in range(3):
                s.sendall(b"q\n")
                seen.add(f.readline().strip().decode())
            peer = s.getpeername()[0]
            s.close()
            print("ok" if len(seen) == 1 and peer == vip else "bad", *seen, peer, flush=True)
        else:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2)
            s.connect((vip, port))
            s.send(b"q")
            d = s.recv(100)
            print("ok", d.decode(), flush=True)
            s.close()
    except ConnectionRefusedError:
        print("refused", flush=True)
    except Exception as e:
        print("bad", e, flush=True)
EOF

ovn_start || { not_ok "local OVN starts"; exit 1; }
ovn-nbctl ls-add $SW
for x in a b; do
    ovn-nbctl lsp-add $SW "lp-lbh-$x" \
        -- lsp-set-addresses "lp-lbh-$x" "${MAC[$x]} ${IP[$x]} ${IP6[$x]}"
done
ovn-nbctl lr-add lr-lbh -- lrp-add lr-lbh lr-lbh-sw 00:00:00:0c:05:fe 10.252.0.254/24 fd00:252::fe/64
ovn-nbctl lsp-add $SW sw-lbh-lr -- lsp-set-type sw-lbh-lr router \
    -- lsp-set-addresses sw-lbh-lr router -- lsp-set-options sw-lbh-lr router-port=lr-lbh-sw
ovn-nbctl lb-add lbh-t $VIP:80 "${IP[a]}:8080" tcp
ovn-nbctl lb-add lbh-u $VIP:53 "${IP[a]}:5353" udp
ovn-nbctl lb-add lbh-6 "[$VIP6]:80" "[${IP6[a]}]:8080" tcp
ovn-nbctl lb-add lbh-s $VIPS:80 "${IP[a]}:8080" tcp
ovn-nbctl set load_balancer lbh-s options:hairpin_snat_ip="$SNAT"
ovn-nbctl lb-add lbh-i $VIP:54 "${IP[b]}:5454" udp
for l in lbh-t lbh-u lbh-6 lbh-s lbh-i; do ovn-nbctl ls-lb-add $SW $l; done
for x in a b; do check "pod $x created" pod_add $x; done

check "ovnbpfd starts" daemon_start --ct-gc-interval=1
for x in a b; do check "bind $x" "${CTL[@]}" bind "tlbh-$x" "lp-lbh-$x"; done
check "ports up" wait_until 10 bash -c "for p in a b; do [[ \$(ovn-nbctl lsp-get-up lp-lbh-\$p) == up ]] || exit 1; done"
check "--wait=hv sync" ovn-nbctl --timeout=15 --wait=hv sync

in_pod a timeout 60 python3 "$TOP/tests/system/name_srv.py" --peer --udp 5353 >/dev/null 2>&1 &
on_exit kill $!
sleep 0.5
ping_b() { in_pod a ping -c 1 -W 1 "${IP[b]}" >/dev/null 2>&1; }
check "b reachable directly" wait_until 5 ping_b

in_pod a timeout 30 python3 "$T_DIR/cli.py" tcp $VIP 80 5 >"$T_DIR/t.out" 2>&1
check "TCP hairpin: 5 connections to a's own VIP answered from the VIP" \
    test "$(grep -c "^ok $VIP $VIP$" "$T_DIR/t.out")" -eq 5
check "conntrack: the hairpin SNAT to the VIP in the switch's SNAT zone" \
    bash -c "${CTL[*]} conntrack list | grep -q 'tcp,orig=(src=${IP[a]},dst=${IP[a]},sport=[0-9]*,dport=8080),reply=(src=${IP[a]},dst=$VIP,'"

in_pod a timeout 30 python3 "$T_DIR/cli.py" udp $VIP 53 5 >"$T_DIR/u.out" 2>&1
check "UDP hairpin: 5 datagrams answered, the backend saw the VIP" \
    test "$(grep -c "^ok $VIP$" "$T_DIR/u.out")" -eq 5

in_pod a timeout 30 python3 "$T_DIR/cli.py" tcp $VIPS 80 5 >"$T_DIR/s.out" 2>&1
check "hairpin_snat_ip: the backend sees $SNAT, the client the VIP" \
    test "$(grep -c "^ok $SNAT $VIPS$" "$T_DIR/s.out")" -eq 5

in_pod a timeout 30 python3 "$T_DIR/cli.py" tcp6 $VIP6 80 3 >"$T_DIR/t6.out" 2>&1
check "IPv6 TCP hairpin: 3 connections answered from the VIP" \
    test "$(grep -c "^ok $VIP6 $VIP6$" "$T_DIR/t6.out")" -eq 3

in_pod a timeout 30 python3 "$T_DIR/cli.py" udp $VIP 54 3 >"$T_DIR/i.out" 2>&1
check "ICMP port unreachable from the backend reaches the client translated (ECONNREFUSED)" \
    test "$(grep -c "^refused$" "$T_DIR/i.out")" -eq 3

if [[ $T_FAILED -ne 0 ]]; then
    head -5 "$T_DIR"/{t,u,s,t6,i}.out >&2
    "${CTL[@]}" drops >&2 || true
    "${CTL[@]}" conntrack list >&2 | head -30 || true
    tail -30 "$T_DIR/ovnbpfd.log" >&2
fi
