#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# scripts/demo.sh start|stop: the local ovnbpf demo (`make demo`).
#
# start: a private OVN central (NB, SB, ovn-northd) under $DEMO_DIR
#        (default /tmp/ovnbpf-demo) holding a small Kube-OVN-like cluster:
#        router ovn-cluster, subnets ovn-default (10.16.0.0/16: demo-pod1,
#        demo-pod2) and ns1 (10.17.0.0/16: demo-pod3), a service
#        10.96.0.10:80 backed by demo-pod2 and demo-pod3, and a network
#        policy on demo-pod1 (only its own subnet may connect to it).
#        Pods are network namespaces on veth pairs; ovnbpfd is this node's
#        chassis, its maps pinned under /sys/fs/bpf/ovnbpf-demo.  Then it
#        shows traffic through ovnbpf: pod to pod, across the router, to
#        the service, and the policy's drop, traced with ovnbpfctl trace.
# stop:  removes all of it (only what start created).
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
TOP=$PWD
D=${DEMO_DIR:-/tmp/ovnbpf-demo}
PIN=/sys/fs/bpf/ovnbpf-demo
B=${OVNBPF_BUILDDIR:-$TOP/build}
PODS=(demo-pod1 demo-pod2 demo-pod3)
declare -A LS=([demo-pod1]=ovn-default [demo-pod2]=ovn-default [demo-pod3]=ns1)
declare -A MAC=([demo-pod1]=00:00:00:10:00:02 [demo-pod2]=00:00:00:10:00:03 [demo-pod3]=00:00:00:11:00:02)
declare -A IP=([demo-pod1]=10.16.0.2 [demo-pod2]=10.16.0.3 [demo-pod3]=10.17.0.2)
declare -A GW=([ovn-default]=10.16.0.1 [ns1]=10.17.0.1)
declare -A GWMAC=([ovn-default]=00:00:00:10:00:01 [ns1]=00:00:00:11:00:01)
VIP=10.96.0.10

stop() {
    if [[ -s $D/ovnbpfd.pid ]] && kill -0 "$(<"$D/ovnbpfd.pid")" 2>/dev/null; then
        kill "$(<"$D/ovnbpfd.pid")" 2>/dev/null || true
        sleep 0.5
    fi
    for p in "${PODS[@]}"; do
        ip netns pids "$p" 2>/dev/null | xargs -r kill 2>/dev/null || true
        ip netns del "$p" 2>/dev/null || true
        ip link del "veth-${p#demo-}" 2>/dev/null || true
    done
    [[ -d $D ]] && "$TOP/scripts/ovn-local.sh" stop "$D/ovn"
    rm -rf "$PIN"
    echo "demo stopped"
}

# show TITLE CMD...: print the title, run CMD, never stop the demo on failure.
show() {
    local title=$1; shift
    echo
    echo "== $title"
    "$@" || echo "   (failed: see '${CTL[*]} drops' and $D/ovnbpfd.log)"
}
in_pod() { local p=$1; shift; ip netns exec "$p" "$@"; }
# http POD: GET http://VIP/ from POD with bash's /dev/tcp; prints the body.
http() {
    in_pod "$1" timeout 3 bash -c "exec 3<>/dev/tcp/$VIP/80 &&
        printf 'GET /name HTTP/1.0\r\nHost: svc\r\n\r\n' >&3 && sed -n '\$p' <&3"
}
trace_summary() {
    "${CTL[@]}" trace --ovnsb-db="$OVN_SB_DB" --summary "$@" >"$D/trace.out" || return 1
    grep -v '^ *next;$' "$D/trace.out"
}
expect_fail() { if "$@"; then return 1; fi; echo "   no answer, as the policy says"; }

