/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Flow key extraction, once per packet, into the context (maps/context.h).
 *
 * Every read goes through bpf_skb_load_bytes(), so no read can run past the
 * packet.  A header that is announced but cut short, or malformed in a way
 * that leaves its fields undefined, drops the packet with a numbered reason:
 * it must not go on with fields left at zero and match a flow that was
 * written for "port 0" (or slip past one that checks ports).  Fields of a
 * protocol the packet does not carry stay zero; the compiler's
 * prerequisites (ip.proto, eth.type, ...) keep them from matching.
 */
#pragma once

#include "lib/common.h"
#include "maps/context.h"
#include "maps/drop_reasons.h"

#define IPPROTO_HOPOPTS_	0
#define IPPROTO_ICMP_		1
#define IPPROTO_TCP_		6
#define IPPROTO_UDP_		17
#define IPPROTO_ROUTING_	43
#define IPPROTO_FRAGMENT_	44
#define IPPROTO_AH_		51
#define IPPROTO_ICMPV6_		58
#define IPPROTO_DSTOPTS_	60
#define IPPROTO_SCTP_		132

#define ND_NEIGHBOR_SOLICIT	135
#define ND_NEIGHBOR_ADVERT	136
#define ND_OPT_SLL		1
#define ND_OPT_TLL		2

/* How many IPv6 extension headers we walk; more is treated as malformed
 * (we could not tell what the L4 protocol is). */
#define OVN_IP6_MAX_EXTHDRS	6
/* How many ND options we look at for SLL/TLL. */
#define OVN_ND_MAX_OPTS		3

static __always_inline void ovn_copy6(__u8 *d, const __u8 *s)
{
	__builtin_memcpy(d, s, 6);
}

static __always_inline int ovn_parse_arp(struct __sk_buff *skb, struct ovn_ctx *c, __u32 off)
{
	struct ovn_flow_key *k = &c->key;
	__u8 a[28];

	if (bpf_skb_load_bytes(skb, off, a, sizeof(a)))
		return -DROP_TRUNC_ARP;
	/* Ethernet/IPv4 ARP only: anything else has no arp.* fields. */
	if (a[0] != 0 || a[1] != 1 || a[2] != 0x08 || a[3] != 0x00 || a[4] != 6 || a[5] != 4)
		return -DROP_BAD_ARP;
	__builtin_memcpy(&k->arp_op, &a[6], 2);
	ovn_copy6(k->arp_sha, &a[8]);
	__builtin_memcpy(&k->arp_spa, &a[14], 4);
	ovn_copy6(k->arp_tha, &a[18]);
	__builtin_memcpy(&k->arp_tpa, &a[24], 4);
	c->x.parse |= OVN_P_ARP;
	return 0;
}

/* ND options after an NS/NA: the first source (NS) or target (NA) link-layer
 * address option is nd.sll / nd.tll.  A zero-length option is malformed. */
static __always_inline int ovn_parse_nd_opts(struct __sk_buff *skb, struct ovn_ctx *c,
					     __u32 off, __u8 type)
{
	struct ovn_flow_key *k = &c->key;
	__u8 o[8];
	int i;

#pragma unroll
	for (i = 0; i < OVN_ND_MAX_OPTS; i++) {
		if (off + 2 > skb->len)
			return 0;
		if (bpf_skb_load_bytes(skb, off, o, 2))
			return -DROP_BAD_ND;
		if (o[1] == 0)
			return -DROP_BAD_ND;
		if ((o[0] == ND_OPT_SLL && type == ND_NEIGHBOR_SOLICIT) ||
		    (o[0] == ND_OPT_TLL && type == ND_NEIGHBOR_ADVERT)) {
			if (o[1] != 1 || bpf_skb_load_bytes(skb, off, o, 8))
				return -DROP_BAD_ND;
			if (type == ND_NEIGHBOR_SOLICIT)
				ovn_copy6(k->nd_sll, &o[2]);
			else
				ovn_copy6(k->nd_tll, &o[2]);
			c->x.nd_opt_off = off;
			return 0;
		}
		off += o[1] * 8;
	}
	return 0;
}

