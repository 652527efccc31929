/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * NAT on our conntrack (maps/ct.h): what OVS's ct(nat...) gives OVN.
 *
 *   ct_dnat(IP[:port]) / ct_snat(IP[:lo-hi])  (and _in_czone)
 *       look up; a new connection is committed with the rewrite; an
 *       existing one gets its own NAT, whatever the arguments say
 *   ct_dnat; / ct_snat; / ct_lb_mark;
 *       look up; an existing connection's NAT is applied (original
 *       direction: its rewrite; reply: the reverse), nothing committed
 *   ct_commit_nat
 *       as the bare form, committing a new connection without NAT
 *
 * A NAT connection has two entries: the connection at its original tuple
 * (value.dnat/.snat, flags OVN_CT_F_DNAT/SNAT) and a NAT_REV entry at the
 * reply tuple after NAT, naming it, so that replies are found as they
 * arrive.  The packet is rewritten in the context's flow key; the header
 * write-back (lib/writeback.h) stores it with the L3/L4 checksum fixes.
 * ct_state gets +dnat/+snat for the rewrite done on this packet, as the
 * kernel's OVS datapath sets them (a reply un-DNATed has its source
 * rewritten: +snat).
 *
 * Trace mode (ovnbpfctl trace) follows ovn-trace: the state comes from
 * --ct (only when the packet is not tracked yet), an address argument is
 * applied, a bare form changes nothing.
 */
#pragma once

#include "lib/ct.h"
#include "maps/actions.h"

/* Rewrite the packet's destination (DST) or source to ADDR[:PORT]. */
static __always_inline void ovn_nat_rewrite(struct ovn_ctx *c, bool dst, const __u8 *addr,
					    __be16 port)
{
	struct ovn_flow_key *k = &c->key;

	if (k->eth_type == bpf_htons(ETH_P_IP)) {
		if (dst)
			__builtin_memcpy(&k->ip4_dst, addr, 4);
		else
			__builtin_memcpy(&k->ip4_src, addr, 4);
	} else {
		if (dst)
			__builtin_memcpy(k->ip6_dst, addr, 16);
		else
			__builtin_memcpy(k->ip6_src, addr, 16);
	}
	if (port && ovn_ct_has_ports(k->ip_proto)) {
		if (dst)
			k->tp_dst = port;
		else
			k->tp_src = port;
	}
}

/* Apply connection E's NAT (key c->ct.ckey) to the packet, in the
 * direction the lookup found; returns the OVN_CS_* bits to add. */
static __always_inline __u32 ovn_nat_apply(struct ovn_ctx *c, const struct ovn_ct_entry *e)
{
	const struct ovn_ct_key *ck = &c->ct.ckey;
	__u32 st = 0;

	if (c->ct.xlated)
		return 0;
	if (!c->ct.reply) {
		if (e->flags & OVN_CT_F_DNAT) {
			ovn_nat_rewrite(c, true, e->dnat.addr, e->dnat.port);
			st |= 1u << OVN_CS_DNAT;
		}
		if (e->flags & OVN_CT_F_SNAT) {
			ovn_nat_rewrite(c, false, e->snat.addr, e->snat.port);
			st |= 1u << OVN_CS_SNAT;
		}
		return st;
	}
	/* Reply: back to the original tuple, reversed. */
	if (e->flags & OVN_CT_F_DNAT) {
		ovn_nat_rewrite(c, false, ck->dst, e->dnat.port ? ck->dport : 0);
		st |= 1u << OVN_CS_SNAT;
	}
	if (e->flags & OVN_CT_F_SNAT) {
		ovn_nat_rewrite(c, true, ck->src, e->snat.port ? ck->sport : 0);
		st |= 1u << OVN_CS_DNAT;
	}
	return st;
}

static __always_inline __u32 ovn_nat_mix(__u32 h, __u32 v)
{
	h ^= v;
	h *= 0x9e3779b1u;
	return h ^ (h >> 15);
}

/* A deterministic hash of the tuple in c->ct.key (never the skb hash):
 * the fields of FIELDS (OVN_LB_H_*), all of the 5-tuple when 0. */
static __noinline __u32 ovn_nat_hash(const struct ovn_ct_key *k, __u32 fields)
{
	__u32 h = 0x5bd1e995u, i, w;

	if (!fields)
		fields = OVN_LB_H_SRC | OVN_LB_H_DST | OVN_LB_H_SPORT | OVN_LB_H_DPORT |
			 OVN_LB_H_PROTO;
	if (fields & OVN_LB_H_PROTO)
		h = ovn_nat_mix(h, k->proto);
#pragma unroll
	for (i = 0; i < 4; i++) {
		if (fields & OVN_LB_H_SRC) {
			__builtin_memcpy(&w, &k->src[4 * i], 4);
			h = ovn_nat_mix(h, w);
		}
		if (fields & OVN_LB_H_DST) {
			__builtin_memcpy(&w, &k->dst[4 * i], 4);
			h = ovn_nat_mix(h, w);
		}
	}
	if (fields & OVN_LB_H_SPORT)
		h = ovn_nat_mix(h, k->sport);
	if (fields & OVN_LB_H_DPORT)
		h = ovn_nat_mix(h, (__u32)k->dport << 16);
	return h;
}

