#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# A flood whose members' egress ACL rejects, with real packets: pods s
# (sender), r1, r2, r3 (port group pg_flr: to-lport reject of UDP and TCP
# to port 5656) and a (no ACL) on one switch; r1..r3 and a also have
# "unknown" addresses, so a frame to an unknown MAC goes to all four.
# For an IPv4 broadcast, an IPv6 all-nodes multicast, and IPv4 UDP / IPv6
# TCP to an unknown MAC, s must get one ICMP port unreachable (or TCP RST)
# per rejecting member, a must get the original whole (1200-byte payload,
# checksums valid), and r1..r3 must get nothing.
. "$(dirname "$0")/lib.sh"
need_root

CTL=("$B/ovnbpfctl" --state-dir="$T_DIR/state" --bpffs-dir="$T_PIN")
SW=sw-flr
PODS=(s r1 r2 r3 a)
declare -A MAC=([s]=00:00:00:0f:1e:01 [r1]=00:00:00:0f:1e:11 [r2]=00:00:00:0f:1e:12
                [r3]=00:00:00:0f:1e:13 [a]=00:00:00:0f:1e:20)
declare -A IP=([s]=10.253.16.1 [r1]=10.253.16.11 [r2]=10.253.16.12 [r3]=10.253.16.13
               [a]=10.253.16.20)
declare -A IP6=([s]=fd00:253:16::1 [r1]=fd00:253:16::11 [r2]=fd00:253:16::12
                [r3]=fd00:253:16::13 [a]=fd00:253:16::20)
UNKMAC=00:00:00:0f:1e:99
PROBE=$(dirname "$0")/flood_probe.py

lsp_add() {
    local x=$1 extra=${2:-}
    # shellcheck disable=SC2086
    ovn-nbctl lsp-add $SW "lp-flr-$x" \
        -- lsp-set-addresses "lp-flr-$x" "${MAC[$x]} ${IP[$x]} ${IP6[$x]}" $extra
}

# probe NAME KIND DSTMAC DSTIP NONCE: capture on every pod, send from s,
# leave each pod's lines in $T_DIR/NAME.POD.
probe() {
    local name=$1 kind=$2 dmac=$3 dip=$4 nonce=$5 x src
    local -a pids=()
    for x in "${PODS[@]}"; do
        rm -f "$T_DIR/$name.$x.ready"
        ip netns exec "t-flr-$x" python3 "$PROBE" capture eth0 2 "$T_DIR/$name.$x.ready" \
            >"$T_DIR/$name.$x" 2>"$T_DIR/$name.$x.err" &
        pids+=($!)
    done
    for x in "${PODS[@]}"; do
        wait_until 5 test -e "$T_DIR/$name.$x.ready" || return 1
    done
    src=${IP[s]}
    [[ $kind == udp4 ]] || src=${IP6[s]}
    ip netns exec t-flr-s python3 "$PROBE" send eth0 "$kind" "${MAC[s]}" "$src" \
        "$dmac" "$dip" "$nonce" || return 1
    wait "${pids[@]}"
}
# lines NAME POD LINE: how many times POD saw LINE.
lines() { grep -cx "$3" "$T_DIR/$1.$2" 2>/dev/null; }

ovn_start || { not_ok "local OVN starts"; exit 1; }
ovn-nbctl ls-add $SW
lsp_add s
for x in r1 r2 r3 a; do lsp_add "$x" unknown; done
ovn-nbctl pg-add pg_flr lp-flr-r1 lp-flr-r2 lp-flr-r3
ovn-nbctl acl-add pg_flr to-lport 1001 'outport == @pg_flr && (udp.dst == 5656 || tcp.dst == 5656)' reject
for x in "${PODS[@]}"; do
    check "pod $x created" pod_netns_add flr "$x" "${MAC[$x]}" "${IP[$x]}/24" "${IP6[$x]}/64"
done

check "ovnbpfd starts" daemon_start
for x in "${PODS[@]}"; do
    check "bind $x" "${CTL[@]}" bind "tflr-$x" "lp-flr-$x"
done
all_up() {
    local x
    for x in "${PODS[@]}"; do [[ $(ovn-nbctl lsp-get-up "lp-flr-$x") == up ]] || return 1; done
}
check "ports up" wait_until 15 all_up
check "--wait=hv sync" wait_hv
check "ping s -> a" wait_until 5 bash -c "ip netns exec t-flr-s ping -c 1 -W 1 ${IP[a]} >/dev/null 2>&1"
ovn-sbctl dump-flows $SW >"$T_DIR/lflows.txt" 2>/dev/null
check "northd wrote the reject flow" grep -q 'reject {' "$T_DIR/lflows.txt"

# name kind dst-mac dst-ip nonce reply-line
CASES=(
    "bcast4 udp4 ff:ff:ff:ff:ff:ff 10.253.16.255 n0004001 icmp4 n0004001"
    "mcast6 udp6 33:33:00:00:00:01 ff02::1 n0004002 icmp6 n0004002"
    "unk4 udp4 $UNKMAC 10.253.16.99 n0004003 icmp4 n0004003"
    "unk6tcp tcp6 $UNKMAC fd00:253:16::99 n0004004 rst 4004"
)
for c in "${CASES[@]}"; do
    read -r name kind dmac dip nonce rkind rarg <<<"$c"
    if ! probe "$name" "$kind" "$dmac" "$dip" "$nonce"; then
        not_ok "$name: probe ran"
        continue
    fi
    n=$(lines "$name" s "$rkind $rarg")
    if [[ $n == 3 ]]; then ok "$name: s got 3 replies ($rkind), one per rejecting member"
    else not_ok "$name: s got $n replies ($rkind), want 3"; fi
    n=$(lines "$name" a "orig $nonce")
    if [[ $n == 1 ]]; then ok "$name: a got the original, whole"
    else not_ok "$name: a got the original $n times, want 1"; fi
    n=0
    for x in r1 r2 r3; do n=$((n + $(lines "$name" "$x" "orig $nonce"))); done
    if [[ $n == 0 ]]; then ok "$name: no rejecting member got it"
    else not_ok "$name: rejecting members got it $n times"; fi
done

if [[ $T_FAILED -ne 0 ]]; then
    for f in "$T_DIR"/*.{s,a,r1,r2,r3}; do [[ -s $f ]] && { echo "== $f"; cat "$f"; } >&2; done
    "${CTL[@]}" drops >&2 || true
    tail -30 "$T_DIR/ovnbpfd.log" >&2
fi
