/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * OVN `output`: in ingress, run the egress pipeline of outport (for each
 * member of a multicast group); in egress, deliver to the port: a local VIF
 * (write back the headers, redirect), or a patch port (enter the peer
 * datapath's ingress as the peer port).  See maps/ports.h for the choice
 * of redirect helper.
 */
#pragma once

#include "lib/state.h"
#include "lib/writeback.h"
#include "lib/cache.h"
#include "lib/mcgroup.h"
#include "lib/localnet_out.h"

static __always_inline void ovn_log_output(struct ovn_ctx *c, __u32 port, __u32 ifindex, int ret)
{
	__u32 i = c->x.n_out;

	if (i < OVN_OUT_LOG) {
		c->x.out_port[i] = port;
		c->x.out_ifindex[i] = ifindex;
		c->x.out_ret[i] = ret;
	}
	c->x.n_out = i + 1;
}

/* `output` in the ingress pipeline (FROM_OP: by an output op, rather than
 * by running past the last table). */
static __always_inline long ovn_ingress_output(struct ovn_ctx *c, bool from_op)
{
	__u32 out = bpf_ntohl(c->md.outport);
	int err;

	if (out >= OVN_MC_KEY_MIN) {
		__u8 depth = c->x.in_mc;

		/* Nested once (lib/mcgroup.h ovn_mc_push()), and not within
		 * a clone, whose end would be taken for the inner member's. */
		if (depth > 1 || (depth && c->clone.active))
			return ovn_end(c, DROP_MC_NESTED);
		if (depth)
			ovn_mc_push(c);
		/* On failure the outer fan-out's state is untouched. */
		if (!ovn_mc_open(c, out))
			return ovn_end(c, DROP_MC_EMPTY);
		__builtin_memcpy(&c->snap_md, &c->md, sizeof(c->md));
		__builtin_memcpy(&c->snap_key, &c->key, sizeof(c->key));
		c->snap_shape = c->x.shape;
		c->x.tun_mc_snap[depth & 1] = c->x.from_tunnel;
		c->x.in_mc = depth + 1;
		c->x.mc_sent = 0;
		c->x.phase = OVN_PH_MC_NEXT;
		return 0;
	}
	/* OVN's loopback rule: output to the inport is a no-op unless
	 * flags.loopback is set; the actions after it still run. */
	if (out == bpf_ntohl(c->md.inport) && !ovn_flag(c, OVN_MLF_LOOPBACK)) {
		if (!from_op)
			return ovn_end(c, DROP_LOOPBACK);
		c->x.loop_skipped = 1;
		c->x.pc++;
		c->x.phase = OVN_PH_ACTION;
		return 0;
	}
	err = ovn_start_egress(c);
	if (err)
		return ovn_end(c, -err);
	return 0;
}

/* Next member of the multicast group being fanned out (lib/mcgroup.h):
 * one member per step, each with a fresh step budget, and the frame as
 * the fan-out got it (a member that generated a packet rebuilt it:
 * lib/pkt_keep.h). */
static __always_inline long ovn_mc_next(struct ovn_loop *lc)
{
	struct ovn_ctx *c = lc->c;
	__u32 idx = c->x.mc_idx;
	long port;

	if (idx >= c->x.mc_n || idx >= OVN_MC_MAX_MEMBERS)
		goto done;
	if (ovn_keep_back(lc->skb, c)) {
		/* The frame is lost: no later member can get it. */
		ovnbpf_count(DROP_KEEP_FAILED, 0);
		goto done;
	}
	__builtin_memcpy(&c->md, &c->snap_md, sizeof(c->md));
	__builtin_memcpy(&c->key, &c->snap_key, sizeof(c->key));
	c->x.shape = c->snap_shape;
	c->x.from_tunnel = c->x.tun_mc_snap[(c->x.in_mc - 1) & 1];
	c->x.in_call = 0;
	c->x.step0 = c->x.steps;
	if (ovn_enter_dp(c, bpf_ntohl(c->md.metadata)))
		goto done;
	port = ovn_mc_member(c, idx);
	if (port < 0)
		goto done;
	c->x.mc_idx = idx + 1;
	if (port & OVN_MC_CHASSIS)
		return ovn_tunnel_mc(c, (__u32)port);
	if (port == bpf_ntohl(c->md.inport) && !ovn_flag(c, OVN_MLF_LOOPBACK))
		return 0;
	c->md.outport = bpf_htonl((__u32)port);
	/* A member that is not local is skipped here: its chassis gets the
	 * packet through the group's OVN_MC_CHASSIS member (lib/encap.h). */
	if (ovn_start_egress_of(c, true))
		c->x.phase = OVN_PH_MC_NEXT;
	return 0;
done:
	if (c->x.in_mc > 1) {
		ovn_mc_pop(c);
		c->x.phase = OVN_PH_MC_NEXT;
		return 0;
	}
	c->x.in_mc = 0;
	if (c->clone.active)
		return ovn_clone_done(c);	/* the fan-out was the clone's */
	c->x.phase = OVN_PH_DONE;
	c->x.verdict = TC_ACT_SHOT;
	c->x.drop_reason = c->x.mc_sent ? DROP_NONE : DROP_MC_EMPTY;
	return 1;
}

/* Delivery in a trace: record the packet, send nothing. */
static __always_inline long ovn_trace_deliver(struct ovn_ctx *c, __u32 port)
{
	ovn_trace_output_rec(c, port);
	ovn_log_output(c, port, 0, 0);
	/* A clone's copy delivered: the original goes on, as ovn_deliver()
	 * has it after bpf_clone_redirect. */
	if (ovn_clone_innermost(c))
		return ovn_clone_done(c);
	if (c->x.in_mc) {
		c->x.mc_sent++;
		c->x.phase = OVN_PH_MC_NEXT;
		return 0;
	}
	c->x.verdict = TC_ACT_SHOT;
	c->x.drop_reason = DROP_NONE;
	c->x.phase = OVN_PH_DONE;
	return 1;
}

/* `output` in the egress pipeline (or its end): deliver to outport. */
static __always_inline long ovn_deliver(struct ovn_loop *lc)
{
	struct ovn_ctx *c = lc->c;
	struct ovn_port_key pk = {
		.dp = c->x.dp_key,
		.port = bpf_ntohl(c->md.outport),
	};
	struct ovn_port *p = bpf_map_lookup_elem(&ovn_ports, &pk);
	__u32 ifindex, peer_port, tag;
	int ret;

	if (!p)
		return ovn_end(c, DROP_NO_PORT);
	if (p->type == OVN_PORT_PATCH) {
		/* Into the peer datapath's ingress: registers, flags and
		 * conntrack state start clean, as after OVN's patch port. */
		peer_port = p->peer_port;
		OVN_TRACE(c, OVN_TR_PATCH, pk.port, p->peer_dp);
		if (ovn_enter_dp(c, p->peer_dp))
			return ovn_end(c, DROP_NO_DATAPATH);
		ovn_log_output(c, pk.port, 0, 0);
		c->x.from_tunnel = 0;	/* a new ingress (lib/encap.h) */
		c->md.inport = bpf_htonl(peer_port);
		c->md.outport = 0;
		c->md.flags = 0;
		ovn_clear_regs(c);
		/* zones: 0, then the peer port's (none for a router
		 * port) and the peer datapath's (ovn_enter_dp) */
		c->md.ct_zone = 0;
		c->md.ct_state = 0;
		c->md.ct_mark = 0;
		__builtin_memset(c->md.ct_label, 0, sizeof(c->md.ct_label));
		c->x.pipeline = OVN_PIPE_INGRESS;
		c->x.table = 0;
		c->x.phase = OVN_PH_STAGE;
		return 0;
	}
	if (ovn_trace_on)
		return ovn_trace_deliver(c, pk.port);
	if (p->type != OVN_PORT_VIF && p->type != OVN_PORT_LOCALNET)
		return ovn_end(c, DROP_PORT_REMOTE);
	ifindex = p->ifindex;
	tag = p->type == OVN_PORT_LOCALNET ? (__u32)p->tag | OVN_LN_OUT : 0;
	ret = ovn_writeback(lc->skb, c);
	if (ret) {
		ovn_cache_forbid(c);
		return ovn_end(c, ovn_wb_drop(ret));
	}
	if (tag)
		return ovn_ln_send(lc->skb, c, pk.port, ifindex, tag);
	if (c->x.in_mc || c->clone.active || c->clone.resumed) {
		ovn_cache_note_output(c, pk.port, ifindex, OVN_CACHE_K_CLONE);
		ret = bpf_clone_redirect(lc->skb, ifindex, 0);
		ovn_log_output(c, pk.port, ifindex, ret);
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
	if (c->x.shape != OVN_SHAPE_ASIS || (p->flags & OVN_PORT_F_NO_PEER)) {
		ovn_cache_note_output(c, pk.port, ifindex, OVN_CACHE_K_REDIRECT);
		ret = bpf_redirect(ifindex, 0);
	} else {
		ovn_cache_note_output(c, pk.port, ifindex, OVN_CACHE_K_PEER);
		ret = bpf_redirect_peer(ifindex, 0);
	}
	ovn_log_output(c, pk.port, ifindex, ret);
	c->x.verdict = ret;
	c->x.drop_reason = ret == TC_ACT_REDIRECT ? DROP_NONE : DROP_REDIRECT;
	c->x.phase = OVN_PH_DONE;
	return 1;
}
