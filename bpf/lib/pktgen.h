/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * OVN's packet-producing actions, in BPF: icmp4 {}, icmp6 {}, icmp4_error {},
 * icmp6_error {}, tcp_reset {}, sctp_abort {}, reject {}, and
 * icmp4/6.frag_mtu.  In OVN the
 * packet goes to ovn-controller (pinctrl), which builds a new one and sends
 * it back with the nested actions; here the packet is rebuilt in place when
 * the op runs, and the ops that follow are the nested actions, which change
 * the new packet's fields through the usual write-back.
 *
 * The new packet is what pinctrl 23.03 builds:
 *  - ICMP error: eth addresses kept (swapped by reject), the original VLAN
 *    tag kept; IPv4 tos 0, id 0, DF, ttl 255, proto ICMP; IPv6 tc/label 0,
 *    hop limit 255.  ICMPv4 type 3 code 1 (code 3 for UDP when the action
 *    is icmp4 {} or reject {}), quoting the original IP packet up to a
 *    576-byte frame; ICMPv6 type 1 code 1 (4 for UDP likewise), quoting up
 *    to a 1280-byte frame.
 *  - TCP RST: no VLAN tag, ttl/hop limit 63, ports swapped, seq 0,
 *    ack = original seq + 1, RST|ACK, window 0; addresses swapped only by
 *    reject {}.
 *  - SCTP ABORT: see ovn_pg_sctp().
 *  - reject {}: tcp_reset for TCP, sctp_abort for SCTP, else an ICMP error.
 *    It sends nothing for a TCP RST, an ICMPv4 destination
 *    unreachable or an ICMPv6 destination unreachable (nor for a TCP/ICMP
 *    packet without its L4 header).
 *
 * Header fields the pipeline changed before the action are written back
 * first, so the quoted packet is the packet as OVN would have sent it to
 * pinctrl.  The new packet's shape is OVN_SHAPE_GEN; inside a multicast
 * fan-out or a clone the original frame is kept first and put back for
 * the next member (lib/pkt_keep.h), so each member whose egress generates
 * sends its own packet and the others still get the original.
 */
#pragma once

#include "lib/state.h"
#include "lib/parse.h"
#include "lib/writeback.h"
#include "lib/crc32c.h"

#define OVN_ICMP4_ROOM		(576 - ETH_HLEN - 20 - 8)
#define OVN_ICMP6_ROOM		(1280 - ETH_HLEN - 40 - 8)
#define OVN_PG_CHUNK		64
#define OVN_PG_MAX_CHUNKS	((OVN_ICMP6_ROOM + OVN_PG_CHUNK - 1) / OVN_PG_CHUNK)

#define OVN_TCP_RST		0x04
#define OVN_TCP_ACK		0x10

/* Fold a sum of bpf_csum_diff() results into a 16-bit checksum (stored as
 * is: the sums are over bytes in network order). */
static __always_inline __u16 ovn_pg_fold(__u64 s)
{
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return ~s & 0xffff;
}

/* Move LEN bytes of the packet from FROM to TO (TO > FROM: last chunk
 * first, so nothing is overwritten before it is read) and return their
 * ones'-complement sum (>= 0), or -1.  Chunks start at even offsets of the
 * moved block, so their sums add up. */
static __noinline __s64 ovn_pg_move(struct __sk_buff *skb, struct ovn_ctx *c, __u32 from,
				    __u32 to, __u32 len)
{
	__u32 n_chunks = (len + OVN_PG_CHUNK - 1) / OVN_PG_CHUNK, i, j, off, n;
	__u8 *buf = c->scratch_b;
	__u64 sum = 0;
	__s64 s;

	if (len > OVN_ICMP6_ROOM)
		return -1;
	for (j = 0; j < OVN_PG_MAX_CHUNKS; j++) {
		if (j >= n_chunks)
			break;
		i = n_chunks - 1 - j;
		off = i * OVN_PG_CHUNK;
		n = len - off;
		if (n > OVN_PG_CHUNK)
			n = OVN_PG_CHUNK;
		/* The same value, in a range the verifier can see: [1, 64]. */
		n = ((n - 1) & (OVN_PG_CHUNK - 1)) + 1;
		__builtin_memset(buf, 0, OVN_PG_CHUNK);
		if (bpf_skb_load_bytes(skb, from + off, buf, n) ||
		    bpf_skb_store_bytes(skb, to + off, buf, n, 0))
			return -1;
		/* Zero padding adds nothing to the sum. */
		s = bpf_csum_diff(NULL, 0, (__be32 *)buf, OVN_PG_CHUNK, 0);
		if (s < 0)
			return -1;
		sum += (__u32)s;
	}
	return sum;
}

