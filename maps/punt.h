/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Packets for the control plane: OVN actions that ovn-controller would
 * send to pinctrl (put_arp, put_dhcp_opts, dns_lookup, log, ...) are
 * punted to ovnbpfd over the ovn_punt ring buffer, rate limited by a
 * per-CPU token bucket per meter (ovn_meters).
 */
#ifndef __OVNBPF_MAPS_PUNT_H
#define __OVNBPF_MAPS_PUNT_H

#include "maps/abi.h"
#include "maps/context.h"

#define OVN_PUNT_SNAPLEN	512

/* One ring buffer record: the logical state at the punt and the head of
 * the packet as it was when it entered (header rewrites not applied). */
struct ovn_punt_event {
	__u32 opcode;		/* ovn_op.arg of the PUNT op */
	__u32 flow;		/* flow id that punted */
	__u32 pkt_len;		/* length of the whole packet */
	__u32 cap_len;		/* bytes in pkt[] */
	struct ovn_md md;	/* registers, ports, flags at the punt */
	struct ovn_flow_key key;	/* fields, with rewrites so far */
	__u8 pkt[OVN_PUNT_SNAPLEN];
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_punt_event) == 16 + 128 + 128 + OVN_PUNT_SNAPLEN,
		       "ovn_punt_event is ABI");

/* ovn_meters (PERCPU_ARRAY): the daemon writes rate/burst in every CPU's
 * copy; BPF keeps tokens/last_ns.  rate_pps = 0 means "no punts". */
struct ovn_meter {
	__u32 rate_pps;		/* per CPU */
	__u32 burst;
	__u64 tokens;		/* in 1/1e9 packet units */
	__u64 last_ns;
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_meter) == 24, "ovn_meter is ABI");

#define OVN_MAX_METERS		256
#define OVN_METER_DEFAULT	0
#define OVN_PUNT_RINGBUF	(1 << 20)

#endif /* __OVNBPF_MAPS_PUNT_H */
