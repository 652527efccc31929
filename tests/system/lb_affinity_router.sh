#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Load-balancer session affinity on a router, with a real ovn-northd:
# northd 23.03 emits chk_lb_aff in lr_in_lb_aff_check, the per-backend
# priority-150 lr_in_dnat flows and commit_lb_aff in lr_in_lb_aff_learn
# for a load balancer with options:affinity_timeout attached to a router.
#
#   sw-raf-x 172.31.9.0/24: client c .10        (router .1, 00:00:00:0c:09:01)
#   sw-raf-b 10.254.2.0/24: backends b1 .11, b2 .12   (router .1)
#   lb-raf 172.31.8.100:80 -> b1:8080, b2:8080, affinity_timeout=2
#   lb-raf6 [fd00:31:8::100]:80 -> the same over IPv6 (fd00:31:9::/64, fd00:254:2::/64)
#
# Twice: first on a gateway router (options:chassis = us), then on a
# distributed router whose port to sw-raf-x is a gateway port on us
# (the LB flows carry is_chassis_resident of its chassisredirect port;
# the expiry is checked on the first only).
# Within the timeout every new connection of c lands on one backend; after
# 2.5 s of silence the session is gone and connections spread again.  Over
# IPv6 only the first part (the hit path loads xxreg1 on a router).
. "$(dirname "$0")/lib.sh"
need_root

CTL=("$B/ovnbpfctl" --state-dir="$T_DIR/state" --bpffs-dir="$T_PIN")
declare -A SW=([c]=sw-raf-x [b1]=sw-raf-b [b2]=sw-raf-b)
declare -A MAC=([c]=00:00:00:0c:09:0a [b1]=00:00:00:0c:0a:0b [b2]=00:00:00:0c:0a:0c)
declare -A IP=([c]=172.31.9.10 [b1]=10.254.2.11 [b2]=10.254.2.12)
declare -A GW=([c]=172.31.9.1 [b1]=10.254.2.1 [b2]=10.254.2.1)
declare -A IP6=([c]=fd00:31:9::10 [b1]=fd00:254:2::11 [b2]=fd00:254:2::12)
declare -A GW6=([c]=fd00:31:9::1 [b1]=fd00:254:2::1 [b2]=fd00:254:2::1)
VIP=172.31.8.100
VIP6=fd00:31:8::100

pod_add() {
    pod_netns_add raf "$1" "${MAC[$1]}" "${IP[$1]}/24" "${IP6[$1]}/64" || return 1
    ip -n "t-raf-$1" route add default via "${GW[$1]}"
    ip -n "t-raf-$1" -6 route add default via "${GW6[$1]}"
}
in_pod() { local x=$1; shift; ip netns exec "t-raf-$x" "$@"; }

cat >"$T_DIR/cli.py" <<'EOF'
# cli.py VIP N PAUSE: N TCP connections to VIP:80, PAUSE seconds before
# each; prints "conn NAME" per answer, "bad ..." on a failure.
import socket, sys, time
vip, n, pause = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
for i in range(n):
    time.sleep(pause)
    try:
        fam = socket.AF_INET6 if ":" in vip else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_STREAM); s.settimeout(4)
        s.connect((vip, 80))
        print("conn", s.makefile("rb").readline().strip().decode(), flush=True)
        s.close()
    except Exception as e:
        print("bad", e, flush=True)
EOF

# router NAME gw|dgp: the router between sw-raf-x and sw-raf-b, with lb-raf.
router() {
    local lr=$1
    ovn-nbctl lr-add "$lr" \
        -- lrp-add "$lr" "$lr-x" 00:00:00:0c:09:01 172.31.9.1/24 fd00:31:9::1/64 \
        -- lrp-add "$lr" "$lr-b" 00:00:00:0c:0a:01 10.254.2.1/24 fd00:254:2::1/64 \
        -- lsp-add sw-raf-x "rp-$lr-x" -- lsp-set-type "rp-$lr-x" router \
        -- lsp-set-addresses "rp-$lr-x" router -- lsp-set-options "rp-$lr-x" router-port="$lr-x" \
        -- lsp-add sw-raf-b "rp-$lr-b" -- lsp-set-type "rp-$lr-b" router \
        -- lsp-set-addresses "rp-$lr-b" router -- lsp-set-options "rp-$lr-b" router-port="$lr-b"
    if [[ $2 == gw ]]; then
        ovn-nbctl set Logical_Router "$lr" options:chassis="$T_NAME"
    else
        ovn-nbctl lrp-set-gateway-chassis "$lr-x" "$T_NAME" 10
    fi
    ovn-nbctl lr-lb-add "$lr" lb-raf -- lr-lb-add "$lr" lb-raf6
}

