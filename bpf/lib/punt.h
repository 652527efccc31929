/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Punt to ovnbpfd: control-plane actions (put_arp, put_dhcp_opts, log, ...)
 * send the packet and its logical state over the ovn_punt ring buffer.
 * A per-CPU token bucket per meter keeps a flood of such packets from
 * swamping the daemon (OVN's controller_meter / CoPP).
 */
#pragma once

#include "lib/state.h"

#define OVN_NSEC_PER_PKT	1000000000ULL
#define OVN_METER_MAX_IDLE	10000000000ULL	/* 10 s */

/* Take one token of meter ID; false when the bucket is empty. */
static __always_inline bool ovn_meter_take(__u32 id)
{
	struct ovn_meter *m = bpf_map_lookup_elem(&ovn_meters, &id);
	__u64 now, el, cap;

	if (!m || !m->rate_pps)
		return false;
	now = bpf_ktime_get_ns();
	el = now - m->last_ns;
	if (el > OVN_METER_MAX_IDLE)
		el = OVN_METER_MAX_IDLE;
	m->last_ns = now;
	cap = (__u64)(m->burst ? m->burst : 1) * OVN_NSEC_PER_PKT;
	m->tokens += el * m->rate_pps;
	if (m->tokens > cap)
		m->tokens = cap;
	if (m->tokens < OVN_NSEC_PER_PKT)
		return false;
	m->tokens -= OVN_NSEC_PER_PKT;
	return true;
}

/* Returns the drop reason the packet ends with (DROP_PUNT on success). */
static __always_inline __u32 ovn_punt_pkt(struct ovn_loop *lc, const struct ovn_op *op)
{
	struct ovn_ctx *c = lc->c;
	struct ovn_punt_event *ev;
	__u32 cap = lc->skb->len;

	if (!ovn_meter_take(op->meter))
		return DROP_PUNT_METER;
	ev = bpf_ringbuf_reserve(&ovn_punt, sizeof(*ev), 0);
	if (!ev)
		return DROP_PUNT_RINGBUF;
	ev->opcode = op->arg;
	ev->flow = c->x.best_flow;
	ev->pkt_len = cap;
	if (cap > OVN_PUNT_SNAPLEN)
		cap = OVN_PUNT_SNAPLEN;
	/* The 6.1 verifier does not learn cap >= 1 from the test below, and
	 * the helper refuses a size that may be 0: give it a size it can
	 * prove to be in [1, OVN_PUNT_SNAPLEN] (the same value). */
	if (cap < 1 || bpf_skb_load_bytes(lc->skb, 0, ev->pkt,
					  ((cap - 1) & (OVN_PUNT_SNAPLEN - 1)) + 1))
		cap = 0;
	ev->cap_len = cap;
	__builtin_memcpy(&ev->md, &c->md, sizeof(ev->md));
	__builtin_memcpy(&ev->key, &c->key, sizeof(ev->key));
	bpf_ringbuf_submit(ev, 0);
	return DROP_PUNT;
}
