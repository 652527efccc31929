/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Logical ports as the datapath needs them: where a port key delivers
 * (ovn_ports), which port a local interface is (ovn_vifs), and the members
 * of multicast groups (ovn_mcgroups).
 *
 * Delivery to a local VIF: the entry program runs at tc ingress of the
 * host-side veth of the sending pod.  A unicast packet for a local VIF is
 * handed with bpf_redirect_peer() to the pod side of the destination veth
 * (straight into the pod's netns, no second pass through the host veth);
 * multicast copies use bpf_clone_redirect() to the egress of the host-side
 * veth (the pod receives them the same way); packets whose protocol was
 * rewritten (arp {}) use bpf_redirect() to the egress of the host-side veth
 * so that the peer re-reads the ethertype.  OVN_PORT_F_NO_PEER forces
 * bpf_redirect() for a port.
 */
#ifndef __OVNBPF_MAPS_PORTS_H
#define __OVNBPF_MAPS_PORTS_H

#include "maps/abi.h"

enum ovn_port_type {
	OVN_PORT_VIF = 0,	/* local interface: ifindex = host-side veth */
	OVN_PORT_PATCH = 1,	/* enters peer_dp's ingress as peer_port */
	OVN_PORT_REMOTE = 2,	/* on another chassis (tunnel, later) */
	OVN_PORT_REDIRECT = 3,	/* chassisredirect: peer_port = its distributed
				 * port (same datapath); egress runs there when
				 * OVN_PORT_F_RESIDENT (bpf/lib/gw_redirect.h) */
};

enum ovn_port_flag {
	OVN_PORT_F_NO_PEER = 1 << 0,
	OVN_PORT_F_RESIDENT = 1 << 1,	/* REDIRECT: this chassis is the gateway */
};

/* ovn_ports key: (datapath key, port key), host order. */
struct ovn_port_key {
	__u32 dp;
	__u32 port;
};

struct ovn_port {
	__u32 ifindex;		/* VIF: host side of the veth */
	__u8 type;		/* enum ovn_port_type */
	__u8 flags;		/* enum ovn_port_flag */
	__u16 pad;
	__u32 peer_dp;		/* PATCH: peer datapath key */
	__u32 peer_port;	/* PATCH: peer port key; REDIRECT: distributed port key */
	__u32 ct_zone;		/* reg13 when this port is inport/outport */
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_port) == 20, "ovn_port is ABI");

/* ovn_vifs: ifindex of a host-side veth -> its logical port. */
struct ovn_vif {
	__u32 dp;
	__u32 port;
	__u32 ct_zone;
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_vif) == 12, "ovn_vif is ABI");

/* Multicast group keys are >= 32768 (OVN); unicast port keys below. */
#define OVN_MC_KEY_MIN		32768
#define OVN_MC_MAX_PORTS	64

struct ovn_mcgroup {
	__u32 n;
	__u32 port[OVN_MC_MAX_PORTS];	/* member port keys, same datapath */
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_mcgroup) == 4 + 4 * OVN_MC_MAX_PORTS, "ovn_mcgroup is ABI");

#ifndef OVN_MAX_PORTS
#define OVN_MAX_PORTS		65536
#endif
#ifndef OVN_MAX_MCGROUPS
#define OVN_MAX_MCGROUPS	8192
#endif

#endif /* __OVNBPF_MAPS_PORTS_H */
