/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Localnet ports (maps/localnet.h): which localnet port a frame from a
 * mapped interface enters, and the switch of a port on another chassis
 * to the localnet port that reaches it.  Delivery out of the interface is
 * lib/localnet_out.h.
 */
#pragma once

#include "lib/common.h"
#include "lib/maps.h"
#include "maps/localnet.h"

/* ovn_localnet: (mapped interface, VLAN ID) -> the localnet port frames
 * with that tag enter.  Written by ovnbpfd (loader/localnet.c) from the
 * local switches' localnet ports and --bridge-mappings. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct ovn_localnet_key);
	__type(value, struct ovn_localnet);
	__uint(max_entries, OVN_MAX_LOCALNET);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ovn_localnet SEC(".maps");

/* What ovn_ln_select() decided for a frame from the physical network. */
enum ovn_ln_verdict {
	OVN_LN_OURS = 0,	/* *out is the localnet port; its tag is gone */
	OVN_LN_HOST = 1,	/* not ours: the host stack gets it untouched */
};

static __always_inline bool ovn_ln_is_vlan(__be16 proto)
{
	return proto == bpf_htons(ETH_P_8021Q) || proto == bpf_htons(ETH_P_8021AD);
}

/*
 * A frame arrived on a mapped interface: the localnet port it enters, by
 * the interface and the VLAN ID (the kernel has moved an 802.1Q/802.1ad
 * tag out of the frame into skb->vlan_tci before tc ingress).  Frames too
 * short for Ethernet and frames with a second tag (no localnet port
 * matches a stack of tags) go to the host, counted by the caller under
 * *reason (0: not counted).  Returns enum ovn_ln_verdict, or -DROP_*
 * when the tag could not be removed.
 */
static __always_inline int ovn_ln_select(struct __sk_buff *skb, struct ovn_localnet *out,
					 __u32 *reason)
{
	struct ovn_localnet_key k = { .ifindex = skb->ifindex };
	struct ovn_localnet *ln;
	bool tagged = false;
	__u8 dst[6];

	/* The host's copy of a broadcast (below), back again. */
	if (skb->mark & OVN_LN_HOST_MARK) {
		skb->mark &= ~OVN_LN_HOST_MARK;
		*reason = 0;
		return OVN_LN_HOST;
	}
	if (skb->len < ETH_HLEN)
		goto malformed;
	/* VLAN ID 0 is a priority tag: the untagged port's, as OVS's
	 * dl_vlan=0 match in ovn-controller's table 0.  The tag is in
	 * skb->vlan_tci after the kernel's receive path, still in the frame
	 * when it came some other way (a test run); a second tag behind it
	 * matches no localnet port. */
	if (skb->vlan_present) {
		if (ovn_ln_is_vlan(skb->protocol))
			goto malformed;
		k.vlan = skb->vlan_tci & 0x0fff;
	} else if (ovn_ln_is_vlan(skb->protocol)) {
		__be16 tag[2];

		if (bpf_skb_load_bytes(skb, ETH_HLEN, tag, sizeof(tag)) || ovn_ln_is_vlan(tag[1]))
			goto malformed;
		k.vlan = bpf_ntohs(tag[0]) & 0x0fff;
		tagged = true;
	}
	ln = bpf_map_lookup_elem(&ovn_localnet, &k);
	if (!ln) {
		*reason = DROP_LN_TO_HOST;
		return OVN_LN_HOST;
	}
	*out = *ln;
	if (bpf_skb_load_bytes(skb, 0, dst, sizeof(dst)))
		goto malformed;
	if (dst[0] == ln->dev_mac[0] && dst[1] == ln->dev_mac[1] && dst[2] == ln->dev_mac[2] &&
	    dst[3] == ln->dev_mac[3] && dst[4] == ln->dev_mac[4] && dst[5] == ln->dev_mac[5]) {
		*reason = DROP_LN_TO_HOST;
		return OVN_LN_HOST;
	}
	if (dst[0] & 1) {
		__u32 mark = skb->mark;

		skb->mark = mark | OVN_LN_HOST_MARK;
		bpf_clone_redirect(skb, skb->ifindex, BPF_F_INGRESS);
		skb->mark = mark;
	}
	if ((skb->vlan_present || tagged) && bpf_skb_vlan_pop(skb))
		return -DROP_LN_VLAN;
	return OVN_LN_OURS;
malformed:
	*reason = DROP_LN_MALFORMED;
	return OVN_LN_HOST;
}

/*
 * Egress toward a port of another chassis on a switch with a mapped
 * localnet port (OVN_PORT_F_VIA_LOCALNET): as ovn-controller's table 40,
 * the outport becomes the localnet port, whose egress runs.  The
 * loopback rule applies to the new outport, so a frame that came from
 * the localnet port is not sent back out to it.  A flood skips such
 * members: the localnet port is a member of its own and carries the
 * frame once.  *PK and *PP are switched to the localnet port.
 */
static __always_inline int ovn_ln_via(struct ovn_ctx *c, struct ovn_port_key *pk,
				      struct ovn_port **pp)
{
	struct ovn_port *ln;

	if (c->x.in_mc)
		return -DROP_PORT_REMOTE;
	pk->port = (*pp)->peer_port;
	ln = bpf_map_lookup_elem(&ovn_ports, pk);
	if (!ln || ln->type != OVN_PORT_LOCALNET || (ln->flags & OVN_PORT_F_VIA_LOCALNET))
		return -DROP_LN_NO_PORT;
	if (bpf_htonl(pk->port) == c->md.inport &&
	    !(bpf_ntohl(c->md.flags) & (1u << OVN_MLF_LOOPBACK)))
		return -DROP_LN_LOOP;
	c->md.outport = bpf_htonl(pk->port);
	*pp = ln;
	return 0;
}
