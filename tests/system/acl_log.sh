#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# ACL logging and set membership with a real ovn-northd, stateless ACLs
# (no conntrack needed): a logged allow-stateless ACL and a logged drop ACL
# write ovn-controller's "acl_log" lines to the daemon's log for a ping;
# a meter of 1 pktps limits the lines; adding an address to an address set
# and a port to a port group flips drop/allow without compiling any flow.
. "$(dirname "$0")/lib.sh"
need_root

CTL=("$B/ovnbpfctl" --state-dir="$T_DIR/state" --bpffs-dir="$T_PIN")
SW=sw-acllog
declare -A MAC=([a]=00:00:00:0d:01:0a [b]=00:00:00:0d:01:0b [c]=00:00:00:0d:01:0c)
declare -A IP=([a]=10.252.0.10 [b]=10.252.0.11 [c]=10.252.0.12)

pod_add() {
    local x=$1 ns=t-al-$1
    ip netns del "$ns" 2>/dev/null; ip link del "tal-$x" 2>/dev/null
    ip netns add "$ns" || return 1
    on_exit ip netns del "$ns"
    on_exit ip link del "tal-$x"
    ip link add "tal-$x" type veth peer name eth0 netns "$ns" || return 1
    ip -n "$ns" link set eth0 address "${MAC[$x]}"
    ip -n "$ns" addr add "${IP[$x]}/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up
    ip link set "tal-$x" up
    # Static neighbours: ARP is not what this test is about.
    local y
    for y in a b c; do
        [[ $y == "$x" ]] || ip -n "$ns" neigh replace "${IP[$y]}" lladdr "${MAC[$y]}" dev eth0
    done
}
in_pod() { local x=$1; shift; ip netns exec "t-al-$x" "$@"; }
ping4() { in_pod "$1" ping -c 1 -W 1 "${IP[$2]}" >/dev/null 2>&1; }
no_ping4() { ! in_pod "$1" ping -c 1 -W 1 "${IP[$2]}" >/dev/null 2>&1; }
wait_hv() { ovn-nbctl --timeout=15 --wait=hv sync; }
stat() { "${CTL[@]}" --json engine-stats | python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
log_lines() { grep -c "|acl_log|INFO|$1" "$T_DIR/ovnbpfd.log" 2>/dev/null || true; }

ovn_start || { not_ok "local OVN starts"; exit 1; }
ovn-nbctl ls-add $SW
for x in a b c; do
    ovn-nbctl lsp-add $SW "lp-al-$x" -- lsp-set-addresses "lp-al-$x" "${MAC[$x]} ${IP[$x]}"
    check "pod $x created" pod_add $x
done
check "ovnbpfd starts" daemon_start
for x in a b c; do check "bind $x" "${CTL[@]}" bind "tal-$x" "lp-al-$x"; done
check "ports up" wait_until 10 bash -c "[[ \$(ovn-nbctl lsp-get-up lp-al-c) == up ]]"
check "--wait=hv sync" wait_hv
check "no ACL: ping a -> b" wait_until 5 ping4 a b

# --- ACL log ---------------------------------------------------------------
ovn-nbctl --log --name=allow-ping --severity=alert acl-add $SW to-lport 1000 \
    "outport == \"lp-al-b\" && icmp4" allow-stateless
ovn-nbctl --log --name=drop-c --severity=warning acl-add $SW from-lport 1000 \
    "inport == \"lp-al-c\" && icmp4" drop
wait_hv
check "allow-stateless ACL: ping a -> b" wait_until 5 ping4 a b
check "logged allow line" wait_until 5 bash -c "grep -q 'acl_log|INFO|name=\"allow-ping\", verdict=allow, severity=alert, direction=to-lport: icmp,vlan_tci=0x0000,dl_src=${MAC[a]},dl_dst=${MAC[b]},nw_src=${IP[a]},nw_dst=${IP[b]},nw_tos=0,nw_ecn=0,nw_ttl=64,nw_frag=no,icmp_type=8,icmp_code=0' $T_DIR/ovnbpfd.log"
check "drop ACL: ping c -> a fails" no_ping4 c a
check "logged drop line" wait_until 5 bash -c "grep -q 'acl_log|INFO|name=\"drop-c\", verdict=drop, severity=warning, direction=from-lport: icmp,.*nw_src=${IP[c]},nw_dst=${IP[a]}' $T_DIR/ovnbpfd.log"

# --- meter: 1 pktps --------------------------------------------------------
ovn-nbctl meter-add m-acllog drop 1 pktps
ovn-nbctl acl-del $SW from-lport 1000 "inport == \"lp-al-c\" && icmp4"
ovn-nbctl --log --meter=m-acllog --name=metered --severity=alert acl-add $SW from-lport 1000 \
    "inport == \"lp-al-c\" && icmp4" drop
wait_hv
sleep 1.2      # the bucket fills up to its burst
before=$(log_lines 'name="metered"')
# 40 packets in 4 s: 1 pktps per CPU plus a burst of 1 lets ~5-10 through.
in_pod c ping -c 40 -i 0.1 -W 1 "${IP[a]}" >/dev/null 2>&1
sleep 0.5
after=$(log_lines 'name="metered"')
n=$((after - before))
ncpu=$(nproc)
check "metered: $n lines for 40 packets in 4 s (>= 2, <= $((5 * ncpu + 2)))" \
    test "$n" -ge 2 -a "$n" -le $((5 * ncpu + 2))
check "metered packets still dropped" no_ping4 c a

# --- set membership flips traffic without compiling a flow ----------------
ovn-nbctl acl-del $SW
ovn-nbctl create Address_Set name=as_al addresses='"10.252.0.99"'
ovn-nbctl pg-add pg_al lp-al-b
ovn-nbctl acl-add $SW from-lport 1001 'ip4.src == $as_al && icmp4' drop
ovn-nbctl acl-add pg_al to-lport 1001 'outport == @pg_al && ip4.src == 10.252.0.12 && icmp4' drop
wait_hv
check "a -> c passes (a not in the set)" wait_until 5 ping4 a c
check "c -> b dropped (b in pg_al)" no_ping4 c b
check "c -> a passes (a not in pg_al)" ping4 c a
f0=$(stat flows_compiled); e0=$(stat entries_written); s0=$(stat set_members_written)
ovn-nbctl --wait=hv add Address_Set as_al addresses '"10.252.0.10"'
check "address added: a -> c dropped" wait_until 5 no_ping4 a c
ovn-nbctl --wait=hv pg-set-ports pg_al lp-al-b lp-al-a
check "port added to group: c -> a dropped" wait_until 5 no_ping4 c a
f1=$(stat flows_compiled); e1=$(stat entries_written); s1=$(stat set_members_written)
check "no flow compiled ($f0 -> $f1)" test "$f1" -eq "$f0"
check "no classifier entry written ($e0 -> $e1)" test "$e1" -eq "$e0"
check "set members written ($s0 -> $s1, >= 2)" test "$s1" -ge $((s0 + 2))
check "a -> b dropped (a in the set)" no_ping4 a b
ovn-nbctl --wait=hv remove Address_Set as_al addresses '"10.252.0.10"'
check "address removed: a -> b passes" wait_until 5 ping4 a b
f2=$(stat flows_compiled)
check "still no flow compiled ($f1 -> $f2)" test "$f2" -eq "$f0"

if [[ $T_FAILED -ne 0 ]]; then
    "${CTL[@]}" drops >&2 || true
    "${CTL[@]}" engine-stats >&2 || true
    tail -40 "$T_DIR/ovnbpfd.log" >&2
fi
