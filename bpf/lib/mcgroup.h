/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Multicast group members for the fan-out of lib/output.h: a group's head
 * (ovn_mcgroups) is read once when the fan-out starts, then each member is
 * read from the head's generation of pages (ovn_mcpages), so a group the
 * daemon rewrites meanwhile is seen whole, old or new, never mixed (the
 * paging and its consistency rule: maps/ports.h).
 *
 * The fan-out is one executor step per member plus that member's egress
 * pipeline, so its length is bounded by the group size (at most
 * OVN_MC_MAX_MEMBERS) and each copy's steps by OVN_MAX_STEPS
 * (lib/pipeline.h), not by one budget for the whole packet.
 */
#pragma once

#include "lib/common.h"
#include "lib/maps.h"
#include "lib/drop.h"
#include "lib/pkt_keep.h"

/* Read group GROUP's head of the current datapath into the fan-out state.
 * Returns the number of members to visit (0: no such group, or empty). */
static __always_inline __u32 ovn_mc_open(struct ovn_ctx *c, __u32 group)
{
	struct ovn_port_key gk = { .dp = c->x.dp_key, .port = group };
	struct ovn_mcgroup *g = bpf_map_lookup_elem(&ovn_mcgroups, &gk);
	__u32 n;

	if (!g || !g->n)
		return 0;
	n = g->n;
	if (n > OVN_MC_MAX_MEMBERS) {
		/* The writer refused the rest (-E2BIG, logged): the first
		 * OVN_MC_MAX_MEMBERS get the packet, and every such packet
		 * is counted so the cut is never silent. */
		ovnbpf_count(DROP_MC_TOO_BIG, 0);
		n = OVN_MC_MAX_MEMBERS;
	}
	c->x.mc_group = group;
	c->x.mc_gen = g->gen;
	c->x.mc_n = n;
	c->x.mc_idx = 0;
	return n;
}

/* Member IDX (< c->x.mc_n) of the group being fanned out, or -1 when its
 * page is gone (counted: DROP_MC_PAGE; only a writer that deleted pages
 * still in use could cause it). */
static __always_inline long ovn_mc_member(struct ovn_ctx *c, __u32 idx)
{
	struct ovn_mcpage_key pk = {
		.dp = c->x.dp_key,
		.group = c->x.mc_group,
		.gen = c->x.mc_gen,
		.page = idx / OVN_MC_PAGE_PORTS,
	};
	struct ovn_mcpage *p = bpf_map_lookup_elem(&ovn_mcpages, &pk);
	__u32 slot = idx % OVN_MC_PAGE_PORTS;

	if (!p || slot >= p->n) {
		ovnbpf_count(DROP_MC_PAGE, 0);
		return -1;
	}
	return p->port[slot];
}

/* A member's packet is sent to a multicast group again: OVS (and
 * ovn-trace) run the inner fan-out within that member, e.g. a router's
 * ARP reply to a flooded request, on its way back through the switch to
 * a MAC it does not know (_MC_unknown toward a localnet port).  Set the
 * outer fan-out aside; ovn_mc_pop() resumes it with its next member once
 * the inner one is done.  One level deep: the caller drops deeper ones. */
static __noinline void ovn_mc_push(struct ovn_ctx *c)
{
	struct ovn_mc_save *s = &c->mc_outer;

	s->mc_group = c->x.mc_group;
	s->mc_idx = c->x.mc_idx;
	s->mc_n = c->x.mc_n;
	s->mc_gen = c->x.mc_gen;
	s->mc_sent = c->x.mc_sent;
	s->snap_shape = c->snap_shape;
	/* The kept frame (lib/pkt_keep.h) is the outer fan-out's. */
	s->kept = c->x.kept;
	if (c->x.kept != OVN_KEEP_NONE)
		c->x.kept = OVN_KEEP_OUTER;
	__builtin_memcpy(&s->snap_md, &c->snap_md, sizeof(s->snap_md));
	__builtin_memcpy(&s->snap_key, &c->snap_key, sizeof(s->snap_key));
}

/* The inner fan-out is done: back to the outer one, whose deliveries
 * include the inner one's. */
static __noinline void ovn_mc_pop(struct ovn_ctx *c)
{
	struct ovn_mc_save *s = &c->mc_outer;

	c->x.mc_group = s->mc_group;
	c->x.mc_idx = s->mc_idx;
	c->x.mc_n = s->mc_n;
	c->x.mc_gen = s->mc_gen;
	c->x.mc_sent += s->mc_sent;
	c->snap_shape = s->snap_shape;
	if (c->x.kept == OVN_KEEP_OUTER)
		c->x.kept = s->kept;
	else if (c->x.kept == OVN_KEEP_OUTER_DIRTY)
		c->x.kept = OVN_KEEP_DIRTY;
	__builtin_memcpy(&c->snap_md, &s->snap_md, sizeof(c->snap_md));
	__builtin_memcpy(&c->snap_key, &s->snap_key, sizeof(c->snap_key));
	c->x.in_mc = 1;
}
