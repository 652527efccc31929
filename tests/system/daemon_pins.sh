#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# ovnbpfd loads the datapath with its maps pinned, and a restart reuses the
# pinned maps instead of flushing them (DESIGN.md §3.9).
. "$(dirname "$0")/lib.sh"
need_root

ovn_start || { not_ok "local OVN starts"; exit 1; }
ok "local OVN starts"

check "ovnbpfd starts" daemon_start
check "maps pinned" test -e "$T_PIN/ovn_drops"
check "ovnbpfctl reads the counters" \
    bash -c "'$B/ovnbpfctl' --bpffs-dir='$T_PIN' drops | grep -q runt-eth"

id1=$(bpftool map show pinned "$T_PIN/ovn_drops" 2>/dev/null | awk -F: 'NR==1{print $1}')
daemon_stop
check "maps stay pinned after ovnbpfd exits" test -e "$T_PIN/ovn_drops"
daemon_start
id2=$(bpftool map show pinned "$T_PIN/ovn_drops" 2>/dev/null | awk -F: 'NR==1{print $1}')
check "restart reuses the same map (id $id1)" test -n "$id1" -a "$id1" = "$id2"
check "ovnbpfd --help documents --ovnsb-db" bash -c "'$B/ovnbpfd' --help | grep -q -- --ovnsb-db"
check "ovnbpfd rejects an unknown option" bash -c "! '$B/ovnbpfd' --bogus 2>/dev/null"
exit $T_FAILED