static __always_inline int ovn_parse_l4(struct __sk_buff *skb, struct ovn_ctx *c, __u32 off,
					__u8 proto)
{
	struct ovn_flow_key *k = &c->key;
	__u8 h[24];

	c->x.l4_off = off;
	switch (proto) {
	case IPPROTO_TCP_:
		if (bpf_skb_load_bytes(skb, off, h, 20))
			return -DROP_TRUNC_TCP;
		/* A data offset below 5 words leaves the header undefined. */
		if ((h[12] >> 4) < 5)
			return -DROP_TRUNC_TCP;
		__builtin_memcpy(&k->tp_src, &h[0], 4);
		k->tcp_flags = bpf_htons(((h[12] & 0x0f) << 8 | h[13]) & 0x0fff);
		break;
	case IPPROTO_UDP_:
		if (bpf_skb_load_bytes(skb, off, h, 8))
			return -DROP_TRUNC_UDP;
		__builtin_memcpy(&k->tp_src, &h[0], 4);
		break;
	case IPPROTO_SCTP_:
		if (bpf_skb_load_bytes(skb, off, h, 12))
			return -DROP_TRUNC_SCTP;
		__builtin_memcpy(&k->tp_src, &h[0], 4);
		break;
	case IPPROTO_ICMP_:
		if (!(c->x.parse & OVN_P_IP4))
			return 0;
		if (bpf_skb_load_bytes(skb, off, h, 8))
			return -DROP_TRUNC_ICMP4;
		k->icmp_type = h[0];
		k->icmp_code = h[1];
		/* a query's identifier, for conntrack (lib/ct.h) */
		__builtin_memcpy(&c->frag.icmp_id, &h[4], 2);
		break;
	case IPPROTO_ICMPV6_:
		if (!(c->x.parse & OVN_P_IP6))
			return 0;
		if (bpf_skb_load_bytes(skb, off, h, 4))
			return -DROP_TRUNC_ICMP6;
		k->icmp_type = h[0];
		k->icmp_code = h[1];
		/* Echo and node information carry an identifier (lib/ct.h):
		 * one cut short of it is malformed, as in ICMPv4. */
		if (h[0] == 128 || h[0] == 129 || h[0] == 139 || h[0] == 140) {
			if (bpf_skb_load_bytes(skb, off + 4, &c->frag.icmp_id, 2))
				return -DROP_TRUNC_ICMP6;
		}
		if ((h[0] == ND_NEIGHBOR_SOLICIT || h[0] == ND_NEIGHBOR_ADVERT) && h[1] == 0) {
			if (bpf_skb_load_bytes(skb, off + 8, k->nd_target, 16))
				return -DROP_BAD_ND;
			c->x.parse |= OVN_P_ND;
			c->x.parse |= OVN_P_L4;
			return ovn_parse_nd_opts(skb, c, off + 24, h[0]);
		}
		break;
	default:
		return 0;
	}
	c->x.parse |= OVN_P_L4;
	return 0;
}

static __always_inline int ovn_parse_ip4(struct __sk_buff *skb, struct ovn_ctx *c, __u32 off)
{
	struct ovn_flow_key *k = &c->key;
	__u16 tot_len, frag;
	__u8 h[20];
	__u32 ihl;

	if (bpf_skb_load_bytes(skb, off, h, sizeof(h)))
		return -DROP_TRUNC_IP4;
	ihl = (h[0] & 0x0f) * 4;
	if ((h[0] >> 4) != 4 || ihl < 20)
		return -DROP_BAD_IP4;
	tot_len = (__u16)h[2] << 8 | h[3];
	if (tot_len < ihl)
		return -DROP_BAD_IP4;
	if (off + tot_len > skb->len)
		return -DROP_TRUNC_IP4;
	k->ip_tos = h[1];
	k->ip_ttl = h[8];
	k->ip_proto = h[9];
	__builtin_memcpy(&k->ip4_src, &h[12], 4);
	__builtin_memcpy(&k->ip4_dst, &h[16], 4);
	frag = ((__u16)h[6] << 8 | h[7]) & 0x3fff;
	c->x.parse |= OVN_P_IP4;
	if (frag) {
		k->ip_frag = 1;
		/* The datagram's name for lib/frag.h. */
		c->frag.id = bpf_htonl((__u32)h[4] << 8 | h[5]);
		if (frag & 0x1fff) {
			/* Later fragments have no L4 header: ip.later_frag
			 * is set and L4 fields stay absent. */
			k->ip_frag |= 2;
			c->x.parse |= OVN_P_LATER_FRAG;
			return 0;
		}
	}
	return ovn_parse_l4(skb, c, off + ihl, k->ip_proto);
}

