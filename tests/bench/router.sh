#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# tests/bench/router.sh: pod -> router -> pod packets/s.  Two pods on two
# subnets of one logical router through ovnbpfd (switch -> router ->
# switch in one pass), side by side with Linux routing between the same
# two namespaces (a router namespace with ip_forward, no iptables).
# iperf3 UDP, small packets, runs interleaved; median of BENCH_RUNS.
# Measures and prints; asserts nothing about speed.
#
#   BENCH_RUNS=3 BENCH_SECONDS=5 BENCH_LEN=64 BENCH_RESULTS=1 tests/bench/router.sh
. "$(dirname "$0")/../system/lib.sh"
need_root

RUNS=${BENCH_RUNS:-3}
SECS=${BENCH_SECONDS:-5}
LEN=${BENCH_LEN:-64}
REPORT=$T_DIR/report.md
export T_CHASSIS=bench-rt-$$

declare -A MAC=([a]=00:00:00:0b:1e:0a [b]=00:00:00:0b:1e:0b)
declare -A RMAC=([a]=00:00:00:0b:1e:01 [b]=00:00:00:0b:1e:02)
declare -A IP=([a]=10.251.1.10 [b]=10.251.2.10)
declare -A GW=([a]=10.251.1.1 [b]=10.251.2.1)

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
say() { echo "$*" | tee -a "$REPORT"; }

# Pods of mode M (o: ovnbpf, l: Linux routing): netns br-M-X, eth0,
# host side brM-X.
pods_add() {
    local m=$1 x ns
    for x in a b; do
        ns=br-$m-$x
        ip netns del "$ns" 2>/dev/null; ip link del "br$m-$x" 2>/dev/null
        ip netns add "$ns" || return 1
        ip link add "br$m-$x" type veth peer name eth0 netns "$ns" || return 1
        ip -n "$ns" link set eth0 address "${MAC[$x]}"
        ip -n "$ns" addr add "${IP[$x]}/24" dev eth0
        ip -n "$ns" link set eth0 up
        ip -n "$ns" link set lo up
        ip -n "$ns" route add default via "${GW[$x]}"
        ip link set "br$m-$x" up
    done
}
pods_del() {
    local m=$1 x
    for x in a b; do ip netns del "br-$m-$x" 2>/dev/null; ip link del "br$m-$x" 2>/dev/null; done
    ip netns del "br-$m-r" 2>/dev/null
    return 0
}
in_pod() { local m=$1 x=$2; shift 2; ip netns exec "br-$m-$x" "$@"; }
ping_ab() { in_pod "$1" a ping -c 1 -W 1 "${IP[b]}" >/dev/null 2>&1; }
pps() {
    local m=$1 out=$T_DIR/iperf.json srv
    in_pod "$m" b iperf3 -s -1 -B "${IP[b]}" -p 5298 >/dev/null 2>&1 &
    srv=$!
    sleep 0.5
    in_pod "$m" a iperf3 -c "${IP[b]}" -p 5298 -u -b 0 -l "$LEN" -t "$SECS" --json >"$out" 2>/dev/null
    wait $srv 2>/dev/null
    python3 - "$out" <<'PY'
import json, sys
try:
    s = json.load(open(sys.argv[1]))["end"]["sum"]
    print("%.0f" % ((s["packets"] - s["lost_packets"]) / s["seconds"]))
except Exception:
    print(0)
PY
}

MODES=(o l)
declare -A MODE_NAME=([o]="ovnbpf (switch→router→switch)" [l]="Linux routing (router netns)")
declare -A READY ALL PPS
for m in "${MODES[@]}"; do
    on_exit pods_del "$m"
    pods_add "$m" || { not_ok "pods for $m created"; exit 1; }
done

