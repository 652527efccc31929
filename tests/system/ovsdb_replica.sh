#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The OVSDB client library against a real SB ovsdb-server: the replica
# (build/tools/ovsdb-replica) must equal `ovsdb-client dump` after the
# initial sync and after inserts, modifies (set and map diffs) and deletes;
# change tracking must report exactly what changed; killing and restarting
# the server must lead to reconnection and the same replica with no
# spurious changes; conditions and transactions must work.
. "$(dirname "$0")/lib.sh"

command -v ovsdb-server >/dev/null || { skip "all" "no ovsdb-server"; exit 0; }
[[ -x $B/tools/ovsdb-replica ]] || { not_ok "build/tools/ovsdb-replica not built"; exit 1; }

R=$T_DIR/ovn
SCHEMA=/usr/share/ovn/ovn-sb.ovsschema
ovsdb-tool create "$T_DIR/empty.db" "$SCHEMA" >/dev/null
"$TOP/scripts/ovn-local.sh" start-sb "$R" "$T_DIR/empty.db" >/dev/null || { not_ok "start SB"; exit 1; }
on_exit "$TOP/scripts/ovn-local.sh" stop "$R"
DB=unix:$R/sb.sock
CMP=$TOP/tests/system/ovsdb_dump_cmp.py

# txn JSON-OPS...: run a transaction, print the result.
txn() {
    local ops; ops=$(IFS=,; echo "$*")
    ovsdb-client transact "$DB" "[\"OVN_Southbound\",$ops]"
}
# uuid_of RESULT N: UUID of the N-th insert in a transact result.
uuid_of() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[int(sys.argv[2])]["uuid"][1])' "$1" "$2"; }

# The replica, driven over a coprocess: say CMD, read the answer up to ".".
coproc REP { exec "$B/tools/ovsdb-replica" --backoff-min 100 --backoff-max 400 \
    --log-level info "$DB" OVN_Southbound 2>"$T_DIR/replica.log"; }
on_exit "kill $REP_PID"
say() {
    local line out=""
    echo "$*" >&"${REP[1]}"
    while IFS= read -r -t 40 line <&"${REP[0]}"; do
        [[ $line == . ]] && break
        out+="$line"$'\n'
    done
    printf '%s' "$out"
}
# same: the replica equals ovsdb-client dump (retried: updates are async).
same() {
    local i
    for i in $(seq 30); do
        say "dump $T_DIR/rep.json" >/dev/null
        ovsdb-client -f json dump "$DB" OVN_Southbound > "$T_DIR/srv.json"
        python3 "$CMP" "$T_DIR/rep.json" "$T_DIR/srv.json" > "$T_DIR/cmp.out" && return 0
        sleep 0.1
    done
    cat "$T_DIR/cmp.out"
    return 1
}
# tracked_is EXPECTED: the tracked changes (sorted) equal EXPECTED lines.
tracked_is() {
    local got want
    # (not in a pipeline: bash closes coproc fds in pipeline subshells)
    got=$(say track)
    got=$(printf '%s\n' "$got" | sed '/^$/d' | sort)
    want=$(printf '%s\n' "$@" | sed '/^$/d' | sort)
    if [[ $got == "$want" ]]; then return 0; fi
    echo "tracked: got [$got] want [$want]"
    return 1
}

# Initial content.
res=$(txn '{"op":"insert","table":"Datapath_Binding","row":{"tunnel_key":1,"external_ids":["map",[["logical-switch","ls1"],["name","sw1"]]]},"uuid-name":"dp"}' \
          '{"op":"insert","table":"Port_Binding","row":{"logical_port":"lp1","tunnel_key":1,"datapath":["named-uuid","dp"],"mac":["set",["00:00:00:00:00:01 10.0.0.1"]],"options":["map",[["a","1"],["b","2"]]]}}' \
          '{"op":"insert","table":"Port_Binding","row":{"logical_port":"lp2","tunnel_key":2,"datapath":["named-uuid","dp"],"type":"patch"}}' \
          '{"op":"insert","table":"Logical_Flow","row":{"logical_datapath":["named-uuid","dp"],"pipeline":"ingress","table_id":0,"priority":100,"match":"inport == \"lp1\"","actions":"next;","external_ids":["map",[["stage-name","ls_in_port_sec_l2"]]]}}' \
          '{"op":"insert","table":"Address_Set","row":{"name":"as1","addresses":["set",["10.0.0.1","10.0.0.2"]]}}')
DP=$(uuid_of "$res" 0); PB1=$(uuid_of "$res" 1); PB2=$(uuid_of "$res" 2)
LF=$(uuid_of "$res" 3); AS=$(uuid_of "$res" 4)
ovn-sbctl --db="$DB" chassis-add ch1 geneve 192.0.2.1

check "initial sync" test "$(say sync)" = synced
say track >/dev/null
check "replica equals ovsdb-client dump after initial sync" same

# Modifies: set diff (add+remove), map diff (change, add, delete), scalar,
# optional reference cleared; an insert and a delete.
res=$(txn "{\"op\":\"mutate\",\"table\":\"Address_Set\",\"where\":[[\"_uuid\",\"==\",[\"uuid\",\"$AS\"]]],\"mutations\":[[\"addresses\",\"delete\",\"10.0.0.1\"],[\"addresses\",\"insert\",[\"set\",[\"10.0.0.3\",\"10.0.0.4\"]]]]}" \
          "{\"op\":\"update\",\"table\":\"Port_Binding\",\"where\":[[\"_uuid\",\"==\",[\"uuid\",\"$PB1\"]]],\"row\":{\"options\":[\"map\",[[\"a\",\"1\"],[\"b\",\"3\"],[\"c\",\"4\"]]],\"up\":true}}" \
          "{\"op\":\"insert\",\"table\":\"MAC_Binding\",\"row\":{\"logical_port\":\"lp1\",\"ip\":\"10.0.0.9\",\"mac\":\"0a:00:00:00:00:09\",\"datapath\":[\"uuid\",\"$DP\"],\"timestamp\":1700000000000}}" \
          "{\"op\":\"delete\",\"table\":\"Logical_Flow\",\"where\":[[\"_uuid\",\"==\",[\"uuid\",\"$LF\"]]]}")
