#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Per-port flow families (loader/compile_family.c) with a real ovn-northd:
# one drop ACL per port, `outport == "P" && ip4.src == A` (what an ACL on a
# port list without a port group gives), becomes one classifier flow once
# four ports have one.  The ACLs drop what they should; a port's ACL
# removed and added again changes a record member and compiles no flow;
# after a restart the family's flow is adopted and still drops.
. "$(dirname "$0")/lib.sh"
need_root

CTL=("$B/ovnbpfctl" --state-dir="$T_DIR/state" --bpffs-dir="$T_PIN")
SW=sw-afam
PODS="a b c d e"
declare -A MAC=([a]=00:00:00:0f:01:0a [b]=00:00:00:0f:01:0b [c]=00:00:00:0f:01:0c
                [d]=00:00:00:0f:01:0d [e]=00:00:00:0f:01:0e)
declare -A IP=([a]=10.251.0.10 [b]=10.251.0.11 [c]=10.251.0.12 [d]=10.251.0.13
               [e]=10.251.0.14)

pod_add() {
    local x=$1 y
    pod_netns_add af "$x" "${MAC[$x]}" "${IP[$x]}/24" || return 1
    # Static neighbours: ARP is not what this test is about.
    for y in $PODS; do
        [[ $y == "$x" ]] || ip -n "t-af-$x" neigh replace "${IP[$y]}" lladdr "${MAC[$y]}" dev eth0
    done
}
in_pod() { local x=$1; shift; ip netns exec "t-af-$x" "$@"; }
ping4() { in_pod "$1" ping -c 1 -W 1 "${IP[$2]}" >/dev/null 2>&1; }
no_ping4() { ! in_pod "$1" ping -c 1 -W 1 "${IP[$2]}" >/dev/null 2>&1; }
stat() { "${CTL[@]}" --json engine-stats | python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
acl_match() { echo "outport == \"lp-af-$1\" && ip4.src == ${IP[a]}"; }
acl_add() { ovn-nbctl acl-add $SW to-lport 1000 "$(acl_match "$1")" drop; }
acl_del() { ovn-nbctl acl-del $SW to-lport 1000 "$(acl_match "$1")"; }
same() { [[ $1 == "$2" ]]; }

ovn_start || { not_ok "local OVN starts"; exit 1; }
ovn-nbctl ls-add $SW
for x in $PODS; do
    ovn-nbctl lsp-add $SW "lp-af-$x" -- lsp-set-addresses "lp-af-$x" "${MAC[$x]} ${IP[$x]}"
    check "pod $x created" pod_add "$x"
done
check "ovnbpfd starts" daemon_start
for x in $PODS; do check "bind $x" "${CTL[@]}" bind "taf-$x" "lp-af-$x"; done
check "ports up" wait_until 10 bash -c "[[ \$(ovn-nbctl lsp-get-up lp-af-e) == up ]]"
check "--wait=hv sync" wait_hv
check "no ACL: ping a -> b" wait_until 5 ping4 a b

for x in b c d; do acl_add $x; done
wait_hv
check "3 ACLs: ping a -> b dropped" no_ping4 a b
check "3 ACLs: ping a -> e" ping4 a e
check "3 ACLs: no family yet" same "$(stat families)" 0
acl_add e
wait_hv
check "4 ACLs: one family" same "$(stat families)" 1
check "4 ACLs: 4 member flows" same "$(stat family_members)" 4
for x in b c d e; do check "ping a -> $x dropped" no_ping4 a $x; done
check "ping b -> c (another source)" wait_until 5 ping4 b c
check "ping e -> d (another source)" ping4 e d

c0=$(stat flows_compiled); w0=$(stat entries_written)
acl_del c
wait_hv
check "c's ACL removed: ping a -> c" wait_until 5 ping4 a c
check "still dropped: a -> d" no_ping4 a d
check "3 member flows" same "$(stat family_members)" 3
acl_add c
wait_hv
check "c's ACL back: ping a -> c dropped" wait_until 5 no_ping4 a c
check "no flow compiled ($c0 -> $(stat flows_compiled))" same "$(stat flows_compiled)" "$c0"
check "no classifier entry written ($w0 -> $(stat entries_written))" \
    same "$(stat entries_written)" "$w0"

daemon_stop
check "ovnbpfd restarts" daemon_start
check "status after restart" wait_until 10 bash -c "${CTL[*]} status >/dev/null 2>&1"
check "--wait=hv sync after restart" wait_hv
kept=$(grep -o "restart: kept [0-9]* of [0-9]* flows" "$T_DIR/ovnbpfd.log" | tail -1)
check "restart adopted every flow ($kept)" \
    python3 -c "import sys; w=sys.argv[1].split(); sys.exit(not (len(w) == 6 and w[2] == w[4]))" "$kept"
check "after restart: ping a -> d dropped" no_ping4 a d
check "after restart: ping b -> d" wait_until 5 ping4 b d
check "after restart: one family of 4" same "$(stat families)/$(stat family_members)" 1/4

if [[ $T_FAILED -ne 0 ]]; then
    "${CTL[@]}" drops >&2 || true
    "${CTL[@]}" engine-stats >&2 || true
    tail -40 "$T_DIR/ovnbpfd.log" >&2
fi
