#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Restarting ovnbpfd is hitless (DESIGN §3.9), with stateful ACLs on a port
# group and an address set (a real ovn-northd):
#
#   to-lport   1002 outport == @pg_rs && ip                     drop
#   to-lport   1003 outport == @pg_rs && ip4.src == $as_rs      allow-related
#   from-lport 1001 inport == @pg_rs && ip                      allow-related
#
# with pods a, b, c in pg_rs and a in as_rs: a -> b works, b -> a is
# dropped.  A TCP connection a -> b stays open across: a clean restart
# (traffic also while the daemon is down), a kill -9 in the middle of an
# update, and a restart after NB changes made while the daemon was down (a
# port deleted, an ACL added) -- which must then hold exactly the entries a
# fresh daemon on fresh maps holds.  No packet may loop to the step limit.
. "$(dirname "$0")/lib.sh"
need_root

CTL=("$B/ovnbpfctl" --state-dir="$T_DIR/state" --bpffs-dir="$T_PIN")
SW=sw-rs
declare -A MAC=([a]=00:00:00:0c:05:0a [b]=00:00:00:0c:05:0b [c]=00:00:00:0c:05:0c)
declare -A IP=([a]=10.254.0.10 [b]=10.254.0.11 [c]=10.254.0.12)

pod_add() {
    local x=$1
    pod_netns_add rs "$x" "${MAC[$x]}" "${IP[$x]}/24" || return 1
}
lsp_add() {
    ovn-nbctl lsp-add $SW "lp-rs-$1" \
        -- lsp-set-addresses "lp-rs-$1" "${MAC[$1]} ${IP[$1]}" \
        -- lsp-set-port-security "lp-rs-$1" "${MAC[$1]} ${IP[$1]}"
}
in_pod() { local x=$1; shift; ip netns exec "t-rs-$x" "$@"; }
ping4() { in_pod "$1" ping -c 1 -W 1 "${IP[$2]}" >/dev/null 2>&1; }
no_ping4() { ! in_pod "$1" ping -c 2 -W 1 "${IP[$2]}" >/dev/null 2>&1; }
tcp_ok() {
    local from=$1 to=$2 port=$3 out
    rm -f "$T_DIR/tcp.$to"
    in_pod "$to" timeout 5 nc -4 -l -p "$port" >"$T_DIR/tcp.$to" 2>/dev/null &
    local pid=$!
    sleep 0.3
    in_pod "$from" timeout 3 bash -c "echo hello-$from >/dev/tcp/${IP[$to]}/$port" 2>/dev/null
    wait $pid 2>/dev/null
    out=$(cat "$T_DIR/tcp.$to" 2>/dev/null)
    [[ $out == "hello-$from" ]]
}
udp_ok() {
    local from=$1 to=$2 port=$3 out
    in_pod "$to" timeout 3 nc -u -l -p "$port" >"$T_DIR/udp.$to" 2>/dev/null &
    local pid=$!
    sleep 0.3
    in_pod "$from" bash -c "echo dgram-$from >/dev/udp/${IP[$to]}/$port" 2>/dev/null
    sleep 0.5
    kill $pid 2>/dev/null; wait $pid 2>/dev/null
    out=$(cat "$T_DIR/udp.$to" 2>/dev/null)
    [[ $out == "dgram-$from" ]]
}
no_udp() { ! udp_ok "$@"; }
step_limit_drops() {
    "${CTL[@]}" drops 2>/dev/null | awk '$2 == "step-limit" { print $3 }'
}
no_step_limit() { [[ $(step_limit_drops) == 0 ]]; }
# Entries of the pipeline maps under PIN, one "map=count" per line.
map_counts() {
    local pin=$1 m
    for m in ovn_dps ovn_stages ovn_cls ovn_set_hash ovn_set_lpm ovn_ports ovn_mcgroups ovn_vifs; do
        echo "$m=$(bpftool -j map dump pinned "$pin/$m" 2>/dev/null |
                   python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
    done
}
restart_ok() { grep -q "restart: kept" "$T_DIR/ovnbpfd.log"; }
# The daemon, restarted with the same pins and state, is serving again.
daemon_up() {
    daemon_start --ct-gc-interval=1 &&
        wait_until 10 bash -c "${CTL[*]} status >/dev/null 2>&1" && wait_hv
}