/* Copy N 32-bit words: clang copies __u8 arrays byte by byte through
 * registers, which spills past the 512-byte stack. */
static __always_inline void ovn_pg_words(void *dst, const void *src, int n)
{
	__u32 *d = dst;
	const __u32 *s = src;
	int i;

#pragma unroll
	for (i = 0; i < 8; i++)
		if (i < n)
			d[i] = s[i];
}

/* The key of a generated IP packet: no ARP/ND/L4 fields but what the
 * caller sets. */
static __always_inline void ovn_pg_key_ip(struct ovn_flow_key *k, __u16 eth_type, __u8 proto,
					  __u8 ttl)
{
	k->eth_type = bpf_htons(eth_type);
	k->ip_proto = proto;
	k->ip_tos = 0;
	k->ip_ttl = ttl;
	k->ip_frag = 0;
	k->ip6_label = 0;
	k->tp_src = 0;
	k->tp_dst = 0;
	k->tcp_flags = 0;
	k->icmp_type = 0;
	k->icmp_code = 0;
	__builtin_memset(&k->arp_op, 0, 22);
	__builtin_memset(k->nd_sll, 0, 12);
	__builtin_memset(k->nd_target, 0, 16);
}

static __always_inline void ovn_pg_swap_eth(struct ovn_flow_key *k)
{
	__u8 t[6];

	__builtin_memcpy(t, k->eth_dst, 6);
	__builtin_memcpy(k->eth_dst, k->eth_src, 6);
	__builtin_memcpy(k->eth_src, t, 6);
}

static __always_inline void ovn_pg_swap_ip(struct ovn_flow_key *k, bool v6)
{
	/* Word by word: a byte array temporary costs a register per byte. */
	__u32 *s = (__u32 *)k->ip6_src, *d = (__u32 *)k->ip6_dst, t;
	int i;

	if (v6) {
#pragma unroll
		for (i = 0; i < 4; i++) {
			t = d[i];
			d[i] = s[i];
			s[i] = t;
		}
	} else {
		t = k->ip4_dst;
		k->ip4_dst = k->ip4_src;
		k->ip4_src = t;
	}
}

/* The packet now is the generated one, L3 at L2 bytes. */
static __always_inline void ovn_pg_done(struct ovn_ctx *c, __u32 l2, __u32 l3_len, __u8 parse)
{
	c->x.l3_off = l2;
	c->x.l4_off = l2 + l3_len;
	c->x.nd_opt_off = 0;
	c->x.parse = parse;
	c->x.shape = OVN_SHAPE_GEN;
	c->x.pkt_shape = OVN_SHAPE_GEN;
	c->pkt = c->key;
}

/* Ethernet header in front of b + OVN_PG_L3, where L3 is built (4-byte
 * aligned, so that addresses are copied by words): the frame starts at
 * b + OVN_PG_L3 - 14, or - 18 with a VLAN tag. */
#define OVN_PG_L3	24

static __always_inline void ovn_pg_eth(__u8 *b, const struct ovn_flow_key *k, bool vlan,
				       __u16 eth_type)
{
	__u8 *e = b + OVN_PG_L3 - (vlan ? 18 : 14);
	__u16 tci = bpf_ntohs(k->vlan_tci) & ~0x1000;

	__builtin_memcpy(e, k->eth_dst, 12);
	if (vlan) {
		b[OVN_PG_L3 - 6] = 0x81;
		b[OVN_PG_L3 - 5] = 0x00;
		b[OVN_PG_L3 - 4] = tci >> 8;
		b[OVN_PG_L3 - 3] = tci;
	}
	b[OVN_PG_L3 - 2] = eth_type >> 8;
	b[OVN_PG_L3 - 1] = eth_type;
}

