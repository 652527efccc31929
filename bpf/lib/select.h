/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * select() with Kube-OVN's `hash` semantics (kubeovn-patches.md §2):
 * rendezvous (highest random weight) hashing.  A packet's basis is a hash
 * of fixed packet fields -- by default its source address, IPv4 or IPv6 --
 * never the kernel's skb hash, so the choice is the same on every node and
 * for every packet of a source.  Member i draws u_i = hash(basis, label_i)
 * in (0, 1] and scores -ln(u_i) / weight_i; the lowest score wins (ties:
 * the later member).  That is weighted rendezvous hashing: a member wins
 * a share of sources proportional to its weight, and since a score does
 * not depend on the other members, removing one moves only the sources
 * that were on it.  (OVS's `hash` scores 16 hash bits times the weight,
 * which favours heavy members beyond their weight.)
 *
 * The members come in ops of up to 8 (maps/router.h); the running best is
 * kept in the context's scratch between the parts of one select.
 */
#pragma once

#include "lib/state.h"
#include "maps/router.h"

static __always_inline __u32 ovn_rol32(__u32 x, int r)
{
	return (x << r) | (x >> (32 - r));
}

/* One 32-bit round of a multiply-rotate hash (murmur3's block step). */
static __always_inline __u32 ovn_hash_add(__u32 h, __u32 k)
{
	k *= 0xcc9e2d51u;
	k = ovn_rol32(k, 15);
	k *= 0x1b873593u;
	h ^= k;
	h = ovn_rol32(h, 13);
	return h * 5 + 0xe6546b64u;
}

