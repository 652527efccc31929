/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Load-balancer session affinity (maps/lb_aff.h): chk_lb_aff() and
 * commit_lb_aff(), on the ovn_lb_aff map instead of OVS learned flows.
 *
 * Northd 23.03 uses them so: ls_in_lb_aff_check / lr_in_lb_aff_check
 * asks chk_lb_aff() for a new connection to an affinity VIP; on a hit,
 * the priority-150 ls_in_lb / lr_in_dnat flow of the remembered backend
 * (matching reg4 or xxreg0/xxreg1 and reg8[0..15]) load-balances to that
 * backend alone; on a miss, the ordinary VIP flow picks one and
 * ls_in_lb_aff_learn / lr_in_lb_aff_learn commits it -- and ends the
 * action list (northd marks it "drop"): the packet that learns is dropped,
 * as in OVS, and its retransmission finds the session.
 *
 * Trace mode follows ovn-trace, which does nothing for either action.
 */
#pragma once

#include "lib/state.h"
#include "lib/cache.h"
#include "lib/trace.h"
#include "maps/lb_aff.h"

/* ovn_lb_aff: affinity sessions (client, VIP -> backend) with their idle
 * expiry.  Written by BPF at commit_lb_aff, read and refreshed by
 * chk_lb_aff. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct ovn_lb_aff_key);
	__type(value, struct ovn_lb_aff_val);
	__uint(max_entries, OVN_LB_AFF_MAX);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ovn_lb_aff SEC(".maps");

#define OVN_LB_AFF_NSEC		1000000000ULL

/* Family (4/6) of the packet, 0 if not IP; K->client = its ip.src and,
 * with VIP_FROM_PKT, K->vip = its ip.dst. */
static __always_inline __u8 ovn_lb_aff_addrs(struct ovn_ctx *c, struct ovn_lb_aff_key *k,
					     bool vip_from_pkt)
{
	struct ovn_flow_key *fk = &c->key;

	if (fk->eth_type == bpf_htons(ETH_P_IP)) {
		__builtin_memcpy(k->client, &fk->ip4_src, 4);
		if (vip_from_pkt)
			__builtin_memcpy(k->vip, &fk->ip4_dst, 4);
		return 4;
	}
	if (fk->eth_type == bpf_htons(ETH_P_IPV6)) {
		__builtin_memcpy(k->client, fk->ip6_src, 16);
		if (vip_from_pkt)
			__builtin_memcpy(k->vip, fk->ip6_dst, 16);
		return 6;
	}
	return 0;
}

static __always_inline bool ovn_lb_aff_live(const struct ovn_lb_aff_val *v, __u64 now)
{
	return now - v->last_ns < (__u64)v->timeout_s * OVN_LB_AFF_NSEC;
}

/* R = chk_lb_aff(). */
static __noinline int ovn_lb_aff_chk(struct ovn_ctx *c, const struct ovn_op *op)
{
	struct ovn_lb_aff_key *k = (struct ovn_lb_aff_key *)c->scratch_b;
	struct ovn_lb_aff_val *v = NULL;
	__u32 off = op->dst, bit = op->dst_shift & 7;
	__u8 hit = 0, *r;
	__u64 now;

	if (off >= OVN_CTX_FIELDS_END)
		return -DROP_BAD_OP;
	if (ovn_trace_on)
		return 0;
	__builtin_memset(k, 0, sizeof(*k));
	k->dp = c->x.dp_key;
	k->family = ovn_lb_aff_addrs(c, k, true);
	if (!k->family)
		goto out;
	now = bpf_ktime_get_ns();
	if ((c->x.parse & (OVN_P_L4 | OVN_P_FRAG_L4)) && (c->key.ip_proto == IPPROTO_TCP ||
					c->key.ip_proto == IPPROTO_UDP ||
					c->key.ip_proto == IPPROTO_SCTP)) {
		k->proto = c->key.ip_proto;
		k->vip_port = c->key.tp_dst;
		v = bpf_map_lookup_elem(&ovn_lb_aff, k);
		if (v && !ovn_lb_aff_live(v, now))
			v = NULL;
		k->proto = 0;
		k->vip_port = 0;
	}
	/* A VIP without a port learns without protocol and port. */
	if (!v) {
		v = bpf_map_lookup_elem(&ovn_lb_aff, k);
		if (v && !ovn_lb_aff_live(v, now))
			v = NULL;
	}
	if (!v)
		goto out;
	hit = 1;
	v->last_ns = now;
	if (k->family == 4)
		__builtin_memcpy(&c->md.reg[4], v->backend, 4);
	else if (v->reg_off == OVN_OFF_XXREG(1))
		__builtin_memcpy(&c->md.reg[4], v->backend, 16);
	else
		__builtin_memcpy(&c->md.reg[0], v->backend, 16);
	if (v->backend_port)
		__builtin_memcpy((__u8 *)&c->md.reg[8] + 2, &v->backend_port, 2);
out:
	if (hit)
		c->md.flags |= bpf_htonl(1u << OVN_MLF_USE_LB_AFF_SESSION);
	else
		c->md.flags &= ~bpf_htonl(1u << OVN_MLF_USE_LB_AFF_SESSION);
	r = &c->bytes[off & (OVN_CTX_MATCH_BYTES - 1)];
	*r = (*r & ~(1u << bit)) | (hit << bit);
	return 0;
}

/* commit_lb_aff(vip=, backend=, proto=, timeout=). */
static __noinline int ovn_lb_aff_commit(struct ovn_ctx *c, const struct ovn_op *op)
{
	struct ovn_lb_aff_key *k = (struct ovn_lb_aff_key *)c->scratch_b;
	struct ovn_lb_aff_val *v = (struct ovn_lb_aff_val *)c->scratch_a;
	__u8 fam = op->n;

	if ((fam == 4 && op->dst != OVN_OFF_REG(4)) ||
	    (fam == 6 && op->dst != OVN_OFF_XXREG(0) && op->dst != OVN_OFF_XXREG(1)) ||
	    (fam != 4 && fam != 6))
		return -DROP_BAD_OP;
	if (ovn_trace_on)
		return 0;
	__builtin_memset(k, 0, sizeof(*k));
	/* A packet of the other family learns nothing (OVS would learn
	 * zero addresses that no packet matches). */
	if (ovn_lb_aff_addrs(c, k, false) != fam)
		return 0;
	k->dp = c->x.dp_key;
	k->family = fam;
	if (op->pipeline) {
		k->proto = op->pipeline;
		k->vip_port = bpf_htons(op->src);
	}
	__builtin_memcpy(k->vip, op->value, 16);
	__builtin_memset(v, 0, sizeof(*v));
	__builtin_memcpy(v->backend, op->mask, 16);
	v->backend_port = bpf_htons(op->meter);
	v->reg_off = op->dst;
	v->timeout_s = op->arg;
	v->last_ns = bpf_ktime_get_ns();
	bpf_map_update_elem(&ovn_lb_aff, k, v, BPF_ANY);
	return 0;
}

/* Run OVN_OP_CHK_LB_AFF / OVN_OP_COMMIT_LB_AFF: 0 or -DROP_*. */
static __always_inline int ovn_lb_aff_op(struct ovn_ctx *c, const struct ovn_op *op)
{
	ovn_cache_forbid(c);
	if (op->code == OVN_OP_CHK_LB_AFF)
		return ovn_lb_aff_chk(c, op);
	return ovn_lb_aff_commit(c, op);
}
