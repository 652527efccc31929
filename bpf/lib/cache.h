/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The exact-match cache in front of the classifier (maps/cache.h).
 *
 * Packet start: build the key from the parsed packet, look it up; a valid
 * entry is replayed (write the cached key back into the headers, deliver
 * as cached, or drop with the cached reason) and the pipeline never runs.
 * Otherwise the pipeline runs and records what it does: every op it runs
 * must be on the allow list of ovn_cache_op_pure(), every VIF delivery is
 * noted by ovn_cache_note_output(); after the run ovn_cache_store() turns
 * the record into an entry unless something forbade it.
 *
 * Default deny: an op not on the allow list makes the run uncacheable, so
 * ops added later (packet generation, select, ...) are never cached until
 * their owners prove them pure and add them here.  Conntrack ops that
 * depend on the table are cached as guards, checked again on every hit
 * (lib/cache_ct.h).
 */
#pragma once

#include "lib/ctx_init.h"
#include "lib/state.h"
#include "lib/writeback.h"
#include "lib/trace.h"
#include "maps/cache.h"

/* ovn_cache: key -> net effect of the pipeline, per CPU (each CPU fills
 * its own slot; no cross-CPU writes to a slot being read).  Written and
 * read by BPF; ovnbpfctl reads it. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
	__type(key, struct ovn_cache_key);
	__type(value, struct ovn_cache_val);
	__uint(max_entries, OVN_CACHE_ENTRIES);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ovn_cache SEC(".maps");

/* ovn_cache_ctl[0]: epoch and flags.  Written by ovnbpfd's map writer
 * (maps/ovnbpf_maps.c) after every immediate map write. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct ovn_cache_ctl);
	__uint(max_entries, 1);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ovn_cache_ctl SEC(".maps");

/* ovn_cache_stats[0]: hits, misses, ... per CPU.  Written by BPF, read by
 * ovnbpfctl and tests. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct ovn_cache_stats);
	__uint(max_entries, 1);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ovn_cache_stats SEC(".maps");

/* This packet's pipeline run must not be cached. */
static __always_inline void ovn_cache_forbid(struct ovn_ctx *c)
{
	c->cache.forbid = 1;
}

/* Ops whose effect is a function of the context and the versioned maps
 * only: no side effect outside the packet, nothing time- or
 * state-dependent.  arp {} / nd_na {} are here because an entry records
 * the packet's shape and the whole final key, from which write-back
 * rebuilds the frame exactly as on the first packet. */
static __always_inline bool ovn_cache_op_pure(__u8 code)
{
	switch (code) {
	case OVN_OP_END:
	case OVN_OP_NEXT:
	case OVN_OP_SET:
	case OVN_OP_MOVE:
	case OVN_OP_SET_PARAM:
	case OVN_OP_XCHG:
	case OVN_OP_MOVE_BITS:
	case OVN_OP_OUTPUT:
	case OVN_OP_DROP:
	case OVN_OP_DEC_TTL:
	case OVN_OP_CALL:
	case OVN_OP_ARP:
	case OVN_OP_ND_NA:
	case OVN_OP_GOTO:
	/* Functions of the context (ct_state and the flow key). */
	case OVN_OP_CT_CLEAR:
	case OVN_OP_CHK_LB_HAIRPIN:
	/* The neighbour table: its writer (loader/mac_binding.c) bumps the
	 * cache epoch after every write. */
	case OVN_OP_GET_MAC:
	case OVN_OP_LOOKUP_MAC:
		return true;
	default:
		return false;
	}
}

/* Do the 128-byte flow keys at A and B (8-byte aligned) differ? */
static __always_inline bool ovn_cache_key_neq(const void *a, const void *b)
{
	const __u64 *x = a, *y = b;
	__u64 d = 0;
	int i;

#pragma unroll
	for (i = 0; i < OVN_CACHE_FLOW_KEY / 8; i++)
		d |= x[i] ^ y[i];
	return d != 0;
}

/* The cache key's hash of the packet's pkt.mark, parse flags and flow key
 * (the kernel's jhash of the whole 140 bytes cost a third of a hit).  Four
 * independent multiply-xorshift lanes, so the multiplies overlap; the
 * entry holds the hashed bytes and a hit compares them all, so the hash
 * needs to spread, not to be collision-proof. */
static __always_inline __u64 ovn_cache_hash(const struct ovn_ctx *c, __u64 mark_parse)
{
	const __u64 m = 0x9e3779b97f4a7c15ULL;
	const __u64 *w = (const __u64 *)&c->key;
	__u64 a[4] = { mark_parse, 0x243f6a8885a308d3ULL, 0x13198a2e03707344ULL,
		       0xa4093822299f31d0ULL };
	__u64 h;
	int i, j;

#pragma unroll
	for (i = 0; i < OVN_CACHE_FLOW_KEY / 32; i++) {
#pragma unroll
		for (j = 0; j < 4; j++) {
			a[j] = (a[j] ^ w[i * 4 + j]) * m;
			a[j] ^= a[j] >> 29;
		}
	}
	h = a[0] ^ ((a[1] << 16) | (a[1] >> 48)) ^ ((a[2] << 32) | (a[2] >> 32)) ^
	    ((a[3] << 48) | (a[3] >> 16));
	h *= m;
	return h ^ (h >> 32);
}