static __always_inline int ovn_parse_ip6(struct __sk_buff *skb, struct ovn_ctx *c, __u32 off)
{
	struct ovn_flow_key *k = &c->key;
	__u32 plen, end;
	__u8 h[40], e[8], nh;
	int i;

	if (bpf_skb_load_bytes(skb, off, h, sizeof(h)))
		return -DROP_TRUNC_IP6;
	if ((h[0] >> 4) != 6)
		return -DROP_TRUNC_IP6;
	plen = (__u32)h[4] << 8 | h[5];
	end = off + 40 + plen;
	if (end > skb->len)
		return -DROP_TRUNC_IP6;
	k->ip_tos = (h[0] << 4) | (h[1] >> 4);
	k->ip6_label = bpf_htonl(((__u32)(h[1] & 0x0f) << 16) | ((__u32)h[2] << 8) | h[3]);
	k->ip_ttl = h[7];
	__builtin_memcpy(k->ip6_src, &h[8], 16);
	__builtin_memcpy(k->ip6_dst, &h[24], 16);
	c->x.parse |= OVN_P_IP6;
	nh = h[6];
	off += 40;

#pragma unroll
	for (i = 0; i < OVN_IP6_MAX_EXTHDRS; i++) {
		switch (nh) {
		case IPPROTO_HOPOPTS_:
		case IPPROTO_ROUTING_:
		case IPPROTO_DSTOPTS_:
		case IPPROTO_AH_:
			if (off + 8 > end || bpf_skb_load_bytes(skb, off, e, 8))
				return -DROP_BAD_IP6_EXTHDR;
			/* AH counts 4-byte words minus 2, the others
			 * 8-byte words minus 1. */
			if (nh == IPPROTO_AH_)
				off += ((__u32)e[1] + 2) * 4;
			else
				off += ((__u32)e[1] + 1) * 8;
			nh = e[0];
			break;
		case IPPROTO_FRAGMENT_:
			if (off + 8 > end || bpf_skb_load_bytes(skb, off, e, 8))
				return -DROP_BAD_IP6_EXTHDR;
			nh = e[0];
			off += 8;
			k->ip_frag = 1;
			__builtin_memcpy(&c->frag.id, &e[4], 4);
			if ((((__u16)e[2] << 8 | e[3]) & 0xfff8) != 0) {
				k->ip_frag |= 2;
				k->ip_proto = nh;
				c->x.parse |= OVN_P_LATER_FRAG;
				return 0;
			}
			break;
		default:
			k->ip_proto = nh;
			return ovn_parse_l4(skb, c, off, nh);
		}
	}
	/* Still inside extension headers: the L4 protocol is unknown and
	 * OVN's ip.proto would be wrong; refuse rather than guess. */
	return -DROP_BAD_IP6_EXTHDR;
}

/* Fill c->key (and c->x.l3_off/l4_off/parse) from the packet. */
static __always_inline int ovn_parse(struct __sk_buff *skb, struct ovn_ctx *c)
{
	struct ovn_flow_key *k = &c->key;
	__u32 off = ETH_HLEN;
	__u8 eth[ETH_HLEN], v[4];
	__be16 proto;

	if (bpf_skb_load_bytes(skb, 0, eth, sizeof(eth)))
		return -DROP_RUNT_ETH;
	__builtin_memcpy(k->eth_dst, &eth[0], 6);
	__builtin_memcpy(k->eth_src, &eth[6], 6);
	__builtin_memcpy(&proto, &eth[12], 2);
	if (proto == bpf_htons(ETH_P_8021Q) || proto == bpf_htons(ETH_P_8021AD)) {
		if (bpf_skb_load_bytes(skb, off, v, sizeof(v)))
			return -DROP_TRUNC_VLAN;
		/* vlan.present is the CFI bit position, as in OVS. */
		k->vlan_tci = bpf_htons(((__u16)v[0] << 8 | v[1]) | 0x1000);
		__builtin_memcpy(&proto, &v[2], 2);
		off += 4;
		c->x.parse |= OVN_P_VLAN;
	}
	k->eth_type = proto;
	c->x.l3_off = off;
	switch (proto) {
	case bpf_htons(ETH_P_ARP):
		return ovn_parse_arp(skb, c, off);
	case bpf_htons(ETH_P_IP):
		return ovn_parse_ip4(skb, c, off);
	case bpf_htons(ETH_P_IPV6):
		return ovn_parse_ip6(skb, c, off);
	default:
		return 0;
	}
}
