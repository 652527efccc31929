#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# NetworkPolicy-style port ranges with a real ovn-northd, real traffic.
# Port ranges split into prefix blocks of many masks: ls_in_acl and
# ls_out_acl need more than the 32 subtables of one ovn_stages entry, so
# the stage's list continues in chained entries (maps/pipeline.h).  Pod b
# is in pg_rg:
#
#   to-lport   1010 outport == @pg_rg && ip4 && tcp.dst in 1000-2999   allow-related
#   to-lport   1010 outport == @pg_rg && ip6 && udp.dst in 5000-5999   allow-related
#   to-lport   1009 outport == @pg_rg && ip4.src == 10.253.0.0/24 &&
#                   tcp.src in 1024-65535 && tcp.dst in 30000-32767   allow-related
#   to-lport   1000 outport == @pg_rg && ip                           drop
#   from-lport 1005 inport == b && ip4 && tcp.src in 1000-1999 &&
#                   tcp.dst in 8000-8999                              drop
#
# Then one more range ACL is added while the daemon runs (the chain is
# rewritten) and must take effect.
. "$(dirname "$0")/lib.sh"
need_root

CTL=("$B/ovnbpfctl" --state-dir="$T_DIR/state" --bpffs-dir="$T_PIN")
SW=sw-rg
declare -A MAC=([a]=00:00:00:0c:05:0a [b]=00:00:00:0c:05:0b)
declare -A IP=([a]=10.253.0.10 [b]=10.253.0.11)
declare -A IP6=([a]=fd00:253::a [b]=fd00:253::b)

lsp_add() {
    local x=$1
    ovn-nbctl lsp-add $SW "lp-rg-$x" \
        -- lsp-set-addresses "lp-rg-$x" "${MAC[$x]} ${IP[$x]} ${IP6[$x]}"
}
in_pod() { local x=$1; shift; ip netns exec "t-rg-$x" "$@"; }
stat() { "${CTL[@]}" --json engine-stats | python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }

# conv PROTO FAMILY FROM TO DPORT [SPORT]: one datagram / one TCP line
# from FROM to TO:DPORT (from SPORT when given); true when TO got it.
conv() {
    local proto=$1 fam=$2 from=$3 to=$4 dport=$5 sport=${6:-0} dst
    if [[ $fam == 6 ]]; then dst=${IP6[$to]}; else dst=${IP[$to]}; fi
    rm -f "$T_DIR/got"
    in_pod "$to" timeout 4 python3 "$T_DIR/conv.py" srv "$proto" "$fam" "$dport" \
        >"$T_DIR/got" 2>/dev/null &
    local pid=$!
    sleep 0.4
    in_pod "$from" timeout 3 python3 "$T_DIR/conv.py" cli "$proto" "$fam" "$dport" "$dst" \
        "$sport" >/dev/null 2>&1
    wait $pid 2>/dev/null
    [[ $(cat "$T_DIR/got" 2>/dev/null) == "hello" ]]
}
no_conv() { ! conv "$@"; }

cat >"$T_DIR/conv.py" <<'EOF'
import socket, sys
role, proto, fam, port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
af = socket.AF_INET6 if fam == "6" else socket.AF_INET
st = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
s = socket.socket(af, st)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.settimeout(3)
if role == "srv":
    s.bind(("::" if fam == "6" else "0.0.0.0", port))
    if proto == "tcp":
        s.listen(1)
        c, _ = s.accept()
        c.settimeout(3)
        print(c.recv(100).decode().strip())
    else:
        print(s.recv(100).decode().strip())
else:
    sport = int(sys.argv[6])
    if sport:
        s.bind(("::" if fam == "6" else "0.0.0.0", sport))
    s.connect((sys.argv[5], port))
    s.send(b"hello\n")
    s.close()
EOF

