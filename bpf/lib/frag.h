/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * IP fragments through conntrack, load balancers and NAT: the first
 * fragment's L4 fields for the later ones (maps/frag.h says why and what
 * happens when the first fragment was not seen).
 *
 *   ovn_frag_track()   at packet entry, after the parser and before the
 *                      exact-match cache: a first fragment records its L4
 *                      fields, a later one gets them (OVN_P_FRAG_L4) --
 *                      so the cache key of a later fragment holds its
 *                      datagram's ports and a later fragment without them
 *                      never shares an entry with one that has them;
 *   ovn_frag_orphan()  a conntrack op on a later fragment that got no L4
 *                      fields: the op drops it (DROP_FRAG_NO_FIRST).
 *
 * ip.is_frag / ip.later_frag keep the packet's own values, as OVN's
 * stages before conntrack see them (northd's `!ip.later_frag` flows in
 * lr_in_ip_input).  OVN_P_L4 stays clear on a later fragment: write-back
 * (lib/writeback.h) rewrites only its IP header, never the L4 ports or
 * checksum it does not carry.  `ovnbpfctl trace` (ovn_trace_on) takes the
 * microflow as ovn-trace does: no tracking, no drop.
 */
#pragma once

#include "lib/common.h"
#include "lib/ct.h"
#include "lib/trace.h"
#include "maps/frag.h"

/* ovn_frag: fragmented datagrams in flight -> their first fragment's L4
 * fields.  Written by BPF (a first fragment, at packet entry), read by BPF
 * (the later fragments); entries age out by LRU and OVN_FRAG_TIMEOUT_S. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct ovn_frag_key);
	__type(value, struct ovn_frag_val);
	__uint(max_entries, OVN_FRAG_MAX);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ovn_frag SEC(".maps");

/* Is protocol PROTO of family FAM tracked by L4 fields (ports, ICMP id)? */
static __always_inline bool ovn_frag_needs_l4(__u8 fam, __u8 proto)
{
	return ovn_ct_has_ports(proto) || (fam == 4 && proto == IPPROTO_ICMP_) ||
	       (fam == 6 && proto == IPPROTO_ICMPV6_);
}

/* Called for every fragment (c->key.ip_frag set) once the parser ran. */
static __noinline int ovn_frag_track(struct __sk_buff *skb, struct ovn_ctx *c)
{
	struct ovn_flow_key *f = &c->key;
	struct ovn_frag_key *k = &c->frag.key;
	struct ovn_frag_val *v;
	__u64 now;

	if (!(f->ip_frag & 1) || ovn_trace_on)
		return 0;
	__builtin_memset(k, 0, sizeof(*k));
	if (c->x.parse & OVN_P_IP4) {
		k->family = 4;
		__builtin_memcpy(k->src, &f->ip4_src, 4);
		__builtin_memcpy(k->dst, &f->ip4_dst, 4);
	} else if (c->x.parse & OVN_P_IP6) {
		k->family = 6;
		__builtin_memcpy(k->src, f->ip6_src, 16);
		__builtin_memcpy(k->dst, f->ip6_dst, 16);
	} else {
		return 0;
	}
	k->proto = f->ip_proto;
	k->id = c->frag.id;
	if (!ovn_frag_needs_l4(k->family, k->proto))
		return 0;
	now = bpf_ktime_get_ns();
	if (!(f->ip_frag & 2)) {
		/* The first fragment: its L4 header was parsed in full. */
		if (!(c->x.parse & OVN_P_L4))
			return 0;
		v = &c->frag.val;
		__builtin_memset(v, 0, sizeof(*v));
		__builtin_memcpy(&v->tp_src, &f->tp_src, 8);
		if (!ovn_ct_has_ports(k->proto)) {
			/* ICMP: only a query names its exchange (by its
			 * identifier); an error's later fragments stay
			 * without (their conntrack needs the embedded
			 * packet, which only the first fragment holds). */
			if (ovn_icmp_query(k->family, f->icmp_type) == 0)
				return 0;
			v->icmp_id = c->frag.icmp_id;
		}
		v->seen_ns = now;
		bpf_map_update_elem(&ovn_frag, k, v, BPF_ANY);
		return 0;
	}
	v = bpf_map_lookup_elem(&ovn_frag, k);
	if (!v || now - v->seen_ns > (__u64)OVN_FRAG_TIMEOUT_S * OVN_NSEC)
		return 0;
	__builtin_memcpy(&f->tp_src, &v->tp_src, 8);
	c->frag.icmp_id = v->icmp_id;
	c->x.parse |= OVN_P_FRAG_L4;
	return 0;
}

/* Op CODE is a conntrack op and the packet a later fragment that found no
 * first fragment: it cannot be tracked (the op drops it). */
static __always_inline bool ovn_frag_orphan(const struct ovn_ctx *c, __u8 code)
{
	__u8 fam = c->x.parse & OVN_P_IP4 ? 4 : 6;

	if ((c->x.parse & (OVN_P_LATER_FRAG | OVN_P_FRAG_L4)) != OVN_P_LATER_FRAG ||
	    ovn_trace_on)
		return false;
	if (code != OVN_OP_CT_NEXT && code != OVN_OP_CT_COMMIT_BEGIN &&
	    code != OVN_OP_CT_COMMIT && code != OVN_OP_CT_NAT && code != OVN_OP_CT_LB &&
	    code != OVN_OP_CT_SNAT_TO_VIP)
		return false;
	return ovn_frag_needs_l4(fam, c->key.ip_proto);
}
