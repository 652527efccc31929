/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Conntrack ops (maps/ct.h): what OVS's ct() gives OVN, on our own table.
 *
 *   ct_next            look up, set ct_state (+trk, new/est/rel/rpl/inv),
 *                      ct_mark, ct_label; then go to the next stage
 *   ct_commit { }      create the connection, or update its mark/label
 *   ct_clear           forget the packet's conntrack state
 *
 * States, as netfilter through OVS gives them:
 *   - no connection: +new, or +inv when the packet cannot start one (a TCP
 *     packet other than SYN or a bare ACK, an ICMP echo reply, an ICMP
 *     error that matches nothing, a later IP fragment of an ICMP error);
 *   - a later IP fragment is tracked with its first fragment's ports
 *     (lib/frag.h); one whose first fragment was not seen is dropped by
 *     the op that would track it (DROP_FRAG_NO_FIRST);
 *   - original direction: +new until a reply passed, then +est;
 *   - reply direction: +est+rpl;
 *   - ICMP error about a tracked connection: +rel (+rpl when the error
 *     travels towards the originator);
 *   - TCP with an invalid flag combination (SYN+FIN, no flags, ...): +inv,
 *     the connection is not touched.
 * TCP is tracked through handshake, FIN on both sides and RST, for the
 * timeouts and reopening; sequence windows are not checked.
 *
 * Concurrency: an entry is shared by every CPU; counters use atomic adds,
 * state/expiry updates are plain stores (a lost update only delays a
 * state change to the connection's next packet).
 */
#pragma once

#include "lib/state.h"
#include "lib/parse.h"
#include "lib/trace.h"
#include "maps/ct.h"

#define OVN_NSEC		1000000000ULL

/* ovn_ct: the connections.  Written by BPF (ct_commit, refresh) and by
 * ovnbpfd (GC of expired entries) and ovnbpfctl (flush). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct ovn_ct_key);
	__type(value, struct ovn_ct_entry);
	__uint(max_entries, OVN_CT_MAX);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ovn_ct SEC(".maps");

/* ovn_ct_stats[0]: per-CPU conntrack counters.  Written by BPF, read by
 * ovnbpfctl conntrack stats and tests. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct ovn_ct_stats);
	__uint(max_entries, 1);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ovn_ct_stats SEC(".maps");

/* ovn_ct_gc[0]: deletions done by user space (GC, flush).  Written by
 * ovnbpfd and ovnbpfctl only. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct ovn_ct_gc);
	__uint(max_entries, 1);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ovn_ct_gc SEC(".maps");

/*
 * `ovnbpfctl trace` (bpf/lib/trace.h): in trace mode a ct op never touches
 * the table and takes its ct_state from the trace's --ct list.
 */
static __always_inline bool ovn_ct_tracing(void)
{
	return ovn_trace_on;
}

static __always_inline __u32 ovn_ct_state_override(struct ovn_ctx *c)
{
	return ovn_trace_ct_next_state(c);
}

#define OVN_CT_STAT(field)						\
	do {								\
		__u32 __z = 0;						\
		struct ovn_ct_stats *__s =				\
			bpf_map_lookup_elem(&ovn_ct_stats, &__z);	\
		if (__s)						\
			__s->field++;					\
	} while (0)

#define TCPF_FIN	0x01
#define TCPF_SYN	0x02
#define TCPF_RST	0x04
#define TCPF_PSH	0x08
#define TCPF_ACK	0x10
#define TCPF_URG	0x20
#define TCPF_ECE	0x40
#define TCPF_CWR	0x80

/* The flag combinations netfilter accepts (PSH, ECE, CWR ignored). */
static __always_inline bool ovn_ct_tcp_flags_ok(__u32 f)
{
	f &= ~(TCPF_PSH | TCPF_ECE | TCPF_CWR) & 0xff;
	switch (f) {
	case TCPF_SYN:
	case TCPF_SYN | TCPF_URG:
	case TCPF_SYN | TCPF_ACK:
	case TCPF_RST:
	case TCPF_RST | TCPF_ACK:
	case TCPF_FIN | TCPF_ACK:
	case TCPF_FIN | TCPF_ACK | TCPF_URG:
	case TCPF_ACK:
	case TCPF_ACK | TCPF_URG:
		return true;
	default:
		return false;
	}
}

/* What a TCP packet can start: SYN, or a bare ACK (netfilter's loose
 * pick-up of a connection already under way). */
static __always_inline int ovn_ct_tcp_new_state(__u32 f)
{
	f &= (TCPF_SYN | TCPF_ACK | TCPF_FIN | TCPF_RST);
	if (f == TCPF_SYN)
		return OVN_TCP_SYN_SENT;
	if (f == TCPF_ACK)
		return OVN_TCP_ESTABLISHED;
	return -1;
}

static __always_inline __u64 ovn_ct_timeout(const struct ovn_ct_key *k,
					    const struct ovn_ct_entry *e)
{
	switch (k->proto) {
	case IPPROTO_TCP_:
		switch (e->tcp_state) {
		case OVN_TCP_SYN_SENT: return OVN_CT_TO_TCP_SYN_SENT;
		case OVN_TCP_SYN_RECV: return OVN_CT_TO_TCP_SYN_RECV;
		case OVN_TCP_ESTABLISHED: return OVN_CT_TO_TCP_ESTABLISHED;
		case OVN_TCP_FIN_WAIT: return OVN_CT_TO_TCP_FIN_WAIT;
		case OVN_TCP_LAST_ACK: return OVN_CT_TO_TCP_LAST_ACK;
		case OVN_TCP_TIME_WAIT: return OVN_CT_TO_TCP_TIME_WAIT;
		default: return OVN_CT_TO_TCP_CLOSE;
		}
	case IPPROTO_UDP_:
		return e->flags & OVN_CT_F_SEEN_REPLY ? OVN_CT_TO_UDP_STREAM : OVN_CT_TO_UDP;
	case IPPROTO_ICMP_:
	case IPPROTO_ICMPV6_:
		return OVN_CT_TO_ICMP;
	default:
		return OVN_CT_TO_GENERIC;
	}
}

/* TCP state after a valid packet in direction REPLY. */
static __always_inline __u8 ovn_ct_tcp_next(struct ovn_ct_entry *e, __u32 f, bool reply)
{
	__u8 s = e->tcp_state;

	if (f & TCPF_RST)
		return OVN_TCP_CLOSE;
	if (s == OVN_TCP_CLOSE || s == OVN_TCP_TIME_WAIT)
		return s;
	if (f & TCPF_FIN) {
		e->flags |= reply ? OVN_CT_F_FIN_REPLY : OVN_CT_F_FIN_ORIG;
		if ((e->flags & (OVN_CT_F_FIN_ORIG | OVN_CT_F_FIN_REPLY)) ==
		    (OVN_CT_F_FIN_ORIG | OVN_CT_F_FIN_REPLY))
			return OVN_TCP_LAST_ACK;
		return OVN_TCP_FIN_WAIT;
	}
	switch (s) {
	case OVN_TCP_SYN_SENT:
		if (reply && (f & TCPF_SYN))
			return OVN_TCP_SYN_RECV;
		return s;
	case OVN_TCP_SYN_RECV:
		if (!reply && (f & TCPF_ACK) && !(f & TCPF_SYN))
			return OVN_TCP_ESTABLISHED;
		return s;
	case OVN_TCP_LAST_ACK:
		if (f & TCPF_ACK)
			return OVN_TCP_TIME_WAIT;
		return s;
	default:
		return s;
	}
}

static __always_inline bool ovn_icmp4_is_error(__u8 t)
{
	return t == 3 || t == 4 || t == 5 || t == 11 || t == 12;
}

static __always_inline bool ovn_icmp6_is_error(__u8 t)
{
	return t >= 1 && t <= 4;
}

/* ICMP types that start a connection (netfilter's "valid new"), and the
 * replies that belong to one: echo, timestamp, info, address mask;
 * ICMPv6 echo and node information. */
static __always_inline int ovn_icmp_query(__u8 fam, __u8 t)
{
	if (fam == 4) {
		if (t == 8 || t == 13 || t == 15 || t == 17)
			return 1;	/* request */
		if (t == 0 || t == 14 || t == 16 || t == 18)
			return 2;	/* reply */
		return 0;
	}
	if (t == 128 || t == 139)
		return 1;
	if (t == 129 || t == 140)
		return 2;
	return 0;
}

static __always_inline bool ovn_ct_has_ports(__u8 proto)
{
	return proto == IPPROTO_TCP_ || proto == IPPROTO_UDP_ || proto == IPPROTO_SCTP_ ||
	       proto == 136 /* UDP-Lite */;
}

static __always_inline void ovn_ct_reverse(struct ovn_ct_key *r, const struct ovn_ct_key *k)
{
	r->zone = k->zone;
	r->proto = k->proto;
	r->family = k->family;
	if (k->proto == IPPROTO_ICMP_ || k->proto == IPPROTO_ICMPV6_) {
		/* the identifier names the exchange in both directions */
		r->sport = k->sport;
		r->dport = k->dport;
	} else {
		r->sport = k->dport;
		r->dport = k->sport;
	}
	__builtin_memcpy(r->src, k->dst, 16);
	__builtin_memcpy(r->dst, k->src, 16);
}

/* What kind of packet the tuple in c->ct.key describes. */
enum ovn_ct_pkt {
	OVN_CTP_NORMAL = 0,	/* key = the packet's own tuple */
	OVN_CTP_NEW_OK,		/* ... and it may start a connection */
	OVN_CTP_ERROR,		/* ICMP error: key = the embedded packet's tuple */
	OVN_CTP_INVALID,	/* cannot be tracked */
};

/* The embedded packet of an ICMP(v6) error at L4 offset OFF + 8. */
static __always_inline int ovn_ct_inner(struct __sk_buff *skb, struct ovn_ctx *c, __u32 off)
{
	struct ovn_ct_key *k = &c->ct.key;
	__u8 *b = c->ct.buf;
	__u32 l4;
	__u8 proto;

	off += 8;
	if (k->family == 4) {
		if (bpf_skb_load_bytes(skb, off, b, 20))
			return OVN_CTP_INVALID;
		if ((b[0] >> 4) != 4 || (b[0] & 0xf) < 5)
			return OVN_CTP_INVALID;
		l4 = off + (b[0] & 0xf) * 4;
		proto = b[9];
		__builtin_memset(k->src, 0, 16);
		__builtin_memset(k->dst, 0, 16);
		__builtin_memcpy(k->src, &b[12], 4);
		__builtin_memcpy(k->dst, &b[16], 4);
	} else {
		if (bpf_skb_load_bytes(skb, off, b, 40))
			return OVN_CTP_INVALID;
		if ((b[0] >> 4) != 6)
			return OVN_CTP_INVALID;
		l4 = off + 40;
		proto = b[6];	/* extension headers: tracked by addresses */
		__builtin_memcpy(k->src, &b[8], 16);
		__builtin_memcpy(k->dst, &b[24], 16);
	}
	k->proto = proto;
	k->sport = 0;
	k->dport = 0;
	if (ovn_ct_has_ports(proto)) {
		if (bpf_skb_load_bytes(skb, l4, b, 4))
			return OVN_CTP_INVALID;
		__builtin_memcpy(&k->sport, &b[0], 2);
		__builtin_memcpy(&k->dport, &b[2], 2);
	} else if (proto == IPPROTO_ICMP_ || proto == IPPROTO_ICMPV6_) {
		if (bpf_skb_load_bytes(skb, l4, b, 8))
			return OVN_CTP_INVALID;
		if (ovn_icmp_query(k->family, b[0]) != 1)
			return OVN_CTP_INVALID;
		__builtin_memcpy(&k->sport, &b[4], 2);
	}
	return OVN_CTP_ERROR;
}

/* Fill c->ct.key from the packet's current headers, in ZONE. */
static __always_inline int ovn_ct_tuple(struct __sk_buff *skb, struct ovn_ctx *c, __u16 zone)
{
	struct ovn_ct_key *k = &c->ct.key;
	struct ovn_flow_key *f = &c->key;
	int q;

	__builtin_memset(k, 0, sizeof(*k));
	k->zone = zone;
	if (f->eth_type == bpf_htons(ETH_P_IP)) {
		k->family = 4;
		__builtin_memcpy(k->src, &f->ip4_src, 4);
		__builtin_memcpy(k->dst, &f->ip4_dst, 4);
	} else if (f->eth_type == bpf_htons(ETH_P_IPV6)) {
		k->family = 6;
		__builtin_memcpy(k->src, f->ip6_src, 16);
		__builtin_memcpy(k->dst, f->ip6_dst, 16);
	} else {
		return OVN_CTP_INVALID;
	}
	k->proto = f->ip_proto;
	/* A later fragment carries no L4 header: its ports (ICMP type and
	 * identifier) are its first fragment's, put in the flow key at entry
	 * (lib/frag.h, OVN_P_FRAG_L4); one that got none cannot be tracked by
	 * them.  Other protocols are tracked by addresses, as whole ones. */
	if ((c->x.parse & (OVN_P_LATER_FRAG | OVN_P_FRAG_L4)) == OVN_P_LATER_FRAG &&
	    (ovn_ct_has_ports(k->proto) || k->proto == IPPROTO_ICMP_ ||
	     k->proto == IPPROTO_ICMPV6_))
		return OVN_CTP_INVALID;
	if (ovn_ct_has_ports(k->proto)) {
		k->sport = f->tp_src;
		k->dport = f->tp_dst;
		if (k->proto == IPPROTO_TCP_) {
			__u32 fl = bpf_ntohs(f->tcp_flags);

			if (!ovn_ct_tcp_flags_ok(fl))
				return OVN_CTP_INVALID;
			return ovn_ct_tcp_new_state(fl) >= 0 ? OVN_CTP_NEW_OK : OVN_CTP_NORMAL;
		}
		return OVN_CTP_NEW_OK;
	}
	if ((k->family == 4 && k->proto == IPPROTO_ICMP_) ||
	    (k->family == 6 && k->proto == IPPROTO_ICMPV6_)) {
		/* A query is named by its identifier, which the parser (or,
		 * for a later fragment, lib/frag.h) put in c->frag.icmp_id. */
		q = ovn_icmp_query(k->family, f->icmp_type);
		if (q) {
			k->sport = c->frag.icmp_id;
			return q == 1 ? OVN_CTP_NEW_OK : OVN_CTP_NORMAL;
		}
		if (k->family == 4 ? ovn_icmp4_is_error(f->icmp_type)
				   : ovn_icmp6_is_error(f->icmp_type))
			return ovn_ct_inner(skb, c, c->x.l4_off);
		return OVN_CTP_INVALID;
	}
	return OVN_CTP_NEW_OK;
}

/* NAT: *n = the reply tuple of connection K after its NAT (entry E). */
static __always_inline void ovn_ct_nat_rev_key(struct ovn_ct_key *n, const struct ovn_ct_key *k,
					       const struct ovn_ct_entry *e)
{
	bool ports = ovn_ct_has_ports(k->proto);

	ovn_ct_reverse(n, k);
	if (e->flags & OVN_CT_F_DNAT) {
		__builtin_memcpy(n->src, e->dnat.addr, 16);
		if (e->dnat.port && ports)
			n->sport = e->dnat.port;
	}
	if (e->flags & OVN_CT_F_SNAT) {
		__builtin_memcpy(n->dst, e->snat.addr, 16);
		if (e->snat.port && ports)
			n->dport = e->snat.port;
	}
}

/* Delete connection c->ct.ckey (entry E) and its NAT reverse entry. */
static __always_inline void ovn_ct_delete_conn(struct ovn_ctx *c, const struct ovn_ct_entry *e)
{
	if (e->flags & (OVN_CT_F_DNAT | OVN_CT_F_SNAT)) {
		ovn_ct_nat_rev_key(&c->ct.nkey, &c->ct.ckey, e);
		bpf_map_delete_elem(&ovn_ct, &c->ct.nkey);
	}
	bpf_map_delete_elem(&ovn_ct, &c->ct.ckey);
	OVN_CT_STAT(deleted_bpf);
}

/* The connection of c->ct.key in either direction (*reply set), or NULL;
 * c->ct.ckey = its key.  With NAT, a packet matching a NAT reverse entry
 * is a reply not yet un-NATed; a packet whose reversed tuple matches one
 * is an original-direction packet already NATed (c->ct.xlated), as is a
 * reply to a NAT connection matching its original tuple reversed.
 * An entry past its timeout that GC has not reached yet is deleted. */
static __always_inline struct ovn_ct_entry *ovn_ct_find(struct ovn_ctx *c, bool *reply, __u64 now)
{
	struct ovn_ct_entry *e;

	*reply = false;
	c->ct.xlated = 0;
	e = bpf_map_lookup_elem(&ovn_ct, &c->ct.key);
	if (e && e->kind == OVN_CT_K_CONN) {
		c->ct.ckey = c->ct.key;
		goto found;
	}
	if (e && e->kind == OVN_CT_K_NAT_REV) {
		c->ct.ckey = e->orig;
		*reply = true;
		goto follow;
	}
	ovn_ct_reverse(&c->ct.rkey, &c->ct.key);
	e = bpf_map_lookup_elem(&ovn_ct, &c->ct.rkey);
	if (!e)
		return NULL;
	if (e->kind == OVN_CT_K_CONN) {
		c->ct.ckey = c->ct.rkey;
		*reply = true;
		c->ct.xlated = !!(e->flags & (OVN_CT_F_DNAT | OVN_CT_F_SNAT));
		goto found;
	}
	if (e->kind != OVN_CT_K_NAT_REV)
		return NULL;
	c->ct.ckey = e->orig;
	c->ct.xlated = 1;
follow:
	e = bpf_map_lookup_elem(&ovn_ct, &c->ct.ckey);
	if (!e || e->kind != OVN_CT_K_CONN)
		return NULL;
found:
	if (e->expires_ns <= now) {
		ovn_ct_delete_conn(c, e);
		OVN_CT_STAT(expired);
		return NULL;
	}
	return e;
}

static __always_inline __u16 ovn_ct_zone(struct ovn_ctx *c, __u32 off)
{
	if (off == OVN_OFF_DNAT_ZONE)
		return bpf_ntohl(c->md.dnat_zone);
	if (off == OVN_OFF_SNAT_ZONE)
		return bpf_ntohl(c->md.snat_zone);
	return bpf_ntohl(c->md.ct_zone);
}

/* ct_next (and the lookup half of every ct op): returns 0. */
static __noinline int ovn_ct_lookup(struct __sk_buff *skb, struct ovn_ctx *c, __u32 zone_off)
{
	__u32 st = 1u << OVN_CS_TRK, fl, len = skb->len;
	struct ovn_ct_entry *e;
	__u64 now;
	bool reply;
	int kind;

	c->ct.found = 0;
	c->ct.related = 0;
	/* ovn-trace's ct_next sets ct_state only: ct_mark and ct_label stay
	 * as the microflow gave them. */
	if (ovn_ct_tracing()) {
		c->md.ct_state = bpf_htonl(ovn_ct_state_override(c));
		return 0;
	}
	c->md.ct_mark = 0;
	__builtin_memset(c->md.ct_label, 0, 16);
	OVN_CT_STAT(lookups);
	kind = ovn_ct_tuple(skb, c, ovn_ct_zone(c, zone_off));
	if (kind == OVN_CTP_INVALID) {
		st |= 1u << OVN_CS_INV;
		OVN_CT_STAT(invalid);
		goto out;
	}
	now = bpf_ktime_get_ns();
	e = ovn_ct_find(c, &reply, now);
	if (kind == OVN_CTP_ERROR) {
		if (!e) {
			st |= 1u << OVN_CS_INV;
			OVN_CT_STAT(invalid);
			goto out;
		}
		OVN_CT_STAT(related);
		/* The embedded packet went in the original direction: the
		 * error travels back towards the originator. */
		st |= 1u << OVN_CS_REL;
		if (!reply)
			st |= 1u << OVN_CS_RPL;
		/* the error is about the connection: count it, no state change */
		__sync_fetch_and_add(&e->packets[!reply], 1);
		__sync_fetch_and_add(&e->bytes[!reply], len);
		/* NAT ops translate it (lib/nat.h ovn_nat_related()). */
		c->ct.found = 1;
		c->ct.reply = reply;
		c->ct.related = 1;
		goto mark;
	}
	if (e && e->kind == OVN_CT_K_CONN && c->ct.key.proto == IPPROTO_TCP_) {
		fl = bpf_ntohs(c->key.tcp_flags);
		/* A new SYN on a closed connection starts a new one. */
		if (!reply && (fl & (TCPF_SYN | TCPF_ACK)) == TCPF_SYN &&
		    (e->tcp_state == OVN_TCP_CLOSE || e->tcp_state == OVN_TCP_TIME_WAIT)) {
			ovn_ct_delete_conn(c, e);
			e = NULL;
		} else {
			e->tcp_state = ovn_ct_tcp_next(e, fl, reply);
		}
	}
	if (!e) {
		if (kind != OVN_CTP_NEW_OK) {
			st |= 1u << OVN_CS_INV;
			OVN_CT_STAT(invalid);
		} else {
			st |= 1u << OVN_CS_NEW;
		}
		goto out;
	}
	OVN_CT_STAT(hits);
	if (reply) {
		st |= (1u << OVN_CS_EST) | (1u << OVN_CS_RPL);
		if (!(e->flags & OVN_CT_F_SEEN_REPLY))
			e->flags |= OVN_CT_F_SEEN_REPLY;
	} else {
		st |= e->flags & OVN_CT_F_SEEN_REPLY ? 1u << OVN_CS_EST : 1u << OVN_CS_NEW;
	}
	__sync_fetch_and_add(&e->packets[reply], 1);
	__sync_fetch_and_add(&e->bytes[reply], len);
	e->last_seen_ns = now;
	e->expires_ns = now + ovn_ct_timeout(&c->ct.key, e) * OVN_NSEC;
	c->ct.found = 1;
	c->ct.reply = reply;
mark:
	c->md.ct_mark = bpf_htonl(e->mark);
	__builtin_memcpy(c->md.ct_label, e->label, 16);
out:
	c->md.ct_state = bpf_htonl(st);
	return 0;
}

/* ct_commit { }, first half: stash the packet's ct_mark/ct_label and load
 * the connection's, which the nested assignments then edit. */
static __noinline int ovn_ct_commit_begin(struct __sk_buff *skb, struct ovn_ctx *c, __u32 zone_off)
{
	struct ovn_ct_entry *e = NULL;
	bool reply;
	int kind;

	c->ct.stash_mark = c->md.ct_mark;
	__builtin_memcpy(c->ct.stash_label, c->md.ct_label, 16);
	c->md.ct_mark = 0;
	__builtin_memset(c->md.ct_label, 0, 16);
	if (ovn_ct_tracing())
		return 0;
	kind = ovn_ct_tuple(skb, c, ovn_ct_zone(c, zone_off));
	if (kind != OVN_CTP_INVALID && kind != OVN_CTP_ERROR)
		e = ovn_ct_find(c, &reply, bpf_ktime_get_ns());
	if (e) {
		c->md.ct_mark = bpf_htonl(e->mark);
		__builtin_memcpy(c->md.ct_label, e->label, 16);
	}
	return 0;
}

/* ct_commit: the connection of the packet exists afterwards (unless the
 * packet cannot start one); NESTED: with the context's ct_mark/ct_label,
 * which are then restored to the packet's own (OVS does not change the
 * packet's ct fields on a commit without recirculation). */
static __noinline int ovn_ct_commit(struct __sk_buff *skb, struct ovn_ctx *c, __u32 zone_off,
				    bool nested)
{
	struct ovn_ct_entry *e, *ne;
	__u32 fl;
	__u64 now;
	bool reply;
	int kind;

	if (ovn_ct_tracing())
		goto restore;
	kind = ovn_ct_tuple(skb, c, ovn_ct_zone(c, zone_off));
	/* OVS refuses to commit an invalid packet; an ICMP error is
	 * related, never committed on its own. */
	if (kind == OVN_CTP_INVALID || kind == OVN_CTP_ERROR)
		goto restore;
	now = bpf_ktime_get_ns();
	e = ovn_ct_find(c, &reply, now);
	if (e) {
		if (nested) {
			e->mark = bpf_ntohl(c->md.ct_mark);
			__builtin_memcpy(e->label, c->md.ct_label, 16);
		}
		OVN_CT_STAT(updated);
		goto restore;
	}
	if (kind != OVN_CTP_NEW_OK)
		goto restore;
	/* A fresh entry, built in the context's scratch (not the stack). */
	ne = &c->ct.ne;
	__builtin_memset(ne, 0, sizeof(*ne));
	ne->created_ns = now;
	ne->last_seen_ns = now;
	ne->packets[0] = 1;
	ne->bytes[0] = skb->len;
	ne->kind = OVN_CT_K_CONN;
	if (c->ct.key.proto == IPPROTO_TCP_) {
		fl = bpf_ntohs(c->key.tcp_flags);
		ne->tcp_state = ovn_ct_tcp_new_state(fl) == OVN_TCP_SYN_SENT ? OVN_TCP_SYN_SENT
									  : OVN_TCP_ESTABLISHED;
	}
	ne->expires_ns = now + ovn_ct_timeout(&c->ct.key, ne) * OVN_NSEC;
	if (nested) {
		ne->mark = bpf_ntohl(c->md.ct_mark);
		__builtin_memcpy(ne->label, c->md.ct_label, 16);
	}
	if (bpf_map_update_elem(&ovn_ct, &c->ct.key, ne, BPF_NOEXIST)) {
		OVN_CT_STAT(insert_failed);
		goto restore;
	}
	OVN_CT_STAT(created);
restore:
	if (nested) {
		c->md.ct_mark = c->ct.stash_mark;
		__builtin_memcpy(c->md.ct_label, c->ct.stash_label, 16);
	}
	return 0;
}

static __always_inline void ovn_ct_clear(struct ovn_ctx *c)
{
	c->md.ct_state = 0;
	c->md.ct_mark = 0;
	__builtin_memset(c->md.ct_label, 0, 16);
}

/* Run conntrack op OP.  Returns a bpf_loop callback value like every op
 * handler; *advance says whether the next op follows. */
static __always_inline long ovn_ct_op(struct ovn_loop *lc, const struct ovn_op *op, bool *advance)
{
	struct ovn_ctx *c = lc->c;
	__u32 zo = op->src;

	*advance = false;
	if (op->code < OVN_OP_CT_NEXT || op->code > OVN_OP_CT_CLEAR)
		return ovn_end(c, DROP_CT_UNSUPPORTED);
	if (op->code != OVN_OP_CT_CLEAR && zo != OVN_OFF_CT_ZONE && zo != OVN_OFF_DNAT_ZONE &&
	    zo != OVN_OFF_SNAT_ZONE)
		return ovn_end(c, DROP_CT_BAD_ZONE);
	switch (op->code) {
	case OVN_OP_CT_NEXT:
		if (op->pipeline > OVN_PIPE_EGRESS || c->x.in_call)
			return ovn_end(c, DROP_BAD_OP);
		ovn_ct_lookup(lc->skb, c, zo);
		c->x.pipeline = op->pipeline;
		c->x.table = op->table;
		c->x.phase = OVN_PH_STAGE;
		return 0;
	case OVN_OP_CT_COMMIT_BEGIN:
		ovn_ct_commit_begin(lc->skb, c, zo);
		break;
	case OVN_OP_CT_COMMIT:
		ovn_ct_commit(lc->skb, c, zo, op->n & 1);
		break;
	case OVN_OP_CT_CLEAR:
		ovn_ct_clear(c);
		break;
	default:
		return ovn_end(c, DROP_CT_UNSUPPORTED);
	}
	*advance = true;
	return 0;
}
