/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * SCTP port rewrite (load balancer DNAT and its reply, lib/nat.h): the
 * ports sit in the 12-byte common header and the CRC32c in it covers the
 * SCTP header and all its chunks, nothing of the IP header.  So an
 * address-only NAT leaves SCTP alone, and a port change must recompute
 * the CRC over the whole SCTP packet.
 *
 * The CRC is computed by bpf_loop (no open-coded iterators on 6.1), one
 * 64-byte block per step, loaded into the per-CPU ctx scratch, so the
 * program's verified size does not depend on the packet length; the
 * packet length bounds the steps and OVN_SCTP_CRC_MAX bounds the cost: a
 * longer SCTP packet is dropped (DROP_SCTP_TOO_LONG).
 *
 * A GSO packet (gso_size != 0) has its CRC computed per segment when it
 * is segmented (CHECKSUM_PARTIAL): only its ports are stored.
 */
#pragma once

#include "lib/state.h"
#include "lib/crc32c.h"
#include "maps/drop_reasons.h"

#define OVN_SCTP_CRC_MAX	9216	/* bytes of SCTP header + chunks */
#define OVN_SCTP_CRC_BLOCK	64
#define OVN_SCTP_HLEN		12

struct ovn_sctp_crc_loop {
	struct __sk_buff *skb;
	struct ovn_ctx *c;
	__u32 off;	/* next byte to add */
	__u32 end;
	__u32 crc;
	int err;
};

/* bpf_loop step: add the next 64-byte block to the CRC, or 4 bytes of
 * the tail (an SCTP packet is a whole number of 4-byte words).  Straight
 * code, no data-dependent branch: cheap to verify. */
static long ovn_sctp_crc_step(__u32 i, void *arg)
{
	struct ovn_sctp_crc_loop *l = arg;
	__u8 *buf = l->c->scratch_a;
	__u32 crc = l->crc, len;
	int j;

	(void)i;
	if (l->off >= l->end)
		return 1;
	if (l->end - l->off >= OVN_SCTP_CRC_BLOCK) {
		if (bpf_skb_load_bytes(l->skb, l->off, buf, OVN_SCTP_CRC_BLOCK))
			goto fail;
#pragma unroll
		for (j = 0; j < OVN_SCTP_CRC_BLOCK; j++)
			crc = ovn_crc32c_byte(crc, buf[j]);
		len = OVN_SCTP_CRC_BLOCK;
	} else {
		if (bpf_skb_load_bytes(l->skb, l->off, buf, 4))
			goto fail;
#pragma unroll
		for (j = 0; j < 4; j++)
			crc = ovn_crc32c_byte(crc, buf[j]);
		len = 4;
	}
	l->crc = crc;
	l->off += len;
	return l->off >= l->end;
fail:
	l->err = 1;
	return 1;
}

/* Store the key's SCTP ports into the packet and recompute the CRC32c.
 * 0, -1 (helper failure) or -DROP_SCTP_TOO_LONG. */
static __noinline int ovn_sctp_set_ports(struct __sk_buff *skb, struct ovn_ctx *c)
{
	struct ovn_sctp_crc_loop l = { .skb = skb, .c = c };
	__u32 l3 = c->x.l3_off, l4 = c->x.l4_off, n, crc;
	__u8 h[OVN_SCTP_HLEN];
	__be16 ipl;

	if (l4 >= skb->len || skb->len - l4 < OVN_SCTP_HLEN)
		return -1;
	if (bpf_skb_load_bytes(skb, l4, h, OVN_SCTP_HLEN))
		return -1;
	__builtin_memcpy(&h[0], &c->key.tp_src, 4);
	if (skb->gso_size)
		return bpf_skb_store_bytes(skb, l4, h, 4, 0) ? -1 : 0;
	/* The L4 length is what the IP header says, not the skb's (an
	 * Ethernet pad may follow a short packet). */
	if (l4 <= l3)
		return -1;
	if (c->x.parse & OVN_P_IP4) {
		if (bpf_skb_load_bytes(skb, l3 + 2, &ipl, 2))
			return -1;
		n = bpf_ntohs(ipl);
	} else {
		if (bpf_skb_load_bytes(skb, l3 + 4, &ipl, 2))
			return -1;
		n = bpf_ntohs(ipl) + 40;
	}
	n = n > l4 - l3 ? n - (l4 - l3) : 0;
	if (n < OVN_SCTP_HLEN || n > skb->len - l4 || (n & 3))
		return -1;
	if (n > OVN_SCTP_CRC_MAX)
		return -DROP_SCTP_TOO_LONG;
	/* Header with the checksum field zeroed, then the chunks. */
	__builtin_memset(&h[8], 0, 4);
	l.crc = 0xffffffff;
#pragma unroll
	for (int j = 0; j < OVN_SCTP_HLEN; j++)
		l.crc = ovn_crc32c_byte(l.crc, h[j]);
	l.off = l4 + OVN_SCTP_HLEN;
	l.end = l4 + n;
	if (l.off < l.end)
		bpf_loop(OVN_SCTP_CRC_MAX / OVN_SCTP_CRC_BLOCK + OVN_SCTP_CRC_BLOCK / 4,
			 ovn_sctp_crc_step, &l, 0);
	if (l.err || l.off != l.end)
		return -1;
	/* SCTP stores the CRC least significant byte first. */
	crc = ~l.crc;
	h[8] = crc;
	h[9] = crc >> 8;
	h[10] = crc >> 16;
	h[11] = crc >> 24;
	return bpf_skb_store_bytes(skb, l4, h, OVN_SCTP_HLEN, 0) ? -1 : 0;
}