/* Insert the NAT reverse entry c->ct.nkey -> c->ct.key.  An entry there
 * whose connection is gone is stale and replaced.  0 or -EEXIST. */
static __always_inline int ovn_nat_insert_rev(struct ovn_ctx *c, __u64 now)
{
	struct ovn_ct_entry *ne = &c->ct.re, *old, *conn;

	old = bpf_map_lookup_elem(&ovn_ct, &c->ct.nkey);
	if (old) {
		if (old->kind != OVN_CT_K_NAT_REV)
			return -17;
		conn = bpf_map_lookup_elem(&ovn_ct, &old->orig);
		if (conn && conn->kind == OVN_CT_K_CONN && conn->expires_ns > now)
			return -17;
	}
	__builtin_memset(ne, 0, sizeof(*ne));
	ne->kind = OVN_CT_K_NAT_REV;
	ne->created_ns = now;
	ne->last_seen_ns = now;
	ne->expires_ns = ~0ULL;
	ne->orig = c->ct.key;
	return bpf_map_update_elem(&ovn_ct, &c->ct.nkey, ne, BPF_ANY) ? -17 : 0;
}

/* The connection entry for c->ct.key in c->ct.ne: NAT NF (OVN_CT_F_DNAT
 * or SNAT, the rewrite in c->ct.nat), ct_mark MARK. */
static __noinline int ovn_nat_build(struct __sk_buff *skb, struct ovn_ctx *c, __u32 nf, __u32 mark)
{
	struct ovn_ct_entry *ne = &c->ct.ne;
	__u64 now = bpf_ktime_get_ns();
	__u32 fl;

	__builtin_memset(ne, 0, sizeof(*ne));
	ne->created_ns = now;
	ne->last_seen_ns = now;
	ne->packets[0] = 1;
	ne->bytes[0] = skb->len;
	ne->kind = OVN_CT_K_CONN;
	ne->mark = mark;
	ne->flags = nf;
	if (c->ct.key.proto == IPPROTO_TCP_) {
		fl = bpf_ntohs(c->key.tcp_flags);
		ne->tcp_state = ovn_ct_tcp_new_state(fl) == OVN_TCP_SYN_SENT ?
				 OVN_TCP_SYN_SENT : OVN_TCP_ESTABLISHED;
	}
	ne->expires_ns = now + ovn_ct_timeout(&c->ct.key, ne) * OVN_NSEC;
	if (nf & OVN_CT_F_DNAT)
		ne->dnat = c->ct.nat;
	if (nf & OVN_CT_F_SNAT) {
		ne->snat = c->ct.nat;
		if (!ovn_ct_has_ports(c->ct.key.proto))
			ne->snat.port = 0;
	}
	return 0;
}

/* The NAT reverse entry of c->ct.ne.  SNAT keeps the source port when
 * it is free (and in the range PORTS = lo << 16 | hi, 0: any), else
 * tries others from the range (or 1024-65535), from the tuple's hash H.
 * 0 or DROP_NAT_FAILED. */
static __noinline int ovn_nat_reserve(struct ovn_ctx *c, __u32 nf, __u32 ports, __u32 h)
{
	struct ovn_ct_entry *ne = &c->ct.ne;
	__u32 plo = ports >> 16, phi = ports & 0xffff, span, port, i;
	bool pick = (nf & OVN_CT_F_SNAT) && ovn_ct_has_ports(c->ct.key.proto);

	port = bpf_ntohs(c->ct.key.sport);
	if (!plo) {
		plo = 1024;
		phi = 65535;
	}
	span = phi >= plo ? phi - plo + 1 : 1;
#pragma nounroll
	for (i = 0; i < 8; i++) {
		if (pick && (ne->snat.port || i)) {
			if (i || port < plo || port > phi)
				port = plo + (h + i * 7919) % span;
			ne->snat.port = bpf_htons(port);
		}
		ovn_ct_nat_rev_key(&c->ct.nkey, &c->ct.key, ne);
		if (!ovn_nat_insert_rev(c, ne->created_ns))
			return 0;
		if (!pick)
			break;
	}
	OVN_CT_STAT(insert_failed);
	return DROP_NAT_FAILED;
}

