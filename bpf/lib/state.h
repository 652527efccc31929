/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Executor state transitions shared by the classifier, the action
 * interpreter and delivery: ending a packet (or one multicast member),
 * per-stage counters, entering a datapath, starting the egress pipeline.
 */
#pragma once

#include "lib/common.h"
#include "lib/maps.h"
#include "lib/clone.h"
#include "lib/trace.h"
#include "lib/gw_redirect.h"
#include "lib/encap.h"
#include "lib/localnet.h"

/* What a bpf_loop callback gets: the packet and its context. */
struct ovn_loop {
	struct __sk_buff *skb;
	struct ovn_ctx *c;
};

static __always_inline __u32 ovn_ntohl(__be32 v)
{
	return bpf_ntohl(v);
}

static __always_inline bool ovn_flag(const struct ovn_ctx *c, int bit)
{
	return bpf_ntohl(c->md.flags) & (1u << bit);
}

static __always_inline struct ovn_stage_stats *ovn_stage_stats_of(const struct ovn_ctx *c)
{
	__u32 t = c->x.pipeline == OVN_PIPE_HELPER ? 2 : c->x.dp_type;
	__u32 idx = OVN_STAGE_IDX(t, c->x.pipeline, c->x.table);

	return bpf_map_lookup_elem(&ovn_stage_stats, &idx);
}

/* The packet (or, inside a multicast fan-out, this member's copy) is done
 * with: drop it for REASON.  Returns the bpf_loop callback value. */
static __always_inline long ovn_end(struct ovn_ctx *c, __u32 reason)
{
	/* Recorded also when only a clone's copy ends: when the original
	 * then ends without output, the trace names the stage that dropped
	 * the copy, as ovn-trace does, rather than the end of the clone's
	 * caller (lr_out_egr_loop for a hairpin to a NAT address). */
	OVN_TRACE(c, OVN_TR_DROP, bpf_ntohl(c->md.outport), reason);
	if (ovn_clone_innermost(c))
		return ovn_clone_done(c);
	if (c->x.in_mc) {
		c->x.phase = OVN_PH_MC_NEXT;
		return 0;
	}
	c->x.verdict = TC_ACT_SHOT;
	c->x.drop_reason = reason;
	c->x.phase = OVN_PH_DONE;
	return 1;
}

/* Load datapath DP (tunnel key) as the current one. */
static __always_inline int ovn_enter_dp(struct ovn_ctx *c, __u32 dp)
{
	struct ovn_dp *d = bpf_map_lookup_elem(&ovn_dps, &dp);

	if (!d)
		return -DROP_NO_DATAPATH;
	c->x.dp_key = dp;
	c->x.dp_type = d->type;
	c->x.n_tables[0] = d->n_tables[0];
	c->x.n_tables[1] = d->n_tables[1];
	c->x.pass_mask[0] = d->pass_mask[0];
	c->x.pass_mask[1] = d->pass_mask[1];
	c->x.dp_slot = d->slot;
	c->x.dp_sel = d->sel;
	c->md.metadata = bpf_htonl(dp);
	/* ovn-controller loads the datapath's DNAT/SNAT zones with the
	 * port's (physical.c put_zones_ofpacts()). */
	c->md.dnat_zone = bpf_htonl(d->dnat_zone);
	c->md.snat_zone = bpf_htonl(d->snat_zone);
	return 0;
}

static __always_inline void ovn_clear_regs(struct ovn_ctx *c)
{
	__builtin_memset(c->md.reg, 0, sizeof(c->md.reg));
}

/* Egress of md.outport: OVN clears reg0..reg9 between the pipelines and
 * loads the outport's conntrack zone.  Only a local port has an egress
 * here: a remote one runs it on its own chassis, the packet is tunnelled
 * there (lib/encap.h).  MC_MEMBER: called for a multicast member. */
static __always_inline int ovn_start_egress_of(struct ovn_ctx *c, bool mc_member)
{
	struct ovn_port_key pk = {
		.dp = c->x.dp_key,
		.port = bpf_ntohl(c->md.outport),
	};
	struct ovn_port *p = bpf_map_lookup_elem(&ovn_ports, &pk);
	__u32 cr = 0;
	int err;

	if (!p)
		return -DROP_NO_PORT;
	/* A trace runs every port's egress, wherever the port is. */
	if (p->type == OVN_PORT_REMOTE && !ovn_trace_on)
		return ovn_tunnel_start(c, p, mc_member);
	/* A packet from a tunnel has its local output only (OVN's tunnel
	 * receive skips the remote output, where patch ports are). */
	if (p->type == OVN_PORT_PATCH && mc_member && c->x.from_tunnel)
		return -DROP_TUN_NOT_LOCAL;
	/* cr-P of a gateway elsewhere: tunnelled there with cr-P as outport. */
	if (p->type == OVN_PORT_REDIRECT && !(p->flags & OVN_PORT_F_RESIDENT) && p->chassis &&
	    !ovn_trace_on)
		return ovn_tunnel_start(c, p, false);
	if ((p->flags & OVN_PORT_F_VIA_LOCALNET) && !ovn_trace_on) {
		err = ovn_ln_via(c, &pk, &p);
		if (err)
			return err;
	}
	if (p->type == OVN_PORT_REDIRECT) {
		err = ovn_gw_redirect(c, p);
		if (err)
			return err;
		cr = pk.port;
		pk.port = p->peer_port;
	}
	OVN_TRACE(c, OVN_TR_EGRESS, pk.port, cr);
	ovn_clear_regs(c);
	/* As ovn-controller's output flows: a port without a zone of its
	 * own (router port, remote) leaves reg13 as the ingress set it. */
	if (p->ct_zone)
		c->md.ct_zone = bpf_htonl(p->ct_zone);
	c->x.pipeline = OVN_PIPE_EGRESS;
	c->x.table = 0;
	c->x.phase = OVN_PH_STAGE;
	return 0;
}

static __always_inline int ovn_start_egress(struct ovn_ctx *c)
{
	return ovn_start_egress_of(c, false);
}

/* Count trailing zeros of a non-zero word (no ctz instruction in BPF). */
static __always_inline __u32 ovn_ctz32(__u32 x)
{
	__u32 n = 0;

	if (!(x & 0xffff)) { n += 16; x >>= 16; }
	if (!(x & 0xff)) { n += 8; x >>= 8; }
	if (!(x & 0xf)) { n += 4; x >>= 4; }
	if (!(x & 0x3)) { n += 2; x >>= 2; }
	if (!(x & 0x1)) n += 1;
	return n;
}
