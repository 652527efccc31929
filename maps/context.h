/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The per-packet context: every field an OVN match or action can name has
 * one place here, at a fixed byte offset.  Matches are compiled into masks
 * over these bytes; assignments into (offset, value, mask) writes.
 *
 * Byte order: every field is stored big-endian (network order), registers
 * included, so OVN's overlapping registers come for free: xxreg0 is the 16
 * bytes reg0..reg3 with reg0 most significant, exactly as OVN defines it.
 * Bit n of a field of W bytes at offset O is bit (n % 8) of byte
 * O + W - 1 - n / 8.  A subfield f[lo..hi] is therefore a mask over f's
 * bytes; the compiler never needs anything but (offset, width) per field.
 *
 * Field -> (offset, width in bytes[, bits used]) -- the compiler's table:
 *
 *   metadata (datapath tunnel key)   0  4      inport   (reg14)      4  4
 *   outport  (reg15)                 8  4      flags    (reg10)     12  4
 *   reg0..reg9 (32 bits each)   16+4*i  4      xreg0..4       16+8*i  8
 *   xxreg0                          16 16      xxreg1               32 16
 *   ct zone (reg13)                 56  4      dnat/snat zone (reg11/12) 60/64
 *   ct_state                        68  4 (bits: OVN_CS_*)
 *   ct_mark                         72  4      ct_label            76 16
 *   pkt.mark                        92  4      push/pop stack      96 32
 *   eth.dst                        128  6      eth.src            134  6
 *   eth.type                       140  2      vlan.tci           142  2
 *     vlan.vid = vlan.tci[0..11], vlan.pcp = vlan.tci[13..15],
 *     vlan.present = vlan.tci[12] (set when the frame carried a tag)
 *   ip.proto                       144  1      ip.tos (dscp<<2|ecn) 145 1
 *     ip.dscp = tos[2..7], ip.ecn = tos[0..1]
 *   ip.ttl (ip6 hop limit)         146  1      ip.frag            147  1
 *     ip.is_frag = frag[0], ip.later_frag = frag[1]
 *   ip6.label                      148  4 (low 20 bits)
 *   ip4.src                        152  4      ip4.dst            156  4
 *   ip6.src                        160 16      ip6.dst            176 16
 *   tcp/udp/sctp .src              192  2      .dst               194  2
 *   tcp.flags                      196  2 (low 12 bits)
 *   icmp4/icmp6 .type              198  1      .code              199  1
 *   arp.op                         200  2      arp.sha            202  6
 *   arp.spa                        208  4      arp.tpa            212  4
 *   arp.tha                        216  6      nd.sll             222  6
 *   nd.tll                         228  6      nd.target          236 16
 *   (rarp.* are the arp.* locations; predicates such as eth.mcast or
 *   ip4.mcast expand to masks on the fields above; icmp4/icmp6.frag_mtu are
 *   action-only and handled by the punt path.)
 *
 * Flag bits (OVN's MLF_*, bit n of the big-endian flags word) are listed in
 * enum ovn_mlf_bit.  ct_state bits follow OVS: enum ovn_cs_bit.
 *
 * A packet that does not carry a protocol has its fields zero, and the
 * compiler always adds OVN's prerequisites (eth.type, ip.proto, ...), so a
 * zero never matches as a real value of an absent header.
 */
#ifndef __OVNBPF_MAPS_CONTEXT_H
#define __OVNBPF_MAPS_CONTEXT_H

#include "maps/abi.h"
#include "maps/cache.h"
#include "maps/ct.h"
#include "maps/frag.h"

/* offsetof that is an integer constant expression in BPF C too. */
#define __ovn_offsetof(t, m) __builtin_offsetof(t, m)

#define OVN_N_REGS		10

/* Byte offsets (the compiler's field table, see above). */
#define OVN_OFF_METADATA	0
#define OVN_OFF_INPORT		4
#define OVN_OFF_OUTPORT		8
#define OVN_OFF_FLAGS		12
#define OVN_OFF_REG(i)		(16 + 4 * (i))
#define OVN_OFF_XREG(i)		(16 + 8 * (i))
#define OVN_OFF_XXREG(i)	(16 + 16 * (i))
#define OVN_OFF_CT_ZONE		56
#define OVN_OFF_DNAT_ZONE	60
#define OVN_OFF_SNAT_ZONE	64
#define OVN_OFF_CT_STATE	68
#define OVN_OFF_CT_MARK		72
#define OVN_OFF_CT_LABEL	76
#define OVN_OFF_PKT_MARK	92
#define OVN_OFF_STACK		96	/* push/pop, OVN_STACK_BYTES */
#define OVN_STACK_BYTES		32
#define OVN_OFF_KEY		128
#define OVN_OFF_ETH_DST		128
#define OVN_OFF_ETH_SRC		134
#define OVN_OFF_ETH_TYPE	140
#define OVN_OFF_VLAN_TCI	142
#define OVN_OFF_IP_PROTO	144
#define OVN_OFF_IP_TOS		145
#define OVN_OFF_IP_TTL		146
#define OVN_OFF_IP_FRAG		147
#define OVN_OFF_IP6_LABEL	148
#define OVN_OFF_IP4_SRC		152
#define OVN_OFF_IP4_DST		156
#define OVN_OFF_IP6_SRC		160
#define OVN_OFF_IP6_DST		176
#define OVN_OFF_TP_SRC		192
#define OVN_OFF_TP_DST		194
#define OVN_OFF_TCP_FLAGS	196
#define OVN_OFF_ICMP_TYPE	198
#define OVN_OFF_ICMP_CODE	199
#define OVN_OFF_ARP_OP		200
#define OVN_OFF_ARP_SHA		202
#define OVN_OFF_ARP_SPA		208
#define OVN_OFF_ARP_TPA		212
#define OVN_OFF_ARP_THA		216
#define OVN_OFF_ND_SLL		222
#define OVN_OFF_ND_TLL		228
#define OVN_OFF_ND_TARGET	236
/* Matches and assignments may only touch [0, OVN_CTX_FIELDS_END). */
#define OVN_CTX_FIELDS_END	256

/* OVN logical flags (MLF_*), bit numbers in the flags word. */
enum ovn_mlf_bit {
	OVN_MLF_LOOPBACK = 0,
	OVN_MLF_RCV_FROM_RAMP = 1,
	OVN_MLF_FORCE_SNAT_FOR_DNAT = 2,
	OVN_MLF_FORCE_SNAT_FOR_LB = 3,
	OVN_MLF_LOCAL_ONLY = 4,
	OVN_MLF_NESTED_CONTAINER = 5,
	OVN_MLF_LOOKUP_MAC = 6,
	OVN_MLF_LOOKUP_LB_HAIRPIN = 7,
	OVN_MLF_LOOKUP_FDB = 8,
	OVN_MLF_SKIP_SNAT_FOR_LB = 9,
	OVN_MLF_LOCALPORT = 10,
	OVN_MLF_USE_SNAT_ZONE = 11,
	OVN_MLF_CHECK_PORT_SEC = 12,
	OVN_MLF_LOOKUP_COMMIT_ECMP_NH = 13,
	OVN_MLF_USE_LB_AFF_SESSION = 14,
};

/* ct_state bits (as OVS: ct.new is ct_state[0] ...). */
enum ovn_cs_bit {
	OVN_CS_NEW = 0,
	OVN_CS_EST = 1,
	OVN_CS_REL = 2,
	OVN_CS_RPL = 3,
	OVN_CS_INV = 4,
	OVN_CS_TRK = 5,
	OVN_CS_SNAT = 6,
	OVN_CS_DNAT = 7,
};

/* Logical metadata: bytes 0..127 of the context. */
struct ovn_md {
	__be32 metadata;	/* datapath tunnel key */
	__be32 inport;		/* reg14 */
	__be32 outport;		/* reg15 */
	__be32 flags;		/* reg10, MLF_* */
	__be32 reg[OVN_N_REGS];	/* reg0..reg9; xreg/xxreg overlay these */
	__be32 ct_zone;		/* reg13 */
	__be32 dnat_zone;	/* reg11 */
	__be32 snat_zone;	/* reg12 */
	__be32 ct_state;
	__be32 ct_mark;
	__u8 ct_label[16];
	__be32 pkt_mark;
	__u8 stack[32];		/* push(f)/pop(f) slots (loader/compile_ecmp.c) */
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_md) == 128, "ovn_md is ABI");

