#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# tests/bench/run.sh: datapath benchmarks, pod->pod on one logical switch.
# Measures and prints; asserts nothing about speed (not part of make check;
# make bench runs it, then router.sh and ct.sh).
#
#  1. ns/packet through BPF_PROG_TEST_RUN (kernel-reported duration) of the
#     real compiled pipeline vs an empty tc program and a bare bpf_redirect
#     (build/test_progs -t bench_datapath with OVNBPF_BENCH=1).
#  2. packets/s of iperf3 UDP (small packets) between two namespaces on
#     veth through (a) ovnbpfd, (b) a bare tc bpf_redirect_peer program,
#     (c) a Linux bridge.
#
# Every number is the median of BENCH_RUNS (3) runs; ratios are against
# baselines measured in the same run.  The printed markdown is appended to
# tests/bench/RESULTS.md (BENCH_RESULTS=0: print only).
#
#   BENCH_RUNS=3 BENCH_SECONDS=5 BENCH_LEN=64 BENCH_RESULTS=1 tests/bench/run.sh
. "$(dirname "$0")/../system/lib.sh"
need_root

RUNS=${BENCH_RUNS:-3}
SECS=${BENCH_SECONDS:-5}
LEN=${BENCH_LEN:-64}
REPORT=$T_DIR/report.md
export T_CHASSIS=bench-$$

SW=sw-bench
declare -A MAC=([a]=00:00:00:0b:0e:0a [b]=00:00:00:0b:0e:0b)
declare -A IP=([a]=10.252.0.10 [b]=10.252.0.11)

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
say() { echo "$*" | tee -a "$REPORT"; }

ovn_start || { not_ok "local OVN starts"; exit 1; }
ovn-nbctl ls-add $SW
for x in a b; do
    ovn-nbctl lsp-add $SW "lp-bench-$x" \
        -- lsp-set-addresses "lp-bench-$x" "${MAC[$x]} ${IP[$x]}" \
        -- lsp-set-port-security "lp-bench-$x" "${MAC[$x]} ${IP[$x]}"
done
ovn-nbctl --wait=sb sync

# ---- 1. BPF_PROG_TEST_RUN ----
cmd1="OVNBPF_BENCH=1 build/test_progs -t bench_datapath -v"
OVNBPF_BENCH=1 OVNBPF_BENCH_SB="$T_DIR/ovn/sb.db" OVNBPF_BENCH_ROUNDS=$RUNS OVNBPF_BENCH_REPEAT=${BENCH_REPEAT:-200000} \
    OVNBPF_BENCH_A="lp-bench-a ${MAC[a]} ${IP[a]}" OVNBPF_BENCH_B="lp-bench-b ${MAC[b]} ${IP[b]}" \
    "$B/test_progs" -t bench_datapath -v > "$T_DIR/prog.out" 2>&1
if ! grep -q '^BENCH ' "$T_DIR/prog.out"; then
    not_ok "bench_datapath ran"; cat "$T_DIR/prog.out" >&2; exit 1
fi
info=$(grep '^BENCH_INFO' "$T_DIR/prog.out" | cut -d' ' -f2-)
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }

say ""
say "## Datapath: pod→pod on one switch"
say ""
say "Date: $(date -u '+%Y-%m-%d %H:%M UTC'); kernel $(uname -r); $(nproc) cores," \
    "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1); other jobs may share the machine."
say "Command: \`tests/bench/run.sh\` (the first part of \`make bench\`; BENCH_RUNS=$RUNS BENCH_SECONDS=$SECS BENCH_LEN=$LEN)."
say ""
say "### 1. ns/packet, BPF_PROG_TEST_RUN"
say ""
say "Switch $SW with 2 VIF ports (addresses + port security) made by ovn-nbctl," \
    "SB from a private ovn-northd compiled into an unpinned ovnbpf_vif; $info." \
    "Kernel-reported duration/repeat, median of $RUNS (each run in the runs column)." \
    "Verifier insns = \"processed N insns\"; xlated/jited in bytes;" \
    "steps = the pipeline's bpf_loop iterations for the packet (stage entries, subtable probes, ops)." \
    "ovnbpf = exact-match cache on (every packet after the first of a round is a hit, 0 steps);" \
    "ovnbpf_miss = cache off, the whole pipeline per packet (what a cache miss costs)."
