#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The pinctrl answers beyond DHCPv4, end to end with a real ovn-northd:
# a pod's DHCPv6 Solicit / Request / Information-request (put_dhcpv6_opts),
# its Router Solicitation to a router port with ipv6_ra_configs
# (put_nd_ra_opts) and its DNS queries to a switch with DNS records
# (dns_lookup).  ovnbpfd builds each answer and resumes the pipeline; the
# response stage addresses it and sends it back to the pod.  The client
# (pinctrl_client.py) checks the wire: addresses, checksums, options.
. "$(dirname "$0")/lib.sh"
need_root

CTL=("$B/ovnbpfctl" --state-dir="$T_DIR/state" --bpffs-dir="$T_PIN")
SW=sw-d6ra
MA=00:00:00:d6:0a:0a
RMAC=00:00:00:d6:0a:01
CLIENT=("$(dirname "$0")/pinctrl_client.py")
in_pod() { ip netns exec t-d6ra-a "$@"; }
jget() { python3 -c "import json,sys; d=json.loads(sys.argv[1]); print(eval(sys.argv[2], {}, d))" "$1" "$2" 2>/dev/null; }
expect() { # expect WHAT JSON PYEXPR VALUE
    local got; got=$(jget "$2" "$3")
    if [[ $got == "$4" ]]; then ok "$1"; else not_ok "$1 (got '$got', want '$4')"; fi
}

ovn_start || { not_ok "local OVN starts"; exit 1; }
ovn-nbctl ls-add $SW
ovn-nbctl lr-add lr-d6ra -- lrp-add lr-d6ra lrp-d6ra $RMAC 10.77.0.1/24 fd77::1/64
ovn-nbctl set logical_router_port lrp-d6ra ipv6_ra_configs:address_mode=dhcpv6_stateful \
    ipv6_ra_configs:mtu=1400
ovn-nbctl lsp-add $SW lsp-d6ra-r -- lsp-set-type lsp-d6ra-r router \
    -- lsp-set-addresses lsp-d6ra-r router -- lsp-set-options lsp-d6ra-r router-port=lrp-d6ra
ovn-nbctl lsp-add $SW lsp-d6ra-a -- lsp-set-addresses lsp-d6ra-a "$MA 10.77.0.10 fd77::10"
# northd copies option values into the flow as they are: a string option
# must carry its own quotes (ovn-controller rejects the flow otherwise).
d6=$(ovn-nbctl create DHCP_Options cidr='"fd77::/64"' \
    options='"server_id"="00:00:00:d6:0a:01" "dns_server"="{fd77::53, fd77::54}" "domain_search"="\"ovn.test\""')
ovn-nbctl lsp-set-dhcpv6-options lsp-d6ra-a "$d6"
dns=$(ovn-nbctl create DNS records='{"web.ovn.test"="10.77.0.80 fd77::80", "80.0.77.10.in-addr.arpa"="web.ovn.test"}')
ovn-nbctl add logical_switch $SW dns_records "$dns"

check "pod created" pod_netns_add d6ra a $MA 10.77.0.10/24 fd77::10/64
in_pod sysctl -qw net.ipv6.conf.eth0.accept_ra=0
in_pod ip route add default via 10.77.0.1
check "ovnbpfd starts" daemon_start
check "bind" "${CTL[@]}" bind td6ra-a lsp-d6ra-a
check "port up" wait_until 10 bash -c "[[ \$(ovn-nbctl lsp-get-up lsp-d6ra-a) == up ]]"
check "--wait=hv sync" wait_hv

# DHCPv6
r=$(in_pod python3 "${CLIENT[@]}" solicit eth0 $MA); echo "# solicit: $r"
expect "solicit answered with an ADVERTISE" "$r" "type" 2
expect "advertise: transaction id kept" "$r" "xid" 112233
expect "advertise: from the server MAC" "$r" "eth_src" $RMAC
expect "advertise: to the client" "$r" "eth_dst" $MA
expect "advertise: from the server's link-local address" "$r" "ip6_src" fe80::200:ff:fed6:a01
expect "advertise: to the client's link-local address" "$r" "ip6_dst" fe80::200:ff:fed6:a0a
expect "advertise: udp 547 -> 546" "$r" "udp_src" 547
expect "advertise: UDP checksum valid after the response stage's rewrites" "$r" "csum_ok" True
expect "advertise: UDP length" "$r" "udp_len_ok" True
expect "advertise: client id echoed" "$r" "client_id_ok" True
expect "advertise: server DUID-LL of server_id" "$r" "server_duid" 00030001000000d60a01
expect "advertise: IA_NA with the client's IAID" "$r" "iaid" 0a0b0c0d
expect "advertise: the port's address" "$r" "ia_addr" fd77::10
expect "advertise: DNS servers" "$r" "','.join(dns)" "fd77::53,fd77::54"
expect "advertise: domain search" "$r" "','.join(domains)" "ovn.test"
r=$(in_pod python3 "${CLIENT[@]}" request eth0 $MA); echo "# request: $r"
expect "request answered with a REPLY" "$r" "type" 7
expect "reply: the port's address" "$r" "ia_addr" fd77::10
r=$(in_pod python3 "${CLIENT[@]}" inforeq eth0 $MA); echo "# inforeq: $r"
expect "information-request answered with a REPLY" "$r" "type" 7
expect "information-request: no address (stateless)" "$r" "'iaid' in dir()" False

