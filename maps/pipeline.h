/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The compiled logical pipelines: datapaths, stages, the tuple-space
 * classifier (subtables of masked keys), flows and sets.
 *
 * Lookup path of one stage (dp, pipeline, table):
 *   ovn_dps[dp]           -> number of tables, passthrough-table bitmap,
 *                            descriptor slot and active copy
 *   ovn_stage_descs[slot, copy, p, t] -> up to 8 subtable ids and the
 *                            stage's catch-all cells (session 6); a longer
 *                            stage, or a datapath without a slot, reads
 *   ovn_stages[dp,p,t]    -> up to 32 subtable ids, by max priority (desc),
 *                            continued in ovn_stages[dp,p,t,next] (below)
 *   ovn_subtables[id]     -> which context words to mask, and the masks
 *   ovn_cls[id, masked, slot] -> cells {priority, flow, versions, record}
 *   ovn_flows[record]     -> action program + set-membership tests, shared
 *                            by every flow of the stage with the same ones
 *   ovn_set_hash / ovn_set_lpm [set, value] -> member?
 *
 * Versions (DESIGN §3.9): the active rule version is ovn_gen[0].  A cell or
 * set member is visible to a packet of version V iff add_ver <= V < rm_ver.
 * A batch writes its additions with add_ver = V + 1 and its removals as
 * rm_ver = V + 1, then flips ovn_gen[0] to V + 1: a packet sees the whole
 * old rule set or the whole new one.  Cells and members invisible to the
 * active version are reclaimed at the next batch.
 */
#ifndef __OVNBPF_MAPS_PIPELINE_H
#define __OVNBPF_MAPS_PIPELINE_H

#include "maps/abi.h"
#include "maps/context.h"

/* Pipelines.  The helper pipeline holds the tables ovn-controller builds
 * itself (port security, MAC bindings, FDB, ...): a `call` runs one of its
 * tables and returns; no match there returns without change. */
enum ovn_pipeline {
	OVN_PIPE_INGRESS = 0,
	OVN_PIPE_EGRESS = 1,
	OVN_PIPE_HELPER = 2,
	OVN_PIPE_MAX,
};

/* Tables of the helper pipeline (OpenFlow table of ovn-controller). */
enum ovn_helper_table {
	OVN_HT_PORT_SEC_IN = 0,		/* 73: check_in_port_sec() */
	OVN_HT_PORT_SEC_IN_ND = 1,	/* 74: its ARP/ND part */
	OVN_HT_PORT_SEC_OUT = 2,	/* 75: check_out_port_sec() */
	OVN_HT_MAC_BINDING = 3,		/* 66: get_arp/get_nd */
	OVN_HT_MAC_LOOKUP = 4,		/* 67: lookup_arp/lookup_nd */
	OVN_HT_GET_FDB = 5,		/* 71 */
	OVN_HT_LOOKUP_FDB = 6,		/* 72 */
	OVN_HT_MAX = 16,
};

enum ovn_dp_type {
	OVN_DP_SWITCH = 0,
	OVN_DP_ROUTER = 1,
};

/* Stage counts of OVN 23.03. */
#define OVN_LS_IN_TABLES	27
#define OVN_LS_OUT_TABLES	10
#define OVN_LR_IN_TABLES	22
#define OVN_LR_OUT_TABLES	7
#define OVN_MAX_TABLES		32

/* Index of a stage in per-stage counters: OVN's OVN_STAGE_BUILD layout,
 * compressed: (dp_type << 6) | (pipeline << 5) | table.  The helper
 * pipeline's tables count under dp_type 2. */
#define OVN_STAGE_IDX(dp_type, pipeline, table) \
	((((dp_type) & 3) << 6) | (((pipeline) & 1) << 5) | ((table) & 31))
#define OVN_STAGE_IDX_MAX	256

/* ovn_dps value: one per local datapath, key = tunnel key (host order). */
struct ovn_dp {
	__u8 type;			/* enum ovn_dp_type */
	__u8 n_tables[2];		/* ingress, egress */
	__u8 pad;
	__u32 pass_mask[2];		/* bit t: table t's only flow is `next;` */
	__u16 dnat_zone;		/* reg11 on entry (ovnbpfd allocates) */
	__u16 snat_zone;		/* reg12 on entry */
	/* The datapath's stage descriptors in ovn_stage_descs (session 6):
	 * SLOT is dense, allocated by ovnbpfd per local datapath (0: none,
	 * the stages are read from ovn_stages); SEL says which of the two
	 * copies is active.  Changed in one update of this entry, so a
	 * packet sees every stage of the datapath old or every one new. */
	__u16 slot;
	__u8 sel;
	__u8 pad2[5];
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_dp) == 24, "ovn_dp is ABI");

