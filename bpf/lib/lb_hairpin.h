/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Load-balancer hairpin (maps/lb.h): a pod that reaches a VIP and is
 * balanced onto itself.  northd 23.03 (hairpin_orig_tuple=true) leaves the
 * original VIP in reg1 / xxreg1 and its port in reg2[0..15], and runs
 *
 *   ls_in_pre_hairpin   reg0[6] = chk_lb_hairpin();
 *                       reg0[12] = chk_lb_hairpin_reply();
 *   ls_in_nat_hairpin   new: ct_snat_to_vip; next;   est: ct_snat;
 *                       replies (reg0[12]): ct_snat;
 *   ls_in_hairpin       eth.dst <-> eth.src; outport = inport;
 *                       flags.loopback = 1; output;
 *
 * so that the pod sees its own request come from the VIP (or from the
 * LB's hairpin_snat_ip) and its answer go back to the VIP, un-SNATed in
 * the SNAT zone and un-DNATed on the way out in its own zone.
 *
 * chk_lb_hairpin():        ct_mark.natted, ip.src == ip.dst, and the
 *                          (VIP, port, proto, backend, backend port) is
 *                          one of a load balancer (ovn-controller's
 *                          table 68);
 * chk_lb_hairpin_reply():  (ip.src, ip.dst, proto, tp.src) is a backend
 *                          answering its SNAT address (table 69);
 * ct_snat_to_vip:          commit SNAT to the VIP's address in the SNAT
 *                          zone (table 70; no entry: nothing).
 *
 * Trace mode follows ovn-trace, which has no LB tables: the checks are
 * +dnat with ip.src == ip.dst (the reply form also wants reg2's port as
 * tp.dst), ct_snat_to_vip changes nothing.
 */
#pragma once

#include "lib/nat.h"
#include "maps/lb.h"

/* ovn_lb_hairpin: LB VIP/backend facts for the hairpin checks and
 * ct_snat_to_vip.  Written by ovnbpfd from SB Load_Balancer. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct ovn_lbh_key);
	__type(value, struct ovn_lbh_val);
	__uint(max_entries, OVN_LB_HAIRPIN_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ovn_lb_hairpin SEC(".maps");

/* Fill the family and the original VIP/port (reg1 or xxreg1, reg2[0..15])
 * of Q; false for a packet that is not IP. */
static __always_inline bool ovn_lbh_vip(struct ovn_ctx *c, struct ovn_lbh_key *q)
{
	if (c->key.eth_type == bpf_htons(ETH_P_IP)) {
		q->family = 4;
		__builtin_memcpy(q->a1, &c->md.reg[1], 4);
	} else if (c->key.eth_type == bpf_htons(ETH_P_IPV6)) {
		q->family = 6;
		__builtin_memcpy(q->a1, &c->md.reg[4], 16);	/* xxreg1 */
	} else {
		return false;
	}
	__builtin_memcpy(&q->p1, (__u8 *)&c->md.reg[2] + 2, 2);
	return true;
}

static __always_inline bool ovn_lbh_src_is_dst(const struct ovn_flow_key *k)
{
	if (k->eth_type == bpf_htons(ETH_P_IP))
		return k->ip4_src == k->ip4_dst;
	return !ovn_neq(k->ip6_src, k->ip6_dst, 16);
}

/* chk_lb_hairpin() (REPLY 0) / chk_lb_hairpin_reply() (REPLY 1). */
static __noinline int ovn_lbh_check(struct ovn_ctx *c, __u32 reply)
{
	struct ovn_flow_key *k = &c->key;
	struct ovn_lbh_key q = {};
	bool ports = ovn_ct_has_ports(k->ip_proto);

	if (!ovn_lbh_vip(c, &q))
		return 0;
	if (ovn_ct_tracing()) {
		if (!(bpf_ntohl(c->md.ct_state) & (1u << OVN_CS_DNAT)) || !ovn_lbh_src_is_dst(k))
			return 0;
		return !reply || q.p1 == k->tp_dst;
	}
	if (!reply) {
		if (!(bpf_ntohl(c->md.ct_mark) & OVN_CT_MARK_NATTED) || !ovn_lbh_src_is_dst(k))
			return 0;
		q.kind = OVN_LBH_BACKEND;
		if (q.p1) {
			q.proto = k->ip_proto;
			q.p2 = ports ? k->tp_dst : 0;
		}
		if (q.family == 4)
			__builtin_memcpy(q.a2, &k->ip4_dst, 4);
		else
			__builtin_memcpy(q.a2, k->ip6_dst, 16);
		return !!bpf_map_lookup_elem(&ovn_lb_hairpin, &q);
	}
	q.kind = OVN_LBH_REPLY;
	q.p1 = 0;
	__builtin_memset(q.a1, 0, 16);
	if (q.family == 4) {
		__builtin_memcpy(q.a1, &k->ip4_src, 4);
		__builtin_memcpy(q.a2, &k->ip4_dst, 4);
	} else {
		__builtin_memcpy(q.a1, k->ip6_src, 16);
		__builtin_memcpy(q.a2, k->ip6_dst, 16);
	}
	q.proto = k->ip_proto;
	q.p2 = ports ? k->tp_src : 0;
	if (bpf_map_lookup_elem(&ovn_lb_hairpin, &q))
		return 1;
	/* A VIP without a port: any protocol, any port. */
	q.proto = 0;
	q.p2 = 0;
	return !!bpf_map_lookup_elem(&ovn_lb_hairpin, &q);
}

/* Pure for the exact-match cache: its inputs are the packet's key, its
 * ct_mark (a conntrack guard's result) and ovn_lb_hairpin, whose writes
 * invalidate the cache (loader/engine.c). */
static __always_inline void ovn_lb_chk_hairpin(struct ovn_ctx *c, const struct ovn_op *op)
{
	if (ovn_lbh_check(c, op->n & 1))
		c->md.flags |= bpf_htonl(1u << OVN_MLF_LOOKUP_LB_HAIRPIN);
	else
		c->md.flags &= ~bpf_htonl(1u << OVN_MLF_LOOKUP_LB_HAIRPIN);
}

/* The SNAT address of the packet's VIP (most specific first: this
 * datapath with the port, this datapath, any datapath with the port,
 * any), into c->ct.nat.  False when no load balancer has the VIP. */
static __always_inline bool ovn_lbh_snat_addr(struct ovn_ctx *c)
{
	struct ovn_lbh_key q = {};
	struct ovn_lbh_val *v;
	__be16 port;
	__u32 i;

	if (!ovn_lbh_vip(c, &q))
		return false;
	q.kind = OVN_LBH_SNAT;
	port = q.p1;
#pragma unroll
	for (i = 0; i < 4; i++) {
		q.dp = i < 2 ? c->x.dp_key : 0;
		q.proto = (i & 1) || !port ? 0 : c->key.ip_proto;
		q.p1 = (i & 1) ? 0 : port;
		if ((i & 1) || port) {
			v = bpf_map_lookup_elem(&ovn_lb_hairpin, &q);
			if (v) {
				__builtin_memset(&c->ct.nat, 0, sizeof(c->ct.nat));
				__builtin_memcpy(c->ct.nat.addr, v->addr, 16);
				return true;
			}
		}
	}
	return false;
}

/* ct_snat_to_vip: OVS ct(commit, zone=reg12, nat(src=ADDR)) without
 * recirculation.  The packet's ct_state/mark/label are kept (stashed in
 * c->ct, restored by ovn_lbh_snat_done()).  Returns 0, a DROP_* reason or
 * OVN_NAT_PENDING. */
static __noinline int ovn_lbh_snat_to_vip(struct __sk_buff *skb, struct ovn_ctx *c, __u32 zone_off)
{
	struct ovn_ct_entry *e;

	c->ct.stash_state = c->md.ct_state;
	c->ct.stash_mark = c->md.ct_mark;
	__builtin_memcpy(c->ct.stash_label, c->md.ct_label, 16);
	if (ovn_ct_tracing() || !ovn_lbh_snat_addr(c))
		return 0;
	ovn_ct_lookup(skb, c, zone_off);
	e = ovn_nat_conn(c);
	if (e) {
		if (!c->ct.related)
			ovn_nat_apply(c, e);
		return 0;
	}
	if (!(bpf_ntohl(c->md.ct_state) & (1u << OVN_CS_NEW)))
		return 0;
	return ovn_nat_commit_new(skb, c, OVN_CT_F_SNAT, 0, 0);
}

static __always_inline void ovn_lbh_snat_done(struct ovn_ctx *c)
{
	c->md.ct_state = c->ct.stash_state;
	c->md.ct_mark = c->ct.stash_mark;
	__builtin_memcpy(c->md.ct_label, c->ct.stash_label, 16);
}
