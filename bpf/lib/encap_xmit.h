/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The tunnel step (OVN_PH_TUNNEL, chosen by lib/encap.h): write the
 * headers back, put the Geneve metadata (VNI = datapath key, OVN's option
 * with inport and outport: maps/encap.h) on the packet and redirect it to
 * this chassis's Geneve device, which encapsulates it toward the chassis's
 * endpoint.  Inside a multicast fan-out or a clone the packet goes on, so
 * a copy is sent (bpf_clone_redirect); otherwise the packet itself.
 *
 * The Geneve device has no queue: bpf_clone_redirect() transmits the copy
 * before it returns, so the per-CPU tunnel metadata that the next copy
 * rewrites has been read by then.
 */
#pragma once

#include "lib/state.h"
#include "lib/writeback.h"
#include "lib/cache.h"
#include "lib/output.h"

/* Put the tunnel metadata for endpoint EP on SKB.  Returns 0 or -DROP_*.
 * Out of line: its locals stay off ovn_step's frame. */
static __noinline int ovn_tunnel_set(struct __sk_buff *skb, const struct ovn_ctx *c,
					  const struct ovn_chassis_ep *ep)
{
	struct bpf_tunnel_key k;
	struct ovn_geneve_opt o = {
		.opt_class = bpf_htons(OVN_GENEVE_CLASS),
		.type = OVN_GENEVE_TYPE,
		.len = OVN_GENEVE_LEN / 4,
		.data = bpf_htonl(OVN_GENEVE_OPT_VAL(bpf_ntohl(c->md.inport),
						     bpf_ntohl(c->md.outport))),
	};
	__u64 flags = 0;

	__builtin_memset(&k, 0, sizeof(k));
	k.tunnel_id = c->x.dp_key & 0xffffff;
	k.tunnel_ttl = 64;
	if (ep->af == 6) {
		/* IPv6 endpoints go in as bytes, IPv4 in host order. */
		__builtin_memcpy(k.remote_ipv6, ep->ip6, 16);
		flags = BPF_F_TUNINFO_IPV6;
	} else if (ep->af == 4) {
		k.remote_ipv4 = bpf_ntohl(ep->ip4);
	} else {
		return -DROP_TUN_NO_ENDPOINT;
	}
	if (bpf_skb_set_tunnel_key(skb, &k, sizeof(k), flags))
		return -DROP_TUN_SET_FAILED;
	if (bpf_skb_set_tunnel_opt(skb, &o, sizeof(o)))
		return -DROP_TUN_SET_FAILED;
	return 0;
}

static __always_inline long ovn_tunnel_xmit(struct ovn_loop *lc)
{
	struct ovn_ctx *c = lc->c;
	__u32 zero = OVN_CHASSIS_LOCAL, id = c->x.tun_chassis;
	struct ovn_chassis_ep *dev, *ep;
	__u32 port = bpf_ntohl(c->md.outport);
	int ret;

	/* The cache replays local deliveries only. */
	ovn_cache_forbid(c);
	dev = bpf_map_lookup_elem(&ovn_chassis, &zero);
	if (!dev || !dev->ifindex)
		return ovn_end(c, DROP_TUN_NO_DEVICE);
	ep = id ? bpf_map_lookup_elem(&ovn_chassis, &id) : NULL;
	if (!ep)
		return ovn_end(c, DROP_TUN_NO_ENDPOINT);
	ret = ovn_writeback(lc->skb, c);
	if (ret)
		return ovn_end(c, ovn_wb_drop(ret));
	ret = ovn_tunnel_set(lc->skb, c, ep);
	if (ret)
		return ovn_end(c, -ret);
	if (c->x.in_mc || c->clone.active || c->clone.resumed) {
		ret = bpf_clone_redirect(lc->skb, dev->ifindex, 0);
		ovn_log_output(c, port, dev->ifindex, ret);
		if (ovn_clone_innermost(c))
			return ovn_clone_done(c);
		if (!c->x.in_mc) {
			c->x.verdict = TC_ACT_SHOT;
			c->x.drop_reason = ret ? DROP_REDIRECT : DROP_NONE;
			c->x.phase = OVN_PH_DONE;
			return 1;
		}
		if (!ret)
			c->x.mc_sent++;
		c->x.phase = OVN_PH_MC_NEXT;
		return 0;
	}
	ret = bpf_redirect(dev->ifindex, 0);
	ovn_log_output(c, port, dev->ifindex, ret);
	c->x.verdict = ret;
	c->x.drop_reason = ret == TC_ACT_REDIRECT ? DROP_NONE : DROP_REDIRECT;
	c->x.phase = OVN_PH_DONE;
	return 1;
}