ovn_start || { not_ok "local OVN starts"; exit 1; }
ovn-nbctl ls-add $SW
for x in a b c; do lsp_add $x; done
ovn-nbctl pg-add pg_rs lp-rs-a lp-rs-b lp-rs-c
ovn-nbctl create Address_Set name=as_rs addresses="\"${IP[a]}\""
ovn-nbctl acl-add pg_rs to-lport 1002 'outport == @pg_rs && ip' drop
ovn-nbctl acl-add pg_rs to-lport 1003 'outport == @pg_rs && ip4.src == $as_rs' allow-related
ovn-nbctl acl-add pg_rs from-lport 1001 'inport == @pg_rs && ip' allow-related
for x in a b c; do check "pod $x created" pod_add $x; done

check "ovnbpfd starts" daemon_start --ct-gc-interval=1
for x in a b c; do check "bind $x" "${CTL[@]}" bind "trs-$x" "lp-rs-$x"; done
check "ports up" wait_until 10 bash -c "[[ \$(ovn-nbctl lsp-get-up lp-rs-a) == up && \$(ovn-nbctl lsp-get-up lp-rs-b) == up ]]"
check "--wait=hv sync" wait_hv
check "ping a -> b" wait_until 5 ping4 a b
check "ping b -> a dropped (new into the group)" no_ping4 b a
check "TCP a -> b" tcp_ok a b 7001
check "UDP a -> b" udp_ok a b 7002

# A TCP connection a -> b that lives through every restart below: round
# trip N is made once the file goN exists.
cat >"$T_DIR/srv.py" <<'EOF'
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1]))); s.listen(1); s.settimeout(90)
c, _ = s.accept(); c.settimeout(90)
f = c.makefile("rw")
for line in f:
    f.write("echo " + line); f.flush()
EOF
cat >"$T_DIR/cli.py" <<'EOF'
import socket, sys, time, os
c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
f = c.makefile("rw")
for n in range(int(sys.argv[4])):
    go = "%s%d" % (sys.argv[3], n)
    while n and not os.path.exists(go):
        time.sleep(0.05)
    try:
        f.write("m%d\n" % n); f.flush()
        print(n, "ok" if f.readline().strip() == "echo m%d" % n else "fail", flush=True)
    except Exception as e:
        print(n, "fail", e, flush=True)
EOF
in_pod b timeout 100 python3 "$T_DIR/srv.py" 7010 >/dev/null 2>&1 &
srv=$!
sleep 0.5
in_pod a timeout 95 python3 "$T_DIR/cli.py" "${IP[b]}" 7010 "$T_DIR/go" 5 >"$T_DIR/cli.out" 2>&1 &
cli=$!
on_exit kill $srv $cli
rt() { touch "$T_DIR/go$1"; wait_until 8 grep -q "^$1 " "$T_DIR/cli.out" && grep -q "^$1 ok" "$T_DIR/cli.out"; }
check "long-lived TCP: round trip 0" wait_until 5 grep -q "^0 ok" "$T_DIR/cli.out"

# 1. Clean restart.  While the daemon is down the datapath keeps going.
daemon_stop
check "ping a -> b while ovnbpfd is down" ping4 a b
check "established TCP while ovnbpfd is down" rt 1
check "ovnbpfd restarts on its pinned maps" daemon_up
check "it adopted the pinned flows" restart_ok
check "established TCP after the restart" rt 2
check "ping a -> b after the restart" wait_until 5 ping4 a b
check "new TCP a -> b after the restart" tcp_ok a b 7003
check "UDP a -> b after the restart" udp_ok a b 7004
check "ping b -> a still dropped" no_ping4 b a
check "no step-limit drops" no_step_limit

