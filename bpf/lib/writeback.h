/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Header write-back: make the packet's bytes say what the context's flow
 * key says.  c->pkt holds the fields as they are in the packet right now,
 * so only groups of fields that differ are stored (with checksum fixes),
 * and a multicast member after another one only undoes/does what differs
 * between the two.  arp {} and nd_na {} change the packet's shape: the
 * frame is rebuilt whole.
 *
 * Written back: eth.src/dst; IPv4 tos/ttl/src/dst (IP and TCP/UDP
 * pseudo-header checksums); IPv6 hop limit/src/dst (TCP/UDP/ICMPv6
 * checksums); TCP/UDP ports; SCTP ports (CRC32c, lib/sctp_nat.h); ICMP
 * type/code; ARP op/sha/spa/tha/tpa.
 * Not yet: vlan.tci, ip6 traffic class/label,
 * ND target/sll/tll of a packet that stays an NS/NA.
 */
#pragma once

#include "lib/state.h"
#include "lib/parse.h"
#include "lib/nd_ns.h"
#include "lib/sctp_nat.h"

#define BPF_F_PSEUDO_HDR_	(1ULL << 4)
#define BPF_F_MARK_MANGLED_0_	(1ULL << 5)

static __always_inline bool ovn_neq(const void *a, const void *b, int n)
{
	const __u8 *x = a, *y = b;
	__u8 d = 0;
	int i;

#pragma unroll
	for (i = 0; i < n; i++)
		d |= x[i] ^ y[i];
	return d;
}

