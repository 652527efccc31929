/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Path recording for `ovnbpfctl trace` (maps/trace.h).
 *
 * ovn_trace_on lives in .rodata: ovnbpfd loads the object with it false,
 * the verifier sees a constant and removes every `if (ovn_trace_on)`
 * branch, so the fast path pays nothing.  `ovnbpfctl trace` loads a
 * private, unpinned copy with it true and runs one packet with
 * BPF_PROG_TEST_RUN; then:
 *   - each stage run, no-match, egress start, patch crossing and drop is
 *     appended to ovn_trace[0].ev;
 *   - delivery records the packet (ovn_trace[0].out) instead of writing
 *     the headers back and redirecting, and every port counts as present
 *     (a port of another chassis is delivered to like a local one), so a
 *     multicast fan-out records one output per member.
 *
 * Conntrack in a trace (for bpf/lib/ct.h): a conntrack op must not look
 * up or commit to the conntrack table when ovn_trace_on is set.  Instead
 * it calls ovn_trace_ct_next_state(c), which returns the ct_state bits
 * (OVN_CS_*) that `--ct` gave for this op -- each op consumes the next
 * --ct flag set, in order; once they run out every op sees ct.trk|ct.est,
 * which are ovn-trace's semantics -- and the op then behaves as if the
 * table had returned that state (NAT ops apply their own address, as
 * ovn-trace does).
 */
#pragma once

#include "lib/common.h"
#include "maps/context.h"
#include "maps/pipeline.h"
#include "maps/trace.h"

/* Set by the loader of a tracing copy only (before load; read-only after). */
const volatile bool ovn_trace_on = false;

/* ovn_trace[0]: the recorded path of the last traced packet.  Written by
 * BPF in trace mode, cleared and read by ovnbpfctl trace.  Not pinned. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct ovn_trace_buf);
	__uint(max_entries, 1);
} ovn_trace SEC(".maps");

/* ovn_trace_ct[0]: the ct_state sequence of --ct.  Written by ovnbpfctl
 * trace; `next` advanced by BPF.  Not pinned. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct ovn_trace_ct);
	__uint(max_entries, 1);
} ovn_trace_ct SEC(".maps");

/* ovn_trace_md[0]: the microflow's registers, flags, ct_state...  Written
 * by ovnbpfctl trace.  Not pinned. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct ovn_trace_md);
	__uint(max_entries, 1);
} ovn_trace_md SEC(".maps");

/* Seed the logical metadata of a traced packet from ovn_trace_md (the
 * entry point calls it once, after it set the datapath and inport). */
static __noinline void ovn_trace_seed_md(struct ovn_ctx *c)
{
	struct ovn_trace_md *t;
	__u32 zero = 0, *d = (__u32 *)&c->md;
	const __u32 *v, *m;

	t = bpf_map_lookup_elem(&ovn_trace_md, &zero);
	if (!t)
		return;
	v = (const __u32 *)&t->value;
	m = (const __u32 *)&t->mask;
#pragma unroll
	for (int i = 0; i < (int)(sizeof(struct ovn_md) / 4); i++)
		d[i] = (d[i] & ~m[i]) | (v[i] & m[i]);
}

/* Append one event at the executor's current (dp, pipeline, table). */
static __noinline void ovn_trace_rec(struct ovn_ctx *c, __u32 kind, __u32 a, __u32 b)
{
	struct ovn_trace_buf *t;
	struct ovn_trace_ev *e;
	__u32 zero = 0, i;

	t = bpf_map_lookup_elem(&ovn_trace, &zero);
	if (!t)
		return;
	i = t->n_ev++;
	if (i >= OVN_TRACE_MAX_EV)
		return;
	e = &t->ev[i];
	e->kind = kind;
	e->pipeline = c->x.pipeline;
	e->table = c->x.table;
	e->dp_type = c->x.dp_type;
	e->dp = c->x.dp_key;
	if (kind == OVN_TR_STAGE) {
		e->flow = a;
		e->prio = (__s32)b;
		e->port = bpf_ntohl(c->md.inport);
		/* A flow family's member is named by its port (loader/trace.c). */
		e->arg = bpf_ntohl(c->md.outport);
	} else {
		e->flow = 0;
		e->prio = 0;
		e->port = a;
		e->arg = b;
	}
}

#define OVN_TRACE(c, kind, a, b)				\
	do {							\
		if (ovn_trace_on)				\
			ovn_trace_rec(c, kind, a, b);		\
	} while (0)

/* Record a delivery to PORT of the current datapath. */
static __noinline void ovn_trace_output_rec(struct ovn_ctx *c, __u32 port)
{
	struct ovn_trace_buf *t;
	struct ovn_trace_out *o;
	__u32 zero = 0, i;

	ovn_trace_rec(c, OVN_TR_OUTPUT, port, 0);
	t = bpf_map_lookup_elem(&ovn_trace, &zero);
	if (!t)
		return;
	i = t->n_out++;
	if (i >= OVN_TRACE_MAX_OUT)
		return;
	o = &t->out[i];
	__builtin_memcpy(&o->md, &c->md, sizeof(o->md));
	__builtin_memcpy(&o->key, &c->key, sizeof(o->key));
	o->dp = c->x.dp_key;
	o->port = port;
	o->shape = c->x.shape;
}

/* The ct_state a conntrack op sees in a trace (see the top of the file). */
static __always_inline __u32 ovn_trace_ct_next_state(struct ovn_ctx *c)
{
	struct ovn_trace_ct *t;
	__u32 zero = 0, i, st = (1u << OVN_CS_TRK) | (1u << OVN_CS_EST);

	t = bpf_map_lookup_elem(&ovn_trace_ct, &zero);
	if (t) {
		i = t->next;
		if (i < t->n && i < OVN_TRACE_MAX_CT) {
			st = t->state[i];
			t->next = i + 1;
		}
	}
	ovn_trace_rec(c, OVN_TR_CT, 0, st);
	return st;
}
