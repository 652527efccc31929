#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# ECMP symmetric reply through ovnbpf with a real ovn-northd: a gateway
# router (options:chassis = this chassis) with a static route to an
# outside prefix over two next hops h1 and h2 (namespaces acting as
# routers), added with --ecmp-symmetric-reply.  Both next hops own the
# same outside client address, so a reply that leaves by the wrong next
# hop reaches a stack without the connection (RST): a TCP connection made
# from the outside through h1 and one through h2 both succeed only if each
# reply goes back through the next hop its connection came in by -- the
# ECMP hash of the server's address would send every reply to one of
# them.  The TCP segment counters of each next hop say which one carried
# the replies.  IPv4 and IPv6; then, as a control, the same with plain
# --ecmp routes: one of the next hops' connections fails.
. "$(dirname "$0")/lib.sh"
need_root

CTL=("$B/ovnbpfctl" --state-dir="$T_DIR/state" --bpffs-dir="$T_PIN")
CHASSIS=${T_CHASSIS:-$T_NAME}
LR=lr-es
HOPS=(h1 h2)
declare -A MAC=([s]=00:00:00:0e:52:0a [h1]=00:00:00:0e:59:11 [h2]=00:00:00:0e:59:12)
declare -A IP=([s]=10.253.1.10 [h1]=10.253.9.11 [h2]=10.253.9.12)
declare -A IP6=([s]=fd00:253:1::a [h1]=fd00:253:9::11 [h2]=fd00:253:9::12)
CLI=192.168.88.5 CLI6=fd00:88::5

# X's netns t-es-X on a veth tes-X bound to lp-es-X.
ns_add() {
    local x=$1 ns=t-es-$1
    pod_netns_add es "$x" "${MAC[$x]}" "${IP[$x]}/24" "${IP6[$x]}/64" || return 1
    if [[ $x == s ]]; then
        ip -n "$ns" route add default via 10.253.1.1
        ip -n "$ns" -6 route add default via fd00:253:1::1
    else
        # A next hop: the outside client address lives behind (here: on)
        # both next hops, and talks to the inside from it.
        ip -n "$ns" addr add $CLI/32 dev lo
        ip -n "$ns" addr add $CLI6/128 dev lo nodad
        ip -n "$ns" route add 10.253.1.0/24 via 10.253.9.1 src $CLI
        ip -n "$ns" -6 route add fd00:253:1::/64 via fd00:253:9::1 src $CLI6
    fi
}
in_ns() { local x=$1; shift; ip netns exec "t-es-$x" "$@"; }
ping_q() { in_ns "$1" ping -c 1 -W 1 "$2" >/dev/null 2>&1; }
# TCP segments received by X's stack (IPv4 and IPv6 share the counter).
insegs() { in_ns "$1" awk '/^Tcp: [0-9]/ { print $11 }' /proc/net/snmp; }

# tcp_via HOP ADDR PORT: a TCP connection from the client address on HOP
# to the server ADDR:PORT carries a line.
tcp_via() {
    local hop=$1 addr=$2 port=$3 fam=-4 out pid
    [[ $addr == *:* ]] && fam=-6
    in_ns s timeout 5 nc $fam -l -p "$port" >"$T_DIR/tcp.$port" 2>/dev/null &
    pid=$!
    sleep 0.3
    in_ns "$hop" timeout 3 bash -c "echo via-$hop >/dev/tcp/$addr/$port" 2>/dev/null
    wait $pid 2>/dev/null
    out=$(cat "$T_DIR/tcp.$port" 2>/dev/null)
    [[ $out == "via-$hop" ]]
}

# sym_check FAMILY ADDR BASEPORT: through each next hop, N connections
# succeed and their replies come back through it (its TCP counter moves,
# the other's does not).
N_CONN=4
sym_check() {
    local v=$1 addr=$2 port=$3 h o i ok ih io
    for h in "${HOPS[@]}"; do
        o=h1; [[ $h == h1 ]] && o=h2
        ih=$(insegs "$h") io=$(insegs "$o") ok=0
        for ((i = 0; i < N_CONN; i++)); do
            tcp_via "$h" "$addr" $((port + i)) && ok=$((ok + 1))
        done
        check "$v: $ok/$N_CONN connections from outside via $h succeed" test $ok = $N_CONN
        check "$v: replies came back through $h ($(( $(insegs "$h") - ih )) segments)" \
            test $(( $(insegs "$h") - ih )) -ge $((2 * N_CONN))
        check "$v: none through $o ($(( $(insegs "$o") - io )) segments)" \
            test $(( $(insegs "$o") - io )) = 0
        port=$((port + 100))
    done
}

