#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Losing the Southbound DB: ovnbpfd keeps the datapath as it is (pods keep
# talking, nothing is flushed), retries with a growing backoff, and once
# the SB is back resynchronises and applies what changed meanwhile (an
# ACL added in the NB while the SB was down; then removed again).
. "$(dirname "$0")/lib.sh"
need_root

CTL=("$B/ovnbpfctl" --state-dir="$T_DIR/state" --bpffs-dir="$T_PIN")
SW=sw-sbr
declare -A MAC=([a]=00:00:00:5b:00:0a [b]=00:00:00:5b:00:0b)
declare -A IP=([a]=10.251.0.10 [b]=10.251.0.11)

pod_add() { pod_netns_add sbr "$1" "${MAC[$1]}" "${IP[$1]}/24"; }
ping4() { ip netns exec "t-sbr-$1" ping -c 1 -W 1 "${IP[$2]}" >/dev/null 2>&1; }
no_ping4() { ! ip netns exec "t-sbr-$1" ping -c 2 -i 0.3 -W 1 "${IP[$2]}" >/dev/null 2>&1; }
wait_hv() { ovn-nbctl --timeout=20 --wait=hv sync; }
# json_field COMMAND FIELD: one field of `ovnbpfctl --json COMMAND`.
json_field() { "${CTL[@]}" --json "$1" 2>/dev/null |
               python3 -c "import json,sys; print(json.load(sys.stdin)['$2'])" 2>/dev/null; }
sb_connected() { [[ $(json_field status connection) == synced ]]; }
sb_lost() { local st; st=$(json_field status connection); [[ -n $st && $st != synced ]]; }
# Classifier flows the map writer holds in the pinned maps.
entries() { json_field engine-stats map_flows; }
reconnects() { grep -c 'reconnecting' "$T_DIR/ovnbpfd.log"; }

ovn_start || { not_ok "local OVN starts"; exit 1; }
ovn-nbctl ls-add $SW
for x in a b; do
    ovn-nbctl lsp-add $SW "lp-sbr-$x" -- lsp-set-addresses "lp-sbr-$x" "${MAC[$x]} ${IP[$x]}"
    check "pod $x created" pod_add $x
done
check "ovnbpfd starts" daemon_start
for x in a b; do check "bind $x" "${CTL[@]}" bind "tsbr-$x" "lp-sbr-$x"; done
check "--wait=hv sync" wait_hv
check "ping a -> b" wait_until 5 ping4 a b
check "status says connected" sb_connected
flows0=$(entries)
"${CTL[@]}" status >"$T_DIR/status.before" 2>&1

# The SB goes away (ovn-northd stays, reconnecting on its own).
ovs-appctl -t "$OVN_RUNDIR/sb.ctl" exit >/dev/null 2>&1 || kill "$(cat "$OVN_RUNDIR/sb.pid")"
check "SB ovsdb-server stopped" wait_until 5 bash -c "! ovsdb-client list-dbs $OVN_SB_DB >/dev/null 2>&1"
check "status says not connected ($(json_field status connection))" wait_until 5 sb_lost
r0=$(reconnects)
ok_pings=0
for i in $(seq 10); do ping4 a b && ok_pings=$((ok_pings + 1)); sleep 0.5; done
check "pods keep talking while the SB is down ($ok_pings/10 pings)" test "$ok_pings" -ge 9
check "the datapath was not flushed (flows $flows0 -> $(entries))" test "$(entries)" = "$flows0"
r1=$(reconnects)
check "it retried while down ($r0 -> $r1 attempts)" test "$r1" -ge 2
# The backoff grows: 1 s, 2 s, 4 s, 8 s (max) between attempts, so ~6 s
# of outage cost at most 4 attempts, not one per poll.
check "with backoff: few attempts in ~6 s ($r1)" test "$r1" -le 5

# Meanwhile the NB changes: a drop ACL for b's echo requests to a.
ovn-nbctl acl-add $SW to-lport 1000 "outport == \"lp-sbr-a\" && ip4.src == ${IP[b]} && icmp4.type == 8" drop

# The SB comes back on the same socket and file.
"$TOP/scripts/ovn-local.sh" start "$T_DIR/ovn" >/dev/null 2>&1
check "SB ovsdb-server back" wait_until 10 ovsdb-client list-dbs "$OVN_SB_DB"
check "ovnbpfd reconnects (backoff <= 8 s)" wait_until 20 sb_connected
check "--wait=hv sync after the reconnect" wait_hv
check "the ACL added while the SB was down applies: b -> a dropped" no_ping4 b a
check "a -> b unaffected" ping4 a b
ovn-nbctl acl-del $SW
check "--wait=hv sync after acl-del" wait_hv
check "ACL removed: b -> a passes again" wait_until 5 ping4 b a

if [[ $T_FAILED -ne 0 ]]; then
    cat "$T_DIR/status.before" >&2
    "${CTL[@]}" status >&2 || true
    tail -40 "$T_DIR/ovnbpfd.log" >&2
fi
