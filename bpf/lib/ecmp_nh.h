/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ECMP symmetric reply: commit_ecmp_nh(), chk_ecmp_nh(), chk_ecmp_nh_mac()
 * on the ovn_ecmp_nh map (maps/ecmp_nh.h has the whole story).
 */
#pragma once

#include "lib/state.h"
#include "lib/parse.h"
#include "lib/trace.h"
#include "maps/ecmp_nh.h"

/* ovn_ecmp_nh: next hops of ECMP symmetric-reply connections, what OVS
 * learns into OFTABLE_ECMP_NH(_MAC).  Written by BPF (commit_ecmp_nh,
 * refreshed by the chk_ lookups), never by user space. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct ovn_ecmp_nh_key);
	__type(value, struct ovn_ecmp_nh);
	__uint(max_entries, OVN_ECMP_NH_MAX);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ovn_ecmp_nh SEC(".maps");

#define OVN_ECMP_NH_NSEC	1000000000ULL

/* Fill K with the packet's tuple (REVERSE: source and destination
 * swapped).  Returns false for a packet without IP. */
static __always_inline bool ovn_ecmp_nh_tuple(struct ovn_ctx *c, struct ovn_ecmp_nh_key *k,
					      bool reverse)
{
	struct ovn_flow_key *f = &c->key;
	__be16 sp = 0, dp = 0;

	__builtin_memset(k, 0, sizeof(*k));
	k->dp = c->x.dp_key;
	k->proto = f->ip_proto;
	if (f->eth_type == bpf_htons(ETH_P_IP)) {
		k->family = 4;
		__builtin_memcpy(reverse ? k->dst : k->src, &f->ip4_src, 4);
		__builtin_memcpy(reverse ? k->src : k->dst, &f->ip4_dst, 4);
	} else if (f->eth_type == bpf_htons(ETH_P_IPV6)) {
		k->family = 6;
		__builtin_memcpy(reverse ? k->dst : k->src, f->ip6_src, 16);
		__builtin_memcpy(reverse ? k->src : k->dst, f->ip6_dst, 16);
	} else {
		return false;
	}
	if ((c->x.parse & (OVN_P_L4 | OVN_P_FRAG_L4)) &&
	    (f->ip_proto == IPPROTO_TCP_ || f->ip_proto == IPPROTO_UDP_ ||
	     f->ip_proto == IPPROTO_SCTP_)) {
		sp = f->tp_src;
		dp = f->tp_dst;
	}
	k->sport = reverse ? dp : sp;
	k->dport = reverse ? sp : dp;
	return true;
}

/* Write bit V into the 1-bit result of OP (a big-endian container). */
static __always_inline int ovn_ecmp_nh_result(struct ovn_ctx *c, const struct ovn_op *op, __u32 v)
{
	__u32 dl = op->dst_len, sh = op->dst_shift, i;
	__u64 d = 0;

	if (!dl || dl > 8 || sh >= dl * 8 || op->dst + dl > OVN_CTX_FIELDS_END)
		return -DROP_BAD_OP;
#pragma unroll
	for (i = 0; i < 8; i++) {
		if (i < dl)
			d = d << 8 | c->bytes[(op->dst + i) & (OVN_CTX_MATCH_BYTES - 1)];
	}
	d = (d & ~(1ULL << (sh & 63))) | ((__u64)(v & 1) << (sh & 63));
#pragma unroll
	for (i = 0; i < 8; i++) {
		if (i < dl)
			c->bytes[(op->dst + dl - 1 - i) & (OVN_CTX_MATCH_BYTES - 1)] = d >> (8 * i);
	}
	return 0;
}

/* R = chk_ecmp_nh() / chk_ecmp_nh_mac(). */
static __noinline int ovn_op_chk_ecmp_nh(struct ovn_ctx *c, const struct ovn_op *op)
{
	struct ovn_ecmp_nh_key *k = (struct ovn_ecmp_nh_key *)c->scratch_a;
	__u32 found = 0, fl;
	struct ovn_ecmp_nh *e;
	__u64 now;

	if (op->n > OVN_ECMP_NH_K_MAC)
		return -DROP_BAD_OP;
	/* ovn-trace does not model the learned tables: R stays. */
	if (ovn_trace_on)
		return op->dst_len && op->dst_len <= 8 ? 0 : -DROP_BAD_OP;
	if (ovn_ecmp_nh_tuple(c, k, false)) {
		k->kind = op->n;
		if (op->n == OVN_ECMP_NH_K_MAC)
			__builtin_memcpy(k->eth_src, c->key.eth_src, 6);
		e = bpf_map_lookup_elem(&ovn_ecmp_nh, k);
		now = bpf_ktime_get_ns();
		if (e && now - e->created_ns < OVN_ECMP_NH_HARD_S * OVN_ECMP_NH_NSEC &&
		    now - e->used_ns < OVN_ECMP_NH_IDLE_S * OVN_ECMP_NH_NSEC) {
			e->used_ns = now;
			found = 1;
		}
	}
	/* OVS leaves the answer in flags.lookup_commit_ecmp_nh too. */
	fl = bpf_ntohl(c->md.flags) & ~(1u << OVN_MLF_LOOKUP_COMMIT_ECMP_NH);
	c->md.flags = bpf_htonl(fl | found << OVN_MLF_LOOKUP_COMMIT_ECMP_NH);
	return ovn_ecmp_nh_result(c, op, found);
}

/* commit_ecmp_nh(ipv6 = op->n == 6, proto = op->arg). */
static __noinline int ovn_op_commit_ecmp_nh(struct ovn_ctx *c, const struct ovn_op *op)
{
	struct ovn_ecmp_nh_key *k = (struct ovn_ecmp_nh_key *)c->scratch_a;
	struct ovn_ecmp_nh v;
	__u64 now;

	if ((op->n != 4 && op->n != 6) ||
	    (op->arg != IPPROTO_TCP_ && op->arg != IPPROTO_UDP_ && op->arg != IPPROTO_SCTP_))
		return -DROP_BAD_OP;
	if (ovn_trace_on)
		return 0;
	/* learn() copies fields the packet must have: skip another family
	 * or protocol, as OVS's prerequisites would. */
	if (!ovn_ecmp_nh_tuple(c, k, false) || k->family != op->n || k->proto != op->arg ||
	    !(c->x.parse & (OVN_P_L4 | OVN_P_FRAG_L4)))
		return 0;
	now = bpf_ktime_get_ns();
	v.created_ns = now;
	v.used_ns = now;
	k->kind = OVN_ECMP_NH_K_MAC;
	__builtin_memcpy(k->eth_src, c->key.eth_src, 6);
	bpf_map_update_elem(&ovn_ecmp_nh, k, &v, BPF_ANY);
	ovn_ecmp_nh_tuple(c, k, true);
	k->kind = OVN_ECMP_NH_K_REPLY;
	bpf_map_update_elem(&ovn_ecmp_nh, k, &v, BPF_ANY);
	return 0;
}
