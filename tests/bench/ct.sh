#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# tests/bench/ct.sh: conntrack benchmarks, ovnbpf against Linux in one run.
#
#  A. stateful ACL: a client pod -> a server pod through an OVN switch with
#     an allow-related ACL (ovnbpfd) vs Linux routing with iptables
#     conntrack rules (FORWARD policy DROP, NEW accepted from the client,
#     ESTABLISHED,RELATED accepted).
#  B. pod -> load balancer VIP: an OVN switch load balancer (ct_lb_mark,
#     one router port as the pods' gateway, as Kube-OVN has) vs iptables
#     DNAT in the Linux router (kube-proxy style: nat PREROUTING, random
#     statistic over the backends).
#  C. Kube-OVN conntrack skip: the same pod -> pod traffic on the LB switch
#     with NB_Global ls_ct_skip_dst_lport_ips=true vs without.
#
# pps: iperf3 UDP, small packets, -b 0 (as run.sh).  New connections/s:
# tests/bench/conn_rate.c (full handshake + teardown per connection, two
# client processes).  Every number is the median of BENCH_RUNS runs, the
# modes of a round run back to back (interleaved) so load from elsewhere
# on the machine hits all alike; ratios are against the Linux baseline of
# the same run.  Measures and prints; asserts nothing about speed.
# Installs iptables with apt-get if missing.  Not part of make check.
#
#   BENCH_RUNS=3 BENCH_SECONDS=5 BENCH_LEN=64 BENCH_RESULTS=1 tests/bench/ct.sh
. "$(dirname "$0")/../system/lib.sh"
need_root

RUNS=${BENCH_RUNS:-3}
SECS=${BENCH_SECONDS:-5}
LEN=${BENCH_LEN:-64}
REPORT=$T_DIR/report.md
export T_CHASSIS=bench-ct-$$

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
say() { echo "$*" | tee -a "$REPORT"; }

if ! command -v iptables >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q iptables >/dev/null 2>&1 ||
        { not_ok "iptables installed (apt-get install iptables)"; exit 1; }
fi
cc -O2 -Wall -Wextra -o "$T_DIR/conn_rate" "$TOP/tests/bench/conn_rate.c" ||
    { not_ok "conn_rate builds"; exit 1; }

# ---- pods ----
# ovnbpf pods (netns bk-o-X, host side bko-X): ac, ab on sw-bka (ACL);
# lc, lb1, lb2 on sw-bkl (LB, router lr-bk).  Linux pods (bk-l-X, host
# side bkl-X moved into the router netns bk-l-r): c, b1, b2, one /24 each.
declare -A MAC=([ac]=00:00:00:0b:2e:0a [ab]=00:00:00:0b:2e:0b
                [lc]=00:00:00:0b:2f:0a [lb1]=00:00:00:0b:2f:0b [lb2]=00:00:00:0b:2f:0c)
declare -A IP=([ac]=10.247.1.10 [ab]=10.247.1.11 [lc]=10.247.2.10 [lb1]=10.247.2.11
               [lb2]=10.247.2.12 [c]=10.246.1.10 [b1]=10.246.2.11 [b2]=10.246.3.12)
declare -A GW=([ac]=10.247.1.254 [ab]=10.247.1.254 [lc]=10.247.2.254 [lb1]=10.247.2.254
               [lb2]=10.247.2.254 [c]=10.246.1.1 [b1]=10.246.2.1 [b2]=10.246.3.1)
VIP1=172.27.0.1         # udp+tcp 5201 -> one backend (iperf3 needs both on one)
VIP2=172.27.0.2         # tcp 80 -> two backends :8080 (conn_rate)
O_PODS=(ac ab lc lb1 lb2)
L_PODS=(c b1 b2)

pod_add() {
    local side=$1 x=$2 ns=bk-$1-$2
    ip netns del "$ns" 2>/dev/null; ip link del "bk$side-$x" 2>/dev/null
    ip netns add "$ns" || return 1
    on_exit ip netns del "$ns"
    on_exit ip link del "bk$side-$x"
    ip link add "bk$side-$x" type veth peer name eth0 netns "$ns" || return 1
    [[ ${MAC[$x]:-} ]] && ip -n "$ns" link set eth0 address "${MAC[$x]}"
    ip -n "$ns" addr add "${IP[$x]}/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up
    ip -n "$ns" route add default via "${GW[$x]}"
    ip link set "bk$side-$x" up
}
in_ns() { local ns=$1; shift; ip netns exec "bk-$ns" "$@"; }

