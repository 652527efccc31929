/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ct_lb_mark: OVN's load balancer on our conntrack (lib/nat.h).
 *
 *   ct_lb_mark;                       established connections get their
 *                                     NAT (as the bare ct_dnat;)
 *   ct_lb_mark(backends=...; hash_fields=...; skip_snat|force_snat)
 *       a new connection: pick a backend by a deterministic hash of the
 *       hash_fields (the 5-tuple without them; never the skb hash),
 *       commit it with DNAT to the backend and ct_mark.natted (plus
 *       .skip_snat/.force_snat), rewrite the packet: ct_state
 *       +new+trk+dnat.  An existing connection keeps its backend.
 *
 * The backends are the OVN_OP_LB_BACKEND ops after the CT_LB op in the
 * flow's action list, which the writer may have split into programs of
 * OVN_PROG_MAX_OPS - 1 ops chained by a GOTO in the last slot.
 *
 * Backend i = hash % n: every packet of a connection hashes alike, so it
 * stays on one backend even before its entry exists (and after a daemon
 * restart: the hash has no seed), and established connections keep
 * theirs through conntrack when the backend list changes.
 */
#pragma once

#include "lib/nat.h"
#include "lib/lb_hairpin.h"

#define OVN_LB_MAX_CHUNKS	8

/* Backend I of the CT_LB op at PC of the current program, or NULL. */
static __always_inline const struct ovn_op *ovn_lb_backend(struct ovn_ctx *c, __u32 pc, __u32 i)
{
	__u32 id = c->x.prog, pos = pc + 1 + i, k;
	struct ovn_prog *p = NULL;

#pragma unroll
	for (k = 0; k < OVN_LB_MAX_CHUNKS; k++) {
		p = bpf_map_lookup_elem(&ovn_progs, &id);
		if (!p)
			return NULL;
		if (pos < OVN_PROG_MAX_OPS - 1 ||
		    p->op[OVN_PROG_MAX_OPS - 1].code != OVN_OP_GOTO)
			break;
		id = p->op[OVN_PROG_MAX_OPS - 1].arg;
		pos -= OVN_PROG_MAX_OPS - 1;
	}
	if (!p || pos >= OVN_PROG_MAX_OPS || pos >= p->n_ops)
		return NULL;
	/* Re-bound the index where 6.1's verifier sees it (it loses the
	 * bound through the compiler's register copies). */
	asm volatile("" : "+r"(pos));
	pos &= OVN_PROG_MAX_OPS - 1;
	if (p->op[pos].code != OVN_OP_LB_BACKEND)
		return NULL;
	return &p->op[pos];
}

/* OVN_OP_CT_LB at PC.  Returns 0, a DROP_* reason or OVN_NAT_PENDING. */
static __noinline int ovn_lb_op(struct __sk_buff *skb, struct ovn_ctx *c, const struct ovn_op *op,
				__u32 pc)
{
	const struct ovn_op *b = NULL;
	struct ovn_ct_nat *nat = &c->ct.nat;
	struct ovn_ct_entry *e;
	__u32 st, n = op->arg, fam, mark;
	bool legacy;
	bool ip4 = c->key.eth_type == bpf_htons(ETH_P_IP);
	if (n && (ip4 || c->key.eth_type == bpf_htons(ETH_P_IPV6))) {
		/* The hash of the tuple as the packet has it. */
		ovn_ct_tuple(skb, c, 0);
		b = ovn_lb_backend(c, pc, ovn_nat_hash(&c->ct.key, op->value[0]) % n);
		if (!b)
			return DROP_BAD_OP;
		fam = b->n;
		if ((fam == 4) != ip4)
			return DROP_LB_NO_BACKEND;
		__builtin_memset(nat, 0, sizeof(*nat));
		__builtin_memcpy(nat->addr, b->value, 16);
		__builtin_memcpy(&nat->port, b->mask, 2);
	}
	mark = OVN_CT_MARK_NATTED | (op->n & (OVN_CT_MARK_SKIP_SNAT | OVN_CT_MARK_FORCE_SNAT));
	legacy = op->n & OVN_CT_LB_LEGACY;
	if (ovn_ct_tracing()) {
		/* ovn-trace: the state of --ct is added to the packet's. */
		st = bpf_ntohl(c->md.ct_state);
		ovn_ct_lookup(skb, c, op->src);
		st |= bpf_ntohl(c->md.ct_state);
		if (b) {
			ovn_nat_rewrite(c, true, nat->addr, nat->port);
			st |= 1u << OVN_CS_DNAT;
		}
		c->md.ct_state = bpf_htonl(st);
		return 0;
	}
	ovn_ct_lookup(skb, c, op->src);
	st = bpf_ntohl(c->md.ct_state);
	e = ovn_nat_conn(c);
	if (e) {
		/* The commit of a backend bucket sets its bits on an
		 * existing connection too. */
		if (b && !c->ct.related && legacy && (e->label[15] | mark) != e->label[15]) {
			e->label[15] |= mark;
			c->md.ct_label[15] = e->label[15];
		} else if (b && !c->ct.related && !legacy && (e->mark | mark) != e->mark) {
			e->mark |= mark;
			c->md.ct_mark = bpf_htonl(e->mark);
		}
		/* As the kernel's NAT for OVS: a bare ct_lb_mark leaves a
		 * connection without a reply yet (ct.new) un-NATed; the
		 * ct_lb_mark(backends=) it goes on to applies it (session
		 * affinity relies on it, lib/lb_aff.h). */
		if (c->ct.related)
			st |= ovn_nat_related(skb, c, e);
		else if (b || !(st & (1u << OVN_CS_NEW)))
			st |= ovn_nat_apply(c, e);
	} else if (b && (st & (1u << OVN_CS_NEW))) {
		c->md.ct_state = bpf_htonl(st);
		st = ovn_nat_commit_new(skb, c, OVN_CT_F_DNAT, 0, legacy ? 0 : mark);
		/* ct_label bit N is bit N % 8 of byte 15 - N / 8 (big-endian). */
		if (legacy)
			c->ct.ne.label[15] = mark;
		return st;
	}
	c->md.ct_state = bpf_htonl(st);
	return 0;
}

