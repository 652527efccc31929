/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Compiled OVN actions: a program is a short list of ops run by a bounded
 * interpreter (bpf/lib/actions.h).  ovn_progs[id] holds one program; the
 * compiler writes it once, before any flow refers to it.
 *
 * Offsets are context byte offsets (maps/context.h); every op touches only
 * [0, OVN_CTX_FIELDS_END).
 */
#ifndef __OVNBPF_MAPS_ACTIONS_H
#define __OVNBPF_MAPS_ACTIONS_H

#include "maps/abi.h"

enum ovn_opcode {
	/* End of the program.  OVN drops a packet whose actions end without
	 * next/output; inside a helper call it returns to the caller. */
	OVN_OP_END = 0,
	/* next(pipeline=P, table=T): go to stage T of pipeline P. */
	OVN_OP_NEXT = 1,
	/* ctx[dst .. dst+n) = (ctx & ~mask) | (value & mask); n <= 16. */
	OVN_OP_SET = 2,
	/* ctx[dst .. dst+n) = ctx[src .. src+n); byte-aligned move. */
	OVN_OP_MOVE = 3,
	/* swap ctx[dst .. dst+n) and ctx[src .. src+n). */
	OVN_OP_XCHG = 4,
	/* Bit-level move for subfields: take n bits at bit src_shift of the
	 * big-endian container of src_len bytes at src, store them at bit
	 * dst_shift of the container of dst_len bytes at dst (lens 1..8). */
	OVN_OP_MOVE_BITS = 5,
	/* output: ingress -> egress of outport (multicast groups fan out,
	 * output to inport is skipped unless flags.loopback); egress ->
	 * deliver to outport. */
	OVN_OP_OUTPUT = 6,
	/* drop; */
	OVN_OP_DROP = 7,
	/* ip.ttl--: drop when it would reach 0. */
	OVN_OP_DEC_TTL = 8,
	/* Run helper table `table` of the helper pipeline, then go on with
	 * the next op (used for check_in/out_port_sec, get_arp, ...). */
	OVN_OP_CALL = 9,
	/* arp { ... }: turn the IPv4 packet into an ARP request (OVN's
	 * defaults); the ops that follow are the nested actions. */
	OVN_OP_ARP = 10,
	/* nd_na { ... } / nd_na_router { ... } (arg = 1): turn an NS into an
	 * NA (OVN's defaults); the ops that follow are the nested actions. */
	OVN_OP_ND_NA = 11,
	/* Send the packet to ovnbpfd over the ovn_punt ring buffer (arg =
	 * the daemon's opcode, meter = meter id, 0 = default), and stop --
	 * unless n has OVN_PUNT_F_CONTINUE: OVN's non-pausing controller
	 * actions (log, put_arp, put_nd, put_fdb, trigger_event) send a copy
	 * and the pipeline goes on with the next op. */
	OVN_OP_PUNT = 12,
	/* Continue with op 0 of program `arg` (long action lists are split
	 * into chained programs by the writer). */
	OVN_OP_GOTO = 13,
	/* clone { ... }: the ops up to the matching CLONE_END run on a copy
	 * of the packet and its logical state; when the copy is done
	 * (delivered, dropped, or its ops end), the original goes on after
	 * CLONE_END with its state as it was (bpf/lib/clone.h). */
	OVN_OP_CLONE = 14,
	OVN_OP_CLONE_END = 15,
	/* Packet generators (bpf/lib/pktgen.h): the packet is replaced by
	 * the one OVN's pinctrl would make, and the ops that follow are the
	 * nested actions.  arg = OVN_PKTGEN_F_* flags. */
	/* icmp4 {} / icmp6 {} / icmp4_error {} / icmp6_error {}: ICMP
	 * destination unreachable quoting the packet (family of the packet). */
	OVN_OP_ICMP = 16,
	/* tcp_reset {}: RST|ACK answering a TCP segment. */
	OVN_OP_TCP_RESET = 17,
	/* reject {}: tcp_reset, sctp_abort or an ICMP error, with addresses
	 * swapped. */
	OVN_OP_REJECT = 18,
	/* nd_ns {}: neighbour solicitation for ip6.dst (frame rebuilt at
	 * output, as arp {}). */
	OVN_OP_ND_NS = 19,
	/* icmp4.frag_mtu = arg (n = 4) / icmp6.frag_mtu = arg (n = 6). */
	OVN_OP_ICMP_FRAG_MTU = 20,
	/* sctp_abort {}: ABORT answering an SCTP packet. */
	OVN_OP_SCTP_ABORT = 21,
	/* Logical router helpers (maps/router.h, bpf/lib/mac_binding.h,
	 * bpf/lib/select.h): get_arp/get_nd, lookup_arp/lookup_nd[_ip],
	 * select(). */
	OVN_OP_GET_MAC = 24,
	OVN_OP_LOOKUP_MAC = 25,
	OVN_OP_SELECT = 26,
	/* ECMP symmetric reply (maps/ecmp_nh.h, bpf/lib/ecmp_nh.h):
	 * R = chk_ecmp_nh() / chk_ecmp_nh_mac(), commit_ecmp_nh(). */
	OVN_OP_CHK_ECMP_NH = 27,
	OVN_OP_COMMIT_ECMP_NH = 28,
	/* As SET, with value[0 .. n) = the parameter bytes [src, src + n) of
	 * the flow's classifier cell (maps/pipeline.h OVN_CLS_PARAM_BYTES).
	 * Written by the writer (maps/flow_param.c) only before the first op
	 * that may classify again (CALL, OUTPUT, CLONE, PUNT, ...). */
	OVN_OP_SET_PARAM = 36,
	/* QoS (maps/qos.h, bpf/lib/qos.h): set_meter(): arg = meter id in
	 * ovn_qos_meters; a packet over the rate is dropped
	 * (DROP_QOS_METER), one within it goes on with the next op. */
	OVN_OP_SET_METER = 48,
	/* set_queue(N): skb->priority = OVN_QOS_QUEUE_PRIO(arg). */
	OVN_OP_SET_QUEUE = 49,
	/* Conntrack (bpf/lib/ct.h).  src = context offset of the zone
	 * register (OVN_OFF_CT_ZONE/DNAT_ZONE/SNAT_ZONE).
	 * CT_UNSUPPORTED (arg = enum action_type of the loader): a ct verb
	 * not implemented yet, dropped as DROP_CT_UNSUPPORTED. */
	OVN_OP_CT_FIRST = 64,
	OVN_OP_CT_UNSUPPORTED = 64,
	/* ct_next: look the packet up in zone ctx[src], set ct_state,
	 * ct_mark, ct_label, then go to stage (pipeline, table). */
	OVN_OP_CT_NEXT = 65,
	/* ct_commit { ... }: stash the packet's ct_mark/ct_label and load the
	 * connection's (0 for a new one); the nested assignments that follow
	 * edit them; CT_COMMIT with n = 1 commits them and restores. */
	OVN_OP_CT_COMMIT_BEGIN = 66,
	/* ct_commit: create or refresh the connection in zone ctx[src];
	 * n = 1: with ct_mark/ct_label from the context (after BEGIN). */
	OVN_OP_CT_COMMIT = 67,
	/* ct_clear: ct_state, ct_mark, ct_label = 0. */
	OVN_OP_CT_CLEAR = 68,
	/* NAT (bpf/lib/nat.h): ct_dnat/ct_snat[_in_czone] (with or without
	 * an address), ct_commit_nat.  Looks the packet up as ct_next does,
	 * applies the connection's NAT (a new connection: commits it with
	 * value[16] = address, n & OVN_NAT_F_*), then goes to stage
	 * (pipeline, table).  arg = address family (4/6, 0 = none);
	 * mask[0..1]/[2..3] = port range low/high, big-endian. */
	OVN_OP_CT_NAT = 69,
	/* ct_lb_mark / ct_lb (bpf/lib/lb.h): arg = number of backends; the
	 * arg ops that follow are OVN_OP_LB_BACKEND data (never run: CT_LB
	 * goes to stage (pipeline, table)).  value[0] = OVN_LB_H_* hash
	 * fields (0 = 5-tuple), n = bits set with natted (skip/force_snat),
	 * in ct_mark, or in ct_label with OVN_CT_LB_LEGACY (ct_lb). */
	OVN_OP_CT_LB = 70,
	/* A backend of the CT_LB before it: n = family, value = address,
	 * mask[0..1] = port (big-endian, 0 = keep). */
	OVN_OP_LB_BACKEND = 71,
	/* R = chk_lb_hairpin() (n = 0) / chk_lb_hairpin_reply() (n = 1):
	 * flags bit OVN_MLF_LOOKUP_LB_HAIRPIN := the result (a MOVE_BITS
	 * to R follows).  Then the next op. */
	OVN_OP_CHK_LB_HAIRPIN = 72,
	/* ct_snat_to_vip (bpf/lib/lb_hairpin.h): SNAT the hairpinned packet
	 * to its VIP (or the LB's hairpin_snat_ip) in zone ctx[src] (the SNAT
	 * zone), committing it; the packet's ct fields stay as they were
	 * (no recirculation).  Then the next op. */
	OVN_OP_CT_SNAT_TO_VIP = 73,
	/* Session affinity (maps/lb_aff.h, bpf/lib/lb_aff.h); neither goes
	 * to another stage.
	 * R = chk_lb_aff(): R is the bit dst_shift of the dst_len-byte
	 * big-endian container at dst; a hit loads the backend registers. */
	OVN_OP_CHK_LB_AFF = 80,
	/* commit_lb_aff(): n = family (4/6), value = VIP, mask = backend,
	 * src = VIP port, meter = backend port (host order, 0 = none),
	 * pipeline = IP protocol (0 with no port), arg = timeout in seconds,
	 * dst = context offset the backend IP is loaded at by a hit. */
	OVN_OP_COMMIT_LB_AFF = 81,
	OVN_OP_CT_LAST = 95,
	OVN_OP_MAX = 128,
};

