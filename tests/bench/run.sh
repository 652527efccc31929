#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# tests/bench/run.sh: datapath benchmarks, pod->pod on one logical switch.
# Measures and prints; asserts nothing about speed (not part of make check).
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
say "Command: \`make bench\` (= \`tests/bench/run.sh\`, BENCH_RUNS=$RUNS BENCH_SECONDS=$SECS BENCH_LEN=$LEN)."
say ""
say "### 1. ns/packet, BPF_PROG_TEST_RUN"
say ""
say "Switch $SW with 2 VIF ports (addresses + port security) made by ovn-nbctl," \
    "SB from a private ovn-northd compiled into an unpinned ovnbpf_vif; $info." \
    "Kernel-reported duration/repeat, median of $RUNS (each run in the runs column)." \
    "Verifier insns = \"processed N insns\"; xlated/jited in bytes;" \
    "steps = the pipeline's bpf_loop iterations for the packet (stage entries, subtable probes, ops)."
say ""
say "| program | packet | ns/pkt (median) | runs | × tc_ok | × tc_redirect | verifier insns | xlated | jited | steps |"
say "|---|---|---|---|---|---|---|---|---|---|"
for pkt in udp icmp; do
    ok_ns=$(grep "^BENCH tc_ok $pkt " "$T_DIR/prog.out")
    rd_ns=$(grep "^BENCH tc_redirect $pkt " "$T_DIR/prog.out")
    for p in ovnbpf tc_redirect tc_ok; do
        l=$(grep "^BENCH $p $pkt " "$T_DIR/prog.out")
        ns=$(field ns "$l"); steps=$(field steps "$l"); [[ $p == ovnbpf ]] || steps=-
        say "| $p | $pkt | $ns | $(field runs "$l") | $(ratio "$ns" "$(field ns "$ok_ns")") |" \
            "$(ratio "$ns" "$(field ns "$rd_ns")") | $(field insns "$l") | $(field xlated "$l") | $(field jited "$l") | $steps |"
    done
done
ok "BPF_PROG_TEST_RUN bench"

# ---- 2. packets/s through veth between two namespaces ----
# pod X: netns b-bench-X, pod side eth0, host side bnch-X.
pods_add() {
    local x ns
    for x in a b; do
        ns=b-bench-$x
        ip netns del "$ns" 2>/dev/null; ip link del "bnch-$x" 2>/dev/null
        ip netns add "$ns" || return 1
        ip link add "bnch-$x" type veth peer name eth0 netns "$ns" || return 1
        ip -n "$ns" link set eth0 address "${MAC[$x]}"
        ip -n "$ns" addr add "${IP[$x]}/24" dev eth0
        ip -n "$ns" link set eth0 up
        ip -n "$ns" link set lo up
        ip link set "bnch-$x" up
    done
}
pods_del() {
    local x
    for x in a b; do ip netns del "b-bench-$x" 2>/dev/null; ip link del "bnch-$x" 2>/dev/null; done
    return 0
}
on_exit pods_del
in_pod() { local x=$1; shift; ip netns exec "b-bench-$x" "$@"; }
ping_ab() { in_pod a ping -c 1 -W 1 "${IP[b]}" >/dev/null 2>&1; }

