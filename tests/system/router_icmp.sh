#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The logical router's answers and choices through ovnbpf with a real
# ovn-northd, asserted on the packets that come back:
#  - TTL / hop limit 1 -> ICMP time exceeded from the router port's IP;
#    UDP / other protocols / TCP to a router IP -> port unreachable,
#    protocol unreachable, RST (lr_in_ip_input); no route -> dropped
#    (northd 23.03 has no unreachable for a route miss).  IPv4 and IPv6.
#  - Logical_Router_Policy drop and allow by priority; source-IP routes;
#    route tables (LRP options:route_table -> reg7); NB Static_MAC_Binding
#    used for next hops that answer no ARP/ND.
#  - MAC_Binding as ovn-controller 23.03 writes it: one row per (port, ip),
#    the MAC (and only then the timestamp) updated when it changes.
#
# Next hops r1 and r2 own 192.0.2.1 / fd00:247:99::1 and answer with
# different default TTLs (50 / 60), so the TTL of a reply says which one
# the router chose.
. "$(dirname "$0")/lib.sh"
need_root

CTL=("$B/ovnbpfctl" --state-dir="$T_DIR/state" --bpffs-dir="$T_PIN")
PROBE=$(dirname "$0")/ricmp_probe.py
LR=lr-ri
declare -A SW=([1]=sw-ri-1 [2]=sw-ri-2)
declare -A RMAC=([1]=00:00:00:0f:01:01 [2]=00:00:00:0f:01:02)
declare -A GW=([1]=10.247.1.1 [2]=10.247.2.1)
declare -A GW6=([1]=fd00:247:1::1 [2]=fd00:247:2::1)
# pod -> subnet, MAC, IPs
declare -A NET=([a]=1 [a2]=1 [b]=2 [r1]=2 [r2]=2 [s]=2)
declare -A MAC=([a]=00:00:00:0f:02:0a [a2]=00:00:00:0f:02:0b [b]=00:00:00:0f:02:1a
                [r1]=00:00:00:0f:02:21 [r2]=00:00:00:0f:02:22 [s]=00:00:00:0f:02:28)
declare -A IP=([a]=10.247.1.10 [a2]=10.247.1.11 [b]=10.247.2.10
               [r1]=10.247.2.21 [r2]=10.247.2.22 [s]=10.247.2.40)
declare -A IP6=([a]=fd00:247:1::a [a2]=fd00:247:1::b [b]=fd00:247:2::a
                [r1]=fd00:247:2::21 [r2]=fd00:247:2::22 [s]=fd00:247:2::40)
DST=192.0.2.1 DST6=fd00:247:99::1 DSTNET=192.0.2.0/24 DST6NET=fd00:247:99::/64
NOROUTE=198.51.100.7 NOROUTE6=fd00:247:77::7