static __always_inline __u32 ovn_hash_finish(__u32 h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

/* Mix N context words starting at byte offset OFF (4-aligned). */
static __always_inline __u32 ovn_hash_words(struct ovn_ctx *c, __u32 h, __u32 off, __u32 n)
{
	__u32 i;

#pragma unroll
	for (i = 0; i < 4; i++) {
		if (i < n)
			h = ovn_hash_add(h, c->words[((off >> 2) + i) & (OVN_CTX_MATCH_WORDS - 1)]);
	}
	return h;
}

/* The basis: the selected fields the packet carries, in a fixed order.
 * Values are hashed as their big-endian context bytes, so the result does
 * not depend on the host. */
static __noinline __u32 ovn_select_basis(struct ovn_ctx *c, __u32 fields)
{
	struct ovn_flow_key *k = &c->key;
	__u8 p = c->x.parse;
	__u32 h = 0x4f564e31u;	/* "OVN1" */
	/* A later fragment hashes its datagram's ports (lib/frag.h). */
	bool l4 = (p & (OVN_P_L4 | OVN_P_FRAG_L4)) && (k->ip_proto == 6 || k->ip_proto == 17 ||
				     k->ip_proto == 132);

	if (fields & OVN_SELECT_H_ETH_SRC) {
		h = ovn_hash_add(h, (__u32)k->eth_src[0] << 8 | k->eth_src[1]);
		h = ovn_hash_words(c, h, OVN_OFF_ETH_SRC + 2, 1);
	}
	if (fields & OVN_SELECT_H_ETH_DST) {
		h = ovn_hash_words(c, h, OVN_OFF_ETH_DST, 1);
		h = ovn_hash_add(h, (__u32)k->eth_dst[4] << 8 | k->eth_dst[5]);
	}
	if ((fields & OVN_SELECT_H_IP4_SRC) && (p & OVN_P_IP4))
		h = ovn_hash_words(c, h, OVN_OFF_IP4_SRC, 1);
	if ((fields & OVN_SELECT_H_IP4_DST) && (p & OVN_P_IP4))
		h = ovn_hash_words(c, h, OVN_OFF_IP4_DST, 1);
	if ((fields & OVN_SELECT_H_IP6_SRC) && (p & OVN_P_IP6))
		h = ovn_hash_words(c, h, OVN_OFF_IP6_SRC, 4);
	if ((fields & OVN_SELECT_H_IP6_DST) && (p & OVN_P_IP6))
		h = ovn_hash_words(c, h, OVN_OFF_IP6_DST, 4);
	if ((fields & OVN_SELECT_H_IP_PROTO) && (p & (OVN_P_IP4 | OVN_P_IP6)))
		h = ovn_hash_add(h, k->ip_proto);
	if ((fields & OVN_SELECT_H_TP_SRC) && l4)
		h = ovn_hash_add(h, bpf_ntohs(k->tp_src));
	if ((fields & OVN_SELECT_H_TP_DST) && l4)
		h = ovn_hash_add(h, bpf_ntohs(k->tp_dst));
	return ovn_hash_finish(h);
}

/* -log2(x / 2^32) for x in [1, 2^32], with 16 fraction bits: how many
 * halvings from 1 down to u = x / 2^32.  Integer only: the integer part
 * from the top bit, the fraction by repeated squaring.  Branch-free (BPF
 * has no conditional set: a branch per bit would multiply the verifier's
 * paths). */
static __always_inline __u64 ovn_neg_log2_q16(__u64 x)
{
	__u64 y, s, msb, frac = 0, b;
	int i;

	s = x >> 32;			/* x = 2^32 */
	msb = s << 5;
	y = x >> (s << 5);
	s = ((y >> 16) + 0xffff) >> 16;	/* 1 iff y >= 2^16 */
	msb += s << 4;
	y >>= s << 4;
	s = ((y >> 8) + 0xff) >> 8;
	msb += s << 3;
	y >>= s << 3;
	s = ((y >> 4) + 0xf) >> 4;
	msb += s << 2;
	y >>= s << 2;
	s = ((y >> 2) + 0x3) >> 2;
	msb += s << 1;
	y >>= s << 1;
	msb += y >> 1;
	/* y = x / 2^msb in Q31: [2^31, 2^32) */
	y = (x << 31) >> msb;
#pragma unroll
	for (i = 15; i >= 0; i--) {
		y = (y * y) >> 31;		/* [2^31, 2^33) */
		b = y >> 32;
		frac |= b << i;
		y >>= b;
	}
	return ((__u64)32 << 16) - ((msb << 16) | frac);
}

/* Where one select keeps its running best between its parts. */
struct ovn_select_state {
	__u64 best_key;		/* -log2(u) of the best, Q16 */
	__u32 best_w;		/* its weight: best score = best_key / best_w */
	__u32 best_id;
	__u32 found;
};

static __noinline int ovn_op_select(struct ovn_ctx *c, const struct ovn_op *op)
{
	struct ovn_select_state *s = (struct ovn_select_state *)c->scratch_b;
	__u32 basis, i, n = op->n, nbits = op->src_shift, sh = op->dst_shift;
	__u32 dl = op->dst_len;
	__u64 v, m, d;

	if (!n || n > OVN_SELECT_PER_OP || !dl || dl > 8 || !nbits || nbits > 32 ||
	    sh + nbits > dl * 8 || op->dst + dl > OVN_CTX_FIELDS_END)
		return -DROP_BAD_OP;
	if (op->src_len & OVN_SELECT_F_FIRST) {
		s->best_key = 0;
		s->best_w = 0;
		s->best_id = 0;
		s->found = 0;
	}
	basis = ovn_select_basis(c, op->arg);
#pragma unroll
	for (i = 0; i < OVN_SELECT_PER_OP; i++) {
		__u16 id, w;
		__u32 label;
		__u64 key;

		__builtin_memcpy(&id, &op->value[4 * i], 2);
		__builtin_memcpy(&w, &op->value[4 * i + 2], 2);
		__builtin_memcpy(&label, &op->mask[4 * i], 4);
		if (i >= n || !w)
			continue;
		key = ovn_neg_log2_q16((__u64)ovn_hash_finish(ovn_hash_add(basis, label)) + 1);
		/* key / w <= best_key / best_w, without division */
		if (!s->found || key * s->best_w <= s->best_key * w) {
			s->best_key = key;
			s->best_w = w;
			s->best_id = id;
			s->found = 1;
		}
	}
	if (!(op->src_len & OVN_SELECT_F_LAST))
		return 0;
	if (!s->found)
		return -DROP_SELECT_NO_MEMBER;
	/* dst[sh .. sh + nbits) = best id; the container is big-endian. */
	m = nbits == 32 ? 0xffffffffULL : (1ULL << nbits) - 1;
	v = s->best_id & m;
	d = 0;
#pragma unroll
	for (i = 0; i < 8; i++) {
		if (i < dl)
			d = d << 8 | c->bytes[(op->dst + i) & (OVN_CTX_MATCH_BYTES - 1)];
	}
	d = (d & ~(m << (sh & 63))) | (v << (sh & 63));
#pragma unroll
	for (i = 0; i < 8; i++) {
		if (i < dl)
			c->bytes[(op->dst + dl - 1 - i) & (OVN_CTX_MATCH_BYTES - 1)] = d >> (8 * i);
	}
	/* OVN: the chosen bucket resubmits to the next table. */
	if (op->pipeline > OVN_PIPE_EGRESS)
		return -DROP_BAD_OP;
	c->x.pipeline = op->pipeline;
	c->x.table = op->table;
	c->x.phase = OVN_PH_STAGE;
	return 1;
}
