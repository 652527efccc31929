#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# ACL reject with a real ovn-northd: two pods on one switch, to-lport
# reject ACLs on TCP and UDP port 5555 (IPv4 and IPv6).  The client's TCP
# connect fails at once with "connection refused" (a RST made in BPF), its
# connected UDP socket gets ECONNREFUSED (an ICMP/ICMPv6 port unreachable
# made in BPF); other ports still pass.
. "$(dirname "$0")/lib.sh"
need_root

CTL=("$B/ovnbpfctl" --state-dir="$T_DIR/state" --bpffs-dir="$T_PIN")
SW=sw-rej
declare -A MAC=([a]=00:00:00:0c:03:0a [b]=00:00:00:0c:03:0b)
declare -A IP=([a]=10.252.0.10 [b]=10.252.0.11)
declare -A IP6=([a]=fd00:252::a [b]=fd00:252::b)

pod_add() {
    local x=$1 ns=t-rej-$1
    ip netns del "$ns" 2>/dev/null; ip link del "trej-$x" 2>/dev/null
    ip netns add "$ns" || return 1
    on_exit ip netns del "$ns"
    on_exit ip link del "trej-$x"
    ip link add "trej-$x" type veth peer name eth0 netns "$ns" || return 1
    ip -n "$ns" link set eth0 address "${MAC[$x]}"
    ip -n "$ns" addr add "${IP[$x]}/24" dev eth0
    ip -n "$ns" addr add "${IP6[$x]}/64" dev eth0 nodad
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up
    ip link set "trej-$x" up
}
lsp_add() {
    local x=$1
    ovn-nbctl lsp-add $SW "lp-rej-$x" \
        -- lsp-set-addresses "lp-rej-$x" "${MAC[$x]} ${IP[$x]} ${IP6[$x]}" \
        -- lsp-set-port-security "lp-rej-$x" "${MAC[$x]} ${IP[$x]} ${IP6[$x]}"
}
in_pod() { local x=$1; shift; ip netns exec "t-rej-$x" "$@"; }
wait_hv() { ovn-nbctl --timeout=15 --wait=hv sync; }

# probe POD tcp|udp ADDR PORT: prints the errno name the client sees
# ("refused", "ok", "timeout", ...) and the time it took.
cat >"$T_DIR/probe.py" <<'EOF'
import errno, socket, sys, time
proto, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
t0 = time.monotonic()
try:
    if proto == "tcp":
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.settimeout(3)
        s.connect((addr, port))
        r = "ok"
    else:
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.settimeout(2)
        s.connect((addr, port))
        s.send(b"probe")
        s.recv(100)
        r = "ok"
except ConnectionRefusedError:
    r = "refused"
except socket.timeout:
    r = "timeout"
except OSError as e:
    r = errno.errorcode.get(e.errno, str(e.errno))
print(r, "%.3f" % (time.monotonic() - t0))
EOF
probe() { in_pod "$1" python3 "$T_DIR/probe.py" "$2" "$3" "$4" 2>&1; }
# refused_fast POD PROTO ADDR PORT: refused in under a second.
refused_fast() {
    local r; r=$(probe "$@")
    echo "  probe $*: $r" >&2
    [[ $r == refused\ 0.* ]]
}
cat >"$T_DIR/listen.py" <<'EOF'
import socket, sys
addr, port = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((addr, port))
s.listen(1)
s.settimeout(5)
s.accept()
EOF
tcp_passes() {
    local port=$2
    in_pod b timeout 6 python3 "$T_DIR/listen.py" "$1" "$port" >/dev/null 2>&1 &
    local pid=$!
    sleep 0.3
    local r; r=$(probe a tcp "$1" "$port")
    kill $pid 2>/dev/null; wait $pid 2>/dev/null
    echo "  probe tcp $1 $port: $r" >&2
    [[ $r == ok\ * ]]
}
drops_of() {
    "${CTL[@]}" drops 2>/dev/null | awk -v r="$1" '$2 == r { print $3; f = 1 } END { if (!f) print 0 }'
}

