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
#include "lib/encap_xmit.h"

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

/* Subtable lists this long or shorter are copied in part on stage entry. */
#define OVN_STAGE_SHORT_SUB	8

/* Enter stage (pipeline, table), skipping passthrough stages for free. */
static __always_inline long ovn_stage_enter(struct ovn_loop *lc)
{
	struct ovn_ctx *c = lc->c;
	/* The key lives in the classifier's key scratch (the probe rewrites
	 * all of it): the BPF stack of this step is shared with the action
	 * handlers' and is at the 512-byte limit. */
	struct ovn_stage_key *sk = (struct ovn_stage_key *)c->cls_key;
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
	c->x.desc_idx = 0;
	/* The datapath's descriptor array (maps/pipeline.h): an array
	 * lookup, no hashing.  A long stage, or a datapath without a slot,
	 * is read from ovn_stages. */
	if (c->x.dp_slot && c->x.dp_slot < OVN_MAX_DP_SLOTS && OVN_DESC_FITS(pl, t)) {
		__u32 idx = (((__u32)c->x.dp_slot * 2 + (c->x.dp_sel & 1)) * OVN_DESC_PER_DP) +
			    OVN_DESC_OFF(pl, t);
		struct ovn_stage_desc *d = bpf_map_lookup_elem(&ovn_stage_descs, &idx);

		if (d && !(d->flags & OVN_DESC_F_LONG)) {
			if (!d->n_sub && !d->n_ca)
				return ovn_no_match(c);
			__builtin_memcpy(c->stage.sub_id, d->sub_id, OVN_DESC_SUB * 4);
			__builtin_memcpy(c->stage.sub_max_prio, d->sub_max_prio, OVN_DESC_SUB * 4);
			n = d->n_sub;
			c->x.n_sub = n < OVN_DESC_SUB ? n : OVN_DESC_SUB;
			c->x.stage_next = 0;
			/* The catch-all is read at the stage's finish. */
			if (d->n_ca)
				c->x.desc_idx = idx;
			goto walk;
		}
	}
	sk->dp = c->x.dp_key;
	sk->pipeline = pl;
	sk->table = t;
	sk->cont = 0;
	st = bpf_map_lookup_elem(&ovn_stages, sk);
	if (!st)
		return ovn_no_match(c);
	/* Most stages have a few subtables: copy only the lists' heads
	 * then (the walk reads entries below n_sub only). */
	if (st->n_sub <= OVN_STAGE_SHORT_SUB) {
		__builtin_memcpy(c->stage.sub_id, st->sub.sub_id, OVN_STAGE_SHORT_SUB * 4);
		__builtin_memcpy(c->stage.sub_max_prio, st->sub.sub_max_prio,
				 OVN_STAGE_SHORT_SUB * 4);
	} else {
		__builtin_memcpy(&c->stage, &st->sub, sizeof(c->stage));
	}
	c->x.n_sub = st->n_sub;
	c->x.stage_next = st->next;
walk:
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

	__u8 ph;
	long r;

	c->x.steps++;
	if (c->x.steps - c->x.step0 > OVN_MAX_STEPS)
		return 1;	/* DROP_LOOP_LIMIT */
	/* A step chains what follows without a choice -- an action that
	 * leaves the stage (`next;`) into entering the next stage, entering
	 * a stage into its first subtable probe -- so that a miss takes
	 * fewer bpf_loop iterations.  Each handler still appears once in
	 * the program: the chain is a sequence, not a copy per phase. */
	ph = c->x.phase;
	if (ph == OVN_PH_ACTION) {
		r = ovn_action_step(lc);
		if (r || c->x.phase != OVN_PH_STAGE)
			return r;
		ph = OVN_PH_STAGE;
	} else if (ph == OVN_PH_MC_NEXT) {
		return ovn_mc_next(lc);
	} else if (ph == OVN_PH_CLONE_END) {
		return ovn_clone_end(lc->skb, c);
	} else if (ph == OVN_PH_TUNNEL) {
		return ovn_tunnel_xmit(lc);
	}
	if (ph == OVN_PH_STAGE) {
		r = ovn_stage_enter(lc);
		if (r || c->x.phase != OVN_PH_CLASSIFY)
			return r;
	} else if (ph != OVN_PH_CLASSIFY) {
		return 1;
	}
	return ovn_classify_step(c);
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