say ""
say "| program | packet | ns/pkt (median) | runs | × tc_ok | × tc_redirect | verifier insns | xlated | jited | steps |"
say "|---|---|---|---|---|---|---|---|---|---|"
for pkt in udp icmp; do
    ok_ns=$(grep "^BENCH tc_ok $pkt " "$T_DIR/prog.out")
    rd_ns=$(grep "^BENCH tc_redirect $pkt " "$T_DIR/prog.out")
    for p in ovnbpf ovnbpf_miss tc_redirect tc_ok; do
        l=$(grep "^BENCH $p $pkt " "$T_DIR/prog.out")
        ns=$(field ns "$l"); steps=$(field steps "$l"); [[ $p == ovnbpf* ]] || steps=-
        say "| $p | $pkt | $ns | $(field runs "$l") | $(ratio "$ns" "$(field ns "$ok_ns")") |" \
            "$(ratio "$ns" "$(field ns "$rd_ns")") | $(field insns "$l") | $(field xlated "$l") | $(field jited "$l") | $steps |"
    done
done
ok "BPF_PROG_TEST_RUN bench"

# ---- 2. packets/s through veth between two namespaces ----
# Three copies of the same two-pod topology side by side, one per datapath
# M (o: ovnbpf, p: tc redirect_peer, l: Linux bridge): netns b-bench-M-X,
# pod side eth0, host side bnM-X.  The runs are interleaved (o p l, o p l,
# ...) so that load from elsewhere on the machine hits all three alike.
MODES=(o p l)
declare -A MODE_NAME=([o]=ovnbpf [p]=redirect_peer [l]=bridge)
pods_add() {
    local m=$1 x ns
    for x in a b; do
        ns=b-bench-$m-$x
        ip netns del "$ns" 2>/dev/null; ip link del "bn$m-$x" 2>/dev/null
        ip netns add "$ns" || return 1
        ip link add "bn$m-$x" type veth peer name eth0 netns "$ns" || return 1
        ip -n "$ns" link set eth0 address "${MAC[$x]}"
        ip -n "$ns" addr add "${IP[$x]}/24" dev eth0
        ip -n "$ns" link set eth0 up
        ip -n "$ns" link set lo up
        ip link set "bn$m-$x" up
    done
}
pods_del() {
    local m=$1 x
    for x in a b; do ip netns del "b-bench-$m-$x" 2>/dev/null; ip link del "bn$m-$x" 2>/dev/null; done
    return 0
}
in_pod() { local m=$1 x=$2; shift 2; ip netns exec "b-bench-$m-$x" "$@"; }
ping_ab() { in_pod "$1" a ping -c 1 -W 1 "${IP[b]}" >/dev/null 2>&1; }