# pod X: netns t-ri-X, pod side eth0, host side tri-X bound to lp-ri-X.
pod_add() {
    local ns=t-ri-$1 n=${NET[$1]}
    pod_netns_add ri "$1" "${MAC[$1]}" "${IP[$1]}/24" "${IP6[$1]}/64" || return 1
    ip -n "$ns" route add default via "${GW[$n]}"
    ip -n "$ns" -6 route add default via "${GW6[$n]}"
}
subnet_add() {
    local n=$1
    ovn-nbctl ls-add "${SW[$n]}" \
        -- lrp-add $LR "lrp-ri-$n" "${RMAC[$n]}" "${GW[$n]}/24" "${GW6[$n]}/64" \
        -- lsp-add "${SW[$n]}" "rp-ri-$n" \
        -- lsp-set-type "rp-ri-$n" router \
        -- lsp-set-addresses "rp-ri-$n" router \
        -- lsp-set-options "rp-ri-$n" router-port="lrp-ri-$n"
}
# lsp_add X [ADDRESSES]: the logical port of pod X (addresses default to
# its MAC and IPs).
lsp_add() {
    local x=$1 addrs=${2:-"${MAC[$1]} ${IP[$1]} ${IP6[$1]}"}
    ovn-nbctl lsp-add "${SW[${NET[$x]}]}" "lp-ri-$x" -- lsp-set-addresses "lp-ri-$x" "$addrs"
}
in_pod() { local x=$1; shift; ip netns exec "t-ri-$x" "$@"; }
probe() { local x=$1; shift; in_pod "$x" python3 "$PROBE" "$@"; }
ping4() { in_pod "$1" ping -c 1 -W 1 "$2" >/dev/null 2>&1; }
ping6() { in_pod "$1" ping -6 -c 1 -W 1 "$2" >/dev/null 2>&1; }
# ttl_of X DST: the TTL / hop limit of the echo reply X gets from DST.
ttl_of() {
    in_pod "$1" ping -c 1 -W 1 "$2" 2>/dev/null | sed -n 's/.*\(ttl\|hlim\)=\([0-9]*\).*/\2/p'
}
ttl_is() { [[ $(ttl_of "$1" "$2") == "$3" ]]; }
# expect NAME WANT CMD...: run CMD (a probe), ok iff its output is WANT.
expect() {
    local name=$1 want=$2 got; shift 2
    got=$("$@" 2>&1)
    if [[ $got == "$want" ]]; then ok "$name"; else not_ok "$name (got '$got', want '$want')"; fi
}
# stage_drops STAGE: packets the stage dropped by a `drop;` flow.
stage_drops() { "${CTL[@]}" drops | awk -v s="$1" 'BEGIN { n = 0 } $1 == s { n = $3 } END { print n }'; }
sb_rows() { ovn-sbctl --bare --columns=_uuid find MAC_Binding "$@" | grep -c .; }
sb_col() { local c=$1; shift; ovn-sbctl --bare --columns="$c" find MAC_Binding "$@"; }

ovn_start || { not_ok "local OVN starts"; exit 1; }
ovn-nbctl lr-add $LR
subnet_add 1
subnet_add 2
for x in a a2 b r1 r2; do lsp_add $x; done
# s: its logical port knows no IP, so northd has no static ARP flow for
# it; the router reaches it only through a binding.
lsp_add s "${MAC[s]}"
for x in a a2 b r1 r2 s; do check "pod $x created" pod_add $x; done
for x in r1 r2; do
    in_pod $x ip addr add $DST/32 dev lo
    in_pod $x ip addr add $DST6/128 dev lo nodad
done
in_pod r1 sysctl -qw net.ipv4.ip_default_ttl=50 net.ipv6.conf.eth0.hop_limit=50 net.ipv6.conf.lo.hop_limit=50
in_pod r2 sysctl -qw net.ipv4.ip_default_ttl=60 net.ipv6.conf.eth0.hop_limit=60 net.ipv6.conf.lo.hop_limit=60

check "ovnbpfd starts" daemon_start
for x in a a2 b r1 r2 s; do
    "${CTL[@]}" bind "tri-$x" "lp-ri-$x" >/dev/null || not_ok "bind $x"
done
check "ports up" wait_until 10 bash -c "for x in a a2 b r1 r2 s; do [[ \$(ovn-nbctl lsp-get-up lp-ri-\$x) == up ]] || exit 1; done"
check "--wait=hv sync" wait_hv
check "ping a -> b across the router" wait_until 5 ping4 a "${IP[b]}"
check "ping6 a -> b across the router" wait_until 5 ping6 a "${IP6[b]}"

# ---- 1. ICMP errors from lr_in_ip_input ----
expect "TTL 1 a -> b: time exceeded from a's gateway, quoting the probe" \
    "icmp src=${GW[1]} type=11 code=0 inner_dst=${IP[b]} inner_proto=17 inner_dport=33434" \
    probe a ttl "${IP[b]}"
