/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Output to a localnet port (maps/localnet.h): the frame leaves through
 * the mapped interface, with the port's VLAN tag pushed when it has one
 * (802.1Q, as ovn-controller's table 65 push_vlan).
 *
 * The exact-match cache is not used for such runs: a replay would not
 * push the tag.
 */
#pragma once

#include "lib/state.h"
#include "lib/cache.h"

/* lib/output.h */
static __always_inline void ovn_log_output(struct ovn_ctx *c, __u32 port, __u32 ifindex, int ret);

/* ovn_ln_send()'s TAG: a localnet port, with VLAN ID TAG & 0xfff (0:
 * untagged). */
#define OVN_LN_OUT	0x10000u

/* The frame, written back, leaves through IFINDEX.  Inline in
 * ovn_deliver(), after its write-back: the pipeline's call chain is at the
 * 6.1 stack limit. */
static __always_inline long ovn_ln_send(struct __sk_buff *skb, struct ovn_ctx *c, __u32 port,
					__u32 ifindex, __u32 tag)
{
	int ret;

	ovn_cache_forbid(c);
	tag &= 0x0fff;
	/* The tag goes into skb->vlan_tci: the frame's bytes are not moved,
	 * and a copy for the next member of a flood pops it again. */
	if (tag && bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021Q), tag))
		return ovn_end(c, DROP_LN_VLAN);
	if (c->x.in_mc || c->clone.active || c->clone.resumed) {
		ret = bpf_clone_redirect(skb, ifindex, 0);
		if (tag)
			bpf_skb_vlan_pop(skb);
		ovn_log_output(c, port, ifindex, ret);
		if (ovn_clone_innermost(c))
			return ovn_clone_done(c);
		if (!c->x.in_mc) {
			/* A continuation: sent; the test run's skb is freed. */
			c->x.verdict = TC_ACT_SHOT;
			c->x.drop_reason = ret ? DROP_REDIRECT : DROP_NONE;
			c->x.phase = OVN_PH_DONE;
			return 1;
		}
		if (!ret)
			c->x.mc_sent++;
		c->x.phase = OVN_PH_MC_NEXT;
		return 0;
	}
	ret = bpf_redirect(ifindex, 0);
	ovn_log_output(c, port, ifindex, ret);
	c->x.verdict = ret;
	c->x.drop_reason = ret == TC_ACT_REDIRECT ? DROP_NONE : DROP_REDIRECT;
	c->x.phase = OVN_PH_DONE;
	return 1;
}