# pps CLIENT_NS SERVER_NS DST PORT: iperf3 UDP, packets/s received.
pps() {
    local out=$T_DIR/iperf.json srv
    ip netns exec "bk-$2" iperf3 -s -1 -p "$4" >/dev/null 2>&1 &
    srv=$!
    sleep 0.5
    in_ns "$1" timeout $((SECS + 10)) iperf3 -c "$3" -p "$4" -u -b 0 -l "$LEN" -t "$SECS" --json >"$out" 2>/dev/null
    kill $srv 2>/dev/null; wait $srv 2>/dev/null
    python3 - "$out" <<'PY'
import json, sys
try:
    s = json.load(open(sys.argv[1]))["end"]["sum"]
    print("%.0f" % ((s["packets"] - s["lost_packets"]) / s["seconds"]))
except Exception:
    print(0)
PY
}
# cps CLIENT_NS DST PORT: new TCP connections/s (conn_rate, 2 processes).
cps() {
    local r
    r=$(in_ns "$1" timeout $((SECS + 10)) "$T_DIR/conn_rate" -p 2 "$2" "$3" "$SECS")
    sed -n 's/.* fails=\([0-9]*\) .* rate=\([0-9]*\)/\2 \1/p' <<<"$r" >"$T_DIR/cps.last"
    cut -d' ' -f1 "$T_DIR/cps.last"
}

for x in "${O_PODS[@]}"; do pod_add o "$x" || { not_ok "pod $x"; exit 1; }; done
for x in "${L_PODS[@]}"; do pod_add l "$x" || { not_ok "pod $x"; exit 1; }; done

# ---- ovnbpf: northd topology + daemon ----
ovn_start || { not_ok "local OVN starts"; exit 1; }
ovn-nbctl set NB_Global . options:use_ct_inv_match=false    # as Kube-OVN
ovn-nbctl ls-add sw-bka -- ls-add sw-bkl -- lr-add lr-bk
for sw in a l; do
    ovn-nbctl lrp-add lr-bk "lrp-bk$sw" "00:00:00:0b:$([[ $sw == a ]] && echo 2e || echo 2f):fe" \
            "$([[ $sw == a ]] && echo 10.247.1.254/24 || echo 10.247.2.254/24)" \
        -- lsp-add "sw-bk$sw" "rp-bk$sw" -- lsp-set-type "rp-bk$sw" router \
        -- lsp-set-addresses "rp-bk$sw" router -- lsp-set-options "rp-bk$sw" router-port="lrp-bk$sw"
done
for x in "${O_PODS[@]}"; do
    sw=sw-bk${x:0:1}
    ovn-nbctl lsp-add "$sw" "lp-bk-$x" -- lsp-set-addresses "lp-bk-$x" "${MAC[$x]} ${IP[$x]}" \
        -- lsp-set-port-security "lp-bk-$x" "${MAC[$x]} ${IP[$x]}"
done
# A: the client may open connections; everything else only as replies.
ovn-nbctl acl-add sw-bka from-lport 1002 'inport == "lp-bk-ac" && ip4' allow-related \
    -- acl-add sw-bka from-lport 1001 'ip4' drop
# B: the VIPs.
ovn-nbctl lb-add lb-bk1 $VIP1:5201 "${IP[lb1]}:5201" udp \
    -- lb-add lb-bk1t $VIP1:5201 "${IP[lb1]}:5201" tcp \
    -- lb-add lb-bk2 $VIP2:80 "${IP[lb1]}:8080,${IP[lb2]}:8080" tcp \
    -- ls-lb-add sw-bkl lb-bk1 -- ls-lb-add sw-bkl lb-bk1t -- ls-lb-add sw-bkl lb-bk2
CTL=("$B/ovnbpfctl" --state-dir="$T_DIR/state" --bpffs-dir="$T_PIN")
binds=()
for x in "${O_PODS[@]}"; do binds+=("bko-$x" "lp-bk-$x"); done
up_all() { for x in "${O_PODS[@]}"; do [[ $(ovn-nbctl lsp-get-up "lp-bk-$x") == up ]] || return 1; done; }
O_OK=
daemon_start --ct-max=262144 && "${CTL[@]}" bind "${binds[@]}" && wait_until 15 up_all &&
    ovn-nbctl --timeout=15 --wait=hv sync && O_OK=1
check "ovnbpf: daemon, 5 pods bound, --wait=hv" test -n "$O_OK"

