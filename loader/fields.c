// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The base field table.  Widths and maskability are OVS's (meta-flow), as
 * OVN's symbol table derives ordinal/nominal from them: a field OVS cannot
 * match bitwise (eth.type, ip.proto, ip.ttl, ICMP type/code, arp.op) is
 * nominal and only tested for equality.
 */
#include <stddef.h>

#include "loader/fields.h"

static const struct mf_field mf_fields[MFF_N_IDS] = {
#define F(ID, NAME, BITS, MASK, WR) \
	[ID] = { .id = ID, .name = NAME, .n_bits = BITS, .maskable = MASK, \
		 .writable = WR }
	F(MFF_NONE, "none", 0, false, false),
	F(MFF_LOG_INPORT, "inport", 0, false, true),
	F(MFF_LOG_OUTPORT, "outport", 0, false, true),
	F(MFF_LOG_FLAGS, "flags", 32, true, true),
	F(MFF_XXREG0, "xxreg0", 128, true, true),
	F(MFF_XXREG1, "xxreg1", 128, true, true),
	F(MFF_XREG4, "xreg4", 64, true, true),
	F(MFF_CT_STATE, "ct_state", 32, true, false),
	F(MFF_CT_MARK, "ct_mark", 32, true, true),
	F(MFF_CT_LABEL, "ct_label", 128, true, true),
	F(MFF_ETH_SRC, "eth.src", 48, true, true),
	F(MFF_ETH_DST, "eth.dst", 48, true, true),
	F(MFF_ETH_TYPE, "eth.type", 16, false, false),
	F(MFF_VLAN_TCI, "vlan.tci", 16, true, true),
	F(MFF_IP_PROTO, "ip.proto", 8, false, false),
	F(MFF_IP_DSCP, "ip.dscp", 6, false, true),
	F(MFF_IP_ECN, "ip.ecn", 2, false, true),
	F(MFF_IP_TTL, "ip.ttl", 8, false, true),
	F(MFF_IP_FRAG, "ip.frag", 2, true, false),
	F(MFF_IPV4_SRC, "ip4.src", 32, true, true),
	F(MFF_IPV4_DST, "ip4.dst", 32, true, true),
	F(MFF_IPV6_SRC, "ip6.src", 128, true, true),
	F(MFF_IPV6_DST, "ip6.dst", 128, true, true),
	F(MFF_IPV6_LABEL, "ip6.label", 20, true, true),
	F(MFF_ICMPV4_TYPE, "icmp4.type", 8, false, true),
	F(MFF_ICMPV4_CODE, "icmp4.code", 8, false, true),
	F(MFF_ICMPV6_TYPE, "icmp6.type", 8, false, true),
	F(MFF_ICMPV6_CODE, "icmp6.code", 8, false, true),
	F(MFF_ARP_OP, "arp.op", 16, false, true),
	F(MFF_ARP_SPA, "arp.spa", 32, true, true),
	F(MFF_ARP_TPA, "arp.tpa", 32, true, true),
	F(MFF_ARP_SHA, "arp.sha", 48, true, true),
	F(MFF_ARP_THA, "arp.tha", 48, true, true),
	F(MFF_ND_TARGET, "nd.target", 128, true, true),
	F(MFF_ND_SLL, "nd.sll", 48, true, true),
	F(MFF_ND_TLL, "nd.tll", 48, true, true),
	F(MFF_TCP_SRC, "tcp.src", 16, true, true),
	F(MFF_TCP_DST, "tcp.dst", 16, true, true),
	F(MFF_TCP_FLAGS, "tcp.flags", 12, true, false),
	F(MFF_UDP_SRC, "udp.src", 16, true, true),
	F(MFF_UDP_DST, "udp.dst", 16, true, true),
	F(MFF_SCTP_SRC, "sctp.src", 16, true, true),
	F(MFF_SCTP_DST, "sctp.dst", 16, true, true),
	F(MFF_PKT_MARK, "pkt.mark", 32, true, true),
	F(MFF_ICMP4_FRAG_MTU, "icmp4.frag_mtu", 16, false, true),
	F(MFF_ICMP6_FRAG_MTU, "icmp6.frag_mtu", 32, false, true),
#undef F
};

const struct mf_field *mf_from_id(enum mf_field_id id)
{
	if ((unsigned int)id >= MFF_N_IDS)
		return NULL;
	return &mf_fields[id];
}
