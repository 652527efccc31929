/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The action interpreter: one op of the matched flow's program per call
 * (maps/actions.h).  Every context access is masked to the context's first
 * 512 bytes and checked against OVN_CTX_FIELDS_END, so a bad program can
 * corrupt a packet's logical state but never memory or the executor.
 */
#pragma once

#include "lib/state.h"
#include "lib/output.h"
#include "lib/punt.h"
#include "lib/pktgen.h"
#include "lib/ct.h"
#include "lib/frag.h"
#include "lib/lb.h"
#include "lib/lb_aff.h"
#include "lib/mac_binding.h"
#include "lib/select.h"
#include "lib/ecmp_nh.h"
#include "lib/param.h"
#include "lib/qos.h"

#define OVN_B(c, off)	((c)->bytes[(off) & (OVN_CTX_MATCH_BYTES - 1)])

static __always_inline bool ovn_op_range_ok(__u32 off, __u32 n)
{
	return n <= 16 && off + n <= OVN_CTX_FIELDS_END;
}

static __always_inline int ovn_op_set(struct ovn_ctx *c, const struct ovn_op *op)
{
	__u32 dst = op->dst, n = op->n, i;

	if (!ovn_op_range_ok(dst, n))
		return -DROP_BAD_OP;
#pragma unroll
	for (i = 0; i < 16; i++) {
		if (i < n)
			OVN_B(c, dst + i) = (OVN_B(c, dst + i) & ~op->mask[i]) |
					    (op->value[i] & op->mask[i]);
	}
	return 0;
}

static __always_inline int ovn_op_move(struct ovn_ctx *c, const struct ovn_op *op, bool xchg)
{
	__u32 dst = op->dst, src = op->src, n = op->n, i;
	__u8 t;

	if (!ovn_op_range_ok(dst, n) || !ovn_op_range_ok(src, n))
		return -DROP_BAD_OP;
#pragma unroll
	for (i = 0; i < 16; i++) {
		if (i < n) {
			t = OVN_B(c, dst + i);
			OVN_B(c, dst + i) = OVN_B(c, src + i);
			if (xchg)
				OVN_B(c, src + i) = t;
		}
	}
	return 0;
}

static __always_inline __u64 ovn_load_be(struct ovn_ctx *c, __u32 off, __u32 len)
{
	__u64 v = 0;
	__u32 i;

#pragma unroll
	for (i = 0; i < 8; i++) {
		if (i < len)
			v = v << 8 | OVN_B(c, off + i);
	}
	return v;
}

/* dst[dst_shift .. +n) = src[src_shift .. +n), containers big-endian. */
static __always_inline int ovn_op_move_bits(struct ovn_ctx *c, const struct ovn_op *op)
{
	__u32 sl = op->src_len, dl = op->dst_len, n = op->n, i;
	__u32 ss = op->src_shift, ds = op->dst_shift;
	__u64 v, d, m;

	if (!sl || sl > 8 || !dl || dl > 8 || !n || n > 64 ||
	    ss + n > sl * 8 || ds + n > dl * 8 ||
	    !ovn_op_range_ok(op->src, sl) || !ovn_op_range_ok(op->dst, dl))
		return -DROP_BAD_OP;
	m = n == 64 ? ~0ULL : (1ULL << n) - 1;
	v = (ovn_load_be(c, op->src, sl) >> (ss & 63)) & m;
	d = ovn_load_be(c, op->dst, dl);
	d = (d & ~(m << (ds & 63))) | (v << (ds & 63));
#pragma unroll
	for (i = 0; i < 8; i++) {
		if (i < dl)
			OVN_B(c, op->dst + dl - 1 - i) = d >> (8 * i);
	}
	return 0;
}

/* End of the action list: a helper table returns, the pipeline drops. */
static __always_inline long ovn_actions_end(struct ovn_ctx *c)
{
	if (c->x.in_call) {
		c->x.in_call = 0;
		c->x.pipeline = c->x.ret_pipeline;
		c->x.table = c->x.ret_table;
		c->x.prog = c->x.ret_prog;
		c->x.pc = c->x.ret_pc;
		c->x.phase = OVN_PH_ACTION;
		return 0;
	}
	return ovn_end(c, c->x.loop_skipped ? DROP_LOOPBACK : DROP_ACTIONS_END);
}

static __always_inline long ovn_no_match(struct ovn_ctx *c)
{
	struct ovn_stage_stats *ss;

	OVN_TRACE(c, OVN_TR_NO_MATCH, bpf_ntohl(c->md.inport), 0);
	if (c->x.pipeline == OVN_PIPE_HELPER)
		return ovn_actions_end(c);
	ss = ovn_stage_stats_of(c);
	if (ss)
		ss->no_match++;
	return ovn_end(c, DROP_STAGE_NO_MATCH);
}

