/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * nd_ns {}: the router's neighbour solicitation for ip6.dst.  The op only
 * sets the flow key (OVN's defaults, as pinctrl builds them); the frame is
 * made at write-back from the key, so that the nested actions (northd's
 * "nd.target = xxreg0; output;") change the packet that goes out, as
 * arp {} does.
 *
 * OVN 23.03 (pinctrl + OVS compose_nd_ns): eth.src kept, eth.dst and
 * ip6.dst the solicited-node multicast group of the packet's ip6.dst,
 * ip6.src the link-local address made from eth.src (EUI-64), hop limit
 * 255, target = the packet's ip6.dst, one SLL option = eth.src.  No VLAN
 * tag, no traffic class or flow label.
 */
#pragma once

#include "lib/state.h"
#include "lib/parse.h"

#define OVN_NS_LEN	(ETH_HLEN + 40 + 32)

static __always_inline int ovn_op_nd_ns(struct ovn_ctx *c)
{
	struct ovn_flow_key *k = &c->key;
	const __u8 *d = k->nd_target;

	if (!(c->x.parse & OVN_P_IP6))
		return -DROP_PKTGEN_PROTO;
	if (c->x.shape != OVN_SHAPE_ASIS && c->x.shape != OVN_SHAPE_GEN)
		return -DROP_PKTGEN_SHAPE;
	/* The target is the packet's ip6.dst; d reads it from there. */
	__builtin_memcpy(k->nd_target, k->ip6_dst, 16);
	k->eth_dst[0] = 0x33;
	k->eth_dst[1] = 0x33;
	k->eth_dst[2] = 0xff;
	k->eth_dst[3] = d[13];
	k->eth_dst[4] = d[14];
	k->eth_dst[5] = d[15];
	k->vlan_tci = 0;
	k->eth_type = bpf_htons(ETH_P_IPV6);
	k->ip_proto = IPPROTO_ICMPV6_;
	k->ip_tos = 0;
	k->ip_ttl = 255;
	k->ip_frag = 0;
	k->ip6_label = 0;
	k->ip4_src = 0;
	k->ip4_dst = 0;
	/* fe80::/64 + EUI-64 of eth.src */
	__builtin_memset(k->ip6_src, 0, 16);
	k->ip6_src[0] = 0xfe;
	k->ip6_src[1] = 0x80;
	k->ip6_src[8] = k->eth_src[0] ^ 0x02;
	k->ip6_src[9] = k->eth_src[1];
	k->ip6_src[10] = k->eth_src[2];
	k->ip6_src[11] = 0xff;
	k->ip6_src[12] = 0xfe;
	k->ip6_src[13] = k->eth_src[3];
	k->ip6_src[14] = k->eth_src[4];
	k->ip6_src[15] = k->eth_src[5];
	/* ff02::1:ff00:0/104 + the low 24 bits of the address */
	__builtin_memset(k->ip6_dst, 0, 16);
	k->ip6_dst[0] = 0xff;
	k->ip6_dst[1] = 0x02;
	k->ip6_dst[11] = 0x01;
	k->ip6_dst[12] = 0xff;
	k->ip6_dst[13] = d[13];
	k->ip6_dst[14] = d[14];
	k->ip6_dst[15] = d[15];
	k->tp_src = 0;
	k->tp_dst = 0;
	k->tcp_flags = 0;
	k->icmp_type = ND_NEIGHBOR_SOLICIT;
	k->icmp_code = 0;
	__builtin_memset(&k->arp_op, 0, 22);
	__builtin_memcpy(k->nd_sll, k->eth_src, 6);
	__builtin_memset(k->nd_tll, 0, 6);
	c->x.shape = OVN_SHAPE_ND_NS;
	return 0;
}

/* Write-back of an nd_ns {} packet: Ethernet + IPv6 + NS + SLL option,
 * all from the key. */
static __always_inline int ovn_rebuild_ns(struct __sk_buff *skb, struct ovn_ctx *c)
{
	struct ovn_flow_key *k = &c->key;
	__u8 *b = c->scratch_a, *ph = c->scratch_b;
	__u8 *ip = &b[ETH_HLEN], *ns = &b[ETH_HLEN + 40];
	__u32 s, lbl = bpf_ntohl(k->ip6_label);
	__u16 cs;

	if (skb->len != OVN_NS_LEN && bpf_skb_change_tail(skb, OVN_NS_LEN, 0))
		return -1;
	__builtin_memset(b, 0, OVN_NS_LEN + 2);
	__builtin_memset(ph, 0, 40);
	__builtin_memcpy(&b[0], k->eth_dst, 12);
	b[12] = 0x86;
	b[13] = 0xdd;
	ip[0] = 0x60 | (k->ip_tos >> 4);
	ip[1] = (k->ip_tos << 4) | ((lbl >> 16) & 0x0f);
	ip[2] = lbl >> 8;
	ip[3] = lbl;
	ip[5] = 32;			/* payload length */
	ip[6] = IPPROTO_ICMPV6_;
	ip[7] = k->ip_ttl;
	__builtin_memcpy(&ip[8], k->ip6_src, 32);
	ns[0] = k->icmp_type;
	ns[1] = k->icmp_code;
	__builtin_memcpy(&ns[8], k->nd_target, 16);
	ns[24] = ND_OPT_SLL;
	ns[25] = 1;
	__builtin_memcpy(&ns[26], k->nd_sll, 6);
	__builtin_memcpy(ph, k->ip6_src, 32);
	ph[35] = 32;
	ph[39] = IPPROTO_ICMPV6_;
	s = bpf_csum_diff(NULL, 0, (__be32 *)ph, 40, 0);
	s = bpf_csum_diff(NULL, 0, (__be32 *)ns, 32, s);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	cs = ~s & 0xffff;
	__builtin_memcpy(&ns[2], &cs, 2);
	if (bpf_skb_store_bytes(skb, 0, b, OVN_NS_LEN, 0))
		return -1;
	c->x.l3_off = ETH_HLEN;
	c->x.l4_off = ETH_HLEN + 40;
	c->x.nd_opt_off = ETH_HLEN + 40 + 24;
	c->x.parse = OVN_P_IP6 | OVN_P_L4 | OVN_P_ND;
	return 0;
}
