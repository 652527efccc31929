#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Multicast groups past 64 members (maps/ports.h pages), with a real
# ovn-northd: one switch with N ports bound to veth pairs.  Port 1's peer
# is a pod (netns t-mcl-s) that sends; the peers of ports 2..N sit in one
# netns (t-mcl-rx, IPv6 off, no addresses: they send nothing) where each
# one's rx counter says what it got.  An ARP broadcast (_MC_flood) and a
# frame to an unknown MAC (_MC_unknown: every port has "unknown") reach
# every other port, and never the sender; after lsp-del of some ports the
# flood reaches the rest and not them.
. "$(dirname "$0")/lib.sh"
need_root

N=${MC_LARGE_PORTS:-100}
K=5				# frames per burst
DEL_FROM=$((N - 9))		# ports DEL_FROM..N are deleted later
CTL=("$B/ovnbpfctl" --state-dir="$T_DIR/state" --bpffs-dir="$T_PIN")
SW=sw-mcl
RX=t-mcl-rx
TX=t-mcl-s

mac() { printf '02:00:00:0d:%02x:%02x' $(($1 / 256)) $(($1 % 256)); }
ip4() { echo "10.252.$(($1 / 256)).$(($1 % 256))"; }

# Rx packets of the peers of ports 2..N, one "port count" line each.
rx_counts() {
    ip netns exec $RX bash -c 'for ((i = 2; i <= '"$N"'; i++)); do
        echo "$i $(< /sys/class/net/p$i/statistics/rx_packets)"; done'
}
tx_rx() { ip netns exec $TX cat /sys/class/net/eth0/statistics/rx_packets; }

# send KIND: K frames from the sender's eth0 (arp: broadcast ARP request
# for an address nobody has; unknown: an IPv4 datagram to a MAC no port has).
send() {
    ip netns exec $TX python3 - "$1" "$K" "$(mac 1)" <<'EOF'
import socket, struct, sys
kind, k, src = sys.argv[1], int(sys.argv[2]), bytes.fromhex(sys.argv[3].replace(":", ""))
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
spa, tpa = socket.inet_aton("10.252.0.1"), socket.inet_aton("10.252.250.250")
if kind == "arp":
    f = b"\xff" * 6 + src + b"\x08\x06" + struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) \
        + src + spa + b"\x00" * 6 + tpa
else:
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 28, 0, 0, 64, 17, 0, spa, tpa)
    f = bytes.fromhex("0200deadbeef") + src + b"\x08\x00" + ip + struct.pack("!HHHH", 9, 9, 8, 0)
for _ in range(k):
    s.send(f.ljust(60, b"\x00"))
EOF
}

# reached BEFORE AFTER LO HI: how many of ports LO..HI got >= K frames.
reached() {
    join <(sort -k1,1 "$1") <(sort -k1,1 "$2") |
        awk -v k=$K -v lo="$3" -v hi="$4" '$1 >= lo && $1 <= hi && $3 - $2 >= k { n++ } END { print n + 0 }'
}
# silent BEFORE AFTER LO HI: how many of ports LO..HI got nothing.
silent() {
    join <(sort -k1,1 "$1") <(sort -k1,1 "$2") |
        awk -v lo="$3" -v hi="$4" '$1 >= lo && $1 <= hi && $3 == $2 { n++ } END { print n + 0 }'
}
# burst KIND LO HI: send, wait until ports LO..HI all got it.
burst() {
    rx_counts >"$T_DIR/before"
    b_tx=$(tx_rx)
    send "$1" || return 1
    wait_until 5 bash -c "$(declare -f rx_counts reached); N=$N K=$K RX=$RX; rx_counts >'$T_DIR/after';
        [[ \$(reached '$T_DIR/before' '$T_DIR/after' $2 $3) -eq $(($3 - $2 + 1)) ]]"
    sleep 0.3
    rx_counts >"$T_DIR/after"
}

ovn_start || { not_ok "local OVN starts"; exit 1; }
t0=$SECONDS
args=(ls-add $SW)
for ((i = 1; i <= N; i++)); do
    args+=(-- lsp-add $SW lp-mcl-$i -- lsp-set-addresses lp-mcl-$i "$(mac $i) $(ip4 $i)" unknown)
done
check "switch with $N ports" ovn-nbctl "${args[@]}"

# Veth pairs in one batch: host side tmcl-I, peer pI in $RX (port 1's
# peer is eth0 of the sender pod).
ip netns del $RX 2>/dev/null; ip netns del $TX 2>/dev/null
ip netns add $RX && on_exit ip netns del $RX
ip netns add $TX && on_exit ip netns del $TX
for ns in $RX $TX; do
    ip netns exec $ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done
{
    echo "link add tmcl-1 type veth peer name eth0 netns $TX"
    for ((i = 2; i <= N; i++)); do echo "link add tmcl-$i type veth peer name p$i netns $RX"; done
} >"$T_DIR/links"
for ((i = 1; i <= N; i++)); do on_exit ip link del tmcl-$i; done
check "$N veth pairs" ip -batch "$T_DIR/links"
for ((i = 1; i <= N; i++)); do
    echo 1 >/proc/sys/net/ipv6/conf/tmcl-$i/disable_ipv6
    echo "link set tmcl-$i up"
