#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Kube-OVN `hash` ECMP through ovnbpf with a real ovn-northd: a static
# route with three next hops (namespaces h1..h3 that own the destination),
# a pod with many source addresses.  Every next hop carries traffic, each
# source sticks to one, and removing a next hop moves only its sources.
# The same for IPv6 (sources spread, not collapsed), and a reroute policy
# with two next hops.
. "$(dirname "$0")/lib.sh"
need_root

CTL=("$B/ovnbpfctl" --state-dir="$T_DIR/state" --bpffs-dir="$T_PIN")
LR=lr-ec
HOPS=(h1 h2 h3)
declare -A MAC=([p]=00:00:00:0e:02:0a [h1]=00:00:00:0e:09:11 [h2]=00:00:00:0e:09:12 [h3]=00:00:00:0e:09:13)
declare -A IP=([p]=10.252.1.10 [h1]=10.252.9.11 [h2]=10.252.9.12 [h3]=10.252.9.13)
declare -A IP6=([p]=fd00:252:1::a [h1]=fd00:252:9::11 [h2]=fd00:252:9::12 [h3]=fd00:252:9::13)
DST=192.168.77.1 DST6=fd00:77::1 PDST=192.168.78.1
N_SRC=24

# X's netns t-ec-X on a veth tec-X bound to lp-ec-X, on switch SW with
# gateway GW/GW6.
ns_add() {
    local x=$1 gw=$2 gw6=$3 ns=t-ec-$1
    ip netns del "$ns" 2>/dev/null; ip link del "tec-$x" 2>/dev/null
    ip netns add "$ns" || return 1
    on_exit ip netns del "$ns"
    on_exit ip link del "tec-$x"
    ip link add "tec-$x" type veth peer name eth0 netns "$ns" || return 1
    ip -n "$ns" link set eth0 address "${MAC[$x]}"
    ip -n "$ns" addr add "${IP[$x]}/24" dev eth0
    ip -n "$ns" addr add "${IP6[$x]}/64" dev eth0 nodad
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up
    ip link set "tec-$x" up
    if [[ $x == p ]]; then
        ip -n "$ns" route add default via "$gw"
        ip -n "$ns" -6 route add default via "$gw6"
    else
        # A next hop owns the destinations and routes back via the router.
        ip -n "$ns" addr add $DST/32 dev lo
        ip -n "$ns" addr add $PDST/32 dev lo
        ip -n "$ns" addr add $DST6/128 dev lo
        ip -n "$ns" route add 10.252.1.0/24 via "$gw"
        ip -n "$ns" -6 route add fd00:252:1::/64 via "$gw6"
    fi
}
in_ns() { local x=$1; shift; ip netns exec "t-ec-$x" "$@"; }
echos() { in_ns "$1" awk '/^Icmp: [0-9]/ { print $10 }' /proc/net/snmp; }
echos6() { in_ns "$1" awk '$1 == "Icmp6InEchos" { print $2 }' /proc/net/snmp6; }

# hop_of SRC DST [6]: the next hop whose echo counter moved while SRC
# pinged DST.
hop_of() {
    local src=$1 dst=$2 v=$3 h before=() cnt=echos hit=""
    [[ $v == 6 ]] && cnt=echos6
    for h in "${HOPS[@]}"; do before+=("$($cnt "$h")"); done
    # Only the request matters; the reply may still wait for the router
    # to resolve SRC.
    in_ns p ping ${v:+-6} -c 1 -W 0.2 -I "$src" "$dst" >/dev/null 2>&1
    local i=0
    for h in "${HOPS[@]}"; do
        (( $($cnt "$h") > before[i] )) && hit+="$h "
        i=$((i + 1))
    done
    echo "${hit% }"
}

src4() { echo "10.252.1.$((100 + $1))"; }
src6() { printf 'fd00:252:1::%x\n' $((0x100 + $1)); }

ovn_start || { not_ok "local OVN starts"; exit 1; }
ovn-nbctl lr-add $LR \
    -- ls-add sw-ec-a -- ls-add sw-ec-x \
    -- lrp-add $LR lrp-ec-a 00:00:00:0e:01:01 10.252.1.1/24 fd00:252:1::1/64 \
    -- lrp-add $LR lrp-ec-x 00:00:00:0e:01:09 10.252.9.1/24 fd00:252:9::1/64 \
    -- lsp-add sw-ec-a rp-ec-a -- lsp-set-type rp-ec-a router \
    -- lsp-set-addresses rp-ec-a router -- lsp-set-options rp-ec-a router-port=lrp-ec-a \
    -- lsp-add sw-ec-x rp-ec-x -- lsp-set-type rp-ec-x router \
    -- lsp-set-addresses rp-ec-x router -- lsp-set-options rp-ec-x router-port=lrp-ec-x \
    -- lsp-add sw-ec-a lp-ec-p -- lsp-set-addresses lp-ec-p "${MAC[p]} ${IP[p]} ${IP6[p]}"
