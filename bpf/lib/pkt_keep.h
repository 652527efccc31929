/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Keeping the original frame across a rebuild inside a multicast fan-out
 * or a clone.
 *
 * A generated packet (icmp4 {}, tcp_reset {}, reject {} ...: lib/pktgen.h)
 * and the arp {} / nd_na {} / nd_ns {} rebuilds (lib/writeback.h) replace
 * the packet in the skb.  Outside a fan-out or a clone nothing needs the
 * original afterwards.  Inside one, the next multicast member (or the
 * original after its clone) must start again from the frame as it was:
 * ovn-controller sends one generated reply per member whose egress
 * rejects, and every other member still gets the original.
 *
 * So before the first rebuild of such a copy, the frame (its bytes, the
 * header fields they hold -- c->pkt -- and the parser's offsets) is copied
 * to this CPU's ovn_pkt_keep entry and c->x.kept says so; when the next
 * member starts (lib/output.h ovn_mc_next) or the clone ends
 * (lib/clone.h), a frame that was rebuilt since is copied back.  The
 * restored frame holds what c->pkt says, so the usual field write-back
 * takes it from there.
 *
 * A frame longer than OVN_KEEP_MAX bytes (or a GSO one, whose segments the
 * copy could not restore) is not kept: the rebuild is then not done, that
 * member's copy is dropped (DROP_KEEP_TOO_BIG) and the other members still
 * get the original -- the rarer loss of a reply rather than the loss of
 * the packet for everyone after it.  The same happens to a copy that
 * would rebuild inside a nested fan-out while the outer one's frame is
 * kept (DROP_KEEP_BUSY): there is one buffer per CPU.
 */
#pragma once

#include "lib/common.h"
#include "lib/maps.h"
#include "lib/drop.h"

/* Jumbo frames (9000-byte MTU) with an Ethernet header and a VLAN tag. */
#define OVN_KEEP_MAX		9216

/* c->x.kept */
enum ovn_keep_state {
	OVN_KEEP_NONE = 0,	/* nothing kept for this packet */
	OVN_KEEP_CLEAN = 1,	/* kept; the skb still holds that frame */
	OVN_KEEP_DIRTY = 2,	/* kept; the skb was rebuilt since */
	/* Inside a fan-out nested in a member of another (lib/mcgroup.h
	 * ovn_mc_push): the buffer holds the OUTER fan-out's frame, so the
	 * inner one cannot keep its own.  An inner copy may still rebuild
	 * when nothing after it needs the frame (the last member, no clone):
	 * OUTER_DIRTY says it did, and ovn_mc_pop() turns it into DIRTY. */
	OVN_KEEP_OUTER = 3,
	OVN_KEEP_OUTER_DIRTY = 4,
};

struct ovn_pkt_keep {
	__u32 len;		/* frame length */
	__u16 l3_off, l4_off, nd_opt_off;
	__u8 parse;		/* enum ovn_parse_flag */
	__u8 pkt_shape;		/* enum ovn_shape */
	struct ovn_flow_key pkt;	/* the header fields the bytes hold */
	__u8 data[OVN_KEEP_MAX];
};

/* ovn_pkt_keep[0]: this CPU's kept frame (above).  Written and read by
 * BPF only, within one packet's run; not pinned (it carries nothing from
 * one packet to the next). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct ovn_pkt_keep);
	__uint(max_entries, 1);
} ovn_pkt_keep SEC(".maps");

/* Will anything need the frame as it is now after the current copy ends:
 * a later member of the fan-out, or the original after its clone? */
static __always_inline bool ovn_keep_needed(const struct ovn_ctx *c)
{
	return c->clone.active || (c->x.in_mc && c->x.mc_idx < c->x.mc_n);
}

static __noinline int ovn_keep_save(struct __sk_buff *skb, struct ovn_ctx *c)
{
	struct ovn_pkt_keep *k;
	__u32 zero = 0, len = skb->len;

	if (len > OVN_KEEP_MAX || len < ETH_HLEN || skb->gso_size)
		return -DROP_KEEP_TOO_BIG;
	k = bpf_map_lookup_elem(&ovn_pkt_keep, &zero);
	if (!k)
		return -DROP_KEEP_FAILED;
	/* One copy of a bounded length (no loop: the verifier walks this
	 * once per call site). */
	if (bpf_skb_load_bytes(skb, 0, k->data, len))
		return -DROP_KEEP_FAILED;
	k->len = len;
	k->l3_off = c->x.l3_off;
	k->l4_off = c->x.l4_off;
	k->nd_opt_off = c->x.nd_opt_off;
	k->parse = c->x.parse;
	k->pkt_shape = c->x.pkt_shape;
	__builtin_memcpy(&k->pkt, &c->pkt, sizeof(k->pkt));
	return 0;
}

/* The frame is about to be rebuilt: keep it first if a later copy needs
 * it.  0, or -DROP_* (the rebuild must not happen). */
static __always_inline int ovn_keep_before_rebuild(struct __sk_buff *skb, struct ovn_ctx *c)
{
	int err;

	if (c->x.kept >= OVN_KEEP_OUTER) {
		if (ovn_keep_needed(c))
			return -DROP_KEEP_BUSY;
		c->x.kept = OVN_KEEP_OUTER_DIRTY;
		return 0;
	}
	if (c->x.kept == OVN_KEEP_NONE) {
		if (!ovn_keep_needed(c))
			return 0;
		err = ovn_keep_save(skb, c);
		if (err)
			return err;
	}
	c->x.kept = OVN_KEEP_DIRTY;
	return 0;
}

/* Put the kept frame back.  0 or -DROP_KEEP_FAILED (the skb is then in
 * no known state: the caller ends the packet). */
static __noinline int ovn_keep_restore(struct __sk_buff *skb, struct ovn_ctx *c)
{
	struct ovn_pkt_keep *k;
	__u32 zero = 0, len;

	k = bpf_map_lookup_elem(&ovn_pkt_keep, &zero);
	if (!k)
		return -DROP_KEEP_FAILED;
	len = k->len;
	if (len > OVN_KEEP_MAX || len < ETH_HLEN)
		return -DROP_KEEP_FAILED;
	if (skb->len != len && bpf_skb_change_tail(skb, len, 0))
		return -DROP_KEEP_FAILED;
	if (bpf_skb_store_bytes(skb, 0, k->data, len, 0))
		return -DROP_KEEP_FAILED;
	c->x.l3_off = k->l3_off;
	c->x.l4_off = k->l4_off;
	c->x.nd_opt_off = k->nd_opt_off;
	c->x.parse = k->parse;
	c->x.pkt_shape = k->pkt_shape;
	__builtin_memcpy(&c->pkt, &k->pkt, sizeof(c->pkt));
	c->x.kept = OVN_KEEP_CLEAN;
	return 0;
}

/* A new copy starts from the frame: give it back if it was rebuilt. */
static __always_inline int ovn_keep_back(struct __sk_buff *skb, struct ovn_ctx *c)
{
	if (c->x.kept != OVN_KEEP_DIRTY)
		return 0;
	return ovn_keep_restore(skb, c);
}
