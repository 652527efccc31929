/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ovnbpf's own connection tracker (DESIGN.md §3.5): what OVN asks of OVS's
 * ct() action, in BPF maps.
 *
 * One entry per connection in ovn_ct, keyed by (zone, original tuple).  A
 * packet is looked up as it is (original direction) and, failing that,
 * with source and destination swapped (reply direction).  NAT adds
 * entries of kind OVN_CT_K_NAT_REV keyed by the translated reply tuple,
 * whose value names the connection's original key (its expires_ns is
 * never reached: GC deletes it with its connection).
 *
 * Tuples: TCP/UDP/SCTP by ports, ICMP echo by identifier (sport = id,
 * dport = 0), any other protocol by addresses only.  IPv4 addresses use the
 * first 4 bytes of the 16.
 *
 * BPF creates entries (ct_commit), refreshes them on every packet
 * (last_seen, expires, TCP state, counters); ovnbpfd deletes expired ones
 * (GC) and flushes zones; the LRU evicts the least recently used entry
 * when the map is full -- counted, see struct ovn_ct_stats.
 */
#ifndef __OVNBPF_MAPS_CT_H
#define __OVNBPF_MAPS_CT_H

#include "maps/abi.h"

/* Default size of ovn_ct (ovnbpfd --ct-max overrides). */
#ifndef OVN_CT_MAX
#define OVN_CT_MAX		65536
#endif

struct ovn_ct_key {
	__u16 zone;
	__u8 proto;		/* IP protocol */
	__u8 family;		/* 4 or 6 */
	__be16 sport;		/* ICMP: identifier */
	__be16 dport;
	__u8 src[16];
	__u8 dst[16];
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_ct_key) == 40, "ovn_ct_key is ABI");

/* TCP connection states (as netfilter's, fewer of them). */
enum ovn_ct_tcp_state {
	OVN_TCP_NONE = 0,
	OVN_TCP_SYN_SENT,
	OVN_TCP_SYN_RECV,
	OVN_TCP_ESTABLISHED,
	OVN_TCP_FIN_WAIT,	/* one side sent FIN */
	OVN_TCP_LAST_ACK,	/* both sides sent FIN, last ACK pending */
	OVN_TCP_TIME_WAIT,	/* both FINs acknowledged */
	OVN_TCP_CLOSE,		/* RST seen */
	OVN_TCP_N_STATES,
};

enum ovn_ct_kind {
	OVN_CT_K_CONN = 0,	/* a connection, key = original tuple */
	OVN_CT_K_NAT_REV = 1,	/* reply tuple after NAT -> value.orig */
};

enum ovn_ct_flag {
	OVN_CT_F_SEEN_REPLY = 1 << 0,	/* a reply-direction packet passed */
	OVN_CT_F_FIN_ORIG = 1 << 1,	/* TCP FIN seen from the originator */
	OVN_CT_F_FIN_REPLY = 1 << 2,	/* TCP FIN seen from the responder */
	OVN_CT_F_DNAT = 1 << 3,		/* NAT: destination rewritten (dnat) */
	OVN_CT_F_SNAT = 1 << 4,		/* NAT: source rewritten (snat) */
};

/* A NAT rewrite of one side of the tuple (port 0: port unchanged). */
struct ovn_ct_nat {
	__u8 addr[16];
	__be16 port;
	__u16 pad;
};

struct ovn_ct_entry {
	__u64 created_ns;	/* bpf_ktime_get_ns() (CLOCK_MONOTONIC) */
	__u64 last_seen_ns;
	__u64 expires_ns;	/* GC deletes the entry once now >= this */
	__u64 packets[2];	/* original, reply */
	__u64 bytes[2];
	__u32 mark;		/* ct_mark, host order */
	__u8 label[16];		/* ct_label, big-endian as in the context */
	__u8 kind;		/* enum ovn_ct_kind */
	__u8 tcp_state;		/* enum ovn_ct_tcp_state */
	__u8 flags;		/* enum ovn_ct_flag */
	__u8 pad;
	struct ovn_ct_nat dnat;
	struct ovn_ct_nat snat;
	struct ovn_ct_key orig;	/* NAT_REV: the connection's key */
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_ct_entry) == 160, "ovn_ct_entry is ABI");