/* The flow key, extracted once per packet: bytes 128..255. */
struct ovn_flow_key {
	__u8 eth_dst[6];
	__u8 eth_src[6];
	__be16 eth_type;
	__be16 vlan_tci;
	__u8 ip_proto;
	__u8 ip_tos;
	__u8 ip_ttl;
	__u8 ip_frag;
	__be32 ip6_label;
	__be32 ip4_src;
	__be32 ip4_dst;
	__u8 ip6_src[16];
	__u8 ip6_dst[16];
	__be16 tp_src;
	__be16 tp_dst;
	__be16 tcp_flags;
	__u8 icmp_type;
	__u8 icmp_code;
	__be16 arp_op;
	__u8 arp_sha[6];
	__be32 arp_spa;
	__be32 arp_tpa;
	__u8 arp_tha[6];
	__u8 nd_sll[6];
	__u8 nd_tll[6];
	__u8 pad0[2];
	__u8 nd_target[16];
	__u8 reserved[4];
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_flow_key) == 128, "ovn_flow_key is ABI");
__OVNBPF_STATIC_ASSERT(__ovn_offsetof(struct ovn_flow_key, nd_target) + OVN_OFF_KEY == OVN_OFF_ND_TARGET,
		       "field table out of date");
__OVNBPF_STATIC_ASSERT(__ovn_offsetof(struct ovn_flow_key, arp_tha) + OVN_OFF_KEY == OVN_OFF_ARP_THA,
		       "field table out of date");