/* Finish the commit ovn_nat_op() / ovn_lb_op() left pending: reserve
 * the NAT reply tuple, insert the connection, rewrite the packet.  0 or a
 * DROP_* reason.  (Also run by the cache's conntrack guards.) */
static __always_inline int ovn_natlb_commit_pending(struct ovn_ctx *c)
{
	__u32 nf = c->ct.ne.flags & (OVN_CT_F_DNAT | OVN_CT_F_SNAT);
	int r;

	r = nf ? ovn_nat_reserve(c, nf, c->ct.pend_ports, c->ct.pend_hash) : 0;
	if (!r)
		r = ovn_nat_insert(c, nf);
	if (!r)
		c->md.ct_state |= bpf_htonl(ovn_nat_apply(c, &c->ct.ne));
	return r;
}

/* Run NAT/LB op OP (OVN_OP_CT_NAT, CT_LB, CT_SNAT_TO_VIP) at PC: a ct op
 * goes on at the next stage, as OVS recirculates (ct_snat_to_vip: at the
 * next op).  Returns a bpf_loop callback value. */
static __always_inline long ovn_natlb_op(struct ovn_loop *lc, const struct ovn_op *op, __u32 pc)
{
	struct ovn_ctx *c = lc->c;
	__u32 zo = op->src;
	int r;

	if (zo != OVN_OFF_CT_ZONE && zo != OVN_OFF_DNAT_ZONE && zo != OVN_OFF_SNAT_ZONE)
		return ovn_end(c, DROP_CT_BAD_ZONE);
	if (op->pipeline > OVN_PIPE_EGRESS || c->x.in_call)
		return ovn_end(c, DROP_BAD_OP);
	if (op->code == OVN_OP_CT_NAT)
		r = ovn_nat_op(lc->skb, c, op);
	else if (op->code == OVN_OP_CT_LB)
		r = ovn_lb_op(lc->skb, c, op, pc);
	else if (op->code == OVN_OP_CT_SNAT_TO_VIP)
		r = ovn_lbh_snat_to_vip(lc->skb, c, zo);
	else
		r = DROP_BAD_OP;	/* LB_BACKEND is data */
	if (r == OVN_NAT_PENDING)
		r = ovn_natlb_commit_pending(c);
	if (op->code == OVN_OP_CT_SNAT_TO_VIP) {
		ovn_lbh_snat_done(c);
		if (r)
			return ovn_end(c, r);
		c->x.pc = pc + 1;
		return 0;
	}
	if (r)
		return ovn_end(c, r);
	c->x.pipeline = op->pipeline;
	c->x.table = op->table;
	c->x.phase = OVN_PH_STAGE;
	return 0;
}