for h in "${HOPS[@]}"; do
    ovn-nbctl lsp-add sw-ec-x "lp-ec-$h" -- lsp-set-addresses "lp-ec-$h" "${MAC[$h]} ${IP[$h]} ${IP6[$h]}"
    ovn-nbctl --ecmp lr-route-add $LR 192.168.77.0/24 "${IP[$h]}"
    ovn-nbctl --ecmp lr-route-add $LR fd00:77::/64 "${IP6[$h]}"
done
check "pod created" ns_add p 10.252.1.1 fd00:252:1::1
for h in "${HOPS[@]}"; do check "next hop $h created" ns_add "$h" 10.252.9.1 fd00:252:9::1; done
for ((i = 0; i < N_SRC; i++)); do
    in_ns p ip addr add "$(src4 $i)/24" dev eth0
    in_ns p ip addr add "$(src6 $i)/64" dev eth0 nodad
done

check "ovnbpfd starts" daemon_start
for x in p "${HOPS[@]}"; do "${CTL[@]}" bind "tec-$x" "lp-ec-$x" >/dev/null || not_ok "bind $x"; done
check "ports up" wait_until 10 bash -c "for x in p h1 h2 h3; do [[ \$(ovn-nbctl lsp-get-up lp-ec-\$x) == up ]] || exit 1; done"
check "--wait=hv sync" ovn-nbctl --timeout=15 --wait=hv sync
ping_dst() { in_ns p ping -c 1 -W 1 "$1" >/dev/null 2>&1; }
check "pod reaches the ECMP destination" wait_until 10 ping_dst $DST

# IPv4: which hop each source lands on.
declare -A ON USED
bad=0
for ((i = 0; i < N_SRC; i++)); do
    ON[$i]=$(hop_of "$(src4 $i)" $DST)
    [[ ${ON[$i]} == h? ]] || bad=$((bad + 1))
    [[ -n ${ON[$i]} ]] && USED[${ON[$i]}]=1
done
check "every source reached exactly one next hop ($bad bad)" test $bad = 0
check "all three next hops carry traffic (${!USED[*]})" test "${#USED[@]}" = 3
moved=0
for ((i = 0; i < N_SRC; i += 2)); do
    [[ $(hop_of "$(src4 $i)" $DST) == "${ON[$i]}" ]] || moved=$((moved + 1))
done
check "each source sticks to its next hop ($moved moved)" test $moved = 0

ovn-nbctl --wait=hv lr-route-del $LR 192.168.77.0/24 "${IP[h2]}"
wrong=0 n2=0
for ((i = 0; i < N_SRC; i++)); do
    now=$(hop_of "$(src4 $i)" $DST)
    if [[ ${ON[$i]} == h2 ]]; then
        n2=$((n2 + 1))
        [[ $now == h1 || $now == h3 ]] || wrong=$((wrong + 1))
    else
        [[ $now == "${ON[$i]}" ]] || wrong=$((wrong + 1))
    fi
done
check "removing h2 moves only its $n2 sources ($wrong wrong)" test $wrong = 0

# IPv6: sources spread over the hops (Kube-OVN's fork would put them all
# on one).
unset USED; declare -A USED
bad=0
for ((i = 0; i < N_SRC; i++)); do
    h=$(hop_of "$(src6 $i)" $DST6 6)
    [[ $h == h? ]] || bad=$((bad + 1))
    [[ -n $h ]] && USED[$h]=1
    [[ $(hop_of "$(src6 $i)" $DST6 6) == "$h" ]] || bad=$((bad + 1))
done
check "IPv6: every source reached one next hop and stuck ($bad bad)" test $bad = 0
check "IPv6: all three next hops carry traffic (${!USED[*]})" test "${#USED[@]}" = 3

# A reroute policy with two next hops (lr_in_policy -> lr_in_policy_ecmp)
# overrides the route (via h2) of a destination.
ovn-nbctl lr-route-add $LR 192.168.78.0/24 "${IP[h2]}"
ovn-nbctl --wait=hv lr-policy-add $LR 100 "ip4.dst == 192.168.78.0/24" reroute "${IP[h1]},${IP[h3]}"
unset USED; declare -A USED
bad=0
for ((i = 0; i < N_SRC; i++)); do
    h=$(hop_of "$(src4 $i)" $PDST)
    [[ $h == h1 || $h == h3 ]] || bad=$((bad + 1))
    [[ -n $h ]] && USED[$h]=1
    [[ $(hop_of "$(src4 $i)" $PDST) == "$h" ]] || bad=$((bad + 1))
done
check "policy reroute: each source on h1 or h3 and sticky ($bad bad)" test $bad = 0
check "policy reroute: both next hops carry traffic (${!USED[*]})" test "${#USED[@]}" = 2

if [[ $T_FAILED -ne 0 ]]; then
    "${CTL[@]}" drops >&2 || true
    tail -30 "$T_DIR/ovnbpfd.log" >&2
fi
