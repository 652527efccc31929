#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# ovnbpfctl trace on a real northd's SB: a switch (port security, an
# unknown-address port) behind a router.  Text, --summary and --json
# output; a unicast, a flood (one output per member), a port-security drop,
# a path through the router and back over patch ports; errors: unknown
# datapath, unknown port, ambiguous and malformed microflows; the Kube-OVN
# conntrack skip flows ovnbpfd adds.
. "$(dirname "$0")/lib.sh"

need_root
command -v ovn-northd >/dev/null || { skip "all" "no ovn-northd"; exit 0; }
ovn_start || { not_ok "ovn_start"; exit 1; }

ovn-nbctl lr-add trr \
    -- lrp-add trr trr-s 00:00:00:0e:00:01 10.14.0.1/24 \
    -- ls-add tsw \
    -- lsp-add tsw ts-r -- lsp-set-type ts-r router -- lsp-set-addresses ts-r router \
    -- lsp-set-options ts-r router-port=trr-s \
    -- lsp-add tsw tp1 -- lsp-set-addresses tp1 "00:00:00:0e:00:11 10.14.0.11" \
    -- lsp-set-port-security tp1 "00:00:00:0e:00:11 10.14.0.11" \
    -- lsp-add tsw tp2 -- lsp-set-addresses tp2 "00:00:00:0e:00:12 10.14.0.12" \
    -- lsp-add tsw tp3 -- lsp-set-addresses tp3 unknown
ovn-nbctl --wait=sb sync

T() { "$B/ovnbpfctl" trace --ovnsb-db="$OVN_SB_DB" --timeout=20 "$@" 2>"$T_DIR/err"; }
UNI='inport == "tp1" && eth.src == 00:00:00:0e:00:11 && eth.dst == 00:00:00:0e:00:12 && ip4.src == 10.14.0.11 && ip4.dst == 10.14.0.12 && ip.ttl == 64 && udp && udp.src == 1 && udp.dst == 53'
BC='inport == "tp1" && eth.src == 00:00:00:0e:00:11 && eth.dst == ff:ff:ff:ff:ff:ff && ip4.src == 10.14.0.11 && ip4.dst == 255.255.255.255 && ip.ttl == 1 && udp && udp.src == 68 && udp.dst == 67'
SPOOF='inport == "tp1" && eth.src == 00:00:00:0e:00:99 && eth.dst == 00:00:00:0e:00:12 && ip4.src == 10.14.0.11 && ip4.dst == 10.14.0.12 && ip.ttl == 64'
TORTR='inport == "tp1" && eth.src == 00:00:00:0e:00:11 && eth.dst == 00:00:00:0e:00:01 && eth.type == 0x1234'
GWARP='inport == "tp1" && eth.src == 00:00:00:0e:00:11 && eth.dst == ff:ff:ff:ff:ff:ff && arp.op == 1 && arp.sha == 00:00:00:0e:00:11 && arp.spa == 10.14.0.11 && arp.tha == 00:00:00:00:00:00 && arp.tpa == 10.14.0.1'

# --help works without an SB (the diff harness probes it).
check "--help" bash -c "\"$B/ovnbpfctl\" trace --help >/dev/null"

# Unicast, JSON.
out=$(T --json tsw "$UNI")
check "json unicast: one output to tp2 with the headers" python3 -c '
import json, sys
r = json.loads(sys.argv[1])
o = r["outputs"]
assert r["drop"] is None and len(o) == 1, r
o = o[0]
assert o["datapath"] == "tsw" and o["outport"] == "tp2", o
h = o["headers"]
assert h["eth.src"] == "00:00:00:0e:00:11" and h["ip4.dst"] == "10.14.0.12", h
assert h["ip.ttl"] == 64 and h["udp.dst"] == 53, h
' "$out"

# Flood: one output per member but the inport (tp2, tp3; the router's copy
# is dropped there, as ovn-trace says).
out=$(T --json tsw "$BC")
check "json flood: one output per member" python3 -c '
import json, sys
r = json.loads(sys.argv[1])
ports = sorted(o["outport"] for o in r["outputs"])
assert ports == ["tp2", "tp3"], ports
' "$out"

# A drop: the stage and the reason.
out=$(T --json tsw "$SPOOF")
check "json drop: ls_in_apply_port_sec" python3 -c '
import json, sys
r = json.loads(sys.argv[1])
assert r["outputs"] == [] and r["drop"]["stage"] == "ls_in_apply_port_sec", r
assert r["drop"]["reason"] == "stage-drop-action", r
' "$out"

