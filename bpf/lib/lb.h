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
		if (b && (e->mark | mark) != e->mark) {
			e->mark |= mark;
			c->md.ct_mark = bpf_htonl(e->mark);
		}
		st |= ovn_nat_apply(c, e);
	} else if (b && (st & (1u << OVN_CS_NEW))) {
		c->md.ct_state = bpf_htonl(st);
		return ovn_nat_commit_new(skb, c, OVN_CT_F_DNAT, 0, mark);
	}
	c->md.ct_state = bpf_htonl(st);
	return 0;
}

/* chk_lb_hairpin(): the packet was load-balanced (+dnat) to its own
 * source.  chk_lb_hairpin_reply() would need the connection SNATed to
 * the VIP by ct_snat_to_vip, not implemented yet: 0 (hairpin traffic
 * drops at ct_snat_to_vip as DROP_CT_UNSUPPORTED). */
static __always_inline void ovn_lb_chk_hairpin(struct ovn_ctx *c, const struct ovn_op *op)
{
	struct ovn_flow_key *k = &c->key;
	__u32 r = 0;

	if (!op->n && (bpf_ntohl(c->md.ct_state) & (1u << OVN_CS_DNAT))) {
		if (k->eth_type == bpf_htons(ETH_P_IP))
			r = k->ip4_src == k->ip4_dst;
		else if (k->eth_type == bpf_htons(ETH_P_IPV6))
			r = !ovn_neq(k->ip6_src, k->ip6_dst, 16);
	}
	if (r)
		c->md.flags |= bpf_htonl(1u << OVN_MLF_LOOKUP_LB_HAIRPIN);
	else
		c->md.flags &= ~bpf_htonl(1u << OVN_MLF_LOOKUP_LB_HAIRPIN);
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

/* Run NAT/LB op OP (OVN_OP_CT_NAT, CT_LB) at PC: a ct op goes on at the
 * next stage, as OVS recirculates.  Returns a bpf_loop callback value. */
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
	else
		r = DROP_BAD_OP;	/* LB_BACKEND is data */
	if (r == OVN_NAT_PENDING)
		r = ovn_natlb_commit_pending(c);
	if (r)
		return ovn_end(c, r);
	c->x.pipeline = op->pipeline;
	c->x.table = op->table;
	c->x.phase = OVN_PH_STAGE;
	return 0;
}
