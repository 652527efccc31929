/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Logical ports as the datapath needs them: where a port key delivers
 * and the port's record of memberships (ovn_ports), which port a local
 * interface is (ovn_vifs), and the members of multicast groups
 * (ovn_mcgroups heads, ovn_mcpages members).
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
	OVN_PORT_REMOTE = 2,	/* on another chassis: tunnelled to .chassis
				 * (maps/encap.h, bpf/lib/encap.h) */
	OVN_PORT_REDIRECT = 3,	/* chassisredirect: peer_port = its distributed
				 * port (same datapath); egress runs there when
				 * OVN_PORT_F_RESIDENT (bpf/lib/gw_redirect.h) */
	OVN_PORT_LOCALNET = 4,	/* localnet port whose network is mapped here:
				 * ifindex = the mapped interface, tag = VLAN;
				 * with OVN_PORT_F_VIA_LOCALNET a port on another
				 * chassis reached through localnet port
				 * peer_port (maps/localnet.h) */
};

enum ovn_port_flag {
	OVN_PORT_F_NO_PEER = 1 << 0,
	OVN_PORT_F_RESIDENT = 1 << 1,	/* REDIRECT: this chassis is the gateway */
	/* Some of the port's memberships may be in the set maps (its record
	 * was full, or it had no ovn_ports entry yet): a record miss must
	 * ask ovn_set_hash / ovn_set_lpm.  Sticky: set by the writer before
	 * the first spilled member, kept until the entry is deleted. */
	OVN_PORT_F_SPILL = 1 << 2,
	OVN_PORT_F_VIA_LOCALNET = 1 << 3,	/* LOCALNET: see above */
};

/*
 * The port record (session 5, h-prec): the memberships of a port that set
 * tests ask about, kept in the port's own ovn_ports value instead of one
 * set-map entry each -- one entry per port, shared by every lookup that
 * needs the port's data:
 *
 *   GROUP  the port belongs to set SET_ID: a port group tested as
 *          `inport == @pg` / `outport == @pg`, or a port-security class
 *          set (loader/port_security.c);
 *   ADDR   V/PLEN is one of the port's own addresses: its port-security
 *          MAC, IPv4 and IPv6 addresses (CIDRs) and link-local address,
 *          what the per-port sets of OVN_SET_T_BY_INPORT/OUTPORT held.
 *
 * A set test with OVN_SET_T_PORT_REC (maps/pipeline.h) reads the record of
 * the port it is about; a miss falls back to the set maps only when the
 * port has OVN_PORT_F_SPILL.  Members carry versions exactly as set
 * members do (visible to a packet of version V iff add_ver <= V <
 * rm_ver), so membership changes become visible with the commit of their
 * batch, atomically with the flows.  The writer (maps/ovnbpf_maps.c,
 * ovnbpf_port_member_add/del) replaces the whole value in one update; a
 * removed member keeps its slot until the grace period after the commit
 * that hid it.  A free slot has kind 0 and add_ver = rm_ver = 0 (never
 * visible).  ovnbpf_port_add() keeps the members and the SPILL bit of an
 * existing entry: only the member calls change them.
 */
enum ovn_port_member_kind {
	OVN_PM_FREE = 0,
	OVN_PM_GROUP = 1,
	OVN_PM_ADDR = 2,
};

/* ovn_port_member.wflags: the writer's own bookkeeping, ignored by the
 * datapath. */
#define OVN_PM_W_ADOPTED	1	/* left by a previous writer, not yet re-added */

struct ovn_port_member {
	__u32 add_ver;
	__u32 rm_ver;
	__u8 kind;		/* enum ovn_port_member_kind */
	__u8 len;		/* ADDR: value bytes (4, 6 or 16) */
	__u8 plen;		/* ADDR: prefix bits; len * 8 = exact */
	__u8 wflags;
	union {
		__u8 v[16];	/* ADDR: the value, big-endian, host bits clear */
		__u32 set_id;	/* GROUP: the set id, host order */
	};
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_port_member) == 28, "ovn_port_member is ABI");

