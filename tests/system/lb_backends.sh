#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Load-balancer backends changing under live connections, and ovnbpfd
# restarting under them.  Switch sw-lbb holds client c and backends b1,
# b2, b3; router lr-lbb is the pods' gateway (the VIP is off-subnet):
#
#   lb-add lb-lbb 172.31.0.100:80  10.251.0.11:8080,...12:8080,...13:8080 tcp
#
# 1. 30 long-lived connections (cli.py keeps them open and exchanges a
#    line per round) spread over all three backends.
# 2. b2 leaves the VIP (set Load_Balancer vips, --wait=hv sync): the
#    connections on b1/b3 keep working; b2's connections stay on b2
#    through conntrack, as they do under ovn-controller + OVS (OVN 23.03
#    has no ct_flush of removed backends) until b2 itself goes away (its
#    server is killed, as Kubernetes deletes the pod): then they fail
#    while the others keep going.  New connections never land on b2.
# 3. ovnbpfd restarts on the same pins and state: the established LB
#    connections survive, and a connection from the same source port
#    (same 5-tuple, conntrack flushed in between) picks the same backend
#    before and after: the backend hash has no per-process seed.
. "$(dirname "$0")/lib.sh"
need_root

CTL=("$B/ovnbpfctl" --state-dir="$T_DIR/state" --bpffs-dir="$T_PIN")
SW=sw-lbb
declare -A MAC=([c]=00:00:00:0c:05:0a [b1]=00:00:00:0c:05:0b [b2]=00:00:00:0c:05:0c [b3]=00:00:00:0c:05:0d)
declare -A IP=([c]=10.251.0.10 [b1]=10.251.0.11 [b2]=10.251.0.12 [b3]=10.251.0.13)
VIP=172.31.0.100
N=30

pod_add() {
    local x=$1 ns=t-lbb-$1
    ip netns del "$ns" 2>/dev/null; ip link del "tlbb-$x" 2>/dev/null
    ip netns add "$ns" || return 1
    on_exit ip netns del "$ns"
    on_exit ip link del "tlbb-$x"
    ip link add "tlbb-$x" type veth peer name eth0 netns "$ns" || return 1
    ip -n "$ns" link set eth0 address "${MAC[$x]}"
    ip -n "$ns" addr add "${IP[$x]}/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up
    ip -n "$ns" route add default via 10.251.0.254
    ip link set "tlbb-$x" up
}
lsp_add() {
    ovn-nbctl lsp-add $SW "lp-lbb-$1" -- lsp-set-addresses "lp-lbb-$1" "${MAC[$1]} ${IP[$1]}"
}
in_pod() { local x=$1; shift; ip netns exec "t-lbb-$x" "$@"; }
wait_hv() { ovn-nbctl --timeout=15 --wait=hv sync; }
backends() {
    local b out=
    for b in "$@"; do out+="${out:+,}${IP[$b]}:8080"; done
    ovn-nbctl set Load_Balancer lb-lbb "vips:\"$VIP:80\"=\"$out\""
}

cat >"$T_DIR/cli.py" <<'EOF'
# cli.py VIP N DIR: open N connections to VIP:80 and keep them.  Round 0
# runs at once, round R when DIR/goR appears: every live connection sends
# a line and reads the answer (2 s); prints "R I NAME" or "R I dead WHY",
# then "R done".  A dead connection stays dead.
import os, socket, sys, time
vip, n, d = sys.argv[1], int(sys.argv[2]), sys.argv[3]
conns = []
for i in range(n):
    try:
        s = socket.create_connection((vip, 80), timeout=3)
        s.settimeout(2)
        conns.append((s, s.makefile("rb")))
    except Exception as e:
        conns.append(None)
r = 0
while True:
    for i, cf in enumerate(conns):
        if cf is None:
            print(r, i, "dead", "closed", flush=True)
            continue
        try:
            cf[0].sendall(b"q\n")
            a = cf[1].readline().strip().decode()
            if not a:
                raise OSError("eof")
            print(r, i, a, flush=True)
        except Exception as e:
            print(r, i, "dead", type(e).__name__, flush=True)
            cf[0].close()
            conns[i] = None
    print(r, "done", flush=True)
    r += 1
    while not os.path.exists(f"{d}/go{r}"):
        time.sleep(0.05)
EOF
cat >"$T_DIR/empty.py" <<'EOF'
# empty.py tcp|udp VIP PORT: prints "refused" (TCP RST / ICMP port
# unreachable), "timeout" or "answered".
import socket, sys
proto, vip, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
try:
    if proto == "tcp":
        s = socket.create_connection((vip, port), timeout=2)
        print("answered")
    else:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2)
        s.connect((vip, port)); s.send(b"q"); s.recv(100)
        print("answered")
