/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Conntrack guards of the exact-match cache (maps/cache.h struct
 * ovn_cache_guard): how a run that executed conntrack ops is cached.
 *
 * Why it is sound.  A pipeline run is a function of the packet (the cache
 * key), the rules (rule version + cache epoch) and the results of the
 * conntrack ops it executed: a ct op's result depends only on the
 * conntrack table, its zone, the tuple it looked up and its arguments, and
 * everything the run does after it depends only on that result and the
 * context, which is a function of the packet and the earlier results.  So
 * if every ct op of the recorded run, executed again now on the same
 * inputs, gives the same result, the run now would be the recorded run,
 * and its final effect (headers, delivery) can be replayed.
 *
 * Recording (pipeline side, ovn_cache_ct_step()): each ct op of the run
 * fills the next guard with the op's identity (program id, index: a
 * program never changes under one rule version), its inputs (zone value,
 * the flow-key bytes conntrack reads, ct_mark/ct_label before the op) and,
 * after it ran, its result (ct_state/ct_mark/ct_label and the key bytes
 * NAT may rewrite).  A run with more than OVN_CACHE_GUARDS ct ops, or
 * whose ct op failed (NAT port exhaustion, bad zone, ...), is not cached.
 * ct_clear and chk_lb_hairpin are functions of the context: pure.
 *
 * Checking (hit side, ovn_cache_ct_check()): each guard's op is executed
 * for real on the recorded inputs -- state transitions, refresh, counters,
 * commits and NAT entries happen exactly as in a pipeline run -- and its
 * result compared.  All equal: the entry is replayed.  A difference at
 * guard k: a miss.  Guards 0..k have then been executed already; the
 * pipeline that runs next meets the same ops with the same inputs (same
 * packet, same rules, same results so far) and applies the results the
 * check got instead of executing them a second time (rec.pre_n), so every
 * ct op runs exactly once per packet, hit or miss.  (A check whose op
 * failed leaves that op to the pipeline.)  The ICMP identifier and the
 * embedded packet of an ICMP error are read from the packet by the op
 * itself, as in a pipeline run.
 */
#pragma once

#include "lib/lb.h"
#include "lib/cache.h"
#include "maps/cache.h"

/* Copy / compare N bytes (a multiple of 4) between 4-aligned places. */
static __always_inline void ovn_cache_cp32(void *dst, const void *src, __u32 n)
{
	const __u32 *s = src;
	__u32 *d = dst, i;

#pragma unroll
	for (i = 0; i < n / 4; i++)
		d[i] = s[i];
}

static __always_inline bool ovn_cache_neq32(const void *a, const void *b, __u32 n)
{
	const __u32 *x = a, *y = b;
	__u32 d = 0, i;

#pragma unroll
	for (i = 0; i < n / 4; i++)
		d |= x[i] ^ y[i];
	return d != 0;
}

#define OVN_CACHE_KEY_AT(c, off)	((__u8 *)&(c)->key + (off))

/* The op's inputs, from the context, into G. */
static __always_inline void ovn_cache_guard_in(struct ovn_ctx *c, struct ovn_cache_guard *g,
					       const struct ovn_op *op, __u32 prog, __u32 pc)
{
	g->prog = prog;
	g->pc = pc;
	g->code = op->code;
	g->zone = ovn_ct_zone(c, op->src);
	g->commit_pc = 0;
	ovn_cache_cp32(g->in, OVN_CACHE_KEY_AT(c, OVN_CACHE_CT_IN_OFF), OVN_CACHE_CT_IN_LEN);
	g->in_mark = c->md.ct_mark;
	ovn_cache_cp32(g->in_label, c->md.ct_label, 16);
}

/* Is OP, about to run on the context, the op G recorded, on G's inputs? */
static __always_inline bool ovn_cache_guard_is(struct ovn_ctx *c, const struct ovn_cache_guard *g,
					       const struct ovn_op *op, __u32 prog, __u32 pc)
{
	return g->prog == prog && g->pc == pc && g->code == op->code &&
	       g->zone == ovn_ct_zone(c, op->src) && g->in_mark == c->md.ct_mark &&
	       !ovn_cache_neq32(g->in, OVN_CACHE_KEY_AT(c, OVN_CACHE_CT_IN_OFF),
				OVN_CACHE_CT_IN_LEN) &&
	       !ovn_cache_neq32(g->in_label, c->md.ct_label, 16);
}

/* ct_commit begin and CT_COMMIT never change the packet: their out[]
 * is not a result (a begin guard keeps its folded commit's values
 * there). */
static __always_inline bool ovn_cache_ct_keeps_key(__u8 code)
{
	return code == OVN_OP_CT_COMMIT_BEGIN || code == OVN_OP_CT_COMMIT;
}