#define OVN_PORT_MEMBERS	8

/* ovn_ports key: (datapath key, port key), host order. */
struct ovn_port_key {
	__u32 dp;
	__u32 port;
};

struct ovn_port {
	__u32 ifindex;		/* VIF: host side of the veth */
	__u8 type;		/* enum ovn_port_type */
	__u8 flags;		/* enum ovn_port_flag */
	__u16 tag;		/* LOCALNET: VLAN ID to push, 0 = untagged */
	__u32 peer_dp;		/* PATCH: peer datapath key */
	__u32 peer_port;	/* PATCH: peer port key; REDIRECT: distributed port key */
	__u32 ct_zone;		/* reg13 when this port is inport/outport */
	__u32 chassis;		/* REMOTE, REDIRECT not resident: ovn_chassis id
				 * of the chassis to tunnel to (0: none) */
	struct ovn_port_member member[OVN_PORT_MEMBERS];	/* the port record */
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_port) == 24 + 28 * OVN_PORT_MEMBERS, "ovn_port is ABI");

/* ovn_vifs: ifindex of a host-side veth -> its logical port. */
struct ovn_vif {
	__u32 dp;
	__u32 port;
	__u32 ct_zone;
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_vif) == 12, "ovn_vif is ABI");

/* Multicast group keys are >= 32768 (OVN); unicast port keys below. */
#define OVN_MC_KEY_MIN		32768

/*
 * A multicast group (SB Multicast_Group) of any size up to
 * OVN_MC_MAX_MEMBERS: a head in ovn_mcgroups, keyed (dp, group key), says
 * how many members there are and under which generation their pages are;
 * the members are in ovn_mcpages, OVN_MC_PAGE_PORTS to a page, keyed
 * (dp, group key, generation, page number).
 *
 * No packet sees a half-written group: the writer puts a changed group's
 * pages under a new generation (never reused by that writer), then
 * replaces the head in one update; the fan-out reads the head once and
 * then only pages of that generation.  The old pages are deleted after a
 * grace period (a fan-out that read the old head finishes with them).
 *
 * A group with more members than OVN_MC_MAX_MEMBERS is cut there, and
 * never silently: the writer reports -E2BIG, the head keeps the true
 * count, and every packet flooded on it counts DROP_MC_TOO_BIG once.
 */
#define OVN_MC_PAGE_PORTS	64
#define OVN_MC_MAX_PAGES	128
#define OVN_MC_MAX_MEMBERS	(OVN_MC_PAGE_PORTS * OVN_MC_MAX_PAGES)	/* 8192 */

struct ovn_mcgroup {
	__u32 n;		/* members (may exceed OVN_MC_MAX_MEMBERS) */
	__u32 gen;		/* generation of the pages; never 0 */
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_mcgroup) == 8, "ovn_mcgroup is ABI");

struct ovn_mcpage_key {
	__u32 dp;
	__u32 group;
	__u32 gen;
	__u32 page;		/* members page * 64 .. page * 64 + n - 1 */
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_mcpage_key) == 16, "ovn_mcpage_key is ABI");

struct ovn_mcpage {
	__u32 n;
	__u32 port[OVN_MC_PAGE_PORTS];	/* member port keys, same datapath */
};
__OVNBPF_STATIC_ASSERT(sizeof(struct ovn_mcpage) == 4 + 4 * OVN_MC_PAGE_PORTS, "ovn_mcpage is ABI");

#ifndef OVN_MAX_PORTS
#define OVN_MAX_PORTS		65536
#endif
#ifndef OVN_MAX_MCGROUPS
#define OVN_MAX_MCGROUPS	8192
#endif
/* Pages of all groups, including those of replaced generations waiting
 * out their grace period. */
#ifndef OVN_MAX_MCPAGES
#define OVN_MAX_MCPAGES		65536
#endif

#endif /* __OVNBPF_MAPS_PORTS_H */