except ConnectionRefusedError:
    print("refused")
except socket.timeout:
    print("timeout")
except Exception as e:
    print("other", type(e).__name__)
EOF
cat >"$T_DIR/pick.py" <<'EOF'
# pick.py VIP SPORT0 N: one short connection from each source port
# SPORT0..SPORT0+N-1 to VIP:80; prints "SPORT NAME" (closed with RST so
# that no TIME_WAIT blocks the same 5-tuple later).
import socket, struct, sys
vip, p0, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for p in range(p0, p0 + n):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM); s.settimeout(3)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    try:
        s.bind(("0.0.0.0", p)); s.connect((vip, 80))
        s.sendall(b"q\n")
        print(p, s.makefile("rb").readline().strip().decode(), flush=True)
    except Exception as e:
        print(p, "bad", type(e).__name__, flush=True)
    s.close()
EOF

ovn_start || { not_ok "local OVN starts"; exit 1; }
ovn-nbctl ls-add $SW
for x in c b1 b2 b3; do lsp_add $x; done
ovn-nbctl lr-add lr-lbb -- lrp-add lr-lbb lr-lbb-sw 00:00:00:0c:05:fe 10.251.0.254/24
ovn-nbctl lsp-add $SW sw-lbb-lr -- lsp-set-type sw-lbb-lr router \
    -- lsp-set-addresses sw-lbb-lr router -- lsp-set-options sw-lbb-lr router-port=lr-lbb-sw
ovn-nbctl lb-add lb-lbb $VIP:80 "${IP[b1]}:8080,${IP[b2]}:8080,${IP[b3]}:8080" tcp
ovn-nbctl ls-lb-add $SW lb-lbb
# VIPs without backends (northd 23.03: "drop;" in ls_in_lb, or
# "reject {...}" with options:reject=true).
# (A load balancer has one protocol: a udp VIP added to a tcp LB turns the
# whole LB into udp, so TCP and UDP need one LB each.)
ovn-nbctl lb-add lb-lbb-rej 172.31.0.101:80 "" tcp -- lb-add lb-lbb-rej-u 172.31.0.101:53 "" udp
ovn-nbctl set Load_Balancer lb-lbb-rej options:reject=true -- set Load_Balancer lb-lbb-rej-u options:reject=true
ovn-nbctl lb-add lb-lbb-drop 172.31.0.102:80 "" tcp
ovn-nbctl ls-lb-add $SW lb-lbb-rej -- ls-lb-add $SW lb-lbb-rej-u -- ls-lb-add $SW lb-lbb-drop
for x in c b1 b2 b3; do check "pod $x created" pod_add $x; done

check "ovnbpfd starts" daemon_start --ct-gc-interval=1
for x in c b1 b2 b3; do check "bind $x" "${CTL[@]}" bind "tlbb-$x" "lp-lbb-$x"; done
check "ports up" wait_until 10 bash -c "for p in c b1 b2 b3; do [[ \$(ovn-nbctl lsp-get-up lp-lbb-\$p) == up ]] || exit 1; done"
check "--wait=hv sync" wait_hv

declare -A SRV
for x in b1 b2 b3; do
    in_pod $x timeout 120 python3 "$TOP/tests/system/name_srv.py" $x >/dev/null 2>&1 &
    SRV[$x]=$!
    on_exit kill $!
done
sleep 0.5
ping_b1() { in_pod c ping -c 1 -W 1 "${IP[b1]}" >/dev/null 2>&1; }
check "backend reachable directly" wait_until 5 ping_b1

in_pod c timeout 110 python3 "$T_DIR/cli.py" $VIP $N "$T_DIR" >"$T_DIR/cli.out" 2>&1 &
on_exit kill $!
# round R: trigger it, wait for it; then count_on R NAME counts answers.
round() { touch "$T_DIR/go$1"; wait_until 15 grep -q "^$1 done" "$T_DIR/cli.out"; }
count_on() { grep -c "^$1 [0-9]* $2\$" "$T_DIR/cli.out"; }
conns_of() { awk -v r="$1" -v b="$2" '$1 == r && $3 == b { print $2 }' "$T_DIR/cli.out" | sort -n | tr '\n' ' '; }
check "long-lived connections: round 0" wait_until 15 grep -q "^0 done" "$T_DIR/cli.out"
n1=$(count_on 0 b1); n2=$(count_on 0 b2); n3=$(count_on 0 b3)
check "$N connections answered ($n1 + $n2 + $n3)" test $((n1 + n2 + n3)) -eq $N
check "spread over all three backends (b1 $n1, b2 $n2, b3 $n3)" test "$n1" -ge 3 -a "$n2" -ge 3 -a "$n3" -ge 3
on13=$(conns_of 0 b1; conns_of 0 b3)
on2=$(conns_of 0 b2)

