/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Load-balancer hairpin data (bpf/lib/lb_hairpin.h), what ovn-controller
 * turns SB Load_Balancer rows into for OpenFlow tables 68-70:
 *
 *   OVN_LBH_BACKEND  (a1 = VIP, p1 = VIP port, a2 = backend, p2 = its
 *                    port, proto; ports and proto 0 for a VIP without a
 *                    port): chk_lb_hairpin() is 1 for a load-balanced
 *                    packet from the backend to itself, for that VIP.
 *   OVN_LBH_SNAT     (dp, a1 = VIP, p1 = VIP port, proto; dp 0 = every
 *                    datapath, ports/proto 0 = any): ct_snat_to_vip SNATs
 *                    to value.addr -- the VIP, or the Load_Balancer's
 *                    hairpin_snat_ip (then per datapath of the LB).
 *   OVN_LBH_REPLY    (a1 = backend, a2 = the SNAT address, p2 = backend
 *                    port, proto; 0/0: any): chk_lb_hairpin_reply() is 1
 *                    for the backend's replies to a hairpinned packet.
 *
 * ovn-controller learns the reply match per datapath from the first
 * hairpinned packet; every other field of it is the LB's configuration,
 * so ovnbpfd writes it up front, for every datapath.
 *
 * Addresses are big-endian, IPv4 in the first 4 bytes of 16.
 */
#ifndef __OVNBPF_MAPS_LB_H
#define __OVNBPF_MAPS_LB_H

#include "maps/abi.h"

#ifndef OVN_LB_HAIRPIN_MAX
#define OVN_LB_HAIRPIN_MAX	65536
#endif

enum ovn_lbh_kind {
	OVN_LBH_BACKEND = 1,
	OVN_LBH_SNAT = 2,
	OVN_LBH_REPLY = 3,
};

struct ovn_lbh_key {
	__u8 kind;		/* enum ovn_lbh_kind */
	__u8 family;		/* 4 or 6 */
	__u8 proto;		/* IP protocol, 0 = any */
	__u8 pad;
	__u32 dp;		/* OVN_LBH_SNAT: datapath key, 0 = any */
	__be16 p1;
	__be16 p2;
	__u8 a1[16];
	__u8 a2[16];
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_lbh_key) == 44, "ovn_lbh_key is ABI");

struct ovn_lbh_val {
	__u8 addr[16];		/* OVN_LBH_SNAT: the source to SNAT to */
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_lbh_val) == 16, "ovn_lbh_val is ABI");

#endif /* __OVNBPF_MAPS_LB_H */
