#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# tests/bench/ovsdb_sync.sh [DB] [RUNS]: initial sync time and peak RSS of
# the OVSDB client library (build/tools/ovsdb-replica --bench) replicating
# every table of an SB database served by a local ovsdb-server.
# Default DB: the 14,628-port corpus (scale-lsp-159x92, 122,744 flows).
#
# Prints, per run: total sync time (connect to replica complete), the time
# waiting for the server's monitor reply (ovsdb-server composing ~65 MB of
# JSON + transfer), our parse and apply times, peak and final RSS.  For
# comparison, `ovsdb-client dump` of the same database is timed once.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
B=${OVNBPF_BUILDDIR:-$TOP/build}
DB=${1:-${OVNBPF_CORPUS:-/work/shared/corpus}/scale-lsp-159x92.sb.db.xz}
RUNS=${2:-3}
[[ -f $DB ]] || { echo "no database $DB" >&2; exit 1; }
D=$(mktemp -d /tmp/ovnbpf-bench-ovsdb.XXXXXX)
trap '"$TOP/scripts/ovn-local.sh" stop "$D" >/dev/null 2>&1; rm -rf "$D"' EXIT
"$TOP/scripts/ovn-local.sh" start-sb "$D" "$DB" >/dev/null
echo "db: $(basename "$DB")  machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq "$RUNS"); do
    "$B/tools/ovsdb-replica" --log-level warn --bench "unix:$D/sb.sock" OVN_Southbound
done
s=$(date +%s.%N)
ovsdb-client -f json dump "unix:$D/sb.sock" OVN_Southbound > /dev/null
echo "ovsdb-client dump: $(echo "$(date +%s.%N) - $s" | bc) s"