/* The op's result, from the context, into G. */
static __always_inline void ovn_cache_guard_out(struct ovn_ctx *c, struct ovn_cache_guard *g)
{
	g->ct_state = c->md.ct_state;
	g->ct_mark = c->md.ct_mark;
	ovn_cache_cp32(g->ct_label, c->md.ct_label, 16);
	if (!ovn_cache_ct_keeps_key(g->code))
		ovn_cache_cp32(g->out, OVN_CACHE_KEY_AT(c, OVN_CACHE_CT_OUT_OFF),
			       OVN_CACHE_CT_OUT_LEN);
}

/* Did the op just executed give G's result? */
static __always_inline bool ovn_cache_guard_same_out(struct ovn_ctx *c,
						     const struct ovn_cache_guard *g)
{
	if (g->ct_state != c->md.ct_state || g->ct_mark != c->md.ct_mark ||
	    ovn_cache_neq32(g->ct_label, c->md.ct_label, 16))
		return false;
	return ovn_cache_ct_keeps_key(g->code) ||
	       !ovn_cache_neq32(g->out, OVN_CACHE_KEY_AT(c, OVN_CACHE_CT_OUT_OFF),
				OVN_CACHE_CT_OUT_LEN);
}

/*
 * Pipeline side.
 */

/* Ops executed as guards (the rest of the conntrack ops are pure or never
 * cached). */
static __always_inline bool ovn_cache_ct_guarded(__u8 code)
{
	return code == OVN_OP_CT_NEXT || code == OVN_OP_CT_COMMIT_BEGIN ||
	       code == OVN_OP_CT_COMMIT || code == OVN_OP_CT_NAT || code == OVN_OP_CT_LB;
}

/* Give OP the result G has (the failed check executed it already), as
 * its handler would have. */
static __always_inline void ovn_cache_guard_apply(struct ovn_ctx *c, const struct ovn_cache_guard *g,
						  const struct ovn_op *op)
{
	if (op->code == OVN_OP_CT_COMMIT_BEGIN) {
		c->ct.stash_mark = c->md.ct_mark;
		ovn_cache_cp32(c->ct.stash_label, c->md.ct_label, 16);
	}
	c->md.ct_state = g->ct_state;
	c->md.ct_mark = g->ct_mark;
	ovn_cache_cp32(c->md.ct_label, g->ct_label, 16);
	if (ovn_cache_ct_keeps_key(op->code))
		return;
	ovn_cache_cp32(OVN_CACHE_KEY_AT(c, OVN_CACHE_CT_OUT_OFF), g->out, OVN_CACHE_CT_OUT_LEN);
	/* ct_next, ct_dnat/snat, ct_lb_mark: on at the next stage. */
	c->x.pipeline = op->pipeline;
	c->x.table = op->table;
	c->x.phase = OVN_PH_STAGE;
}

/* CT_COMMIT op OP at PC of program PROG, right after guard I = G: the
 * end of the ct_commit { } G began (same program, zone and packet) goes
 * into G, one guard for both.  Returns -1 when it is not (a guard of its
 * own), 1 when the op must not run (a failed check ran it already), 0
 * when it must. */
static __always_inline int ovn_cache_ct_fold(struct ovn_ctx *c, struct ovn_cache_guard *g,
					     const struct ovn_op *op, __u32 prog, __u32 pc, __u32 i)
{
	struct ovn_cache_rec *r = &c->cache;
	bool ran = i < r->pre_n && !(i + 1 == r->pre_n && r->pre_half);
	__u8 *cm = g->out;

	if (g->code != OVN_OP_CT_COMMIT_BEGIN || g->prog != prog || g->pc >= pc ||
	    (ran && g->commit_pc != pc) || (i >= r->pre_n && g->commit_pc) ||
	    g->zone != ovn_ct_zone(c, op->src) ||
	    ovn_cache_neq32(g->in, OVN_CACHE_KEY_AT(c, OVN_CACHE_CT_IN_OFF), OVN_CACHE_CT_IN_LEN))
		return -1;
	if (ran) {
		/* The check ran it: only its effect on the context. */
		if (op->n & 1) {
			c->md.ct_mark = c->ct.stash_mark;
			ovn_cache_cp32(c->md.ct_label, c->ct.stash_label, 16);
		}
		return 1;
	}
	g->commit_pc = pc;
	__builtin_memcpy(cm, &c->md.ct_mark, 4);
	ovn_cache_cp32(cm + 4, c->md.ct_label, 16);
	return 0;
}

/* Before conntrack op OP (at PC of program PROG) runs in the pipeline:
 * take the run's next guard for it.  Returns 1 when the op was executed
 * already by a failed guard check: its result is applied and the op must
 * not run.  (Out of line: it keeps the executor step's stack small.) */
