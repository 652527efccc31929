/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * User-space side of ovnbpf's conntrack (maps/ct.h): ovnbpfd's garbage
 * collector, and what `ovnbpfctl conntrack` lists, flushes and counts.
 * Works on a loaded object's maps or on the pinned ones.
 */
#ifndef __OVNBPF_LOADER_CONNTRACK_H
#define __OVNBPF_LOADER_CONNTRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "maps/ct.h"

struct bpf_object;

struct ovnbpf_ct {
	int ct;			/* ovn_ct */
	int stats;		/* ovn_ct_stats (per CPU) */
	int gc;			/* ovn_ct_gc */
	bool owned;		/* opened from pins: closed by close() */
};

int ovnbpf_ct_from_object(struct bpf_object *obj, struct ovnbpf_ct *ct);
int ovnbpf_ct_open_pinned(const char *pin_dir, struct ovnbpf_ct *ct);
void ovnbpf_ct_close(struct ovnbpf_ct *ct);

/* CLOCK_MONOTONIC in ns: the clock of bpf_ktime_get_ns(). */
uint64_t ovnbpf_ct_now(void);

/* Delete the entries whose timeout passed at NOW_NS (0: now) and count
 * them in ovn_ct_gc.  Returns how many, or -errno. */
int ovnbpf_ct_gc(struct ovnbpf_ct *ct, uint64_t now_ns);
/* Delete every entry of ZONE (-1: all zones).  Returns how many. */
int ovnbpf_ct_flush(struct ovnbpf_ct *ct, int zone);

/* Call FN for each entry of ZONE (-1: all); FN returning non-zero stops
 * the walk (and is returned). */
typedef int ovnbpf_ct_walk_fn(const struct ovn_ct_key *k, const struct ovn_ct_entry *e,
			      void *aux);
int ovnbpf_ct_walk(struct ovnbpf_ct *ct, int zone, ovnbpf_ct_walk_fn *fn, void *aux);

struct ovnbpf_ct_summary {
	struct ovn_ct_stats stats;	/* summed over CPUs */
	struct ovn_ct_gc gc;
	uint64_t live;			/* entries in the map now */
	uint64_t max;			/* its max_entries */
	/* created - deleted_bpf - gc_deleted - flushed - live, >= 0: what
	 * the LRU evicted (approximate while packets create entries). */
	uint64_t evicted;
};
int ovnbpf_ct_summarize(struct ovnbpf_ct *ct, struct ovnbpf_ct_summary *s);

/* One entry as ovs-appctl dpctl/dump-conntrack prints it, with the time
 * left: "udp,orig=(src=..,dst=..,sport=..,dport=..),reply=(..),zone=1,
 * mark=1,labels=0x7,timeout=29,protoinfo=(state=ESTABLISHED)". */
void ovnbpf_ct_format(const struct ovn_ct_key *k, const struct ovn_ct_entry *e, uint64_t now_ns,
		      char *buf, size_t n);
const char *ovnbpf_ct_tcp_state_name(unsigned int s);

#endif /* __OVNBPF_LOADER_CONNTRACK_H */