/* ICMP destination unreachable quoting the packet (IPv4 or IPv6). */
static __noinline int ovn_pg_icmp(struct __sk_buff *skb, struct ovn_ctx *c, __u32 flags)
{
	struct ovn_flow_key *k = &c->key;
	__u32 l3 = c->x.l3_off, q, hdr, newlen, len = skb->len;
	bool v6 = c->x.parse & OVN_P_IP6, vlan = c->x.parse & OVN_P_VLAN;
	__u8 *b = c->scratch_a, *ph = c->scratch_b, *ip = &b[OVN_PG_L3];
	__u8 h[12], code = 1;
	__u16 cs;
	__s64 s;

	if (!(c->x.parse & (OVN_P_IP4 | OVN_P_IP6)))
		return -DROP_PKTGEN_PROTO;
	if (bpf_skb_load_bytes(skb, l3, h, sizeof(h)))
		return -DROP_PKTGEN_FAILED;
	if (v6) {
		/* The whole IPv6 packet (the parser checked it is there). */
		q = 40 + ((__u32)h[4] << 8 | h[5]);
		if (q > OVN_ICMP6_ROOM)
			q = OVN_ICMP6_ROOM;
		/* pinctrl looks at the first next header only. */
		if ((flags & OVN_PKTGEN_F_UDP_CODE) && h[6] == IPPROTO_UDP_)
			code = 4;
		hdr = l3 + 40 + 8;
	} else {
		q = (__u32)h[2] << 8 | h[3];
		if (q > OVN_ICMP4_ROOM)
			q = OVN_ICMP4_ROOM;
		if ((flags & OVN_PKTGEN_F_UDP_CODE) && h[9] == IPPROTO_UDP_)
			code = 3;
		hdr = l3 + 20 + 8;
	}
	if (q < 20 || (l3 != ETH_HLEN && l3 != ETH_HLEN + 4))
		return -DROP_PKTGEN_PROTO;
	newlen = hdr + q;
	if (newlen > len && bpf_skb_change_tail(skb, newlen, 0))
		return -DROP_PKTGEN_FAILED;
	s = ovn_pg_move(skb, c, l3, hdr, q);
	if (s < 0)
		return -DROP_PKTGEN_FAILED;
	if (newlen < len && bpf_skb_change_tail(skb, newlen, 0))
		return -DROP_PKTGEN_FAILED;

	if (flags & OVN_PKTGEN_F_LOOPBACK) {
		ovn_pg_swap_eth(k);
		ovn_pg_swap_ip(k, v6);
	}
	__builtin_memset(b, 0, OVN_PG_L3 + 48);
	ovn_pg_eth(b, k, vlan, v6 ? ETH_P_IPV6 : ETH_P_IP);
	if (v6) {
		__u8 *ic = &ip[40];

		ip[0] = 0x60;
		ip[4] = (8 + q) >> 8;
		ip[5] = 8 + q;
		ip[6] = IPPROTO_ICMPV6_;
		ip[7] = 255;
		ovn_pg_words(&ip[8], k->ip6_src, 8);
		ic[0] = 1;		/* destination unreachable */
		ic[1] = code;
		__builtin_memset(ph, 0, 40);
		ovn_pg_words(ph, k->ip6_src, 8);
		ph[34] = (8 + q) >> 8;
		ph[35] = 8 + q;
		ph[39] = IPPROTO_ICMPV6_;
		s += (__u32)bpf_csum_diff(NULL, 0, (__be32 *)ph, 40, 0);
		s += (__u32)bpf_csum_diff(NULL, 0, (__be32 *)ic, 8, 0);
		cs = ovn_pg_fold(s);
		__builtin_memcpy(&ic[2], &cs, 2);
		ovn_pg_key_ip(k, ETH_P_IPV6, IPPROTO_ICMPV6_, 255);
		k->ip4_src = 0;
		k->ip4_dst = 0;
	} else {
		__u8 *ic = &ip[20];

		ip[0] = 0x45;
		ip[2] = (20 + 8 + q) >> 8;
		ip[3] = 20 + 8 + q;
		ip[6] = 0x40;		/* DF */
		ip[8] = 255;
		ip[9] = IPPROTO_ICMP_;
		ovn_pg_words(&ip[12], &k->ip4_src, 2);
		cs = ovn_pg_fold((__u32)bpf_csum_diff(NULL, 0, (__be32 *)ip, 20, 0));
		__builtin_memcpy(&ip[10], &cs, 2);
		ic[0] = 3;		/* destination unreachable */
		ic[1] = code;
		s += (__u32)bpf_csum_diff(NULL, 0, (__be32 *)ic, 8, 0);
		cs = ovn_pg_fold(s);
		__builtin_memcpy(&ic[2], &cs, 2);
		ovn_pg_key_ip(k, ETH_P_IP, IPPROTO_ICMP_, 255);
		__builtin_memset(k->ip6_src, 0, 32);
	}
	k->icmp_type = v6 ? 1 : 3;
	k->icmp_code = code;
	if (vlan) {
		if (bpf_skb_store_bytes(skb, 0, b + OVN_PG_L3 - 18, v6 ? 18 + 48 : 18 + 28, 0))
			return -DROP_PKTGEN_FAILED;
	} else {
		if (bpf_skb_store_bytes(skb, 0, b + OVN_PG_L3 - 14, v6 ? 14 + 48 : 14 + 28, 0))
			return -DROP_PKTGEN_FAILED;
	}
	ovn_pg_done(c, l3, v6 ? 40 : 20, OVN_P_L4 | (v6 ? OVN_P_IP6 : OVN_P_IP4) |
					  (vlan ? OVN_P_VLAN : 0));
	return 0;
}