# iperf3 UDP a -> b for SECS seconds, LEN-byte payloads, no rate limit;
# prints packets/s the receiver got.
pps() {
    local out=$T_DIR/iperf.json srv
    in_pod b iperf3 -s -1 -B "${IP[b]}" -p 5299 >/dev/null 2>&1 &
    srv=$!
    sleep 0.5
    in_pod a iperf3 -c "${IP[b]}" -p 5299 -u -b 0 -l "$LEN" -t "$SECS" --json >"$out" 2>/dev/null
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
# measure MODE: RUNS iperf3 runs, fills PPS[MODE] (median) and RUNSOF[MODE].
declare -A PPS RUNSOF
measure() {
    local m=$1 v all=""
    for ((i = 0; i < RUNS; i++)); do v=$(pps); all+="$v "; done
    PPS[$m]=$(echo "$all" | median)
    RUNSOF[$m]=$(echo $all | tr ' ' ',')
}

# (a) ovnbpf: the real daemon binds the two host-side veths.
CTL=("$B/ovnbpfctl" --state-dir="$T_DIR/state" --bpffs-dir="$T_PIN")
pods_add || { not_ok "pods created"; exit 1; }
if daemon_start && "${CTL[@]}" bind bnch-a lp-bench-a && "${CTL[@]}" bind bnch-b lp-bench-b &&
    wait_until 10 bash -c "[[ \$(ovn-nbctl lsp-get-up lp-bench-a) == up && \$(ovn-nbctl lsp-get-up lp-bench-b) == up ]]" &&
    ovn-nbctl --timeout=15 --wait=hv sync && wait_until 5 ping_ab; then
    measure ovnbpf
    ok "ovnbpf veth pps measured"
else
    not_ok "ovnbpf datapath set up"; PPS[ovnbpf]=0
fi
daemon_stop
pods_del

# (b) bare tc ingress bpf_redirect_peer on the same topology.
PEER_PIN=/sys/fs/bpf/b-bench-$$
pods_add || { not_ok "pods created"; exit 1; }
on_exit rm -rf "$PEER_PIN"
le32() { printf '%d %d %d %d' $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255)); }
ia=$(cat /sys/class/net/bnch-a/ifindex); ib=$(cat /sys/class/net/bnch-b/ifindex)
if mkdir -p "$PEER_PIN" &&
    bpftool prog load "$B/bpf/bench_peer.bpf.o" "$PEER_PIN/prog" type classifier pinmaps "$PEER_PIN" &&
    bpftool map update pinned "$PEER_PIN/bench_peer_map" key $(le32 "$ia") value $(le32 "$ib") &&
    bpftool map update pinned "$PEER_PIN/bench_peer_map" key $(le32 "$ib") value $(le32 "$ia") &&
    tc qdisc add dev bnch-a clsact && tc qdisc add dev bnch-b clsact &&
    tc filter add dev bnch-a ingress bpf direct-action pinned "$PEER_PIN/prog" &&
    tc filter add dev bnch-b ingress bpf direct-action pinned "$PEER_PIN/prog" &&
    wait_until 5 ping_ab; then
    measure redirect_peer
    ok "tc redirect_peer veth pps measured"
else
    not_ok "tc redirect_peer set up"; PPS[redirect_peer]=0
fi
pods_del
rm -rf "$PEER_PIN"

# (c) a Linux bridge.
pods_add || { not_ok "pods created"; exit 1; }
on_exit ip link del b-bench-br
if ip link add b-bench-br type bridge && ip link set b-bench-br up &&
    ip link set bnch-a master b-bench-br && ip link set bnch-b master b-bench-br &&
    wait_until 5 ping_ab; then
    measure bridge
    ok "bridge veth pps measured"
else
    not_ok "bridge set up"; PPS[bridge]=0
fi
pods_del
ip link del b-bench-br 2>/dev/null

say ""
say "### 2. packets/s through veth, two namespaces"
say ""
say "iperf3 UDP a→b, $LEN-byte payloads, -b 0, ${SECS} s per run; pps = packets the" \
    "receiver got / s (iperf3's count minus lost), median of $RUNS. Sender, receiver" \
    "and the datapath share the 2 cores, so this is the cost of the whole path" \
    "(iperf3 syscalls dominate), not of the BPF program alone."
say ""
say "| datapath | pps (median) | runs | × tc redirect_peer |"
say "|---|---|---|---|"
for m in ovnbpf redirect_peer bridge; do
    say "| $m | ${PPS[$m]} | ${RUNSOF[$m]:-} | $(ratio "${PPS[$m]}" "${PPS[redirect_peer]}") |"
done

if [[ ${BENCH_RESULTS:-1} == 1 ]]; then
    cat "$REPORT" >> "$TOP/tests/bench/RESULTS.md"
    echo "appended to tests/bench/RESULTS.md"
fi
