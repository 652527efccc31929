#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# NB QoS with real traffic: a from-lport rule limits pod a's IPv4 to
# 10 Mbit/s (burst 1 Mbit) and another marks it DSCP 10.  Pod a sends UDP
# at ~40 Mbit/s; pod b receives roughly the limit (counted by the
# receiver), with DSCP 10 on what arrives; the excess is counted as
# qos-meter-over-rate; TCP through the meter still works; removing the
# rule lifts the limit.
. "$(dirname "$0")/lib.sh"
need_root

CTL=("$B/ovnbpfctl" --state-dir="$T_DIR/state" --bpffs-dir="$T_PIN")
SW=sw-qos
PY="$(dirname "$0")/qos_traffic.py"
declare -A MAC=([a]=00:00:00:0c:17:0a [b]=00:00:00:0c:17:0b)
declare -A IP=([a]=10.247.0.10 [b]=10.247.0.11)

in_pod() { local x=$1; shift; ip netns exec "t-qos-$x" "$@"; }
lsp_add() {
    ovn-nbctl lsp-add $SW "lp-qos-$1" \
        -- lsp-set-addresses "lp-qos-$1" "${MAC[$1]} ${IP[$1]}" \
        -- lsp-set-port-security "lp-qos-$1" "${MAC[$1]} ${IP[$1]}"
}
over_rate() {
    "${CTL[@]}" drops 2>/dev/null | awk '$2 == "qos-meter-over-rate" { print $3 + 0 }'
}

# blast MBPS SECONDS PORT: "sent_bytes recv_bytes dscp" of a UDP run a -> b.
blast() {
    local mbps=$1 secs=$2 port=$3 rpid sent got
    rm -f "$T_DIR/ready.$port"
    in_pod b python3 "$PY" recv "$port" "$secs" "$T_DIR/ready.$port" >"$T_DIR/recv.$port" &
    rpid=$!
    wait_until 5 test -e "$T_DIR/ready.$port"
    sent=$(in_pod a python3 "$PY" send "${IP[b]}" "$port" "$mbps" "$secs" 1000)
    wait $rpid
    got=$(cat "$T_DIR/recv.$port")
    echo "${sent#* } ${got#* }"
}
tcp_bulk() {
    local port=$1 kb=$2 got
    in_pod b timeout 20 nc -l -p "$port" >"$T_DIR/tcp.$port" 2>/dev/null &
    local pid=$!
    sleep 0.3
    in_pod a timeout 20 bash -c "head -c ${kb}K /dev/zero >/dev/tcp/${IP[b]}/$port" 2>/dev/null
    wait $pid 2>/dev/null
    got=$(stat -c %s "$T_DIR/tcp.$port" 2>/dev/null || echo 0)
    [[ $got -eq $((kb * 1024)) ]]
}

ovn_start || { not_ok "local OVN starts"; exit 1; }
ovn-nbctl ls-add $SW
lsp_add a
lsp_add b
check "pod a created" pod_netns_add qos a "${MAC[a]}" "${IP[a]}/24"
check "pod b created" pod_netns_add qos b "${MAC[b]}" "${IP[b]}/24"
check "ovnbpfd starts" daemon_start
check "bind a" "${CTL[@]}" bind tqos-a lp-qos-a
check "bind b" "${CTL[@]}" bind tqos-b lp-qos-b
check "ports up" wait_until 10 bash -c "[[ \$(ovn-nbctl lsp-get-up lp-qos-a) == up && \$(ovn-nbctl lsp-get-up lp-qos-b) == up ]]"

ovn-nbctl qos-add $SW from-lport 100 'inport == "lp-qos-a" && ip4' rate=10000 burst=1000
ovn-nbctl qos-add $SW from-lport 101 'inport == "lp-qos-a" && ip4' dscp=10
check "--wait=hv sync" wait_hv
check "northd wrote set_meter" bash -c "ovn-sbctl lflow-list $SW | grep -q 'set_meter(10000, 1000)'"
check "ping a -> b through the meter" wait_until 5 bash -c "ip netns exec t-qos-a ping -c 1 -W 1 ${IP[b]} >/dev/null"

d0=$(over_rate)
read -r sent got dscp <<<"$(blast 40 3 5201)"
sent_mbps=$(( sent * 8 / 3 / 1000000 ))
got_mbps_x10=$(( got * 80 / 3 / 1000000 ))
echo "# sent $sent B (~$sent_mbps Mbit/s), received $got B (~$((got_mbps_x10 / 10)).$((got_mbps_x10 % 10)) Mbit/s), dscp $dscp"
check "sender exceeded the limit (>= 25 Mbit/s)" test "$sent_mbps" -ge 25
check "received within 5-15 Mbit/s" test "$got_mbps_x10" -ge 50 -a "$got_mbps_x10" -le 150
check "DSCP 10 on received packets" test "$dscp" = 10
d1=$(over_rate)
echo "# qos-meter-over-rate: $d0 -> $d1"
check "excess counted as qos-meter-over-rate" test $(( d1 - d0 )) -gt 1000
# `ovnbpfctl meters` shows the bucket: 10 Mbit/s, packets passed and dropped.
m=$("${CTL[@]}" meters | awk '$2 == 10000 { print $4, $6; exit }')
echo "# meters: 10000 kbps bucket passed/dropped: ${m:-none}"
check "meters: the 10 Mbit/s meter passed and dropped packets" \
    test "${m%% *}" -gt 0 -a "${m##* }" -gt 1000
check "TCP (1 MB) through the meter" tcp_bulk 5202 1024

# Without the rate rule: the same load passes (well above the limit).
ovn-nbctl qos-del $SW from-lport 100 'inport == "lp-qos-a" && ip4'
check "--wait=hv sync" wait_hv
read -r sent got dscp <<<"$(blast 40 2 5203)"
got_mbps=$(( got * 8 / 2 / 1000000 ))
echo "# unlimited: received ~$got_mbps Mbit/s, dscp $dscp"
check "limit lifted (> 20 Mbit/s received)" test "$got_mbps" -gt 20
check "DSCP still marked" test "$dscp" = 10

if [[ $T_FAILED -ne 0 ]]; then
    "${CTL[@]}" drops >&2 || true
    tail -30 "$T_DIR/ovnbpfd.log" >&2
fi
