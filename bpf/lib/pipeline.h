/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The stage executor: runs a packet through its datapath's logical
 * pipelines as a state machine (maps/context.h enum ovn_phase), one small
 * step per bpf_loop iteration: enter a stage, probe one subtable, run one
 * op, pick the next multicast member.  The verifier sees each kind of step
 * once; the number of steps is bounded by OVN_MAX_STEPS.
 */
#pragma once

#include "lib/state.h"
#include "lib/classify.h"
#include "lib/actions.h"
#include "lib/output.h"

/* Steps of one packet copy: the packet, or one member of a multicast
 * fan-out (each member starts a fresh budget: a fan-out to N members
 * takes N times a member's steps). */
#ifndef OVN_MAX_STEPS
#define OVN_MAX_STEPS	8192
#endif
/* Steps of the whole run, fan-out included: bounds the time a packet can
 * take even when every member of the largest group ran long.  (bpf_loop
 * allows up to 1 << 23.) */
#ifndef OVN_LOOP_STEPS
#define OVN_LOOP_STEPS	(1 << 20)
#endif

/* Enter stage (pipeline, table), skipping passthrough stages for free. */
static __always_inline long ovn_stage_enter(struct ovn_loop *lc)
{
	struct ovn_ctx *c = lc->c;
	struct ovn_stage_key sk = {};
	struct ovn_stage *st;
	__u32 t = c->x.table, pl = c->x.pipeline, n, pass;

	if (pl != OVN_PIPE_HELPER) {
		n = c->x.n_tables[pl & 1];
		pass = c->x.pass_mask[pl & 1];
		if (t < 32)
			t += ovn_ctz32(~(pass >> t));
		c->x.table = t;
		if (t >= n) {
			/* Past the last table: OVN outputs. */
			if (pl == OVN_PIPE_INGRESS)
				return ovn_ingress_output(c, false);
			return ovn_deliver(lc);
		}
	}
	sk.dp = c->x.dp_key;
	sk.pipeline = pl;
	sk.table = t;
	st = bpf_map_lookup_elem(&ovn_stages, &sk);
	if (!st)
		return ovn_no_match(c);
	__builtin_memcpy(&c->stage, &st->sub, sizeof(c->stage));
	c->x.n_sub = st->n_sub;
	c->x.sub_idx = 0;
	c->x.slot = 0;
	c->x.best_prio = -1;
	c->x.best_flow = 0;
	c->x.best_rec = 0;
	c->x.phase = OVN_PH_CLASSIFY;
	return 0;
}

static long ovn_step(__u32 i, void *arg)
{
	struct ovn_loop *lc = arg;
	struct ovn_ctx *c = lc->c;

	c->x.steps++;
	if (c->x.steps - c->x.step0 > OVN_MAX_STEPS)
		return 1;	/* DROP_LOOP_LIMIT */
	switch (c->x.phase) {
	case OVN_PH_STAGE:
		return ovn_stage_enter(lc);
	case OVN_PH_CLASSIFY:
		return ovn_classify_step(c);
	case OVN_PH_ACTION:
		return ovn_action_step(lc);
	case OVN_PH_MC_NEXT:
		return ovn_mc_next(lc);
	case OVN_PH_CLONE_END:
		return ovn_clone_end(lc->skb, c);
	default:
		return 1;
	}
}

/* Run the logical pipeline for a packet that entered on (dp, inport).
 * Returns the tc verdict; drops are counted by the caller from
 * c->x.drop_reason. */
static __always_inline int ovn_run(struct __sk_buff *skb, struct ovn_ctx *c)
{
	struct ovn_loop lc = { .skb = skb, .c = c };

	c->x.pipeline = OVN_PIPE_INGRESS;
	c->x.table = 0;
	c->x.phase = OVN_PH_STAGE;
	c->clone.active = 0;
	c->clone.skipping = 0;
	c->clone.resumed = 0;
	bpf_loop(OVN_LOOP_STEPS, ovn_step, &lc, 0);
	if (c->x.phase != OVN_PH_DONE) {
		c->x.verdict = TC_ACT_SHOT;
		c->x.drop_reason = DROP_LOOP_LIMIT;
	}
	return c->x.verdict;
}
