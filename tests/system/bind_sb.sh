#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# ovnbpfd as a chassis of a real OVN (ovsdb-server + ovn-northd 23.03):
# registration (Chassis, Encap, feature flags, Chassis_Private), nb_cfg
# acknowledgement (--wait=hv), port claims driving the NB port up/down,
# release on unbind / interface removal / requested-chassis elsewhere, and
# a restart that re-uses the chassis instead of duplicating it.
. "$(dirname "$0")/lib.sh"
need_root

NS=t-bsb-a
IF=tbsb-a
PEER=tbsb-a-p
LP=lp-bsb-a
CH=$T_NAME
CTL=("$B/ovnbpfctl" --state-dir="$T_DIR/state")

ip netns del $NS 2>/dev/null; ip link del $IF 2>/dev/null
on_exit ip netns del $NS
on_exit ip link del $IF

mkveth() {
    ip netns add $NS 2>/dev/null
    ip link add $IF type veth peer name $PEER netns $NS || return 1
    ip link set $IF up
}
port_is() { [[ $(ovn-nbctl lsp-get-up "$1" 2>/dev/null) == "$2" ]]; }
n_rows() { ovn-sbctl --bare --columns=_uuid list "$1" | grep -c .; }
sb_chassis_of() { ovn-sbctl --bare --columns=chassis find Port_Binding logical_port="$1"; }
our_chassis() { ovn-sbctl --bare --columns=_uuid find Chassis name="$CH"; }
wait_hv() { ovn-nbctl --timeout=10 --wait=hv sync; }

ovn_start || { not_ok "local OVN starts"; exit 1; }
ovn-nbctl ls-add sw-bsb
ovn-nbctl lsp-add sw-bsb $LP -- lsp-set-addresses $LP "00:00:00:0b:5b:01 10.252.0.1"
ovn-nbctl lsp-add sw-bsb lp-bsb-b -- lsp-set-addresses lp-bsb-b "00:00:00:0b:5b:02 10.252.0.2"

check "ovnbpfd starts" daemon_start
check "chassis registered" wait_until 10 bash -c "ovn-sbctl show | grep -q 'Chassis $CH'"
check "with its geneve encap" \
    bash -c "ovn-sbctl show | grep -A4 'Chassis $CH' | grep -q 'ip: \"127.0.0.1\"'"
check "encap type geneve, csum on" \
    bash -c "[[ \$(ovn-sbctl --bare --columns=type,options find Encap chassis_name=$CH | xargs) == 'geneve csum=true' ]]"
for f in ct-no-masked-label mac-binding-timestamp ovn-ct-lb-related port-up-notif; do
    check "feature flag $f" \
        bash -c "[[ \$(ovn-sbctl get Chassis $CH other_config:$f) == '\"true\"' ]]"
done
check "hostname is the node's" \
    bash -c "[[ \$(ovn-sbctl get Chassis $CH hostname | tr -d '\"') == \$(hostname) ]]"
check "Chassis_Private points at the chassis" \
    bash -c "[[ \$(ovn-sbctl --bare --columns=chassis find Chassis_Private name=$CH) == \$(ovn-sbctl --bare --columns=_uuid find Chassis name=$CH) ]]"
check "--wait=hv returns (nb_cfg acknowledged)" wait_hv
check "Chassis_Private.nb_cfg follows SB_Global.nb_cfg" \
    bash -c "[[ \$(ovn-sbctl --bare --columns=nb_cfg find Chassis_Private name=$CH) == \$(ovn-sbctl get SB_Global . nb_cfg) ]]"
check "ovnbpfctl status: registered" \
    bash -c "'${CTL[0]}' --state-dir='$T_DIR/state' status | grep -q 'registered: true'"

check "port starts down" port_is $LP down
check "bind" "${CTL[@]}" bind $IF $LP
check "not claimed while the interface is missing" \
    bash -c "sleep 0.5; [[ -z \$(ovn-sbctl --bare --columns=chassis find Port_Binding logical_port=$LP) ]]"
check "veth created" mkveth
check "port goes up" wait_until 10 port_is $LP up
check "Port_Binding.chassis is us" test "$(sb_chassis_of $LP)" = "$(our_chassis)"
check "Port_Binding.up is true" test "$(ovn-sbctl get Port_Binding $LP up)" = true
check "show says claimed" bash -c "'${CTL[0]}' --state-dir='$T_DIR/state' show | grep -q 'attached,claimed'"
check "--wait=hv after a change" bash -c "ovn-nbctl --timeout=10 --wait=hv lsp-add sw-bsb lp-bsb-c"