# Router Solicitation -> Router Advertisement
r=$(in_pod python3 "${CLIENT[@]}" rs eth0 $MA); echo "# rs: $r"
expect "RS answered with an RA from the router MAC" "$r" "eth_src" $RMAC
expect "RA to the soliciting host" "$r" "eth_dst" $MA
expect "RA from the router's link-local address" "$r" "ip6_src" fe80::200:ff:fed6:a01
expect "RA to the host's address" "$r" "ip6_dst" fe80::200:ff:fed6:a0a
expect "RA hop limit 255" "$r" "hlim" 255
expect "RA ICMPv6 checksum valid" "$r" "csum_ok" True
expect "RA: M flag (dhcpv6_stateful)" "$r" "flags & 0xc0" 128
expect "RA: router lifetime" "$r" "lifetime" 65535
expect "RA: MTU 1400" "$r" "mtu" 1400
expect "RA: source link-layer address" "$r" "slla" $RMAC
expect "RA: prefix fd77::/64 on-link, not autonomous" "$r" "[(p['prefix'], p['flags']) for p in prefixes]" "[('fd77::/64', 128)]"

# DNS
r=$(in_pod python3 "${CLIENT[@]}" dns 10.77.0.1 web.ovn.test A); echo "# dns A: $r"
expect "DNS A answered" "$r" "answers" "['10.77.0.80']"
expect "DNS A: a response with the query's id" "$r" "qr and id_ok" True
expect "DNS A: from the address asked" "$r" "peer" 10.77.0.1
expect "DNS A: TTL 3600" "$r" "ttl" 3600
r=$(in_pod python3 "${CLIENT[@]}" dns fd77::1 WEB.ovn.test AAAA); echo "# dns AAAA: $r"
expect "DNS AAAA over IPv6 answered (case-insensitive)" "$r" "answers" "['fd77::80']"
r=$(in_pod python3 "${CLIENT[@]}" dns 10.77.0.1 80.0.77.10.in-addr.arpa PTR); echo "# dns PTR: $r"
expect "DNS PTR answered" "$r" "answers" "['web.ovn.test']"
r=$(in_pod python3 "${CLIENT[@]}" dns 10.77.0.1 nope.ovn.test A); echo "# dns miss: $r"
expect "DNS query for no record: no answer" "$r" "none" True
# Resumed as it was (result 0), it went on to the router, which does not
# serve DNS and drops it in lr_in_ip_input.
n=$("${CTL[@]}" drops 2>/dev/null | awk '$1 == "lr_in_ip_input" { print $3 }')
if [[ ${n:-0} -ge 1 ]]; then ok "unanswered query resumed toward the router"; else not_ok "unanswered query resumed toward the router (lr_in_ip_input drops: ${n:-none})"; fi

# The services' counters (`ovnbpfctl services`) saw what was answered:
# 3 DHCPv6 (solicit, request, information-request), 1 RA, 3 DNS answers
# and the query without a record (the client asks again when no answer
# comes: unanswered counts each try).
svc=$("${CTL[@]}" services); echo "$svc" | sed 's/^/# /'
svc_get() { echo "$svc" | awk -v s="$1" -v k="$2" '$1 == s { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) print kv[2] } }'; }
expect_n() { if [[ $(svc_get "$2" "$3") == "$4" ]]; then ok "$1"; else not_ok "$1 (got '$(svc_get "$2" "$3")', want '$4')"; fi; }
expect_n "services: dhcp6 replies counted" dhcp6 replies 3
expect_n "services: nd_ra replies counted" nd_ra replies 1
expect_n "services: dns replies counted" dns replies 3
u=$(svc_get dns unanswered); q=$(svc_get dns requests)
check "services: dns query without a record counted as unanswered" \
    test "${u:-0}" -ge 1 -a "${q:-0}" -eq $(( 3 + ${u:-0} ))
expect_n "services: no malformed dhcp6 request" dhcp6 bad_request 0

if [[ $T_FAILED -ne 0 ]]; then
    "${CTL[@]}" drops 2>/dev/null | awk '$3 != 0' >&2 || true
    tail -30 "$T_DIR/ovnbpfd.log" >&2
fi