# --detailed (the default): stages with flow, priority, uuid, actions.
out=$(T tsw "$UNI")
check "text: ingress header" grep -q '^ingress(dp="tsw", inport="tp1")$' <<<"$out"
check "text: the l2 lookup flow" grep -qE '^25\. ls_in_l2_lkup: eth.dst == 00:00:00:0e:00:12, priority 50, uuid [0-9a-f]{8}$' <<<"$out"
check "text: its actions" grep -q '^    outport = "tp2"; output;$' <<<"$out"
check "text: egress header" grep -q '^egress(dp="tsw", inport="tp1", outport="tp2")$' <<<"$out"
check "text: the output" grep -q '/\* output to "tp2", type "" \*/' <<<"$out"
check "text: port security helper" grep -q 'port_sec_in: port security of "tp1"' <<<"$out"

# --summary: nested blocks, actions only.
out=$(T --summary tsw "$UNI")
check "summary: blocks nest" grep -q '^    egress(dp="tsw", inport="tp1", outport="tp2") {$' <<<"$out"
check "summary: no stage lines" bash -c "! grep -q 'ls_in_l2_lkup' <<<\"\$1\"" _ "$out"

# Into the router over the patch port: a non-IP frame to the router MAC
# is dropped in its routing stage (as ovn-trace says).
out=$(T tsw "$TORTR")
check "patch: router ingress" grep -q '^ingress(dp="trr", inport="trr-s")$' <<<"$out"
check "patch: drop in lr_in_ip_routing" grep -q 'dropped in lr_in_ip_routing' <<<"$out"
# The switch answers ARP for the router's address itself.
out=$(T --json tsw "$GWARP")
check "patch: ARP reply delivered to tp1" python3 -c '
import json, sys
r = json.loads(sys.argv[1])
o = r["outputs"]
assert len(o) == 1 and o[0]["outport"] == "tp1", r
h = o[0]["headers"]
assert h["arp.op"] == 2 and h["arp.sha"] == "00:00:00:0e:00:01", h
assert h["arp.spa"] == "10.14.0.1" and h["eth.dst"] == "00:00:00:0e:00:11", h
' "$out"

# Errors: exit 1 with a message.
T --json nosuch "$UNI" >/dev/null; rc=$?
check "unknown datapath: exit 1" test $rc -eq 1
check "unknown datapath: message" grep -q 'unknown datapath "nosuch"' "$T_DIR/err"
T --json tsw 'inport == "nope" && eth.src == 00:00:00:0e:00:11' >/dev/null; rc=$?
check "unknown port: exit 1" test $rc -eq 1
check "unknown port: message" grep -q 'unknown logical port "nope"' "$T_DIR/err"
T --json tsw 'inport == "tp1" && tcp.dst == 80' >/dev/null; rc=$?
check "ambiguous microflow: exit 1" test $rc -eq 1
check "ambiguous microflow: message" grep -q 'ambiguous' "$T_DIR/err"
T --json tsw 'inport == "tp1" && ip4 && ip6' >/dev/null; rc=$?
check "contradictory microflow: exit 1" test $rc -eq 1
T --json tsw 'inport == "tp1" &&& ip4' >/dev/null; rc=$?
check "bad microflow: exit 1 with the column" bash -c \
    "test $rc -eq 1 && grep -q 'microflow: column' '$T_DIR/err'"
"$B/ovnbpfctl" trace --json tsw >/dev/null 2>&1; rc=$?
check "missing microflow: usage, exit 2" test $rc -eq 2

# Kube-OVN conntrack skip (loader/ct_skip.h): the flows ovnbpfd adds are
# in the trace too.  Last: the load balancer puts conntrack on tsw.
ovn-nbctl set NB_Global . options:node_local_dns_ip=169.254.20.10 \
    -- lb-add tlb 10.14.0.100:80 10.14.0.12:80 tcp -- ls-lb-add tsw tlb
ovn-nbctl --wait=sb sync
DNS='inport == "tp1" && eth.src == 00:00:00:0e:00:11 && eth.dst == 00:00:00:0e:00:01 && ip4.src == 10.14.0.11 && ip4.dst == 169.254.20.10 && ip.ttl == 64 && udp && udp.src == 1 && udp.dst == 53'
out=$(T tsw "$DNS")
check "ct skip: node-local DNS skips ls_in_pre_lb" grep -qE \
    '^ 5\. ls_in_pre_lb: ip4 && ip4.dst == 169.254.20.10, priority 105, uuid ct-skip' <<<"$out"

exit $T_FAILED
