/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Distributed gateway ports: output to a chassisredirect port.
 *
 * A logical router port with a gateway chassis ("P") gets a second
 * Port_Binding, "cr-P", of type chassisredirect, bound to the active
 * gateway chassis.  lr_in_gw_redirect sends traffic for P to cr-P; the
 * router's egress flows for P (undnat, snat, egr_loop) are written for
 * `outport == "P" && is_chassis_resident("cr-P")`.  On the gateway
 * chassis ovn-controller's local-output table replaces the outport cr-P
 * with P and runs the egress pipeline there, so NAT happens and the packet
 * leaves through P's peer.  On any other chassis the packet is tunnelled
 * to the gateway with outport cr-P (lib/encap.h, lib/state.h); without a
 * gateway chassis to tunnel to it is dropped here, counted as
 * DROP_GW_NOT_RESIDENT.
 *
 * The daemon writes cr-P's ovn_ports entry as OVN_PORT_REDIRECT with
 * peer_port = P's key, P's conntrack zone, and OVN_PORT_F_RESIDENT when
 * this chassis is the active gateway (loader/gateway.c).
 */
#pragma once

#include "lib/common.h"
#include "lib/maps.h"

/* Egress is about to start for chassisredirect port P (md.outport): make
 * the distributed port the outport.  Returns 0 or -DROP_*. */
static __always_inline int ovn_gw_redirect(struct ovn_ctx *c, const struct ovn_port *p)
{
	__u32 dist = p->peer_port;

	if (!(p->flags & OVN_PORT_F_RESIDENT))
		return -DROP_GW_NOT_RESIDENT;
	if (!dist || dist >= OVN_MC_KEY_MIN)
		return -DROP_GW_NO_DISTRIBUTED;
	/* OVN's loopback check runs after the swap: back out of the port
	 * it came in on only with flags.loopback. */
	if (dist == bpf_ntohl(c->md.inport) &&
	    !(bpf_ntohl(c->md.flags) & (1u << OVN_MLF_LOOPBACK)))
		return -DROP_LOOPBACK;
	c->md.outport = bpf_htonl(dist);
	return 0;
}
