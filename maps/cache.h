/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The exact-match cache in front of the classifier (DESIGN §3.2): what a
 * packet with a given key did the last time the whole logical pipeline ran
 * for it, so that the next packets with the same key skip the pipeline.
 *
 * Key: everything the pipeline can read that comes from the packet and its
 * entry: the ingress interface (which ovn_vifs maps to datapath, inport and
 * ct zone -- a mapping covered by the epoch below), pkt.mark, the parser's
 * flags and the whole 128-byte flow key as extracted (the map key holds
 * the interface and a hash of the rest, the value the rest itself).
 *
 * Value: the net effect: the flow key as the packet leaves (header
 * write-back makes the packet match it, lib/writeback.h), the packet shape
 * (arp {} / nd_na {} rebuild the frame from the key), and the delivery:
 * up to OVN_CACHE_OUT_MAX VIFs (one redirect, or clones of a multicast
 * fan-out), or a drop with its reason.
 *
 * Validity: an entry is used only while both the rule version it was
 * computed under (ovn_gen[0]: flows, set members, helper-table entries --
 * FDB, MAC bindings, port security -- all change it at commit) and the
 * cache epoch (ovn_cache_ctl[0].epoch: bumped by the writer after every
 * immediate write of a datapath, port, VIF, multicast group or meter) are
 * still current, and, for a run that executed conntrack ops, while each
 * of them gives the same result again (guards, below).  A pipeline run is
 * cached only if every op it executed is pure (bpf/lib/cache.h
 * ovn_cache_op_pure) or a guarded conntrack op: punts, packet generation
 * and anything new are never cached until their owners say they are.
 *
 * Counters: a hit does not run the stages, so ovn_stage_stats counts only
 * the packets that missed; ovn_cache_stats says how many hit, and each
 * entry counts its own hits.  ovn_drops counts every packet, hit or miss.
 */
#ifndef __OVNBPF_MAPS_CACHE_H
#define __OVNBPF_MAPS_CACHE_H

#include "maps/abi.h"

/* struct ovn_flow_key (maps/context.h, which embeds the recording state
 * below in the per-CPU context), as bytes. */
#define OVN_CACHE_FLOW_KEY	128

/* Entries of ovn_cache (per-CPU LRU hash); ovnbpfd may change it at load
 * time (bpf_map__set_max_entries). */
#ifndef OVN_CACHE_ENTRIES
#define OVN_CACHE_ENTRIES	8192
#endif

/* Deliveries one entry can replay (a flood to more local ports than this
 * is not cached). */
#define OVN_CACHE_OUT_MAX	16

/* The map key is the ingress interface and a 64-bit hash of the rest
 * (bpf/lib/cache.h ovn_cache_hash()); the rest itself is in the value
 * (ovn_cache_val.in_*) and compared on every hit, so two packets whose
 * hashes collide share a slot (the later one evicts the earlier) but never
 * each other's result.  Why not the whole 140 bytes as the key: the
 * kernel's jhash of a 140-byte key was a third of a cache hit's cost. */
struct ovn_cache_key {
	__u32 ifindex;		/* ingress interface (-> ovn_vifs) */
	__u32 pad;
	__u64 hash;		/* of pkt_mark, parse flags and the flow key */
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_cache_key) == 16, "ovn_cache_key is ABI");

/* How the deliveries of an entry are made. */
enum ovn_cache_kind {
	OVN_CACHE_K_DROP = 0,		/* no delivery: drop_reason */
	OVN_CACHE_K_PEER = 1,		/* bpf_redirect_peer(ifindex[0]) */
	OVN_CACHE_K_REDIRECT = 2,	/* bpf_redirect(ifindex[0]) */
	OVN_CACHE_K_CLONE = 3,		/* bpf_clone_redirect to each, then drop */
};

/* Conntrack guards (bpf/lib/cache_ct.h).  A run that executed conntrack
 * ops is cached with each op, in execution order, as a guard: which op
 * (program id and index: programs are immutable under a rule version),
 * the inputs it saw (zone, the flow-key fields conntrack reads, the
 * ct_mark/ct_label a ct_commit { } writes) and what it produced (ct_state,
 * ct_mark, ct_label, and the addresses/ports after NAT).  A hit executes
 * every guard's op again, for real, on the conntrack table and compares
 * its result with the recorded one: everything after a ct op depends only
 * on its result and the packet, so equal results mean the run would be
 * the same.  A difference is a miss (the pipeline runs, and the ops the
 * check already executed are not executed a second time).
 * A ct_commit { }'s CT_COMMIT is folded into its begin's guard.  Memory:
 * an entry is 1,384 bytes per CPU (8,192 entries: 11 MB per CPU). */
#define OVN_CACHE_GUARDS	6

/* Flow-key bytes a conntrack op reads: eth.type .. icmp.code (key offsets
 * 12..71), and the bytes NAT may rewrite: ip4/ip6 src/dst, L4 ports (key
 * offsets 24..67). */
#define OVN_CACHE_CT_IN_OFF	12
#define OVN_CACHE_CT_IN_LEN	60
#define OVN_CACHE_CT_OUT_OFF	24
#define OVN_CACHE_CT_OUT_LEN	44

