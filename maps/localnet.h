/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Localnet ports: OVN's provider networks, reached through a Linux
 * interface of this node (ovnbpfd --bridge-mappings=NET:IFACE, the
 * equivalent of ovn-controller's ovn-bridge-mappings=NET:BRIDGE).
 *
 * From the physical network (ovnbpf_from_phys at tc ingress of IFACE): a
 * frame enters the localnet port of one of the local switches whose
 * options:network_name is mapped to IFACE and whose Port_Binding.tag is
 * the frame's VLAN ID -- an untagged frame (or a priority-tagged one, VLAN
 * ID 0) the port without a tag.  The tag is stripped, and the switch's
 * ingress pipeline runs with that port as inport.  A frame for no
 * localnet port goes on to the host stack untouched (TC_ACT_OK): the node
 * keeps its own connectivity on that interface.
 *
 * To the physical network: output to an OVN_PORT_LOCALNET port pushes its
 * tag (if any) and sends the frame out of IFACE.  A port of a switch with
 * a mapped localnet port that is bound to another chassis is reached
 * through the localnet port (OVN_PORT_F_VIA_LOCALNET, as ovn-controller's
 * PORT_LOCALNET access); a unicast frame that came from that localnet port
 * is not sent back out to it.
 */
#ifndef __OVNBPF_MAPS_LOCALNET_H
#define __OVNBPF_MAPS_LOCALNET_H

#include "maps/abi.h"

/* ovn_localnet key: the mapped interface and the VLAN ID (0: untagged). */
struct ovn_localnet_key {
	__u32 ifindex;
	__u32 vlan;
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_localnet_key) == 8, "ovn_localnet_key is ABI");

/* ovn_localnet value: the localnet port a frame enters. */
struct ovn_localnet {
	__u32 dp;		/* its datapath's tunnel key */
	__u32 port;		/* its tunnel key */
	__u32 ct_zone;		/* reg13 while it is the inport */
	__u8 dev_mac[6];	/* the device's own MAC: frames to it are the host's */
	__u16 pad;
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_localnet) == 20, "ovn_localnet is ABI");

/*
 * The host keeps its connectivity on a mapped device, as an OVS bridge's
 * LOCAL port would: a frame to the device's own MAC goes to the host stack
 * only, and a broadcast or multicast frame that enters a localnet port
 * reaches the host stack too -- a copy is sent back into the device's
 * ingress with this skb->mark bit, which the entry program clears before
 * passing the copy on (TC_ACT_OK).  Frames from the wire carry no mark at
 * tc ingress.
 */
#define OVN_LN_HOST_MARK	0x08000000u

#define OVN_MAX_LOCALNET	4096

#endif /* __OVNBPF_MAPS_LOCALNET_H */