# 2. b2 leaves the VIP.
backends b1 b3
check "VIP with b1, b3: --wait=hv sync" wait_hv
check "round 1 after the removal" round 1
check "connections on b1/b3 keep working and keep their backend" \
    test "$(conns_of 1 b1; conns_of 1 b3)" == "$on13"
check "b2's established connections stay on b2 (conntrack, as OVS)" test "$(conns_of 1 b2)" == "$on2"
in_pod c timeout 60 python3 "$T_DIR/pick.py" $VIP 41000 30 >"$T_DIR/new.out" 2>&1
k1=$(grep -c " b1$" "$T_DIR/new.out"); k2=$(grep -c " b2$" "$T_DIR/new.out"); k3=$(grep -c " b3$" "$T_DIR/new.out")
check "30 new connections answered ($k1 + $k3 + $k2)" test $((k1 + k2 + k3)) -eq 30
check "no new connection lands on the removed b2 ($k2)" test "$k2" -eq 0
check "new connections use both b1 and b3 (b1 $k1, b3 $k3)" test "$k1" -ge 3 -a "$k3" -ge 3
# b2 goes away (Kubernetes deletes the pod): its connections die, the rest go on.
# (the processes in b2's namespace are the server this test started)
for pid in $(ip netns pids t-lbb-b2); do kill "$pid"; done
wait "${SRV[b2]}" 2>/dev/null
check "round 2 after b2's server is gone" round 2
check "b2's connections are dead" test "$(count_on 2 b2)" -eq 0 -a "$(grep -c '^2 [0-9]* dead' "$T_DIR/cli.out")" -eq "$n2"
check "the others still work" test "$(conns_of 2 b1; conns_of 2 b3)" == "$on13"

# 3. Restart: hash stable, established connections survive.
in_pod c timeout 60 python3 "$T_DIR/pick.py" $VIP 42000 20 >"$T_DIR/pick.before" 2>&1
check "20 picks before the restart" test "$(grep -c ' b[13]$' "$T_DIR/pick.before")" -eq 20
daemon_stop
check "round 3 while ovnbpfd is down" round 3
check "connections keep their backend while ovnbpfd is down" test "$(conns_of 3 b1; conns_of 3 b3)" == "$on13"
check "ovnbpfd restarts on its pins and state" daemon_start --ct-gc-interval=1
check "it is serving again" wait_until 10 bash -c "${CTL[*]} status >/dev/null 2>&1"
check "--wait=hv sync after the restart" wait_hv
check "round 4 after the restart" round 4
check "established LB connections survive the restart" test "$(conns_of 4 b1; conns_of 4 b3)" == "$on13"
"${CTL[@]}" conntrack flush >/dev/null
in_pod c timeout 60 python3 "$T_DIR/pick.py" $VIP 42000 20 >"$T_DIR/pick.after" 2>&1
check "same 5-tuple, same backend before and after the restart ($(grep -c ' b1$' "$T_DIR/pick.after") on b1)" \
    cmp -s "$T_DIR/pick.before" "$T_DIR/pick.after"
check "the picks used both backends" bash -c "grep -q ' b1$' '$T_DIR/pick.after' && grep -q ' b3$' '$T_DIR/pick.after'"

# 4. VIPs without backends, as the flows say.
# empty EXPECT PROTO VIP PORT
empty() { local e=$1; shift; [[ $(in_pod c timeout 5 python3 "$T_DIR/empty.py" "$@" 2>&1) == "$e" ]]; }
check "empty VIP with reject=true: TCP connect refused (tcp_reset)" empty refused tcp 172.31.0.101 80
check "empty VIP with reject=true: UDP gets port unreachable" empty refused udp 172.31.0.101 53
check "empty VIP without reject: TCP SYN dropped (timeout)" empty timeout tcp 172.31.0.102 80

if [[ $T_FAILED -ne 0 ]]; then
    grep -v "^[0-9]* [0-9]* b[123]$" "$T_DIR/cli.out" >&2 | head -20
    diff "$T_DIR/pick.before" "$T_DIR/pick.after" >&2
    "${CTL[@]}" drops >&2 || true
    "${CTL[@]}" conntrack list 2>&1 | head -20 >&2 || true
    tail -30 "$T_DIR/ovnbpfd.log" >&2
fi
