/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Resetting the per-CPU context (maps/context.h) for a new packet, in two
 * parts, so that an exact-match cache hit -- the common case -- does not
 * pay for clearing state it never reads.
 *
 * ovn_ctx_reset_hit(), at packet start: the flow key (the parser fills
 * only the fields the packet carries) and the executor fields that the
 * parser sets and a plain hit reads or reports (verdict, deliveries,
 * steps).  ovn_ctx_reset_run(), before anything else reads the context --
 * the pipeline, or the conntrack guards of a cache entry: the logical
 * metadata and the rest of the executor state, keeping what the parser
 * and the packet start put there.  Together they leave the first
 * OVN_CTX_MATCH_BYTES as a single memset of them followed by the parser
 * would (the bytes past struct ovn_exec are padding).
 */
#pragma once

#include "lib/common.h"
#include "maps/context.h"

static __always_inline void ovn_ctx_reset_hit(struct ovn_ctx *c)
{
	__builtin_memset(&c->key, 0, sizeof(c->key));
	/* The parser's outputs it may leave unset. */
	c->x.parse = 0;
	c->x.l3_off = 0;
	c->x.l4_off = 0;
	c->x.nd_opt_off = 0;
	/* Read by a hit's write-back (lib/writeback.h). */
	c->x.shape = 0;
	c->x.pkt_shape = 0;
	c->x.na_router = 0;
	/* What a hit reports: a cached drop sets no delivery, a hit runs
	 * no step. */
	c->x.phase = 0;
	c->x.verdict = 0;
	c->x.drop_reason = 0;
	c->x.steps = 0;
	c->x.n_out = 0;
}

/* Everything else of the first OVN_CTX_MATCH_BYTES, once per packet that
 * does not hit a guard-free cache entry.  Keeps the rule version and the
 * parser's outputs (flow key, parse flags, header offsets). */
static __noinline int ovn_ctx_reset_run(struct ovn_ctx *c)
{
	__u32 version = c->x.version;
	__u16 l3 = c->x.l3_off, l4 = c->x.l4_off, nd = c->x.nd_opt_off;
	__u8 parse = c->x.parse;

	__builtin_memset(&c->md, 0, sizeof(c->md));
	__builtin_memset(&c->x, 0, sizeof(c->x));
	c->x.version = version;
	c->x.parse = parse;
	c->x.l3_off = l3;
	c->x.l4_off = l4;
	c->x.nd_opt_off = nd;
	return 0;
}