/* arp {}: OVN's defaults for the ARP request made from an IPv4 packet. */
static __always_inline int ovn_op_arp(struct ovn_ctx *c)
{
	struct ovn_flow_key *k = &c->key;

	if (!(c->x.parse & OVN_P_IP4) || c->x.shape != OVN_SHAPE_ASIS)
		return -DROP_BAD_OP;
	k->eth_type = bpf_htons(ETH_P_ARP);
	k->arp_op = bpf_htons(1);
	__builtin_memcpy(k->arp_sha, k->eth_src, 6);
	k->arp_spa = k->ip4_src;
	__builtin_memset(k->arp_tha, 0, 6);
	k->arp_tpa = k->ip4_dst;
	/* The nested actions see an ARP packet: no IP/L4 fields. */
	k->ip_proto = 0;
	k->ip_tos = 0;
	k->ip_ttl = 0;
	k->ip_frag = 0;
	k->ip4_src = 0;
	k->ip4_dst = 0;
	k->tp_src = 0;
	k->tp_dst = 0;
	k->tcp_flags = 0;
	k->icmp_type = 0;
	k->icmp_code = 0;
	c->x.shape = OVN_SHAPE_ARP;
	return 0;
}

/* nd_na {}: OVN's defaults for the NA answering an NS: back to the
 * sender, from the target address, TLL = the NS's destination MAC. */
static __always_inline int ovn_op_nd_na(struct ovn_ctx *c, const struct ovn_op *op)
{
	struct ovn_flow_key *k = &c->key;
	__u8 mac[6];

	if (!(c->x.parse & OVN_P_ND) || k->icmp_type != ND_NEIGHBOR_SOLICIT ||
	    c->x.shape != OVN_SHAPE_ASIS)
		return -DROP_BAD_OP;
	__builtin_memcpy(mac, k->eth_dst, 6);
	__builtin_memcpy(k->eth_dst, k->eth_src, 6);
	__builtin_memcpy(k->eth_src, mac, 6);
	__builtin_memcpy(k->ip6_dst, k->ip6_src, 16);
	__builtin_memcpy(k->ip6_src, k->nd_target, 16);
	k->icmp_type = ND_NEIGHBOR_ADVERT;
	k->icmp_code = 0;
	k->ip_ttl = 255;
	__builtin_memset(k->nd_sll, 0, 6);
	__builtin_memcpy(k->nd_tll, mac, 6);
	c->x.na_router = op->arg & 1;
	c->x.shape = OVN_SHAPE_ND_NA;
	return 0;
}

