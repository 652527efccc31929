#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Load-balancer session affinity (chk_lb_aff / commit_lb_aff on the
# ovn_lb_aff map), with a real ovn-northd.  Switch sw-aff holds client c and
# backends b1, b2; router lr-aff is the pods' gateway.
#
#   lb-add lb-aff 172.31.0.100:80 10.252.0.11:8080,10.252.0.12:8080 tcp
#   options:affinity_timeout=2
#
# Within the timeout every new connection of c lands on one backend; after
# 2 s of silence the session is gone and connections spread again.  The
# first SYN of each session is dropped where it is learned (northd's
# "/* drop */"), as with OVS: connect() completes on the retransmission.
. "$(dirname "$0")/lib.sh"
need_root

CTL=("$B/ovnbpfctl" --state-dir="$T_DIR/state" --bpffs-dir="$T_PIN")
SW=sw-aff
declare -A MAC=([c]=00:00:00:0c:05:0a [b1]=00:00:00:0c:05:0b [b2]=00:00:00:0c:05:0c)
declare -A IP=([c]=10.252.0.10 [b1]=10.252.0.11 [b2]=10.252.0.12)
VIP=172.31.0.100

pod_add() {
    pod_netns_add aff "$1" "${MAC[$1]}" "${IP[$1]}/24" || return 1
    ip -n "t-aff-$1" route add default via 10.252.0.254
}
in_pod() { local x=$1; shift; ip netns exec "t-aff-$x" "$@"; }

cat >"$T_DIR/cli.py" <<'EOF'
# cli.py VIP N PAUSE: N TCP connections to VIP:80, PAUSE seconds before
# each; prints "conn NAME" per answer, "bad ..." on a failure.
import socket, sys, time
vip, n, pause = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
for i in range(n):
    time.sleep(pause)
    try:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM); s.settimeout(4)
        s.connect((vip, 80))
        print("conn", s.makefile("rb").readline().strip().decode(), flush=True)
        s.close()
    except Exception as e:
        print("bad", e, flush=True)
EOF

ovn_start || { not_ok "local OVN starts"; exit 1; }
ovn-nbctl ls-add $SW
for x in c b1 b2; do
    ovn-nbctl lsp-add $SW "lp-aff-$x" -- lsp-set-addresses "lp-aff-$x" "${MAC[$x]} ${IP[$x]}"
done
ovn-nbctl lr-add lr-aff -- lrp-add lr-aff lr-aff-sw 00:00:00:0c:05:fe 10.252.0.254/24
ovn-nbctl lsp-add $SW sw-aff-lr -- lsp-set-type sw-aff-lr router \
    -- lsp-set-addresses sw-aff-lr router -- lsp-set-options sw-aff-lr router-port=lr-aff-sw
ovn-nbctl lb-add lb-aff $VIP:80 "${IP[b1]}:8080,${IP[b2]}:8080" tcp
ovn-nbctl set load_balancer lb-aff options:affinity_timeout=2
ovn-nbctl ls-lb-add $SW lb-aff
for x in c b1 b2; do check "pod $x created" pod_add $x; done

check "ovnbpfd starts" daemon_start --ct-gc-interval=1
for x in c b1 b2; do check "bind $x" "${CTL[@]}" bind "taff-$x" "lp-aff-$x"; done
check "ports up" wait_until 10 bash -c "for p in c b1 b2; do [[ \$(ovn-nbctl lsp-get-up lp-aff-\$p) == up ]] || exit 1; done"
check "--wait=hv sync" ovn-nbctl --timeout=15 --wait=hv sync
check "northd wrote the affinity flows" \
    bash -c "ovn-sbctl lflow-list $SW | grep -q 'commit_lb_aff(vip = \"$VIP:80\"'"

for x in b1 b2; do
    in_pod $x timeout 90 python3 "$TOP/tests/system/name_srv.py" --per-conn $x >/dev/null 2>&1 &
    on_exit kill $!
done
sleep 0.5
ping_b1() { in_pod c ping -c 1 -W 1 "${IP[b1]}" >/dev/null 2>&1; }
check "backend reachable directly" wait_until 5 ping_b1

# Back to back: one session.
in_pod c timeout 60 python3 "$T_DIR/cli.py" $VIP 12 0 >"$T_DIR/stick.out" 2>&1
n1=$(grep -c "^conn b1$" "$T_DIR/stick.out"); n2=$(grep -c "^conn b2$" "$T_DIR/stick.out")
check "12 connections within the timeout all answered ($n1 + $n2)" test $((n1 + n2)) -eq 12
check "all of them on one backend (b1 $n1, b2 $n2)" test "$n1" -eq 12 -o "$n2" -eq 12
check "the session is in ovn_lb_aff" \
    bash -c "bpftool map dump pinned '$T_PIN/ovn_lb_aff' 2>/dev/null | grep -q 'key'"

# 2.5 s of silence before each: every connection starts a new session.
in_pod c timeout 90 python3 "$T_DIR/cli.py" $VIP 10 2.5 >"$T_DIR/spread.out" 2>&1
s1=$(grep -c "^conn b1$" "$T_DIR/spread.out"); s2=$(grep -c "^conn b2$" "$T_DIR/spread.out")
check "10 connections after the timeout all answered ($s1 + $s2)" test $((s1 + s2)) -eq 10
check "after the timeout they spread again (b1 $s1, b2 $s2)" test "$s1" -ge 1 -a "$s2" -ge 1

if [[ $T_FAILED -ne 0 ]]; then
    cat "$T_DIR/stick.out" "$T_DIR/spread.out" >&2 2>/dev/null
    "${CTL[@]}" drops >&2 || true
    tail -30 "$T_DIR/ovnbpfd.log" >&2
fi
