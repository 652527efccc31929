/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Tuple space search over one stage: each subtable masks a few context
 * words; the masked words index ovn_cls, whose cells name flows with their
 * priority and version range.  The highest priority visible flow whose set
 * tests pass wins.  Subtables are visited in decreasing order of their
 * max priority, so the walk stops as soon as no later subtable can win.
 *
 * One call probes one (subtable, slot): the executor's bpf_loop drives the
 * walk, so the verifier sees the probe once however many subtables a stage
 * has.
 */
#pragma once

#include "lib/state.h"

static __always_inline bool ovn_visible(__u32 add_ver, __u32 rm_ver, __u32 v)
{
	return add_ver <= v && v < rm_ver;
}

#include "lib/port_rec.h"
#include "lib/cls_residual.h"

/* Is ctx[off, off + len) a member of set_id (the port's record when the
 * test says so, then exact, then CIDR)? */
static __noinline bool ovn_set_test(struct ovn_ctx *c, const struct ovn_set_test *t)
{
	struct ovn_set_lpm_key lk = {};
	struct ovn_set_key k = {};
	struct ovn_set_member *m;
	__u32 off = t->off, len = t->len, i;

	if (len > 16)
		return false;
	k.set_id = t->set_id;
	if (t->flags & OVN_SET_T_BY_INPORT)
		k.set_id += bpf_ntohl(c->words[OVN_OFF_INPORT / 4]) & OVN_SET_PORT_MASK;
	else if (t->flags & OVN_SET_T_BY_OUTPORT)
		k.set_id += bpf_ntohl(c->words[OVN_OFF_OUTPORT / 4]) & OVN_SET_PORT_MASK;
	k.len = len;
#pragma unroll
	for (i = 0; i < 16; i++) {
		if (i < len)
			k.v[i] = c->bytes[(off + i) & (OVN_CTX_MATCH_BYTES - 1)];
	}
	if (t->flags & OVN_SET_T_PORT_REC) {
		__u32 port;
		int r;

		/* The port the test is about: the in/out port for its own
		 * addresses, the tested key for a group. */
		if (t->flags & OVN_SET_T_BY_INPORT)
			port = bpf_ntohl(c->words[OVN_OFF_INPORT / 4]);
		else if (t->flags & OVN_SET_T_BY_OUTPORT)
			port = bpf_ntohl(c->words[OVN_OFF_OUTPORT / 4]);
		else
			port = len == 4 ? bpf_ntohl(*(__u32 *)k.v) : 0;
		r = ovn_port_rec_test(c->x.dp_key, port, c->x.version, OVN_REC_TEST(t),
				      (const struct ovn_rec_val *)k.v);
		if (r >= 0)
			return r;
	}
	m = bpf_map_lookup_elem(&ovn_set_hash, &k);
	if (m && ovn_visible(m->add_ver, m->rm_ver, c->x.version))
		return true;
	if (!(t->flags & OVN_SET_T_LPM))
		return false;
	lk.prefixlen = OVN_SET_LPM_HDR_BITS + len * 8;
	lk.set_id = bpf_htonl(k.set_id);
	lk.len = len;
	__builtin_memcpy(lk.v, k.v, 16);
	m = bpf_map_lookup_elem(&ovn_set_lpm, &lk);
	return m && ovn_visible(m->add_ver, m->rm_ver, c->x.version);
}

/* Does the packet pass CELL's residual port test (if any) and all set
 * tests of its flow record?  The residual test is made here, on every
 * path, so that the unrolled cell loop of the probe keeps one call and
 * one branch per cell (the verifier walks that loop once per probe). */
static __noinline bool ovn_flow_sets_ok(struct ovn_ctx *c, const struct ovn_cls_cell *cell)
{
	__u32 rec = cell->rec & OVN_CLS_REC_MASK;
	struct ovn_flow *f;
	int i;

	if (!ovn_cls_residual_ok(c, cell))
		return false;
	f = bpf_map_lookup_elem(&ovn_flows, &rec);
	if (!f)
		return false;
#pragma unroll
	for (i = 0; i < OVN_FLOW_SETS; i++) {
		bool in;

		if (!(f->set[i].flags & OVN_SET_T_USED))
			break;
		in = ovn_set_test(c, &f->set[i]);
		if (f->set[i].flags & OVN_SET_T_NEGATE)
			in = !in;
		if (!in)
			return false;
	}
	return true;
}

/* No flow matched in the current stage.  A helper table returns to its
 * caller; a pipeline stage drops (OVN's default). */
static __always_inline long ovn_no_match(struct ovn_ctx *c);

/* The current entry's subtable list is walked: continue with the stage's
 * next entry (maps/pipeline.h ovn_stage_key.cont).  Not inlined: the
 * probe step is the verifier's hot path.  A missing continuation ends the
 * list (n_sub = 0). */
