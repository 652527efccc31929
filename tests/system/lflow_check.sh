#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# ovnbpfctl lflow-check against the real northd corpora: every flow of
# each SB parses and the total matches the corpus README; a flow with a
# broken match is reported by UUID and column and makes the exit status 1.
. "$(dirname "$0")/lib.sh"

CORPUS=${OVNBPF_CORPUS:-/work/shared/corpus}
command -v ovsdb-server >/dev/null || { skip "all" "no ovsdb-server"; exit 0; }
[[ -d $CORPUS ]] || { skip "all" "no corpus at $CORPUS"; exit 0; }

# run_check DIR: lflow-check against DIR's SB; output in $OUT, status in $RC.
run_check() {
    OUT=$("$B/ovnbpfctl" lflow-check --ovnsb-db="unix:$1/sb.sock" --timeout=20 2>"$T_DIR/err")
    RC=$?
}

for pair in kubeovn-50:758 scale-lsp-10x10:1305 scale-pg-1000:3069 scale-pg-1000-nopg:4068; do
    db=${pair%%:*} want=${pair##*:} d=$T_DIR/$db
    if [[ ! -f $CORPUS/$db.sb.db ]]; then skip "$db" "missing"; continue; fi
    if ! "$TOP/scripts/ovn-local.sh" start-sb "$d" "$CORPUS/$db.sb.db" >/dev/null; then
        not_ok "$db: start-sb"; continue
    fi
    on_exit "$TOP/scripts/ovn-local.sh" stop "$d"
    run_check "$d"
    check "$db: exit 0" test "$RC" -eq 0
    total=$(sed -n 's/^total \([0-9]*\) flows.*/\1/p' <<<"$OUT")
    check "$db: total $total == $want" test "${total:-x}" = "$want"
done

# Negative case: a broken match in a copy (start-sb serves a copy).
d=$T_DIR/neg
if "$TOP/scripts/ovn-local.sh" start-sb "$d" "$CORPUS/kubeovn-50.sb.db" >/dev/null; then
    on_exit "$TOP/scripts/ovn-local.sh" stop "$d"
    uuid=$(ovn-sbctl --db="unix:$d/sb.sock" create Logical_Flow pipeline=ingress \
        table_id=3 priority=1 'match="ip4.src == 1.2.3.4 &&& tcp"' 'actions="next;"' \
        external_ids:stage-name=ls_in_t_broken)
    run_check "$d"
    check "broken match: exit 1" test "$RC" -eq 1
    check "broken match: names UUID $uuid and column" \
        grep -q "^FAIL $uuid stage ingress/3/ls_in_t_broken match: column 22:" <<<"$OUT"
    check "broken match: total 759" grep -q "^total 759 flows.*1 failed" <<<"$OUT"
else
    not_ok "neg: start-sb"
fi

# No server: exit 2.
"$B/ovnbpfctl" lflow-check --ovnsb-db="unix:$T_DIR/none.sock" --timeout=1 >/dev/null 2>&1
check "no server: exit 2" test $? -eq 2
"$B/ovnbpfctl" lflow-check --bogus >/dev/null 2>&1
check "bad option: exit 2" test $? -eq 2
exit 0