/* Insert c->ct.ne at c->ct.key; the packet's ct fields now say so. */
static __noinline int ovn_nat_insert(struct ovn_ctx *c, __u32 nf)
{
	if (bpf_map_update_elem(&ovn_ct, &c->ct.key, &c->ct.ne, BPF_NOEXIST)) {
		if (nf)
			bpf_map_delete_elem(&ovn_ct, &c->ct.nkey);
		OVN_CT_STAT(insert_failed);
		return DROP_NAT_FAILED;
	}
	OVN_CT_STAT(created);
	c->ct.ckey = c->ct.key;
	c->ct.found = 1;
	c->ct.reply = 0;
	c->ct.xlated = 0;
	c->md.ct_mark = bpf_htonl(c->ct.ne.mark);
	__builtin_memcpy(c->md.ct_label, c->ct.ne.label, 16);
	return 0;
}

/* A new connection needs committing: ovn_nat_build() has made c->ct.ne;
 * the caller of the op handler finishes with ovn_nat_finish() (its own
 * call, not a nested one: 6.1 counts the stack of the whole call chain). */
#define OVN_NAT_PENDING		(-1)

/* Prepare the commit of a new connection for c->ct.key with NAT NF (the
 * rewrite in c->ct.nat, SNAT port range PORTS) and ct_mark MARK. */
static __always_inline int ovn_nat_commit_new(struct __sk_buff *skb, struct ovn_ctx *c, __u32 nf,
					      __u32 ports, __u32 mark)
{
	ovn_nat_build(skb, c, nf, mark);
	c->ct.pend_ports = ports;
	c->ct.pend_hash = nf ? ovn_nat_hash(&c->ct.key, 0) : 0;
	return OVN_NAT_PENDING;
}

/* Existing connection of the last lookup, or NULL. */
static __always_inline struct ovn_ct_entry *ovn_nat_conn(struct ovn_ctx *c)
{
	struct ovn_ct_entry *e;

	if (!c->ct.found)
		return NULL;
	e = bpf_map_lookup_elem(&ovn_ct, &c->ct.ckey);
	if (!e || e->kind != OVN_CT_K_CONN)
		return NULL;
	return e;
}

/* OVN_OP_CT_NAT.  Returns 0, a DROP_* reason or OVN_NAT_PENDING. */
static __noinline int ovn_nat_op(struct __sk_buff *skb, struct ovn_ctx *c, const struct ovn_op *op)
{
	struct ovn_ct_nat *nat = &c->ct.nat;
	struct ovn_ct_entry *e;
	__u32 st, add = 0, fam = op->arg, plo = 0, phi = 0;
	__u8 nf = op->n, cf = 0;
	__be16 p;

	__builtin_memset(nat, 0, sizeof(*nat));
	__builtin_memcpy(nat->addr, op->value, 16);
	if (nf & OVN_NAT_F_PORTS) {
		__builtin_memcpy(&p, &op->mask[0], 2);
		plo = bpf_ntohs(p);
		__builtin_memcpy(&p, &op->mask[2], 2);
		phi = bpf_ntohs(p);
		if (!phi)
			phi = plo;
		/* DNAT to one port; SNAT picks from the range. */
		nat->port = bpf_htons(plo);
	}
	if (fam) {
		if (nf & OVN_NAT_F_DST)
			cf = OVN_CT_F_DNAT;
		else if (nf & OVN_NAT_F_SRC)
			cf = OVN_CT_F_SNAT;
		/* An address of the other family leaves the packet alone
		 * (OVS: the NAT range does not apply). */
		if ((fam == 4) != (c->key.eth_type == bpf_htons(ETH_P_IP)))
			cf = 0;
	}
	if (ovn_ct_tracing()) {
		st = bpf_ntohl(c->md.ct_state);
		if (!(st & (1u << OVN_CS_TRK)))
			ovn_ct_lookup(skb, c, op->src);
		st = bpf_ntohl(c->md.ct_state);
		if (cf) {
			ovn_nat_rewrite(c, cf == OVN_CT_F_DNAT, nat->addr,
					cf == OVN_CT_F_DNAT ? nat->port : 0);
			st |= 1u << (cf == OVN_CT_F_DNAT ? OVN_CS_DNAT : OVN_CS_SNAT);
		}
		c->md.ct_state = bpf_htonl(st);
		return 0;
	}
	ovn_ct_lookup(skb, c, op->src);
	st = bpf_ntohl(c->md.ct_state);
	e = ovn_nat_conn(c);
	if (e) {
		add = ovn_nat_apply(c, e);
	} else if ((nf & OVN_NAT_F_COMMIT) && (st & (1u << OVN_CS_NEW))) {
		c->md.ct_state = bpf_htonl(st);
		return ovn_nat_commit_new(skb, c, cf, cf == OVN_CT_F_SNAT ? plo << 16 | phi : 0, 0);
	}
	c->md.ct_state = bpf_htonl(st | add);
	return 0;
}