# (o) ovnbpfd with a northd router and two switches.
ovn_start || { not_ok "local OVN starts"; exit 1; }
ovn-nbctl lr-add lr-bench
for x in a b; do
    ovn-nbctl ls-add "sw-bench-$x" \
        -- lrp-add lr-bench "lrp-bench-$x" "${RMAC[$x]}" "${GW[$x]}/24" \
        -- lsp-add "sw-bench-$x" "rp-bench-$x" -- lsp-set-type "rp-bench-$x" router \
        -- lsp-set-addresses "rp-bench-$x" router \
        -- lsp-set-options "rp-bench-$x" router-port="lrp-bench-$x" \
        -- lsp-add "sw-bench-$x" "lp-bench-$x" \
        -- lsp-set-addresses "lp-bench-$x" "${MAC[$x]} ${IP[$x]}" \
        -- lsp-set-port-security "lp-bench-$x" "${MAC[$x]} ${IP[$x]}"
done
CTL=("$B/ovnbpfctl" --state-dir="$T_DIR/state" --bpffs-dir="$T_PIN")
daemon_start && "${CTL[@]}" bind bro-a lp-bench-a && "${CTL[@]}" bind bro-b lp-bench-b &&
    wait_until 10 bash -c "[[ \$(ovn-nbctl lsp-get-up lp-bench-a) == up && \$(ovn-nbctl lsp-get-up lp-bench-b) == up ]]" &&
    ovn-nbctl --timeout=15 --wait=hv sync && wait_until 5 ping_ab o && READY[o]=1

# (l) Linux routing: the host ends move into a router namespace.
ip netns add br-l-r &&
    ip link set brl-a netns br-l-r && ip link set brl-b netns br-l-r &&
    ip -n br-l-r addr add "${GW[a]}/24" dev brl-a && ip -n br-l-r addr add "${GW[b]}/24" dev brl-b &&
    ip -n br-l-r link set brl-a up && ip -n br-l-r link set brl-b up &&
    ip netns exec br-l-r sysctl -qw net.ipv4.ip_forward=1 &&
    wait_until 5 ping_ab l && READY[l]=1

for m in "${MODES[@]}"; do
    if [[ ${READY[$m]:-} ]]; then ok "${MODE_NAME[$m]} path set up"; else not_ok "${MODE_NAME[$m]} path set up"; fi
done
for ((i = 0; i < RUNS; i++)); do
    for m in "${MODES[@]}"; do
        [[ ${READY[$m]:-} ]] && ALL[$m]+="$(pps "$m") "
    done
done
for m in "${MODES[@]}"; do
    PPS[$m]=$(echo "${ALL[$m]:-0}" | median)
done

say ""
say "## Datapath: pod→router→pod"
say ""
say "Date: $(date -u '+%Y-%m-%d %H:%M UTC'); kernel $(uname -r); $(nproc) cores; other jobs may share the machine."
say "Command: \`tests/bench/router.sh\` (BENCH_RUNS=$RUNS BENCH_SECONDS=$SECS BENCH_LEN=$LEN)."
say ""
say "Two pods on two subnets of one logical router (northd 23.03 flows: switch" \
    "ingress/egress, router ingress/egress, switch ingress/egress, in one pass" \
    "on the node) vs the same two namespaces routed by Linux (a router namespace" \
    "with ip_forward, no iptables). iperf3 UDP a→b, $LEN-byte payloads, -b 0," \
    "${SECS} s per run; pps = packets received / s, median of $RUNS, runs interleaved." \
    "Sender, receiver and datapath share the cores."
say ""
say "| datapath | pps (median) | runs | × Linux routing |"
say "|---|---|---|---|"
for m in "${MODES[@]}"; do
    say "| ${MODE_NAME[$m]} | ${PPS[$m]} | $(echo ${ALL[$m]:-} | tr ' ' ',') | $(ratio "${PPS[$m]}" "${PPS[l]}") |"
done

if [[ ${BENCH_RESULTS:-1} == 1 ]]; then
    cat "$REPORT" >> "$TOP/tests/bench/RESULTS.md"
    echo "appended to tests/bench/RESULTS.md"
fi
