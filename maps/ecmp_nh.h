/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ECMP symmetric reply (`ovn-nbctl --ecmp-symmetric-reply lr-route-add`):
 * the next-hop memory behind commit_ecmp_nh(), chk_ecmp_nh() and
 * chk_ecmp_nh_mac().
 *
 * northd 23.03 (gateway routers only) sends a packet that arrives on the
 * route's port from the route's prefix through
 *   lr_in_defrag         reg9[5] = chk_ecmp_nh_mac(); ct_next;
 *   lr_in_ecmp_stateful  ct_commit { ct_label.ecmp_reply_eth = eth.src;
 *                        ct_mark.ecmp_reply_port = K; };
 *                        commit_ecmp_nh(ipv6 = B, proto = P); next;
 *                        (new connections, and established ones whose
 *                        reg9[5] is 0: the next hop is not known)
 * and a packet towards the prefix through
 *   lr_in_defrag         reg9[5] = chk_ecmp_nh(); ct_next;
 *   lr_in_ip_routing     ct.rpl && reg9[5] == 1 &&
 *                        ct_mark.ecmp_reply_port == K -> out port K
 *   lr_in_arp_resolve    eth.dst = ct_label.ecmp_reply_eth
 * so a reply leaves by the next hop its connection came in from, whatever
 * the ECMP hash would choose.
 *
 * ovn-controller implements commit_ecmp_nh with two OpenFlow learn()
 * actions (tables OFTABLE_ECMP_NH_MAC and OFTABLE_ECMP_NH, idle timeout
 * 20 s, hard timeout 30 s); here they are two kinds of entry of one LRU
 * hash, ovn_ecmp_nh:
 *
 *   OVN_ECMP_NH_K_MAC    (datapath, eth.src, the packet's 5-tuple): the
 *                        connection is known to come from this MAC;
 *   OVN_ECMP_NH_K_REPLY  (datapath, the reversed 5-tuple): a reply of the
 *                        connection has a known next hop.
 *
 * chk_ecmp_nh_mac() looks the packet up as a MAC entry, chk_ecmp_nh() as
 * a REPLY entry; both write 1 to their result (and flags bit
 * lookup_commit_ecmp_nh, as OVS does) only for an entry within its
 * timeouts.  A lookup refreshes the idle time, commit_ecmp_nh() both.
 * The tuple is that of the packet: IPv4/IPv6 addresses (as ct keys: IPv4
 * in the first 4 bytes), protocol and TCP/UDP/SCTP ports.
 *
 * Written by BPF only (bpf/lib/ecmp_nh.h): entries past their timeouts
 * are ignored and replaced; the LRU evicts the rest.  OVS also deletes the
 * learned flows when the learning flow goes (a route removed); here they
 * time out within OVN_ECMP_NH_HARD_S.
 */
#ifndef __OVNBPF_MAPS_ECMP_NH_H
#define __OVNBPF_MAPS_ECMP_NH_H

#include "maps/abi.h"

#ifndef OVN_ECMP_NH_MAX
#define OVN_ECMP_NH_MAX		65536
#endif

/* OVS learn() timeouts of commit_ecmp_nh, in seconds. */
#define OVN_ECMP_NH_IDLE_S	20
#define OVN_ECMP_NH_HARD_S	30

enum ovn_ecmp_nh_kind {
	OVN_ECMP_NH_K_REPLY = 0,	/* chk_ecmp_nh() */
	OVN_ECMP_NH_K_MAC = 1,		/* chk_ecmp_nh_mac() */
};

struct ovn_ecmp_nh_key {
	__u32 dp;		/* datapath tunnel key, host order */
	__u8 kind;		/* enum ovn_ecmp_nh_kind */
	__u8 family;		/* 4 or 6 */
	__u8 proto;		/* IP protocol */
	__u8 pad;
	__u8 eth_src[6];	/* K_MAC: the next hop's MAC; K_REPLY: 0 */
	__be16 sport;
	__be16 dport;
	__u8 pad2[2];
	__u8 src[16];		/* IPv4: first 4 bytes */
	__u8 dst[16];
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_ecmp_nh_key) == 52, "ovn_ecmp_nh_key is ABI");

struct ovn_ecmp_nh {
	__u64 created_ns;	/* last commit: hard timeout counts from here */
	__u64 used_ns;		/* last commit or hit: idle timeout */
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_ecmp_nh) == 16, "ovn_ecmp_nh is ABI");

/*
 * OVN_OP_CHK_ECMP_NH: R = chk_ecmp_nh() (n = OVN_ECMP_NH_K_REPLY) or
 * chk_ecmp_nh_mac() (n = OVN_ECMP_NH_K_MAC).  R is one bit: dst_shift of
 * the big-endian container of dst_len bytes at dst (as MOVE_BITS).
 * `ovnbpfctl trace` leaves R as it is, as ovn-trace does.
 *
 * OVN_OP_COMMIT_ECMP_NH: commit_ecmp_nh(ipv6 = n == 6, proto = arg):
 * remember both entries for the packet, if it is of that family and
 * protocol (OVS's learn() would find the fields absent otherwise).
 */

#endif /* __OVNBPF_MAPS_ECMP_NH_H */