/* ovn_stages key and value.
 *
 * A stage whose flows need more than OVN_STAGE_MAX_SUB masks lists the
 * rest in continuation entries of the same map: key.cont = the `next`
 * of the entry before (0 = the stage's head entry).  The walk goes on in
 * the continuation where an entry's list ends, so the whole chain is one
 * list in decreasing max priority.  A continuation is written once under
 * a key no packet can reach yet and never rewritten: a changed chain is
 * written under fresh keys and takes effect with the one update of the
 * head that points at it; the old keys are deleted after a grace period
 * (maps/ovnbpf_maps.c stage_flush).  Added in session 5; an entry
 * written before has next = 0. */
struct ovn_stage_key {
	__u32 dp;			/* datapath tunnel key, host order */
	__u8 pipeline;			/* enum ovn_pipeline */
	__u8 table;
	__u16 cont;			/* 0: head, else a continuation */
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_stage_key) == 8, "ovn_stage_key is ABI");

struct ovn_stage {
	__u32 n_sub;			/* in this entry, <= OVN_STAGE_MAX_SUB */
	__u16 next;			/* key.cont of the continuation, 0: none */
	__u16 pad;
	/* Subtables in decreasing order of max priority; the classifier
	 * stops at the first one whose max priority is below the best match
	 * found so far. */
	struct ovn_stage_copy sub;
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_stage) == 8 + 8 * OVN_STAGE_MAX_SUB, "ovn_stage is ABI");

/* ovn_stage_descs: the stages of local datapaths in an array (session
 * 6), so that entering a stage costs an array lookup instead of an
 * ovn_stages hash lookup.  Index:
 *
 *   ((slot * 2 + sel) * OVN_DESC_PER_DP) + OVN_DESC_OFF(pipeline, table)
 *
 * with slot and sel from the datapath's ovn_dp.  Array entries are
 * updated in place (no atomic replace as in a hash), so each datapath has
 * two copies: ovnbpfd writes the inactive one, then flips ovn_dp.sel; it
 * writes a copy again only a grace period after the flip that retired it.
 *
 * A descriptor lists up to OVN_DESC_SUB subtables (most stages have a
 * few).  A stage with more is marked OVN_DESC_F_LONG and read from
 * ovn_stages as before (chained entries included).  ovn_stages stays
 * written for every stage: it is what a restarted ovnbpfd adopts.
 *
 * The catch-all: when a stage's only flows without a match are at
 * priority 0 with no set test (`1 -> next;` ends most stages), their
 * cells are copied into CA and the all-wildcard subtable is left off the
 * list: a packet that matched nothing else takes the visible CA cell
 * without an ovn_cls lookup.  The cells stay in ovn_cls too (the
 * ovn_stages path and adoption read them there).  Two cells: an old and
 * a new flow across one version flip. */
#define OVN_DESC_SUB		8
#define OVN_DESC_CA		2
#define OVN_DESC_PER_DP		64
/* ingress tables 0-31, egress 32-47, helper 48-63 */
#define OVN_DESC_OFF(pl, t) \
	((pl) == OVN_PIPE_INGRESS ? ((t) & 31) : \
	 (pl) == OVN_PIPE_EGRESS ? 32 + ((t) & 15) : 48 + ((t) & 15))
#define OVN_DESC_FITS(pl, t) \
	((pl) == OVN_PIPE_INGRESS ? (t) < 32 : (pl) < OVN_PIPE_MAX && (t) < 16)
#ifndef OVN_MAX_DP_SLOTS
#define OVN_MAX_DP_SLOTS	256
#endif
#define OVN_MAX_DESCS		(OVN_MAX_DP_SLOTS * 2 * OVN_DESC_PER_DP)

enum ovn_desc_flag {
	OVN_DESC_F_LONG = 1 << 0,	/* read the stage from ovn_stages */
};

/* A subtable masks up to OVN_CLS_WORDS 32-bit words of the context. */
#define OVN_CLS_WORDS		14

struct ovn_subtable {
	__u8 word[OVN_CLS_WORDS];	/* context word index (byte offset / 4) */
	__u16 n_words;
	__be32 mask[OVN_CLS_WORDS];	/* mask applied to that word */
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_subtable) == 72, "ovn_subtable is ABI");