topology() {
    local r=ovn-cluster s
    ovn-nbctl lr-add $r
    for s in ovn-default ns1; do
        ovn-nbctl ls-add $s
        ovn-nbctl lrp-add $r "$r-$s" "${GWMAC[$s]}" "${GW[$s]}/16"
        ovn-nbctl lsp-add $s "$s-$r" -- lsp-set-type "$s-$r" router \
            -- lsp-set-addresses "$s-$r" router -- lsp-set-options "$s-$r" router-port="$r-$s"
    done
    for p in "${PODS[@]}"; do
        ovn-nbctl lsp-add "${LS[$p]}" "$p" -- lsp-set-addresses "$p" "${MAC[$p]} ${IP[$p]}" \
            -- lsp-set-port-security "$p" "${MAC[$p]} ${IP[$p]}"
    done
    # The service, on both subnets' switches as Kube-OVN attaches it.
    ovn-nbctl lb-add svc-web "$VIP:80" "${IP[demo-pod2]}:8080,${IP[demo-pod3]}:8080" tcp
    ovn-nbctl ls-lb-add ovn-default svc-web -- ls-lb-add ns1 svc-web
    # The network policy on demo-pod1: its own subnet may connect, nobody else.
    ovn-nbctl pg-add np.pod1 demo-pod1
    ovn-nbctl --type=port-group acl-add np.pod1 to-lport 2000 'outport == @np.pod1 && ip' drop
    ovn-nbctl --type=port-group acl-add np.pod1 to-lport 2001 \
        'outport == @np.pod1 && ip4.src == 10.16.0.0/16' allow-related
}

pods() {
    for p in "${PODS[@]}"; do
        ip netns add "$p"
        ip link add "veth-${p#demo-}" type veth peer name eth0 netns "$p"
        ip -n "$p" link set eth0 address "${MAC[$p]}"
        ip -n "$p" addr add "${IP[$p]}/16" dev eth0
        ip -n "$p" link set eth0 up
        ip -n "$p" link set lo up
        ip -n "$p" route add default via "${GW[${LS[$p]}]}"
        ip link set "veth-${p#demo-}" up
    done
    # The service's backends: a web server in each answering with its name.
    for p in demo-pod2 demo-pod3; do
        mkdir -p "$D/www-$p"
        echo "$p" > "$D/www-$p/name"
        ip netns exec "$p" python3 -m http.server 8080 --directory "$D/www-$p" \
            </dev/null >"$D/www-$p.log" 2>&1 &
    done
}

