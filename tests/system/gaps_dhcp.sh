#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# DHCPv4 end to end with a real ovn-northd: a port with DHCP_Options; its
# pod runs busybox udhcpc.  The DISCOVER/REQUEST punt (put_dhcp_opts);
# ovnbpfd builds the OFFER/ACK from the flow's options and resumes the
# pipeline (ls_in_dhcp_response rewrites and outputs it); the pod gets
# its address, netmask, router and lease, and can then ping a neighbour.
. "$(dirname "$0")/lib.sh"
need_root

CTL=("$B/ovnbpfctl" --state-dir="$T_DIR/state" --bpffs-dir="$T_PIN")
SW=sw-dhcp
declare -A MAC=([a]=00:00:00:0d:4c:0a [b]=00:00:00:0d:4c:0b)
declare -A IP=([a]=10.250.0.10 [b]=10.250.0.11)

pod_add() {
    local x=$1 ns=t-dhcp-$1
    ip netns del "$ns" 2>/dev/null; ip link del "tdhcp-$x" 2>/dev/null
    ip netns add "$ns" || return 1
    on_exit ip netns del "$ns"
    on_exit ip link del "tdhcp-$x"
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    ip link add "tdhcp-$x" type veth peer name eth0 netns "$ns" || return 1
    ip -n "$ns" link set eth0 address "${MAC[$x]}"
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up
    ip link set "tdhcp-$x" up
}
in_pod() { local x=$1; shift; ip netns exec "t-dhcp-$x" "$@"; }

cat >"$T_DIR/udhcpc.sh" <<'SCRIPT'
#!/bin/sh
# udhcpc event script: record what was offered, configure the interface.
case "$1" in
bound|renew)
    echo "ip=$ip mask=$mask router=$router lease=$lease serverid=$serverid dns=$dns" >"$OUT"
    ip addr add "$ip/$mask" dev "$interface"
    ;;
esac
exit 0
SCRIPT
chmod +x "$T_DIR/udhcpc.sh"

ovn_start || { not_ok "local OVN starts"; exit 1; }
ovn-nbctl ls-add $SW
for x in a b; do
    ovn-nbctl lsp-add $SW "lp-dhcp-$x" -- lsp-set-addresses "lp-dhcp-$x" "${MAC[$x]} ${IP[$x]}" \
        -- lsp-set-port-security "lp-dhcp-$x" "${MAC[$x]} ${IP[$x]}"
done
dh=$(ovn-nbctl create DHCP_Options cidr=10.250.0.0/24 \
    options='"lease_time"="3600" "router"="10.250.0.1" "server_id"="10.250.0.1" "server_mac"="c0:ff:ee:00:00:01" "dns_server"="{10.250.0.53, 10.250.0.54}" "mtu"="1400"')
ovn-nbctl lsp-set-dhcpv4-options lp-dhcp-a "$dh"
for x in a b; do check "pod $x created" pod_add $x; done
in_pod b ip addr add "${IP[b]}/24" dev eth0

check "ovnbpfd starts" daemon_start
for x in a b; do check "bind $x" "${CTL[@]}" bind "tdhcp-$x" "lp-dhcp-$x"; done
check "ports up" wait_until 10 bash -c "for p in a b; do [[ \$(ovn-nbctl lsp-get-up lp-dhcp-\$p) == up ]] || exit 1; done"
check "--wait=hv sync" ovn-nbctl --timeout=15 --wait=hv sync

check "udhcpc in pod a gets a lease" \
    in_pod a env OUT="$T_DIR/lease" timeout 15 busybox udhcpc -i eth0 -n -q -f -t 4 -T 2 -s "$T_DIR/udhcpc.sh"
lease=$(cat "$T_DIR/lease" 2>/dev/null)
echo "# lease: $lease"
check "offered address ${IP[a]}" grep -q "ip=${IP[a]} " <<<"$lease"
check "netmask /24" grep -q "mask=24 " <<<"$lease"
check "router 10.250.0.1" grep -q "router=10.250.0.1 " <<<"$lease"
check "lease 3600" grep -q "lease=3600 " <<<"$lease"
check "server id 10.250.0.1" grep -q "serverid=10.250.0.1 " <<<"$lease"
check "two DNS servers" grep -q "dns=10.250.0.53 10.250.0.54" <<<"$lease"
check "address configured on eth0" bash -c "ip -n t-dhcp-a addr show eth0 | grep -q '${IP[a]}/24'"
check "ping a -> b with the leased address" \
    wait_until 5 bash -c "ip netns exec t-dhcp-a ping -c 1 -W 1 ${IP[b]} >/dev/null 2>&1"

if [[ $T_FAILED -ne 0 ]]; then
    "${CTL[@]}" drops 2>/dev/null | awk '$3 != 0' >&2 || true
    tail -30 "$T_DIR/ovnbpfd.log" >&2
fi
