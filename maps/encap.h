/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Geneve tunnels between chassis, as ovn-controller speaks them, so that
 * ovnbpf nodes and ovn-controller nodes interoperate:
 *
 *   VNI          the logical datapath's tunnel key (24 bits);
 *   one option   class 0x0102 (OVN), type 0x80 (critical bit set), 4 bytes
 *                of data: bit 31 reserved (0), bits 30..16 the logical
 *                ingress port key (15 bits), bits 15..0 the logical egress
 *                port key (a unicast port, or a multicast group key).
 *
 * The sending chassis runs the ingress pipeline and tunnels the packet to
 * the chassis of outport; the receiving chassis runs the egress pipeline
 * of outport there (for a multicast group: of its local members only;
 * such a packet is never tunnelled again).  Logical flags and registers do
 * not cross: the receiver starts with them clear (flags.loopback
 * included).
 *
 * ovn_chassis: a small chassis id -> endpoint map, so that a remote port's
 * ovn_ports entry only carries the id (ovn_port.chassis).  Id 0 is this
 * chassis: its ifindex is the Geneve device (external / collect-metadata
 * mode) that tunnelled packets are redirected to and whose tc ingress runs
 * ovnbpf_from_tunnel.  Written by ovnbpfd (loader/encaps.c,
 * loader/tunnel.c); the chassis name and SB row UUID are there for traces
 * and for a restarted daemon to keep the same ids.
 */
#ifndef __OVNBPF_MAPS_ENCAP_H
#define __OVNBPF_MAPS_ENCAP_H

#include "maps/abi.h"

#define OVN_GENEVE_CLASS	0x0102
#define OVN_GENEVE_TYPE		0x80
#define OVN_GENEVE_LEN		4	/* option data bytes */
#define OVN_GENEVE_PORT		6081	/* IANA; Encap options:dst_port overrides */

/* The option value (host order) for INPORT -> OUTPORT, and back. */
#define OVN_GENEVE_OPT_VAL(in, out)	((((in) & 0x7fffu) << 16) | ((out) & 0xffffu))
#define OVN_GENEVE_OPT_IN(v)		(((v) >> 16) & 0x7fffu)
#define OVN_GENEVE_OPT_OUT(v)		((v) & 0xffffu)

/* Largest option block a Geneve header can carry (6-bit length in 4-byte
 * words): what the receiver reads to find OVN's option among others. */
#define OVN_GENEVE_OPTS_MAX	252

/* One Geneve option TLV as on the wire (and as bpf_skb_get/set_tunnel_opt
 * see it). */
struct ovn_geneve_opt {
	__be16 opt_class;
	__u8 type;
	__u8 len;		/* low 5 bits: data length in 4-byte words */
	__be32 data;
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_geneve_opt) == 8, "ovn_geneve_opt is wire format");

/* ovn_chassis value. */
struct ovn_chassis_ep {
	__u32 ifindex;		/* id 0: the Geneve device; else 0 */
	__u8 af;		/* 4 or 6: endpoint below; 0: none known (drop) */
	__u8 pad;
	__u16 dst_port;		/* the Encap's UDP port (informational) */
	__be32 ip4;
	__u8 ip6[16];
	__u8 uuid[16];		/* SB Chassis row */
	char name[64];		/* SB Chassis name, NUL-terminated */
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_chassis_ep) == 108, "ovn_chassis_ep is ABI");

#define OVN_CHASSIS_LOCAL	0
#ifndef OVN_MAX_CHASSIS
#define OVN_MAX_CHASSIS		4096
#endif

/* A multicast group member (ovn_mcpage.port[]) with this bit is not a
 * port: it is "one copy to chassis id (value & OVN_MC_CHASSIS_MASK)",
 * written once per remote chassis that has members of the group
 * (loader/compile_sb.c).  The fan-out tunnels one copy there with the
 * group as outport; the ports themselves are skipped. */
#define OVN_MC_CHASSIS		0x80000000u
#define OVN_MC_CHASSIS_MASK	0x0000ffffu

#endif /* __OVNBPF_MAPS_ENCAP_H */