ovn_start || { not_ok "local OVN starts"; exit 1; }
ovn-nbctl lr-add $LR -- set Logical_Router $LR options:chassis="$CHASSIS" \
    -- ls-add sw-es-in -- ls-add sw-es-x \
    -- lrp-add $LR lrp-es-in 00:00:00:0e:51:01 10.253.1.1/24 fd00:253:1::1/64 \
    -- lrp-add $LR lrp-es-x 00:00:00:0e:51:09 10.253.9.1/24 fd00:253:9::1/64 \
    -- lsp-add sw-es-in rp-es-in -- lsp-set-type rp-es-in router \
    -- lsp-set-addresses rp-es-in router -- lsp-set-options rp-es-in router-port=lrp-es-in \
    -- lsp-add sw-es-x rp-es-x -- lsp-set-type rp-es-x router \
    -- lsp-set-addresses rp-es-x router -- lsp-set-options rp-es-x router-port=lrp-es-x \
    -- lsp-add sw-es-in lp-es-s -- lsp-set-addresses lp-es-s "${MAC[s]} ${IP[s]} ${IP6[s]}"
for h in "${HOPS[@]}"; do
    ovn-nbctl lsp-add sw-es-x "lp-es-$h" -- lsp-set-addresses "lp-es-$h" "${MAC[$h]} ${IP[$h]} ${IP6[$h]}"
done
add_routes() {   # add_routes --ecmp-symmetric-reply | --ecmp
    local h
    for h in "${HOPS[@]}"; do
        ovn-nbctl "$1" lr-route-add $LR 192.168.88.0/24 "${IP[$h]}"
        ovn-nbctl "$1" lr-route-add $LR fd00:88::/64 "${IP6[$h]}"
    done
}
add_routes --ecmp-symmetric-reply
check "server created" ns_add s
for h in "${HOPS[@]}"; do check "next hop $h created" ns_add "$h"; done

check "ovnbpfd starts" daemon_start
for x in s "${HOPS[@]}"; do "${CTL[@]}" bind "tes-$x" "lp-es-$x" >/dev/null || not_ok "bind $x"; done
check "ports up" wait_until 10 bash -c "for x in s h1 h2; do [[ \$(ovn-nbctl lsp-get-up lp-es-\$x) == up ]] || exit 1; done"
check "gateway router ports claimed here" wait_until 10 bash -c \
    "[[ -n \$(ovn-sbctl --bare --columns=chassis find Port_Binding logical_port=lrp-es-x) ]]"
check "--wait=hv sync" ovn-nbctl --timeout=15 --wait=hv sync
check "northd emits the symmetric-reply flows" bash -c \
    "ovn-sbctl lflow-list $LR | grep -q 'commit_ecmp_nh(ipv6 = false, proto = tcp)'"
check "server reaches its gateway" wait_until 10 ping_q s 10.253.1.1
for h in "${HOPS[@]}"; do
    check "$h reaches the router" wait_until 10 ping_q "$h" 10.253.9.1
done

sym_check IPv4 "${IP[s]}" 6100
sym_check IPv6 "${IP6[s]}" 6300

# Control: plain ECMP hashes every reply of the server onto one next hop,
# so the connections through the other one fail -- the checks above can
# fail.
for p in 192.168.88.0/24 fd00:88::/64; do ovn-nbctl lr-route-del $LR $p; done
add_routes --ecmp
"${CTL[@]}" conntrack flush >/dev/null 2>&1
ovn-nbctl --timeout=15 --wait=hv sync
fails=""
for h in "${HOPS[@]}"; do
    tcp_via "$h" "${IP[s]}" 6500 || fails+="$h "
done
check "control: with --ecmp the connection through one next hop fails (${fails:-none})" \
    test "$(wc -w <<<"$fails")" = 1

if [[ $T_FAILED -ne 0 ]]; then
    "${CTL[@]}" drops >&2 || true
    "${CTL[@]}" conntrack >&2 || true
    ovn-sbctl lflow-list $LR | grep -E 'ecmp|defrag' >&2
    tail -30 "$T_DIR/ovnbpfd.log" >&2
fi