/* Timeouts in seconds, netfilter's defaults. */
#define OVN_CT_TO_TCP_SYN_SENT		120
#define OVN_CT_TO_TCP_SYN_RECV		60
#define OVN_CT_TO_TCP_ESTABLISHED	432000
#define OVN_CT_TO_TCP_FIN_WAIT		120
#define OVN_CT_TO_TCP_LAST_ACK		30
#define OVN_CT_TO_TCP_TIME_WAIT		120
#define OVN_CT_TO_TCP_CLOSE		10
#define OVN_CT_TO_UDP			30	/* unreplied */
#define OVN_CT_TO_UDP_STREAM		120	/* replied */
#define OVN_CT_TO_ICMP			30
#define OVN_CT_TO_GENERIC		600

/* ovn_ct_stats: per-CPU counters (PERCPU_ARRAY, key 0), written by BPF.
 * LRU evictions are not reported by the kernel: ovnbpfctl conntrack stats
 * derives them as created - deleted_bpf - (ovn_ct_gc) gc_deleted - flushed
 * - live entries; a creation between the counters' read and the map walk
 * makes that off by the in-flight creations. */
struct ovn_ct_stats {
	__u64 lookups;		/* ct_next and friends */
	__u64 hits;		/* ... that found their connection */
	__u64 created;		/* entries inserted by ct_commit */
	__u64 insert_failed;	/* insert refused (raced, or map error) */
	__u64 updated;		/* ct_commit on an existing connection */
	__u64 deleted_bpf;	/* deleted by BPF: expired, or a closed TCP
				 * connection reopened by a SYN */
	__u64 invalid;		/* packets given ct.inv */
	__u64 related;		/* ICMP errors matched to a connection */
	__u64 expired;		/* of deleted_bpf: found past its timeout */
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_ct_stats) == 72, "ovn_ct_stats is ABI");

/* ovn_ct_gc[0]: what user space deleted (ARRAY, written by ovnbpfd's GC
 * and by ovnbpfctl conntrack flush, read-modify-write). */
struct ovn_ct_gc {
	__u64 gc_runs;
	__u64 gc_deleted;	/* expired entries deleted by ovnbpfd */
	__u64 flushed;		/* deleted by a flush */
	__u64 last_gc_ns;	/* CLOCK_MONOTONIC of the last GC pass */
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_ct_gc) == 32, "ovn_ct_gc is ABI");

/* Per-packet conntrack scratch, in the per-CPU context (maps/context.h
 * struct ovn_ctx.ct) rather than on the BPF stack. */
struct ovn_ct_scratch {
	struct ovn_ct_key key;		/* the packet's tuple (original guess) */
	struct ovn_ct_key rkey;		/* the same, reversed */
	__be32 stash_mark;		/* ct_commit { }: the packet's own */
	__u8 stash_label[16];		/* ct_mark/ct_label, restored after */
	__u8 buf[48];			/* inner headers of ICMP errors */
	struct ovn_ct_entry ne;		/* an entry being created */
	/* Set by every lookup (ovn_ct_find): the connection's key, and
	 * whether the packet already carries its NAT (a second ct op in the
	 * same zone, as OVS's cached conntrack entry). */
	struct ovn_ct_key ckey;
	struct ovn_ct_key nkey;		/* NAT: the reply tuple after NAT */
	struct ovn_ct_entry re;		/* NAT: a reverse entry being created */
	struct ovn_ct_nat nat;		/* NAT: the rewrite of a new connection */
	__u8 found;			/* last lookup found a connection */
	__u8 reply;			/* ... in the reply direction */
	__u8 xlated;
	__u8 related;			/* ... an ICMP error about it */
	__be32 stash_state;		/* ct_snat_to_vip: the packet's ct_state */
	__u32 pend_ports;		/* NAT commit pending: SNAT port range */
	__u32 pend_hash;		/* ... and the tuple's hash */
};

#endif /* __OVNBPF_MAPS_CT_H */