ovn_start || { not_ok "local OVN starts"; exit 1; }
ovn-nbctl ls-add $SW
lsp_add a
lsp_add b
ovn-nbctl acl-add $SW to-lport 1001 'ip4 && tcp.dst == 5555' reject
ovn-nbctl acl-add $SW to-lport 1001 'ip4 && udp.dst == 5555' reject
ovn-nbctl acl-add $SW to-lport 1001 'ip6 && tcp.dst == 5555' reject
ovn-nbctl acl-add $SW to-lport 1001 'ip6 && udp.dst == 5555' reject
check "pod a created" pod_add a
check "pod b created" pod_add b

check "ovnbpfd starts" daemon_start
check "bind a" "${CTL[@]}" bind trej-a lp-rej-a
check "bind b" "${CTL[@]}" bind trej-b lp-rej-b
check "ports up" wait_until 10 bash -c "[[ \$(ovn-nbctl lsp-get-up lp-rej-a) == up && \$(ovn-nbctl lsp-get-up lp-rej-b) == up ]]"
check "--wait=hv sync" wait_hv
check "ping a -> b" wait_until 5 bash -c "ip netns exec t-rej-a ping -c 1 -W 1 ${IP[b]} >/dev/null 2>&1"
check "ping6 a -> b" wait_until 5 bash -c "ip netns exec t-rej-a ping -6 -c 1 -W 1 ${IP6[b]} >/dev/null 2>&1"

# What northd wrote for the reject ACLs, and whether they need conntrack.
ovn-sbctl dump-flows $SW >"$T_DIR/lflows.txt" 2>/dev/null
check "northd wrote reject flows" grep -q 'reject {' "$T_DIR/lflows.txt"
# Stateless reject: nothing sends the packets to conntrack (reg0[0], the
# "go through ct_next" bit of ls_*_pre_acl, is never set).
check "no flow sends packets to conntrack" bash -c "! grep -q 'reg0\[0\] = 1' '$T_DIR/lflows.txt'"

# Listeners on b's port 5555: a refusal can only come from the ACL, and
# nothing may reach them.
cat >"$T_DIR/sink.py" <<'EOF'
import select, socket, sys
socks = []
for fam, addr in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
    for typ in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
        s = socket.socket(fam, typ)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if fam == socket.AF_INET6:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        s.bind((addr, 5555))
        if typ == socket.SOCK_STREAM:
            s.listen(8)
        socks.append(s)
print("listening", flush=True)
while True:
    for s in select.select(socks, [], [])[0]:
        print("got", s.family, s.type, flush=True)
        if s.type == socket.SOCK_STREAM:
            s.accept()
        else:
            s.recv(100)
EOF
in_pod b python3 "$T_DIR/sink.py" >"$T_DIR/sink.out" 2>&1 &
SINK=$!
on_exit kill $SINK
check "listeners on b:5555" wait_until 3 grep -q listening "$T_DIR/sink.out"

check "TCP 5555 (IPv4): connection refused at once" refused_fast a tcp "${IP[b]}" 5555
check "UDP 5555 (IPv4): ECONNREFUSED from ICMP port unreachable" refused_fast a udp "${IP[b]}" 5555
check "TCP 5555 (IPv6): connection refused at once" refused_fast a tcp "${IP6[b]}" 5555
check "UDP 5555 (IPv6): ECONNREFUSED from ICMPv6 port unreachable" refused_fast a udp "${IP6[b]}" 5555
check "nothing reached b's port 5555" bash -c "! grep -q got '$T_DIR/sink.out'"
check "TCP 5556 (IPv4) not rejected" tcp_passes "${IP[b]}" 5556
check "TCP 5556 (IPv6) not rejected" tcp_passes "${IP6[b]}" 5556
# A RST is never answered with a RST (pinctrl's rule, here in BPF).
before=$(drops_of reject-of-rst-or-unreach)
in_pod a python3 - "${IP[b]}" <<'EOF' 2>/dev/null
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
# TCP header only (the kernel adds IP); checksum left 0: reject does not look.
s.sendto(struct.pack("!HHIIBBHHH", 40001, 5555, 1, 0, 5 << 4, 0x04, 0, 0, 0), (sys.argv[1], 0))
EOF
rst_ignored() { (( $(drops_of reject-of-rst-or-unreach) > before )); }
check "a RST to port 5555 gets no answer (counted)" wait_until 3 rst_ignored

if [[ $T_FAILED -ne 0 ]]; then
    "${CTL[@]}" drops >&2 || true
    cat "$T_DIR/lflows.txt" >&2
    tail -30 "$T_DIR/ovnbpfd.log" >&2
fi
