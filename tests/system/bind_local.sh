#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Local bindings end to end: `ovnbpfctl bind` before the interface exists,
# the VIF program attached at tc ingress when it appears (the program whose
# maps are pinned: traffic shows in the pinned counters), re-attached when
# the interface is re-created, kept attached across a daemon restart
# without a duplicate filter, detached on unbind; the bindings persist.
. "$(dirname "$0")/lib.sh"
need_root

NS=t-bl-a
IF=tbl-a
PEER=tbl-a-p
LP=lp-bind-local-a
CTL=("$B/ovnbpfctl" --state-dir="$T_DIR/state")

ip netns del $NS 2>/dev/null; ip link del $IF 2>/dev/null
on_exit ip netns del $NS
on_exit ip link del $IF

mkveth() {
    ip netns add $NS 2>/dev/null
    ip link add $IF type veth peer name $PEER netns $NS || return 1
    ip link set $IF up
    ip -n $NS link set $PEER up
    ip -n $NS addr add 10.251.0.2/24 dev $PEER 2>/dev/null
    return 0
}
# Id of the program in our tc filter on $IF ingress (empty if none).
attached_id() {
    tc filter show dev $IF ingress 2>/dev/null |
        sed -n 's/.*handle 0x6f76 .* id \([0-9]*\) name ovnbpf_from_vif.*/\1/p'
}
n_filters() { tc filter show dev $IF ingress 2>/dev/null | grep -c 'ovnbpf_from_vif'; }
show_has() { "${CTL[@]}" show | grep -E "^$IF +$LP +.*$1" >/dev/null; }
# Packets the attached program saw, whatever its verdict: the logical port
# here has no datapath, so they are dropped (no-vif) rather than accepted.
seen() {
    "$B/ovnbpfctl" --bpffs-dir="$T_PIN" drops |
        awk '/^id +reason/ {t++; next} t == 1 && $1 ~ /^[0-9]+$/ {s += $(NF-1)} END {print s + 0}'
}

ovn_start || { not_ok "local OVN starts"; exit 1; }
check "ovnbpfd starts" daemon_start
check "control socket is a 0600 socket" \
    test -S "$T_DIR/state/ovnbpfd.ctl" -a "$(stat -c %a "$T_DIR/state/ovnbpfd.ctl")" = 600

check "bind before the interface exists" "${CTL[@]}" bind $IF $LP
check "show: bound, no interface" show_has no-interface
out=$("${CTL[@]}" bind tbl-other $LP 2>&1)
check "same logical port on a second interface is refused" \
    test $? -ne 0 -a -n "$(grep 'already bound to interface' <<<"$out")"
out=$("${CTL[@]}" unbind tbl-nothing 2>&1)
check "unbind of an unbound interface is an error" \
    test $? -ne 0 -a -n "$(grep 'not bound' <<<"$out")"
check "bad interface name refused" bash -c "! '${CTL[0]}' --state-dir='$T_DIR/state' bind 'a/b' x 2>/dev/null"

check "veth pair created" mkveth
check "attached once the interface appears" wait_until 5 show_has attached
id1=$(attached_id)
check "tc ingress filter is ovnbpf_from_vif" test -n "$id1"
map_id=$(bpftool map show pinned "$T_PIN/ovn_drops" 2>/dev/null | awk -F: 'NR==1{print $1}')
check "attached program uses the pinned maps (map $map_id)" \
    bash -c "bpftool prog show id '$id1' | grep -Eq 'map_ids ([0-9]+,)*$map_id(,|\$)'"
before=$(seen)
ip netns exec $NS ping -c 2 -W 1 -i 0.2 10.251.0.1 >/dev/null 2>&1
after=$(seen)
check "pod traffic counted in the pinned map ($before -> $after)" test "${after:-0}" -gt "${before:-0}"

ifindex1=$(cat /sys/class/net/$IF/ifindex)
ip link del $IF
check "interface gone: show says so" wait_until 5 show_has no-interface
check "veth pair re-created" mkveth
check "re-attached to the new interface" wait_until 5 show_has attached
ifindex2=$(cat /sys/class/net/$IF/ifindex)
check "show has the new ifindex ($ifindex1 -> $ifindex2)" \
    bash -c "'${CTL[0]}' --state-dir='$T_DIR/state' show | grep -Eq '^$IF +$LP +$ifindex2 '"