static __noinline void ovn_stage_cont(struct ovn_ctx *c)
{
	/* The probe rewrites all of cls_key before it uses it. */
	struct ovn_stage_key *sk = (struct ovn_stage_key *)c->cls_key;
	struct ovn_stage *st;

	sk->dp = c->x.dp_key;
	sk->pipeline = c->x.pipeline;
	sk->table = c->x.table;
	sk->cont = c->x.stage_next;
	c->x.sub_idx = 0;
	c->x.slot = 0;
	c->x.stage_next = 0;
	st = bpf_map_lookup_elem(&ovn_stages, sk);
	if (!st) {
		c->x.n_sub = 0;
		return;
	}
	__builtin_memcpy(&c->stage, &st->sub, sizeof(c->stage));
	c->x.n_sub = st->n_sub;
	c->x.stage_next = st->next;
}

/* Nothing in the stage's subtables matched: its catch-all cells
 * (priority 0, no match, no set test), carried in the stage's descriptor
 * (maps/pipeline.h ovn_stage_desc), win when visible. */
static __always_inline void ovn_desc_catchall(struct ovn_ctx *c)
{
	__u32 idx = c->x.desc_idx;
	struct ovn_stage_desc *d = bpf_map_lookup_elem(&ovn_stage_descs, &idx);

	if (!d)
		return;
#pragma unroll
	for (int n = 0; n < OVN_DESC_CA; n++) {
		struct ovn_cls_cell *cell = &d->ca[n];

		if (n >= d->n_ca || cell->prio < 0)
			break;
		if (!ovn_visible(cell->add_ver, cell->rm_ver, c->x.version))
			continue;
		c->x.best_prio = cell->prio;
		c->x.best_flow = cell->flow;
		c->x.best_rec = cell->rec;
		__builtin_memcpy(c->x.best_param, cell->param, OVN_CLS_PARAM_BYTES);
		return;
	}
}

/* Probe one (subtable, slot) of the current stage, or finish the stage. */
static __always_inline long ovn_classify_step(struct ovn_ctx *c)
{
	struct ovn_stage_stats *ss;
	struct ovn_subtable *st;
	struct ovn_cls_val *v;
	struct ovn_cls_key *k = (struct ovn_cls_key *)c->cls_key;
	__u32 i = c->x.sub_idx, j, sub_id;
	struct ovn_flow *f;

	if (i >= c->x.n_sub || i >= OVN_STAGE_MAX_SUB)
		goto finish;
	if (c->stage.sub_max_prio[i] <= c->x.best_prio)
		goto finish;
	sub_id = c->stage.sub_id[i];
	st = bpf_map_lookup_elem(&ovn_subtables, &sub_id);
	if (!st)
		goto next_sub;
	k->sub_id = sub_id;
	k->slot = c->x.slot;
#pragma unroll
	for (j = 0; j < OVN_CLS_WORDS; j++)
		k->w[j] = c->words[st->word[j] & (OVN_CTX_MATCH_WORDS - 1)] & st->mask[j];
	v = bpf_map_lookup_elem(&ovn_cls, k);
	if (v) {
#pragma unroll
		for (int n = 0; n < OVN_CLS_CELLS; n++) {
			struct ovn_cls_cell *cell = &v->cell[n];

			if (cell->prio <= c->x.best_prio)
				continue;
			if (!ovn_visible(cell->add_ver, cell->rm_ver, c->x.version))
				continue;
			if (!ovn_flow_sets_ok(c, cell))
				continue;
			c->x.best_prio = cell->prio;
			c->x.best_flow = cell->flow;
			c->x.best_rec = cell->rec & OVN_CLS_REC_MASK;
			__builtin_memcpy(c->x.best_param, cell->param, OVN_CLS_PARAM_BYTES);
		}
		if (v->more) {
			c->x.slot++;
			return 0;
		}
	}
next_sub:
	c->x.sub_idx++;
	c->x.slot = 0;
	/* The entry's list ends: the stage goes on in its next entry.  The
	 * chain is one list by max priority, so the check below applies to
	 * the next entry's first subtable alike. */
	if (c->x.sub_idx >= c->x.n_sub && c->x.stage_next)
		ovn_stage_cont(c);
	/* Finish in this step when no later subtable can win: saves a
	 * bpf_loop iteration per stage. */
	i = c->x.sub_idx;
	if (i < c->x.n_sub && i < OVN_STAGE_MAX_SUB && c->stage.sub_max_prio[i] > c->x.best_prio)
		return 0;

finish:
	if (c->x.best_prio < 0 && c->x.desc_idx)
		ovn_desc_catchall(c);
	if (c->x.best_prio < 0)
		return ovn_no_match(c);
	ss = ovn_stage_stats_of(c);
	if (ss)
		ss->hits++;
	j = c->x.best_flow;
	OVN_TRACE(c, OVN_TR_STAGE, j, (__u32)c->x.best_prio);
	j = c->x.best_rec;
	f = bpf_map_lookup_elem(&ovn_flows, &j);
	if (!f)
		return ovn_end(c, DROP_NO_PROG);
	c->x.prog = f->prog;
	c->x.pc = 0;
	c->x.phase = OVN_PH_ACTION;
	return 0;
}