# ---- Linux: router netns with iptables ----
L_OK=
ip netns add bk-l-r && on_exit ip netns del bk-l-r &&
    for x in "${L_PODS[@]}"; do
        ip link set "bkl-$x" netns bk-l-r &&
            ip -n bk-l-r addr add "${GW[$x]}/24" dev "bkl-$x" && ip -n bk-l-r link set "bkl-$x" up || break
    done && ip netns exec bk-l-r sysctl -qw net.ipv4.ip_forward=1 &&
    ip netns exec bk-l-r sh -e -c "
        iptables -P FORWARD DROP
        iptables -A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
        iptables -A FORWARD -m conntrack --ctstate INVALID -j DROP
        iptables -A FORWARD -i bkl-c -m conntrack --ctstate NEW -j ACCEPT
        iptables -t nat -A PREROUTING -d $VIP1 -p udp --dport 5201 -j DNAT --to-destination ${IP[b1]}:5201
        iptables -t nat -A PREROUTING -d $VIP1 -p tcp --dport 5201 -j DNAT --to-destination ${IP[b1]}:5201
        iptables -t nat -A PREROUTING -d $VIP2 -p tcp --dport 80 -m statistic --mode random --probability 0.5 -j DNAT --to-destination ${IP[b1]}:8080
        iptables -t nat -A PREROUTING -d $VIP2 -p tcp --dport 80 -j DNAT --to-destination ${IP[b2]}:8080" &&
    L_OK=1
check "Linux: router netns with iptables conntrack + DNAT rules" test -n "$L_OK"

# conn_rate servers on every backend.
# (ip netns exec execs the command: $! is the server itself)
for x in o-ab o-lb1 o-lb2 l-b1 l-b2; do
    ip netns exec "bk-$x" "$T_DIR/conn_rate" -s 8080 >/dev/null 2>&1 &
    on_exit kill $!
done
sleep 0.3

ping_ok() { in_ns "$1" ping -c 1 -W 1 "$2" >/dev/null 2>&1; }
conn_ok() { [[ $(in_ns "$1" "$T_DIR/conn_rate" "$2" "$3" 0.3 | sed -n 's/.*conns=\([0-9]*\).*/\1/p') -gt 0 ]]; }
check "A ovnbpf: ac -> ab through the ACL" wait_until 5 conn_ok o-ac "${IP[ab]}" 8080
ip netns exec bk-o-ac "$T_DIR/conn_rate" -s 8080 >/dev/null 2>&1 &
ac_srv=$!
on_exit kill $ac_srv
sleep 0.2
check "A ovnbpf: ab -> ac new connection blocked by the ACL" bash -c \
    "$(declare -f in_ns conn_ok); T_DIR=$T_DIR; ! conn_ok o-ab ${IP[ac]} 8080"
kill $ac_srv
check "A Linux: c -> b1 through iptables" wait_until 5 conn_ok l-c "${IP[b1]}" 8080
check "B ovnbpf: lc -> VIP2" wait_until 5 conn_ok o-lc $VIP2 80
check "B Linux: c -> VIP2 (DNAT)" wait_until 5 conn_ok l-c $VIP2 80
check "C ovnbpf: lc -> lb1" wait_until 5 ping_ok o-lc "${IP[lb1]}"

lport_skip() {
    if [[ $1 == on ]]; then ovn-nbctl set NB_Global . options:ls_ct_skip_dst_lport_ips=true
    else ovn-nbctl remove NB_Global . options ls_ct_skip_dst_lport_ips; fi
    ovn-nbctl --timeout=15 --wait=hv sync
}
# The ingress entries in lc's zone of lc -> lb1 (C's check that the skip
# is in force).
zone_of() { awk -v u="lp-bk-$1" '$2 == u { print $1 }' "$T_DIR/state/ct-zones"; }
ingress_entries() {
    "${CTL[@]}" conntrack list --zone "$(zone_of lc)" | grep -c "orig=(src=${IP[lc]},dst=${IP[lb1]},"
}

[[ ${BENCH_PAUSE:-} ]] && { echo "pausing: $T_DIR, OVN_SB_DB=$OVN_SB_DB"; sleep "$BENCH_PAUSE"; }
declare -A ALL
MODES=(A_o A_l B_o B_l C_off C_on)
declare -A NAME=([A_o]="ovnbpf, allow-related ACL (switch)" [A_l]="Linux routing + iptables conntrack"
                 [B_o]="ovnbpf, switch LB VIP (ct_lb_mark)" [B_l]="Linux routing + iptables DNAT"
                 [C_off]="ovnbpf, LB switch, pod→pod, ct skip off" [C_on]="ovnbpf, LB switch, pod→pod, ls_ct_skip_dst_lport_ips=true")
declare -A BASE=([A_o]=A_l [A_l]=A_l [B_o]=B_l [B_l]=B_l [C_off]=C_off [C_on]=C_off)
SKIP_CHECK=
for ((i = 0; i < RUNS; i++)); do
    ALL[pps_A_o]+="$(pps o-ac o-ab "${IP[ab]}" 5201) "
    ALL[pps_A_l]+="$(pps l-c l-b1 "${IP[b1]}" 5201) "
    ALL[pps_B_o]+="$(pps o-lc o-lb1 $VIP1 5201) "
    ALL[pps_B_l]+="$(pps l-c l-b1 $VIP1 5201) "
    "${CTL[@]}" conntrack flush >/dev/null
    ALL[pps_C_off]+="$(pps o-lc o-lb1 "${IP[lb1]}" 5202) "
    off_n=$(ingress_entries)
    lport_skip on
    "${CTL[@]}" conntrack flush >/dev/null
    ALL[pps_C_on]+="$(pps o-lc o-lb1 "${IP[lb1]}" 5202) "
    on_n=$(ingress_entries)
    lport_skip off
    SKIP_CHECK+="off:$off_n/on:$on_n "