# pps M: iperf3 UDP a -> b for SECS seconds, LEN-byte payloads, no rate
# limit; prints the packets/s the receiver got.
pps() {
    local m=$1 out=$T_DIR/iperf.json srv
    in_pod "$m" b iperf3 -s -1 -B "${IP[b]}" -p 5299 >/dev/null 2>&1 &
    srv=$!
    sleep 0.5
    in_pod "$m" a iperf3 -c "${IP[b]}" -p 5299 -u -b 0 -l "$LEN" -t "$SECS" --json >"$out" 2>/dev/null
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

declare -A READY ALL PPS
for m in "${MODES[@]}"; do
    on_exit pods_del "$m"
    pods_add "$m" || { not_ok "pods for ${MODE_NAME[$m]} created"; exit 1; }
done

# (o) ovnbpf: the real daemon binds the two host-side veths.
CTL=("$B/ovnbpfctl" --state-dir="$T_DIR/state" --bpffs-dir="$T_PIN")
daemon_start && "${CTL[@]}" bind bno-a lp-bench-a && "${CTL[@]}" bind bno-b lp-bench-b &&
    wait_until 10 bash -c "[[ \$(ovn-nbctl lsp-get-up lp-bench-a) == up && \$(ovn-nbctl lsp-get-up lp-bench-b) == up ]]" &&
    ovn-nbctl --timeout=15 --wait=hv sync && wait_until 5 ping_ab o && READY[o]=1

# (p) a bare tc ingress bpf_redirect_peer program, one hash lookup.
PEER_PIN=/sys/fs/bpf/b-bench-$$
on_exit rm -rf "$PEER_PIN"
le32() { printf '%d %d %d %d' $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255)); }
ia=$(cat /sys/class/net/bnp-a/ifindex); ib=$(cat /sys/class/net/bnp-b/ifindex)
mkdir -p "$PEER_PIN" &&
    bpftool prog load "$B/bpf/bench_peer.bpf.o" "$PEER_PIN/prog" type classifier pinmaps "$PEER_PIN" &&
    bpftool map update pinned "$PEER_PIN/bench_peer_map" key $(le32 "$ia") value $(le32 "$ib") &&
    bpftool map update pinned "$PEER_PIN/bench_peer_map" key $(le32 "$ib") value $(le32 "$ia") &&
    tc qdisc add dev bnp-a clsact && tc qdisc add dev bnp-b clsact &&
    tc filter add dev bnp-a ingress bpf direct-action pinned "$PEER_PIN/prog" &&
    tc filter add dev bnp-b ingress bpf direct-action pinned "$PEER_PIN/prog" &&
    wait_until 5 ping_ab p && READY[p]=1

# (l) a Linux bridge.
on_exit ip link del b-bench-br
ip link add b-bench-br type bridge && ip link set b-bench-br up &&
    ip link set bnl-a master b-bench-br && ip link set bnl-b master b-bench-br &&
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
say "### 2. packets/s through veth, two namespaces"
say ""
say "iperf3 UDP a→b, $LEN-byte payloads, -b 0, ${SECS} s per run; pps = packets the" \
    "receiver got / s (iperf3's count minus lost), median of $RUNS; the three datapaths" \
    "are three copies of the same veth topology, runs interleaved. Sender, receiver" \
    "and the datapath share the 2 cores, so this is the cost of the whole path" \
    "(iperf3's syscalls included), not of the BPF program alone."
say ""
# Per-round ratios: run i of M against run i of redirect_peer (they ran
# back to back), whose median is less sensitive to load that changes
# between rounds than the ratio of the medians.
round_ratios() {
    local -a a b; local i out=
    read -ra a <<<"${ALL[$1]:-}"; read -ra b <<<"${ALL[p]:-}"
    for ((i = 0; i < ${#a[@]} && i < ${#b[@]}; i++)); do out+="$(ratio "${a[i]}" "${b[i]}") "; done
    echo "$out"
}
say "| datapath | pps (median) | runs | × tc redirect_peer (of medians) | per-round ratios | median per-round ratio |"
say "|---|---|---|---|---|---|"
for m in "${MODES[@]}"; do
    all=${ALL[$m]:-}
    rr=$(round_ratios "$m")
    say "| ${MODE_NAME[$m]} | ${PPS[$m]} | $(echo $all | tr ' ' ',') | $(ratio "${PPS[$m]}" "${PPS[p]}") |" \
        "$(echo $rr | tr ' ' ',') | $(echo "$rr" | median) |"
done

if [[ ${READY[o]:-} ]]; then
    say ""
    say "ovnbpf's exact-match cache after these runs (\`ovnbpfctl cache\`): $("${CTL[@]}" cache | tr '\n' ';' | sed 's/  */ /g; s/;$//')."
fi
say ""
say "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (2 cores; other helpers' jobs)."

if [[ ${BENCH_RESULTS:-1} == 1 ]]; then
    cat "$REPORT" >> "$TOP/tests/bench/RESULTS.md"
    echo "appended to tests/bench/RESULTS.md"
fi
