/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * OVN `clone { A; };`: A runs on a copy of the packet and of its logical
 * state; then the original goes on after the clone as if A had not run.
 *
 * Compiled as CLONE, A's ops, CLONE_END.  CLONE saves what the original
 * continues with (registers, fields, datapath, pipeline position, the
 * multicast fan-out in progress) in c->clone and runs A.  The copy ends
 * where a packet would: delivered (bpf_clone_redirect, the skb stays
 * ours), dropped, punted, or at CLONE_END; then ovn_clone_end() restores
 * the saved state and the original skips A's ops up to CLONE_END (one
 * step each, across chained programs) and goes on.  Header rewrites of
 * the copy need no undo: write-back compares with what the packet holds
 * now (c->pkt), so the original's next write-back restores its fields.
 * A copy that changed the packet's protocol (arp {} / nd_na {}) cannot
 * hand it back by write-back: the frame kept before the rebuild
 * (lib/pkt_keep.h) is put back when the clone ends; without one, an
 * original that is not rebuilt itself is dropped (DROP_CLONE_SHAPE).
 *
 * Nesting: a multicast fan-out may run inside a clone, and a clone inside
 * a multicast member; a clone inside a clone is not run (its copy is
 * dropped, the outer copy goes on) -- northd does not emit one.
 */
#pragma once

#include "lib/common.h"
#include "lib/maps.h"
#include "lib/pkt_keep.h"

/* Does ending the current copy end the clone (rather than a multicast
 * member that started inside it)? */
static __always_inline bool ovn_clone_innermost(const struct ovn_ctx *c)
{
	return c->clone.active && (!c->x.in_mc || c->clone.in_mc);
}

static __always_inline int ovn_clone_start(struct ovn_ctx *c, __u32 prog, __u32 pc)
{
	struct ovn_clone_save *s = &c->clone;

	if (s->active) {
		/* Nested: skip the inner clone's ops, the outer copy goes on. */
		s->skipping = 1;
		s->skip_depth = 0;
		return 0;
	}
	s->active = 1;
	s->in_mc = c->x.in_mc;
	s->dp_type = c->x.dp_type;
	s->pipeline = c->x.pipeline;
	s->table = c->x.table;
	s->shape = c->x.shape;
	s->n_tables[0] = c->x.n_tables[0];
	s->n_tables[1] = c->x.n_tables[1];
	s->na_router = c->x.na_router;
	s->loop_skipped = c->x.loop_skipped;
	s->dp_key = c->x.dp_key;
	s->dp_slot = c->x.dp_slot;
	s->dp_sel = c->x.dp_sel;
	s->pass_mask[0] = c->x.pass_mask[0];
	s->pass_mask[1] = c->x.pass_mask[1];
	s->prog = prog;
	s->pc = pc + 1;
	s->mc_group = c->x.mc_group;
	s->mc_idx = c->x.mc_idx;
	s->mc_n = c->x.mc_n;
	s->mc_gen = c->x.mc_gen;
	__builtin_memcpy(&s->md, &c->md, sizeof(s->md));
	__builtin_memcpy(&s->key, &c->key, sizeof(s->key));
	return 0;
}

/* The copy is done: the next step restores the original.  (Restoring
 * from the executor's top level rather than from wherever the copy ended
 * keeps the deepest call chain, and so the 6.1 verifier's combined stack
 * size, as it was.) */
static __always_inline long ovn_clone_done(struct ovn_ctx *c)
{
	c->x.phase = OVN_PH_CLONE_END;
	return 0;
}

/* Back to the original, which skips the clone's ops.  Returns the
 * bpf_loop callback value. */
static __noinline long ovn_clone_end(struct __sk_buff *skb, struct ovn_ctx *c)
{
	struct ovn_clone_save *s = &c->clone;

	s->active = 0;
	if (ovn_keep_back(skb, c)) {
		c->x.in_mc = 0;
		c->x.verdict = TC_ACT_SHOT;
		c->x.drop_reason = DROP_KEEP_FAILED;
		c->x.phase = OVN_PH_DONE;
		return 1;
	}
	__builtin_memcpy(&c->md, &s->md, sizeof(c->md));
	__builtin_memcpy(&c->key, &s->key, sizeof(c->key));
	c->x.in_mc = s->in_mc;
	c->x.in_call = 0;
	c->x.dp_type = s->dp_type;
	c->x.pipeline = s->pipeline;
	c->x.table = s->table;
	c->x.shape = s->shape;
	c->x.n_tables[0] = s->n_tables[0];
	c->x.n_tables[1] = s->n_tables[1];
	c->x.na_router = s->na_router;
	c->x.loop_skipped = s->loop_skipped;
	c->x.dp_key = s->dp_key;
	c->x.dp_slot = s->dp_slot;
	c->x.dp_sel = s->dp_sel;
	c->x.pass_mask[0] = s->pass_mask[0];
	c->x.pass_mask[1] = s->pass_mask[1];
	c->x.prog = s->prog;
	c->x.pc = s->pc;
	c->x.mc_group = s->mc_group;
	c->x.mc_idx = s->mc_idx;
	c->x.mc_n = s->mc_n;
	c->x.mc_gen = s->mc_gen;
	/* The original's write-back builds an arp {} / nd_na {} / nd_ns {}
	 * frame from its fields whatever the bytes are now (the copy's
	 * shape, or still the shape before the rebuild when the copy wrote
	 * nothing back: a router's ARP request whose copy toward the router
	 * port is the loopback that OVN skips); any other shape needs the
	 * bytes as they were. */
	if (c->x.pkt_shape != c->x.shape && c->x.shape != OVN_SHAPE_ARP &&
	    c->x.shape != OVN_SHAPE_ND_NA && c->x.shape != OVN_SHAPE_ND_NS) {
		/* The copy rebuilt the frame as another protocol. */
		c->x.in_mc = 0;
		c->x.verdict = TC_ACT_SHOT;
		c->x.drop_reason = DROP_CLONE_SHAPE;
		c->x.phase = OVN_PH_DONE;
		return 1;
	}
	s->skipping = 1;
	s->skip_depth = 0;
	c->x.phase = OVN_PH_ACTION;
	return 0;
}

/* The original after its clone (or a copy skipping a nested clone):
 * step over one op.  GOTO is followed, CLONE/CLONE_END pairs counted. */
static __always_inline long ovn_clone_skip(struct ovn_ctx *c, __u8 code, __u32 arg)
{
	struct ovn_clone_save *s = &c->clone;

	switch (code) {
	case OVN_OP_GOTO:
		c->x.prog = arg;
		c->x.pc = 0;
		return 0;
	case OVN_OP_CLONE:
		s->skip_depth++;
		break;
	case OVN_OP_CLONE_END:
		if (s->skip_depth)
			s->skip_depth--;
		else
			s->skipping = 0;
		break;
	default:
		break;
	}
	c->x.pc++;
	return 0;
}
