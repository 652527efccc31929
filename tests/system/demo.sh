#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# `make demo` is the project's main job: run scripts/demo.sh start as the
# README says and check what it shows -- pods talk on a switch and across
# the router, the service answers from both backends, the network policy
# drops, ovnbpfctl trace names the dropping stage -- then demo.sh stop
# leaves nothing behind.  (It uses the demo's fixed names: demo-pod*,
# /sys/fs/bpf/ovnbpf-demo; a demo already running is replaced.)
. "$(dirname "$0")/lib.sh"
need_root

export DEMO_DIR=$T_DIR/demo
on_exit "$TOP/scripts/demo.sh" stop
OUT=$T_DIR/demo.out
check "demo.sh start exits 0" bash -c "'$TOP/scripts/demo.sh' start >'$OUT' 2>&1"
check "pod to pod on a switch: 2 received" \
    bash -c "grep -A6 '^== demo-pod1 pings demo-pod2' '$OUT' | grep -q '2 received'"
check "pod to pod across the router: 2 received, ttl 63" \
    bash -c "grep -A6 '^== demo-pod1 pings demo-pod3' '$OUT' | grep -q '2 received' &&
             grep -A6 '^== demo-pod1 pings demo-pod3' '$OUT' | grep -q 'ttl=63'"
check "the gateway answers" bash -c "grep -A6 '^== demo-pod1 pings its gateway' '$OUT' | grep -q '1 received'"
svc=$(grep -A4 '^== demo-pod1 -> service' "$OUT" | grep -Eo 'demo-pod[23]$' | sort -u | tr '\n' ' ')
check "the service answers from its backends ($svc)" test "$(grep -A4 '^== demo-pod1 -> service' "$OUT" | grep -Ec '^   demo-pod[23]$')" -eq 4
check "the policy drops demo-pod3 -> demo-pod1" grep -q 'no answer, as the policy says' "$OUT"
check "ovnbpfctl trace names the drop" grep -q 'dropped in ls_out_acl' "$OUT"
check "conntrack lists the service's connections (ct_mark.natted)" grep -q 'dst=10.96.0.10,.*mark=2' "$OUT"
check "the datapath counted the policy drop" bash -c "grep -A12 '^== drop counters' '$OUT' | grep -Eq '^ls_out_acl +[0-9]+ +[1-9]'"
check "demo.sh stop" bash -c "'$TOP/scripts/demo.sh' stop >/dev/null 2>&1"
check "nothing left: namespaces, pins, daemon" \
    bash -c "! ip netns list | grep -q '^demo-pod' && [[ ! -e /sys/fs/bpf/ovnbpf-demo ]] &&
             ! pgrep -a -x ovnbpfd | grep -q ovnbpf-demo"
if [[ $T_FAILED -ne 0 ]]; then cat "$OUT" >&2; fi