__OVNBPF_STATIC_ASSERT(__ovn_offsetof(struct ovn_flow_key, tp_src) + OVN_OFF_KEY == OVN_OFF_TP_SRC,
		       "field table out of date");
__OVNBPF_STATIC_ASSERT(__ovn_offsetof(struct ovn_md, pkt_mark) == OVN_OFF_PKT_MARK,
		       "field table out of date");
__OVNBPF_STATIC_ASSERT(__ovn_offsetof(struct ovn_md, ct_label) == OVN_OFF_CT_LABEL,
		       "field table out of date");

/* What the parser found, beyond the OVN fields (bpf/lib/parse.h). */
enum ovn_parse_flag {
	OVN_P_VLAN = 1 << 0,
	OVN_P_IP4 = 1 << 1,
	OVN_P_IP6 = 1 << 2,
	OVN_P_ARP = 1 << 3,
	OVN_P_L4 = 1 << 4,	/* TCP/UDP/SCTP/ICMP header present in full */
	OVN_P_ND = 1 << 5,	/* ICMPv6 NS/NA with target */
	OVN_P_LATER_FRAG = 1 << 6,
	OVN_P_FRAG_L4 = 1 << 7,	/* later fragment: L4 fields from its first
				 * fragment (bpf/lib/frag.h) */
};

/* Packet shape after the pipeline: as parsed, or rebuilt by arp {} /
 * nd_na {} / nd_ns {}, or replaced by a generated packet (icmp4 {},
 * tcp_reset {}, reject {} ...: bpf/lib/pktgen.h).  Write-back cannot turn
 * such a frame back into the original: a multicast fan-out or clone that
 * needs the original again keeps a copy first (bpf/lib/pkt_keep.h). */
enum ovn_shape {
	OVN_SHAPE_ASIS = 0,
	OVN_SHAPE_ARP = 1,
	OVN_SHAPE_ND_NA = 2,
	OVN_SHAPE_ND_NS = 3,
	OVN_SHAPE_GEN = 4,
};