/* The executor delivered the packet (after write-back) to VIF IFINDEX of
 * logical port PORT the way KIND says. */
static __always_inline void ovn_cache_note_output(struct ovn_ctx *c, __u32 port, __u32 ifindex,
						  __u8 kind)
{
	struct ovn_cache_rec *r = &c->cache;
	struct ovn_cache_val *v = &r->val;
	__u32 i = r->n_out;

	if (r->forbid)
		return;
	if (i >= OVN_CACHE_OUT_MAX) {
		ovn_cache_forbid(c);
		return;
	}
	if (!i) {
		r->kind = kind;
		v->shape = c->x.shape;
		v->na_router = c->x.na_router;
		__builtin_memcpy(v->key, &c->key, OVN_CACHE_FLOW_KEY);
	} else if (r->kind != kind || v->shape != c->x.shape ||
		   v->na_router != c->x.na_router || ovn_cache_key_neq(v->key, &c->key)) {
		/* Members that leave with different headers: one cached
		 * write-back cannot serve them all. */
		ovn_cache_forbid(c);
		return;
	}
	v->ifindex[i] = ifindex;
	v->port[i] = port;
	r->n_out = i + 1;
}

static __always_inline struct ovn_cache_stats *ovn_cache_stats_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&ovn_cache_stats, &zero);
}

/* Make the packet do what entry V says.  Sets verdict and drop reason. */
static __noinline int ovn_cache_replay(struct __sk_buff *skb, struct ovn_ctx *c,
				       struct ovn_cache_val *v)
{
	__u32 n = v->n_out, sent = 0, i;
	int ret;

	c->x.phase = OVN_PH_DONE;
	c->x.verdict = TC_ACT_SHOT;
	if (v->kind == OVN_CACHE_K_DROP || !n) {
		c->x.drop_reason = v->drop_reason;
		return 0;
	}
	c->x.na_router = v->na_router;
	/* A packet that leaves as it is (a switch delivering to a pod) has
	 * nothing to write back.  The packet is as parsed (shape as is, key
	 * == in_key: that is what made this a hit), so whether it leaves as
	 * it is was decided when the entry was stored.  Otherwise write-back
	 * needs c->pkt, the fields as they are in the packet (c->key may
	 * already carry the NAT of a conntrack guard, not yet written). */
	if (!v->asis) {
		if (!v->n_guards)
			__builtin_memcpy(&c->pkt, &c->key, sizeof(c->pkt));
		__builtin_memcpy(&c->key, v->key, OVN_CACHE_FLOW_KEY);
		c->x.shape = v->shape;
		ret = ovn_writeback(skb, c);
		if (ret) {
			c->x.drop_reason = ovn_wb_drop(ret);
			return 0;
		}
	}
	if (v->kind == OVN_CACHE_K_CLONE) {
		/* A bounded loop (6.1 verifies these); no unrolling of 16
		 * helper calls. */
		for (i = 0; i < OVN_CACHE_OUT_MAX; i++) {
			if (i >= n)
				break;
			ret = bpf_clone_redirect(skb, v->ifindex[i], 0);
			if (i < OVN_OUT_LOG) {
				c->x.out_port[i] = v->port[i];
				c->x.out_ifindex[i] = v->ifindex[i];
				c->x.out_ret[i] = ret;
			}
			sent += !ret;
		}
		c->x.n_out = n;
		c->x.drop_reason = sent ? DROP_NONE : DROP_MC_EMPTY;
		return 0;
	}
	if (v->kind == OVN_CACHE_K_PEER)
		ret = bpf_redirect_peer(v->ifindex[0], 0);
	else
		ret = bpf_redirect(v->ifindex[0], 0);
	c->x.out_port[0] = v->port[0];
	c->x.out_ifindex[0] = v->ifindex[0];
	c->x.out_ret[0] = ret;
	c->x.n_out = 1;
	c->x.verdict = ret;
	c->x.drop_reason = ret == TC_ACT_REDIRECT ? DROP_NONE : DROP_REDIRECT;
	return 0;
}

static __noinline int ovn_cache_ct_check(struct __sk_buff *skb, struct ovn_ctx *c,
					 struct ovn_cache_val *v);

/* Before the pipeline: c->key holds the parsed packet, c->x.version the
 * rule version, and only what ovn_ctx_reset_hit() clears is reset.
 * Returns true when the cache handled the packet (verdict and drop reason
 * set), false when the pipeline must run: the context is then reset for
 * it (ovn_ctx_reset_run()) and c->pkt holds the parsed key.  (A hit that
 * leaves the packet as it came never needs c->pkt: not copied.) */