/* TCP RST|ACK answering the segment (no VLAN tag, as pinctrl). */
static __noinline int ovn_pg_rst(struct __sk_buff *skb, struct ovn_ctx *c, __u32 flags)
{
	struct ovn_flow_key *k = &c->key;
	bool v6 = c->x.parse & OVN_P_IP6;
	__u32 newlen = ETH_HLEN + (v6 ? 40 : 20) + 20, seq;
	__u8 *b = c->scratch_a, *ph = c->scratch_b, *ip = &b[OVN_PG_L3], *th;
	__be16 port;
	__u16 cs;
	__s64 s;

	if (!(c->x.parse & (OVN_P_IP4 | OVN_P_IP6)) || k->ip_proto != IPPROTO_TCP_ ||
	    !(c->x.parse & OVN_P_L4))
		return -DROP_PKTGEN_PROTO;
	if (bpf_skb_load_bytes(skb, c->x.l4_off + 4, &seq, 4))
		return -DROP_PKTGEN_FAILED;
	if (skb->len != newlen && bpf_skb_change_tail(skb, newlen, 0))
		return -DROP_PKTGEN_FAILED;
	if (flags & OVN_PKTGEN_F_LOOPBACK) {
		ovn_pg_swap_eth(k);
		ovn_pg_swap_ip(k, v6);
	}
	port = k->tp_src;
	k->tp_src = k->tp_dst;
	k->tp_dst = port;
	__builtin_memset(b, 0, OVN_PG_L3 + 60);
	__builtin_memset(ph, 0, 40);
	k->vlan_tci = 0;
	ovn_pg_eth(b, k, false, v6 ? ETH_P_IPV6 : ETH_P_IP);
	if (v6) {
		th = &ip[40];
		ip[0] = 0x60;
		ip[5] = 20;
		ip[6] = IPPROTO_TCP_;
		ip[7] = 63;
		ovn_pg_words(&ip[8], k->ip6_src, 8);
		ovn_pg_words(ph, k->ip6_src, 8);
		ph[35] = 20;
		ph[39] = IPPROTO_TCP_;
		s = bpf_csum_diff(NULL, 0, (__be32 *)ph, 40, 0);
	} else {
		th = &ip[20];
		ip[0] = 0x45;
		ip[3] = 40;
		ip[6] = 0x40;		/* DF */
		ip[8] = 63;
		ip[9] = IPPROTO_TCP_;
		ovn_pg_words(&ip[12], &k->ip4_src, 2);
		cs = ovn_pg_fold((__u32)bpf_csum_diff(NULL, 0, (__be32 *)ip, 20, 0));
		__builtin_memcpy(&ip[10], &cs, 2);
		ovn_pg_words(ph, &k->ip4_src, 2);
		ph[9] = IPPROTO_TCP_;
		ph[11] = 20;
		s = bpf_csum_diff(NULL, 0, (__be32 *)ph, 12, 0);
	}
	__builtin_memcpy(&th[0], &k->tp_src, 4);
	seq = bpf_htonl(bpf_ntohl(seq) + 1);
	__builtin_memcpy(&th[8], &seq, 4);	/* ack; seq stays 0 */
	th[12] = 5 << 4;
	th[13] = OVN_TCP_RST | OVN_TCP_ACK;
	s = (__u32)s + (__u64)(__u32)bpf_csum_diff(NULL, 0, (__be32 *)th, 20, 0);
	cs = ovn_pg_fold(s);
	__builtin_memcpy(&th[16], &cs, 2);
	if (bpf_skb_store_bytes(skb, 0, b + OVN_PG_L3 - 14, v6 ? 14 + 60 : 14 + 40, 0))
		return -DROP_PKTGEN_FAILED;
	port = k->tp_src;
	ovn_pg_key_ip(k, v6 ? ETH_P_IPV6 : ETH_P_IP, IPPROTO_TCP_, 63);
	k->tp_src = port;
	__builtin_memcpy(&k->tp_dst, &th[2], 2);
	k->tcp_flags = bpf_htons(OVN_TCP_RST | OVN_TCP_ACK);
	if (v6) {
		k->ip4_src = 0;
		k->ip4_dst = 0;
	} else {
		__builtin_memset(k->ip6_src, 0, 32);
	}
	ovn_pg_done(c, ETH_HLEN, v6 ? 40 : 20, OVN_P_L4 | (v6 ? OVN_P_IP6 : OVN_P_IP4));
	return 0;
}