check "one filter on the new interface" test "$(n_filters)" = 1

ip link set $IF name tbl-a-r
check "renamed away: show says no interface" wait_until 5 show_has no-interface
check "renamed away: our filter removed from it" \
    bash -c "! tc filter show dev tbl-a-r ingress | grep -q ovnbpf_from_vif"
ip link set tbl-a-r name $IF
check "renamed back: attached again" wait_until 5 show_has attached
check "one filter after the renames" test "$(n_filters)" = 1

daemon_stop
check "filter stays while ovnbpfd is down (hitless)" test -n "$(attached_id)"
check "ovnbpfd restarts" daemon_start
check "binding persisted across restart" show_has attached
check "still exactly one binding" test "$("${CTL[@]}" show | grep -c "^$IF ")" = 1
check "still exactly one filter" test "$(n_filters)" = 1
id2=$(attached_id)
check "filter now runs the restarted daemon's program ($id1 -> $id2)" \
    bash -c "test '$id1' != '$id2' && bpftool prog show id '$id2' | grep -Eq 'map_ids ([0-9]+,)*$map_id(,|\$)'"
check "JSON show" bash -c "'${CTL[0]}' --state-dir='$T_DIR/state' --json show | grep -q '\"lport\": \"$LP\"'"

check "a second ovnbpfd on the same state dir is refused" \
    bash -c "! timeout 10 '$B/ovnbpfd' --bpffs-dir='$T_PIN' --state-dir='$T_DIR/state' \
        --pidfile='$T_DIR/second.pid' 2>/dev/null"
check "first daemon still answers" bash -c "'${CTL[0]}' --state-dir='$T_DIR/state' show >/dev/null"

check "unbind" "${CTL[@]}" unbind $IF
check "detached on unbind" test -z "$(attached_id)"
check "show is empty" test "$("${CTL[@]}" show | wc -l)" = 1
daemon_stop
check "ovnbpfd restarts again" daemon_start
check "unbind persisted across restart" test "$("${CTL[@]}" show | wc -l)" = 1
check "still detached" test -z "$(attached_id)"

# Batch bind: 10 pairs in one ovnbpfctl call (two requests of at most 8),
# each request writing the state file once; persisted like single binds.
pairs=()
for k in $(seq 1 10); do pairs+=(tbl-b$k lp-bind-local-b$k); done
check "batch bind of 10 pairs" "${CTL[@]}" bind "${pairs[@]}"
check "show: all 10 bound" test "$("${CTL[@]}" show | grep -c '^tbl-b')" = 10
check "batch bind: odd argument count refused" bash -c "! '${CTL[0]}' --state-dir='$T_DIR/state' bind a b c 2>/dev/null"
out=$("${CTL[@]}" bind tbl-c1 lp-bind-local-c1 tbl-c2 lp-bind-local-b3 2>&1)
check "batch bind: a refused pair is named" grep -q 'already bound.*(tbl-c2 lp-bind-local-b3)' <<<"$out"
check "batch bind: the pairs before it stay bound" bash -c "'${CTL[0]}' --state-dir='$T_DIR/state' show | grep -q '^tbl-c1 '"
daemon_stop
check "ovnbpfd restarts after the batch" daemon_start
check "batch bindings persisted" test "$("${CTL[@]}" show | grep -c '^tbl-[bc]')" = 11
for i in $(seq -f 'tbl-b%g' 1 10) tbl-c1; do "${CTL[@]}" unbind "$i" >/dev/null; done
check "batch bindings unbound" test "$("${CTL[@]}" show | grep -c '^tbl-[bc]')" = 0

check "--ctl=PATH finds the socket" bash -c "'$B/ovnbpfctl' --ctl='$T_DIR/state/ovnbpfd.ctl' show >/dev/null"
check "no daemon: clear error" \
    bash -c "'$B/ovnbpfctl' --state-dir='$T_DIR/nowhere' show 2>&1 | grep -q 'is ovnbpfd running'"
check "ovnbpfctl --help documents bind" bash -c "'$B/ovnbpfctl' --help | grep -q 'bind IFACE LPORT'"
check "ovnbpfd --help documents --state-dir" bash -c "'$B/ovnbpfd' --help | grep -q -- --state-dir"
exit $T_FAILED