/* Execution phases of the stage executor (bpf/lib/pipeline.h). */
enum ovn_phase {
	OVN_PH_STAGE = 0,	/* enter (dp, pipeline, table) */
	OVN_PH_CLASSIFY,	/* probe one subtable */
	OVN_PH_ACTION,		/* run one op */
	OVN_PH_MC_NEXT,		/* next member of a multicast group */
	OVN_PH_DONE,
	OVN_PH_CLONE_END,	/* a clone's copy is done: restore the original */
	OVN_PH_TUNNEL,		/* send to chassis x.tun_chassis (bpf/lib/encap.h) */
};

#define OVN_OUT_LOG		8

/* Executor state: where in which pipeline the packet is.  Lives in the
 * context so that tests and traces can read it after a run. */
struct ovn_exec {
	__u32 version;		/* rule generation read at packet start */
	__u32 dp_key;		/* host order copy of md.metadata */
	__u8 dp_type;		/* enum ovn_dp_type */
	__u8 pipeline;		/* enum ovn_pipeline */
	__u8 table;
	__u8 phase;		/* enum ovn_phase */
	__u8 in_call;		/* running a helper table (check_in_port_sec ...) */
	__u8 in_mc;		/* inside a multicast fan-out (2: a nested one) */
	__u8 shape;		/* enum ovn_shape */
	__u8 pkt_shape;		/* shape of the bytes in the packet now */
	__u8 n_tables[2];	/* of the current datapath: ingress, egress */
	__u8 na_router;		/* nd_na_router: set the R flag */
	__u8 kept;		/* frame kept across a rebuild (bpf/lib/pkt_keep.h) */
	__u32 pass_mask[2];	/* passthrough tables of the current datapath */
	/* classification of the current stage */
	__u32 n_sub;
	__u32 sub_idx;
	__u32 slot;
	__s32 best_prio;
	__u32 best_flow;	/* writer flow id (traces, punts) */
	__u32 best_rec;		/* its ovn_flows record */
	__u8 best_param[16];	/* its cell's parameters (OVN_OP_SET_PARAM), 12 used */
	/* action program being run */
	__u32 prog;
	__u32 pc;
	/* return point of a helper-table call */
	__u8 ret_pipeline;
	__u8 ret_table;
	__u8 loop_skipped;	/* an output to inport was suppressed */
	__u8 parse;		/* enum ovn_parse_flag */
	__u32 ret_prog;
	__u32 ret_pc;
	/* multicast fan-out */
	__u32 mc_group;
	__u32 mc_idx;
	__u32 mc_n;
	__u32 mc_sent;
	__u32 mc_gen;		/* page generation read at the fan-out's start */
	__u32 step0;		/* steps when this packet copy started */
	/* verdict */
	__s32 verdict;		/* TC_ACT_* once decided */
	__u32 drop_reason;
	__u32 steps;
	__u16 l3_off;
	__u16 l4_off;
	__u16 nd_opt_off;	/* offset of the SLL/TLL option, 0 if none */
	__u16 stage_next;	/* continuation of the stage's subtable list */
	__u16 dp_slot;		/* ovn_dp.slot of the current datapath */
	__u8 dp_sel;		/* ovn_dp.sel: its active descriptor copy */
	__u8 pad_desc;
	__u32 desc_idx;		/* the stage's ovn_stage_descs index, 0: none */
	__u32 n_out;		/* deliveries of this packet */
	__u32 out_port[OVN_OUT_LOG];	/* logical port keys delivered to */
	__s32 out_ret[OVN_OUT_LOG];	/* result of the redirect helper */
	__u32 out_ifindex[OVN_OUT_LOG];
	/* Geneve (bpf/lib/encap.h) */
	__u8 from_tunnel;	/* entered from a tunnel, no patch port crossed */
	__u8 tun_mc_snap[2];	/* from_tunnel when fan-out level 1/2 started */
	__u8 tun_pad;
	__u32 tun_chassis;	/* OVN_PH_TUNNEL: ovn_chassis id */
};