/* ovn_op.n of OVN_OP_CT_NAT. */
#define OVN_NAT_F_DST		1	/* ct_dnat */
#define OVN_NAT_F_SRC		2	/* ct_snat */
#define OVN_NAT_F_COMMIT	4	/* commit a new connection */
#define OVN_NAT_F_PORTS		8	/* mask[] holds a port range */

/* ovn_op.value[0] of OVN_OP_CT_LB: hash_fields. */
#define OVN_LB_H_SRC		1	/* ip_src / ipv6_src */
#define OVN_LB_H_DST		2
#define OVN_LB_H_SPORT		4	/* tp_src, tcp_src, udp_src, sctp_src */
#define OVN_LB_H_DPORT		8
#define OVN_LB_H_PROTO		16	/* nw_proto */

/* ct_mark bits of OVN 23.03 (northd's ct_mark.natted, .skip_snat ...). */
#define OVN_CT_MARK_NATTED	0x2
#define OVN_CT_MARK_SKIP_SNAT	0x4
#define OVN_CT_MARK_FORCE_SNAT	0x8
/* OVN_OP_CT_LB n: the legacy ct_lb (northd's output when a chassis lacks
 * the ct_lb_mark feature) keeps the bits above in ct_label, not ct_mark. */
#define OVN_CT_LB_LEGACY	0x80