/* Run the op at c->x.pc of program c->x.prog. */
static __always_inline long ovn_action_step(struct ovn_loop *lc)
{
	struct ovn_ctx *c = lc->c;
	__u32 id = c->x.prog, pc = c->x.pc, r;
	struct ovn_stage_stats *ss;
	struct ovn_prog *p;
	struct ovn_op *op;
	int err = 0;

	p = bpf_map_lookup_elem(&ovn_progs, &id);
	if (!p)
		return ovn_end(c, DROP_NO_PROG);
	if (pc >= OVN_PROG_MAX_OPS || pc >= p->n_ops)
		return ovn_actions_end(c);
	op = &p->op[pc];
	/* Default deny: a run with any op not known to be pure is never
	 * cached (lib/cache.h); conntrack ops are cached as guards
	 * (lib/cache_ct.h). */
	if (!ovn_cache_op_pure(op->code) && !ovn_cache_ct_guarded(op->code))
		ovn_cache_forbid(c);
	if (c->clone.skipping)
		return ovn_clone_skip(c, op->code, op->arg);

	switch (op->code) {
	case OVN_OP_END:
		return ovn_actions_end(c);
	case OVN_OP_NEXT:
		if (op->pipeline > OVN_PIPE_HELPER ||
		    (op->pipeline == OVN_PIPE_HELPER) != !!c->x.in_call)
			return ovn_end(c, DROP_BAD_OP);
		c->x.pipeline = op->pipeline;
		c->x.table = op->table;
		c->x.phase = OVN_PH_STAGE;
		return 0;
	case OVN_OP_SET:
		err = ovn_op_set(c, op);
		break;
	case OVN_OP_MOVE:
		err = ovn_op_move(c, op, false);
		break;
	case OVN_OP_SET_PARAM:
		err = ovn_op_set_param(c, op);
		break;
	case OVN_OP_XCHG:
		err = ovn_op_move(c, op, true);
		break;
	case OVN_OP_MOVE_BITS:
		err = ovn_op_move_bits(c, op);
		break;
	case OVN_OP_OUTPUT:
		if (c->x.in_call)
			return ovn_end(c, DROP_BAD_OP);
		if (c->x.pipeline == OVN_PIPE_INGRESS)
			return ovn_ingress_output(c, true);
		return ovn_deliver(lc);
	case OVN_OP_DROP:
		ss = ovn_stage_stats_of(c);
		if (ss)
			ss->drop_action++;
		return ovn_end(c, DROP_STAGE_ACTION);
	case OVN_OP_DEC_TTL:
		if (c->key.ip_ttl <= 1)
			return ovn_end(c, DROP_TTL_EXCEEDED);
		c->key.ip_ttl--;
		break;
	case OVN_OP_CALL:
		if (c->x.in_call)
			return ovn_end(c, DROP_CALL_NESTED);
		c->x.in_call = 1;
		c->x.ret_pipeline = c->x.pipeline;
		c->x.ret_table = c->x.table;
		c->x.ret_prog = id;
		c->x.ret_pc = pc + 1;
		c->x.pipeline = OVN_PIPE_HELPER;
		c->x.table = op->table;
		c->x.phase = OVN_PH_STAGE;
		return 0;
	case OVN_OP_ARP:
		err = ovn_op_arp(c);
		break;
	case OVN_OP_ND_NA:
		err = ovn_op_nd_na(c, op);
		break;
	case OVN_OP_PUNT:
		ovn_cache_forbid(c);
		/* A trace sends nothing to the daemon: it records the punt. */
		OVN_TRACE(c, OVN_TR_PUNT, op->n, op->arg);
		r = ovn_trace_on ? DROP_PUNT : ovn_punt_pkt(lc, op);
		ss = ovn_stage_stats_of(c);
		if (ss && r == DROP_PUNT)
			ss->punted++;
		if (ovn_trace_on && (op->n & OVN_PUNT_F_RESUMES))
			break;
		if (!(op->n & OVN_PUNT_F_CONTINUE))
			return ovn_end(c, r);
		if (ss && r != DROP_PUNT)
			ss->punt_lost++;
		break;
	case OVN_OP_ICMP:
	case OVN_OP_TCP_RESET:
	case OVN_OP_SCTP_ABORT:
	case OVN_OP_REJECT:
		err = ovn_pktgen(lc->skb, c, op->code, op->arg);
		break;
	case OVN_OP_ND_NS:
		err = ovn_op_nd_ns(c);
		break;
	case OVN_OP_ICMP_FRAG_MTU:
		err = ovn_pg_frag_mtu(lc->skb, c, op->arg, op->n);
		break;
	case OVN_OP_GOTO:
		c->x.prog = op->arg;
		c->x.pc = 0;
		return 0;
	case OVN_OP_CLONE:
		ovn_clone_start(c, id, pc);
		break;
	case OVN_OP_CLONE_END:
		if (c->clone.active)
			return ovn_clone_done(c);
		break;
	case OVN_OP_GET_MAC:
		err = ovn_op_get_mac(c, op);
		break;
	case OVN_OP_LOOKUP_MAC:
		err = ovn_op_lookup_mac(c, op);
		break;
	case OVN_OP_SELECT:
		err = ovn_op_select(c, op);
		if (err > 0)
			return 0;	/* went to the next table */
		break;
	case OVN_OP_CHK_ECMP_NH:
		err = ovn_op_chk_ecmp_nh(c, op);
		break;
	case OVN_OP_COMMIT_ECMP_NH:
		err = ovn_op_commit_ecmp_nh(c, op);
		break;
	case OVN_OP_SET_METER:
		err = -ovn_qos_meter(op->arg, lc->skb->len);
		break;
	case OVN_OP_SET_QUEUE:
		ovn_qos_set_queue(lc->skb, op->arg);
		break;
	default:
		if (ovn_frag_orphan(c, op->code))
			return ovn_end(c, DROP_FRAG_NO_FIRST);
		if (ovn_cache_ct_guarded(op->code)) {
			bool adv;
			long r2 = ovn_cache_ct_step(lc, op, id, pc, &adv);

			if (!adv)
				return r2;
			break;
		}
		if (op->code != OVN_OP_CT_CLEAR && op->code != OVN_OP_CHK_LB_HAIRPIN)
			ovn_cache_forbid(c);
		if ((op->code >= OVN_OP_CT_NAT && op->code <= OVN_OP_LB_BACKEND) ||
		    op->code == OVN_OP_CT_SNAT_TO_VIP)
			return ovn_natlb_op(lc, op, pc);
		if (op->code == OVN_OP_CHK_LB_HAIRPIN) {
			ovn_lb_chk_hairpin(c, op);
			break;
		}
		if (op->code == OVN_OP_CHK_LB_AFF || op->code == OVN_OP_COMMIT_LB_AFF) {
			err = ovn_lb_aff_op(c, op);
			break;
		}
		if (op->code >= OVN_OP_CT_FIRST && op->code <= OVN_OP_CT_LAST) {
			bool adv;
			long r2 = ovn_ct_op(lc, op, &adv);

			if (!adv)
				return r2;
			break;
		}
		return ovn_end(c, DROP_UNSUPPORTED_OP);
	}
	if (err)
		return ovn_end(c, -err);
	c->x.pc = pc + 1;
	return 0;
}