start() {
    [[ $(id -u) -eq 0 ]] || { echo "the demo needs root (namespaces, BPF)" >&2; exit 1; }
    stop >/dev/null 2>&1 || true
    rm -rf "$D"; mkdir -p "$D"
    "$TOP/scripts/ovn-local.sh" start "$D/ovn"
    # shellcheck disable=SC1091
    . "$D/ovn/env.sh"
    topology
    pods
    "$B/ovnbpfd" --ovnsb-db="$OVN_SB_DB" --chassis-name=demo-chassis \
        --encap-ip=127.0.0.1 --bpffs-dir="$PIN" --state-dir="$D/state" \
        --log-file="$D/ovnbpfd.log" --pidfile="$D/ovnbpfd.pid" --detach
    # The pidfile appears once the datapath is loaded (the verifier takes a
    # few seconds, more on a busy machine).
    for _ in $(seq 600); do [[ -s $D/ovnbpfd.pid ]] && break; sleep 0.1; done
    [[ -s $D/ovnbpfd.pid ]] || { echo "ovnbpfd did not start; see $D/ovnbpfd.log" >&2; exit 1; }
    CTL=("$B/ovnbpfctl" --state-dir="$D/state" --bpffs-dir="$PIN")
    for p in "${PODS[@]}"; do "${CTL[@]}" bind "veth-${p#demo-}" "$p"; done
    # --wait=hv returns once ovnbpfd has acknowledged the NB configuration.
    ovn-nbctl --timeout=20 --wait=hv sync
    for _ in $(seq 30); do
        in_pod demo-pod2 bash -c "exec 3<>/dev/tcp/127.0.0.1/8080" 2>/dev/null &&
            in_pod demo-pod3 bash -c "exec 3<>/dev/tcp/127.0.0.1/8080" 2>/dev/null && break
        sleep 0.2
    done

    echo
    echo "== ovn-nbctl show: a small Kube-OVN-like cluster"
    ovn-nbctl show | sed -n '/^switch\|^router\|port demo\|networks\|addresses: \["00/p'
    echo "== ovn-sbctl show (ovnbpfd is the chassis; the pods' ports are bound to it)"
    ovn-sbctl show
    echo "== ovnbpfctl show"
    "${CTL[@]}" show
    show "demo-pod1 pings demo-pod2 (same switch)" \
        in_pod demo-pod1 ping -c 2 -i 0.2 -W 2 "${IP[demo-pod2]}"
    show "demo-pod1 pings demo-pod3 (across router ovn-cluster)" \
        in_pod demo-pod1 ping -c 2 -i 0.2 -W 2 "${IP[demo-pod3]}"
    show "demo-pod1 pings its gateway (answered by the router pipeline in BPF)" \
        in_pod demo-pod1 ping -c 1 -W 2 "${GW[ovn-default]}"
    echo
    echo "== demo-pod1 -> service $VIP:80, four connections (backends answer with their name)"
    for _ in 1 2 3 4; do printf '   '; http demo-pod1 || echo "(no answer)"; done
    echo "   (each connection is load-balanced by a hash of its 5-tuple, in BPF conntrack)"
    show "network policy: demo-pod3 (other subnet) -> demo-pod1 is dropped" \
        expect_fail in_pod demo-pod3 ping -c 1 -W 1 "${IP[demo-pod1]}"
    show "the same packet through ovnbpfctl trace --summary (the BPF datapath; 'next;' lines left out)" \
        trace_summary ns1 \
        "inport == \"demo-pod3\" && eth.src == ${MAC[demo-pod3]} && eth.dst == ${GWMAC[ns1]} &&
         ip4.src == ${IP[demo-pod3]} && ip4.dst == ${IP[demo-pod1]} && ip.ttl == 64 &&
         icmp4 && icmp4.type == 8 && icmp4.code == 0"
    show "conntrack: the service's connections (ovnbpfctl conntrack list, DNAT'd, ct_mark.natted = 2)" \
        bash -c "${CTL[*]} conntrack list | grep -F 'dst=$VIP,' | head -4"
    show "drop counters (ovnbpfctl drops, non-zero)" \
        bash -c "${CTL[*]} drops | awk '/^(id|stage) / || (\$3 + 0 > 0)'"
    cat <<MSG

ovnbpf demo is running.
  OVN central:  NB $OVN_NB_DB, SB $OVN_SB_DB (logs in $D/ovn)
  topology:     router ovn-cluster; ovn-default 10.16.0.0/16 (demo-pod1
                ${IP[demo-pod1]}, demo-pod2 ${IP[demo-pod2]}), ns1 10.17.0.0/16 (demo-pod3
                ${IP[demo-pod3]}); service $VIP:80 -> demo-pod2, demo-pod3 :8080;
                policy np.pod1; pods are network namespaces
  ovnbpfd:      pid $(cat "$D/ovnbpfd.pid"), log $D/ovnbpfd.log, maps in $PIN

Look around:
  ovn-nbctl --db=$OVN_NB_DB show
  $B/ovnbpfctl --state-dir=$D/state status
  $B/ovnbpfctl --bpffs-dir=$PIN drops
  $B/ovnbpfctl --bpffs-dir=$PIN conntrack list
  ip netns exec demo-pod1 ping ${IP[demo-pod3]}
  ovn-nbctl --db=$OVN_NB_DB acl-del np.pod1     # lift the policy; then
  ip netns exec demo-pod3 ping ${IP[demo-pod1]}

ovnbpfd registers the chassis, claims the pods' ports, attaches the
pipeline program to their veths and compiles ovn-northd's logical flows for
the switches and the router into its maps; conntrack, NAT and the load
balancer run in BPF.  Changes in the NB reach the datapath incrementally.
Stop it all:   make demo-stop
MSG
}

case ${1:-} in
start) start ;;
stop) stop ;;
*) sed -n '4,16p' "$0"; exit 2 ;;
esac