#define OVN_STAGE_MAX_SUB	32

/* A copy of the stage's subtable list (maps/pipeline.h ovn_stage). */
struct ovn_stage_copy {
	__u32 sub_id[OVN_STAGE_MAX_SUB];
	__s32 sub_max_prio[OVN_STAGE_MAX_SUB];
};

/* clone { }: what the original packet continues with (bpf/lib/clone.h).
 * Outside the first 512 bytes, so reset by the executor at packet start. */
struct ovn_clone_save {
	__u8 active;		/* a copy is running */
	__u8 skipping;		/* original: skipping the clone's ops */
	__u8 skip_depth;	/* nested CLONE ops seen while skipping */
	__u8 in_mc;		/* the clone started inside a multicast member */
	__u8 dp_type, pipeline, table, shape;
	__u8 n_tables[2], na_router, loop_skipped;
	__u8 resumed;		/* a continuation (maps/resume.h): deliver
				 * with bpf_clone_redirect */
	__u8 dp_sel;
	__u16 dp_slot;
	__u32 dp_key;
	__u32 pass_mask[2];
	__u32 prog, pc;		/* the op after CLONE */
	__u32 mc_group, mc_idx, mc_n, mc_gen;
	struct ovn_md md;
	struct ovn_flow_key key;
};

/* A multicast fan-out set aside while one of its members' packets fans
 * out again: where it was and the state each member starts from. */
struct ovn_mc_save {
	__u32 mc_group, mc_idx, mc_n, mc_gen, mc_sent;
	__u8 snap_shape;
	__u8 kept;		/* outer fan-out's ovn_exec.kept */
	__u8 pad[2];
	struct ovn_md snap_md;
	struct ovn_flow_key snap_key;
};

#define OVN_CTX_MATCH_BYTES	512
#define OVN_CTX_MATCH_WORDS	(OVN_CTX_MATCH_BYTES / 4)

/* The whole per-CPU context (ovn_ctx map, one entry per CPU).  The first
 * 512 bytes are addressable by word index & (OVN_CTX_MATCH_WORDS - 1) so the
 * classifier's masked loads need no further bounds check. */
struct ovn_ctx {
	union {
		struct {
			struct ovn_md md;
			struct ovn_flow_key key;
			struct ovn_exec x;
		};
		__u32 words[OVN_CTX_MATCH_WORDS];
		__u8 bytes[OVN_CTX_MATCH_BYTES];
	};
	struct ovn_stage_copy stage;
	/* The header fields as they are in the packet right now: write-back
	 * stores only what differs from this, then updates it. */
	struct ovn_flow_key pkt;
	/* The ingress state at `output` to a multicast group: each member's
	 * egress starts from it. */
	struct ovn_md snap_md;
	struct ovn_flow_key snap_key;
	__u8 snap_shape;
	__u8 pad2[7];
	/* The outer fan-out while a member's packet fans out again
	 * (c->x.in_mc == 2, bpf/lib/output.h ovn_mc_push()). */
	struct ovn_mc_save mc_outer;
	/* Scratch buffers of the executor (the BPF stack is too small):
	 * classifier key, header images for write-back. */
	__u8 cls_key[64];
	__u8 scratch_a[96];
	__u8 scratch_b[64];
	struct ovn_clone_save clone;
	/* What this packet's pipeline run did, for the cache (maps/cache.h). */
	struct ovn_cache_rec cache;
	/* Conntrack ops' tuples and ct_commit { } stash (bpf/lib/ct.h). */
	struct ovn_ct_scratch ct;
	/* IP fragment of the packet (bpf/lib/frag.h). */
	struct ovn_frag_scratch frag;
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_flow_key) == OVN_CACHE_FLOW_KEY, "cache key out of date");
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_md) + sizeof(struct ovn_flow_key) +
		       sizeof(struct ovn_exec) <= OVN_CTX_MATCH_BYTES, "exec state too big");

#endif /* __OVNBPF_MAPS_CONTEXT_H */