expect "hop limit 1 a -> b: ICMPv6 time exceeded from a's gateway" \
    "icmp src=${GW6[1]} type=3 code=0 inner_dst=${IP6[b]} inner_proto=17 inner_dport=33434" \
    probe a ttl "${IP6[b]}"
expect "TTL 1 b -> a: time exceeded from b's gateway" \
    "icmp src=${GW[2]} type=11 code=0 inner_dst=${IP[a]} inner_proto=17 inner_dport=33434" \
    probe b ttl "${IP[a]}"
# A big packet is quoted as pinctrl quotes it: the error's frame at most
# 576 bytes (IPv4: ICMP message 576-14-20 = 542) / 1280 (IPv6: 1226),
# and its checksum right although the UDP segment it was made from left
# its socket with a partial (offloaded) checksum.
expect "TTL 1, 1400-byte UDP: time exceeded quoting 534 bytes, checksum right" \
    "icmp src=${GW[1]} type=11 code=0 inner_dst=${IP[b]} inner_proto=17 inner_dport=33434 len=542 csum=ok" \
    probe a ttl "${IP[b]}" 33434 1400
expect "hop limit 1, 1400-byte UDP: ICMPv6 time exceeded of 1226 bytes, checksum right" \
    "icmp src=${GW6[1]} type=3 code=0 inner_dst=${IP6[b]} inner_proto=17 inner_dport=33434 len=1226 csum=ok" \
    probe a ttl "${IP6[b]}" 33434 1400
out=$(in_pod a ping -c 1 -W 1 -t 1 "${IP[b]}" 2>&1)
check "ping -t 1: 'Time to live exceeded' from ${GW[1]}" \
    grep -q "From ${GW[1]} .*Time to live exceeded" <<<"$out"
out=$(in_pod a ping -6 -c 1 -W 1 -t 1 "${IP6[b]}" 2>&1)
check "ping -6 -t 1: 'Time exceeded: Hop limit' from ${GW6[1]}" \
    grep -q "From ${GW6[1]} .*Time exceeded: Hop limit" <<<"$out"

expect "UDP to the gateway: port unreachable from it" \
    "icmp src=${GW[1]} type=3 code=3 inner_dst=${GW[1]} inner_proto=17 inner_dport=7777" \
    probe a udp "${GW[1]}" 7777
expect "UDP to the far gateway: port unreachable from it" \
    "icmp src=${GW[2]} type=3 code=3 inner_dst=${GW[2]} inner_proto=17 inner_dport=7777" \
    probe a udp "${GW[2]}" 7777
expect "UDP6 to the gateway: ICMPv6 port unreachable" \
    "icmp src=${GW6[1]} type=1 code=4 inner_dst=${GW6[1]} inner_proto=17 inner_dport=7777" \
    probe a udp "${GW6[1]}" 7777
expect "protocol 253 to the gateway: protocol unreachable" \
    "icmp src=${GW[1]} type=3 code=2 inner_dst=${GW[1]} inner_proto=253" \
    probe a proto "${GW[1]}"
expect "next header 253 to the gateway6: ICMPv6 unreachable code 3" \
    "icmp src=${GW6[1]} type=1 code=3 inner_dst=${GW6[1]} inner_proto=253" \
    probe a proto "${GW6[1]}"
expect "TCP to the gateway: RST from it" \
    "tcp src=${GW[1]} sport=7778 flags=rst|ack" probe a tcp "${GW[1]}" 7778
expect "TCP6 to the far gateway: RST from it" \
    "tcp src=${GW6[2]} sport=7778 flags=rst|ack" probe a tcp "${GW6[2]}" 7778
d0=$(stage_drops lr_in_ip_routing)
expect "no route (v4): dropped, nothing comes back" none probe a udp $NOROUTE 7777
expect "no route (v6): dropped, nothing comes back" none probe a udp $NOROUTE6 7777
d1=$(stage_drops lr_in_ip_routing)
check "no route: both dropped by lr_in_ip_routing's default flow ($d0 -> $d1)" \
    test "$((d1 - d0))" -ge 2


