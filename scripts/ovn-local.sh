#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# scripts/ovn-local.sh: a private OVN central for tests and the demo.
#
#   ovn-local.sh start RUNDIR         NB + SB ovsdb-server and ovn-northd
#   ovn-local.sh start-sb RUNDIR DB   an SB ovsdb-server serving DB (a copy
#                                     of it; .xz is decompressed), no northd
#   ovn-local.sh stop RUNDIR          stop exactly what start/start-sb started
#
# Everything lives in RUNDIR on unix sockets: nb.sock, sb.sock, *.pid,
# *.log, *.ctl, and env.sh (source it for OVN_NB_DB / OVN_SB_DB).  No
# systemd, nothing listens on TCP.  start waits until each daemon answers.
set -euo pipefail

die() { echo "ovn-local: $*" >&2; exit 1; }

# alive PIDFILE COMM: the pid in PIDFILE runs and is COMM.
alive() {
    local pid
    [[ -s $1 ]] || return 1
    pid=$(<"$1")
    [[ -d /proc/$pid ]] || return 1
    [[ $(cat /proc/"$pid"/comm 2>/dev/null) == "${2:0:15}" ]] || return 1
    ! grep -q '^State:.*Z' /proc/"$pid"/status 2>/dev/null
}

start_db() {   # start_db NAME DBFILE
    local n=$1 db=$2
    if alive "$R/$n.pid" ovsdb-server; then return 0; fi
    ovsdb-server "$db" --detach --no-chdir -vconsole:off -vfile:info \
        --pidfile="$R/$n.pid" --log-file="$R/$n.log" \
        --unixctl="$R/$n.ctl" --remote="punix:$R/$n.sock"
    local i
    for i in $(seq 200); do
        ovsdb-client list-dbs "unix:$R/$n.sock" >/dev/null 2>&1 && return 0
        sleep 0.05
    done
    die "$n ovsdb-server did not answer on $R/$n.sock (see $R/$n.log)"
}

write_env() {
    {
        echo "export OVN_RUNDIR=$R"
        [[ -S $R/nb.sock || -f $R/nb.pid ]] && echo "export OVN_NB_DB=unix:$R/nb.sock"
        echo "export OVN_SB_DB=unix:$R/sb.sock"
    } > "$R/env.sh"
}

stop_one() {   # stop_one PIDFILE COMM CTL
    local pf=$1 comm=$2 ctl=$3 pid i
    alive "$pf" "$comm" || { rm -f "$pf"; return 0; }
    pid=$(<"$pf")
    [[ -S $ctl ]] && timeout 5 ovs-appctl -t "$ctl" exit >/dev/null 2>&1 || true
    for i in $(seq 50); do alive "$pf" "$comm" || break; sleep 0.1; done
    if alive "$pf" "$comm"; then kill -TERM "$pid" 2>/dev/null || true; sleep 0.5; fi
    if alive "$pf" "$comm"; then kill -KILL "$pid" 2>/dev/null || true; fi
    rm -f "$pf"
}

cmd=${1:-}; R=${2:-}
[[ -n $cmd && -n $R ]] || { sed -n '4,13p' "$0"; exit 2; }
mkdir -p "$R"; R=$(readlink -f "$R")

case $cmd in
start)
    for b in ovsdb-server ovsdb-tool ovn-northd ovn-nbctl ovn-sbctl; do
        command -v "$b" >/dev/null || die "$b not found: run 'make deps'"
    done
    [[ -f $R/nb.db ]] || ovsdb-tool create "$R/nb.db" /usr/share/ovn/ovn-nb.ovsschema
    [[ -f $R/sb.db ]] || ovsdb-tool create "$R/sb.db" /usr/share/ovn/ovn-sb.ovsschema
    start_db nb "$R/nb.db"
    start_db sb "$R/sb.db"
    ovn-nbctl --db="unix:$R/nb.sock" --timeout=20 init
    if ! alive "$R/northd.pid" ovn-northd; then
        ovn-northd --detach --no-chdir -vconsole:off -vfile:info \
            --pidfile="$R/northd.pid" --log-file="$R/northd.log" \
            --unixctl="$R/northd.ctl" \
            --ovnnb-db="unix:$R/nb.sock" --ovnsb-db="unix:$R/sb.sock"
    fi
    # northd answers once it has written NB's state to SB.
    ovn-nbctl --db="unix:$R/nb.sock" --timeout=60 --wait=sb sync \
        || die "ovn-northd did not sync within 60 s (see $R/northd.log)"
    write_env
    ;;
start-sb)
    src=${3:-}; [[ -f $src ]] || die "start-sb needs an existing .db file"
    case $src in
        *.xz) xz -dc "$src" > "$R/sb.db" ;;
        *) cp "$src" "$R/sb.db" ;;
    esac
    start_db sb "$R/sb.db"
    write_env
    ;;
stop)
    stop_one "$R/northd.pid" ovn-northd "$R/northd.ctl"
    stop_one "$R/sb.pid" ovsdb-server "$R/sb.ctl"
    stop_one "$R/nb.pid" ovsdb-server "$R/nb.ctl"
    ;;
*) die "unknown command $cmd" ;;
esac