static __always_inline bool ovn_cache_probe(struct __sk_buff *skb, struct ovn_ctx *c,
					    __be32 mark, __u8 parse)
{
	struct ovn_cache_rec *r = &c->cache;
	struct ovn_cache_key *k = &r->key;
	struct ovn_cache_stats *st;
	struct ovn_cache_ctl *ctl;
	struct ovn_cache_val *v;
	__u32 zero = 0;

	r->forbid = 0;
	r->kind = 0;
	r->n_out = 0;
	r->n_guards = 0;
	r->pre_n = 0;
	r->pre_half = 0;
	ctl = bpf_map_lookup_elem(&ovn_cache_ctl, &zero);
	/* A trace must see the pipeline run, and records instead of
	 * delivering: it neither reads nor fills the cache. */
	if (ovn_trace_on || !ctl || (ctl->flags & OVN_CACHE_F_DISABLED)) {
		/* Not even "uncacheable": the cache is off. */
		r->forbid = 2;
		goto miss;
	}
	r->epoch = ctl->epoch;
	k->ifindex = skb->ifindex;
	k->pad = 0;
	k->hash = ovn_cache_hash(c, (__u64)mark << 32 | parse);
	st = ovn_cache_stats_get();
	v = bpf_map_lookup_elem(&ovn_cache, k);
	/* No entry, or one of another packet whose hash collides. */
	if (!v || v->in_mark != mark || v->in_parse != parse ||
	    ovn_cache_key_neq(v->in_key, &c->key)) {
		if (st)
			st->misses++;
		goto miss;
	}
	if (!v->valid || v->gen != c->x.version || v->epoch != r->epoch) {
		if (st)
			st->stale++;
		goto miss;
	}
	/* Conntrack ops of the run: executed again, same results?  They
	 * read the metadata and executor state: reset it as for a run
	 * (which is what follows when the check fails). */
	if (v->n_guards) {
		ovn_ctx_reset_run(c);
		__builtin_memcpy(&c->pkt, &c->key, sizeof(c->pkt));
		if (ovn_cache_ct_check(skb, c, v)) {
			if (st)
				st->ct_miss++;
			return false;
		}
		if (st)
			st->ct_hits++;
	}
	if (st)
		st->hits++;
	v->hits++;
	ovn_cache_replay(skb, c, v);
	return true;
miss:
	ovn_ctx_reset_run(c);
	__builtin_memcpy(&c->pkt, &c->key, sizeof(c->pkt));
	return false;
}

static __always_inline bool ovn_cache_lookup(struct __sk_buff *skb, struct ovn_ctx *c)
{
	struct ovn_cache_val *v = &c->cache.val;
	__be32 mark = bpf_htonl(skb->mark);
	__u8 parse = c->x.parse;

	if (ovn_cache_probe(skb, c, mark, parse))
		return true;
	/* A miss: what the entry the run may become is for.  (A failed
	 * guard check has put the parsed key back.) */
	if (c->cache.forbid != 2) {
		v->in_mark = mark;
		v->in_parse = parse;
		v->asis = 0;
		v->pad[0] = v->pad[1] = 0;
		__builtin_memcpy(v->in_key, &c->key, OVN_CACHE_FLOW_KEY);
	}
	return false;
}

/* After the pipeline: store what it did, if it may be cached. */
static __always_inline void ovn_cache_store(struct ovn_ctx *c)
{
	struct ovn_cache_rec *r = &c->cache;
	struct ovn_cache_val *v = &r->val;
	__u32 reason = c->x.drop_reason;
	struct ovn_cache_stats *st;

	if (r->forbid == 2)
		return;
	/* Failures of the moment (a helper that failed, the step limit)
	 * say nothing about the next packet. */
	if (c->x.phase != OVN_PH_DONE || reason == DROP_WRITEBACK || reason == DROP_REDIRECT ||
	    reason == DROP_LOOP_LIMIT)
		r->forbid = 1;
	/* A unicast delivery that did not end the run (cannot happen
	 * today), or a run that ended without delivery and without a
	 * reason: nothing sane to replay. */
	if (r->n_out && r->kind != OVN_CACHE_K_CLONE && (r->n_out != 1 || reason != DROP_NONE))
		r->forbid = 1;
	if (!r->n_out && reason == DROP_NONE)
		r->forbid = 1;
	st = ovn_cache_stats_get();
	if (r->forbid) {
		if (st)
			st->uncacheable++;
		return;
	}
	v->gen = c->x.version;
	v->epoch = r->epoch;
	v->valid = 1;
	v->kind = r->n_out ? r->kind : OVN_CACHE_K_DROP;
	v->n_out = r->n_out;
	v->drop_reason = r->n_out ? DROP_NONE : reason;
	v->n_guards = r->n_guards;
	v->asis = v->shape == OVN_SHAPE_ASIS && !ovn_cache_key_neq(v->key, v->in_key);
	v->hits = 0;
	if (bpf_map_update_elem(&ovn_cache, &r->key, v, BPF_ANY)) {
		if (st)
			st->insert_fail++;
	} else if (st) {
		st->inserts++;
	}
}

#include "lib/cache_ct.h"
