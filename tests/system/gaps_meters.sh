#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Punt meters from the SB: a CoPP meter on a logical switch puts a
# controller_meter on northd's DHCP flows; ovnbpfd gives the meter name an
# id and writes its Meter_Band rate into ovn_meters; a rate change
# rewrites it; removing the meter falls back to the default, which
# --punt-rate/--punt-burst set.
. "$(dirname "$0")/lib.sh"
need_root

CTL=("$B/ovnbpfctl" --state-dir="$T_DIR/state" --bpffs-dir="$T_PIN")
SW=sw-mtr

# "rate burst" of every ovn_meters entry that is set (CPU 0's copy).
meters() {
    bpftool -j map dump pinned "$T_PIN/ovn_meters" 2>/dev/null | python3 -c '
import json, sys
for e in json.load(sys.stdin):
    v = e.get("formatted", e)
    vals = v.get("values") or []
    if not vals: continue
    m = vals[0]["value"]
    if m["rate_pps"]: print(v["key"], m["rate_pps"], m["burst"])
'
}
has_meter() { meters | grep -q "^$1 $2\$"; }
n_at() { meters | grep -c " $1\$"; }

ovn_start || { not_ok "local OVN starts"; exit 1; }
ovn-nbctl ls-add $SW
ovn-nbctl lsp-add $SW lp-mtr-a -- lsp-set-addresses lp-mtr-a "00:00:00:0d:00:0a 10.251.0.10"
dh=$(ovn-nbctl create DHCP_Options cidr=10.251.0.0/24 \
    options='"lease_time"="3600" "router"="10.251.0.1" "server_id"="10.251.0.1" "server_mac"="c0:ff:ee:00:00:01"')
ovn-nbctl lsp-set-dhcpv4-options lp-mtr-a "$dh"
ovn-nbctl meter-add mtr-dhcp drop 7 pktps 3
ovn-nbctl copp-add copp-mtr dhcpv4-opts mtr-dhcp
ovn-nbctl ls-copp-add copp-mtr $SW

ip link del tmtr-a 2>/dev/null
ip link add tmtr-a type veth peer name tmtr-a-p && on_exit ip link del tmtr-a
ip link set tmtr-a up; ip link set tmtr-a-p up
check "ovnbpfd starts with --punt-rate=50 --punt-burst=60" daemon_start --punt-rate=50 --punt-burst=60
check "bind a" "${CTL[@]}" bind tmtr-a lp-mtr-a
check "port up" wait_until 10 bash -c "[[ \$(ovn-nbctl lsp-get-up lp-mtr-a) == up ]]"
check "--wait=hv sync" ovn-nbctl --timeout=15 --wait=hv sync
check "northd put the meter on the DHCP flows" \
    test -n "$(ovn-sbctl --bare --columns=_uuid find Logical_Flow controller_meter=mtr-dhcp)"
check "DHCP flows compiled (DHCP_Options known to the parser)" \
    bash -c "! grep -q 'bad actions' $T_DIR/ovnbpfd.log"
check "default meter (id 0) at 50 pps burst 60" has_meter 0 "50 60"
check "mtr-dhcp at 7 pps burst 3" wait_until 5 has_meter '[0-9]*' "7 3"

ovn-nbctl meter-del mtr-dhcp
ovn-nbctl meter-add mtr-dhcp drop 20 kbps 40
ovn-nbctl --wait=hv sync
# kbps are taken as 1000-byte packets: 20 kbps = 2 pps.
check "rate change rewrites it (20 kbps -> 2 pps, burst 5)" wait_until 5 has_meter '[0-9]*' "2 5"
ovn-nbctl meter-del mtr-dhcp
ovn-nbctl --wait=hv sync
sleep 0.5
check "meter removed: its id falls back to the default" test "$(n_at "50 60")" -ge 2

if [[ $T_FAILED -ne 0 ]]; then
    meters >&2
    tail -20 "$T_DIR/ovnbpfd.log" >&2
fi
