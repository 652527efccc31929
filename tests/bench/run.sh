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
# baselines measured in the same run.  Append the printed markdown to
# tests/bench/RESULTS.md with BENCH_RESULTS=1.
#
#   BENCH_RUNS=3 BENCH_SECONDS=5 BENCH_LEN=64 BENCH_RESULTS=0 tests/bench/run.sh
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
    "Verifier insns = \"processed N insns\"; xlated/jited in bytes."
say ""
say "| program | packet | ns/pkt (median) | runs | × tc_ok | × tc_redirect | verifier insns | xlated | jited |"
say "|---|---|---|---|---|---|---|---|---|"
for pkt in udp icmp; do
    ok_ns=$(grep "^BENCH tc_ok $pkt " "$T_DIR/prog.out")
    rd_ns=$(grep "^BENCH tc_redirect $pkt " "$T_DIR/prog.out")
    for p in ovnbpf tc_redirect tc_ok; do
        l=$(grep "^BENCH $p $pkt " "$T_DIR/prog.out")
        ns=$(field ns "$l")
        say "| $p | $pkt | $ns | $(field runs "$l") | $(ratio "$ns" "$(field ns "$ok_ns")") |" \
            "$(ratio "$ns" "$(field ns "$rd_ns")") | $(field insns "$l") | $(field xlated "$l") | $(field jited "$l") |"
    done
done
ok "BPF_PROG_TEST_RUN bench"