/* ovn_cls key: the subtable, the masked words, and a slot number: a key
 * holding more flows than fit in one value continues in slot + 1. */
struct ovn_cls_key {
	__u32 sub_id;
	__u32 slot;
	__be32 w[OVN_CLS_WORDS];
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_cls_key) == 64, "ovn_cls_key is ABI");

#define OVN_CLS_CELLS		6

/* Per-flow parameter bytes of a cell (session 4, wave 2).  Flows of a
 * family that differ only in the constants of their assignments (northd's
 * per-port `eth.dst == MAC -> outport = "P"; output;` in ls_in_l2_lkup,
 * the ARP responder's `eth.src = MAC; ... arp.spa = IP; ...`) share one
 * program and one record: the writer turns such an assignment into
 * OVN_OP_SET_PARAM and stores the constant here (maps/flow_param.c).  The
 * winning cell's bytes are copied to ovn_exec.best_param at match time. */
#define OVN_CLS_PARAM_BYTES	12

/* One flow in a classifier value.  prio < 0 marks a free cell.
 *
 * FLOW names the writer flow (one per compiled conjunction of a logical
 * flow): traces, punt events and per-flow state report it.  REC is the
 * ovn_flows record the packet runs: flows of a stage with the same
 * program and set tests (a logical flow per port that differs only in its
 * match constants, e.g. `next;` or a port-group ACL per port) share one
 * record, so a port costs its classifier cells, not a record each.
 * (Session 4; before, the cell's flow was also its record.) */
struct ovn_cls_cell {
	__s32 prio;
	__u32 flow;			/* writer flow id */
	__u32 add_ver;
	__u32 rm_ver;
	__u32 rec;			/* index into ovn_flows | OVN_CLS_RES_* */
	__u8 param[OVN_CLS_PARAM_BYTES];	/* read by OVN_OP_SET_PARAM */
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_cls_cell) == 32, "ovn_cls_cell is ABI");

struct ovn_stage_desc {
	__u8 n_sub;			/* <= OVN_DESC_SUB */
	__u8 n_ca;			/* <= OVN_DESC_CA */
	__u8 flags;			/* enum ovn_desc_flag */
	__u8 pad[5];
	struct ovn_cls_cell ca[OVN_DESC_CA];
	__u32 sub_id[OVN_DESC_SUB];	/* decreasing max priority */
	__s32 sub_max_prio[OVN_DESC_SUB];
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_stage_desc) == 8 + 32 * OVN_DESC_CA + 8 * OVN_DESC_SUB,
		       "ovn_stage_desc is ABI");

/* Residual port test of a cell (session 6).  A flow whose match is a
 * subtable's mask plus one whole port word (`inport == P && arp.tpa == IP
 * && arp.op == 1`, next to `arp.tpa == IP && arp.op == 1` in the same
 * stage) may sit in that subtable's key as a cell that also requires the
 * packet's port word to equal the cell's param word OVN_CLS_RES_WORD():
 * one ovn_cls entry and one subtable probe for both flows instead of two.
 * The writer puts a residual cell only in a key with room (fewer than
 * OVN_CLS_CELLS cells) and only in a param word its program does not read.
 * The high byte of `rec` says which port word; 0 = no residual test (all
 * cells written before). */
#define OVN_CLS_REC_MASK	0x00ffffffu
#define OVN_CLS_RES_INPORT	(1u << 24)	/* ctx inport word == param word */
#define OVN_CLS_RES_OUTPORT	(2u << 24)	/* ctx outport word == param word */
#define OVN_CLS_RES_PORT	(3u << 24)
#define OVN_CLS_RES_WORD_SHIFT	26		/* param word index, 0..2 */
#define OVN_CLS_RES_WORD(rec)	(((rec) >> OVN_CLS_RES_WORD_SHIFT) & 3)

struct ovn_cls_val {
	__u32 more;			/* slot + 1 exists */
	__u32 pad;
	struct ovn_cls_cell cell[OVN_CLS_CELLS];
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_cls_val) == 8 + 32 * OVN_CLS_CELLS, "ovn_cls_val is ABI");

