#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Stateful ACLs on ovnbpf's conntrack, with a real ovn-northd.  Pods a and
# b are in port group pg_ct; new traffic into the group is dropped except
# from a (allow-related), and the group's pods may send (allow-related):
#
#   to-lport   1002 outport == @pg_ct && ip                       drop
#   to-lport   1003 outport == @pg_ct && ip4.src == A             allow-related
#   to-lport   1003 outport == @pg_ct && ip6.src == A6            allow-related
#   from-lport 1001 inport == @pg_ct && ip                        allow-related
#
# So a -> b works (ICMP, TCP, UDP, IPv4 and IPv6) and b's replies pass as
# established, while b -> a new connections are dropped.  Then a TCP
# connection a -> b is kept open while an ACL that drops new connections
# from a is added: the connection goes on, a new one is refused.
. "$(dirname "$0")/lib.sh"
need_root

CTL=("$B/ovnbpfctl" --state-dir="$T_DIR/state" --bpffs-dir="$T_PIN")
SW=sw-ct
declare -A MAC=([a]=00:00:00:0c:03:0a [b]=00:00:00:0c:03:0b)
declare -A IP=([a]=10.252.0.10 [b]=10.252.0.11)
declare -A IP6=([a]=fd00:252::a [b]=fd00:252::b)

pod_add() {
    local x=$1
    pod_netns_add ct "$x" "${MAC[$x]}" "${IP[$x]}/24" "${IP6[$x]}/64" || return 1
}
lsp_add() {
    local x=$1
    ovn-nbctl lsp-add $SW "lp-ct-$x" \
        -- lsp-set-addresses "lp-ct-$x" "${MAC[$x]} ${IP[$x]} ${IP6[$x]}" \
        -- lsp-set-port-security "lp-ct-$x" "${MAC[$x]} ${IP[$x]} ${IP6[$x]}"
}
in_pod() { local x=$1; shift; ip netns exec "t-ct-$x" "$@"; }
ping4() { in_pod "$1" ping -c 1 -W 1 "${IP[$2]}" >/dev/null 2>&1; }
ping6() { in_pod "$1" ping -6 -c 1 -W 1 "${IP6[$2]}" >/dev/null 2>&1; }
no_ping4() { ! in_pod "$1" ping -c 2 -W 1 "${IP[$2]}" >/dev/null 2>&1; }
no_ping6() { ! in_pod "$1" ping -6 -c 2 -W 1 "${IP6[$2]}" >/dev/null 2>&1; }

# tcp FROM TO PORT [6]: one line over a new TCP connection
tcp_ok() {
    local from=$1 to=$2 port=$3 dst out
    if [[ ${4:-} == 6 ]]; then dst=${IP6[$to]}; else dst=${IP[$to]}; fi
    rm -f "$T_DIR/tcp.$to"
    in_pod "$to" timeout 5 nc -"${4:-4}" -l -p "$port" >"$T_DIR/tcp.$to" 2>/dev/null &
    local pid=$!
    sleep 0.3
    in_pod "$from" timeout 3 bash -c "echo hello-$from >/dev/tcp/$dst/$port" 2>/dev/null
    if ! wait $pid 2>/dev/null; then :; fi
    out=$(cat "$T_DIR/tcp.$to" 2>/dev/null)
    [[ $out == "hello-$from" ]]
}
no_tcp() {
    local from=$1 to=$2 port=$3
    in_pod "$to" timeout 3 nc -l -p "$port" >/dev/null 2>&1 &
    local pid=$!
    sleep 0.3
    ! in_pod "$from" timeout 2 bash -c "echo x >/dev/tcp/${IP[$to]}/$port" 2>/dev/null
    local r=$?
    kill $pid 2>/dev/null; wait $pid 2>/dev/null
    return $r
}
udp_ok() {
    local from=$1 to=$2 port=$3 out
    in_pod "$to" timeout 3 nc -u -l -p "$port" >"$T_DIR/udp.$to" 2>/dev/null &
    local pid=$!
    sleep 0.3
    in_pod "$from" bash -c "echo dgram-$from >/dev/udp/${IP[$to]}/$port" 2>/dev/null
    sleep 0.5
    kill $pid 2>/dev/null; wait $pid 2>/dev/null
    out=$(cat "$T_DIR/udp.$to" 2>/dev/null)
    [[ $out == "dgram-$from" ]]
}
no_udp() { ! udp_ok "$@"; }
no_ct_has() { ! ct_has "$@"; }
ct_has() { local z=$1; shift; ct_list ${z:+--zone "$z"} | grep -q "$@"; }
ct_list() { "${CTL[@]}" conntrack list "$@" 2>/dev/null; }

ovn_start || { not_ok "local OVN starts"; exit 1; }
ovn-nbctl ls-add $SW
lsp_add a
lsp_add b
ovn-nbctl pg-add pg_ct lp-ct-a lp-ct-b
ovn-nbctl acl-add pg_ct to-lport 1002 'outport == @pg_ct && ip' drop
ovn-nbctl acl-add pg_ct to-lport 1003 "outport == @pg_ct && ip4.src == ${IP[a]}" allow-related
ovn-nbctl acl-add pg_ct to-lport 1003 "outport == @pg_ct && ip6.src == ${IP6[a]}" allow-related
ovn-nbctl acl-add pg_ct from-lport 1001 'inport == @pg_ct && ip' allow-related
check "pod a created" pod_add a
check "pod b created" pod_add b

