/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ovnbpf_resume: continue a paused pipeline (maps/resume.h).
 */
#pragma once

#include "lib/common.h"
#include "lib/drop.h"
#include "lib/maps.h"
#include "lib/parse.h"
#include "lib/pipeline.h"
#include "maps/resume.h"

/* Checks and strips the resume header, parses the packet and sets the
 * executor at the paused op.  A frame of its own: the parser's stack is
 * then not under the executor's in the deepest call chain (resume ->
 * ovn_step -> a packet generator -> ...; the 6.1 verifier allows 512
 * bytes for the whole chain).  Returns 0 or -DROP_*. */
static __noinline int ovn_resume_enter(struct __sk_buff *skb, struct ovn_ctx *c)
{
	/* The fixed part of struct ovn_resume_hdr, in the executor's
	 * scratch area (free until the pipeline runs; the stack is small). */
	struct ovn_resume_fixed {
		__u32 magic, version, dp, prog, pc;
		__u8 pipeline, table;
		__u16 pad;
	} *hp = (void *)c->scratch_a;
	__u32 hl = sizeof(struct ovn_resume_hdr), len = skb->len, zero = 0, *ver;
	int err;

	if (len < hl + ETH_HLEN)
		return -DROP_RESUME_BAD;
	/* The header: fixed part on the stack, md straight into the
	 * context's spare snapshot area (copied after parsing). */
	if (bpf_skb_load_bytes(skb, len - hl, hp, sizeof(*hp)) ||
	    bpf_skb_load_bytes(skb, len - hl + sizeof(*hp), &c->snap_md, sizeof(c->snap_md)))
		return -DROP_RESUME_BAD;
	if (hp->magic != OVN_RESUME_MAGIC || hp->pipeline > OVN_PIPE_EGRESS)
		return -DROP_RESUME_BAD;
	if (bpf_skb_change_tail(skb, len - hl, 0))
		return -DROP_RESUME_BAD;
	ver = bpf_map_lookup_elem(&ovn_gen, &zero);
	if (!ver || *ver != hp->version)
		return -DROP_RESUME_STALE;

	__builtin_memset(c, 0, OVN_CTX_MATCH_BYTES);
	err = ovn_parse(skb, c);
	if (err)
		return err;
	if (c->key.ip_frag)
		ovn_frag_track(skb, c);	/* lib/frag.h */
	__builtin_memcpy(&c->pkt, &c->key, sizeof(c->pkt));
	/* ovn_parse() does not use scratch_a: *hp is intact. */
	err = ovn_enter_dp(c, hp->dp);
	if (err)
		return err;
	__builtin_memcpy(&c->md, &c->snap_md, sizeof(c->md));
	c->md.metadata = bpf_htonl(hp->dp);
	c->x.version = hp->version;
	c->x.pipeline = hp->pipeline;
	c->x.table = hp->table;
	c->x.prog = hp->prog;
	c->x.pc = hp->pc;
	c->x.phase = OVN_PH_ACTION;
	c->clone.active = 0;
	c->clone.skipping = 0;
	c->clone.resumed = 1;
	return 0;
}

/* Returns 0 or -DROP_*; the verdict is in c->x. */
static __always_inline int ovn_resume(struct __sk_buff *skb, struct ovn_ctx *c)
{
	struct ovn_loop lc = { .skb = skb, .c = c };
	int err;

	err = ovn_resume_enter(skb, c);
	if (err)
		return err;
	bpf_loop(OVN_LOOP_STEPS, ovn_step, &lc, 0);
	if (c->x.phase != OVN_PH_DONE) {
		c->x.verdict = TC_ACT_SHOT;
		c->x.drop_reason = DROP_LOOP_LIMIT;
	}
	if (c->x.drop_reason)
		return -(int)c->x.drop_reason;
	return 0;
}