/* Set membership test of a flow: the bytes [off, off + len) of the
 * context (len <= 16) are looked up in set `set_id`.
 *
 * Per-port sets (OVN_SET_T_BY_INPORT/OUTPORT): the set looked up is
 * set_id + (logical inport/outport & OVN_SET_PORT_MASK), i.e. set_id is the
 * base of a block of OVN_SET_PORT_MASK + 1 sets, one per port key.  Port
 * security uses it: "eth.src is one of inport's allowed MACs" is one set
 * member per address instead of classifier flows per port.  Added in
 * session 3; old flows (flags without these bits) are unchanged.  Since
 * session 5 (OVN_SET_T_PORT_REC) those members live in the port's record
 * in ovn_ports and the set block holds only what spilled. */
enum ovn_set_test_flag {
	OVN_SET_T_USED = 1 << 0,
	OVN_SET_T_NEGATE = 1 << 1,	/* field != $set */
	OVN_SET_T_LPM = 1 << 2,		/* also try CIDR members (IP sets) */
	OVN_SET_T_BY_INPORT = 1 << 3,	/* set_id + inport's key */
	OVN_SET_T_BY_OUTPORT = 1 << 4,	/* set_id + outport's key */
	/* Ask the port's record first (maps/ports.h, session 5): with
	 * BY_INPORT/OUTPORT the value is looked up among that port's ADDR
	 * members; without, the test is on a port key (inport/outport,
	 * len 4) and asks whether that port's record has GROUP set_id.  The
	 * set maps answer only when the record does not (OVN_PORT_F_SPILL). */
	OVN_SET_T_PORT_REC = 1 << 5,
};

#define OVN_SET_PORT_MASK	0xffffu

struct ovn_set_test {
	__u32 set_id;
	__u16 off;
	__u8 len;
	__u8 flags;			/* enum ovn_set_test_flag */
};

#define OVN_FLOW_SETS		4

/* ovn_flows value, index = record id (ovn_cls_cell.rec).  Written once
 * before the first cell naming it becomes visible; never rewritten while a
 * visible cell names it. */
struct ovn_flow {
	__u32 prog;			/* index into ovn_progs */
	__u32 stage_idx;		/* OVN_STAGE_IDX, for counters/traces */
	struct ovn_set_test set[OVN_FLOW_SETS];
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_flow) == 40, "ovn_flow is ABI");

/* Set member keys.  Exact members live in the hash, CIDR members of IP
 * sets in the LPM trie; both carry the value's length so that an IPv4 and
 * an IPv6 member of the same set never collide. */
struct ovn_set_key {
	__u32 set_id;
	__u8 len;
	__u8 pad[3];
	__u8 v[16];
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_set_key) == 24, "ovn_set_key is ABI");

struct ovn_set_lpm_key {
	__u32 prefixlen;		/* 40 + prefix length of v */
	__be32 set_id;
	__u8 len;
	__u8 v[16];
	__u8 pad[3];
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_set_lpm_key) == 28, "ovn_set_lpm_key is ABI");
#define OVN_SET_LPM_HDR_BITS	40

struct ovn_set_member {
	__u32 add_ver;
	__u32 rm_ver;
};

#define OVN_VER_INF		0xffffffffu

#ifndef OVN_MAX_DPS
#define OVN_MAX_DPS		4096
#endif
#ifndef OVN_MAX_STAGES
#define OVN_MAX_STAGES		(OVN_MAX_DPS * 16)
#endif
/* Entries of one stage's chain: a stage takes at most this many times
 * OVN_STAGE_MAX_SUB masks (a miss walks them all, one bpf_loop step
 * each: the bound keeps a packet within OVN_MAX_STEPS). */
#ifndef OVN_STAGE_MAX_CHAIN
#define OVN_STAGE_MAX_CHAIN	32
#endif
#define OVN_STAGE_MAX_MASKS	(OVN_STAGE_MAX_SUB * OVN_STAGE_MAX_CHAIN)

#ifndef OVN_MAX_SUBTABLES
#define OVN_MAX_SUBTABLES	16384
#endif
#ifndef OVN_MAX_CLS
#define OVN_MAX_CLS		262144
#endif
#ifndef OVN_MAX_FLOWS
#define OVN_MAX_FLOWS		131072
#endif
__OVNBPF_STATIC_ASSERT(OVN_MAX_FLOWS <= OVN_CLS_REC_MASK, "record ids fit below OVN_CLS_RES_*");
#ifndef OVN_MAX_SET_MEMBERS
#define OVN_MAX_SET_MEMBERS	262144
#endif

#endif /* __OVNBPF_MAPS_PIPELINE_H */