# Conditional monitoring: local datapaths are sw-bsb (bound port), and,
# through patch ports, lr-bsb and sw-bsb3; sw-bsb2 is not connected.
status_val() { "${CTL[@]}" status | sed -n "s/^$1: //p"; }
ovn-nbctl ls-add sw-bsb2 -- lsp-add sw-bsb2 lp-bsb2-x -- lsp-add sw-bsb2 lp-bsb2-y
check "one local datapath" wait_until 10 bash -c "[[ \$('${CTL[0]}' --state-dir='$T_DIR/state' status | sed -n 's/^local_datapaths: //p') == 1 ]]"
check "ports of a foreign switch are not replicated" \
    test "$(status_val port_bindings_replicated)" -lt "$(n_rows Port_Binding)"
ovn-nbctl lr-add lr-bsb \
    -- lrp-add lr-bsb lrp-bsb 00:00:00:0b:5b:a1 10.252.0.254/24 \
    -- lsp-add sw-bsb sw-bsb-lr -- lsp-set-type sw-bsb-lr router \
    -- lsp-set-options sw-bsb-lr router-port=lrp-bsb -- lsp-set-addresses sw-bsb-lr router \
    -- ls-add sw-bsb3 \
    -- lrp-add lr-bsb lrp-bsb3 00:00:00:0b:5b:a3 10.253.0.254/24 \
    -- lsp-add sw-bsb3 sw-bsb3-lr -- lsp-set-type sw-bsb3-lr router \
    -- lsp-set-options sw-bsb3-lr router-port=lrp-bsb3 -- lsp-set-addresses sw-bsb3-lr router \
    -- lsp-add sw-bsb3 lp-bsb3-x
check "patch ports reach the router and the switch behind it" \
    wait_until 10 bash -c "[[ \$('${CTL[0]}' --state-dir='$T_DIR/state' status | sed -n 's/^local_datapaths: //p') == 3 ]]"
check "a port behind the router is replicated, the foreign ones are not" \
    wait_until 10 bash -c "[[ \$('${CTL[0]}' --state-dir='$T_DIR/state' status | sed -n 's/^port_bindings_replicated: //p') == \$(( \$(ovn-sbctl --bare --columns=_uuid list Port_Binding | grep -c .) - 2 )) ]]"

ip link del $IF
check "interface gone: port released, down" wait_until 10 port_is $LP down
check "Port_Binding.chassis cleared" test -z "$(sb_chassis_of $LP)"
mkveth
check "interface back: port up again" wait_until 10 port_is $LP up

ovn-nbctl lsp-set-options $LP requested-chassis=some-other-node
check "requested elsewhere: released" wait_until 10 bash -c "[[ -z \$(ovn-sbctl --bare --columns=chassis find Port_Binding logical_port=$LP) ]]"
ovn-nbctl lsp-set-options $LP requested-chassis=$CH
check "requested here: claimed" wait_until 10 port_is $LP up

check "unbind" "${CTL[@]}" unbind $IF
check "unbind: port down" wait_until 10 port_is $LP down
check "unbind: chassis cleared" test -z "$(sb_chassis_of $LP)"

check "bind again" "${CTL[@]}" bind $IF $LP
check "port up" wait_until 10 port_is $LP up
uuid1=$(our_chassis)
daemon_stop
check "claim survives the daemon's exit (hitless)" port_is $LP up
check "ovnbpfd restarts" daemon_start
check "still up after restart" wait_until 10 port_is $LP up
check "--wait=hv after restart" wait_hv
check "one Chassis row" test "$(n_rows Chassis)" = 1
check "same Chassis row re-used" test "$(our_chassis)" = "$uuid1"
check "one Chassis_Private row" test "$(n_rows Chassis_Private)" = 1
check "one Encap row" test "$(n_rows Encap)" = 1

ovn-sbctl chassis-del "$CH"
check "chassis deleted by an operator is registered again" \
    wait_until 10 bash -c "[[ -n \$(ovn-sbctl --bare --columns=_uuid find Chassis name=$CH) ]]"
check "and the port claimed again" \
    wait_until 10 bash -c "[[ \$(ovn-sbctl --bare --columns=chassis find Port_Binding logical_port=$LP) == \$(ovn-sbctl --bare --columns=_uuid find Chassis name=$CH) ]]"
check "--wait=hv after re-registration" wait_hv

check "ovnbpfd refuses to start without --encap-ip" \
    bash -c "'$B/ovnbpfd' --state-dir='$T_DIR/x' 2>&1 | grep -q -- '--encap-ip is required'"
check "ovnbpfd refuses a bad --encap-ip" \
    bash -c "'$B/ovnbpfd' --encap-ip=1.2.3 --state-dir='$T_DIR/x' 2>&1 | grep -q 'not an IPv4 or IPv6'"
exit $T_FAILED