done >"$T_DIR/up"
ip -batch "$T_DIR/up"
ip netns exec $RX bash -c 'for ((i = 2; i <= '"$N"'; i++)); do echo "link set p$i up"; done | ip -batch -'
ip -n $TX link set eth0 address "$(mac 1)"
ip -n $TX addr add "$(ip4 1)/16" dev eth0
ip -n $TX link set eth0 up

check "ovnbpfd starts" daemon_start
pairs=()
for ((i = 1; i <= N; i++)); do pairs+=(tmcl-$i lp-mcl-$i); done
check "bind $N ports in one call" "${CTL[@]}" bind "${pairs[@]}"
up_count() { ovn-nbctl --bare --columns=up list Logical_Switch_Port | grep -c true; }
check "all $N ports up" wait_until 20 bash -c "[[ \$(ovn-nbctl --bare --columns=up list Logical_Switch_Port | grep -c true) -eq $N ]]"
check "--wait=hv sync" ovn-nbctl --timeout=15 --wait=hv sync
echo "# setup took $((SECONDS - t0)) s" >&2

# ARP broadcast: _MC_flood.
burst arp 2 "$N"
n=$(reached "$T_DIR/before" "$T_DIR/after" 2 "$N")
check "ARP broadcast reaches all $((N - 1)) other ports ($n)" test "$n" -eq $((N - 1))
check "no copy back to the sender" test "$(tx_rx)" -eq "$b_tx"

# A frame to an unknown MAC: _MC_unknown.
burst unknown 2 "$N"
n=$(reached "$T_DIR/before" "$T_DIR/after" 2 "$N")
check "unknown unicast reaches all $((N - 1)) other ports ($n)" test "$n" -eq $((N - 1))

# ovnbpfctl trace of the broadcast: one output per other member, the
# recording's first OVN_TRACE_MAX_OUT listed, n_outputs counting all.
bc="inport == \"lp-mcl-1\" && eth.src == $(mac 1) && eth.dst == ff:ff:ff:ff:ff:ff && arp.op == 1 && arp.sha == $(mac 1) && arp.spa == 10.252.0.1 && arp.tha == 00:00:00:00:00:00 && arp.tpa == 10.252.250.250"
out=$("$B/ovnbpfctl" trace --ovnsb-db="$OVN_SB_DB" --timeout=20 --json $SW "$bc" 2>"$T_DIR/trace.err")
check "trace: $((N - 1)) outputs, never the inport" python3 -c '
import json, sys
r, n = json.loads(sys.argv[1]), int(sys.argv[2])
o = [x["outport"] for x in r["outputs"]]
assert r["n_outputs"] == n - 1, r["n_outputs"]
assert len(o) == min(n - 1, 64) and len(set(o)) == len(o), o
assert "lp-mcl-1" not in o, o
' "$out" "$N"

# Membership change: ports DEL_FROM..N leave both groups.
dels=()
for ((i = DEL_FROM; i <= N; i++)); do dels+=(-- lsp-del lp-mcl-$i); done
check "lsp-del $((N - DEL_FROM + 1)) ports" ovn-nbctl --timeout=15 --wait=hv "${dels[@]:1}"
for kind in arp unknown; do
    burst $kind 2 $((DEL_FROM - 1))
    n=$(reached "$T_DIR/before" "$T_DIR/after" 2 $((DEL_FROM - 1)))
    check "after lsp-del: $kind reaches the $((DEL_FROM - 2)) remaining ports ($n)" \
        test "$n" -eq $((DEL_FROM - 2))
    n=$(silent "$T_DIR/before" "$T_DIR/after" "$DEL_FROM" "$N")
    check "after lsp-del: $kind reaches none of the deleted ports ($n silent)" \
        test "$n" -eq $((N - DEL_FROM + 1))
done
# Counted reasons: "NUM NAME PACKETS BYTES" lines of ovnbpfctl drops.
mc_cut=$("${CTL[@]}" drops 2>/dev/null |
    awk '$2 ~ /^mc-group-(over-max-members|page-missing)$/ { s += $3 } END { print s + 0 }')
check "no flood cut short (mc-group-over-max-members, mc-group-page-missing: $mc_cut)" \
    test "$mc_cut" -eq 0
echo "# total $((SECONDS - t0)) s" >&2

if [[ $T_FAILED -ne 0 ]]; then
    "${CTL[@]}" drops >&2 || true
    tail -30 "$T_DIR/ovnbpfd.log" >&2
fi