ovn_start || { not_ok "local OVN starts"; exit 1; }
ovn-nbctl ls-add $SW
lsp_add a
lsp_add b
ovn-nbctl pg-add pg_rg lp-rg-b
ovn-nbctl acl-add pg_rg to-lport 1010 'outport == @pg_rg && ip4 && tcp.dst >= 1000 && tcp.dst <= 2999' allow-related
ovn-nbctl acl-add pg_rg to-lport 1010 'outport == @pg_rg && ip6 && udp.dst >= 5000 && udp.dst <= 5999' allow-related
ovn-nbctl acl-add pg_rg to-lport 1009 'outport == @pg_rg && ip4.src == 10.253.0.0/24 && tcp.src >= 1024 && tcp.src <= 65535 && tcp.dst >= 30000 && tcp.dst <= 32767' allow-related
ovn-nbctl acl-add pg_rg to-lport 1000 'outport == @pg_rg && ip' drop
ovn-nbctl acl-add $SW from-lport 1005 'inport == "lp-rg-b" && ip4 && tcp.src >= 1000 && tcp.src <= 1999 && tcp.dst >= 8000 && tcp.dst <= 8999' drop
check "pod a created" pod_netns_add rg a "${MAC[a]}" "${IP[a]}/24" "${IP6[a]}/64"
check "pod b created" pod_netns_add rg b "${MAC[b]}" "${IP[b]}/24" "${IP6[b]}/64"

check "ovnbpfd starts" daemon_start
check "bind a" "${CTL[@]}" bind trg-a lp-rg-a
check "bind b" "${CTL[@]}" bind trg-b lp-rg-b
check "ports up" wait_until 15 bash -c "[[ \$(ovn-nbctl lsp-get-up lp-rg-a) == up && \$(ovn-nbctl lsp-get-up lp-rg-b) == up ]]"
check "--wait=hv sync" wait_hv 30

chains=$(stat map_stage_chains) masks=$(stat map_stage_masks_max) werr=$(stat writer_errors)
check "a stage lists more than 32 masks ($masks), in chained entries ($chains stages)" \
    test "${masks:-0}" -gt 32 -a "${chains:-0}" -ge 1
check "the writer refused no flow ($werr)" test "${werr:-x}" = 0

check "TCP a -> b:1000 (range start)" wait_until 3 conv tcp 4 a b 1000
check "TCP a -> b:2999 (range end)" conv tcp 4 a b 2999
check "TCP a -> b:2048" conv tcp 4 a b 2048
check "TCP a -> b:3000 dropped" no_conv tcp 4 a b 3000
check "TCP a -> b:999 dropped" no_conv tcp 4 a b 999
check "TCP a -> b:31000 (source and destination ranges)" conv tcp 4 a b 31000
check "TCP a:1023 -> b:31001 dropped (source below its range)" no_conv tcp 4 a b 31001 1023
check "UDP6 a -> b:5000" conv udp 6 a b 5000
check "UDP6 a -> b:5999" conv udp 6 a b 5999
check "UDP6 a -> b:6000 dropped" no_conv udp 6 a b 6000
check "UDP4 a -> b:5500 dropped (the range is IPv6 only)" no_conv udp 4 a b 5500
check "TCP b:1500 -> a:8500 dropped (b's from-lport ranges)" no_conv tcp 4 b a 8500 1500
check "TCP b:2000 -> a:8500 (source outside the range)" conv tcp 4 b a 8500 2000
check "TCP b:1999 -> a:9000 (destination outside the range)" conv tcp 4 b a 9000 1999
check "TCP a:1500 -> b:8500 dropped (not allowed into b)" no_conv tcp 4 a b 8500 1500

# A range added at run time: the stage's chain is rewritten.
ovn-nbctl acl-add pg_rg to-lport 1010 'outport == @pg_rg && ip4 && udp.dst >= 7000 && udp.dst <= 7777' allow-related
check "--wait=hv sync after the new ACL" wait_hv 30
check "UDP a -> b:7777 (added range)" wait_until 3 conv udp 4 a b 7777
check "UDP a -> b:7778 dropped" no_conv udp 4 a b 7778
check "TCP a -> b:1999 still allowed" conv tcp 4 a b 1999
werr=$(stat writer_errors)
check "still no refused flow ($werr)" test "${werr:-x}" = 0
[[ $T_FAILED -eq 0 ]] || { "${CTL[@]}" engine-stats >&2 || true; }
exit 0