struct ovn_cache_guard {
	__u32 prog;		/* ovn_progs id of the op */
	__u8 pc;		/* its index in that program */
	__u8 code;		/* its opcode */
	__u16 zone;		/* the zone it used (value of its zone register) */
	__u8 commit_pc;		/* ct_commit begin: index of its CT_COMMIT in
				 * the same program, folded into this guard
				 * (0: none); out[] then holds the ct_mark and
				 * ct_label it committed */
	__u8 pad[3];
	__u8 in[OVN_CACHE_CT_IN_LEN];	/* key[12..72) as the op saw it */
	__be32 in_mark;		/* ct_mark/ct_label before the op (ct_commit */
	__u8 in_label[16];	/* writes these, ct_commit begin stashes them) */
	__be32 ct_state;	/* result: the context's ct fields after */
	__be32 ct_mark;
	__u8 ct_label[16];
	__u8 out[OVN_CACHE_CT_OUT_LEN];	/* result: key[24..68) after (NAT) */
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_cache_guard) == 160, "ovn_cache_guard is ABI");

struct ovn_cache_val {
	__u32 gen;		/* ovn_gen[0] when computed */
	__u32 epoch;		/* ovn_cache_ctl[0].epoch when computed */
	__u8 valid;		/* 0: a zeroed per-CPU slot, never a hit */
	__u8 kind;		/* enum ovn_cache_kind */
	__u8 shape;		/* enum ovn_shape of the packet as it leaves */
	__u8 na_router;		/* nd_na_router's R flag */
	__u32 n_out;		/* deliveries */
	__u32 drop_reason;	/* K_DROP */
	__u32 n_guards;		/* conntrack guards[] to check on a hit */
	__u64 hits;		/* this CPU's hits of this entry */
	/* What the key's hash covers, compared on every hit: */
	__be32 in_mark;		/* pkt.mark */
	__u8 in_parse;		/* enum ovn_parse_flag */
	__u8 asis;		/* the packet leaves as it came: shape as
				 * parsed, key == in_key (no write-back) */
	__u8 pad[2];
	__u8 in_key[OVN_CACHE_FLOW_KEY];	/* struct ovn_flow_key as parsed */
	__u32 ifindex[OVN_CACHE_OUT_MAX];
	__u32 port[OVN_CACHE_OUT_MAX];	/* logical port keys, for traces */
	__u8 key[OVN_CACHE_FLOW_KEY];	/* the flow key as the packet leaves */
	struct ovn_cache_guard guard[OVN_CACHE_GUARDS];
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_cache_val) ==
		       32 + 8 + 128 + 8 * OVN_CACHE_OUT_MAX + 128 + 160 * OVN_CACHE_GUARDS,
		       "ovn_cache_val is ABI");

/* ovn_cache_ctl[0]: written by ovnbpfd, read by BPF. */
enum ovn_cache_ctl_flag {
	OVN_CACHE_F_DISABLED = 1 << 0,	/* every packet runs the pipeline */
};

struct ovn_cache_ctl {
	__u32 epoch;		/* bumped after every immediate map write */
	__u32 flags;		/* enum ovn_cache_ctl_flag */
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_cache_ctl) == 8, "ovn_cache_ctl is ABI");

/* ovn_cache_stats[0]: per-CPU counters, written by BPF. */
struct ovn_cache_stats {
	__u64 hits;		/* packets answered from the cache */
	__u64 misses;		/* no entry (or cache disabled: not counted) */
	__u64 stale;		/* an entry was found but its gen/epoch is old */
	__u64 inserts;		/* pipeline results stored */
	__u64 uncacheable;	/* pipeline runs with a non-pure op */
	__u64 insert_fail;	/* bpf_map_update_elem failed */
	__u64 ct_hits;		/* of hits: entries with conntrack guards */
	__u64 ct_miss;		/* a valid entry whose conntrack guards
				 * differed: the pipeline ran */
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_cache_stats) == 64, "ovn_cache_stats is ABI");

/* Recording state of the current packet's pipeline run (in ovn_ctx,
 * outside the matchable bytes): filled by the executor, turned into an
 * entry after the run. */
struct ovn_cache_rec {
	__u8 forbid;		/* an impure op ran: do not cache */
	__u8 kind;		/* enum ovn_cache_kind of the deliveries so far */
	__u8 n_guards;		/* conntrack ops run so far (val.guard[]) */
	__u8 pre_n;		/* the first pre_n of them were already run by a
				 * failed guard check: val.guard[] has their
				 * results, the pipeline applies them */
	__u32 n_out;
	__u32 epoch;		/* read at packet start */
	__u8 cur;		/* 1 + guard of the ct op running, 0: none */
	__u8 pre_half;		/* the last of the pre_n guards ran its ct_commit
				 * begin but not the CT_COMMIT folded into it */
	__u8 pad1[2];
	struct ovn_cache_key key;	/* the lookup key, built before the run */
	struct ovn_cache_val val;	/* the entry being built */
};

#endif /* __OVNBPF_MAPS_CACHE_H */