/* CRC32c of the 16-byte SCTP header + ABORT chunk; SCTP stores it least
 * significant byte first. */
static __always_inline __u32 ovn_pg_crc32c(const __u8 *b)
{
	__u32 crc = 0xffffffff, x;
	int i;

#pragma unroll
	for (i = 0; i < 16; i++) {
		x = crc ^ b[i];
		/* Keep the mask after the xor: the 6.1 verifier loses the
		 * bounds of an xor of two bounded values. */
		asm volatile("" : "+r"(x));
		crc = ovn_crc32c_tab[x & 0xff] ^ (crc >> 8);
	}
	return ~crc;
}

/* sctp_abort {}: an ABORT answering the packet (pinctrl: no VLAN tag,
 * ttl/hop limit 63, ports swapped; the verification tag is the INIT's
 * initiate tag when the packet is an INIT with tag 0, else the packet's own
 * tag with the T bit set).  Nothing is sent for an ABORT, or a packet
 * without a complete first chunk (INIT: without its initiate tag). */
static __noinline int ovn_pg_sctp(struct __sk_buff *skb, struct ovn_ctx *c, __u32 flags)
{
	struct ovn_flow_key *k = &c->key;
	bool v6 = c->x.parse & OVN_P_IP6;
	__u32 newlen = ETH_HLEN + (v6 ? 40 : 20) + 16, l4 = c->x.l4_off, crc;
	__u8 *b = c->scratch_a, *ph = c->scratch_b, *ip = &b[OVN_PG_L3], *sh;
	__u8 in[8], t = 1;
	__be32 tag;
	__u16 cs;

	if (!(c->x.parse & (OVN_P_IP4 | OVN_P_IP6)) || k->ip_proto != IPPROTO_SCTP_ ||
	    !(c->x.parse & OVN_P_L4))
		return -DROP_PKTGEN_PROTO;
	/* verification tag, then the first chunk's header */
	if (bpf_skb_load_bytes(skb, l4 + 4, &tag, 4) ||
	    bpf_skb_load_bytes(skb, l4 + 12, in, 4) || in[0] == 6 /* ABORT */)
		return -DROP_PKTGEN_PROTO;
	if (in[0] == 1 /* INIT */) {
		if (bpf_skb_load_bytes(skb, l4 + 16, &in[4], 4))
			return -DROP_PKTGEN_PROTO;
		if (!tag) {
			__builtin_memcpy(&tag, &in[4], 4);
			t = 0;
		}
	}
	if (skb->len != newlen && bpf_skb_change_tail(skb, newlen, 0))
		return -DROP_PKTGEN_FAILED;
	if (flags & OVN_PKTGEN_F_LOOPBACK) {
		ovn_pg_swap_eth(k);
		ovn_pg_swap_ip(k, v6);
	}
	__builtin_memset(b, 0, OVN_PG_L3 + 56);
	k->vlan_tci = 0;
	ovn_pg_eth(b, k, false, v6 ? ETH_P_IPV6 : ETH_P_IP);
	if (v6) {
		sh = &ip[40];
		ip[0] = 0x60;
		ip[5] = 16;
		ip[6] = IPPROTO_SCTP_;
		ip[7] = 63;
		ovn_pg_words(&ip[8], k->ip6_src, 8);
	} else {
		sh = &ip[20];
		ip[0] = 0x45;
		ip[3] = 36;
		ip[6] = 0x40;		/* DF */
		ip[8] = 63;
		ip[9] = IPPROTO_SCTP_;
		ovn_pg_words(&ip[12], &k->ip4_src, 2);
		cs = ovn_pg_fold((__u32)bpf_csum_diff(NULL, 0, (__be32 *)ip, 20, 0));
		__builtin_memcpy(&ip[10], &cs, 2);
	}
	/* ports swapped */
	__builtin_memcpy(&sh[0], &k->tp_dst, 2);
	__builtin_memcpy(&sh[2], &k->tp_src, 2);
	__builtin_memcpy(&sh[4], &tag, 4);
	sh[12] = 6;			/* ABORT */
	sh[13] = t;
	sh[15] = 4;			/* chunk length */
	/* a copy at an aligned place for the CRC loop */
	__builtin_memcpy(ph, sh, 16);
	crc = ovn_pg_crc32c(ph);
	sh[8] = crc;
	sh[9] = crc >> 8;
	sh[10] = crc >> 16;
	sh[11] = crc >> 24;
	if (bpf_skb_store_bytes(skb, 0, b + OVN_PG_L3 - 14, v6 ? 14 + 56 : 14 + 36, 0))
		return -DROP_PKTGEN_FAILED;
	ovn_pg_key_ip(k, v6 ? ETH_P_IPV6 : ETH_P_IP, IPPROTO_SCTP_, 63);
	__builtin_memcpy(&k->tp_src, &sh[0], 4);
	if (v6) {
		k->ip4_src = 0;
		k->ip4_dst = 0;
	} else {
		__builtin_memset(k->ip6_src, 0, 32);
	}
	ovn_pg_done(c, ETH_HLEN, v6 ? 40 : 20, OVN_P_L4 | (v6 ? OVN_P_IP6 : OVN_P_IP4));
	return 0;
}