# 2. kill -9 while it applies an NB change (a new ACL that drops UDP from
# a: staged in the maps or not, the next daemon must converge).
ovn-nbctl acl-add pg_rs to-lport 1004 'outport == @pg_rs && ip4.src == $as_rs && udp' drop
sleep 0.2
kill -9 "$(<"$T_DIR/ovnbpfd.pid")"
sleep 0.3
check "ping a -> b after kill -9" ping4 a b
rm -f "$T_DIR/ovnbpfd.pid"
check "ovnbpfd restarts after kill -9" daemon_up
check "established TCP after kill -9" rt 3
check "ping a -> b after kill -9 restart" wait_until 5 ping4 a b
check "UDP a -> b dropped by the new ACL" no_udp a b 7005
check "new TCP a -> b" tcp_ok a b 7006
check "no step-limit drops after kill -9" no_step_limit

# 3. NB changes while the daemon is down: port c deleted, an ACL added
# (ICMP from a dropped), the UDP ACL removed, c left the address set.
daemon_stop
ovn-nbctl lsp-del lp-rs-c
ovn-nbctl acl-del pg_rs to-lport 1004 'outport == @pg_rs && ip4.src == $as_rs && udp'
ovn-nbctl acl-add pg_rs to-lport 1005 'outport == @pg_rs && ip4.src == $as_rs && icmp4' drop
ovn-nbctl set Address_Set as_rs addresses="\"${IP[a]}\",\"10.254.0.99\""
ovn-nbctl --timeout=15 --wait=sb sync
check "ovnbpfd restarts after NB changes" daemon_up
check "established TCP after the NB changes" rt 4
check "ping a -> b dropped by the ACL added meanwhile" no_ping4 a b
check "UDP a -> b allowed again (ACL removed meanwhile)" wait_until 5 udp_ok a b 7007
check "new TCP a -> b" tcp_ok a b 7008
check "no step-limit drops after the NB changes" no_step_limit
wait $cli 2>/dev/null

# Entries: retired ones are reclaimed at the next commit after the grace
# period; then the restarted daemon must hold what a fresh one holds.
sleep 0.2
ovn-nbctl --timeout=15 --wait=hv sync
map_counts "$T_PIN" >"$T_DIR/counts.restarted"
"${CTL[@]}" -j engine-stats >"$T_DIR/stats.restarted" 2>/dev/null
daemon_stop
T_PIN_FRESH=$T_PIN-fresh
on_exit rm -rf "$T_PIN_FRESH"
CTL=("$B/ovnbpfctl" --state-dir="$T_DIR/state" --bpffs-dir="$T_PIN_FRESH")
check "a fresh ovnbpfd on fresh pins" daemon_start --bpffs-dir="$T_PIN_FRESH" --ct-gc-interval=1
check "fresh daemon synced" wait_until 10 bash -c "${CTL[*]} status >/dev/null 2>&1"
wait_hv
sleep 0.2
ovn-nbctl --timeout=15 --wait=hv sync
map_counts "$T_PIN_FRESH" >"$T_DIR/counts.fresh"
"${CTL[@]}" -j engine-stats >"$T_DIR/stats.fresh" 2>/dev/null
if diff "$T_DIR/counts.restarted" "$T_DIR/counts.fresh" >&2; then
    ok "map entries after restart = fresh daemon ($(tr '\n' ' ' <"$T_DIR/counts.fresh"))"
else
    not_ok "map entries after restart = fresh daemon"
fi
wstats() {
    python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
def find(x, k):
    if isinstance(x, dict):
        if k in x: return x[k]
        for v in x.values():
            r = find(v, k)
            if r is not None: return r
    return None
print(" ".join("%s=%s" % (k, find(d, k)) for k in ("map_flows", "map_subtables", "map_progs", "map_stages")))' "$1"
}
check "writer flows/subtables/programs/stages equal: $(wstats "$T_DIR/stats.restarted") vs $(wstats "$T_DIR/stats.fresh")" \
    test "$(wstats "$T_DIR/stats.restarted")" = "$(wstats "$T_DIR/stats.fresh")"

if [[ $T_FAILED -ne 0 ]]; then
    cat "$T_DIR/cli.out" >&2
    "${CTL[@]}" drops >&2 || true
    grep -i "restart\|error\|fail" "$T_DIR/ovnbpfd.log" | tail -30 >&2
fi