# ---- 2. routes and policies ----
# hop_is X DST HOP: X's echo to DST went through next hop HOP (its TTL;
# b shares r1/r2's subnet, so their replies reach it directly: one more).
declare -A HOPTTL=([r1]=49 [r2]=59)
hop_is() {
    local want=${HOPTTL[$3]}
    [[ $1 == b ]] && want=$((want + 1))
    ttl_is "$1" "$2" "$want"
}
ovn-nbctl lr-route-add $LR $DSTNET "${IP[r1]}" -- lr-route-add $LR $DST6NET "${IP6[r1]}"
wait_hv
check "static route: a -> $DST via r1" wait_until 5 hop_is a $DST r1
check "static route: a -> $DST6 via r1" wait_until 5 hop_is a $DST6 r1
check "static route: a2 -> $DST via r1" hop_is a2 $DST r1
check "static route: b -> $DST via r1 (back out of the port it came in)" hop_is b $DST r1

# Source-IP routes: a2's traffic goes to r2 whatever its destination
# (northd ranks routes by prefix length: the /32 source route wins over
# the /24 destination routes, static and connected).
ovn-nbctl --policy=src-ip lr-route-add $LR "${IP[a2]}" "${IP[r2]}" \
    -- --policy=src-ip lr-route-add $LR "${IP6[a2]}/128" "${IP6[r2]}"
wait_hv
check "src-ip route: a2 -> $DST via r2" wait_until 5 hop_is a2 $DST r2
check "src-ip route: a2 -> $DST6 via r2" wait_until 5 hop_is a2 $DST6 r2
check "src-ip route: a -> $DST still via r1" hop_is a $DST r1
check "src-ip route: a -> $DST6 still via r1" hop_is a $DST6 r1
ovn-nbctl --policy=src-ip lr-route-del $LR "${IP[a2]}" \
    -- --policy=src-ip lr-route-del $LR "${IP6[a2]}/128"
wait_hv
check "src-ip route deleted: a2 -> $DST via r1 again" wait_until 5 hop_is a2 $DST r1

# Route tables: packets entering through lrp-ri-1 look up table rtb-ri
# (lr_in_ip_routing_pre sets reg7), those from lrp-ri-2 the main table.
ovn-nbctl --route-table=rtb-ri lr-route-add $LR $DSTNET "${IP[r2]}" \
    -- --route-table=rtb-ri lr-route-add $LR $DST6NET "${IP6[r2]}" \
    -- lrp-set-options lrp-ri-1 route_table=rtb-ri
wait_hv
check "route table: a (lrp-ri-1) -> $DST via r2" wait_until 5 hop_is a $DST r2
check "route table: a (lrp-ri-1) -> $DST6 via r2" wait_until 5 hop_is a $DST6 r2
check "route table: b (lrp-ri-2, main table) -> $DST via r1" hop_is b $DST r1
check "route table: b -> $DST6 via r1" hop_is b $DST6 r1
check "route table: a -> b (connected, every table)" ping4 a "${IP[b]}"
ovn-nbctl lrp-set-options lrp-ri-1
wait_hv
check "route table unset on lrp-ri-1: a -> $DST via r1" wait_until 5 hop_is a $DST r1

