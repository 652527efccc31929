/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Load-balancer session affinity (Load_Balancer options:affinity_timeout):
 * what ovn-controller does with OpenFlow learn into its table 78, as one
 * BPF map.
 *
 *   commit_lb_aff(vip = "V[:VP]", backend = "B[:BP]"[, proto = P],
 *                 timeout = T)
 *       remembers (datapath, client = ip.src, V, P, VP) -> (B, BP) for T
 *       seconds of idleness;
 *   R = chk_lb_aff()
 *       looks the packet up by (datapath, ip.src, ip.dst, ip.proto,
 *       L4 dst port) -- and, failing that, without protocol and port, the
 *       key of a VIP without a port -- and on a hit loads B into reg4
 *       (IPv4) or xxreg0 (IPv6 on a switch) / xxreg1 (IPv6 on a router),
 *       BP into reg8[0..15] when the VIP has a port, sets
 *       flags.use_lb_aff_session and R = 1; a hit refreshes the entry (OVS's
 *       idle_timeout counts from the last packet that hit the learned flow).
 *
 * Written by BPF only (commit_lb_aff); expired entries are ignored and
 * overwritten, the LRU evicts the oldest when the map is full.
 */
#ifndef __OVNBPF_MAPS_LB_AFF_H
#define __OVNBPF_MAPS_LB_AFF_H

#include "maps/abi.h"

#ifndef OVN_LB_AFF_MAX
#define OVN_LB_AFF_MAX		65536
#endif

struct ovn_lb_aff_key {
	__u32 dp;		/* datapath tunnel key (host order) */
	__u8 family;		/* 4 or 6 */
	__u8 proto;		/* IP protocol, 0: VIP without a port */
	__be16 vip_port;	/* 0: VIP without a port */
	__u8 client[16];	/* ip.src; IPv4 in the first 4 bytes */
	__u8 vip[16];
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_lb_aff_key) == 40, "ovn_lb_aff_key is ABI");

struct ovn_lb_aff_val {
	__u8 backend[16];
	__be16 backend_port;	/* 0: not loaded (VIP without a port) */
	__u16 reg_off;		/* context offset the backend IP is loaded at */
	__u32 timeout_s;
	__u64 last_ns;		/* bpf_ktime_get_ns() of the commit / last hit */
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_lb_aff_val) == 32, "ovn_lb_aff_val is ABI");

#endif /* __OVNBPF_MAPS_LB_AFF_H */
