/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * OVN QoS bandwidth limits: set_meter(rate[, burst]) (northd's
 * ls_in_qos_meter / ls_out_qos_meter flows from NB QoS rows).
 *
 * ovn-controller gives every set_meter action of a logical flow an
 * OpenFlow meter of its own, named by (flow UUID, rate, burst), with one
 * drop band in kbps; the burst, when the action has none, is the rate
 * (what OVS's netlink datapath does for a meter without OFPMF13_BURST).
 * Here: ovnbpfd gives each (flow UUID, rate, burst) a meter id, writes
 * its bucket into ovn_qos_meters[id] and compiles the action to
 * OVN_OP_SET_METER with arg = id (bpf/lib/qos.h).
 *
 * The bucket is shared by every CPU (a per-CPU bucket would let N CPUs
 * send N times the rate) and guarded by a bpf_spin_lock in the value, as
 * the OVS kernel meter guards its bands with a spinlock.  Token unit: one
 * millionth of a bit, so that (elapsed ns) x (rate kbps) is exact.
 */
#ifndef __OVNBPF_MAPS_QOS_H
#define __OVNBPF_MAPS_QOS_H

#include "maps/abi.h"
#ifndef __VMLINUX_H__
#include <linux/bpf.h>		/* struct bpf_spin_lock */
#endif

/* Meter ids (id 0 is never used: an unset id). */
#define OVN_QOS_METERS		4096

/* Tokens of one bit, and of a kbit of burst. */
#define OVN_QOS_TOK_PER_BIT	1000000ULL
#define OVN_QOS_TOK_PER_KBIT	1000000000ULL

/* Largest rate and burst the daemon accepts (kbps, kbit): keeps
 * (fill_ns x rate) and the bucket size inside 64 bits. */
#define OVN_QOS_MAX_KBPS	4000000000ULL
#define OVN_QOS_MAX_KBIT	4000000000ULL

/* ovn_qos_meters[id]: written whole by ovnbpfd (BPF_F_LOCK) when the
 * meter appears, changes or goes (rate_kbps = 0); tokens, last_ns and the
 * counters are then kept by BPF under the lock. */
struct ovn_qos_meter {
	struct bpf_spin_lock lock;
	__u32 rate_kbps;	/* 0: not in use */
	__u64 cap;		/* bucket size, tokens (burst kbit x 1e9) */
	__u64 fill_ns;		/* ns to fill an empty bucket: cap / rate */
	__u64 tokens;		/* starts full */
	__u64 last_ns;		/* bpf_ktime_get_ns() of the last packet */
	__u64 pass_pkts;	/* packets within the rate */
	__u64 pass_bytes;
	__u64 drop_pkts;	/* packets over it (also DROP_QOS_METER) */
	__u64 drop_bytes;
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_qos_meter) == 72, "ovn_qos_meter is ABI");

/* set_queue(N) sets skb->priority as OVS's Linux datapath does for queue
 * N: tc class 1:(N + 1). */
#define OVN_QOS_QUEUE_PRIO(q)	(0x10000u | ((__u32)(q) + 1))

#endif /* __OVNBPF_MAPS_QOS_H */
