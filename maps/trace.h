/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The path of one traced packet (`ovnbpfctl trace`), recorded by the BPF
 * executor only when the object was loaded with ovn_trace_on = true
 * (bpf/lib/trace.h); a daemon's load leaves it false and the verifier
 * removes every recording branch.
 *
 * ovn_trace[0] holds the events of the last run, in order: each stage the
 * packet ran (its matched flow, or no match), each patch-port crossing,
 * each delivery (with the logical state and headers at that point) and
 * each drop.  ovn_trace_ct holds the conntrack states --ct asked for.
 */
#ifndef __OVNBPF_MAPS_TRACE_H
#define __OVNBPF_MAPS_TRACE_H

#include "maps/abi.h"
#include "maps/context.h"

enum ovn_trace_kind {
	OVN_TR_STAGE = 1,	/* flow `flow` (prio) matched in (dp, pipeline, table) */
	OVN_TR_NO_MATCH = 2,	/* no flow matched in (dp, pipeline, table) */
	OVN_TR_OUTPUT = 3,	/* delivered to `port` of dp: out[arg] has the packet */
	OVN_TR_PATCH = 4,	/* output to patch port `port` of dp, into `arg` */
	OVN_TR_DROP = 5,	/* dropped (or this multicast copy) for reason `arg` */
	OVN_TR_EGRESS = 6,	/* egress pipeline of `port` starts */
	OVN_TR_CT = 7,		/* a conntrack op consumed ct_state `arg` */
	OVN_TR_PUNT = 8,	/* punt op: arg = daemon opcode, port = op flags */
};

struct ovn_trace_ev {
	__u8 kind;		/* enum ovn_trace_kind */
	__u8 pipeline;		/* enum ovn_pipeline */
	__u8 table;
	__u8 dp_type;		/* enum ovn_dp_type */
	__u32 dp;		/* datapath tunnel key */
	__u32 flow;		/* STAGE: ovn_flows index */
	__s32 prio;		/* STAGE: priority */
	__u32 port;		/* OUTPUT/PATCH/EGRESS: port key; else inport */
	__u32 arg;		/* see enum ovn_trace_kind; STAGE: outport */
};

/* The packet as delivered: logical metadata and header fields. */
struct ovn_trace_out {
	struct ovn_md md;
	struct ovn_flow_key key;
	__u32 dp;
	__u32 port;
	__u8 shape;		/* enum ovn_shape */
	__u8 pad[7];
};

#define OVN_TRACE_MAX_EV	256
#define OVN_TRACE_MAX_OUT	64

struct ovn_trace_buf {
	__u32 n_ev;		/* events recorded (may exceed OVN_TRACE_MAX_EV) */
	__u32 n_out;
	struct ovn_trace_ev ev[OVN_TRACE_MAX_EV];
	struct ovn_trace_out out[OVN_TRACE_MAX_OUT];
};

/* --ct: the ct_state (OVN_CS_* bits) each conntrack op of the trace
 * assumes, in order; past n, ct.trk|ct.est. */
#define OVN_TRACE_MAX_CT	16

struct ovn_trace_ct {
	__u32 n;
	__u32 next;		/* index of the next state to consume */
	__u32 state[OVN_TRACE_MAX_CT];
};

/* The microflow's logical metadata: each bit set in mask is taken from
 * value when the traced packet enters (registers, flags, ct_state...,
 * which ovn-trace starts from too).  The datapath key and inport come
 * from the VIF as for any packet. */
struct ovn_trace_md {
	struct ovn_md value;
	struct ovn_md mask;
};

#endif /* __OVNBPF_MAPS_TRACE_H */