MB=$(uuid_of "$res" 2)
check "replica equals dump after set/map modifies, insert, delete" same
check "tracking reports exactly the changes" tracked_is \
    "modify Address_Set $AS addresses" "modify Port_Binding $PB1 options,up" \
    "insert MAC_Binding $MB" "delete Logical_Flow $LF"

txn "{\"op\":\"mutate\",\"table\":\"Port_Binding\",\"where\":[[\"_uuid\",\"==\",[\"uuid\",\"$PB1\"]]],\"mutations\":[[\"options\",\"delete\",[\"set\",[\"b\"]]]]}" \
    "{\"op\":\"update\",\"table\":\"Port_Binding\",\"where\":[[\"_uuid\",\"==\",[\"uuid\",\"$PB2\"]]],\"row\":{\"datapath\":[\"uuid\",\"$DP\"],\"tag\":[\"set\",[]],\"mac\":[\"set\",[\"router\"]]}}" \
    "{\"op\":\"update\",\"table\":\"Chassis\",\"where\":[[\"name\",\"==\",\"ch1\"]],\"row\":{\"other_config\":[\"map\",[[\"ct-no-masked-label\",\"true\"]]]}}" >/dev/null
check "replica equals dump after map key delete and set replace" same
CH=$(ovn-sbctl --db="$DB" --bare --columns=_uuid find Chassis name=ch1)
check "tracking after second batch" tracked_is \
    "modify Port_Binding $PB1 options" "modify Port_Binding $PB2 mac" \
    "modify Chassis $CH other_config"

# Kill the server hard and restart it on the same file.
kill -9 "$(cat "$R/sb.pid")"
sleep 0.3
ovsdb-server "$R/sb.db" --detach --no-chdir -vconsole:off -vfile:info \
    --pidfile="$R/sb.pid" --log-file="$R/sb.log" --unixctl="$R/sb.ctl" \
    --remote="punix:$R/sb.sock"
synced_twice() {
    local st; st=$(say stats)
    [[ $st =~ syncs\ ([0-9]+) ]] && ((BASH_REMATCH[1] >= 2))
}
check "reconnects and resyncs after a server restart" wait_until 15 synced_twice
check "replica identical after restart" same
check "no spurious changes after resync" tracked_is ""

# Write after the restart: tracked as usual.
txn "{\"op\":\"delete\",\"table\":\"MAC_Binding\",\"where\":[[\"_uuid\",\"==\",[\"uuid\",\"$MB\"]]]}" >/dev/null
check "replica equals dump after post-restart delete" same
check "post-restart delete tracked" tracked_is "delete MAC_Binding $MB"

# Conditional monitoring: only lp2, then everything again.
check "condition acked" test "$(say 'cond Port_Binding [["logical_port","==","lp2"]]')" = acked
check "condition drops non-matching rows" tracked_is "delete Port_Binding $PB1"
check "condition removed" test "$(say 'cond Port_Binding null')" = acked
check "rows come back" tracked_is "insert Port_Binding $PB1"
check "replica equals dump after condition changes" same

# Transactions through the library.
out=$(say "transact [{\"op\":\"insert\",\"table\":\"FDB\",\"row\":{\"mac\":\"0a:00:00:00:00:01\",\"dp_key\":1,\"port_key\":1}}]")
check "transact succeeds ($out)" test "${out:0:8}" = "status 0"
out=$(say "transact [{\"op\":\"insert\",\"table\":\"Port_Binding\",\"row\":{\"logical_port\":\"lp1\",\"tunnel_key\":9,\"datapath\":[\"uuid\",\"$DP\"]}}]")
check "constraint violation reported ($out)" test "${out:0:9}" = "status -5"
check "replica equals dump after transactions" same

echo quit >&"${REP[1]}"

# A real northd-written SB (Kube-OVN-like, 758 flows), if the corpus is here.
CORPUS=${OVNBPF_CORPUS:-/work/shared/corpus}/kubeovn-50.sb.db
if [[ -f $CORPUS ]]; then
    "$TOP/scripts/ovn-local.sh" start-sb "$T_DIR/ovn2" "$CORPUS" >/dev/null
    on_exit "$TOP/scripts/ovn-local.sh" stop "$T_DIR/ovn2"
    "$B/tools/ovsdb-replica" --log-level warn --dump "$T_DIR/k.json" \
        "unix:$T_DIR/ovn2/sb.sock" OVN_Southbound
    ovsdb-client -f json dump "unix:$T_DIR/ovn2/sb.sock" OVN_Southbound > "$T_DIR/k-srv.json"
    check "replica of kubeovn-50 SB equals ovsdb-client dump" \
        python3 "$CMP" "$T_DIR/k.json" "$T_DIR/k-srv.json"
else
    skip "kubeovn-50 corpus" "no $CORPUS"
fi
grep -q WARN "$T_DIR/replica.log" && echo "# replica log warnings:" && grep WARN "$T_DIR/replica.log" | head -5 | sed 's/^/# /'
exit 0
