/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * OVN QoS actions (maps/qos.h): set_meter(rate[, burst]) as a token
 * bucket shared by all CPUs, set_queue(N) as skb->priority.
 *
 * The bucket is OVS's kernel meter band with a drop action: it fills at
 * rate kbit/s up to the burst, a packet takes its length in bits, and a
 * packet that finds too few tokens is dropped without taking any.
 *
 * The exact-match cache (lib/cache.h) never replays a run that went
 * through a meter: OVN_OP_SET_METER is not on its pure-op list, so such a
 * run is not stored and every packet of a metered flow runs the pipeline
 * and meets the bucket.  Why not a guard like conntrack's: metered
 * traffic is by definition limited (10 Mbit/s is ~1k packets/s), the ct
 * guard record is sized for conntrack ops, and an uncached run cannot be
 * wrong.  The cost lands on traffic over the limit, which is dropped at
 * the meter stage after its pipeline run.
 *
 * Trace mode: ovn-trace does nothing for set_meter or set_queue and goes
 * on; so does a trace here (and it leaves the bucket alone).
 */
#pragma once

#include "lib/state.h"
#include "lib/trace.h"
#include "maps/qos.h"

/* ovn_qos_meters: the set_meter buckets, by meter id.  Written by ovnbpfd
 * (loader/compile_qos.c: rate, burst, a full bucket), kept by BPF. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct ovn_qos_meter);
	__uint(max_entries, OVN_QOS_METERS);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ovn_qos_meters SEC(".maps");

/* set_meter with meter ID on a packet of LEN bytes: 0 if it conforms,
 * else the drop reason. */
static __noinline int ovn_qos_meter(__u32 id, __u32 len)
{
	struct ovn_qos_meter *m;
	__u64 now, el, cost;
	int ret = 0;

	if (ovn_trace_on)
		return 0;
	m = bpf_map_lookup_elem(&ovn_qos_meters, &id);
	if (!m)
		return DROP_QOS_NO_METER;
	cost = (__u64)len * 8 * OVN_QOS_TOK_PER_BIT;
	/* No helper calls under the lock. */
	now = bpf_ktime_get_ns();
	bpf_spin_lock(&m->lock);
	if (!m->rate_kbps) {
		bpf_spin_unlock(&m->lock);
		return DROP_QOS_NO_METER;
	}
	el = now > m->last_ns ? now - m->last_ns : 0;
	m->last_ns = now;
	/* Refill; elapsed >= fill_ns fills it (and bounds el x rate). */
	if (el >= m->fill_ns)
		m->tokens = m->cap;
	else
		m->tokens += el * m->rate_kbps;
	if (m->tokens > m->cap)
		m->tokens = m->cap;
	if (m->tokens >= cost) {
		m->tokens -= cost;
		m->pass_pkts++;
		m->pass_bytes += len;
	} else {
		m->drop_pkts++;
		m->drop_bytes += len;
		ret = DROP_QOS_METER;
	}
	bpf_spin_unlock(&m->lock);
	return ret;
}

/* set_queue(Q): the Linux datapath's priority for queue Q (the packet
 * keeps it through redirects; the egress qdisc classifies on it). */
static __always_inline void ovn_qos_set_queue(struct __sk_buff *skb, __u32 q)
{
	if (!ovn_trace_on)
		skb->priority = OVN_QOS_QUEUE_PRIO(q);
}