# Policies: drop a -> b, then allow its ICMP above the drop, then move the
# allow below the drop.
udp_ok() {
    local from=$1 to=$2 addr=$3 port=$4 fam=-4
    [[ $addr == *:* ]] && fam=-6
    in_pod "$to" timeout 3 nc $fam -u -l -p "$port" >"$T_DIR/udp.$to" 2>/dev/null &
    local pid=$!
    sleep 0.3
    in_pod "$from" bash -c "echo dgram-$from >/dev/udp/$addr/$port" 2>/dev/null
    sleep 0.5
    kill $pid 2>/dev/null; wait $pid 2>/dev/null
    [[ $(cat "$T_DIR/udp.$to" 2>/dev/null) == "dgram-$from" ]]
}
no_ping4() { ! ping4 "$@"; }
no_udp() { ! udp_ok "$@"; }
no_ping6() { ! ping6 "$@"; }
m4="ip4.src == ${IP[a]} && ip4.dst == ${IP[b]}"
m6="ip6.src == ${IP6[a]} && ip6.dst == ${IP6[b]}"
ovn-nbctl lr-policy-add $LR 100 "$m4" drop -- lr-policy-add $LR 100 "$m6" drop
wait_hv
p0=$(stage_drops lr_in_policy)
check "drop policy: a -> b blocked" wait_until 5 no_ping4 a "${IP[b]}"
check "drop policy: a -> b blocked (v6)" wait_until 5 no_ping6 a "${IP6[b]}"
p1=$(stage_drops lr_in_policy)
check "drop policy: counted in lr_in_policy ($p0 -> $p1)" test "$p1" -gt "$p0"
check "drop policy: a2 -> b still passes" ping4 a2 "${IP[b]}"
check "drop policy: a -> r1 still passes" ping4 a "${IP[r1]}"
check "drop policy: UDP a -> b blocked" no_udp a b "${IP[b]}" 5201
ovn-nbctl lr-policy-add $LR 200 "$m4 && icmp4" allow -- lr-policy-add $LR 200 "$m6 && icmp6" allow
wait_hv
check "allow policy above the drop: ping a -> b passes" wait_until 5 ping4 a "${IP[b]}"
check "allow policy above the drop: ping6 a -> b passes" wait_until 5 ping6 a "${IP6[b]}"
check "allow policy matches ICMP only: UDP a -> b still blocked" no_udp a b "${IP[b]}" 5202
ovn-nbctl lr-policy-del $LR 200 "$m4 && icmp4" -- lr-policy-del $LR 200 "$m6 && icmp6" \
    -- lr-policy-add $LR 50 "$m4 && icmp4" allow -- lr-policy-add $LR 50 "$m6 && icmp6" allow
wait_hv
check "allow policy below the drop: a -> b blocked again" wait_until 5 no_ping4 a "${IP[b]}"
check "allow policy below the drop: a -> b blocked again (v6)" wait_until 5 no_ping6 a "${IP6[b]}"
ovn-nbctl lr-policy-del $LR
wait_hv
check "policies deleted: UDP a -> b passes" wait_until 5 udp_ok a b "${IP[b]}" 5203

# ---- Static_MAC_Binding ----
# s answers no ARP/ND (NOARP), so only a static binding reaches it.
in_pod s ip link set eth0 arp off
in_pod s ip neigh replace "${GW[2]}" lladdr "${RMAC[2]}" dev eth0 nud permanent
in_pod s ip -6 neigh replace "${GW6[2]}" lladdr "${RMAC[2]}" dev eth0 nud permanent
in_pod s ip -6 route replace default via "${GW6[2]}" dev eth0
check "no binding: a -> s unreachable (s answers no ARP)" no_ping4 a "${IP[s]}"
check "no binding: a -> s unreachable (v6)" no_ping6 a "${IP6[s]}"
ovn-nbctl static-mac-binding-add lrp-ri-2 "${IP[s]}" "${MAC[s]}" \
    -- static-mac-binding-add lrp-ri-2 "${IP6[s]}" "${MAC[s]}"
check "SB Static_MAC_Binding rows from NB" wait_until 5 bash -c \
    "[[ \$(ovn-sbctl --bare --columns=mac find Static_MAC_Binding logical_port=lrp-ri-2 | grep -c .) == 2 ]]"