static __always_inline __u16 ovn_csum_fold(__s64 s)
{
	__u32 sum = (__u32)s;

	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

/* Rewrite the ICMP/ICMPv6 checksum at OFF for a change whose ones'-
 * complement difference is D (from bpf_csum_diff), by hand: a packet that
 * pktgen turned into an ICMP error still has the skb checksum state of
 * the TCP/UDP segment it was (CHECKSUM_PARTIAL from a local socket), and
 * for that state bpf_l4_csum_replace() leaves a full checksum untouched
 * (no pseudo header: ICMPv4) or updates it as a partial one (ICMPv6), so
 * the error would leave with a wrong checksum. */
static __always_inline int ovn_wb_icmp_csum(struct __sk_buff *skb, __u32 off, __s64 d)
{
	__u16 cs;
	__u64 s;

	if (d < 0 || bpf_skb_load_bytes(skb, off, &cs, 2))
		return -1;
	s = (__u32)d + (__u64)(__u16)~cs;
	s = (s & 0xffffffff) + (s >> 32);
	cs = ovn_csum_fold(s);
	return bpf_skb_store_bytes(skb, off, &cs, 2, BPF_F_RECOMPUTE_CSUM) ? -1 : 0;
}

static __always_inline int ovn_l4_csum_off(__u8 proto, __u64 *flags)
{
	*flags = 0;
	switch (proto) {
	case IPPROTO_TCP_:
		return 16;
	case IPPROTO_UDP_:
		*flags = BPF_F_MARK_MANGLED_0_;
		return 6;
	case IPPROTO_ICMPV6_:
		return 2;
	default:
		return -1;
	}
}

static __always_inline int ovn_wb_ip4(struct __sk_buff *skb, struct ovn_ctx *c)
{
	struct ovn_flow_key *k = &c->key, *p = &c->pkt;
	__u32 l3 = c->x.l3_off;
	__u8 *o = c->scratch_a, *n = c->scratch_b;
	__u64 fl;
	__s64 d;
	int co;

	if (k->ip_tos == p->ip_tos && k->ip_ttl == p->ip_ttl &&
	    k->ip4_src == p->ip4_src && k->ip4_dst == p->ip4_dst)
		return 0;
	if (bpf_skb_load_bytes(skb, l3, o, 20))
		return -1;
	__builtin_memcpy(n, o, 20);
	n[1] = k->ip_tos;
	n[8] = k->ip_ttl;
	__builtin_memcpy(&n[12], &k->ip4_src, 4);
	__builtin_memcpy(&n[16], &k->ip4_dst, 4);
	d = bpf_csum_diff((__be32 *)o, 20, (__be32 *)n, 20, 0);
	if (bpf_skb_store_bytes(skb, l3, n, 20, 0) ||
	    bpf_l3_csum_replace(skb, l3 + 10, 0, d, 0))
		return -1;
	if ((k->ip4_src != p->ip4_src || k->ip4_dst != p->ip4_dst) &&
	    (c->x.parse & OVN_P_L4) && k->ip_proto != IPPROTO_ICMPV6_) {
		co = ovn_l4_csum_off(k->ip_proto, &fl);
		if (co >= 0) {
			d = bpf_csum_diff((__be32 *)&o[12], 8, (__be32 *)&n[12], 8, 0);
			if (bpf_l4_csum_replace(skb, c->x.l4_off + co, 0, d,
						BPF_F_PSEUDO_HDR_ | fl))
				return -1;
		}
	}
	p->ip_tos = k->ip_tos;
	p->ip_ttl = k->ip_ttl;
	p->ip4_src = k->ip4_src;
	p->ip4_dst = k->ip4_dst;
	return 0;
}

static __always_inline int ovn_wb_ip6(struct __sk_buff *skb, struct ovn_ctx *c)
{
	struct ovn_flow_key *k = &c->key, *p = &c->pkt;
	__u32 l3 = c->x.l3_off;
	__u8 *o = c->scratch_a, *n = c->scratch_b;
	bool addr;
	__u64 fl;
	__s64 d;
	int co;

	addr = ovn_neq(k->ip6_src, p->ip6_src, 32);
	if (!addr && k->ip_ttl == p->ip_ttl)
		return 0;
	if (bpf_skb_load_bytes(skb, l3, o, 40))
		return -1;
	__builtin_memcpy(n, o, 40);
	n[7] = k->ip_ttl;
	__builtin_memcpy(&n[8], k->ip6_src, 32);
	if (bpf_skb_store_bytes(skb, l3, n, 40, 0))
		return -1;
	if (addr && (c->x.parse & OVN_P_L4)) {
		co = ovn_l4_csum_off(k->ip_proto, &fl);
		if (co >= 0) {
			d = bpf_csum_diff((__be32 *)&o[8], 32, (__be32 *)&n[8], 32, 0);
			if (k->ip_proto == IPPROTO_ICMPV6_) {
				if (ovn_wb_icmp_csum(skb, c->x.l4_off + co, d))
					return -1;
			} else if (bpf_l4_csum_replace(skb, c->x.l4_off + co, 0, d,
						       BPF_F_PSEUDO_HDR_ | fl)) {
				return -1;
			}
		}
	}
	p->ip_ttl = k->ip_ttl;
	__builtin_memcpy(p->ip6_src, k->ip6_src, 32);
	return 0;
}

static __always_inline int ovn_wb_l4(struct __sk_buff *skb, struct ovn_ctx *c)
{
	struct ovn_flow_key *k = &c->key, *p = &c->pkt;
	__u32 l4 = c->x.l4_off;
	__u8 o[4] = {}, n[4] = {};
	__u64 fl;
	__s64 d;
	int co;

	if (!(c->x.parse & OVN_P_L4))
		return 0;
	if (k->ip_proto == IPPROTO_TCP_ || k->ip_proto == IPPROTO_UDP_) {
		if (k->tp_src == p->tp_src && k->tp_dst == p->tp_dst)
			return 0;
		__builtin_memcpy(o, &p->tp_src, 4);
		__builtin_memcpy(n, &k->tp_src, 4);
		co = ovn_l4_csum_off(k->ip_proto, &fl);
		d = bpf_csum_diff((__be32 *)o, 4, (__be32 *)n, 4, 0);
		if (bpf_skb_store_bytes(skb, l4, n, 4, 0) ||
		    bpf_l4_csum_replace(skb, l4 + co, 0, d, fl))
			return -1;
		p->tp_src = k->tp_src;
		p->tp_dst = k->tp_dst;
	} else if (k->ip_proto == IPPROTO_SCTP_) {
		if (k->tp_src == p->tp_src && k->tp_dst == p->tp_dst)
			return 0;
		co = ovn_sctp_set_ports(skb, c);
		if (co)
			return co;
		p->tp_src = k->tp_src;
		p->tp_dst = k->tp_dst;
	} else if (k->ip_proto == IPPROTO_ICMP_ || k->ip_proto == IPPROTO_ICMPV6_) {
		if (k->icmp_type == p->icmp_type && k->icmp_code == p->icmp_code)
			return 0;
		o[0] = p->icmp_type;
		o[1] = p->icmp_code;
		n[0] = k->icmp_type;
		n[1] = k->icmp_code;
		d = bpf_csum_diff((__be32 *)o, 4, (__be32 *)n, 4, 0);
		if (bpf_skb_store_bytes(skb, l4, n, 2, BPF_F_RECOMPUTE_CSUM) ||
		    ovn_wb_icmp_csum(skb, l4 + 2, d))
			return -1;
		p->icmp_type = k->icmp_type;
		p->icmp_code = k->icmp_code;
	}
	return 0;
}

/* The drop reason for a failed ovn_writeback() returning ERR. */
static __always_inline __u32 ovn_wb_drop(int err)
{
	return err < -1 ? (__u32)-err : DROP_WRITEBACK;
}

static __always_inline void ovn_arp_body(__u8 *a, const struct ovn_flow_key *k)
{
	a[0] = 0; a[1] = 1;		/* Ethernet */
	a[2] = 0x08; a[3] = 0x00;	/* IPv4 */
	a[4] = 6; a[5] = 4;
	__builtin_memcpy(&a[6], &k->arp_op, 2);
	__builtin_memcpy(&a[8], k->arp_sha, 6);
	__builtin_memcpy(&a[14], &k->arp_spa, 4);
	__builtin_memcpy(&a[18], k->arp_tha, 6);
	__builtin_memcpy(&a[24], &k->arp_tpa, 4);
}

static __always_inline int ovn_wb_arp(struct __sk_buff *skb, struct ovn_ctx *c)
{
	struct ovn_flow_key *k = &c->key, *p = &c->pkt;
	__u8 *a = c->scratch_a;

	/* arp_op .. arp_tha are contiguous in the key (22 bytes). */
	if (!ovn_neq(&k->arp_op, &p->arp_op, 22))
		return 0;
	ovn_arp_body(a, k);
	if (bpf_skb_store_bytes(skb, c->x.l3_off, a, 28, 0))
		return -1;
	__builtin_memcpy(&p->arp_op, &k->arp_op, 22);
	return 0;
}

/* arp {}: the frame becomes Ethernet + ARP (42 bytes). */
static __always_inline int ovn_rebuild_arp(struct __sk_buff *skb, struct ovn_ctx *c)
{
	struct ovn_flow_key *k = &c->key;
	__u8 *b = c->scratch_a;

	if (skb->len != 42 && bpf_skb_change_tail(skb, 42, 0))
		return -1;
	__builtin_memcpy(&b[0], k->eth_dst, 12);
	b[12] = 0x08;
	b[13] = 0x06;
	ovn_arp_body(&b[14], k);
	if (bpf_skb_store_bytes(skb, 0, b, 42, 0))
		return -1;
	c->x.l3_off = ETH_HLEN;
	c->x.parse = OVN_P_ARP;
	return 0;
}

#define OVN_NA_LEN	(ETH_HLEN + 40 + 32)

/* nd_na {}: the frame becomes Ethernet + IPv6 + NA with a TLL option. */
static __always_inline int ovn_rebuild_na(struct __sk_buff *skb, struct ovn_ctx *c)
{
	struct ovn_flow_key *k = &c->key;
	__u8 *b = c->scratch_a, *ph = c->scratch_b;
	__u8 *ip = &b[ETH_HLEN], *na = &b[ETH_HLEN + 40];
	__u16 cs;
	__s64 s;

	if (skb->len != OVN_NA_LEN && bpf_skb_change_tail(skb, OVN_NA_LEN, 0))
		return -1;
	__builtin_memset(b, 0, OVN_NA_LEN + 2);
	__builtin_memset(ph, 0, 40);
	__builtin_memcpy(&b[0], k->eth_dst, 12);
	b[12] = 0x86;
	b[13] = 0xdd;
	ip[0] = 0x60;
	ip[5] = 32;			/* payload length */
	ip[6] = IPPROTO_ICMPV6_;
	ip[7] = k->ip_ttl;
	__builtin_memcpy(&ip[8], k->ip6_src, 32);
	na[0] = ND_NEIGHBOR_ADVERT;
	/* Solicited + override, and router for nd_na_router. */
	na[4] = 0x60 | (c->x.na_router ? 0x80 : 0);
	__builtin_memcpy(&na[8], k->nd_target, 16);
	na[24] = ND_OPT_TLL;
	na[25] = 1;
	__builtin_memcpy(&na[26], k->nd_tll, 6);
	__builtin_memcpy(ph, k->ip6_src, 32);
	ph[35] = 32;
	ph[39] = IPPROTO_ICMPV6_;
	s = bpf_csum_diff(NULL, 0, (__be32 *)ph, 40, 0);
	s = bpf_csum_diff(NULL, 0, (__be32 *)na, 32, (__wsum)s);
	cs = ovn_csum_fold(s);
	__builtin_memcpy(&na[2], &cs, 2);
	if (bpf_skb_store_bytes(skb, 0, b, OVN_NA_LEN, 0))
		return -1;
	c->x.l3_off = ETH_HLEN;
	c->x.l4_off = ETH_HLEN + 40;
	c->x.parse = OVN_P_IP6 | OVN_P_L4 | OVN_P_ND;
	return 0;
}

/* Make the packet match c->key.  Returns 0, -1 or -DROP_* (a reason of
 * its own); ovn_wb_drop() turns it into the drop reason. */
static __always_inline int ovn_writeback(struct __sk_buff *skb, struct ovn_ctx *c)
{
	struct ovn_flow_key *k = &c->key, *p = &c->pkt;
	int err = 0;

	if (c->x.shape != c->x.pkt_shape) {
		/* A rebuilt frame cannot be turned back into the original
		 * by write-back: the fan-out or clone that needs it later
		 * keeps it first (lib/pkt_keep.h). */
		if (c->x.shape != OVN_SHAPE_ASIS) {
			err = ovn_keep_before_rebuild(skb, c);
			if (err)
				return err;
		}
		if (c->x.shape == OVN_SHAPE_ARP)
			err = ovn_rebuild_arp(skb, c);
		else if (c->x.shape == OVN_SHAPE_ND_NA)
			err = ovn_rebuild_na(skb, c);
		else if (c->x.shape == OVN_SHAPE_ND_NS)
			err = ovn_rebuild_ns(skb, c);
		else
			err = -1;
		if (err)
			return err;
		__builtin_memcpy(p, k, sizeof(*p));
		c->x.pkt_shape = c->x.shape;
		return 0;
	}
	if (ovn_neq(k->eth_dst, p->eth_dst, 12)) {
		if (bpf_skb_store_bytes(skb, 0, k->eth_dst, 12, 0))
			return -1;
		__builtin_memcpy(p->eth_dst, k->eth_dst, 12);
	}
	if (c->x.parse & OVN_P_IP4)
		err = ovn_wb_ip4(skb, c);
	else if (c->x.parse & OVN_P_IP6)
		err = ovn_wb_ip6(skb, c);
	else if (c->x.parse & OVN_P_ARP)
		err = ovn_wb_arp(skb, c);
	if (err)
		return err;
	if (c->x.parse & (OVN_P_IP4 | OVN_P_IP6))
		err = ovn_wb_l4(skb, c);
	return err;
}