/* reject {}: what pinctrl answers, or 0 when it sends nothing. */
static __always_inline __u32 ovn_pg_reject_kind(const struct ovn_ctx *c)
{
	const struct ovn_flow_key *k = &c->key;
	bool l4 = c->x.parse & OVN_P_L4;

	if (!(c->x.parse & (OVN_P_IP4 | OVN_P_IP6)))
		return OVN_OP_ICMP;	/* refused by ovn_pg_icmp */
	switch (k->ip_proto) {
	case IPPROTO_TCP_:
		if (!l4 || (bpf_ntohs(k->tcp_flags) & OVN_TCP_RST))
			return 0;
		return OVN_OP_TCP_RESET;
	case IPPROTO_SCTP_:
		return OVN_OP_SCTP_ABORT;
	case IPPROTO_ICMP_:
		if ((c->x.parse & OVN_P_IP4) && (!l4 || k->icmp_type == 3))
			return 0;
		return OVN_OP_ICMP;
	case IPPROTO_ICMPV6_:
		if ((c->x.parse & OVN_P_IP6) && (!l4 || k->icmp_type == 1))
			return 0;
		return OVN_OP_ICMP;
	default:
		return OVN_OP_ICMP;
	}
}

/* Write-back in a frame of its own (the BPF stack is 512 bytes for the
 * whole call chain). */