static __noinline int ovn_cache_ct_pre(struct ovn_ctx *c, const struct ovn_op *op, __u32 prog,
				       __u32 pc)
{
	struct ovn_cache_rec *r = &c->cache;
	struct ovn_cache_guard *g;
	__u32 i = r->n_guards;

	r->cur = 0;
	/* ct_commit { }: its CT_COMMIT goes into the begin's guard. */
	if (op->code == OVN_OP_CT_COMMIT && i) {
		__u32 j = i - 1;
		int f;

		/* 6.1's verifier must see the bound on this register. */
		asm volatile("" : "+r"(j));
		if (j < OVN_CACHE_GUARDS) {
			f = ovn_cache_ct_fold(c, &r->val.guard[j], op, prog, pc, j);
			if (f >= 0)
				return f;
		}
	}
	if (i >= OVN_CACHE_GUARDS) {
		/* More ct ops than an entry can guard. */
		ovn_cache_forbid(c);
		return 0;
	}
	g = &r->val.guard[i];
	r->n_guards = i + 1;
	if (i < r->pre_n) {
		if (ovn_cache_guard_is(c, g, op, prog, pc)) {
			ovn_cache_guard_apply(c, g, op);
			return 1;
		}
		/* Cannot happen (same packet, rules and results so far):
		 * run the op, cache nothing. */
		r->pre_n = 0;
		ovn_cache_forbid(c);
	}
	ovn_cache_guard_in(c, g, op, prog, pc);
	r->cur = i + 1;
	return 0;
}

/* After the op ran: record its result, or forbid caching when it failed
 * (NAT ports exhausted, bad zone...: may succeed for the next packet). */
static __noinline int ovn_cache_ct_post(struct ovn_ctx *c, bool ok)
{
	struct ovn_cache_rec *r = &c->cache;
	__u32 i = r->cur;

	if (!ok) {
		ovn_cache_forbid(c);
		return 0;
	}
	if (!i)
		return 0;
	i--;
	/* The verifier must see the bound on this very register. */
	asm volatile("" : "+r"(i));
	if (i < OVN_CACHE_GUARDS)
		ovn_cache_guard_out(c, &r->val.guard[i]);
	return 0;
}

/* Run conntrack op OP (at PC of program PROG) in the pipeline as the
 * run's next guard.  Returns a bpf_loop callback value; *advance says
 * whether the next op follows. */
static __always_inline long ovn_cache_ct_step(struct ovn_loop *lc, const struct ovn_op *op,
					      __u32 prog, __u32 pc, bool *advance)
{
	struct ovn_ctx *c = lc->c;
	long ret;

	*advance = false;
	if (ovn_cache_ct_pre(c, op, prog, pc)) {
		*advance = op->code == OVN_OP_CT_COMMIT_BEGIN || op->code == OVN_OP_CT_COMMIT;
		return 0;
	}
	if (op->code == OVN_OP_CT_NAT || op->code == OVN_OP_CT_LB)
		ret = ovn_natlb_op(lc, op, pc);
	else
		ret = ovn_ct_op(lc, op, advance);
	ovn_cache_ct_post(c, *advance || c->x.phase == OVN_PH_STAGE);
	return ret;
}

/*
 * Hit side.
 */

/* The zone register at context offset ZO := ZONE. */
static __always_inline void ovn_cache_ct_set_zone(struct ovn_ctx *c, __u32 zo, __u16 zone)
{
	__be32 z = bpf_htonl(zone);

	if (zo == OVN_OFF_DNAT_ZONE)
		c->md.dnat_zone = z;
	else if (zo == OVN_OFF_SNAT_ZONE)
		c->md.snat_zone = z;
	else
		c->md.ct_zone = z;
}

/* Execute the CT_COMMIT folded into begin guard G (after its begin).  0,
 * or -1 when the op is not the one recorded (not executed). */
static __noinline int ovn_cache_guard_commit(struct __sk_buff *skb, struct ovn_ctx *c,
					     const struct ovn_cache_guard *g)
{
	__u32 id = g->prog, pc = g->commit_pc;
	const struct ovn_op *op;
	struct ovn_prog *p;

	p = bpf_map_lookup_elem(&ovn_progs, &id);
	if (!p || pc >= OVN_PROG_MAX_OPS)
		return -1;
	op = &p->op[pc & (OVN_PROG_MAX_OPS - 1)];
	if (op->code != OVN_OP_CT_COMMIT)
		return -1;
	ovn_cache_ct_set_zone(c, op->src, g->zone);
	__builtin_memcpy(&c->md.ct_mark, g->out, 4);
	ovn_cache_cp32(c->md.ct_label, g->out + 4, 16);
	ovn_ct_commit(skb, c, op->src, op->n & 1);
	return 0;
}

/* Execute guard G's op on G's inputs.  0, or -1 when the op is not the
 * one recorded (not executed) or failed.  (Inlined into the loop
 * callback: 6.1 counts the stack of every frame from the program down to
 * ovn_nat_reserve() against 512 bytes.) */