done
for ((i = 0; i < RUNS; i++)); do
    ALL[cps_A_o]+="$(cps o-ac "${IP[ab]}" 8080) "; ALL[fail_A_o]+="$(cut -d' ' -f2 "$T_DIR/cps.last") "
    ALL[cps_A_l]+="$(cps l-c "${IP[b1]}" 8080) "; ALL[fail_A_l]+="$(cut -d' ' -f2 "$T_DIR/cps.last") "
    ALL[cps_B_o]+="$(cps o-lc $VIP2 80) "; ALL[fail_B_o]+="$(cut -d' ' -f2 "$T_DIR/cps.last") "
    ALL[cps_B_l]+="$(cps l-c $VIP2 80) "; ALL[fail_B_l]+="$(cut -d' ' -f2 "$T_DIR/cps.last") "
done
ok "measured"

# per-round ratios of M against its baseline (they ran back to back)
round_ratios() {
    local -a a b; local i out=
    read -ra a <<<"${ALL[$1_$2]:-}"; read -ra b <<<"${ALL[$1_${BASE[$2]}]:-}"
    for ((i = 0; i < ${#a[@]} && i < ${#b[@]}; i++)); do out+="$(ratio "${a[i]}" "${b[i]}") "; done
    echo "$out"
}
row() {
    local k=$1 m=$2 med rr base_med
    med=$(echo "${ALL[${k}_$m]:-0}" | median)
    base_med=$(echo "${ALL[${k}_${BASE[$m]}]:-0}" | median)
    rr=$(round_ratios "$k" "$m")
    say "| ${NAME[$m]} | $med | $(echo ${ALL[${k}_$m]:-} | tr ' ' ',') | $(ratio "$med" "$base_med") |" \
        "$(echo $rr | tr ' ' ',') | $(echo "$rr" | median) |${3:-}"
}

say ""
say "## Conntrack: stateful ACL, LB VIP, Kube-OVN conntrack skip (tests/bench/ct.sh)"
say ""
say "Date: $(date -u '+%Y-%m-%d %H:%M UTC'); kernel $(uname -r); $(nproc) cores," \
    "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1); other jobs may share the machine."
say "Command: \`tests/bench/ct.sh\` (BENCH_RUNS=$RUNS BENCH_SECONDS=$SECS BENCH_LEN=$LEN); $(iptables --version)."
say ""
say "pps: iperf3 UDP, $LEN-byte payloads, -b 0, ${SECS} s per run, packets received / s." \
    "conn/s: \`tests/bench/conn_rate.c\`, 2 client processes, each connection a full" \
    "handshake + server FIN + client RST, ${SECS} s per run. Median of $RUNS runs; the" \
    "modes of a round run back to back, so the per-round ratio compares runs under the same" \
    "load. Sender, receiver and datapath share the 2 cores."
say ""
say "### pps"
say ""
say "| datapath | pps (median) | runs | × baseline (of medians) | per-round ratios | median per-round ratio |"
say "|---|---|---|---|---|---|"
for m in "${MODES[@]}"; do row pps "$m"; done
say ""
say "### new TCP connections / s"
say ""
say "| datapath | conn/s (median) | runs | × baseline (of medians) | per-round ratios | median per-round ratio | failed connections per run |"
say "|---|---|---|---|---|---|---|"
for m in A_o A_l B_o B_l; do row cps "$m" " $(echo ${ALL[fail_$m]:-} | tr ' ' ',') |"; done
say ""
say "Baselines: A and B against Linux (A_l, B_l rows = 1.00), C against ct skip off."
say "C check, ingress conntrack entries in lc's zone for lc→lb1 after each round" \
    "(off must be > 0, on must be 0): $SKIP_CHECK."
say "ovnbpf conntrack after the runs: $("${CTL[@]}" conntrack stats | tr '\n' ';' | sed 's/;$//')."
say "ovnbpf cache: $("${CTL[@]}" cache | tr '\n' ';' | sed 's/  */ /g; s/;$//')."
say "Linux conntrack max: $(ip netns exec bk-l-r cat /proc/sys/net/netfilter/nf_conntrack_max 2>/dev/null)."
say "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (2 cores; other helpers' jobs)."

if [[ ${BENCH_RESULTS:-1} == 1 ]]; then
    cat "$REPORT" >> "$TOP/tests/bench/RESULTS.md"
    echo "appended to tests/bench/RESULTS.md"
fi