static __noinline int ovn_pg_writeback(struct __sk_buff *skb, struct ovn_ctx *c)
{
	return ovn_writeback(skb, c);
}

/* OVN_OP_ICMP, OVN_OP_TCP_RESET, OVN_OP_SCTP_ABORT, OVN_OP_REJECT: one call site, so that the
 * verifier walks write-back and the chunked copy once.  Inlined (it is a
 * small dispatcher with no stack of its own): a frame of its own would add
 * 32 bytes to the deepest call chain, from the program through the
 * executor's step into a generator (the 6.1 verifier's combined stack
 * limit is 512). */
static __always_inline int ovn_pktgen(struct __sk_buff *skb, struct ovn_ctx *c, __u32 code,
				 __u32 flags)
{
	int err;

	if (c->x.shape != c->x.pkt_shape ||
	    (c->x.shape != OVN_SHAPE_ASIS && c->x.shape != OVN_SHAPE_GEN))
		return -DROP_PKTGEN_SHAPE;
	/* The packet as the pipeline has made it so far. */
	if (ovn_pg_writeback(skb, c))
		return -DROP_WRITEBACK;
	if (code == OVN_OP_REJECT) {
		code = ovn_pg_reject_kind(c);
		if (!code)
			return -DROP_PKTGEN_REJECT_IGNORED;
		flags = OVN_PKTGEN_F_LOOPBACK | OVN_PKTGEN_F_UDP_CODE;
	}
	err = ovn_keep_before_rebuild(skb, c);
	if (err)
		return err;
	if (code == OVN_OP_SCTP_ABORT)
		return ovn_pg_sctp(skb, c, flags);
	if (code == OVN_OP_TCP_RESET)
		return ovn_pg_rst(skb, c, flags);
	return ovn_pg_icmp(skb, c, flags);
}

/* icmp4.frag_mtu / icmp6.frag_mtu = N on the (generated) ICMP packet: the
 * next-hop MTU field, checksum updated.  Like pinctrl, a packet that is not
 * ICMP of that family is left alone. */
static __noinline int ovn_pg_frag_mtu(struct __sk_buff *skb, struct ovn_ctx *c, __u32 mtu,
				      __u32 fam)
{
	__u32 l4 = c->x.l4_off;
	__be32 o4 = 0, n4;
	__be16 o2 = 0, n2;

	if (c->x.shape != c->x.pkt_shape || !(c->x.parse & OVN_P_L4))
		return 0;
	if (fam == 4 && (c->x.parse & OVN_P_IP4) && c->key.ip_proto == IPPROTO_ICMP_) {
		n2 = bpf_htons(mtu);
		if (bpf_skb_load_bytes(skb, l4 + 6, &o2, 2) ||
		    bpf_skb_store_bytes(skb, l4 + 6, &n2, 2, 0) ||
		    bpf_l4_csum_replace(skb, l4 + 2, o2, n2, 2))
			return -DROP_PKTGEN_FAILED;
	} else if (fam == 6 && (c->x.parse & OVN_P_IP6) && c->key.ip_proto == IPPROTO_ICMPV6_) {
		n4 = bpf_htonl(mtu);
		if (bpf_skb_load_bytes(skb, l4 + 4, &o4, 4) ||
		    bpf_skb_store_bytes(skb, l4 + 4, &n4, 4, 0) ||
		    bpf_l4_csum_replace(skb, l4 + 2, o4, n4, 4))
			return -DROP_PKTGEN_FAILED;
	}
	return 0;
}