static __always_inline int ovn_cache_guard_run(struct __sk_buff *skb, struct ovn_ctx *c,
					  const struct ovn_cache_guard *g)
{
	__u32 id = g->prog, pc = g->pc, zo;
	const struct ovn_op *op;
	struct ovn_prog *p;
	int r = 0;

	p = bpf_map_lookup_elem(&ovn_progs, &id);
	if (!p || pc >= OVN_PROG_MAX_OPS)
		return -1;
	op = &p->op[pc & (OVN_PROG_MAX_OPS - 1)];
	if (op->code != g->code)
		return -1;
	zo = op->src;
	ovn_cache_ct_set_zone(c, zo, g->zone);
	ovn_cache_cp32(OVN_CACHE_KEY_AT(c, OVN_CACHE_CT_IN_OFF), g->in, OVN_CACHE_CT_IN_LEN);
	c->md.ct_mark = g->in_mark;
	ovn_cache_cp32(c->md.ct_label, g->in_label, 16);
	/* ct_lb_mark finds its backends after the op in the program. */
	c->x.prog = id;
	switch (op->code) {
	case OVN_OP_CT_NEXT:
		ovn_ct_lookup(skb, c, zo);
		break;
	case OVN_OP_CT_COMMIT_BEGIN:
		ovn_ct_commit_begin(skb, c, zo);
		break;
	case OVN_OP_CT_COMMIT:
		ovn_ct_commit(skb, c, zo, op->n & 1);
		break;
	case OVN_OP_CT_NAT:
		r = ovn_nat_op(skb, c, op);
		break;
	case OVN_OP_CT_LB:
		r = ovn_lb_op(skb, c, op, pc);
		break;
	default:
		return -1;
	}
	if (r == OVN_NAT_PENDING)
		r = ovn_natlb_commit_pending(c);
	return r ? -1 : 0;
}

/* What the guard loop needs (on the caller's stack: keep it small).  It
 * leaves its verdict in the context's record: rec.cur = 1 + the guard
 * that differed (0: none), rec.pre_n = the guards executed, rec.pre_half
 * = the last of them without its folded commit. */
struct ovn_cache_ct_loop {
	struct __sk_buff *skb;
	struct ovn_ctx *c;
	struct ovn_cache_val *v;
};

static long ovn_cache_guard_step(__u32 i, void *arg)
{
	struct ovn_cache_ct_loop *l = arg;
	struct ovn_cache_rec *r = &l->c->cache;
	struct ovn_cache_guard *g;

	if (i >= OVN_CACHE_GUARDS)
		return 1;
	g = &l->v->guard[i];
	if (ovn_cache_guard_run(l->skb, l->c, g)) {
		r->cur = i + 1;
		r->pre_n = i;
		return 1;
	}
	if (!ovn_cache_guard_same_out(l->c, g)) {
		r->cur = i + 1;
		r->pre_n = i + 1;
		r->pre_half = g->commit_pc != 0;
		return 1;
	}
	if (g->commit_pc && ovn_cache_guard_commit(l->skb, l->c, g)) {
		r->cur = i + 1;
		r->pre_n = i + 1;
		r->pre_half = 1;
		return 1;
	}
	return 0;
}

/* Before replaying entry V: execute its guards.  Returns 0 when every
 * result is the recorded one; otherwise the packet is a miss and its
 * context is as before the check, with the executed guards left for the
 * pipeline (rec.pre_n). */
static __noinline int ovn_cache_ct_check(struct __sk_buff *skb, struct ovn_ctx *c,
					 struct ovn_cache_val *v)
{
	struct ovn_cache_ct_loop l = { .skb = skb, .c = c, .v = v };
	struct ovn_cache_rec *r = &c->cache;
	__u32 n = v->n_guards, i, bad;

	if (n > OVN_CACHE_GUARDS)
		n = OVN_CACHE_GUARDS;
	r->cur = 0;
	bpf_loop(n, ovn_cache_guard_step, &l, 0);
	bad = r->cur;
	if (!bad)
		return 0;
	/* The guards before the differing one gave the recorded results;
	 * the differing one (when it ran) gave what the context holds. */
#pragma unroll
	for (i = 0; i < OVN_CACHE_GUARDS; i++) {
		if (i < bad)
			r->val.guard[i] = v->guard[i];
	}
	i = bad - 1;
	asm volatile("" : "+r"(i));
	if (r->pre_n == bad && i < OVN_CACHE_GUARDS)
		ovn_cache_guard_out(c, &r->val.guard[i]);
	r->cur = 0;
	/* The pipeline starts from the packet as parsed. */
	__builtin_memcpy(&c->key, &c->pkt, sizeof(c->key));
	__builtin_memset(&c->md, 0, sizeof(c->md));
	return 1;
}