wait_hv
check "static binding: a -> s" wait_until 5 ping4 a "${IP[s]}"
check "static binding: a -> s (v6)" wait_until 5 ping6 a "${IP6[s]}"
check "static binding: no MAC_Binding row learnt for s" \
    test "$(sb_rows logical_port=lrp-ri-2 ip="\"${IP[s]}\"")" = 0
# A dynamic binding with a wrong MAC beats a static one without
# override_dynamic_mac (ovn-controller: 100 vs 50), loses to one with it
# (150).
ovn-sbctl create MAC_Binding logical_port=lrp-ri-2 ip="\"${IP[s]}\"" mac="\"00:00:00:0f:0b:ad\"" \
    datapath="$(ovn-sbctl --bare --columns=_uuid find Datapath_Binding external_ids:name=$LR)" >/dev/null
wait_hv
check "stale dynamic binding beats the static one: a -> s fails" wait_until 5 no_ping4 a "${IP[s]}"
ovn-nbctl set Static_MAC_Binding \
    "$(ovn-nbctl --bare --columns=_uuid find Static_MAC_Binding ip="\"${IP[s]}\"")" \
    override_dynamic_mac=true
wait_hv
check "override_dynamic_mac static binding beats it: a -> s" wait_until 5 ping4 a "${IP[s]}"
ovn-nbctl static-mac-binding-del lrp-ri-2 "${IP6[s]}"
wait_hv
check "static binding deleted: a -> s fails (v6)" wait_until 5 no_ping6 a "${IP6[s]}"

# ---- 3. MAC_Binding as ovn-controller 23.03 writes it ----
mb_of() { sb_col "$1" logical_port=lrp-ri-2 ip="\"${IP[r2]}\""; }
mb_mac_is() { [[ $(mb_of mac) == "$1" ]]; }
arp_from_r2() { probe r2 arp eth0 "$1" "${IP[r2]}" ${2:+"$2"} >/dev/null; }
# (An ARP request for the gateway IP is answered by the switch,
# ls_in_arp_rsp: the router never sees it.  A GARP is flooded to it.)
arp_from_r2 "${MAC[r2]}"
check "GARP from r2: r2 learnt into MAC_Binding" wait_until 5 mb_mac_is "${MAC[r2]}"
t1=$(mb_of timestamp)
check "... with a timestamp ($t1)" test "${t1:-0}" -gt 0
sleep 1.2
arp_from_r2 "${MAC[r2]}"
arp_from_r2 "${MAC[r2]}" "${GW[2]}"
sleep 0.5
check "same MAC again: timestamp unchanged, as 23.03 ($t1)" test "$(mb_of timestamp)" = "$t1"
NEWMAC=00:00:00:0f:02:99
in_pod r2 ip link set eth0 address $NEWMAC
arp_from_r2 $NEWMAC
check "GARP with a new MAC: the row's MAC follows" wait_until 5 mb_mac_is $NEWMAC
t2=$(mb_of timestamp)
check "... and its timestamp moves ($t1 -> $t2)" test "${t2:-0}" -gt "${t1:-0}"
check "one MAC_Binding row for r2" test "$(sb_rows logical_port=lrp-ri-2 ip="\"${IP[r2]}\"")" = 1

# Aging (northd, mac_binding_age_threshold): 23.03's controller never
# refreshes a timestamp, so the row goes after the threshold even though
# the neighbour is still there; the next frame learns it anew.
no_mb() { [[ -z $(mb_of mac) ]]; }
ovn-nbctl set Logical_Router $LR options:mac_binding_age_threshold=2
check "aged out by northd after the threshold" wait_until 15 no_mb
ovn-nbctl remove Logical_Router $LR options mac_binding_age_threshold
arp_from_r2 $NEWMAC
check "learnt again from the next GARP" wait_until 5 mb_mac_is $NEWMAC

if [[ $T_FAILED -ne 0 ]]; then
    "${CTL[@]}" drops >&2 || true
    tail -30 "$T_DIR/ovnbpfd.log" >&2
fi
