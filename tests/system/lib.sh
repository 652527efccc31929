# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# shellcheck shell=bash
#
# Helpers for system tests (source it).  Each test reports TAP-style lines
# that tests/run.sh counts: ok/not ok/ok # SKIP.  Everything a test creates
# (run directory, namespaces, pinned maps, daemons) is named after the test
# and removed by the EXIT trap, so tests can run side by side.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
B=${OVNBPF_BUILDDIR:-$TOP/build}
T_NAME=$(basename "${0%.sh}")
T_DIR=$(mktemp -d "/tmp/ovnbpf-$T_NAME.XXXXXX")
T_PIN=/sys/fs/bpf/ovnbpf-test-$T_NAME-$$
T_FAILED=0
T_CLEANUPS=()

ok()     { echo "ok - $T_NAME: $*"; }
not_ok() { echo "not ok - $T_NAME: $*"; T_FAILED=1; }
skip()   { echo "ok - $T_NAME: $1 # SKIP ${2:-}"; }
# check NAME CMD...: run CMD, report ok/not ok under NAME.
check() {
    local name=$1; shift
    if "$@"; then ok "$name"; else not_ok "$name"; fi
}
# wait_until TIMEOUT_S CMD...: poll CMD every 0.1 s until it succeeds.
wait_until() {
    local t=$1 i; shift
    for ((i = 0; i < t * 10; i++)); do "$@" && return 0; sleep 0.1; done
    return 1
}
on_exit() { T_CLEANUPS+=("$*"); }
t_cleanup() {
    local i
    for ((i = ${#T_CLEANUPS[@]} - 1; i >= 0; i--)); do eval "${T_CLEANUPS[i]}" >/dev/null 2>&1 || true; done
    rm -rf "$T_PIN"
    [[ $T_FAILED -eq 0 ]] && rm -rf "$T_DIR"
}
trap t_cleanup EXIT

need_root() {
    if [[ $(id -u) -ne 0 ]]; then skip "all" "needs root"; exit 0; fi
}

# pod_netns_add PREFIX X MAC IP/LEN [IP6/LEN]: a "pod": netns t-PREFIX-X
# holding eth0 (MAC, the addresses, up; lo up) whose host side tPREFIX-X
# is up.  Both are removed on exit (and any leftover first).  Routes are
# the caller's.
pod_netns_add() {
    local ns=t-$1-$2 v=t$1-$2 mac=$3 ip4=$4 ip6=${5:-}
    ip netns del "$ns" 2>/dev/null; ip link del "$v" 2>/dev/null
    ip netns add "$ns" || return 1
    on_exit ip netns del "$ns"
    on_exit ip link del "$v"
    ip link add "$v" type veth peer name eth0 netns "$ns" || return 1
    ip -n "$ns" link set eth0 address "$mac"
    ip -n "$ns" addr add "$ip4" dev eth0
    [[ -z $ip6 ]] || ip -n "$ns" addr add "$ip6" dev eth0 nodad
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up
    ip link set "$v" up
}

# wait_hv [TIMEOUT_S]: until every chassis has caught up with the NB (15 s).
wait_hv() { ovn-nbctl --timeout="${1:-15}" --wait=hv sync; }

# ovn_start: a private OVN central in $T_DIR/ovn; exports OVN_NB_DB/OVN_SB_DB.
ovn_start() {
    "$TOP/scripts/ovn-local.sh" start "$T_DIR/ovn" >/dev/null || return 1
    on_exit "$TOP/scripts/ovn-local.sh" stop "$T_DIR/ovn"
    # shellcheck disable=SC1091
    . "$T_DIR/ovn/env.sh"
}

# daemon_start [ARGS...]: ovnbpfd against $OVN_SB_DB with private pins/state.
daemon_start() {
    "$B/ovnbpfd" --ovnsb-db="$OVN_SB_DB" --chassis-name="${T_CHASSIS:-$T_NAME}" \
        --encap-ip=127.0.0.1 --bpffs-dir="$T_PIN" --state-dir="$T_DIR/state" \
        --log-file="$T_DIR/ovnbpfd.log" --pidfile="$T_DIR/ovnbpfd.pid" --detach "$@" \
        || return 1
    # Registered first: a start slower than the wait must not leak the
    # daemon.  Loading and verifying the BPF object takes seconds on a
    # loaded machine.
    on_exit daemon_stop
    wait_until 20 test -s "$T_DIR/ovnbpfd.pid" || return 1
}
daemon_stop() {
    [[ -s $T_DIR/ovnbpfd.pid ]] || return 0
    local pid; pid=$(<"$T_DIR/ovnbpfd.pid")
    kill "$pid" 2>/dev/null || true
    wait_until 5 bash -c "! kill -0 $pid 2>/dev/null"
}
