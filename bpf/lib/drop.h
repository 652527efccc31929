/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Drop accounting.  Helpers return -DROP_*; the entry program calls
 * ovnbpf_drop() once, which counts the reason and returns TC_ACT_SHOT.
 */
#pragma once

#include "lib/common.h"
#include "maps/counters.h"

/* ovn_drops: packets and bytes per drop reason (DROP_NONE = accepted).
 * Written by BPF on every verdict, read by ovnbpfctl/tests. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct ovnbpf_counter);
	__uint(max_entries, OVNBPF_DROPS_MAX);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ovn_drops SEC(".maps");

static __always_inline void ovnbpf_count(__u32 reason, __u32 len)
{
	struct ovnbpf_counter *c = bpf_map_lookup_elem(&ovn_drops, &reason);

	if (c) {
		c->packets++;
		c->bytes += len;
	}
}

static __always_inline int ovnbpf_drop(struct __sk_buff *skb, int reason)
{
	ovnbpf_count(reason < 0 ? -reason : reason, skb->len);
	return TC_ACT_SHOT;
}