# phase NAME LR [spread]: the affinity checks through router LR; with
# "spread", also that sessions expire (the map and its expiry are the same
# whatever the datapath: once is enough).
phase() {
    local name=$1 lr=$2 spread=${3:-} n1 n2 s1 s2
    check "$name: --wait=hv sync" wait_hv
    check "$name: northd wrote the router's affinity flows" \
        bash -c "ovn-sbctl lflow-list $lr | grep -q 'lr_in_lb_aff_learn.*commit_lb_aff(vip = \"$VIP:80\"' &&
                 ovn-sbctl lflow-list $lr | grep -q 'lr_in_lb_aff_check.*chk_lb_aff()'"
    check "$name: client reaches a backend directly" \
        wait_until 10 bash -c "ip netns exec t-raf-c ping -c 1 -W 1 ${IP[b1]} >/dev/null 2>&1"
    # Back to back: one session.
    in_pod c timeout 60 python3 "$T_DIR/cli.py" $VIP 12 0 >"$T_DIR/$name-stick.out" 2>&1
    n1=$(grep -c "^conn b1$" "$T_DIR/$name-stick.out"); n2=$(grep -c "^conn b2$" "$T_DIR/$name-stick.out")
    check "$name: 12 connections within the timeout all answered ($n1 + $n2)" test $((n1 + n2)) -eq 12
    check "$name: all of them on one backend (b1 $n1, b2 $n2)" test "$n1" -eq 12 -o "$n2" -eq 12
    check "$name: the session is in ovn_lb_aff with the router's datapath" \
        bash -c "bpftool -j map dump pinned '$T_PIN/ovn_lb_aff' 2>/dev/null | python3 -c '
import json, sys
k = int(sys.argv[1])
sys.exit(0 if any(e[\"formatted\"][\"key\"][\"dp\"] == k for e in json.load(sys.stdin)
                  if \"formatted\" in e) else 1)' \$(ovn-sbctl --bare --columns=tunnel_key find Datapath_Binding external_ids:name=$lr)"
    if [[ -n $spread ]]; then
        # 2.5 s of silence before each: every connection starts a new session.
        in_pod c timeout 90 python3 "$T_DIR/cli.py" $VIP 10 2.5 >"$T_DIR/$name-spread.out" 2>&1
        s1=$(grep -c "^conn b1$" "$T_DIR/$name-spread.out"); s2=$(grep -c "^conn b2$" "$T_DIR/$name-spread.out")
        check "$name: 10 connections after the timeout all answered ($s1 + $s2)" test $((s1 + s2)) -eq 10
        check "$name: after the timeout they spread again (b1 $s1, b2 $s2)" test "$s1" -ge 1 -a "$s2" -ge 1
    fi
    # IPv6: a hit loads the backend into xxreg1 on a router.
    check "$name: client reaches a backend directly over IPv6" \
        wait_until 10 bash -c "ip netns exec t-raf-c ping -6 -c 1 -W 1 ${IP6[b1]} >/dev/null 2>&1"
    in_pod c timeout 60 python3 "$T_DIR/cli.py" $VIP6 12 0 >"$T_DIR/$name-stick6.out" 2>&1
    n1=$(grep -c "^conn b1$" "$T_DIR/$name-stick6.out"); n2=$(grep -c "^conn b2$" "$T_DIR/$name-stick6.out")
    check "$name: 12 IPv6 connections within the timeout all answered ($n1 + $n2)" test $((n1 + n2)) -eq 12
    check "$name: all of them on one backend (b1 $n1, b2 $n2)" test "$n1" -eq 12 -o "$n2" -eq 12
}

ovn_start || { not_ok "local OVN starts"; exit 1; }
ovn-nbctl ls-add sw-raf-x -- ls-add sw-raf-b
for x in c b1 b2; do
    ovn-nbctl lsp-add "${SW[$x]}" "lp-raf-$x" -- lsp-set-addresses "lp-raf-$x" "${MAC[$x]} ${IP[$x]} ${IP6[$x]}"
done
ovn-nbctl lb-add lb-raf $VIP:80 "${IP[b1]}:8080,${IP[b2]}:8080" tcp
ovn-nbctl lb-add lb-raf6 "[$VIP6]:80" "[${IP6[b1]}]:8080,[${IP6[b2]}]:8080" tcp
ovn-nbctl set load_balancer lb-raf options:affinity_timeout=2
ovn-nbctl set load_balancer lb-raf6 options:affinity_timeout=2
for x in c b1 b2; do check "pod $x created" pod_add $x; done

check "ovnbpfd starts" daemon_start --ct-gc-interval=1
for x in c b1 b2; do check "bind $x" "${CTL[@]}" bind "traf-$x" "lp-raf-$x"; done
check "ports up" wait_until 10 bash -c "for p in c b1 b2; do [[ \$(ovn-nbctl lsp-get-up lp-raf-\$p) == up ]] || exit 1; done"
for x in b1 b2; do
    in_pod $x timeout 200 python3 "$TOP/tests/system/name_srv.py" --per-conn $x >/dev/null 2>&1 &
    on_exit kill $!
done

router lr-raf gw
phase gw lr-raf spread

# The same through a distributed router with a gateway port.
ovn-nbctl lr-del lr-raf -- lsp-del rp-lr-raf-x -- lsp-del rp-lr-raf-b
router lr-raf2 dgp
check "dgp: cr-lr-raf2-x claimed here" wait_until 10 bash -c \
    "[[ \$(ovn-sbctl --bare --columns=chassis find Port_Binding logical_port=cr-lr-raf2-x) == \
       \$(ovn-sbctl --bare --columns=_uuid find Chassis name=$T_NAME) ]]"
phase dgp lr-raf2

if [[ $T_FAILED -ne 0 ]]; then
    tail -n +1 "$T_DIR"/*.out >&2 2>/dev/null
    "${CTL[@]}" drops >&2 || true
    tail -30 "$T_DIR/ovnbpfd.log" >&2
fi
