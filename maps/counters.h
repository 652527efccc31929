/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Per-CPU packet counters: one slot per drop reason, plus the packets each
 * entry program saw.  BPF is the writer (no atomics: PERCPU_ARRAY); ovnbpfctl
 * and the tests read and sum over CPUs.
 */
#ifndef __OVNBPF_MAPS_COUNTERS_H
#define __OVNBPF_MAPS_COUNTERS_H

#include "maps/abi.h"
#include "maps/drop_reasons.h"

/* Index into ovn_drops: the drop reason itself.  Index DROP_NONE counts
 * packets that were accepted. */
#define OVNBPF_DROPS_MAX 256
__OVNBPF_STATIC_ASSERT(DROP_MAX_REASON <= OVNBPF_DROPS_MAX, "drop reasons overflow the counter map");

struct ovnbpf_counter {
	__u64 packets;
	__u64 bytes;
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovnbpf_counter) == 16, "ovnbpf_counter is ABI");

/* ovn_stage_stats: per-CPU, index OVN_STAGE_IDX(dp_type, pipeline, table)
 * (maps/pipeline.h).  BPF writes, ovnbpfctl/tests read. */
struct ovn_stage_stats {
	__u64 hits;		/* a flow matched */
	__u64 no_match;		/* dropped: no flow matched */
	__u64 drop_action;	/* dropped by `drop;` of the matched flow */
	__u64 punted;		/* sent to ovnbpfd by the matched flow */
	__u64 punt_lost;	/* copy of a continuing punt not sent (meter or
				 * ring buffer full); the packet went on */
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_stage_stats) == 40, "ovn_stage_stats is ABI");

#endif /* __OVNBPF_MAPS_COUNTERS_H */
