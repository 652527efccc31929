/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Logical router helpers of the datapath: the neighbour table that
 * get_arp/get_nd and lookup_arp/lookup_nd[_ip] read, and the layout of the
 * select() op (Kube-OVN `hash` ECMP, bpf/lib/select.h).
 *
 * The neighbour table mirrors SB MAC_Binding and Static_MAC_Binding of
 * the local datapaths, keyed as ovn-controller keys its tables 66/67: the
 * logical port's datapath and tunnel key and the IP.  When a dynamic and a
 * static binding exist for one key, ovnbpfd writes the winner (static with
 * override_dynamic_mac, else dynamic, else static), so the datapath needs
 * one lookup.
 */
#ifndef __OVNBPF_MAPS_ROUTER_H
#define __OVNBPF_MAPS_ROUTER_H

#include "maps/abi.h"

/* ovn_mac_bind key: (datapath, port, IP).  An IPv4 address is stored in
 * ip[0..3] with len 4, the rest zero. */
struct ovn_mac_bind_key {
	__u32 dp;		/* datapath tunnel key, host order */
	__u32 port;		/* logical port tunnel key, host order */
	__u8 ip[16];		/* as in the context: big-endian */
	__u8 len;		/* 4 or 16 */
	__u8 pad[3];
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_mac_bind_key) == 28, "ovn_mac_bind_key is ABI");

struct ovn_mac_bind {
	__u8 mac[6];
	__u8 is_static;		/* from Static_MAC_Binding */
	__u8 pad;
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_mac_bind) == 8, "ovn_mac_bind is ABI");

#ifndef OVN_MAX_MAC_BINDINGS
#define OVN_MAX_MAC_BINDINGS	65536
#endif

/*
 * OVN_OP_GET_MAC (get_arp/get_nd): src = offset of the port field (4
 * bytes), dst = offset of the IP, n = its length (4 or 16).  eth.dst = the
 * binding's MAC, or 00:00:00:00:00:00 without one; and flags.lookup_mac
 * says whether one was found (the _ip lookups use that).
 *
 * OVN_OP_LOOKUP_MAC (lookup_arp/lookup_nd): as GET_MAC for the key; arg
 * = offset of the MAC to compare.  flags.lookup_mac = 1 iff a binding
 * exists with that MAC; nothing else changes.
 */

/* put_arp(port, ip, mac) / put_nd(...) punt (OVN_OP_PUNT with
 * OVN_PUNT_F_CONTINUE): the event's opcode carries the action type in the
 * low byte and the context offsets of the three arguments above it, so
 * ovnbpfd reads them from the event's md/key (loader/punt_mac_binding.c). */
#define OVN_PUNT_MB_ARGS(type, port_off, ip_off, mac_off) \
	((__u32)(type) | (__u32)(port_off) << 8 | (__u32)(ip_off) << 16 | (__u32)(mac_off) << 24)
#define OVN_PUNT_MB_PORT(op)	(((op) >> 8) & 0xff)
#define OVN_PUNT_MB_IP(op)	(((op) >> 16) & 0xff)
#define OVN_PUNT_MB_MAC(op)	(((op) >> 24) & 0xff)

/*
 * OVN_OP_SELECT: one part of a select(): up to OVN_SELECT_PER_OP members.
 * A select with more members is several consecutive SELECT ops (highest
 * random weight is a max over members, so it splits); the last one writes
 * the winner and goes to the next table.
 *
 *   n          members in this op (1..4)
 *   value      per member: id, weight (__u16 host order each; weight 0:
 *              never chosen)
 *   mask       per member: its hash label (__u32 host order): what the
 *              member's score hashes instead of its id.  The compiler
 *              gives a next hop's member a label from what the member
 *              does (its next hop), not from its id, because northd
 *              renumbers members when one is removed: with labels, only
 *              the removed member's sources move.
 *   src_len    OVN_SELECT_F_* flags
 *   arg        fields hashed: OVN_SELECT_H_* bits
 *   dst, dst_len, dst_shift, src_shift:  result field container (big-endian,
 *              dst_len bytes at dst), bit offset and width of the result
 *   pipeline, table:  where the last part goes (OVN: the next table)
 */
#define OVN_SELECT_PER_OP	4

enum ovn_select_flag {
	OVN_SELECT_F_FIRST = 1 << 0,
	OVN_SELECT_F_LAST = 1 << 1,
};

/* Packet fields a select() hashes.  A field whose protocol the packet
 * does not carry is skipped (as OVS does with a prerequisite). */
enum ovn_select_hash_field {
	OVN_SELECT_H_ETH_SRC = 1 << 0,
	OVN_SELECT_H_ETH_DST = 1 << 1,
	OVN_SELECT_H_IP4_SRC = 1 << 2,
	OVN_SELECT_H_IP4_DST = 1 << 3,
	OVN_SELECT_H_IP6_SRC = 1 << 4,
	OVN_SELECT_H_IP6_DST = 1 << 5,
	OVN_SELECT_H_IP_PROTO = 1 << 6,
	OVN_SELECT_H_TP_SRC = 1 << 7,
	OVN_SELECT_H_TP_DST = 1 << 8,
};

/* Kube-OVN's default (fields=ip_src), with IPv6 hashed on its source too
 * rather than collapsing onto one member (DESIGN.md §3.6). */
#define OVN_SELECT_H_DEFAULT	(OVN_SELECT_H_IP4_SRC | OVN_SELECT_H_IP6_SRC)

#endif /* __OVNBPF_MAPS_ROUTER_H */
