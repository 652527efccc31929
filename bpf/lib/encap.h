/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Geneve tunnels, the sending side's decision (the wire format and the
 * map: maps/encap.h).  ovn-controller's remote-output table, done here:
 * when the ingress pipeline outputs to a port bound to another chassis (or
 * to a chassisredirect port whose gateway chassis is another one), the
 * packet is not run through the egress pipeline here; it is tunnelled to
 * that chassis with (datapath, inport, outport), and the egress runs there.
 * A multicast group sends one copy per remote chassis with members
 * (OVN_MC_CHASSIS members) with the group as outport.
 *
 * A packet that came from a tunnel is in "local output" only: its
 * multicast fan-out reaches local ports, never patch ports or other
 * chassis, and a unicast outport that is not here is dropped.  Once it
 * crosses a patch port it is a new ingress and may be tunnelled again
 * (a gateway chassis forwarding to a VIF elsewhere), as in OVN.
 *
 * The transmit step (lib/encap_xmit.h) and the receiving entry program
 * (lib/encap_rx.h) are separate: this header is needed early, by
 * lib/state.h.
 */
#pragma once

#include "lib/common.h"
#include "lib/maps.h"
#include "lib/trace.h"
#include "maps/encap.h"

/* ovn_chassis: chassis id -> tunnel endpoint; id 0 = this chassis and its
 * Geneve device.  Written by ovnbpfd (loader/encaps.c, loader/tunnel.c). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct ovn_chassis_ep);
	__uint(max_entries, OVN_MAX_CHASSIS);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ovn_chassis SEC(".maps");

/* Egress is about to start for md.outport, port P, which lives on chassis
 * P->chassis.  MC_MEMBER: P is a member of the group being fanned out
 * (the group's OVN_MC_CHASSIS members carry the remote copies, so the
 * port itself is skipped).  Returns 0 with the tunnel step next, or
 * -DROP_* (a multicast member: skipped). */
static __always_inline int ovn_tunnel_start(struct ovn_ctx *c, const struct ovn_port *p,
					    bool mc_member)
{
	if (mc_member)
		return -DROP_PORT_REMOTE;
	if (c->x.from_tunnel)
		return -DROP_TUN_NOT_LOCAL;
	if (!p->chassis)
		return -DROP_TUN_NO_ENDPOINT;
	c->x.tun_chassis = p->chassis;
	c->x.phase = OVN_PH_TUNNEL;
	return 0;
}

/* Multicast member VAL with OVN_MC_CHASSIS: one copy of the group's packet
 * to that chassis -- unless this packet came from a tunnel (local members
 * only) or is a trace (which runs every member's egress, as ovn-trace). */
static __always_inline long ovn_tunnel_mc(struct ovn_ctx *c, __u32 val)
{
	if (c->x.from_tunnel || ovn_trace_on)
		return 0;	/* next member */
	c->x.tun_chassis = val & OVN_MC_CHASSIS_MASK;
	c->x.phase = OVN_PH_TUNNEL;
	return 0;
}