check "ovnbpfd starts" daemon_start --ct-gc-interval=1
check "bind a" "${CTL[@]}" bind tct-a lp-ct-a
check "bind b" "${CTL[@]}" bind tct-b lp-ct-b
check "ports up" wait_until 10 bash -c "[[ \$(ovn-nbctl lsp-get-up lp-ct-a) == up && \$(ovn-nbctl lsp-get-up lp-ct-b) == up ]]"
check "--wait=hv sync" wait_hv
za=$(awk '$2 == "lp-ct-a" { print $1 }' "$T_DIR/state/ct-zones" 2>/dev/null)
zb=$(awk '$2 == "lp-ct-b" { print $1 }' "$T_DIR/state/ct-zones" 2>/dev/null)
check "ports got distinct conntrack zones ($za, $zb)" test -n "$za" -a -n "$zb" -a "$za" != "$zb"

check "ping a -> b (allowed, reply passes)" wait_until 5 ping4 a b
check "ping b -> a dropped (new into the group)" no_ping4 b a
check "ping6 a -> b" wait_until 5 ping6 a b
check "ping6 b -> a dropped" no_ping6 b a
check "TCP a -> b" tcp_ok a b 6001
check "TCP6 a -> b" tcp_ok a b 6002 6
check "TCP b -> a dropped" no_tcp b a 6003
check "UDP a -> b" udp_ok a b 6004
check "UDP b -> a dropped" no_udp b a 6005

check "conntrack list shows a -> b ICMP in b's zone" \
    ct_has "$zb" "icmp,orig=(src=${IP[a]},dst=${IP[b]},"
check "conntrack list shows a -> b TCP in a's zone, established" \
    ct_has "$za" "tcp,orig=(src=${IP[a]},dst=${IP[b]},sport=[0-9]*,dport=6001).*state=\(TIME_WAIT\|LAST_ACK\|CLOSE\)"
check "conntrack list shows IPv6 TCP" ct_has "" "tcp6,orig=(src=${IP6[a]},dst=${IP6[b]},"
check "the refused b -> a TCP is not in a's zone" \
    no_ct_has "$za" "tcp,orig=(src=${IP[b]},dst=${IP[a]},sport=[0-9]*,dport=6003)"

# A long-lived TCP connection a -> b across an ACL that drops new ones.
cat >"$T_DIR/srv.py" <<'EOF'
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1]))); s.listen(1); s.settimeout(20)
c, _ = s.accept(); c.settimeout(20)
f = c.makefile("rw")
for line in f:
    f.write("echo " + line); f.flush()
EOF
cat >"$T_DIR/cli.py" <<'EOF'
import socket, sys, time, os
c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=3)
f = c.makefile("rw")
def rt(msg):
    f.write(msg + "\n"); f.flush()
    return f.readline().strip() == "echo " + msg
print("first", "ok" if rt("one") else "fail", flush=True)
for _ in range(100):
    if os.path.exists(sys.argv[3]): break
    time.sleep(0.1)
try:
    print("second", "ok" if rt("two") else "fail", flush=True)
except Exception as e:
    print("second fail", e, flush=True)
EOF
in_pod b timeout 25 python3 "$T_DIR/srv.py" 6010 >/dev/null 2>&1 &
srv=$!
sleep 0.5
in_pod a timeout 20 python3 "$T_DIR/cli.py" "${IP[b]}" 6010 "$T_DIR/go" >"$T_DIR/cli.out" 2>&1 &
cli=$!
check "long-lived TCP: first round trip" wait_until 5 grep -q "first ok" "$T_DIR/cli.out"
ovn-nbctl acl-add pg_ct to-lport 1004 "outport == @pg_ct && ip4.src == ${IP[a]} && tcp && ct.new" drop
wait_hv
check "new TCP a -> b refused by the drop-new ACL" no_tcp a b 6011
touch "$T_DIR/go"
wait $cli 2>/dev/null
check "established TCP survived the drop-new ACL" grep -q "second ok" "$T_DIR/cli.out"
kill $srv 2>/dev/null; wait $srv 2>/dev/null
check "ping a -> b still allowed (not TCP)" ping4 a b

check "conntrack stats: entries, no LRU eviction" \
    bash -c "${CTL[*]} conntrack stats | grep -q '^lru evictions (created - deleted - entries): 0$'"
check "conntrack stats -j: created > 0" \
    bash -c "${CTL[*]} -j conntrack stats | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if d[\"created\"] > 0 and d[\"entries\"] > 0 else 1)'"
n=$("${CTL[@]}" conntrack flush --zone "$zb" | awk '{print $1}')
check "conntrack flush --zone $zb ($n entries)" test "${n:-0}" -gt 0
check "zone $zb is empty" bash -c "[[ -z \$(${CTL[*]} conntrack list --zone $zb) ]]"

# A restart keeps the zones (their connections stay valid).  Traffic
# across restarts with these ACLs is tests/system/restart.sh's.
daemon_stop
check "ovnbpfd restarts" daemon_start --ct-gc-interval=1
check "--wait=hv sync after restart" wait_hv
za2=$(awk '$2 == "lp-ct-a" { print $1 }' "$T_DIR/state/ct-zones" 2>/dev/null)
zb2=$(awk '$2 == "lp-ct-b" { print $1 }' "$T_DIR/state/ct-zones" 2>/dev/null)
check "zones kept across the restart ($za2, $zb2)" test "$za2" = "$za" -a "$zb2" = "$zb"

if [[ $T_FAILED -ne 0 ]]; then
    "${CTL[@]}" drops >&2 || true
    "${CTL[@]}" conntrack list >&2 || true
    tail -30 "$T_DIR/ovnbpfd.log" >&2
fi