/* ovn_op.n of OVN_OP_PUNT. */
#define OVN_PUNT_F_CONTINUE	1
/* A pausing action that ovnbpfd answers and resumes after (the next op
 * sets its result bit): a trace goes on there at once with the packet
 * unchanged, as ovn-trace assumes the answer (bpf/lib/trace.h). */
#define OVN_PUNT_F_RESUMES	2

/* ovn_op.arg of OVN_OP_ICMP / OVN_OP_TCP_RESET. */
#define OVN_PKTGEN_F_UDP_CODE	1	/* port unreachable for UDP (icmp4/6, reject) */
#define OVN_PKTGEN_F_LOOPBACK	2	/* swap eth and IP addresses (reject) */

struct ovn_op {
	__u8 code;		/* enum ovn_opcode */
	__u8 n;			/* bytes (SET/MOVE/XCHG), bits (MOVE_BITS) */
	__u8 src_shift;
	__u8 dst_shift;
	__u16 dst;
	__u16 src;
	__u8 src_len;
	__u8 dst_len;
	__u8 pipeline;		/* NEXT */
	__u8 table;		/* NEXT, CALL */
	__u16 meter;		/* PUNT meter id */
	__u16 pad;
	__u32 arg;		/* PUNT opcode, ND_NA router flag, GOTO program */
	__u8 value[16];
	__u8 mask[16];
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_op) == 52, "ovn_op is ABI");

#define OVN_PROG_MAX_OPS	16

struct ovn_prog {
	__u32 n_ops;
	__u32 pad;
	struct ovn_op op[OVN_PROG_MAX_OPS];
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_prog) == 8 + 52 * OVN_PROG_MAX_OPS, "ovn_prog is ABI");

#ifndef OVN_MAX_PROGS
#define OVN_MAX_PROGS		16384
#endif

#endif /* __OVNBPF_MAPS_ACTIONS_H */
